//! The one JPEG marker walker. Everything in Tailor that reads JPEG structure — the header
//! probe, the EXIF/ICC readers, Tailor's own decoder and the metadata stripper — walks the
//! markers through [`walk`], so no part can be shown a different file than another (a probe
//! that sees a small frame while a decoder allocates for a hidden huge one).
//!
//! The syntax is jpeg-decoder's (the general decoder behind Tailor's), so that decoder reads the
//! same segments too: bytes between segments are skipped up to the next 0xFF, fill bytes (0xFF)
//! and stuffed zeros (0xFF00) before a marker are skipped, and a scan's entropy-coded data runs
//! to the next marker that is not a restart (RSTn). Everything else is refused rather than
//! guessed at: standalone markers outside a scan (RSTn, TEM, a second SOI), reserved markers,
//! markers of codings no decoder here supports (arithmetic, hierarchical, DNL, JPEG extensions)
//! and segments shorter than their length field or the data. The walk ends at EOI; data that
//! ends before it is an error, so a truncated file is never decoded grey-padded.

use super::bits::next_marker;
use std::ops::Range;

/// Why [`walk`] refused a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WalkError {
    /// The data does not begin with SOI (0xFFD8).
    #[error("the data does not start with a JPEG start-of-image marker")]
    NotJpeg,
    /// The data ends before EOI, or inside a segment.
    #[error("the JPEG is truncated: it ends before its end-of-image marker")]
    Truncated,
    /// A segment's length field is below 2.
    #[error("a JPEG marker segment has a length below 2")]
    BadLength,
    /// A standalone or reserved marker (carried) outside a scan.
    #[error("the JPEG has a standalone or reserved marker 0x{0:02X} outside any scan")]
    Misplaced(u8),
    /// A marker (carried) of arithmetic, hierarchical, DNL or extension coding.
    #[error("the JPEG uses marker 0x{0:02X} (arithmetic, hierarchical or extension coding)")]
    Unsupported(u8),
}

/// One marker segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment<'a> {
    /// The marker byte after 0xFF (e.g. 0xDA for SOS).
    pub marker: u8,
    /// Offset of the 0xFF that introduces the marker.
    pub start: usize,
    /// The segment's bytes after its length field.
    pub payload: &'a [u8],
    /// Where the segment (and, for SOS, its entropy-coded data) ends.
    pub end: usize,
    /// SOS only: the entropy-coded data that follows the header; empty for other markers.
    pub scan: Range<usize>,
}

/// Start of scan.
pub const SOS: u8 = 0xDA;

/// Define quantization tables.
pub const DQT: u8 = 0xDB;

/// The tables of one DQT segment's payload, in the order stored: each one's id (0–15, as
/// written) and its 64 entries in zigzag order. A table cut short is one `Err`, then the end.
pub(crate) fn quant_tables(
    mut payload: &[u8],
) -> impl Iterator<Item = Result<(usize, [u16; 64]), &'static str>> + '_ {
    std::iter::from_fn(move || {
        let &precision_and_id = payload.first()?;
        let wide = precision_and_id >> 4 != 0;
        let len = if wide { 128 } else { 64 };
        let Some(entries) = payload.get(1..1 + len) else {
            payload = &[];
            return Some(Err("short quantization table"));
        };
        let mut table = [0u16; 64];
        if wide {
            for (slot, pair) in table.iter_mut().zip(entries.chunks_exact(2)) {
                if let [hi, lo] = *pair {
                    *slot = u16::from_be_bytes([hi, lo]);
                }
            }
        } else {
            for (slot, &value) in table.iter_mut().zip(entries) {
                *slot = u16::from(value);
            }
        }
        payload = payload.get(1 + len..).unwrap_or(&[]);
        Some(Ok((usize::from(precision_and_id & 0x0F), table)))
    })
}

/// Walks `data` from SOI to EOI. Yields every segment in order, then `None` once EOI is read;
/// a malformed or truncated file yields one `Err` and then ends.
pub fn walk(data: &[u8]) -> impl Iterator<Item = Result<Segment<'_>, WalkError>> {
    let mut pos = if data.get(..2) == Some(&[0xFF, 0xD8]) {
        Some(2)
    } else {
        None
    };
    let mut first = true;
    std::iter::from_fn(move || {
        let Some(at) = pos else {
            return std::mem::take(&mut first).then_some(Err(WalkError::NotJpeg));
        };
        first = false;
        let next = segment(data, at);
        pos = match &next {
            Some(Ok(segment)) => Some(segment.end),
            _ => None,
        };
        next
    })
}

/// The segment starting at the first marker at or after `pos`; `None` at EOI.
fn segment(data: &[u8], pos: usize) -> Option<Result<Segment<'_>, WalkError>> {
    let Some((marker, start)) = locate(data, pos) else {
        return Some(Err(WalkError::Truncated));
    };
    match marker {
        0xD9 => return None,
        0x01..=0xBF | 0xD0..=0xD8 => return Some(Err(WalkError::Misplaced(marker))),
        0xC8 | 0xCC | 0xDC | 0xDE | 0xDF | 0xF0..=0xFD => {
            return Some(Err(WalkError::Unsupported(marker)))
        }
        _ => {}
    }
    let length = match (data.get(start + 2), data.get(start + 3)) {
        (Some(&hi), Some(&lo)) => usize::from(u16::from_be_bytes([hi, lo])),
        _ => return Some(Err(WalkError::Truncated)),
    };
    if length < 2 {
        return Some(Err(WalkError::BadLength));
    }
    let header_end = start + 2 + length;
    let Some(payload) = data.get(start + 4..header_end) else {
        return Some(Err(WalkError::Truncated));
    };
    let scan = if marker == SOS {
        header_end..next_marker(data, header_end)
    } else {
        header_end..header_end
    };
    Some(Ok(Segment {
        marker,
        start,
        payload,
        end: scan.end,
        scan,
    }))
}

/// The next marker at or after `pos` as jpeg-decoder finds it: the next 0xFF, then past fill
/// bytes; a 0xFF00 there is not a marker and the search goes on. Returns the marker and the
/// offset of the 0xFF right before it.
fn locate(data: &[u8], mut pos: usize) -> Option<(u8, usize)> {
    loop {
        let ff = pos + memchr::memchr(0xFF, data.get(pos..)?)?;
        let mut at = ff + 1;
        while *data.get(at)? == 0xFF {
            at += 1;
        }
        let marker = *data.get(at)?;
        if marker != 0x00 {
            return Some((marker, at - 1));
        }
        pos = at + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tailor_testing::synthetic;

    fn markers(data: &[u8]) -> Vec<Result<u8, WalkError>> {
        walk(data).map(|s| s.map(|s| s.marker)).collect()
    }

    #[test]
    fn a_baseline_file_walks_to_its_end_marker() {
        let jpeg = synthetic::jpeg(&synthetic::photo(64, 48, 1), 80);
        let walked = markers(&jpeg);
        assert!(walked.iter().all(Result::is_ok), "{walked:?}");
        assert!(walked.contains(&Ok(0xC0)) && walked.contains(&Ok(SOS)));
        let sos = walk(&jpeg).flatten().find(|s| s.marker == SOS).unwrap();
        assert_eq!(sos.scan.end, jpeg.len() - 2, "the scan runs up to EOI");
    }

    #[test]
    fn fill_bytes_stuffed_zeros_and_stray_bytes_are_skipped_like_jpeg_decoder() {
        let jpeg = synthetic::jpeg(&synthetic::photo(16, 16, 1), 80);
        let mut odd = jpeg[..2].to_vec();
        odd.extend_from_slice(&[0x12, 0x34, 0xFF, 0x00, 0xFF, 0xFF]);
        odd.extend_from_slice(&jpeg[2..]);
        assert_eq!(markers(&odd), markers(&jpeg));
    }

    #[test]
    fn standalone_markers_outside_a_scan_are_refused() {
        let jpeg = synthetic::jpeg(&synthetic::photo(16, 16, 1), 80);
        for marker in [0xD0, 0xD7, 0x01, 0xD8, 0x02, 0xBF] {
            let mut hostile = jpeg[..2].to_vec();
            hostile.extend_from_slice(&[0xFF, marker]);
            hostile.extend_from_slice(&jpeg[2..]);
            assert_eq!(
                markers(&hostile),
                vec![Err(WalkError::Misplaced(marker))],
                "{marker:02X}"
            );
        }
    }

    #[test]
    fn truncations_and_garbage_end_in_an_error() {
        assert_eq!(markers(b""), vec![Err(WalkError::NotJpeg)]);
        assert_eq!(markers(b"GIF89a"), vec![Err(WalkError::NotJpeg)]);
        assert_eq!(markers(b"\xFF\xD8\xFF"), vec![Err(WalkError::Truncated)]);
        assert_eq!(
            markers(b"\xFF\xD8\xFF\xFE\x00\x01"),
            vec![Err(WalkError::BadLength)]
        );
        let jpeg = synthetic::jpeg(&synthetic::photo(16, 16, 1), 80);
        for cut in 0..jpeg.len() - 1 {
            let walked = markers(&jpeg[..cut]);
            assert!(walked.last().is_some_and(Result::is_err), "cut at {cut}");
        }
    }
}
