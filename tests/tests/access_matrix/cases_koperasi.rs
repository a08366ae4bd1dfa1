//! Access cases of koperasi.

use super::*;

pub fn cases() -> Vec<Case> {
    vec![]
}
