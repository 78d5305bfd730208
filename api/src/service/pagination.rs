//! Keyset (cursor) pagination over any ordered list: no OFFSET, so a page deep in
//! a long list costs what the first page costs, and walking every page returns
//! each row once even while rows are being added. The id breaks ties.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select, Value,
    sea_query::{Expr, ExprTrait},
};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

pub const DEFAULT_PAGE_SIZE: i32 = 20;
pub const MAX_PAGE_SIZE: i32 = 100;

/// `first`/`after`/`last`/`before` as a client sent them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PageRequest {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Direction {
    Asc,
    #[default]
    Desc,
}

/// The value of the ordering column for one row, as carried in a cursor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum SortKey {
    Int(i64),
    Text(String),
    Date(NaiveDate),
    Time(DateTime<Utc>),
}

impl SortKey {
    fn into_value(self) -> Value {
        match self {
            SortKey::Int(v) => v.into(),
            SortKey::Text(v) => v.into(),
            SortKey::Date(v) => v.into(),
            SortKey::Time(v) => v.into(),
        }
    }
}

/// Entities that can be listed: they have an integer id.
pub trait Keyed: EntityTrait {
    fn id_column() -> Self::Column;
    fn id_of(model: &Self::Model) -> i64;
}

/// One way of ordering a list: a column, a direction, and how to read the column's
/// value off a row. `name` and `direction`, with the list's table, are written
/// into cursors so that a cursor of one list or order is refused by another.
pub struct Ordering<E: Keyed> {
    pub name: &'static str,
    pub column: E::Column,
    pub direction: Direction,
    pub key: fn(&E::Model) -> SortKey,
}

impl<E: Keyed> Clone for Ordering<E> {
    fn clone(&self) -> Self {
        Ordering { name: self.name, column: self.column, direction: self.direction, key: self.key }
    }
}

/// A page of rows, each with its cursor.
#[derive(Clone)]
pub struct Page<M> {
    pub items: Vec<(String, M)>,
    pub has_previous: bool,
    pub has_next: bool,
}

impl<M> Page<M> {
    pub fn empty() -> Self {
        Page { items: Vec::new(), has_previous: false, has_next: false }
    }
}

/// A cursor's content: the scope it is valid in, and the row's place.
#[derive(Serialize, Deserialize)]
struct CursorData {
    /// `table:ORDER_FIELD:DIRECTION`, e.g. `project:NAME:ASC`.
    o: String,
    k: SortKey,
    i: i64,
}

/// What a cursor of `order` is valid for: the list (its table), the order's
/// field and its direction. Reading a list in another direction from the same
/// place would silently skip or repeat rows, so each is its own scope.
fn scope<E: Keyed>(order: &Ordering<E>) -> String {
    let direction = match order.direction {
        Direction::Asc => "ASC",
        Direction::Desc => "DESC",
    };
    format!("{}:{}:{direction}", E::default().table_name(), order.name)
}

fn encode_cursor(scope: &str, key: SortKey, id: i64) -> String {
    let json = serde_json::to_vec(&CursorData { o: scope.to_owned(), k: key, i: id }).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

/// The row place of the cursor given as `argument` (`after` or `before`);
/// `GRAPHQL_VALIDATION_FAILED` naming the argument if this server did not
/// make it for this list, order field and direction, or its key is not of
/// the ordering column's type ([`fits`]).
fn decode_cursor<E: Keyed>(order: &Ordering<E>, argument: &str, cursor: &str) -> AppResult<(SortKey, i64)> {
    let invalid = || AppError::Validation(format!("`{argument}` is not a cursor this server made: `{cursor}`"));
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let data: CursorData = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if data.o != scope(order) {
        return Err(AppError::Validation(format!(
            "`{argument}` holds a cursor of another list, order field or direction: a cursor is valid only \
             with the list, `orderBy` field and direction of the page it came from"
        )));
    }
    if !fits(order, &data.k) {
        return Err(invalid());
    }
    Ok((data.k, data.i))
}

/// What a validated request asks for.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub limit: u64,
    pub backward: bool,
    has_after: bool,
    has_before: bool,
}

impl PageRequest {
    pub fn first(n: i32) -> Self {
        PageRequest { first: Some(n), ..Default::default() }
    }

    /// Checks the page size against the cap: more is an error, not a silent clamp.
    pub fn plan(&self) -> AppResult<Plan> {
        for (name, value) in [("first", self.first), ("last", self.last)] {
            if let Some(n) = value {
                if !(0..=MAX_PAGE_SIZE).contains(&n) {
                    return Err(AppError::Validation(format!(
                        "`{name}` must be between 0 and {MAX_PAGE_SIZE}, got {n}"
                    )));
                }
            }
        }
        let (limit, backward) = match (self.first, self.last) {
            (Some(_), Some(_)) => {
                return Err(AppError::Validation("pass either `first` or `last`, not both".into()));
            }
            (None, Some(n)) => (n, true),
            (Some(n), None) => (n, false),
            (None, None) => (DEFAULT_PAGE_SIZE, self.before.is_some() && self.after.is_none()),
        };
        Ok(Plan { limit: limit as u64, backward, has_after: self.after.is_some(), has_before: self.before.is_some() })
    }
}

fn keyset<E: Keyed>(order: &Ordering<E>, key: SortKey, id: i64, toward_end: bool) -> Condition {
    // Rows after the cursor in the list's own direction are "toward the end".
    let greater = (order.direction == Direction::Asc) == toward_end;
    let value = key.into_value();
    let (col, idc) = (Expr::col((E::default(), order.column)), Expr::col((E::default(), E::id_column())));
    // `col >= v AND (col > v OR (col = v AND id > i))`: the first term is implied
    // by the second, but it is the one a planner can seek the index with, so a
    // page deep in the list starts at the cursor instead of scanning up to it.
    if greater {
        Condition::all().add(col.clone().gte(value.clone())).add(
            Condition::any()
                .add(col.clone().gt(value.clone()))
                .add(Condition::all().add(col.eq(value)).add(idc.gt(id))),
        )
    } else {
        Condition::all().add(col.clone().lte(value.clone())).add(
            Condition::any()
                .add(col.clone().lt(value.clone()))
                .add(Condition::all().add(col.eq(value)).add(idc.lt(id))),
        )
    }
}

/// A page of nothing, after the request's cursors are checked as a page with
/// rows would check them: reading forwards after a cursor, a previous page
/// exists, as on any other page ([`finish`]).
pub fn nothing<E: Keyed>(order: &Ordering<E>, req: &PageRequest) -> AppResult<Page<E::Model>> {
    let plan = req.plan()?;
    restrict(E::find(), order, req)?;
    Ok(finish(Vec::new(), order, plan))
}

/// Whether a cursor's key is of the ordering column's type: a cursor is
/// opaque, but not signed, so a forged one could otherwise hold text for a
/// number column, which PostgreSQL refuses (`text >= bigint`) where SQLite
/// compares silently.
fn fits<E: Keyed>(order: &Ordering<E>, key: &SortKey) -> bool {
    use sea_orm::{ColumnTrait, ColumnType as T};
    let column = order.column.def();
    let ty = column.get_column_type();
    match key {
        SortKey::Int(_) => matches!(ty, T::TinyInteger | T::SmallInteger | T::Integer | T::BigInteger),
        SortKey::Text(_) => matches!(ty, T::String(_) | T::Text | T::Char(_)),
        SortKey::Date(_) => matches!(ty, T::Date),
        SortKey::Time(_) => matches!(ty, T::Timestamp | T::TimestampWithTimeZone | T::DateTime),
    }
}

/// Adds the cursor conditions of `req` to `select`.
pub fn restrict<E: Keyed>(select: Select<E>, order: &Ordering<E>, req: &PageRequest) -> AppResult<Select<E>> {
    let mut select = select;
    for (argument, cursor, toward_end) in [("after", &req.after, true), ("before", &req.before, false)] {
        let Some(cursor) = cursor else { continue };
        let (k, id) = decode_cursor(order, argument, cursor)?;
        select = select.filter(keyset(order, k, id, toward_end));
    }
    Ok(select)
}

/// The sea-query order for the list read forwards, or backwards from its end.
pub fn sql_order<E: Keyed>(order: &Ordering<E>, backward: bool) -> sea_orm::Order {
    match (order.direction, backward) {
        (Direction::Asc, false) | (Direction::Desc, true) => sea_orm::Order::Asc,
        _ => sea_orm::Order::Desc,
    }
}

/// Turns up to `limit + 1` rows read in SQL order into a page.
pub fn finish<E: Keyed>(mut rows: Vec<E::Model>, order: &Ordering<E>, plan: Plan) -> Page<E::Model> {
    let more = rows.len() as u64 > plan.limit;
    rows.truncate(plan.limit as usize);
    if plan.backward {
        rows.reverse();
    }
    let scope = scope(order);
    let items = rows.into_iter().map(|m| (encode_cursor(&scope, (order.key)(&m), E::id_of(&m)), m)).collect();
    // Relay: when reading forwards, "previous" is known only from the cursor; backwards, "next".
    let (has_previous, has_next) = if plan.backward { (more, plan.has_before) } else { (plan.has_after, more) };
    Page { items, has_previous, has_next }
}

/// One page of `select` in `order`: a single statement. An empty page
/// (`first: 0`) is a page too: its cursors are checked, and the one row read
/// past it tells `pageInfo` whether more follow.
pub async fn fetch<E: Keyed, C: ConnectionTrait>(
    db: &C,
    select: Select<E>,
    order: &Ordering<E>,
    req: &PageRequest,
) -> AppResult<Page<E::Model>> {
    let plan = req.plan()?;
    let dir = sql_order(order, plan.backward);
    let rows = restrict(select, order, req)?
        .order_by(order.column, dir.clone())
        .order_by(E::id_column(), dir)
        .limit(plan.limit + 1)
        .all(db)
        .await?;
    Ok(finish(rows, order, plan))
}

/// Implements [`Keyed`] for entities whose primary key is an `id: i64` column.
#[macro_export]
macro_rules! keyed {
    ($($module:ident),* $(,)?) => {
        $(
            impl $crate::service::pagination::Keyed for entity::$module::Entity {
                fn id_column() -> Self::Column {
                    entity::$module::Column::Id
                }
                fn id_of(model: &Self::Model) -> i64 {
                    model.id
                }
            }
        )*
    };
}

keyed!(
    agreement,
    api_key,
    attachment,
    audit_log,
    campaign,
    capital_arrival,
    department,
    enterprise,
    event,
    follow_up,
    incentive,
    lead,
    material,
    material_distribution,
    park,
    partner,
    project,
    project_stage_change,
    quota,
    sector,
    service_request,
    service_request_change,
    staff_member
);
