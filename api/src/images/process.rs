//! What is stored of an upload: the image decoded within limits and
//! encoded again, so that only pixels are kept.
//!
//! Checking magic bytes alone let through two attacks (security review,
//! finding 7): a few hundred bytes of PNG declaring 100,000 × 100,000
//! pixels, which any client that shows the image tries to allocate 40 GB
//! for; and a phone's JPEG served with its EXIF block, GPS position of
//! where a child was photographed included. Decoding under [`limits`]
//! refuses the first before anything is allocated; encoding the decoded
//! pixels again leaves behind every metadata block (EXIF, XMP, IPTC, ICC
//! profiles, PNG text chunks, WebP `EXIF`/`XMP ` chunks), whatever the
//! format hides them in. The orientation EXIF asks for is applied to the
//! pixels first, so a phone's portrait photo still stands upright.
//!
//! Decoding an 8000 × 8000 image is a few hundred milliseconds of CPU and
//! up to [`MAX_DECODE_BYTES`] of memory: it runs on tokio's blocking pool,
//! never on a request worker, and at most as many at once as the machine
//! has cores, so a burst of uploads queues instead of taking the memory of
//! the whole process.

use std::io::Cursor;
use std::sync::{Arc, LazyLock};

use bytes::Bytes;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};
use tokio::sync::Semaphore;

use super::model::ImageKind;
use super::upload::Upload;
use crate::blocking;
use crate::error::{ApiError, ApiResult, Code};

/// The widest and tallest image accepted, in pixels. A catalogue shows
/// images at a few hundred pixels; 8000 leaves room for any phone's full
/// resolution (48 MP sensors write 8000 × 6000).
pub const MAX_SIDE: u32 = 8000;
/// The most memory one decoding may take (256 MiB): an 8000 × 8000 image
/// with an alpha channel, 8 bits a channel. 16-bit PNGs that large are
/// refused by this limit rather than by their sides.
pub const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;
/// Quality of re-encoded JPEGs: visually the same as a phone's output.
const JPEG_QUALITY: u8 = 90;

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

pub(super) fn too_many_pixels() -> ApiError {
    ApiError::new(Code::ImageTooManyPixels).with("max", MAX_SIDE)
}

fn format_of(kind: ImageKind) -> ImageFormat {
    match kind {
        ImageKind::Jpeg => ImageFormat::Jpeg,
        ImageKind::Png => ImageFormat::Png,
        ImageKind::Webp => ImageFormat::WebP,
    }
}

/// Decodings running at once, across the process.
static DECODINGS: LazyLock<Arc<Semaphore>> = LazyLock::new(blocking::per_core);

/// The upload as it is stored: decoded within the limits and encoded again
/// in its own format. 422 `image.too_many_pixels` past [`MAX_SIDE`] or
/// [`MAX_DECODE_BYTES`], 415 `image.not_an_image` for what does not
/// decode.
pub async fn clean(upload: Upload) -> ApiResult<Upload> {
    let kind = upload.kind;
    let bytes = reencode_off_workers(upload.bytes, kind).await?;
    Ok(Upload {
        bytes: Bytes::from(bytes),
        kind,
    })
}

/// [`reencode`] on the blocking pool, a bounded number at a time.
pub(super) async fn reencode_off_workers(bytes: Bytes, kind: ImageKind) -> ApiResult<Vec<u8>> {
    blocking::offload(&DECODINGS, move || reencode(&bytes, kind))
        .await
        .map_err(ApiError::internal)?
}

fn refused(e: ImageError) -> ApiError {
    match e {
        ImageError::Limits(_) => too_many_pixels(),
        // Anything else the decoder says (truncated, corrupt, a variant of
        // the format it does not read) means the bytes are no image we
        // can serve.
        _ => super::service::not_an_image(),
    }
}

/// Decodes `bytes` as `kind` under [`limits`] and encodes the pixels again.
pub fn reencode(bytes: &[u8], kind: ImageKind) -> ApiResult<Vec<u8>> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format_of(kind));
    reader.limits(limits());
    // The header alone: the sides are checked here (`set_limits`), before
    // the decoder allocates its output.
    let mut decoder = reader.into_decoder().map_err(refused)?;
    let (width, height) = decoder.dimensions();
    if width > MAX_SIDE || height > MAX_SIDE || decoder.total_bytes() > MAX_DECODE_BYTES {
        return Err(too_many_pixels());
    }
    // An orientation that cannot be read is ignored, as viewers do.
    let orientation = decoder.orientation().ok();
    let mut pixels = DynamicImage::from_decoder(decoder).map_err(refused)?;
    if let Some(o) = orientation {
        pixels.apply_orientation(o);
    }
    encode(pixels, kind).map_err(|e| ApiError::internal(anyhow::Error::from(e)))
}

fn encode(pixels: DynamicImage, kind: ImageKind) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::new();
    match kind {
        ImageKind::Jpeg => {
            // JPEG holds grey or RGB; a decoder may hand over other layouts
            // (CMYK comes out as RGB already).
            let pixels = match pixels {
                DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => pixels,
                other => DynamicImage::ImageRgb8(other.to_rgb8()),
            };
            pixels.write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY))?;
        }
        ImageKind::Png => pixels.write_with_encoder(PngEncoder::new(&mut out))?,
        ImageKind::Webp => {
            // The only WebP encoder in pure Rust is lossless: a lossy upload
            // is stored larger than it came, never worse.
            let pixels = match pixels {
                DynamicImage::ImageLuma8(_)
                | DynamicImage::ImageLumaA8(_)
                | DynamicImage::ImageRgb8(_)
                | DynamicImage::ImageRgba8(_) => pixels,
                other => DynamicImage::ImageRgba8(other.to_rgba8()),
            };
            pixels.write_with_encoder(WebPEncoder::new_lossless(&mut out))?
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, RgbImage};

    fn sample(kind: ImageKind) -> Vec<u8> {
        let img = RgbImage::from_fn(16, 9, |x, y| image::Rgb([x as u8 * 10, y as u8 * 20, 99]));
        let mut out = Vec::new();
        match kind {
            ImageKind::Png => PngEncoder::new(&mut out)
                .write_image(&img, 16, 9, image::ExtendedColorType::Rgb8)
                .unwrap(),
            ImageKind::Jpeg => JpegEncoder::new(&mut out)
                .write_image(&img, 16, 9, image::ExtendedColorType::Rgb8)
                .unwrap(),
            ImageKind::Webp => WebPEncoder::new_lossless(&mut out)
                .write_image(&img, 16, 9, image::ExtendedColorType::Rgb8)
                .unwrap(),
        }
        out
    }

    #[test]
    fn every_accepted_format_comes_out_in_its_own_format_with_its_size() {
        for kind in [ImageKind::Jpeg, ImageKind::Png, ImageKind::Webp] {
            let out = reencode(&sample(kind), kind).unwrap();
            assert_eq!(ImageKind::sniff(&out), Some(kind));
            let back = image::load_from_memory_with_format(&out, format_of(kind)).unwrap();
            assert_eq!((back.width(), back.height()), (16, 9), "{kind:?}");
        }
    }

    #[test]
    fn garbage_behind_a_signature_is_not_an_image() {
        let mut fake = b"\x89PNG\r\n\x1a\n".to_vec();
        fake.extend([7u8; 300]);
        let e = reencode(&fake, ImageKind::Png).unwrap_err();
        assert_eq!(e.code(), Code::ImageNotAnImage);
    }
}
