//! The root `Mutation`: one `input:` argument each, answering a payload with
//! the object, the echoed `clientMutationId`, and `userErrors`.

use async_graphql::{Context, Enum, ErrorExtensions, ID, MaybeUndefined, MergedObject, SimpleObject};

use super::context::{Ctx, to_gql};
use super::ids;
use crate::messages;
use crate::service::write::{self, Checks, Noun, Patch, Problem, WriteError, WriteResult};

mod agreement;
mod campaign;
mod catalog;
mod enterprise;
mod file;
mod follow_up;
mod incentive;
mod leads;
mod ledger;
mod material;
mod partner;
mod project;
mod promotion_event;
mod service_request;
mod staff_member;

/// The root of every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    leads::LeadMutation,
    enterprise::EnterpriseMutation,
    project::ProjectMutation,
    agreement::AgreementMutation,
    campaign::CampaignMutation,
    catalog::CatalogMutation,
    promotion_event::PromotionEventMutation,
    incentive::IncentiveMutation,
    partner::PartnerMutation,
    staff_member::StaffMemberMutation,
    service_request::ServiceRequestMutation,
    follow_up::FollowUpMutation,
    ledger::LedgerMutation,
    file::FileMutation,
    material::MaterialMutation,
    super::webhooks::WebhookMutation,
);

/// Why an input was refused: scripts rely on `code` and `field`, never on `message`.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "crate::domain::problem::UserErrorCode")]
pub enum UserErrorCode {
    /// A required field is missing or empty.
    Required,
    /// A USCC check character, a country code or an amount's syntax is wrong.
    InvalidFormat,
    /// A negative amount, an end before a start, a text too long.
    OutOfRange,
    /// A reference names nothing the caller may see.
    NotFound,
    /// Something with this name or code exists.
    AlreadyExists,
    /// The project has a primary agreement already.
    AlreadySigned,
    /// A stage or status move the rules forbid.
    ForbiddenTransition,
    /// The object changed since `expectedUpdatedAt`.
    Stale,
    /// The idempotency key was used with other content.
    IdempotencyConflict,
    /// No single active campaign contains the signing date, and none was named.
    NoCampaign,
}

/// A problem with a mutation's input; nothing was written.
#[derive(SimpleObject, Clone)]
pub struct UserError {
    /// The path to the field from the mutation's arguments, e.g. `["input", "uscc"]`.
    pub field: Option<Vec<String>>,
    /// What is wrong, in Simplified Chinese (English with `Accept-Language: en`).
    pub message: String,
    /// What is wrong, for scripts.
    pub code: UserErrorCode,
}

/// Declares `<Mutation>Payload { clientMutationId <object> userErrors }`.
macro_rules! payload {
    ($name:ident, $field:ident : $ty:ty, $doc:literal) => {
        #[doc = $doc]
        #[derive(async_graphql::SimpleObject)]
        pub struct $name {
            #[doc = "The client's own id for this mutation, echoed."]
            pub client_mutation_id: Option<String>,
            #[doc = "The object; null when the input was refused."]
            pub $field: Option<$ty>,
            #[doc = "What was wrong with the input; empty on success."]
            pub user_errors: Vec<$crate::graphql::mutation::UserError>,
        }
    };
}
pub(crate) use payload;

static INPUT: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| vec!["input".to_owned()]);

/// The path of the mutation's `input` argument.
pub fn input_path() -> &'static [String] {
    &INPUT
}

/// The GraphQL type whose global ids name a `noun`.
fn type_name(noun: Noun) -> &'static str {
    match noun {
        Noun::Sector => "Sector",
        Noun::Park => "Park",
        Noun::Department => "Department",
        Noun::Campaign => "Campaign",
        Noun::Enterprise => "Enterprise",
        Noun::Project => "Project",
        Noun::Agreement => "Agreement",
        Noun::Event => "Event",
        Noun::Incentive => "Incentive",
        Noun::Partner => "Partner",
        Noun::Lead => "Lead",
        Noun::ApiKey => "ApiKey",
        Noun::Webhook => "Webhook",
        Noun::StaffMember => "StaffMember",
        Noun::ServiceRequest => "ServiceRequest",
        Noun::Attachment => "Attachment",
        Noun::Material => "Material",
        // Decoded by its own type (see `attachFile`).
        Noun::AttachmentParent => "Project",
        Noun::LeadOrEnterprise => "Lead",
    }
}

/// Global ids decoded as part of an input's checks: an id that is not one of
/// the type expected names nothing, NOT_FOUND at its field.
pub trait Ids {
    fn id(&mut self, field: &str, id: &ID, noun: Noun) -> i64;
    fn optional_id(&mut self, field: &str, id: &Option<ID>, noun: Noun) -> Option<i64>;
    fn ids(&mut self, field: &str, ids: &Option<Vec<ID>>, noun: Noun) -> Option<Vec<i64>>;
}

impl Ids for Checks {
    fn id(&mut self, field: &str, id: &ID, noun: Noun) -> i64 {
        ids::decode_as(id, type_name(noun)).unwrap_or_else(|| {
            self.add(field, Problem::NotFound(noun));
            0
        })
    }

    fn optional_id(&mut self, field: &str, id: &Option<ID>, noun: Noun) -> Option<i64> {
        id.as_ref().map(|i| self.id(field, i, noun))
    }

    fn ids(&mut self, field: &str, ids: &Option<Vec<ID>>, noun: Noun) -> Option<Vec<i64>> {
        let list = ids.as_ref()?;
        let decoded: Vec<i64> = list.iter().filter_map(|i| ids::decode_as(i, type_name(noun))).collect();
        if decoded.len() != list.len() {
            self.add(field, Problem::NotFound(noun));
        }
        Some(decoded)
    }
}

/// Nullable fields of an `update*` input: absent leaves the field as it is,
/// `null` clears it (as does an empty text), a value sets it.
pub trait Patches {
    fn patch_text(&mut self, field: &str, value: &MaybeUndefined<String>, max: usize) -> Patch<String>;
    fn patch_email(&mut self, field: &str, value: &MaybeUndefined<String>) -> Patch<String>;
    fn patch_id(&mut self, field: &str, id: &MaybeUndefined<ID>, noun: Noun) -> Patch<i64>;
    fn patch_money(&mut self, field: &str, value: &MaybeUndefined<String>) -> Patch<crate::domain::money::Money>;
}

impl Patches for Checks {
    fn patch_text(&mut self, field: &str, value: &MaybeUndefined<String>, max: usize) -> Patch<String> {
        patch_parsed(value, |v| self.optional_text(field, Some(v), max))
    }

    fn patch_email(&mut self, field: &str, value: &MaybeUndefined<String>) -> Patch<String> {
        patch_parsed(value, |v| self.email(field, Some(v)))
    }

    fn patch_money(&mut self, field: &str, value: &MaybeUndefined<String>) -> Patch<crate::domain::money::Money> {
        match value {
            MaybeUndefined::Undefined => Patch::Keep,
            MaybeUndefined::Null => Patch::Clear,
            MaybeUndefined::Value(v) => Patch::Set(self.money(field, v)),
        }
    }

    fn patch_id(&mut self, field: &str, id: &MaybeUndefined<ID>, noun: Noun) -> Patch<i64> {
        match id {
            MaybeUndefined::Undefined => Patch::Keep,
            MaybeUndefined::Null => Patch::Clear,
            MaybeUndefined::Value(v) => Patch::Set(self.id(field, v, noun)),
        }
    }
}

/// A nullable text field of an `update*` input, checked by `parse` (which
/// answers None for an empty text, which clears the field too).
pub fn patch_parsed(value: &MaybeUndefined<String>, parse: impl FnOnce(&str) -> Option<String>) -> Patch<String> {
    match value {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(v) => parse(v).map_or(Patch::Clear, Patch::Set),
    }
}

/// A nullable field of an `update*` input checked by `parse`, which records
/// its own problems (the change is then never applied).
pub fn patch_with<G, T>(value: &MaybeUndefined<G>, parse: impl FnOnce(&G) -> Option<T>) -> Patch<T> {
    match value {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(v) => parse(v).map_or(Patch::Keep, Patch::Set),
    }
}

/// A nullable enum field of an `update*` input, as a change.
pub fn patch<G: Clone + Into<T>, T>(value: &MaybeUndefined<G>) -> Patch<T> {
    match value {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(v) => Patch::Set(v.clone().into()),
    }
}

/// Who may call a mutation, checked before its input is.
#[derive(Clone, Copy)]
pub enum Need {
    Partner,
    Staff,
    Admin,
    /// A partner for its own objects, an admin for any partner's.
    PartnerOrAdmin,
}

/// A top-level FORBIDDEN error unless the caller has the role `level` needs.
pub fn need(ctx: &Context<'_>, level: Need) -> async_graphql::Result<()> {
    let p = ctx.principal();
    let ok = match level {
        Need::Partner => p.partner().is_some(),
        Need::Staff => p.is_staff(),
        Need::Admin => p.is_admin(),
        Need::PartnerOrAdmin => p.partner().is_some() || p.is_admin(),
    };
    if ok { Ok(()) } else { Err(forbidden()) }
}

/// The file a multipart request sent for `upload`. A reference to a file the
/// request did not send (`"#__graphql_file__:3"` written in a JSON request)
/// is BAD_REQUEST.
pub fn uploaded(
    ctx: &Context<'_>,
    upload: &async_graphql::Upload,
) -> async_graphql::Result<async_graphql::UploadValue> {
    use crate::error::AppError;
    use crate::graphql::context::OrGql;
    upload
        .value(ctx)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => AppError::BadRequest(
                "the request sent no file for this upload: send it as a GraphQL multipart request".into(),
            ),
            _ => AppError::internal(e),
        })
        .gql()
}

pub fn forbidden() -> async_graphql::Error {
    async_graphql::Error::new("not allowed for this key")
        .extend_with(|_, e| e.set("code", crate::error::ErrorCode::Forbidden.as_str()))
}

/// Turns a service outcome into the payload's object and user errors; a refusal
/// of the caller is a top-level FORBIDDEN error, a fault an INTERNAL one.
pub fn settle<T, U>(
    ctx: &Context<'_>,
    result: WriteResult<T>,
    wrap: impl FnOnce(T) -> U,
) -> async_graphql::Result<(Option<U>, Vec<UserError>)> {
    settle_at(ctx, input_path(), result, wrap)
}

/// As [`settle`], with the user errors' fields (relative to the command)
/// placed under `path`, the argument the command came from.
pub fn settle_at<T, U>(
    ctx: &Context<'_>,
    path: &[String],
    result: WriteResult<T>,
    wrap: impl FnOnce(T) -> U,
) -> async_graphql::Result<(Option<U>, Vec<UserError>)> {
    match result {
        Ok(v) => Ok((Some(wrap(v)), Vec::new())),
        Err(WriteError::User(errors)) => {
            let language = ctx.request().language;
            Ok((None, errors.into_iter().map(|e| user_error(path, e, language)).collect()))
        }
        Err(WriteError::Forbidden) => Err(forbidden()),
        Err(WriteError::App(e)) => Err(to_gql(&e)),
    }
}

/// Runs the service call only when the input passed its checks.
pub async fn checked<T, F>(checks: write::Checks, then: impl FnOnce() -> F) -> WriteResult<T>
where
    F: Future<Output = WriteResult<T>>,
{
    checks.finish()?;
    then().await
}

pub(super) fn target(c: &mut Checks, field: &str, n: Option<i32>) -> Option<i32> {
    if n.is_some_and(|n| n < 0) {
        c.add(field, Problem::NegativeTarget);
    }
    n
}

/// A command's field name as the schema spells it: `sector_id` is `sectorId`.
fn api_name(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    let mut upper = false;
    for ch in segment.chars() {
        if ch == '_' {
            upper = true;
        } else if upper {
            out.extend(ch.to_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// A refusal as the client reads it: the field's path from the mutation's
/// arguments, the code, and the catalogue's message in the client's language.
fn user_error(path: &[String], e: write::UserError, language: messages::Language) -> UserError {
    let named: Vec<String> = e.field.iter().map(|s| api_name(s)).collect();
    let name: Vec<&str> = named.iter().map(String::as_str).filter(|s| s.parse::<usize>().is_err()).collect();
    let message = messages::user_error(&e.problem, &name.join("."), language);
    UserError { message, code: e.code().into(), field: Some(path.iter().cloned().chain(named).collect()) }
}

#[cfg(test)]
mod tests {
    use super::api_name;

    #[test]
    fn command_field_names_become_the_schemas_names() {
        assert_eq!(api_name("sector_id"), "sectorId");
        assert_eq!(api_name("is_fortune500"), "isFortune500");
        assert_eq!(api_name("plannedInvestment"), "plannedInvestment");
        assert_eq!(api_name("3"), "3");
    }
}
