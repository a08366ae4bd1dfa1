//! Product images: uploaded as multipart, recognised by their bytes,
//! stored in the media directory under a stable id, served with immutable
//! caching, at most nine a product, ordered, and every change in the
//! catalogue's change feed.

use std::path::{Path, PathBuf};

use entity::{product_images, ChangeOp, ProductCategory, ProductStatus};
use opop_tests::catalogue::{product_row, publish};
use opop_tests::feed::last_event_of;
use opop_tests::world::World;
use opop_tests::{assert_problem, backend_name, TestApp};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, Response};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tempfile::TempDir;
use uuid::Uuid;

const MIB: usize = 1024 * 1024;

/// The app with a media directory of its own (kept alive by the `TempDir`).
async fn spawn() -> (TestApp, TempDir) {
    let media = tempfile::tempdir().unwrap();
    let app = TestApp::spawn_with(&[("OPOP_MEDIA_DIR", media.path().to_str().unwrap())]).await;
    (app, media)
}

/// A real image of 8 × 8 pixels whose colours differ with `seed`, so no two
/// test images are alike (the API decodes what it stores).
fn pixels(seed: u8) -> image::RgbImage {
    image::RgbImage::from_fn(8, 8, |x, y| {
        image::Rgb([
            seed,
            (x as u8).wrapping_mul(31),
            (y as u8).wrapping_add(seed),
        ])
    })
}

fn encoded(seed: u8, format: image::ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    pixels(seed).write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// A real PNG of `16 + len` bytes where that is at least its natural size:
/// the image, padded with a private ancillary chunk (`prVt`, which
/// decoders skip) before IEND.
fn png(seed: u8, len: usize) -> Vec<u8> {
    let image = encoded(seed, image::ImageFormat::Png);
    let want = 16 + len;
    if want < image.len() + 12 {
        return image;
    }
    let pad = want - image.len() - 12;
    let chunk = opop_tests::png::chunk(b"prVt", &vec![seed; pad]);
    // IEND is the last 12 bytes.
    let at = image.len() - 12;
    let mut out = image[..at].to_vec();
    out.extend(chunk);
    out.extend_from_slice(&image[at..]);
    assert_eq!(out.len(), want);
    out
}

fn jpeg(seed: u8) -> Vec<u8> {
    encoded(seed, image::ImageFormat::Jpeg)
}

fn webp(seed: u8) -> Vec<u8> {
    encoded(seed, image::ImageFormat::WebP)
}

/// Whether `bytes` decode as an image of `format` and 8 × 8 pixels.
fn is_image(bytes: &[u8], format: image::ImageFormat) -> bool {
    image::load_from_memory_with_format(bytes, format)
        .is_ok_and(|i| (i.width(), i.height()) == (8, 8))
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn images_path(product: Uuid) -> String {
    format!("/api/v1/products/{product}/images")
}

async fn upload_as(
    app: &TestApp,
    token: Option<&str>,
    product: Uuid,
    bytes: Vec<u8>,
    file_name: &str,
    mime: &str,
) -> Response {
    let part = Part::bytes(bytes)
        .file_name(file_name.to_string())
        .mime_str(mime)
        .unwrap();
    let caller = match token {
        Some(t) => app.as_(t),
        None => app.anon(),
    };
    caller
        .request(Method::POST, &images_path(product))
        .multipart(Form::new().part("file", part))
        .send()
        .await
        .unwrap()
}

/// Uploads and expects 201; answers the image.
async fn upload(app: &TestApp, token: &str, product: Uuid, bytes: Vec<u8>) -> Value {
    let res = upload_as(app, Some(token), product, bytes, "foto.png", "image/png").await;
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    assert_eq!(status, 201, "{body}");
    body
}

/// The product's `images` as its managers see them.
async fn product_images_of(app: &TestApp, w: &World, product: Uuid) -> Vec<String> {
    let p = app
        .as_(&w.token("admin_national"))
        .get(&format!("/api/v1/products/{product}"))
        .ok()
        .await;
    serde_json::from_value(p["images"].clone()).unwrap()
}

/// The `images` of the product's last feed event, which must be an upsert.
async fn feed_images(app: &TestApp, product: Uuid) -> Vec<String> {
    let e = last_event_of(app, product).await.expect("a feed event");
    assert_eq!(e.op, ChangeOp::Upsert);
    serde_json::from_value(e.payload.unwrap()["images"].clone()).unwrap()
}

/// A curator of 35 approves the product again (an upload sent it back to
/// review).
async fn approve(app: &TestApp, w: &World, product: Uuid) {
    let p = app
        .as_(&w.token("curator_35"))
        .post_empty(&format!("/api/v1/products/{product}/approve"))
        .ok()
        .await;
    assert_eq!(p["status"], "approved");
}

async fn image_rows(app: &TestApp) -> u64 {
    product_images::Entity::find().count(&app.db).await.unwrap()
}

/// Every file under `dir`, at any depth.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            out.extend(files_in(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn ids_of(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn an_uploaded_png_is_stored_served_with_cache_headers_and_reaches_the_feed() {
    let (app, media) = spawn().await;
    let w = World::build(&app).await;
    let product = publish(&app, &w.pesantren_a, "IMG-PUB-1", ProductCategory::Craft)
        .await
        .id;
    let version_before = product_row(&app, product).await.version;
    let bytes = png(1, 3000);

    let res = upload_as(
        &app,
        Some(&w.token("manager_a")),
        product,
        bytes.clone(),
        "kopi.png",
        "image/png",
    )
    .await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let image: Value = res.json().await.unwrap();
    let id: Uuid = image["id"].as_str().unwrap().parse().unwrap();
    let url = format!("{}/api/v1/images/{id}", app.address);
    assert_eq!(image["url"], url);
    assert_eq!(location, url);
    assert_eq!(image["content_type"], "image/png");
    assert_eq!(image["product_id"], json!(product));
    assert_eq!(image["position"], 0);
    // A new picture sends the approved product back to review; a curator
    // approves it again.
    assert_eq!(
        product_row(&app, product).await.status,
        ProductStatus::InReview
    );
    approve(&app, &w, product).await;

    // Stored under a stable key, with its metadata.
    let row = product_images::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.storage_key, format!("products/{product}/{id}.png"));
    assert_eq!(row.pesantren_id, w.pesantren_a.id);
    assert_eq!(row.province_code, "35");
    // What is stored is the image encoded again (`security_media` checks
    // that metadata is gone), described by its own size and hash.
    let stored = std::fs::read(media.path().join(&row.storage_key)).unwrap();
    assert!(is_image(&stored, image::ImageFormat::Png));
    assert_ne!(stored, bytes);
    assert_eq!(image["size"], stored.len());
    assert_eq!(image["sha256"], sha256_hex(&stored));
    assert_eq!(row.size_bytes, stored.len() as i64);
    assert_eq!(row.sha256, sha256_hex(&stored));
    let bytes = stored;

    // Served to anyone, byte for byte as stored, cached for good.
    let res = app.anon().get(&format!("/api/v1/images/{id}")).await;
    assert_eq!(res.status(), 200);
    let etag = format!("\"{}\"", sha256_hex(&bytes));
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(res.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(res.bytes().await.unwrap().as_ref(), &bytes[..]);
    let res = app
        .anon()
        .get(&format!("/api/v1/images/{id}"))
        .header("If-None-Match", &etag)
        .await;
    assert_eq!(res.status(), 304);
    assert_eq!(res.headers()["etag"].to_str().unwrap(), etag);
    assert!(res.bytes().await.unwrap().is_empty());
    let res = app
        .anon()
        .get(&format!("/api/v1/images/{id}"))
        .header("If-None-Match", "\"0123\", W/\"4567\"")
        .header("Accept-Encoding", "gzip, br")
        .await;
    assert_eq!(res.status(), 200);
    // Images are sent as stored, with no content coding: the ETag holds.
    assert!(res.headers().get("content-encoding").is_none());
    assert_eq!(res.bytes().await.unwrap().as_ref(), &bytes[..]);

    // The product lists it, and so do the catalogue and its feed.
    assert_eq!(
        product_images_of(&app, &w, product).await,
        vec![url.clone()]
    );
    assert_eq!(product_row(&app, product).await.version, version_before + 2);
    let listed: Value = app
        .anon()
        .get(&format!("/api/v1/catalog/products/{product}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["images"], json!([url]));
    assert_eq!(feed_images(&app, product).await, vec![url.clone()]);

    // Audited.
    let audited = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::ResourceId.eq(id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("an audit entry");
    assert_eq!(audited.action, "create");
    assert_eq!(audited.resource_type, "product_image");
}

#[tokio::test]
async fn jpeg_and_webp_are_recognised_and_the_public_url_is_used_when_configured() {
    let media = tempfile::tempdir().unwrap();
    let app = TestApp::spawn_with(&[
        ("OPOP_MEDIA_DIR", media.path().to_str().unwrap()),
        ("OPOP_PUBLIC_URL", "https://api.opop.example/"),
    ])
    .await;
    let w = World::build(&app).await;
    let product = publish(&app, &w.pesantren_a, "IMG-PUB-2", ProductCategory::Craft)
        .await
        .id;
    // Declared as something else: only the bytes count.
    let res = upload_as(
        &app,
        Some(&w.token("admin_35")),
        product,
        jpeg(2),
        "foto.png",
        "application/octet-stream",
    )
    .await;
    assert_eq!(res.status(), 201);
    let jpg: Value = res.json().await.unwrap();
    assert_eq!(jpg["content_type"], "image/jpeg");
    let id = jpg["id"].as_str().unwrap();
    assert_eq!(
        jpg["url"],
        format!("https://api.opop.example/api/v1/images/{id}")
    );
    let webp_bytes = webp(3);
    let wp = upload(&app, &w.token("manager_a"), product, webp_bytes.clone()).await;
    assert_eq!(wp["content_type"], "image/webp");
    assert_eq!(wp["position"], 1);
    approve(&app, &w, product).await;
    let res = app
        .anon()
        .get(&format!("/api/v1/images/{}", wp["id"].as_str().unwrap()))
        .await;
    assert_eq!(res.headers()["content-type"], "image/webp");
    let served = res.bytes().await.unwrap();
    assert!(is_image(&served, image::ImageFormat::WebP));
    assert_eq!(wp["sha256"], sha256_hex(&served));
    let mut keys: Vec<String> = files_in(media.path())
        .iter()
        .map(|p| p.extension().unwrap().to_str().unwrap().to_string())
        .collect();
    keys.sort();
    assert_eq!(keys, vec!["jpg", "webp"]);
}

#[tokio::test]
async fn an_unpublished_products_images_are_served_only_within_its_scope() {
    let (app, _media) = spawn().await;
    let w = World::build(&app).await;
    // Product A is approved food without a halal certificate: unpublished.
    let product = w.product_a.id;
    let image = upload(&app, &w.token("admin_35"), product, png(4, 500)).await;
    let path = format!("/api/v1/images/{}", image["id"].as_str().unwrap());
    assert_problem(app.anon().get(&path).await, 404).await;
    for who in ["manager_b", "partner", "santri_a", "admin_32", "curator_32"] {
        let res = app.as_(&w.token(who)).get(&path).await;
        assert_eq!(res.status(), 404, "{who}");
    }
    for who in ["manager_a", "curator_35", "admin_national"] {
        let res = app.as_(&w.token(who)).get(&path).await;
        assert_eq!(res.status(), 200, "{who}");
        assert_eq!(
            res.headers()["cache-control"],
            "private, max-age=31536000, immutable",
            "{who}"
        );
    }
    // Nothing was ever published, so the feed has nothing to say.
    assert!(last_event_of(&app, product).await.is_none());
    // An id that names no image.
    let res = app
        .anon()
        .get(&format!("/api/v1/images/{}", Uuid::now_v7()))
        .await;
    assert_problem(res, 404).await;
}

#[tokio::test]
async fn a_text_file_named_like_a_jpeg_is_refused_with_415_and_nothing_is_stored() {
    let (app, media) = spawn().await;
    let w = World::build(&app).await;
    let product = publish(&app, &w.pesantren_a, "IMG-PUB-3", ProductCategory::Craft)
        .await
        .id;
    let token = w.token("manager_a");
    let events_before = last_event_of(&app, product).await.unwrap().seq;

    let text = b"Ini bukan foto, hanya teks biasa yang diberi nama photo.jpg\n".to_vec();
    let res = upload_as(&app, Some(&token), product, text, "photo.jpg", "image/jpeg").await;
    let body = assert_problem(res, 415).await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("JPEG, PNG or WebP"),
        "{body}"
    );
    // Other formats, a short file and an empty one are not images either.
    for bytes in [
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec(),
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>".to_vec(),
        vec![0xFF, 0xD8],
        vec![],
    ] {
        let res = upload_as(&app, Some(&token), product, bytes, "a.jpg", "image/jpeg").await;
        assert_problem(res, 415).await;
    }
    // A body that is not multipart at all.
    let res = app
        .as_(&token)
        .post(&images_path(product), &json!({"file": "aGVsbG8="}))
        .await;
    assert_problem(res, 415).await;
    // Multipart without a part named `file`.
    let res = app
        .as_(&token)
        .request(Method::POST, &images_path(product))
        .multipart(Form::new().part("foto", Part::bytes(png(5, 100))))
        .send()
        .await
        .unwrap();
    let body = assert_problem(res, 422).await;
    assert_eq!(body["errors"][0]["field"], "file");

    assert_eq!(image_rows(&app).await, 0);
    assert!(files_in(media.path()).is_empty());
    assert!(product_images_of(&app, &w, product).await.is_empty());
    assert_eq!(
        last_event_of(&app, product).await.unwrap().seq,
        events_before
    );
}

#[tokio::test]
async fn an_image_over_5_mib_is_refused_with_413_and_nothing_is_stored() {
    let (app, media) = spawn().await;
    let w = World::build(&app).await;
    let product = w.product_a.id;
    let token = w.token("manager_a");

    // One byte over.
    let over = png(6, 5 * MIB - 16 + 1);
    assert_eq!(over.len(), 5 * MIB + 1);
    let res = upload_as(&app, Some(&token), product, over, "big.png", "image/png").await;
    let body = assert_problem(res, 413).await;
    assert!(body["detail"].as_str().unwrap().contains("5 MiB"), "{body}");
    // Far over by its declared length: refused before any of it is read
    // (this client sends the head and a few bytes, then waits).
    {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut conn = tokio::net::TcpStream::connect(("127.0.0.1", app.port))
            .await
            .unwrap();
        let head = format!(
            "POST {} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
             Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {}\r\n\r\n--x\r\n",
            images_path(product),
            100 * MIB
        );
        conn.write_all(head.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        tokio::time::timeout(
            std::time::Duration::from_secs(20),
            conn.read_to_end(&mut answer),
        )
        .await
        .expect("the server waited for a body it should refuse")
        .unwrap();
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
        assert!(answer.contains("application/problem+json"), "{answer}");
    }
    assert_eq!(image_rows(&app).await, 0);
    assert!(files_in(media.path()).is_empty());

    // Exactly 5 MiB is accepted: the 1 MiB limit of JSON bodies does not
    // apply to uploads.
    let exact = png(8, 5 * MIB - 16);
    assert_eq!(exact.len(), 5 * MIB);
    let image = upload(&app, &token, product, exact.clone()).await;
    // Stored without its padding: only the pixels are kept.
    assert!(image["size"].as_u64().unwrap() < 1024, "{image}");
}

#[tokio::test]
async fn a_streamed_upload_is_answered_413_as_soon_as_it_passes_the_limit() {
    use futures_util::{stream, StreamExt};

    let (app, media) = spawn().await;
    let w = World::build(&app).await;
    let product = w.product_a.id;
    // A body of unknown length (chunked) that sends 6 MiB of image and then
    // stalls, never ending: only a server that judges the size while it
    // reads can answer it.
    let boundary = "opop-boundary-1234";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"
    );
    let chunks = std::iter::once(head.into_bytes())
        .chain(std::iter::once(png(9, 64 * 1024 - 16)))
        .chain((1..96).map(|i| vec![i as u8; 64 * 1024]))
        .map(Ok::<_, std::io::Error>);
    let body = stream::iter(chunks).chain(stream::pending());
    let res = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        app.as_(&w.token("manager_a"))
            .post_raw(
                &images_path(product),
                &format!("multipart/form-data; boundary={boundary}"),
                reqwest::Body::wrap_stream(body),
            )
            .send(),
    )
    .await
    .expect("the server waited for the end of a body that never ends");
    assert_problem(res, 413).await;
    assert_eq!(image_rows(&app).await, 0);
    assert!(files_in(media.path()).is_empty());
}

#[tokio::test]
async fn the_tenth_image_is_refused_and_order_and_deletion_reach_the_feed() {
    let (app, media) = spawn().await;
    let w = World::build(&app).await;
    let product = publish(&app, &w.pesantren_a, "IMG-PUB-4", ProductCategory::Craft)
        .await
        .id;
    let token = w.token("manager_a");
    let mut urls = Vec::new();
    let mut ids = Vec::new();
    for i in 0..9u8 {
        let bytes = match i % 3 {
            0 => png(10 + i, 200),
            1 => jpeg(10 + i),
            _ => webp(10 + i),
        };
        let image = upload(&app, &token, product, bytes).await;
        assert_eq!(image["position"], i);
        urls.push(image["url"].as_str().unwrap().to_string());
        ids.push(image["id"].as_str().unwrap().to_string());
    }
    approve(&app, &w, product).await;
    assert_eq!(feed_images(&app, product).await, urls);
    let res = upload_as(
        &app,
        Some(&token),
        product,
        png(30, 200),
        "x.png",
        "image/png",
    )
    .await;
    assert_problem(res, 409).await;
    assert_eq!(image_rows(&app).await, 9);
    assert_eq!(files_in(media.path()).len(), 9);

    // Listed in order, for staff of its scope.
    let listed = app
        .as_(&w.token("curator_35"))
        .get(&images_path(product))
        .ok()
        .await;
    assert_eq!(ids_of(&listed), ids);
    let positions: Vec<i64> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, (0..9).collect::<Vec<_>>());

    // Reordered: reversed.
    let order_path = format!("{}/order", images_path(product));
    let reversed: Vec<String> = ids.iter().rev().cloned().collect();
    let res = app
        .as_(&token)
        .put(&order_path, &json!({"ids": reversed}))
        .ok()
        .await;
    assert_eq!(ids_of(&res), reversed);
    let reversed_urls: Vec<String> = urls.iter().rev().cloned().collect();
    assert_eq!(product_images_of(&app, &w, product).await, reversed_urls);
    assert_eq!(feed_images(&app, product).await, reversed_urls);
    // The same order again changes nothing, not even the feed.
    let seq = last_event_of(&app, product).await.unwrap().seq;
    app.as_(&token)
        .put(&order_path, &json!({"ids": reversed}))
        .ok()
        .await;
    assert_eq!(last_event_of(&app, product).await.unwrap().seq, seq);
    // Not the same set: refused.
    let unknown = Uuid::now_v7().to_string();
    for bad in [
        json!({"ids": ids[..8]}),
        json!({"ids": [&ids[0], &ids[0], &ids[1], &ids[2], &ids[3], &ids[4], &ids[5], &ids[6], &ids[7]]}),
        json!({"ids": [&unknown, &ids[1], &ids[2], &ids[3], &ids[4], &ids[5], &ids[6], &ids[7], &ids[8]]}),
    ] {
        let res = app.as_(&token).put(&order_path, &bad).await;
        let body = assert_problem(res, 422).await;
        assert_eq!(body["errors"][0]["field"], "ids");
    }
    let res = app.as_(&token).put(&order_path, &json!({})).await;
    assert_problem(res, 422).await;
    assert_eq!(feed_images(&app, product).await, reversed_urls);

    // Deleted: gone from the product, the feed, the media directory and
    // the URL; the others close up.
    let victim = ids[4].clone();
    let victim_url = urls[4].clone();
    let key = product_images::Entity::find_by_id(victim.parse::<Uuid>().unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .storage_key;
    assert!(media.path().join(&key).exists());
    let res = app
        .as_(&token)
        .delete(&format!("{}/{victim}", images_path(product)))
        .await;
    assert_eq!(res.status(), 204);
    assert!(!media.path().join(&key).exists());
    assert_eq!(files_in(media.path()).len(), 8);
    let remaining: Vec<String> = reversed_urls
        .iter()
        .filter(|u| **u != victim_url)
        .cloned()
        .collect();
    assert_eq!(product_images_of(&app, &w, product).await, remaining);
    assert_eq!(feed_images(&app, product).await, remaining);
    assert_problem(
        app.anon().get(&format!("/api/v1/images/{victim}")).await,
        404,
    )
    .await;
    let listed = app.as_(&token).get(&images_path(product)).ok().await;
    let positions: Vec<i64> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, (0..8).collect::<Vec<_>>());
    // Deleting it again, or an id that is no image of this product: 404.
    let res = app
        .as_(&token)
        .delete(&format!("{}/{victim}", images_path(product)))
        .await;
    assert_problem(res, 404).await;
    let res = app
        .as_(&token)
        .delete(&format!("{}/not-an-id", images_path(product)))
        .await;
    assert_problem(res, 404).await;

    // And there is room for a ninth again.
    let image = upload(&app, &token, product, png(40, 100)).await;
    assert_eq!(image["position"], 8);
    let mut expected = remaining.clone();
    expected.push(image["url"].as_str().unwrap().to_string());
    // A new picture takes the product out of the catalogue until approved.
    let e = last_event_of(&app, product).await.unwrap();
    assert_eq!(e.op, ChangeOp::Delete);
    approve(&app, &w, product).await;
    assert_eq!(feed_images(&app, product).await, expected);
}

#[tokio::test]
async fn two_uploads_at_once_cannot_both_take_the_ninth_place() {
    let (app, media) = spawn().await;
    let w = World::build(&app).await;
    let product = publish(&app, &w.pesantren_a, "IMG-PUB-6", ProductCategory::Craft)
        .await
        .id;
    let token = w.token("manager_a");
    for i in 0..8u8 {
        upload(&app, &token, product, png(80 + i, 100)).await;
    }
    let (a, b) = tokio::join!(
        upload_as(
            &app,
            Some(&token),
            product,
            png(90, 40_000),
            "a.png",
            "image/png"
        ),
        upload_as(
            &app,
            Some(&token),
            product,
            png(91, 40_000),
            "b.png",
            "image/png"
        ),
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [201, 409]);
    // The loser's bytes, if it stored any, were removed again.
    assert_eq!(image_rows(&app).await, 9);
    assert_eq!(files_in(media.path()).len(), 9);
    assert_eq!(product_images_of(&app, &w, product).await.len(), 9);
    approve(&app, &w, product).await;
    assert_eq!(feed_images(&app, product).await.len(), 9);
}

#[tokio::test]
async fn scope_and_roles_decide_who_may_upload_list_reorder_and_delete() {
    let (app, media) = spawn().await;
    let w = World::build(&app).await;
    let product = w.product_a.id;
    let image = upload(&app, &w.token("manager_a"), product, png(50, 100)).await;
    let image_id = image["id"].as_str().unwrap().to_string();

    for (who, status) in [
        ("manager_b", 404),
        ("admin_32", 404),
        ("curator_35", 403),
        ("santri_a", 403),
        ("partner", 403),
    ] {
        let res = upload_as(
            &app,
            Some(&w.token(who)),
            product,
            png(51, 100),
            "a.png",
            "image/png",
        )
        .await;
        assert_problem(res, status).await;
    }
    let res = upload_as(&app, None, product, png(52, 100), "a.png", "image/png").await;
    let res = assert_problem(res, 401).await;
    assert_eq!(res["status"], 401);

    // Listing: staff of the scope only.
    for (who, status) in [
        ("curator_35", 200),
        ("manager_a", 200),
        ("manager_b", 404),
        ("curator_32", 404),
        ("santri_a", 403),
        ("partner", 403),
    ] {
        let res = app.as_(&w.token(who)).get(&images_path(product)).await;
        assert_eq!(res.status(), status, "{who}");
    }
    assert_problem(app.anon().get(&images_path(product)).await, 401).await;

    // Reordering and deleting: writers of the scope only.
    let order_path = format!("{}/order", images_path(product));
    let delete_path = format!("{}/{image_id}", images_path(product));
    for (who, status) in [("manager_b", 404), ("curator_35", 403)] {
        let res = app
            .as_(&w.token(who))
            .put(&order_path, &json!({"ids": [&image_id]}))
            .await;
        assert_problem(res, status).await;
        let res = app.as_(&w.token(who)).delete(&delete_path).await;
        assert_problem(res, status).await;
    }
    let res = app.anon().delete(&delete_path).await;
    assert_problem(res, 401).await;

    // Only the first upload went through, and it is still there.
    assert_eq!(image_rows(&app).await, 1);
    assert_eq!(files_in(media.path()).len(), 1);
}

#[tokio::test]
async fn an_upload_whose_database_write_fails_leaves_no_bytes_behind() {
    let (app, media) = spawn().await;
    let w = World::build(&app).await;
    let product = publish(&app, &w.pesantren_a, "IMG-PUB-5", ProductCategory::Craft)
        .await
        .id;
    // Make every insert into `product_images` fail, after the bytes are stored.
    if backend_name() == "postgres" {
        app.db
            .execute_unprepared(
                "CREATE FUNCTION refuse_images() RETURNS trigger AS $$ \
                 BEGIN RAISE EXCEPTION 'refused for the test'; END; $$ LANGUAGE plpgsql; \
                 CREATE TRIGGER refuse_images BEFORE INSERT ON product_images \
                 FOR EACH ROW EXECUTE FUNCTION refuse_images();",
            )
            .await
            .unwrap();
    } else {
        app.db
            .execute_unprepared(
                "CREATE TRIGGER refuse_images BEFORE INSERT ON product_images \
                 BEGIN SELECT RAISE(ABORT, 'refused for the test'); END;",
            )
            .await
            .unwrap();
    }
    let seq = last_event_of(&app, product).await.unwrap().seq;
    let res = upload_as(
        &app,
        Some(&w.token("manager_a")),
        product,
        png(60, 100),
        "a.png",
        "image/png",
    )
    .await;
    assert_problem(res, 500).await;
    assert_eq!(image_rows(&app).await, 0);
    assert!(files_in(media.path()).is_empty());
    assert!(product_images_of(&app, &w, product).await.is_empty());
    assert_eq!(last_event_of(&app, product).await.unwrap().seq, seq);
}

#[tokio::test]
async fn an_upload_that_cannot_be_stored_changes_nothing() {
    // The media directory is made at start-up; once the server runs, a file
    // takes its place, and storing fails.
    let dir = tempfile::tempdir().unwrap();
    let media = dir.path().join("media");
    let app = TestApp::spawn_with(&[("OPOP_MEDIA_DIR", media.to_str().unwrap())]).await;
    std::fs::remove_dir_all(&media).unwrap();
    std::fs::write(&media, b"x").unwrap();
    let w = World::build(&app).await;
    let product = w.product_a.id;
    let version = product_row(&app, product).await.version;
    let res = upload_as(
        &app,
        Some(&w.token("manager_a")),
        product,
        png(70, 100),
        "a.png",
        "image/png",
    )
    .await;
    assert_problem(res, 500).await;
    assert_eq!(image_rows(&app).await, 0);
    assert_eq!(product_row(&app, product).await.version, version);
}
