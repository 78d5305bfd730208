//! Campaign totals (报表汇总): the report's sums kept as they change, so that a
//! report reads a few dozen rows instead of aggregating every agreement of a
//! campaign. Four tables, one per grouping of the report: by department and
//! responsible person, by sector, by signing day, and per campaign the
//! inputs of the start and funds-in-place rates. Absent keys are stored as 0
//! (department, staff member) or '' (person), so that every key is NOT NULL
//! and one primary key serves both databases' upserts. Filled from the
//! agreements here; kept by the writes from then on (`service::totals`).

use sea_orm_migration::sea_orm::ConnectionTrait;
use sea_orm_migration::{prelude::*, schema::*};

use crate::support::{Tables, create_all, drop_all};

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000011_campaign_totals"
    }
}

/// The counting rules' five sums (see `service::report::Figures`).
fn amounts(t: &mut TableCreateStatement) -> TableCreateStatement {
    t.col(big_integer("agreements").default(0))
        .col(big_integer("investment_fen").default(0))
        .col(big_integer("foreign_capital_fen").default(0))
        .col(big_integer("contract_agreements").default(0))
        .col(big_integer("contract_foreign_capital_fen").default(0))
        .to_owned()
}

fn tables() -> Tables {
    let persons = amounts(
        Table::create()
            .table("campaign_person_totals")
            .if_not_exists()
            .col(big_integer("campaign_id"))
            .col(big_integer("department_id"))
            .col(big_integer("staff_member_id"))
            .col(string_len("person", 200))
            .primary_key(Index::create().col("campaign_id").col("department_id").col("staff_member_id").col("person")),
    );
    let sectors = amounts(
        Table::create()
            .table("campaign_sector_totals")
            .if_not_exists()
            .col(big_integer("campaign_id"))
            .col(big_integer("sector_id"))
            .primary_key(Index::create().col("campaign_id").col("sector_id")),
    );
    let days = amounts(
        Table::create()
            .table("campaign_day_totals")
            .if_not_exists()
            .col(big_integer("campaign_id"))
            .col(date("signed_on"))
            .primary_key(Index::create().col("campaign_id").col("signed_on")),
    );
    let funds = Table::create()
        .table("campaign_fund_totals")
        .if_not_exists()
        .col(big_integer("campaign_id").primary_key())
        .col(big_integer("primaries").default(0))
        .col(big_integer("started").default(0))
        .col(big_integer("arrived_fen").default(0))
        .col(big_integer("invested_fen").default(0))
        .to_owned();
    vec![(persons, vec![]), (sectors, vec![]), (days, vec![]), (funds, vec![])]
}

/// The agreements' contribution, grouped as the report groups it. The same
/// sums as `service::totals` computes per project; a test compares the two.
const FILL: [&str; 4] = [
    "INSERT INTO campaign_person_totals \
     SELECT a.campaign_id, COALESCE(p.department_id, 0), COALESCE(p.responsible_staff_id, 0), \
     CASE WHEN p.responsible_staff_id IS NULL THEN COALESCE(p.responsible_person, '') ELSE '' END, {SUMS} \
     FROM agreements a JOIN projects p ON p.id = a.project_id GROUP BY 1, 2, 3, 4",
    "INSERT INTO campaign_sector_totals SELECT a.campaign_id, p.sector_id, {SUMS} \
     FROM agreements a JOIN projects p ON p.id = a.project_id GROUP BY 1, 2",
    "INSERT INTO campaign_day_totals SELECT a.campaign_id, a.signed_on, {SUMS} FROM agreements a GROUP BY 1, 2",
    // Joined to per-project sums rather than correlated subqueries: one hash
    // join each instead of a lookup per agreement.
    "INSERT INTO campaign_fund_totals \
     SELECT a.campaign_id, COUNT(*), \
     SUM(CASE WHEN p.stage IN ('UNDER_CONSTRUCTION', 'IN_PRODUCTION') THEN 1 ELSE 0 END), \
     COALESCE(SUM(ca.arrived), 0), COALESCE(SUM(t.invested), 0) \
     FROM agreements a JOIN projects p ON p.id = a.project_id \
     LEFT JOIN (SELECT project_id, SUM(amount_fen) AS arrived FROM capital_arrivals GROUP BY project_id) ca \
         ON ca.project_id = a.project_id \
     LEFT JOIN (SELECT project_id, campaign_id, SUM(total_investment_fen) AS invested FROM agreements \
         GROUP BY project_id, campaign_id) t ON t.project_id = a.project_id AND t.campaign_id = a.campaign_id \
     WHERE NOT a.is_increase GROUP BY 1",
];

const SUMS: &str = "SUM(CASE WHEN a.is_increase THEN 0 ELSE 1 END), SUM(a.total_investment_fen), \
     SUM(a.foreign_capital_fen), SUM(CASE WHEN a.kind = 'CONTRACT' AND NOT a.is_increase THEN 1 ELSE 0 END), \
     SUM(CASE WHEN a.kind = 'CONTRACT' THEN a.foreign_capital_fen ELSE 0 END)";

async fn fill<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    for sql in FILL {
        db.execute_unprepared(&sql.replace("{SUMS}", SUMS)).await?;
    }
    Ok(())
}

/// The four tables.
pub const TABLES: [&str; 4] =
    ["campaign_person_totals", "campaign_sector_totals", "campaign_day_totals", "campaign_fund_totals"];

/// Empties the totals and fills them again from the agreements: after a bulk
/// load that bypassed the writes, and as the reference the kept totals are
/// tested against.
pub async fn refill<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    for table in TABLES {
        db.execute_unprepared(&format!("DELETE FROM {table}")).await?;
    }
    fill(db).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create_all(manager, tables()).await?;
        fill(manager.get_connection()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_all(manager, tables()).await
    }
}
