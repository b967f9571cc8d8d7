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

/// Where the crop window (or the padded image) sits, as a focal point in 0..=1 on each axis:
/// edges are 0 or 1, the centre 0.5.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gravity {
    pub x: f32,
    pub y: f32,
}

impl Gravity {
    pub const CENTER: Self = Self { x: 0.5, y: 0.5 };

    /// `center`, `top`, `bottom`, `left`, `right`, or a focal point `0.25x0.7`.
    pub fn parse(value: &str) -> Option<Self> {
        let named = |x, y| Some(Self { x, y });
        match value {
            "center" | "centre" => named(0.5, 0.5),
            "top" => named(0.5, 0.0),
            "bottom" => named(0.5, 1.0),
            "left" => named(0.0, 0.5),
            "right" => named(1.0, 0.5),
            _ => {
                let (x, y) = value.split_once('x')?;
                let (x, y): (f32, f32) = (x.parse().ok()?, y.parse().ok()?);
                let ok = |v: f32| v.is_finite() && (0.0..=1.0).contains(&v);
                (ok(x) && ok(y)).then_some(Self { x, y })
            }
        }
    }

    /// A stable text form for cache keys, to two decimals.
    pub fn token(self) -> String {
        format!("{:.2}x{:.2}", self.x, self.y)
    }
}

/// The requested box and how to fill it. A missing side is unconstrained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub fit: FitMode,
    pub gravity: Gravity,
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
pub struct Plan {
    /// The whole image is resized to this size (the decoder may shrink on load towards it)...
    pub scaled: (u32, u32),
    /// ...then this window of the scaled image is kept (x, y, w, h)...
    pub crop: (u32, u32, u32, u32),
    /// ...and placed at this offset on a canvas of this size (padding), which is the output.
    pub canvas: (u32, u32),
    pub offset: (u32, u32),
}

impl Plan {
    pub fn output(&self) -> (u32, u32) {
        self.canvas
    }
}

fn round(v: f64) -> u32 {
    (v.round() as u32).max(1)
}

/// Plans the fit of an upright `w x h` image.
pub fn plan(w: u32, h: u32, g: &Geometry) -> Plan {
    let (wf, hf) = (f64::from(w), f64::from(h));
    let sx = g.width.map_or(f64::INFINITY, |bw| f64::from(bw) / wf);
    let sy = g.height.map_or(f64::INFINITY, |bh| f64::from(bh) / hf);
    let fits_inside = sx.min(sy);
    let fills = match (g.width, g.height) {
        (Some(_), Some(_)) => sx.max(sy),
        _ => fits_inside,
    };
    let (scale, fill) = match g.fit {
        FitMode::ScaleDown => (fits_inside.min(1.0), false),
        FitMode::Contain | FitMode::Pad => (
            if g.upscale {
                fits_inside
            } else {
                fits_inside.min(1.0)
            },
            false,
        ),
        FitMode::Cover => (fills, true),
        FitMode::Crop => (fills.min(1.0), true),
    };
    let scale = if scale.is_finite() { scale } else { 1.0 };
    let scaled = (round(wf * scale), round(hf * scale));
    let whole = (0, 0, scaled.0, scaled.1);
    if fill {
        let cw = g.width.map_or(scaled.0, |bw| bw.min(scaled.0));
        let ch = g.height.map_or(scaled.1, |bh| bh.min(scaled.1));
        let place = |focal: f32, size: u32, window: u32| -> u32 {
            let ideal = f64::from(focal) * f64::from(size) - f64::from(window) / 2.0;
            ideal.clamp(0.0, f64::from(size - window)).round() as u32
        };
        let crop = (
            place(g.gravity.x, scaled.0, cw),
            place(g.gravity.y, scaled.1, ch),
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
    if g.fit == FitMode::Pad {
        let canvas = (
            g.width.unwrap_or(scaled.0).max(scaled.0),
            g.height.unwrap_or(scaled.1).max(scaled.1),
        );
        let offset = (
            ((f64::from(canvas.0 - scaled.0)) * f64::from(g.gravity.x)).round() as u32,
            ((f64::from(canvas.1 - scaled.1)) * f64::from(g.gravity.y)).round() as u32,
        );
        return Plan {
            scaled,
            crop: whole,
            canvas,
            offset,
        };
    }
    Plan {
        scaled,
        crop: whole,
        canvas: scaled,
        offset: (0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn gravity_parsing() {
        assert_eq!(Gravity::parse("centre"), Some(Gravity::CENTER));
        assert_eq!(Gravity::parse("0.25x1"), Some(Gravity { x: 0.25, y: 1.0 }));
        assert_eq!(Gravity::parse("1.5x0"), None);
        assert_eq!(Gravity::parse("NaNx0"), None);
        assert_eq!(Gravity::parse("north"), None);
    }
}
