//! The cost budget: an operation is charged its measured complexity once it
//! has passed validation, before it runs (a subscription when it is opened);
//! a query or mutation is then refunded what its answer did not use, and its
//! response carries `extensions.cost { requested actual remaining resetAt }`.
//! Over budget, the operation is refused with `RATE_LIMITED` and the
//! operation's record says how long to wait.

use std::sync::{Arc, Mutex};

use async_graphql::extensions::{Extension, ExtensionContext, NextExecute, NextValidation};
use async_graphql::{Response, ServerError, ValidationResult, Value};
use serde_json::json;

use super::{Caller, Operation};
use crate::budget::{Budgets, Charge};
use crate::error::ErrorCode;

pub struct Cost {
    budgets: Arc<Budgets>,
}

impl Cost {
    pub fn new(budgets: Arc<Budgets>) -> Self {
        Cost { budgets }
    }
}

impl Cost {
    /// The policy's state for one request.
    pub(super) fn create(&self) -> CostExtension {
        CostExtension { budgets: self.budgets.clone(), charged: Mutex::new(None) }
    }
}

pub(super) struct CostExtension {
    budgets: Arc<Budgets>,
    charged: Mutex<Option<(Caller, Charge)>>,
}

#[async_trait::async_trait]
impl Extension for CostExtension {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        let (Some(caller), Some(op)) = (ctx.data_opt::<Caller>(), ctx.data_opt::<Arc<Operation>>()) else {
            // Nobody to charge: the CLI's own operations.
            return Ok(result);
        };
        let requested = op.measure().map_or(0, |m| m.complexity);
        match self.budgets.charge(&caller.account, caller.per_minute, requested).await {
            Ok(charge) => {
                *self.charged.lock().unwrap_or_else(|e| e.into_inner()) = Some((caller.clone(), charge));
                Ok(result)
            }
            Err(wait) => {
                let _ = op.retry_after.set(wait);
                Err(vec![ErrorCode::RateLimited.error(format!(
                    "over the budget of {} points a minute; retry in {} s",
                    caller.per_minute,
                    wait.as_secs()
                ))])
            }
        }
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        let charged = self.charged.lock().unwrap_or_else(|e| e.into_inner()).take();
        let Some((caller, charge)) = charged else { return response };
        // The root `data` object is not counted, as in the complexity.
        let actual = count_objects(&response.data).saturating_sub(1);
        let (account, per_minute) = (&caller.account, caller.per_minute);
        let after = if actual < charge.requested {
            self.budgets.refund(account, per_minute, charge.requested - actual).await
        } else if actual > charge.requested {
            // Answered more than was measured: the difference is owed too.
            self.budgets
                .charge(account, per_minute, actual - charge.requested)
                .await
                .ok()
                .map(|c| (c.remaining, c.reset_at))
        } else {
            None
        };
        let (remaining, reset_at) = after.unwrap_or((charge.remaining, charge.reset_at));
        let cost = json!({
            "requested": charge.requested,
            "actual": actual,
            "remaining": remaining,
            "resetAt": reset_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        });
        response.extensions.insert("cost".into(), Value::from_json(cost).unwrap_or_default());
        response
    }
}

/// How many objects a response holds, by the measure the complexity uses: every
/// object counts 1, except the edge objects of a connection's `edges` (their
/// nodes count).
pub fn count_objects(value: &Value) -> u64 {
    fn objects(value: &Value, is_edge: bool) -> u64 {
        match value {
            Value::Object(map) => {
                let own = u64::from(!is_edge);
                map.iter().fold(own, |n, (k, v)| n.saturating_add(objects(v, k.as_str() == "edges")))
            }
            Value::List(items) => items.iter().fold(0u64, |n, v| n.saturating_add(objects(v, is_edge))),
            _ => 0,
        }
    }
    objects(value, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_response_size_counts_objects_but_not_edges() {
        let v = Value::from_json(json!({ "a": { "b": [{ "c": 1 }, { "c": 2 }] } })).unwrap();
        assert_eq!(count_objects(&v), 4);
        let v = Value::from_json(json!({ "p": { "edges": [{ "cursor": "x", "node": { "id": 1 } }] } })).unwrap();
        assert_eq!(count_objects(&v), 3);
    }
}
