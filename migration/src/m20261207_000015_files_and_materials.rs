//! Files and promotion materials: `attachments` (a file's metadata; its bytes
//! live in the object store under `storage_key`), on a project, agreement,
//! lead, service request or material (`parent_type`, `parent_id`; none until
//! attached); `materials` (招商资料) with their sectors; and
//! `material_distributions` (资料分发): which material reached whom, how.

use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{Tables, create_all, drop_all, fk, index};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000015_files_and_materials"
    }
}

fn tables() -> Tables {
    let mut out: Tables = vec![];

    let mut t = Table::create();
    t.table("attachments")
        .if_not_exists()
        .col(big_pk_auto("id"))
        .col(string_len("file_name", 255))
        .col(string_len("content_type", 128))
        .col(big_integer("byte_size"))
        .col(string_len("sha256", 64))
        .col(string_len_uniq("storage_key", 128))
        .col(string_len("uploaded_by_role", 16))
        .col(big_integer_null("uploaded_by_key_id"))
        .col(big_integer_null("uploaded_by_staff_member_id"))
        .col(big_integer_null("uploaded_by_partner_id"))
        .col(string_len_null("parent_type", 32))
        .col(big_integer_null("parent_id"))
        .col(timestamp_with_time_zone("uploaded_at"))
        .col(timestamp_with_time_zone_null("attached_at"))
        .foreign_key(&mut fk("attachments", "uploaded_by_staff_member_id", "staff_members"))
        .foreign_key(&mut fk("attachments", "uploaded_by_partner_id", "partners"));
    out.push((
        t.to_owned(),
        vec![
            index("attachments", &["parent_type", "parent_id", "uploaded_at"]),
            index("attachments", &["uploaded_by_partner_id"]),
        ],
    ));

    let mut t = Table::create();
    t.table("materials")
        .if_not_exists()
        .col(big_pk_auto("id"))
        .col(string_len("title", 200))
        .col(string_len("search_title", 400))
        .col(string_len("kind", 16))
        .col(string_len("language", 35))
        .col(text_null("description"))
        .col(string_len_null("url", 2048))
        .col(big_integer_null("attachment_id"))
        .col(boolean("is_published").default(false))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .foreign_key(&mut fk("materials", "attachment_id", "attachments"));
    out.push((t.to_owned(), vec![index("materials", &["is_published", "created_at"])]));

    let mut t = Table::create();
    t.table("material_sectors")
        .if_not_exists()
        .col(big_integer("material_id"))
        .col(big_integer("sector_id"))
        .primary_key(Index::create().col("material_id").col("sector_id"))
        .foreign_key(&mut fk("material_sectors", "material_id", "materials"))
        .foreign_key(&mut fk("material_sectors", "sector_id", "sectors"));
    out.push((t.to_owned(), vec![index("material_sectors", &["sector_id"])]));

    let mut t = Table::create();
    t.table("material_distributions")
        .if_not_exists()
        .col(big_pk_auto("id"))
        .col(big_integer("material_id"))
        .col(big_integer_null("enterprise_id"))
        .col(string_len_null("enterprise_name", 200))
        .col(big_integer_null("event_id"))
        .col(string_len("channel", 16))
        .col(date("distributed_on"))
        .col(big_integer_null("staff_member_id"))
        .col(big_integer_null("partner_id"))
        .col(big_integer_null("recorded_by_key_id"))
        .col(timestamp_with_time_zone("created_at"))
        .foreign_key(&mut fk("material_distributions", "material_id", "materials"))
        .foreign_key(&mut fk("material_distributions", "enterprise_id", "enterprises"))
        .foreign_key(&mut fk("material_distributions", "event_id", "events"))
        .foreign_key(&mut fk("material_distributions", "staff_member_id", "staff_members"))
        .foreign_key(&mut fk("material_distributions", "partner_id", "partners"));
    out.push((
        t.to_owned(),
        vec![
            index("material_distributions", &["material_id", "distributed_on"]),
            index("material_distributions", &["distributed_on"]),
            index("material_distributions", &["partner_id", "distributed_on"]),
        ],
    ));
    out
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
