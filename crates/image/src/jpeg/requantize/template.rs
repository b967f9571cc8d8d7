//! The output's headers and tables, taken from jpeg-encoder itself: a tiny picture encoded at
//! the variant's quality gives the JFIF, DQT, SOF0, DHT and SOS segments Tailor's pixel path
//! writes, so a requantized variant has exactly the quantization and Huffman tables the same
//! quality means everywhere else; only the frame's size is written over.

use super::header;
use super::writer::HuffmanCodes;

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

    let read = header::read(&tiny)?;
    // One component is coded block by block whatever its sampling; colour must be 4:2:0.
    let sampling: Vec<u8> = read.components.iter().map(|c| c.sampling).collect();
    let expected = if grey {
        sampling.len() == 1
    } else {
        sampling == [0x22, 0x11, 0x11]
    };
    if !expected {
        return None;
    }
    // The last table of each class and id is the one in force at the scan.
    let codes = |class: u8, id: u8| {
        let table = read
            .huffman
            .iter()
            .rfind(|t| t.class == class && t.id == usize::from(id))?;
        HuffmanCodes::new(&table.counts, table.values)
    };
    let components = read
        .components
        .iter()
        .map(|c| {
            Some(Coding {
                quant: c.quant,
                dc: codes(0, c.dc)?,
                ac: codes(1, c.ac)?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    // SOF0's payload starts 4 bytes after its marker: precision, then height and width.
    let mut header = tiny.get(..read.scan.start)?.to_vec();
    let at = read.frame_start + 5;
    header
        .get_mut(at..at + 4)?
        .copy_from_slice(&[height.to_be_bytes(), width.to_be_bytes()].concat());
    Some(Template { header, components })
}
