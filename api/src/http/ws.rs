//! `GET /graphql/ws`: subscriptions over `graphql-transport-ws`.
//!
//! The handshake is the project's own, so that it closes with the protocol's
//! codes (async-graphql-axum closes a refused `connection_init` with 1002):
//! 4408 when no `connection_init` arrives in time, 4400 for a first message that
//! is not one, 4403 for a missing or bad key and for a key revoked while
//! connected, 4429 past the connections a key may hold. The accepted
//! `connection_init` is then handed to async-graphql's protocol machine.
//! The server pings every 15 s; a client may hold at most a fixed number of
//! subscriptions at once on one connection.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_graphql::Data;
use async_graphql::http::{WebSocket as GqlWebSocket, WebSocketProtocols, WsMessage};
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::response::IntoResponse;
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};

use super::HttpState;
use crate::auth::{self, Principal};
use crate::graphql::context::{Language, RequestContext};
use crate::realtime::bus::EventBus;
use crate::service::outbox::KEY_REVOKED;

/// Seconds a client has to send `connection_init`.
const INIT_TIMEOUT: Duration = Duration::from_secs(10);
const PING_EVERY: Duration = Duration::from_secs(15);
/// Largest `connection_init`, read before the key is known.
const MAX_INIT_BYTES: usize = 8 * 1024;
/// Subscriptions one connection may hold at once.
pub const MAX_SUBSCRIPTIONS: usize = 20;
/// Connections one key may hold at once, in this process.
pub const MAX_CONNECTIONS_PER_KEY: usize = 10;

/// Open connections per key, in this process.
#[derive(Default)]
pub struct Connections(Mutex<HashMap<i64, usize>>);

struct Held {
    registry: Arc<Connections>,
    key: i64,
}

impl Connections {
    fn take(self: &Arc<Self>, key: i64) -> Option<Held> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let n = map.entry(key).or_default();
        if *n >= MAX_CONNECTIONS_PER_KEY {
            return None;
        }
        *n += 1;
        Some(Held { registry: self.clone(), key })
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut map = self.registry.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = map.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                map.remove(&self.key);
            }
        }
    }
}

pub async fn upgrade(
    State(state): State<HttpState>,
    ConnectInfo(_peer): ConnectInfo<std::net::SocketAddr>,
    ws: WebSocketUpgrade,
) -> impl IntoResponse {
    // A message (and a frame) is bounded as an HTTP body is.
    let max = state.app.config.max_body_bytes;
    ws.protocols(["graphql-transport-ws"])
        .max_message_size(max)
        .max_frame_size(max)
        .on_upgrade(move |socket| serve(state, socket))
}

/// A close frame. Its reason is cut to the 123 bytes a control frame leaves
/// for it (RFC 6455, section 5.5), at a character boundary: a reason that
/// quotes a client's subscription id could otherwise be any length.
fn close(code: u16, reason: &str) -> Message {
    const MAX_REASON: usize = 123;
    let mut end = reason.len().min(MAX_REASON);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    Message::Close(Some(CloseFrame { code, reason: Utf8Bytes::from(reason[..end].to_owned()) }))
}

/// `connection_init`'s payload `{ "authorization": "Bearer <key>" }`.
fn authorization(payload: &Value) -> Option<&str> {
    payload.get("authorization").or_else(|| payload.get("Authorization"))?.as_str()
}

async fn serve(state: HttpState, socket: WebSocket) {
    let (mut sink, mut stream) = socket.split();

    // 1. connection_init, in time, with a good key.
    let first = match tokio::time::timeout(INIT_TIMEOUT, stream.next()).await {
        Err(_) => {
            let _ = sink.send(close(4408, "Connection initialisation timeout")).await;
            return;
        }
        Ok(None) | Ok(Some(Err(_))) => return,
        Ok(Some(Ok(m))) => m,
    };
    let text = match &first {
        Message::Text(t) => t.to_string(),
        Message::Binary(b) => String::from_utf8_lossy(b).into_owned(),
        _ => String::new(),
    };
    if text.len() > MAX_INIT_BYTES {
        let _ = sink.send(close(4400, "connection_init too large")).await;
        return;
    }
    let init: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    if init["type"] != "connection_init" {
        let _ = sink.send(close(4400, "Expected connection_init")).await;
        return;
    }
    // Revocations are followed from before the key is checked, so that none
    // falls between the check and the subscription.
    let bus = state.bus.clone();
    let mut revocations = bus.subscribe();
    // Subscriptions need a key: without one, or with a bad one, 4403. Read
    // from the database, not the process's cache: a socket lives long.
    let principal = match auth::authenticate(&state.app.db, authorization(&init["payload"])).await {
        Ok(p) if p.key_id.is_some() => p,
        _ => {
            let _ = sink.send(close(4403, "Forbidden")).await;
            return;
        }
    };
    let key_id = principal.key_id.unwrap_or_default();
    // Kept to look at the key again should revocation events be missed.
    let key_header = authorization(&init["payload"]).unwrap_or_default().to_owned();
    let Some(_held) = state.connections.take(key_id) else {
        let _ = sink.send(close(4429, "Too many connections for this key")).await;
        return;
    };

    // 2. The protocol machine, fed the accepted init and then the client's messages.
    let (inject_tx, mut inject_rx) = tokio::sync::mpsc::unbounded_channel::<Message>();
    let active: Arc<Mutex<HashSet<String>>> = Arc::default();
    let incoming = {
        let active = active.clone();
        let inject = inject_tx.clone();
        futures::stream::once(async move { text }).chain(stream.filter_map(move |m| {
            let out = match m {
                Ok(Message::Text(t)) => admit(t.to_string(), &active, &inject),
                Ok(Message::Binary(b)) => admit(String::from_utf8_lossy(&b).into_owned(), &active, &inject),
                _ => None,
            };
            async move { out }
        }))
    };
    let data = connection_data(&state, principal.clone(), bus);
    let mut protocol = Box::pin(
        GqlWebSocket::new(state.schema.clone(), incoming, WebSocketProtocols::GraphQLWS)
            .on_connection_init(move |_| async move { Ok(data) }),
    );
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    // An expiring key closes the socket when it expires, as a revoked one does.
    let expiry = async move {
        match principal.expires_at.map(|t| (t - chrono::Utc::now()).to_std().unwrap_or_default()) {
            Some(left) => tokio::time::sleep(left).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(expiry);

    // 3. Forward, until either side closes or the key is revoked or expires.
    loop {
        tokio::select! {
            out = protocol.next() => match out {
                Some(WsMessage::Text(t)) => {
                    finished(&t, &active);
                    if !send_within(&mut sink, Message::Text(t.into())).await {
                        break;
                    }
                }
                Some(WsMessage::Close(code, reason)) => {
                    let _ = sink.send(close(code, &reason)).await;
                    break;
                }
                None => break,
            },
            Some(m) = inject_rx.recv() => {
                let closing = matches!(m, Message::Close(_));
                if !send_within(&mut sink, m).await || closing {
                    break;
                }
            }
            event = revocations.recv() => match event {
                Ok(e) if e.kind == KEY_REVOKED && e.key_id == Some(key_id) => {
                    let _ = sink.send(close(4403, "Forbidden: the key was revoked")).await;
                    break;
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                // Events were missed (a slow reader): a revocation may be among
                // them, so the key is looked at again.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    if !auth::authenticate(&state.app.db, Some(&key_header)).await.is_ok_and(|p| p.key_id == Some(key_id)) {
                        let _ = sink.send(close(4403, "Forbidden: the key was revoked")).await;
                        break;
                    }
                }
                _ => {}
            },
            _ = &mut expiry => {
                let _ = sink.send(close(4403, "Forbidden: the key expired")).await;
                break;
            }
            _ = ping.tick() => {
                if !send_within(&mut sink, Message::Text(json!({ "type": "ping" }).to_string().into())).await {
                    break;
                }
            }
        }
    }
}

/// How long a message may wait for a client that does not read.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// Sends `message`; false when the socket failed or the client did not take
/// it in time (the connection is then closed: a reader that stops must not
/// hold the loop, and with it revocations, back).
async fn send_within<S>(sink: &mut S, message: Message) -> bool
where
    S: futures::Sink<Message> + Unpin,
{
    matches!(tokio::time::timeout(SEND_TIMEOUT, sink.send(message)).await, Ok(Ok(())))
}

/// Lets a client message through, if the protocol allows it: a `subscribe`
/// past the cap gets that subscription's `error` instead; a `subscribe` whose
/// id is in use closes the socket with 4409, a second `connection_init` with
/// 4429, and any message type that `graphql-transport-ws` does not define
/// (the legacy `start` and `stop` among them) with 4400, as the protocol says.
fn admit(
    text: String,
    active: &Mutex<HashSet<String>>,
    inject: &tokio::sync::mpsc::UnboundedSender<Message>,
) -> Option<String> {
    let msg: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let id = msg["id"].as_str().map(str::to_owned);
    let mut active = active.lock().unwrap_or_else(|e| e.into_inner());
    let refuse = |code: u16, reason: &str| {
        let _ = inject.send(close(code, reason));
        None
    };
    match (msg["type"].as_str(), id) {
        (Some("subscribe"), Some(id)) if active.contains(&id) => {
            refuse(4409, &format!("Subscriber for {id} already exists"))
        }
        (Some("subscribe"), Some(id)) if active.len() >= MAX_SUBSCRIPTIONS => {
            let error = json!({
                "id": id,
                "type": "error",
                "payload": [{
                    "message": format!("at most {MAX_SUBSCRIPTIONS} subscriptions per connection"),
                    "extensions": { "code": crate::error::ErrorCode::RateLimited.as_str() }
                }]
            });
            let _ = inject.send(Message::Text(error.to_string().into()));
            None
        }
        (Some("subscribe"), Some(id)) => {
            active.insert(id);
            Some(text)
        }
        (Some("complete"), Some(id)) => {
            active.remove(&id);
            Some(text)
        }
        (Some("ping" | "pong"), _) => Some(text),
        (Some("connection_init"), _) => refuse(4429, "Too many initialisation requests"),
        _ => refuse(4400, "Invalid message"),
    }
}

/// Forgets a subscription the server ended.
fn finished(text: &str, active: &Mutex<HashSet<String>>) {
    if !(text.contains("\"complete\"") || text.contains("\"error\"")) {
        return;
    }
    let msg: Value = serde_json::from_str(text).unwrap_or(Value::Null);
    if matches!(msg["type"].as_str(), Some("complete" | "error"))
        && let Some(id) = msg["id"].as_str()
    {
        active.lock().unwrap_or_else(|e| e.into_inner()).remove(id);
    }
}

/// What the subscription resolvers reach: the principal (through a request
/// context whose loader runs without the gate) and the event bus.
fn connection_data(state: &HttpState, principal: Principal, bus: EventBus) -> Data {
    let mut data = Data::default();
    // Every operation on the socket is charged to the key's budget, as over HTTP.
    data.insert(state.budgets.caller(&principal, None, &axum::http::HeaderMap::new()));
    data.insert(RequestContext::open(&state.app, principal, None, Language::Chinese));
    data.insert(bus);
    data
}
