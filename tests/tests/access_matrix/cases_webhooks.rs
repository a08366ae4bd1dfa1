//! Access cases of the webhooks routes.

use super::*;

pub fn cases() -> Vec<Case> {
    vec![]
}
