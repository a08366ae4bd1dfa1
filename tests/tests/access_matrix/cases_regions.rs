//! Access cases of regions: read by anyone, no token read.

use super::*;

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            method: "GET",
            path: "/api/v1/regions",
            roles: &[],
            anonymous: true,
            target: Target::None,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
        Case {
            method: "GET",
            path: "/api/v1/regions/{code}",
            roles: &[],
            anonymous: true,
            target: Target::None,
            body: no_body,
            special: no_special,
            arrange: nothing,
        },
    ]
}
