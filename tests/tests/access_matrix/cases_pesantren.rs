//! Access cases of pesantren and registrations.

use super::*;

pub fn cases() -> Vec<Case> {
    vec![]
}
