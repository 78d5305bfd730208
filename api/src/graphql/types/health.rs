//! `ProjectHealth` (项目体检) and its vocabularies.

use async_graphql::{Enum, SimpleObject};

/// How a project is doing.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::service::health::Level")]
pub enum HealthLevel {
    /// No rule broken.
    Green,
    /// A rule to watch broken: funds slow to arrive, no follow-up, stalled.
    Amber,
    /// A rule to act on broken (督办).
    Red,
}

/// A rule of project health broken; the thresholds are the service's
/// configuration (`ZHAOSHANG_HEALTH_*`, defaults shown).
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::service::health::Reason")]
pub enum HealthReason {
    /// RED: its primary agreement was signed 365 days or more ago and
    /// construction has not started.
    SignedNotStarted,
    /// RED: under construction for 90 days or more with no capital arrival in
    /// the last 90 days.
    NoCapitalAfterStart,
    /// RED: one of its service requests is overdue.
    OverdueRequests,
    /// AMBER: construction started 180 days or more ago and under 15% of its
    /// agreements' total investment has arrived.
    LowFundsInPlace,
    /// AMBER: neither a follow-up nor a stage change for 30 days (not for LOST
    /// or IN_PRODUCTION projects).
    NoFollowUp,
    /// AMBER: paused at STALLED.
    Stalled,
}

/// A project's health: the level is the worst reason's, GREEN with none.
#[derive(SimpleObject)]
pub struct ProjectHealth {
    /// The worst level among the reasons.
    pub level: HealthLevel,
    /// The rules it breaks, most serious first.
    pub reasons: Vec<HealthReason>,
}
