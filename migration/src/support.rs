//! What migrations from 000007 on share: names for foreign keys and indexes,
//! and creating or dropping a list of tables with their indexes. (Earlier
//! migrations keep their own copies: a landed migration is never edited.)

use sea_orm_migration::prelude::*;

/// A foreign key `fk_<table>_<column>` to `target.id`; deleting the target is refused.
pub fn fk(table: &'static str, column: &'static str, target: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

/// An index `ix_<table>_<columns>`.
pub fn index(table: &'static str, columns: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!("ix_{table}_{}", columns.join("_"))).table(table);
    for c in columns {
        stmt.col(*c);
    }
    stmt.to_owned()
}

/// Tables with their indexes, in the order they are created.
pub type Tables = Vec<(TableCreateStatement, Vec<IndexCreateStatement>)>;

pub async fn create_all(manager: &SchemaManager<'_>, tables: Tables) -> Result<(), DbErr> {
    for (table, indexes) in tables {
        manager.create_table(table).await?;
        for index in indexes {
            manager.create_index(index).await?;
        }
    }
    Ok(())
}

/// Drops the tables in the reverse of their creation order.
pub async fn drop_all(manager: &SchemaManager<'_>, tables: Tables) -> Result<(), DbErr> {
    for (table, _) in tables.into_iter().rev() {
        let name = table.get_table_name().cloned().ok_or_else(|| DbErr::Migration("unnamed table".into()))?;
        manager.drop_table(Table::drop().table(name).to_owned()).await?;
    }
    Ok(())
}
