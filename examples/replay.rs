//! `make bench` (third part): replays a synthetic request log — 10,000 images under a Zipf
//! popularity, 1,000,000 requests, a realistic mix of Accept headers, DPRs, devices, named
//! and free-form (200 distinct widths) image requests and banners — through Tailor's own key
//! function and an LRU cache of several sizes, with and without the width ladder. Writes the
//! hit ratios into BENCHMARKS.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::hash_map::DefaultHasher;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::num::NonZeroUsize;
use tailor::app::{normalize_image_request, ImageInputs};
use tailor::cache_key::{cache_key, KeyParts};
use tailor::image::ClientFormats;
use tailor::Config;

const IMAGES: usize = 10_000;
const REQUESTS: usize = 1_000_000;
const ZIPF_S: f64 = 1.0;
const CACHE_SIZES: [usize; 3] = [50_000, 200_000, 1_000_000];

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

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Route {
    Named,
    FreeForm,
    Banner,
}

struct Request {
    route: Route,
    key: u64,
    /// Keys a miss fills too: the smaller named variants made from the same decode.
    siblings: Vec<u64>,
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

/// The log, with each request's cache key computed by Tailor's own normalization and key
/// function under `config`.
fn log(config: &Config) -> Vec<Request> {
    let cdf = zipf_cdf();
    let mut rng = Rng(42);
    // Browsers: AVIF+WebP (Chrome, Edge, Firefox, Safari 16+), WebP only, neither.
    let accepts = [
        "image/avif,image/webp,image/apng,image/*,*/*;q=0.8",
        "image/webp,image/png,image/*,*/*;q=0.8",
        "image/png,image/jpeg,*/*;q=0.5",
    ];
    let accept_weights = [0.65, 0.25, 0.10];
    // Devices and their DPRs: desktop 1x/2x, phones 2x/3x, tablets 2x.
    let dprs = [[0.60, 0.40, 0.0], [0.0, 0.40, 0.60], [0.0, 1.0, 0.0]];
    let device_weights = [0.45, 0.45, 0.10];
    // Smallest first: a request's smaller siblings are the variants before it.
    let variants = ["thumbnail", "preview", "full"];
    let variant_weights = [0.45, 0.40, 0.15];
    let widths: Vec<u32> = (0..200).map(|i| 100 + 6 * i).collect();
    let segments = &config.segments.reachable;
    let version = config.version.clone();
    // Two days of traffic: the first warms the cache, the second is measured (steady state).
    (0..2 * REQUESTS)
        .map(|_| {
            let kind = rng.pick(&[0.65, 0.20, 0.15]);
            if kind == 2 {
                let segment = &segments[rng.pick(&vec![1.0; segments.len()])];
                let template = if rng.unit() < 0.5 { "base" } else { "arm" };
                let slot = if rng.unit() < 0.6 { "hero" } else { "sidebar" };
                let format = if rng.unit() < 0.8 { "html" } else { "json" };
                let key = cache_key(&KeyParts::Banner {
                    segment,
                    template,
                    slot,
                    list_version: "v1",
                    format,
                    config: &version,
                });
                return Request {
                    route: Route::Banner,
                    key: hash(&key),
                    siblings: Vec::new(),
                };
            }
            let u = rng.unit();
            let image = cdf.partition_point(|&c| c < u);
            let accept = accepts[rng.pick(&accept_weights)];
            let device = rng.pick(&device_weights);
            let dpr = rng.pick(&dprs[device]) + 1;
            let mut query: Vec<(String, String)> = Vec::new();
            if rng.unit() < 0.2 {
                query.push(("utm_source".into(), format!("mail-{}", rng.next() % 50)));
            }
            let mut sibling_paths = Vec::new();
            let (route, rest) = if kind == 0 {
                let pick = rng.pick(&variant_weights);
                if dpr > 1 {
                    query.push(("dpr".into(), dpr.to_string()));
                }
                sibling_paths = variants[..pick]
                    .iter()
                    .map(|v| format!("{v}/photos/p{image}.jpg"))
                    .collect();
                (
                    Route::Named,
                    format!("{}/photos/p{image}.jpg", variants[pick]),
                )
            } else {
                let width = widths[(rng.next() % widths.len() as u64) as usize];
                query.push(("w".into(), width.to_string()));
                if dpr > 1 {
                    query.push(("dpr".into(), dpr.to_string()));
                }
                (Route::FreeForm, format!("_/photos/p{image}.jpg"))
            };
            let inputs = ImageInputs {
                config,
                query: &query,
                client: ClientFormats::from_accept(accept),
            };
            let key_of = |rest: &str| {
                let request = normalize_image_request(&inputs, rest).unwrap();
                hash(&cache_key(&KeyParts::Image {
                    variant: request.variant,
                    format: request.format.key_token(request.job.client),
                    dpr: request.dpr,
                    settings: &request.settings,
                    path: request.path,
                }))
            };
            Request {
                route,
                key: key_of(&rest),
                siblings: sibling_paths.iter().map(|p| key_of(p)).collect(),
            }
        })
        .collect()
}

/// Hit ratios by route for an LRU of `size` entries: over the first day from a cold cache,
/// and over the second day (steady state).
fn replay(log: &[Request], size: usize) -> (Vec<f64>, Vec<f64>) {
    let mut cache = lru::LruCache::new(NonZeroUsize::new(size).unwrap());
    let mut days: [std::collections::HashMap<Route, (u64, u64)>; 2] = Default::default();
    for (i, request) in log.iter().enumerate() {
        let hit = cache.get(&request.key).is_some();
        if !hit {
            cache.put(request.key, ());
            for &sibling in &request.siblings {
                cache.put(sibling, ());
            }
        }
        let entry = days[(i / REQUESTS).min(1)]
            .entry(request.route)
            .or_default();
        entry.0 += u64::from(hit);
        entry.1 += 1;
    }
    let ratios = |counts: &std::collections::HashMap<Route, (u64, u64)>| {
        let ratio = |routes: &[Route]| {
            let (hits, total) = routes
                .iter()
                .filter_map(|r| counts.get(r))
                .fold((0, 0), |(h, t), (a, b)| (h + a, t + b));
            hits as f64 / total.max(1) as f64
        };
        vec![
            ratio(&[Route::Named]),
            ratio(&[Route::FreeForm]),
            ratio(&[Route::Named, Route::FreeForm]),
            ratio(&[Route::Banner]),
        ]
    };
    (ratios(&days[0]), ratios(&days[1]))
}

fn distinct(log: &[Request], route: Route) -> usize {
    log.iter()
        .filter(|r| r.route == route)
        .map(|r| r.key)
        .collect::<std::collections::HashSet<_>>()
        .len()
}

fn main() {
    let with_ladder = Config::bundled().unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(tailor::config::BUNDLED_JSON).unwrap();
    // Every width its own rung: the same as no ladder.
    doc["images"]["width_ladder"] = serde_json::json!((1..=4096).collect::<Vec<u32>>());
    let without_ladder = Config::from_json(doc.to_string().as_bytes()).unwrap();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Written by `make bench` (`examples/replay.rs`): two days of {REQUESTS} requests each over {IMAGES} images \
         (Zipf s = {ZIPF_S}): 65 % named variants (thumbnail 45 %, preview 40 %, full 15 %), 20 % \
         free-form widths (200 distinct values, 100–1294 px), 15 % banners (every reachable \
         segment, two templates, two slots, HTML/JSON); Accept 65 % AVIF+WebP, 25 % WebP, 10 % \
         neither; devices 45 % desktop (1x/2x), 45 % phone (2x/3x), 10 % tablet (2x); 20 % of \
         requests carry a `utm_source`; the demo config's dpr buckets (1x, 2x: `images.max_dpr` = 2). Keys come from Tailor's own normalization \
         (`app::normalize_image_request`) and `cache_key`; the cache is an LRU counted in \
         entries; a named-variant miss also fills its smaller siblings, as the handler does. \
         Day 1 starts from an empty cache; day 2 (the same traffic mix, new draws) is \
         the steady state a running edge sees.\n"
    );
    let _ = writeln!(
        out,
        "| ladder | cache entries | day 1 (cold): all images | day 2: named variants | day 2: free-form | **day 2: all images** | day 2: banners |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    let mut distinct_rows = Vec::new();
    for (label, config) in [("yes", &with_ladder), ("no", &without_ladder)] {
        let log = log(config);
        distinct_rows.push((
            label,
            distinct(&log, Route::Named),
            distinct(&log, Route::FreeForm),
            distinct(&log, Route::Banner),
        ));
        for size in CACHE_SIZES {
            let (cold, warm) = replay(&log, size);
            let pct = |v: f64| format!("{:.1} %", 100.0 * v);
            let _ = writeln!(
                out,
                "| {label} | {size} | {} | {} | {} | **{}** | {} |",
                pct(cold[2]),
                pct(warm[0]),
                pct(warm[1]),
                pct(warm[2]),
                pct(warm[3])
            );
            eprintln!(
                "ladder={label} size={size}: cold {} warm {}",
                pct(cold[2]),
                pct(warm[2])
            );
        }
    }
    let _ = writeln!(out, "\nDistinct keys over both days:\n");
    let _ = writeln!(out, "| ladder | named variants | free-form | banners |");
    let _ = writeln!(out, "|---|---|---|---|");
    for (label, named, free, banner) in distinct_rows {
        let _ = writeln!(out, "| {label} | {named} | {free} | {banner} |");
    }
    support::report::write_block("replay", &out);
    eprintln!("wrote BENCHMARKS.md");
}
