use sea_orm::entity::prelude::*;
use serde::Serialize;

/// Something that happened, for subscribers and webhooks; written in the
/// transaction of the change that caused it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "domain_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `LEAD_STATUS_CHANGED`, `AGREEMENT_RECORDED`, `PROJECT_STAGE_CHANGED`, or
    /// the internal `KEY_REVOKED`.
    pub kind: String,
    /// The partner the event concerns, who may hear of it.
    pub partner_id: Option<i64>,
    pub campaign_id: Option<i64>,
    /// For `KEY_REVOKED`: the key.
    pub key_id: Option<i64>,
    /// The event's `data` as JSON text.
    pub data: String,
    pub occurred_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
