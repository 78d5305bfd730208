//! Descriptions of the arguments that mean the same on every field they
//! appear on (`first`, `after`, `filter`, `input`, …), given once here rather
//! than on each of some 250 resolver parameters. An argument described at
//! its resolver keeps its own description.

use async_graphql::registry::{MetaType, Registry};

/// The description of an argument by its name, where the name says it all.
fn describe(name: &str) -> Option<&'static str> {
    Some(match name {
        "first" => {
            "Read forwards: at most this many items from the start of the list, or after `after`. 0 to 100 \
             (more is GRAPHQL_VALIDATION_FAILED, never clamped); 20 when neither `first` nor `last` is given. \
             Not with `last`."
        }
        "after" => {
            "A cursor (`edges.cursor` or `pageInfo.endCursor`) from this kind of list with the same `orderBy` \
             field and direction: the items after it. Any other cursor is GRAPHQL_VALIDATION_FAILED."
        }
        "last" => {
            "Read backwards: at most this many items from the end of the list, or before `before`. 0 to 100. \
             Not with `first`."
        }
        "before" => "A cursor from this kind of list with the same `orderBy` field and direction: the items before it.",
        "filter" => "Only the items matching every field given (the fields combine with AND); all when absent.",
        "orderBy" => "The field to order by and the direction; newest first (`CREATED_AT`, `DESC`) when absent.",
        "input" => "The mutation's input: see the input type's fields.",
        "id" => "A global id, as an object's `id` field gives it.",
        "ids" => "Global ids, at most 100; the answer keeps their order, with null for each id not visible.",
        "partnerId" => "A partner's global id.",
        "campaignId" => "A campaign's global id.",
        "webhookId" => "A webhook's global id.",
        _ => return None,
    })
}

/// Fills in the description of every undescribed field argument whose name
/// [`describe`] knows.
pub fn describe_arguments(registry: &mut Registry) {
    for ty in registry.types.values_mut() {
        let fields = match ty {
            MetaType::Object { fields, .. } | MetaType::Interface { fields, .. } => fields,
            _ => continue,
        };
        for field in fields.values_mut() {
            for (name, arg) in field.args.iter_mut() {
                if arg.description.is_none() {
                    arg.description = describe(name).map(str::to_owned);
                }
            }
        }
    }
}
