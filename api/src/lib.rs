//! The OPOP platform API: an actix-web server over SeaORM, documented with utoipa.
//!
//! Each resource is a folder (`pesantren/`, `products/`, …) with its
//! request and response types (`model.rs`), its rules (`service.rs`, which
//! never touches HTTP), its handlers (`endpoints.rs`) and its state
//! machines; the shared machinery (`auth`, `error`, `i18n`, `validation`,
//! `edit`, `pagination`, `audit`, `idempotency`, `feed`, `config`) sits
//! beside them. `docs/architecture.md` says where code goes.

pub mod activities;
pub mod audit;
pub mod audit_log;
pub mod auth;
pub mod awards;
pub mod blocking;
pub mod catalog;
pub mod certifications;
pub mod competitions;
pub mod config;
pub mod db;
pub mod deals;
pub mod edit;
pub mod enterprises;
pub mod entries;
pub mod error;
pub mod feed;
pub mod health;
pub mod http;
pub mod i18n;
pub mod idempotency;
pub mod ids;
pub mod images;
pub mod koperasi;
#[cfg(test)]
mod layout;
pub mod listings;
pub mod masking;
pub mod mentoring;
pub mod metrics;
pub mod openapi;
pub mod operation;
pub mod orders;
pub mod pagination;
pub mod participants;
pub mod partners;
pub mod pesantren;
pub mod products;
pub mod publication;
pub mod ratelimit;
pub mod regions;
pub mod replicas;
pub mod reviews;
pub mod routes;
pub mod santri;
pub mod seed;
pub mod sessions;
pub mod startup;
pub mod state;
pub mod stats;
pub mod storage;
pub mod targets;
pub mod telemetry;
pub mod text;
pub mod users;
pub mod validation;
pub mod vault;
pub mod webhooks;
