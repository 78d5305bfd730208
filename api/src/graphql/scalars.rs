//! The API's scalars: `Decimal` (money, exact), `Date`, `CountryCode`, `Uscc`.
//! `DateTime` is async-graphql's RFC 3339 UTC scalar.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

use crate::domain::money::Money;

/// An amount of CNY yuan with two decimal places, as a JSON string such as
/// `"125000000.00"`: exact, never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal(pub Money);

/// An amount of CNY yuan with two decimal places, as a JSON string such as
/// `"125000000.00"`: exact, never a float.
#[Scalar(name = "Decimal")]
impl ScalarType for Decimal {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => Money::parse(s).map(Decimal).map_err(|e| InputValueError::custom(e.to_string())),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_decimal().to_string())
    }
}

impl From<Money> for Decimal {
    fn from(m: Money) -> Self {
        Decimal(m)
    }
}

/// A calendar date, `YYYY-MM-DD`, in the office's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

impl From<Date> for NaiveDate {
    fn from(d: Date) -> Self {
        d.0
    }
}

/// A calendar date, `YYYY-MM-DD`, in the office's time zone.
#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| InputValueError::custom("expected a date as YYYY-MM-DD")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// An ISO 3166-1 alpha-2 country or region code, such as `CN`, `DE` or `HK`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountryCode(pub String);

/// An ISO 3166-1 alpha-2 country or region code, such as `CN`, `DE` or `HK`.
#[Scalar(name = "CountryCode")]
impl ScalarType for CountryCode {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) if s.len() == 2 && s.chars().all(|c| c.is_ascii_alphabetic()) => {
                Ok(CountryCode(s.to_ascii_uppercase()))
            }
            _ => Err(InputValueError::custom("expected an ISO 3166-1 alpha-2 code")),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// A unified social credit code (统一社会信用代码): 18 characters, GB 32100-2015.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uscc(pub String);

/// A unified social credit code (统一社会信用代码): 18 characters, GB 32100-2015.
#[Scalar(name = "Uscc")]
impl ScalarType for Uscc {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => crate::domain::uscc::Uscc::parse(s)
                .map(|u| Uscc(u.into_string()))
                .map_err(|e| InputValueError::custom(e.to_string())),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}
