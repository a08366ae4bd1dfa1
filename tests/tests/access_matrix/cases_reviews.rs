//! Access cases of the review histories: whoever reads the product, the
//! certificate or the pesantren's full record reads its history, with the
//! same 404 outside scope.

use super::*;

pub fn cases() -> Vec<Case> {
    [
        ("/api/v1/products/{id}/reviews", Target::ProductA),
        (
            "/api/v1/certifications/{id}/reviews",
            Target::CertificationA,
        ),
        ("/api/v1/pesantren/{id}/reviews", Target::PesantrenA),
    ]
    .into_iter()
    .map(|(path, target)| Case {
        method: "GET",
        path,
        roles: REGISTER_READERS,
        anonymous: false,
        target,
        body: no_body,
        special: no_special,
        arrange: nothing,
    })
    .collect()
}
