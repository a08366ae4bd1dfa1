//! What every handler may reach, built once at start-up.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::auth::throttle::Throttle;
use crate::auth::token::JwtKeys;
use crate::config::Config;
use crate::storage::Storage;
use crate::vault::NikVault;

/// The application's state, shared by every worker.
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub keys: JwtKeys,
    pub throttle: Throttle,
    /// Where uploaded images are kept: built once, so an S3 client (and its
    /// connection pool) serves every request.
    pub storage: Storage,
    /// The keys that seal and open NIKs (`santri::vault`).
    pub nik: Arc<NikVault>,
}
