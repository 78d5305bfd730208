//! What every mutation shares: user errors with their field paths, input
//! checks, transactions, the clock.

use crate::domain::coordinates::System;
use crate::domain::geo::{Mu, Position};
use entity::*;
use sea_orm::DbErr;

use crate::auth::Principal;
use crate::domain::money::Money;
use crate::domain::{country, uscc};
use crate::error::AppError;

pub use crate::domain::problem::{Noun, Problem, UserError, UserErrorCode};

/// Why a write did not happen.
#[derive(Debug)]
pub enum WriteError {
    /// The input was refused; nothing was written.
    User(Vec<UserError>),
    /// The caller may not do this at all.
    Forbidden,
    App(AppError),
}

impl From<DbErr> for WriteError {
    fn from(e: DbErr) -> Self {
        WriteError::App(e.into())
    }
}

impl From<AppError> for WriteError {
    fn from(e: AppError) -> Self {
        WriteError::App(e)
    }
}

pub type WriteResult<T> = Result<T, WriteError>;

/// Who writes, for authorisation and the audit trail.
#[derive(Debug, Clone)]
pub struct Actor {
    pub principal: Principal,
    pub request_id: Option<String>,
    /// The mutation a change is part of when it is not its own (`importLedger`):
    /// the audit trail names both.
    pub via: Option<&'static str>,
}

impl Actor {
    pub fn require_staff(&self) -> WriteResult<()> {
        if self.principal.is_staff() { Ok(()) } else { Err(WriteError::Forbidden) }
    }

    pub fn require_admin(&self) -> WriteResult<()> {
        if self.principal.is_admin() { Ok(()) } else { Err(WriteError::Forbidden) }
    }

    /// Whose idempotency keys these are: a partner's keys share them.
    pub fn holder(&self) -> String {
        match (self.principal.partner(), self.principal.key_id) {
            (Some(p), _) => format!("partner:{p}"),
            (None, Some(k)) => format!("key:{k}"),
            (None, None) => "public".into(),
        }
    }
}

/// A refusal for one problem at `field`, a dotted path of the command's field names.
pub fn refuse(field: &str, problem: Problem) -> WriteError {
    WriteError::User(vec![UserError::at(field, problem)])
}

/// Collects the problems of one input, each with its field path relative to
/// the command.
#[derive(Default)]
pub struct Checks {
    errors: Vec<UserError>,
}

pub const MAX_NAME: usize = 200;
pub const MAX_TEXT: usize = 4000;

impl Checks {
    pub fn new() -> Self {
        Checks::default()
    }

    pub fn add(&mut self, field: &str, problem: Problem) {
        self.errors.push(UserError::at(field, problem));
    }

    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// Err with every problem found, or Ok.
    pub fn finish(self) -> WriteResult<()> {
        if self.errors.is_empty() { Ok(()) } else { Err(WriteError::User(self.errors)) }
    }

    /// Every text a mutation stores passes here: no control or bidirectional
    /// override characters (`INVALID_FORMAT`), at most `max` characters
    /// (`OUT_OF_RANGE`).
    fn length(&mut self, field: &str, value: &str, max: usize) {
        if crate::domain::text::has_forbidden_char(value) {
            self.add(field, Problem::ForbiddenCharacter);
        } else if value.chars().count() > max {
            self.add(field, Problem::TooLong { max });
        }
    }

    /// A required text, trimmed.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.add(field, Problem::Required);
        }
        self.length(field, v, max);
        v.to_owned()
    }

    /// An optional text, trimmed; empty is absent.
    pub fn optional_text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<String> {
        let v = value.map(str::trim).filter(|v| !v.is_empty())?;
        self.length(field, v, max);
        Some(v.to_owned())
    }

    /// An amount in yuan, as a string such as "125000000.00".
    pub fn money(&mut self, field: &str, value: &str) -> Money {
        Money::parse(value).unwrap_or_else(|e| {
            self.add(field, Problem::Money(e));
            Money::ZERO
        })
    }

    pub fn optional_money(&mut self, field: &str, value: Option<&str>) -> Option<Money> {
        value.map(|v| self.money(field, v))
    }

    /// A USCC (GB 32100-2015), for a Chinese company only.
    pub fn uscc(&mut self, field: &str, value: Option<&str>, country: Option<&str>) -> Option<String> {
        let v = value.map(str::trim).filter(|v| !v.is_empty())?;
        match uscc::Uscc::parse(v) {
            Ok(u) => {
                if country.is_some_and(|c| c != "CN") {
                    self.add(field, Problem::UsccOutsideChina);
                }
                Some(u.into_string())
            }
            Err(e) => {
                self.add(field, Problem::Uscc(e));
                None
            }
        }
    }

    /// An ISO 3166-1 alpha-2 code.
    pub fn country(&mut self, field: &str, value: &str) -> String {
        country::parse(value).unwrap_or_else(|| {
            self.add(field, Problem::Country);
            value.trim().to_ascii_uppercase()
        })
    }

    /// A web address: an absolute http or https URL of at most 300 characters.
    pub fn web_address(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let v = self.optional_text(field, value, 300)?;
        match reqwest::Url::parse(&v) {
            Ok(u) if !matches!(u.scheme(), "http" | "https") => self.add(field, Problem::UrlScheme),
            Ok(u) if !u.username().is_empty() || u.password().is_some() => self.add(field, Problem::UrlCredentials),
            Ok(_) => {}
            Err(_) => self.add(field, Problem::UrlScheme),
        }
        Some(v)
    }

    /// A position given in `system`, as WGS-84.
    pub fn position(&mut self, field: &str, longitude: f64, latitude: f64, system: System) -> Option<Position> {
        Position::new(longitude, latitude, system).map_err(|e| self.add(field, Problem::Geo(e))).ok()
    }

    /// A park boundary given in `system` (an RFC 7946 Polygon or MultiPolygon),
    /// as the WGS-84 JSON text kept.
    pub fn boundary(&mut self, field: &str, value: &serde_json::Value, system: System) -> Option<String> {
        crate::domain::geo::boundary(value, system).map_err(|e| self.add(field, Problem::Geo(e))).ok()
    }

    /// An area in 亩, as a string such as "1250.50".
    pub fn area(&mut self, field: &str, value: &str) -> Option<Mu> {
        let mu = value.trim().parse().ok().and_then(Mu::from_decimal);
        if mu.is_none() {
            self.add(field, Problem::Area);
        }
        mu
    }

    /// An e-mail address, loosely: something@something.something.
    pub fn email(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let v = self.optional_text(field, value, MAX_NAME)?;
        let ok = v.split_once('@').is_some_and(|(a, d)| !a.is_empty() && d.contains('.') && !d.starts_with('.'));
        if !ok {
            self.add(field, Problem::Email);
        }
        Some(v)
    }
}

/// NOT_FOUND at `field`: it names no `noun` the caller may see.
pub fn not_found(field: &str, noun: Noun) -> WriteError {
    refuse(field, Problem::NotFound(noun))
}

/// Foreign capital above the total investment.
pub(crate) fn invalid_amount_pair() -> WriteError {
    refuse("foreign_capital", Problem::ForeignAboveTotal)
}

/// A change to a nullable field: left as it is, cleared, or set. It
/// serialises as the value it leaves a new row with (the value set, else
/// null), so that a creation's content hash does not depend on whether an
/// absent field was left out or given as null.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Patch<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<T> Patch<T> {
    /// The value a new row takes: the one set, else none.
    pub fn value(self) -> Option<T> {
        match self {
            Patch::Set(v) => Some(v),
            Patch::Keep | Patch::Clear => None,
        }
    }

    /// The value set, if any, by reference (to check a reference exists).
    pub fn set(&self) -> Option<&T> {
        match self {
            Patch::Set(v) => Some(v),
            Patch::Keep | Patch::Clear => None,
        }
    }

    /// The new value of a field that now holds `current`.
    pub fn apply(self, current: Option<T>) -> Option<T> {
        match self {
            Patch::Keep => current,
            Patch::Clear => None,
            Patch::Set(v) => Some(v),
        }
    }

    /// The same change of another value: the value set, mapped.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Patch<U> {
        match self {
            Patch::Keep => Patch::Keep,
            Patch::Clear => Patch::Clear,
            Patch::Set(v) => Patch::Set(f(v)),
        }
    }

    /// Writes the change, if any, into an active model's field.
    pub fn write_to(self, field: &mut sea_orm::ActiveValue<Option<T>>)
    where
        T: Into<sea_orm::Value>,
        Option<T>: Into<sea_orm::Value>,
    {
        match self {
            Patch::Keep => {}
            Patch::Clear => *field = sea_orm::ActiveValue::Set(None),
            Patch::Set(v) => *field = sea_orm::ActiveValue::Set(Some(v)),
        }
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// A creation's optional field: given is set, absent is the default.
    fn from(v: Option<T>) -> Self {
        v.map_or(Patch::Keep, Patch::Set)
    }
}

/// An `update*` command: which row, the `updated_at` the change is based on
/// (a newer one is STALE), and the fields to change.
#[derive(Debug, Clone)]
pub struct Change<F> {
    pub id: i64,
    pub expected_updated_at: Option<chrono::DateTime<chrono::Utc>>,
    pub fields: F,
}

impl<T: serde::Serialize> serde::Serialize for Patch<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Set(v) => serializer.serialize_some(v),
            Patch::Keep | Patch::Clear => serializer.serialize_none(),
        }
    }
}
