use sea_orm::entity::prelude::*;

/// A partner's webhook: where to POST the events it wants.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub partner_id: i64,
    pub url: String,
    /// Event kinds, comma-separated.
    pub events: String,
    /// The signing secret, AES-256-GCM encrypted (nonce first), base64.
    pub secret_encrypted: String,
    pub created_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
