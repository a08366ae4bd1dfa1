//! Reading an image upload: a `multipart/form-data` body with one part
//! `file`, refused as early as it can be (415 for what is not an image by
//! its first bytes, 413 past the limit), never read whole when refused.

use actix_multipart::Multipart;
use actix_web::http::header;
use actix_web::{web, HttpRequest};
use bytes::Bytes;
use futures_util::StreamExt;

use super::model::{ImageKind, ENVELOPE_BYTES, MAX_BYTES};
use super::service::{not_an_image, too_large};
use crate::error::{ApiError, ApiResult, Code, FieldCode};

/// An image read from a request, checked for type and size.
pub struct Upload {
    pub bytes: Bytes,
    pub kind: ImageKind,
}

fn bad_multipart(_: actix_multipart::MultipartError) -> ApiError {
    ApiError::new(Code::ImageMultipartUnreadable)
}

/// Refuses a request that is not `multipart/form-data` (415) or that
/// declares a body far larger than an image may be (413), before reading.
fn check_headers(req: &HttpRequest) -> ApiResult<()> {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    if !is_form {
        return Err(ApiError::new(Code::ImageNotMultipart));
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > (MAX_BYTES + ENVELOPE_BYTES) as u64) {
        return Err(too_large());
    }
    Ok(())
}

/// Reads the part `file` of a multipart body, refusing it as soon as it
/// passes [`MAX_BYTES`] (413) or its first bytes are not an accepted image
/// (415): neither is ever read whole. Other parts are skipped, up to
/// 64 KiB in all. The part's file name and declared type are ignored.
pub async fn read_upload(req: &HttpRequest, payload: web::Payload) -> ApiResult<Upload> {
    check_headers(req)?;
    let mut form = Multipart::new(req.headers(), payload);
    let mut file: Option<Upload> = None;
    let mut other_bytes = 0usize;
    while let Some(part) = form.next().await {
        let mut part = part.map_err(bad_multipart)?;
        let is_file = part.name() == Some("file");
        if is_file && file.is_some() {
            return Err(ApiError::new(Code::ImageOnePart));
        }
        let mut buf: Vec<u8> = Vec::new();
        let mut kind = None;
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(bad_multipart)?;
            if !is_file {
                other_bytes += chunk.len();
                if other_bytes > ENVELOPE_BYTES {
                    return Err(too_large());
                }
                continue;
            }
            if buf.len() + chunk.len() > MAX_BYTES {
                return Err(too_large());
            }
            buf.extend_from_slice(&chunk);
            if kind.is_none() && buf.len() >= ImageKind::SNIFF_LEN {
                kind = Some(ImageKind::sniff(&buf).ok_or_else(not_an_image)?);
            }
        }
        if is_file {
            let kind = match kind {
                Some(k) => k,
                None => ImageKind::sniff(&buf).ok_or_else(not_an_image)?,
            };
            file = Some(Upload {
                bytes: buf.into(),
                kind,
            });
        }
    }
    file.ok_or_else(|| ApiError::field("file", FieldCode::FileRequired))
}
