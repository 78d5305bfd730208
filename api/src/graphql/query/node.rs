use async_graphql::{Context, ID, Object, Result};
use entity::partner;

use crate::error::AppError;
use crate::graphql::context::Ctx;
use crate::graphql::context::to_gql;
use crate::graphql::types::load;
use crate::graphql::types::node::{self, Node, Viewer};
use crate::graphql::types::partner::Partner;

/// Most ids `nodes` takes at once.
const MAX_NODES: usize = 100;

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Who is asking: role, and partner for a partner key.
    async fn viewer(&self, ctx: &Context<'_>) -> Result<Viewer> {
        let p = ctx.principal();
        let partner = load::<partner::Entity, _>(ctx, p.partner(), Partner).await?;
        Ok(Viewer { role: p.role.into(), partner })
    }

    /// The object with this global id; null if there is none or it is hidden from the caller.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        node::resolve(ctx, &id).await
    }

    /// The objects with these ids (at most 100), in the same order; null where
    /// there is none or it is hidden.
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> Result<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(to_gql(&AppError::Validation(format!("`nodes` takes at most {MAX_NODES} ids"))));
        }
        futures::future::try_join_all(ids.iter().map(|id| node::resolve(ctx, id))).await
    }
}
