//! Events and webhooks. Every event a change raises is written to
//! `domain_events` in the change's own transaction (a rolled-back change raises
//! none); subscribers in every process read the table by id. A webhook delivery
//! is queued in `webhook_deliveries` in the same transaction (an outbox), so a
//! restart loses none.

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000003_events_webhooks"
    }
}

fn table(name: &'static str) -> TableCreateStatement {
    Table::create().table(name).if_not_exists().to_owned()
}

fn fk(table: &'static str, column: &'static str, target: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

fn index(table: &'static str, columns: &[&'static str], unique: bool) -> IndexCreateStatement {
    let mut stmt = Index::create();
    let prefix = if unique { "ux" } else { "ix" };
    stmt.name(format!("{prefix}_{table}_{}", columns.join("_"))).table(table);
    for c in columns {
        stmt.col(*c);
    }
    if unique {
        stmt.unique();
    }
    stmt.to_owned()
}

fn tables() -> Vec<(TableCreateStatement, Vec<IndexCreateStatement>)> {
    let mut out = Vec::new();

    // `partner_id`: the partner the event concerns (its lead, or a project from
    // its lead), who may hear of it; `key_id`: the key a KEY_REVOKED event names.
    let mut t = table("domain_events");
    t.col(big_pk_auto("id"))
        .col(string_len("kind", 32))
        .col(big_integer_null("partner_id"))
        .col(big_integer_null("campaign_id"))
        .col(big_integer_null("key_id"))
        .col(text("data"))
        .col(timestamp_with_time_zone("occurred_at"));
    out.push((t, vec![index("domain_events", &["occurred_at"], false)]));

    // `events`: the event kinds wanted, comma-separated. The secret is encrypted
    // (AES-256-GCM, nonce first, base64) with ZHAOSHANG_SECRET_KEY.
    let mut t = table("webhooks");
    t.col(big_pk_auto("id"))
        .col(big_integer("partner_id"))
        .col(string_len("url", 2048))
        .col(string_len("events", 200))
        .col(string_len("secret_encrypted", 200))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone_null("deleted_at"))
        .foreign_key(&mut fk("webhooks", "partner_id", "partners"));
    out.push((t, vec![index("webhooks", &["partner_id", "deleted_at"], false)]));

    let mut t = table("webhook_deliveries");
    t.col(big_pk_auto("id"))
        .col(big_integer("webhook_id"))
        .col(big_integer("event_id"))
        .col(string_len("status", 16))
        .col(integer("attempts"))
        .col(timestamp_with_time_zone("next_attempt_at"))
        .col(timestamp_with_time_zone_null("locked_until"))
        .col(integer_null("last_status_code"))
        .col(string_len_null("last_error", 500))
        .col(timestamp_with_time_zone_null("delivered_at"))
        .col(timestamp_with_time_zone("created_at"))
        .col(timestamp_with_time_zone("updated_at"))
        .foreign_key(&mut fk("webhook_deliveries", "webhook_id", "webhooks"))
        .foreign_key(&mut fk("webhook_deliveries", "event_id", "domain_events"));
    out.push((
        t,
        vec![
            index("webhook_deliveries", &["webhook_id", "event_id"], true),
            index("webhook_deliveries", &["status", "next_attempt_at"], false),
            index("webhook_deliveries", &["webhook_id", "created_at", "id"], false),
        ],
    ));
    out
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, indexes) in tables() {
            manager.create_table(table).await?;
            for index in indexes {
                manager.create_index(index).await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, _) in tables().into_iter().rev() {
            let name = table.get_table_name().cloned().ok_or_else(|| DbErr::Custom("table without name".into()))?;
            manager.drop_table(Table::drop().table(name).to_owned()).await?;
        }
        Ok(())
    }
}
