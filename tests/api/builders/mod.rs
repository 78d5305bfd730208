//! Builders that arrange a test's world through the services, so that every
//! row they make obeys the same rules (and leaves the same audit trail) as
//! one made over the API. Each returns the row the service answered with.

use api::auth::Principal;
use api::domain::money::Money;
use api::service::campaign::CampaignFields;
use api::service::enterprise::EnterpriseFields;
use api::service::incentive::IncentiveFields;
use api::service::lead::{ConvertLead, Deadlines, Decision, ReviewLead, SubmitLead};
use api::service::project::ProjectFields;
use api::service::write::{Actor, Change, Patch, WriteError};
use entity::enums::{
    AgreementKind, EnterpriseStatus, EventKind, IncentiveKind, PartnerKind, Priority, ProjectStage, Role,
};
use entity::{agreement, campaign, department, enterprise, event, incentive, lead, partner, project, sector};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};

/// What a builder sets up, acting as an admin of the office.
pub struct Build<'a> {
    db: &'a DatabaseConnection,
    actor: Actor,
}

fn done<T>(what: &str, result: Result<T, WriteError>) -> T {
    result.unwrap_or_else(|e| panic!("building {what}: {e:?}"))
}

fn yuan(amount: &str) -> Money {
    Money::parse(amount).unwrap_or_else(|e| panic!("{amount}: {e}"))
}

impl<'a> Build<'a> {
    pub fn new(db: &'a DatabaseConnection) -> Self {
        let principal =
            Principal { role: Role::Admin, partner_id: None, key_id: None, staff_member_id: None, expires_at: None };
        Build { db, actor: Actor { principal, request_id: None, via: None } }
    }

    /// An active campaign over `starts..=ends` (`YYYY-MM-DD`) with targets of
    /// `agreements`, `investment` and `foreign` yuan.
    pub async fn campaign(
        &self,
        name: &str,
        (starts, ends): (&str, &str),
        (agreements, investment, foreign): (i32, &str, &str),
    ) -> campaign::Model {
        let fields = CampaignFields {
            name: Some(name.into()),
            region: Some("长三角".into()),
            starts_on: Some(starts.parse().expect("date")),
            ends_on: Some(ends.parse().expect("date")),
            target_agreements: Some(agreements),
            target_investment: Some(yuan(investment)),
            target_foreign_capital: Some(yuan(foreign)),
            is_active: Some(true),
            sector_ids: None,
        };
        done("a campaign", api::service::campaign::create_campaign(self.db, &self.actor, fields, None).await)
    }

    /// A target enterprise being courted (ENGAGED, priority A), with a contact.
    pub async fn enterprise(&self, name: &str, country: &str) -> enterprise::Model {
        let fields = EnterpriseFields {
            name: Some(name.into()),
            country: Some(country.into()),
            is_foreign_invested: Some(country != "CN"),
            priority: Some(Priority::A),
            status: Some(EnterpriseStatus::Engaged),
            contact_name: Patch::Set("张伟".into()),
            contact_phone: Patch::Set("+86 21 5555 0000".into()),
            contact_email: Patch::Set("zhang@example.com".into()),
            notes: Patch::Set("internal".into()),
            ..Default::default()
        };
        done("an enterprise", api::service::enterprise::create_enterprise(self.db, &self.actor, fields, None).await)
    }

    /// A project of the first sector planning `planned` yuan, moved on to NEGOTIATING.
    pub async fn project(
        &self,
        name: &str,
        planned: &str,
        enterprise: Option<i64>,
        campaign: Option<i64>,
        published: bool,
    ) -> project::Model {
        let sector = sector::Entity::find().order_by_asc(sector::Column::Id).one(self.db).await;
        let sector = sector.expect("sectors").expect("the default sectors");
        let fields = ProjectFields {
            name: Some(name.into()),
            sector_id: Some(sector.id),
            planned_investment: Some(yuan(planned)),
            enterprise_id: enterprise.into(),
            campaign_id: campaign.into(),
            responsible_person: Patch::Set("王海涛".into()),
            is_published: Some(published),
            notes: Patch::Set("internal".into()),
            ..Default::default()
        };
        let p = done("a project", api::service::project::create_project(self.db, &self.actor, fields, None).await);
        let moved = api::service::project::move_stage(self.db, &self.actor, p.id, ProjectStage::Negotiating, None);
        done("a project's stage", moved.await)
    }

    /// An agreement of `project` counted for `campaign`, of `total` and
    /// `foreign` yuan; `increase` makes it a capital increase.
    pub async fn agreement(
        &self,
        project: i64,
        campaign: i64,
        kind: AgreementKind,
        signed_on: &str,
        (total, foreign): (&str, &str),
        increase: bool,
    ) -> agreement::Model {
        let cmd = api::service::agreement::RecordAgreement {
            project_id: project,
            kind,
            signed_on: signed_on.parse().expect("date"),
            total_investment: yuan(total),
            foreign_capital: yuan(foreign),
            campaign_id: Some(campaign),
            event_id: None,
            is_increase: increase,
            incentive_ids: Vec::new(),
        };
        done("an agreement", api::service::agreement::record_agreement(self.db, &self.actor, cmd, None).await)
    }

    /// An active industry association.
    pub async fn partner(&self, name: &str) -> partner::Model {
        let created = api::service::partner::create_partner(
            self.db,
            &self.actor,
            name.into(),
            PartnerKind::IndustryAssociation,
            None,
        );
        done("a partner", created.await)
    }

    pub async fn department(&self, name: &str) -> department::Model {
        let created = api::service::department::create_department(self.db, &self.actor, name.into(), None);
        done("a department", created.await)
    }

    /// `department`'s quota in `campaign` (of `person`, when not empty).
    pub async fn quota(&self, campaign: i64, department: i64, person: &str, agreements: i32, investment: &str) {
        let cmd = api::service::quota::SetQuota {
            campaign_id: campaign,
            department_id: department,
            person: person.into(),
            staff_member_id: None,
            target_agreements: agreements,
            target_investment: yuan(investment),
            target_foreign_capital: Money::ZERO,
        };
        done("a quota", api::service::quota::set_quota(self.db, &self.actor, cmd).await);
    }

    /// Assigns a project to `department` and `person`, and moves it on to
    /// `stage` when it is not there yet.
    pub async fn assign(&self, project: i64, department: Option<i64>, person: Option<&str>, stage: ProjectStage) {
        let fields = ProjectFields {
            department_id: department.map_or(Patch::Clear, Patch::Set),
            responsible_person: person.map_or(Patch::Clear, |p| Patch::Set(p.into())),
            ..Default::default()
        };
        let change = Change { id: project, expected_updated_at: None, fields };
        let p = done("a project's owner", api::service::project::update_project(self.db, &self.actor, change).await);
        if p.stage != stage {
            let moved = api::service::project::move_stage(self.db, &self.actor, project, stage, None);
            done("a project's stage", moved.await);
        }
    }

    /// Capital paid in for a signed project.
    pub async fn arrival(&self, project: i64, arrived_on: &str, amount: &str) {
        let cmd = api::service::capital_arrival::RecordArrival {
            project_id: project,
            arrived_on: arrived_on.parse().expect("date"),
            amount: yuan(amount),
        };
        done("an arrival", api::service::capital_arrival::record_arrival(self.db, &self.actor, cmd, None).await);
    }

    /// A promotion conference of `campaign`.
    pub async fn event(&self, campaign: i64, title: &str, held_on: &str) -> event::Model {
        let cmd = api::service::promotion_event::CreateEvent {
            campaign_id: Some(campaign),
            title: title.into(),
            kind: EventKind::PromotionConference,
            held_on: held_on.parse().expect("date"),
            place: None,
            link: None,
            participant_ids: Vec::new(),
        };
        done("an event", api::service::promotion_event::create_event(self.db, &self.actor, cmd, None).await)
    }

    /// A subsidy issued by the city's finance bureau.
    pub async fn incentive(&self, title: &str, published: bool) -> incentive::Model {
        let fields = IncentiveFields {
            title: Some(title.into()),
            kind: Some(IncentiveKind::Subsidy),
            issuer: Some("市财政局".into()),
            is_published: Some(published),
            ..Default::default()
        };
        done("an incentive", api::service::incentive::create_incentive(self.db, &self.actor, fields, None).await)
    }

    /// A lead `partner` submitted for a Chinese company, then reviewed by the
    /// office with `decision` (None leaves it SUBMITTED).
    pub async fn lead(&self, partner: i64, name: &str, decision: Option<Decision>) -> lead::Model {
        let principal = Principal {
            role: Role::Partner,
            partner_id: Some(partner),
            key_id: None,
            staff_member_id: None,
            expires_at: None,
        };
        let submitter = Actor { principal, request_id: None, via: None };
        let cmd = SubmitLead {
            enterprise_name: name.into(),
            uscc: None,
            country: "CN".into(),
            sector_id: None,
            contact_name: Some("周明".into()),
            contact_phone: None,
            contact_email: None,
            estimated_investment: Some(yuan("300000000")),
            description: None,
        };
        let key = format!("k-{name}");
        let deadlines = Deadlines::from(chrono::Utc::now().date_naive(), (1, 3, 7));
        let lead = done("a lead", api::service::lead::submit(self.db, &submitter, cmd, &key, deadlines).await);
        let Some(decision) = decision else { return lead };
        let review = |decision| ReviewLead {
            lead_id: lead.id,
            decision,
            reason: (decision == Decision::Reject).then(|| "不符合产业导向".into()),
            internal_note: Some("staff only".into()),
            duplicate_of: (None, None),
            today: chrono::Utc::now().date_naive(),
        };
        done("a review", api::service::lead::review(self.db, &self.actor, review(Decision::StartReview)).await);
        done("a decision", api::service::lead::review(self.db, &self.actor, review(decision)).await)
    }

    /// Converts an accepted lead into a project of the first sector, worked
    /// under `campaign`.
    pub async fn convert(&self, lead: i64, project_name: &str, campaign: Option<i64>) -> project::Model {
        let sector = sector::Entity::find().order_by_asc(sector::Column::Id).one(self.db).await;
        let cmd = ConvertLead {
            lead_id: lead,
            enterprise_id: None,
            project_name: project_name.into(),
            sector_id: Some(sector.expect("sectors").expect("the default sectors").id),
            department_id: None,
            campaign_id: campaign,
            responsible_person: None,
            responsible_staff_id: None,
        };
        done("a conversion", api::service::lead::convert(self.db, &self.actor, cmd).await).1
    }
}
