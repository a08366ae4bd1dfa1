//! Checks of the identifiers users type (see `shared/spec/domain.md`).

/// The 38 province codes of Kemendagri (Permendagri 2022, after the Papua split).
pub const PROVINCE_CODES: [&str; 38] = [
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36",
    "51", "52", "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "81", "82",
    "91", "92", "93", "94", "95", "96",
];

pub fn is_province_code(code: &str) -> bool {
    PROVINCE_CODES.contains(&code)
}

/// `validator` custom check for an optional province code.
pub fn validate_province_code(code: &str) -> Result<(), validator::ValidationError> {
    if is_province_code(code) {
        Ok(())
    } else {
        Err(validator::ValidationError::new("format")
            .with_message("must be one of the 38 two-digit province codes, such as 35".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_38_distinct_provinces() {
        let mut codes = PROVINCE_CODES.to_vec();
        codes.dedup();
        assert_eq!(codes.len(), 38);
        assert!(is_province_code("35") && is_province_code("96"));
        assert!(!is_province_code("37") && !is_province_code("3"));
    }
}
