//! Demo data: a realistic 长三角 campaign month on an empty database, generated
//! from a fixed seed so that every demo database holds the same figures.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use entity::enums::*;
use entity::*;
use rand::{Rng, SeedableRng, rngs::StdRng};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryOrder};

use super::demo_catalogue::{seed_incentives, seed_materials, seed_partners};
use super::demo_map;
use super::names::*;
use crate::domain::text::{dedupe_key, fold};
use crate::domain::uscc;
use crate::error::AppResult;
use crate::service::pagination::Keyed;

/// What the demo created, for the start-up banner.
pub struct DemoSummary {
    pub campaign_id: i64,
    pub partner_ids: Vec<i64>,
    pub projects: usize,
    pub enterprises: usize,
    pub agreements: usize,
    /// The staff member the demo's ADMIN key is bound to.
    pub admin_staff_member_id: Option<i64>,
}

pub(super) fn ts(day: NaiveDate, minute: i64) -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(1, 0, 0).unwrap_or_default()) + Duration::minutes(minute)
}

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// A valid USCC for a company registered in `area`.
pub(super) fn make_uscc(rng: &mut StdRng, area: &str) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut s = format!("91{area}");
    for _ in 0..9 {
        s.push(ALPHABET[rng.random_range(0..ALPHABET.len())] as char);
    }
    let check = uscc::check_char(&s).unwrap_or('0');
    s.push(check);
    s
}

/// Yuan in multiples of 10,000 (万元), as fen.
pub(super) fn wan(rng: &mut StdRng, low: i64, high: i64) -> i64 {
    rng.random_range(low..=high) * 10_000 * 100
}

/// Loads the demo on an empty database; returns None (and writes nothing) when
/// the database already holds campaigns.
pub async fn seed(db: &DatabaseConnection, today: NaiveDate) -> AppResult<Option<DemoSummary>> {
    if campaign::Entity::find().count(db).await? > 0 {
        return Ok(None);
    }
    // A write transaction from the start: a deferred one that reads first fails
    // on SQLite if another writer (the webhook deliverer) commits meanwhile.
    let txn = crate::service::tx::begin(db).await?;
    let summary = seed_in(&txn, today).await?;
    // The demo inserts its agreements directly: the report's totals from them.
    crate::service::totals::refill(&txn).await?;
    crate::service::health_dates::recompute_all(&txn).await?;
    txn.commit().await?;
    Ok(Some(summary))
}

/// The ids of a table's rows in insertion order.
pub(crate) async fn ids<E: Keyed, C: ConnectionTrait>(db: &C) -> AppResult<Vec<i64>> {
    Ok(E::find().order_by_asc(E::id_column()).all(db).await?.iter().map(E::id_of).collect())
}

async fn seed_in<C: ConnectionTrait>(db: &C, today: NaiveDate) -> AppResult<DemoSummary> {
    let mut rng = StdRng::seed_from_u64(20261126);
    let month_start = date(2026, 11, 1);
    let sectors = ids::<sector::Entity, _>(db).await?;

    // Campaigns: the current month and the one before it.
    let campaigns = [
        ("2026年10月珠三角招商月", "珠三角", date(2026, 10, 1), date(2026, 10, 31), 40, 200, 10),
        ("2026年11月长三角招商月", "长三角", month_start, date(2026, 11, 30), 60, 300, 20),
    ];
    campaign::Entity::insert_many(campaigns.iter().map(|(name, region, s, e, n, inv, fc)| campaign::ActiveModel {
        name: Set((*name).into()),
        search_name: Set(fold(name)),
        region: Set((*region).into()),
        starts_on: Set(*s),
        ends_on: Set(*e),
        target_agreements: Set(*n),
        target_investment_fen: Set(*inv * 100_000_000 * 100),
        target_foreign_capital_fen: Set(*fc * 100_000_000 * 100),
        is_active: Set(true),
        created_at: Set(ts(*s - Duration::days(10), 0)),
        updated_at: Set(ts(*s - Duration::days(10), 0)),
        ..Default::default()
    }))
    .exec(db)
    .await?;
    let campaign_ids = ids::<campaign::Entity, _>(db).await?;
    let (october, november) = (campaign_ids[0], campaign_ids[1]);
    campaign_sector::Entity::insert_many(
        sectors.iter().take(6).map(|s| campaign_sector::ActiveModel { campaign_id: Set(november), sector_id: Set(*s) }),
    )
    .exec(db)
    .await?;

    department::Entity::insert_many(DEPARTMENTS.iter().enumerate().map(|(i, name)| department::ActiveModel {
        name: Set((*name).into()),
        search_name: Set(fold(name)),
        created_at: Set(ts(date(2026, 1, 5), i as i64)),
        updated_at: Set(ts(date(2026, 1, 5), i as i64)),
        ..Default::default()
    }))
    .exec(db)
    .await?;
    let departments = ids::<department::Entity, _>(db).await?;

    // Quotas for all departments but the last; the high-tech zone splits its quota per person.
    let mut quotas = Vec::new();
    let shares = [(14, 70, 5), (10, 50, 3), (12, 60, 4), (10, 55, 4), (8, 40, 3), (6, 25, 1)];
    for (dept, (n, inv, fc)) in departments.iter().zip(shares) {
        quotas.push((*dept, String::new(), n, inv, fc));
    }
    quotas.push((departments[2], "王海涛".into(), 7, 35, 2));
    quotas.push((departments[2], "李雯".into(), 5, 25, 2));
    quota::Entity::insert_many(quotas.into_iter().enumerate().map(|(i, (d, person, n, inv, fc))| quota::ActiveModel {
        campaign_id: Set(november),
        department_id: Set(d),
        person: Set(person),
        target_agreements: Set(n),
        target_investment_fen: Set(inv * 100_000_000 * 100),
        target_foreign_capital_fen: Set(fc * 100_000_000 * 100),
        created_at: Set(ts(month_start - Duration::days(5), i as i64)),
        updated_at: Set(ts(month_start - Duration::days(5), i as i64)),
        ..Default::default()
    }))
    .exec(db)
    .await?;

    park::Entity::insert_many(PARKS.iter().enumerate().map(|(i, (name, desc))| {
        let map = demo_map::park(i);
        park::ActiveModel {
            name: Set((*name).into()),
            search_name: Set(fold(name)),
            description: Set(Some((*desc).into())),
            longitude_e7: Set(Some(map.location.longitude_e7)),
            latitude_e7: Set(Some(map.location.latitude_e7)),
            boundary: Set(Some(map.boundary)),
            area_mu_centi: Set(Some(map.area.centi())),
            available_land_mu_centi: Set(Some(map.available_land.centi())),
            created_at: Set(ts(date(2026, 1, 6), i as i64)),
            updated_at: Set(ts(date(2026, 1, 6), i as i64)),
            ..Default::default()
        }
    }))
    .exec(db)
    .await?;
    let parks = ids::<park::Entity, _>(db).await?;
    park_sector::Entity::insert_many(parks.iter().enumerate().flat_map(|(i, park)| {
        demo_map::park(i)
            .sectors
            .iter()
            .map(|s| park_sector::ActiveModel { park_id: Set(*park), sector_id: Set(sectors[*s % sectors.len()]) })
    }))
    .exec(db)
    .await?;

    // Enterprises: 150 Chinese with valid USCCs, 50 foreign.
    let mut enterprises = Vec::new();
    for i in 0..200usize {
        let (name, uscc, country, foreign) = if i < 150 {
            let city = i % CN_PREFIXES.len();
            let name = format!(
                "{}{}{}有限公司",
                CN_PREFIXES[city],
                CN_WORDS[(i / CN_PREFIXES.len()) % CN_WORDS.len()],
                CN_TRADES[(i * 7) % CN_TRADES.len()]
            );
            (name, Some(make_uscc(&mut rng, CN_AREA_CODES[city])), "CN".to_string(), false)
        } else {
            let j = i - 150;
            let (country, suffix) = FOREIGN[j % FOREIGN.len()];
            let name = format!(
                "{} {} {}",
                FOREIGN_WORDS[j % FOREIGN_WORDS.len()],
                FOREIGN_TRADES[(j / 3) % FOREIGN_TRADES.len()],
                suffix
            );
            (name, None, country.to_string(), true)
        };
        let created = ts(date(2026, 3, 1) + Duration::days((i as i64) % 240), i as i64);
        enterprises.push(enterprise::ActiveModel {
            search_name: Set(fold(&name)),
            dedupe_key: Set(dedupe_key(&name)),
            name: Set(name),
            uscc: Set(uscc),
            country: Set(country),
            sector_id: Set(Some(sectors[rng.random_range(0..sectors.len())])),
            size: Set(Some([EnterpriseSize::Large, EnterpriseSize::Medium, EnterpriseSize::Small][i % 3])),
            is_fortune500: Set(i % 23 == 0),
            is_foreign_invested: Set(foreign || i % 17 == 0),
            is_listed: Set(i % 5 == 0),
            priority: Set([Priority::A, Priority::B, Priority::B, Priority::C][i % 4]),
            department_id: Set(Some(departments[i % departments.len()])),
            status: Set([EnterpriseStatus::Prospect, EnterpriseStatus::Engaged, EnterpriseStatus::Invested][i % 3]),
            contact_name: Set(Some(
                ["张伟", "王芳", "李强", "刘洋", "陈静", "Anna Weber", "John Miller"][i % 7].into(),
            )),
            contact_phone: Set(Some(format!("+86 21 6{:07}", 1_000_000 + i * 3_571))),
            contact_email: Set(Some(format!("contact{i}@example.com"))),
            notes: Set((i % 4 == 0).then(|| "已走访，对方关注用地指标与人才政策。".to_string())),
            created_at: Set(created),
            updated_at: Set(created),
            ..Default::default()
        });
    }
    enterprise::Entity::insert_many(enterprises).exec(db).await?;
    let enterprise_ids = ids::<enterprise::Entity, _>(db).await?;

    // Projects: 300, 20 of them published catalogue entries without an investor.
    // Stages are spread so that 80 projects have a primary agreement.
    use ProjectStage::*;
    let stage_plan: Vec<ProjectStage> = std::iter::repeat_n(Lead, 50)
        .chain(std::iter::repeat_n(Contacted, 55))
        .chain(std::iter::repeat_n(Negotiating, 70))
        .chain(std::iter::repeat_n(Signed, 40))
        .chain(std::iter::repeat_n(Registered, 15))
        .chain(std::iter::repeat_n(UnderConstruction, 15))
        .chain(std::iter::repeat_n(InProduction, 10))
        .chain(std::iter::repeat_n(Stalled, 10))
        .chain(std::iter::repeat_n(Lost, 15))
        .chain(std::iter::repeat_n(Lead, 20))
        .collect();
    let mut projects = Vec::new();
    for (i, stage) in stage_plan.iter().enumerate() {
        let catalogue = i >= 280;
        let enterprise = (!catalogue).then(|| enterprise_ids[i % enterprise_ids.len()]);
        let foreign = i % 200 >= 150 || i % 11 == 0;
        let planned = if i % 6 == 0 { wan(&mut rng, 10_000, 200_000) } else { wan(&mut rng, 1_000, 9_999) };
        let name = if catalogue {
            format!("{}二期招商项目（{}号地块）", PARKS[i % PARKS.len()].0, i - 279)
        } else {
            format!("{}{}", CN_WORDS[i % CN_WORDS.len()], PROJECT_KINDS[i % PROJECT_KINDS.len()])
        };
        let paused = matches!(stage, Stalled | Lost).then_some(Negotiating);
        let created = ts(date(2026, 4, 1) + Duration::days((i as i64 * 7) % 200), i as i64);
        projects.push(project::ActiveModel {
            search_name: Set(fold(&name)),
            name: Set(name),
            stage: Set(*stage),
            paused_from_stage: Set(paused),
            planned_investment_fen: Set(planned),
            foreign_capital_fen: Set(if foreign { planned / 5 } else { 0 }),
            sector_id: Set(sectors[i % sectors.len()]),
            enterprise_id: Set(enterprise),
            park_id: Set((i % 4 != 3).then(|| parks[i % parks.len()])),
            longitude_e7: Set(Some(demo_map::project(i, (i % 4 != 3).then_some(i % parks.len())).longitude_e7)),
            latitude_e7: Set(Some(demo_map::project(i, (i % 4 != 3).then_some(i % parks.len())).latitude_e7)),
            // Every seventh project is not yet assigned to a department.
            department_id: Set((i % 7 != 6).then(|| departments[i % 6])),
            campaign_id: Set(Some(if i % 3 == 0 { october } else { november })),
            responsible_person: Set((i % 6 == 2).then(|| ["王海涛", "李雯", "赵磊"][i % 3].to_string())),
            is_high_tech: Set(i % 3 == 1),
            is_foreign_invested: Set(foreign),
            is_published: Set(catalogue || i % 4 == 0),
            description: Set(Some(format!("计划总投资约{}万元，建设标准厂房及配套设施。", planned / 1_000_000))),
            notes: Set((i % 5 == 0).then(|| "内部：对方要求明确土地出让时间表。".to_string())),
            lead_id: Set(None),
            source_partner_id: Set(None),
            created_at: Set(created),
            updated_at: Set(created),
            ..Default::default()
        });
    }
    project::Entity::insert_many(projects).exec(db).await?;
    let project_rows = project::Entity::find().order_by_asc(project::Column::Id).all(db).await?;

    // Stage history: every project walked from LEAD to where it stands.
    let order = [Lead, Contacted, Negotiating, Signed, Registered, UnderConstruction, InProduction];
    let mut history = Vec::new();
    for p in &project_rows {
        let target = p.paused_from_stage.unwrap_or(p.stage);
        let reach = order.iter().position(|s| *s == target).unwrap_or(0);
        let mut prev: Option<ProjectStage> = None;
        for (k, s) in order.iter().take(reach + 1).enumerate() {
            history.push((p.id, prev, *s, p.created_at + Duration::days(k as i64 * 9)));
            prev = Some(*s);
        }
        if p.paused_from_stage.is_some() {
            history.push((p.id, prev, p.stage, p.created_at + Duration::days(reach as i64 * 9 + 5)));
        }
    }
    for chunk in history.chunks(1000) {
        project_stage_change::Entity::insert_many(chunk.iter().map(|(pid, from, to, at)| {
            project_stage_change::ActiveModel {
                project_id: Set(*pid),
                from_stage: Set(*from),
                to_stage: Set(*to),
                changed_by_key_id: Set(None),
                changed_by_role: Set(Role::Staff),
                note: Set(None),
                created_at: Set(*at),
                ..Default::default()
            }
        }))
        .exec(db)
        .await?;
    }

    // Events.
    let events = [
        (
            november,
            "长三角新能源产业专题推介会",
            EventKind::PromotionConference,
            date(2026, 11, 6),
            Some("上海国际会议中心"),
            None,
        ),
        (
            november,
            "苏浙沪企业家座谈会",
            EventKind::EntrepreneurSymposium,
            date(2026, 11, 12),
            Some("苏州工业园区"),
            None,
        ),
        (
            november,
            "生物医药线上推介会",
            EventKind::OnlinePromotion,
            date(2026, 11, 18),
            None,
            Some("https://meeting.example.com/bio"),
        ),
        (
            november,
            "德资企业视频洽谈",
            EventKind::VideoNegotiation,
            date(2026, 11, 20),
            None,
            Some("https://meeting.example.com/de"),
        ),
        (november, "走访宁波港口企业", EventKind::Visit, date(2026, 11, 24), Some("宁波"), None),
        (
            october,
            "粤港澳大湾区投资推介会",
            EventKind::PromotionConference,
            date(2026, 10, 15),
            Some("深圳会展中心"),
            None,
        ),
        (october, "珠三角制造业企业家座谈会", EventKind::EntrepreneurSymposium, date(2026, 10, 22), Some("东莞"), None),
    ];
    event::Entity::insert_many(events.iter().enumerate().map(|(i, (c, title, kind, held, place, link))| {
        event::ActiveModel {
            campaign_id: Set(*c),
            title: Set((*title).into()),
            search_name: Set(fold(title)),
            kind: Set(*kind),
            held_on: Set(*held),
            place: Set(place.map(Into::into)),
            link: Set(link.map(Into::into)),
            created_at: Set(ts(*held - Duration::days(14), i as i64)),
            updated_at: Set(ts(*held - Duration::days(14), i as i64)),
            ..Default::default()
        }
    }))
    .exec(db)
    .await?;
    let event_ids = ids::<event::Entity, _>(db).await?;
    let mut participants = Vec::new();
    for (k, e) in event_ids.iter().enumerate() {
        for j in 0..8 {
            participants.push(event_participant::ActiveModel {
                event_id: Set(*e),
                enterprise_id: Set(enterprise_ids[(k * 13 + j * 7) % enterprise_ids.len()]),
            });
        }
    }
    event_participant::Entity::insert_many(participants).exec(db).await?;

    // Agreements: a primary agreement for every project at SIGNED or beyond, in
    // the campaign of its signing date; increases for a few; some framework
    // agreements upgraded to contracts.
    let signed: Vec<&project::Model> = project_rows
        .iter()
        .filter(|p| matches!(p.stage, Signed | Registered | UnderConstruction | InProduction))
        .collect();
    let mut agreements = Vec::new();
    let last_day = today.min(date(2026, 11, 30)).max(month_start);
    let november_days = (last_day - month_start).num_days().max(0);
    for (k, p) in signed.iter().enumerate() {
        let in_november = k % 5 != 0;
        let (campaign_id, signed_on) = if in_november {
            (november, month_start + Duration::days(k as i64 % (november_days + 1)))
        } else {
            (october, date(2026, 10, 1) + Duration::days(k as i64 % 31))
        };
        let kind = if k % 3 == 0 { AgreementKind::Framework } else { AgreementKind::Contract };
        let upgraded = (kind == AgreementKind::Contract && k % 7 == 0).then(|| signed_on + Duration::days(3));
        let event_id = (k % 4 == 0).then(|| if in_november { event_ids[k % 5] } else { event_ids[5 + k % 2] });
        agreements.push((
            p.id,
            Some(p.id),
            campaign_id,
            event_id,
            kind,
            signed_on,
            p.planned_investment_fen,
            p.foreign_capital_fen,
            false,
            upgraded,
        ));
    }
    for (k, p) in signed.iter().enumerate().filter(|(k, _)| k % 9 == 4).take(8) {
        let signed_on = month_start + Duration::days((k as i64 + 5) % (november_days + 1));
        let inc = p.planned_investment_fen / 4;
        agreements.push((
            p.id,
            None,
            november,
            None,
            AgreementKind::Contract,
            signed_on,
            inc,
            p.foreign_capital_fen / 4,
            true,
            None,
        ));
    }
    let agreement_count = agreements.len();
    agreement::Entity::insert_many(agreements.into_iter().enumerate().map(
        |(
            i,
            (project_id, primary, campaign_id, event_id, kind, signed_on, total, foreign, is_increase, upgraded_on),
        )| {
            let at = ts(signed_on, i as i64);
            agreement::ActiveModel {
                project_id: Set(project_id),
                primary_project_id: Set(primary),
                campaign_id: Set(campaign_id),
                event_id: Set(event_id),
                kind: Set(kind),
                signed_on: Set(signed_on),
                total_investment_fen: Set(total),
                foreign_capital_fen: Set(foreign),
                is_increase: Set(is_increase),
                upgraded_on: Set(upgraded_on),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
        },
    ))
    .exec(db)
    .await?;

    // Capital arrivals for projects under construction or in production.
    let arrivals: Vec<_> = signed
        .iter()
        .filter(|p| matches!(p.stage, UnderConstruction | InProduction))
        .enumerate()
        .map(|(k, p)| capital_arrival::ActiveModel {
            project_id: Set(p.id),
            arrived_on: Set(month_start + Duration::days(k as i64 % (november_days + 1))),
            amount_fen: Set(p.planned_investment_fen / 10 * 3),
            created_at: Set(ts(month_start, k as i64)),
            ..Default::default()
        })
        .collect();
    capital_arrival::Entity::insert_many(arrivals).exec(db).await?;

    seed_incentives(db, &sectors).await?;
    let partner_ids = seed_partners(db, &sectors, &enterprise_ids, &mut rng).await?;
    seed_materials(db, &sectors, &enterprise_ids, &partner_ids).await?;
    let admin_staff_member_id = super::demo_daily::seed_daily_work(db, today, &departments, &project_rows).await?;

    Ok(DemoSummary {
        campaign_id: november,
        partner_ids,
        projects: project_rows.len(),
        enterprises: enterprise_ids.len(),
        agreements: agreement_count,
        admin_staff_member_id,
    })
}
