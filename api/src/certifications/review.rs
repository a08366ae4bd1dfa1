//! The review of a certificate: the only place that knows which state
//! follows which.

use entity::CertificationStatus::{self, *};
use entity::ReviewDecision;

use crate::error::{ApiError, Code};

/// What a curator or admin does to a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Verify,
    Reject,
}

impl Action {
    pub fn verb(self) -> &'static str {
        match self {
            Self::Verify => "verify",
            Self::Reject => "reject",
        }
    }

    /// How the review history names it.
    pub fn decision(self) -> ReviewDecision {
        match self {
            Self::Verify => ReviewDecision::Verify,
            Self::Reject => ReviewDecision::Reject,
        }
    }
}

/// The state after `action`, or a 409 naming the current state. A
/// verified certificate may still be rejected (found forged or withdrawn
/// by its issuer); a rejected one must be corrected by its pesantren,
/// which makes it `pending` again, before it is verified.
pub fn next(status: CertificationStatus, action: Action) -> Result<CertificationStatus, ApiError> {
    match (status, action) {
        (Pending, Action::Verify) => Ok(Verified),
        (Pending | Verified, Action::Reject) => Ok(Rejected),
        _ => Err(ApiError::new(Code::CertificationStateConflict)
            .with("status", status.as_str())
            .with("action", action.verb())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use sea_orm::Iterable;

    #[test]
    fn only_the_review_transitions_are_allowed() {
        let allowed = [
            (Pending, Action::Verify, Verified),
            (Pending, Action::Reject, Rejected),
            (Verified, Action::Reject, Rejected),
        ];
        for status in CertificationStatus::iter() {
            for action in [Action::Verify, Action::Reject] {
                let want = allowed
                    .iter()
                    .find(|(s, a, _)| *s == status && *a == action)
                    .map(|t| t.2);
                match (next(status, action), want) {
                    (Ok(got), Some(want)) => assert_eq!(got, want),
                    (Err(e), None) => {
                        assert_eq!(e.code(), Code::CertificationStateConflict);
                        let detail = e.detail(Lang::En);
                        assert!(detail.contains(&format!("`{status}`")), "{detail}");
                    }
                    (got, want) => panic!("{status} + {action:?}: got {got:?}, want {want:?}"),
                }
            }
        }
    }

    #[test]
    fn the_review_history_names_every_action_as_the_audit_trail_does() {
        for action in [Action::Verify, Action::Reject] {
            assert_eq!(action.decision().as_str(), action.verb());
        }
    }

    #[test]
    fn refusals_name_the_state_and_the_action_in_both_languages() {
        let e = next(Verified, Action::Verify).unwrap_err();
        assert_eq!(
            e.detail(Lang::En),
            "The certification is `verified`; `verify` is not allowed from there."
        );
        assert_eq!(
            e.detail(Lang::Id),
            "Sertifikat berstatus `verified`; `verify` tidak diizinkan dari status itu."
        );
    }
}
