//! Checks of the identifiers people type (see `shared/spec/domain.md`).
//! Each check is a `validator` custom function, so a failing field is
//! reported with its own message alongside every other failing field.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use migration::regions::{Level, Region};
use validator::ValidationError;

use crate::error::FieldCode;

/// The 38 province codes of Kemendagri (after the 2022 split of Papua), as
/// the data set has them (a test checks that they agree).
pub const PROVINCE_CODES: [&str; 38] = [
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36",
    "51", "52", "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "81", "82",
    "91", "92", "93", "94", "95", "96",
];

/// Every region of the embedded Kemendagri data set by code: the same rows
/// that migration 000009 loads into the `regions` table
/// (`migration::regions`), so what is accepted here and what the table
/// holds cannot differ.
static REGIONS: LazyLock<HashMap<&'static str, &'static Region>> = LazyLock::new(|| {
    migration::regions::all()
        .iter()
        .map(|r| (r.code.as_str(), r))
        .collect()
});

/// The region of a code (`35`, `3578`, `357801`), if the data set has it.
pub fn region(code: &str) -> Option<&'static Region> {
    REGIONS.get(code).copied()
}

/// The name of a region (`Kota Surabaya` for `3578`), if the data set has it.
pub fn region_name(code: &str) -> Option<String> {
    region(code).map(|r| r.name.clone())
}

fn is_region(code: &str, level: Level) -> bool {
    region(code).is_some_and(|r| r.level == level)
}

pub fn is_province_code(code: &str) -> bool {
    is_region(code, Level::Province)
}

fn err(code: FieldCode) -> ValidationError {
    crate::validation::invalid(code)
}

fn all_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// A link the API stores and shows to people (a certificate's document, a
/// pesantren's website): `https:` only, so that no `javascript:` or `data:`
/// URL reaches a reviewer's browser; `http:` only to the machine itself,
/// where a development server serves its own uploads.
pub fn validate_https_url(url: &str) -> Result<(), ValidationError> {
    let lower = url.to_ascii_lowercase();
    let local_http = lower.strip_prefix("http://").is_some_and(|rest| {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = match authority.rsplit_once(':') {
            Some((h, port)) if !h.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => h,
            _ => authority,
        };
        matches!(host, "localhost" | "127.0.0.1" | "[::1]")
    });
    if (lower.starts_with("https://") || local_http) && validator::ValidateUrl::validate_url(url) {
        Ok(())
    } else {
        Err(crate::validation::invalid(FieldCode::HttpsUrl))
    }
}

pub fn validate_province_code(code: &str) -> Result<(), ValidationError> {
    if is_province_code(code) {
        Ok(())
    } else {
        Err(err(FieldCode::ProvinceCode))
    }
}

/// Regency (kabupaten/kota) code: 4 digits (`field.regency_code`) naming a
/// regency or city of the data set (`field.no_such_regency`).
pub fn validate_regency_code(code: &str) -> Result<(), ValidationError> {
    if !all_digits(code, 4) {
        Err(err(FieldCode::RegencyCode))
    } else if !is_region(code, Level::Regency) {
        Err(err(FieldCode::NoSuchRegency))
    } else {
        Ok(())
    }
}

/// District (kecamatan) code: 6 digits (`field.district_code`) naming a
/// district of the data set (`field.no_such_district`). That it lies in the
/// regency given beside it is checked with [`is_within`].
pub fn validate_district_code(code: &str) -> Result<(), ValidationError> {
    if !all_digits(code, 6) {
        Err(err(FieldCode::DistrictCode))
    } else if !is_region(code, Level::District) {
        Err(err(FieldCode::NoSuchDistrict))
    } else {
        Ok(())
    }
}

/// Whether a code names a district of the data set.
pub fn is_district_code(code: &str) -> bool {
    is_region(code, Level::District)
}

/// Whether `child` starts with its `parent` code (regency in province, …).
pub fn is_within(child: &str, parent: &str) -> bool {
    child.starts_with(parent)
}

/// NSPP/NSP: Kemenag's statistical number of a pesantren, 12 digits.
pub fn validate_nspp(nspp: &str) -> Result<(), ValidationError> {
    if all_digits(nspp, 12) {
        Ok(())
    } else {
        Err(err(FieldCode::Nspp))
    }
}

/// NIB: business number from OSS, 13 digits (no published checksum).
pub fn validate_nib(nib: &str) -> Result<(), ValidationError> {
    if all_digits(nib, 13) {
        Ok(())
    } else {
        Err(err(FieldCode::Nib))
    }
}

/// The birth date and gender a NIK encodes, if its date part is plausible.
/// Digits 7-12 are DDMMYY, with 40 added to the day for women.
pub fn nik_birth(nik: &str, today: NaiveDate) -> Option<(NaiveDate, bool)> {
    if !all_digits(nik, 16) {
        return None;
    }
    let day: u32 = nik[6..8].parse().ok()?;
    let month: u32 = nik[8..10].parse().ok()?;
    let yy: i32 = nik[10..12].parse().ok()?;
    let (day, female) = if day > 40 {
        (day - 40, true)
    } else {
        (day, false)
    };
    // Two-digit years: the latest century that does not lie in the future.
    let century = if 2000 + yy <= today.year() {
        2000
    } else {
        1900
    };
    let date = NaiveDate::from_ymd_opt(century + yy, month, day)?;
    Some((date, female))
}

/// NIK: 16 digits, a valid (gender-coded) birth date and a sequence other
/// than 0000 (`field.nik`), whose first six digits name a district of the
/// data set (`field.nik_no_such_district`).
pub fn validate_nik(nik: &str) -> Result<(), ValidationError> {
    if !all_digits(nik, 16)
        || &nik[12..] == "0000"
        || nik_birth(nik, chrono::Utc::now().date_naive()).is_none()
    {
        return Err(err(FieldCode::Nik));
    }
    if !is_district_code(&nik[..6]) {
        return Err(err(FieldCode::NikNoSuchDistrict));
    }
    Ok(())
}

/// Normalises an Indonesian mobile number to E.164 (`+628…`): accepts
/// `08…`, `628…` and `+628…`, with spaces, dots or dashes between digits;
/// 9 to 13 digits after the 8's country code.
pub fn normalize_phone(input: &str) -> Option<String> {
    let trimmed = input.trim();
    let plus = trimmed.starts_with('+');
    let digits: String = trimmed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .skip(usize::from(plus))
        .collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let national = if let Some(rest) = digits.strip_prefix("62") {
        rest.to_string()
    } else if let Some(rest) = digits.strip_prefix('0') {
        if plus {
            return None;
        }
        rest.to_string()
    } else {
        return None;
    };
    (national.starts_with('8') && (9..=13).contains(&national.len()))
        .then(|| format!("+62{national}"))
}

pub fn validate_phone(phone: &str) -> Result<(), ValidationError> {
    normalize_phone(phone)
        .map(|_| ())
        .ok_or_else(|| err(FieldCode::Phone))
}

/// The `https://wa.me/…` link of a normalised phone, with an optional message.
pub fn whatsapp_link(e164: &str, text: Option<&str>) -> String {
    let digits: String = e164.chars().filter(char::is_ascii_digit).collect();
    match text {
        Some(t) => format!("https://wa.me/{digits}?text={}", percent_encode(t)),
        None => format!("https://wa.me/{digits}"),
    }
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_links_are_https_or_the_machine_s_own_http() {
        for ok in [
            "https://sidogiri.net",
            "HTTPS://sidogiri.net/profil",
            "http://127.0.0.1:8080/media/a.pdf",
            "http://localhost/media/a.pdf",
        ] {
            assert!(validate_https_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "javascript:alert(document.cookie)",
            "JavaScript://%0aalert(1)",
            "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
            "http://sidogiri.net",
            "http://localhost.evil.example/x",
            "http://127.0.0.1@evil.example/x",
            "ftp://sidogiri.net/a.pdf",
            "vbscript:msgbox(1)",
        ] {
            assert!(validate_https_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn there_are_38_distinct_provinces_as_in_the_data_set() {
        let mut codes = PROVINCE_CODES.to_vec();
        codes.dedup();
        assert_eq!(codes.len(), 38);
        let mut from_data: Vec<&str> = migration::regions::all()
            .iter()
            .filter(|r| r.level == Level::Province)
            .map(|r| r.code.as_str())
            .collect();
        from_data.sort_unstable();
        assert_eq!(from_data, PROVINCE_CODES);
        assert!(is_province_code("35") && is_province_code("96"));
        assert!(!is_province_code("37") && !is_province_code("3"));
        assert!(!is_province_code("3578"));
    }

    fn code_of(r: Result<(), ValidationError>) -> Option<String> {
        r.err().and_then(|e| e.message).map(|m| m.to_string())
    }

    #[test]
    fn region_codes_must_exist_and_nest() {
        assert!(validate_regency_code("3578").is_ok());
        assert!(validate_regency_code("3526").is_ok());
        // Well formed, but Jawa Timur has 29 regencies and 9 cities.
        let unknown = code_of(validate_regency_code("3569"));
        assert_eq!(unknown.as_deref(), Some(FieldCode::NoSuchRegency.as_str()));
        assert!(validate_regency_code("3700").is_err());
        let malformed = code_of(validate_regency_code("35a8"));
        assert_eq!(malformed.as_deref(), Some(FieldCode::RegencyCode.as_str()));
        assert!(validate_regency_code("35").is_err());
        assert!(validate_district_code("357801").is_ok());
        assert!(validate_district_code("357800").is_err());
        assert!(validate_district_code("3578").is_err());
        assert_eq!(region_name("3578").as_deref(), Some("Kota Surabaya"));
        assert_eq!(region_name("35").as_deref(), Some("Jawa Timur"));
        assert!(is_within("357801", "3578") && !is_within("327301", "3578"));
    }

    #[test]
    fn nspp_and_nib_are_fixed_length_digits() {
        assert!(validate_nspp("510035780001").is_ok());
        assert!(validate_nspp("51003578000").is_err());
        assert!(validate_nspp("51003578000a").is_err());
        assert!(validate_nib("9120001234567").is_ok());
        assert!(validate_nib("912000123456").is_err());
    }

    #[test]
    fn nik_needs_a_region_a_date_and_a_sequence() {
        assert!(validate_nik("3578014101990001").is_ok()); // woman born 1 Jan 1999
        assert!(validate_nik("3578010101050001").is_ok()); // man born 1 Jan 2005
        assert!(validate_nik("3778014101990001").is_err()); // no province 37
        let no_district = code_of(validate_nik("3578994101990001")); // no district 357899
        assert_eq!(
            no_district.as_deref(),
            Some(FieldCode::NikNoSuchDistrict.as_str())
        );
        assert!(validate_nik("3578013201990001").is_err()); // day 32
        assert!(validate_nik("3578014113990001").is_err()); // month 13
        assert!(validate_nik("3578014101990000").is_err()); // sequence 0000
        assert!(validate_nik("357801410199000").is_err());
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let (date, female) = nik_birth("3578014101990001", today).unwrap();
        assert_eq!(date, NaiveDate::from_ymd_opt(1999, 1, 1).unwrap());
        assert!(female);
    }

    #[test]
    fn phones_are_normalised_to_e164() {
        assert_eq!(
            normalize_phone("081234567890").as_deref(),
            Some("+6281234567890")
        );
        assert_eq!(
            normalize_phone("6281234567890").as_deref(),
            Some("+6281234567890")
        );
        assert_eq!(
            normalize_phone("+62 812-3456-7890").as_deref(),
            Some("+6281234567890")
        );
        assert_eq!(normalize_phone("0812 345"), None);
        assert_eq!(normalize_phone("+44 7700 900123"), None);
        assert_eq!(normalize_phone("0212345678"), None);
        assert_eq!(
            whatsapp_link("+6281234567890", Some("Saya mau pesan Kopi")),
            "https://wa.me/6281234567890?text=Saya%20mau%20pesan%20Kopi"
        );
    }
}
