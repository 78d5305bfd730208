//! Reading a ledger file into a table of cells: .xlsx through calamine, CSV
//! through csv after decoding UTF-8 (with or without a byte-order mark) or
//! GB18030 with encoding_rs.

use super::FileError;
use crate::ledger::layout::Ledger;
use chrono::NaiveDateTime;

/// A cell as read.
#[derive(Debug, Clone, PartialEq)]
pub enum In {
    Empty,
    Text(String),
    Number(f64),
    DateTime(NaiveDateTime),
}

/// A sheet: its header row and the rows below, with their row numbers.
#[derive(Debug, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<(u32, Vec<In>)>,
}

/// The file's table: a workbook's sheet named after the ledger (else its
/// first sheet), or a CSV file.
pub fn read(bytes: &[u8], ledger: Ledger) -> Result<Table, FileError> {
    if bytes.starts_with(b"PK\x03\x04") { read_xlsx(bytes, ledger) } else { read_csv(bytes) }
}

fn read_xlsx(bytes: &[u8], ledger: Ledger) -> Result<Table, FileError> {
    use calamine::{Data, Reader, Xlsx};
    let unreadable = |e: &dyn std::fmt::Display| FileError::Unreadable(format!("not a readable .xlsx workbook: {e}"));
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let names = book.sheet_names();
    let name = names.iter().find(|n| *n == ledger.title()).or(names.first()).cloned();
    let Some(name) = name else { return Ok(Table::default()) };
    let range = book.worksheet_range(&name).map_err(|e| unreadable(&e))?;
    let first_row = range.start().map_or(0, |(r, _)| r);
    let first_col = range.start().map_or(0, |(_, c)| c) as usize;
    let mut rows = range.rows().enumerate().map(|(i, row)| {
        let mut cells = vec![In::Empty; first_col];
        cells.extend(row.iter().map(|c| match c {
            Data::Empty => In::Empty,
            Data::String(s) if s.trim().is_empty() => In::Empty,
            Data::String(s) => In::Text(s.clone()),
            Data::Float(f) => In::Number(*f),
            Data::Int(i) => In::Number(*i as f64),
            Data::Bool(b) => In::Text(if *b { "是" } else { "否" }.into()),
            Data::DateTime(d) => d.as_datetime().map(In::DateTime).unwrap_or(In::Empty),
            Data::DateTimeIso(s) | Data::DurationIso(s) => In::Text(s.clone()),
            Data::Error(e) => In::Text(format!("#{e:?}")),
        }));
        (first_row + i as u32 + 1, cells)
    });
    let headers = match rows.next() {
        Some((_, cells)) => cells.iter().map(header_text).collect(),
        None => Vec::new(),
    };
    Ok(Table { headers, rows: rows.collect() })
}

fn header_text(c: &In) -> String {
    match c {
        In::Text(s) => s.trim().to_owned(),
        _ => String::new(),
    }
}

/// CSV as spreadsheet programs save it: UTF-8 (with or without a byte-order
/// mark) or, failing that, GB18030.
fn read_csv(bytes: &[u8]) -> Result<Table, FileError> {
    let text: std::borrow::Cow<str> = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        String::from_utf8_lossy(rest)
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        s.into()
    } else {
        let (s, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
        if had_errors {
            return Err(FileError::Unreadable("neither an .xlsx workbook nor a CSV file in UTF-8 or GB18030".into()));
        }
        s
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| FileError::Unreadable(format!("not a readable CSV file: {e}")))?;
        let cells: Vec<In> =
            record.iter().map(|c| if c.trim().is_empty() { In::Empty } else { In::Text(c.to_owned()) }).collect();
        rows.push((i as u32 + 1, cells));
    }
    let mut rows = rows.into_iter();
    let headers = rows.next().map(|(_, cells)| cells.iter().map(header_text).collect()).unwrap_or_default();
    Ok(Table { headers, rows: rows.collect() })
}
