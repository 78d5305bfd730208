//! Real time: the event bus shared by subscriptions, the WebSocket endpoint,
//! and the webhook deliverer.

pub mod bus;
pub mod deliver;
pub mod ws;
