//! Cost budgets: each key (the public: each client address) has a token bucket
//! of complexity points that refills continuously to its per-minute allowance.
//! A request is charged its computed complexity before it runs, and refunded
//! what it did not use once its answer is known.
//!
//! The buckets live in the process, or in Redis when `ZHAOSHANG_REDIS_URL` is
//! set, so that several processes share them. Each charge there is one Lua
//! script, atomic on the Redis server and timed by its clock. While Redis cannot
//! be reached the process falls back to its own buckets, says so in the log and
//! in `/metrics` (`zhaoshang_budget_fallback`), and tries Redis again shortly.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use chrono::{DateTime, Utc};
use entity::enums::Role;

use crate::auth::Principal;
use crate::config::Config;
use crate::graphql::extensions::Caller;

/// Past this many buckets, full ones are forgotten (a full bucket is the default).
const MAX_TRACKED: usize = 10_000;
/// How long a Redis call may take before the process uses its own budget.
const REDIS_TIMEOUT: Duration = Duration::from_millis(250);
/// After Redis failed, how long the process uses its own budget before trying again.
const REDIS_RETRY_AFTER: Duration = Duration::from_secs(5);

pub struct Budgets {
    enabled: bool,
    partner: u64,
    staff: u64,
    public: u64,
    trusted_proxies: Vec<IpAddr>,
    local: Local,
    shared: Option<Shared>,
}

/// What a request was charged, for `extensions.cost`.
#[derive(Debug, Clone, Copy)]
pub struct Charge {
    pub requested: u64,
    pub remaining: u64,
    pub reset_at: DateTime<Utc>,
}

/// The outcome of taking points from a bucket (negative points give them back).
enum Taken {
    Granted { remaining: u64, full_in: Duration },
    Refused { wait: Duration },
}

impl Budgets {
    pub fn new(config: &Config) -> Self {
        let shared = config.redis_url.as_deref().and_then(|url| match Shared::new(url, &config.redis_prefix) {
            Ok(s) => Some(s),
            Err(e) => {
                tracing::error!(error = %e, "ZHAOSHANG_REDIS_URL is not a valid Redis address; budgets stay in this process");
                crate::http::metrics::budget_fallback(true);
                None
            }
        });
        Budgets {
            enabled: config.budgets_enabled,
            partner: config.budget_partner,
            staff: config.budget_staff,
            public: config.budget_public,
            trusted_proxies: config.trusted_proxies.clone(),
            local: Local::default(),
            shared,
        }
    }

    /// Whose budget a request draws on, and its size per minute.
    pub fn caller(&self, principal: &Principal, peer: Option<SocketAddr>, headers: &HeaderMap) -> Caller {
        let (account, per_minute) = match (principal.role, principal.key_id) {
            (Role::Partner, Some(k)) => (format!("key:{k}"), self.partner),
            (Role::Admin | Role::Staff, Some(k)) => (format!("key:{k}"), self.staff),
            _ => (format!("ip:{}", self.client_address(peer, headers)), self.public),
        };
        Caller { account, per_minute }
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

    /// Takes `points` from the account's bucket (gives them back if negative),
    /// in Redis when it answers, else in this process.
    async fn take(&self, account: &str, per_minute: u64, points: i64) -> Taken {
        if let Some(shared) = &self.shared {
            if let Some(taken) = shared.take(account, per_minute, points).await {
                return taken;
            }
        }
        self.local.take(account, per_minute, points)
    }

    /// Takes `cost` points, or says how long until they are there.
    pub async fn charge(&self, account: &str, per_minute: u64, cost: u64) -> Result<Charge, Duration> {
        if !self.enabled {
            return Ok(Charge { requested: cost, remaining: per_minute, reset_at: Utc::now() });
        }
        match self.take(account, per_minute, i64::try_from(cost).unwrap_or(i64::MAX)).await {
            Taken::Granted { remaining, full_in } => Ok(Charge { requested: cost, remaining, reset_at: at(full_in) }),
            Taken::Refused { wait } => Err(wait.clamp(Duration::from_secs(1), Duration::from_secs(3600))),
        }
    }

    /// Gives back what a request was charged but did not use.
    pub async fn refund(&self, account: &str, per_minute: u64, points: u64) -> Option<(u64, DateTime<Utc>)> {
        if !self.enabled {
            return None;
        }
        match self.take(account, per_minute, -i64::try_from(points).unwrap_or(i64::MAX)).await {
            Taken::Granted { remaining, full_in } => Some((remaining, at(full_in))),
            Taken::Refused { .. } => None,
        }
    }
}

fn at(after: Duration) -> DateTime<Utc> {
    Utc::now() + chrono::Duration::from_std(after).unwrap_or_default()
}

/// Points per millisecond of a bucket that refills `per_minute` points a minute.
fn rate_per_ms(per_minute: u64) -> f64 {
    per_minute as f64 / 60_000.0
}

fn millis(ms: f64) -> Duration {
    Duration::from_millis(if ms.is_finite() { ms.max(0.0).ceil() as u64 } else { 3_600_000 })
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// The process's own buckets.
#[derive(Default)]
struct Local {
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl Local {
    fn refill(bucket: &mut Bucket, per_minute: u64, now: Instant) {
        let elapsed = now.duration_since(bucket.updated).as_secs_f64() * 1000.0;
        bucket.tokens = (bucket.tokens + elapsed * rate_per_ms(per_minute)).min(per_minute as f64);
        bucket.updated = now;
    }

    fn take(&self, account: &str, per_minute: u64, points: i64) -> Taken {
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
        let rate = rate_per_ms(per_minute);
        if points as f64 > bucket.tokens {
            return Taken::Refused { wait: millis((points as f64 - bucket.tokens) / rate) };
        }
        bucket.tokens = (bucket.tokens - points as f64).min(per_minute as f64);
        Taken::Granted { remaining: bucket.tokens as u64, full_in: millis((per_minute as f64 - bucket.tokens) / rate) }
    }
}

/// The same token bucket, kept in a Redis hash and updated by one script.
const TAKE_SCRIPT: &str = r#"
local cap = tonumber(ARGV[1])
local points = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = cap / 60000
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or cap
local last = tonumber(b[2]) or now
tokens = math.min(cap, tokens + math.max(0, now - last) * rate)
local function ms(x)
  if rate <= 0 then return 3600000 end
  return math.ceil(x / rate)
end
if points > tokens then
  return {0, math.floor(tokens), ms(points - tokens)}
end
tokens = math.min(cap, tokens - points)
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], ms(cap - tokens) + 1000)
return {1, math.floor(tokens), ms(cap - tokens)}
"#;

struct Shared {
    conn: redis::aio::ConnectionManager,
    script: redis::Script,
    prefix: String,
    /// Until when Redis is not tried again, after a failure.
    resting_until: Mutex<Option<Instant>>,
    degraded: AtomicBool,
}

impl Shared {
    fn new(url: &str, prefix: &str) -> redis::RedisResult<Shared> {
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(REDIS_TIMEOUT))
            .set_response_timeout(Some(REDIS_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(REDIS_TIMEOUT);
        let conn = redis::Client::open(url)?.get_connection_manager_lazy(config)?;
        Ok(Shared {
            conn,
            script: redis::Script::new(TAKE_SCRIPT),
            prefix: prefix.to_owned(),
            resting_until: Mutex::new(None),
            degraded: AtomicBool::new(false),
        })
    }

    /// The script's answer, or `None` when Redis did not give one in time.
    async fn take(&self, account: &str, per_minute: u64, points: i64) -> Option<Taken> {
        let resting = self.resting_until.lock().unwrap_or_else(|e| e.into_inner()).is_some_and(|t| Instant::now() < t);
        if resting {
            crate::http::metrics::budget_fallback_charge();
            return None;
        }
        let mut conn = self.conn.clone();
        let mut call = self.script.key(format!("{}:budget:{account}", self.prefix));
        call.arg(per_minute).arg(points);
        let answer: Result<(i64, u64, u64), String> =
            match tokio::time::timeout(REDIS_TIMEOUT * 2, call.invoke_async(&mut conn)).await {
                Ok(Ok(v)) => Ok(v),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err("timed out".into()),
            };
        match answer {
            Ok((granted, remaining, ms)) => {
                if self.degraded.swap(false, Ordering::Relaxed) {
                    tracing::info!("Redis answers again; cost budgets are shared once more");
                    crate::http::metrics::budget_fallback(false);
                }
                let ms = Duration::from_millis(ms);
                Some(if granted == 1 { Taken::Granted { remaining, full_in: ms } } else { Taken::Refused { wait: ms } })
            }
            Err(error) => {
                *self.resting_until.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some(Instant::now() + REDIS_RETRY_AFTER);
                if !self.degraded.swap(true, Ordering::Relaxed) {
                    tracing::warn!(%error, "Redis unreachable; cost budgets fall back to this process's own");
                    crate::http::metrics::budget_fallback(true);
                }
                crate::http::metrics::budget_fallback_charge();
                None
            }
        }
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

    #[tokio::test]
    async fn a_bucket_refuses_what_it_does_not_hold_and_says_when() {
        let b = budgets(600);
        assert_eq!(b.charge("ip:1", 600, 500).await.map(|c| c.remaining).ok(), Some(100));
        let wait = b.charge("ip:1", 600, 200).await.expect_err("over budget");
        // 100 points missing at 10 points a second.
        assert!((9..=11).contains(&wait.as_secs()), "{wait:?}");
        assert!(b.charge("ip:2", 600, 200).await.is_ok(), "another client has its own bucket");
    }

    #[tokio::test]
    async fn unused_points_are_given_back() {
        let b = budgets(600);
        b.charge("ip:1", 600, 600).await.expect("fits");
        assert_eq!(b.refund("ip:1", 600, 500).await.map(|r| r.0), Some(500));
    }
}
