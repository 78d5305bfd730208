//! The demo's policy incentives and partners with their leads.

use super::demo::{date, ids, make_uscc, ts, wan};
use chrono::Duration;
use entity::enums::*;
use entity::*;
use rand::rngs::StdRng;
use sea_orm::ActiveValue::Set;
use sea_orm::{ConnectionTrait, EntityTrait};

use super::names::*;
use crate::domain::text::{dedupe_key, fold};
use crate::error::AppResult;

pub(crate) async fn seed_incentives<C: ConnectionTrait>(db: &C, sectors: &[i64]) -> AppResult<()> {
    type Rule =
        (&'static str, IncentiveKind, &'static str, Option<i64>, Option<i64>, bool, bool, bool, &'static [usize]);
    let list: &[Rule] = &[
        ("高新技术企业所得税减按15%征收", IncentiveKind::TaxReduction, "市税务局", None, None, true, false, true, &[]),
        (
            "重大项目用地优先保障",
            IncentiveKind::LandSupply,
            "市自然资源和规划局",
            Some(100_000_000),
            None,
            false,
            false,
            true,
            &[],
        ),
        (
            "新能源产业固定资产投资补助",
            IncentiveKind::Subsidy,
            "市发展和改革委员会",
            Some(50_000_000),
            None,
            false,
            false,
            true,
            &[1, 2],
        ),
        ("外资研发中心奖励", IncentiveKind::Subsidy, "市商务局", None, Some(10_000_000), false, true, true, &[4, 5]),
        ("行政事业性收费减免", IncentiveKind::FeeWaiver, "市财政局", None, None, false, false, true, &[]),
        ("高层次人才安家补贴", IncentiveKind::Talent, "市人力资源和社会保障局", None, None, true, false, true, &[]),
        (
            "制造业中长期贷款贴息",
            IncentiveKind::Financing,
            "市地方金融管理局",
            Some(20_000_000),
            None,
            false,
            false,
            true,
            &[0, 6],
        ),
        ("生物医药创新产品首购奖励", IncentiveKind::Subsidy, "市卫生健康委员会", None, None, true, false, true, &[4]),
        (
            "跨境物流枢纽建设扶持",
            IncentiveKind::Subsidy,
            "市交通运输局",
            Some(30_000_000),
            None,
            false,
            false,
            true,
            &[9],
        ),
        (
            "外商投资企业利润再投资奖励",
            IncentiveKind::TaxReduction,
            "市商务局",
            None,
            Some(50_000_000),
            false,
            true,
            false,
            &[],
        ),
        ("数字经济算力券", IncentiveKind::Subsidy, "市数据局", None, None, false, false, false, &[7]),
        ("总部经济落户奖励", IncentiveKind::Subsidy, "市商务局", Some(500_000_000), None, false, false, true, &[8]),
    ];
    incentive::Entity::insert_many(list.iter().enumerate().map(
        |(i, (title, kind, issuer, min_inv, min_fc, tech, foreign, published, _))| {
            let at = ts(date(2026, 2, 1), i as i64);
            incentive::ActiveModel {
                title: Set((*title).into()),
                search_name: Set(fold(title)),
                kind: Set(*kind),
                issuer: Set((*issuer).into()),
                summary: Set(Some(format!("{title}：符合条件的项目可按规定申请。"))),
                document_number: Set(Some(format!("政发〔2026〕{}号", 10 + i))),
                valid_from: Set(Some(date(2026, 1, 1))),
                valid_to: Set(Some(date(2028, 12, 31))),
                is_published: Set(*published),
                min_investment_fen: Set(min_inv.map(|y| y * 100)),
                min_foreign_capital_fen: Set(min_fc.map(|y| y * 100)),
                high_tech_only: Set(*tech),
                foreign_invested_only: Set(*foreign),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            }
        },
    ))
    .exec(db)
    .await?;
    let incentive_ids = ids::<incentive::Entity, _>(db).await?;
    let links: Vec<_> = list
        .iter()
        .zip(&incentive_ids)
        .flat_map(|(rule, id)| rule.8.iter().map(move |s| (*id, *s)))
        .map(|(id, s)| incentive_sector::ActiveModel {
            incentive_id: Set(id),
            sector_id: Set(sectors[s % sectors.len()]),
        })
        .collect();
    incentive_sector::Entity::insert_many(links).exec(db).await?;
    Ok(())
}

pub(super) async fn seed_partners<C: ConnectionTrait>(
    db: &C,
    sectors: &[i64],
    enterprises: &[i64],
    rng: &mut StdRng,
) -> AppResult<Vec<i64>> {
    let partners = [
        ("长三角新能源产业协会", PartnerKind::IndustryAssociation),
        ("沪苏招商服务有限公司", PartnerKind::PromotionAgency),
    ];
    partner::Entity::insert_many(partners.iter().enumerate().map(|(i, (name, kind))| partner::ActiveModel {
        name: Set((*name).into()),
        search_name: Set(fold(name)),
        kind: Set(*kind),
        is_active: Set(true),
        deactivated_at: Set(None),
        created_at: Set(ts(date(2026, 6, 1), i as i64)),
        updated_at: Set(ts(date(2026, 6, 1), i as i64)),
        ..Default::default()
    }))
    .exec(db)
    .await?;
    let partner_ids = ids::<partner::Entity, _>(db).await?;
    let statuses = [
        LeadStatus::Submitted,
        LeadStatus::UnderReview,
        LeadStatus::Accepted,
        LeadStatus::Rejected,
        LeadStatus::Submitted,
        LeadStatus::Withdrawn,
    ];
    let mut leads = Vec::new();
    for (p, pid) in partner_ids.iter().enumerate() {
        for k in 0..12usize {
            let status = statuses[k % statuses.len()];
            let name = format!(
                "{}{}{}有限公司",
                CN_PREFIXES[(k + p) % CN_PREFIXES.len()],
                ["远航", "新程", "鸿图", "启航"][k % 4],
                CN_TRADES[(k * 3 + p) % CN_TRADES.len()]
            );
            let uscc = make_uscc(rng, CN_AREA_CODES[(k + p) % CN_AREA_CODES.len()]);
            let at = ts(date(2026, 11, 1) + Duration::days(k as i64 * 2), (p * 20 + k) as i64);
            leads.push(lead::ActiveModel {
                partner_id: Set(*pid),
                idempotency_key: Set(format!("demo-{p}-{k}")),
                request_hash: Set(format!("{:064}", p * 100 + k)),
                status: Set(status),
                search_name: Set(fold(&name)),
                dedupe_key: Set(dedupe_key(&name)),
                enterprise_name: Set(name),
                uscc: Set(Some(uscc)),
                country: Set("CN".into()),
                sector_id: Set(Some(sectors[(k + p) % sectors.len()])),
                contact_name: Set(Some(["周明", "吴婷", "郑浩"][k % 3].into())),
                contact_phone: Set(Some(format!("+86 512 {:08}", 60_000_000 + k * 1_234))),
                contact_email: Set(Some(format!("lead{p}{k}@example.com"))),
                estimated_investment_fen: Set(Some(wan(rng, 2_000, 50_000))),
                description: Set(Some("企业有意在长三角布局第二生产基地。".into())),
                reason: Set((status == LeadStatus::Rejected).then(|| "项目不符合本市产业导向。".to_string())),
                internal_note: Set(Some("内部备注：需核实企业资金实力。".into())),
                duplicate_of_lead_id: Set(None),
                duplicate_of_enterprise_id: Set(None),
                enterprise_id: Set((status == LeadStatus::Accepted).then(|| enterprises[k])),
                project_id: Set(None),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            });
        }
    }
    lead::Entity::insert_many(leads).exec(db).await?;
    Ok(partner_ids)
}

/// The demo's promotion materials (links; files come by `uploadFile`) and
/// their distribution in the campaign month, by staff and by partners.
pub(crate) async fn seed_materials<C: ConnectionTrait>(
    db: &C,
    sectors: &[i64],
    enterprises: &[i64],
    partners: &[i64],
) -> AppResult<()> {
    let list: &[(&str, MaterialKind, &str, &str, bool, &[usize])] = &[
        (
            "2026年招商手册",
            MaterialKind::Brochure,
            "zh-CN",
            "https://invest.example.gov.cn/brochure-2026",
            true,
            &[0, 1, 3],
        ),
        (
            "Investment Guide 2026",
            MaterialKind::Brochure,
            "en",
            "https://invest.example.gov.cn/guide-2026-en",
            true,
            &[0, 5],
        ),
        ("城市招商宣传片", MaterialKind::Video, "zh-CN", "https://invest.example.gov.cn/video", true, &[]),
        ("惠企政策汇编", MaterialKind::PolicyDigest, "zh-CN", "https://invest.example.gov.cn/policies", true, &[]),
        (
            "新能源产业链招商图谱（内部）",
            MaterialKind::Slides,
            "zh-CN",
            "https://intranet.example.gov.cn/nev",
            false,
            &[1, 2],
        ),
    ];
    let t = ts(date(2026, 10, 20), 0);
    material::Entity::insert_many(list.iter().map(|(title, kind, language, url, published, _)| {
        material::ActiveModel {
            title: Set((*title).into()),
            search_title: Set(fold(title)),
            kind: Set(*kind),
            language: Set((*language).into()),
            description: Set(None),
            url: Set(Some((*url).into())),
            attachment_id: Set(None),
            is_published: Set(*published),
            created_at: Set(t),
            updated_at: Set(t),
            ..Default::default()
        }
    }))
    .exec(db)
    .await?;
    let materials = ids::<material::Entity, _>(db).await?;
    let tags = materials.iter().zip(list).flat_map(|(m, (.., places))| {
        places
            .iter()
            .map(|p| material_sector::ActiveModel { material_id: Set(*m), sector_id: Set(sectors[*p % sectors.len()]) })
    });
    material_sector::Entity::insert_many(tags).exec(db).await?;
    // 40 handed over in November: staff in person, by e-mail and by post, and
    // partners passing the published ones on.
    let channels = [DistributionChannel::InPerson, DistributionChannel::Email, DistributionChannel::Post];
    let rows = (0..40usize).map(|i| {
        let by_partner = i % 4 == 3;
        material_distribution::ActiveModel {
            material_id: Set(materials[i % 4]),
            enterprise_id: Set((!by_partner).then(|| enterprises[(i * 7) % enterprises.len()])),
            enterprise_name: Set(by_partner.then(|| format!("{}客商{}", CN_PREFIXES[i % CN_PREFIXES.len()], i))),
            event_id: Set(None),
            channel: Set(if by_partner { DistributionChannel::Partner } else { channels[i % channels.len()] }),
            distributed_on: Set(date(2026, 11, 1) + Duration::days((i % 25) as i64)),
            staff_member_id: Set(None),
            partner_id: Set(by_partner.then(|| partners[i % partners.len()])),
            recorded_by_key_id: Set(None),
            created_at: Set(ts(date(2026, 11, 1) + Duration::days((i % 25) as i64), i as i64)),
            ..Default::default()
        }
    });
    material_distribution::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}
