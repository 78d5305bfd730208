//! The office's managed lists: sectors, parks and departments.

use sea_orm::Condition;

use super::filter::{all, search};

/// A filter on a plain named list.
#[derive(Debug, Default, Clone)]
pub struct NameFilter {
    pub search: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedOrderField {
    CreatedAt,
    Name,
}

/// `pub fn ordering(NamedOrderField, Direction)` for the entity of module `$m`,
/// whose rows have `created_at` and `name`.
macro_rules! named_ordering {
    ($m:ident) => {
        pub fn ordering(
            field: $crate::service::catalog::NamedOrderField,
            direction: $crate::service::pagination::Direction,
        ) -> $crate::service::pagination::Ordering<entity::$m::Entity> {
            use entity::$m::{Column, Model};
            use $crate::service::catalog::NamedOrderField;
            use $crate::service::pagination::{Ordering, SortKey};
            match field {
                NamedOrderField::CreatedAt => Ordering {
                    name: "CREATED_AT",
                    column: Column::CreatedAt,
                    direction,
                    key: |m: &Model| SortKey::Time(m.created_at),
                },
                NamedOrderField::Name => Ordering {
                    name: "NAME",
                    column: Column::Name,
                    direction,
                    key: |m: &Model| SortKey::Text(m.name.clone()),
                },
            }
        }
    };
}
pub(crate) use named_ordering;

macro_rules! named_list {
    ($m:ident) => {
        pub mod $m {
            use super::*;
            use entity::$m::Column;

            pub fn condition(f: &NameFilter) -> Option<Condition> {
                Some(all([search(Column::SearchName, f.search.as_deref())]))
            }

            named_ordering!($m);
        }
    };
}

named_list!(sector);
named_list!(park);
named_list!(department);
