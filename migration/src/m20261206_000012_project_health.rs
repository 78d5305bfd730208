//! Project health kept as dates (`service::health_dates`): per project, the
//! first office day on which a RED rule holds and the first on which an AMBER
//! one does, as its data stand (`projects.red_from`, `projects.amber_from`);
//! per department, how many projects turn RED or AMBER on each day
//! (`health_tallies`, +1 when one turns, -1 when an AMBER one turns RED),
//! whose sum up to a date is the count on it; and the thresholds and time
//! zone they were computed with (`health_basis`). Filled at the first start
//! after this migration (the dates need the configuration), kept by the
//! writes from then on.
//!
//! The list's default order index gains the two dates as trailing columns:
//! a page filtered by level walks it without reading the table, however the
//! projects at that level lie in the order (RED ones are mostly the oldest).
//! And leads gain an index on (status, respond_due_on), the other half of the
//! overdue condition the report's department rows count (37 ms to 0.1 ms over
//! 117,000 leads).

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{Tables, create_all, drop_all, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000012_project_health"
    }
}

fn tables() -> Tables {
    let tallies = Table::create()
        .table("health_tallies")
        .if_not_exists()
        .col(big_integer("department_id"))
        .col(string_len("level", 8))
        .col(date("on_date"))
        .col(big_integer("delta").default(0))
        .primary_key(Index::create().col("department_id").col("level").col("on_date"))
        .to_owned();
    let basis = Table::create()
        .table("health_basis")
        .if_not_exists()
        .col(integer("id").primary_key())
        .col(text("basis"))
        .to_owned();
    vec![(tallies, vec![]), (basis, vec![])]
}

const ORDER_INDEX: &str = "ix_projects_created_at_id";
const ORDER_WITH_DATES: &str = "ix_projects_created_at_id_health";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["red_from", "amber_from"] {
            manager.alter_table(Table::alter().table("projects").add_column(date_null(column)).to_owned()).await?;
            manager.create_index(index("projects", &[column])).await?;
        }
        manager.drop_index(Index::drop().name(ORDER_INDEX).table("projects").to_owned()).await?;
        let mut order = index("projects", &["created_at", "id", "red_from", "amber_from"]);
        manager.create_index(order.name(ORDER_WITH_DATES).to_owned()).await?;
        manager.create_index(index("leads", &["status", "respond_due_on"])).await?;
        create_all(manager, tables()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, tables()).await?;
        manager.drop_index(Index::drop().name("ix_leads_status_respond_due_on").table("leads").to_owned()).await?;
        manager.drop_index(Index::drop().name(ORDER_WITH_DATES).table("projects").to_owned()).await?;
        manager.create_index(index("projects", &["created_at", "id"])).await?;
        for column in ["red_from", "amber_from"] {
            manager
                .drop_index(Index::drop().name(format!("ix_projects_{column}")).table("projects").to_owned())
                .await?;
            manager.alter_table(Table::alter().table("projects").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
