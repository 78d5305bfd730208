//! Why a command was refused, in the domain's terms and without words: each
//! [`Problem`] names the rule that failed; its code is the API's `UserErrorCode`
//! and its wording (zh, en) lives in one catalogue, `crate::messages`.
//!
//! A refusal is a list of [`UserError`]s, each at the path of the command field
//! it concerns, written as the command's own field names (`sector_id`,
//! `contact.email`, `leads.3.uscc`); the GraphQL layer names them as the schema does.

use super::geo::GeoError;
use super::money::MoneyError;
use super::uscc::UsccError;

/// The closed catalogue of user-error codes (api-contract.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserErrorCode {
    Required,
    InvalidFormat,
    OutOfRange,
    NotFound,
    AlreadyExists,
    AlreadySigned,
    ForbiddenTransition,
    Stale,
    IdempotencyConflict,
    NoCampaign,
}

impl UserErrorCode {
    /// The code as the API spells it: `ALREADY_SIGNED`.
    pub fn as_str(self) -> &'static str {
        match self {
            UserErrorCode::Required => "REQUIRED",
            UserErrorCode::InvalidFormat => "INVALID_FORMAT",
            UserErrorCode::OutOfRange => "OUT_OF_RANGE",
            UserErrorCode::NotFound => "NOT_FOUND",
            UserErrorCode::AlreadyExists => "ALREADY_EXISTS",
            UserErrorCode::AlreadySigned => "ALREADY_SIGNED",
            UserErrorCode::ForbiddenTransition => "FORBIDDEN_TRANSITION",
            UserErrorCode::Stale => "STALE",
            UserErrorCode::IdempotencyConflict => "IDEMPOTENCY_CONFLICT",
            UserErrorCode::NoCampaign => "NO_CAMPAIGN",
        }
    }
}

/// The kinds of object a command may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Noun {
    Sector,
    Park,
    Department,
    Campaign,
    Enterprise,
    Project,
    Agreement,
    Event,
    Incentive,
    Partner,
    Lead,
    ApiKey,
    Webhook,
    StaffMember,
    ServiceRequest,
    Attachment,
    Material,
    /// A project, agreement, lead or service request a file is attached to.
    AttachmentParent,
    /// A duplicate's original: a lead or an enterprise.
    LeadOrEnterprise,
}

/// Why a webhook target is refused. A client hears which kind, never the
/// addresses a host resolved to, which would map the city's network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetRefused {
    NoHost,
    /// Not resolvable, or resolving to a forbidden address: one answer for
    /// both, since which internal names exist is not the partner's to learn.
    NotAllowed,
}

/// One rule a command broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    // REQUIRED
    /// A required field is missing or empty.
    Required,
    /// Rejecting a lead needs a reason.
    ReasonRequired,
    /// A PARTNER key needs its partner.
    PartnerRequired,
    /// Converting a lead that names no sector needs one.
    SectorRequired,
    /// A webhook needs at least one event.
    EventsRequired,

    // INVALID_FORMAT
    /// A control or bidirectional-override character.
    ForbiddenCharacter,
    /// An amount that does not parse, or has more than two decimals.
    Money(MoneyError),
    /// A USCC whose length, characters or check character is wrong.
    Uscc(UsccError),
    /// A USCC given for a company outside China.
    UsccOutsideChina,
    /// Not an ISO 3166-1 alpha-2 code.
    Country,
    /// Not an e-mail address.
    Email,
    /// A code with characters other than letters, digits and underscores.
    Code,
    /// A webhook URL that is not http(s).
    UrlScheme,
    /// A webhook URL holding a user name or password.
    UrlCredentials,
    /// A webhook target refused.
    UrlTarget(TargetRefused),
    /// Not one of a closed list's values (an imported cell); `choices` lists them.
    NotAChoice { choices: String },
    /// Not a date (an imported cell).
    NotADate,
    /// An imported file that is neither an .xlsx workbook nor a CSV file in
    /// UTF-8 or GB18030.
    Unreadable,
    /// An imported ledger without a column it needs.
    MissingColumn { header: String },
    /// A ledger that is exported only.
    NotImportable,
    /// A file whose name is not of an allowed type, or whose bytes are not
    /// what its name says; `allowed` lists the extensions accepted.
    FileType { allowed: String },
    /// A position or boundary that is not valid GeoJSON, or lies off the globe.
    Geo(GeoError),
    /// An area in 亩 that is negative, too large or has more than two decimals.
    Area,

    // OUT_OF_RANGE
    /// A text longer than `max` characters.
    TooLong { max: usize },
    /// A target below zero.
    NegativeTarget,
    /// An amount that must be above zero.
    NotPositive,
    /// An end before its start (a campaign's period, an incentive's validity,
    /// an upgrade before its signing).
    EndBeforeStart,
    /// Foreign capital above the total investment.
    ForeignAboveTotal,
    /// A time that must lie in the future.
    NotInFuture,
    /// Only PARTNER keys belong to a partner.
    PartnerOnlyForPartnerKeys,
    /// The public needs no key.
    NoKeyForPublic,
    /// Only STAFF and ADMIN keys are bound to a staff member.
    StaffOnlyForStaffKeys,
    /// The project named is not the enterprise's.
    NotTheEnterprisesProject,
    /// The assignee is not a staff member of the department named.
    AssigneeOutsideDepartment,
    /// A quota names a person both by free text and as a staff member.
    PersonAndStaffMember,
    /// A park's available land above its area.
    AvailableAboveArea,

    // NOT_FOUND
    /// A reference names nothing the caller may see.
    NotFound(Noun),

    // ALREADY_EXISTS
    /// Something of this kind with this name or code exists.
    Exists(Noun),
    /// An enterprise with this USCC exists.
    UsccTaken,

    // ALREADY_SIGNED
    /// The project has a primary agreement.
    AlreadySigned,

    // FORBIDDEN_TRANSITION
    /// A stage move the pipeline forbids, by the stages' API names.
    Stage { from: String, to: String },
    /// SIGNED is reached by recording an agreement only.
    SignedByAgreementOnly,
    /// The project's stage does not allow signing.
    StageCannotSign,
    /// An increase before any primary agreement.
    IncreaseWithoutPrimary,
    /// Capital arrives for signed projects only.
    NotSigned,
    /// Only a framework agreement can be upgraded.
    NotFramework,
    /// A lead decision its status does not allow, by the status's API name.
    LeadDecision { status: String },
    /// Only a submitted or under-review lead can be withdrawn.
    LeadNotWithdrawable,
    /// Only an accepted lead not yet converted can be converted.
    LeadNotConvertible,
    /// The partner is deactivated.
    PartnerInactive,
    /// The key is revoked.
    KeyRevoked,
    /// The staff member is inactive.
    StaffInactive,
    /// A service request step its status does not allow, by the status's API name.
    RequestStatus { status: String },
    /// The file is attached already.
    AlreadyAttached,
    /// A material uses the file: change the material's file first.
    FileInUse,

    // STALE
    /// The object changed since `expectedUpdatedAt`.
    Stale,

    // IDEMPOTENCY_CONFLICT
    /// The idempotency key was used with other content.
    IdempotencyConflict,

    // NO_CAMPAIGN
    /// No single active campaign contains the signing date; `ambiguous` when
    /// several do.
    NoCampaign { ambiguous: bool },
}

impl Problem {
    /// The code scripts rely on.
    pub fn code(&self) -> UserErrorCode {
        use Problem::*;
        use UserErrorCode as C;
        match self {
            Required | ReasonRequired | PartnerRequired | SectorRequired | EventsRequired | MissingColumn { .. } => {
                C::Required
            }
            ForbiddenCharacter
            | Uscc(_)
            | UsccOutsideChina
            | Country
            | Email
            | Code
            | UrlScheme
            | UrlCredentials
            | UrlTarget(_)
            | NotAChoice { .. }
            | NotADate
            | Unreadable
            | NotImportable
            | FileType { .. }
            | Geo(GeoError::NotAPolygon | GeoError::BadPosition | GeoError::BadRing)
            | Area => C::InvalidFormat,
            Geo(GeoError::OutOfRange | GeoError::TooLarge) => C::OutOfRange,
            Money(MoneyError::Syntax | MoneyError::TooPrecise) => C::InvalidFormat,
            Money(MoneyError::Negative | MoneyError::TooLarge) => C::OutOfRange,
            TooLong { .. }
            | NegativeTarget
            | NotPositive
            | EndBeforeStart
            | ForeignAboveTotal
            | NotInFuture
            | PartnerOnlyForPartnerKeys
            | NoKeyForPublic
            | StaffOnlyForStaffKeys
            | NotTheEnterprisesProject
            | AssigneeOutsideDepartment
            | PersonAndStaffMember
            | AvailableAboveArea => C::OutOfRange,
            NotFound(_) => C::NotFound,
            Exists(_) | UsccTaken => C::AlreadyExists,
            AlreadySigned => C::AlreadySigned,
            Stage { .. }
            | SignedByAgreementOnly
            | StageCannotSign
            | IncreaseWithoutPrimary
            | NotSigned
            | NotFramework
            | LeadDecision { .. }
            | LeadNotWithdrawable
            | LeadNotConvertible
            | PartnerInactive
            | KeyRevoked
            | StaffInactive
            | RequestStatus { .. }
            | AlreadyAttached
            | FileInUse => C::ForbiddenTransition,
            Stale => C::Stale,
            IdempotencyConflict => C::IdempotencyConflict,
            NoCampaign { .. } => C::NoCampaign,
        }
    }
}

/// A problem at a field: its path within the command, and the rule broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    pub field: Vec<String>,
    pub problem: Problem,
}

impl UserError {
    /// A problem at `field`, a dotted path of the command's field names
    /// (`contact.email` is a nested one).
    pub fn at(field: &str, problem: Problem) -> Self {
        UserError { field: path(field), problem }
    }

    pub fn code(&self) -> UserErrorCode {
        self.problem.code()
    }
}

/// A dotted field path as its segments.
pub fn path(field: &str) -> Vec<String> {
    field.split('.').map(str::to_owned).collect()
}
