//! One DataLoader per request batches every read that resolvers ask for in the
//! same tick: rows by id, nested pages, their counts, report figures. A list with
//! nested fields therefore costs a fixed number of statements, not one per row.
//! The loader carries the request's principal, so what it returns is already
//! restricted to what that principal may see, and its cache dies with the request.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use chrono::NaiveDate;
use entity::{incentive, project};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::auth::Principal;
use crate::error::AppError;
use crate::service::incentive as incentives;
use crate::service::listing::{self, ChildList};
use crate::service::pagination::{Keyed, Page, PageRequest};
use crate::service::report::{self, Figures};
use crate::service::visibility::Visible;

pub struct AppLoader {
    pub db: DatabaseConnection,
    pub principal: Principal,
    pub today: NaiveDate,
    pub checkup: crate::service::health::Checkup,
}

type LoadResult<K, V> = Result<HashMap<K, V>, Arc<AppError>>;

macro_rules! marker_key {
    ($(#[$doc:meta])* $name:ident<$t:ident> { $($field:ident : $ty:ty),* }) => {
        $(#[$doc])*
        pub struct $name<$t> { $(pub $field: $ty,)* _marker: PhantomData<fn() -> $t> }
        impl<$t> $name<$t> {
            pub fn new($($field: $ty),*) -> Self { Self { $($field,)* _marker: PhantomData } }
        }
        impl<$t> Clone for $name<$t> {
            fn clone(&self) -> Self { Self { $($field: self.$field.clone(),)* _marker: PhantomData } }
        }
        impl<$t> PartialEq for $name<$t> {
            fn eq(&self, other: &Self) -> bool { true $(&& self.$field == other.$field)* }
        }
        impl<$t> Eq for $name<$t> {}
        impl<$t> Hash for $name<$t> {
            fn hash<H: Hasher>(&self, state: &mut H) { $(self.$field.hash(state);)* }
        }
    };
}

marker_key!(
    /// A row of `E` by id.
    ById<E> { id: i64 }
);
marker_key!(
    /// A page of the children list `L` under one parent.
    Children<L> { parent: i64, page: PageRequest }
);
marker_key!(
    /// How many children of list `L` one parent has.
    ChildCount<L> { parent: i64 }
);

impl<E> Loader<ById<E>> for AppLoader
where
    E: Visible + Keyed + Send + Sync,
    E::Model: Clone + Send + Sync,
{
    type Value = E::Model;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[ById<E>]) -> LoadResult<ById<E>, E::Model> {
        super::gate::batch_started();
        let ids: Vec<i64> = keys.iter().map(|k| k.id).collect();
        let rows = listing::by_ids::<E>(&self.db, &self.principal, &ids).await?;
        Ok(rows.into_iter().map(|(id, m)| (ById::new(id), m)).collect())
    }
}

impl<L> Loader<Children<L>> for AppLoader
where
    L: ChildList,
    <L::Entity as EntityTrait>::Model: Clone + Send + Sync,
{
    type Value = Page<<L::Entity as EntityTrait>::Model>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Children<L>]) -> LoadResult<Children<L>, Self::Value> {
        super::gate::batch_started();
        // One statement per distinct page request: usually one for the whole list.
        let mut by_page: HashMap<&PageRequest, Vec<i64>> = HashMap::new();
        for k in keys {
            by_page.entry(&k.page).or_default().push(k.parent);
        }
        let mut out = HashMap::new();
        for (page, parents) in by_page {
            let pages = listing::children::<L>(&self.db, &self.principal, &parents, page).await?;
            for parent in parents {
                let p = pages.get(&parent).cloned().unwrap_or_else(Page::empty);
                out.insert(Children::new(parent, page.clone()), p);
            }
        }
        Ok(out)
    }
}

impl<L> Loader<ChildCount<L>> for AppLoader
where
    L: ChildList,
{
    type Value = u64;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[ChildCount<L>]) -> LoadResult<ChildCount<L>, u64> {
        super::gate::batch_started();
        let parents: Vec<i64> = keys.iter().map(|k| k.parent).collect();
        let counts = listing::child_counts::<L>(&self.db, &self.principal, &parents).await?;
        Ok(parents.into_iter().map(|p| (ChildCount::new(p), counts.get(&p).copied().unwrap_or(0))).collect())
    }
}

/// A campaign's report figures.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReportKey(pub i64);

impl Loader<ReportKey> for AppLoader {
    type Value = Figures;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[ReportKey]) -> LoadResult<ReportKey, Figures> {
        super::gate::batch_started();
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let figures = report::figures(&self.db, &ids).await?;
        Ok(figures.into_iter().map(|(id, f)| (ReportKey(id), f)).collect())
    }
}

/// The incentives a project qualifies for.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct EligibleKey(pub i64);

impl Loader<EligibleKey> for AppLoader {
    type Value = Vec<incentive::Model>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[EligibleKey]) -> LoadResult<EligibleKey, Self::Value> {
        super::gate::batch_started();
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let projects = project::Entity::find()
            .filter(project::Column::Id.is_in(ids))
            .all(&self.db)
            .await
            .map_err(AppError::from)?;
        let eligible = incentives::eligible(&self.db, &self.principal, &projects, self.today).await?;
        Ok(eligible.into_iter().map(|(id, list)| (EligibleKey(id), list)).collect())
    }
}

/// A campaign's breakdowns (departments, sectors, weeks, rates), with the
/// department rows' supervision counts when `supervised`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct BreakdownKey {
    pub campaign_id: i64,
    pub supervised: bool,
}

impl Loader<BreakdownKey> for AppLoader {
    type Value = Arc<crate::service::breakdown::Breakdown>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[BreakdownKey]) -> LoadResult<BreakdownKey, Self::Value> {
        super::gate::batch_started();
        let mut out = HashMap::new();
        for supervised in [false, true] {
            let ids: Vec<i64> = keys.iter().filter(|k| k.supervised == supervised).map(|k| k.campaign_id).collect();
            if ids.is_empty() {
                continue;
            }
            let checkup = supervised.then_some(&self.checkup);
            let all = crate::service::breakdown::breakdowns(&self.db, &ids, checkup).await?;
            out.extend(all.into_iter().map(|(id, b)| (BreakdownKey { campaign_id: id, supervised }, Arc::new(b))));
        }
        Ok(out)
    }
}

/// A partner's performance.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PerformanceKey(pub i64);

impl Loader<PerformanceKey> for AppLoader {
    type Value = crate::service::breakdown::Performance;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[PerformanceKey]) -> LoadResult<PerformanceKey, Self::Value> {
        super::gate::batch_started();
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let all = crate::service::breakdown::performance(&self.db, &ids, self.checkup.today).await?;
        Ok(all.into_iter().map(|(id, p)| (PerformanceKey(id), p)).collect())
    }
}

/// The latest follow-up date of a project or an enterprise.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum LastFollowUpKey {
    Project(i64),
    Enterprise(i64),
}

impl Loader<LastFollowUpKey> for AppLoader {
    type Value = chrono::NaiveDate;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[LastFollowUpKey]) -> LoadResult<LastFollowUpKey, Self::Value> {
        super::gate::batch_started();
        use entity::follow_up::Column;
        let mut out = HashMap::new();
        for (column, wrap) in [
            (Column::ProjectId, LastFollowUpKey::Project as fn(i64) -> LastFollowUpKey),
            (Column::EnterpriseId, LastFollowUpKey::Enterprise),
        ] {
            let ids: Vec<i64> = keys
                .iter()
                .filter_map(|k| match (k, column) {
                    (LastFollowUpKey::Project(id), Column::ProjectId) => Some(*id),
                    (LastFollowUpKey::Enterprise(id), Column::EnterpriseId) => Some(*id),
                    _ => None,
                })
                .collect();
            if ids.is_empty() {
                continue;
            }
            let last =
                crate::service::follow_up::last_follow_up_on(&self.db, column, &ids).await.map_err(AppError::from)?;
            out.extend(last.into_iter().map(|(id, day)| (wrap(id), day)));
        }
        Ok(out)
    }
}

/// A project's health reasons.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct HealthKey(pub i64);

impl Loader<HealthKey> for AppLoader {
    type Value = Vec<crate::service::health::Reason>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[HealthKey]) -> LoadResult<HealthKey, Self::Value> {
        super::gate::batch_started();
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let reasons = self.checkup.reasons(&self.db, &ids).await.map_err(AppError::from)?;
        Ok(reasons.into_iter().map(|(id, r)| (HealthKey(id), r)).collect())
    }
}

/// Materials distributed within a campaign's period.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CampaignDistributionsKey(pub i64);

impl Loader<CampaignDistributionsKey> for AppLoader {
    type Value = i64;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[CampaignDistributionsKey]) -> LoadResult<CampaignDistributionsKey, i64> {
        super::gate::batch_started();
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let counts =
            crate::service::material::distributed_per_campaign(&self.db, &ids).await.map_err(AppError::from)?;
        Ok(ids.into_iter().map(|id| (CampaignDistributionsKey(id), counts.get(&id).copied().unwrap_or(0))).collect())
    }
}

/// Materials a partner recorded as distributed.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartnerDistributionsKey(pub i64);

impl Loader<PartnerDistributionsKey> for AppLoader {
    type Value = i64;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[PartnerDistributionsKey]) -> LoadResult<PartnerDistributionsKey, i64> {
        super::gate::batch_started();
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let counts = crate::service::material::distributed_per_partner(&self.db, &ids).await.map_err(AppError::from)?;
        Ok(ids.into_iter().map(|id| (PartnerDistributionsKey(id), counts.get(&id).copied().unwrap_or(0))).collect())
    }
}
