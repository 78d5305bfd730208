//! Service requests (企业诉求): a difficulty an investor meets, recorded by
//! staff, handed to a department (and optionally a staff member) with a due
//! date, and walked OPEN → ACCEPTED (受理) → RESOLVED (办结) → CLOSED (销号,
//! with the enterprise's satisfaction; DISSATISFIED reopens it to ACCEPTED).
//! A request not RESOLVED or CLOSED after its due date is overdue. Every move
//! and handover is history (from, to, who, when, note). Staff only.

use chrono::{Duration, NaiveDate};
use entity::enums::{Satisfaction, ServiceRequestCategory, ServiceRequestStatus as Status};
use entity::{project, service_request, service_request_change};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::SimpleExpr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
};
use serde::Serialize;

use super::filter::{all, eq, gte, lte, search};
use super::listing::{ChildList, children_by};
use super::pagination::{Direction, Ordering, SortKey};
use super::refs::{Ref, check_refs};
use super::tx::{content_hash, finish, load, locked, now, start};
use super::write::{Actor, Noun, Problem, WriteResult, refuse};
use crate::domain::text::fold;

/// The statuses in which a request can be overdue: not yet resolved.
pub const PENDING: [Status; 2] = [Status::Open, Status::Accepted];

/// Whether a request is overdue on `today` (the office's date).
pub fn is_overdue(r: &service_request::Model, today: NaiveDate) -> bool {
    PENDING.contains(&r.status) && r.due_on < today
}

/// The SQL of [`is_overdue`] (or of its negation).
pub fn overdue(today: NaiveDate, overdue: bool) -> SimpleExpr {
    use service_request::Column as C;
    let late = Condition::all().add(C::Status.is_in(PENDING)).add(C::DueOn.lt(today));
    if overdue { late.into() } else { Condition::not(late).into() }
}

#[derive(Debug, Default, Clone)]
pub struct RequestFilter {
    pub search: Option<String>,
    pub department_id: Option<i64>,
    pub enterprise_id: Option<i64>,
    pub project_id: Option<i64>,
    pub status: Option<Status>,
    pub category: Option<ServiceRequestCategory>,
    pub is_overdue: Option<bool>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
}

/// The filter's condition, overdue reckoned from `today`.
pub fn condition(f: &RequestFilter, today: NaiveDate) -> Option<Condition> {
    use service_request::Column as C;
    Some(all([
        search(C::SearchName, f.search.as_deref()),
        eq(C::DepartmentId, f.department_id),
        eq(C::EnterpriseId, f.enterprise_id),
        eq(C::ProjectId, f.project_id),
        eq(C::Status, f.status),
        eq(C::Category, f.category),
        f.is_overdue.map(|o| overdue(today, o)),
        gte(C::DueOn, f.due_from),
        lte(C::DueOn, f.due_to),
    ]))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestOrderField {
    CreatedAt,
    DueOn,
}

pub fn ordering(field: RequestOrderField, direction: Direction) -> Ordering<service_request::Entity> {
    use service_request::{Column, Model};
    match field {
        RequestOrderField::CreatedAt => Ordering {
            name: "CREATED_AT",
            column: Column::CreatedAt,
            direction,
            key: |m: &Model| SortKey::Time(m.created_at),
        },
        RequestOrderField::DueOn => {
            Ordering { name: "DUE_ON", column: Column::DueOn, direction, key: |m: &Model| SortKey::Date(m.due_on) }
        }
    }
}

children_by!(
    EnterpriseRequests,
    service_request,
    "service_requests",
    "enterprise_id",
    ordering(RequestOrderField::CreatedAt, Direction::Desc),
    "`Enterprise.serviceRequests`, latest first."
);
children_by!(
    ProjectRequests,
    service_request,
    "service_requests",
    "project_id",
    ordering(RequestOrderField::CreatedAt, Direction::Desc),
    "`Project.serviceRequests`, latest first."
);

/// `ServiceRequest.history`: its moves and handovers, oldest first.
pub struct RequestHistory;

impl ChildList for RequestHistory {
    type Entity = service_request_change::Entity;
    fn parent_column() -> (&'static str, &'static str) {
        ("service_request_changes", "service_request_id")
    }
    fn order() -> Ordering<service_request_change::Entity> {
        Ordering {
            name: "CREATED_AT",
            column: service_request_change::Column::CreatedAt,
            direction: Direction::Asc,
            key: |m: &service_request_change::Model| SortKey::Time(m.created_at),
        }
    }
}

/// `openServiceRequest`, its values checked.
#[derive(Debug, Clone, Serialize)]
pub struct OpenRequest {
    pub enterprise_id: i64,
    pub project_id: Option<i64>,
    pub category: ServiceRequestCategory,
    pub title: String,
    pub description: String,
    pub department_id: i64,
    pub assignee_id: Option<i64>,
    /// None: `request_due_days` after the day it is opened.
    pub due_on: Option<NaiveDate>,
}

/// The office's date and the default time a request has: what `open` needs
/// of the configuration.
#[derive(Debug, Clone, Copy)]
pub struct Calendar {
    pub today: NaiveDate,
    pub request_due_days: u32,
}

/// `openServiceRequest` (staff).
pub async fn open(
    db: &DatabaseConnection,
    actor: &Actor,
    cmd: OpenRequest,
    calendar: Calendar,
    key: Option<&str>,
) -> WriteResult<service_request::Model> {
    actor.require_staff()?;
    let due_on = cmd.due_on.unwrap_or(calendar.today + Duration::days(calendar.request_due_days.into()));
    if due_on < calendar.today {
        return Err(refuse("due_on", Problem::EndBeforeStart));
    }
    let (txn, claim) =
        match start::<service_request::Entity>(db, actor, "openServiceRequest", key, content_hash(&cmd)).await? {
            Ok(t) => t,
            Err(replay) => return Ok(replay),
        };
    check_refs(
        &txn,
        &[("enterprise_id", Some(cmd.enterprise_id), Ref::Enterprise), ("project_id", cmd.project_id, Ref::Project)],
    )
    .await?;
    if let Some(pid) = cmd.project_id {
        let p = project::Entity::find_by_id(pid).one(&txn).await?;
        if p.is_some_and(|p| p.enterprise_id != Some(cmd.enterprise_id)) {
            return Err(refuse("project_id", Problem::NotTheEnterprisesProject));
        }
    }
    super::staff_member::check_assignment(&txn, cmd.department_id, cmd.assignee_id).await?;
    let tally = project_tally(&txn, cmd.project_id).await?;
    let t = now();
    let r = service_request::ActiveModel {
        enterprise_id: Set(cmd.enterprise_id),
        project_id: Set(cmd.project_id),
        category: Set(cmd.category),
        search_name: Set(fold(&cmd.title)),
        title: Set(cmd.title),
        description: Set(cmd.description),
        department_id: Set(cmd.department_id),
        assignee_id: Set(cmd.assignee_id),
        status: Set(Status::Open),
        due_on: Set(due_on),
        resolution: Set(None),
        satisfaction: Set(None),
        opened_at: Set(t),
        resolved_at: Set(None),
        closed_at: Set(None),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record(&txn, actor, &r, None, None).await?;
    tally.settle(&txn).await?;
    finish(txn, actor, claim, "openServiceRequest", "ServiceRequest", r.id, &r).await?;
    Ok(r)
}

/// What a staff member does with a request after it is opened.
#[derive(Debug, Clone)]
pub enum Step {
    /// OPEN → ACCEPTED (受理).
    Accept { note: Option<String> },
    /// ACCEPTED → RESOLVED (办结), with what was done.
    Resolve { resolution: String },
    /// RESOLVED → CLOSED (销号) with the enterprise's satisfaction;
    /// DISSATISFIED reopens it to ACCEPTED.
    Close { satisfaction: Satisfaction, note: Option<String> },
    /// A new department (and assignee, and due date) for a request not yet
    /// resolved; its status stays.
    Reassign { department_id: i64, assignee_id: Option<i64>, due_on: Option<NaiveDate>, note: Option<String> },
}

impl Step {
    fn action(&self) -> &'static str {
        match self {
            Step::Accept { .. } => "acceptServiceRequest",
            Step::Resolve { .. } => "resolveServiceRequest",
            Step::Close { .. } => "closeServiceRequest",
            Step::Reassign { .. } => "reassignServiceRequest",
        }
    }
}

/// Takes one step on request `id`; a step its status does not allow is
/// FORBIDDEN_TRANSITION.
/// A request's project moves to RED when the request falls overdue: its
/// health dates follow every change of the request, with the project locked.
async fn project_tally(
    txn: &sea_orm::DatabaseTransaction,
    project_id: Option<i64>,
) -> WriteResult<super::totals::Tally> {
    if let Some(pid) = project_id {
        locked::<project::Entity>(txn, pid, "project_id", Noun::Project).await?;
    }
    Ok(super::totals::Tally::before(txn, &project_id.into_iter().collect::<Vec<_>>()).await?)
}

pub async fn step(db: &DatabaseConnection, actor: &Actor, id: i64, step: Step) -> WriteResult<service_request::Model> {
    actor.require_staff()?;
    let txn = super::tx::begin(db).await?;
    let current = locked::<service_request::Entity>(&txn, id, "service_request_id", Noun::ServiceRequest).await?;
    let tally = project_tally(&txn, current.project_id).await?;
    let forbidden = || refuse("service_request_id", Problem::RequestStatus { status: status_name(current.status) });
    let t = now();
    let mut m = current.clone().into_active_model();
    let note = match &step {
        Step::Accept { note } => {
            if current.status != Status::Open {
                return Err(forbidden());
            }
            m.status = Set(Status::Accepted);
            note.clone()
        }
        Step::Resolve { resolution } => {
            if current.status != Status::Accepted {
                return Err(forbidden());
            }
            m.status = Set(Status::Resolved);
            m.resolution = Set(Some(resolution.clone()));
            m.resolved_at = Set(Some(t));
            None
        }
        Step::Close { satisfaction, note } => {
            if current.status != Status::Resolved {
                return Err(forbidden());
            }
            m.satisfaction = Set(Some(*satisfaction));
            if *satisfaction == Satisfaction::Dissatisfied {
                m.status = Set(Status::Accepted);
                m.resolved_at = Set(None);
            } else {
                m.status = Set(Status::Closed);
                m.closed_at = Set(Some(t));
            }
            note.clone()
        }
        Step::Reassign { department_id, assignee_id, due_on, note } => {
            if !PENDING.contains(&current.status) {
                return Err(forbidden());
            }
            super::staff_member::check_assignment(&txn, *department_id, *assignee_id).await?;
            if due_on.is_some_and(|d| d < current.opened_at.date_naive()) {
                return Err(refuse("due_on", Problem::EndBeforeStart));
            }
            m.department_id = Set(*department_id);
            m.assignee_id = Set(*assignee_id);
            if let Some(d) = due_on {
                m.due_on = Set(*d);
            }
            note.clone()
        }
    };
    m.updated_at = Set(t);
    let after = m.update(&txn).await?;
    record(&txn, actor, &after, Some(current.status), note).await?;
    tally.settle(&txn).await?;
    super::audit::record(&txn, actor, step.action(), "ServiceRequest", after.id, Some(&current), Some(&after)).await?;
    txn.commit().await?;
    load::<service_request::Entity>(db, after.id).await
}

/// A status's API name, for a message.
fn status_name(s: Status) -> String {
    use sea_orm::ActiveEnum;
    s.to_value()
}

/// One row of history: the request as it now stands, and the status it came from.
async fn record<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    r: &service_request::Model,
    from: Option<Status>,
    note: Option<String>,
) -> Result<(), sea_orm::DbErr> {
    service_request_change::ActiveModel {
        service_request_id: Set(r.id),
        from_status: Set(from),
        to_status: Set(r.status),
        department_id: Set(r.department_id),
        assignee_id: Set(r.assignee_id),
        note: Set(note),
        changed_by_key_id: Set(actor.principal.key_id),
        changed_by_staff_id: Set(actor.principal.staff_member_id),
        changed_by_role: Set(actor.principal.role),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
