//! GraphQL enums mirroring the domain's vocabularies.

use async_graphql::Enum;

/// Who a key speaks for.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::enums::Role")]
pub enum Role {
    /// The promotion office: everything, including partners, keys and the audit log.
    Admin,
    /// Department staff: everything but partner and key administration.
    Staff,
    /// A partner organisation: the public catalogue and its own leads.
    Partner,
    /// No key: the published catalogue.
    Public,
}

/// A project's stage in the pipeline.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::enums::ProjectStage")]
pub enum ProjectStage {
    /// 线索: a tip, nobody contacted yet.
    Lead,
    /// 接洽/走访: first contact or visit made.
    Contacted,
    /// 在谈: under negotiation.
    Negotiating,
    /// 签约: a primary agreement is signed.
    Signed,
    /// 注册: the investing company is registered.
    Registered,
    /// 开工: construction has started.
    UnderConstruction,
    /// 投产: in production.
    InProduction,
    /// Stalled; may return to the stage it came from.
    Stalled,
    /// Lost; may return to the stage it came from.
    Lost,
}

/// The kind of a signed agreement.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::enums::AgreementKind")]
pub enum AgreementKind {
    /// 合同: a binding contract.
    Contract,
    /// 协议: a framework or intent agreement.
    Framework,
}

/// The kind of a policy incentive.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::enums::IncentiveKind")]
pub enum IncentiveKind {
    /// Tax reduction.
    TaxReduction,
    /// Land supply.
    LandSupply,
    /// Subsidy or reward.
    Subsidy,
    /// Fee waiver.
    FeeWaiver,
    /// Talent support.
    Talent,
    /// Financing support.
    Financing,
}

/// The kind of a promotion event.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::enums::EventKind")]
pub enum EventKind {
    /// 专题推介会: a thematic promotion conference.
    PromotionConference,
    /// 企业家座谈会: an entrepreneur symposium.
    EntrepreneurSymposium,
    /// 线上推介: an online promotion.
    OnlinePromotion,
    /// 视频洽谈: a video negotiation.
    VideoNegotiation,
    /// 拜访: a visit.
    Visit,
}

/// Where a partner's lead stands.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::enums::LeadStatus")]
pub enum LeadStatus {
    /// Submitted, not yet looked at.
    Submitted,
    /// Being reviewed by staff.
    UnderReview,
    /// Accepted by the office.
    Accepted,
    /// Rejected; `reason` says why.
    Rejected,
    /// The enterprise is already known or already submitted.
    Duplicate,
    /// Withdrawn by its partner.
    Withdrawn,
}

/// The kind of a partner organisation.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::enums::PartnerKind")]
pub enum PartnerKind {
    /// 行业协会: an industry association.
    IndustryAssociation,
    /// 专业招商机构: a professional promotion agency.
    PromotionAgency,
}

/// The city's priority for an enterprise.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::enums::Priority")]
pub enum Priority {
    /// Highest priority.
    A,
    /// Normal priority.
    B,
    /// Low priority.
    C,
}

/// The size of an enterprise.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::enums::EnterpriseSize")]
pub enum EnterpriseSize {
    /// Large.
    Large,
    /// Medium.
    Medium,
    /// Small.
    Small,
    /// Micro.
    Micro,
}

/// Where the city stands with an enterprise.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "entity::enums::EnterpriseStatus")]
pub enum EnterpriseStatus {
    /// Courted, no project yet.
    Prospect,
    /// In talks on at least one project.
    Engaged,
    /// Has signed at least one project.
    Invested,
    /// No activity.
    Dormant,
}
