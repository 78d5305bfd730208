//! Service requests (企业诉求): a difficulty an investor meets, handed to a
//! department (and optionally a staff member) with a due date, walked OPEN →
//! ACCEPTED → RESOLVED → CLOSED; every move and handover is a row of
//! `service_request_changes`.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{Tables, create_all, drop_all, fk, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000007_service_requests"
    }
}

fn tables() -> Tables {
    let mut requests = Table::create().table("service_requests").if_not_exists().to_owned();
    requests
        .col(big_pk_auto("id"))
        .col(big_integer("enterprise_id"))
        .col(big_integer_null("project_id"))
        .col(string_len("category", 32))
        .col(string_len("title", 200))
        .col(string_len("search_name", 400))
        .col(text("description"))
        .col(big_integer("department_id"))
        .col(big_integer_null("assignee_id"))
        .col(string_len("status", 16))
        .col(date("due_on"))
        .col(text_null("resolution"))
        .col(string_len_null("satisfaction", 32))
        .col(timestamp_with_time_zone("opened_at"))
        .col(timestamp_with_time_zone_null("resolved_at"))
        .col(timestamp_with_time_zone_null("closed_at"))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .foreign_key(&mut fk("service_requests", "enterprise_id", "enterprises"))
        .foreign_key(&mut fk("service_requests", "project_id", "projects"))
        .foreign_key(&mut fk("service_requests", "department_id", "departments"))
        .foreign_key(&mut fk("service_requests", "assignee_id", "staff_members"));
    let request_indexes = vec![
        index("service_requests", &["created_at", "id"]),
        index("service_requests", &["enterprise_id", "created_at", "id"]),
        index("service_requests", &["project_id", "created_at", "id"]),
        index("service_requests", &["department_id", "status"]),
        index("service_requests", &["status", "due_on"]),
        index("service_requests", &["search_name"]),
    ];

    let mut changes = Table::create().table("service_request_changes").if_not_exists().to_owned();
    changes
        .col(big_pk_auto("id"))
        .col(big_integer("service_request_id"))
        .col(string_len_null("from_status", 16))
        .col(string_len("to_status", 16))
        .col(big_integer("department_id"))
        .col(big_integer_null("assignee_id"))
        .col(text_null("note"))
        .col(big_integer_null("changed_by_key_id"))
        .col(big_integer_null("changed_by_staff_id"))
        .col(string_len("changed_by_role", 16))
        .col(timestamp_with_time_zone("created_at"))
        .foreign_key(&mut fk("service_request_changes", "service_request_id", "service_requests"));
    let change_indexes = vec![index("service_request_changes", &["service_request_id", "created_at", "id"])];
    vec![(requests, request_indexes), (changes, change_indexes)]
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
