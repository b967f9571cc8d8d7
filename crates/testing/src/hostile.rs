//! Crafted hostile inputs for tests (unit, native and end to end): JPEGs built so that two
//! readers that disagree on marker syntax see two different frames. Generated from valid files,
//! so no binary fixture needs shipping.

/// A SOF0 header (with its marker) declaring `width` x `height`, three 1x1 components.
pub fn frame_header(width: u16, height: u16) -> Vec<u8> {
    let mut sof = vec![0xFF, 0xC0, 0x00, 0x11, 8];
    sof.extend_from_slice(&height.to_be_bytes());
    sof.extend_from_slice(&width.to_be_bytes());
    sof.extend_from_slice(&[3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]);
    sof
}

/// `decoy` (a complete JPEG) with `hidden` (the segments of another JPEG after its SOI, e.g. a
/// frame header declaring gigapixels) put in front of it behind a standalone `marker` (RSTn or
/// TEM). A reader that takes the standalone marker for a segment reads the two bytes after it
/// as a length and jumps over `hidden` straight to the decoy's small frame; a reader that steps
/// over the two-byte marker reads `hidden` first. `None` when `hidden` is longer than that
/// jump (it starts with its first marker, so the jump is at least 65280 bytes).
pub fn frame_behind_standalone_marker(decoy: &[u8], hidden: &[u8], marker: u8) -> Option<Vec<u8>> {
    let jump = usize::from(u16::from_be_bytes([*hidden.first()?, *hidden.get(1)?]));
    if hidden.len() > jump {
        return None;
    }
    let mut out = vec![0xFF, 0xD8, 0xFF, marker];
    out.extend_from_slice(hidden);
    out.resize(4 + jump, 0);
    out.extend_from_slice(decoy.get(2..)?);
    Some(out)
}

/// `jpeg` with a copy of its frame header after the scan, just before EOI: one reader may stop
/// at the first scan, another read on to the second frame.
pub fn second_frame_after_scan(jpeg: &[u8]) -> Option<Vec<u8>> {
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0])?;
    let length = usize::from(u16::from_be_bytes([
        *jpeg.get(sof + 2)?,
        *jpeg.get(sof + 3)?,
    ]));
    let frame = jpeg.get(sof..sof + 2 + length)?;
    let mut out = jpeg.get(..jpeg.len().checked_sub(2)?)?.to_vec();
    out.extend_from_slice(frame);
    out.extend_from_slice(&[0xFF, 0xD9]);
    Some(out)
}

/// `jpeg` (baseline or progressive) with its frame header declaring `width` x `height` over the
/// data of its own size.
pub fn frame_resized(jpeg: &[u8], width: u16, height: u16) -> Option<Vec<u8>> {
    let sof = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC0] || w == [0xFF, 0xC2])?;
    let mut out = jpeg.to_vec();
    out.get_mut(sof + 5..sof + 7)?
        .copy_from_slice(&height.to_be_bytes());
    out.get_mut(sof + 7..sof + 9)?
        .copy_from_slice(&width.to_be_bytes());
    Some(out)
}

/// `jpeg` with `bytes` zero bytes added to its last scan's data (before EOI): as long as a scan
/// of that many blocks would be, whatever they decode to.
pub fn last_scan_padded(jpeg: &[u8], bytes: usize) -> Option<Vec<u8>> {
    let mut out = jpeg.get(..jpeg.len().checked_sub(2)?)?.to_vec();
    out.resize(out.len() + bytes, 0);
    out.extend_from_slice(&[0xFF, 0xD9]);
    Some(out)
}

/// `jpeg` with all its scans (from the first SOS to EOI) repeated `times` times.
pub fn scans_repeated(jpeg: &[u8], times: usize) -> Option<Vec<u8>> {
    let sos = jpeg.windows(2).position(|w| w == [0xFF, 0xDA])?;
    let scans = jpeg.get(sos..jpeg.len().checked_sub(2)?)?;
    let mut out = jpeg.get(..sos)?.to_vec();
    for _ in 0..times {
        out.extend_from_slice(scans);
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    Some(out)
}
