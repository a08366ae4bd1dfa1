//! Every black-box suite, one module each, in one test binary: the API and
//! its dependencies are compiled into one test executable rather than one per
//! suite.

mod access_matrix;
mod auth;
mod catalog;
mod certifications;
mod change_feed;
mod competitions;
mod explain;
mod faults;
mod foundation;
mod harness;
mod http_habits;
mod images;
mod koperasi;
mod operations;
mod orders;
mod pesantren;
mod products;
mod programme;
mod regions;
mod replica;
mod reviews;
mod santri;
mod security;
mod security_media;
mod stats;
mod trust;
mod variants;
mod webhooks;
