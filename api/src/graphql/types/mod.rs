//! The schema's object, input and enum types. Each object wraps an entity row;
//! its nested fields go through the request's loader.

/// Declares `<Type>Order { field: <Type>OrderField, direction }` for a list.
macro_rules! order_input {
    ($order:ident, $field:ident, $what:literal, $(remote = $remote:literal,)? [$($(#[$doc:meta])* $variant:ident),* $(,)?]) => {
        #[doc = concat!("Fields ", $what, " can be ordered by.")]
        #[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq)]
        $(#[graphql(remote = $remote)])?
        pub enum $field {
            $($(#[$doc])* $variant,)*
        }

        #[doc = concat!("How to order ", $what, ".")]
        #[derive(async_graphql::InputObject, Clone, Copy)]
        pub struct $order {
            #[doc = "The field to order by."]
            pub field: $field,
            #[doc = "The direction; newest or largest first by default."]
            #[graphql(default)]
            pub direction: $crate::graphql::types::OrderDirection,
        }
    };
}

pub mod agreement;
pub mod audit;
pub mod campaign;
pub mod catalog;
pub mod enterprise;
pub mod enums;
pub mod file;
pub mod follow_up;
pub mod geo;
pub mod health;
pub mod incentive;
pub mod material;
pub mod node;
pub mod partner;
pub mod project;
pub mod report;
pub mod service_request;
pub mod staff_member;

use async_graphql::{Enum, InputObject};

use crate::service::pagination::{Direction, PageRequest};

pub fn page(first: Option<i32>, after: Option<String>, last: Option<i32>, before: Option<String>) -> PageRequest {
    PageRequest { first, after, last, before }
}

/// The direction of an ordering.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum OrderDirection {
    /// Smallest, earliest or first in the alphabet first.
    Asc,
    /// Largest, latest or last in the alphabet first.
    #[default]
    Desc,
}

impl From<OrderDirection> for Direction {
    fn from(d: OrderDirection) -> Self {
        match d {
            OrderDirection::Asc => Direction::Asc,
            OrderDirection::Desc => Direction::Desc,
        }
    }
}

/// Declares the order of a list of named things, and its service equivalent.
macro_rules! named_order_input {
    ($order:ident, $field:ident, $what:literal) => {
        order_input!(
            $order,
            $field,
            $what,
            [
                /// When the item was created.
                CreatedAt,
                /// The name, in the database's collation.
                Name,
            ]
        );

        impl From<$field> for crate::service::catalog::NamedOrderField {
            fn from(f: $field) -> Self {
                match f {
                    $field::CreatedAt => Self::CreatedAt,
                    $field::Name => Self::Name,
                }
            }
        }
    };
}

named_order_input!(SectorOrder, SectorOrderField, "sectors");
named_order_input!(ParkOrder, ParkOrderField, "parks");
named_order_input!(DepartmentOrder, DepartmentOrderField, "departments");
named_order_input!(PartnerOrder, PartnerOrderField, "partners");
named_order_input!(StaffMemberOrder, StaffMemberOrderField, "staff members");
order_input!(
    LeadOrder,
    LeadOrderField,
    "leads",
    [
        /// When the lead was submitted.
        CreatedAt
    ]
);
order_input!(
    ApiKeyOrder,
    ApiKeyOrderField,
    "API keys",
    [
        /// When the key was created.
        CreatedAt
    ]
);
order_input!(
    AuditEntryOrder,
    AuditEntryOrderField,
    "audit entries",
    [
        /// When the change was made.
        CreatedAt
    ]
);

/// A filter on a list of named things.
#[derive(InputObject, Default, Clone)]
pub struct NameFilter {
    /// Text in the name: Chinese or Latin, case-insensitive for Latin letters.
    pub search: Option<String>,
}

impl From<&NameFilter> for crate::service::catalog::NameFilter {
    fn from(f: &NameFilter) -> Self {
        Self { search: f.search.clone() }
    }
}

/// Resolves a global id given in a filter: `Ok(None)` when absent, `Err(())`
/// when it names nothing of that type (the filter then matches nothing).
pub use super::ids::filter_id;

use async_graphql::{Context, Result};

use super::context::{Ctx, OrGql};
use super::loaders::ById;
use crate::service::pagination::Keyed;
use crate::service::visibility::Visible;

/// The row `id` of `E` through the request's loader, or None where it is absent
/// or hidden from the caller.
pub async fn load<E, T>(ctx: &Context<'_>, id: Option<i64>, wrap: impl FnOnce(E::Model) -> T) -> Result<Option<T>>
where
    E: Visible + Keyed + Send + Sync,
    E::Model: Clone + Send + Sync,
{
    let Some(id) = id else { return Ok(None) };
    Ok(ctx.loader().load_one(ById::<E>::new(id)).await.gql()?.map(wrap))
}
