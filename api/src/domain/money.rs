//! Money: CNY yuan, exact to the fen. Stored as integer fen, shown as a `Decimal`
//! with two places. No float ever touches it.

use std::fmt;

use rust_decimal::Decimal;

/// An amount of CNY, held as integer fen (1/100 yuan).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

/// The largest amount the service accepts: 10^13 yuan, well inside `i64` fen even
/// when a hundred thousand of them are summed.
pub const MAX_YUAN: i64 = 10_000_000_000_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("not a decimal amount")]
    Syntax,
    #[error("more than two decimal places")]
    TooPrecise,
    #[error("negative amount")]
    Negative,
    #[error("amount too large")]
    TooLarge,
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_fen(fen: i64) -> Self {
        Money(fen)
    }

    pub const fn from_yuan(yuan: i64) -> Self {
        Money(yuan * 100)
    }

    pub const fn fen(self) -> i64 {
        self.0
    }

    /// The amount in yuan with exactly two decimal places.
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// Parses a non-negative yuan amount such as `"125000000"` or `"1.5"`.
    pub fn parse(s: &str) -> Result<Self, MoneyError> {
        let s = s.trim();
        let valid = !s.is_empty()
            && s.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-')
            && s.matches('.').count() <= 1
            && !s.starts_with('.')
            && !s.ends_with('.');
        if !valid {
            return Err(MoneyError::Syntax);
        }
        let d: Decimal = s.parse().map_err(|_| MoneyError::Syntax)?;
        Self::from_decimal(d)
    }

    pub fn from_decimal(d: Decimal) -> Result<Self, MoneyError> {
        if d.is_sign_negative() && !d.is_zero() {
            return Err(MoneyError::Negative);
        }
        if d.normalize().scale() > 2 {
            return Err(MoneyError::TooPrecise);
        }
        if d > Decimal::from(MAX_YUAN) {
            return Err(MoneyError::TooLarge);
        }
        let fen = (d * Decimal::ONE_HUNDRED).trunc();
        i64::try_from(fen).map(Money).map_err(|_| MoneyError::TooLarge)
    }

    /// The amount in 亿元 (10^8 yuan), rounded half-up to two places, as the
    /// office's reports print it.
    pub fn yi_yuan(self) -> String {
        let yi = Decimal::new(self.0, 2) / Decimal::from(100_000_000i64);
        let rounded = yi.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        format!("{rounded:.2}")
    }
}

/// Serialised as integer fen (for content hashes and the audit trail).
impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_decimal())
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0.saturating_add(rhs.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_exactly() {
        assert_eq!(Money::parse("987654321098.76").unwrap().fen(), 98_765_432_109_876);
        assert_eq!(Money::parse("1").unwrap().to_decimal().to_string(), "1.00");
        assert_eq!(Money::parse("0.1").unwrap().to_string(), "0.10");
        assert_eq!(Money::parse(" 12.30 ").unwrap().fen(), 1230);
    }

    #[test]
    fn rejects_bad_amounts() {
        assert_eq!(Money::parse("abc"), Err(MoneyError::Syntax));
        assert_eq!(Money::parse("1e5"), Err(MoneyError::Syntax));
        assert_eq!(Money::parse(""), Err(MoneyError::Syntax));
        assert_eq!(Money::parse("1.234"), Err(MoneyError::TooPrecise));
        assert_eq!(Money::parse("-1"), Err(MoneyError::Negative));
        assert_eq!(Money::parse("100000000000000"), Err(MoneyError::TooLarge));
    }

    #[test]
    fn yi_yuan_rounds_half_up() {
        assert_eq!(Money::from_yuan(125_000_000).yi_yuan(), "1.25");
        assert_eq!(Money::from_yuan(100_500_000).yi_yuan(), "1.01");
        assert_eq!(Money::from_yuan(100_499_999).yi_yuan(), "1.00");
        assert_eq!(Money::ZERO.yi_yuan(), "0.00");
        assert_eq!(Money::from_yuan(1_000_000_000).yi_yuan(), "10.00");
    }

    proptest::proptest! {
        #[test]
        fn every_amount_prints_and_parses_back_exactly(fen in 0i64..=MAX_YUAN * 100) {
            let m = Money::from_fen(fen);
            proptest::prop_assert_eq!(Money::parse(&m.to_string()), Ok(m));
        }

        #[test]
        fn no_input_panics_the_parser(s in "\\PC{0,40}") {
            let _ = Money::parse(&s);
        }
    }
}
