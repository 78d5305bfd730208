//! The default list of sectors every database starts with; the office manages
//! the list from there (`createSector`).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000002_default_sectors"
    }
}

/// Code and name of each default sector.
pub const DEFAULT_SECTORS: &[(&str, &str)] = &[
    ("ADVANCED_MANUFACTURING", "先进制造"),
    ("NEW_ENERGY", "新能源"),
    ("NEW_ENERGY_VEHICLES", "新能源汽车"),
    ("NEW_MATERIALS", "新材料"),
    ("BIOMEDICINE", "生物医药"),
    ("ELECTRONIC_INFORMATION", "电子信息"),
    ("HIGH_END_EQUIPMENT", "高端装备"),
    ("DIGITAL_ECONOMY", "数字经济"),
    ("MODERN_SERVICES", "现代服务业"),
    ("MODERN_LOGISTICS", "现代物流"),
    ("MODERN_AGRICULTURE", "现代农业"),
    ("CULTURE_TOURISM", "文化旅游"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let now = "2026-11-26T00:00:00Z";
        let mut insert = Query::insert();
        insert.into_table("sectors").columns(["code", "name", "search_name", "created_at", "updated_at"]);
        for (code, name) in DEFAULT_SECTORS {
            // Chinese names have no case or width to fold: the search name is the name.
            insert.values_panic([
                (*code).into(),
                (*name).into(),
                (*name).into(),
                Expr::cust(timestamp(manager, now)),
                Expr::cust(timestamp(manager, now)),
            ]);
        }
        manager.exec_stmt(insert).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let codes: Vec<&str> = DEFAULT_SECTORS.iter().map(|(c, _)| *c).collect();
        manager
            .exec_stmt(Query::delete().from_table("sectors").and_where(Expr::col("code").is_in(codes)).to_owned())
            .await
    }
}

/// A timestamp literal in the form each database stores `timestamp with time zone`.
fn timestamp(manager: &SchemaManager, rfc3339: &str) -> String {
    match manager.get_database_backend() {
        sea_orm_migration::sea_orm::DatabaseBackend::Postgres => format!("TIMESTAMPTZ '{rfc3339}'"),
        // As sqlx writes a `DateTime<Utc>` to SQLite, so that text order is time order.
        _ => format!("'{}'", rfc3339.replace('Z', "+00:00")),
    }
}
