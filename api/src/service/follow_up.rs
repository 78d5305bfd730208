//! Follow-ups (跟进记录, 拜访): the office's visits, calls, meetings, video
//! calls and messages with an enterprise, optionally about one of its
//! projects, with the staff members present, a summary and the next step.
//! Staff only. A project's and an enterprise's last follow-up date come from
//! here.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::enums::FollowUpKind;
use entity::{follow_up, follow_up_staff, project, staff_member};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult,
    JoinType, PaginatorTrait, QueryFilter, QuerySelect, RelationDef, Select,
};
use serde::Serialize;

use super::filter::{all, eq, gte, lte};
use super::listing::{ChildList, children_by};
use super::pagination::{Direction, Ordering, SortKey};
use super::refs::{Ref, check_refs};
use super::tx::{content_hash, finish, now, start};
use super::write::{Actor, Problem, WriteResult, refuse};

#[derive(Debug, Default, Clone)]
pub struct FollowUpFilter {
    pub enterprise_id: Option<i64>,
    pub project_id: Option<i64>,
    pub staff_member_id: Option<i64>,
    pub kind: Option<FollowUpKind>,
    pub occurred_from: Option<NaiveDate>,
    pub occurred_to: Option<NaiveDate>,
    /// Follow-ups whose next step is due before today (true), or not (false).
    pub next_step_overdue: Option<bool>,
}

/// The filter's condition, overdue next steps reckoned from `today`.
pub fn condition(f: &FollowUpFilter, today: NaiveDate) -> Option<Condition> {
    use follow_up::Column as C;
    let present = f.staff_member_id.map(|id| {
        let who = Query::select()
            .column(follow_up_staff::Column::FollowUpId)
            .from(follow_up_staff::Entity)
            .and_where(follow_up_staff::Column::StaffMemberId.eq(id))
            .to_owned();
        C::Id.in_subquery(who)
    });
    let overdue = f.next_step_overdue.map(|late| {
        let due = Condition::all().add(C::NextStepDueOn.is_not_null()).add(C::NextStepDueOn.lt(today));
        if late { due.into() } else { Condition::not(due).into() }
    });
    Some(all([
        eq(C::EnterpriseId, f.enterprise_id),
        eq(C::ProjectId, f.project_id),
        present,
        eq(C::Kind, f.kind),
        gte(C::OccurredOn, f.occurred_from),
        lte(C::OccurredOn, f.occurred_to),
        overdue,
    ]))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpOrderField {
    OccurredAt,
    CreatedAt,
}

pub fn ordering(field: FollowUpOrderField, direction: Direction) -> Ordering<follow_up::Entity> {
    use follow_up::{Column, Model};
    match field {
        FollowUpOrderField::OccurredAt => Ordering {
            name: "OCCURRED_AT",
            column: Column::OccurredAt,
            direction,
            key: |m: &Model| SortKey::Time(m.occurred_at),
        },
        FollowUpOrderField::CreatedAt => Ordering {
            name: "CREATED_AT",
            column: Column::CreatedAt,
            direction,
            key: |m: &Model| SortKey::Time(m.created_at),
        },
    }
}

children_by!(
    EnterpriseFollowUps,
    follow_up,
    "follow_ups",
    "enterprise_id",
    ordering(FollowUpOrderField::OccurredAt, Direction::Desc),
    "`Enterprise.followUps`, latest first."
);
children_by!(
    ProjectFollowUps,
    follow_up,
    "follow_ups",
    "project_id",
    ordering(FollowUpOrderField::OccurredAt, Direction::Desc),
    "`Project.followUps`, latest first."
);

/// `FollowUp.staff`: the staff members present, by name.
pub struct FollowUpStaff;

impl ChildList for FollowUpStaff {
    type Entity = staff_member::Entity;
    fn parent_column() -> (&'static str, &'static str) {
        ("follow_up_staff", "follow_up_id")
    }
    fn base() -> Select<staff_member::Entity> {
        let join: RelationDef = follow_up_staff::Entity::belongs_to(staff_member::Entity)
            .from(follow_up_staff::Column::StaffMemberId)
            .to(staff_member::Column::Id)
            .into();
        staff_member::Entity::find().join(JoinType::InnerJoin, join.rev())
    }
    fn order() -> Ordering<staff_member::Entity> {
        super::staff_member::ordering(super::catalog::NamedOrderField::Name, Direction::Asc)
    }
}

/// The latest follow-up date of each project (or enterprise) in `ids`, by
/// `column` (`ProjectId` or `EnterpriseId`): one statement.
pub async fn last_follow_up_on<C: ConnectionTrait>(
    db: &C,
    column: follow_up::Column,
    ids: &[i64],
) -> Result<HashMap<i64, NaiveDate>, sea_orm::DbErr> {
    #[derive(FromQueryResult)]
    struct Row {
        parent: i64,
        last: NaiveDate,
    }
    let rows = follow_up::Entity::find()
        .select_only()
        .column_as(column, "parent")
        .column_as(follow_up::Column::OccurredOn.max(), "last")
        .filter(column.is_in(ids.iter().copied()))
        .group_by(column)
        .into_model::<Row>()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.parent, r.last)).collect())
}

/// `recordFollowUp`, its values checked.
#[derive(Debug, Clone, Serialize)]
pub struct RecordFollowUp {
    pub enterprise_id: i64,
    pub project_id: Option<i64>,
    pub kind: FollowUpKind,
    pub occurred_at: DateTime<Utc>,
    /// `occurred_at`'s date in the office's time zone.
    pub occurred_on: NaiveDate,
    pub staff_ids: Vec<i64>,
    pub summary: String,
    pub next_step: Option<String>,
    pub next_step_due_on: Option<NaiveDate>,
}

/// `recordFollowUp` (staff).
pub async fn record(
    db: &DatabaseConnection,
    actor: &Actor,
    cmd: RecordFollowUp,
    key: Option<&str>,
) -> WriteResult<follow_up::Model> {
    actor.require_staff()?;
    if cmd.staff_ids.is_empty() {
        return Err(refuse("staff_ids", Problem::Required));
    }
    if cmd.next_step_due_on.is_some() && cmd.next_step.is_none() {
        return Err(refuse("next_step", Problem::Required));
    }
    if cmd.next_step_due_on.is_some_and(|d| d < cmd.occurred_on) {
        return Err(refuse("next_step_due_on", Problem::EndBeforeStart));
    }
    let (txn, claim) = match start::<follow_up::Entity>(db, actor, "recordFollowUp", key, content_hash(&cmd)).await? {
        Ok(t) => t,
        Err(replay) => return Ok(replay),
    };
    check_refs(
        &txn,
        &[("enterprise_id", Some(cmd.enterprise_id), Ref::Enterprise), ("project_id", cmd.project_id, Ref::Project)],
    )
    .await?;
    if let Some(pid) = cmd.project_id
        && project::Entity::find_by_id(pid).one(&txn).await?.is_some_and(|p| p.enterprise_id != Some(cmd.enterprise_id))
    {
        return Err(refuse("project_id", Problem::NotTheEnterprisesProject));
    }
    let mut staff = cmd.staff_ids.clone();
    staff.sort_unstable();
    staff.dedup();
    let found = staff_member::Entity::find().filter(staff_member::Column::Id.is_in(staff.clone())).count(&txn).await?;
    if found as usize != staff.len() {
        return Err(refuse("staff_ids", Problem::NotFound(super::write::Noun::StaffMember)));
    }
    // The project's health dates move with its follow-ups.
    let projects: Vec<i64> = cmd.project_id.into_iter().collect();
    if let Some(pid) = cmd.project_id {
        super::tx::locked::<project::Entity>(&txn, pid, "project_id", super::write::Noun::Project).await?;
    }
    let tally = super::totals::Tally::before(&txn, &projects).await?;
    let t = now();
    let f = follow_up::ActiveModel {
        enterprise_id: Set(cmd.enterprise_id),
        project_id: Set(cmd.project_id),
        kind: Set(cmd.kind),
        occurred_at: Set(cmd.occurred_at),
        occurred_on: Set(cmd.occurred_on),
        summary: Set(cmd.summary),
        next_step: Set(cmd.next_step),
        next_step_due_on: Set(cmd.next_step_due_on),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    follow_up_staff::Entity::insert_many(
        staff.into_iter().map(|s| follow_up_staff::ActiveModel { follow_up_id: Set(f.id), staff_member_id: Set(s) }),
    )
    .exec(&txn)
    .await?;
    tally.settle(&txn).await?;
    finish(txn, actor, claim, "recordFollowUp", "FollowUp", f.id, &f).await?;
    Ok(f)
}
