//! References between rows, as a command names them: whether each exists,
//! as one NOT_FOUND user error per missing reference.

use entity::*;
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};

use super::write::{UserError, UserErrorCode, WriteError, WriteResult, at};

/// The kinds of row an input may reference by id.
#[derive(Debug, Clone, Copy)]
pub enum Ref {
    Sector,
    Park,
    Department,
    Campaign,
    Enterprise,
    Project,
    Event,
    Incentive,
    Partner,
}

impl Ref {
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Ref::Sector => ("行业", "sector"),
            Ref::Park => ("园区", "park"),
            Ref::Department => ("部门", "department"),
            Ref::Campaign => ("招商活动", "campaign"),
            Ref::Enterprise => ("企业", "enterprise"),
            Ref::Project => ("项目", "project"),
            Ref::Event => ("推介活动", "event"),
            Ref::Incentive => ("优惠政策", "incentive"),
            Ref::Partner => ("合作机构", "partner"),
        }
    }

    async fn exists<C: ConnectionTrait>(self, db: &C, id: i64) -> Result<bool, sea_orm::DbErr> {
        let n = match self {
            Ref::Sector => sector::Entity::find_by_id(id).count(db).await?,
            Ref::Park => park::Entity::find_by_id(id).count(db).await?,
            Ref::Department => department::Entity::find_by_id(id).count(db).await?,
            Ref::Campaign => campaign::Entity::find_by_id(id).count(db).await?,
            Ref::Enterprise => enterprise::Entity::find_by_id(id).count(db).await?,
            Ref::Project => project::Entity::find_by_id(id).count(db).await?,
            Ref::Event => event::Entity::find_by_id(id).count(db).await?,
            Ref::Incentive => incentive::Entity::find_by_id(id).count(db).await?,
            Ref::Partner => partner::Entity::find_by_id(id).count(db).await?,
        };
        Ok(n > 0)
    }
}

/// A reference as the client gave it: the decoded id (None if it did not decode)
/// and whether one was given at all.
pub type IdRef = (Option<i64>, bool);

/// NOT_FOUND for each reference that was given but names nothing.
pub async fn check_refs<C: ConnectionTrait>(db: &C, refs: &[(&str, IdRef, Ref)]) -> WriteResult<()> {
    let mut errors = Vec::new();
    for (field, (id, given), kind) in refs {
        let found = match id {
            Some(id) => kind.exists(db, *id).await?,
            None => !*given,
        };
        if !found {
            let (zh, en) = kind.names();
            errors.push(UserError {
                field: at(field),
                code: UserErrorCode::NotFound,
                zh: format!("找不到该{zh}"),
                en: format!("no such {en}"),
            });
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(WriteError::User(errors)) }
}
