//! The original's side: its layout, and the tables its scan is decoded with.

use super::header::{self, Coded};
use crate::jpeg::huffman::{DhtTable, HuffmanTable};
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
    fn of(components: &[Coded]) -> Option<Self> {
        let sampling: Vec<u8> = components.iter().map(|c| c.sampling).collect();
        match sampling.as_slice() {
            [_] => Some(Layout::Grey),
            [0x22, 0x11, 0x11] => Some(Layout::Chroma420),
            [0x21, 0x11, 0x11] => Some(Layout::Chroma422),
            _ => None,
        }
    }

    /// The component of each block of one source MCU, in coding order.
    pub(super) fn blocks(self) -> &'static [usize] {
        match self {
            Layout::Grey => &[0],
            Layout::Chroma420 => &[0, 0, 0, 0, 1, 2],
            Layout::Chroma422 => &[0, 0, 1, 2],
        }
    }

    /// Where block `i` of the source MCU at column `x`, row `y` sits in its component's grid of
    /// blocks (column, row); its component is [`Layout::blocks`]'s `i`th.
    pub(super) fn place(self, i: usize, x: usize, y: usize) -> (usize, usize) {
        match (self, i) {
            (Layout::Chroma420, 0..=3) => (2 * x + i % 2, 2 * y + i / 2),
            (Layout::Chroma422, 0..=1) => (2 * x + i, y),
            // Grey, and chroma: one block per MCU.
            _ => (x, y),
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

/// The original's scan, when it is one this handles (see [`header::read`] and [`Layout`]).
pub(super) fn read(input: &[u8]) -> Option<Source> {
    let header = header::read(input)?;
    let layout = Layout::of(&header.components)?;
    let (mut dc_tables, mut ac_tables): ([Option<HuffmanTable>; 4], [Option<HuffmanTable>; 4]) =
        Default::default();
    for DhtTable {
        class,
        id,
        counts,
        values,
    } in &header.huffman
    {
        let tables = if *class == 0 {
            &mut dc_tables
        } else {
            &mut ac_tables
        };
        *tables.get_mut(*id)? = Some(HuffmanTable::new(counts, values).ok()?);
    }
    let components = header
        .components
        .iter()
        .map(|c| Component {
            quant: c.quant,
            dc: usize::from(c.dc),
            ac: usize::from(c.ac),
            pred: 0,
        })
        .collect();
    Some(Source {
        width: header.width,
        height: header.height,
        layout,
        components,
        dc_tables,
        ac_tables,
        restart_interval: header.restart_interval,
        scan: header.scan,
    })
}
