//! Indexes for the benchmark's filtered page and for text search.
//!
//! `(sector_id, stage, created_at, id)` serves a project list filtered by sector
//! and stage in its default order: the page is read in index order, and a text
//! condition is checked only on that sector's projects at that stage.
//!
//! On PostgreSQL, trigram GIN indexes (pg_trgm) on the folded names let
//! `search_name LIKE '%term%'` use an index for terms of three characters or
//! more, Chinese included. A trigram index cannot serve a two-character term
//! (it holds no whole trigram of it); those are served by the filters' indexes.
//! Where the extension cannot be created (no privilege), the trigram indexes are
//! skipped and searching still works, by scan.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000004_search_indexes"
    }
}

const TRIGRAM_TABLES: [&str; 3] = ["projects", "enterprises", "leads"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("ix_projects_sector_id_stage_created_at_id")
                    .table("projects")
                    .col("sector_id")
                    .col("stage")
                    .col("created_at")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            let db = manager.get_connection();
            db.execute_unprepared(
                "DO $$ BEGIN CREATE EXTENSION IF NOT EXISTS pg_trgm; \
                 EXCEPTION WHEN insufficient_privilege THEN \
                 RAISE NOTICE 'pg_trgm not available: text search runs without trigram indexes'; END $$",
            )
            .await?;
            for table in TRIGRAM_TABLES {
                db.execute_unprepared(&format!(
                    "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN \
                     CREATE INDEX IF NOT EXISTS ix_{table}_search_name_trgm ON {table} \
                     USING gin (search_name gin_trgm_ops); END IF; END $$"
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
            for table in TRIGRAM_TABLES {
                manager
                    .get_connection()
                    .execute_unprepared(&format!("DROP INDEX IF EXISTS ix_{table}_search_name_trgm"))
                    .await?;
            }
        }
        manager
            .drop_index(Index::drop().name("ix_projects_sector_id_stage_created_at_id").table("projects").to_owned())
            .await
    }
}
