//! What a JPEG declares, from one complete walk of its markers: its only frame header (size,
//! precision, sampling, progressive or not), its EXIF orientation block and its ICC profile.
//! A file with no frame, a second frame, a scan before its frame, no end marker, more than
//! [`MAX_SCANS`] scans or a scan shorter than its blocks need is refused here, before anything
//! is sized from it or decoded.

use super::markers::{walk, WalkError, SOS};
use super::scan_size::{block_grids, least_bytes};

/// The most scans a JPEG may have. Real progressive files have about ten (libjpeg's default
/// script) to twenty; each scan is a pass over its blocks, however little data it holds, so a
/// file of a few kilobytes with thousands of end-of-band scans would cost seconds of CPU.
pub const MAX_SCANS: usize = 100;

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
        block_grids(self.width, self.height, &self.sampling)
            .map(|(wide, high)| wide * 8 * high * 8 * 2)
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
    /// More than [`MAX_SCANS`] scans.
    #[error("the JPEG has more than {MAX_SCANS} scans")]
    TooManyScans,
    /// A scan (numbered from 1) with less data than its blocks need.
    #[error("the JPEG is truncated: scan {scan} has {bytes} bytes of data, its blocks need at least {needed}")]
    ShortScan {
        /// Which scan, from 1.
        scan: usize,
        /// The bytes of entropy-coded data it has.
        bytes: usize,
        /// The least its blocks take.
        needed: u64,
    },
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
            SOS => {
                let Some(frame) = &frame else {
                    return Err(StructureError::ScanBeforeFrame);
                };
                scans += 1;
                if scans > MAX_SCANS {
                    return Err(StructureError::TooManyScans);
                }
                let (bytes, needed) = (
                    segment.scan.len(),
                    least_bytes(
                        frame.width,
                        frame.height,
                        &frame.sampling,
                        frame.progressive,
                        payload,
                    ),
                );
                if (bytes as u64) < needed {
                    return Err(StructureError::ShortScan {
                        scan: scans,
                        bytes,
                        needed,
                    });
                }
            }
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
mod tests;
