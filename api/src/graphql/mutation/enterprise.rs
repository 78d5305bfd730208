//! Target enterprises (目标企业): `createEnterprise`, `updateEnterprise`.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use chrono::{DateTime, Utc};

use super::{Ids, Need, Patches, need, patch, patch_parsed, payload, settle};
use crate::graphql::context::Ctx;
use crate::graphql::types::enterprise::Enterprise;
use crate::graphql::types::enums::{EnterpriseSize, EnterpriseStatus, Priority};
use crate::service::enterprise::{self as service, EnterpriseFields};
use crate::service::write::{Change, Checks, MAX_NAME, MAX_TEXT, Noun, Patch, WriteError};

/// An enterprise's contact person.
///
/// In `updateEnterprise`, a field left out stays as it is and `null` clears it;
/// `contact` itself left out or `null` leaves all three as they are.
#[derive(InputObject, Clone, Default)]
pub struct ContactInput {
    /// The person's name.
    pub name: MaybeUndefined<String>,
    /// Phone number.
    pub phone: MaybeUndefined<String>,
    /// E-mail address.
    pub email: MaybeUndefined<String>,
}

/// A new target enterprise.
#[derive(InputObject)]
pub struct CreateEnterpriseInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// Sending the same key again returns the first enterprise.
    pub idempotency_key: Option<String>,
    /// Its registered name.
    pub name: String,
    /// Country or region, ISO 3166-1 alpha-2.
    pub country: String,
    /// Its USCC (Chinese companies only).
    pub uscc: Option<String>,
    /// Its sector.
    pub sector_id: Option<ID>,
    /// Its size.
    pub size: Option<EnterpriseSize>,
    /// A Fortune Global 500 company.
    pub is_fortune500: Option<bool>,
    /// A foreign-invested company.
    pub is_foreign_invested: Option<bool>,
    /// A listed company.
    pub is_listed: Option<bool>,
    /// A, B or C.
    pub priority: Option<Priority>,
    /// Where the city stands with it.
    pub status: Option<EnterpriseStatus>,
    /// The owning department.
    pub department_id: Option<ID>,
    /// The contact person.
    pub contact: Option<ContactInput>,
    /// Internal notes.
    pub notes: Option<String>,
    /// Its web site, an http or https URL.
    pub website: Option<String>,
}

payload!(CreateEnterprisePayload, enterprise: Enterprise, "The answer to `createEnterprise`.");

/// Changes to an enterprise: a field left out stays as it is; `null` clears
/// an optional one.
#[derive(InputObject)]
pub struct UpdateEnterpriseInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// The enterprise.
    pub enterprise_id: ID,
    /// The `updatedAt` the change is based on: a newer one is `STALE`.
    pub expected_updated_at: Option<DateTime<Utc>>,
    /// Its registered name.
    pub name: Option<String>,
    /// Country or region.
    pub country: Option<String>,
    /// Its USCC.
    pub uscc: MaybeUndefined<String>,
    /// Its sector.
    pub sector_id: MaybeUndefined<ID>,
    /// Its size.
    pub size: MaybeUndefined<EnterpriseSize>,
    /// A Fortune Global 500 company.
    pub is_fortune500: Option<bool>,
    /// A foreign-invested company.
    pub is_foreign_invested: Option<bool>,
    /// A listed company.
    pub is_listed: Option<bool>,
    /// A, B or C.
    pub priority: Option<Priority>,
    /// Where the city stands with it.
    pub status: Option<EnterpriseStatus>,
    /// The owning department.
    pub department_id: MaybeUndefined<ID>,
    /// The contact person.
    pub contact: Option<ContactInput>,
    /// Internal notes.
    pub notes: MaybeUndefined<String>,
    /// Its web site, an http or https URL.
    pub website: MaybeUndefined<String>,
}

payload!(UpdateEnterprisePayload, enterprise: Enterprise, "The answer to `updateEnterprise`.");

/// The contact's fields: on creation, given or not; on a change, as patches.
fn contact(c: &mut Checks, contact: &Option<ContactInput>) -> [Patch<String>; 3] {
    let contact = contact.clone().unwrap_or_default();
    [
        c.patch_text("contact.name", &contact.name, 100),
        c.patch_text("contact.phone", &contact.phone, 50),
        c.patch_email("contact.email", &contact.email),
    ]
}

impl TryFrom<&CreateEnterpriseInput> for EnterpriseFields {
    type Error = WriteError;

    fn try_from(input: &CreateEnterpriseInput) -> Result<Self, WriteError> {
        let mut c = Checks::new();
        let name = c.text("name", &input.name, MAX_NAME);
        let country = c.country("country", &input.country);
        let uscc = c.uscc("uscc", input.uscc.as_deref(), Some(&country));
        let sector_id = c.optional_id("sectorId", &input.sector_id, Noun::Sector);
        let department_id = c.optional_id("departmentId", &input.department_id, Noun::Department);
        let [contact_name, contact_phone, contact_email] = contact(&mut c, &input.contact);
        let f = EnterpriseFields {
            name: Some(name),
            uscc: uscc.into(),
            country: Some(country),
            sector_id: sector_id.into(),
            size: input.size.map(Into::into).into(),
            is_fortune500: input.is_fortune500,
            is_foreign_invested: input.is_foreign_invested,
            is_listed: input.is_listed,
            priority: input.priority.map(Into::into),
            status: input.status.map(Into::into),
            department_id: department_id.into(),
            contact_name,
            contact_phone,
            contact_email,
            notes: c.optional_text("notes", input.notes.as_deref(), MAX_TEXT).into(),
            website: c.web_address("website", input.website.as_deref()).into(),
        };
        c.finish().map(|()| f)
    }
}

impl TryFrom<&UpdateEnterpriseInput> for Change<EnterpriseFields> {
    type Error = WriteError;

    fn try_from(input: &UpdateEnterpriseInput) -> Result<Self, WriteError> {
        let mut c = Checks::new();
        let id = c.id("enterpriseId", &input.enterprise_id, Noun::Enterprise);
        let name = input.name.as_deref().map(|n| c.text("name", n, MAX_NAME));
        let country = input.country.as_deref().map(|v| c.country("country", v));
        let uscc = patch_parsed(&input.uscc, |v| c.uscc("uscc", Some(v), country.as_deref()));
        let sector_id = c.patch_id("sectorId", &input.sector_id, Noun::Sector);
        let department_id = c.patch_id("departmentId", &input.department_id, Noun::Department);
        let [contact_name, contact_phone, contact_email] = contact(&mut c, &input.contact);
        let fields = EnterpriseFields {
            name,
            uscc,
            country,
            sector_id,
            size: patch(&input.size),
            is_fortune500: input.is_fortune500,
            is_foreign_invested: input.is_foreign_invested,
            is_listed: input.is_listed,
            priority: input.priority.map(Into::into),
            status: input.status.map(Into::into),
            department_id,
            contact_name,
            contact_phone,
            contact_email,
            notes: c.patch_text("notes", &input.notes, MAX_TEXT),
            website: patch_parsed(&input.website, |v| c.web_address("website", Some(v))),
        };
        c.finish().map(|()| Change { id, expected_updated_at: input.expected_updated_at, fields })
    }
}

#[derive(Default)]
pub struct EnterpriseMutation;

#[Object]
impl EnterpriseMutation {
    /// Staff add a target enterprise.
    async fn create_enterprise(
        &self,
        ctx: &Context<'_>,
        input: CreateEnterpriseInput,
    ) -> Result<CreateEnterprisePayload> {
        need(ctx, Need::Staff)?;
        let actor = ctx.request().actor();
        let result = async {
            let fields = EnterpriseFields::try_from(&input)?;
            service::create_enterprise(ctx.db(), &actor, fields, input.idempotency_key.as_deref()).await
        };
        let (enterprise, user_errors) = settle(ctx, result.await, Enterprise)?;
        Ok(CreateEnterprisePayload { client_mutation_id: input.client_mutation_id, enterprise, user_errors })
    }

    /// Staff change an enterprise.
    async fn update_enterprise(
        &self,
        ctx: &Context<'_>,
        input: UpdateEnterpriseInput,
    ) -> Result<UpdateEnterprisePayload> {
        need(ctx, Need::Staff)?;
        let actor = ctx.request().actor();
        let result = async { service::update_enterprise(ctx.db(), &actor, Change::try_from(&input)?).await };
        let (enterprise, user_errors) = settle(ctx, result.await, Enterprise)?;
        Ok(UpdateEnterprisePayload { client_mutation_id: input.client_mutation_id, enterprise, user_errors })
    }
}
