//! What a JPEG declares, from one complete walk of its markers: its only frame header (size,
//! precision, sampling, progressive or not), its EXIF orientation block and its ICC profile.
//! A file with no frame, a second frame, a scan before its frame or no end marker is refused
//! here, before anything is sized from it.

use super::markers::{walk, WalkError, SOS};

/// The facts of a JPEG frame header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JpegFrame {
    /// The SOF marker (0xC0 baseline, 0xC1 extended, 0xC2 progressive, ...).
    pub marker: u8,
    /// Progressive coding (SOF2, SOF6, SOF10 or SOF14).
    pub progressive: bool,
    /// Bits per sample, as declared (usually 8).
    pub precision: u8,
    /// Stored width in pixels.
    pub width: u16,
    /// Stored height in pixels.
    pub height: u16,
    /// (horizontal, vertical) sampling factors per component, each 1..=4.
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

/// Why [`read`] refused a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StructureError {
    /// The marker walk itself failed.
    #[error(transparent)]
    Walk(#[from] WalkError),
    /// No SOF segment before EOI.
    #[error("the JPEG has no frame header")]
    NoFrame,
    /// A second SOF segment.
    #[error("the JPEG has more than one frame header")]
    SecondFrame,
    /// An SOS segment before the SOF.
    #[error("the JPEG has a scan before its frame header")]
    ScanBeforeFrame,
    /// A frame but no SOS segment.
    #[error("the JPEG has no scan")]
    NoScan,
    /// The SOF's length, its component count (1 to 4) or a sampling factor (1 to 4) is wrong.
    #[error("the JPEG frame header is malformed")]
    BadFrame,
}

/// A JPEG's structure, read from one walk from SOI to EOI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JpegStructure<'a> {
    /// The file's only frame header.
    pub frame: JpegFrame,
    /// The TIFF data of the first Exif APP1 segment before the first scan.
    pub exif: Option<&'a [u8]>,
    /// The ICC profile, reassembled from the APP2 chunks before the first scan.
    pub icc: Option<Vec<u8>>,
}

/// Walks the whole file (scans are stepped over by searching for their end marker, never
/// decoded) and checks that it has exactly one frame, before its first scan, and an end.
pub fn read(data: &[u8]) -> Result<JpegStructure<'_>, StructureError> {
    let mut frame = None;
    let mut scans = 0usize;
    let mut exif = None;
    let mut icc_chunks: Vec<(u8, &[u8])> = Vec::new();
    for segment in walk(data) {
        let segment = segment?;
        let (marker, payload) = (segment.marker, segment.payload);
        match marker {
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                if frame.is_some() {
                    return Err(StructureError::SecondFrame);
                }
                frame = Some(parse_sof(marker, payload).ok_or(StructureError::BadFrame)?);
            }
            SOS if frame.is_none() => return Err(StructureError::ScanBeforeFrame),
            SOS => scans += 1,
            0xE1 if scans == 0 && exif.is_none() => exif = payload.strip_prefix(b"Exif\0\0"),
            0xE2 if scans == 0 => {
                if let Some(chunk) = icc_chunk(payload) {
                    icc_chunks.push(chunk);
                }
            }
            _ => {}
        }
    }
    let frame = frame.ok_or(StructureError::NoFrame)?;
    if scans == 0 {
        return Err(StructureError::NoScan);
    }
    Ok(JpegStructure {
        frame,
        exif,
        icc: reassemble(icc_chunks),
    })
}

/// The frame header alone; `None` for anything [`read`] refuses.
pub fn read_frame(data: &[u8]) -> Option<JpegFrame> {
    read(data).ok().map(|s| s.frame)
}

fn icc_chunk(payload: &[u8]) -> Option<(u8, &[u8])> {
    let rest = payload.strip_prefix(b"ICC_PROFILE\0")?;
    Some((*rest.first()?, rest.get(2..)?))
}

fn reassemble(mut chunks: Vec<(u8, &[u8])>) -> Option<Vec<u8>> {
    if chunks.is_empty() {
        return None;
    }
    chunks.sort_by_key(|&(seq, _)| seq);
    Some(
        chunks
            .iter()
            .flat_map(|&(_, b)| b.iter().copied())
            .collect(),
    )
}

/// Parses a SOF payload, as strictly as jpeg-decoder does: the length matches the component
/// count, which is 1 to 4, and every sampling factor is 1 to 4.
fn parse_sof(marker: u8, segment: &[u8]) -> Option<JpegFrame> {
    let precision = *segment.first()?;
    let height = u16::from_be_bytes([*segment.get(1)?, *segment.get(2)?]);
    let width = u16::from_be_bytes([*segment.get(3)?, *segment.get(4)?]);
    let count = usize::from(*segment.get(5)?);
    if !(1..=4).contains(&count) || segment.len() != 6 + 3 * count {
        return None;
    }
    let sampling = (0..count)
        .map(|i| {
            let factors = *segment.get(6 + i * 3 + 1)?;
            let (h, v) = (factors >> 4, factors & 0x0F);
            ((1..=4).contains(&h) && (1..=4).contains(&v)).then_some((h, v))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(JpegFrame {
        marker,
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
            marker: 0xC2,
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
        assert!(read(&jpeg).is_ok());
        assert!(read(&jpeg[..jpeg.len() - 2]).is_err());
        assert!(read(&jpeg[..jpeg.len() / 2]).is_err());
        let mut padded = jpeg.clone();
        padded.extend_from_slice(&[0; 16]);
        assert!(read(&padded).is_ok());
    }

    #[test]
    fn a_second_frame_header_is_refused_wherever_it_is() {
        let jpeg = synthetic::jpeg(&synthetic::photo(16, 16, 1), 80);
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        let length = usize::from(u16::from_be_bytes([jpeg[sof + 2], jpeg[sof + 3]]));
        let frame = jpeg[sof..sof + 2 + length].to_vec();
        // Right after the first frame, and after the scan (before EOI).
        let mut twice = jpeg[..sof + 2 + length].to_vec();
        twice.extend_from_slice(&frame);
        twice.extend_from_slice(&jpeg[sof + 2 + length..]);
        assert_eq!(read(&twice), Err(StructureError::SecondFrame));
        let mut after_scan = jpeg[..jpeg.len() - 2].to_vec();
        after_scan.extend_from_slice(&frame);
        after_scan.extend_from_slice(&[0xFF, 0xD9]);
        assert_eq!(read(&after_scan), Err(StructureError::SecondFrame));
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
