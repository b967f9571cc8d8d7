//! The synthetic traffic: requests drawn from a fixed mix of routes, browsers, devices and
//! widths, each keyed by Tailor's own normalization and key function.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use tailor::app::{normalize_image_request, ImageInputs};
use tailor_config::Config;
use tailor_core::cache_key::{cache_key, KeyParts};
use tailor_image::ClientFormats;

const IMAGES: usize = super::IMAGES;
const ZIPF_S: f64 = super::ZIPF_S;

/// splitmix64: deterministic, so every run replays the same log.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// An index drawn by `weights`.
    fn pick(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut point = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if point < *w {
                return i;
            }
            point -= w;
        }
        weights.len() - 1
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) enum Route {
    Named,
    FreeForm,
    Banner,
}

pub(crate) struct Request {
    pub route: Route,
    pub key: u64,
    /// The output width in pixels (0 for banners): what the entry's size follows.
    pub width: u32,
    /// Keys a miss fills too: the smaller named variants made from the same decode.
    pub siblings: Vec<u64>,
    /// The key of the original a miss is made from (images only).
    pub original: Option<u64>,
}

fn zipf_cdf() -> Vec<f64> {
    let weights: Vec<f64> = (1..=IMAGES)
        .map(|r| 1.0 / (r as f64).powf(ZIPF_S))
        .collect();
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    weights
        .iter()
        .map(|w| {
            acc += w / total;
            acc
        })
        .collect()
}

fn hash(key: &str) -> u64 {
    let mut h = DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

/// The traffic: draws requests and computes each one's cache key by Tailor's own
/// normalization and key function under `config`.
pub(crate) struct Traffic<'c> {
    config: &'c Config,
    cdf: Vec<f64>,
    rng: Rng,
}

// Browsers: AVIF+WebP (Chrome, Edge, Firefox, Safari 16+), WebP only, neither.
const ACCEPTS: [&str; 3] = [
    "image/avif,image/webp,image/apng,image/*,*/*;q=0.8",
    "image/webp,image/png,image/*,*/*;q=0.8",
    "image/png,image/jpeg,*/*;q=0.5",
];
const ACCEPT_WEIGHTS: [f64; 3] = [0.65, 0.25, 0.10];
// Devices and their DPRs: desktop 1x/2x, phones 2x/3x, tablets 2x.
const DPRS: [[f64; 3]; 3] = [[0.60, 0.40, 0.0], [0.0, 0.40, 0.60], [0.0, 1.0, 0.0]];
const DEVICE_WEIGHTS: [f64; 3] = [0.45, 0.45, 0.10];
// Smallest first: a request's smaller siblings are the variants before it.
const VARIANTS: [&str; 3] = ["thumbnail", "preview", "full"];
const VARIANT_WEIGHTS: [f64; 3] = [0.45, 0.40, 0.15];

impl<'c> Traffic<'c> {
    pub(crate) fn new(config: &'c Config) -> Self {
        Self {
            config,
            cdf: zipf_cdf(),
            rng: Rng(42),
        }
    }

    pub(crate) fn next(&mut self) -> Request {
        let kind = self.rng.pick(&[0.65, 0.20, 0.15]);
        if kind == 2 {
            return self.banner();
        }
        let rng = &mut self.rng;
        let u = rng.unit();
        let image = self.cdf.partition_point(|&c| c < u);
        let accept = ACCEPTS[rng.pick(&ACCEPT_WEIGHTS)];
        let device = rng.pick(&DEVICE_WEIGHTS);
        let dpr = rng.pick(&DPRS[device]) + 1;
        let mut query: Vec<(String, String)> = Vec::new();
        if rng.unit() < 0.2 {
            query.push(("utm_source".into(), format!("mail-{}", rng.next() % 50)));
        }
        let mut sibling_paths = Vec::new();
        let (route, rest) = if kind == 0 {
            let pick = rng.pick(&VARIANT_WEIGHTS);
            sibling_paths = VARIANTS[..pick]
                .iter()
                .map(|v| format!("{v}/photos/p{image}.jpg"))
                .collect();
            (
                Route::Named,
                format!("{}/photos/p{image}.jpg", VARIANTS[pick]),
            )
        } else {
            let width = 100 + 6 * (rng.next() % 200);
            query.push(("w".into(), width.to_string()));
            (Route::FreeForm, format!("_/photos/p{image}.jpg"))
        };
        if dpr > 1 {
            query.push(("dpr".into(), dpr.to_string()));
        }
        let inputs = ImageInputs {
            config: self.config,
            query: &query,
            client: ClientFormats::from_accept(accept),
        };
        let key_of = |rest: &str| {
            let request = normalize_image_request(&inputs, rest).unwrap();
            let key = hash(&cache_key(&KeyParts::Image {
                variant: request.variant,
                format: request.format.key_token(request.job.client),
                dpr: request.dpr,
                settings: &request.settings,
                path: request.path,
            }));
            (key, request.job.geometry.width.unwrap_or(0))
        };
        let (key, width) = key_of(&rest);
        Request {
            route,
            key,
            width,
            siblings: sibling_paths.iter().map(|p| key_of(p).0).collect(),
            original: Some(hash(&cache_key(&KeyParts::Original {
                path: &format!("photos/p{image}.jpg"),
            }))),
        }
    }

    /// A banner's shared part: the segment's list in the platform cache (the banner itself is
    /// re-ranked per visitor).
    fn banner(&mut self) -> Request {
        let segments = &self.config.segments.reachable;
        let segment = &segments[(self.rng.next() % segments.len() as u64) as usize];
        Request {
            route: Route::Banner,
            key: hash(&cache_key(&KeyParts::List {
                segment,
                list_version: "v1",
            })),
            width: 0,
            siblings: Vec::new(),
            original: None,
        }
    }
}
