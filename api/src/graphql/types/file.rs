//! `Attachment`: a file's metadata and its short-lived download link.

use async_graphql::{Context, ID, Object, Result, SimpleObject};
use entity::enums::AttachmentParent;
use entity::{attachment, material, partner, staff_member};

use super::enums::Role;
use super::load;
use super::partner::Partner;
use super::staff_member::StaffMember;
use crate::graphql::context::Ctx;
use crate::graphql::ids;
use crate::service::attachment::Link;

/// A file (附件) on a project, agreement, lead, service request or material:
/// visible exactly as its parent is. Staff see every file; a partner sees the
/// files it uploaded (not attached yet, or attached to its own leads) and
/// published materials' files; the public only published materials' files.
pub struct Attachment(pub attachment::Model);

/// Who uploaded a file.
#[derive(SimpleObject)]
pub struct Uploader {
    /// The role of the key it was uploaded with.
    pub role: Role,
    /// The staff member the key is bound to (staff only).
    pub staff_member: Option<StaffMember>,
    /// The partner whose key it was.
    pub partner: Option<Partner>,
}

/// A file (附件) on a project, agreement, lead, service request or material:
/// visible exactly as its parent is. Staff see every file; a partner sees the
/// files it uploaded (not attached yet, or attached to its own leads) and
/// published materials' files; the public only published materials' files.
#[Object]
impl Attachment {
    /// The attachment's global id.
    pub async fn id(&self) -> ID {
        ids::encode("Attachment", self.0.id)
    }
    /// The file's name as uploaded, e.g. `投资协议（扫描件）.pdf`.
    async fn file_name(&self) -> &str {
        &self.0.file_name
    }
    /// Its media type, recognised from its bytes, e.g. `application/pdf`.
    async fn content_type(&self) -> &str {
        &self.0.content_type
    }
    /// Its size in bytes.
    async fn byte_size(&self) -> i64 {
        self.0.byte_size
    }
    /// The SHA-256 of its bytes, 64 lower-case hex digits.
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }
    /// When it was uploaded.
    async fn uploaded_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.uploaded_at
    }
    /// Who uploaded it: shown to staff and to the partner that uploaded it,
    /// null for anyone else (a published material's file read by the public).
    async fn uploaded_by(&self, ctx: &Context<'_>) -> Result<Option<Uploader>> {
        let p = ctx.principal();
        if !(p.is_staff() || (p.partner().is_some() && p.partner() == self.0.uploaded_by_partner_id)) {
            return Ok(None);
        }
        Ok(Some(Uploader {
            role: self.0.uploaded_by_role.into(),
            staff_member: load::<staff_member::Entity, _>(ctx, self.0.uploaded_by_staff_member_id, StaffMember).await?,
            partner: load::<partner::Entity, _>(ctx, self.0.uploaded_by_partner_id, Partner).await?,
        }))
    }
    /// A link that downloads it: `/files/{id}?key=…&expires=…&signature=…`,
    /// relative to this service, valid for `ZHAOSHANG_DOWNLOAD_URL_TTL_SECS`
    /// (300 s by default). A published material's file gets a public link
    /// that works anywhere (a browser's `<video src>` included); any other
    /// file's link works only with the key that asked for it, sent as
    /// `Authorization: Bearer …`. Range requests are served, for videos.
    async fn download_url(&self, ctx: &Context<'_>) -> Result<String> {
        let state = ctx.state();
        let public = match (self.0.parent_type, self.0.parent_id) {
            (Some(AttachmentParent::Material), Some(id)) => {
                load::<material::Entity, _>(ctx, Some(id), |m| m.is_published).await?.unwrap_or(false)
            }
            _ => false,
        };
        let key = if public { None } else { ctx.principal().key_id };
        Ok(Link::mint(self.0.id, key, chrono::Utc::now(), state.config.download_url_ttl_secs).url(&state.files))
    }
}
