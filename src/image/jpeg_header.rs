//! A JPEG marker walker that reads the frame header (SOF) without decoding anything: size,
//! precision, components and whether the file is progressive.

/// The facts of a JPEG frame header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JpegFrame {
    pub progressive: bool,
    pub precision: u8,
    pub width: u16,
    pub height: u16,
    /// (horizontal, vertical) sampling factors per component.
    pub sampling: Vec<(u8, u8)>,
}

impl JpegFrame {
    /// Coefficient-buffer bytes a progressive decode keeps: every component's 8x8 blocks as
    /// 16-bit values, at the component's own resolution.
    pub fn coefficient_bytes(&self) -> u64 {
        let h_max = self.sampling.iter().map(|s| s.0).max().unwrap_or(1).max(1);
        let v_max = self.sampling.iter().map(|s| s.1).max().unwrap_or(1).max(1);
        let (w, h) = (u64::from(self.width), u64::from(self.height));
        self.sampling
            .iter()
            .map(|&(hs, vs)| {
                let cw = (w * u64::from(hs)).div_ceil(u64::from(h_max)).div_ceil(8) * 8;
                let ch = (h * u64::from(vs)).div_ceil(u64::from(v_max)).div_ceil(8) * 8;
                cw * ch * 2
            })
            .sum()
    }
}

/// Finds the frame header. `None` when the data is not a JPEG or ends before the SOF marker.
pub fn read_frame(data: &[u8]) -> Option<JpegFrame> {
    if data.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut pos = 2;
    loop {
        // Markers may be preceded by fill bytes (0xFF).
        while *data.get(pos)? == 0xFF && *data.get(pos + 1)? == 0xFF {
            pos += 1;
        }
        if *data.get(pos)? != 0xFF {
            return None;
        }
        let marker = *data.get(pos + 1)?;
        let length = usize::from(u16::from_be_bytes([
            *data.get(pos + 2)?,
            *data.get(pos + 3)?,
        ]));
        let segment = data.get(pos + 4..pos + 2 + length)?;
        match marker {
            // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                return parse_sof(marker, segment);
            }
            0xD9 | 0xDA => return None, // end of image or scan data before any frame header
            _ => pos += 2 + length,
        }
    }
}

fn parse_sof(marker: u8, segment: &[u8]) -> Option<JpegFrame> {
    let precision = *segment.first()?;
    let height = u16::from_be_bytes([*segment.get(1)?, *segment.get(2)?]);
    let width = u16::from_be_bytes([*segment.get(3)?, *segment.get(4)?]);
    let count = usize::from(*segment.get(5)?);
    let sampling = (0..count)
        .map(|i| {
            let factors = *segment.get(6 + i * 3 + 1)?;
            Some((factors >> 4, factors & 0x0F))
        })
        .collect::<Option<Vec<_>>>()?;
    Some(JpegFrame {
        progressive: matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE),
        precision,
        width,
        height,
        sampling,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::synthetic;

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
    fn garbage_and_truncations_give_none() {
        assert_eq!(read_frame(b""), None);
        assert_eq!(read_frame(b"\xFF\xD8\xFF"), None);
        assert_eq!(read_frame(b"GIF89a"), None);
        let jpeg = synthetic::jpeg(&synthetic::photo(16, 16, 1), 80);
        for cut in 0..jpeg.len().min(400) {
            let _ = read_frame(&jpeg[..cut]);
        }
    }
}
