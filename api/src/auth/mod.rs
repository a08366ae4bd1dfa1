//! Who the caller is and what they may do: passwords, tokens, the
//! principal, route policies (`policy`), object-level scope (`scope`), the
//! write-time rules (`rules`), throttling, and the first admin.

pub mod bootstrap;
pub mod password;
pub mod policy;
pub mod principal;
pub mod rules;
pub mod scope;
pub mod throttle;
pub mod token;

pub use policy::{
    AdminOnly, AnyUser, CuratorOnly, MentorOnly, Open, Partner, PartnerOnly, Public,
    RegisterReaders, RegisterStaff, RegisterWriters, Require, SantriKeepers, SantriReaders,
    SantriWriters, Staff,
};
pub use principal::{Authenticator, Caller, Principal};
