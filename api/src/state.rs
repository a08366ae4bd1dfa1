//! What every handler may reach, built once at start-up.

use std::sync::Arc;

use actix_web::HttpRequest;
use sea_orm::DatabaseConnection;

use crate::auth::throttle::Throttle;
use crate::auth::token::JwtKeys;
use crate::config::Config;
use crate::feed::cache::CatalogCache;
use crate::replicas::Reads;
use crate::storage::Storage;
use crate::vault::NikVault;

/// The application's state, shared by every worker.
pub struct AppState {
    /// The primary: every write, and every read of the caller's own data.
    pub db: DatabaseConnection,
    /// Where reads that may be a moment behind go: the public catalogue,
    /// the change feed and the figures (`replicas`).
    pub reads: Reads,
    /// The catalogue's answers kept in memory (`feed::cache`).
    pub catalog: CatalogCache,
    pub config: Arc<Config>,
    pub keys: JwtKeys,
    pub throttle: Throttle,
    /// Where uploaded images are kept: built once, so an S3 client (and its
    /// connection pool) serves every request.
    pub storage: Storage,
    /// The keys that seal and open NIKs (`santri::vault`).
    pub nik: Arc<NikVault>,
}

impl AppState {
    /// The base of absolute links: `OPOP_PUBLIC_URL`, or the scheme and
    /// host the request came to (which a proxy may set with `Forwarded`,
    /// and so may a client: production sets `OPOP_PUBLIC_URL`). Image URLs
    /// are made under it, and a product's `images` may name uploads under
    /// it only.
    pub fn base_url(&self, req: &HttpRequest) -> String {
        match &self.config.public_url {
            Some(url) => url.clone(),
            None => {
                let info = req.connection_info();
                format!("{}://{}", info.scheme(), info.host())
            }
        }
    }
}
