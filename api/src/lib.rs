//! The OPOP platform API: an actix-web server over SeaORM, documented with utoipa.
//!
//! Resource modules (`pesantren`, `santri`, …) each hold their endpoints and
//! their domain functions; the shared machinery (`auth`, `error`,
//! `pagination`, `audit`, `config`) sits beside them.

pub mod audit;
pub mod auth;
pub mod catalog;
pub mod certifications;
pub mod config;
pub mod db;
pub mod error;
pub mod health;
pub mod http;
pub mod i18n;
pub mod ids;
pub mod images;
pub mod koperasi;
pub mod masking;
pub mod metrics;
pub mod openapi;
pub mod pagination;
pub mod partners;
pub mod pesantren;
pub mod products;
pub mod publication;
pub mod ratelimit;
pub mod santri;
pub mod seed;
pub mod startup;
pub mod stats;
pub mod storage;
pub mod telemetry;
pub mod text;
pub mod users;
pub mod validation;
pub mod webhooks;
