//! Indonesian error messages for callers sending `Accept-Language: id`.
//!
//! Messages are written in English where they are raised; this table gives
//! their Indonesian form, applied once to the finished problem body. A
//! message without an entry stays in English (and `code` is always there for
//! clients that localise themselves).

use actix_web::http::header;
use actix_web::HttpRequest;
use serde_json::Value;

/// Whether the caller prefers Indonesian (`id` or `id-ID` first in `Accept-Language`).
pub fn wants_indonesian(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|first| {
            let tag = first
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            tag == "id" || tag.starts_with("id-")
        })
        .unwrap_or(false)
}

/// English message prefix → Indonesian. Prefixes, because some messages end
/// with a value (`must start with the province code 35`).
const MESSAGES: &[(&str, &str)] = &[
    ("is required", "wajib diisi"),
    ("must be an email address", "harus berupa alamat email"),
    ("must be at least 10 characters", "minimal 10 karakter"),
    (
        "must be the 12-digit NSPP of Kemenag",
        "harus berupa NSPP Kemenag 12 digit",
    ),
    (
        "must be the 13-digit NIB from OSS",
        "harus berupa NIB 13 digit dari OSS",
    ),
    (
        "must be one of the 38 two-digit province codes",
        "harus salah satu dari 38 kode provinsi dua digit, misalnya 35",
    ),
    (
        "must be a 4-digit regency code",
        "harus berupa kode kabupaten/kota 4 digit, misalnya 3578",
    ),
    (
        "must be a 6-digit district code",
        "harus berupa kode kecamatan 6 digit, misalnya 357801",
    ),
    (
        "must start with the province code",
        "harus diawali kode provinsi",
    ),
    (
        "must start with the regency code",
        "harus diawali kode kabupaten/kota",
    ),
    (
        "must be an Indonesian mobile number",
        "harus berupa nomor ponsel Indonesia, misalnya 081234567890",
    ),
    (
        "must be a 16-digit NIK",
        "harus berupa NIK 16 digit yang sah (kode wilayah, tanggal lahir, nomor urut)",
    ),
    (
        "must be a URL",
        "harus berupa URL, misalnya https://sidogiri.net",
    ),
    ("must be 1 to 200 characters", "harus 1 sampai 200 karakter"),
    ("must be 3 to 200 characters", "harus 3 sampai 200 karakter"),
    ("must be 5 to 500 characters", "harus 5 sampai 500 karakter"),
    ("must be between 1 and 100", "harus antara 1 dan 100"),
    (
        "field(s) failed validation",
        "isian tidak lolos validasi; lihat `errors`.",
    ),
    (
        "A pesantren with this NSPP is already registered.",
        "Pesantren dengan NSPP ini sudah terdaftar.",
    ),
    (
        "An account with this email already exists.",
        "Akun dengan email ini sudah ada.",
    ),
    (
        "The email or password is wrong.",
        "Email atau kata sandi salah.",
    ),
    (
        "The access token is missing, invalid or expired.",
        "Token akses tidak ada, tidak sah, atau kedaluwarsa.",
    ),
    (
        "Too many requests",
        "Terlalu banyak permintaan; coba lagi nanti.",
    ),
    ("Nothing is served at", "Alamat ini tidak ada."),
    (
        "No pesantren with this id.",
        "Pesantren dengan id ini tidak ditemukan.",
    ),
    (
        "No santri with this id.",
        "Santri dengan id ini tidak ditemukan.",
    ),
    (
        "No koperasi with this id.",
        "Koperasi dengan id ini tidak ditemukan.",
    ),
    (
        "The resource has changed since you read it",
        "Data sudah berubah sejak Anda membacanya; muat ulang lalu coba lagi.",
    ),
    (
        "Your pesantren has not been verified",
        "Pesantren Anda belum diverifikasi sekretariat OPOP.",
    ),
    (
        "The request body is not valid JSON",
        "Isi permintaan bukan JSON yang sah.",
    ),
];

fn translate(text: &str) -> Option<String> {
    MESSAGES.iter().find_map(|(en, id)| {
        let idx = text.find(en)?;
        // `N field(s) failed validation…` keeps its number.
        let head = &text[..idx];
        Some(
            if head.trim().chars().all(|c| c.is_ascii_digit()) && !head.is_empty() {
                format!("{head}{id}")
            } else if text.len() > en.len() && text.starts_with(en) && en.starts_with("must start")
            {
                format!("{id}{}", &text[en.len()..])
            } else {
                id.to_string()
            },
        )
    })
}

pub fn translate_problem(problem: &mut Value) {
    if let Some(detail) = problem["detail"].as_str().and_then(translate) {
        problem["detail"] = Value::String(detail);
    }
    if let Some(errors) = problem["errors"].as_array_mut() {
        for e in errors {
            if let Some(m) = e["message"].as_str().and_then(translate) {
                e["message"] = Value::String(m);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn known_messages_are_translated_and_values_kept() {
        let mut p = json!({
            "detail": "2 field(s) failed validation; see `errors`.",
            "errors": [
                {"field": "regency_code", "message": "must start with the province code 35"},
                {"field": "nspp", "message": "must be the 12-digit NSPP of Kemenag"},
                {"field": "x", "message": "something unknown"}
            ]
        });
        translate_problem(&mut p);
        assert_eq!(p["detail"], "2 isian tidak lolos validasi; lihat `errors`.");
        assert_eq!(p["errors"][0]["message"], "harus diawali kode provinsi 35");
        assert_eq!(
            p["errors"][1]["message"],
            "harus berupa NSPP Kemenag 12 digit"
        );
        assert_eq!(p["errors"][2]["message"], "something unknown");
    }
}
