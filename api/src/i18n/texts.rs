//! The texts: `(code, English, Indonesian)`. Every code of
//! `error::Code`, `error::FieldCode` and every problem title has a row,
//! and every row a code (`error::tests::every_code_has_english_and_indonesian`).
//! Field messages follow the field's name, so they start in lower case.

pub(super) const TEXTS: &[(&str, &str, &str)] = &[
    // Titles, one per kind of problem.
    ("title.bad_request", "Bad Request", "Permintaan Tidak Valid"),
    ("title.unauthorized", "Unauthorized", "Belum Terautentikasi"),
    ("title.forbidden", "Forbidden", "Tidak Diizinkan"),
    ("title.not_found", "Not Found", "Tidak Ditemukan"),
    (
        "title.method_not_allowed",
        "Method Not Allowed",
        "Metode Tidak Diizinkan",
    ),
    ("title.not_acceptable", "Not Acceptable", "Format Tidak Tersedia"),
    ("title.conflict", "Conflict", "Konflik"),
    (
        "title.precondition_failed",
        "Precondition Failed",
        "Prasyarat Tidak Terpenuhi",
    ),
    ("title.payload_too_large", "Payload Too Large", "Isi Terlalu Besar"),
    (
        "title.unsupported_media_type",
        "Unsupported Media Type",
        "Jenis Media Tidak Didukung",
    ),
    ("title.validation", "Unprocessable Entity", "Isian Tidak Valid"),
    (
        "title.unprocessable",
        "Unprocessable Entity",
        "Permintaan Tidak Dapat Diproses",
    ),
    (
        "title.too_many_requests",
        "Too Many Requests",
        "Terlalu Banyak Permintaan",
    ),
    (
        "title.internal",
        "Internal Server Error",
        "Kesalahan Internal Server",
    ),
    (
        "title.unavailable",
        "Service Unavailable",
        "Layanan Tidak Tersedia",
    ),
    ("title.timed_out", "Service Unavailable", "Waktu Habis"),
    // The request itself.
    (
        "request.not_found",
        "Nothing is served at {path}.",
        "Tidak ada apa pun di alamat {path}.",
    ),
    (
        "request.method_not_allowed",
        "{method} is not allowed on {path}; it answers {allow}.",
        "Metode {method} tidak diizinkan di {path}; alamat ini melayani {allow}.",
    ),
    (
        "request.not_acceptable",
        "None of the media types in `Accept` can be answered; this API answers JSON.",
        "Tidak satu pun jenis media di `Accept` dapat dilayani; API ini menjawab dengan JSON.",
    ),
    (
        "request.failed",
        "The request could not be completed.",
        "Permintaan tidak dapat diselesaikan.",
    ),
    (
        "request.not_json",
        "The request body is not valid JSON (line {line}, column {column}).",
        "Isi permintaan bukan JSON yang sah (baris {line}, kolom {column}).",
    ),
    (
        "request.body_required",
        "The request needs a JSON body.",
        "Permintaan ini memerlukan isi berupa JSON.",
    ),
    (
        "request.body_unreadable",
        "The request body cannot be read; send it again.",
        "Isi permintaan tidak dapat dibaca; kirim ulang.",
    ),
    (
        "request.too_large",
        "The request body is larger than the limit.",
        "Isi permintaan melebihi batas ukuran.",
    ),
    (
        "request.too_large_limit",
        "The request body is larger than the limit of {limit} bytes.",
        "Isi permintaan melebihi batas {limit} byte.",
    ),
    (
        "request.json_only",
        "Send the request body as JSON with `Content-Type: application/json`.",
        "Kirim isi permintaan sebagai JSON dengan `Content-Type: application/json`.",
    ),
    (
        "request.patch_media_type",
        "Send a JSON Merge Patch with `Content-Type: application/merge-patch+json` (or `application/json`).",
        "Kirim JSON Merge Patch dengan `Content-Type: application/merge-patch+json` (atau `application/json`).",
    ),
    (
        "request.path_invalid",
        "A path parameter cannot be parsed; ids are UUIDs such as 01936f3e-5b7a-7c42-9d1e-2f3a4b5c6d7e.",
        "Parameter pada alamat tidak dapat dibaca; id berupa UUID, misalnya 01936f3e-5b7a-7c42-9d1e-2f3a4b5c6d7e.",
    ),
    (
        "request.query_invalid",
        "{count} query parameter(s) cannot be parsed; see `errors`.",
        "{count} parameter kueri tidak dapat dibaca; lihat `errors`.",
    ),
    (
        "request.invalid",
        "{count} field(s) failed validation; see `errors`.",
        "{count} isian tidak lolos validasi; lihat `errors`.",
    ),
    (
        "request.if_match_invalid",
        "If-Match must be the ETag of the resource, such as \"3\".",
        "If-Match harus berupa ETag sumber data, misalnya \"3\".",
    ),
    (
        "request.version_mismatch",
        "The resource has changed since you read it (it is now at version {version}); read it again and retry with its new ETag.",
        "Data sudah berubah sejak Anda membacanya (kini versi {version}); muat ulang lalu coba lagi dengan ETag yang baru.",
    ),
    (
        "request.rate_limited",
        "Too many requests; retry after {seconds} seconds.",
        "Terlalu banyak permintaan; coba lagi setelah {seconds} detik.",
    ),
    (
        "request.timed_out",
        "The request took too long to answer and was abandoned; retry shortly.",
        "Permintaan terlalu lama dijawab dan dihentikan; coba lagi sebentar lagi.",
    ),
    (
        "cursor.invalid",
        "The cursor cannot be parsed; pass `next_cursor` from the previous page unchanged.",
        "Kursor tidak dapat dibaca; kirim `next_cursor` dari halaman sebelumnya tanpa diubah.",
    ),
    (
        "cursor.other_order",
        "The cursor belongs to a list in another order; start again without it.",
        "Kursor ini milik daftar dengan urutan lain; mulai lagi tanpa kursor.",
    ),
    (
        "idempotency.key_missing",
        "Send an `Idempotency-Key` header: 1 to {max} visible ASCII characters, new for each request and the same when retrying it (a UUID will do).",
        "Kirim header `Idempotency-Key`: 1 sampai {max} karakter ASCII yang terlihat, baru untuk setiap permintaan dan sama saat mengulanginya (UUID bisa dipakai).",
    ),
    (
        "idempotency.key_invalid",
        "The `Idempotency-Key` header must be sent once, as 1 to {max} visible ASCII characters (a UUID will do).",
        "Header `Idempotency-Key` harus dikirim sekali, berupa 1 sampai {max} karakter ASCII yang terlihat (UUID bisa dipakai).",
    ),
    (
        "idempotency.in_progress",
        "Other requests with this `Idempotency-Key` are in progress; retry with the same key.",
        "Permintaan lain dengan `Idempotency-Key` ini sedang diproses; coba lagi dengan kunci yang sama.",
    ),
    // The server.
    (
        "server.internal",
        "An unexpected error occurred; it has been logged.",
        "Terjadi kesalahan tak terduga; kesalahan ini sudah dicatat.",
    ),
    (
        "server.database_unavailable",
        "The database cannot be reached right now; retry shortly.",
        "Basis data tidak dapat dihubungi saat ini; coba lagi sebentar lagi.",
    ),
    (
        "server.unique_taken",
        "A resource with this unique value already exists.",
        "Data dengan nilai unik ini sudah ada.",
    ),
    (
        "server.reference_conflict",
        "The change refers to a resource that does not exist, or removes one that others still use.",
        "Perubahan ini merujuk data yang tidak ada, atau menghapus data yang masih dipakai data lain.",
    ),
    (
        "server.metrics_token_invalid",
        "The metrics token is missing or wrong.",
        "Token metrik tidak ada atau salah.",
    ),
    // Who is calling.
    (
        "auth.token_invalid",
        "The access token is missing, invalid or expired.",
        "Token akses tidak ada, tidak sah, atau kedaluwarsa.",
    ),
    (
        "auth.role_forbidden",
        "The role `{role}` may not do this.",
        "Peran `{role}` tidak boleh melakukan ini.",
    ),
    (
        "auth.bad_credentials",
        "The email or password is wrong.",
        "Email atau kata sandi salah.",
    ),
    (
        "auth.bad_client",
        "The client id or client secret is wrong.",
        "Client id atau client secret salah.",
    ),
    (
        "auth.refresh_invalid",
        "The refresh token is invalid, expired or revoked.",
        "Refresh token tidak sah, kedaluwarsa, atau sudah dicabut.",
    ),
    (
        "auth.refresh_reused",
        "This refresh token was already used; every session made from it has been revoked. Log in again.",
        "Refresh token ini sudah pernah dipakai; semua sesi yang dibuat darinya telah dicabut. Silakan masuk lagi.",
    ),
    (
        "auth.pesantren_unverified",
        "Your pesantren has not been verified by the OPOP secretariat yet; you can log in once it is.",
        "Pesantren Anda belum diverifikasi sekretariat OPOP; Anda dapat masuk setelah diverifikasi.",
    ),
    (
        "auth.locked",
        "Too many failed attempts; retry after {seconds} seconds.",
        "Terlalu banyak percobaan yang gagal; coba lagi setelah {seconds} detik.",
    ),
    (
        "auth.own_province_only",
        "Staff of province {own} act in province {own} only.",
        "Staf provinsi {own} hanya dapat bertindak di provinsi {own}.",
    ),
    // Users and partners.
    ("user.not_found", "No user with this id.", "Pengguna dengan id ini tidak ditemukan."),
    (
        "user.email_taken",
        "An account with this email already exists.",
        "Akun dengan email ini sudah ada.",
    ),
    (
        "user.no_profile",
        "Only user accounts have a profile.",
        "Hanya akun pengguna yang memiliki profil.",
    ),
    (
        "user.self_deactivation",
        "You cannot deactivate your own account.",
        "Anda tidak dapat menonaktifkan akun Anda sendiri.",
    ),
    (
        "partner.code_taken",
        "A partner with this code already exists.",
        "Mitra dengan kode ini sudah ada.",
    ),
    (
        "partner.national_only",
        "Partners serve every province: only a national admin (without a province) manages them.",
        "Mitra melayani semua provinsi: hanya admin nasional (tanpa provinsi) yang mengelolanya.",
    ),
    // Regions.
    (
        "region.not_found",
        "No region with this code.",
        "Wilayah dengan kode ini tidak ditemukan.",
    ),
    // The register.
    (
        "pesantren.not_found",
        "No pesantren with this id.",
        "Pesantren dengan id ini tidak ditemukan.",
    ),
    (
        "pesantren.nspp_taken",
        "A pesantren with this NSPP is already registered.",
        "Pesantren dengan NSPP ini sudah terdaftar.",
    ),
    (
        "pesantren.state_conflict",
        "The pesantren is `{status}`; it cannot become `{to}` from there.",
        "Pesantren berstatus `{status}`; statusnya tidak dapat diubah menjadi `{to}`.",
    ),
    (
        "pesantren.move_forbidden",
        "Only the secretariat changes a pesantren's NSPP, province or regency.",
        "Hanya sekretariat yang dapat mengubah NSPP, provinsi, atau kabupaten/kota pesantren.",
    ),
    (
        "registration.throttled",
        "Too many registrations from this address; retry after {seconds} seconds.",
        "Terlalu banyak pendaftaran dari alamat ini; coba lagi setelah {seconds} detik.",
    ),
    (
        "santri.not_found",
        "No santri with this id.",
        "Santri dengan id ini tidak ditemukan.",
    ),
    (
        "santri.nik_taken",
        "A santri with this NIK is already registered in this pesantren.",
        "Santri dengan NIK ini sudah terdaftar di pesantren ini.",
    ),
    (
        "santri.self_edit_limited",
        "A santri may change only their own phone, email and address; ask the pesantren to change {fields}.",
        "Santri hanya boleh mengubah nomor ponsel, email, dan alamatnya sendiri; mintalah pesantren mengubah {fields}.",
    ),
    (
        "santri.read_only",
        "Curators may read the santri register but not change it.",
        "Kurator boleh membaca data santri tetapi tidak boleh mengubahnya.",
    ),
    (
        "santri.erased",
        "The personal data of this santri was erased; the record is kept only to be counted and cannot change.",
        "Data pribadi santri ini sudah dihapus; catatannya disimpan hanya untuk dihitung dan tidak dapat diubah.",
    ),
    (
        "santri.no_consent",
        "No consent is recorded for this santri, or it was already withdrawn.",
        "Tidak ada persetujuan yang tercatat untuk santri ini, atau persetujuan sudah ditarik.",
    ),
    (
        "santri.has_account",
        "This santri has an active user account; an admin must deactivate it first (POST /api/v1/users/{id}/deactivate).",
        "Santri ini masih memiliki akun pengguna yang aktif; admin harus menonaktifkannya dulu (POST /api/v1/users/{id}/deactivate).",
    ),
    (
        "koperasi.not_found",
        "No koperasi with this id.",
        "Koperasi dengan id ini tidak ditemukan.",
    ),
    (
        "koperasi.one_per_pesantren",
        "This pesantren already has its koperasi ({existing}); a pesantren has one koperasi. Update that one instead.",
        "Pesantren ini sudah memiliki koperasi ({existing}); satu pesantren hanya memiliki satu koperasi. Perbarui koperasi itu saja.",
    ),
    (
        "koperasi.already_exists",
        "This pesantren already has its koperasi; a pesantren has one koperasi.",
        "Pesantren ini sudah memiliki koperasi; satu pesantren hanya memiliki satu koperasi.",
    ),
    (
        "koperasi.nib_taken",
        "Another koperasi is already registered with this NIB.",
        "Koperasi lain sudah terdaftar dengan NIB ini.",
    ),
    // Products.
    ("product.not_found", "No product with this id.", "Produk dengan id ini tidak ditemukan."),
    (
        "product.sku_taken",
        "This pesantren already has a product with this SKU.",
        "Pesantren ini sudah memiliki produk dengan SKU ini.",
    ),
    (
        "product.state_conflict",
        "The product is `{status}`; `{action}` is not allowed from there.",
        "Produk berstatus `{status}`; `{action}` tidak diizinkan dari status itu.",
    ),
    (
        "product.incomplete",
        "The product is not complete enough for curation: {count} field(s) are missing or invalid; see `errors`.",
        "Produk belum cukup lengkap untuk dikurasi: {count} isian belum diisi atau tidak sah; lihat `errors`.",
    ),
    (
        "product.own_work",
        "Nobody reviews a product they created themselves.",
        "Tidak seorang pun boleh meninjau produk yang dibuatnya sendiri.",
    ),
    (
        "variant.sku_taken",
        "A variant SKU is already used in this pesantren (or two variants swapped SKUs; change them in two steps).",
        "SKU varian sudah dipakai di pesantren ini (atau dua varian bertukar SKU; ubah dalam dua langkah).",
    ),
    (
        "certification.not_found",
        "No certification with this id.",
        "Sertifikat dengan id ini tidak ditemukan.",
    ),
    (
        "certification.taken",
        "This product already has a certificate of this type with this number.",
        "Produk ini sudah memiliki sertifikat jenis ini dengan nomor yang sama.",
    ),
    (
        "certification.state_conflict",
        "The certification is `{status}`; `{action}` is not allowed from there.",
        "Sertifikat berstatus `{status}`; `{action}` tidak diizinkan dari status itu.",
    ),
    (
        "certification.expired",
        "The certificate expired on {date}; ask the pesantren for the renewed one.",
        "Sertifikat ini kedaluwarsa pada {date}; mintalah sertifikat yang diperbarui kepada pesantren.",
    ),
    (
        "certification.own_work",
        "Nobody reviews the certificates of a product they created themselves.",
        "Tidak seorang pun boleh meninjau sertifikat produk yang dibuatnya sendiri.",
    ),
    ("image.not_found", "No image with this id.", "Gambar dengan id ini tidak ditemukan."),
    (
        "image.too_many",
        "The product already has {max} images, the most it may have; delete one first.",
        "Produk ini sudah memiliki {max} gambar, jumlah terbanyak yang boleh; hapus salah satu dulu.",
    ),
    (
        "image.too_large",
        "The image is larger than the limit of {limit} bytes (5 MiB).",
        "Gambar melebihi batas {limit} byte (5 MiB).",
    ),
    (
        "image.not_an_image",
        "The file is not a JPEG, PNG or WebP image (judged by its content, not its name).",
        "Berkas ini bukan gambar JPEG, PNG, atau WebP (dinilai dari isinya, bukan namanya).",
    ),
    (
        "image.not_multipart",
        "Send the image as `multipart/form-data` with one part named `file`.",
        "Kirim gambar sebagai `multipart/form-data` dengan satu bagian bernama `file`.",
    ),
    (
        "image.multipart_unreadable",
        "The multipart body cannot be read; send it again.",
        "Isi multipart tidak dapat dibaca; kirim ulang.",
    ),
    (
        "image.one_part",
        "Send one part named `file`, not several.",
        "Kirim satu bagian bernama `file`, jangan lebih.",
    ),
    (
        "image.too_many_pixels",
        "The image is larger than {max} × {max} pixels; send a smaller one.",
        "Gambar lebih besar dari {max} × {max} piksel; kirim yang lebih kecil.",
    ),
    (
        "image.product_changed",
        "The product changed while its images were being changed; retry.",
        "Produk berubah saat gambarnya sedang diubah; coba lagi.",
    ),
    // The catalogue and its partners.
    (
        "catalog.product_not_found",
        "No published product with this id is in the catalogue.",
        "Tidak ada produk terbit dengan id ini di katalog.",
    ),
    (
        "feed.cursor_ahead",
        "The cursor is ahead of this feed; start a full sync again without a cursor.",
        "Kursor ini melampaui umpan perubahan; mulai sinkronisasi penuh lagi tanpa kursor.",
    ),
    (
        "listing.not_found",
        "You have no listing of this product.",
        "Anda belum memiliki listing untuk produk ini.",
    ),
    (
        "listing.concurrent",
        "The listing was recorded by a concurrent call; send it again.",
        "Listing ini tercatat oleh panggilan lain pada saat yang sama; kirim ulang.",
    ),
    ("order.not_found", "No order with this id.", "Pesanan dengan id ini tidak ditemukan."),
    (
        "order.stock_short",
        "Only {left} in stock; the order asks for {quantity}. Nothing was taken.",
        "Stok hanya {left}; pesanan meminta {quantity}. Tidak ada stok yang diambil.",
    ),
    (
        "order.already_reported",
        "This order was already reported: its `external_order_id` is taken by another order of yours.",
        "Pesanan ini sudah dilaporkan: `external_order_id`-nya sudah dipakai pesanan Anda yang lain.",
    ),
    (
        "webhook.not_found",
        "You have no webhook; register one with PUT first.",
        "Anda belum memiliki webhook; daftarkan dulu dengan PUT.",
    ),
    (
        "webhook.concurrent",
        "The webhook was registered by a concurrent call; send it again.",
        "Webhook ini terdaftar oleh panggilan lain pada saat yang sama; kirim ulang.",
    ),
    (
        "webhook.cursor_past_end",
        "The cursor is past the feed's end ({end}); it was not handed out by this feed.",
        "Kursor melewati ujung umpan perubahan ({end}); kursor ini bukan berasal dari umpan ini.",
    ),
    // Fields: shape.
    ("field.required", "is required", "wajib diisi"),
    ("field.unknown", "is not a known field", "bukan isian yang dikenal"),
    (
        "field.read_only",
        "is read-only: send it unchanged or leave it out",
        "hanya dapat dibaca: kirim tanpa diubah atau jangan dikirim",
    ),
    ("field.duplicate", "is sent twice", "dikirim dua kali"),
    ("field.one_of", "must be one of {allowed}", "harus salah satu dari {allowed}"),
    ("field.type_string", "must be a string", "harus berupa teks"),
    ("field.type_integer", "must be a whole number", "harus berupa bilangan bulat"),
    ("field.type_number", "must be a number", "harus berupa angka"),
    ("field.type_boolean", "must be true or false", "harus bernilai true atau false"),
    ("field.type_array", "must be a list", "harus berupa daftar"),
    ("field.type_object", "must be an object", "harus berupa objek"),
    (
        "field.type_uuid",
        "must be a UUID such as 01936f3e-5b7a-7c42-9d1e-2f3a4b5c6d7e",
        "harus berupa UUID, misalnya 01936f3e-5b7a-7c42-9d1e-2f3a4b5c6d7e",
    ),
    (
        "field.type_date",
        "must be a date such as 2026-01-31",
        "harus berupa tanggal, misalnya 2026-01-31",
    ),
    ("field.type_invalid", "has a value of the wrong type", "nilainya bertipe salah"),
    (
        "field.integer_too_large",
        "is too large a number",
        "angkanya terlalu besar",
    ),
    // Fields: sizes and ranges.
    (
        "field.length_between",
        "must be {min} to {max} characters",
        "harus {min} sampai {max} karakter",
    ),
    ("field.length_min", "must be at least {min} characters", "minimal {min} karakter"),
    ("field.length_max", "must be at most {max} characters", "maksimal {max} karakter"),
    ("field.length_exact", "must be exactly {equal} characters", "harus tepat {equal} karakter"),
    (
        "field.items_between",
        "must hold {min} to {max} items",
        "harus berisi {min} sampai {max} butir",
    ),
    ("field.items_max", "must hold at most {max} items", "maksimal berisi {max} butir"),
    (
        "field.range_between",
        "must be between {min} and {max}",
        "harus antara {min} dan {max}",
    ),
    ("field.range_min", "must be at least {min}", "minimal {min}"),
    ("field.range_max", "must be at most {max}", "maksimal {max}"),
    (
        "field.range_rupiah",
        "must be {min} to {max} rupiah",
        "harus {min} sampai {max} rupiah",
    ),
    (
        "field.range_grams",
        "must be {min} to {max} grams",
        "harus {min} sampai {max} gram",
    ),
    ("field.range_cm", "must be {min} to {max} cm", "harus {min} sampai {max} cm"),
    (
        "field.range_days",
        "must be {min} to {max} days",
        "harus {min} sampai {max} hari",
    ),
    ("field.not_negative", "must not be negative", "tidak boleh negatif"),
    ("field.not_in_future", "must not be in the future", "tidak boleh di masa depan"),
    ("field.not_before", "must not be before {other}", "tidak boleh sebelum {other}"),
    (
        "field.not_before_birth_year",
        "must not be before the year of birth",
        "tidak boleh sebelum tahun lahir",
    ),
    (
        "field.order_below_minimum",
        "must be at least {min}, the product's minimum order",
        "minimal {min}, jumlah pesanan minimum produk ini",
    ),
    // Fields: formats.
    ("field.email", "must be an email address", "harus berupa alamat email"),
    (
        "field.url",
        "must be a URL such as https://sidogiri.net",
        "harus berupa URL, misalnya https://sidogiri.net",
    ),
    ("field.https_url", "must be an https URL", "harus berupa URL https"),
    (
        "field.image_urls",
        "must be https URLs of at most 500 characters",
        "harus berupa URL https dengan panjang maksimal 500 karakter",
    ),
    (
        "field.nspp",
        "must be the 12-digit NSPP of Kemenag",
        "harus berupa NSPP Kemenag 12 digit",
    ),
    (
        "field.nib",
        "must be the 13-digit NIB from OSS",
        "harus berupa NIB 13 digit dari OSS",
    ),
    (
        "field.nik",
        "must be a 16-digit NIK: province, regency and district codes, birth date DDMMYY (day + 40 for women) and a 4-digit number",
        "harus berupa NIK 16 digit: kode provinsi, kabupaten/kota dan kecamatan, tanggal lahir DDMMYY (tanggal + 40 untuk perempuan) dan nomor urut 4 digit",
    ),
    (
        "field.phone",
        "must be an Indonesian mobile number such as 081234567890",
        "harus berupa nomor ponsel Indonesia, misalnya 081234567890",
    ),
    (
        "field.province_code",
        "must be one of the 38 two-digit province codes, such as 35",
        "harus salah satu dari 38 kode provinsi dua digit, misalnya 35",
    ),
    (
        "field.regency_code",
        "must be a 4-digit regency code such as 3578",
        "harus berupa kode kabupaten/kota 4 digit, misalnya 3578",
    ),
    (
        "field.district_code",
        "must be a 6-digit district code such as 357801",
        "harus berupa kode kecamatan 6 digit, misalnya 357801",
    ),
    (
        "field.within_province",
        "must start with the province code {province}",
        "harus diawali kode provinsi {province}",
    ),
    (
        "field.within_regency",
        "must start with the regency code {regency}",
        "harus diawali kode kabupaten/kota {regency}",
    ),
    (
        "field.no_such_regency",
        "names no regency or city of Kemendagri's list, such as 3578 (see GET /api/v1/regions?parent=35)",
        "tidak merujuk kabupaten/kota dalam daftar Kemendagri, misalnya 3578 (lihat GET /api/v1/regions?parent=35)",
    ),
    (
        "field.no_such_district",
        "names no district (kecamatan) of Kemendagri's list, such as 357801 (see GET /api/v1/regions?parent=3578)",
        "tidak merujuk kecamatan dalam daftar Kemendagri, misalnya 357801 (lihat GET /api/v1/regions?parent=3578)",
    ),
    (
        "field.nik_no_such_district",
        "must start with the 6-digit code of a district (kecamatan) of Kemendagri's list",
        "harus diawali kode kecamatan 6 digit dalam daftar Kemendagri",
    ),
    (
        "field.region_parent",
        "must be the code of a province (such as 35) or of a regency or city (such as 3578)",
        "harus berupa kode provinsi (misalnya 35) atau kabupaten/kota (misalnya 3578)",
    ),
    (
        "field.sku",
        "must be 1 to 64 letters, digits, dashes, underscores or dots",
        "harus 1 sampai 64 huruf, angka, tanda hubung, garis bawah, atau titik",
    ),
    (
        "field.partner_code",
        "must be 2 to 40 lower-case letters, digits or dashes, such as `shopee`",
        "harus 2 sampai 40 huruf kecil, angka, atau tanda hubung, misalnya `shopee`",
    ),
    (
        "field.no_control_characters",
        "must not contain control characters",
        "tidak boleh berisi karakter kontrol",
    ),
    (
        "field.halal_number",
        "must be `ID` followed by 8 to 30 digits (a BPJPH number)",
        "harus diawali `ID` lalu 8 sampai 30 digit (nomor BPJPH)",
    ),
    (
        "field.pirt_number",
        "must be 15 digits (a P-IRT number)",
        "harus 15 digit (nomor P-IRT)",
    ),
    (
        "field.bpom_number",
        "must be `MD` or `ML` and 12 digits, or `NA` and 11 digits",
        "harus `MD` atau `ML` lalu 12 digit, atau `NA` lalu 11 digit",
    ),
    (
        "field.feed_cursor",
        "must be a cursor of the change feed, such as \"1042\", or null",
        "harus berupa kursor umpan perubahan, misalnya \"1042\", atau null",
    ),
    // Fields: the register's rules.
    (
        "field.nik_gender",
        "does not agree with gender {gender}: a woman's NIK has 40 added to the day of birth (digits 7-8)",
        "tidak sesuai dengan jenis kelamin {gender}: NIK perempuan menambahkan 40 pada tanggal lahir (digit 7-8)",
    ),
    (
        "field.nik_birth_date",
        "does not agree with birth_date: digits 7-12 of a NIK are the date of birth DDMMYY (day + 40 for women)",
        "tidak sesuai dengan birth_date: digit 7-12 NIK adalah tanggal lahir DDMMYY (tanggal + 40 untuk perempuan)",
    ),
    (
        "field.guardian_required",
        "is required for a santri under 18 (UU 27/2022 on personal data)",
        "wajib diisi untuk santri di bawah 18 tahun (UU 27/2022 tentang Pelindungan Data Pribadi)",
    ),
    (
        "field.consent_required",
        "must be true: a parent's or guardian's consent is required to keep the data of a santri under 18 (UU 27/2022)",
        "harus true: data santri di bawah 18 tahun hanya boleh disimpan dengan persetujuan orang tua atau wali (UU 27/2022)",
    ),
    (
        "field.repeated_unit",
        "repeats an earlier business unit",
        "mengulang unit usaha yang sudah disebut",
    ),
    (
        "field.no_such_pesantren",
        "names no pesantren you can manage",
        "tidak merujuk pesantren yang dapat Anda kelola",
    ),
    (
        "field.no_such_santri",
        "names no santri you can manage",
        "tidak merujuk santri yang dapat Anda kelola",
    ),
    (
        "field.no_such_koperasi",
        "names no koperasi of this pesantren",
        "tidak merujuk koperasi milik pesantren ini",
    ),
    (
        "field.omit_for_staff",
        "must be omitted for admins and curators",
        "harus dikosongkan untuk admin dan kurator",
    ),
    (
        "field.required_for_manager",
        "is required for a pesantren manager",
        "wajib diisi untuk pengelola pesantren",
    ),
    (
        "field.required_for_santri",
        "is required for a santri account",
        "wajib diisi untuk akun santri",
    ),
    // Fields: products.
    (
        "field.required_for_food",
        "is required for food and beverages",
        "wajib diisi untuk makanan dan minuman",
    ),
    ("field.required_with", "is required with {other}", "wajib diisi bersama {other}"),
    (
        "field.set_per_variant",
        "is set per variant when the product has options; omit it",
        "diatur per varian bila produk memiliki opsi; jangan dikirim",
    ),
    (
        "field.variant_required",
        "is required: the product is sold in variants",
        "wajib diisi: produk ini dijual dalam varian",
    ),
    (
        "field.variant_not_allowed",
        "must be omitted: the product has no variants",
        "jangan dikirim: produk ini tidak memiliki varian",
    ),
    (
        "field.no_such_variant",
        "names no variant of this product",
        "tidak merujuk varian produk ini",
    ),
    (
        "field.option_count",
        "must name one or two options, such as [\"ukuran\", \"warna\"]",
        "harus menyebut satu atau dua opsi, misalnya [\"ukuran\", \"warna\"]",
    ),
    (
        "field.option_names",
        "must be distinct names of 1 to 30 characters",
        "harus berupa nama berbeda sepanjang 1 sampai 30 karakter",
    ),
    (
        "field.variant_count",
        "must hold 1 to {max} variants when the product has options",
        "harus berisi 1 sampai {max} varian bila produk memiliki opsi",
    ),
    (
        "field.variant_values",
        "must give each option a value of 1 to 30 characters, and nothing else",
        "harus memberi setiap opsi satu nilai sepanjang 1 sampai 30 karakter, tidak lebih",
    ),
    (
        "field.variant_combination",
        "is the same combination as another variant",
        "kombinasinya sama dengan varian lain",
    ),
    (
        "field.variant_sku_repeated",
        "is used by another variant",
        "sudah dipakai varian lain",
    ),
    ("field.sent_twice", "is sent twice", "dikirim dua kali"),
    (
        "field.image_source",
        "must be an image uploaded to this product or a link to an allowed image host",
        "harus berupa gambar yang diunggah ke produk ini atau tautan ke host gambar yang diizinkan",
    ),
    (
        "field.batch_repeated",
        "names the same product and variant as `{first}`; send each once",
        "menyebut produk dan varian yang sama dengan `{first}`; kirim masing-masing sekali",
    ),
    (
        "field.sku_taken_by_variant",
        "is already used by a variant in this pesantren",
        "sudah dipakai sebuah varian di pesantren ini",
    ),
    (
        "field.sku_taken",
        "is already used in this pesantren",
        "sudah dipakai di pesantren ini",
    ),
    (
        "field.image_order",
        "must list every image of the product exactly once",
        "harus mencantumkan setiap gambar produk tepat satu kali",
    ),
    (
        "field.file_required",
        "is required: one part named `file` holding the image",
        "wajib ada: satu bagian bernama `file` berisi gambar",
    ),
    (
        "field.attributes_size",
        "must hold at most 50 attributes and 16 KB",
        "maksimal berisi 50 atribut dan 16 KB",
    ),
    // Fields: requests with a key.
    (
        "field.key_reused",
        "was used with a different request body",
        "sudah dipakai untuk isi permintaan yang berbeda",
    ),
    // Fields: webhook targets.
    (
        "field.webhook_url_absolute",
        "must be an absolute https URL",
        "harus berupa URL https yang lengkap",
    ),
    ("field.webhook_url_scheme", "must be an https URL", "harus berupa URL https"),
    (
        "field.webhook_url_credentials",
        "must not carry credentials; check the signature of each delivery instead",
        "tidak boleh memuat kredensial; periksa tanda tangan setiap kiriman",
    ),
    ("field.webhook_url_host", "must name a host", "harus menyebut nama host"),
    (
        "field.webhook_url_address",
        "must not point at a loopback, private, link-local or reserved address",
        "tidak boleh mengarah ke alamat loopback, privat, link-local, atau khusus",
    ),
    (
        "field.webhook_url_resolves_private",
        "the host resolves to a loopback, private, link-local or reserved address",
        "nama host ini mengarah ke alamat loopback, privat, link-local, atau khusus",
    ),
    (
        "field.webhook_url_unresolvable",
        "the host name does not resolve",
        "nama host ini tidak dapat ditemukan",
    ),
    // The programme.
    (
        "product.flagship_not_approved",
        "The product is `{status}`; only an approved product can be made flagship.",
        "Produk berstatus `{status}`; hanya produk yang sudah disetujui yang dapat dijadikan unggulan.",
    ),
    ("activity.not_found", "No such activity.", "Kegiatan tidak ditemukan."),
    (
        "activity.state_conflict",
        "The activity is `{status}`; `{action}` is not allowed from there.",
        "Kegiatan berstatus `{status}`; `{action}` tidak diizinkan dari status itu.",
    ),
    (
        "activity.not_open",
        "The activity is `{status}`: enrolment is possible only while it is `open`.",
        "Kegiatan berstatus `{status}`: pendaftaran hanya dapat dilakukan selama berstatus `open`.",
    ),
    (
        "activity.registration_closed",
        "Registration closed on {date}.",
        "Pendaftaran telah ditutup pada {date}.",
    ),
    (
        "activity.full",
        "All {capacity} places are taken.",
        "Seluruh {capacity} tempat sudah terisi.",
    ),
    (
        "activity.capacity_below_enrolled",
        "{enrolled} pesantren are enrolled; the capacity cannot be less.",
        "Sudah {enrolled} pesantren terdaftar; kapasitas tidak boleh kurang dari itu.",
    ),
    (
        "activity.finished",
        "The activity is `{status}`; its participants no longer change.",
        "Kegiatan berstatus `{status}`; pesertanya tidak dapat diubah lagi.",
    ),
    (
        "participant.not_found",
        "That pesantren is not enrolled in this activity.",
        "Pesantren tersebut tidak terdaftar dalam kegiatan ini.",
    ),
    (
        "participant.already_enrolled",
        "That pesantren is already enrolled in this activity.",
        "Pesantren tersebut sudah terdaftar dalam kegiatan ini.",
    ),
    (
        "participant.attendance_too_early",
        "The activity is `{status}`; attendance is recorded once it is open.",
        "Kegiatan berstatus `{status}`; kehadiran dicatat setelah kegiatan dibuka.",
    ),
    ("deal.not_found", "No such deal.", "Transaksi tidak ditemukan."),
    (
        "deal.activity_kind",
        "The activity is a `{kind}`; deals are recorded at a `business_matching` or an `expo` only.",
        "Kegiatan ini berjenis `{kind}`; transaksi hanya dicatat pada `business_matching` atau `expo`.",
    ),
    (
        "deal.already_confirmed",
        "The deal is already confirmed.",
        "Transaksi ini sudah dikonfirmasi.",
    ),
    (
        "assignment.not_found",
        "No such mentoring assignment.",
        "Penugasan pendamping tidak ditemukan.",
    ),
    (
        "assignment.overlaps",
        "The mentor is already assigned to this pesantren for part of that period.",
        "Pendamping sudah ditugaskan ke pesantren ini pada sebagian periode tersebut.",
    ),
    (
        "mentoring_session.not_found",
        "No such mentoring session.",
        "Sesi pendampingan tidak ditemukan.",
    ),
    (
        "target.not_found",
        "No targets are set for that province and year.",
        "Belum ada target untuk provinsi dan tahun tersebut.",
    ),
    ("enterprise.not_found", "No such enterprise.", "Usaha tidak ditemukan."),
    (
        "enterprise.not_alumnus",
        "Only alumni run enterprises here; this santri is `{status}`.",
        "Hanya alumni yang dicatat usahanya; santri ini berstatus `{status}`.",
    ),
    ("field.not_after", "must not be after {other}", "tidak boleh setelah {other}"),
    (
        "field.not_a_mentor",
        "names no active mentor or curator",
        "tidak merujuk pendamping atau kurator yang aktif",
    ),
    (
        "field.mentor_other_province",
        "names a mentor of province {province}",
        "merujuk pendamping provinsi {province}",
    ),
    (
        "field.not_of_pesantren",
        "names something that is not of this pesantren",
        "merujuk data yang bukan milik pesantren ini",
    ),
    (
        "field.no_such_product",
        "names no product of this pesantren",
        "tidak merujuk produk pesantren ini",
    ),
    (
        "field.too_far_ahead",
        "must not be after {max}",
        "tidak boleh setelah {max}",
    ),
    // Competitions.
    ("competition.not_found", "No such competition.", "Kompetisi tidak ditemukan."),
    (
        "competition.state_conflict",
        "The competition is `{status}`; `{action}` is not allowed from there.",
        "Kompetisi berstatus `{status}`; `{action}` tidak diizinkan dari status itu.",
    ),
    (
        "competition.stages_left",
        "{count} stage(s) have not closed yet; close them first (`POST …/close-stage`).",
        "Masih ada {count} tahap yang belum ditutup; tutup dahulu (`POST …/close-stage`).",
    ),
    (
        "competition.not_open",
        "The competition is `{status}`: entries are taken only while it is `open`.",
        "Kompetisi berstatus `{status}`: pendaftaran hanya diterima selama berstatus `open`.",
    ),
    (
        "competition.entries_closed",
        "Entries closed on {date}.",
        "Pendaftaran sudah ditutup pada {date}.",
    ),
    (
        "competition.not_judging",
        "The competition is `{status}`: entries are judged only while it is `judging`.",
        "Kompetisi berstatus `{status}`: penilaian hanya dilakukan selama berstatus `judging`.",
    ),
    (
        "competition.stage_moved",
        "The stage being judged has changed meanwhile; read the competition again.",
        "Tahap yang sedang dinilai baru saja berubah; muat ulang kompetisi ini.",
    ),
    (
        "competition.stages_done",
        "Every stage has closed already.",
        "Semua tahap sudah ditutup.",
    ),
    (
        "competition.stage_undecided",
        "{count} entry(ies) at stage `{stage}` are neither advanced nor eliminated yet.",
        "Masih ada {count} peserta di tahap `{stage}` yang belum diloloskan atau digugurkan.",
    ),
    (
        "competition.area_without_nominee",
        "Area {area} was judged at stage `{stage}` but none of its entries advanced; each area nominates at least one.",
        "Wilayah {area} sudah dinilai di tahap `{stage}` tetapi belum ada pesertanya yang lolos; setiap wilayah mengirim paling sedikit satu.",
    ),
    ("entry.not_found", "No such entry.", "Peserta kompetisi tidak ditemukan."),
    (
        "entry.already_entered",
        "This pesantren has entered this competition already.",
        "Pesantren ini sudah terdaftar dalam kompetisi ini.",
    ),
    (
        "entry.decided",
        "The entry is `{status}`; only an active entry is judged.",
        "Peserta ini berstatus `{status}`; hanya peserta aktif yang dinilai.",
    ),
    (
        "entry.not_at_stage",
        "The entry is at stage `{stage}`, and stage `{current}` is being judged.",
        "Peserta ini berada di tahap `{stage}`, sedangkan yang sedang dinilai tahap `{current}`.",
    ),
    (
        "entry.area_nominee",
        "This is the last entry of area {area} and the area was scored; each area nominates at least one.",
        "Ini peserta terakhir wilayah {area} dan wilayah itu sudah dinilai; setiap wilayah mengirim paling sedikit satu.",
    ),
    (
        "score.already_given",
        "You have scored this entry at this stage already.",
        "Anda sudah menilai peserta ini di tahap ini.",
    ),
    (
        "score.juror_mentors",
        "You mentor this pesantren, so you may not judge it.",
        "Anda mendampingi pesantren ini, sehingga tidak boleh menilainya.",
    ),
    (
        "score.juror_created_products",
        "You created products of this pesantren, so you may not judge it.",
        "Anda membuat produk pesantren ini, sehingga tidak boleh menilainya.",
    ),
    ("award.not_found", "No such award.", "Penghargaan tidak ditemukan."),
    (
        "award.too_early",
        "Awards are recorded once the last stage has closed; the competition is `{status}`.",
        "Penghargaan dicatat setelah tahap terakhir ditutup; kompetisi berstatus `{status}`.",
    ),
    (
        "award.not_finalist",
        "The entry is `{status}`; only a finalist receives an award.",
        "Peserta ini berstatus `{status}`; hanya finalis yang menerima penghargaan.",
    ),
    (
        "award.already_given",
        "This entry has an award already.",
        "Peserta ini sudah menerima penghargaan.",
    ),
    (
        "award.rank_taken",
        "Rank {rank} of category `{category}` is awarded already.",
        "Peringkat {rank} kategori `{category}` sudah diberikan.",
    ),
    (
        "award.over_grant",
        "That is more than is left of the grant of Rp{grant}: Rp{remaining}.",
        "Jumlah itu melebihi sisa hibah sebesar Rp{grant}: tinggal Rp{remaining}.",
    ),
    (
        "field.name_token",
        "must start with a lower-case letter and hold only lower-case letters, digits and `_`, at most 40",
        "harus diawali huruf kecil dan hanya berisi huruf kecil, angka, dan `_`, paling banyak 40",
    ),
    (
        "field.pesantren_not_verified",
        "names a pesantren that is `{status}`, not verified",
        "merujuk pesantren berstatus `{status}`, belum terverifikasi",
    ),
    (
        "field.district_required",
        "names a pesantren without a `district_code`, which a competition with a `district` stage needs",
        "merujuk pesantren tanpa `district_code`, yang dibutuhkan kompetisi dengan tahap `district`",
    ),
];
