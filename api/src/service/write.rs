//! What every mutation shares: user errors with their field paths, input
//! checks, transactions, the clock.

use entity::*;
use sea_orm::DbErr;

use crate::auth::Principal;
use crate::domain::money::{Money, MoneyError};
use crate::domain::{country, uscc};
use crate::error::AppError;

/// The closed catalogue of user-error codes (api-contract.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserErrorCode {
    Required,
    InvalidFormat,
    OutOfRange,
    NotFound,
    AlreadyExists,
    AlreadySigned,
    ForbiddenTransition,
    Stale,
    IdempotencyConflict,
    NoCampaign,
}

/// A problem with the input: where (path from the mutation's arguments), what
/// (code), and a message in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    pub field: Vec<String>,
    pub code: UserErrorCode,
    pub zh: String,
    pub en: String,
}

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

/// A user error at `field`, a path relative to the command.
pub fn user_error(field: Vec<String>, code: UserErrorCode, zh: impl Into<String>, en: impl Into<String>) -> WriteError {
    WriteError::User(vec![UserError { field, code, zh: zh.into(), en: en.into() }])
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

    pub fn add(&mut self, field: &str, code: UserErrorCode, zh: impl Into<String>, en: impl Into<String>) {
        let field = at(field);
        self.errors.push(UserError { field, code, zh: zh.into(), en: en.into() });
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
            self.add(
                field,
                UserErrorCode::InvalidFormat,
                format!("{field}含有控制字符或双向覆盖字符"),
                format!("{field} contains a control or bidirectional-override character"),
            );
        } else if value.chars().count() > max {
            self.add(
                field,
                UserErrorCode::OutOfRange,
                format!("{field}不能超过{max}个字符"),
                format!("{field} must be at most {max} characters"),
            );
        }
    }

    /// A required text, trimmed.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.add(field, UserErrorCode::Required, format!("{field}不能为空"), format!("{field} is required"));
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
        match Money::parse(value) {
            Ok(m) => m,
            Err(e) => {
                let (code, zh, en) = match e {
                    MoneyError::Syntax => (
                        UserErrorCode::InvalidFormat,
                        "金额格式不正确，应为如 \"125000000.00\" 的十进制数",
                        "not a decimal amount such as \"125000000.00\"",
                    ),
                    MoneyError::TooPrecise => (
                        UserErrorCode::InvalidFormat,
                        "金额最多保留两位小数",
                        "an amount has at most two decimal places",
                    ),
                    MoneyError::Negative => {
                        (UserErrorCode::OutOfRange, "金额不能为负数", "an amount cannot be negative")
                    }
                    MoneyError::TooLarge => (UserErrorCode::OutOfRange, "金额超出上限", "the amount is too large"),
                };
                self.add(field, code, format!("{field}：{zh}"), format!("{field}: {en}"));
                Money::ZERO
            }
        }
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
                    self.add(
                        field,
                        UserErrorCode::InvalidFormat,
                        "统一社会信用代码仅适用于中国企业",
                        "a USCC applies to Chinese companies only",
                    );
                }
                Some(u.into_string())
            }
            Err(e) => {
                let zh = match e {
                    uscc::UsccError::Length => "统一社会信用代码应为18位",
                    uscc::UsccError::Character => "统一社会信用代码含有无效字符",
                    uscc::UsccError::Check => "统一社会信用代码校验位错误",
                };
                self.add(field, UserErrorCode::InvalidFormat, zh, e.to_string());
                None
            }
        }
    }

    /// An ISO 3166-1 alpha-2 code.
    pub fn country(&mut self, field: &str, value: &str) -> String {
        match country::parse(value) {
            Some(c) => c,
            None => {
                self.add(
                    field,
                    UserErrorCode::InvalidFormat,
                    "国家或地区代码应为 ISO 3166-1 二位字母代码，如 CN、DE",
                    "not an ISO 3166-1 alpha-2 code such as CN or DE",
                );
                value.trim().to_ascii_uppercase()
            }
        }
    }

    /// An e-mail address, loosely: something@something.something.
    pub fn email(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let v = self.optional_text(field, value, MAX_NAME)?;
        let ok = v.split_once('@').is_some_and(|(a, d)| !a.is_empty() && d.contains('.') && !d.starts_with('.'));
        if !ok {
            self.add(field, UserErrorCode::InvalidFormat, "电子邮箱格式不正确", "not an e-mail address");
        }
        Some(v)
    }

    /// A global id of `type_name`, for a reference; an id of no such object is NOT_FOUND.
    pub fn reference(&mut self, field: &str, id: Option<i64>, given: bool, type_name: &str) -> Option<i64> {
        if given && id.is_none() {
            self.add(field, UserErrorCode::NotFound, format!("找不到该{type_name}"), format!("no such {type_name}"));
        }
        id
    }
}

/// The path of a field of a command, relative to the command (the GraphQL
/// layer places it under the mutation's argument); a dotted field
/// (`contact.email`) is a nested one.
pub fn at(field: &str) -> Vec<String> {
    field.split('.').map(str::to_owned).collect()
}

pub fn not_found(field: &str, what_zh: &str, what_en: &str) -> WriteError {
    user_error(at(field), UserErrorCode::NotFound, format!("找不到该{what_zh}"), format!("no such {what_en}"))
}

pub fn forbidden_transition(field: &str, zh: impl Into<String>, en: impl Into<String>) -> WriteError {
    user_error(at(field), UserErrorCode::ForbiddenTransition, zh, en)
}

pub(crate) fn exists(field: &str, zh: &str, en: &str) -> WriteError {
    user_error(at(field), UserErrorCode::AlreadyExists, zh.to_owned(), en.to_owned())
}

pub(crate) fn invalid_amount_pair() -> WriteError {
    user_error(
        at("foreignCapital"),
        UserErrorCode::OutOfRange,
        "外资不能超过总投资",
        "foreign capital cannot exceed the total investment",
    )
}
