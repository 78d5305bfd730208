//! Attachments (附件): files on projects, agreements, leads, service requests
//! and materials. A file is uploaded first (`uploadFile`: checked, streamed to
//! the object store, its metadata recorded), then attached to its parent
//! (`attachFile`, or a material's `fileId`); an attachment is visible exactly
//! as `service::visibility` says.

use chrono::{DateTime, Utc};
use entity::enums::AttachmentParent;
use entity::{attachment, lead};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QueryFilter};

use super::audit;
use super::listing::ChildList;
use super::pagination::{Direction, Ordering, SortKey};
use super::refs::{Ref, check_refs};
use super::tx::now;
use super::write::{Actor, Noun, Problem, WriteError, WriteResult, not_found, refuse};
use crate::error::AppError;
use crate::files::Files;

/// A type of file the service accepts: its extensions, its media type, and
/// how its bytes are recognised.
#[derive(Debug)]
pub struct FileKind {
    pub extensions: &'static [&'static str],
    pub content_type: &'static str,
    /// Held to `ZHAOSHANG_MAX_VIDEO_BYTES` rather than `ZHAOSHANG_MAX_UPLOAD_BYTES`.
    pub video: bool,
    /// Plain text: no signature to recognise, and no binary one allowed.
    pub text: bool,
}

const fn kind(extensions: &'static [&'static str], content_type: &'static str) -> FileKind {
    FileKind { extensions, content_type, video: false, text: false }
}

/// The file types accepted: documents, images, videos, plain text.
pub const KINDS: &[FileKind] = &[
    kind(&["pdf"], "application/pdf"),
    kind(&["jpg", "jpeg"], "image/jpeg"),
    kind(&["png"], "image/png"),
    kind(&["gif"], "image/gif"),
    kind(&["webp"], "image/webp"),
    kind(&["docx"], "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    kind(&["xlsx"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    kind(&["pptx"], "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    kind(&["doc"], "application/msword"),
    kind(&["xls"], "application/vnd.ms-excel"),
    kind(&["ppt"], "application/vnd.ms-powerpoint"),
    kind(&["zip"], "application/zip"),
    FileKind { extensions: &["mp4"], content_type: "video/mp4", video: true, text: false },
    FileKind { extensions: &["mov"], content_type: "video/quicktime", video: true, text: false },
    FileKind { extensions: &["webm"], content_type: "video/webm", video: true, text: false },
    FileKind { extensions: &["txt"], content_type: "text/plain; charset=utf-8", video: false, text: true },
    FileKind { extensions: &["csv"], content_type: "text/csv", video: false, text: true },
];

/// The extensions accepted, for messages.
pub fn allowed() -> String {
    KINDS.iter().flat_map(|k| k.extensions.iter().copied()).collect::<Vec<_>>().join(", ")
}

/// Bytes read from the start of a file to recognise its type.
pub const HEAD: usize = 64 * 1024;

/// The type of a file named `name` whose first bytes are `head`: None unless
/// the name's extension is accepted and the bytes are what it says (a PDF
/// named .jpg is refused, as is an executable named .txt).
pub fn recognise(name: &str, head: &[u8]) -> Option<&'static FileKind> {
    let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
    let kind = KINDS.iter().find(|k| k.extensions.contains(&extension.as_str()))?;
    let sniffed = infer::get(head);
    let fits = if kind.text {
        // Text has no signature: it must not carry a binary one, nor NUL bytes.
        sniffed.is_none() && !head.contains(&0)
    } else {
        sniffed.is_some_and(|t| t.mime_type() == kind.content_type)
    };
    fits.then_some(kind)
}

/// The name a file keeps: its last path segment (some browsers send
/// `C:\fakepath\…`), trimmed.
pub fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name).trim()
}

/// The limits uploads are held to, in bytes.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub file: u64,
    pub video: u64,
}

/// An upload as the HTTP layer received it: the client's file name and the
/// temporary file holding its bytes.
pub struct Upload {
    pub file_name: String,
    pub file: std::fs::File,
}

/// `uploadFile`: staff, and partners (for their leads). Checks the name, the
/// type against the bytes, the size; streams the bytes to the store; records
/// the metadata. Nothing is kept if any step fails.
pub async fn upload(
    db: &DatabaseConnection,
    files: &Files,
    actor: &Actor,
    upload: Upload,
    limits: Limits,
) -> WriteResult<attachment::Model> {
    let p = &actor.principal;
    if !(p.is_staff() || p.partner().is_some()) {
        return Err(WriteError::Forbidden);
    }
    let mut checks = super::write::Checks::new();
    let file_name = checks.text("file", base_name(&upload.file_name), 255);
    checks.finish()?;
    let mut file = upload.file;
    let size = file.metadata().map_err(AppError::internal)?.len();
    let head = {
        use std::io::{Read, Seek};
        let mut head = Vec::with_capacity(HEAD);
        file.seek(std::io::SeekFrom::Start(0)).map_err(AppError::internal)?;
        (&mut file).take(HEAD as u64).read_to_end(&mut head).map_err(AppError::internal)?;
        head
    };
    let Some(kind) = recognise(&file_name, &head) else {
        return Err(refuse("file", Problem::FileType { allowed: allowed() }));
    };
    let limit = if kind.video { limits.video } else { limits.file };
    if size > limit {
        let what = if kind.video { "a video" } else { "a file" };
        return Err(AppError::PayloadTooLarge(format!("{what} may hold at most {limit} bytes")).into());
    }
    // Stored and recorded in a task of its own, which a client that hangs up
    // (or the request's deadline) does not cancel half-way: the bytes are
    // either recorded or removed, never left behind unrecorded.
    let (db, files, actor) = (db.clone(), files.clone(), actor.clone());
    let task = tokio::spawn(async move { store(&db, &files, &actor, file_name, kind, file).await });
    task.await.map_err(AppError::internal)?
}

/// Streams `file` into the store and records it; removes the bytes again when
/// the record fails.
async fn store(
    db: &DatabaseConnection,
    files: &Files,
    actor: &Actor,
    file_name: String,
    kind: &'static FileKind,
    file: std::fs::File,
) -> WriteResult<attachment::Model> {
    let p = &actor.principal;
    let storage_key = format!("attachments/{}", random_name());
    let stored = files.put(&storage_key, file).await.map_err(AppError::Internal)?;
    let recorded = async {
        let txn = super::tx::begin(db).await?;
        let m = attachment::ActiveModel {
            file_name: Set(file_name),
            content_type: Set(kind.content_type.to_owned()),
            byte_size: Set(i64::try_from(stored.byte_size).unwrap_or(i64::MAX)),
            sha256: Set(stored.sha256),
            storage_key: Set(storage_key.clone()),
            uploaded_by_role: Set(p.role),
            uploaded_by_key_id: Set(p.key_id),
            uploaded_by_staff_member_id: Set(p.staff_member_id),
            uploaded_by_partner_id: Set(p.partner()),
            parent_type: Set(None),
            parent_id: Set(None),
            uploaded_at: Set(now()),
            attached_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::record(&txn, actor, "uploadFile", "Attachment", m.id, None, Some(&m)).await?;
        txn.commit().await?;
        Ok::<_, WriteError>(m)
    }
    .await;
    if recorded.is_err()
        && let Err(e) = files.delete(&storage_key).await
    {
        tracing::warn!(error = %e, key = %storage_key, "an upload that was not recorded could not be removed");
    }
    recorded
}

fn random_name() -> String {
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    hex::encode(bytes)
}

/// `attachFile`: an uploaded file onto a project, agreement, lead or service
/// request. Staff attach any file they see to any of them; a partner attaches
/// the files it uploaded to its own leads.
pub async fn attach(
    db: &DatabaseConnection,
    actor: &Actor,
    attachment_id: i64,
    parent: AttachmentParent,
    parent_id: i64,
) -> WriteResult<attachment::Model> {
    let p = &actor.principal;
    let txn = super::tx::begin(db).await?;
    let current = visible_locked(&txn, actor, attachment_id).await?;
    if current.parent_type.is_some() {
        return Err(refuse("attachment_id", Problem::AlreadyAttached));
    }
    match (p.partner(), parent) {
        (_, AttachmentParent::Material) => return Err(not_found("parent_id", Noun::AttachmentParent)),
        (Some(partner), AttachmentParent::Lead) => {
            let own = lead::Entity::find_by_id(parent_id).filter(lead::Column::PartnerId.eq(partner)).one(&txn).await?;
            if own.is_none() {
                return Err(not_found("parent_id", Noun::Lead));
            }
        }
        (Some(_), _) => return Err(WriteError::Forbidden),
        (None, _) if !p.is_staff() => return Err(WriteError::Forbidden),
        (None, kind) => check_refs(&txn, &[("parent_id", Some(parent_id), parent_noun(kind))]).await?,
    }
    let after = set_parent(&txn, current.clone(), Some((parent, parent_id))).await?;
    audit::record(&txn, actor, "attachFile", "Attachment", after.id, Some(&current), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}

fn parent_noun(kind: AttachmentParent) -> Ref {
    match kind {
        AttachmentParent::Project => Ref::Project,
        AttachmentParent::Agreement => Ref::Agreement,
        AttachmentParent::Lead => Ref::Lead,
        AttachmentParent::ServiceRequest => Ref::ServiceRequest,
        AttachmentParent::Material => Ref::Material,
    }
}

/// The attachment, locked, if `actor` may see it; NOT_FOUND at
/// `attachment_id` otherwise.
pub(crate) async fn visible_locked<C: sea_orm::ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    id: i64,
) -> WriteResult<attachment::Model> {
    use sea_orm::QuerySelect;
    let select = attachment::Entity::find_by_id(id).lock_exclusive();
    let Some(select) = super::visibility::restrict(select, &actor.principal) else {
        return Err(not_found("attachment_id", Noun::Attachment));
    };
    select.one(txn).await?.ok_or_else(|| not_found("attachment_id", Noun::Attachment))
}

/// Sets (or clears) an attachment's parent.
pub(crate) async fn set_parent<C: sea_orm::ConnectionTrait>(
    txn: &C,
    current: attachment::Model,
    parent: Option<(AttachmentParent, i64)>,
) -> WriteResult<attachment::Model> {
    let mut m = current.into_active_model();
    m.parent_type = Set(parent.map(|p| p.0));
    m.parent_id = Set(parent.map(|p| p.1));
    m.attached_at = Set(parent.map(|_| now()));
    Ok(m.update(txn).await?)
}

/// `removeAttachment`: staff remove any file (but a material's, while the
/// material uses it); a partner the files it uploaded. The bytes go once the
/// row is gone.
pub async fn remove(db: &DatabaseConnection, files: &Files, actor: &Actor, attachment_id: i64) -> WriteResult<i64> {
    let p = &actor.principal;
    if !(p.is_staff() || p.partner().is_some()) {
        return Err(WriteError::Forbidden);
    }
    let txn = super::tx::begin(db).await?;
    let current = visible_locked(&txn, actor, attachment_id).await?;
    if let Some(partner) = p.partner()
        && current.uploaded_by_partner_id != Some(partner)
    {
        return Err(WriteError::Forbidden);
    }
    if current.parent_type == Some(AttachmentParent::Material) {
        return Err(refuse("attachment_id", Problem::FileInUse));
    }
    attachment::Entity::delete_by_id(current.id).exec(&txn).await?;
    audit::record(&txn, actor, "removeAttachment", "Attachment", current.id, Some(&current), None).await?;
    txn.commit().await?;
    if let Err(e) = files.delete(&current.storage_key).await {
        tracing::warn!(error = %e, key = %current.storage_key, "a removed attachment's bytes could not be deleted");
    }
    Ok(current.id)
}

/// A download link's fields: where, for whom, until when.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    pub id: i64,
    /// The key it was minted for; 0 for the public.
    pub key_id: i64,
    pub expires: i64,
}

impl Link {
    /// `/files/{id}?key=…&expires=…&signature=…`, relative to the service.
    pub fn url(self, files: &Files) -> String {
        let id = crate::ids::encode("Attachment", self.id).0;
        let signature = files.sign(self.id, self.key_id, self.expires);
        format!("/files/{id}?key={}&expires={}&signature={signature}", self.key_id, self.expires)
    }

    /// A link for `key_id` valid `ttl_secs` from `at`.
    pub fn mint(id: i64, key_id: Option<i64>, at: DateTime<Utc>, ttl_secs: u64) -> Link {
        let ttl = i64::try_from(ttl_secs).unwrap_or(i64::MAX / 2);
        Link { id, key_id: key_id.unwrap_or(0), expires: at.timestamp().saturating_add(ttl) }
    }
}

/// The attachments of one kind of parent, latest first.
macro_rules! attachments_of {
    ($name:ident, $parent:expr, $doc:literal) => {
        #[doc = $doc]
        pub struct $name;

        impl ChildList for $name {
            type Entity = attachment::Entity;
            fn parent_column() -> (&'static str, &'static str) {
                ("attachments", "parent_id")
            }
            fn base() -> sea_orm::Select<attachment::Entity> {
                attachment::Entity::find().filter(attachment::Column::ParentType.eq($parent))
            }
            fn order() -> Ordering<attachment::Entity> {
                ordering()
            }
        }
    };
}

attachments_of!(ProjectAttachments, AttachmentParent::Project, "`Project.attachments`.");
attachments_of!(AgreementAttachments, AttachmentParent::Agreement, "`Agreement.attachments`.");
attachments_of!(LeadAttachments, AttachmentParent::Lead, "`Lead.attachments`.");
attachments_of!(ServiceRequestAttachments, AttachmentParent::ServiceRequest, "`ServiceRequest.attachments`.");

/// Latest upload first.
pub fn ordering() -> Ordering<attachment::Entity> {
    Ordering {
        name: "UPLOADED_AT",
        column: attachment::Column::UploadedAt,
        direction: Direction::Desc,
        key: |m: &attachment::Model| SortKey::Time(m.uploaded_at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_named_as_a_picture_is_not_recognised() {
        let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n";
        assert_eq!(recognise("brochure.pdf", pdf).map(|k| k.content_type), Some("application/pdf"));
        assert!(recognise("brochure.jpg", pdf).is_none());
        assert!(recognise("brochure.txt", pdf).is_none());
        assert!(recognise("brochure", pdf).is_none());
        assert!(recognise("notes.txt", "会议纪要".as_bytes()).is_some());
        assert!(recognise("setup.exe", b"MZ\x90\x00").is_none());
    }

    #[test]
    fn a_browser_path_keeps_only_the_file_name() {
        assert_eq!(base_name("C:\\fakepath\\招商手册.pdf"), "招商手册.pdf");
        assert_eq!(base_name("dir/sub/a.png"), "a.png");
    }
}
