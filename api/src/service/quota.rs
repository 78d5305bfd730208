//! Quotas (任务分解): a campaign's targets broken down per department, and
//! optionally per responsible person.

use entity::*;
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde::Serialize;

use super::audit;
use super::refs::Ref;
use super::tx::{begin, now};
use super::write::{Actor, Problem, WriteResult, refuse};
use crate::domain::money::Money;

#[derive(Debug, Clone, Serialize)]
pub struct SetQuota {
    pub campaign_id: i64,
    pub department_id: i64,
    /// A person's free-text name (deprecated: name a staff member); empty for
    /// the department's own quota.
    pub person: String,
    /// The staff member of a quota split per person.
    pub staff_member_id: Option<i64>,
    pub target_agreements: i32,
    pub target_investment: Money,
    pub target_foreign_capital: Money,
}

/// `setDepartmentQuota`: creates or replaces the quota of a department (or one
/// of its people) in a campaign. A person's quota names an active staff member
/// of the department (`OUT_OF_RANGE` otherwise), or, deprecated, a free-text
/// name; not both.
pub async fn set_quota(db: &DatabaseConnection, actor: &Actor, cmd: SetQuota) -> WriteResult<quota::Model> {
    actor.require_admin()?;
    if cmd.staff_member_id.is_some() && !cmd.person.is_empty() {
        return Err(refuse("person", Problem::PersonAndStaffMember));
    }
    let txn = begin(db).await?;
    let (campaign_id, department_id) = (cmd.campaign_id, cmd.department_id);
    let campaign = [("campaign_id", Some(campaign_id), Ref::Campaign)];
    let person_at = ("staff_member_id", cmd.staff_member_id);
    let member = super::staff_member::check_member(&txn, department_id, person_at, &campaign).await?;
    let person = member.map(|s| s.name).unwrap_or(cmd.person);
    let same_person = match cmd.staff_member_id {
        Some(id) => Condition::all().add(quota::Column::StaffMemberId.eq(id)),
        None => {
            Condition::all().add(quota::Column::Person.eq(person.clone())).add(quota::Column::StaffMemberId.is_null())
        }
    };
    let current = quota::Entity::find()
        .filter(quota::Column::CampaignId.eq(campaign_id))
        .filter(quota::Column::DepartmentId.eq(department_id))
        .filter(same_person)
        .one(&txn)
        .await?;
    let t = now();
    let after = match &current {
        Some(q) => {
            let mut m = q.clone().into_active_model();
            m.person = Set(person);
            m.target_agreements = Set(cmd.target_agreements);
            m.target_investment_fen = Set(cmd.target_investment.fen());
            m.target_foreign_capital_fen = Set(cmd.target_foreign_capital.fen());
            m.updated_at = Set(t);
            m.update(&txn).await?
        }
        None => {
            quota::ActiveModel {
                campaign_id: Set(campaign_id),
                department_id: Set(department_id),
                person: Set(person),
                staff_member_id: Set(cmd.staff_member_id),
                target_agreements: Set(cmd.target_agreements),
                target_investment_fen: Set(cmd.target_investment.fen()),
                target_foreign_capital_fen: Set(cmd.target_foreign_capital.fen()),
                created_at: Set(t),
                updated_at: Set(t),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    audit::record(&txn, actor, "setDepartmentQuota", "Quota", after.id, current.as_ref(), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}
