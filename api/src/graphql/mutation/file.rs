//! Files: `uploadFile` (a GraphQL multipart request), `attachFile`,
//! `removeAttachment`.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject, Upload};
use entity::enums::AttachmentParent;

use super::{Ids, UserError, checked, payload, settle};
use crate::graphql::context::Ctx;
use crate::graphql::ids;
use crate::graphql::types::file::Attachment;
use crate::service::attachment::{self as service, Limits};
use crate::service::write::{Checks, Noun, Problem, WriteError};

/// A file to upload, sent as the GraphQL multipart request specification
/// describes (`operations`, `map`, then the file).
#[derive(InputObject)]
pub struct UploadFileInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The file: PDF, an image (JPEG, PNG, GIF, WebP), an Office document,
    /// ZIP, plain text or CSV, at most `ZHAOSHANG_MAX_UPLOAD_BYTES` (20 MiB by
    /// default); or a video (MP4, MOV, WebM), at most
    /// `ZHAOSHANG_MAX_VIDEO_BYTES` (512 MiB). Its name's extension must be
    /// what its bytes are.
    pub file: Upload,
}

payload!(UploadFilePayload, attachment: Attachment, "The answer to `uploadFile`.");

/// An uploaded file onto what it documents.
#[derive(InputObject)]
pub struct AttachFileInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The uploaded file, not attached yet.
    pub attachment_id: ID,
    /// A project, agreement, lead or service request (a partner: one of its leads).
    pub parent_id: ID,
}

payload!(AttachFilePayload, attachment: Attachment, "The answer to `attachFile`.");

/// A file to remove, with its bytes.
#[derive(InputObject)]
pub struct RemoveAttachmentInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The attachment.
    pub attachment_id: ID,
}

/// The answer to `removeAttachment`.
#[derive(SimpleObject)]
pub struct RemoveAttachmentPayload {
    /// The client's own id for this mutation, echoed.
    pub client_mutation_id: Option<String>,
    /// The attachment removed; null when the input was refused.
    pub removed_attachment_id: Option<ID>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<UserError>,
}

/// Who may upload: staff, and partners (for their leads).
fn may_upload(ctx: &Context<'_>) -> Result<()> {
    let p = ctx.principal();
    if p.is_staff() || p.partner().is_some() { Ok(()) } else { Err(super::forbidden()) }
}

#[derive(Default)]
pub struct FileMutation;

#[Object]
impl FileMutation {
    /// Staff and partners upload a file: checked (its type against its bytes,
    /// its size), stored, and answered as an attachment that is not attached
    /// yet (only its uploader sees it) until `attachFile` or a material's
    /// `fileId` places it. Too large: `PAYLOAD_TOO_LARGE`, nothing stored; a
    /// type not allowed, or one its bytes contradict: `INVALID_FORMAT`.
    async fn upload_file(&self, ctx: &Context<'_>, input: UploadFileInput) -> Result<UploadFilePayload> {
        may_upload(ctx)?;
        let actor = ctx.request().actor();
        let value = super::uploaded(ctx, &input.file)?;
        let config = &ctx.state().config;
        let limits = Limits { file: config.max_upload_bytes as u64, video: config.max_video_bytes as u64 };
        let upload = service::Upload { file_name: value.filename, file: value.content };
        let result = service::upload(ctx.db(), &ctx.state().files, &actor, upload, limits).await;
        let (attachment, user_errors) = settle(ctx, result, Attachment)?;
        Ok(UploadFilePayload { client_mutation_id: input.client_mutation_id, attachment, user_errors })
    }

    /// Attaches an uploaded file to a project, agreement, lead or service
    /// request (staff); a partner attaches the files it uploaded to its own
    /// leads. The file is then visible exactly as its parent is.
    async fn attach_file(&self, ctx: &Context<'_>, input: AttachFileInput) -> Result<AttachFilePayload> {
        may_upload(ctx)?;
        let mut c = Checks::new();
        let attachment = c.id("attachmentId", &input.attachment_id, Noun::Attachment);
        let parent = match ids::decode(&input.parent_id) {
            Some((kind, id)) => match kind.as_str() {
                "Project" => Some((AttachmentParent::Project, id)),
                "Agreement" => Some((AttachmentParent::Agreement, id)),
                "Lead" => Some((AttachmentParent::Lead, id)),
                "ServiceRequest" => Some((AttachmentParent::ServiceRequest, id)),
                _ => None,
            },
            None => None,
        };
        if parent.is_none() {
            c.add("parentId", Problem::NotFound(Noun::AttachmentParent));
        }
        let actor = ctx.request().actor();
        let result = checked(c, || async {
            let (kind, id) = parent.ok_or(WriteError::Forbidden)?;
            service::attach(ctx.db(), &actor, attachment, kind, id).await
        })
        .await;
        let (attachment, user_errors) = settle(ctx, result, Attachment)?;
        Ok(AttachFilePayload { client_mutation_id: input.client_mutation_id, attachment, user_errors })
    }

    /// Removes a file and its bytes: staff any (a material's only once the
    /// material no longer uses it), a partner those it uploaded.
    async fn remove_attachment(
        &self,
        ctx: &Context<'_>,
        input: RemoveAttachmentInput,
    ) -> Result<RemoveAttachmentPayload> {
        may_upload(ctx)?;
        let mut c = Checks::new();
        let id = c.id("attachmentId", &input.attachment_id, Noun::Attachment);
        let actor = ctx.request().actor();
        let result = checked(c, || service::remove(ctx.db(), &ctx.state().files, &actor, id)).await;
        let (removed, user_errors) = settle(ctx, result, |id| ids::encode("Attachment", id))?;
        Ok(RemoveAttachmentPayload {
            client_mutation_id: input.client_mutation_id,
            removed_attachment_id: removed,
            user_errors,
        })
    }
}
