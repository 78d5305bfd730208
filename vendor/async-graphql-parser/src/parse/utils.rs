use pest::iterators::{Pair, Pairs};

use super::Rule;
use crate::Result;

pub(super) fn next_if_rule<'a>(pairs: &mut Pairs<'a, Rule>, rule: Rule) -> Option<Pair<'a, Rule>> {
    if pairs.peek().is_some_and(|pair| pair.as_rule() == rule) {
        Some(pairs.next().unwrap())
    } else {
        None
    }
}
pub(super) fn parse_if_rule<T>(
    pairs: &mut Pairs<Rule>,
    rule: Rule,
    f: impl FnOnce(Pair<Rule>) -> Result<T>,
) -> Result<Option<T>> {
    next_if_rule(pairs, rule).map(f).transpose()
}

pub(super) fn exactly_one<T>(iter: impl IntoIterator<Item = T>) -> T {
    let mut iter = iter.into_iter();
    let res = iter.next().unwrap();
    debug_assert!(iter.next().is_none());
    res
}

pub(super) fn block_string_value(raw: &str) -> String {
    // Split the string by either \r\n, \r or \n
    let lines: Vec<_> = raw
        .split("\r\n")
        .flat_map(|s| s.split(['\r', '\n'].as_ref()))
        .collect();

    // Find the common indent
    let common_indent = lines
        .iter()
        .skip(1)
        .copied()
        .filter_map(|line| line.find(|c| c != '\t' && c != ' '))
        .min()
        .unwrap_or(0);

    let line_has_content = |line: &str| line.as_bytes().iter().any(|&c| c != b'\t' && c != b' ');

    let first_contentful_line = lines
        .iter()
        .copied()
        .position(line_has_content)
        .unwrap_or(lines.len());
    let ending_lines_start = lines
        .iter()
        .copied()
        .rposition(line_has_content)
        .map_or(0, |i| i + 1);

    lines
        .iter()
        .copied()
        .enumerate()
        .take(ending_lines_start)
        .skip(first_contentful_line)
        // Remove the common indent, but not on the first line
        .map(|(i, line)| {
            if i != 0 && line.len() >= common_indent {
                &line[common_indent..]
            } else {
                line
            }
        })
        // Put a newline between each line
        .enumerate()
        .flat_map(|(i, line)| {
            if i == 0 { [].as_ref() } else { ['\n'].as_ref() }
                .iter()
                .copied()
                .chain(line.chars())
        })
        .collect()
}

#[test]
fn test_block_string_value() {
    assert_eq!(block_string_value(""), "");
    assert_eq!(block_string_value("\r\n"), "");
    assert_eq!(block_string_value("\r\r\r\r\n\n\r\n\r\r"), "");
    assert_eq!(block_string_value("abc"), "abc");
    assert_eq!(
        block_string_value("line 1\r\n   line 2\n     line 3\r    line 4"),
        "line 1\nline 2\n  line 3\n line 4"
    );
    assert_eq!(
        block_string_value("\r\r  some text\r\n \n \n "),
        "some text"
    );
    assert_eq!(
        block_string_value(
            r#"
    a
    b

    c
"#
        ),
        "a\nb\n\nc"
    );
}

/// The value of a string's content (the grammar's `string_content`, already
/// matched), its escapes resolved as the GraphQL specification's
/// "StringValue" semantics say: `\u{…}` names a Unicode scalar value; a fixed
/// `\uXXXX` escape in D800-DBFF must be followed by one in DC00-DFFF, the two
/// naming one supplementary character; any other surrogate is an error.
pub(super) fn string_value(s: &str) -> std::result::Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let escaped = match chars.next() {
            Some(c @ ('"' | '\\' | '/')) => c,
            Some('b') => '\x08',
            Some('f') => '\x0C',
            Some('n') => '\n',
            Some('r') => '\r',
            Some('t') => '\t',
            Some('u') => unicode_escape(&mut chars)?,
            _ => return Err("invalid escape sequence".into()),
        };
        out.push(escaped);
    }
    Ok(out)
}

/// The character of one `\u` escape, the `\u` read: `{hex+}` or four hex
/// digits, the latter possibly the first half of a surrogate pair.
fn unicode_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> std::result::Result<char, String> {
    fn hex4(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<u32> {
        (0..4).try_fold(0u32, |acc, _| Some(acc * 16 + chars.next()?.to_digit(16)?))
    }
    if chars.peek() == Some(&'{') {
        chars.next();
        let mut value: u32 = 0;
        for c in chars.by_ref() {
            if c == '}' {
                return char::from_u32(value)
                    .ok_or_else(|| format!("\\u{{{value:X}}} is not a Unicode scalar value"));
            }
            let digit = c.to_digit(16).ok_or("invalid \\u{…} escape")?;
            value = value
                .checked_mul(16)
                .and_then(|v| v.checked_add(digit))
                .filter(|v| *v <= 0x10FFFF)
                .ok_or("a \\u{…} escape above U+10FFFF")?;
        }
        return Err("unterminated \\u{…} escape".into());
    }
    let first = hex4(chars).ok_or("invalid \\u escape")?;
    match first {
        0xD800..=0xDBFF => {
            let mut ahead = chars.clone();
            let trailing = match (ahead.next(), ahead.next()) {
                (Some('\\'), Some('u')) => hex4(&mut ahead).filter(|t| (0xDC00..=0xDFFF).contains(t)),
                _ => None,
            };
            let Some(trailing) = trailing else {
                return Err(format!("\\u{first:04X} is a leading surrogate without a trailing one"));
            };
            *chars = ahead;
            let value = 0x10000 + ((first - 0xD800) << 10) + (trailing - 0xDC00);
            char::from_u32(value).ok_or_else(|| "an invalid surrogate pair".into())
        }
        0xDC00..=0xDFFF => Err(format!("\\u{first:04X} is a trailing surrogate without a leading one")),
        _ => char::from_u32(first).ok_or_else(|| "an invalid \\u escape".into()),
    }
}

#[test]
fn test_string_value() {
    assert_eq!(string_value("abc").unwrap(), "abc");
    assert_eq!(string_value("\\n\\b\\u2a1A").unwrap(), "\n\x08\u{2A1A}");
    assert_eq!(string_value("\\\"\\\\").unwrap(), "\"\\");
    // Surrogate pairs and the braced form name supplementary characters.
    assert_eq!(string_value("\\ud83d\\ude80 Co").unwrap(), "\u{1F680} Co");
    assert_eq!(string_value("\\uD840\\uDC0B").unwrap(), "\u{2000B}");
    assert_eq!(string_value("\\u{1F680}\\u{0041}\\u{00000000041}").unwrap(), "\u{1F680}AA");
    // Lone or reversed surrogates, surrogates in braces, beyond U+10FFFF.
    for bad in ["\\ud83d", "\\ud83d x", "\\ude80", "\\ude80\\ud83d", "\\ud83d\\u0041", "\\u{D83D}", "\\u{110000}", "\\u{FFFFFFFFF}"] {
        assert!(string_value(bad).is_err(), "{bad}");
    }
}
