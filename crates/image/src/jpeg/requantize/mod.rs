//! Full-size JPEG → JPEG at the variant's quality without leaving the DCT domain: each block's
//! coefficients are entropy-decoded, rescaled from the original's quantizers to the output's
//! (jpeg-encoder's at that quality) and entropy-coded again, MCU by MCU; 4:2:2 chroma is halved
//! to 4:2:0 in the same domain. A `full` variant of a baseline photo then needs no IDCT, colour
//! conversion, upsampling, forward DCT or picture in memory, and loses only what the coarser
//! quantizers take, and from 4:2:2 the chroma halving (the pixel path rounds to 8-bit samples
//! and back on top of that).

mod chroma;
mod header;
mod output;
mod source;
mod template;
mod writer;

use super::bits::BitReader;
use chroma::VerticalHalving;
use output::Output;
use source::{read, Layout, Source};
use template::template;
use writer::BitWriter;

/// What came of requantizing a file.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Requantized {
    /// The file at the new quality, without metadata.
    Made(Vec<u8>),
    /// It came out no smaller than the limit it was given: the original is the smaller.
    NotSmaller,
    /// Not a file this handles, or its scan is damaged: the pixel path decides.
    Unsupported,
}

/// `input` at `quality`, or why not; stops as soon as the output reaches `limit` bytes (the
/// stripped original's length, which is then the smaller).
pub(crate) fn requantize(input: &[u8], quality: u8, limit: usize) -> Requantized {
    requantize_seeing(input, quality, limit, |_, _, _, _| {})
}

/// [`requantize`], showing `see` every block of the original as it is read: its component,
/// its column and row in that component's grid, its levels in zigzag order (the DC predicted)
/// and which AC levels are nonzero (bit k for index k).
pub(crate) fn requantize_seeing(
    input: &[u8],
    quality: u8,
    limit: usize,
    see: impl FnMut(usize, (usize, usize), &[i32; 64], u64),
) -> Requantized {
    let Some(source) = read(input) else {
        return Requantized::Unsupported;
    };
    let grey = source.layout == Layout::Grey;
    let Some(template) = template(quality, grey, source.width, source.height) else {
        return Requantized::Unsupported;
    };
    let mut header = template.header;
    // The output is at most `limit` long, and usually well under it.
    if header.try_reserve(limit.min(input.len()) / 2).is_err() {
        return Requantized::Unsupported;
    }
    let mut out = Output::new(
        BitWriter::new(header),
        template.components,
        &source.components,
    );
    match stream(input, source, &mut out, limit, see) {
        Err(stop) => stop,
        Ok(()) => {
            let mut bytes = out.writer.finish();
            bytes.extend_from_slice(&[0xFF, 0xD9]);
            if bytes.len() >= limit {
                return Requantized::NotSmaller;
            }
            Requantized::Made(bytes)
        }
    }
}

/// One block of the original as coded: its levels in zigzag order, and which of its AC
/// levels are nonzero (bit k for index k; the others are zero).
#[derive(Clone, Copy)]
struct Block {
    levels: [i32; 64],
    nonzero: u64,
}

const EMPTY: Block = Block {
    levels: [0; 64],
    nonzero: 0,
};

/// Reads every MCU of the scan and writes the output's.
fn stream(
    input: &[u8],
    mut source: Source,
    out: &mut Output,
    limit: usize,
    mut see: impl FnMut(usize, (usize, usize), &[i32; 64], u64),
) -> Result<(), Requantized> {
    let unsupported = || Requantized::Unsupported;
    let data = input.get(..source.scan.end).ok_or_else(unsupported)?;
    let mut reader = BitReader::new(data, source.scan.start);
    let (wide, high) = source.layout.mcus(source.width, source.height);
    let blocks = source.layout.blocks();
    // 4:2:2: each even MCU row waits for the odd one below it, with which it makes one row of
    // 4:2:0 MCUs: at most 4,096 MCUs of 1 KB, for a frame 65,535 pixels wide.
    let mut waiting: Vec<[Block; 4]> = Vec::new();
    if source.layout == Layout::Chroma422 {
        waiting.try_reserve_exact(wide).map_err(|_| unsupported())?;
        waiting.resize(wide, [EMPTY; 4]);
    }
    let chroma_quant = [1, 2].map(|c| source.components.get(c).map(|c| c.quant).unwrap_or([1; 64]));
    let halving = VerticalHalving::new();
    let halves = Halves {
        halving: &halving,
        quant: &chroma_quant,
    };
    let mut mcu = [EMPTY; 6];
    for unit in 0..wide * high {
        if source.restart_interval > 0 && unit > 0 && unit % source.restart_interval == 0 {
            reader.restart();
            source.components.iter_mut().for_each(|c| c.pred = 0);
        }
        if reader.ran_dry() {
            return Err(unsupported());
        }
        // An even 4:2:2 row is read straight into its place in `waiting`.
        let (x, row) = (unit % wide, unit / wide);
        let waits = source.layout == Layout::Chroma422 && row % 2 == 0;
        let target: &mut [Block] = if waits {
            waiting.get_mut(x).ok_or_else(unsupported)?
        } else {
            &mut mcu
        };
        for (i, (block, &component)) in target.iter_mut().zip(blocks).enumerate() {
            read_block(&mut reader, &mut source, component, block).ok_or_else(unsupported)?;
            let at = source.layout.place(i, x, row);
            see(component, at, &block.levels, block.nonzero);
        }
        let written = match source.layout {
            Layout::Grey | Layout::Chroma420 => blocks
                .iter()
                .zip(&mcu)
                .try_for_each(|(&component, block)| out.put_levels(component, block)),
            Layout::Chroma422 if waits => Some(()),
            Layout::Chroma422 => {
                let above = waiting.get(x).ok_or_else(unsupported)?;
                halves.put(out, above, &mcu)
            }
        };
        written.ok_or_else(unsupported)?;
        if out.writer.out.len() >= limit {
            return Err(Requantized::NotSmaller);
        }
    }
    // An odd number of 4:2:2 rows: the last one has no partner; the half of its 4:2:0 MCUs
    // below the picture repeats it (decoders crop it away).
    if source.layout == Layout::Chroma422 && high % 2 == 1 {
        for above in &waiting {
            halves.put(out, above, above).ok_or_else(unsupported)?;
        }
    }
    Ok(())
}

/// 4:2:2 chroma halved with the original's chroma quantizers.
struct Halves<'a> {
    halving: &'a VerticalHalving,
    quant: &'a [[u16; 64]; 2],
}

impl Halves<'_> {
    /// One 4:2:0 MCU from two 4:2:2 ones stacked: their four luma blocks as they are, each
    /// chroma pair halved.
    fn put(&self, out: &mut Output, above: &[Block], below: &[Block]) -> Option<()> {
        let ([a0, a1, a_cb, a_cr, ..], [b0, b1, b_cb, b_cr, ..]) = (above, below) else {
            return None;
        };
        for block in [a0, a1, b0, b1] {
            out.put_levels(0, block)?;
        }
        let [cb_quant, cr_quant] = self.quant;
        out.put_values(1, self.halving.halve(a_cb, b_cb, cb_quant))?;
        out.put_values(2, self.halving.halve(a_cr, b_cr, cr_quant))
    }
}

/// One block of `component` as coded.
fn read_block(
    reader: &mut BitReader<'_>,
    source: &mut Source,
    component: usize,
    block: &mut Block,
) -> Option<()> {
    let c = source.components.get_mut(component)?;
    let dc = source.dc_tables.get(c.dc)?.as_ref()?;
    let ac = source.ac_tables.get(c.ac)?.as_ref()?;
    // Only the levels the last block set need clearing.
    let mut stale = block.nonzero;
    while stale != 0 {
        let at = stale.trailing_zeros() as usize;
        stale &= stale - 1;
        *block.levels.get_mut(at)? = 0;
    }
    let size = reader.decode(dc).ok()?;
    // Wrapping, as the decoder's own DC prediction: crafted differences must not overflow.
    c.pred = c.pred.wrapping_add(reader.receive_extend(size));
    block.levels[0] = c.pred;
    let (mut k, mut nonzero) = (1, 0u64);
    while k < 64 {
        let (run, size, value) = reader.ac_coefficient(ac).ok()?;
        if size == 0 {
            if run != 15 {
                break;
            }
            k += 16;
            continue;
        }
        k += usize::from(run);
        *block.levels.get_mut(k)? = value;
        nonzero |= 1 << k;
        k += 1;
    }
    block.nonzero = nonzero;
    Some(())
}

#[cfg(test)]
mod tests;
