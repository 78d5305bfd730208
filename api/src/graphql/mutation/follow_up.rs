//! Follow-ups (跟进记录): `recordFollowUp` (staff).

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, Utc};

use super::{Ids, Need, need, payload, settle};
use crate::graphql::context::Ctx;
use crate::graphql::scalars::Date;
use crate::graphql::types::follow_up::{FollowUp, FollowUpKind};
use crate::service::follow_up::{self as service, RecordFollowUp};
use crate::service::write::{Checks, MAX_TEXT, Noun, WriteError};

/// A contact with an enterprise, as it happened.
#[derive(InputObject)]
pub struct RecordFollowUpInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// Sending the same key again returns the first follow-up.
    pub idempotency_key: Option<String>,
    /// The enterprise.
    pub enterprise_id: ID,
    /// The project it was about: one of the enterprise's.
    pub project_id: Option<ID>,
    /// How.
    pub kind: FollowUpKind,
    /// When it took place.
    pub occurred_at: DateTime<Utc>,
    /// The staff members present (at least one).
    pub staff_ids: Vec<ID>,
    /// What was said and agreed.
    pub summary: String,
    /// What happens next.
    pub next_step: Option<String>,
    /// When the next step is due.
    pub next_step_due_on: Option<Date>,
}

payload!(RecordFollowUpPayload, follow_up: FollowUp, "The answer to `recordFollowUp`.");

/// The command, `occurred_at` dated in the office's time zone `tz`.
fn command(input: &RecordFollowUpInput, tz: chrono_tz::Tz) -> Result<RecordFollowUp, WriteError> {
    let mut c = Checks::new();
    let cmd = RecordFollowUp {
        enterprise_id: c.id("enterpriseId", &input.enterprise_id, Noun::Enterprise),
        project_id: c.optional_id("projectId", &input.project_id, Noun::Project),
        kind: input.kind.into(),
        occurred_at: input.occurred_at,
        occurred_on: input.occurred_at.with_timezone(&tz).date_naive(),
        staff_ids: c.ids("staffIds", &Some(input.staff_ids.clone()), Noun::StaffMember).unwrap_or_default(),
        summary: c.text("summary", &input.summary, MAX_TEXT),
        next_step: c.optional_text("nextStep", input.next_step.as_deref(), MAX_TEXT),
        next_step_due_on: input.next_step_due_on.map(|d| d.0),
    };
    c.finish().map(|()| cmd)
}

#[derive(Default)]
pub struct FollowUpMutation;

#[Object]
impl FollowUpMutation {
    /// Staff record a visit, call, meeting, video call or message with an enterprise.
    async fn record_follow_up(&self, ctx: &Context<'_>, input: RecordFollowUpInput) -> Result<RecordFollowUpPayload> {
        need(ctx, Need::Staff)?;
        let actor = ctx.request().actor();
        let tz = ctx.state().config.timezone;
        let result = async {
            let cmd = command(&input, tz)?;
            service::record(ctx.db(), &actor, cmd, input.idempotency_key.as_deref()).await
        };
        let (follow_up, user_errors) = settle(ctx, result.await, FollowUp)?;
        Ok(RecordFollowUpPayload { client_mutation_id: input.client_mutation_id, follow_up, user_errors })
    }
}
