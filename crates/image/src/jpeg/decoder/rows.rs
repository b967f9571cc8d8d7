//! A decode's planes kept as the scans left them and rendered into RGB rows on request, band
//! by band: a large photo's reduced variants are resized from its planes, with no whole RGB
//! picture (37.5 MB for a 50 MP photo at 1/2) and no chroma plane upsampled whole beside it.

use super::output::{grid_of, render_coefficients};
use super::{DecodeError, State};
use crate::jpeg::color;
use crate::jpeg::upsample::{bilinear_rows, Upsampling};

/// One component's samples as decoded, and how they map onto the output grid.
struct Plane {
    samples: Vec<u8>,
    grid: Upsampling,
}

/// How the planes become RGB.
#[derive(Clone, Copy)]
enum Colour {
    Gray,
    /// Already RGB (Adobe transform 0).
    Rgb,
    YCbCr,
}

/// A decoded frame's planes, rendered into RGB rows by [`PlaneRows::render`].
pub(in crate::jpeg) struct PlaneRows {
    planes: Vec<Plane>,
    colour: Colour,
    width: usize,
    height: usize,
    /// Per component, the band's rows upsampled onto the output grid (empty when the
    /// component is on it already and is read in place).
    upsampled: Vec<Vec<u8>>,
    rgb: Vec<u8>,
}

impl PlaneRows {
    /// The planes of a read frame at luma block side `n` (progressive coefficients rendered
    /// into samples first, and freed).
    pub(super) fn new(state: State, n: usize) -> Result<Self, DecodeError> {
        let mut frame = state
            .frame
            .ok_or(DecodeError::Malformed("no frame header"))?;
        if state.scans == 0 {
            return Err(DecodeError::Malformed("no scan data"));
        }
        let (width, height) = (frame.width.div_ceil(8 / n), frame.height.div_ceil(8 / n));
        let colour = match (frame.components.len(), state.adobe_transform) {
            (1, _) => Colour::Gray,
            (3, Some(0)) => Colour::Rgb,
            (3, _) => Colour::YCbCr,
            _ => return Err(DecodeError::Unsupported("component layout")),
        };
        let mut planes = Vec::with_capacity(frame.components.len());
        for c in &mut frame.components {
            if frame.progressive {
                render_coefficients(c)?;
            }
            c.coefs = Vec::new();
            c.nonzero = Vec::new();
            let grid = grid_of(c, n, (frame.h_max, frame.v_max), (width, height));
            if c.samples.len() < grid.sw * grid.sh || grid.sw < width.div_ceil(grid.fx) {
                return Err(DecodeError::Malformed(
                    "component planes shorter than the image",
                ));
            }
            planes.push(Plane {
                samples: std::mem::take(&mut c.samples),
                grid,
            });
        }
        Ok(Self {
            upsampled: vec![Vec::new(); planes.len()],
            planes,
            colour,
            width,
            height,
            rgb: Vec::new(),
        })
    }

    /// The output's width and height in pixels.
    pub(in crate::jpeg) fn size(&self) -> (usize, usize) {
        (self.width, self.height)
    }

    /// RGB rows `first..last` (clamped to the picture), the same pixels as those rows of the
    /// whole decode: chroma is upsampled row by row from the whole plane, so a band's edge
    /// rows blend the rows either side of it as the whole picture's do.
    pub(in crate::jpeg) fn render(&mut self, first: usize, last: usize) -> &mut [u8] {
        let last = last.min(self.height);
        let first = first.min(last);
        let width = self.width;
        let mut rows: Vec<Vec<&[u8]>> = Vec::with_capacity(self.planes.len());
        for (plane, band) in self.planes.iter().zip(&mut self.upsampled) {
            band.clear();
            let grid = plane.grid;
            if grid.fx == 1 && grid.fy == 1 {
                // On the output grid already (checked wide enough when made): read in place.
                rows.push(
                    (first..last)
                        .map(|y| {
                            let start = y.min(grid.sh.saturating_sub(1)) * grid.sw;
                            plane.samples.get(start..start + width).unwrap_or(&[])
                        })
                        .collect(),
                );
            } else {
                fit(band, (last - first) * width);
                bilinear_rows(&plane.samples, grid, first..last, band);
                rows.push(band.chunks_exact(width.max(1)).collect());
            }
        }
        fit(&mut self.rgb, (last - first) * width * 3);
        self.rgb.resize((last - first) * width * 3, 0);
        match (self.colour, rows.as_slice()) {
            (Colour::Gray, [gray]) => {
                for (px, &g) in self
                    .rgb
                    .chunks_exact_mut(3)
                    .zip(gray.iter().copied().flatten())
                {
                    px.copy_from_slice(&[g, g, g]);
                }
            }
            (Colour::Rgb, [r, g, b]) => color::interleave_rows_into(r, g, b, width, &mut self.rgb),
            (Colour::YCbCr, [y, cb, cr]) => color::ycbcr_rows_into(y, cb, cr, width, &mut self.rgb),
            _ => {}
        }
        &mut self.rgb
    }
}

/// Empties `buffer` with room for `len` bytes. A larger band's buffer is allocated anew, not
/// grown: growing would copy the old one and could double its capacity (a 4 MB band's RGB
/// became an 8 MB buffer when a later band was a row taller).
fn fit(buffer: &mut Vec<u8>, len: usize) {
    buffer.clear();
    if buffer.capacity() < len {
        *buffer = Vec::new();
        buffer.reserve_exact(len);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{decode, read_for_bands};
    use crate::budget::DecodeLimits;
    use crate::jpeg::tests::{encode, layouts};

    const UNLIMITED: DecodeLimits = DecodeLimits {
        max_pixels: u64::MAX,
        max_bytes: u64::MAX,
    };

    #[test]
    fn bands_of_rows_are_the_rows_of_the_whole_decode() {
        for (name, layout) in layouts() {
            let jpeg = encode(203, 117, layout);
            for denominator in [2, 4, 8] {
                let whole = decode(&jpeg, denominator, UNLIMITED).unwrap();
                let mut rows = read_for_bands(&jpeg, denominator, UNLIMITED)
                    .unwrap()
                    .into_rows()
                    .unwrap();
                let (width, height) = (whole.width as usize, whole.height as usize);
                assert_eq!(rows.size(), (width, height));
                for band in [1, 3, 7, 1000] {
                    let mut at = 0;
                    while at < height {
                        let end = (at + band).min(height);
                        assert_eq!(
                            rows.render(at, at + band),
                            &whole.rgb[at * width * 3..end * width * 3],
                            "{name} 1/{denominator} rows {at}..{end}"
                        );
                        at = end;
                    }
                }
            }
        }
    }
}
