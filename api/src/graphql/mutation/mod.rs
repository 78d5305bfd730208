//! The root `Mutation`: one `input:` argument each, answering a payload with
//! the object, the echoed `clientMutationId`, and `userErrors`.

use async_graphql::{Context, Enum, ErrorExtensions, ID, MergedObject, SimpleObject};

use super::context::{Ctx, Language, to_gql};
use super::ids;
use crate::service::refs::IdRef;
use crate::service::write::{self, Checks, MAX_NAME, WriteError, WriteResult};

mod campaign;
mod catalog;
mod incentive;
mod leads;
mod partner;
mod pipeline;
mod promotion_event;

/// The root of every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    leads::LeadMutation,
    pipeline::PipelineMutation,
    campaign::CampaignMutation,
    catalog::CatalogMutation,
    promotion_event::PromotionEventMutation,
    incentive::IncentiveMutation,
    partner::PartnerMutation,
    super::webhooks::WebhookMutation,
);

/// Why an input was refused: scripts rely on `code` and `field`, never on `message`.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "write::UserErrorCode")]
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

/// A reference as given: the decoded row id, and whether anything was given.
pub fn id_ref(id: &Option<ID>, type_name: &str) -> IdRef {
    (id.as_ref().and_then(|i| ids::decode_as(i, type_name)), id.is_some())
}

/// Who may call a mutation, checked before its input is.
#[derive(Clone, Copy)]
pub enum Need {
    Partner,
    Staff,
    Admin,
}

/// A top-level FORBIDDEN error unless the caller has the role `level` needs.
pub fn need(ctx: &Context<'_>, level: Need) -> async_graphql::Result<()> {
    let p = ctx.principal();
    let ok = match level {
        Need::Partner => p.partner().is_some(),
        Need::Staff => p.is_staff(),
        Need::Admin => p.is_admin(),
    };
    if ok { Ok(()) } else { Err(forbidden()) }
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
            let english = ctx.request().language == Language::English;
            Ok((
                None,
                errors
                    .into_iter()
                    .map(|e| UserError {
                        field: Some(path.iter().cloned().chain(e.field).collect()),
                        message: if english { e.en } else { e.zh },
                        code: e.code.into(),
                    })
                    .collect(),
            ))
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

/// Decodes a list of ids of one type: the row ids, and whether any did not decode.
pub(super) fn id_list(ids: Option<Vec<ID>>, type_name: &str) -> (Option<Vec<i64>>, bool) {
    match ids {
        None => (None, false),
        Some(list) => {
            let refs: Vec<_> = list.iter().map(|i| id_ref(&Some(i.clone()), type_name).0).collect();
            let bad = refs.iter().any(Option::is_none);
            (Some(refs.into_iter().flatten().collect()), bad)
        }
    }
}

pub(super) fn key(c: &mut Checks, key: &Option<String>) -> Option<String> {
    key.as_deref().map(|k| c.text("idempotencyKey", k, MAX_NAME))
}

pub(super) fn target(c: &mut Checks, field: &str, n: Option<i32>) -> Option<i32> {
    if n.is_some_and(|n| n < 0) {
        c.add(field, crate::service::write::UserErrorCode::OutOfRange, "目标不能为负数", "a target cannot be negative");
    }
    n
}
