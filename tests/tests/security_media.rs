//! Findings 4, 7 and 10 (part) of the security review (issue 17): what a
//! product shows after curation, what an uploaded image carries, and
//! batches that name one product many times. Each test makes the attack
//! that worked before and checks that it fails now.

use std::io::Cursor;

use entity::ProductStatus;
use image::{ImageEncoder, ImageFormat, RgbImage};
use opop_tests::catalogue::{create_and_approve, product_row};
use opop_tests::png::chunk as png_chunk;
use opop_tests::world::World;
use opop_tests::{assert_problem, TestApp};
use reqwest::multipart::{Form, Part};
use reqwest::Method;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

// ---------------------------------------------------------------- helpers

/// The app with a media directory of its own (kept alive by the `TempDir`).
async fn spawn() -> (TestApp, tempfile::TempDir) {
    let media = tempfile::tempdir().unwrap();
    let app = TestApp::spawn_with(&[("OPOP_MEDIA_DIR", media.path().to_str().unwrap())]).await;
    (app, media)
}

fn hex_sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A PNG of a few dozen bytes whose header declares 100,000 × 100,000 RGB
/// pixels (30 GB once decoded): a valid signature, IHDR, a tiny IDAT (a
/// zlib stream of one zero byte) and IEND, every CRC right.
fn png_bomb() -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8 bits, RGB, deflate, no filter, no interlace
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(png_chunk(b"IHDR", &ihdr));
    png.extend(png_chunk(
        b"IDAT",
        &[0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01],
    ));
    png.extend(png_chunk(b"IEND", &[]));
    png
}

fn pixels(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 13) as u8, (y * 29) as u8, 200])
    })
}

fn encode(img: &RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// Where a child was photographed, as a phone writes it: the string the
/// stored image must not contain.
const GPS_MARKER: &[u8] = b"GPS 7.2575S 112.7521E SANTRI-SECRET-LOCATION";

/// An EXIF block (little-endian TIFF): orientation 6 (turn 90° clockwise
/// to show) and an image description holding [`GPS_MARKER`].
fn exif_block() -> Vec<u8> {
    let entries: u16 = 2;
    let ifd_len = 2 + 12 * u32::from(entries) + 4;
    let text_at = 8 + ifd_len;
    let mut text = GPS_MARKER.to_vec();
    text.push(0);
    let mut t = b"II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes());
    t.extend_from_slice(&entries.to_le_bytes());
    // 0x010E ImageDescription, ASCII, its length, at `text_at`.
    t.extend_from_slice(&0x010Eu16.to_le_bytes());
    t.extend_from_slice(&2u16.to_le_bytes());
    t.extend_from_slice(&(text.len() as u32).to_le_bytes());
    t.extend_from_slice(&text_at.to_le_bytes());
    // 0x0112 Orientation, SHORT, 1, value 6.
    t.extend_from_slice(&0x0112u16.to_le_bytes());
    t.extend_from_slice(&3u16.to_le_bytes());
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&6u16.to_le_bytes());
    t.extend_from_slice(&[0, 0]);
    t.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    t.extend_from_slice(&text);
    t
}

/// A real JPEG, 24 × 12, with an APP1 `Exif` segment right after SOI.
fn jpeg_with_exif() -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(&pixels(24, 12), 24, 12, image::ExtendedColorType::Rgb8)
        .unwrap();
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend(exif_block());
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    app1.extend(payload);
    // A comment segment too: another place a marker hides.
    let mut com = vec![0xFF, 0xFE];
    com.extend_from_slice(&((GPS_MARKER.len() + 2) as u16).to_be_bytes());
    com.extend_from_slice(GPS_MARKER);
    let mut jpeg = out[..2].to_vec();
    jpeg.extend(app1);
    jpeg.extend(com);
    jpeg.extend_from_slice(&out[2..]);
    assert!(contains(&jpeg, GPS_MARKER));
    jpeg
}

/// A real PNG, 10 × 5, with an `eXIf` chunk and a `tEXt` comment holding
/// [`GPS_MARKER`].
fn png_with_metadata() -> Vec<u8> {
    let png = encode(&pixels(10, 5), ImageFormat::Png);
    // IHDR is the first chunk: 8 bytes of signature, then 25 of chunk.
    let mut out = png[..33].to_vec();
    out.extend(png_chunk(b"eXIf", &exif_block()));
    let mut text = b"Comment\0".to_vec();
    text.extend_from_slice(GPS_MARKER);
    out.extend(png_chunk(b"tEXt", &text));
    out.extend_from_slice(&png[33..]);
    out
}

/// Files under `dir`, at any depth.
fn stored_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                let path = e.path();
                if path.is_dir() {
                    stored_files(&path)
                } else {
                    1
                }
            })
            .sum()
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn upload(app: &TestApp, token: &str, product: Uuid, bytes: Vec<u8>) -> (u16, Value) {
    let res = app
        .as_(token)
        .request(Method::POST, &format!("/api/v1/products/{product}/images"))
        .multipart(Form::new().part("file", Part::bytes(bytes).file_name("foto.jpg")))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap())
}

/// A complete craft product of pesantren A (no halal certificate needed),
/// created by its manager and approved by the curator of 35: published.
async fn approved_craft(app: &TestApp, w: &World, sku: &str) -> Value {
    let body = json!({
        "name": "Tas Anyaman Pandan",
        "description": "Tas anyaman daun pandan buatan santri putri.",
        "category": "craft",
        "price_idr": 85000,
        "stock": 12,
        "unit": "buah",
        "weight_grams": 400,
        "sku": sku,
        "images": ["https://images.opop.example/tas.jpg"],
        "brand": "Pandan Santri",
        "length_cm": 30, "width_cm": 10, "height_cm": 25,
        "min_order_qty": 1,
    });
    let p = create_and_approve(app, &w.token("manager_a"), &w.token("curator_35"), &body).await;
    assert_eq!(p["published"], true, "{p}");
    p
}

async fn in_catalogue(app: &TestApp, id: &str) -> bool {
    let res = app
        .anon()
        .get(&format!("/api/v1/catalog/products/{id}"))
        .await;
    res.status() == 200
}

// ------------------------------------------------------------- finding 7

/// Finding 7: an 855-byte PNG declaring 100,000 × 100,000 pixels was
/// accepted and served to every catalogue visitor. Its header is read
/// under a limit now, and it is refused before any pixel is allocated;
/// the largest accepted side is 8000.
#[tokio::test]
async fn a_png_declaring_a_hundred_thousand_pixels_a_side_is_refused_and_nothing_is_stored() {
    let (app, media) = spawn().await;
    let w = World::build(&app).await;
    let product = approved_craft(&app, &w, "SEC-BOMB-1").await;
    let id: Uuid = product["id"].as_str().unwrap().parse().unwrap();
    let before = product_row(&app, id).await;
    let manager = w.token("manager_a");

    let bomb = png_bomb();
    assert!(bomb.len() < 100, "a bomb of {} bytes", bomb.len());
    let (status, problem) = upload(&app, &manager, id, bomb).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["code"], "image.too_many_pixels");
    assert!(
        problem["detail"].as_str().unwrap().contains("8000"),
        "{problem}"
    );
    // One pixel past the limit is refused as well; the limit itself is not.
    let (status, problem) = upload(
        &app,
        &manager,
        id,
        encode(&pixels(8001, 1), ImageFormat::Png),
    )
    .await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (422, Some("image.too_many_pixels"))
    );
    // Garbage behind a PNG signature does not decode: not an image.
    let mut fake = b"\x89PNG\r\n\x1a\n".to_vec();
    fake.extend([0x42; 400]);
    let (status, problem) = upload(&app, &manager, id, fake).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (415, Some("image.not_an_image"))
    );
    let after = product_row(&app, id).await;
    assert_eq!(after.version, before.version, "nothing changed");
    assert_eq!(after.status, ProductStatus::Approved);
    assert_eq!(stored_files(media.path()), 0);
    assert_eq!(
        entity::product_images::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0
    );

    let (status, image) = upload(
        &app,
        &manager,
        id,
        encode(&pixels(8000, 2), ImageFormat::Png),
    )
    .await;
    assert_eq!(status, 201, "{image}");
}

/// Finding 7: a JPEG's EXIF (the GPS position where a child was
/// photographed) was stored and served as uploaded. What is stored now is
/// the image encoded again: no metadata segment survives, the orientation
/// EXIF asked for is applied to the pixels, and `sha256`, `size` and the
/// `ETag` are those of the bytes served.
#[tokio::test]
async fn exif_and_text_metadata_are_not_served_and_the_etag_is_the_hash_of_what_is() {
    let (app, _media) = spawn().await;
    let w = World::build(&app).await;
    let product = approved_craft(&app, &w, "SEC-EXIF-1").await;
    let id: Uuid = product["id"].as_str().unwrap().parse().unwrap();
    let manager = w.token("manager_a");

    for (bytes, content_type, format, turned) in [
        (jpeg_with_exif(), "image/jpeg", ImageFormat::Jpeg, (12, 24)),
        (png_with_metadata(), "image/png", ImageFormat::Png, (5, 10)),
    ] {
        let (status, image) = upload(&app, &manager, id, bytes.clone()).await;
        assert_eq!(status, 201, "{image}");
        assert_eq!(image["content_type"], content_type);
        assert_ne!(image["sha256"], hex_sha256(&bytes), "stored as uploaded");

        let res = app
            .as_(&manager)
            .get(&format!("/api/v1/images/{}", image["id"].as_str().unwrap()))
            .await;
        assert_eq!(res.status(), 200);
        let etag = res.headers()["etag"].to_str().unwrap().to_string();
        let served = res.bytes().await.unwrap().to_vec();
        assert!(
            !contains(&served, GPS_MARKER),
            "the {content_type} still carries the marker"
        );
        assert!(
            !contains(&served, b"Exif\0\0"),
            "{content_type}: an EXIF block"
        );
        let hash = hex_sha256(&served);
        assert_eq!(image["sha256"], hash);
        assert_eq!(etag, format!("\"{hash}\""));
        assert_eq!(image["size"], served.len());
        let decoded = image::load_from_memory_with_format(&served, format).unwrap();
        assert_eq!(
            (decoded.width(), decoded.height()),
            turned,
            "{content_type}: the EXIF orientation is applied to the pixels"
        );
    }
}

/// Finding 7, for images stored before: re-encoding uploads left every
/// image already stored as it was, EXIF and all, and a bomb stored then
/// stayed public. When the server starts it re-encodes them as an upload is
/// now, and takes down what does not decode within the limits.
#[tokio::test]
async fn images_stored_before_are_re_encoded_at_start_and_unsafe_ones_taken_down() {
    use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, Set};
    let (app, media) = spawn().await;
    let w = World::build(&app).await;
    let product = approved_craft(&app, &w, "SEC-OLD-1").await;
    let id: Uuid = product["id"].as_str().unwrap().parse().unwrap();
    let manager = w.token("manager_a");
    let small = encode(&pixels(6, 4), ImageFormat::Jpeg);
    let (_, photo) = upload(&app, &manager, id, small.clone()).await;
    let (_, bomb) = upload(&app, &manager, id, small).await;
    let row_of = |v: &Value| v["id"].as_str().unwrap().parse::<Uuid>().unwrap();
    let (photo_id, bomb_id) = (row_of(&photo), row_of(&bomb));

    // As an earlier version stored them: the bytes as uploaded.
    for (image_id, bytes, content_type) in [
        (photo_id, jpeg_with_exif(), "image/jpeg"),
        (bomb_id, png_bomb(), "image/png"),
    ] {
        let row = entity::product_images::Entity::find_by_id(image_id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        std::fs::write(media.path().join(&row.storage_key), &bytes).unwrap();
        let mut legacy: entity::product_images::ActiveModel = row.into();
        legacy.cleaned_at = Set(None);
        legacy.sha256 = Set(hex_sha256(&bytes));
        legacy.size_bytes = Set(bytes.len() as i64);
        legacy.content_type = Set(content_type.into());
        legacy.update(&app.db).await.unwrap();
    }
    let served = app
        .as_(&manager)
        .get(&format!("/api/v1/images/{photo_id}"))
        .await
        .bytes()
        .await
        .unwrap();
    assert!(
        contains(&served, GPS_MARKER),
        "the legacy image is not as stored"
    );
    let old_key = entity::product_images::Entity::find_by_id(photo_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .storage_key;

    let database = app.stop().await;
    let app = TestApp::spawn_on(
        database,
        &[("OPOP_MEDIA_DIR", media.path().to_str().unwrap())],
    )
    .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let waiting = entity::product_images::Entity::find()
            .filter(entity::product_images::Column::CleanedAt.is_null())
            .count(&app.db)
            .await
            .unwrap();
        if waiting == 0 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{waiting} images not cleaned"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    // The photo: only pixels, hashed as served; the old bytes are gone.
    let res = app
        .as_(&manager)
        .get(&format!("/api/v1/images/{photo_id}"))
        .await;
    assert_eq!(res.status(), 200);
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let served = res.bytes().await.unwrap().to_vec();
    assert!(!contains(&served, GPS_MARKER) && !contains(&served, b"Exif\0\0"));
    assert_eq!(etag, format!("\"{}\"", hex_sha256(&served)));
    assert!(
        !media.path().join(&old_key).exists(),
        "the old bytes are still stored"
    );

    // The bomb: gone from the store, the product and the catalogue.
    let res = app
        .as_(&manager)
        .get(&format!("/api/v1/images/{bomb_id}"))
        .await;
    assert_eq!(res.status(), 404);
    let row = product_row(&app, id).await;
    let links: Vec<String> = serde_json::from_value(row.images).unwrap();
    assert!(
        links.iter().all(|u| !u.contains(&bomb_id.to_string())),
        "{links:?}"
    );
    assert!(
        links.iter().any(|u| u.contains(&photo_id.to_string())),
        "{links:?}"
    );
    let admin = app.admin_token().await;
    let trail = app
        .as_(&admin)
        .get(&format!(
            "/api/v1/audit?action=withdraw_unsafe&resource_id={bomb_id}"
        ))
        .ok()
        .await;
    assert_eq!(trail["data"][0]["actor"]["role"], "system", "{trail}");
}

// ------------------------------------------------------------ finding 10

/// Finding 10 (part): a stock batch could name one product a hundred
/// times, each item its own transaction, feed event and audit entry. A
/// batch naming a product (or a variant) twice is refused whole now,
/// naming each repeated item, and its key stays unused.
#[tokio::test]
async fn a_batch_naming_one_product_twice_is_refused_whole_and_names_the_repeats() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let manager = w.token("manager_a");
    let id = w.product_a.id;
    let before = product_row(&app, id).await;
    let items: Vec<Value> = (0..100).map(|i| json!({"id": id, "stock": i})).collect();
    let (status, problem) = app
        .as_(&manager)
        .post("/api/v1/products/stock", &json!({"items": items}))
        .header("Idempotency-Key", "dup-1")
        .status_and_json()
        .await;
    assert_eq!(status, 422, "{problem}");
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 99, "every repeat is named");
    let fields: Vec<&str> = errors
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for i in 1..100 {
        assert!(fields.contains(&format!("items[{i}].id").as_str()), "{i}");
    }
    assert!(!fields.contains(&"items[0].id"), "the first naming stands");
    for e in errors {
        assert_eq!(e["code"], "duplicate");
        assert!(e["message"].as_str().unwrap().contains("items[0]"), "{e}");
    }
    let after = product_row(&app, id).await;
    assert_eq!(
        (after.version, after.stock),
        (before.version, before.stock),
        "nothing was applied"
    );

    // In Indonesian too.
    let (_, problem) = app
        .as_(&manager)
        .post(
            "/api/v1/products/prices",
            &json!({"items": [{"id": id, "price_idr": 1000}, {"id": id, "price_idr": 2000}]}),
        )
        .header("Idempotency-Key", "dup-2")
        .header("Accept-Language", "id")
        .status_and_json()
        .await;
    assert_eq!(problem["errors"][0]["field"], "items[1].id");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("sama"),
        "{problem}"
    );

    // The key was not spent on the refused batch: a good one under it runs.
    let (status, result) = app
        .as_(&manager)
        .post(
            "/api/v1/products/stock",
            &json!({"items": [{"id": id, "stock": 7}]}),
        )
        .header("Idempotency-Key", "dup-1")
        .status_and_json()
        .await;
    assert_eq!(status, 200, "{result}");
    assert_eq!(product_row(&app, id).await.stock, Some(7));
}

// ------------------------------------------------------------- finding 4

/// Finding 4: brand, unit, weight and images of an approved product
/// changed while it stayed published. Every field a curator judged now
/// sends it back to review and out of the catalogue; the trade fields
/// (price, stock, SKU, minimum order) and dropping or reordering approved
/// images do not.
#[tokio::test]
async fn every_curated_field_sends_an_approved_product_back_to_review() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let manager = w.token("manager_a");
    let curator = w.token("curator_35");
    let p = approved_craft(&app, &w, "SEC-CUR-1").await;
    let id = p["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/products/{id}");

    let curated = [
        json!({"brand": "Merek Lain"}),
        json!({"unit": "lusin"}),
        json!({"weight_grams": 4000}),
        json!({"length_cm": 31}),
        json!({"condition": "used"}),
        json!({"shelf_life_days": 30}),
        json!({"images": ["https://images.opop.example/tas.jpg", "https://images.opop.example/baru.jpg"]}),
        json!({"images": ["https://images.opop.example/lain.jpg"]}),
        json!({"name": "Tas Anyaman Pandan Besar"}),
    ];
    for patch in curated {
        let edited = app.as_(&manager).patch(&path, &patch).ok().await;
        assert_eq!(edited["status"], "in_review", "{patch}");
        assert_eq!(edited["published"], false, "{patch}");
        assert!(!in_catalogue(&app, &id).await, "{patch}");
        let approved = app
            .as_(&curator)
            .post_empty(&format!("{path}/approve"))
            .ok()
            .await;
        assert_eq!(approved["status"], "approved");
        assert!(in_catalogue(&app, &id).await);
    }

    // Trade fields, and taking approved pictures away, change nothing else.
    app.as_(&manager)
        .patch(
            &path,
            &json!({"images": ["https://images.opop.example/lain.jpg", "https://images.opop.example/dua.jpg"]}),
        )
        .ok()
        .await;
    app.as_(&curator)
        .post_empty(&format!("{path}/approve"))
        .ok()
        .await;
    for patch in [
        json!({"price_idr": 90000}),
        json!({"stock": 3}),
        json!({"sku": "SEC-CUR-1B"}),
        json!({"min_order_qty": 2}),
        json!({"images": ["https://images.opop.example/dua.jpg", "https://images.opop.example/lain.jpg"]}),
        json!({"images": ["https://images.opop.example/dua.jpg"]}),
    ] {
        let edited = app.as_(&manager).patch(&path, &patch).ok().await;
        assert_eq!(edited["status"], "approved", "{patch}");
        assert!(in_catalogue(&app, &id).await, "{patch}");
    }
}

/// Finding 4: an uploaded picture reached the catalogue of an approved
/// product at once. It is content no curator has seen: the product goes
/// back to review until one approves it, and the uploader (here an admin)
/// may not approve it themselves.
#[tokio::test]
async fn an_uploaded_image_sends_an_approved_product_back_to_review() {
    let (app, _media) = spawn().await;
    let w = World::build(&app).await;
    let p = approved_craft(&app, &w, "SEC-UP-1").await;
    let id: Uuid = p["id"].as_str().unwrap().parse().unwrap();
    let (status, image) = upload(
        &app,
        &w.token("admin_35"),
        id,
        encode(&pixels(20, 20), ImageFormat::Png),
    )
    .await;
    assert_eq!(status, 201, "{image}");
    let row = product_row(&app, id).await;
    assert_eq!(row.status, ProductStatus::InReview);
    assert!(!in_catalogue(&app, &id.to_string()).await);
    let path = format!("/api/v1/images/{}", image["id"].as_str().unwrap());
    assert_problem(app.anon().get(&path).await, 404).await;
    let own = assert_problem(
        app.as_(&w.token("admin_35"))
            .post_empty(&format!("/api/v1/products/{id}/approve"))
            .await,
        403,
    )
    .await;
    assert_eq!(own["code"], "product.own_work");
    app.as_(&w.token("curator_35"))
        .post_empty(&format!("/api/v1/products/{id}/approve"))
        .ok()
        .await;
    assert!(in_catalogue(&app, &id.to_string()).await);
    assert_eq!(app.anon().get(&path).await.status(), 200);
}

/// Finding 4: `images` took any URL, plain http included, so whoever
/// served it could change a curated product's picture at will. Only this
/// product's uploads (under the API's own base) and https links to the
/// configured hosts are taken now, each bad one named.
#[tokio::test]
async fn image_links_are_the_products_own_uploads_or_allowed_hosts_only() {
    let (app, _media) = spawn().await;
    let w = World::build(&app).await;
    let manager = w.token("manager_a");
    let p = approved_craft(&app, &w, "SEC-SRC-1").await;
    let id: Uuid = p["id"].as_str().unwrap().parse().unwrap();
    let path = format!("/api/v1/products/{id}");
    // An upload of this product, and one of another product.
    let (_, own) = upload(&app, &manager, id, encode(&pixels(4, 4), ImageFormat::Png)).await;
    let own_url = own["url"].as_str().unwrap().to_string();
    let other = approved_craft(&app, &w, "SEC-SRC-2").await;
    let other_id: Uuid = other["id"].as_str().unwrap().parse().unwrap();
    let (_, foreign) = upload(
        &app,
        &manager,
        other_id,
        encode(&pixels(5, 5), ImageFormat::Png),
    )
    .await;
    let version = product_row(&app, id).await.version;

    let own_id = own["id"].as_str().unwrap();
    for bad in [
        "https://evil.example/tas.jpg".to_string(),
        "https://images.opop.example@evil.example/tas.jpg".to_string(),
        "https://images.opop.example.evil.example/tas.jpg".to_string(),
        "https://images.opop.example:8443/tas.jpg".to_string(),
        format!("https://evil.example/api/v1/images/{own_id}"),
        foreign["url"].as_str().unwrap().to_string(),
        format!("{}/api/v1/images/{}", app.address, Uuid::now_v7()),
    ] {
        let problem = assert_problem(
            app.as_(&manager)
                .patch(&path, &json!({"images": [own_url, bad]}))
                .await,
            422,
        )
        .await;
        assert_eq!(
            problem["errors"][0]["field"], "images[1]",
            "{bad}: {problem}"
        );
        assert_eq!(problem["errors"][0]["code"], "source", "{bad}");
    }
    // Plain http to anyone else is refused as a link at all.
    let problem = assert_problem(
        app.as_(&manager)
            .patch(&path, &json!({"images": ["http://evil.example/tas.jpg"]}))
            .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "images");
    // And on creation.
    let problem = assert_problem(
        app.as_(&manager)
            .post(
                "/api/v1/products",
                &json!({"name": "Tas", "category": "craft", "images": ["https://evil.example/a.jpg"]}),
            )
            .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "images[0]");
    assert_eq!(
        product_row(&app, id).await.version,
        version,
        "nothing changed"
    );

    // The product read back is writable back as it is.
    let current = app.as_(&manager).get(&path).ok().await;
    let images = current["images"].clone();
    assert_eq!(
        images,
        json!(["https://images.opop.example/tas.jpg", own_url])
    );
    let put_back = app.as_(&manager).put(&path, &current).ok().await;
    assert_eq!(put_back["images"], images);
}
