//! `make bench` (third part): replays a synthetic request log — 10,000 images under a Zipf
//! popularity, 1,000,000 requests a day, a realistic mix of Accept headers, DPRs, devices,
//! named and free-form (200 distinct widths) image requests and banners — through Tailor's own
//! key function and LRU caches of several sizes that honour the config's TTL and
//! stale-while-revalidate window, with and without the width ladder. Writes the hit ratios
//! into BENCHMARKS.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::num::NonZeroUsize;
use tailor::app::{normalize_image_request, ImageInputs};
use tailor::cache_key::{cache_key, KeyParts};
use tailor::image::ClientFormats;
use tailor::Config;

const IMAGES: usize = 10_000;
const REQUESTS_PER_DAY: usize = 1_000_000;
const DAYS: usize = 7;
const ZIPF_S: f64 = 1.0;
const CACHE_SIZES: [usize; 2] = [200_000, STATED_SIZE];
/// The cache size the hit-ratio target is stated at (BENCHMARKS.md).
const STATED_SIZE: usize = 400_000;
const DAY_S: u64 = 86_400;

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
enum Route {
    Named,
    FreeForm,
    Banner,
}

struct Request {
    route: Route,
    key: u64,
    /// The output width in pixels (0 for banners): what the entry's size follows.
    width: u32,
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

/// The traffic: draws requests and computes each one's cache key by Tailor's own
/// normalization and key function under `config`.
struct Traffic<'c> {
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
    fn new(config: &'c Config) -> Self {
        Self {
            config,
            cdf: zipf_cdf(),
            rng: Rng(42),
        }
    }

    fn next(&mut self) -> Request {
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
        }
    }
}

/// An LRU of `size` entries whose entries are fresh for `ttl_s` and then servable while
/// stale for `swr_s` (one refresh renews them), as the platform caches keep them.
struct Cache {
    lru: lru::LruCache<u64, u64>,
    /// Per day, per route: (hits, requests).
    days: Vec<HashMap<Route, (u64, u64)>>,
    transforms: Vec<u64>,
}

impl Cache {
    fn new(size: usize) -> Self {
        Self::with(lru::LruCache::new(NonZeroUsize::new(size).unwrap()))
    }

    fn unbounded() -> Self {
        Self::with(lru::LruCache::unbounded())
    }

    fn with(lru: lru::LruCache<u64, u64>) -> Self {
        Self {
            lru,
            days: vec![HashMap::new(); DAYS],
            transforms: vec![0; DAYS],
        }
    }

    fn serve(&mut self, request: &Request, now_s: u64, ttl_s: u64, swr_s: u64) {
        let day = (now_s / DAY_S) as usize;
        let age = self.lru.get(&request.key).map(|&stored| now_s - stored);
        let hit = age.is_some_and(|a| a < ttl_s + swr_s);
        if age.is_none_or(|a| a >= ttl_s) {
            // A miss, or a stale hit that one request refreshes: a transform either way.
            self.lru.put(request.key, now_s);
            for &sibling in &request.siblings {
                self.lru.put(sibling, now_s);
            }
            if request.route != Route::Banner {
                self.transforms[day] += 1;
            }
        }
        let entry = self.days[day].entry(request.route).or_default();
        entry.0 += u64::from(hit);
        entry.1 += 1;
    }

    fn ratio(&self, day: usize, routes: &[Route]) -> f64 {
        let (hits, total) = routes
            .iter()
            .filter_map(|r| self.days[day].get(r))
            .fold((0, 0), |(h, t), (a, b)| (h + a, t + b));
        hits as f64 / total.max(1) as f64
    }
}

/// One replay: a week of traffic under `config`, with the edge keeping images `ttl_s`, through
/// an LRU of each of `sizes` entries.
struct Run {
    caches: Vec<(usize, Cache)>,
    /// Distinct keys per route over the week.
    distinct: HashMap<Route, usize>,
    /// Day 1 through a cache that never forgets: the most any cache can hit on a cold day.
    day1_bound: f64,
    /// Mean output pixels of the distinct image keys (a 3:2 picture of the key's width).
    mean_pixels: f64,
}

fn run(config: &Config, ttl_s: u64, sizes: &[usize]) -> Run {
    let swr = u64::from(config.cache.stale_while_revalidate_seconds);
    let banner_ttl = u64::from(config.cache.banner_ttl_seconds);
    let mut caches: Vec<(usize, Cache)> = sizes.iter().map(|&s| (s, Cache::new(s))).collect();
    let mut traffic = Traffic::new(config);
    let mut distinct: HashMap<Route, HashSet<u64>> = HashMap::new();
    let mut unbounded = Cache::unbounded();
    let mut pixels = 0.0;
    for i in 0..DAYS * REQUESTS_PER_DAY {
        let now_s = i as u64 * DAY_S / REQUESTS_PER_DAY as u64;
        let request = traffic.next();
        if distinct
            .entry(request.route)
            .or_default()
            .insert(request.key)
        {
            pixels += f64::from(request.width).powi(2) / 1.5;
        }
        if i < REQUESTS_PER_DAY {
            unbounded.serve(&request, now_s, u64::MAX / 2, 0);
        }
        // Lists are kept for the banner TTL and served stale as long again (`list_source`).
        let (ttl, stale) = if request.route == Route::Banner {
            (banner_ttl, banner_ttl)
        } else {
            (ttl_s, swr)
        };
        for (_, cache) in &mut caches {
            cache.serve(&request, now_s, ttl, stale);
        }
    }
    let images: usize = IMAGES_ROUTES
        .iter()
        .map(|r| distinct.get(r).map_or(0, HashSet::len))
        .sum();
    Run {
        caches,
        distinct: distinct.into_iter().map(|(r, s)| (r, s.len())).collect(),
        day1_bound: unbounded.ratio(0, &IMAGES_ROUTES),
        mean_pixels: pixels / images.max(1) as f64,
    }
}

const IMAGES_ROUTES: [Route; 2] = [Route::Named, Route::FreeForm];

fn pct(v: f64) -> String {
    format!("{:.1} %", 100.0 * v)
}

fn main() {
    let with_ladder = Config::bundled().unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(tailor::config::BUNDLED_JSON).unwrap();
    // Every width its own rung: the same as no ladder.
    doc["images"]["width_ladder"] = serde_json::json!((1..=4096).collect::<Vec<u32>>());
    let without_ladder = Config::from_json(doc.to_string().as_bytes()).unwrap();
    let edge_ttl = u64::from(with_ladder.cache.image_ttl_seconds);
    let browser_ttl = u64::from(with_ladder.cache.image_browser_ttl_seconds);
    let runs = [
        ("yes", edge_ttl, run(&with_ladder, edge_ttl, &CACHE_SIZES)),
        ("no", edge_ttl, run(&without_ladder, edge_ttl, &CACHE_SIZES)),
        // The edge keeping variants no longer than browsers do: what a short TTL costs.
        (
            "yes",
            browser_ttl,
            run(&with_ladder, browser_ttl, &[STATED_SIZE]),
        ),
    ];
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Written by `make bench` (`examples/replay.rs`): {DAYS} days of {REQUESTS_PER_DAY} requests a day over {IMAGES} images \
         (Zipf s = {ZIPF_S}): 65 % named variants (thumbnail 45 %, preview 40 %, full 15 %), 20 % \
         free-form widths (200 distinct values, 100–1294 px), 15 % banners (a uniformly drawn \
         reachable segment; what they share is the segment's list); Accept 65 % AVIF+WebP, 25 % WebP, 10 % \
         neither; devices 45 % desktop (1x/2x), 45 % phone (2x/3x), 10 % tablet (2x); 20 % of \
         requests carry a `utm_source`; the demo config (dpr buckets 1x and 2x, AVIF up to 320 px). \
         Keys come from Tailor's own normalization (`app::normalize_image_request`) and \
         `cache_key`; each cache is an LRU counted in entries that keeps an entry fresh for the \
         edge TTL and serves it stale for the config's stale-while-revalidate window while one \
         request refreshes it; a named-variant miss also fills its smaller siblings, as the \
         handler does. Day 1 starts from an empty cache.\n"
    );
    let _ = writeln!(
        out,
        "| ladder | edge TTL | cache entries | day 1 (cold): all images | day 2 | day {DAYS}: named variants | day {DAYS}: free-form | **day {DAYS}: all images** | day {DAYS}: banner lists | transforms on day {DAYS} |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|");
    let last = DAYS - 1;
    for (label, ttl, run) in &runs {
        for (size, cache) in &run.caches {
            let _ = writeln!(
                out,
                "| {label} | {} d | {size} | {} | {} | {} | {} | **{}** | {} | {} |",
                ttl / DAY_S,
                pct(cache.ratio(0, &IMAGES_ROUTES)),
                pct(cache.ratio(1, &IMAGES_ROUTES)),
                pct(cache.ratio(last, &[Route::Named])),
                pct(cache.ratio(last, &[Route::FreeForm])),
                pct(cache.ratio(last, &IMAGES_ROUTES)),
                pct(cache.ratio(last, &[Route::Banner])),
                cache.transforms[last],
            );
            eprintln!(
                "ladder={label} ttl={}d size={size}: by day {:?}",
                ttl / DAY_S,
                (0..DAYS)
                    .map(|d| pct(cache.ratio(d, &IMAGES_ROUTES)))
                    .collect::<Vec<_>>()
            );
        }
    }
    let stated = &runs[0].2;
    if let Some((_, cache)) = stated.caches.iter().find(|(s, _)| *s == STATED_SIZE) {
        let days: Vec<String> = (0..DAYS)
            .map(|d| pct(cache.ratio(d, &IMAGES_ROUTES)))
            .collect();
        let _ = writeln!(
            out,
            "\nAll images by day, ladder, {} d edge TTL, {STATED_SIZE} entries: {}.",
            edge_ttl / DAY_S,
            days.join(" → ")
        );
    }
    let _ = writeln!(
        out,
        "\nDay 1 alone (one cold {REQUESTS_PER_DAY}-request log) through a cache that never \
         forgets: {} of image requests hit with the ladder — the most any cache size reaches \
         from cold. Image keys of the week average {:.2} megapixels of output (a 3:2 picture \
         of each key's width).\n",
        pct(stated.day1_bound),
        stated.mean_pixels / 1e6
    );
    let _ = writeln!(out, "Distinct keys over the {DAYS} days:\n");
    let _ = writeln!(
        out,
        "| ladder | named variants | free-form | banner lists |"
    );
    let _ = writeln!(out, "|---|---|---|---|");
    for (label, _, run) in runs.iter().take(2) {
        let count = |r: Route| run.distinct.get(&r).copied().unwrap_or(0);
        let _ = writeln!(
            out,
            "| {label} | {} | {} | {} |",
            count(Route::Named),
            count(Route::FreeForm),
            count(Route::Banner)
        );
    }
    support::report::write_block("replay", &out);
    eprintln!("wrote BENCHMARKS.md");
}
