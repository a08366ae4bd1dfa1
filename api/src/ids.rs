//! Checks of the identifiers people type (see `shared/spec/domain.md`).
//! Each check is a `validator` custom function, so a failing field is
//! reported with its own message alongside every other failing field.

use chrono::{Datelike, NaiveDate};
use validator::ValidationError;

use crate::error::FieldCode;

/// The 38 province codes of Kemendagri (after the 2022 split of Papua).
pub const PROVINCE_CODES: [&str; 38] = [
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36",
    "51", "52", "53", "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "81", "82",
    "91", "92", "93", "94", "95", "96",
];

pub fn is_province_code(code: &str) -> bool {
    PROVINCE_CODES.contains(&code)
}

fn err(code: FieldCode) -> ValidationError {
    crate::validation::invalid(code)
}

fn all_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

pub fn validate_province_code(code: &str) -> Result<(), ValidationError> {
    if is_province_code(code) {
        Ok(())
    } else {
        Err(err(FieldCode::ProvinceCode))
    }
}

/// Regency (kabupaten/kota) code: 4 digits, the province code first, then
/// 01–69 for a regency or 71–99 for a city.
pub fn validate_regency_code(code: &str) -> Result<(), ValidationError> {
    let ok = all_digits(code, 4)
        && is_province_code(&code[..2])
        && matches!(code[2..].parse::<u8>(), Ok(n) if (1..=69).contains(&n) || (71..=99).contains(&n));
    if ok {
        Ok(())
    } else {
        Err(err(FieldCode::RegencyCode))
    }
}

/// District (kecamatan) code: 6 digits starting with a regency code.
pub fn validate_district_code(code: &str) -> Result<(), ValidationError> {
    if all_digits(code, 6) && validate_regency_code(&code[..4]).is_ok() && &code[4..] != "00" {
        Ok(())
    } else {
        Err(err(FieldCode::DistrictCode))
    }
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

/// NIK: 16 digits, a real province, a plausible regency and district part,
/// a valid (gender-coded) birth date, and a sequence other than 0000.
pub fn validate_nik(nik: &str) -> Result<(), ValidationError> {
    if !all_digits(nik, 16)
        || !is_province_code(&nik[..2])
        || &nik[2..4] == "00"
        || &nik[4..6] == "00"
        || &nik[12..] == "0000"
        || nik_birth(nik, chrono::Utc::now().date_naive()).is_none()
    {
        return Err(err(FieldCode::Nik));
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
    fn there_are_38_distinct_provinces() {
        let mut codes = PROVINCE_CODES.to_vec();
        codes.dedup();
        assert_eq!(codes.len(), 38);
        assert!(is_province_code("35") && is_province_code("96"));
        assert!(!is_province_code("37") && !is_province_code("3"));
    }

    #[test]
    fn region_codes_nest_and_respect_the_ranges() {
        assert!(validate_regency_code("3578").is_ok());
        assert!(validate_regency_code("3526").is_ok());
        assert!(validate_regency_code("3570").is_err());
        assert!(validate_regency_code("3700").is_err());
        assert!(validate_district_code("357801").is_ok());
        assert!(validate_district_code("357800").is_err());
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
