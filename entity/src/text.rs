//! How names are folded where they are stored for search and for duplicate
//! detection: one fold, applied on write beside the name (`search_name`,
//! `dedupe_key`) and to every search term, so that one `LIKE` matches alike
//! on SQLite and PostgreSQL, for Chinese, Latin and every other script. It
//! lives with the entities because the migrations refold stored rows with it.

use icu_casemap::CaseMapper;
use unicode_normalization::UnicodeNormalization;

/// The Unicode way of making texts that read alike compare alike: NFKC
/// (full-width forms to ASCII, the ideographic space to a space, ligatures and
/// compatibility characters to their plain letters), then full case folding
/// (`ẞ`/`ß` to `ss`, final sigma to sigma), then NFKC again, as the Unicode
/// Standard's NFKC_Casefold does.
fn normalize(s: &str) -> String {
    let nfkc: String = s.nfkc().collect();
    CaseMapper::new().fold_string(&nfkc).nfkc().collect()
}

/// A text as stored and searched: [`normalize`]d, white space dropped.
/// `großhandel`, `GROSSHANDEL` and `Ｇｒｏｓｓｈａｎｄｅｌ` all fold to `grosshandel`.
pub fn fold(s: &str) -> String {
    normalize(s).chars().filter(|c| !c.is_whitespace()).collect()
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
    let normalized = normalize(name);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_width_and_spaces() {
        assert_eq!(fold("ＡＢＣ Motors"), "abcmotors");
        assert_eq!(fold("宁德 时代"), "宁德时代");
    }

    #[test]
    fn folds_the_unicode_way_beyond_latin_case() {
        // Full case folding: ß and ẞ are ss, final sigma is sigma.
        assert_eq!(fold("großhandel"), fold("GROSSHANDEL"));
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("ΟΔΥΣΣΕΥΣ"), fold("οδυσσευς"));
        assert_eq!(fold("ὈΔΥΣΣΕΎΣ"), fold("ὀδυσσεύς"));
        // NFKC: ligatures, full-width digits, circled and compatibility forms.
        assert_eq!(fold("ﬁnance"), "finance");
        assert_eq!(fold("１２３ＡＢＣ"), "123abc");
        assert_eq!(fold("㈱ Alpha"), fold("(株)alpha"));
        // A composed and a decomposed é fold alike.
        assert_eq!(fold("Café"), fold("Cafe\u{301}"));
    }

    #[test]
    fn dedupe_keys_ignore_company_forms() {
        assert_eq!(dedupe_key("宁德时代新能源科技股份有限公司"), "宁德时代新能源科技");
        assert_eq!(dedupe_key("宁德时代 新能源科技"), "宁德时代新能源科技");
        assert_eq!(dedupe_key("Nordwind Components GmbH"), "nordwindcomponents");
        assert_eq!(dedupe_key("NORDWIND  COMPONENTS Co., Ltd."), "nordwindcomponents");
        assert_eq!(dedupe_key("Ｃｏｓｔｃｏ"), "costco");
        assert_eq!(dedupe_key("公司"), "公司");
        assert_eq!(dedupe_key("Müller Großhandel GmbH"), dedupe_key("MÜLLER GROSSHANDEL"));
    }
}
