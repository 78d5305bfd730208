//! Service requests (企业诉求): `openServiceRequest`, `acceptServiceRequest`,
//! `resolveServiceRequest`, `closeServiceRequest`, `reassignServiceRequest`
//! (staff). A step the status does not allow is `FORBIDDEN_TRANSITION`.

use async_graphql::{Context, ID, InputObject, Object, Result};

use super::{Ids, Need, checked, need, payload, settle};
use crate::graphql::context::Ctx;
use crate::graphql::scalars::Date;
use crate::graphql::types::service_request::{Satisfaction, ServiceRequest, ServiceRequestCategory};
use crate::service::service_request::{self as service, Calendar, OpenRequest, Step};
use crate::service::write::{Checks, MAX_NAME, MAX_TEXT, Noun, WriteError};

/// A difficulty an investor meets, handed to a department.
#[derive(InputObject)]
pub struct OpenServiceRequestInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// Sending the same key again returns the first request.
    pub idempotency_key: Option<String>,
    /// The enterprise that raised it.
    pub enterprise_id: ID,
    /// The project it concerns: one of the enterprise's.
    pub project_id: Option<ID>,
    /// What kind of difficulty.
    pub category: ServiceRequestCategory,
    /// A short title.
    pub title: String,
    /// The difficulty, as the enterprise put it.
    pub description: String,
    /// The department that answers for it.
    pub department_id: ID,
    /// The staff member of that department handling it.
    pub assignee_id: Option<ID>,
    /// The day it must be resolved by; default `ZHAOSHANG_REQUEST_DUE_DAYS`
    /// (10) days from today.
    pub due_on: Option<Date>,
}

payload!(OpenServiceRequestPayload, service_request: ServiceRequest, "The answer to `openServiceRequest`.");

/// Its department takes a request up (受理): OPEN → ACCEPTED.
#[derive(InputObject)]
pub struct AcceptServiceRequestInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The request.
    pub service_request_id: ID,
    /// A note for the history.
    pub note: Option<String>,
}

payload!(AcceptServiceRequestPayload, service_request: ServiceRequest, "The answer to `acceptServiceRequest`.");

/// A request dealt with (办结): ACCEPTED → RESOLVED.
#[derive(InputObject)]
pub struct ResolveServiceRequestInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The request.
    pub service_request_id: ID,
    /// What was done.
    pub resolution: String,
}

payload!(ResolveServiceRequestPayload, service_request: ServiceRequest, "The answer to `resolveServiceRequest`.");

/// The enterprise's verdict on a resolved request: RESOLVED → CLOSED (销号),
/// or back to ACCEPTED when DISSATISFIED.
#[derive(InputObject)]
pub struct CloseServiceRequestInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The request.
    pub service_request_id: ID,
    /// The enterprise's verdict.
    pub satisfaction: Satisfaction,
    /// A note for the history.
    pub note: Option<String>,
}

payload!(CloseServiceRequestPayload, service_request: ServiceRequest, "The answer to `closeServiceRequest`.");

/// Hands a request not yet resolved to another department (or person, or due date).
#[derive(InputObject)]
pub struct ReassignServiceRequestInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The request.
    pub service_request_id: ID,
    /// The department that answers for it from now on.
    pub department_id: ID,
    /// The staff member of that department handling it.
    pub assignee_id: Option<ID>,
    /// A new due date.
    pub due_on: Option<Date>,
    /// Why, for the history.
    pub note: Option<String>,
}

payload!(
    ReassignServiceRequestPayload,
    service_request: ServiceRequest,
    "The answer to `reassignServiceRequest`."
);

impl TryFrom<&OpenServiceRequestInput> for OpenRequest {
    type Error = WriteError;

    fn try_from(input: &OpenServiceRequestInput) -> Result<Self, WriteError> {
        let mut c = Checks::new();
        let cmd = OpenRequest {
            enterprise_id: c.id("enterpriseId", &input.enterprise_id, Noun::Enterprise),
            project_id: c.optional_id("projectId", &input.project_id, Noun::Project),
            category: input.category.into(),
            title: c.text("title", &input.title, MAX_NAME),
            description: c.text("description", &input.description, MAX_TEXT),
            department_id: c.id("departmentId", &input.department_id, Noun::Department),
            assignee_id: c.optional_id("assigneeId", &input.assignee_id, Noun::StaffMember),
            due_on: input.due_on.map(|d| d.0),
        };
        c.finish().map(|()| cmd)
    }
}

/// Runs one step on the request `id` names, once its input passed its checks.
async fn take(
    ctx: &Context<'_>,
    id: &ID,
    step: impl FnOnce(&mut Checks) -> Step,
) -> Result<(Option<ServiceRequest>, Vec<super::UserError>)> {
    need(ctx, Need::Staff)?;
    let mut c = Checks::new();
    let id = c.id("serviceRequestId", id, Noun::ServiceRequest);
    let step = step(&mut c);
    let actor = ctx.request().actor();
    let result = checked(c, || service::step(ctx.db(), &actor, id, step)).await;
    settle(ctx, result, ServiceRequest)
}

#[derive(Default)]
pub struct ServiceRequestMutation;

#[Object]
impl ServiceRequestMutation {
    /// Staff record an investor's difficulty and hand it to a department.
    async fn open_service_request(
        &self,
        ctx: &Context<'_>,
        input: OpenServiceRequestInput,
    ) -> Result<OpenServiceRequestPayload> {
        need(ctx, Need::Staff)?;
        let actor = ctx.request().actor();
        let calendar = Calendar { today: ctx.state().today(), request_due_days: ctx.state().config.request_due_days };
        let result = async {
            let cmd = OpenRequest::try_from(&input)?;
            service::open(ctx.db(), &actor, cmd, calendar, input.idempotency_key.as_deref()).await
        };
        let (service_request, user_errors) = settle(ctx, result.await, ServiceRequest)?;
        Ok(OpenServiceRequestPayload { client_mutation_id: input.client_mutation_id, service_request, user_errors })
    }

    /// Its department takes a request up (受理).
    async fn accept_service_request(
        &self,
        ctx: &Context<'_>,
        input: AcceptServiceRequestInput,
    ) -> Result<AcceptServiceRequestPayload> {
        let (service_request, user_errors) = take(ctx, &input.service_request_id, |c| Step::Accept {
            note: c.optional_text("note", input.note.as_deref(), MAX_TEXT),
        })
        .await?;
        Ok(AcceptServiceRequestPayload { client_mutation_id: input.client_mutation_id, service_request, user_errors })
    }

    /// A request is dealt with (办结).
    async fn resolve_service_request(
        &self,
        ctx: &Context<'_>,
        input: ResolveServiceRequestInput,
    ) -> Result<ResolveServiceRequestPayload> {
        let (service_request, user_errors) = take(ctx, &input.service_request_id, |c| Step::Resolve {
            resolution: c.text("resolution", &input.resolution, MAX_TEXT),
        })
        .await?;
        Ok(ResolveServiceRequestPayload { client_mutation_id: input.client_mutation_id, service_request, user_errors })
    }

    /// The enterprise's verdict: closed (销号), or reopened when dissatisfied.
    async fn close_service_request(
        &self,
        ctx: &Context<'_>,
        input: CloseServiceRequestInput,
    ) -> Result<CloseServiceRequestPayload> {
        let (service_request, user_errors) = take(ctx, &input.service_request_id, |c| Step::Close {
            satisfaction: input.satisfaction.into(),
            note: c.optional_text("note", input.note.as_deref(), MAX_TEXT),
        })
        .await?;
        Ok(CloseServiceRequestPayload { client_mutation_id: input.client_mutation_id, service_request, user_errors })
    }

    /// Hands a request not yet resolved to another department, person or due date.
    async fn reassign_service_request(
        &self,
        ctx: &Context<'_>,
        input: ReassignServiceRequestInput,
    ) -> Result<ReassignServiceRequestPayload> {
        let (service_request, user_errors) = take(ctx, &input.service_request_id, |c| Step::Reassign {
            department_id: c.id("departmentId", &input.department_id, Noun::Department),
            assignee_id: c.optional_id("assigneeId", &input.assignee_id, Noun::StaffMember),
            due_on: input.due_on.map(|d| d.0),
            note: c.optional_text("note", input.note.as_deref(), MAX_TEXT),
        })
        .await?;
        Ok(ReassignServiceRequestPayload { client_mutation_id: input.client_mutation_id, service_request, user_errors })
    }
}
