//! Search names and duplicate keys refolded the Unicode way.
//!
//! `search_name` and `dedupe_key` were folded by lower-casing Latin letters
//! and narrowing full-width ASCII, so `großhandel` did not find
//! `GROSSHANDEL`. They are now NFKC with full case folding
//! (`entity::text::fold`); this migration rewrites the rows whose stored fold
//! differs, a page of ids at a time, so that every search, old rows and new,
//! compares folds made the same way.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, Value};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000013_unicode_fold"
    }
}

/// Each table with a folded name: the column folded, and whether it also keeps
/// a duplicate-detection key of the same column.
const FOLDED: &[(&str, &str, bool)] = &[
    ("campaigns", "name", false),
    ("departments", "name", false),
    ("enterprises", "name", true),
    ("events", "title", false),
    ("incentives", "title", false),
    ("leads", "enterprise_name", true),
    ("parks", "name", false),
    ("partners", "name", false),
    ("projects", "name", false),
    ("sectors", "name", false),
    ("service_requests", "title", false),
    ("staff_members", "name", false),
];

const PAGE: u64 = 5_000;

async fn refold(manager: &SchemaManager<'_>, table: &str, source: &str, keyed: bool) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let mut after = 0i64;
    loop {
        let mut select = Query::select();
        select.from(Alias::new(table)).columns([Alias::new("id"), Alias::new(source), Alias::new("search_name")]);
        if keyed {
            select.column(Alias::new("dedupe_key"));
        }
        select.and_where(Expr::col(Alias::new("id")).gt(after)).order_by(Alias::new("id"), Order::Asc).limit(PAGE);
        let rows = db.query_all(&select).await?;
        let Some(last) = rows.last() else { return Ok(()) };
        after = last.try_get("", "id")?;
        for row in &rows {
            let id: i64 = row.try_get("", "id")?;
            let text: String = row.try_get("", source)?;
            let mut update = Query::update();
            update.table(Alias::new(table)).and_where(Expr::col(Alias::new("id")).eq(id));
            let mut changed = false;
            let search = entity::text::fold(&text);
            if row.try_get::<String>("", "search_name")? != search {
                update.value(Alias::new("search_name"), Value::from(search));
                changed = true;
            }
            if keyed {
                let key = entity::text::dedupe_key(&text);
                if row.try_get::<String>("", "dedupe_key")? != key {
                    update.value(Alias::new("dedupe_key"), Value::from(key));
                    changed = true;
                }
            }
            if changed {
                db.execute(&update).await?;
            }
        }
        if (rows.len() as u64) < PAGE {
            return Ok(());
        }
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, source, keyed) in FOLDED {
            refold(manager, table, source, *keyed).await?;
        }
        Ok(())
    }

    /// The older fold is gone; the new one finds everything it found.
    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
