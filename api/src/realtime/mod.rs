//! Real time: the event bus that subscriptions read, and the webhook
//! deliverer. The WebSocket endpoint is HTTP's (`http::ws`).

pub mod bus;
pub mod deliver;
