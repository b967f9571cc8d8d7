//! The config document exactly as written (schema version 1), before validation.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub schema: u32,
    #[serde(default)]
    pub debug_token: Option<String>,
    #[serde(default)]
    pub stores: RawStores,
    pub consent: tailor_core::identity::Consent,
    #[serde(default)]
    pub visitor: RawVisitor,
    pub keys: RawKeys,
    pub segments: RawSegments,
    #[serde(default)]
    pub experiments: Vec<RawExperiment>,
    pub variants: BTreeMap<String, RawVariant>,
    pub banners: RawBanners,
    #[serde(default)]
    pub limits: RawLimits,
    #[serde(default)]
    pub cache: RawCache,
    #[serde(default)]
    pub images: RawImages,
    #[serde(default)]
    pub recs: super::recs::RawRecs,
    #[serde(default)]
    pub events: tailor_core::events::EventSettings,
}

/// The `images` section: free-form transforms, origin path prefixes, AVIF and dpr.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawImages {
    /// Free-form widths snap up to these, so the key space stays bounded.
    pub width_ladder: Vec<u32>,
    /// Free-form transforms without a valid `sig` are refused unless this is set.
    pub allow_unsigned: bool,
    /// Origin paths must start with one of these (empty: any path).
    pub path_prefixes: Vec<String>,
    /// AVIF is offered (and `format=avif` accepted) only for outputs up to this width; 0, the
    /// default, turns it off. Measured in Viceroy: 40–100 ms to encode a 150 px thumbnail,
    /// 10–25× WebP's cost, which a 50 ms CPU budget cannot carry by default.
    pub avif_max_width: u32,
    /// The top dpr bucket (1-3): `dpr` above it is served at it, so 3x screens can share 2x
    /// renditions and keys. Default 3 (no bucketing).
    pub max_dpr: u32,
}

impl Default for RawImages {
    fn default() -> Self {
        Self {
            width_ladder: vec![
                64, 96, 128, 160, 200, 256, 320, 400, 480, 560, 640, 720, 800, 960, 1080, 1200,
                1280, 1440, 1600, 1920, 2048, 2560, 3200, 3840,
            ],
            allow_unsigned: false,
            path_prefixes: Vec::new(),
            avif_max_width: 0,
            max_dpr: 3,
        }
    }
}

/// The `stores` section: where lists, originals and pages come from.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawStores {
    /// The KV store holding lists and models (default `tailor_kv`).
    pub kv: String,
    /// The backend originals and pages are fetched from (default `origin`).
    pub origin_backend: String,
    /// `/page/{path}` fetches `{pages_path}/{path}` from the origin backend.
    pub pages_path: String,
}

impl Default for RawStores {
    fn default() -> Self {
        Self {
            kv: "tailor_kv".into(),
            origin_backend: "origin".into(),
            pages_path: "/pages".into(),
        }
    }
}

/// The sealed visitor cookie.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawVisitor {
    /// The cookie's name (default `tailor_visitor`).
    pub cookie: String,
    /// Its `Max-Age`, and the oldest sealed cookie still opened (default 180 days).
    pub max_age_seconds: u32,
    /// The form new cookies are sealed in: `json` (default; every release reads it) or
    /// `compact` (half the bytes, read by releases since it was added). Both are read.
    pub cookie_form: tailor_core::identity::CookieForm,
}

impl Default for RawVisitor {
    fn default() -> Self {
        Self {
            cookie: "tailor_visitor".into(),
            // 180 days: within what European regulators accept for an audience-measurement
            // cookie (13 months at most).
            max_age_seconds: 180 * 86_400,
            cookie_form: tailor_core::identity::CookieForm::Json,
        }
    }
}

/// Ids of keys held in the secret store (`cookie-<id>`, `url-signing-<id>`, `preview-<id>`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKeys {
    /// Seals new visitor cookies.
    pub cookie: String,
    /// Older cookie keys still accepted when opening, during a rotation.
    #[serde(default)]
    pub cookie_previous: Vec<String>,
    /// Verifies the `sig` of free-form transforms.
    pub url_signing: String,
    /// Signs preview tokens; without it previews are off.
    #[serde(default)]
    pub preview: Option<String>,
    /// Older preview keys whose tokens are still accepted, during a rotation.
    #[serde(default)]
    pub preview_previous: Vec<String>,
    /// Tokens expiring further ahead than this are refused, so none lives forever.
    #[serde(default = "default_preview_lifetime")]
    pub preview_max_lifetime_seconds: u32,
}

/// A week: long enough for a review round, short enough that a leaked link dies.
fn default_preview_lifetime() -> u32 {
    7 * 86_400
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSegments {
    pub list: Vec<RawSegment>,
    pub rules: Vec<RawRule>,
    pub default: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSegment {
    pub id: String,
    pub template: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub name: String,
    pub segment: String,
    /// A condition document, parsed by `conditions` so errors can name nested places.
    #[serde(with = "super::embedded_json")]
    pub when: serde_json::Value,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExperiment {
    pub name: String,
    pub salt: String,
    pub arms: Vec<RawArm>,
    /// Experiments of one group are mutually exclusive.
    #[serde(default)]
    pub group: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArm {
    pub name: String,
    pub weight: u32,
    /// Segment → banner template this arm uses instead of the segment's own.
    #[serde(default)]
    pub templates: BTreeMap<String, String>,
    /// `model` or `list`: how this arm ranks banners (default: as the deployment does).
    #[serde(default)]
    pub ranking: Option<tailor_core::segment::buckets::Ranking>,
    /// Overrides of `recs.rerank` settings in this arm (any of its fields).
    #[serde(default, with = "super::embedded_json")]
    pub rerank: Option<serde_json::Map<String, serde_json::Value>>,
    /// Overrides of `recs.model` inference settings in this arm (any of its fields).
    #[serde(default, with = "super::embedded_json")]
    pub model: Option<serde_json::Map<String, serde_json::Value>>,
    /// The number of items a banner shows in this arm, instead of the slot's `max_items`.
    #[serde(default)]
    pub max_items: Option<usize>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVariant {
    pub width: u32,
    pub jpeg_quality: u8,
    pub webp_quality: u8,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBanners {
    pub slots: BTreeMap<String, RawSlot>,
    pub templates: BTreeMap<String, String>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSlot {
    pub max_items: usize,
    /// The image variant the banner's pictures use.
    pub image_variant: String,
}

/// The `limits` section: the most any request may read, decode, produce or spend.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawLimits {
    /// The largest original read from the origin or the cache, in bytes (default 50 MiB).
    pub max_input_bytes: usize,
    /// The largest original decoded, width x height in pixels (default 50 M, as imgproxy).
    pub max_input_pixels: u64,
    /// No side of any output, width or height, exceeds this, in pixels (default 4096).
    pub max_output_width: u32,
    /// The largest recommendation list read from KV or the cache, in bytes (default 1 MiB).
    pub max_list_bytes: usize,
    /// The longest image or page path, in bytes (default 1024; 1..=8192).
    pub max_path_bytes: usize,
    /// The MiniJinja fuel one template render may spend (default 50 000).
    pub template_fuel: u64,
    /// The most a rewritten page may decode to: bounds the work a compressed page (a gzip
    /// bomb inflates ~1000×) can cause; past it the page is cut off.
    pub max_page_bytes: u64,
    /// The largest model blob (a complete model, a head or a shard) read from KV; a bigger
    /// one is refused before it is read and the last good model keeps serving.
    pub max_model_bytes: usize,
}

impl Default for RawLimits {
    fn default() -> Self {
        Self {
            max_input_bytes: 50 * 1024 * 1024,
            max_input_pixels: 50_000_000,
            max_output_width: 4096,
            max_list_bytes: 1024 * 1024,
            max_path_bytes: 1024,
            template_fuel: 50_000,
            max_page_bytes: tailor_core::page::DEFAULT_MAX_PAGE_BYTES,
            max_model_bytes: 16 * 1024 * 1024,
        }
    }
}

/// The `cache` section: lifetimes in seconds and key budgets.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawCache {
    /// How long the edge keeps an image variant. Long, because a variant changes only when its
    /// original does (purge its path then) or its definition does (a new key).
    pub image_ttl_seconds: u32,
    /// How long browsers keep one (`Cache-Control`): short, since a browser cannot be purged.
    pub image_browser_ttl_seconds: u32,
    /// How long the edge keeps an original for the next variant of it: as long as the origin's
    /// `Cache-Control` allows, at most this (0: originals are not kept).
    pub original_ttl_seconds: u32,
    /// How long the edge keeps the list pointer, segment lists and model blobs (default 60).
    pub banner_ttl_seconds: u32,
    /// How long past its TTL a cached object may still be served while one request refreshes it.
    pub stale_while_revalidate_seconds: u32,
    /// `tailor check` fails when a config allows more keys than these.
    pub max_keys_per_image: u64,
    /// The budget for banner keys, as `max_keys_per_image` is for an image's keys.
    pub max_banner_keys: u64,
}

impl Default for RawCache {
    fn default() -> Self {
        Self {
            image_ttl_seconds: 2_592_000,
            image_browser_ttl_seconds: 86_400,
            original_ttl_seconds: 86_400,
            banner_ttl_seconds: 60,
            stale_while_revalidate_seconds: 3_600,
            max_keys_per_image: 200,
            max_banner_keys: 2_000,
        }
    }
}
