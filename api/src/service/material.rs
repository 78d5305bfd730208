//! Promotion materials (招商资料) and their distribution (资料分发): brochures,
//! videos, slide decks, policy digests and maps, each a file or a link;
//! published ones are public. A distribution records that a material reached
//! an enterprise, recorded by staff or by a partner for itself.

use chrono::NaiveDate;
use entity::enums::{AttachmentParent, DistributionChannel, MaterialKind};
use entity::{material, material_distribution, material_sector, *};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel,
    QueryFilter, QuerySelect,
};
use serde::Serialize;

use super::audit;
use super::filter::{all, eq, gte, lte, search};
use super::listing::{children_by, replace_links, sectors_through};
use super::pagination::{Direction, Ordering, SortKey};
use super::refs::{Ref, check_refs};
use super::tx::{check_fresh, content_hash, finish, now, start};
use super::write::{Actor, Change, Noun, Patch, Problem, WriteError, WriteResult, refuse};
use crate::domain::text::fold;

#[derive(Debug, Default, Clone)]
pub struct MaterialFilter {
    pub search: Option<String>,
    pub kind: Option<MaterialKind>,
    pub language: Option<String>,
    pub sector_id: Option<i64>,
    pub is_published: Option<bool>,
}

pub fn condition(f: &MaterialFilter) -> Condition {
    use material::Column as C;
    let sector = f.sector_id.map(|s| {
        let with = sea_orm::sea_query::Query::select()
            .column(material_sector::Column::MaterialId)
            .from(material_sector::Entity)
            .and_where(material_sector::Column::SectorId.eq(s))
            .to_owned();
        C::Id.in_subquery(with)
    });
    all([
        search(C::SearchTitle, f.search.as_deref()),
        eq(C::Kind, f.kind),
        eq(C::Language, f.language.clone()),
        eq(C::IsPublished, f.is_published),
        sector,
    ])
}

/// By creation (`by_title` false) or by title.
pub fn ordering(by_title: bool, direction: Direction) -> Ordering<material::Entity> {
    if by_title {
        return Ordering {
            name: "TITLE",
            column: material::Column::Title,
            direction,
            key: |m: &material::Model| SortKey::Text(m.title.clone()),
        };
    }
    Ordering {
        name: "CREATED_AT",
        column: material::Column::CreatedAt,
        direction,
        key: |m: &material::Model| SortKey::Time(m.created_at),
    }
}

#[derive(Debug, Default, Clone)]
pub struct DistributionFilter {
    pub material_id: Option<i64>,
    pub partner_id: Option<i64>,
    pub channel: Option<DistributionChannel>,
    pub distributed_from: Option<NaiveDate>,
    pub distributed_to: Option<NaiveDate>,
}

pub fn distribution_condition(f: &DistributionFilter) -> Condition {
    use material_distribution::Column as C;
    all([
        eq(C::MaterialId, f.material_id),
        eq(C::PartnerId, f.partner_id),
        eq(C::Channel, f.channel),
        gte(C::DistributedOn, f.distributed_from),
        lte(C::DistributedOn, f.distributed_to),
    ])
}

/// Latest distribution first.
pub fn distribution_ordering(direction: Direction) -> Ordering<material_distribution::Entity> {
    Ordering {
        name: "DISTRIBUTED_ON",
        column: material_distribution::Column::DistributedOn,
        direction,
        key: |m: &material_distribution::Model| SortKey::Date(m.distributed_on),
    }
}

sectors_through!(MaterialSectors, material_sector, "material_sectors", "material_id", "`Material.sectors`, by name.");

children_by!(
    MaterialDistributions,
    material_distribution,
    "material_distributions",
    "material_id",
    distribution_ordering(Direction::Desc),
    "`Material.distributions`: latest first, as the caller may see them."
);

/// A material's fields as a command gives them; for a change, absent (or
/// [`Patch::Keep`]) leaves a field as it is.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MaterialFields {
    pub title: Option<String>,
    pub kind: Option<MaterialKind>,
    pub language: Option<String>,
    pub description: Patch<String>,
    pub url: Patch<String>,
    /// An uploaded, unattached file.
    pub file_id: Patch<i64>,
    pub is_published: Option<bool>,
    pub sector_ids: Option<Vec<i64>>,
}

/// `createMaterial` (staff): a file or a link, or both.
pub async fn create_material(
    db: &DatabaseConnection,
    actor: &Actor,
    f: MaterialFields,
    key: Option<&str>,
) -> WriteResult<material::Model> {
    actor.require_staff()?;
    if f.url.set().is_none() && f.file_id.set().is_none() {
        return Err(refuse("file_id", Problem::Required));
    }
    let (txn, claim) = match start::<material::Entity>(db, actor, "createMaterial", key, content_hash(&f)).await? {
        Ok(t) => t,
        Err(replay) => return Ok(replay),
    };
    super::campaign::check_sectors(&txn, &f.sector_ids).await?;
    let title = f.title.unwrap_or_default();
    let t = now();
    let m = material::ActiveModel {
        search_title: Set(fold(&title)),
        title: Set(title),
        kind: Set(f.kind.unwrap_or(MaterialKind::Other)),
        language: Set(f.language.unwrap_or_else(|| "zh-CN".into())),
        description: Set(f.description.value()),
        url: Set(f.url.value()),
        attachment_id: Set(None),
        is_published: Set(f.is_published.unwrap_or(false)),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let m = match f.file_id.set() {
        Some(file) => use_file(&txn, actor, m, Some(*file)).await?,
        None => m,
    };
    set_sectors(&txn, m.id, f.sector_ids.as_deref().unwrap_or_default()).await?;
    finish(txn, actor, claim, "createMaterial", "Material", m.id, &m).await?;
    Ok(m)
}

/// `updateMaterial` (staff).
pub async fn update_material(
    db: &DatabaseConnection,
    actor: &Actor,
    change: Change<MaterialFields>,
) -> WriteResult<material::Model> {
    let Change { id, expected_updated_at, fields: f } = change;
    actor.require_staff()?;
    let txn = super::tx::begin(db).await?;
    let current = super::tx::locked::<material::Entity>(&txn, id, "material_id", Noun::Material).await?;
    check_fresh(current.updated_at, expected_updated_at)?;
    super::campaign::check_sectors(&txn, &f.sector_ids).await?;
    let url = f.url.clone().apply(current.url.clone());
    let keeps_file = match &f.file_id {
        Patch::Keep => current.attachment_id.is_some(),
        Patch::Clear => false,
        Patch::Set(_) => true,
    };
    if url.is_none() && !keeps_file {
        return Err(refuse("file_id", Problem::Required));
    }
    let mut m = current.clone().into_active_model();
    if let Some(title) = f.title {
        m.search_title = Set(fold(&title));
        m.title = Set(title);
    }
    if let Some(kind) = f.kind {
        m.kind = Set(kind);
    }
    if let Some(language) = f.language {
        m.language = Set(language);
    }
    if let Some(p) = f.is_published {
        m.is_published = Set(p);
    }
    f.description.write_to(&mut m.description);
    m.url = Set(url);
    m.updated_at = Set(now());
    let mut after = m.update(&txn).await?;
    match f.file_id {
        Patch::Keep => {}
        Patch::Clear => after = use_file(&txn, actor, after, None).await?,
        Patch::Set(file) if Some(file) != current.attachment_id => {
            after = use_file(&txn, actor, after, Some(file)).await?
        }
        Patch::Set(_) => {}
    }
    if let Some(ids) = &f.sector_ids {
        set_sectors(&txn, after.id, ids).await?;
    }
    audit::record(&txn, actor, "updateMaterial", "Material", after.id, Some(&current), Some(&after)).await?;
    txn.commit().await?;
    Ok(after)
}

/// Makes `file` the material's file (an uploaded file not attached elsewhere)
/// and releases the one it had, which stays as an unattached upload.
async fn use_file<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    m: material::Model,
    file: Option<i64>,
) -> WriteResult<material::Model> {
    if let Some(old) = m.attachment_id {
        let old = super::attachment::visible_locked(txn, actor, old).await?;
        super::attachment::set_parent(txn, old, None).await?;
    }
    if let Some(file) = file {
        let a = super::attachment::visible_locked(txn, actor, file).await.map_err(|e| match e {
            WriteError::User(_) => refuse("file_id", Problem::NotFound(Noun::Attachment)),
            other => other,
        })?;
        if a.parent_type.is_some() {
            return Err(refuse("file_id", Problem::AlreadyAttached));
        }
        super::attachment::set_parent(txn, a, Some((AttachmentParent::Material, m.id))).await?;
    }
    let mut active = m.into_active_model();
    active.attachment_id = Set(file);
    Ok(active.update(txn).await?)
}

async fn set_sectors<C: ConnectionTrait>(db: &C, material_id: i64, ids: &[i64]) -> Result<(), sea_orm::DbErr> {
    replace_links(db, material_sector::Column::MaterialId, material_id, ids, |s| material_sector::ActiveModel {
        material_id: Set(material_id),
        sector_id: Set(s),
    })
    .await
}

/// `recordMaterialDistribution`.
#[derive(Debug, Clone, Serialize)]
pub struct RecordDistribution {
    pub material_id: i64,
    pub enterprise_id: Option<i64>,
    pub enterprise_name: Option<String>,
    pub event_id: Option<i64>,
    pub channel: DistributionChannel,
    pub distributed_on: NaiveDate,
}

/// Staff record a distribution (naming the office's enterprise and event if
/// they like); a partner records one for itself, of a published material,
/// naming the enterprise in words (it does not see the office's enterprises).
pub async fn record_distribution(
    db: &DatabaseConnection,
    actor: &Actor,
    cmd: RecordDistribution,
    key: Option<&str>,
) -> WriteResult<material_distribution::Model> {
    let p = &actor.principal;
    let partner = p.partner();
    if !(p.is_staff() || partner.is_some()) {
        return Err(WriteError::Forbidden);
    }
    if partner.is_some() && (cmd.enterprise_id.is_some() || cmd.event_id.is_some()) {
        let field = if cmd.enterprise_id.is_some() { "enterprise_id" } else { "event_id" };
        return Err(refuse(field, Problem::NotFound(if field == "event_id" { Noun::Event } else { Noun::Enterprise })));
    }
    let (txn, claim) =
        match start::<material_distribution::Entity>(db, actor, "recordMaterialDistribution", key, content_hash(&cmd))
            .await?
        {
            Ok(t) => t,
            Err(replay) => return Ok(replay),
        };
    let visible = super::visibility::restrict(material::Entity::find_by_id(cmd.material_id), p);
    let found = match visible {
        Some(s) => s.one(&txn).await?,
        None => None,
    };
    if found.is_none() {
        return Err(refuse("material_id", Problem::NotFound(Noun::Material)));
    }
    check_refs(&txn, &[("enterprise_id", cmd.enterprise_id, Ref::Enterprise), ("event_id", cmd.event_id, Ref::Event)])
        .await?;
    let d = material_distribution::ActiveModel {
        material_id: Set(cmd.material_id),
        enterprise_id: Set(cmd.enterprise_id),
        enterprise_name: Set(cmd.enterprise_name),
        event_id: Set(cmd.event_id),
        channel: Set(cmd.channel),
        distributed_on: Set(cmd.distributed_on),
        staff_member_id: Set(if partner.is_some() { None } else { p.staff_member_id }),
        partner_id: Set(partner),
        recorded_by_key_id: Set(p.key_id),
        created_at: Set(now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    finish(txn, actor, claim, "recordMaterialDistribution", "MaterialDistribution", d.id, &d).await?;
    Ok(d)
}

/// Distributions dated within each campaign's period, per campaign: one
/// statement for any number of campaigns.
pub async fn distributed_per_campaign<C: ConnectionTrait>(
    db: &C,
    campaigns: &[i64],
) -> Result<std::collections::HashMap<i64, i64>, sea_orm::DbErr> {
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    let (c, d) = (campaign::Entity, material_distribution::Entity);
    let on_its_days = Condition::all()
        .add(
            Expr::col((d, material_distribution::Column::DistributedOn))
                .gte(Expr::col((c, campaign::Column::StartsOn))),
        )
        .add(
            Expr::col((d, material_distribution::Column::DistributedOn)).lte(Expr::col((c, campaign::Column::EndsOn))),
        );
    let stmt = Query::select()
        .column((c, campaign::Column::Id))
        .expr(Expr::col((d, material_distribution::Column::Id)).count())
        .from(c)
        .inner_join(d, on_its_days)
        .and_where(Expr::col((c, campaign::Column::Id)).is_in(campaigns.to_vec()))
        .group_by_col((c, campaign::Column::Id))
        .to_owned();
    let mut out = std::collections::HashMap::new();
    for row in db.query_all(&stmt).await? {
        out.insert(row.try_get_by_index::<i64>(0)?, row.try_get_by_index::<i64>(1)?);
    }
    Ok(out)
}

/// Distributions each partner recorded: one statement.
pub async fn distributed_per_partner<C: ConnectionTrait>(
    db: &C,
    partners: &[i64],
) -> Result<std::collections::HashMap<i64, i64>, sea_orm::DbErr> {
    use material_distribution::Column as C;
    let rows: Vec<(i64, i64)> = material_distribution::Entity::find()
        .select_only()
        .column(C::PartnerId)
        .column_as(C::Id.count(), "n")
        .filter(C::PartnerId.is_in(partners.to_vec()))
        .group_by(C::PartnerId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}
