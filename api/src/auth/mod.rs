//! Who the caller is and what they may see: passwords, tokens, the principal
//! extractor, route policies, object-level scope, throttling, and the first
//! admin.

pub mod bootstrap;
pub mod endpoints;
pub mod password;
pub mod principal;
pub mod scope;
pub mod service;
pub mod throttle;
pub mod token;

pub use principal::{
    AdminOnly, AnyUser, Caller, PartnerOnly, Principal, Public, RegisterStaff, RegisterWriters,
    Require, SantriWriters, Staff,
};
