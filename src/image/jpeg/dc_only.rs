//! Decoding a JPEG at 1/8 scale from its DC coefficients alone.
//!
//! At 1/8 scale every 8x8 block becomes one pixel whose value is the block's DC term, so the
//! inverse DCT disappears and nothing but one small plane per component is stored. For a
//! progressive JPEG the AC scans are not even entropy-decoded: they are skipped by searching
//! for the next marker. This is where Tailor beats libvips, whose shrink-on-load still
//! buffers and decodes every coefficient of a progressive file.

use super::huffman::{next_marker, BitReader, EntropyError, HuffmanTable};

/// A decoded 1/8-scale image, RGB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DcImage {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DcError {
    /// Valid JPEG features this path does not handle; the general decoder takes over.
    #[error("not handled by the DC-only decoder: {0}")]
    Unsupported(&'static str),
    #[error("malformed JPEG: {0}")]
    Malformed(&'static str),
    #[error("malformed JPEG: {0}")]
    Entropy(#[from] EntropyError),
}

#[derive(Debug)]
struct Component {
    id: u8,
    h: usize,
    v: usize,
    quant_table: usize,
    dc_quant: Option<u16>,
    /// Quantized DC coefficient per block, over the full MCU grid.
    plane: Vec<i16>,
    blocks_wide: usize,
    blocks_high: usize,
    pred: i32,
}

#[derive(Debug)]
struct Frame {
    progressive: bool,
    width: usize,
    height: usize,
    h_max: usize,
    v_max: usize,
    components: Vec<Component>,
}

#[derive(Debug, Default)]
struct State {
    dc_quant: [Option<u16>; 4],
    dc_tables: [Option<HuffmanTable>; 4],
    ac_tables: [Option<HuffmanTable>; 4],
    restart_interval: usize,
    adobe_transform: Option<u8>,
    frame: Option<Frame>,
    scans: usize,
}

/// How one scan's blocks are coded.
#[derive(Clone, Copy)]
enum BlockCoding<'t> {
    Sequential {
        dc: &'t HuffmanTable,
        ac: &'t HuffmanTable,
    },
    DcFirst {
        dc: &'t HuffmanTable,
        shift: u8,
    },
    DcRefine {
        bit: u8,
    },
}

/// Decodes `data` at 1/8 scale (each dimension rounded up).
pub fn decode(data: &[u8]) -> Result<DcImage, DcError> {
    if data.get(..2) != Some(&[0xFF, 0xD8][..]) {
        return Err(DcError::Malformed("no start-of-image marker"));
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
        let (Some(&hi), Some(&lo)) = (data.get(pos + 2), data.get(pos + 3)) else {
            return Err(DcError::Malformed("truncated marker"));
        };
        let next = pos + 2 + usize::from(u16::from_be_bytes([hi, lo]));
        let payload = data
            .get(pos + 4..next)
            .ok_or(DcError::Malformed("truncated segment"))?;
        match marker {
            0xDB => read_quant_tables(payload, &mut state)?,
            0xC4 => read_huffman_tables(payload, &mut state)?,
            0xDD => state.restart_interval = usize::from(read_u16(payload, 0)?),
            0xEE if payload.starts_with(b"Adobe") => {
                state.adobe_transform = payload.get(11).copied()
            }
            0xC0..=0xC2 => state.frame = Some(read_frame(marker, payload)?),
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err(DcError::Unsupported(
                    "lossless, hierarchical or arithmetic coding",
                ));
            }
            0xDA => {
                pos = decode_scan(data, payload, next, &mut state)?;
                continue;
            }
            _ => {}
        }
        pos = next;
    }
    finish(state)
}

fn read_u16(bytes: &[u8], at: usize) -> Result<u16, DcError> {
    match (bytes.get(at), bytes.get(at + 1)) {
        (Some(&hi), Some(&lo)) => Ok(u16::from_be_bytes([hi, lo])),
        _ => Err(DcError::Malformed("segment too short")),
    }
}

fn read_quant_tables(mut payload: &[u8], state: &mut State) -> Result<(), DcError> {
    while let Some(&pq_tq) = payload.first() {
        let (precision, id) = (pq_tq >> 4, usize::from(pq_tq & 0x0F));
        let size = if precision == 0 { 64 } else { 128 };
        let dc = if precision == 0 {
            payload.get(1).map(|&q| u16::from(q))
        } else {
            read_u16(payload, 1).ok()
        };
        let slot = state
            .dc_quant
            .get_mut(id)
            .ok_or(DcError::Malformed("quantization table id over 3"))?;
        *slot = Some(dc.ok_or(DcError::Malformed("truncated quantization table"))?);
        payload = payload
            .get(1 + size..)
            .ok_or(DcError::Malformed("truncated quantization table"))?;
    }
    Ok(())
}

fn read_huffman_tables(mut payload: &[u8], state: &mut State) -> Result<(), DcError> {
    while let Some(&tc_th) = payload.first() {
        let counts: [u8; 16] = payload
            .get(1..17)
            .and_then(|c| c.try_into().ok())
            .ok_or(DcError::Malformed("truncated Huffman table"))?;
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        let values = payload
            .get(17..17 + total)
            .ok_or(DcError::Malformed("truncated Huffman table"))?;
        let table = HuffmanTable::new(&counts, values)?;
        let tables = if tc_th >> 4 == 0 {
            &mut state.dc_tables
        } else {
            &mut state.ac_tables
        };
        *tables
            .get_mut(usize::from(tc_th & 0x0F))
            .ok_or(DcError::Malformed("Huffman table id over 3"))? = Some(table);
        payload = payload.get(17 + total..).unwrap_or(&[]);
    }
    Ok(())
}

fn read_frame(marker: u8, payload: &[u8]) -> Result<Frame, DcError> {
    if payload.first() != Some(&8) {
        return Err(DcError::Unsupported("sample precision other than 8 bits"));
    }
    let height = usize::from(read_u16(payload, 1)?);
    let width = usize::from(read_u16(payload, 3)?);
    let count = usize::from(
        *payload
            .get(5)
            .ok_or(DcError::Malformed("short frame header"))?,
    );
    if width == 0 || height == 0 {
        return Err(DcError::Unsupported("height defined by a DNL marker"));
    }
    if count != 1 && count != 3 {
        return Err(DcError::Unsupported("component counts other than 1 or 3"));
    }
    let mut raw = Vec::with_capacity(count);
    for i in 0..count {
        let Some(&[id, hv, tq]) = payload.get(6 + 3 * i..9 + 3 * i) else {
            return Err(DcError::Malformed("short frame header"));
        };
        let (h, v) = (usize::from(hv >> 4), usize::from(hv & 0x0F));
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) || tq > 3 {
            return Err(DcError::Malformed("bad sampling factor or table id"));
        }
        raw.push((id, h, v, usize::from(tq)));
    }
    let h_max = raw.iter().map(|c| c.1).max().unwrap_or(1);
    let v_max = raw.iter().map(|c| c.2).max().unwrap_or(1);
    let mcus_wide = width.div_ceil(8 * h_max);
    let mcus_high = height.div_ceil(8 * v_max);
    let components = raw
        .into_iter()
        .map(|(id, h, v, quant_table)| Component {
            id,
            h,
            v,
            quant_table,
            dc_quant: None,
            plane: vec![0; mcus_wide * h * mcus_high * v],
            blocks_wide: mcus_wide * h,
            blocks_high: mcus_high * v,
            pred: 0,
        })
        .collect();
    Ok(Frame {
        progressive: marker == 0xC2,
        width,
        height,
        h_max,
        v_max,
        components,
    })
}

/// Decodes one scan's DC information into the component planes; returns where it ended.
fn decode_scan(
    data: &[u8],
    header: &[u8],
    start: usize,
    state: &mut State,
) -> Result<usize, DcError> {
    let frame = state
        .frame
        .as_mut()
        .ok_or(DcError::Malformed("scan before frame header"))?;
    let count = usize::from(
        *header
            .first()
            .ok_or(DcError::Malformed("short scan header"))?,
    );
    let Some(&[ss, _se, ah_al]) = header.get(1 + 2 * count..4 + 2 * count) else {
        return Err(DcError::Malformed("short scan header"));
    };
    if frame.progressive && ss > 0 {
        // An AC scan: nothing in it matters at 1/8 scale.
        return Ok(next_marker(data, start));
    }
    let mut members = Vec::with_capacity(count);
    for i in 0..count {
        let Some(&[id, tables]) = header.get(1 + 2 * i..3 + 2 * i) else {
            return Err(DcError::Malformed("short scan header"));
        };
        let index = frame
            .components
            .iter()
            .position(|c| c.id == id)
            .ok_or(DcError::Malformed("scan names an unknown component"))?;
        members.push((index, usize::from(tables >> 4), usize::from(tables & 0x0F)));
    }
    state.scans += 1;
    let (ah, al) = (ah_al >> 4, ah_al & 0x0F);
    let mut codings = Vec::with_capacity(count);
    for &(index, dc_id, ac_id) in &members {
        let component = frame
            .components
            .get_mut(index)
            .ok_or(DcError::Malformed("component"))?;
        // The quantizer in force at a component's first scan is the one it was coded with.
        if component.dc_quant.is_none() {
            component.dc_quant = state.dc_quant.get(component.quant_table).copied().flatten();
        }
        component.pred = 0;
        let dc = || {
            state
                .dc_tables
                .get(dc_id)
                .and_then(Option::as_ref)
                .ok_or(EntropyError::MissingTable)
        };
        codings.push(if !frame.progressive {
            let ac = state
                .ac_tables
                .get(ac_id)
                .and_then(Option::as_ref)
                .ok_or(EntropyError::MissingTable)?;
            BlockCoding::Sequential { dc: dc()?, ac }
        } else if ah == 0 {
            BlockCoding::DcFirst {
                dc: dc()?,
                shift: al,
            }
        } else {
            BlockCoding::DcRefine { bit: al }
        });
    }
    let mut reader = BitReader::new(data, start);
    let restart = state.restart_interval;
    let (h_max, v_max, width, height) = (frame.h_max, frame.v_max, frame.width, frame.height);
    let components = &mut frame.components;
    let mut units = 0usize;
    let mut at_unit = |reader: &mut BitReader<'_>, components: &mut Vec<Component>| {
        if restart > 0 && units > 0 && units.is_multiple_of(restart) {
            reader.restart();
            components.iter_mut().for_each(|c| c.pred = 0);
        }
        units += 1;
    };
    if let ([(index, _, _)], [coding]) = (members.as_slice(), codings.as_slice()) {
        // Non-interleaved: the component's own block grid, without MCU padding.
        let c = components
            .get(*index)
            .ok_or(DcError::Malformed("component"))?;
        let wide = (width * c.h).div_ceil(h_max).div_ceil(8);
        let high = (height * c.v).div_ceil(v_max).div_ceil(8);
        for y in 0..high {
            for x in 0..wide {
                at_unit(&mut reader, components);
                let c = components
                    .get_mut(*index)
                    .ok_or(DcError::Malformed("component"))?;
                decode_block(&mut reader, c, x, y, *coding)?;
            }
        }
    } else {
        let mcus_wide = width.div_ceil(8 * h_max);
        let mcus_high = height.div_ceil(8 * v_max);
        for my in 0..mcus_high {
            for mx in 0..mcus_wide {
                at_unit(&mut reader, components);
                for (&(index, _, _), &coding) in members.iter().zip(&codings) {
                    let c = components
                        .get_mut(index)
                        .ok_or(DcError::Malformed("component"))?;
                    for v in 0..c.v {
                        for h in 0..c.h {
                            decode_block(&mut reader, c, mx * c.h + h, my * c.v + v, coding)?;
                        }
                    }
                }
            }
        }
    }
    Ok(reader.end_of_scan())
}

fn decode_block(
    reader: &mut BitReader<'_>,
    c: &mut Component,
    x: usize,
    y: usize,
    coding: BlockCoding<'_>,
) -> Result<(), DcError> {
    let index = y * c.blocks_wide + x;
    match coding {
        BlockCoding::Sequential { dc, ac } => {
            let s = reader.decode(dc)?;
            c.pred += reader.receive_extend(s);
            store(c, index, c.pred);
            // The AC coefficients must be decoded to find the next block, but are discarded.
            let mut k = 1;
            while k < 64 {
                let rs = reader.decode(ac)?;
                let (run, size) = (rs >> 4, rs & 0x0F);
                if size == 0 {
                    if run != 15 {
                        break;
                    }
                    k += 16;
                } else {
                    reader.bits(u32::from(size));
                    k += usize::from(run) + 1;
                }
            }
        }
        BlockCoding::DcFirst { dc, shift } => {
            let s = reader.decode(dc)?;
            c.pred += reader.receive_extend(s);
            store(c, index, c.pred << shift);
        }
        BlockCoding::DcRefine { bit } => {
            if reader.bits(1) == 1 {
                if let Some(value) = c.plane.get_mut(index) {
                    *value |= 1 << bit;
                }
            }
        }
    }
    Ok(())
}

fn store(c: &mut Component, index: usize, value: i32) {
    if let Some(slot) = c.plane.get_mut(index) {
        *slot = value.clamp(i32::from(i16::MIN), i32::from(i16::MAX)) as i16;
    }
}

/// Turns the DC planes into an RGB image of `ceil(w/8) x ceil(h/8)` pixels.
fn finish(state: State) -> Result<DcImage, DcError> {
    let frame = state.frame.ok_or(DcError::Malformed("no frame header"))?;
    if state.scans == 0 {
        return Err(DcError::Malformed("no scan data"));
    }
    let (out_w, out_h) = (frame.width.div_ceil(8), frame.height.div_ceil(8));
    // Each component as 8-bit samples on the luma block grid (chroma upsampled).
    let mut samples = Vec::with_capacity(frame.components.len());
    for c in &frame.components {
        let q = i32::from(
            c.dc_quant
                .ok_or(DcError::Malformed("missing quantization table"))?,
        );
        let plane: Vec<u8> = c
            .plane
            .iter()
            .map(|&dc| {
                ((i32::from(dc) * q + 4) >> 3)
                    .saturating_add(128)
                    .clamp(0, 255) as u8
            })
            .collect();
        let (fx, fy) = (frame.h_max / c.h, frame.v_max / c.v);
        samples.push(super::upsample::bilinear(
            &plane,
            c.blocks_wide,
            c.blocks_high,
            fx,
            fy,
            out_w,
            out_h,
        ));
    }
    let rgb = match samples.as_slice() {
        [gray] => gray.iter().flat_map(|&g| [g, g, g]).collect(),
        [r, g, b] if state.adobe_transform == Some(0) => r
            .iter()
            .zip(g)
            .zip(b)
            .flat_map(|((&r, &g), &b)| [r, g, b])
            .collect(),
        [y, cb, cr] => super::color::ycbcr_to_rgb(y, cb, cr),
        _ => return Err(DcError::Unsupported("component layout")),
    };
    Ok(DcImage {
        width: u32::try_from(out_w).map_err(|_| DcError::Malformed("width"))?,
        height: u32::try_from(out_h).map_err(|_| DcError::Malformed("height"))?,
        rgb,
    })
}
