//! The initial schema: every table of the domain.
//!
//! Money is stored as integer fen (1/100 yuan) in BIGINT columns: exact on both
//! databases (a `DECIMAL` column is a float on SQLite), and `SUM` over it stays
//! exact up to 9.2e16 yuan. Names that the API searches have a `search_name`
//! twin, folded once on write, so that one `LIKE` works alike on both databases.
//! A project's primary agreement is unique through `primary_project_id`, which is
//! the project's id for a primary agreement and NULL for an increase (NULLs never
//! collide in a unique index, on either database).

use sea_orm_migration::{prelude::*, schema::*};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000001_initial"
    }
}

fn created_updated(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    t.col(timestamp_with_time_zone("created_at")).col(timestamp_with_time_zone("updated_at"))
}

fn fk(table: &'static str, column: &'static str, target: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!("ix_{table}_{}", columns.join("_"))).table(table);
    for c in columns {
        stmt.col(*c);
    }
    stmt.to_owned()
}

fn unique(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = index(table, columns);
    stmt.name(format!("ux_{table}_{}", columns.join("_"))).unique();
    stmt
}

/// Each table with its foreign keys and indexes, in creation order.
fn tables() -> Vec<(TableCreateStatement, Vec<IndexCreateStatement>)> {
    let mut out = Vec::new();

    let mut t = table_auto_less("sectors");
    t.col(big_pk_auto("id"))
        .col(string_len("code", 32))
        .col(string_len("name", 100))
        .col(string_len("search_name", 200));
    created_updated(&mut t);
    out.push((
        t,
        vec![unique("sectors", &["code"]), index("sectors", &["created_at", "id"]), index("sectors", &["search_name"])],
    ));

    let mut t = table_auto_less("parks");
    t.col(big_pk_auto("id"))
        .col(string_len("name", 200))
        .col(string_len("search_name", 400))
        .col(text_null("description"));
    created_updated(&mut t);
    out.push((
        t,
        vec![unique("parks", &["name"]), index("parks", &["created_at", "id"]), index("parks", &["search_name"])],
    ));

    let mut t = table_auto_less("departments");
    t.col(big_pk_auto("id")).col(string_len("name", 200)).col(string_len("search_name", 400));
    created_updated(&mut t);
    out.push((
        t,
        vec![
            unique("departments", &["name"]),
            index("departments", &["created_at", "id"]),
            index("departments", &["search_name"]),
        ],
    ));

    let mut t = table_auto_less("campaigns");
    t.col(big_pk_auto("id"))
        .col(string_len("name", 200))
        .col(string_len("search_name", 400))
        .col(string_len("region", 200))
        .col(date("starts_on"))
        .col(date("ends_on"))
        .col(integer("target_agreements"))
        .col(big_integer("target_investment_fen"))
        .col(big_integer("target_foreign_capital_fen"))
        .col(boolean("is_active").default(true));
    created_updated(&mut t);
    out.push((
        t,
        vec![
            index("campaigns", &["created_at", "id"]),
            index("campaigns", &["starts_on", "ends_on"]),
            index("campaigns", &["search_name"]),
            index("campaigns", &["name", "id"]),
            index("campaigns", &["region"]),
        ],
    ));

    let mut t = table_auto_less("campaign_sectors");
    t.col(big_integer("campaign_id"))
        .col(big_integer("sector_id"))
        .primary_key(Index::create().col("campaign_id").col("sector_id"))
        .foreign_key(&mut fk("campaign_sectors", "campaign_id", "campaigns"))
        .foreign_key(&mut fk("campaign_sectors", "sector_id", "sectors"));
    out.push((t, vec![index("campaign_sectors", &["sector_id"])]));

    let mut t = table_auto_less("quotas");
    t.col(big_pk_auto("id"))
        .col(big_integer("campaign_id"))
        .col(big_integer("department_id"))
        // Empty for the department's own quota; a name for a quota split per person.
        .col(string_len("person", 100).default(""))
        .col(integer("target_agreements"))
        .col(big_integer("target_investment_fen"))
        .col(big_integer("target_foreign_capital_fen"))
        .foreign_key(&mut fk("quotas", "campaign_id", "campaigns"))
        .foreign_key(&mut fk("quotas", "department_id", "departments"));
    created_updated(&mut t);
    out.push((
        t,
        vec![unique("quotas", &["campaign_id", "department_id", "person"]), index("quotas", &["department_id"])],
    ));

    let mut t = table_auto_less("partners");
    t.col(big_pk_auto("id"))
        .col(string_len("name", 200))
        .col(string_len("search_name", 400))
        .col(string_len("kind", 32))
        .col(boolean("is_active").default(true))
        .col(timestamp_with_time_zone_null("deactivated_at"));
    created_updated(&mut t);
    out.push((
        t,
        vec![
            unique("partners", &["name"]),
            index("partners", &["created_at", "id"]),
            index("partners", &["search_name"]),
            index("partners", &["kind"]),
            index("partners", &["is_active"]),
        ],
    ));

    let mut t = table_auto_less("api_keys");
    t.col(big_pk_auto("id"))
        .col(string_len("name", 200))
        .col(string_len("role", 16))
        .col(big_integer_null("partner_id"))
        // SHA-256 of the whole key, hex. Keys are 256 random bits, so a fast hash is
        // as safe as a slow one and keeps authentication to one indexed lookup.
        .col(string_len("key_hash", 64))
        // The first characters of the key, to tell keys apart in lists and logs.
        .col(string_len("key_prefix", 16))
        .col(timestamp_with_time_zone_null("expires_at"))
        .col(timestamp_with_time_zone_null("revoked_at"))
        .col(timestamp_with_time_zone_null("last_used_at"))
        .foreign_key(&mut fk("api_keys", "partner_id", "partners"));
    created_updated(&mut t);
    out.push((
        t,
        vec![
            unique("api_keys", &["key_hash"]),
            index("api_keys", &["partner_id"]),
            index("api_keys", &["created_at", "id"]),
            index("api_keys", &["role"]),
        ],
    ));

    let mut t = table_auto_less("enterprises");
    t.col(big_pk_auto("id"))
        .col(string_len("name", 200))
        .col(string_len("search_name", 400))
        // The name with case, width, spaces and company-form suffixes folded away:
        // the key duplicate detection compares.
        .col(string_len("dedupe_key", 400))
        .col(string_len_null("uscc", 18))
        .col(string_len("country", 2))
        .col(big_integer_null("sector_id"))
        .col(string_len_null("size", 16))
        .col(boolean("is_fortune500").default(false))
        .col(boolean("is_foreign_invested").default(false))
        .col(boolean("is_listed").default(false))
        .col(string_len("priority", 1).default("B"))
        .col(big_integer_null("department_id"))
        .col(string_len("status", 16))
        .col(string_len_null("contact_name", 100))
        .col(string_len_null("contact_phone", 50))
        .col(string_len_null("contact_email", 200))
        .col(text_null("notes"))
        .foreign_key(&mut fk("enterprises", "sector_id", "sectors"))
        .foreign_key(&mut fk("enterprises", "department_id", "departments"));
    created_updated(&mut t);
    out.push((
        t,
        vec![
            unique("enterprises", &["uscc"]),
            index("enterprises", &["created_at", "id"]),
            index("enterprises", &["name", "id"]),
            index("enterprises", &["search_name"]),
            index("enterprises", &["dedupe_key"]),
            index("enterprises", &["sector_id"]),
            index("enterprises", &["country"]),
            index("enterprises", &["department_id"]),
            index("enterprises", &["priority"]),
            index("enterprises", &["status"]),
            index("enterprises", &["is_fortune500"]),
            index("enterprises", &["is_foreign_invested"]),
            index("enterprises", &["is_listed"]),
        ],
    ));

    let mut t = table_auto_less("incentives");
    t.col(big_pk_auto("id"))
        .col(string_len("title", 300))
        .col(string_len("search_name", 600))
        .col(string_len("kind", 32))
        .col(string_len("issuer", 200))
        .col(text_null("summary"))
        .col(string_len_null("document_number", 100))
        .col(date_null("valid_from"))
        .col(date_null("valid_to"))
        .col(boolean("is_published").default(false))
        .col(big_integer_null("min_investment_fen"))
        .col(big_integer_null("min_foreign_capital_fen"))
        .col(boolean("high_tech_only").default(false))
        .col(boolean("foreign_invested_only").default(false));
    created_updated(&mut t);
    out.push((
        t,
        vec![
            index("incentives", &["created_at", "id"]),
            index("incentives", &["is_published", "created_at", "id"]),
            index("incentives", &["title", "id"]),
            index("incentives", &["search_name"]),
            index("incentives", &["kind"]),
        ],
    ));

    let mut t = table_auto_less("incentive_sectors");
    t.col(big_integer("incentive_id"))
        .col(big_integer("sector_id"))
        .primary_key(Index::create().col("incentive_id").col("sector_id"))
        .foreign_key(&mut fk("incentive_sectors", "incentive_id", "incentives"))
        .foreign_key(&mut fk("incentive_sectors", "sector_id", "sectors"));
    out.push((t, vec![index("incentive_sectors", &["sector_id"])]));

    let mut t = table_auto_less("leads");
    t.col(big_pk_auto("id"))
        .col(big_integer("partner_id"))
        .col(string_len("idempotency_key", 200))
        // SHA-256 of the submitted content, to tell a retry from a conflicting reuse.
        .col(string_len("request_hash", 64))
        .col(string_len("status", 16))
        .col(string_len("enterprise_name", 200))
        .col(string_len("search_name", 400))
        .col(string_len("dedupe_key", 400))
        .col(string_len_null("uscc", 18))
        .col(string_len("country", 2))
        .col(big_integer_null("sector_id"))
        .col(string_len_null("contact_name", 100))
        .col(string_len_null("contact_phone", 50))
        .col(string_len_null("contact_email", 200))
        .col(big_integer_null("estimated_investment_fen"))
        .col(text_null("description"))
        .col(text_null("reason"))
        .col(text_null("internal_note"))
        .col(big_integer_null("duplicate_of_lead_id"))
        .col(big_integer_null("duplicate_of_enterprise_id"))
        .col(big_integer_null("enterprise_id"))
        .col(big_integer_null("project_id"))
        .foreign_key(&mut fk("leads", "partner_id", "partners"))
        .foreign_key(&mut fk("leads", "sector_id", "sectors"))
        .foreign_key(&mut fk("leads", "duplicate_of_lead_id", "leads"))
        .foreign_key(&mut fk("leads", "duplicate_of_enterprise_id", "enterprises"))
        .foreign_key(&mut fk("leads", "enterprise_id", "enterprises"));
    created_updated(&mut t);
    out.push((
        t,
        vec![
            unique("leads", &["partner_id", "idempotency_key"]),
            index("leads", &["created_at", "id"]),
            index("leads", &["partner_id", "created_at", "id"]),
            index("leads", &["status"]),
            index("leads", &["uscc"]),
            index("leads", &["search_name"]),
            index("leads", &["dedupe_key", "status"]),
            index("leads", &["sector_id"]),
            index("leads", &["country"]),
        ],
    ));

    let mut t = table_auto_less("projects");
    t.col(big_pk_auto("id"))
        .col(string_len("name", 200))
        .col(string_len("search_name", 400))
        .col(string_len("stage", 32))
        // The stage a STALLED or LOST project came from: the only one it may return to.
        .col(string_len_null("paused_from_stage", 32))
        .col(big_integer("planned_investment_fen"))
        .col(big_integer("foreign_capital_fen").default(0))
        .col(big_integer("sector_id"))
        .col(big_integer_null("enterprise_id"))
        .col(big_integer_null("park_id"))
        .col(big_integer_null("department_id"))
        .col(big_integer_null("campaign_id"))
        .col(string_len_null("responsible_person", 100))
        .col(boolean("is_high_tech").default(false))
        .col(boolean("is_foreign_invested").default(false))
        .col(boolean("is_published").default(false))
        .col(text_null("description"))
        .col(text_null("notes"))
        .col(big_integer_null("lead_id"))
        .col(big_integer_null("source_partner_id"))
        .foreign_key(&mut fk("projects", "sector_id", "sectors"))
        .foreign_key(&mut fk("projects", "enterprise_id", "enterprises"))
        .foreign_key(&mut fk("projects", "park_id", "parks"))
        .foreign_key(&mut fk("projects", "department_id", "departments"))
        .foreign_key(&mut fk("projects", "campaign_id", "campaigns"))
        .foreign_key(&mut fk("projects", "lead_id", "leads"))
        .foreign_key(&mut fk("projects", "source_partner_id", "partners"));
    created_updated(&mut t);
    out.push((
        t,
        vec![
            index("projects", &["created_at", "id"]),
            index("projects", &["updated_at", "id"]),
            index("projects", &["is_high_tech"]),
            index("projects", &["is_foreign_invested"]),
            index("projects", &["is_published", "created_at", "id"]),
            index("projects", &["name", "id"]),
            index("projects", &["planned_investment_fen", "id"]),
            index("projects", &["search_name"]),
            index("projects", &["sector_id", "created_at", "id"]),
            index("projects", &["stage", "created_at", "id"]),
            index("projects", &["enterprise_id"]),
            index("projects", &["park_id"]),
            index("projects", &["department_id"]),
            index("projects", &["campaign_id"]),
            index("projects", &["lead_id"]),
            index("projects", &["source_partner_id"]),
        ],
    ));

    let mut t = table_auto_less("project_stage_changes");
    t.col(big_pk_auto("id"))
        .col(big_integer("project_id"))
        .col(string_len_null("from_stage", 32))
        .col(string_len("to_stage", 32))
        .col(big_integer_null("changed_by_key_id"))
        .col(string_len("changed_by_role", 16))
        .col(text_null("note"))
        .col(timestamp_with_time_zone("created_at"))
        .foreign_key(&mut fk("project_stage_changes", "project_id", "projects"))
        .foreign_key(&mut fk("project_stage_changes", "changed_by_key_id", "api_keys"));
    out.push((t, vec![index("project_stage_changes", &["project_id", "created_at", "id"])]));

    let mut t = table_auto_less("events");
    t.col(big_pk_auto("id"))
        .col(big_integer("campaign_id"))
        .col(string_len("title", 300))
        .col(string_len("search_name", 600))
        .col(string_len("kind", 32))
        .col(date("held_on"))
        .col(string_len_null("place", 300))
        .col(string_len_null("link", 1000))
        .foreign_key(&mut fk("events", "campaign_id", "campaigns"));
    created_updated(&mut t);
    out.push((
        t,
        vec![
            index("events", &["created_at", "id"]),
            index("events", &["campaign_id", "held_on"]),
            index("events", &["held_on", "id"]),
            index("events", &["search_name"]),
            index("events", &["kind"]),
        ],
    ));

    let mut t = table_auto_less("event_participants");
    t.col(big_integer("event_id"))
        .col(big_integer("enterprise_id"))
        .primary_key(Index::create().col("event_id").col("enterprise_id"))
        .foreign_key(&mut fk("event_participants", "event_id", "events"))
        .foreign_key(&mut fk("event_participants", "enterprise_id", "enterprises"));
    out.push((t, vec![index("event_participants", &["enterprise_id"])]));

    let mut t = table_auto_less("agreements");
    t.col(big_pk_auto("id"))
        .col(big_integer("project_id"))
        .col(big_integer_null("primary_project_id"))
        .col(big_integer("campaign_id"))
        .col(big_integer_null("event_id"))
        .col(string_len("kind", 16))
        .col(date("signed_on"))
        .col(big_integer("total_investment_fen"))
        .col(big_integer("foreign_capital_fen"))
        .col(boolean("is_increase").default(false))
        .col(date_null("upgraded_on"))
        .foreign_key(&mut fk("agreements", "project_id", "projects"))
        .foreign_key(&mut fk("agreements", "primary_project_id", "projects"))
        .foreign_key(&mut fk("agreements", "campaign_id", "campaigns"))
        .foreign_key(&mut fk("agreements", "event_id", "events"));
    created_updated(&mut t);
    out.push((
        t,
        vec![
            unique("agreements", &["primary_project_id"]),
            index("agreements", &["created_at", "id"]),
            index("agreements", &["project_id", "created_at", "id"]),
            index("agreements", &["campaign_id", "kind", "is_increase"]),
            index("agreements", &["signed_on", "id"]),
            index("agreements", &["total_investment_fen", "id"]),
            index("agreements", &["event_id"]),
        ],
    ));

    let mut t = table_auto_less("agreement_incentives");
    t.col(big_integer("agreement_id"))
        .col(big_integer("incentive_id"))
        .primary_key(Index::create().col("agreement_id").col("incentive_id"))
        .foreign_key(&mut fk("agreement_incentives", "agreement_id", "agreements"))
        .foreign_key(&mut fk("agreement_incentives", "incentive_id", "incentives"));
    out.push((t, vec![index("agreement_incentives", &["incentive_id"])]));

    let mut t = table_auto_less("capital_arrivals");
    t.col(big_pk_auto("id"))
        .col(big_integer("project_id"))
        .col(date("arrived_on"))
        .col(big_integer("amount_fen"))
        .col(timestamp_with_time_zone("created_at"))
        .foreign_key(&mut fk("capital_arrivals", "project_id", "projects"));
    out.push((t, vec![index("capital_arrivals", &["project_id", "created_at", "id"])]));

    let mut t = table_auto_less("audit_log");
    t.col(big_pk_auto("id"))
        .col(big_integer_null("actor_key_id"))
        .col(string_len("actor_role", 16))
        .col(big_integer_null("actor_partner_id"))
        .col(string_len("action", 64))
        .col(string_len("entity_type", 32))
        .col(big_integer("entity_id"))
        .col(text_null("before"))
        .col(text_null("after"))
        .col(string_len_null("request_id", 64))
        .col(timestamp_with_time_zone("created_at"));
    out.push((
        t,
        vec![
            index("audit_log", &["created_at", "id"]),
            index("audit_log", &["entity_type", "entity_id"]),
            index("audit_log", &["actor_key_id"]),
            index("audit_log", &["action"]),
        ],
    ));

    // What an idempotent mutation (other than submitLead, whose key lives on the
    // lead) answered the first time, per key holder.
    let mut t = table_auto_less("idempotency_keys");
    t.col(big_pk_auto("id"))
        .col(string_len("holder", 64))
        .col(string_len("mutation", 64))
        .col(string_len("key", 200))
        .col(string_len("request_hash", 64))
        .col(string_len("result_type", 32))
        .col(big_integer("result_id"))
        .col(timestamp_with_time_zone("created_at"));
    out.push((t, vec![unique("idempotency_keys", &["holder", "mutation", "key"])]));

    out
}

/// `Table::create()` for `name`, without sea-orm-migration's automatic timestamps.
fn table_auto_less(name: &'static str) -> TableCreateStatement {
    Table::create().table(name).if_not_exists().to_owned()
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
