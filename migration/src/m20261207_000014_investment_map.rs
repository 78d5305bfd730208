//! The investment map (招商地图): parks gain a location, a boundary, their
//! land area and the land still available (亩), and leading sectors; projects
//! gain a location.
//!
//! Coordinates are WGS-84, stored as integers in units of 10⁻⁷ degree
//! (about 1 cm, OpenStreetMap's precision), so that they compare exactly on
//! both databases. A boundary is an RFC 7946 geometry (Polygon or
//! MultiPolygon) kept as its JSON text, in the same degrees. Areas are kept
//! in hundredths of a 亩.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{Tables, create_all, drop_all, fk, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000014_investment_map"
    }
}

const PARK_COLUMNS: [&str; 5] = ["longitude_e7", "latitude_e7", "boundary", "area_mu_centi", "available_land_mu_centi"];
const PROJECT_COLUMNS: [&str; 2] = ["longitude_e7", "latitude_e7"];

fn tables() -> Tables {
    let mut t = Table::create();
    t.table("park_sectors")
        .if_not_exists()
        .col(big_integer("park_id"))
        .col(big_integer("sector_id"))
        .primary_key(Index::create().col("park_id").col("sector_id"))
        .foreign_key(&mut fk("park_sectors", "park_id", "parks"))
        .foreign_key(&mut fk("park_sectors", "sector_id", "sectors"));
    vec![(t.to_owned(), vec![index("park_sectors", &["sector_id"])])]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let park_columns = [
            big_integer_null("longitude_e7"),
            big_integer_null("latitude_e7"),
            text_null("boundary"),
            big_integer_null("area_mu_centi"),
            big_integer_null("available_land_mu_centi"),
        ];
        for mut column in park_columns {
            manager.alter_table(Table::alter().table("parks").add_column(&mut column).to_owned()).await?;
        }
        for mut column in [big_integer_null("longitude_e7"), big_integer_null("latitude_e7")] {
            manager.alter_table(Table::alter().table("projects").add_column(&mut column).to_owned()).await?;
        }
        create_all(manager, tables()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, tables()).await?;
        for column in PROJECT_COLUMNS {
            manager.alter_table(Table::alter().table("projects").drop_column(column).to_owned()).await?;
        }
        for column in PARK_COLUMNS {
            manager.alter_table(Table::alter().table("parks").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
