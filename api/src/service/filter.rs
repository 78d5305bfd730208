//! Small helpers that turn optional filter fields into SQL conditions.

use sea_orm::{
    ColumnTrait, Condition,
    sea_query::{Expr, ExprTrait, LikeExpr, SimpleExpr},
};

use crate::domain::text;

/// `column LIKE '%term%'` over a folded `search_name` column; no condition for an
/// empty term.
pub fn search<C: ColumnTrait>(column: C, term: Option<&str>) -> Option<SimpleExpr> {
    let term = term.map(str::trim).filter(|t| !t.is_empty())?;
    Some(Expr::col(column).like(LikeExpr::new(text::like_pattern(term)).escape('\\')))
}

pub fn eq<C: ColumnTrait, V: Into<sea_orm::Value>>(column: C, value: Option<V>) -> Option<SimpleExpr> {
    value.map(|v| column.eq(v))
}

pub fn gte<C: ColumnTrait, V: Into<sea_orm::Value>>(column: C, value: Option<V>) -> Option<SimpleExpr> {
    value.map(|v| column.gte(v))
}

pub fn lte<C: ColumnTrait, V: Into<sea_orm::Value>>(column: C, value: Option<V>) -> Option<SimpleExpr> {
    value.map(|v| column.lte(v))
}

/// All of `parts` (fields combined with AND).
pub fn all(parts: impl IntoIterator<Item = Option<SimpleExpr>>) -> Condition {
    parts.into_iter().fold(Condition::all(), |c, p| c.add_option(p))
}
