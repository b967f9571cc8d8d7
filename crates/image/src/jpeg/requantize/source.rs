//! The original's side: its markers up to the one scan this reads, and what they say about
//! how the scan is coded.

use crate::jpeg::huffman::{dht_tables, DhtTable, HuffmanTable};
use crate::jpeg::markers::{quant_tables, walk, DQT, SOS};
use std::ops::Range;

/// The original's frames this handles: one component, or YCbCr with 4:2:0 or 4:2:2 chroma
/// (the output is 4:2:0, as Tailor encodes colour).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Layout {
    Grey,
    Chroma420,
    Chroma422,
}

impl Layout {
    /// The component of each block of one source MCU, in coding order.
    pub(super) fn blocks(self) -> &'static [usize] {
        match self {
            Layout::Grey => &[0],
            Layout::Chroma420 => &[0, 0, 0, 0, 1, 2],
            Layout::Chroma422 => &[0, 0, 1, 2],
        }
    }

    /// Source MCUs across and down a `width` x `height` frame.
    pub(super) fn mcus(self, width: u16, height: u16) -> (usize, usize) {
        let (width, height) = (usize::from(width), usize::from(height));
        match self {
            Layout::Grey => (width.div_ceil(8), height.div_ceil(8)),
            Layout::Chroma420 => (width.div_ceil(16), height.div_ceil(16)),
            Layout::Chroma422 => (width.div_ceil(16), height.div_ceil(8)),
        }
    }
}

/// How one source component is coded.
pub(super) struct Component {
    /// Quantizers in zigzag order.
    pub(super) quant: [u16; 64],
    pub(super) dc: usize,
    pub(super) ac: usize,
    pub(super) pred: i32,
}

/// A baseline file's single interleaved scan and everything needed to read it.
pub(super) struct Source {
    pub(super) width: u16,
    pub(super) height: u16,
    pub(super) layout: Layout,
    pub(super) components: Vec<Component>,
    pub(super) dc_tables: [Option<HuffmanTable>; 4],
    pub(super) ac_tables: [Option<HuffmanTable>; 4],
    pub(super) restart_interval: usize,
    pub(super) scan: Range<usize>,
}

/// Reads the markers up to the first scan; `None` unless the file is 8-bit baseline (SOF0 or
/// SOF1, Huffman-coded) in a layout this handles, YCbCr or grey, with every component in that
/// one scan (so no other scan follows).
pub(super) fn read(input: &[u8]) -> Option<Source> {
    let mut quant: [Option<[u16; 64]>; 4] = [None; 4];
    let (mut dc_tables, mut ac_tables): ([Option<HuffmanTable>; 4], [Option<HuffmanTable>; 4]) =
        Default::default();
    let mut restart_interval = 0;
    let mut frame: Option<(u16, u16, Vec<[u8; 3]>)> = None;
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
                    let DhtTable {
                        class,
                        id,
                        counts,
                        values,
                    } = table.ok()?;
                    let tables = if class == 0 {
                        &mut dc_tables
                    } else {
                        &mut ac_tables
                    };
                    *tables.get_mut(id)? = Some(HuffmanTable::new(&counts, values).ok()?);
                }
            }
            0xDD => {
                restart_interval =
                    usize::from(u16::from_be_bytes([*payload.first()?, *payload.get(1)?]))
            }
            // Adobe's "no transform": the three components are RGB, not YCbCr.
            0xEE if payload.starts_with(b"Adobe") && payload.get(11) == Some(&0) => return None,
            0xC0 | 0xC1 if frame.is_none() => frame = Some(read_frame(payload)?),
            0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return None,
            SOS => {
                let (width, height, declared) = frame?;
                let layout = layout(&declared)?;
                let components = scan_components(payload, &declared, &quant)?;
                return Some(Source {
                    width,
                    height,
                    layout,
                    components,
                    dc_tables,
                    ac_tables,
                    restart_interval,
                    scan: segment.scan,
                });
            }
            _ => {}
        }
    }
    None
}

/// Width, height and each component's id, sampling and table, from an 8-bit frame header.
fn read_frame(payload: &[u8]) -> Option<(u16, u16, Vec<[u8; 3]>)> {
    let &[precision, h0, h1, w0, w1, count] = payload.get(..6)? else {
        return None;
    };
    let (height, width) = (u16::from_be_bytes([h0, h1]), u16::from_be_bytes([w0, w1]));
    // A height of 0 is declared later (DNL), which this does not read.
    if precision != 8 || width == 0 || height == 0 {
        return None;
    }
    let components = payload.get(6..6 + 3 * usize::from(count))?;
    Some((
        width,
        height,
        components
            .chunks_exact(3)
            .filter_map(|c| c.try_into().ok())
            .collect(),
    ))
}

fn layout(components: &[[u8; 3]]) -> Option<Layout> {
    let ids: Vec<u8> = components.iter().map(|c| c[0]).collect();
    let sampling: Vec<u8> = components.iter().map(|c| c[1]).collect();
    match sampling.as_slice() {
        [_] => Some(Layout::Grey),
        // Components named R, G, B are RGB whatever the rest says (as jpeg-decoder reads them).
        _ if ids == b"RGB" => None,
        [0x22, 0x11, 0x11] => Some(Layout::Chroma420),
        [0x21, 0x11, 0x11] => Some(Layout::Chroma422),
        _ => None,
    }
}

/// The scan's components with their tables, when it codes all of the frame's, in frame order,
/// sequentially (whole blocks, no successive approximation).
fn scan_components(
    header: &[u8],
    declared: &[[u8; 3]],
    quant: &[Option<[u16; 64]>; 4],
) -> Option<Vec<Component>> {
    let count = usize::from(*header.first()?);
    if count != declared.len() || header.get(1 + 2 * count..4 + 2 * count)? != [0, 63, 0] {
        return None;
    }
    let mut components = Vec::with_capacity(count);
    for (i, &[id, _, table]) in declared.iter().enumerate() {
        let &[scan_id, tables] = header.get(1 + 2 * i..3 + 2 * i)? else {
            return None;
        };
        if scan_id != id {
            return None;
        }
        components.push(Component {
            quant: (*quant.get(usize::from(table))?)?,
            dc: usize::from(tables >> 4),
            ac: usize::from(tables & 0x0F),
            pred: 0,
        });
    }
    Some(components)
}
