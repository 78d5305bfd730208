//! Builders that arrange a test's world through the services, so that every
//! row they make obeys the same rules (and leaves the same audit trail) as
//! one made over the API. Each returns the row the service answered with.

use api::auth::Principal;
use api::domain::money::Money;
use api::service::campaign::CampaignFields;
use api::service::enterprise::EnterpriseFields;
use api::service::project::ProjectFields;
use api::service::write::{Actor, Patch, WriteError};
use entity::enums::{AgreementKind, EnterpriseStatus, PartnerKind, Priority, ProjectStage, Role};
use entity::{agreement, campaign, enterprise, partner, project, sector};
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
        let principal = Principal { role: Role::Admin, partner_id: None, key_id: None, expires_at: None };
        Build { db, actor: Actor { principal, request_id: None } }
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
}
