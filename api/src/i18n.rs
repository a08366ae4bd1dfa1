//! Every text a client can read in an error, in English and Indonesian,
//! looked up by its stable code (`product.not_found`, `field.required`,
//! `title.not_found`).
//!
//! Texts are templates: `{name}` is replaced by the argument of that name,
//! numbers written the way each language writes them (`100,000,000` and
//! `100.000.000`). Arguments are identifiers, numbers, dates and values the
//! client sent, never English prose, so a caller who asks for Indonesian
//! reads no English. The table lives in [`texts`]; a test walks every code
//! of the error type and fails when one lacks either language or when the
//! two disagree on their placeholders.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

mod texts;

/// The languages texts exist in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Id,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Id];

    /// The BCP 47 tag, as sent in `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Id => "id",
        }
    }

    /// The language an `Accept-Language` header prefers among the ones
    /// there are texts in (RFC 9110 §12.5.4: the highest `q` wins, ties go
    /// to the first); English when it names neither.
    pub fn negotiate(header: Option<&str>) -> Lang {
        let Some(header) = header else {
            return Lang::En;
        };
        let mut best: Option<(Lang, f32)> = None;
        for range in header.split(',') {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = match tag.split('-').next().unwrap_or("") {
                "id" | "in" => Lang::Id,
                "en" => Lang::En,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
                best = Some((lang, q));
            }
        }
        best.map_or(Lang::En, |(lang, _)| lang)
    }
}

/// A value put into a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    Text(String),
    Int(i64),
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Self::Text(s.to_string())
    }
}

impl From<&String> for Arg {
    fn from(s: &String) -> Self {
        Self::Text(s.clone())
    }
}

macro_rules! int_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Self {
                Self::Int(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
int_arg!(i32, i64, u16, u32, u64, usize);

/// Named arguments of a text.
pub type Args = Vec<(&'static str, Arg)>;

static TABLE: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> = LazyLock::new(|| {
    texts::TEXTS
        .iter()
        .map(|(code, en, id)| (*code, (*en, *id)))
        .collect()
});

/// The template of `code` in `lang`, if there is one.
pub fn template(code: &str, lang: Lang) -> Option<&'static str> {
    TABLE.get(code).map(|(en, id)| match lang {
        Lang::En => *en,
        Lang::Id => *id,
    })
}

/// Every code that has texts.
pub fn codes() -> impl Iterator<Item = &'static str> {
    texts::TEXTS.iter().map(|(code, _, _)| *code)
}

/// The text of `code` in `lang` with `args` put in. A code without a text
/// (which the tests rule out) falls back to English, then to the code.
pub fn render(code: &str, lang: Lang, args: &[(&'static str, Arg)]) -> String {
    let template = template(code, lang)
        .or_else(|| template(code, Lang::En))
        .unwrap_or(code);
    fill(template, lang, args)
}

fn fill(template: &str, lang: Lang, args: &[(&'static str, Arg)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) if is_name(&after[..end]) => {
                let name = &after[..end];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, Arg::Text(t))) => out.push_str(t),
                    Some((_, Arg::Int(n))) => out.push_str(&number(*n, lang)),
                    None => {
                        let _ = write!(out, "{{{name}}}");
                    }
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

/// The placeholders of a template, for the tests.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) if is_name(&after[..end]) => {
                names.push(&after[..end]);
                rest = &after[end + 1..];
            }
            _ => rest = after,
        }
    }
    names.sort_unstable();
    names.dedup();
    names
}

/// A number as the language writes it. Only from five digits on: years
/// (`2026`) and small counts read better without a separator.
fn number(n: i64, lang: Lang) -> String {
    let digits = n.unsigned_abs().to_string();
    if digits.len() < 5 {
        return n.to_string();
    }
    let separator = match lang {
        Lang::En => ',',
        Lang::Id => '.',
    };
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preferred_language_is_negotiated_by_quality() {
        assert_eq!(Lang::negotiate(None), Lang::En);
        assert_eq!(Lang::negotiate(Some("id")), Lang::Id);
        assert_eq!(Lang::negotiate(Some("id-ID,id;q=0.9,en;q=0.8")), Lang::Id);
        assert_eq!(Lang::negotiate(Some("en-US,en;q=0.9,id;q=0.8")), Lang::En);
        assert_eq!(Lang::negotiate(Some("fr, id;q=0.5")), Lang::Id);
        assert_eq!(Lang::negotiate(Some("en;q=0.2, id;q=0.7")), Lang::Id);
        assert_eq!(Lang::negotiate(Some("id;q=0")), Lang::En);
        assert_eq!(Lang::negotiate(Some("*")), Lang::En);
    }

    #[test]
    fn arguments_are_put_in_and_numbers_written_per_language() {
        let args = vec![("min", Arg::from(100)), ("max", Arg::from(100_000_000))];
        assert_eq!(
            fill("must be {min} to {max} rupiah", Lang::En, &args),
            "must be 100 to 100,000,000 rupiah"
        );
        assert_eq!(
            fill("harus {min} sampai {max} rupiah", Lang::Id, &args),
            "harus 100 sampai 100.000.000 rupiah"
        );
        assert_eq!(number(-12_345, Lang::En), "-12,345");
        assert_eq!(number(2026, Lang::Id), "2026");
        // Braces that are not placeholders stay as they are.
        assert_eq!(fill("`{}` and {Name}", Lang::En, &[]), "`{}` and {Name}");
    }
}
