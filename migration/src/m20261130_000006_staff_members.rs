//! Staff members (工作人员): named people of a department. A STAFF or ADMIN
//! key may be bound to one (`api_keys.staff_member_id`); changes made with it
//! then record the person: `project_stage_changes.changed_by_staff_id` and
//! `audit_log.actor_staff_id`. The added columns carry no foreign key (SQLite
//! cannot add one to an existing table); the service checks them on write.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000006_staff_members"
    }
}

/// The columns added to existing tables: (table, column).
const BINDINGS: [(&str, &str); 3] = [
    ("api_keys", "staff_member_id"),
    ("project_stage_changes", "changed_by_staff_id"),
    ("audit_log", "actor_staff_id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("staff_members")
                    .if_not_exists()
                    .col(big_pk_auto("id"))
                    .col(string_len("name", 100))
                    .col(string_len("search_name", 200))
                    .col(big_integer("department_id"))
                    .col(string_len_null("phone", 50))
                    .col(boolean("is_active").default(true))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_staff_members_department_id")
                            .from("staff_members", "department_id")
                            .to("departments", "id")
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        for columns in [&["created_at", "id"][..], &["department_id"], &["search_name"]] {
            let mut index = Index::create();
            index.name(format!("ix_staff_members_{}", columns.join("_"))).table("staff_members");
            for c in columns {
                index.col(*c);
            }
            manager.create_index(index.to_owned()).await?;
        }
        for (table, column) in BINDINGS {
            manager
                .alter_table(
                    Table::alter().table(table).add_column(ColumnDef::new(column).big_integer().null()).to_owned(),
                )
                .await?;
            let index = Index::create().name(format!("ix_{table}_{column}")).table(table).col(column).to_owned();
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in BINDINGS {
            manager.drop_index(Index::drop().name(format!("ix_{table}_{column}")).table(table).to_owned()).await?;
            manager.alter_table(Table::alter().table(table).drop_column(column).to_owned()).await?;
        }
        manager.drop_table(Table::drop().table("staff_members").to_owned()).await
    }
}
