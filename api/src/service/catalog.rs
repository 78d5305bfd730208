//! The office's managed lists: sectors, parks and departments.

use sea_orm::Condition;

use super::filter::{all, search};
use super::pagination::{Direction, Ordering, SortKey};

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

macro_rules! named_list {
    ($m:ident) => {
        pub mod $m {
            use super::*;
            use entity::$m::{Column, Entity, Model};

            pub fn condition(f: &NameFilter) -> Option<Condition> {
                Some(all([search(Column::SearchName, f.search.as_deref())]))
            }

            pub fn ordering(field: NamedOrderField, direction: Direction) -> Ordering<Entity> {
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
        }
    };
}

named_list!(sector);
named_list!(park);
named_list!(department);
