//! Lead assignment (线索分派) and its deadlines: the department (and staff
//! member) a lead is assigned to, and the days by which the office must
//! respond (UNDER_REVIEW), decide, and let the partner hear the decision,
//! fixed when the lead is submitted. Leads submitted before this migration
//! have no deadlines and are never overdue.

use sea_orm_migration::prelude::*;

use crate::support::index;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000009_lead_assignment"
    }
}

fn columns() -> Vec<ColumnDef> {
    vec![
        ColumnDef::new("assigned_department_id").big_integer().null().to_owned(),
        ColumnDef::new("assignee_id").big_integer().null().to_owned(),
        ColumnDef::new("assigned_at").timestamp_with_time_zone().null().to_owned(),
        ColumnDef::new("respond_due_on").date().null().to_owned(),
        ColumnDef::new("decide_due_on").date().null().to_owned(),
        ColumnDef::new("feedback_due_on").date().null().to_owned(),
    ]
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![index("leads", &["assigned_department_id"]), index("leads", &["status", "decide_due_on"])]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for mut column in columns() {
            manager.alter_table(Table::alter().table("leads").add_column(&mut column).to_owned()).await?;
        }
        for index in indexes() {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for index in indexes() {
            let name = index.get_index_spec().get_name().map(str::to_owned).unwrap_or_default();
            manager.drop_index(Index::drop().name(name).table("leads").to_owned()).await?;
        }
        for column in columns() {
            let name = column.get_column_name();
            manager.alter_table(Table::alter().table("leads").drop_column(name).to_owned()).await?;
        }
        Ok(())
    }
}
