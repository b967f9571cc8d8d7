//! The quality a JPEG was saved at, estimated from its luminance quantization table the way
//! libjpeg scales the standard one (the estimate ImageMagick and libvips report too).

use super::markers::{quant_tables, walk, DQT, SOS};

/// The standard luminance table (ITU-T T.81 K.1), which libjpeg's quality setting scales.
const STANDARD_LUMA: [u32; 64] = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
    92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/// The quality (1–100) whose libjpeg scaling of the standard table has the same sum as the
/// file's table 0 (luminance, by every encoder's convention); `None` when the file has none
/// before its first scan or the walk fails. An encoder with its own tables gets the quality
/// whose table quantizes about as coarsely overall.
pub(crate) fn estimate(data: &[u8]) -> Option<u8> {
    let table = walk(data)
        .map_while(Result::ok)
        .take_while(|segment| segment.marker != SOS)
        .filter(|segment| segment.marker == DQT)
        .find_map(|segment| luma_table_sum(segment.payload))?;
    let standard: u32 = STANDARD_LUMA.iter().sum();
    // libjpeg: scale = 5000 / q below 50, 200 - 2q from 50; each entry is scaled by scale/100.
    let scale = f64::from(table) * 100.0 / f64::from(standard);
    let quality = if scale <= 100.0 {
        (200.0 - scale) / 2.0
    } else {
        5000.0 / scale
    };
    Some(quality.round().clamp(1.0, 100.0) as u8)
}

/// The sum of table 0's entries in one DQT segment (which may hold several tables).
fn luma_table_sum(payload: &[u8]) -> Option<u32> {
    quant_tables(payload)
        .map_while(Result::ok)
        .find(|(id, _)| *id == 0)
        .map(|(_, table)| table.iter().map(|&v| u32::from(v)).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded_at(quality: u8) -> Vec<u8> {
        let mut out = Vec::new();
        let rgb = vec![128u8; 16 * 16 * 3];
        jpeg_encoder::Encoder::new(&mut out, quality)
            .encode(&rgb, 16, 16, jpeg_encoder::ColorType::Rgb)
            .unwrap_or_else(|e| unreachable!("{e}"));
        out
    }

    #[test]
    fn the_quality_an_encoder_was_given_is_read_back_from_its_tables() {
        for quality in [25, 30, 50, 75, 85, 90, 95, 100] {
            let estimate = estimate(&encoded_at(quality)).unwrap_or(0);
            assert!(
                estimate.abs_diff(quality) <= 1,
                "saved at {quality}, estimated {estimate}"
            );
        }
        // Below ~25 the coarsest entries clip at 255, so the estimate errs high, which only
        // ever serves fewer files as they are.
        for quality in [5, 10, 20] {
            let estimate = estimate(&encoded_at(quality)).unwrap_or(0);
            assert!(
                (quality..=quality + 10).contains(&estimate),
                "saved at {quality}, estimated {estimate}"
            );
        }
    }

    #[test]
    fn a_file_without_tables_has_no_estimate() {
        assert_eq!(estimate(&[0xFF, 0xD8, 0xFF, 0xD9]), None);
        assert_eq!(estimate(b"not a jpeg"), None);
        // A DQT cut short is no estimate rather than a misread.
        assert_eq!(
            estimate(&[0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x05, 0x00, 1, 2]),
            None
        );
    }
}
