//! A JPEG marker walker that reads the frame header (SOF) without decoding anything: size,
//! precision, components and whether the file is progressive.

/// The facts of a JPEG frame header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JpegFrame {
    pub progressive: bool,
    pub precision: u8,
    pub width: u16,
    pub height: u16,
    /// (horizontal, vertical) sampling factors per component.
    pub sampling: Vec<(u8, u8)>,
}

impl JpegFrame {
    /// Coefficient-buffer bytes a progressive decode keeps: every component's 8x8 blocks as
    /// 16-bit values, at the component's own resolution.
    pub fn coefficient_bytes(&self) -> u64 {
        let h_max = self.sampling.iter().map(|s| s.0).max().unwrap_or(1).max(1);
        let v_max = self.sampling.iter().map(|s| s.1).max().unwrap_or(1).max(1);
        let (w, h) = (u64::from(self.width), u64::from(self.height));
        self.sampling
            .iter()
            .map(|&(hs, vs)| {
                let cw = (w * u64::from(hs)).div_ceil(u64::from(h_max)).div_ceil(8) * 8;
                let ch = (h * u64::from(vs)).div_ceil(u64::from(v_max)).div_ceil(8) * 8;
                cw * ch * 2
            })
            .sum()
    }
}

/// One marker segment before the scan data: marker byte, offset of its 0xFF, payload.
type Segment<'a> = (u8, usize, &'a [u8]);

/// Iterates over the marker segments from SOI up to and including the first SOS; stops early
/// (yielding nothing more) at malformed or truncated data.
fn segments(data: &[u8]) -> impl Iterator<Item = Segment<'_>> {
    let mut pos = if data.get(..2) == Some(&[0xFF, 0xD8]) {
        2
    } else {
        usize::MAX
    };
    std::iter::from_fn(move || {
        // Markers may be preceded by fill bytes (0xFF).
        while *data.get(pos)? == 0xFF && *data.get(pos + 1)? == 0xFF {
            pos += 1;
        }
        if *data.get(pos)? != 0xFF {
            return None;
        }
        let marker = *data.get(pos + 1)?;
        if marker == 0xD9 {
            return None;
        }
        let length = usize::from(u16::from_be_bytes([
            *data.get(pos + 2)?,
            *data.get(pos + 3)?,
        ]));
        let payload = data.get(pos + 4..pos + 2 + length)?;
        let at = pos;
        // Nothing after SOS is a marker segment: entropy-coded data follows.
        pos = if marker == 0xDA {
            usize::MAX
        } else {
            pos + 2 + length
        };
        Some((marker, at, payload))
    })
}

/// The TIFF data of the first Exif APP1 segment (after its `Exif\0\0` signature).
pub fn exif(data: &[u8]) -> Option<&[u8]> {
    segments(data)
        .take_while(|&(m, _, _)| m != 0xDA)
        .find_map(|(m, _, payload)| {
            (m == 0xE1)
                .then(|| payload.strip_prefix(b"Exif\0\0"))
                .flatten()
        })
}

/// The ICC profile, reassembled from its APP2 `ICC_PROFILE` chunks in sequence order.
pub fn icc_profile(data: &[u8]) -> Option<Vec<u8>> {
    let mut chunks: Vec<(u8, &[u8])> = segments(data)
        .take_while(|&(m, _, _)| m != 0xDA)
        .filter(|&(m, _, _)| m == 0xE2)
        .filter_map(|(_, _, payload)| {
            let rest = payload.strip_prefix(b"ICC_PROFILE\0")?;
            Some((*rest.first()?, rest.get(2..)?))
        })
        .collect();
    if chunks.is_empty() {
        return None;
    }
    chunks.sort_by_key(|&(seq, _)| seq);
    Some(
        chunks
            .iter()
            .flat_map(|&(_, bytes)| bytes.iter().copied())
            .collect(),
    )
}

/// Finds the frame header. `None` when the data is not a JPEG or ends before the SOF marker.
pub fn read_frame(data: &[u8]) -> Option<JpegFrame> {
    segments(data)
        // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
        .find(|&(m, _, _)| (0xC0..=0xCF).contains(&m) && !matches!(m, 0xC4 | 0xC8 | 0xCC))
        .and_then(|(marker, _, payload)| parse_sof(marker, payload))
}

/// Whether the scan data ends with an EOI marker. Decoders pad a truncated scan with grey; a
/// CDN must not cache that as the image. Thumbnails embedded in EXIF carry their own EOI, so
/// only bytes after the first SOS count. The EOI is normally in the last few bytes, so the
/// backwards search is short for complete files.
pub fn is_complete(data: &[u8]) -> bool {
    let Some((_, sos, _)) = segments(data).find(|&(m, _, _)| m == 0xDA) else {
        return false;
    };
    data.get(sos..)
        .is_some_and(|scan| scan.windows(2).rev().any(|w| w == [0xFF, 0xD9]))
}

fn parse_sof(marker: u8, segment: &[u8]) -> Option<JpegFrame> {
    let precision = *segment.first()?;
    let height = u16::from_be_bytes([*segment.get(1)?, *segment.get(2)?]);
    let width = u16::from_be_bytes([*segment.get(3)?, *segment.get(4)?]);
    let count = usize::from(*segment.get(5)?);
    let sampling = (0..count)
        .map(|i| {
            let factors = *segment.get(6 + i * 3 + 1)?;
            Some((factors >> 4, factors & 0x0F))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(JpegFrame {
        progressive: matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE),
        precision,
        width,
        height,
        sampling,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tailor_testing::synthetic;

    #[test]
    fn reads_a_baseline_frame() {
        let jpeg = synthetic::jpeg(&synthetic::photo(64, 48, 1), 80);
        let frame = read_frame(&jpeg).unwrap();
        assert!(!frame.progressive);
        assert_eq!((frame.width, frame.height, frame.precision), (64, 48, 8));
        assert_eq!(frame.sampling.len(), 3);
    }

    #[test]
    fn coefficient_bytes_follow_subsampling() {
        let frame = JpegFrame {
            progressive: true,
            precision: 8,
            width: 16,
            height: 16,
            sampling: vec![(2, 2), (1, 1), (1, 1)],
        };
        // Luma 16x16 + two 8x8 chroma planes, 2 bytes per coefficient.
        assert_eq!(frame.coefficient_bytes(), (256 + 64 + 64) * 2);
    }

    #[test]
    fn completeness_needs_an_end_marker_after_the_scan() {
        let jpeg = synthetic::jpeg(&synthetic::photo(64, 48, 1), 80);
        assert!(is_complete(&jpeg));
        assert!(!is_complete(&jpeg[..jpeg.len() - 2]));
        assert!(!is_complete(&jpeg[..jpeg.len() / 2]));
        let mut padded = jpeg.clone();
        padded.extend_from_slice(&[0; 16]);
        assert!(is_complete(&padded));
    }

    #[test]
    fn garbage_and_truncations_give_none() {
        assert_eq!(read_frame(b""), None);
        assert_eq!(read_frame(b"\xFF\xD8\xFF"), None);
        assert_eq!(read_frame(b"GIF89a"), None);
        let jpeg = synthetic::jpeg(&synthetic::photo(16, 16, 1), 80);
        for cut in 0..jpeg.len().min(400) {
            let _ = read_frame(&jpeg[..cut]);
        }
    }
}
