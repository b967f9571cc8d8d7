//! Tailor's own JPEG decoder for reduced scales (1/2, 1/4, 1/8), baseline and progressive.
//!
//! Only the top-left `n x n` coefficients of each block matter at 1/(8/n) scale, so that is all
//! it keeps: baseline blocks go through the scaled IDCT as they are decoded (no coefficient
//! buffer at all), progressive blocks keep `n x n` coefficients plus a 64-bit nonzero history.
//! At 1/8 scale a block is its DC term, and the AC scans of a progressive file are skipped by
//! searching for the next marker without being entropy-decoded. libvips' shrink-on-load buffers
//! every coefficient of a progressive file instead; this is where Tailor is faster and smaller.

mod idct;
mod output;
mod progressive;
mod scan;
mod tables;

use super::huffman::{EntropyError, HuffmanTable};
use tables::Frame;

/// A decoded RGB image at the requested scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaledImage {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Valid JPEG features this decoder does not handle; the general decoder takes over.
    #[error("not handled by the scaled decoder: {0}")]
    Unsupported(&'static str),
    #[error("malformed JPEG: {0}")]
    Malformed(&'static str),
    #[error("malformed JPEG: {0}")]
    Entropy(#[from] EntropyError),
}

/// Tables and frame as the marker stream defines them so far.
#[derive(Debug, Default)]
pub struct State {
    quant: [Option<[u16; 64]>; 4],
    dc_tables: [Option<HuffmanTable>; 4],
    ac_tables: [Option<HuffmanTable>; 4],
    restart_interval: usize,
    adobe_transform: Option<u8>,
    frame: Option<Frame>,
    scans: usize,
}

/// Decodes `data` at 1/`denominator` scale (2, 4 or 8), each dimension rounded up.
pub fn decode(data: &[u8], denominator: u32) -> Result<ScaledImage, DecodeError> {
    let n = match denominator {
        2 => 4,
        4 => 2,
        8 => 1,
        _ => {
            return Err(DecodeError::Unsupported(
                "scales other than 1/2, 1/4 and 1/8",
            ))
        }
    };
    if data.get(..2) != Some(&[0xFF, 0xD8][..]) {
        return Err(DecodeError::Malformed("no start-of-image marker"));
    }
    let mut state = State::default();
    let mut pos = 2;
    loop {
        while data.get(pos) == Some(&0xFF) && data.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let (Some(0xFF), Some(&marker)) = (data.get(pos), data.get(pos + 1)) else {
            break; // trailing bytes after the last scan are tolerated, as decoders do
        };
        match marker {
            0xD9 => break,
            0xD0..=0xD7 | 0x01 => {
                pos += 2;
                continue;
            }
            _ => {}
        }
        let next = pos + 2 + usize::from(tables::read_u16(data, pos + 2)?);
        let payload = data
            .get(pos + 4..next)
            .ok_or(DecodeError::Malformed("truncated segment"))?;
        match marker {
            0xDB => tables::read_quant_tables(payload, &mut state)?,
            0xC4 => tables::read_huffman_tables(payload, &mut state)?,
            0xDD => state.restart_interval = usize::from(tables::read_u16(payload, 0)?),
            0xEE if payload.starts_with(b"Adobe") => {
                state.adobe_transform = payload.get(11).copied()
            }
            0xC0..=0xC2 if state.frame.is_none() => {
                state.frame = Some(tables::read_frame(marker, payload, n)?)
            }
            0xC0..=0xC2 => return Err(DecodeError::Malformed("more than one frame header")),
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err(DecodeError::Unsupported(
                    "lossless, hierarchical or arithmetic coding",
                ));
            }
            0xDA => {
                pos = scan::decode_scan(data, payload, next, &mut state, n)?;
                continue;
            }
            _ => {}
        }
        pos = next;
    }
    output::finish(state, n)
}
