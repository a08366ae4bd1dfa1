//! Masking of personal identifiers before they leave the server.

/// `3578014101990001` → `************0001`, as the contract shows: only
/// the last four digits. The first six are the district, which a
/// pesantren's public profile tells, and digits 7 to 12 the birth date
/// and gender, so showing the region as well let a reader rebuild all
/// sixteen (issue 17, finding 1).
pub fn mask_nik(nik: &str) -> String {
    let chars: Vec<char> = nik.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{}{tail}", "*".repeat(chars.len() - 4))
}

/// The masked form of a NIK whose last four digits are `last4`: all that
/// is kept of it in the clear (the rest is sealed, `santri::vault`).
pub fn mask_last4(last4: &str) -> String {
    mask_nik(&format!(
        "{}{last4}",
        "0".repeat(16usize.saturating_sub(last4.len()))
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nik_is_masked_as_the_contract_shows() {
        assert_eq!(mask_nik("3578014101990001"), "************0001");
        assert_eq!(mask_nik("1234"), "****");
        assert_eq!(mask_last4("0001"), "************0001");
    }
}
