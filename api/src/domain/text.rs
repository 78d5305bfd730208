//! Folding of names for search and duplicate detection: the same fold is stored
//! beside the name on write and applied to the search term, so that one `LIKE`
//! matches alike on SQLite and PostgreSQL, for Chinese and Latin names.

/// Lower-cases Latin letters, folds full-width ASCII to half-width and drops
/// white space.
pub fn fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
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
    fn folds_case_width_and_spaces() {
        assert_eq!(fold("ＡＢＣ Motors"), "abcmotors");
        assert_eq!(fold("宁德 时代"), "宁德时代");
    }

    #[test]
    fn escapes_like_wildcards() {
        assert_eq!(like_pattern("50%_a"), "%50\\%\\_a%");
    }
}
