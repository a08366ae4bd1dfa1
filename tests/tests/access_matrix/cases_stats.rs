//! Access cases of stats.

use super::*;

pub fn cases() -> Vec<Case> {
    vec![Case {
        method: "GET",
        path: "/api/v1/stats/overview",
        roles: &["admin", "curator"],
        anonymous: false,
        target: Target::None,
        body: no_body,
        // Provincial staff see their province's figures; the scope is
        // tested in `tests/stats.rs`.
        special: no_special,
        arrange: nothing,
    }]
}
