//! One scan's entropy-coded data → the component buffers: sequential blocks straight through the
//! scaled IDCT, progressive DC/AC first and refinement passes into the kept coefficients.

use super::progressive::{self, Scan};
use super::tables::{Component, Frame, NOT_KEPT, ZIGZAG};
use super::{DecodeError, State};
use crate::jpeg::huffman::{BitReader, EntropyError, HuffmanTable};
use std::ops::Range;

/// How one scan's blocks are coded.
#[derive(Clone, Copy)]
enum Coding<'t> {
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
    AcFirst {
        ac: &'t HuffmanTable,
        band: (usize, usize),
        shift: u8,
    },
    AcRefine {
        ac: &'t HuffmanTable,
        band: (usize, usize),
        bit: u8,
    },
}

/// Decodes one scan from its entropy-coded data (`scan`, as the marker walk delimited it).
pub(super) fn decode_scan(
    data: &[u8],
    header: &[u8],
    scan: Range<usize>,
    state: &mut State,
    n: usize,
) -> Result<(), DecodeError> {
    let (frame, count) = frame_and_count(state.frame.as_mut(), header)?;
    let Some(&[ss, se, ah_al]) = header.get(1 + 2 * count..4 + 2 * count) else {
        return Err(DecodeError::Malformed("short scan header"));
    };
    let (band, ah, al) = (
        (usize::from(ss), usize::from(se).min(63)),
        ah_al >> 4,
        ah_al & 0x0F,
    );
    if frame.progressive && ss > 0 && n == 1 {
        return Ok(()); // AC detail is invisible at 1/8 scale
    }
    let mut members = Vec::with_capacity(count);
    for i in 0..count {
        let (index, c, ids) = member(frame, &state.quant, header, i)?;
        c.pred = 0;
        let dc = || {
            state
                .dc_tables
                .get(usize::from(ids >> 4))
                .and_then(Option::as_ref)
                .ok_or(EntropyError::MissingTable)
        };
        let ac = || {
            state
                .ac_tables
                .get(usize::from(ids & 0x0F))
                .and_then(Option::as_ref)
                .ok_or(EntropyError::MissingTable)
        };
        let coding = match (frame.progressive, ss, ah) {
            (false, _, _) => Coding::Sequential {
                dc: dc()?,
                ac: ac()?,
            },
            (true, 0, 0) => Coding::DcFirst {
                dc: dc()?,
                shift: al,
            },
            (true, 0, _) => Coding::DcRefine { bit: al },
            (true, _, 0) => Coding::AcFirst {
                ac: ac()?,
                band,
                shift: al,
            },
            (true, _, _) => Coding::AcRefine {
                ac: ac()?,
                band,
                bit: al,
            },
        };
        members.push((index, coding));
    }
    state.scans += 1;
    // The reader sees the scan's own data only: it can never run on past the marker the walk
    // ends the scan at.
    let data = data.get(..scan.end).unwrap_or(data);
    let mut scan = Scan {
        reader: BitReader::new(data, scan.start),
        eob_run: 0,
    };
    if members.is_empty() {
        return Ok(()); // a scan of no component codes nothing (T.81 asks for one to four)
    }
    let restart = state.restart_interval;
    let (width, height, h_max, v_max) = (frame.width, frame.height, frame.h_max, frame.v_max);
    let components = &mut frame.components;
    // Units (blocks of a non-interleaved scan, MCUs of an interleaved one) in coding order: a
    // single component is coded over its own block grid, without MCU padding.
    let single = match members.as_slice() {
        [(index, coding)] => Some((*index, *coding)),
        _ => None,
    };
    let (wide, high) = match single.and_then(|(index, _)| components.get(index)) {
        Some(c) => (
            (width * c.h).div_ceil(h_max).div_ceil(8),
            (height * c.v).div_ceil(v_max).div_ceil(8),
        ),
        None => (width.div_ceil(8 * h_max), height.div_ceil(8 * v_max)),
    };
    let units = wide * high;
    let mut unit = 0usize;
    while unit < units {
        if restart > 0 && unit > 0 && unit.is_multiple_of(restart) {
            scan.reader.restart();
            scan.eob_run = 0;
            components.iter_mut().for_each(|c| c.pred = 0);
        }
        // Decoding the zeros a dry reader feeds costs as much as decoding data: a file of a few
        // kilobytes declaring a 35 MP frame and many scans cost half a second of CPU (found by
        // the image fuzz target). So a scan stops where its data does, and an interval waits
        // for its restart in one step; the blocks left stay grey or as earlier scans left them,
        // and progressive refinements and end-of-band runs lose nothing (zeros refine nothing).
        if scan.reader.ran_dry() {
            if restart > 0 && scan.reader.at_restart_marker() {
                unit = (unit / restart + 1) * restart;
                continue;
            }
            return Ok(());
        }
        let (x, y) = (unit % wide, unit / wide);
        if let Some((index, coding)) = single {
            let c = components
                .get_mut(index)
                .ok_or(DecodeError::Malformed("component"))?;
            block(&mut scan, c, x, y, coding)?;
        } else {
            for &(index, coding) in &members {
                let c = components
                    .get_mut(index)
                    .ok_or(DecodeError::Malformed("component"))?;
                for v in 0..c.v {
                    for h in 0..c.h {
                        block(&mut scan, c, x * c.h + h, y * c.v + v, coding)?;
                    }
                }
            }
        }
        unit += 1;
    }
    Ok(())
}

/// The frame a scan belongs to, and the number of components its header names.
fn frame_and_count<'f>(
    frame: Option<&'f mut Frame>,
    header: &[u8],
) -> Result<(&'f mut Frame, usize), DecodeError> {
    let frame = frame.ok_or(DecodeError::Malformed("scan before frame header"))?;
    let count = header
        .first()
        .ok_or(DecodeError::Malformed("short scan header"))?;
    Ok((frame, usize::from(*count)))
}

/// The scan's `i`th component and its table selectors, with the quantizers it was coded with
/// latched: the table in force at a component's first scan.
fn member<'f>(
    frame: &'f mut Frame,
    quant: &[Option<[u16; 64]>; 4],
    header: &[u8],
    i: usize,
) -> Result<(usize, &'f mut Component, u8), DecodeError> {
    let Some(&[id, ids]) = header.get(1 + 2 * i..3 + 2 * i) else {
        return Err(DecodeError::Malformed("short scan header"));
    };
    let unknown = DecodeError::Malformed("unknown component");
    let index = frame
        .components
        .iter()
        .position(|c| c.id == id)
        .ok_or(unknown.clone())?;
    let c = frame.components.get_mut(index).ok_or(unknown)?;
    if c.quant.is_none() {
        c.quant = quant.get(c.quant_table).copied().flatten();
    }
    Ok((index, c, ids))
}

/// A scan another reader decodes: only its components' quantizers are latched, as
/// [`decode_scan`] would.
pub(super) fn latch_quantizers(header: &[u8], state: &mut State) -> Result<(), DecodeError> {
    let (frame, count) = frame_and_count(state.frame.as_mut(), header)?;
    for i in 0..count {
        member(frame, &state.quant, header, i)?;
    }
    state.scans += 1;
    Ok(())
}

fn block(
    scan: &mut Scan<'_>,
    c: &mut Component,
    x: usize,
    y: usize,
    coding: Coding<'_>,
) -> Result<(), DecodeError> {
    let index = y * c.blocks_wide + x;
    let r = &mut scan.reader;
    match coding {
        Coding::Sequential { dc, ac } => {
            let quant = c
                .quant
                .as_ref()
                .ok_or(DecodeError::Malformed("missing quantization table"))?;
            let mut coefs = [0f32; 16];
            let s = r.decode(dc)?;
            // Wrapping, as libjpeg's int arithmetic and jpeg-decoder's do: a crafted stream of
            // large DC differences must not overflow (found by the image fuzz target).
            c.pred = c.pred.wrapping_add(r.receive_extend(s));
            coefs[0] = c.pred as f32 * f32::from(quant[0]);
            let mut k = 1;
            while k <= c.last_kept {
                let (run, size, value) = r.ac_coefficient(ac)?;
                if size == 0 {
                    if run != 15 {
                        k = 64;
                        break;
                    }
                    k += 16;
                    continue;
                }
                k += usize::from(run);
                let at = c.kept.get(k).copied().unwrap_or(NOT_KEPT);
                if at != NOT_KEPT {
                    let q = ZIGZAG
                        .get(k)
                        .and_then(|&nat| quant.get(nat))
                        .copied()
                        .unwrap_or(0);
                    if let Some(slot) = coefs.get_mut(usize::from(at)) {
                        *slot = value as f32 * f32::from(q);
                    }
                }
                k += 1;
            }
            // The rest of the block is invisible at this scale: step over it.
            while k < 64 {
                let (run, size) = r.skip_ac(ac)?;
                if size == 0 {
                    if run != 15 {
                        break;
                    }
                    k += 16;
                    continue;
                }
                k += usize::from(run) + 1;
            }
            let (w, h) = (c.idct.width(), c.idct.height());
            let stride = c.blocks_wide * w;
            c.idct
                .block(&coefs, &mut c.samples, y * h * stride + x * w, stride);
        }
        Coding::DcFirst { dc, shift } => {
            let s = r.decode(dc)?;
            c.pred = c.pred.wrapping_add(r.receive_extend(s));
            let value = c.pred << shift;
            progressive::Block { c, index }.set(0, value);
        }
        Coding::DcRefine { bit } => {
            if r.bits(1) == 1 {
                let per_block = c.idct.width() * c.idct.height();
                if let Some(value) = c.coefs.get_mut(index * per_block) {
                    *value |= 1 << bit;
                }
            }
        }
        Coding::AcFirst { ac, band, shift } => {
            progressive::ac_first(scan, progressive::Block { c, index }, ac, band, shift)?
        }
        Coding::AcRefine { ac, band, bit } => {
            progressive::ac_refine(scan, progressive::Block { c, index }, ac, band, bit)?
        }
    }
    Ok(())
}
