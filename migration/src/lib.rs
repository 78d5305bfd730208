//! Database migrations. Append-only: a migration that has landed is never edited;
//! a change to the schema is a new file. The same migrations serve SQLite and
//! PostgreSQL. Migrations never import entities, so that a later change to an
//! entity cannot change what an old migration does.

pub use sea_orm_migration::prelude::*;

mod m20261126_000001_initial;
mod m20261126_000002_default_sectors;
mod m20261126_000003_events_webhooks;
mod m20261126_000004_search_indexes;
mod m20261130_000005_enterprise_website;
mod m20261130_000006_staff_members;
mod m20261130_000007_service_requests;
mod m20261130_000008_follow_ups;
mod m20261130_000009_lead_assignment;
mod m20261206_000010_responsible_staff;
pub mod m20261206_000011_campaign_totals;
mod m20261206_000012_project_health;
mod m20261207_000013_unicode_fold;
mod m20261207_000014_investment_map;
mod m20261207_000015_files_and_materials;
mod support;

pub use m20261126_000002_default_sectors::DEFAULT_SECTORS;
pub use m20261206_000011_campaign_totals as campaign_totals;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_initial::Migration),
            Box::new(m20261126_000002_default_sectors::Migration),
            Box::new(m20261126_000003_events_webhooks::Migration),
            Box::new(m20261126_000004_search_indexes::Migration),
            Box::new(m20261130_000005_enterprise_website::Migration),
            Box::new(m20261130_000006_staff_members::Migration),
            Box::new(m20261130_000007_service_requests::Migration),
            Box::new(m20261130_000008_follow_ups::Migration),
            Box::new(m20261130_000009_lead_assignment::Migration),
            Box::new(m20261206_000010_responsible_staff::Migration),
            Box::new(m20261206_000011_campaign_totals::Migration),
            Box::new(m20261206_000012_project_health::Migration),
            Box::new(m20261207_000013_unicode_fold::Migration),
            Box::new(m20261207_000014_investment_map::Migration),
            Box::new(m20261207_000015_files_and_materials::Migration),
        ]
    }
}
