//! `zhaoshang seed --scale N`: a consistent synthetic dataset of N projects for
//! the benchmark, with proportional enterprises (N/2), leads (N/10), agreements
//! (a third of the projects; the benchmarked campaign, November 2026, holds N/10),
//! stage history and capital arrivals, written by multi-row INSERTs in large
//! transactions.
//!
//! Every row is a pure function of its index (hashed), so that the tables agree
//! with each other without holding the dataset in memory, and two runs give the
//! same database.

use std::time::Instant;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use entity::enums::*;
use entity::*;
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, PaginatorTrait};

use super::demo;
use super::names::{CN_AREA_CODES, CN_PREFIXES, CN_TRADES, CN_WORDS, DEPARTMENTS, PARKS, PROJECT_KINDS};
use crate::domain::text::{dedupe_key, fold};
use crate::domain::uscc;
use crate::error::{AppError, AppResult};

/// Rows per INSERT statement: below SQLite's 32,766 and PostgreSQL's 65,535 bind
/// parameters for the widest table (about 20 columns).
const ROWS_PER_STATEMENT: usize = 1_000;
/// Rows per transaction.
const ROWS_PER_TRANSACTION: usize = 50_000;
/// Partners submitting the leads.
const PARTNERS: usize = 20;
/// The benchmarked campaign's month (November 2026); 12 monthly campaigns in all.
pub const BENCH_MONTH: u32 = 11;

pub struct ScaleSummary {
    pub projects: u64,
    pub enterprises: u64,
    pub agreements: u64,
    pub bench_campaign_agreements: u64,
    pub bench_campaign_id: i64,
    pub rows: u64,
    pub seconds: f64,
}

/// splitmix64: a well-mixed hash of a row's index and a salt.
fn h(i: u64, salt: u64) -> u64 {
    let mut z = i.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(salt.wrapping_mul(0xD1B5_4A32_D192_ED03));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pick<T: Copy>(items: &[T], i: u64, salt: u64) -> T {
    items[(h(i, salt) % items.len() as u64) as usize]
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn at(day: NaiveDate, minute: u64) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(1, 0, 0).unwrap_or_default()) + Duration::minutes(minute as i64 % 1_000)
}

use ProjectStage::*;
const WALK: [ProjectStage; 7] = [Lead, Contacted, Negotiating, Signed, Registered, UnderConstruction, InProduction];

/// Project `i` (0-based), as every table sees it.
struct P {
    slot: u64,
    stage: ProjectStage,
    /// How far along WALK the project got (for STALLED and LOST: NEGOTIATING).
    reached: usize,
    /// The month of its agreement, if it signed one.
    signed_month: Option<u32>,
    planned_fen: i64,
    foreign: bool,
    created: NaiveDate,
}

fn project(i: u64) -> P {
    let slot = i % 100;
    let (stage, reached) = match slot {
        0..=29 => (Lead, 0),
        30..=49 => (Contacted, 1),
        50..=64 => (Negotiating, 2),
        65..=76 => (Signed, 3),
        77..=84 => (Registered, 4),
        85..=92 => (UnderConstruction, 5),
        93..=97 => (InProduction, 6),
        98 => (Stalled, 2),
        _ => (Lost, 2),
    };
    // Ten of the 33 signed slots sign in the benchmarked month: N/10 agreements.
    let signed_month = (65..=97).contains(&slot).then(|| {
        let k = slot - 65;
        if k % 3 == 0 && k < 30 { BENCH_MONTH } else { 1 + (h(i, 3) % 10) as u32 }
    });
    let planned_wan = if h(i, 4) % 6 == 0 { 10_000 + h(i, 5) % 190_000 } else { 500 + h(i, 5) % 9_500 };
    let created = signed_month.map(|m| date(2026, m, 1)).unwrap_or(date(2026, 10, 1))
        - Duration::days(30 + (h(i, 6) % 200) as i64);
    P {
        slot,
        stage,
        reached,
        signed_month,
        planned_fen: planned_wan as i64 * 10_000 * 100,
        foreign: h(i, 7) % 8 == 0,
        created,
    }
}

/// A valid USCC, unique for `i`: nine body characters spell `i` in base 31.
fn uscc_for(i: u64) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut s = format!("91{}", pick(CN_AREA_CODES, i, 11));
    let mut n = i;
    let mut body = [b'0'; 9];
    for c in body.iter_mut().rev() {
        *c = ALPHABET[(n % 31) as usize];
        n /= 31;
    }
    s.push_str(std::str::from_utf8(&body).unwrap_or("000000000"));
    s.push(uscc::check_char(&s).unwrap_or('0'));
    s
}

fn enterprise_name(i: u64) -> String {
    format!(
        "{}{}{}{}有限公司",
        pick(CN_PREFIXES, i, 12),
        pick(CN_WORDS, i, 13),
        pick(CN_WORDS, i, 14),
        pick(CN_TRADES, i, 15)
    )
}

fn project_name(i: u64) -> String {
    format!("{}{}{}", pick(CN_WORDS, i, 16), pick(CN_WORDS, i, 17), pick(PROJECT_KINDS, i, 18))
}

/// Inserts rows `0..count` of one table, made by `row`, in multi-row statements.
async fn bulk<E, F>(db: &DatabaseConnection, count: u64, bar: &ProgressBar, table: &str, mut row: F) -> AppResult<u64>
where
    E: EntityTrait,
    F: FnMut(u64, &mut Vec<E::ActiveModel>),
{
    bar.set_message(table.to_owned());
    let mut written = 0u64;
    let mut i = 0u64;
    while i < count {
        let txn = crate::service::tx::begin(db).await?;
        if db.get_database_backend() == DatabaseBackend::Postgres {
            // A crash mid-seed loses the seed, not consistency: commit without waiting for the disk.
            txn.execute_unprepared("SET LOCAL synchronous_commit TO OFF").await?;
        }
        let mut in_txn = 0usize;
        while i < count && in_txn < ROWS_PER_TRANSACTION {
            let mut rows = Vec::with_capacity(ROWS_PER_STATEMENT + 8);
            while i < count && rows.len() < ROWS_PER_STATEMENT {
                row(i, &mut rows);
                i += 1;
            }
            let n = rows.len();
            if n > 0 {
                E::insert_many(rows).exec_without_returning(&txn).await?;
            }
            in_txn += n;
            written += n as u64;
            bar.inc(n as u64);
        }
        txn.commit().await?;
    }
    Ok(written)
}

/// Fills an empty database with `n` projects and everything around them.
pub async fn seed(db: &DatabaseConnection, n: u64) -> AppResult<ScaleSummary> {
    let started = Instant::now();
    if campaign::Entity::find().count(db).await? > 0 || project::Entity::find().count(db).await? > 0 {
        return Err(AppError::BadRequest(
            "seed --scale needs an empty database (it holds campaigns or projects)".into(),
        ));
    }
    let n = n.max(1);
    let sectors = demo::ids::<sector::Entity, _>(db).await?;
    let enterprises = (n / 2).max(1);
    let leads = (n / 10).max(1);

    // The small tables: 12 monthly campaigns of 2026, departments, quotas, parks,
    // incentives, partners.
    let txn = crate::service::tx::begin(db).await?;
    campaign::Entity::insert_many((1..=12u32).map(|m| {
        let starts = date(2026, m, 1);
        let ends = if m == 12 { date(2026, 12, 31) } else { date(2026, m + 1, 1) - Duration::days(1) };
        let name = format!("2026年{m}月招商月");
        campaign::ActiveModel {
            search_name: Set(fold(&name)),
            name: Set(name),
            region: Set(["长三角", "珠三角", "京津冀"][m as usize % 3].into()),
            starts_on: Set(starts),
            ends_on: Set(ends),
            target_agreements: Set(i32::try_from(n / 9).unwrap_or(i32::MAX)),
            target_investment_fen: Set(n as i64 * 25_000_000_000 / 9),
            target_foreign_capital_fen: Set(n as i64 * 1_000_000_000 / 9),
            is_active: Set(true),
            created_at: Set(at(starts - Duration::days(10), u64::from(m))),
            updated_at: Set(at(starts - Duration::days(10), u64::from(m))),
            ..Default::default()
        }
    }))
    .exec(&txn)
    .await?;
    department::Entity::insert_many(DEPARTMENTS.iter().enumerate().map(|(i, name)| department::ActiveModel {
        name: Set((*name).into()),
        search_name: Set(fold(name)),
        created_at: Set(at(date(2026, 1, 5), i as u64)),
        updated_at: Set(at(date(2026, 1, 5), i as u64)),
        ..Default::default()
    }))
    .exec(&txn)
    .await?;
    park::Entity::insert_many(PARKS.iter().enumerate().map(|(i, (name, desc))| park::ActiveModel {
        name: Set((*name).into()),
        search_name: Set(fold(name)),
        description: Set(Some((*desc).into())),
        created_at: Set(at(date(2026, 1, 6), i as u64)),
        updated_at: Set(at(date(2026, 1, 6), i as u64)),
        ..Default::default()
    }))
    .exec(&txn)
    .await?;
    partner::Entity::insert_many((0..PARTNERS).map(|i| {
        let name = format!("{}招商合作伙伴{}号", pick(CN_PREFIXES, i as u64, 19), i + 1);
        partner::ActiveModel {
            search_name: Set(fold(&name)),
            name: Set(name),
            kind: Set(if i % 2 == 0 { PartnerKind::IndustryAssociation } else { PartnerKind::PromotionAgency }),
            is_active: Set(true),
            deactivated_at: Set(None),
            created_at: Set(at(date(2026, 2, 1), i as u64)),
            updated_at: Set(at(date(2026, 2, 1), i as u64)),
            ..Default::default()
        }
    }))
    .exec(&txn)
    .await?;
    super::demo_catalogue::seed_incentives(&txn, &sectors).await?;
    let campaigns = demo::ids::<campaign::Entity, _>(&txn).await?;
    let departments = demo::ids::<department::Entity, _>(&txn).await?;
    let parks = demo::ids::<park::Entity, _>(&txn).await?;
    let partners = demo::ids::<partner::Entity, _>(&txn).await?;
    let bench_campaign = campaigns[BENCH_MONTH as usize - 1];
    let share = (n / 10 / departments.len() as u64).max(1);
    quota::Entity::insert_many(departments.iter().map(|d| quota::ActiveModel {
        campaign_id: Set(bench_campaign),
        department_id: Set(*d),
        person: Set(String::new()),
        target_agreements: Set(i32::try_from(share).unwrap_or(i32::MAX)),
        target_investment_fen: Set(share as i64 * 30_000_000_000),
        target_foreign_capital_fen: Set(share as i64 * 1_000_000_000),
        created_at: Set(at(date(2026, 10, 25), 0)),
        updated_at: Set(at(date(2026, 10, 25), 0)),
        ..Default::default()
    }))
    .exec(&txn)
    .await?;
    txn.commit().await?;

    // Row counts of the big tables, for the progress bar.
    let history_rows: u64 = (0..100u64).map(|s| history_len(&project(s)) as u64).sum::<u64>() * (n / 100)
        + (n - n % 100..n).map(|i| history_len(&project(i)) as u64).sum::<u64>();
    let signed = (0..n).filter(|i| (65..=97).contains(&(i % 100))).count() as u64;
    let total = enterprises + n + history_rows + signed * 2 + leads;
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {human_pos}/{human_len} rows {per_sec} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );

    let mut rows = bulk::<enterprise::Entity, _>(db, enterprises, &bar, "enterprises", |i, out| {
        let foreign = h(i, 20) % 5 == 0;
        let name = enterprise_name(i);
        let created = at(date(2025, 1, 1) + Duration::days((h(i, 21) % 600) as i64), i);
        out.push(enterprise::ActiveModel {
            id: Set(i as i64 + 1),
            search_name: Set(fold(&name)),
            dedupe_key: Set(dedupe_key(&name)),
            name: Set(name),
            uscc: Set(Some(uscc_for(i))),
            country: Set("CN".into()),
            sector_id: Set(Some(pick(&sectors, i, 22))),
            size: Set(Some(pick(&[EnterpriseSize::Large, EnterpriseSize::Medium, EnterpriseSize::Small], i, 23))),
            is_fortune500: Set(h(i, 24) % 97 == 0),
            is_foreign_invested: Set(foreign),
            is_listed: Set(h(i, 25) % 5 == 0),
            priority: Set(pick(&[Priority::A, Priority::B, Priority::B, Priority::C], i, 26)),
            department_id: Set(Some(pick(&departments, i, 27))),
            status: Set(pick(
                &[EnterpriseStatus::Prospect, EnterpriseStatus::Engaged, EnterpriseStatus::Invested],
                i,
                28,
            )),
            contact_name: Set(Some(pick(&["张伟", "王芳", "李强", "刘洋", "陈静"], i, 29).into())),
            contact_phone: Set(Some(format!("+86 21 6{:07}", i % 10_000_000))),
            contact_email: Set(Some(format!("contact{i}@example.com"))),
            notes: Set(None),
            created_at: Set(created),
            updated_at: Set(created),
            ..Default::default()
        });
    })
    .await?;

    rows += bulk::<project::Entity, _>(db, n, &bar, "projects", |i, out| {
        let p = project(i);
        // Two in a hundred are published catalogue entries without an investor.
        let catalogue = p.stage == Lead && h(i, 30) % 15 == 0;
        let name = project_name(i);
        let campaign = campaigns[p.signed_month.unwrap_or(BENCH_MONTH) as usize - 1];
        let created = at(p.created, i);
        out.push(project::ActiveModel {
            id: Set(i as i64 + 1),
            search_name: Set(fold(&name)),
            name: Set(name),
            stage: Set(p.stage),
            paused_from_stage: Set(matches!(p.stage, Stalled | Lost).then_some(Negotiating)),
            planned_investment_fen: Set(p.planned_fen),
            foreign_capital_fen: Set(if p.foreign { p.planned_fen / 5 } else { 0 }),
            sector_id: Set(pick(&sectors, i, 31)),
            enterprise_id: Set((!catalogue).then(|| (h(i, 32) % enterprises) as i64 + 1)),
            park_id: Set((h(i, 33) % 4 != 3).then(|| pick(&parks, i, 34))),
            department_id: Set((h(i, 35) % 7 != 6).then(|| pick(&departments, i, 36))),
            campaign_id: Set(Some(campaign)),
            responsible_person: Set((h(i, 37) % 6 == 2).then(|| pick(&["王海涛", "李雯", "赵磊"], i, 38).to_string())),
            responsible_staff_id: Set(None),
            is_high_tech: Set(h(i, 39) % 3 == 1),
            is_foreign_invested: Set(p.foreign),
            is_published: Set(catalogue || p.slot % 4 == 0),
            description: Set(Some(format!("计划总投资约{}万元。", p.planned_fen / 1_000_000))),
            notes: Set(None),
            lead_id: Set(None),
            source_partner_id: Set(None),
            // Scattered over about 40 × 30 km around the demo city.
            longitude_e7: Set(Some(super::demo_map::CENTRE.longitude_e7 + (h(i, 40) % 4_000_000) as i64 - 2_000_000)),
            latitude_e7: Set(Some(super::demo_map::CENTRE.latitude_e7 + (h(i, 41) % 3_000_000) as i64 - 1_500_000)),
            created_at: Set(created),
            updated_at: Set(created),
        });
    })
    .await?;

    // Stage history: each project walked from LEAD to where it stands.
    let mut next_change = 0i64;
    rows += bulk::<project_stage_change::Entity, _>(db, n, &bar, "stage history", |i, out| {
        let p = project(i);
        let mut prev = None;
        for (k, stage) in WALK.iter().take(p.reached + 1).enumerate() {
            next_change += 1;
            out.push(stage_change(next_change, i, prev, *stage, at(p.created + Duration::days(k as i64 * 9), i)));
            prev = Some(*stage);
        }
        if matches!(p.stage, Stalled | Lost) {
            next_change += 1;
            out.push(stage_change(next_change, i, prev, p.stage, at(p.created + Duration::days(40), i)));
        }
    })
    .await?;

    // Agreements (one primary per signed project) and a capital arrival for each.
    let mut agreement_id = 0i64;
    let mut bench_agreements = 0u64;
    rows += bulk::<agreement::Entity, _>(db, n, &bar, "agreements", |i, out| {
        let p = project(i);
        let Some(month) = p.signed_month else { return };
        agreement_id += 1;
        bench_agreements += u64::from(month == BENCH_MONTH);
        let signed_on =
            date(2026, month, 1) + Duration::days((h(i, 40) % if month == BENCH_MONTH { 26 } else { 28 }) as i64);
        out.push(agreement::ActiveModel {
            id: Set(agreement_id),
            project_id: Set(i as i64 + 1),
            primary_project_id: Set(Some(i as i64 + 1)),
            campaign_id: Set(campaigns[month as usize - 1]),
            event_id: Set(None),
            kind: Set(if h(i, 41) % 3 == 0 { AgreementKind::Framework } else { AgreementKind::Contract }),
            signed_on: Set(signed_on),
            total_investment_fen: Set(p.planned_fen),
            foreign_capital_fen: Set(if p.foreign { p.planned_fen / 5 } else { 0 }),
            is_increase: Set(false),
            upgraded_on: Set(None),
            created_at: Set(at(signed_on, i)),
            updated_at: Set(at(signed_on, i)),
        });
    })
    .await?;
    let mut arrival_id = 0i64;
    rows += bulk::<capital_arrival::Entity, _>(db, n, &bar, "capital arrivals", |i, out| {
        let p = project(i);
        let Some(month) = p.signed_month else { return };
        arrival_id += 1;
        let arrived_on = date(2026, month, 1) + Duration::days(20 + (h(i, 42) % 20) as i64);
        let share = if p.reached >= 5 { 2 } else { 10 };
        out.push(capital_arrival::ActiveModel {
            id: Set(arrival_id),
            project_id: Set(i as i64 + 1),
            arrived_on: Set(arrived_on.min(date(2026, 11, 25))),
            amount_fen: Set(p.planned_fen / share),
            created_at: Set(at(arrived_on.min(date(2026, 11, 25)), i)),
        });
    })
    .await?;

    rows += bulk::<lead::Entity, _>(db, leads, &bar, "leads", |i, out| {
        let name =
            format!("{}{}{}科技有限公司", pick(CN_PREFIXES, i, 43), pick(CN_WORDS, i, 44), pick(CN_WORDS, i, 45));
        let submitted_on = date(2026, 1, 1) + Duration::days((h(i, 46) % 329) as i64);
        let created = at(submitted_on, i);
        let status =
            pick(&[LeadStatus::Submitted, LeadStatus::UnderReview, LeadStatus::Accepted, LeadStatus::Rejected], i, 48);
        let decided = matches!(status, LeadStatus::Accepted | LeadStatus::Rejected);
        out.push(lead::ActiveModel {
            id: Set(i as i64 + 1),
            partner_id: Set(partners[(i % PARTNERS as u64) as usize]),
            idempotency_key: Set(format!("scale-{i}")),
            request_hash: Set(format!("{:064x}", h(i, 47))),
            status: Set(status),
            search_name: Set(fold(&name)),
            dedupe_key: Set(dedupe_key(&name)),
            enterprise_name: Set(name),
            uscc: Set(None),
            country: Set("CN".into()),
            sector_id: Set(Some(pick(&sectors, i, 49))),
            contact_name: Set(Some("联系人".into())),
            contact_phone: Set(None),
            contact_email: Set(Some(format!("lead{i}@example.com"))),
            estimated_investment_fen: Set(Some(((h(i, 50) % 50_000) as i64 + 100) * 1_000_000)),
            description: Set(None),
            reason: Set(None),
            internal_note: Set(None),
            duplicate_of_lead_id: Set(None),
            duplicate_of_enterprise_id: Set(None),
            enterprise_id: Set(None),
            project_id: Set(None),
            assigned_department_id: Set(None),
            assignee_id: Set(None),
            assigned_at: Set(None),
            respond_due_on: Set(None),
            decide_due_on: Set(None),
            feedback_due_on: Set(None),
            decided_on: Set(decided.then(|| submitted_on + Duration::days((h(i, 51) % 10) as i64))),
            created_at: Set(created),
            updated_at: Set(created),
        });
    })
    .await?;
    bar.finish_and_clear();

    // Explicit ids leave PostgreSQL's sequences behind; then fresh statistics.
    let big = ["enterprises", "projects", "project_stage_changes", "agreements", "capital_arrivals", "leads"];
    match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            for t in big {
                db.execute_unprepared(&format!(
                    "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {t}))"
                ))
                .await?;
            }
            db.execute_unprepared("ANALYZE").await?;
        }
        _ => {
            db.execute_unprepared("ANALYZE").await?;
        }
    }
    // The rows went in directly: the report's totals and the health dates from
    // them (with the statistics above for their plans), then their own.
    crate::service::totals::refill(db).await?;
    crate::service::health_dates::recompute_all(db).await?;
    // As autovacuum would leave a loaded database: statistics, and on
    // PostgreSQL the visibility map that lets index-only scans skip the table.
    match db.get_database_backend() {
        DatabaseBackend::Postgres => db.execute_unprepared("VACUUM ANALYZE").await?,
        _ => db.execute_unprepared("ANALYZE").await?,
    };
    Ok(ScaleSummary {
        projects: n,
        enterprises,
        agreements: agreement_id as u64,
        bench_campaign_agreements: bench_agreements,
        bench_campaign_id: bench_campaign,
        rows: rows + 12 + (DEPARTMENTS.len() * 2 + PARKS.len() + PARTNERS) as u64,
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn history_len(p: &P) -> usize {
    p.reached + 1 + usize::from(matches!(p.stage, Stalled | Lost))
}

fn stage_change(
    id: i64,
    i: u64,
    from: Option<ProjectStage>,
    to: ProjectStage,
    when: chrono::DateTime<Utc>,
) -> project_stage_change::ActiveModel {
    project_stage_change::ActiveModel {
        id: Set(id),
        project_id: Set(i as i64 + 1),
        from_stage: Set(from),
        to_stage: Set(to),
        changed_by_key_id: Set(None),
        changed_by_staff_id: Set(None),
        changed_by_role: Set(Role::Staff),
        note: Set(None),
        created_at: Set(when),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tenth_of_the_projects_sign_in_the_benchmarked_month() {
        let bench = (0..1_000u64).filter(|i| project(*i).signed_month == Some(BENCH_MONTH)).count();
        assert_eq!(bench, 100);
        let signed = (0..1_000u64).filter(|i| project(*i).signed_month.is_some()).count();
        assert_eq!(signed, 330);
    }

    #[test]
    fn generated_usccs_are_valid_and_distinct() {
        let all: std::collections::HashSet<String> = (0..5_000u64).map(uscc_for).collect();
        assert_eq!(all.len(), 5_000);
        assert!(all.iter().all(|u| uscc::check_char(&u[..17]) == u.chars().last()));
    }
}
