//! Follow-ups (跟进记录, 拜访): the office's contacts with an enterprise, with
//! the staff members present (`follow_up_staff`). `occurred_on` is the
//! office's date of `occurred_at`, kept for the date filters and for a
//! project's or enterprise's last follow-up.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{Tables, create_all, drop_all, fk, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261130_000008_follow_ups"
    }
}

fn tables() -> Tables {
    let mut follow_ups = Table::create().table("follow_ups").if_not_exists().to_owned();
    follow_ups
        .col(big_pk_auto("id"))
        .col(big_integer("enterprise_id"))
        .col(big_integer_null("project_id"))
        .col(string_len("kind", 16))
        .col(timestamp_with_time_zone("occurred_at"))
        .col(date("occurred_on"))
        .col(text("summary"))
        .col(text_null("next_step"))
        .col(date_null("next_step_due_on"))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .foreign_key(&mut fk("follow_ups", "enterprise_id", "enterprises"))
        .foreign_key(&mut fk("follow_ups", "project_id", "projects"));
    let follow_up_indexes = vec![
        index("follow_ups", &["occurred_at", "id"]),
        index("follow_ups", &["created_at", "id"]),
        index("follow_ups", &["enterprise_id", "occurred_on"]),
        index("follow_ups", &["project_id", "occurred_on"]),
        index("follow_ups", &["next_step_due_on"]),
    ];
    let mut present = Table::create().table("follow_up_staff").if_not_exists().to_owned();
    present
        .col(big_integer("follow_up_id"))
        .col(big_integer("staff_member_id"))
        .primary_key(Index::create().col("follow_up_id").col("staff_member_id"))
        .foreign_key(&mut fk("follow_up_staff", "follow_up_id", "follow_ups"))
        .foreign_key(&mut fk("follow_up_staff", "staff_member_id", "staff_members"));
    let present_indexes = vec![index("follow_up_staff", &["staff_member_id"])];
    vec![(follow_ups, follow_up_indexes), (present, present_indexes)]
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
