//! Text rules of stored names: the search fold (kept with the entities, see
//! [`entity::text`]), the characters no stored text may hold, and `LIKE`
//! patterns over folded names.

pub use entity::text::{dedupe_key, fold};

/// Whether `s` holds a character no stored text may: a C0 control other than
/// tab, line feed and carriage return (NUL among them, which PostgreSQL cannot
/// store), DEL, a C1 control, or a bidirectional embedding, override or
/// isolate (U+202A–U+202E, U+2066–U+2069), which can make a name read
/// differently from what it is.
pub fn has_forbidden_char(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

/// A `LIKE` pattern that finds `term` anywhere in a folded name, with `\` as
/// the escape character for `%`, `_` and `\` in the term.
pub fn like_pattern(term: &str) -> String {
    let mut out = String::from("%");
    for c in fold(term).chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_override_characters_are_forbidden_but_tabs_and_newlines_are_not() {
        for bad in ["a\u{0}b", "\u{7}bell", "\u{1b}[31mred", "\u{202e}txt.exe", "x\u{2066}", "\u{85}"] {
            assert!(has_forbidden_char(bad), "{bad:?}");
        }
        for good in ["宁德时代", "line\nbreak\r\n", "tab\there", "Ｃｏｓｔｃｏ", "עברית"] {
            assert!(!has_forbidden_char(good), "{good:?}");
        }
    }

    #[test]
    fn escapes_like_wildcards() {
        assert_eq!(like_pattern("50%_a"), "%50\\%\\_a%");
    }
}
