//! `submitLead`, `submitLeads`, `withdrawLead`, `reviewLead`, `convertLead`.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result};

use super::{Ids, Need, checked, forbidden, input_path, need, payload, settle, settle_at};
use crate::graphql::context::Ctx;
use crate::graphql::types::partner::Lead;
use crate::graphql::types::project::Project;
use crate::service::lead::{self as svc, Decision};
use crate::service::write::{Checks, MAX_NAME, MAX_TEXT, Noun, Problem};

/// Most leads one `submitLeads` call takes.
const MAX_LEADS: usize = 100;

/// A lead as a partner submits it.
#[derive(InputObject, Clone)]
pub struct SubmitLeadInput {
    /// The client's own id for this mutation, echoed in the payload.
    pub client_mutation_id: Option<String>,
    /// The client's key for this submission: sending it again returns the first lead.
    pub idempotency_key: String,
    /// The enterprise's name.
    pub enterprise_name: String,
    /// Its unified social credit code, for a Chinese enterprise.
    pub uscc: Option<String>,
    /// Its country or region, ISO 3166-1 alpha-2 (e.g. `CN`, `DE`).
    pub country: String,
    /// Its sector.
    pub sector_id: Option<ID>,
    /// The contact person's name.
    pub contact_name: Option<String>,
    /// The contact person's phone.
    pub contact_phone: Option<String>,
    /// The contact person's e-mail.
    pub contact_email: Option<String>,
    /// The estimated investment in yuan, e.g. `"50000000"`.
    pub estimated_investment: Option<String>,
    /// What the partner knows of the intention.
    pub description: Option<String>,
}

payload!(SubmitLeadPayload, lead: Lead, "The answer to `submitLead`.");

/// Many leads at once; each is its own transaction.
#[derive(InputObject)]
pub struct SubmitLeadsInput {
    /// The leads, at most 100.
    pub leads: Vec<SubmitLeadInput>,
}

/// The answer to `submitLeads`: one result per lead, in input order.
#[derive(async_graphql::SimpleObject)]
pub struct SubmitLeadsPayload {
    /// One payload per submitted lead, in input order.
    pub results: Vec<SubmitLeadPayload>,
}

/// A partner withdraws its own open lead.
#[derive(InputObject)]
pub struct WithdrawLeadInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The lead.
    pub lead_id: ID,
}

payload!(WithdrawLeadPayload, lead: Lead, "The answer to `withdrawLead`.");

/// A staff decision on a lead.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "Decision")]
pub enum LeadDecision {
    /// Start reviewing a submitted lead.
    StartReview,
    /// Accept the lead.
    Accept,
    /// Reject it; `reason` is required and shown to the partner.
    Reject,
    /// Mark it a duplicate of a lead or an enterprise (`duplicateOfId`).
    Duplicate,
}

/// Staff review a lead.
#[derive(InputObject)]
pub struct ReviewLeadInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The lead.
    pub lead_id: ID,
    /// The decision.
    pub decision: LeadDecision,
    /// The reason the partner sees (required to reject).
    pub reason: Option<String>,
    /// For DUPLICATE: the lead or enterprise it duplicates.
    pub duplicate_of_id: Option<ID>,
    /// A note only staff see.
    pub internal_note: Option<String>,
}

payload!(ReviewLeadPayload, lead: Lead, "The answer to `reviewLead`.");

/// Staff turn an accepted lead into a target enterprise and a project.
#[derive(InputObject)]
pub struct ConvertLeadInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The accepted lead.
    pub lead_id: ID,
    /// An existing enterprise to link instead of creating one.
    pub enterprise_id: Option<ID>,
    /// The new project's name.
    pub project_name: String,
    /// The project's sector, if the lead names none.
    pub sector_id: Option<ID>,
    /// The department that takes the project.
    pub department_id: Option<ID>,
    /// The campaign it is worked under.
    pub campaign_id: Option<ID>,
    /// The responsible person's name.
    #[graphql(
        deprecation = "Name a staff member as `responsibleStaffId`; free text cannot be ranked or held to account."
    )]
    pub responsible_person: Option<String>,
    /// The project's responsible staff member (active; any department).
    pub responsible_staff_id: Option<ID>,
}

/// The answer to `convertLead`.
#[derive(async_graphql::SimpleObject)]
pub struct ConvertLeadPayload {
    /// The client's own id for this mutation, echoed.
    pub client_mutation_id: Option<String>,
    /// The converted lead, linked to its enterprise and project.
    pub lead: Option<Lead>,
    /// The new project, at stage LEAD.
    pub project: Option<Project>,
    /// What was wrong with the input; empty on success.
    pub user_errors: Vec<super::UserError>,
}

/// One lead, its user errors placed at `path` (the `input` argument, or one item of `input.leads`).
async fn submit_one(ctx: &Context<'_>, input: SubmitLeadInput, path: &[String]) -> Result<SubmitLeadPayload> {
    let mut c = Checks::new();
    let key = c.text("idempotencyKey", &input.idempotency_key, MAX_NAME);
    let country = c.country("country", &input.country);
    let sector_id = c.optional_id("sectorId", &input.sector_id, Noun::Sector);
    let cmd = svc::SubmitLead {
        enterprise_name: c.text("enterpriseName", &input.enterprise_name, MAX_NAME),
        uscc: c.uscc("uscc", input.uscc.as_deref(), Some(&country)),
        country,
        sector_id,
        contact_name: c.optional_text("contactName", input.contact_name.as_deref(), 100),
        contact_phone: c.optional_text("contactPhone", input.contact_phone.as_deref(), 50),
        contact_email: c.email("contactEmail", input.contact_email.as_deref()),
        estimated_investment: c.optional_money("estimatedInvestment", input.estimated_investment.as_deref()),
        description: c.optional_text("description", input.description.as_deref(), MAX_TEXT),
    };
    let actor = ctx.request().actor();
    let config = &ctx.state().config;
    let days = (config.lead_respond_days, config.lead_decide_days, config.lead_feedback_days);
    let deadlines = svc::Deadlines::from(ctx.state().today(), days);
    let result = checked(c, || svc::submit(ctx.db(), &actor, cmd, &key, deadlines)).await;
    let (lead, user_errors) = settle_at(ctx, path, result, Lead)?;
    Ok(SubmitLeadPayload { client_mutation_id: input.client_mutation_id, lead, user_errors })
}

/// Hands an undecided lead to a department (and one of its people).
#[derive(InputObject)]
pub struct AssignLeadInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The lead.
    pub lead_id: ID,
    /// The department that answers for it.
    pub department_id: ID,
    /// The staff member of that department handling it.
    pub assignee_id: Option<ID>,
}

payload!(AssignLeadPayload, lead: Lead, "The answer to `assignLead`.");

#[derive(Default)]
pub struct LeadMutation;

#[Object]
impl LeadMutation {
    /// A partner submits a lead. Retrying with the same `idempotencyKey` returns
    /// the first lead and writes nothing; a lead for an enterprise the office
    /// knows, or that another open lead names, is marked DUPLICATE at once.
    async fn submit_lead(&self, ctx: &Context<'_>, input: SubmitLeadInput) -> Result<SubmitLeadPayload> {
        if ctx.principal().partner().is_none() {
            return Err(forbidden());
        }
        submit_one(ctx, input, input_path()).await
    }

    /// A partner submits up to 100 leads; each is its own transaction, so one bad
    /// lead spoils no other. Results come in input order.
    async fn submit_leads(&self, ctx: &Context<'_>, input: SubmitLeadsInput) -> Result<SubmitLeadsPayload> {
        if ctx.principal().partner().is_none() {
            return Err(forbidden());
        }
        if input.leads.len() > MAX_LEADS {
            return Err(crate::graphql::context::to_gql(&crate::error::AppError::Validation(format!(
                "`submitLeads` takes at most {MAX_LEADS} leads"
            ))));
        }
        let mut results = Vec::with_capacity(input.leads.len());
        for (i, lead) in input.leads.into_iter().enumerate() {
            let path = vec!["input".to_owned(), "leads".to_owned(), i.to_string()];
            results.push(submit_one(ctx, lead, &path).await?);
        }
        Ok(SubmitLeadsPayload { results })
    }

    /// A partner withdraws its own lead while it is SUBMITTED or UNDER_REVIEW.
    async fn withdraw_lead(&self, ctx: &Context<'_>, input: WithdrawLeadInput) -> Result<WithdrawLeadPayload> {
        need(ctx, Need::Partner)?;
        let mut c = Checks::new();
        let id = c.id("leadId", &input.lead_id, Noun::Lead);
        let actor = ctx.request().actor();
        let result = checked(c, || svc::withdraw(ctx.db(), &actor, id)).await;
        let (lead, user_errors) = settle(ctx, result, Lead)?;
        Ok(WithdrawLeadPayload { client_mutation_id: input.client_mutation_id, lead, user_errors })
    }

    /// Staff review a lead: start review, accept, reject with a reason, or mark
    /// it a duplicate.
    async fn review_lead(&self, ctx: &Context<'_>, input: ReviewLeadInput) -> Result<ReviewLeadPayload> {
        need(ctx, Need::Staff)?;
        let mut c = Checks::new();
        let duplicate_of = match input.duplicate_of_id.as_ref().map(|id| crate::graphql::ids::decode(id)) {
            None => (None, None),
            Some(Some((kind, n))) if kind == "Lead" => (Some(n), None),
            Some(Some((kind, n))) if kind == "Enterprise" => (None, Some(n)),
            Some(_) => {
                c.add("duplicateOfId", Problem::NotFound(Noun::LeadOrEnterprise));
                (None, None)
            }
        };
        let cmd = svc::ReviewLead {
            lead_id: c.id("leadId", &input.lead_id, Noun::Lead),
            decision: input.decision.into(),
            reason: c.optional_text("reason", input.reason.as_deref(), MAX_TEXT),
            internal_note: c.optional_text("internalNote", input.internal_note.as_deref(), MAX_TEXT),
            duplicate_of,
            today: ctx.state().today(),
        };
        let actor = ctx.request().actor();
        let result = checked(c, || svc::review(ctx.db(), &actor, cmd)).await;
        let (lead, user_errors) = settle(ctx, result, Lead)?;
        Ok(ReviewLeadPayload { client_mutation_id: input.client_mutation_id, lead, user_errors })
    }

    /// Staff convert an accepted lead into a target enterprise (new, or the one
    /// named) and a project at stage LEAD whose source is the lead.
    async fn convert_lead(&self, ctx: &Context<'_>, input: ConvertLeadInput) -> Result<ConvertLeadPayload> {
        need(ctx, Need::Staff)?;
        let mut c = Checks::new();
        let cmd = svc::ConvertLead {
            lead_id: c.id("leadId", &input.lead_id, Noun::Lead),
            enterprise_id: c.optional_id("enterpriseId", &input.enterprise_id, Noun::Enterprise),
            project_name: c.text("projectName", &input.project_name, MAX_NAME),
            sector_id: c.optional_id("sectorId", &input.sector_id, Noun::Sector),
            department_id: c.optional_id("departmentId", &input.department_id, Noun::Department),
            campaign_id: c.optional_id("campaignId", &input.campaign_id, Noun::Campaign),
            responsible_person: c.optional_text("responsiblePerson", input.responsible_person.as_deref(), 100),
            responsible_staff_id: c.optional_id("responsibleStaffId", &input.responsible_staff_id, Noun::StaffMember),
        };
        let actor = ctx.request().actor();
        let result = checked(c, || svc::convert(ctx.db(), &actor, cmd)).await;
        let (pair, user_errors) = settle(ctx, result, |(l, p)| (Lead(l), Project(p)))?;
        let (lead, project) = pair.map_or((None, None), |(l, p)| (Some(l), Some(p)));
        Ok(ConvertLeadPayload { client_mutation_id: input.client_mutation_id, lead, project, user_errors })
    }

    /// Staff assign a lead not yet decided to a department (线索分派).
    async fn assign_lead(&self, ctx: &Context<'_>, input: AssignLeadInput) -> Result<AssignLeadPayload> {
        need(ctx, Need::Staff)?;
        let mut c = Checks::new();
        let lead = c.id("leadId", &input.lead_id, Noun::Lead);
        let department = c.id("departmentId", &input.department_id, Noun::Department);
        let assignee = c.optional_id("assigneeId", &input.assignee_id, Noun::StaffMember);
        let actor = ctx.request().actor();
        let result = checked(c, || svc::assign(ctx.db(), &actor, lead, department, assignee)).await;
        let (lead, user_errors) = settle(ctx, result, Lead)?;
        Ok(AssignLeadPayload { client_mutation_id: input.client_mutation_id, lead, user_errors })
    }
}
