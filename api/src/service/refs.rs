//! References between rows, as a command names them: whether each exists,
//! as one NOT_FOUND user error per missing reference.

use entity::*;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};

use super::write::{Problem, UserError, WriteError, WriteResult};

/// The kinds of row a command may reference by id.
pub use crate::domain::problem::Noun as Ref;

/// Whether the row a reference names exists.
async fn exists<C: ConnectionTrait>(kind: Ref, db: &C, id: i64) -> Result<bool, sea_orm::DbErr> {
    let n = match kind {
        Ref::Sector => sector::Entity::find_by_id(id).count(db).await?,
        Ref::Park => park::Entity::find_by_id(id).count(db).await?,
        Ref::Department => department::Entity::find_by_id(id).count(db).await?,
        Ref::Campaign => campaign::Entity::find_by_id(id).count(db).await?,
        Ref::Enterprise => enterprise::Entity::find_by_id(id).count(db).await?,
        Ref::Project => project::Entity::find_by_id(id).count(db).await?,
        Ref::Event => event::Entity::find_by_id(id).count(db).await?,
        Ref::Incentive => incentive::Entity::find_by_id(id).count(db).await?,
        Ref::Partner => partner::Entity::find_by_id(id).count(db).await?,
        Ref::Agreement => agreement::Entity::find_by_id(id).count(db).await?,
        Ref::Lead => lead::Entity::find_by_id(id).count(db).await?,
        Ref::ApiKey => api_key::Entity::find_by_id(id).count(db).await?,
        Ref::Webhook => webhook::Entity::find_by_id(id).count(db).await?,
        Ref::StaffMember => staff_member::Entity::find_by_id(id).count(db).await?,
        Ref::ServiceRequest => service_request::Entity::find_by_id(id).count(db).await?,
        Ref::Attachment => attachment::Entity::find_by_id(id).count(db).await?,
        Ref::Material => material::Entity::find_by_id(id).count(db).await?,
        // Checked as the kind its id names (a project, agreement, lead or service request).
        Ref::AttachmentParent => 0,
        Ref::LeadOrEnterprise => {
            lead::Entity::find_by_id(id).count(db).await? + enterprise::Entity::find_by_id(id).count(db).await?
        }
    };
    Ok(n > 0)
}

/// NOT_FOUND for each reference that was given but names nothing: `(field,
/// row id if given, kind)`.
pub async fn check_refs<C: ConnectionTrait>(db: &C, refs: &[(&str, Option<i64>, Ref)]) -> WriteResult<()> {
    let mut errors = Vec::new();
    for (field, id, kind) in refs {
        if let Some(id) = id
            && !exists(*kind, db, *id).await?
        {
            errors.push(UserError::at(field, Problem::NotFound(*kind)));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(WriteError::User(errors)) }
}
