//! Cursor pagination: `limit` (1–100, default 20) and an opaque `cursor`,
//! answered as `{"data": [...], "next_cursor": ...}`.
//!
//! Cursors are keyset positions (the sort key of the last row, base64url
//! JSON), never offsets, so a page stays correct while rows are inserted or
//! deleted before it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiResult, Code, FieldCode, FieldError};

pub const DEFAULT_LIMIT: u64 = 20;
pub const MAX_LIMIT: u64 = 100;

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1 to 100.
    #[param(minimum = 1, maximum = 100, default = 20)]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page; omit for the first page.
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> ApiResult<u64> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::validation(vec![FieldError::new(
                "limit",
                FieldCode::RangeBetween,
            )
            .with("min", 1)
            .with("max", MAX_LIMIT)])),
        }
    }

    /// The decoded position, or `None` on the first page.
    pub fn position<T: DeserializeOwned>(&self) -> ApiResult<Option<T>> {
        self.cursor.as_deref().map(decode_cursor).transpose()
    }
}

pub fn encode_cursor<T: Serialize>(position: &T) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(position).unwrap_or_default())
}

pub fn decode_cursor<T: DeserializeOwned>(cursor: &str) -> ApiResult<T> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| ApiError::new(Code::CursorInvalid))
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub data: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    #[schema(required = true)]
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows fetched in order: the extra
    /// row only tells that there is a next page.
    pub fn from_rows<R, P: Serialize>(
        mut rows: Vec<R>,
        limit: u64,
        position: impl Fn(&R) -> P,
        render: impl FnMut(R) -> T,
    ) -> Self {
        let has_more = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = if has_more {
            rows.last().map(|r| encode_cursor(&position(r)))
        } else {
            None
        };
        Self {
            data: rows.into_iter().map(render).collect(),
            next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_defaults_and_bounds() {
        assert_eq!(PageParams::default().limit().unwrap(), 20);
        let p = |n| PageParams {
            limit: Some(n),
            cursor: None,
        };
        assert!(p(0).limit().is_err());
        assert!(p(101).limit().is_err());
        assert_eq!(p(100).limit().unwrap(), 100);
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_a_bad_request() {
        let c = encode_cursor(&("name", 42));
        let back: (String, i32) = decode_cursor(&c).unwrap();
        assert_eq!(back, ("name".to_string(), 42));
        assert!(matches!(
            decode_cursor::<(String, i32)>("%%%"),
            Err(e) if e.code() == Code::CursorInvalid
        ));
    }

    #[test]
    fn the_extra_row_makes_a_next_cursor() {
        let page: Page<i32> = Page::from_rows(vec![1, 2, 3], 2, |r| *r, |r| r);
        assert_eq!(page.data, vec![1, 2]);
        assert_eq!(
            decode_cursor::<i32>(page.next_cursor.as_deref().unwrap()).unwrap(),
            2
        );
        let last: Page<i32> = Page::from_rows(vec![1, 2], 2, |r| *r, |r| r);
        assert!(last.next_cursor.is_none());
    }
}
