//! Access cases of santri.

use super::*;

pub fn cases() -> Vec<Case> {
    vec![]
}
