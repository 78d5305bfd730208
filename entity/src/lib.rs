//! sea-orm entities, one per table. Money columns hold integer fen (`*_fen`);
//! the API converts them to and from `Decimal` yuan at its edge.

pub mod enums;
pub mod text;

pub mod agreement;
pub mod agreement_incentive;
pub mod api_key;
pub mod attachment;
pub mod audit_log;
pub mod campaign;
pub mod campaign_sector;
pub mod capital_arrival;
pub mod department;
pub mod domain_event;
pub mod enterprise;
pub mod event;
pub mod event_participant;
pub mod follow_up;
pub mod follow_up_staff;
pub mod idempotency_key;
pub mod incentive;
pub mod incentive_sector;
pub mod lead;
pub mod material;
pub mod material_distribution;
pub mod material_sector;
pub mod park;
pub mod park_sector;
pub mod partner;
pub mod project;
pub mod project_stage_change;
pub mod quota;
pub mod sector;
pub mod service_request;
pub mod service_request_change;
pub mod staff_member;
pub mod webhook;
pub mod webhook_delivery;

pub use sea_orm;
