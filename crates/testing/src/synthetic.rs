//! Deterministic synthetic images for tests, benchmarks and the demo: photo-like gradients with
//! texture, so codecs and resizers do realistic work without shipping third-party pictures.

use image::{ImageBuffer, Rgb, Rgba};

/// A photo-like RGB image: smooth gradients, a few soft discs and fine noise.
pub fn photo(width: u32, height: u32, seed: u32) -> ImageBuffer<Rgb<u8>, Vec<u8>> {
    let (w, h) = (width.max(1) as f32, height.max(1) as f32);
    ImageBuffer::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32 / w, y as f32 / h);
        let s = seed as f32;
        let mut r = 60.0 + 150.0 * fx + 20.0 * (fy * 9.0 + s).sin();
        let mut g = 80.0 + 120.0 * fy + 25.0 * (fx * 7.0 + s * 0.5).cos();
        let mut b = 140.0 + 90.0 * (1.0 - fx) * fy;
        for k in 0..3 {
            let cx = 0.25 + 0.25 * k as f32 + 0.05 * (s + k as f32).sin();
            let cy = 0.5 + 0.3 * (s * 1.3 + k as f32).cos();
            let d = ((fx - cx).powi(2) + (fy - cy).powi(2)).sqrt();
            let glow = (1.0 - d * 5.0).max(0.0) * 90.0;
            r += glow;
            g += glow * 0.6;
            b -= glow * 0.3;
        }
        let noise = (hash(x, y, seed) % 17) as f32 - 8.0;
        Rgb([clamp(r + noise), clamp(g + noise), clamp(b + noise)])
    })
}

/// An RGBA image with a transparent border and a translucent centre.
pub fn with_alpha(width: u32, height: u32) -> ImageBuffer<Rgba<u8>, Vec<u8>> {
    let base = photo(width, height, 7);
    ImageBuffer::from_fn(width, height, |x, y| {
        let Rgb([r, g, b]) = *base.get_pixel(x, y);
        let edge =
            x < width / 8 || y < height / 8 || x >= width - width / 8 || y >= height - height / 8;
        Rgba([r, g, b, if edge { 0 } else { 200 }])
    })
}

/// Encodes an RGB image as a baseline JPEG.
pub fn jpeg(image: &ImageBuffer<Rgb<u8>, Vec<u8>>, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    // Encoding into a Vec only fails on zero-sized images, which callers do not make.
    let _ = image.write_with_encoder(encoder);
    out
}

/// Encodes any buffer as PNG.
pub fn png<P>(image: &ImageBuffer<P, Vec<u8>>) -> Vec<u8>
where
    P: image::Pixel<Subpixel = u8> + image::PixelWithColorType,
{
    let mut out = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new(&mut out);
    let _ = image.write_with_encoder(encoder);
    out
}

/// A one-frame GIF of `width` x `height` palette `indices` (row by row) into `palette`
/// (RGB triples), the frame covering the whole screen.
pub fn gif(width: u16, height: u16, palette: &[u8], indices: Vec<u8>) -> Vec<u8> {
    encode_gif((width, height), palette, indices, false)
}

/// [`gif`] with its frame interlaced: the rows are stored in the four passes' order (every 8th
/// from 0, every 8th from 4, every 4th from 2, every 2nd from 1), so it shows the same picture.
pub fn gif_interlaced(width: u16, height: u16, palette: &[u8], indices: Vec<u8>) -> Vec<u8> {
    let row = usize::from(width);
    let passes = [(0, 8), (4, 8), (2, 4), (1, 2)];
    let stored: Vec<u8> = passes
        .into_iter()
        .flat_map(|(first, step)| (first..usize::from(height)).step_by(step))
        .flat_map(|y| indices.get(y * row..(y + 1) * row).unwrap_or_default())
        .copied()
        .collect();
    encode_gif((width, height), palette, stored, true)
}

fn encode_gif(
    (width, height): (u16, u16),
    palette: &[u8],
    indices: Vec<u8>,
    interlaced: bool,
) -> Vec<u8> {
    let mut out = Vec::new();
    // Encoding into a Vec fails only on a palette or frame that does not match the size, which
    // callers do not make: an empty result then fails their test.
    if let Ok(mut encoder) = gif::Encoder::new(&mut out, width, height, palette) {
        let frame = gif::Frame {
            width,
            height,
            interlaced,
            buffer: std::borrow::Cow::Owned(indices),
            ..gif::Frame::default()
        };
        let _ = encoder.write_frame(&frame);
    }
    out
}

/// Encodes 8-bit RGB or RGBA pixels as an Adam7-interlaced PNG (filter type 0 throughout),
/// which neither `image` nor `png` writes.
pub fn png_interlaced<P>(image: &ImageBuffer<P, Vec<u8>>) -> Vec<u8>
where
    P: image::Pixel<Subpixel = u8>,
{
    use std::io::Write as _;
    let (width, height) = image.dimensions();
    let channels = u32::from(P::CHANNEL_COUNT);
    let colour_type: u8 = if channels == 4 { 6 } else { 2 };
    let passes = [
        (0, 8, 0, 8),
        (4, 8, 0, 8),
        (0, 4, 4, 8),
        (2, 4, 0, 4),
        (0, 2, 2, 4),
        (1, 2, 0, 2),
        (0, 1, 1, 2),
    ];
    let mut raw = Vec::new();
    for (x0, dx, y0, dy) in passes {
        if x0 >= width || y0 >= height {
            continue;
        }
        for y in (y0..height).step_by(dy as usize) {
            raw.push(0);
            for x in (x0..width).step_by(dx as usize) {
                raw.extend_from_slice(image.get_pixel(x, y).channels());
            }
        }
    }
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = zlib.write_all(&raw);
    let idat = zlib.finish().unwrap_or_default();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, colour_type, 0, 0, 1]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", idat), (b"IEND", Vec::new())] {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(&data);
        let crc = crc32fast::hash(out.get(start..).unwrap_or_default());
        out.extend_from_slice(&crc.to_be_bytes());
    }
    out
}

fn hash(x: u32, y: u32, seed: u32) -> u32 {
    let mut v =
        x.wrapping_mul(0x9E37_79B1) ^ y.wrapping_mul(0x85EB_CA77) ^ seed.wrapping_mul(0xC2B2_AE3D);
    v ^= v >> 15;
    v = v.wrapping_mul(0x2C1B_3C6D);
    v ^ (v >> 12)
}

fn clamp(v: f32) -> u8 {
    v.clamp(0.0, 255.0) as u8
}

/// Inserts an Exif APP1 segment carrying `orientation` (1-8) right after a JPEG's SOI marker,
/// as cameras and phones write it.
pub fn with_exif_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    // Big-endian TIFF: header, one IFD with one SHORT entry (0x0112), no next IFD.
    let mut tiff = b"MM\0\x2A\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01".to_vec();
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let length = (2 + 6 + tiff.len()) as u16;
    let mut out = Vec::with_capacity(jpeg.len() + usize::from(length) + 2);
    out.extend_from_slice(jpeg.get(..2).unwrap_or_default());
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(b"Exif\0\0");
    out.extend_from_slice(&tiff);
    out.extend_from_slice(jpeg.get(2..).unwrap_or_default());
    out
}

/// The comment [`with_gps_metadata`] writes.
pub const GPS_COMMENT: &[u8] = b"shot at 52.3731 N, 4.8926 E";

/// Adds what a phone writes into a photo and a CDN must not pass on: an Exif APP1 segment
/// whose GPS IFD holds a latitude (52 22' 23.16" N), an XMP APP1 packet with the position, an
/// ICC profile chunk and a comment, right after the SOI marker.
pub fn with_gps_metadata(jpeg: &[u8]) -> Vec<u8> {
    // Big-endian TIFF: IFD0 with one entry, GPSInfo (0x8825) pointing at the GPS IFD at 26,
    // which holds GPSLatitudeRef "N" and GPSLatitude (three RATIONALs at offset 56).
    let mut tiff = b"MM\0\x2A\0\0\0\x08".to_vec();
    tiff.extend_from_slice(b"\0\x01\x88\x25\0\x04\0\0\0\x01\0\0\0\x1A\0\0\0\0");
    tiff.extend_from_slice(b"\0\x02\0\x01\0\x02\0\0\0\x02N\0\0\0\0\x02\0\x05\0\0\0\x03\0\0\0\x38");
    tiff.extend_from_slice(&[0, 0, 0, 0]);
    for (numerator, denominator) in [(52u32, 1u32), (22, 1), (2316, 100)] {
        tiff.extend_from_slice(&numerator.to_be_bytes());
        tiff.extend_from_slice(&denominator.to_be_bytes());
    }
    let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF \
        xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description \
        xmlns:exif=\"http://ns.adobe.com/exif/1.0/\" exif:GPSLatitude=\"52,22.386N\"/>\
        </rdf:RDF></x:xmpmeta>";
    // A profile that does not parse (so no colour conversion) still carries the signature.
    let icc = b"ICC_PROFILE\0\x01\x01not a real profile";
    let mut out = jpeg.get(..2).unwrap_or_default().to_vec();
    let mut segment = |marker: u8, parts: &[&[u8]]| {
        let length: usize = 2 + parts.iter().map(|p| p.len()).sum::<usize>();
        out.extend_from_slice(&[0xFF, marker]);
        out.extend_from_slice(&(length as u16).to_be_bytes());
        parts.iter().for_each(|p| out.extend_from_slice(p));
    };
    segment(0xE1, &[b"Exif\0\0", &tiff]);
    segment(0xE1, &[xmp]);
    segment(0xE2, &[icc]);
    segment(0xFE, &[GPS_COMMENT]);
    out.extend_from_slice(jpeg.get(2..).unwrap_or_default());
    out
}
