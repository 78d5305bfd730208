//! Raising events. An event is written to `domain_events` inside the change's
//! transaction, with one queued webhook delivery per webhook that wants it (the
//! outbox): a rolled-back change raises nothing, a committed one loses nothing.
//!
//! On PostgreSQL the raising transactions are serialised by a transaction-level
//! advisory lock, so that event ids become visible in id order (a reader that
//! has seen id N never later finds an N-1), and `NOTIFY zhaoshang_events` with
//! the id wakes every process's event bus at commit.

use chrono::{DateTime, Utc};
use entity::enums::{LeadStatus, ProjectStage};
use entity::{agreement, domain_event, lead, project, webhook, webhook_delivery};
use sea_orm::ActiveValue::Set;
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, EntityTrait, QueryFilter,
    Statement,
};
use serde_json::{Value, json};

use super::tx::now;
use crate::domain::money::Money;

/// The PostgreSQL channel that carries new event ids.
pub const CHANNEL: &str = "zhaoshang_events";
/// Key of the advisory lock that orders event-raising transactions.
const ORDER_LOCK: i64 = 0x7a68_6576_656e_7473;

/// What partners can hear of, by webhook or subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    LeadStatusChanged,
    AgreementRecorded,
    ProjectStageChanged,
}

impl EventKind {
    pub const ALL: [EventKind; 3] =
        [EventKind::LeadStatusChanged, EventKind::AgreementRecorded, EventKind::ProjectStageChanged];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::LeadStatusChanged => "LEAD_STATUS_CHANGED",
            EventKind::AgreementRecorded => "AGREEMENT_RECORDED",
            EventKind::ProjectStageChanged => "PROJECT_STAGE_CHANGED",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The internal event that tells every process to close a key's sockets.
pub const KEY_REVOKED: &str = "KEY_REVOKED";

async fn insert<C: ConnectionTrait>(
    db: &C,
    kind: &str,
    partner_id: Option<i64>,
    campaign_id: Option<i64>,
    key_id: Option<i64>,
    data: Value,
) -> Result<domain_event::Model, DbErr> {
    let backend = db.get_database_backend();
    if backend == DatabaseBackend::Postgres {
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            "SELECT pg_advisory_xact_lock($1)",
            [ORDER_LOCK.into()],
        ))
        .await?;
    }
    let t = now();
    let event = domain_event::ActiveModel {
        kind: Set(kind.to_owned()),
        partner_id: Set(partner_id),
        campaign_id: Set(campaign_id),
        key_id: Set(key_id),
        data: Set(data.to_string()),
        occurred_at: Set(t),
        ..Default::default()
    }
    .insert(db)
    .await?;
    // The outbox: a delivery for each of the partner's webhooks that wants it.
    if let Some(partner) = partner_id {
        let hooks = webhook::Entity::find()
            .filter(webhook::Column::PartnerId.eq(partner))
            .filter(webhook::Column::DeletedAt.is_null())
            .all(db)
            .await?;
        for hook in hooks.iter().filter(|h| h.events.split(',').any(|e| e == kind)) {
            webhook_delivery::ActiveModel {
                webhook_id: Set(hook.id),
                event_id: Set(event.id),
                status: Set(super::webhook::PENDING.into()),
                attempts: Set(0),
                next_attempt_at: Set(t),
                created_at: Set(t),
                updated_at: Set(t),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    if backend == DatabaseBackend::Postgres {
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), event.id.to_string().into()],
        ))
        .await?;
    }
    Ok(event)
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A lead's status changed; its partner may hear of it.
pub async fn lead_status_changed<C: ConnectionTrait>(
    db: &C,
    before: LeadStatus,
    after: &lead::Model,
) -> Result<(), DbErr> {
    if before == after.status {
        return Ok(());
    }
    let data = json!({
        "leadId": after.id,
        "partnerId": after.partner_id,
        "status": after.status.to_value(),
        "previousStatus": before.to_value(),
        "changedAt": time(after.updated_at),
    });
    insert(db, EventKind::LeadStatusChanged.as_str(), Some(after.partner_id), None, None, data).await.map(|_| ())
}

/// A project moved; the partner whose lead it came from may hear of it.
pub async fn project_stage_changed<C: ConnectionTrait>(
    db: &C,
    before: ProjectStage,
    after: &project::Model,
) -> Result<(), DbErr> {
    if before == after.stage {
        return Ok(());
    }
    let data = json!({
        "projectId": after.id,
        "stage": after.stage.to_value(),
        "previousStage": before.to_value(),
        "changedAt": time(after.updated_at),
    });
    let kind = EventKind::ProjectStageChanged.as_str();
    insert(db, kind, after.source_partner_id, after.campaign_id, None, data).await.map(|_| ())
}

/// An agreement was recorded for `project`.
pub async fn agreement_recorded<C: ConnectionTrait>(
    db: &C,
    a: &agreement::Model,
    project: &project::Model,
) -> Result<(), DbErr> {
    let data = json!({
        "agreementId": a.id,
        "projectId": a.project_id,
        "campaignId": a.campaign_id,
        "kind": a.kind.to_value(),
        "signedOn": a.signed_on,
        "totalInvestment": Money::from_fen(a.total_investment_fen).to_string(),
        "foreignCapital": Money::from_fen(a.foreign_capital_fen).to_string(),
        "isIncrease": a.is_increase,
    });
    let kind = EventKind::AgreementRecorded.as_str();
    insert(db, kind, project.source_partner_id, Some(a.campaign_id), None, data).await.map(|_| ())
}

/// A key was revoked: every process closes its sockets.
pub async fn key_revoked<C: ConnectionTrait>(db: &C, key_id: i64) -> Result<(), DbErr> {
    insert(db, KEY_REVOKED, None, None, Some(key_id), json!({})).await.map(|_| ())
}
