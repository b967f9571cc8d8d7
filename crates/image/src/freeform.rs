//! Parameters of a free-form transform, `/img/_/{path}?w=&h=&fit=&gravity=&q=&bg=&dpr=&format=`,
//! normalized so equivalent requests share one cache key: widths snap up to the configured
//! ladder, defaults are filled in, unknown keys are ignored.

use super::format::FormatRequest;
use super::geometry::{FitMode, Geometry, Gravity};
use super::params::{parse_dpr, single, ParamError};

/// A parsed free-form transform request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FreeForm {
    /// Output size (already multiplied by `dpr` and snapped to the ladder), fit and gravity.
    pub geometry: Geometry,
    /// `q`, 1..=100, used for both JPEG and WebP; `None` leaves quality to the original's size.
    pub quality: Option<u8>,
    /// `format`; `auto` when not given.
    pub format: FormatRequest,
    /// `bg` as RGB: padding, and the backdrop for transparency in JPEG; white when not given.
    pub background: [u8; 3],
}

impl FreeForm {
    /// `max_dpr` is the highest dpr bucket: a higher `dpr` is served at it. Every transform key
    /// is read strictly — given at most once, never empty, exactly one of its valid spellings —
    /// since a signature covers the text and the text must mean one thing only.
    pub fn parse(
        query: &[(String, String)],
        ladder: &[u32],
        max_size: u32,
        max_dpr: u32,
    ) -> Result<Self, ParamError> {
        let (w, h) = (size(query, "w", max_size)?, size(query, "h", max_size)?);
        if w.is_none() && h.is_none() {
            return Err(ParamError::Missing("w or h"));
        }
        let dpr = value(query, "dpr", parse_dpr)?
            .unwrap_or(1)
            .min(max_dpr.max(1));
        let (width, height) = snap(w.map(|w| w * dpr), h.map(|h| h * dpr), ladder, max_size);
        let fit = value(query, "fit", FitMode::parse)?;
        let gravity = value(query, "gravity", Gravity::parse)?;
        let quality = value(query, "q", |v| {
            positive_integer(v).filter(|q| (1..=100).contains(q))
        })?;
        let background = value(query, "bg", parse_hex_color)?;
        let upscale = value(query, "upscale", |v| match v {
            "1" | "true" => Some(true),
            "0" | "false" => Some(false),
            _ => None,
        })?;
        let format = match single(query, "format")? {
            Some(v) => FormatRequest::parse(v)?,
            None => FormatRequest::Auto,
        };
        Ok(Self {
            geometry: Geometry {
                width,
                height,
                fit: fit.unwrap_or(FitMode::ScaleDown),
                gravity: gravity.unwrap_or(Gravity::CENTER),
                upscale: upscale.unwrap_or(false),
            },
            quality: quality.map(|q| q as u8),
            format,
            background: background.unwrap_or([255, 255, 255]),
        })
    }

    /// The normalized options for the cache key (the format token is added by the caller).
    pub fn key_options(&self) -> String {
        let g = &self.geometry;
        let side = |v: Option<u32>| v.map_or_else(|| "-".to_string(), |n| n.to_string());
        let [r, gr, b] = self.background;
        format!(
            "w={},h={},fit={},g={},q={},bg={r:02x}{gr:02x}{b:02x},up={}",
            side(g.width),
            side(g.height),
            g.fit.token(),
            g.gravity.token(),
            self.quality
                .map_or_else(|| "-".to_string(), |q| q.to_string()),
            u8::from(g.upscale)
        )
    }
}

/// The value of `key` read by `parse`, when given; a value it refuses is a `400` naming it.
fn value<T>(
    query: &[(String, String)],
    key: &'static str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, ParamError> {
    single(query, key)?
        .map(|v| {
            parse(v).ok_or_else(|| ParamError::Bad {
                key,
                value: v.chars().take(32).collect(),
            })
        })
        .transpose()
}

/// A side in pixels: 1 to `max`.
fn size(
    query: &[(String, String)],
    key: &'static str,
    max: u32,
) -> Result<Option<u32>, ParamError> {
    value(query, key, |v| {
        positive_integer(v).filter(|n| (1..=max).contains(n))
    })
}

/// Digits without a sign or leading zeros: one spelling per number.
fn positive_integer(value: &str) -> Option<u32> {
    let canonical = value.bytes().all(|b| b.is_ascii_digit()) && !value.starts_with('0');
    canonical.then(|| value.parse().ok()).flatten()
}

/// Snaps the width up to the ladder (the height follows it, keeping the requested aspect);
/// a lone height snaps by itself. Keys stay bounded by the ladder's length.
fn snap(
    width: Option<u32>,
    height: Option<u32>,
    ladder: &[u32],
    max: u32,
) -> (Option<u32>, Option<u32>) {
    let up = |n: u32| {
        ladder
            .iter()
            .copied()
            .find(|&step| step >= n)
            .unwrap_or(n)
            .min(max)
    };
    match (width, height) {
        (Some(w), h) => {
            let snapped = up(w);
            let h = h.map(|h| {
                ((f64::from(h) * f64::from(snapped) / f64::from(w)).round() as u32).clamp(1, max)
            });
            (Some(snapped), h)
        }
        (None, Some(h)) => (None, Some(up(h))),
        (None, None) => (None, None),
    }
}

fn parse_hex_color(value: &str) -> Option<[u8; 3]> {
    let hex = value.strip_prefix('#').unwrap_or(value);
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|c| u8::from_str_radix(c, 16).ok())
    };
    Some([channel(0)?, channel(2)?, channel(4)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    const LADDER: &[u32] = &[100, 200, 400, 800];

    fn parse(pairs: &[(&str, &str)]) -> Result<FreeForm, ParamError> {
        FreeForm::parse(&crate::test_query(pairs), LADDER, 4096, 3)
    }

    #[test]
    fn widths_snap_up_the_ladder_and_heights_follow() {
        let f = parse(&[("w", "150"), ("h", "75"), ("fit", "cover")]).unwrap();
        assert_eq!(
            (f.geometry.width, f.geometry.height),
            (Some(200), Some(100))
        );
        let retina = parse(&[("w", "150"), ("dpr", "2")]).unwrap();
        assert_eq!(retina.geometry.width, Some(400));
        assert_eq!(
            parse(&[("w", "1000")]).unwrap().geometry.width,
            Some(1000),
            "beyond the ladder: as asked"
        );
    }

    #[test]
    fn equivalent_requests_share_a_key() {
        let a = parse(&[("w", "120"), ("utm_source", "x")]).unwrap();
        let b = parse(&[
            ("fit", "scale-down"),
            ("w", "190"),
            ("gravity", "center"),
            ("bg", "FFFFFF"),
        ])
        .unwrap();
        assert_eq!(a.key_options(), b.key_options());
        assert_eq!(
            a.key_options(),
            "w=200,h=-,fit=scale-down,g=0.50x0.50,q=-,bg=ffffff,up=0"
        );
    }

    #[test]
    fn bad_values_are_named() {
        for (key, value) in [
            ("w", "0"),
            ("w", "-5"),
            ("w", "99999"),
            ("h", "abc"),
            ("fit", "fill"),
            ("gravity", "north"),
            ("q", "101"),
            ("bg", "red"),
            ("dpr", "5"),
            ("w", "+100"),
            ("w", "0100"),
            ("q", "080"),
            ("upscale", "yes"),
            ("upscale", ""),
            ("fit", ""),
        ] {
            let err = parse(&[(key, value), ("w", "100")]).unwrap_err();
            assert!(err.to_string().contains(key), "{key}={value}: {err}");
        }
        assert!(matches!(
            parse(&[("fit", "cover")]),
            Err(ParamError::Missing(_))
        ));
    }

    #[test]
    fn upscale_is_only_zero_one_true_or_false() {
        for (value, upscale) in [("1", true), ("true", true), ("0", false), ("false", false)] {
            let f = parse(&[("w", "100"), ("upscale", value)]).unwrap();
            assert_eq!(f.geometry.upscale, upscale, "{value}");
        }
        for value in ["0&w=320", "2", "TRUE", "on", " 1"] {
            assert!(
                parse(&[("w", "100"), ("upscale", value)]).is_err(),
                "{value}"
            );
        }
    }

    #[test]
    fn a_transform_key_given_twice_is_refused() {
        for key in [
            "w", "h", "fit", "gravity", "q", "bg", "dpr", "format", "upscale",
        ] {
            let pairs = [("w", "100"), (key, "1"), (key, "1")];
            assert_eq!(
                parse(&pairs).unwrap_err(),
                ParamError::Duplicate(key),
                "{key}"
            );
        }
    }
}
