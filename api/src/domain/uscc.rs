//! The unified social credit code (统一社会信用代码, USCC) of GB 32100-2015:
//! 18 characters from a 31-character alphabet, the last a check character.

use std::fmt;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Uscc(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("a USCC has 18 characters")]
    Length,
    #[error("a USCC uses digits and the letters A-Y without I, O, S, V, Z")]
    Character,
    #[error("the USCC's check character is wrong")]
    Check,
}

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters, or None if one is outside the alphabet.
pub fn check_char(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (b, w) in bytes.iter().zip(WEIGHTS) {
        sum += value_of(*b)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(ALPHABET[check as usize] as char)
}

impl Uscc {
    /// Accepts lower case and surrounding spaces; stores the canonical upper-case form.
    pub fn parse(s: &str) -> Result<Self, UsccError> {
        let s = s.trim().to_ascii_uppercase();
        if s.chars().count() != 18 {
            return Err(UsccError::Length);
        }
        if !s.bytes().all(|b| value_of(b).is_some()) {
            return Err(UsccError::Character);
        }
        let expected = check_char(&s[..17]).ok_or(UsccError::Character)?;
        if s.as_bytes()[17] as char != expected {
            return Err(UsccError::Check);
        }
        Ok(Uscc(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_codes() {
        // Codes published by the companies themselves.
        for code in ["91350100M000100Y43", "91110000802100433B", "91440300708461136T"] {
            assert!(Uscc::parse(code).is_ok(), "{code}");
        }
        assert_eq!(Uscc::parse(" 91350100m000100y43").unwrap().as_str(), "91350100M000100Y43");
    }

    #[test]
    fn rejects_wrong_codes() {
        assert_eq!(Uscc::parse("91350100M000100Y44"), Err(UsccError::Check));
        assert_eq!(Uscc::parse("91350100M000100Y4"), Err(UsccError::Length));
        assert_eq!(Uscc::parse("91350100M000100YI3"), Err(UsccError::Character));
    }

    #[test]
    fn check_char_completes_a_code() {
        let c = check_char("91350100M000100Y4").unwrap();
        assert_eq!(c, '3');
    }

    proptest::proptest! {
        #[test]
        fn a_completed_code_parses_and_any_other_check_character_fails(
            digits in proptest::collection::vec(0usize..31, 17),
            other in 0usize..31,
        ) {
            let first17: String = digits.iter().map(|d| ALPHABET[*d] as char).collect();
            let check = check_char(&first17).expect("valid prefix");
            let good = format!("{}{}", first17, check);
            proptest::prop_assert!(Uscc::parse(&good).is_ok());
            let wrong = ALPHABET[other] as char;
            if wrong != check {
                let bad = format!("{}{}", first17, wrong);
                proptest::prop_assert_eq!(Uscc::parse(&bad), Err(UsccError::Check));
            }
        }

        #[test]
        fn no_input_panics_the_parser(s in "\\PC{0,30}") {
            let _ = Uscc::parse(&s);
        }
    }
}
