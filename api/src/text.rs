//! Folding text for search, the same way for both databases: the folded form
//! is computed here and stored (`search_name`), and `q` is folded alike, so
//! search never depends on a database's collation or case rules.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Lower case, compatibility-decomposed, without combining marks: `Miftāḥul
/// Hudā` → `miftahul huda`; Arabic loses its harakat, so a search without
/// vowel marks finds a name written with them.
pub fn fold(s: &str) -> String {
    s.nfkd()
        .filter(|c| !is_combining_mark(*c) && !matches!(*c, '\u{0640}'))
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The one form of an email address (or other account name) for looking
/// it up, storing it and counting failed attempts against it: NFKC (so a
/// full-width `ａ` is `a`), without surrounding whitespace of any kind
/// (Unicode's, so a non-breaking space too), lower case. Login, the login
/// throttle, user creation and registration all use it, so `"a@b.id "`
/// cannot be a fresh account to the throttle while login finds `a@b.id`.
pub fn normalize_email(s: &str) -> String {
    s.nfkc().collect::<String>().trim().to_lowercase()
}

/// A `LIKE` pattern matching `q` anywhere, with `%`, `_` and `\` escaped
/// (used with `ESCAPE '\'`).
pub fn like_pattern(q: &str) -> String {
    let mut out = String::from("%");
    for c in fold(q).chars() {
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
    fn emails_have_one_form() {
        for raw in [
            "a@b.id",
            "A@B.ID ",
            "\ta@b.id",
            "a@b.id\u{00a0}",
            "\u{2003}ａ@ｂ.id\n",
        ] {
            assert_eq!(normalize_email(raw), "a@b.id", "{raw:?}");
        }
    }

    #[test]
    fn accents_case_and_spacing_fold_away() {
        assert_eq!(
            fold("  Pondok  Pesantren Miftāḥul HUDĀ "),
            "pondok pesantren miftahul huda"
        );
        assert_eq!(fold("Al-Ikhlâs"), "al-ikhlas");
    }

    #[test]
    fn arabic_keeps_its_letters_and_loses_its_vowel_marks() {
        assert_eq!(fold("دَارُ السَّلَام"), "دار السلام");
        assert_eq!(fold("دار السلام"), "دار السلام");
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("50%_off"), "%50\\%\\_off%");
    }
    #[test]
    fn latin_diacritics_of_every_kind_fold_to_ascii() {
        assert_eq!(
            fold("Pondok Pesantren Sidogiri"),
            "pondok pesantren sidogiri"
        );
        assert_eq!(fold("Miftāḥul Ulūm"), "miftahul ulum");
        assert_eq!(
            fold("Al-Ikhlâs ÉCOLE Çà Ñoño Über"),
            "al-ikhlas ecole ca nono uber"
        );
        assert_eq!(fold("ÁÀÂÄ éèêë ÍÌÎÏ óòôö úùûü"), "aaaa eeee iiii oooo uuuu");
        // A decomposed accent (e + U+0301) folds like a composed one.
        assert_eq!(fold("Cafe\u{301}"), "cafe");
        // Other scripts stay as they are.
        assert_eq!(fold("Darussalam (دار السلام)"), "darussalam (دار السلام)");
        assert_eq!(fold(""), "");
    }
}
