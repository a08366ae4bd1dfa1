//! The public catalogue: what a published product looks like to the public
//! and to partners, and the change feed that mirrors it.

pub mod expiry;
pub mod feed;
pub mod view;
