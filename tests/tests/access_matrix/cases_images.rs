//! Access cases of the images routes.

use super::*;

pub fn cases() -> Vec<Case> {
    vec![]
}
