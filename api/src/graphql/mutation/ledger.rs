//! Ledger imports (台账导入): `importLedger` (staff), a GraphQL multipart
//! upload of an .xlsx or CSV ledger in the layout `GET /exports/….xlsx` writes.

use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject, Upload};

use super::{Need, UserError, UserErrorCode, need, settle};
use crate::graphql::context::Ctx;
use crate::ledger::Ledger;
use crate::ledger::import::{self, FileError, Outcome};
use crate::service::write::{Problem, WriteError, refuse};

/// A ledger `importLedger` reads.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum LedgerKind {
    /// 企业台账: matched by USCC, else by normalised name.
    Enterprises,
    /// 项目台账: matched by enterprise and project name.
    Projects,
    /// 签约台账: matched by project, kind and signing date.
    Agreements,
}

impl From<LedgerKind> for Ledger {
    fn from(k: LedgerKind) -> Ledger {
        match k {
            LedgerKind::Enterprises => Ledger::Enterprises,
            LedgerKind::Projects => Ledger::Projects,
            LedgerKind::Agreements => Ledger::Agreements,
        }
    }
}

/// A ledger to import.
#[derive(InputObject)]
pub struct ImportLedgerInput {
    /// The client's own id for this mutation.
    pub client_mutation_id: Option<String>,
    /// Which ledger the file is.
    pub kind: LedgerKind,
    /// The file: .xlsx, or CSV in UTF-8 (with or without a byte-order mark) or
    /// GB18030, with the export's headers (`?template=true` gives them).
    pub file: Upload,
    /// Check every row and count what would change, writing nothing.
    #[graphql(default)]
    pub dry_run: bool,
}

/// A problem on one row of an imported ledger; that row wrote nothing.
#[derive(SimpleObject)]
pub struct RowError {
    /// The row number as the spreadsheet shows it (the header is row 1).
    pub row: i32,
    /// The column's header, when the problem is in one cell.
    pub column: Option<String>,
    /// What is wrong, for scripts.
    pub code: UserErrorCode,
    /// What is wrong, in Simplified Chinese (English with `Accept-Language: en`).
    pub message: String,
}

/// The answer to `importLedger`: rows counted by what happened to them. Rows
/// with errors wrote nothing; the others were written (unless `dryRun`).
#[derive(SimpleObject, Default)]
pub struct ImportLedgerPayload {
    /// The client's own id for this mutation, echoed.
    pub client_mutation_id: Option<String>,
    /// Rows that held anything.
    pub rows_read: i32,
    /// Rows that created an object.
    pub rows_created: i32,
    /// Rows that changed an existing object (only the cells that differ).
    pub rows_updated: i32,
    /// Rows that matched an existing object with nothing to change.
    pub rows_unchanged: i32,
    /// The problems, row by row.
    pub row_errors: Vec<RowError>,
    /// What was wrong with the file as a whole; empty when it was read.
    pub user_errors: Vec<UserError>,
}

fn count(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

#[derive(Default)]
pub struct LedgerMutation;

#[Object]
impl LedgerMutation {
    /// Staff import a department's ledger: every row checked and written by
    /// the mutations' own rules, each row on its own (a row with errors writes
    /// nothing), existing objects matched by natural key so that the same file
    /// twice changes nothing the second time. Changes are audited as
    /// `importLedger:<mutation>`.
    async fn import_ledger(&self, ctx: &Context<'_>, input: ImportLedgerInput) -> Result<ImportLedgerPayload> {
        need(ctx, Need::Staff)?;
        let actor = ctx.request().actor();
        let language = ctx.request().language;
        let ledger = Ledger::from(input.kind);
        let upload = super::uploaded(ctx, &input.file)?;
        let max = ctx.state().config.max_upload_bytes as u64;
        let result = async {
            use crate::error::AppError;
            let size = upload.content.metadata().map_err(AppError::internal)?.len();
            if size > max {
                return Err(AppError::PayloadTooLarge(format!("a ledger may hold at most {max} bytes")).into());
            }
            let table = tokio::task::spawn_blocking(move || {
                use std::io::{Read, Seek};
                let mut file = upload.content;
                let mut bytes = Vec::new();
                file.seek(std::io::SeekFrom::Start(0)).and_then(|_| file.read_to_end(&mut bytes))?;
                Ok::<_, std::io::Error>(import::read(&bytes, ledger))
            })
            .await
            .map_err(|e| WriteError::App(AppError::internal(e)))?
            .map_err(|e| WriteError::App(AppError::internal(e)))?;
            let outcome = match table {
                Ok(table) => {
                    import::import(ctx.db(), &actor, ledger, &table, input.dry_run, language, &|_, _| {}).await?
                }
                Err(e) => Err(e),
            };
            outcome.map_err(|e| match e {
                FileError::Unreadable(_) => refuse("file", Problem::Unreadable),
                FileError::MissingColumn(header) => refuse("file", Problem::MissingColumn { header: header.into() }),
                FileError::NotImportable => refuse("kind", Problem::NotImportable),
            })
        };
        let (outcome, user_errors) = settle(ctx, result.await, |o: Outcome| o)?;
        let o = outcome.unwrap_or_default();
        Ok(ImportLedgerPayload {
            client_mutation_id: input.client_mutation_id,
            rows_read: count(o.rows_read),
            rows_created: count(o.rows_created),
            rows_updated: count(o.rows_updated),
            rows_unchanged: count(o.rows_unchanged),
            row_errors: o
                .row_errors
                .into_iter()
                .map(|e| RowError { row: e.row as i32, column: e.column, code: e.code.into(), message: e.message })
                .collect(),
            user_errors,
        })
    }
}
