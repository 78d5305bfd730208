//! Staff members (工作人员): `createStaffMember`, `updateStaffMember` (admins).

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use chrono::{DateTime, Utc};

use super::{Ids, Need, Patches, need, payload, settle};
use crate::graphql::context::Ctx;
use crate::graphql::types::staff_member::StaffMember;
use crate::service::staff_member::{self as service, StaffFields};
use crate::service::write::{Change, Checks, Noun, WriteError};

/// Longest name and phone number, in characters.
const MAX_PERSON: usize = 100;
const MAX_PHONE: usize = 50;

/// A new staff member.
#[derive(InputObject)]
pub struct CreateStaffMemberInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// Sending the same key again returns the first staff member.
    pub idempotency_key: Option<String>,
    /// Their name.
    pub name: String,
    /// Their department.
    pub department_id: ID,
    /// Their work phone.
    pub phone: Option<String>,
}

payload!(CreateStaffMemberPayload, staff_member: StaffMember, "The answer to `createStaffMember`.");

/// Changes to a staff member: a field left out stays as it is; `null` clears
/// the phone. `isActive: false` revokes their keys at once.
#[derive(InputObject)]
pub struct UpdateStaffMemberInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The staff member.
    pub staff_member_id: ID,
    /// The `updatedAt` the change is based on: a newer one is `STALE`.
    pub expected_updated_at: Option<DateTime<Utc>>,
    /// Their name.
    pub name: Option<String>,
    /// Their department.
    pub department_id: Option<ID>,
    /// Their work phone.
    pub phone: MaybeUndefined<String>,
    /// False when they leave.
    pub is_active: Option<bool>,
}

payload!(UpdateStaffMemberPayload, staff_member: StaffMember, "The answer to `updateStaffMember`.");

impl TryFrom<&CreateStaffMemberInput> for StaffFields {
    type Error = WriteError;

    fn try_from(input: &CreateStaffMemberInput) -> Result<Self, WriteError> {
        let mut c = Checks::new();
        let f = StaffFields {
            name: Some(c.text("name", &input.name, MAX_PERSON)),
            department_id: Some(c.id("departmentId", &input.department_id, Noun::Department)),
            phone: c.optional_text("phone", input.phone.as_deref(), MAX_PHONE).into(),
            is_active: None,
        };
        c.finish().map(|()| f)
    }
}

impl TryFrom<&UpdateStaffMemberInput> for Change<StaffFields> {
    type Error = WriteError;

    fn try_from(input: &UpdateStaffMemberInput) -> Result<Self, WriteError> {
        let mut c = Checks::new();
        let id = c.id("staffMemberId", &input.staff_member_id, Noun::StaffMember);
        let fields = StaffFields {
            name: input.name.as_deref().map(|n| c.text("name", n, MAX_PERSON)),
            department_id: c.optional_id("departmentId", &input.department_id, Noun::Department),
            phone: c.patch_text("phone", &input.phone, MAX_PHONE),
            is_active: input.is_active,
        };
        c.finish().map(|()| Change { id, expected_updated_at: input.expected_updated_at, fields })
    }
}

#[derive(Default)]
pub struct StaffMemberMutation;

#[Object]
impl StaffMemberMutation {
    /// Admins add a staff member to a department.
    async fn create_staff_member(
        &self,
        ctx: &Context<'_>,
        input: CreateStaffMemberInput,
    ) -> Result<CreateStaffMemberPayload> {
        need(ctx, Need::Admin)?;
        let actor = ctx.request().actor();
        let result = async {
            let fields = StaffFields::try_from(&input)?;
            service::create_staff_member(ctx.db(), &actor, fields, input.idempotency_key.as_deref()).await
        };
        let (staff_member, user_errors) = settle(ctx, result.await, StaffMember)?;
        Ok(CreateStaffMemberPayload { client_mutation_id: input.client_mutation_id, staff_member, user_errors })
    }

    /// Admins change a staff member; deactivating one revokes their keys.
    async fn update_staff_member(
        &self,
        ctx: &Context<'_>,
        input: UpdateStaffMemberInput,
    ) -> Result<UpdateStaffMemberPayload> {
        need(ctx, Need::Admin)?;
        let actor = ctx.request().actor();
        let result = async { service::update_staff_member(ctx.db(), &actor, Change::try_from(&input)?).await }.await;
        // A deactivated member's keys stop at once here (elsewhere on KEY_REVOKED).
        ctx.state().keys.forget_all();
        let (staff_member, user_errors) = settle(ctx, result, StaffMember)?;
        Ok(UpdateStaffMemberPayload { client_mutation_id: input.client_mutation_id, staff_member, user_errors })
    }
}
