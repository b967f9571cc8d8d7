//! Marker segments that configure decoding: quantization tables (DQT), Huffman tables (DHT)
//! and the frame header (SOF), parsed without indexing past their data.

use super::idct::ScaledIdct;
use super::memory::{component_block_at, FrameLayout};
use super::{DecodeError, Output, State};
use crate::budget::DecodeLimits;
use crate::jpeg::huffman::{dht_tables, DhtTable, HuffmanTable};
use crate::jpeg::markers;
pub(super) use crate::jpeg::zigzag::ZIGZAG;

#[derive(Debug)]
pub(super) struct Component {
    pub id: u8,
    pub h: usize,
    pub v: usize,
    pub quant_table: usize,
    /// Natural-order quantizers, latched at the component's first scan.
    pub quant: Option<[u16; 64]>,
    pub blocks_wide: usize,
    pub blocks_high: usize,
    /// The transform to this component's output block size (`width x height` samples).
    pub idct: ScaledIdct,
    /// Zigzag index → position among the kept coefficients (`height` rows of `width`), or
    /// `NOT_KEPT`.
    pub kept: [u8; 64],
    /// The highest zigzag index that is kept.
    pub last_kept: usize,
    /// The kept zigzag indices as a mask (bit k), for refinement scans' bulk corrections.
    pub kept_mask: u64,
    /// Progressive only: the kept coefficients of every block.
    pub coefs: Vec<i16>,
    /// Progressive only: which of the 64 coefficients (zigzag bit k) are nonzero so far;
    /// refinement scans need this history even for coefficients that are not kept.
    pub nonzero: Vec<u64>,
    /// Decoded samples at the output scale: `blocks_wide * idct.width()` per row.
    pub samples: Vec<u8>,
    pub pred: i32,
}

#[derive(Debug)]
pub(super) struct Frame {
    pub progressive: bool,
    pub width: usize,
    pub height: usize,
    pub h_max: usize,
    pub v_max: usize,
    pub components: Vec<Component>,
}

pub(super) fn read_u16(bytes: &[u8], at: usize) -> Result<u16, DecodeError> {
    match (bytes.get(at), bytes.get(at + 1)) {
        (Some(&hi), Some(&lo)) => Ok(u16::from_be_bytes([hi, lo])),
        _ => Err(DecodeError::Malformed("segment too short")),
    }
}

pub(super) fn read_quant_tables(payload: &[u8], state: &mut State) -> Result<(), DecodeError> {
    for table in markers::quant_tables(payload) {
        let (id, stored) = table.map_err(DecodeError::Malformed)?;
        let mut natural = [0u16; 64];
        for (&value, &at) in stored.iter().zip(ZIGZAG.iter()) {
            if let Some(slot) = natural.get_mut(at) {
                *slot = value;
            }
        }
        *state
            .quant
            .get_mut(id)
            .ok_or(DecodeError::Malformed("quantization table id over 3"))? = Some(natural);
    }
    Ok(())
}

pub(super) fn read_huffman_tables(payload: &[u8], state: &mut State) -> Result<(), DecodeError> {
    for table in dht_tables(payload) {
        let DhtTable {
            class,
            id,
            counts,
            values,
        } = table.map_err(|_| DecodeError::Malformed("truncated Huffman table"))?;
        let table = HuffmanTable::new(&counts, values)?;
        let tables = if class == 0 {
            &mut state.dc_tables
        } else {
            &mut state.ac_tables
        };
        *tables
            .get_mut(id)
            .ok_or(DecodeError::Malformed("Huffman table id over 3"))? = Some(table);
    }
    Ok(())
}

pub(super) const NOT_KEPT: u8 = u8::MAX;

/// Zigzag index → position among the kept top-left `h x w` coefficients.
pub(super) fn kept_table(w: usize, h: usize) -> [u8; 64] {
    let mut table = [NOT_KEPT; 64];
    for (slot, &natural) in table.iter_mut().zip(&ZIGZAG) {
        let (row, col) = (natural / 8, natural % 8);
        if row < h && col < w {
            *slot = (row * w + col) as u8;
        }
    }
    table
}

fn last_kept(kept: &[u8; 64]) -> usize {
    kept.iter().rposition(|&at| at != NOT_KEPT).unwrap_or(0)
}

/// The zigzag indices `kept` keeps, as bits of a mask. At the reduced sizes (at most 4x4,
/// zigzag index 24 at most) they all lie in the lower half, which refinement scans rely on only
/// for speed: an upper half's bits are read and applied the same way.
pub(super) fn kept_mask(kept: &[u8; 64]) -> u64 {
    (0..64)
        .filter(|&k| kept.get(k).is_some_and(|&at| at != NOT_KEPT))
        .fold(0, |mask, k| mask | 1 << k)
}

/// Parses SOF0/1/2 and allocates the per-component buffers for luma output blocks of `n x n`,
/// after checking that the whole decode stays within `limits`. `halving`: for a YCbCr frame,
/// the file's size and the target [`FrameLayout::halves_chroma`] weighs them against, to decide
/// whether chroma is kept at half the luma grid's resolution; `None` for RGB, kept whole.
pub(super) fn read_frame(
    marker: u8,
    payload: &[u8],
    n: usize,
    halving: Option<(u64, u64)>,
    limits: DecodeLimits,
    output: Output,
) -> Result<Frame, DecodeError> {
    if payload.first() != Some(&8) {
        return Err(DecodeError::Unsupported(
            "sample precision other than 8 bits",
        ));
    }
    let height = usize::from(read_u16(payload, 1)?);
    let width = usize::from(read_u16(payload, 3)?);
    let count = usize::from(
        *payload
            .get(5)
            .ok_or(DecodeError::Malformed("short frame header"))?,
    );
    if width == 0 || height == 0 {
        return Err(DecodeError::Unsupported("height defined by a DNL marker"));
    }
    if count != 1 && count != 3 {
        return Err(DecodeError::Unsupported(
            "component counts other than 1 or 3",
        ));
    }
    let mut raw = Vec::with_capacity(count);
    for i in 0..count {
        let Some(&[id, hv, tq]) = payload.get(6 + 3 * i..9 + 3 * i) else {
            return Err(DecodeError::Malformed("short frame header"));
        };
        let (h, v) = (usize::from(hv >> 4), usize::from(hv & 0x0F));
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) || tq > 3 {
            return Err(DecodeError::Malformed("bad sampling factor or table id"));
        }
        raw.push((id, h, v, usize::from(tq)));
    }
    let h_max = raw.iter().map(|c| c.1).max().unwrap_or(1);
    let v_max = raw.iter().map(|c| c.2).max().unwrap_or(1);
    if raw.iter().any(|c| h_max % c.1 != 0 || v_max % c.2 != 0) {
        return Err(DecodeError::Unsupported("non-integral chroma subsampling"));
    }
    let progressive = marker == 0xC2;
    // The decoder's own check, from the frame it parsed: whatever a probe said, it never
    // allocates beyond its budget.
    let sampling: Vec<(usize, usize)> = raw.iter().map(|c| (c.1, c.2)).collect();
    let layout = FrameLayout {
        width,
        height,
        sampling: &sampling,
        progressive,
        n,
    };
    let halve_chroma =
        halving.is_some_and(|(file_bytes, target)| layout.halves_chroma(file_bytes, target));
    let planned = match output {
        Output::Whole => layout.planned_bytes(halve_chroma),
        Output::Bands => layout.planned_plane_bytes(halve_chroma),
    };
    limits
        .admit(width as u64, height as u64, planned)
        .map_err(|e| DecodeError::TooLarge(e.to_string()))?;
    let (mcus_wide, mcus_high) = (width.div_ceil(8 * h_max), height.div_ceil(8 * v_max));
    let components = raw
        .into_iter()
        .enumerate()
        .map(|(index, (id, h, v, quant_table))| {
            let factors = (h_max / h, v_max / v);
            let (w_out, h_out) = component_block_at(n, index, factors, halve_chroma);
            let per_block = w_out * h_out;
            // Within the budget just checked, so these products fit; checked all the same.
            let blocks = (mcus_wide * h)
                .checked_mul(mcus_high * v)
                .ok_or(DecodeError::Malformed("frame too large"))?;
            let samples = blocks
                .checked_mul(per_block)
                .ok_or(DecodeError::Malformed("frame too large"))?;
            let kept = kept_table(w_out, h_out);
            Ok(Component {
                id,
                h,
                v,
                quant_table,
                quant: None,
                blocks_wide: mcus_wide * h,
                blocks_high: mcus_high * v,
                idct: ScaledIdct::new(w_out, h_out),
                kept,
                last_kept: last_kept(&kept),
                kept_mask: kept_mask(&kept),
                coefs: if progressive {
                    vec![0; samples]
                } else {
                    Vec::new()
                },
                // At 1/8 scale AC scans are skipped, so no history is needed.
                nonzero: if progressive && n > 1 {
                    vec![0; blocks]
                } else {
                    Vec::new()
                },
                samples: if progressive {
                    Vec::new()
                } else {
                    vec![128; samples]
                },
                pred: 0,
            })
        })
        .collect::<Result<Vec<_>, DecodeError>>()?;
    Ok(Frame {
        progressive,
        width,
        height,
        h_max,
        v_max,
        components,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A SOF payload for a 64x48 frame, three components with these sampling factors.
    fn sof(sampling: [u8; 3]) -> Vec<u8> {
        let mut payload = vec![8, 0, 48, 0, 64, 3];
        for (id, hv) in (1u8..).zip(sampling) {
            payload.extend([id, hv, 0]);
        }
        payload
    }

    /// Per component: output block width, height and kept coefficients, for a file whose
    /// size is over the target (`Some(1, 0)`: always halve) or RGB (`None`).
    fn block_sizes(
        marker: u8,
        sampling: [u8; 3],
        halving: Option<(u64, u64)>,
    ) -> Vec<(usize, usize, usize)> {
        let unlimited = DecodeLimits {
            max_pixels: u64::MAX,
            max_bytes: u64::MAX,
        };
        let frame =
            read_frame(marker, &sof(sampling), 4, halving, unlimited, Output::Whole).unwrap();
        frame
            .components
            .iter()
            .map(|c| (c.idct.width(), c.idct.height(), c.coefs.len()))
            .collect()
    }

    #[test]
    fn a_large_progressive_frame_keeps_its_chroma_at_half_the_luma_grid() {
        // 64x48 at 4:4:4: 48 blocks a component; at 1/2 luma keeps 4x4 coefficients a block,
        // chroma 2x2.
        assert_eq!(
            block_sizes(0xC2, [0x11; 3], Some((1, 0))),
            [(4, 4, 768), (2, 2, 192), (2, 2, 192)]
        );
        // 4:2:2: chroma is halved horizontally already, and now vertically too.
        assert_eq!(
            block_sizes(0xC2, [0x21, 0x11, 0x11], Some((1, 0))),
            [(4, 4, 768), (4, 2, 192), (4, 2, 192)]
        );
        // Small files, RGB components and baseline frames (no coefficients kept) stay at
        // full resolution.
        let whole = [(4, 4, 768), (4, 4, 768), (4, 4, 768)];
        let target = super::super::memory::SCANS_TARGET_BYTES;
        assert_eq!(block_sizes(0xC2, [0x11; 3], Some((1000, target))), whole);
        assert_eq!(block_sizes(0xC2, [0x11; 3], None), whole);
        assert_eq!(
            block_sizes(0xC0, [0x11; 3], Some((1, 0))),
            [(4, 4, 0), (4, 4, 0), (4, 4, 0)]
        );
    }
}
