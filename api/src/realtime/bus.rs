//! The event bus of one process: reads `domain_events` by id and broadcasts
//! each new event to this process's subscribers, once, in order.
//!
//! On PostgreSQL a `LISTEN zhaoshang_events` connection wakes it at every
//! commit that raised an event, in whichever process; after losing that
//! connection it reconnects and catches up from the table by id, so nothing is
//! lost and nothing is sent twice. On SQLite (one process) it polls the table
//! every 200 ms. On PostgreSQL a timer polls every second too, as a safety net.

use std::sync::Arc;
use std::time::Duration;

use entity::domain_event;
use sea_orm::{
    ColumnTrait, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sqlx::postgres::PgListener,
};
use tokio::sync::{Notify, broadcast};

use crate::service::outbox::CHANNEL;

/// An event as subscribers see it.
pub type Event = Arc<domain_event::Model>;

#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<Event>,
    wake: Arc<Notify>,
}

impl EventBus {
    /// Starts the bus's tasks; events raised from now on reach subscribers.
    pub async fn start(db: DatabaseConnection) -> EventBus {
        let (tx, _) = broadcast::channel(4096);
        let bus = EventBus { tx, wake: Arc::new(Notify::new()) };
        let last = domain_event::Entity::find()
            .select_only()
            .column_as(domain_event::Column::Id.max(), "max")
            .into_tuple::<Option<i64>>()
            .one(&db)
            .await
            .ok()
            .flatten()
            .flatten()
            .unwrap_or(0);
        let postgres = db.get_database_backend() == DatabaseBackend::Postgres;
        if postgres {
            tokio::spawn(listen(db.clone(), bus.wake.clone()));
        }
        // The poll is the safety net should LISTEN fail: within a second, so
        // that a revoked key stops in every process's key cache in time.
        let poll = if postgres { Duration::from_secs(1) } else { Duration::from_millis(200) };
        tokio::spawn(read(db, bus.tx.clone(), bus.wake.clone(), last, poll));
        bus
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }
}

/// Reads events after `last` whenever woken or polled, and broadcasts them.
async fn read(db: DatabaseConnection, tx: broadcast::Sender<Event>, wake: Arc<Notify>, mut last: i64, poll: Duration) {
    loop {
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(poll) => {}
        }
        loop {
            let batch = domain_event::Entity::find()
                .filter(domain_event::Column::Id.gt(last))
                .order_by_asc(domain_event::Column::Id)
                .limit(500)
                .all(&db)
                .await;
            let events = match batch {
                Ok(events) => events,
                Err(e) => {
                    tracing::warn!(error = %e, "event bus: reading events failed; retrying");
                    break;
                }
            };
            let full = events.len() == 500;
            for event in events {
                last = event.id;
                // No receiver is not an error: nobody subscribes right now.
                let _ = tx.send(Arc::new(event));
            }
            if !full {
                break;
            }
        }
    }
}

/// Holds a `LISTEN` connection; wakes the reader at each notification, and once
/// after every reconnection, to catch up with what was missed meanwhile.
async fn listen(db: DatabaseConnection, wake: Arc<Notify>) {
    let pool = db.get_postgres_connection_pool().clone();
    loop {
        match PgListener::connect_with(&pool).await {
            Ok(mut listener) => {
                if let Err(e) = listener.listen(CHANNEL).await {
                    tracing::warn!(error = %e, "event bus: LISTEN failed");
                } else {
                    wake.notify_one();
                    loop {
                        match listener.try_recv().await {
                            Ok(Some(_)) => wake.notify_one(),
                            Ok(None) => {
                                tracing::warn!("event bus: listener connection lost; reconnecting");
                                wake.notify_one();
                                break;
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "event bus: listener failed; reconnecting");
                                break;
                            }
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "event bus: cannot connect the listener; retrying"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
