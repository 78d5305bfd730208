//! Persons as staff members: a project's responsible person
//! (`projects.responsible_staff_id`, replacing the free-text
//! `responsible_person`, which stays for one release) and a quota per person
//! (`quotas.staff_member_id`); and the date a lead was decided
//! (`leads.decided_on`, the office's calendar date), which measures whether a
//! partner heard on time.
//!
//! A quota is unique per campaign, department and person: per staff member
//! where it names one, else per free-text name (the department's own quota has
//! the empty name). Two partial unique indexes say so on both databases.
//! The added columns carry no foreign key (SQLite cannot add one to an existing
//! table); the service checks them on write.
//!
//! An index on stage changes by target stage serves the health rules that ask
//! when construction started.
//!
//! Leads decided (ACCEPTED, REJECTED, DUPLICATE) before this migration get the
//! UTC date of their last change as `decided_on`: the best the rows still tell.

use sea_orm_migration::prelude::*;

use crate::support::index;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000010_responsible_staff"
    }
}

/// The columns added: (table, column definition).
fn columns() -> Vec<(&'static str, ColumnDef)> {
    vec![
        ("projects", ColumnDef::new("responsible_staff_id").big_integer().null().to_owned()),
        ("quotas", ColumnDef::new("staff_member_id").big_integer().null().to_owned()),
        ("leads", ColumnDef::new("decided_on").date().null().to_owned()),
    ]
}

fn indexes() -> Vec<(&'static str, IndexCreateStatement)> {
    vec![
        ("projects", index("projects", &["responsible_staff_id"])),
        ("leads", index("leads", &["partner_id", "decided_on"])),
        // Project health's "construction started before" rules, counted over all projects.
        ("project_stage_changes", index("project_stage_changes", &["to_stage", "project_id", "created_at"])),
    ]
}

const PARTIAL_UNIQUE: [&str; 2] = [
    "CREATE UNIQUE INDEX ux_quotas_campaign_department_person ON quotas (campaign_id, department_id, person) \
     WHERE staff_member_id IS NULL",
    "CREATE UNIQUE INDEX ux_quotas_campaign_department_staff ON quotas (campaign_id, department_id, staff_member_id) \
     WHERE staff_member_id IS NOT NULL",
];

const OLD_UNIQUE: &str = "ux_quotas_campaign_id_department_id_person";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for (table, mut column) in columns() {
            manager.alter_table(Table::alter().table(table).add_column(&mut column).to_owned()).await?;
        }
        for (_, index) in indexes() {
            manager.create_index(index).await?;
        }
        manager.drop_index(Index::drop().name(OLD_UNIQUE).table("quotas").to_owned()).await?;
        let db = manager.get_connection();
        for sql in PARTIAL_UNIQUE {
            db.execute_unprepared(sql).await?;
        }
        let day = match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => "CAST(updated_at AT TIME ZONE 'UTC' AS DATE)",
            // SQLite keeps times as ISO text.
            _ => "SUBSTR(updated_at, 1, 10)",
        };
        db.execute_unprepared(&format!(
            "UPDATE leads SET decided_on = {day} WHERE status IN ('ACCEPTED', 'REJECTED', 'DUPLICATE') AND decided_on IS NULL"
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for name in ["ux_quotas_campaign_department_person", "ux_quotas_campaign_department_staff"] {
            manager.drop_index(Index::drop().name(name).table("quotas").to_owned()).await?;
        }
        db.execute_unprepared("DELETE FROM quotas WHERE staff_member_id IS NOT NULL").await?;
        let old = Index::create()
            .name(OLD_UNIQUE)
            .table("quotas")
            .col("campaign_id")
            .col("department_id")
            .col("person")
            .unique()
            .to_owned();
        manager.create_index(old).await?;
        for (table, index) in indexes() {
            let name = index.get_index_spec().get_name().map(str::to_owned).unwrap_or_default();
            manager.drop_index(Index::drop().name(name).table(table).to_owned()).await?;
        }
        for (table, column) in columns() {
            let name = column.get_column_name();
            manager.alter_table(Table::alter().table(table).drop_column(name).to_owned()).await?;
        }
        Ok(())
    }
}
