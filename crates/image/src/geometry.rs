//! Output geometry: how an upright `W x H` image is fitted into a requested box — scale, crop
//! window and padding — computed before decoding so the decoder can shrink on load.

/// How the image meets the box (Cloudflare Images' vocabulary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FitMode {
    /// Fit inside the box, never enlarge (the default).
    ScaleDown,
    /// Fit inside the box; enlarges only when asked (`upscale`).
    Contain,
    /// Fill the box exactly, cropping the overflow; may enlarge.
    Cover,
    /// Fill the box, cropping the overflow, but never enlarge.
    Crop,
    /// Fit inside the box, then pad to exactly the box with the background colour.
    Pad,
}

impl FitMode {
    /// Reads a `fit=` value (`scale-down`, `contain`, `cover`, `crop`, `pad`); `None` otherwise.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "scale-down" => Some(Self::ScaleDown),
            "contain" => Some(Self::Contain),
            "cover" => Some(Self::Cover),
            "crop" => Some(Self::Crop),
            "pad" => Some(Self::Pad),
            _ => None,
        }
    }

    /// The `fit=` spelling, as used in cache keys.
    pub fn token(self) -> &'static str {
        match self {
            Self::ScaleDown => "scale-down",
            Self::Contain => "contain",
            Self::Cover => "cover",
            Self::Crop => "crop",
            Self::Pad => "pad",
        }
    }
}

/// Where the crop window (or the padded image) sits: a focal point on each axis in hundredths
/// (0 is the left or top edge, 100 the right or bottom, 50 the centre). A focal point is
/// quantized once, when it is parsed, so the cache key and the crop read the same value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gravity {
    x: u8,
    y: u8,
}

impl Gravity {
    /// The middle of the image on both axes (the default).
    pub const CENTER: Self = Self { x: 50, y: 50 };

    /// `center`, `top`, `bottom`, `left`, `right`, or a focal point `0.25x0.7` (each coordinate
    /// a plain decimal from 0 to 1, rounded to the nearest hundredth, halves up).
    pub fn parse(value: &str) -> Option<Self> {
        let named = |x, y| Some(Self { x, y });
        match value {
            "center" | "centre" => named(50, 50),
            "top" => named(50, 0),
            "bottom" => named(50, 100),
            "left" => named(0, 50),
            "right" => named(100, 50),
            _ => {
                let (x, y) = value.split_once('x')?;
                Some(Self {
                    x: hundredths(x)?,
                    y: hundredths(y)?,
                })
            }
        }
    }

    /// The focal point's horizontal position, 0 to 1.
    pub fn x(self) -> f64 {
        f64::from(self.x) / 100.0
    }

    /// The focal point's vertical position, 0 to 1.
    pub fn y(self) -> f64 {
        f64::from(self.y) / 100.0
    }

    /// The text form for cache keys: exactly the value the crop uses, to two decimals.
    pub fn token(self) -> String {
        let part = |v: u8| format!("{}.{:02}", v / 100, v % 100);
        format!("{}x{}", part(self.x), part(self.y))
    }
}

/// `0`, `1`, `0.` followed by up to 20 digits, or `1.0…`: a coordinate within 0..=1, to the
/// nearest hundredth. Anything else (signs, exponents, `.5`, values over 1) is refused.
fn hundredths(text: &str) -> Option<u8> {
    let (whole, fraction) = match text.split_once('.') {
        Some((_, "")) => return None,
        Some(parts) => parts,
        None => (text, ""),
    };
    if fraction.len() > 20 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digit = |i: usize| fraction.as_bytes().get(i).map_or(0, |b| b - b'0');
    let value = match whole {
        "0" => 10 * digit(0) + digit(1) + u8::from(digit(2) >= 5),
        "1" if fraction.bytes().all(|b| b == b'0') => 100,
        _ => return None,
    };
    Some(value)
}

/// The requested box and how to fill it. A missing side is unconstrained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    /// Box width in pixels.
    pub width: Option<u32>,
    /// Box height in pixels.
    pub height: Option<u32>,
    /// How the image meets the box.
    pub fit: FitMode,
    /// Where the crop window or the padded image sits.
    pub gravity: Gravity,
    /// Lets `contain` and `pad` enlarge an image smaller than the box.
    pub upscale: bool,
}

impl Geometry {
    /// A named variant: at most `width` wide, aspect kept, never enlarged.
    pub fn width(width: u32) -> Self {
        Self {
            width: Some(width),
            height: None,
            fit: FitMode::ScaleDown,
            gravity: Gravity::CENTER,
            upscale: false,
        }
    }
}

/// What to do to an upright `W x H` image.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Plan {
    /// The whole image is resized to this size (the decoder may shrink on load towards it)...
    pub scaled: (u32, u32),
    /// ...then this window of the scaled image is kept (x, y, w, h)...
    pub crop: (u32, u32, u32, u32),
    /// ...and placed at this offset on a canvas of this size (padding), which is the output.
    pub canvas: (u32, u32),
    pub offset: (u32, u32),
}

impl Plan {
    pub(crate) fn output(&self) -> (u32, u32) {
        self.canvas
    }
}

fn round(v: f64) -> u32 {
    (v.round() as u32).max(1)
}

/// Plans the fit of an upright `w x h` image. No side of the output exceeds `max_side`
/// (`limits.max_output_width`), whatever the fit mode and whichever sides were asked for: a
/// missing side is bounded by it too, and so is an enlargement.
pub(crate) fn plan(w: u32, h: u32, g: &Geometry, max_side: u32) -> Plan {
    let max_side = max_side.max(1);
    let (wf, hf) = (f64::from(w.max(1)), f64::from(h.max(1)));
    let box_w = g.width.map(|bw| bw.clamp(1, max_side));
    let box_h = g.height.map(|bh| bh.clamp(1, max_side));
    let sx = box_w.map_or(f64::INFINITY, |bw| f64::from(bw) / wf);
    let sy = box_h.map_or(f64::INFINITY, |bh| f64::from(bh) / hf);
    let fits_inside = sx.min(sy);
    let fills = match (box_w, box_h) {
        (Some(_), Some(_)) => sx.max(sy),
        _ => fits_inside,
    };
    let (scale, fill) = match g.fit {
        FitMode::ScaleDown => (fits_inside.min(1.0), false),
        FitMode::Contain | FitMode::Pad if g.upscale => (fits_inside, false),
        FitMode::Contain | FitMode::Pad => (fits_inside.min(1.0), false),
        FitMode::Cover => (fills, true),
        FitMode::Crop => (fills.min(1.0), true),
    };
    let scale = if scale.is_finite() { scale } else { 1.0 };
    if fill {
        // The scaled image is only a frame of reference here: the resize reads the crop window
        // out of the decoded pixels, so only the window (at most `max_side` a side) is made.
        let scaled = (round(wf * scale), round(hf * scale));
        let cw = box_w.unwrap_or(max_side).min(scaled.0);
        let ch = box_h.unwrap_or(max_side).min(scaled.1);
        let crop = (
            place(g.gravity.x(), scaled.0, cw),
            place(g.gravity.y(), scaled.1, ch),
            cw,
            ch,
        );
        return Plan {
            scaled,
            crop,
            canvas: (cw, ch),
            offset: (0, 0),
        };
    }
    let within = (f64::from(max_side) / wf).min(f64::from(max_side) / hf);
    let scale = scale.min(within);
    let scaled = (
        round(wf * scale).min(max_side),
        round(hf * scale).min(max_side),
    );
    let whole = (0, 0, scaled.0, scaled.1);
    let canvas = if g.fit == FitMode::Pad {
        (
            box_w.unwrap_or(scaled.0).max(scaled.0),
            box_h.unwrap_or(scaled.1).max(scaled.1),
        )
    } else {
        scaled
    };
    let offset = (
        (f64::from(canvas.0 - scaled.0) * g.gravity.x()).round() as u32,
        (f64::from(canvas.1 - scaled.1) * g.gravity.y()).round() as u32,
    );
    Plan {
        scaled,
        crop: whole,
        canvas,
        offset,
    }
}

/// Where a `window` starts on an axis of `size` so that the focal point is as central in it as
/// the edges allow.
fn place(focal: f64, size: u32, window: u32) -> u32 {
    let ideal = focal * f64::from(size) - f64::from(window) / 2.0;
    ideal
        .clamp(0.0, f64::from(size.saturating_sub(window)))
        .round() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(w: u32, h: u32, g: &Geometry) -> Plan {
        super::plan(w, h, g, 4096)
    }

    fn geometry(width: Option<u32>, height: Option<u32>, fit: FitMode) -> Geometry {
        Geometry {
            width,
            height,
            fit,
            gravity: Gravity::CENTER,
            upscale: false,
        }
    }

    #[test]
    fn scale_down_fits_inside_and_never_enlarges() {
        assert_eq!(
            plan(3000, 2000, &geometry(Some(500), None, FitMode::ScaleDown)).output(),
            (500, 333)
        );
        assert_eq!(
            plan(
                3000,
                2000,
                &geometry(Some(500), Some(100), FitMode::ScaleDown)
            )
            .output(),
            (150, 100)
        );
        assert_eq!(
            plan(300, 200, &geometry(Some(500), None, FitMode::ScaleDown)).output(),
            (300, 200)
        );
    }

    #[test]
    fn cover_fills_the_box_and_crops_at_the_gravity() {
        let p = plan(3000, 2000, &geometry(Some(400), Some(400), FitMode::Cover));
        assert_eq!((p.scaled, p.output()), ((600, 400), (400, 400)));
        assert_eq!(p.crop, (100, 0, 400, 400));
        let left = Geometry {
            gravity: Gravity::parse("left").unwrap(),
            ..geometry(Some(400), Some(400), FitMode::Cover)
        };
        assert_eq!(plan(3000, 2000, &left).crop.0, 0);
        let focal = Geometry {
            gravity: Gravity::parse("0.9x0.5").unwrap(),
            ..geometry(Some(400), Some(400), FitMode::Cover)
        };
        assert_eq!(
            plan(3000, 2000, &focal).crop.0,
            200,
            "clamped at the right edge"
        );
        // Cover may enlarge; crop may not.
        assert_eq!(
            plan(300, 200, &geometry(Some(600), Some(600), FitMode::Cover)).output(),
            (600, 600)
        );
        assert_eq!(
            plan(300, 200, &geometry(Some(600), Some(600), FitMode::Crop)).output(),
            (300, 200)
        );
    }

    #[test]
    fn pad_reaches_the_box_exactly() {
        let p = plan(3000, 2000, &geometry(Some(400), Some(400), FitMode::Pad));
        assert_eq!(
            (p.scaled, p.canvas, p.offset),
            ((400, 267), (400, 400), (0, 67))
        );
    }

    #[test]
    fn free_form_output_is_bounded_when_one_side_is_given() {
        let modes = [
            FitMode::ScaleDown,
            FitMode::Contain,
            FitMode::Cover,
            FitMode::Crop,
            FitMode::Pad,
        ];
        let originals = [(4000, 10), (10, 4000), (60000, 60000), (1, 1), (65535, 1)];
        let boxes = [
            (None, Some(4096)),
            (Some(4096), None),
            (Some(4096), Some(4096)),
            (None, Some(u32::MAX)),
            (Some(u32::MAX), Some(1)),
        ];
        for fit in modes {
            for upscale in [false, true] {
                for (w, h) in originals {
                    for (bw, bh) in boxes {
                        let g = Geometry {
                            upscale,
                            ..geometry(bw, bh, fit)
                        };
                        let p = super::plan(w, h, &g, 2000);
                        let (cw, ch) = p.output();
                        let what = format!("{fit:?} up={upscale} {w}x{h} in {bw:?}x{bh:?}: {p:?}");
                        assert!(
                            (1..=2000).contains(&cw) && (1..=2000).contains(&ch),
                            "{what}"
                        );
                        assert!(p.crop.2 <= cw && p.crop.3 <= ch, "{what}");
                        assert!(p.crop.0 + p.crop.2 <= p.scaled.0, "{what}");
                        assert!(p.offset.0 + p.crop.2 <= cw, "{what}");
                        if !matches!(fit, FitMode::Cover | FitMode::Crop) {
                            assert!(p.scaled.0 <= 2000 && p.scaled.1 <= 2000, "{what}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn named_variants_of_tall_images_are_bounded_too() {
        // 100x60000 at a 500-wide variant: never enlarged, but not 60000 high either.
        assert_eq!(
            super::plan(100, 60000, &Geometry::width(500), 4096).output(),
            (7, 4096)
        );
    }

    #[test]
    fn gravity_parsing() {
        assert_eq!(Gravity::parse("centre"), Some(Gravity::CENTER));
        assert_eq!(Gravity::parse("0.25x1"), Some(Gravity { x: 25, y: 100 }));
        assert_eq!(Gravity::parse("0x1.000"), Some(Gravity { x: 0, y: 100 }));
        for bad in [
            "1.5x0",
            "1.01x0",
            "NaNx0",
            "north",
            "+0.5x0.5",
            ".5x.5",
            "0.5e0x0",
            "0.x0",
            "0.5x",
            "x0.5",
            "-0x0",
            "0.5x0.5x0.5",
            " 0.5x0.5",
        ] {
            assert_eq!(Gravity::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn focal_point_gravity_is_quantized_once_for_key_and_crop() {
        let fine = Gravity::parse("0.123x0.456").unwrap();
        let coarse = Gravity::parse("0.12x0.46").unwrap();
        assert_eq!(fine.token(), coarse.token());
        assert_eq!(fine, coarse, "one value for the key and the crop");
        assert_eq!(fine.token(), "0.12x0.46");
        assert_eq!(Gravity::parse("0.995x0.125").unwrap().token(), "1.00x0.13");
        // A wide image, where a thousandth of the width moves the crop.
        let cover = |gravity| Geometry {
            gravity,
            ..geometry(Some(400), Some(400), FitMode::Cover)
        };
        assert_eq!(
            plan(12000, 2000, &cover(fine)).crop,
            plan(12000, 2000, &cover(coarse)).crop
        );
    }
}
