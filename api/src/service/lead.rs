//! Partners' leads: submission (idempotent, with duplicate detection),
//! withdrawal, review and conversion into an enterprise and a project.

use chrono::NaiveDate;
use entity::enums::{EnterpriseStatus, LeadStatus, Priority, ProjectStage};
use entity::{enterprise, lead, project, sector};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveEnum as _, ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use super::audit;
use super::pagination::Keyed;
use super::tx::{begin, content_hash, is_unique_violation, now};
use super::visibility::{Visible, restrict};
use super::write::{Actor, Noun, Problem, WriteError, WriteResult, not_found, refuse};
use crate::domain::money::Money;
use crate::domain::text::{dedupe_key, fold};
use crate::error::AppError;

/// A row of `E` that the actor may see, or None: a hidden row is NOT_FOUND to a mutation.
pub async fn find_visible<E: Visible + Keyed, C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    id: i64,
) -> WriteResult<Option<E::Model>> {
    let Some(select) = restrict(E::find().filter(E::id_column().eq(id)), &actor.principal) else {
        return Ok(None);
    };
    // Locked for the transaction on PostgreSQL; SQLite's IMMEDIATE transaction
    // already holds the write lock.
    Ok(select.lock_exclusive().one(db).await?)
}

/// A lead as a partner submits it, its formats already checked.
#[derive(Debug, Clone, Serialize)]
pub struct SubmitLead {
    pub enterprise_name: String,
    pub uscc: Option<String>,
    pub country: String,
    pub sector_id: Option<i64>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub contact_email: Option<String>,
    pub estimated_investment: Option<Money>,
    pub description: Option<String>,
}

const OPEN: [LeadStatus; 3] = [LeadStatus::Submitted, LeadStatus::UnderReview, LeadStatus::Accepted];

/// What an earlier record the new lead duplicates, if any: a known enterprise
/// (same USCC or name key) first, then another open lead.
async fn find_duplicate<C: ConnectionTrait>(
    db: &C,
    new: &lead::Model,
) -> Result<Option<(Option<i64>, Option<i64>)>, sea_orm::DbErr> {
    let same = |uscc_col: enterprise::Column, key_col: enterprise::Column| {
        let mut c = Condition::any().add(key_col.eq(new.dedupe_key.clone()));
        if let Some(u) = &new.uscc {
            c = c.add(uscc_col.eq(u.clone()));
        }
        c
    };
    if let Some(e) = enterprise::Entity::find()
        .filter(same(enterprise::Column::Uscc, enterprise::Column::DedupeKey))
        .order_by_asc(enterprise::Column::Id)
        .one(db)
        .await?
    {
        return Ok(Some((None, Some(e.id))));
    }
    let mut c = Condition::any().add(lead::Column::DedupeKey.eq(new.dedupe_key.clone()));
    if let Some(u) = &new.uscc {
        c = c.add(lead::Column::Uscc.eq(u.clone()));
    }
    let earlier = lead::Entity::find()
        .filter(c)
        .filter(lead::Column::Id.ne(new.id))
        .filter(lead::Column::Status.is_in(OPEN))
        .order_by_asc(lead::Column::Id)
        .one(db)
        .await?;
    Ok(earlier.map(|l| (Some(l.id), None)))
}

const DUPLICATE_REASON: &str = "该企业已在本市招商库中，或已有其他线索在跟进。";

/// The days by which the office owes a partner: a response (the lead goes
/// UNDER_REVIEW), a decision, and the partner's hearing of it; fixed at
/// submission, in the office's calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// The office's date of submission.
    pub submitted_on: NaiveDate,
    pub respond_due_on: NaiveDate,
    pub decide_due_on: NaiveDate,
    pub feedback_due_on: NaiveDate,
}

impl Deadlines {
    /// The deadlines of a lead submitted on `today`, `respond`, `decide` and
    /// `feedback` days later.
    pub fn from(today: NaiveDate, (respond, decide, feedback): (u32, u32, u32)) -> Self {
        let after = |days: u32| today + chrono::Duration::days(days.into());
        Deadlines {
            submitted_on: today,
            respond_due_on: after(respond),
            decide_due_on: after(decide),
            feedback_due_on: after(feedback),
        }
    }
}

/// Whether a lead is past a deadline on `today`: still SUBMITTED after its
/// response was due, or still undecided after its decision was due.
pub fn is_overdue(l: &lead::Model, today: NaiveDate) -> bool {
    let unanswered = l.status == LeadStatus::Submitted && l.respond_due_on.is_some_and(|d| d < today);
    let undecided = UNDECIDED.contains(&l.status) && l.decide_due_on.is_some_and(|d| d < today);
    unanswered || undecided
}

/// The statuses of a lead the office has not decided on.
const UNDECIDED: [LeadStatus; 2] = [LeadStatus::Submitted, LeadStatus::UnderReview];

/// The SQL of [`is_overdue`] (or of its negation).
pub fn overdue(today: NaiveDate, late: bool) -> sea_orm::sea_query::SimpleExpr {
    use lead::Column as C;
    let unanswered = Condition::all().add(C::Status.eq(LeadStatus::Submitted)).add(C::RespondDueOn.lt(today));
    let undecided = Condition::all().add(C::Status.is_in(UNDECIDED)).add(C::DecideDueOn.lt(today));
    let any = Condition::any().add(unanswered).add(undecided);
    if late { any.into() } else { Condition::not(any).into() }
}

/// `submitLead`: the same partner sending the same key again gets the first lead
/// back and writes nothing; the same key with other content is a conflict.
pub async fn submit(
    db: &DatabaseConnection,
    actor: &Actor,
    cmd: SubmitLead,
    idempotency_key: &str,
    deadlines: Deadlines,
) -> WriteResult<lead::Model> {
    let partner_id = actor.principal.partner().ok_or(WriteError::Forbidden)?;
    let hash = content_hash(&cmd);
    let txn = begin(db).await?;
    if let Some(sid) = cmd.sector_id {
        if sector::Entity::find_by_id(sid).one(&txn).await?.is_none() {
            return Err(not_found("sector_id", Noun::Sector));
        }
    }
    let t = now();
    let row = lead::ActiveModel {
        partner_id: Set(partner_id),
        idempotency_key: Set(idempotency_key.to_owned()),
        request_hash: Set(hash.clone()),
        status: Set(LeadStatus::Submitted),
        search_name: Set(fold(&cmd.enterprise_name)),
        dedupe_key: Set(dedupe_key(&cmd.enterprise_name)),
        enterprise_name: Set(cmd.enterprise_name),
        uscc: Set(cmd.uscc),
        country: Set(cmd.country),
        sector_id: Set(cmd.sector_id),
        contact_name: Set(cmd.contact_name),
        contact_phone: Set(cmd.contact_phone),
        contact_email: Set(cmd.contact_email),
        estimated_investment_fen: Set(cmd.estimated_investment.map(Money::fen)),
        description: Set(cmd.description),
        reason: Set(None),
        internal_note: Set(None),
        duplicate_of_lead_id: Set(None),
        duplicate_of_enterprise_id: Set(None),
        respond_due_on: Set(Some(deadlines.respond_due_on)),
        decide_due_on: Set(Some(deadlines.decide_due_on)),
        feedback_due_on: Set(Some(deadlines.feedback_due_on)),
        enterprise_id: Set(None),
        project_id: Set(None),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    };
    let created = match row.insert(&txn).await {
        Ok(l) => l,
        Err(e) if is_unique_violation(&e) => {
            // A retry, or its racing twin: the unique (partner, key) index decided.
            txn.rollback().await?;
            let first = lead::Entity::find()
                .filter(lead::Column::PartnerId.eq(partner_id))
                .filter(lead::Column::IdempotencyKey.eq(idempotency_key))
                .one(db)
                .await?
                .ok_or_else(|| WriteError::App(AppError::internal(e)))?;
            return if first.request_hash == hash { Ok(first) } else { Err(super::idempotency::conflict()) };
        }
        Err(e) => return Err(e.into()),
    };
    // Two partners submitting the same enterprise at once: the second waits for
    // the first to commit, then sees its lead (PostgreSQL; SQLite serialises writers).
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        for key in [Some(created.dedupe_key.as_str()), created.uscc.as_deref()].into_iter().flatten() {
            txn.execute_raw(sea_orm::Statement::from_sql_and_values(
                sea_orm::DatabaseBackend::Postgres,
                "SELECT pg_advisory_xact_lock(hashtext($1))",
                [key.into()],
            ))
            .await?;
        }
    }
    let created = match find_duplicate(&txn, &created).await? {
        Some((lead_id, enterprise_id)) => {
            let mut m = created.into_active_model();
            m.status = Set(LeadStatus::Duplicate);
            m.reason = Set(Some(DUPLICATE_REASON.into()));
            m.duplicate_of_lead_id = Set(lead_id);
            m.duplicate_of_enterprise_id = Set(enterprise_id);
            m.decided_on = Set(Some(deadlines.submitted_on));
            m.update(&txn).await?
        }
        None => created,
    };
    audit::record(&txn, actor, "submitLead", "Lead", created.id, None, Some(&created)).await?;
    txn.commit().await?;
    Ok(created)
}

/// `withdrawLead`: a partner withdraws its own lead while it is still open.
pub async fn withdraw(db: &DatabaseConnection, actor: &Actor, lead_id: i64) -> WriteResult<lead::Model> {
    if actor.principal.partner().is_none() {
        return Err(WriteError::Forbidden);
    }
    let txn = begin(db).await?;
    let lead =
        find_visible::<lead::Entity, _>(&txn, actor, lead_id).await?.ok_or_else(|| not_found("lead_id", Noun::Lead))?;
    if !matches!(lead.status, LeadStatus::Submitted | LeadStatus::UnderReview) {
        return Err(refuse("lead_id", Problem::LeadNotWithdrawable));
    }
    let before = lead.clone();
    let mut m = lead.into_active_model();
    m.status = Set(LeadStatus::Withdrawn);
    m.updated_at = Set(now());
    let after = m.update(&txn).await?;
    audit::record(&txn, actor, "withdrawLead", "Lead", after.id, Some(&before), Some(&after)).await?;
    super::outbox::lead_status_changed(&txn, before.status, &after).await?;
    txn.commit().await?;
    Ok(after)
}

/// A staff decision on a lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    StartReview,
    Accept,
    Reject,
    Duplicate,
}

pub struct ReviewLead {
    pub lead_id: i64,
    pub decision: Decision,
    pub reason: Option<String>,
    pub internal_note: Option<String>,
    /// A lead or an enterprise the reviewed lead duplicates: (lead, enterprise).
    pub duplicate_of: (Option<i64>, Option<i64>),
    /// The office's date: a decision records it as `decided_on`.
    pub today: NaiveDate,
}

/// `reviewLead`: SUBMITTED → UNDER_REVIEW; SUBMITTED or UNDER_REVIEW → ACCEPTED,
/// REJECTED (with a reason the partner sees) or DUPLICATE.
pub async fn review(db: &DatabaseConnection, actor: &Actor, cmd: ReviewLead) -> WriteResult<lead::Model> {
    actor.require_staff()?;
    if cmd.decision == Decision::Reject && cmd.reason.is_none() {
        return Err(refuse("reason", Problem::ReasonRequired));
    }
    let txn = begin(db).await?;
    let lead = super::tx::locked::<lead::Entity>(&txn, cmd.lead_id, "lead_id", Noun::Lead).await?;
    let allowed = match cmd.decision {
        Decision::StartReview => lead.status == LeadStatus::Submitted,
        _ => matches!(lead.status, LeadStatus::Submitted | LeadStatus::UnderReview),
    };
    if !allowed {
        return Err(refuse("decision", Problem::LeadDecision { status: lead.status.to_value() }));
    }
    let (dup_lead, dup_enterprise) = cmd.duplicate_of;
    if let Some(id) = dup_lead {
        if id == lead.id || lead::Entity::find_by_id(id).lock_exclusive().one(&txn).await?.is_none() {
            return Err(not_found("duplicate_of_id", Noun::Lead));
        }
    }
    if let Some(id) = dup_enterprise {
        if enterprise::Entity::find_by_id(id).lock_exclusive().one(&txn).await?.is_none() {
            return Err(not_found("duplicate_of_id", Noun::Enterprise));
        }
    }
    let before = lead.clone();
    let mut m = lead.into_active_model();
    m.status = Set(match cmd.decision {
        Decision::StartReview => LeadStatus::UnderReview,
        Decision::Accept => LeadStatus::Accepted,
        Decision::Reject => LeadStatus::Rejected,
        Decision::Duplicate => LeadStatus::Duplicate,
    });
    if cmd.decision == Decision::Duplicate {
        m.reason = Set(Some(cmd.reason.clone().unwrap_or_else(|| DUPLICATE_REASON.into())));
        m.duplicate_of_lead_id = Set(dup_lead);
        m.duplicate_of_enterprise_id = Set(dup_enterprise);
    } else if cmd.reason.is_some() {
        m.reason = Set(cmd.reason.clone());
    }
    if cmd.internal_note.is_some() {
        m.internal_note = Set(cmd.internal_note.clone());
    }
    if cmd.decision != Decision::StartReview {
        m.decided_on = Set(Some(cmd.today));
    }
    m.updated_at = Set(now());
    let after = m.update(&txn).await?;
    audit::record(&txn, actor, "reviewLead", "Lead", after.id, Some(&before), Some(&after)).await?;
    super::outbox::lead_status_changed(&txn, before.status, &after).await?;
    txn.commit().await?;
    Ok(after)
}

pub struct ConvertLead {
    pub lead_id: i64,
    /// An existing enterprise to link.
    pub enterprise_id: Option<i64>,
    pub project_name: String,
    pub sector_id: Option<i64>,
    pub department_id: Option<i64>,
    pub campaign_id: Option<i64>,
    pub responsible_person: Option<String>,
    pub responsible_staff_id: Option<i64>,
}

/// `convertLead`: an accepted lead becomes a target enterprise (new, or an
/// existing one) and a project at stage LEAD whose source is the lead.
pub async fn convert(
    db: &DatabaseConnection,
    actor: &Actor,
    cmd: ConvertLead,
) -> WriteResult<(lead::Model, project::Model)> {
    actor.require_staff()?;
    let txn = begin(db).await?;
    let lead = super::tx::locked::<lead::Entity>(&txn, cmd.lead_id, "lead_id", Noun::Lead).await?;
    if lead.status != LeadStatus::Accepted || lead.project_id.is_some() {
        return Err(refuse("lead_id", Problem::LeadNotConvertible));
    }
    super::refs::check_refs(
        &txn,
        &[
            ("department_id", cmd.department_id, super::refs::Ref::Department),
            ("campaign_id", cmd.campaign_id, super::refs::Ref::Campaign),
            ("sector_id", cmd.sector_id, super::refs::Ref::Sector),
            ("enterprise_id", cmd.enterprise_id, super::refs::Ref::Enterprise),
        ],
    )
    .await?;
    super::staff_member::check_active(&txn, "responsible_staff_id", cmd.responsible_staff_id).await?;
    let Some(sector_id) = cmd.sector_id.or(lead.sector_id) else {
        return Err(refuse("sector_id", Problem::SectorRequired));
    };
    let t = now();
    // An existing enterprise: the one named, else one with the lead's USCC.
    let existing = match (cmd.enterprise_id, &lead.uscc) {
        (Some(id), _) => enterprise::Entity::find_by_id(id).lock_exclusive().one(&txn).await?,
        (None, Some(u)) => enterprise::Entity::find().filter(enterprise::Column::Uscc.eq(u.clone())).one(&txn).await?,
        (None, None) => None,
    };
    let enterprise = match existing {
        Some(e) => e,
        None => {
            let e = enterprise::ActiveModel {
                name: Set(lead.enterprise_name.clone()),
                search_name: Set(lead.search_name.clone()),
                dedupe_key: Set(lead.dedupe_key.clone()),
                uscc: Set(lead.uscc.clone()),
                country: Set(lead.country.clone()),
                sector_id: Set(lead.sector_id),
                size: Set(None),
                is_fortune500: Set(false),
                is_foreign_invested: Set(lead.country != "CN"),
                is_listed: Set(false),
                priority: Set(Priority::B),
                department_id: Set(cmd.department_id),
                status: Set(EnterpriseStatus::Engaged),
                contact_name: Set(lead.contact_name.clone()),
                contact_phone: Set(lead.contact_phone.clone()),
                contact_email: Set(lead.contact_email.clone()),
                notes: Set(None),
                created_at: Set(t),
                updated_at: Set(t),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            audit::record(&txn, actor, "convertLead", "Enterprise", e.id, None, Some(&e)).await?;
            e
        }
    };
    let planned = lead.estimated_investment_fen.unwrap_or(0);
    let project = project::ActiveModel {
        search_name: Set(fold(&cmd.project_name)),
        name: Set(cmd.project_name),
        stage: Set(ProjectStage::Lead),
        paused_from_stage: Set(None),
        planned_investment_fen: Set(planned),
        foreign_capital_fen: Set(0),
        sector_id: Set(sector_id),
        enterprise_id: Set(Some(enterprise.id)),
        park_id: Set(None),
        department_id: Set(cmd.department_id),
        campaign_id: Set(cmd.campaign_id),
        responsible_person: Set(cmd.responsible_person),
        responsible_staff_id: Set(cmd.responsible_staff_id),
        is_high_tech: Set(false),
        is_foreign_invested: Set(enterprise.is_foreign_invested),
        is_published: Set(false),
        description: Set(lead.description.clone()),
        notes: Set(None),
        lead_id: Set(Some(lead.id)),
        source_partner_id: Set(Some(lead.partner_id)),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    super::project::record_stage(&txn, actor, project.id, None, ProjectStage::Lead, Some("由线索转化".into())).await?;
    super::totals::Tally::fresh(&[project.id]).settle(&txn).await?;
    audit::record(&txn, actor, "convertLead", "Project", project.id, None, Some(&project)).await?;
    let before = lead.clone();
    let mut m = lead.into_active_model();
    m.enterprise_id = Set(Some(enterprise.id));
    m.project_id = Set(Some(project.id));
    m.updated_at = Set(t);
    let after = m.update(&txn).await?;
    audit::record(&txn, actor, "convertLead", "Lead", after.id, Some(&before), Some(&after)).await?;
    txn.commit().await?;
    Ok((after, project))
}

/// `assignLead`: staff hand an undecided lead to a department (and one of its
/// people). Assigning a SUBMITTED lead is the office's response: it goes
/// UNDER_REVIEW, and its partner hears of it (`LEAD_STATUS_CHANGED`);
/// reassigning changes nothing the partner sees and raises nothing.
pub async fn assign(
    db: &DatabaseConnection,
    actor: &Actor,
    lead_id: i64,
    department_id: i64,
    assignee_id: Option<i64>,
) -> WriteResult<lead::Model> {
    actor.require_staff()?;
    let txn = begin(db).await?;
    let lead = super::tx::locked::<lead::Entity>(&txn, lead_id, "lead_id", Noun::Lead).await?;
    if !UNDECIDED.contains(&lead.status) {
        return Err(refuse("lead_id", Problem::LeadDecision { status: lead.status.to_value() }));
    }
    super::staff_member::check_assignment(&txn, department_id, assignee_id).await?;
    let before = lead.clone();
    let mut m = lead.into_active_model();
    let t = now();
    m.assigned_department_id = Set(Some(department_id));
    m.assignee_id = Set(assignee_id);
    m.assigned_at = Set(Some(t));
    if before.status == LeadStatus::Submitted {
        m.status = Set(LeadStatus::UnderReview);
    }
    m.updated_at = Set(t);
    let after = m.update(&txn).await?;
    audit::record(&txn, actor, "assignLead", "Lead", after.id, Some(&before), Some(&after)).await?;
    super::outbox::lead_status_changed(&txn, before.status, &after).await?;
    txn.commit().await?;
    Ok(after)
}
