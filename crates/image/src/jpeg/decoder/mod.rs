//! Tailor's own JPEG decoder for reduced scales (1/2, 1/4, 1/8), baseline and progressive.
//!
//! Only the top-left `n x n` coefficients of each block matter at 1/(8/n) scale, so that is all
//! it keeps: baseline blocks go through the scaled IDCT as they are decoded (no coefficient
//! buffer at all), progressive blocks keep `n x n` coefficients plus a 64-bit nonzero history.
//! At 1/8 scale a block is its DC term, and the AC scans of a progressive file are skipped by
//! searching for the next marker without being entropy-decoded. libvips' shrink-on-load buffers
//! every coefficient of a progressive file instead; this is where Tailor is faster and smaller.

mod blocks;
mod idct;
mod memory;
mod output;
mod progressive;
mod rows;
mod scan;
mod tables;

use super::huffman::{EntropyError, HuffmanTable};
use super::markers::{self, WalkError};
use crate::budget::DecodeLimits;
pub(super) use blocks::BlockPicture;
pub(super) use rows::PlaneRows;
use tables::Frame;

/// A decoded RGB image at the requested scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ScaledImage {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum DecodeError {
    /// Valid JPEG features this decoder does not handle; the general decoder takes over.
    #[error("not handled by the scaled decoder: {0}")]
    Unsupported(&'static str),
    #[error("malformed JPEG: {0}")]
    Malformed(&'static str),
    #[error("malformed JPEG: {0}")]
    Entropy(#[from] EntropyError),
    #[error(transparent)]
    Structure(#[from] WalkError),
    /// The frame would need more memory or pixels than the decoder was given.
    #[error("{0}")]
    TooLarge(String),
}

/// Tables and frame as the marker stream defines them so far.
#[derive(Debug, Default)]
pub(super) struct State {
    quant: [Option<[u16; 64]>; 4],
    dc_tables: [Option<HuffmanTable>; 4],
    ac_tables: [Option<HuffmanTable>; 4],
    restart_interval: usize,
    adobe_transform: Option<u8>,
    frame: Option<Frame>,
    scans: usize,
}

/// Decodes `data` at 1/`denominator` scale (2, 4 or 8), each dimension rounded up, refusing
/// a frame whose decode would exceed `limits`. The markers are read by the one walker the
/// probe uses too, so this decoder sees exactly the segments the probe saw.
#[cfg(test)]
pub(super) fn decode(
    data: &[u8],
    denominator: u32,
    limits: DecodeLimits,
) -> Result<ScaledImage, DecodeError> {
    read(data, denominator, limits)?.finish()
}

/// Everything the scans held, ready to become pixels: nothing in it borrows the input, so the
/// input may be freed before the output is allocated.
pub(super) struct Read {
    state: State,
    n: usize,
}

impl Read {
    /// Renders the kept coefficients or samples into the RGB output.
    pub(super) fn finish(self) -> Result<ScaledImage, DecodeError> {
        output::finish(self.state, self.n)
    }

    /// The planes as they are, to be rendered into RGB rows band by band.
    pub(super) fn into_rows(self) -> Result<PlaneRows, DecodeError> {
        PlaneRows::new(self.state, self.n)
    }
}

/// Reads every segment of `data` (the entropy-coded scans included) at 1/`denominator`.
pub(super) fn read(
    data: &[u8],
    denominator: u32,
    limits: DecodeLimits,
) -> Result<Read, DecodeError> {
    read_within(data, denominator, limits, memory::SCANS_TARGET_BYTES)
}

/// [`read`], halving a progressive frame's chroma when the file and its coefficients would
/// exceed `scans_target` bytes (tests set it to force either way).
pub(super) fn read_within(
    data: &[u8],
    denominator: u32,
    limits: DecodeLimits,
    scans_target: u64,
) -> Result<Read, DecodeError> {
    walk(
        data,
        denominator,
        limits,
        scans_target,
        Scans::Decode,
        Output::Whole,
    )
}

/// [`read`], for a decode whose pixels are rendered band by band ([`Read::into_rows`]): its
/// limits weigh the components' buffers alone, with no whole RGB picture.
pub(super) fn read_for_bands(
    data: &[u8],
    denominator: u32,
    limits: DecodeLimits,
) -> Result<Read, DecodeError> {
    let target = memory::SCANS_TARGET_BYTES;
    walk(
        data,
        denominator,
        limits,
        target,
        Scans::Decode,
        Output::Bands,
    )
}

/// What the decode makes of the scans, which sets what its limits weigh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Output {
    /// One RGB picture ([`Read::finish`]).
    Whole,
    /// The components' planes, rendered into RGB rows on request ([`Read::into_rows`]).
    Bands,
}

/// What the marker walk does with each scan.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scans {
    /// Entropy-decodes it into the component buffers.
    Decode,
    /// Only latches the quantizers in force for its components: another reader decodes it
    /// and hands the blocks over ([`BlockPicture`]).
    Handed,
}

/// Reads the segments of `data`, each scan as `scans` says.
fn walk(
    data: &[u8],
    denominator: u32,
    limits: DecodeLimits,
    scans_target: u64,
    scans: Scans,
    output: Output,
) -> Result<Read, DecodeError> {
    let n = luma_block_side(denominator)?;
    let mut state = State::default();
    for segment in markers::walk(data) {
        let segment = segment?;
        let (marker, payload) = (segment.marker, segment.payload);
        match marker {
            0xDB => tables::read_quant_tables(payload, &mut state)?,
            0xC4 => tables::read_huffman_tables(payload, &mut state)?,
            0xDD => state.restart_interval = usize::from(tables::read_u16(payload, 0)?),
            0xEE if payload.starts_with(b"Adobe") => {
                state.adobe_transform = payload.get(11).copied()
            }
            0xC0..=0xC2 if state.frame.is_none() => {
                // An Adobe segment saying "no transform" marks RGB; anything else is YCbCr, as
                // `output` converts it.
                let ycbcr = state.adobe_transform != Some(0);
                let halving = ycbcr.then_some((data.len() as u64, scans_target));
                state.frame = Some(tables::read_frame(
                    marker, payload, n, halving, limits, output,
                )?)
            }
            0xC0..=0xC2 => return Err(DecodeError::Malformed("more than one frame header")),
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err(DecodeError::Unsupported(
                    "lossless, hierarchical or arithmetic coding",
                ));
            }
            markers::SOS if scans == Scans::Handed => scan::latch_quantizers(payload, &mut state)?,
            markers::SOS => scan::decode_scan(data, payload, segment.scan, &mut state, n)?,
            _ => {}
        }
    }
    Ok(Read { state, n })
}

/// Samples per luma block side at 1/`denominator` scale.
fn luma_block_side(denominator: u32) -> Result<usize, DecodeError> {
    match denominator {
        2 => Ok(4),
        4 => Ok(2),
        8 => Ok(1),
        _ => Err(DecodeError::Unsupported(
            "scales other than 1/2, 1/4 and 1/8",
        )),
    }
}

/// Heap the decoder allocates for `frame` at 1/`denominator` at most (its own check is exact:
/// this figure leaves out the halved chroma of a YCbCr progressive frame, which depends on
/// segments the probe does not read); `None` for scales it does not decode or sizes beyond
/// 64 bits.
pub(super) fn planned_bytes(frame: &super::JpegFrame, denominator: u32) -> Option<u64> {
    let n = luma_block_side(denominator).ok()?;
    let sampling: Vec<(usize, usize)> = frame
        .sampling
        .iter()
        .map(|&(h, v)| (usize::from(h), usize::from(v)))
        .collect();
    let layout = memory::FrameLayout {
        width: usize::from(frame.width),
        height: usize::from(frame.height),
        sampling: &sampling,
        progressive: frame.progressive,
        n,
    };
    layout.planned_bytes(false)
}
