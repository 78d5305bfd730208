//! Cost budgets: each key (the public: each client address) has a token bucket
//! of complexity points that refills continuously to its per-minute allowance.
//! A request is charged its computed complexity before it runs, and refunded
//! what it did not use once its answer is known.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use entity::enums::Role;

use crate::auth::Principal;
use crate::config::Config;

/// Past this many buckets, full ones are forgotten (a full bucket is the default).
const MAX_TRACKED: usize = 10_000;

struct Bucket {
    tokens: f64,
    updated: Instant,
}

pub struct Budgets {
    enabled: bool,
    partner: u64,
    staff: u64,
    public: u64,
    trusted_proxies: Vec<IpAddr>,
    buckets: Mutex<HashMap<String, Bucket>>,
}

/// What a request was charged, for `extensions.cost`.
#[derive(Debug, Clone, Copy)]
pub struct Charge {
    pub requested: u64,
    pub remaining: u64,
    pub reset_at: DateTime<Utc>,
}

impl Budgets {
    pub fn new(config: &Config) -> Self {
        Budgets {
            enabled: config.budgets_enabled,
            partner: config.budget_partner,
            staff: config.budget_staff,
            public: config.budget_public,
            trusted_proxies: config.trusted_proxies.clone(),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Whose budget a request draws on, and its size per minute.
    pub fn account(&self, principal: &Principal, peer: Option<SocketAddr>, headers: &HeaderMap) -> (String, u64) {
        match (principal.role, principal.key_id) {
            (Role::Partner, Some(k)) => (format!("key:{k}"), self.partner),
            (Role::Admin | Role::Staff, Some(k)) => (format!("key:{k}"), self.staff),
            _ => (format!("ip:{}", self.client_address(peer, headers)), self.public),
        }
    }

    /// The client's address: the peer's, or, behind a trusted proxy, the last
    /// address in `X-Forwarded-For` that is not itself a trusted proxy.
    fn client_address(&self, peer: Option<SocketAddr>, headers: &HeaderMap) -> String {
        let peer_ip = peer.map(|p| p.ip());
        if peer_ip.is_some_and(|ip| self.trusted_proxies.contains(&ip)) {
            let forwarded = headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()).unwrap_or("");
            let hops: Vec<IpAddr> = forwarded.split(',').filter_map(|s| s.trim().parse().ok()).collect();
            if let Some(client) = hops.iter().rev().find(|ip| !self.trusted_proxies.contains(ip)) {
                return client.to_string();
            }
        }
        peer_ip.map(|ip| ip.to_string()).unwrap_or_else(|| "unknown".into())
    }

    fn refill(bucket: &mut Bucket, per_minute: u64, now: Instant) {
        let rate = per_minute as f64 / 60.0;
        let elapsed = now.duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(per_minute as f64);
        bucket.updated = now;
    }

    fn reset_at(tokens: f64, per_minute: u64) -> DateTime<Utc> {
        let rate = per_minute as f64 / 60.0;
        let secs = if rate > 0.0 { ((per_minute as f64 - tokens).max(0.0) / rate).ceil() } else { 0.0 };
        Utc::now() + chrono::Duration::seconds(secs as i64)
    }

    /// Takes `cost` points, or says how long until they are there.
    pub fn charge(&self, account: &str, per_minute: u64, cost: u64) -> Result<Charge, Duration> {
        if !self.enabled {
            return Ok(Charge { requested: cost, remaining: per_minute, reset_at: Utc::now() });
        }
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > MAX_TRACKED {
            buckets.retain(|_, b| {
                Self::refill(b, per_minute, now);
                b.tokens < per_minute as f64
            });
        }
        let bucket = buckets.entry(account.to_owned()).or_insert(Bucket { tokens: per_minute as f64, updated: now });
        Self::refill(bucket, per_minute, now);
        if bucket.tokens < cost as f64 {
            let rate = per_minute as f64 / 60.0;
            let wait = if rate > 0.0 { (cost as f64 - bucket.tokens) / rate } else { 60.0 };
            return Err(Duration::from_secs_f64(wait.clamp(1.0, 3600.0)));
        }
        bucket.tokens -= cost as f64;
        Ok(Charge {
            requested: cost,
            remaining: bucket.tokens as u64,
            reset_at: Self::reset_at(bucket.tokens, per_minute),
        })
    }

    /// Gives back what a request was charged but did not use.
    pub fn refund(&self, account: &str, per_minute: u64, points: u64) -> Option<(u64, DateTime<Utc>)> {
        if !self.enabled {
            return None;
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let bucket = buckets.get_mut(account)?;
        bucket.tokens = (bucket.tokens + points as f64).min(per_minute as f64);
        Some((bucket.tokens as u64, Self::reset_at(bucket.tokens, per_minute)))
    }
}

/// How many objects a response holds: the `actual` cost by the same measure as
/// the complexity charged up front.
pub fn count_objects(value: &async_graphql::Value) -> u64 {
    match value {
        async_graphql::Value::Object(map) => 1 + map.values().map(count_objects).sum::<u64>(),
        async_graphql::Value::List(items) => items.iter().map(count_objects).sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budgets(per_minute: u64) -> Budgets {
        let mut c = Config::with_database("sqlite::memory:");
        c.budget_public = per_minute;
        Budgets::new(&c)
    }

    #[test]
    fn a_bucket_refuses_what_it_does_not_hold_and_says_when() {
        let b = budgets(600);
        assert_eq!(b.charge("ip:1", 600, 500).map(|c| c.remaining).ok(), Some(100));
        let wait = b.charge("ip:1", 600, 200).expect_err("over budget");
        // 100 points missing at 10 points a second.
        assert!((9..=11).contains(&wait.as_secs()), "{wait:?}");
        assert!(b.charge("ip:2", 600, 200).is_ok(), "another client has its own bucket");
    }

    #[test]
    fn unused_points_are_given_back() {
        let b = budgets(600);
        b.charge("ip:1", 600, 600).expect("fits");
        assert_eq!(b.refund("ip:1", 600, 500).map(|r| r.0), Some(500));
    }

    #[test]
    fn the_response_size_counts_objects() {
        let v = async_graphql::Value::from_json(serde_json::json!({ "a": { "b": [{ "c": 1 }, { "c": 2 }] } })).unwrap();
        assert_eq!(count_objects(&v), 4);
    }
}
