//! One row of each importable ledger: checked, matched by natural key, and
//! created or changed (only the cells that differ) by the mutations' commands.

use super::*;

/// The enterprise a row names by USCC, else by name (normalised as for
/// duplicate detection); NOT_FOUND at the column that named none.
async fn find_enterprise(
    db: &impl ConnectionTrait,
    row: &mut Row<'_>,
    required: bool,
) -> Result<Option<enterprise::Model>, WriteError> {
    if let Some(uscc) = row.raw(h::USCC) {
        let uscc = crate::domain::uscc::Uscc::parse(&uscc).map_or(uscc.to_ascii_uppercase(), |u| u.into_string());
        let found = enterprise::Entity::find().filter(enterprise::Column::Uscc.eq(uscc)).one(db).await?;
        if found.is_none() {
            row.checks.add(h::USCC, Problem::NotFound(Noun::Enterprise));
        }
        return Ok(found);
    }
    let Some(name) = row.raw(h::ENTERPRISE) else {
        if required {
            row.checks.add(h::ENTERPRISE, Problem::Required);
        }
        return Ok(None);
    };
    let mut found =
        enterprise::Entity::find().filter(enterprise::Column::DedupeKey.eq(dedupe_key(&name))).all(db).await?;
    if found.len() != 1 {
        row.checks.add(h::ENTERPRISE, Problem::NotFound(Noun::Enterprise));
        return Ok(None);
    }
    Ok(found.pop())
}

/// The projects an enterprise (or none) has under this name: a project's
/// natural key, which one alone should match.
async fn projects_named(
    db: &impl ConnectionTrait,
    enterprise_id: Option<i64>,
    name: &str,
) -> Result<Vec<project::Model>, WriteError> {
    let of_enterprise = match enterprise_id {
        Some(id) => project::Column::EnterpriseId.eq(id),
        None => project::Column::EnterpriseId.is_null(),
    };
    Ok(project::Entity::find().filter(of_enterprise).filter(project::Column::Name.eq(name)).all(db).await?)
}

/// Text fields as a change: the same value is left alone, another is set,
/// an emptied cell clears it.
fn text_patch(current: &Option<String>, wanted: Option<String>) -> Patch<String> {
    match (current, wanted) {
        (c, w) if *c == w => Patch::Keep,
        (_, Some(w)) => Patch::Set(w),
        (_, None) => Patch::Clear,
    }
}

fn id_patch(current: Option<i64>, wanted: Option<i64>) -> Patch<i64> {
    match wanted {
        w if w == current => Patch::Keep,
        Some(w) => Patch::Set(w),
        None => Patch::Clear,
    }
}

fn changed<T: PartialEq>(current: T, wanted: T) -> Option<T> {
    (current != wanted).then_some(wanted)
}

/// A change only for a column the file has.
fn only<T>(has: bool, change: Option<T>) -> Option<T> {
    change.filter(|_| has)
}

fn only_patch<T>(has: bool, change: Patch<T>) -> Patch<T> {
    if has { change } else { Patch::Keep }
}

fn is_kept<T>(p: &Patch<T>) -> bool {
    matches!(p, Patch::Keep)
}

/// Whether a change's fields (`Option`s, then `Patch`es) leave everything as it is.
macro_rules! changes_nothing {
    ($f:expr; $($option:ident),*; $($patch:ident),*) => {
        $( $f.$option.is_none() )&&* && $( is_kept(&$f.$patch) )&&*
    };
}

pub(super) async fn enterprise_row(
    db: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    catalogue: &Catalogue,
    mut row: Row<'_>,
) -> Result<Done, WriteError> {
    let name = row.required(h::ENTERPRISE, MAX_NAME);
    let country_raw = row.raw(h::COUNTRY).unwrap_or_else(|| "CN".into());
    let country = row.checks.country(h::COUNTRY, &country_raw);
    let uscc_raw = row.raw(h::USCC);
    let uscc = row.checks.uscc(h::USCC, uscc_raw.as_deref(), Some(&country));
    let sector_id = row.named(h::SECTOR, &catalogue.sectors, Noun::Sector);
    let department_id = row.named(h::DEPARTMENT, &catalogue.departments, Noun::Department);
    let size = row.label::<EnterpriseSize>(h::SIZE);
    let fortune500 = row.flag(h::FORTUNE500).unwrap_or(false);
    let foreign = row.flag(h::FOREIGN_ENTERPRISE).unwrap_or(false);
    let listed = row.flag(h::LISTED).unwrap_or(false);
    let priority = row.label::<Priority>(h::PRIORITY).unwrap_or(Priority::B);
    let status = row.label::<EnterpriseStatus>(h::STATUS).unwrap_or(EnterpriseStatus::Prospect);
    let contact_name = row.text(h::CONTACT, 100);
    let contact_phone = row.text(h::PHONE, 50);
    let email_raw = row.raw(h::EMAIL);
    let contact_email = row.checks.email(h::EMAIL, email_raw.as_deref());
    let website_raw = row.raw(h::WEBSITE);
    let website = row.checks.web_address(h::WEBSITE, website_raw.as_deref());
    let notes = row.text(h::NOTES, MAX_TEXT);
    let at = row.at;
    row.checks.finish()?;
    // A column the file does not have leaves its field as it is.
    let has = |header: &str| at.contains_key(header);

    // By USCC; else (a USCC given for the first time, or none) by name: one
    // enterprise of that normalised name, without a USCC when the row has one.
    let by_uscc = match &uscc {
        Some(u) => enterprise::Entity::find().filter(enterprise::Column::Uscc.eq(u.clone())).one(db).await?,
        None => None,
    };
    let existing = match by_uscc {
        Some(e) => Some(e),
        None => {
            let mut same = enterprise::Entity::find().filter(enterprise::Column::DedupeKey.eq(dedupe_key(&name)));
            if uscc.is_some() {
                same = same.filter(enterprise::Column::Uscc.is_null());
            }
            let mut same = same.all(db).await?;
            if same.len() > 1 {
                return Err(crate::service::write::refuse(h::ENTERPRISE, Problem::Exists(Noun::Enterprise)));
            }
            same.pop()
        }
    };
    let Some(e) = existing else {
        let fields = EnterpriseFields {
            name: Some(name),
            country: Some(country),
            uscc: uscc.into(),
            sector_id: sector_id.into(),
            size: size.into(),
            is_fortune500: Some(fortune500),
            is_foreign_invested: Some(foreign),
            is_listed: Some(listed),
            priority: Some(priority),
            status: Some(status),
            department_id: department_id.into(),
            contact_name: contact_name.into(),
            contact_phone: contact_phone.into(),
            contact_email: contact_email.into(),
            notes: notes.into(),
            website: website.into(),
        };
        enterprises::create_enterprise(db, actor, fields, None).await?;
        return Ok(Done::Created);
    };
    let fields = EnterpriseFields {
        name: changed(e.name.clone(), name),
        country: only(has(h::COUNTRY), changed(e.country.clone(), country)),
        uscc: only_patch(has(h::USCC), text_patch(&e.uscc, uscc)),
        sector_id: only_patch(has(h::SECTOR), id_patch(e.sector_id, sector_id)),
        size: only_patch(
            has(h::SIZE),
            match size {
                s if s == e.size => Patch::Keep,
                Some(s) => Patch::Set(s),
                None => Patch::Clear,
            },
        ),
        is_fortune500: only(has(h::FORTUNE500), changed(e.is_fortune500, fortune500)),
        is_foreign_invested: only(has(h::FOREIGN_ENTERPRISE), changed(e.is_foreign_invested, foreign)),
        is_listed: only(has(h::LISTED), changed(e.is_listed, listed)),
        priority: only(has(h::PRIORITY), changed(e.priority, priority)),
        status: only(has(h::STATUS), changed(e.status, status)),
        department_id: only_patch(has(h::DEPARTMENT), id_patch(e.department_id, department_id)),
        contact_name: only_patch(has(h::CONTACT), text_patch(&e.contact_name, contact_name)),
        contact_phone: only_patch(has(h::PHONE), text_patch(&e.contact_phone, contact_phone)),
        contact_email: only_patch(has(h::EMAIL), text_patch(&e.contact_email, contact_email)),
        notes: only_patch(has(h::NOTES), text_patch(&e.notes, notes)),
        website: only_patch(has(h::WEBSITE), text_patch(&e.website, website)),
    };
    let unchanged = changes_nothing!(fields;
        name, country, is_fortune500, is_foreign_invested, is_listed, priority, status;
        uscc, sector_id, size, department_id, contact_name, contact_phone, contact_email, notes, website);
    if unchanged {
        return Ok(Done::Unchanged);
    }
    enterprises::update_enterprise(db, actor, Change { id: e.id, expected_updated_at: None, fields }).await?;
    Ok(Done::Updated)
}

pub(super) async fn project_row(
    db: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    catalogue: &Catalogue,
    mut row: Row<'_>,
) -> Result<Done, WriteError> {
    let name = row.required(h::PROJECT, MAX_NAME);
    let enterprise = find_enterprise(db, &mut row, false).await?;
    let enterprise_id = enterprise.as_ref().map(|e| e.id);
    let sector_id = row.named(h::SECTOR, &catalogue.sectors, Noun::Sector);
    if row.raw(h::SECTOR).is_none() {
        row.checks.add(h::SECTOR, Problem::Required);
    }
    let planned = row.money(h::PLANNED).unwrap_or_default();
    let foreign = row.money(h::FOREIGN_CAPITAL).unwrap_or_default();
    let campaign_id = row.named(h::CAMPAIGN, &catalogue.campaigns, Noun::Campaign);
    let department_id = row.named(h::DEPARTMENT, &catalogue.departments, Noun::Department);
    let park_id = row.named(h::PARK, &catalogue.parks, Noun::Park);
    let responsible = row.text(h::RESPONSIBLE, 100);
    let high_tech = row.flag(h::HIGH_TECH).unwrap_or(false);
    let foreign_invested = row.flag(h::FOREIGN_PROJECT).unwrap_or(foreign > Money::ZERO);
    let published = row.flag(h::PUBLISHED).unwrap_or(false);
    let description = row.text(h::DESCRIPTION, MAX_TEXT);
    let notes = row.text(h::NOTES, MAX_TEXT);
    let at = row.at;
    row.checks.finish()?;
    // A column the file does not have leaves its field as it is.
    let has = |header: &str| at.contains_key(header);

    let existing = projects_named(db, enterprise_id, &name).await?;
    if existing.len() > 1 {
        return Err(crate::service::write::refuse(h::PROJECT, Problem::Exists(Noun::Project)));
    }
    let Some(p) = existing.into_iter().next() else {
        let fields = ProjectFields {
            name: Some(name),
            description: description.into(),
            sector_id,
            planned_investment: Some(planned),
            foreign_capital: Some(foreign),
            enterprise_id: enterprise_id.into(),
            campaign_id: campaign_id.into(),
            department_id: department_id.into(),
            park_id: park_id.into(),
            responsible_person: responsible.into(),
            responsible_staff_id: Patch::Keep,
            is_high_tech: Some(high_tech),
            is_foreign_invested: Some(foreign_invested),
            is_published: Some(published),
            notes: notes.into(),
            location: Patch::Keep,
        };
        projects::create_project(db, actor, fields, None).await?;
        return Ok(Done::Created);
    };
    let fields = ProjectFields {
        name: None,
        description: only_patch(has(h::DESCRIPTION), text_patch(&p.description, description)),
        sector_id: sector_id.and_then(|s| changed(p.sector_id, s)),
        planned_investment: only(
            has(h::PLANNED),
            changed(p.planned_investment_fen, planned.fen()).map(Money::from_fen),
        ),
        foreign_capital: only(
            has(h::FOREIGN_CAPITAL),
            changed(p.foreign_capital_fen, foreign.fen()).map(Money::from_fen),
        ),
        enterprise_id: Patch::Keep,
        campaign_id: only_patch(has(h::CAMPAIGN), id_patch(p.campaign_id, campaign_id)),
        department_id: only_patch(has(h::DEPARTMENT), id_patch(p.department_id, department_id)),
        park_id: only_patch(has(h::PARK), id_patch(p.park_id, park_id)),
        responsible_person: only_patch(has(h::RESPONSIBLE), text_patch(&p.responsible_person, responsible)),
        responsible_staff_id: Patch::Keep,
        is_high_tech: only(has(h::HIGH_TECH), changed(p.is_high_tech, high_tech)),
        is_foreign_invested: only(has(h::FOREIGN_PROJECT), changed(p.is_foreign_invested, foreign_invested)),
        is_published: only(has(h::PUBLISHED), changed(p.is_published, published)),
        notes: only_patch(has(h::NOTES), text_patch(&p.notes, notes)),
        location: Patch::Keep,
    };
    let unchanged = changes_nothing!(fields;
        name, sector_id, planned_investment, foreign_capital, is_high_tech, is_foreign_invested, is_published;
        description, enterprise_id, campaign_id, department_id, park_id, responsible_person, responsible_staff_id,
        notes);
    if unchanged {
        return Ok(Done::Unchanged);
    }
    projects::update_project(db, actor, Change { id: p.id, expected_updated_at: None, fields }).await?;
    Ok(Done::Updated)
}

pub(super) async fn agreement_row(
    db: &sea_orm::DatabaseTransaction,
    actor: &Actor,
    catalogue: &Catalogue,
    mut row: Row<'_>,
) -> Result<Done, WriteError> {
    let name = row.required(h::PROJECT, MAX_NAME);
    let enterprise = find_enterprise(db, &mut row, false).await?;
    let kind = row.label::<AgreementKind>(h::KIND);
    if row.raw(h::KIND).is_none() {
        row.checks.add(h::KIND, Problem::Required);
    }
    let signed_on = row.date(h::SIGNED_ON);
    if row.raw(h::SIGNED_ON).is_none() {
        row.checks.add(h::SIGNED_ON, Problem::Required);
    }
    let total = row.money(h::TOTAL);
    if total.is_none() {
        row.checks.add(h::TOTAL, Problem::Required);
    }
    let foreign = row.money(h::FOREIGN_CAPITAL).unwrap_or_default();
    let increase = row.flag(h::INCREASE).unwrap_or(false);
    let campaign_id = row.named(h::CAMPAIGN, &catalogue.campaigns, Noun::Campaign);
    let project = if name.is_empty() {
        None
    } else {
        let found = projects_named(db, enterprise.as_ref().map(|e| e.id), &name).await?;
        if found.len() != 1 {
            row.checks.add(h::PROJECT, Problem::NotFound(Noun::Project));
        }
        found.into_iter().next()
    };
    row.checks.finish()?;
    let (Some(project), Some(kind), Some(signed_on), Some(total)) = (project, kind, signed_on, total) else {
        return Err(crate::service::write::refuse(h::PROJECT, Problem::Required));
    };

    let existing = agreement::Entity::find()
        .filter(agreement::Column::ProjectId.eq(project.id))
        .filter(agreement::Column::Kind.eq(kind))
        .filter(agreement::Column::SignedOn.eq(signed_on))
        .one(db)
        .await?;
    if let Some(a) = existing {
        // Agreements are records of what was signed: the API changes them only
        // by upgrading a framework agreement, and neither can an import.
        let mut checks = Checks::new();
        if a.total_investment_fen != total.fen() {
            checks.add(h::TOTAL, Problem::Exists(Noun::Agreement));
        }
        if a.foreign_capital_fen != foreign.fen() {
            checks.add(h::FOREIGN_CAPITAL, Problem::Exists(Noun::Agreement));
        }
        if a.is_increase != increase {
            checks.add(h::INCREASE, Problem::Exists(Noun::Agreement));
        }
        if campaign_id.is_some_and(|c| c != a.campaign_id) {
            checks.add(h::CAMPAIGN, Problem::Exists(Noun::Agreement));
        }
        checks.finish()?;
        return Ok(Done::Unchanged);
    }
    let cmd = RecordAgreement {
        project_id: project.id,
        kind,
        signed_on,
        total_investment: total,
        foreign_capital: foreign,
        campaign_id,
        event_id: None,
        is_increase: increase,
        incentive_ids: Vec::new(),
    };
    agreements::record_agreement(db, actor, cmd, None).await?;
    Ok(Done::Created)
}
