//! The markers of a baseline JPEG up to its one scan, read the same way for both sides: the
//! original's, to decode its scan, and the template's, to code the output's.

use crate::jpeg::huffman::{dht_tables, DhtTable};
use crate::jpeg::markers::{quant_tables, walk, DQT, SOS};
use std::ops::Range;

/// One component as the frame declares it and the scan codes it.
pub(super) struct Coded {
    /// Sampling factors, horizontal in the high nibble.
    pub(super) sampling: u8,
    /// Quantizers in zigzag order.
    pub(super) quant: [u16; 64],
    /// The scan's DC and AC Huffman table ids.
    pub(super) dc: u8,
    pub(super) ac: u8,
}

/// What the markers before the scan say.
pub(super) struct Header<'a> {
    pub(super) width: u16,
    pub(super) height: u16,
    /// The frame's components in frame (and scan) order.
    pub(super) components: Vec<Coded>,
    /// Every Huffman table defined before the scan, in order (a later one replaces an earlier
    /// one of the same class and id).
    pub(super) huffman: Vec<DhtTable<'a>>,
    pub(super) restart_interval: usize,
    /// Where the SOF marker starts.
    pub(super) frame_start: usize,
    /// The scan's entropy-coded data.
    pub(super) scan: Range<usize>,
}

/// Reads the markers up to the first scan; `None` unless the file is 8-bit baseline (SOF0 or
/// SOF1, Huffman-coded), not Adobe RGB, with every component in that one scan, in frame order,
/// coded sequentially (so no other scan follows).
pub(super) fn read(input: &[u8]) -> Option<Header<'_>> {
    let mut quant: [Option<[u16; 64]>; 4] = [None; 4];
    let mut huffman = Vec::new();
    let mut restart_interval = 0;
    let mut frame: Option<(usize, &[u8])> = None;
    for segment in walk(input) {
        let segment = segment.ok()?;
        let payload = segment.payload;
        match segment.marker {
            DQT => {
                for table in quant_tables(payload) {
                    let (id, table) = table.ok()?;
                    *quant.get_mut(id)? = Some(table);
                }
            }
            0xC4 => {
                for table in dht_tables(payload) {
                    huffman.push(table.ok()?);
                }
            }
            0xDD => {
                restart_interval =
                    usize::from(u16::from_be_bytes([*payload.first()?, *payload.get(1)?]))
            }
            // Adobe's "no transform": the three components are RGB, not YCbCr.
            0xEE if payload.starts_with(b"Adobe") && payload.get(11) == Some(&0) => return None,
            0xC0 | 0xC1 if frame.is_none() => frame = Some((segment.start, payload)),
            0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return None,
            SOS => {
                let (frame_start, frame) = frame?;
                let (width, height, components) = read_frame(frame, payload, &quant)?;
                return Some(Header {
                    width,
                    height,
                    components,
                    huffman,
                    restart_interval,
                    frame_start,
                    scan: segment.scan,
                });
            }
            _ => {}
        }
    }
    None
}

/// Width, height and each component, from an 8-bit frame header and the scan header that
/// must code all of its components, in frame order, sequentially (whole blocks, no
/// successive approximation).
fn read_frame(
    frame: &[u8],
    scan: &[u8],
    quant: &[Option<[u16; 64]>; 4],
) -> Option<(u16, u16, Vec<Coded>)> {
    let &[precision, h0, h1, w0, w1, count] = frame.get(..6)? else {
        return None;
    };
    let (height, width) = (u16::from_be_bytes([h0, h1]), u16::from_be_bytes([w0, w1]));
    // A height of 0 is declared later (DNL), which this does not read.
    if precision != 8 || width == 0 || height == 0 {
        return None;
    }
    let count = usize::from(count);
    let declared = frame.get(6..6 + 3 * count)?;
    // Components named R, G, B are RGB whatever the rest says (as jpeg-decoder reads them).
    let ids = declared.chunks_exact(3).filter_map(|c| c.first().copied());
    if ids.eq(b"RGB".iter().copied()) {
        return None;
    }
    if usize::from(*scan.first()?) != count || scan.get(1 + 2 * count..4 + 2 * count)? != [0, 63, 0]
    {
        return None;
    }
    let mut components = Vec::with_capacity(count);
    for (i, component) in declared.chunks_exact(3).enumerate() {
        let (&[id, sampling, table], Some(&[scan_id, tables])) =
            (component, scan.get(1 + 2 * i..3 + 2 * i))
        else {
            return None;
        };
        if scan_id != id {
            return None;
        }
        components.push(Coded {
            sampling,
            quant: (*quant.get(usize::from(table))?)?,
            dc: tables >> 4,
            ac: tables & 0x0F,
        });
    }
    Some((width, height, components))
}
