//! Who the caller is: passwords, tokens, principals and the first admin.

pub mod bootstrap;
pub mod password;
