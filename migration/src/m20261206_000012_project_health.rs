//! Project health kept as dates (`service::health_dates`): per project, the
//! first office day on which a RED rule holds and the first on which an AMBER
//! one does, as its data stand (`project_health`); per department, how many
//! projects turn RED or AMBER on each day (`health_tallies`, +1 when one turns,
//! -1 when an AMBER one turns RED), whose sum up to a date is the count on it;
//! and the thresholds and time zone they were computed with (`health_basis`).
//! Filled at the first start after this migration (the dates need the
//! configuration), kept by the writes from then on.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{Tables, create_all, drop_all, fk, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000012_project_health"
    }
}

fn tables() -> Tables {
    let health = Table::create()
        .table("project_health")
        .if_not_exists()
        .col(big_integer("project_id").primary_key())
        .col(big_integer("department_id").default(0))
        .col(date_null("red_from"))
        .col(date_null("amber_from"))
        .foreign_key(&mut fk("project_health", "project_id", "projects"))
        .to_owned();
    let health_indexes = vec![index("project_health", &["red_from"]), index("project_health", &["amber_from"])];
    let tallies = Table::create()
        .table("health_tallies")
        .if_not_exists()
        .col(big_integer("department_id"))
        .col(string_len("level", 8))
        .col(date("on_date"))
        .col(big_integer("delta").default(0))
        .primary_key(Index::create().col("department_id").col("level").col("on_date"))
        .to_owned();
    let basis =
        Table::create().table("health_basis").if_not_exists().col(integer("id").primary_key()).col(text("basis")).to_owned();
    vec![(health, health_indexes), (tallies, vec![]), (basis, vec![])]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_all(manager, tables()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, tables()).await
    }
}
