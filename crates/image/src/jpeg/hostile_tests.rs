//! Hostile JPEGs: files built so that a probe and a decoder that read markers differently see
//! different frames. One walker serves both now, and every decoder holds itself to its budget.

use super::*;
use tailor_testing::{hostile, synthetic};

fn flat_gray_jpeg(width: u16, height: u16) -> Vec<u8> {
    let gray = vec![128u8; usize::from(width) * usize::from(height)];
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 50)
        .encode(&gray, width, height, jpeg_encoder::ColorType::Luma)
        .unwrap();
    out
}

fn limits(max_pixels: u64) -> DecodeLimits {
    DecodeLimits {
        max_pixels,
        max_bytes: 8 << 20,
    }
}

/// A 64x64 decoy in front of which a real 1024x1024 image hides behind `marker`.
fn hidden_real_image(marker: u8) -> Vec<u8> {
    let decoy = synthetic::jpeg(&synthetic::photo(64, 64, 3), 80);
    let hidden = flat_gray_jpeg(1024, 1024);
    hostile::frame_behind_standalone_marker(&decoy, &hidden[2..], marker).unwrap()
}

#[test]
fn jpeg_probe_and_decoder_agree_on_rst_markers() {
    for marker in [0xD0, 0xD3, 0xD7] {
        let file = hidden_real_image(marker);
        assert!(
            structure::read(&file).is_err(),
            "probe, RST{}",
            marker - 0xD0
        );
        let decoded = decoder::decode(&file, 8, limits(u64::MAX));
        assert!(
            matches!(decoded, Err(decoder::DecodeError::Structure(_))),
            "{decoded:?}"
        );
    }
}

#[test]
fn jpeg_probe_and_decoder_agree_on_tem_markers() {
    let file = hidden_real_image(0x01);
    assert!(structure::read(&file).is_err());
    assert!(decoder::decode(&file, 8, limits(u64::MAX)).is_err());
}

#[test]
fn a_hidden_frame_cannot_bypass_the_pixel_limit_through_the_pipeline() {
    use crate::{transform, ClientFormats, FormatRequest, Geometry, Job};
    for marker in [0xD0, 0x01] {
        let job = Job {
            geometry: Geometry::width(8),
            background: [255; 3],
            quality: None,
            format: FormatRequest::Auto,
            client: ClientFormats::default(),
            max_pixels: 100_000,
            max_output_side: 4096,
        };
        let result = transform(&hidden_real_image(marker), &job, &|| 0.0);
        assert!(result.is_err(), "the 1 MP hidden image was decoded");
    }
}

#[test]
fn a_second_frame_after_the_scan_is_refused_by_probe_and_decoder() {
    let jpeg = synthetic::jpeg(&synthetic::photo(64, 48, 1), 80);
    let twice = hostile::second_frame_after_scan(&jpeg).unwrap();
    assert_eq!(structure::read(&twice), Err(StructureError::SecondFrame));
    assert!(decoder::decode(&twice, 8, limits(u64::MAX)).is_err());
}

#[test]
fn the_decoder_refuses_a_frame_over_its_own_budget_before_allocating() {
    // A gigapixel frame header with no data: whatever a probe said, the decoder checks the
    // frame it parsed against the limits it was given.
    let mut file = vec![0xFF, 0xD8];
    file.extend_from_slice(&hostile::frame_header(65535, 65535));
    file.extend_from_slice(&[0xFF, 0xD9]);
    let refused = decoder::decode(&file, 8, limits(u64::MAX));
    assert!(
        matches!(refused, Err(decoder::DecodeError::TooLarge(_))),
        "{refused:?}"
    );
    let jpeg = synthetic::jpeg(&synthetic::photo(64, 48, 1), 80);
    let few_pixels = decoder::decode(&jpeg, 8, limits(64 * 47));
    assert!(matches!(few_pixels, Err(decoder::DecodeError::TooLarge(_))));
    assert!(decoder::decode(&jpeg, 8, limits(64 * 48)).is_ok());
}

#[test]
fn the_general_decoder_is_held_to_the_budget_and_the_walked_frame() {
    let jpeg = synthetic::jpeg(&synthetic::photo(64, 48, 1), 80);
    let frame = structure::read_frame(&jpeg).unwrap();
    let tight = DecodeLimits {
        max_pixels: u64::MAX,
        max_bytes: 1000,
    };
    assert!(matches!(
        scaled::decode(&jpeg, &frame, 1, tight),
        Err(ImageError::TooLarge(_))
    ));
    // A frame the walk did not find is never decoded.
    let other = JpegFrame {
        width: 640,
        ..frame.clone()
    };
    assert!(matches!(
        scaled::decode(&jpeg, &other, 1, limits(u64::MAX)),
        Err(ImageError::Undecodable(_))
    ));
    assert!(scaled::decode(&jpeg, &frame, 1, limits(u64::MAX)).is_ok());
}

#[test]
fn the_budget_check_and_the_decoder_use_the_same_figure() {
    for (w, h) in [(203u16, 131u16), (64, 48)] {
        let jpeg = synthetic::jpeg(&synthetic::photo(u32::from(w), u32::from(h), 2), 80);
        let frame = structure::read_frame(&jpeg).unwrap();
        for denominator in [8, 4] {
            let needed = decode_memory(&frame, denominator);
            let exact = DecodeLimits {
                max_pixels: u64::MAX,
                max_bytes: needed,
            };
            assert!(decoder::decode(&jpeg, denominator, exact).is_ok());
            let short = DecodeLimits {
                max_bytes: needed - 1,
                ..exact
            };
            assert!(decoder::decode(&jpeg, denominator, short).is_err());
        }
    }
}

/// A flat 64x64 JPEG (8x8 blocks of one colour at 1/8), baseline 4:4:4, with a restart
/// marker after every `restart` MCUs (none for 0); and where its entropy-coded data starts.
fn flat_red_jpeg(restart: u16) -> (Vec<u8>, usize) {
    let red: Vec<u8> = [200u8, 30, 30].repeat(64 * 64);
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 90);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_4_4);
    if restart > 0 {
        encoder.set_restart_interval(restart);
    }
    encoder
        .encode(&red, 64, 64, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    let sos = out.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    let length = usize::from(u16::from_be_bytes([out[sos + 2], out[sos + 3]]));
    (out, sos + 2 + length)
}

fn pixel(image: &decoder::ScaledImage, x: usize, y: usize) -> &[u8] {
    let at = (y * image.width as usize + x) * 3;
    &image.rgb[at..at + 3]
}

#[test]
fn a_scan_whose_data_runs_out_stops_and_leaves_its_other_blocks_grey() {
    // Decoding the zeros fed past the end costs as much as decoding data: a few kilobytes that
    // declare a huge frame and many such scans took half a second of CPU per request.
    let (jpeg, data_start) = flat_red_jpeg(0);
    let mut cut = jpeg[..data_start + 6].to_vec();
    cut.extend_from_slice(&[0xFF, 0xD9]);
    let image = decoder::decode(&cut, 8, limits(u64::MAX)).unwrap();
    assert_eq!((image.width, image.height), (8, 8));
    assert!(pixel(&image, 0, 0)[0] > 150, "{:?}", pixel(&image, 0, 0));
    for x in 0..8 {
        assert_eq!(pixel(&image, x, 7), [128, 128, 128], "x={x}");
    }
}

#[test]
fn an_interval_whose_data_runs_out_is_skipped_up_to_its_restart_marker() {
    // One MCU per interval: empty the third interval's data, keep its RST marker.
    let (jpeg, data_start) = flat_red_jpeg(1);
    let rst: Vec<usize> = (data_start..jpeg.len() - 1)
        .filter(|&i| jpeg[i] == 0xFF && (0xD0..=0xD7).contains(&jpeg[i + 1]))
        .collect();
    let mut damaged = jpeg[..rst[1] + 2].to_vec();
    damaged.extend_from_slice(&jpeg[rst[2]..]);
    let image = decoder::decode(&damaged, 8, limits(u64::MAX)).unwrap();
    let intact = decoder::decode(&jpeg, 8, limits(u64::MAX)).unwrap();
    assert_eq!(pixel(&image, 2, 0), [128, 128, 128]);
    for (x, y) in [(0, 0), (1, 0), (3, 0), (7, 7)] {
        assert_eq!(pixel(&image, x, y), pixel(&intact, x, y), "({x}, {y})");
    }
}
