//! Who sees what (api-contract.md, "Who sees what"), as row conditions. Every
//! path to an object (lists, their counts, `node`, nested fields) goes through
//! [`Visible::scope`], so a hidden row is absent everywhere alike.

use entity::*;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, Select};

use crate::auth::Principal;

/// The rows of a table a principal may see.
pub enum Scope {
    All,
    Nothing,
    Where(Condition),
}

pub trait Visible: EntityTrait {
    fn scope(principal: &Principal) -> Scope;
}

/// `select` restricted to what `principal` may see, or None when that is nothing.
pub fn restrict<E: Visible>(select: Select<E>, principal: &Principal) -> Option<Select<E>> {
    match E::scope(principal) {
        Scope::All => Some(select),
        Scope::Nothing => None,
        Scope::Where(c) => Some(select.filter(c)),
    }
}

macro_rules! visible_to_all {
    ($($m:ident),*) => {$(
        impl Visible for $m::Entity {
            fn scope(_: &Principal) -> Scope { Scope::All }
        }
    )*};
}

macro_rules! visible_to_staff {
    ($($m:ident),*) => {$(
        impl Visible for $m::Entity {
            fn scope(p: &Principal) -> Scope {
                if p.is_staff() { Scope::All } else { Scope::Nothing }
            }
        }
    )*};
}

// Campaigns are public; their targets and report are hidden field by field.
visible_to_all!(campaign, sector, park);
visible_to_staff!(
    department,
    enterprise,
    agreement,
    event,
    quota,
    project_stage_change,
    capital_arrival,
    staff_member,
    service_request,
    service_request_change,
    follow_up
);

impl Visible for project::Entity {
    fn scope(p: &Principal) -> Scope {
        if p.is_staff() {
            Scope::All
        } else {
            Scope::Where(Condition::all().add(project::Column::IsPublished.eq(true)))
        }
    }
}

impl Visible for incentive::Entity {
    fn scope(p: &Principal) -> Scope {
        if p.is_staff() {
            Scope::All
        } else {
            Scope::Where(Condition::all().add(incentive::Column::IsPublished.eq(true)))
        }
    }
}

impl Visible for lead::Entity {
    fn scope(p: &Principal) -> Scope {
        if p.is_staff() {
            Scope::All
        } else if let Some(pid) = p.partner() {
            Scope::Where(Condition::all().add(lead::Column::PartnerId.eq(pid)))
        } else {
            Scope::Nothing
        }
    }
}

impl Visible for partner::Entity {
    fn scope(p: &Principal) -> Scope {
        if p.is_staff() {
            Scope::All
        } else if let Some(pid) = p.partner() {
            Scope::Where(Condition::all().add(partner::Column::Id.eq(pid)))
        } else {
            Scope::Nothing
        }
    }
}

impl Visible for api_key::Entity {
    fn scope(p: &Principal) -> Scope {
        if p.is_admin() {
            Scope::All
        } else if let Some(pid) = p.partner() {
            Scope::Where(Condition::all().add(api_key::Column::PartnerId.eq(pid)))
        } else {
            Scope::Nothing
        }
    }
}

impl Visible for audit_log::Entity {
    fn scope(p: &Principal) -> Scope {
        if p.is_admin() { Scope::All } else { Scope::Nothing }
    }
}

/// Fields that only the office sees on objects others may see too: a project's
/// enterprise, department, campaign and history; a campaign's targets and report;
/// a lead's links and notes; an enterprise's contact.
pub fn sees_internal_fields(p: &Principal) -> bool {
    p.is_staff()
}

/// Published materials' ids, as a subquery.
fn published_materials() -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(material::Column::Id)
        .from(material::Entity)
        .and_where(material::Column::IsPublished.eq(true))
        .to_owned()
}

/// A file is visible as its parent is (api-contract.md, "Attachment"): staff
/// see every file; a partner the files it uploaded that are not attached or
/// are on its own leads, and published materials' files; the public only
/// published materials' files.
impl Visible for attachment::Entity {
    fn scope(p: &Principal) -> Scope {
        use attachment::Column as C;
        use entity::enums::AttachmentParent as Parent;
        if p.is_staff() {
            return Scope::All;
        }
        let published = Condition::all()
            .add(C::ParentType.eq(Parent::Material))
            .add(C::ParentId.in_subquery(published_materials()));
        let Some(pid) = p.partner() else { return Scope::Where(published) };
        let own_leads = sea_orm::sea_query::Query::select()
            .column(lead::Column::Id)
            .from(lead::Entity)
            .and_where(lead::Column::PartnerId.eq(pid))
            .to_owned();
        let on_own_lead = Condition::all().add(C::ParentType.eq(Parent::Lead)).add(C::ParentId.in_subquery(own_leads));
        let own = Condition::all()
            .add(C::UploadedByPartnerId.eq(pid))
            .add(Condition::any().add(C::ParentType.is_null()).add(on_own_lead));
        Scope::Where(Condition::any().add(published).add(own))
    }
}

impl Visible for material::Entity {
    fn scope(p: &Principal) -> Scope {
        if p.is_staff() {
            Scope::All
        } else {
            Scope::Where(Condition::all().add(material::Column::IsPublished.eq(true)))
        }
    }
}

/// A partner sees the distributions it recorded; the public none.
impl Visible for material_distribution::Entity {
    fn scope(p: &Principal) -> Scope {
        if p.is_staff() {
            Scope::All
        } else if let Some(pid) = p.partner() {
            Scope::Where(Condition::all().add(material_distribution::Column::PartnerId.eq(pid)))
        } else {
            Scope::Nothing
        }
    }
}
