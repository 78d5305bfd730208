//! Folding of names for search and duplicate detection: the same fold is stored
//! beside the name on write and applied to the search term, so that one `LIKE`
//! matches alike on SQLite and PostgreSQL, for Chinese and Latin names.

/// Full-width ASCII to half-width, the ideographic space to a space, and Latin
/// letters to lower case.
fn normalize(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .flat_map(char::to_lowercase)
}

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

/// Lower-cases Latin letters, folds full-width ASCII to half-width and drops
/// white space.
pub fn fold(s: &str) -> String {
    normalize(s).filter(|c| !c.is_whitespace()).collect()
}

/// Company-form words that say nothing about which company it is.
const LATIN_FORMS: &[&str] = &[
    "co",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "company",
    "llc",
    "plc",
    "gmbh",
    "ag",
    "kg",
    "sa",
    "sas",
    "sarl",
    "bv",
    "nv",
    "spa",
    "srl",
    "pte",
    "pty",
    "kk",
    "group",
    "holdings",
];
const CHINESE_FORMS: &[&str] = &["股份有限公司", "有限责任公司", "有限公司", "集团", "公司"];

/// The key duplicate detection compares: the name folded as by [`fold`], without
/// punctuation and without company-form suffixes (有限公司, Co., Ltd., GmbH, …),
/// so that "宁德时代新能源科技股份有限公司" and "宁德时代新能源科技" match, as do
/// "Nordwind Components GmbH" and "NORDWIND COMPONENTS".
pub fn dedupe_key(name: &str) -> String {
    let normalized: String = normalize(name).collect();
    let mut words: Vec<&str> = normalized
        .split(|c: char| c.is_whitespace() || (c.is_ascii_punctuation() && c != '&') || "（）·，。、".contains(c))
        .filter(|w| !w.is_empty())
        .collect();
    while words.len() > 1 && words.last().is_some_and(|w| LATIN_FORMS.contains(w)) {
        words.pop();
    }
    let mut key = words.concat();
    while let Some(form) = CHINESE_FORMS.iter().find(|f| key.ends_with(*f) && key.len() > f.len()) {
        key.truncate(key.len() - form.len());
    }
    key
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
    fn dedupe_keys_ignore_company_forms() {
        assert_eq!(dedupe_key("宁德时代新能源科技股份有限公司"), "宁德时代新能源科技");
        assert_eq!(dedupe_key("宁德时代 新能源科技"), "宁德时代新能源科技");
        assert_eq!(dedupe_key("Nordwind Components GmbH"), "nordwindcomponents");
        assert_eq!(dedupe_key("NORDWIND  COMPONENTS Co., Ltd."), "nordwindcomponents");
        assert_eq!(dedupe_key("Ｃｏｓｔｃｏ"), "costco");
        assert_eq!(dedupe_key("公司"), "公司");
    }

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
