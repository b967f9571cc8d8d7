//! The structure walk over valid, truncated, padded and hostile JPEGs.

use super::*;
use tailor_testing::{hostile, synthetic};

#[test]
fn reads_a_baseline_frame() {
    let jpeg = synthetic::jpeg(&synthetic::photo(64, 48, 1), 80);
    let frame = read_frame(&jpeg).unwrap();
    assert!(!frame.progressive);
    assert_eq!((frame.width, frame.height, frame.precision), (64, 48, 8));
    assert_eq!(frame.sampling.len(), 3);
}

#[test]
fn coefficient_bytes_follow_subsampling() {
    let frame = JpegFrame {
        marker: 0xC2,
        progressive: true,
        precision: 8,
        width: 16,
        height: 16,
        sampling: vec![(2, 2), (1, 1), (1, 1)],
    };
    // Luma 16x16 + two 8x8 chroma planes, 2 bytes per coefficient.
    assert_eq!(frame.coefficient_bytes(), (256 + 64 + 64) * 2);
}

#[test]
fn completeness_needs_an_end_marker_after_the_scan() {
    let jpeg = synthetic::jpeg(&synthetic::photo(64, 48, 1), 80);
    assert!(read(&jpeg).is_ok());
    assert!(read(&jpeg[..jpeg.len() - 2]).is_err());
    assert!(read(&jpeg[..jpeg.len() / 2]).is_err());
    let mut padded = jpeg.clone();
    padded.extend_from_slice(&[0; 16]);
    assert!(read(&padded).is_ok());
}

#[test]
fn a_second_frame_header_is_refused_wherever_it_is() {
    let jpeg = synthetic::jpeg(&synthetic::photo(16, 16, 1), 80);
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    let length = usize::from(u16::from_be_bytes([jpeg[sof + 2], jpeg[sof + 3]]));
    let frame = jpeg[sof..sof + 2 + length].to_vec();
    // Right after the first frame, and after the scan (before EOI).
    let mut twice = jpeg[..sof + 2 + length].to_vec();
    twice.extend_from_slice(&frame);
    twice.extend_from_slice(&jpeg[sof + 2 + length..]);
    assert_eq!(read(&twice), Err(StructureError::SecondFrame));
    let mut after_scan = jpeg[..jpeg.len() - 2].to_vec();
    after_scan.extend_from_slice(&frame);
    after_scan.extend_from_slice(&[0xFF, 0xD9]);
    assert_eq!(read(&after_scan), Err(StructureError::SecondFrame));
}

#[test]
fn garbage_and_truncations_give_none() {
    assert_eq!(read_frame(b""), None);
    assert_eq!(read_frame(b"\xFF\xD8\xFF"), None);
    assert_eq!(read_frame(b"GIF89a"), None);
    let jpeg = synthetic::jpeg(&synthetic::photo(16, 16, 1), 80);
    for cut in 0..jpeg.len().min(400) {
        let _ = read_frame(&jpeg[..cut]);
    }
}

#[test]
fn a_scan_shorter_than_its_blocks_need_is_refused() {
    let jpeg = synthetic::jpeg(&synthetic::photo(64, 48, 1), 80);
    let huge = hostile::frame_resized(&jpeg, 4096, 4096).unwrap();
    assert!(
        matches!(read(&huge), Err(StructureError::ShortScan { scan: 1, .. })),
        "{:?}",
        read(&huge)
    );
    // As long as its blocks could be, it is read (what it decodes to is the decoder's).
    let padded = hostile::last_scan_padded(&huge, 4096 * 4096 * 3 / 64 / 4).unwrap();
    assert!(read(&padded).is_ok(), "{:?}", read(&padded));
}

#[test]
fn more_scans_than_the_limit_are_refused() {
    let mut progressive = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut progressive, 80);
    encoder.set_progressive(true);
    let photo = synthetic::photo(32, 32, 1);
    encoder
        .encode(photo.as_raw(), 32, 32, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    let count = walk(&progressive)
        .filter(|s| s.as_ref().is_ok_and(|s| s.marker == SOS))
        .count();
    let within = hostile::scans_repeated(&progressive, MAX_SCANS / count).unwrap();
    assert!(read(&within).is_ok());
    let over = hostile::scans_repeated(&progressive, MAX_SCANS / count + 1).unwrap();
    assert_eq!(read(&over), Err(StructureError::TooManyScans));
}
