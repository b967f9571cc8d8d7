//! The least entropy-coded data a scan can be: every block of a sequential scan takes at least
//! two Huffman codes (its DC difference and one AC symbol, an end-of-block at the least) and
//! every block of a progressive DC scan at least one bit. A scan shorter than that is missing
//! data, and a decoder would decode the zeros it feeds past the end at the cost of real data:
//! a file of 20 KB declaring a 16 MP frame and thirty such scans took two seconds of CPU.

/// Bytes a scan's data must at least hold, from its header (`payload` of its SOS) and the
/// frame's size and sampling factors; 0 where no block needs a bit (progressive AC scans, whose
/// end-of-band runs may cover any number of blocks) or the header is too short to say.
pub(super) fn least_bytes(
    width: u16,
    height: u16,
    sampling: &[(u8, u8)],
    progressive: bool,
    header: &[u8],
) -> u64 {
    let count = usize::from(header.first().copied().unwrap_or(0));
    let Some(&spectral_start) = header.get(1 + 2 * count) else {
        return 0;
    };
    let bits_per_block = match (progressive, spectral_start) {
        (false, _) => 2,
        (true, 0) => 1,
        (true, _) => return 0,
    };
    least_blocks(width, height, sampling, count) * bits_per_block / 8
}

/// A lower bound on the blocks a scan of `count` components codes: one component is coded over
/// its own block grid (the smallest of the frame's, as the scan's own is not looked up), more
/// than one in MCUs of at least one block per component.
fn least_blocks(width: u16, height: u16, sampling: &[(u8, u8)], count: usize) -> u64 {
    match count {
        0 => 0,
        1 => block_grids(width, height, sampling)
            .map(|(wide, high)| wide * high)
            .min()
            .unwrap_or(0),
        _ => {
            let (h_max, v_max) = max_sampling(sampling);
            let (w, h) = (u64::from(width), u64::from(height));
            w.div_ceil(8 * h_max) * h.div_ceil(8 * v_max) * count.min(4) as u64
        }
    }
}

/// Each component's grid of 8x8 blocks (wide, high), at its own resolution.
pub(super) fn block_grids(
    width: u16,
    height: u16,
    sampling: &[(u8, u8)],
) -> impl Iterator<Item = (u64, u64)> + '_ {
    let (h_max, v_max) = max_sampling(sampling);
    let (w, h) = (u64::from(width), u64::from(height));
    sampling.iter().map(move |&(hs, vs)| {
        (
            (w * u64::from(hs)).div_ceil(h_max).div_ceil(8),
            (h * u64::from(vs)).div_ceil(v_max).div_ceil(8),
        )
    })
}

/// The largest horizontal and vertical sampling factors (at least 1).
fn max_sampling(sampling: &[(u8, u8)]) -> (u64, u64) {
    let h_max = sampling.iter().map(|s| s.0).max().unwrap_or(1).max(1);
    let v_max = sampling.iter().map(|s| s.1).max().unwrap_or(1).max(1);
    (u64::from(h_max), u64::from(v_max))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An SOS payload of `count` components with spectral selection starting at `ss`.
    fn header(count: u8, ss: u8) -> Vec<u8> {
        let mut h = vec![count];
        for id in 0..count {
            h.extend_from_slice(&[id + 1, 0x00]);
        }
        h.extend_from_slice(&[ss, 63, 0]);
        h
    }

    #[test]
    fn sequential_scans_need_two_bits_a_block() {
        // 64x64 4:2:0: 4x4 MCUs; interleaved, at least 3 blocks each → 48 blocks, 96 bits.
        let sampling = [(2, 2), (1, 1), (1, 1)];
        assert_eq!(least_bytes(64, 64, &sampling, false, &header(3, 0)), 12);
        // One component alone: the smallest grid (chroma, 4x4 blocks) → 32 bits.
        assert_eq!(least_bytes(64, 64, &sampling, false, &header(1, 0)), 4);
    }

    #[test]
    fn progressive_dc_scans_need_a_bit_a_block_and_ac_scans_nothing() {
        let gray = [(1, 1)];
        assert_eq!(least_bytes(64, 64, &gray, true, &header(1, 0)), 8);
        assert_eq!(least_bytes(64, 64, &gray, true, &header(1, 1)), 0);
        assert_eq!(least_bytes(64, 64, &gray, true, &[1, 1]), 0);
        assert_eq!(least_bytes(64, 64, &gray, true, &header(0, 0)), 0);
    }
}
