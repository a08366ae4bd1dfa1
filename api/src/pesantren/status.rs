//! The status of a pesantren: the only place that knows which status may
//! follow which. A registered pesantren is verified by the secretariat (its
//! managers may then log in and its approved products be published), and a
//! registered or verified one may be suspended; a suspended one may be
//! verified again. Nothing goes back to `registered`.

use entity::PesantrenStatus::{self, *};
use entity::ReviewDecision;

use crate::error::{ApiError, Code};

/// `to` if the secretariat may move a pesantren there from `from`; a 409
/// naming both otherwise.
pub fn next(from: PesantrenStatus, to: PesantrenStatus) -> Result<PesantrenStatus, ApiError> {
    match (from, to) {
        (Registered | Suspended, Verified) | (Registered | Verified, Suspended) => Ok(to),
        _ => Err(ApiError::new(Code::PesantrenStateConflict)
            .with("status", from.as_str())
            .with("to", to.as_str())),
    }
}

/// The audit action of a move to `to`.
pub fn action(to: PesantrenStatus) -> &'static str {
    match to {
        Verified => "verify",
        Suspended => "suspend",
        Registered => "register",
    }
}

/// How the review history names a move to `to`; `None` for `registered`,
/// which [`next`] never moves a pesantren to.
pub fn decision(to: PesantrenStatus) -> Option<ReviewDecision> {
    match to {
        Verified => Some(ReviewDecision::Verify),
        Suspended => Some(ReviewDecision::Suspend),
        Registered => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    #[test]
    fn only_verification_and_suspension_are_allowed() {
        let allowed = [
            (Registered, Verified),
            (Suspended, Verified),
            (Registered, Suspended),
            (Verified, Suspended),
        ];
        for from in PesantrenStatus::iter() {
            for to in PesantrenStatus::iter() {
                let want = allowed.contains(&(from, to));
                match next(from, to) {
                    Ok(got) => {
                        assert!(want, "{from} → {to} must be refused");
                        assert_eq!(got, to);
                    }
                    Err(e) => {
                        assert!(!want, "{from} → {to} must be allowed");
                        assert_eq!(e.code(), Code::PesantrenStateConflict);
                        let detail = e.detail(crate::i18n::Lang::En);
                        assert!(detail.contains(&format!("`{from}`")), "{detail}");
                    }
                }
            }
        }
    }

    #[test]
    fn every_allowed_move_is_a_decision_named_as_in_the_audit_trail() {
        for to in PesantrenStatus::iter() {
            for from in PesantrenStatus::iter() {
                if next(from, to).is_ok() {
                    let decision = decision(to).expect("a decision");
                    assert_eq!(decision.as_str(), action(to));
                }
            }
        }
    }
}
