//! Reading lists and single rows under a principal's visibility: the shared
//! machinery behind every root list, `node`/`nodes`, and the DataLoaders.

use std::collections::HashMap;

use sea_orm::{
    Condition, ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QuerySelect, QueryTrait, Select,
    sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, WindowStatement},
};

use super::pagination::{self, Keyed, Ordering, Page, PageRequest};
use super::visibility::{Visible, restrict};
use crate::auth::Principal;
use crate::error::AppResult;

/// A page of a list, and the query that counts the whole list when asked.
pub struct Listing<E: EntityTrait> {
    pub page: Page<E::Model>,
    pub count: Option<Select<E>>,
}

/// The page of rows of `E` matching `filter` that `principal` may see.
/// A `filter` of None matches nothing (a filter on a field the principal may not
/// see, for instance), without a query.
pub async fn list<E: Visible + Keyed>(
    db: &DatabaseConnection,
    principal: &Principal,
    filter: Option<Condition>,
    order: &Ordering<E>,
    req: &PageRequest,
) -> AppResult<Listing<E>> {
    let Some(select) = filter.and_then(|filter| restrict(E::find().filter(filter), principal)) else {
        return Ok(Listing { page: pagination::nothing(order, req)?, count: None });
    };
    let page = pagination::fetch(db, select.clone(), order, req).await?;
    Ok(Listing { page, count: Some(select) })
}

/// `SELECT COUNT(*)` of a listing's query.
pub async fn count<E: EntityTrait>(db: &DatabaseConnection, select: Option<Select<E>>) -> AppResult<u64>
where
    E::Model: Sync,
{
    match select {
        Some(s) => Ok(s.count(db).await?),
        None => Ok(0),
    }
}

/// Rows of `E` by id, those the principal may not see left out: one statement.
pub async fn by_ids<E: Visible + Keyed>(
    db: &DatabaseConnection,
    principal: &Principal,
    ids: &[i64],
) -> AppResult<HashMap<i64, E::Model>> {
    let Some(select) =
        restrict(E::find().filter(Expr::col((E::default(), E::id_column())).is_in(ids.to_vec())), principal)
    else {
        return Ok(HashMap::new());
    };
    Ok(select.all(db).await?.into_iter().map(|m| (E::id_of(&m), m)).collect())
}

/// A list nested under a parent row: `Project.agreements`, `Event.participants`, ….
pub trait ChildList: Send + Sync + 'static {
    type Entity: Visible + Keyed;
    /// The column that names the parent, qualified by its table.
    fn parent_column() -> (&'static str, &'static str);
    /// The children's rows, joined where the link lives in another table.
    fn base() -> Select<Self::Entity> {
        <Self::Entity as EntityTrait>::find()
    }
    fn order() -> Ordering<Self::Entity>;
}

/// A [`ChildList`] named `$name` of the rows of `entity::$m` (table `$table`)
/// whose `$column` names the parent, in the order `$order`.
macro_rules! children_by {
    ($name:ident, $m:ident, $table:literal, $column:literal, $order:expr, $doc:literal) => {
        #[doc = $doc]
        pub struct $name;

        impl $crate::service::listing::ChildList for $name {
            type Entity = entity::$m::Entity;
            fn parent_column() -> (&'static str, &'static str) {
                ($table, $column)
            }
            fn order() -> $crate::service::pagination::Ordering<entity::$m::Entity> {
                $order
            }
        }
    };
}
pub(crate) use children_by;

/// A [`ChildList`] of sectors reached through a link table `$link` (whose
/// `sector_id` names the sector and `$column` the parent), by name: the
/// `sectors` of campaigns, incentives, parks and materials.
macro_rules! sectors_through {
    ($name:ident, $link:ident, $table:literal, $column:literal, $doc:literal) => {
        #[doc = $doc]
        pub struct $name;

        impl $crate::service::listing::ChildList for $name {
            type Entity = entity::sector::Entity;
            fn parent_column() -> (&'static str, &'static str) {
                ($table, $column)
            }
            fn base() -> sea_orm::Select<entity::sector::Entity> {
                use sea_orm::{EntityTrait, QuerySelect};
                let join: sea_orm::RelationDef = entity::$link::Entity::belongs_to(entity::sector::Entity)
                    .from(entity::$link::Column::SectorId)
                    .to(entity::sector::Column::Id)
                    .into();
                entity::sector::Entity::find().join(sea_orm::JoinType::InnerJoin, join.rev())
            }
            fn order() -> $crate::service::pagination::Ordering<entity::sector::Entity> {
                $crate::service::catalog::sector::ordering(
                    $crate::service::catalog::NamedOrderField::Name,
                    $crate::service::pagination::Direction::Asc,
                )
            }
        }
    };
}
pub(crate) use sectors_through;

/// Replaces the rows of link table `E` whose `parent` column is `id` with one
/// row per distinct id of `ids`, each made by `row` (a campaign's, park's or
/// material's sectors). Runs inside the caller's transaction.
pub(crate) async fn replace_links<C, E, A>(
    db: &C,
    parent: E::Column,
    id: i64,
    ids: &[i64],
    row: impl Fn(i64) -> A,
) -> Result<(), sea_orm::DbErr>
where
    C: ConnectionTrait,
    E: EntityTrait,
    A: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    use sea_orm::ColumnTrait;
    E::delete_many().filter(parent.eq(id)).exec(db).await?;
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    if !unique.is_empty() {
        E::insert_many(unique.into_iter().map(row)).exec(db).await?;
    }
    Ok(())
}

const PARENT_ALIAS: &str = "parent__";
const ROW_ALIAS: &str = "row__";

/// One page of children for each of `parents`, in a single statement: rows are
/// numbered per parent by a window function and cut at the page size.
pub async fn children<L: ChildList>(
    db: &DatabaseConnection,
    principal: &Principal,
    parents: &[i64],
    req: &PageRequest,
) -> AppResult<HashMap<i64, Page<<L::Entity as EntityTrait>::Model>>> {
    let plan = req.plan()?;
    let mut out = HashMap::new();
    let parent_col = L::parent_column();
    let Some(select) = restrict(L::base().filter(Expr::col(parent_col).is_in(parents.to_vec())), principal) else {
        return Ok(out);
    };
    // `first: 0` reads one row per parent too: whether more follow.
    let order = L::order();
    let select = pagination::restrict(select, &order, req)?;
    let dir = pagination::sql_order(&order, plan.backward);
    let table = <L::Entity as Default>::default();
    let mut window = WindowStatement::partition_by(parent_col);
    window.order_by((table, order.column), dir.clone()).order_by((table, L::Entity::id_column()), dir);
    let mut inner: SelectStatement = select.into_query();
    inner.expr_as(Expr::col(parent_col), Alias::new(PARENT_ALIAS)).expr_window_as(
        Expr::cust("ROW_NUMBER()"),
        window,
        Alias::new(ROW_ALIAS),
    );
    let outer = Query::select()
        .column(sea_orm::sea_query::Asterisk)
        .from_subquery(inner, Alias::new("numbered"))
        .and_where(Expr::col(Alias::new(ROW_ALIAS)).lte(plan.limit as i64 + 1))
        .order_by(Alias::new(PARENT_ALIAS), sea_orm::Order::Asc)
        .order_by(Alias::new(ROW_ALIAS), sea_orm::Order::Asc)
        .to_owned();
    let rows = db.query_all(&outer).await?;
    let mut grouped: HashMap<i64, Vec<_>> = HashMap::new();
    for row in rows {
        let parent: i64 = row.try_get("", PARENT_ALIAS)?;
        let model = <L::Entity as EntityTrait>::Model::from_query_result(&row, "")?;
        grouped.entry(parent).or_default().push(model);
    }
    for parent in parents {
        let models = grouped.remove(parent).unwrap_or_default();
        out.insert(*parent, pagination::finish(models, &order, plan));
    }
    Ok(out)
}

/// How many children each parent has (visible ones only): one GROUP BY statement.
pub async fn child_counts<L: ChildList>(
    db: &DatabaseConnection,
    principal: &Principal,
    parents: &[i64],
) -> AppResult<HashMap<i64, u64>> {
    let parent_col = L::parent_column();
    let Some(select) = restrict(L::base().filter(Expr::col(parent_col).is_in(parents.to_vec())), principal) else {
        return Ok(HashMap::new());
    };
    let rows: Vec<(i64, i64)> = select
        .select_only()
        .column_as(Expr::col(parent_col), "parent")
        .column_as(Expr::col(parent_col).count(), "n")
        .group_by(Expr::col(parent_col))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(p, n)| (p, n as u64)).collect())
}
