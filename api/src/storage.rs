//! Where uploaded files live: a directory on disk by default
//! (`OPOP_MEDIA_DIR`), or an S3-compatible bucket when `OPOP_S3_BUCKET` is
//! set (AWS S3, MinIO, Cloudflare R2, ...). Both sit behind the
//! `object_store` crate, so the code above this module puts, gets and
//! deletes bytes by key and never knows which one it talks to.
//!
//! Keys are `/`-separated relative paths such as
//! `products/<product id>/<image id>.png`; the caller chooses them, and
//! they never come from a client.

use std::path::Path as FsPath;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::client::{HttpClient, HttpConnector};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt, PutPayload};

use crate::config::{Config, S3Config};

/// A store of blobs by key.
#[derive(Debug, Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
}

impl Storage {
    /// The store the configuration names: the S3 bucket when one is
    /// configured, otherwise the media directory (created if missing).
    /// Built once at start-up and kept in the application state, so the S3
    /// client and its connection pool serve every request.
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        match &config.s3 {
            Some(s3) => Self::s3(s3),
            None => Self::local(&config.media_dir),
        }
    }

    /// A store over a directory on disk, created if missing. Files are
    /// written to a temporary name and renamed, so a reader never sees half
    /// a file; directories left empty by a delete are removed.
    pub fn local(dir: &FsPath) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the media directory {}", dir.display()))?;
        let store = LocalFileSystem::new_with_prefix(dir)
            .with_context(|| format!("opening the media directory {}", dir.display()))?
            .with_automatic_cleanup(true);
        Ok(Self {
            store: Arc::new(store),
        })
    }

    /// A store over an S3-compatible bucket. Credentials not given in the
    /// configuration are looked up as the AWS SDKs do (`AWS_*` variables,
    /// then the instance's role).
    pub fn s3(config: &S3Config) -> anyhow::Result<Self> {
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(&config.bucket)
            .with_region(&config.region)
            .with_http_connector(RingHttps);
        if let Some(endpoint) = &config.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                // MinIO and most self-hosted stores are reached by path, and
                // often over plain HTTP inside a private network.
                .with_virtual_hosted_style_request(false)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(key) = &config.access_key_id {
            builder = builder.with_access_key_id(key);
        }
        if let Some(secret) = &config.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let store = builder
            .build()
            .with_context(|| format!("configuring the S3 bucket {}", config.bucket))?;
        Ok(Self {
            store: Arc::new(store),
        })
    }

    fn path(key: &str) -> anyhow::Result<Path> {
        Path::parse(key).with_context(|| format!("`{key}` is not a valid storage key"))
    }

    /// Stores `bytes` under `key`, replacing whatever was there.
    pub async fn put(&self, key: &str, bytes: Bytes) -> anyhow::Result<()> {
        self.store
            .put(&Self::path(key)?, PutPayload::from_bytes(bytes))
            .await
            .with_context(|| format!("storing {key}"))?;
        Ok(())
    }

    /// The bytes under `key`, or `None` when there are none.
    pub async fn get(&self, key: &str) -> anyhow::Result<Option<Bytes>> {
        let found = match self.store.get(&Self::path(key)?).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(anyhow::Error::new(e).context(format!("reading {key}"))),
        };
        let bytes = found
            .bytes()
            .await
            .with_context(|| format!("reading {key}"))?;
        Ok(Some(bytes))
    }

    /// Removes `key`; removing what is not there succeeds.
    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self.store.delete(&Self::path(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(anyhow::Error::new(e).context(format!("deleting {key}"))),
        }
    }
}

/// Builds the S3 client's HTTP client: reqwest over rustls with the ring
/// provider, verifying against the system's trust store (so a bucket behind
/// a private CA works once the CA is installed), as the webhook deliverer
/// does. object_store's own connector would rely on reqwest's default
/// provider, and this build compiles in no other (no aws-lc).
#[derive(Debug)]
struct RingHttps;

impl HttpConnector for RingHttps {
    fn connect(&self, _options: &ClientOptions) -> object_store::Result<HttpClient> {
        use rustls_platform_verifier::BuilderVerifierExt;
        let generic = |e: Box<dyn std::error::Error + Send + Sync>| object_store::Error::Generic {
            store: "S3",
            source: e,
        };
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| generic(Box::new(e)))?
        .with_platform_verifier()
        .map_err(|e| generic(Box::new(e)))?
        .with_no_client_auth();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| generic(Box::new(e)))?;
        Ok(HttpClient::new(client))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[tokio::test]
    async fn a_directory_store_puts_gets_and_deletes_by_key() {
        let dir = tempfile::tempdir().unwrap();
        let media = dir.path().join("media");
        let storage = Storage::local(&media).unwrap();
        let key = "products/p1/i1.png";
        assert_eq!(storage.get(key).await.unwrap(), None);
        storage.put(key, Bytes::from_static(b"abc")).await.unwrap();
        assert_eq!(
            std::fs::read(media.join("products/p1/i1.png")).unwrap(),
            b"abc"
        );
        assert_eq!(
            storage.get(key).await.unwrap(),
            Some(Bytes::from_static(b"abc"))
        );
        storage.delete(key).await.unwrap();
        assert_eq!(storage.get(key).await.unwrap(), None);
        assert!(!media.join("products/p1/i1.png").exists());
        // Deleting again is not an error.
        storage.delete(key).await.unwrap();
        assert!(media.exists(), "the media directory itself stays");
    }

    fn s3_config(endpoint: &str) -> S3Config {
        S3Config {
            bucket: "opop-media".into(),
            endpoint: Some(endpoint.into()),
            region: "us-east-1".into(),
            access_key_id: Some("minio".into()),
            secret_access_key: Some("minio-secret".into()),
        }
    }

    type Objects = Arc<Mutex<std::collections::HashMap<String, Vec<u8>>>>;

    /// One HTTP/1.1 request from `socket` (its head, and its body by
    /// `Content-Length`), or `None` once the client hangs up.
    async fn read_request(
        socket: &mut tokio::net::TcpStream,
        buf: &mut Vec<u8>,
    ) -> Option<(String, Vec<u8>)> {
        use tokio::io::AsyncReadExt;
        let mut chunk = [0u8; 8192];
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        let length: usize = head
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .map_or(0, |(_, v)| v.trim().parse().unwrap());
        let end = head_end + 4 + length;
        while buf.len() < end {
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body = buf[head_end + 4..end].to_vec();
        buf.drain(..end);
        Some((head, body))
    }

    /// What the stand-in answers to `method path` with `body`.
    fn respond(objects: &Objects, method: &str, path: &str, body: Vec<u8>) -> Vec<u8> {
        let mut objects = objects.lock().unwrap();
        match method {
            "PUT" => {
                objects.insert(path.to_string(), body);
                b"HTTP/1.1 200 OK\r\nETag: \"1\"\r\nContent-Length: 0\r\n\r\n".to_vec()
            }
            "GET" => match objects.get(path) {
                Some(bytes) => {
                    let mut r = format!(
                        "HTTP/1.1 200 OK\r\nETag: \"1\"\r\n\
                         Last-Modified: Sun, 23 Nov 2025 10:00:00 GMT\r\n\
                         Content-Length: {}\r\n\r\n",
                        bytes.len()
                    )
                    .into_bytes();
                    r.extend_from_slice(bytes);
                    r
                }
                None => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_vec(),
            },
            // S3 deletes in bulk: `POST /<bucket>?delete` with the keys in XML.
            "POST" if path.ends_with("?delete") => {
                let bucket = path.trim_end_matches("?delete");
                let text = String::from_utf8_lossy(&body);
                let mut deleted = String::new();
                for key in text
                    .split("<Key>")
                    .skip(1)
                    .filter_map(|k| k.split("</Key>").next())
                {
                    objects.remove(&format!("{bucket}/{key}"));
                    deleted.push_str(&format!("<Deleted><Key>{key}</Key></Deleted>"));
                }
                let xml = format!("<DeleteResult>{deleted}</DeleteResult>");
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n\r\n{xml}",
                    xml.len()
                )
                .into_bytes()
            }
            _ => b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n".to_vec(),
        }
    }

    /// A stand-in for an S3 endpoint on a loopback port: keeps objects in
    /// memory and records the head of every request.
    async fn fake_s3() -> (String, Arc<Mutex<Vec<String>>>) {
        use tokio::io::AsyncWriteExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let heads = Arc::new(Mutex::new(Vec::new()));
        let objects = Objects::default();
        let seen = heads.clone();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (seen, objects) = (seen.clone(), objects.clone());
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    while let Some((head, body)) = read_request(&mut socket, &mut buf).await {
                        let mut words = head.split_whitespace();
                        let method = words.next().unwrap_or_default().to_string();
                        let path = words.next().unwrap_or_default().to_string();
                        seen.lock().unwrap().push(head);
                        let reply = respond(&objects, &method, &path, body);
                        if socket.write_all(&reply).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        (endpoint, heads)
    }

    #[tokio::test]
    async fn an_s3_store_puts_gets_and_deletes_signed_requests_by_path() {
        let (endpoint, heads) = fake_s3().await;
        let storage = Storage::s3(&s3_config(&endpoint)).unwrap();
        let key = "products/p1/i1.png";
        storage.put(key, Bytes::from_static(b"abc")).await.unwrap();
        assert_eq!(
            storage.get(key).await.unwrap(),
            Some(Bytes::from_static(b"abc"))
        );
        storage.delete(key).await.unwrap();
        assert_eq!(storage.get(key).await.unwrap(), None);
        let heads = heads.lock().unwrap().clone();
        let lines: Vec<&str> = heads.iter().map(|h| h.lines().next().unwrap()).collect();
        assert_eq!(
            lines,
            [
                "PUT /opop-media/products/p1/i1.png HTTP/1.1",
                "GET /opop-media/products/p1/i1.png HTTP/1.1",
                "POST /opop-media?delete HTTP/1.1",
                "GET /opop-media/products/p1/i1.png HTTP/1.1",
            ]
        );
        for head in &heads {
            let auth = head
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
                .unwrap_or_else(|| panic!("unsigned request: {head}"));
            assert!(
                auth.contains("AWS4-HMAC-SHA256 Credential=minio/"),
                "{auth}"
            );
            assert!(!head.contains("minio-secret"), "the secret was sent");
        }
    }

    #[test]
    fn keys_that_escape_the_store_are_refused() {
        assert!(Storage::path("products/a/b.png").is_ok());
        assert!(Storage::path("../etc/passwd").is_err());
    }
}
