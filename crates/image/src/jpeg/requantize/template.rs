//! The output's headers and tables, taken from jpeg-encoder itself: a tiny picture encoded at
//! the variant's quality gives the JFIF, DQT, SOF0, DHT and SOS segments Tailor's pixel path
//! writes, so a requantized variant has exactly the quantization and Huffman tables the same
//! quality means everywhere else; only the frame's size is written over.

use super::writer::HuffmanCodes;
use crate::jpeg::huffman::{dht_tables, DhtTable};
use crate::jpeg::markers::{quant_tables, walk, Segment, DQT, SOS};

/// One output component: its quantizers (zigzag order) and Huffman codes.
pub(super) struct Coding {
    pub(super) quant: [u16; 64],
    pub(super) dc: HuffmanCodes,
    pub(super) ac: HuffmanCodes,
}

/// Everything before the entropy-coded data, and how each component is coded.
pub(super) struct Template {
    pub(super) header: Vec<u8>,
    pub(super) components: Vec<Coding>,
}

/// The header of a `width` x `height` JPEG at `quality`, 4:2:0 YCbCr or (with `grey`) one
/// component, as jpeg-encoder writes it; `None` if its output is not the layout expected.
pub(super) fn template(quality: u8, grey: bool, width: u16, height: u16) -> Option<Template> {
    let mut tiny = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut tiny, quality);
    let (pixels, color) = if grey {
        (vec![128u8; 16 * 16], jpeg_encoder::ColorType::Luma)
    } else {
        // As `jpeg_output` encodes colour.
        encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
        (vec![128u8; 16 * 16 * 3], jpeg_encoder::ColorType::Rgb)
    };
    encoder.encode(&pixels, 16, 16, color).ok()?;

    let mut quant: [Option<[u16; 64]>; 4] = [None; 4];
    let mut codes: [[Option<HuffmanCodes>; 4]; 2] = Default::default();
    let mut frame: Vec<(u8, u8, usize)> = Vec::new(); // id, sampling, table
    for segment in walk(&tiny) {
        let segment = segment.ok()?;
        match segment.marker {
            DQT => {
                for table in quant_tables(segment.payload) {
                    let (id, table) = table.ok()?;
                    *quant.get_mut(id)? = Some(table);
                }
            }
            0xC4 => {
                for table in dht_tables(segment.payload) {
                    let DhtTable {
                        class,
                        id,
                        counts,
                        values,
                    } = table.ok()?;
                    let slot = codes.get_mut(usize::from(class))?.get_mut(id)?;
                    *slot = Some(HuffmanCodes::new(&counts, values)?);
                }
            }
            0xC0 => {
                let count = usize::from(*segment.payload.get(5)?);
                for i in 0..count {
                    let &[id, sampling, table] = segment.payload.get(6 + 3 * i..9 + 3 * i)? else {
                        return None;
                    };
                    frame.push((id, sampling, usize::from(table)));
                }
            }
            SOS => {
                return finish(
                    &tiny,
                    &segment,
                    &frame,
                    &quant,
                    &codes,
                    grey,
                    (width, height),
                )
            }
            _ => {}
        }
    }
    None
}

/// The template from its scan header: the components in scan order with their tables, the
/// header bytes with the frame's size written over.
fn finish(
    tiny: &[u8],
    sos: &Segment<'_>,
    frame: &[(u8, u8, usize)],
    quant: &[Option<[u16; 64]>; 4],
    codes: &[[Option<HuffmanCodes>; 4]; 2],
    grey: bool,
    (width, height): (u16, u16),
) -> Option<Template> {
    // One component is coded block by block whatever its sampling; colour must be 4:2:0.
    let sampling: Vec<u8> = frame.iter().map(|&(_, sampling, _)| sampling).collect();
    let expected = if grey {
        sampling.len() == 1
    } else {
        sampling == [0x22, 0x11, 0x11]
    };
    if !expected || usize::from(*sos.payload.first()?) != frame.len() {
        return None;
    }
    let table = |class: usize, id: u8| codes.get(class)?.get(usize::from(id))?.clone();
    let mut components = Vec::with_capacity(frame.len());
    for (i, &(id, _, quant_id)) in frame.iter().enumerate() {
        let &[scan_id, tables] = sos.payload.get(1 + 2 * i..3 + 2 * i)? else {
            return None;
        };
        if scan_id != id {
            return None;
        }
        components.push(Coding {
            quant: (*quant.get(quant_id)?)?,
            dc: table(0, tables >> 4)?,
            ac: table(1, tables & 0x0F)?,
        });
    }
    // SOF0's payload starts 4 bytes after its marker: precision, then height and width.
    let mut header = tiny.get(..sos.scan.start)?.to_vec();
    let at = frame_start(tiny)? + 5;
    header
        .get_mut(at..at + 4)?
        .copy_from_slice(&[height.to_be_bytes(), width.to_be_bytes()].concat());
    Some(Template { header, components })
}

/// The offset of the SOF0 marker in `data`.
fn frame_start(data: &[u8]) -> Option<usize> {
    walk(data)
        .map_while(Result::ok)
        .find(|segment| segment.marker == 0xC0)
        .map(|segment| segment.start)
}
