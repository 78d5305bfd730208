//! ISO 3166-1 alpha-2 country and region codes.

/// Every officially assigned alpha-2 code.
const CODES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS \
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ \
FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT \
JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP \
MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE \
RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV \
TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// The upper-case code if `s` is an assigned ISO 3166-1 alpha-2 code.
pub fn parse(s: &str) -> Option<String> {
    let code = s.trim().to_ascii_uppercase();
    (code.len() == 2 && CODES.split_ascii_whitespace().any(|c| c == code)).then_some(code)
}

#[cfg(test)]
mod tests {
    #[test]
    fn knows_assigned_codes_only() {
        assert_eq!(super::parse("cn").as_deref(), Some("CN"));
        assert_eq!(super::parse("DE").as_deref(), Some("DE"));
        assert_eq!(super::parse("HK").as_deref(), Some("HK"));
        assert_eq!(super::parse("XX"), None);
        assert_eq!(super::parse("CHN"), None);
        assert_eq!(super::parse("").as_deref(), None);
    }

    proptest::proptest! {
        #[test]
        fn case_does_not_matter_and_only_two_letters_pass(s in "[a-zA-Z]{1,3}") {
            let parsed = super::parse(&s);
            proptest::prop_assert_eq!(parsed.clone(), super::parse(&s.to_ascii_uppercase()));
            if let Some(code) = parsed {
                proptest::prop_assert_eq!(code.len(), 2);
            }
        }
    }
}
