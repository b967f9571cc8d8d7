//! Serving an original's coded pixels without its metadata. When a re-encode would only make
//! an image larger, its own bytes are served — but never its EXIF (GPS position, camera serial
//! numbers), XMP, ICC profile, comments or text chunks: those are dropped losslessly, keeping
//! only what decoding needs. `None` when a file cannot be stripped safely; the caller then
//! serves the re-encode.

use super::jpeg::markers;
use image::ImageFormat;

/// The original without metadata, for the formats an original is ever served in.
pub(crate) fn strip(format: ImageFormat, input: &[u8]) -> Option<Vec<u8>> {
    match format {
        ImageFormat::Jpeg | ImageFormat::Png => Some(kept_pieces(format, input)?.concat()),
        ImageFormat::WebP => strip_webp(input),
        _ => None,
    }
}

/// The length [`strip`] would give, without copying the original for JPEG and PNG: a caller
/// that serves the stripped original only when it is the smaller output asks this first (a
/// 16 MB PNG's copy was 16 MB more at the peak for an answer of "no").
pub(crate) fn stripped_len(format: ImageFormat, input: &[u8]) -> Option<usize> {
    match format {
        ImageFormat::Jpeg | ImageFormat::Png => {
            Some(kept_pieces(format, input)?.iter().map(|p| p.len()).sum())
        }
        ImageFormat::WebP => strip_webp(input).map(|out| out.len()),
        _ => None,
    }
}

/// The parts of a JPEG or PNG that [`strip`] keeps, in order.
fn kept_pieces(format: ImageFormat, input: &[u8]) -> Option<Vec<&[u8]>> {
    match format {
        ImageFormat::Jpeg => jpeg_pieces(input),
        ImageFormat::Png => png_pieces(input),
        _ => None,
    }
}

/// Every segment the marker walk finds, except the application segments (APPn: JFIF and its
/// thumbnails, EXIF, XMP, ICC, Photoshop, ...) and comments. Adobe's APP14 stays: it says
/// whether the samples are YCbCr or RGB/CMYK, which decoding needs.
fn jpeg_pieces(input: &[u8]) -> Option<Vec<&[u8]>> {
    let mut pieces: Vec<&[u8]> = vec![&[0xFF, 0xD8]];
    for segment in markers::walk(input) {
        let segment = segment.ok()?;
        let adobe = segment.marker == 0xEE && segment.payload.starts_with(b"Adobe");
        let metadata = matches!(segment.marker, 0xE0..=0xEF | 0xFE) && !adobe;
        if !metadata {
            pieces.push(input.get(segment.start..segment.end)?);
        }
    }
    pieces.push(&[0xFF, 0xD9]);
    Some(pieces)
}

/// The chunks that make the picture — header, palette, transparency, image data, end — and
/// nothing else (no eXIf, iCCP, tEXt/zTXt/iTXt, tIME, animation or private chunks).
fn png_pieces(input: &[u8]) -> Option<Vec<&[u8]>> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    const KEPT: [&[u8; 4]; 5] = [b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"];
    let mut pieces = vec![input.get(..8).filter(|s| *s == SIGNATURE)?];
    let mut pos = 8;
    loop {
        let length = usize::try_from(u32::from_be_bytes(
            input.get(pos..pos + 4)?.try_into().ok()?,
        ))
        .ok()?;
        let kind = input.get(pos + 4..pos + 8)?;
        let end = pos.checked_add(12)?.checked_add(length)?;
        let chunk = input.get(pos..end)?;
        if KEPT.iter().any(|k| k.as_slice() == kind) {
            pieces.push(chunk);
        }
        if kind == b"IEND" {
            return Some(pieces);
        }
        pos = end;
    }
}

/// A simple WebP (one VP8 or VP8L chunk) has no metadata. An extended one loses its ICCP,
/// EXIF, XMP and unknown chunks and the flags that announced them; an animation is not
/// stripped (its first frame is what the re-encode shows).
fn strip_webp(input: &[u8]) -> Option<Vec<u8>> {
    const ICC: u8 = 0x20;
    const EXIF: u8 = 0x08;
    const XMP: u8 = 0x04;
    const ANIMATION: u8 = 0x02;
    if input.get(..4)? != b"RIFF" || input.get(8..12)? != b"WEBP" {
        return None;
    }
    let mut chunks = Vec::new();
    let mut pos = 12;
    while pos < input.len() {
        let kind: [u8; 4] = input.get(pos..pos + 4)?.try_into().ok()?;
        let size = usize::try_from(u32::from_le_bytes(
            input.get(pos + 4..pos + 8)?.try_into().ok()?,
        ))
        .ok()?;
        let data = input.get(pos + 8..pos.checked_add(8)?.checked_add(size)?)?;
        chunks.push((kind, data));
        // Chunks are padded to an even length (a missing last pad byte is tolerated).
        pos += 8 + size + size % 2;
    }
    let mut body = b"WEBP".to_vec();
    let mut push = |kind: &[u8], data: &[u8]| -> Option<()> {
        body.extend_from_slice(kind);
        body.extend_from_slice(&u32::try_from(data.len()).ok()?.to_le_bytes());
        body.extend_from_slice(data);
        if data.len() % 2 == 1 {
            body.push(0);
        }
        Some(())
    };
    for (kind, data) in chunks {
        match &kind {
            b"VP8X" => {
                let flags = *data.first()?;
                if flags & ANIMATION != 0 {
                    return None;
                }
                let mut header = data.to_vec();
                if let Some(first) = header.first_mut() {
                    *first = flags & !(ICC | EXIF | XMP);
                }
                push(&kind, &header)?;
            }
            b"VP8 " | b"VP8L" | b"ALPH" => push(&kind, data)?,
            _ => {}
        }
    }
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&u32::try_from(body.len()).ok()?.to_le_bytes());
    out.extend_from_slice(&body);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tailor_testing::synthetic;

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn jpeg_loses_exif_gps_xmp_icc_and_comments_but_not_a_pixel() {
        let plain = synthetic::jpeg(&synthetic::photo(64, 48, 2), 80);
        let tagged = synthetic::with_gps_metadata(&plain);
        assert!(contains(&tagged, b"Exif\0\0") && contains(&tagged, b"xap/1.0"));
        let stripped = strip(ImageFormat::Jpeg, &tagged).unwrap();
        for needle in [
            &b"Exif"[..],
            b"xap/1.0",
            b"ICC_PROFILE",
            synthetic::GPS_COMMENT,
        ] {
            assert!(!contains(&stripped, needle), "{needle:?}");
        }
        let decode = |bytes: &[u8]| image::load_from_memory(bytes).unwrap().into_rgb8();
        assert_eq!(decode(&stripped), decode(&tagged));
        assert!(stripped.len() < tagged.len());
    }

    #[test]
    fn the_stripped_length_is_the_length_of_the_stripped_original() {
        let jpeg = synthetic::with_gps_metadata(&synthetic::jpeg(&synthetic::photo(64, 48, 3), 80));
        let png = synthetic::png(&synthetic::with_alpha(16, 16));
        for (format, input) in [(ImageFormat::Jpeg, &jpeg), (ImageFormat::Png, &png)] {
            let stripped = strip(format, input).map(|out| out.len());
            assert!(stripped.is_some());
            assert_eq!(stripped_len(format, input), stripped, "{format:?}");
        }
        assert_eq!(stripped_len(ImageFormat::Png, b"not a png"), None);
    }

    #[test]
    fn png_keeps_only_the_chunks_that_make_the_picture() {
        let png = synthetic::png(&synthetic::with_alpha(16, 16));
        let iend = png.len() - 12;
        let mut tagged = png[..iend].to_vec();
        for (kind, data) in [(b"tEXt", &b"GPS\x0052.37N"[..]), (b"eXIf", b"MM\0*")] {
            tagged.extend_from_slice(&(data.len() as u32).to_be_bytes());
            tagged.extend_from_slice(kind);
            tagged.extend_from_slice(data);
            tagged.extend_from_slice(&[0; 4]); // the CRC is copied, never checked here
        }
        tagged.extend_from_slice(&png[iend..]);
        let stripped = strip(ImageFormat::Png, &tagged).unwrap();
        assert!(!contains(&stripped, b"tEXt") && !contains(&stripped, b"eXIf"));
        assert_eq!(stripped, png);
        assert_eq!(strip(ImageFormat::Png, &png[..png.len() - 4]), None);
    }

    #[test]
    fn garbage_is_not_stripped_but_refused() {
        assert_eq!(strip(ImageFormat::Jpeg, b"\xFF\xD8garbage"), None);
        assert_eq!(strip(ImageFormat::WebP, b"RIFF\0\0\0\0WEBPVP8X"), None);
        assert_eq!(strip(ImageFormat::Gif, b"GIF89a"), None);
    }
}
