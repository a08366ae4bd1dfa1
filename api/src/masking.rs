//! Masking of personal identifiers before they leave the server.

/// `3578014101990001` → `3578********0001`: the region stays readable for
/// the secretariat, the birth date and most of the number do not.
pub fn mask_nik(nik: &str) -> String {
    let chars: Vec<char> = nik.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nik_is_masked_as_the_contract_shows() {
        assert_eq!(mask_nik("3578014101990001"), "3578********0001");
        assert_eq!(mask_nik("1234"), "****");
    }
}
