#[allow(unused_imports)]
use crate::enums::*;
use sea_orm::entity::prelude::*;
use serde::Serialize;

/// A file's metadata; its bytes are in the object store under `storage_key`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "attachments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub byte_size: i64,
    /// Lower-case hex.
    pub sha256: String,
    #[serde(skip)]
    pub storage_key: String,
    pub uploaded_by_role: Role,
    pub uploaded_by_key_id: Option<i64>,
    pub uploaded_by_staff_member_id: Option<i64>,
    pub uploaded_by_partner_id: Option<i64>,
    /// None until attached.
    pub parent_type: Option<AttachmentParent>,
    pub parent_id: Option<i64>,
    pub uploaded_at: DateTimeUtc,
    pub attached_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
