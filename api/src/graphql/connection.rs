//! Relay connections for every list: `edges { cursor node }`, `nodes`,
//! `pageInfo`, and a `totalCount` computed only when asked for.

use std::sync::Arc;

use async_graphql::{
    Object, OutputType, Result,
    connection::{Connection, Edge, EmptyFields},
};
use futures::future::{BoxFuture, FutureExt, Shared};
use sea_orm::{DatabaseConnection, EntityTrait, Select};

use super::context::OrGql;
use super::loaders::{AppLoader, ChildCount, Children};
use crate::error::AppError;
use crate::service::listing::{self, ChildList, Listing};
use crate::service::pagination::{Page, PageRequest};
use async_graphql::dataloader::DataLoader;

/// The list's size, as a query that runs only if the client selects `totalCount`.
#[derive(Clone)]
pub struct TotalCount(Shared<BoxFuture<'static, Result<u64, Arc<AppError>>>>);

impl TotalCount {
    fn new(fut: impl Future<Output = Result<u64, AppError>> + Send + 'static) -> Self {
        TotalCount(fut.map(|r| r.map_err(Arc::new)).boxed().shared())
    }
}

#[Object]
impl TotalCount {
    /// How many items the whole list holds, across all pages, counting only what
    /// the caller may see.
    async fn total_count(&self) -> Result<i64> {
        self.0.clone().await.map(|n| n as i64).gql()
    }
}

pub type Conn<T> = Connection<String, T, TotalCount, EmptyFields>;

fn build<M, T: OutputType>(page: Page<M>, total: TotalCount, wrap: impl Fn(M) -> T) -> Conn<T> {
    let mut conn = Connection::with_additional_fields(page.has_previous, page.has_next, total);
    conn.edges.extend(page.items.into_iter().map(|(cursor, m)| Edge::new(cursor, wrap(m))));
    conn
}

/// A root list's page as a connection.
pub fn from_listing<E, T>(db: &DatabaseConnection, listing: Listing<E>, wrap: impl Fn(E::Model) -> T) -> Conn<T>
where
    E: EntityTrait,
    E::Model: Sync,
    T: OutputType,
    Select<E>: Send + 'static,
{
    let db = db.clone();
    let count = listing.count;
    build(listing.page, TotalCount::new(async move { listing::count(&db, count).await }), wrap)
}

/// A nested list's page under `parent`, batched through the request's loader.
pub async fn children<L, T>(
    loader: &Arc<DataLoader<AppLoader>>,
    parent: i64,
    page: PageRequest,
    wrap: impl Fn(<L::Entity as EntityTrait>::Model) -> T,
) -> Result<Conn<T>>
where
    L: ChildList,
    <L::Entity as EntityTrait>::Model: Clone + Send + Sync,
    T: OutputType,
{
    page.plan().gql()?;
    let rows = loader.load_one(Children::<L>::new(parent, page)).await.gql()?.unwrap_or_else(Page::empty);
    let loader = loader.clone();
    let total = TotalCount::new(async move {
        loader.load_one(ChildCount::<L>::new(parent)).await.map(|n| n.unwrap_or(0)).map_err(unwrap_arc)
    });
    Ok(build(rows, total, wrap))
}

fn unwrap_arc(e: Arc<AppError>) -> AppError {
    Arc::try_unwrap(e).unwrap_or_else(|e| AppError::Internal(anyhow::anyhow!("{e}")))
}
