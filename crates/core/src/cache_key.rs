//! Cache keys: the one place that decides what a cached object depends on. Every input is
//! already normalized by its parser (ladder-snapped widths, dpr bucket, format token, sorted
//! and filtered options), so two requests that must share an object build the same key and
//! two that must not, never do. The full key is readable (shown in debug output); the
//! platform gets a fixed-length hash of it.

use crate::hex::lower_hex;
use sha2::{Digest, Sha256};
use std::fmt::Write;

mod surrogate;
pub use surrogate::{
    is_valid_surrogate_key, longest_plain_image_path, purge_key, surrogate_key, surrogate_keys,
    MAX_SURROGATE_KEYS_BYTES, MAX_SURROGATE_KEY_BYTES,
};

/// Bumped whenever the meaning of a key changes, so old entries are never misread.
pub const KEY_SCHEMA: u32 = 2;

/// What a cached object depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyParts<'a> {
    /// A banner payload: shared by every visitor of a segment, per template (an experiment arm
    /// can swap it), slot, list version and format, under one config version (templates and
    /// slot sizes live in the config).
    Banner {
        /// The visitor's segment.
        segment: &'a str,
        /// The banner template's name.
        template: &'a str,
        /// The slot's name.
        slot: &'a str,
        /// The live list version.
        list_version: &'a str,
        /// `html` or `json`.
        format: &'a str,
        /// The config version.
        config: &'a str,
    },
    /// A segment's recommendation list as read from KV: the per-segment payload every banner
    /// of the segment is assembled from.
    List {
        /// The segment whose list it is.
        segment: &'a str,
        /// The list version it was read under.
        list_version: &'a str,
    },
    /// The list pointer: which list version is live. Short-lived, so a publish shows quickly.
    ListPointer,
    /// The config document of a KV key, in this build's compiled form (validated, read
    /// without parsing JSON). Short-lived, so a publish shows quickly.
    Config {
        /// The KV store the config is read from.
        store: &'a str,
        /// The KV key holding it.
        key: &'a str,
    },
    /// The last config of that KV key that loaded, compiled: kept long, and read only when
    /// the live copy is missing, unreadable or refused.
    LastGoodConfig {
        /// The KV store the config is read from.
        store: &'a str,
        /// The KV key holding it.
        key: &'a str,
    },
    /// The last list of a segment that parsed, whatever its version: kept long, and read only
    /// when KV fails, so a broken store degrades to yesterday's list and not to the default.
    LastGoodList {
        /// The segment whose list it is.
        segment: &'a str,
    },
    /// A blob of the trained model as read from KV (checksum verified): the whole model or
    /// a sharded model's head (`model.tlrm`), or one shard (`shard-<n>.tlrm`).
    Model {
        /// The list version the model was published under.
        list_version: &'a str,
        /// The blob's name: `model.tlrm` or `shard-<n>.tlrm`.
        blob: &'a str,
    },
    /// The last model blob of that name that verified, whatever its version: served when KV
    /// fails or publishes a corrupt model.
    LastGoodModel {
        /// The blob's name: `model.tlrm` or `shard-<n>.tlrm`.
        blob: &'a str,
    },
    /// The live version (the pointer's value, in a header) with that version's model head as
    /// the body (empty when no model is published): one lookup where the pointer and the head
    /// would take two. Cached as long as the pointer and purged with it; `list_version` only
    /// tags it (one key, whatever the version).
    LiveHead {
        /// The live version: a tag only, not part of the key.
        list_version: &'a str,
    },
    /// An image variant: independent of the visitor, so no segment. `format` is the request's
    /// format token (`auto`, `auto-webp`, `auto-avif` or a fixed format), `dpr` its bucket,
    /// `settings` what the variant resolves to (`w500.q85.80` for a named variant, the
    /// normalized free-form options otherwise), so a changed variant definition is a new key.
    Image {
        /// The variant's name (`_` for free-form options).
        variant: &'a str,
        /// The format token: `auto`, `auto-webp`, `auto-avif` or a fixed format.
        format: &'a str,
        /// The dpr bucket.
        dpr: u32,
        /// What the variant resolves to.
        settings: &'a str,
        /// The origin image path.
        path: &'a str,
    },
    /// An original as the origin sent it: what every variant of `path` is made from, kept so a
    /// variant miss does not go back to the origin. Tagged with the path like its variants, so
    /// purging the path drops both.
    Original {
        /// The origin image path.
        path: &'a str,
    },
}

/// The full, human-readable key: shown in `X-Tailor-Cache-Key`.
pub fn cache_key(parts: &KeyParts<'_>) -> String {
    let mut key = format!("tailor/{KEY_SCHEMA}/");
    // Writing to a String cannot fail.
    let _ = match parts {
        KeyParts::Banner {
            segment,
            template,
            slot,
            list_version,
            format,
            config,
        } => write!(
            key,
            "banner/seg={segment}/tpl={template}/slot={slot}/list={list_version}/fmt={format}/cfg={config}"
        ),
        KeyParts::List {
            segment,
            list_version,
        } => write!(key, "list/seg={segment}/list={list_version}"),
        KeyParts::ListPointer => write!(key, "list-pointer"),
        KeyParts::Config { store, key: kv_key } => write!(key, "config/store={store}/key={kv_key}"),
        KeyParts::LastGoodConfig { store, key: kv_key } => {
            write!(key, "config-last-good/store={store}/key={kv_key}")
        }
        KeyParts::Model { list_version, blob } => {
            write!(key, "model/list={list_version}/blob={blob}")
        }
        KeyParts::LastGoodModel { blob } => write!(key, "model-last-good/blob={blob}"),
        KeyParts::LiveHead { .. } => write!(key, "live-head"),
        KeyParts::LastGoodList { segment } => write!(key, "list-last-good/seg={segment}"),
        KeyParts::Image {
            variant,
            format,
            dpr,
            settings,
            path,
        } => write!(
            key,
            "img/var={variant}/{settings}/fmt={format}/dpr={dpr}/{path}"
        ),
        KeyParts::Original { path } => write!(key, "original/{path}"),
    };
    key
}

/// The key the platform cache stores under: `t2-` and 32 hex digits of SHA-256 of the full
/// key. Fixed length whatever the path, and collisions are out of reach (128 bits).
pub fn platform_key(full_key: &str) -> String {
    format!(
        "t{KEY_SCHEMA}-{}",
        lower_hex(
            Sha256::digest(full_key.as_bytes())
                .get(..16)
                .unwrap_or_default()
        )
    )
}

/// A strong ETag for `body` stored under `full_key`: 96 bits of SipHash-1-3 over both. A
/// validator needs to tell versions of one URL apart, not to resist a forger (nobody gains by
/// making two of a URL's versions collide: a browser would keep its own older copy); SipHash
/// does that at a fraction of SHA-256's cost, which a banner paid on every request (about 4%
/// of its time in Viceroy).
pub fn etag(full_key: &str, body: &[u8]) -> String {
    use siphasher::sip128::{Hasher128, SipHasher13};
    use std::hash::Hasher;
    let mut hasher = SipHasher13::new();
    hasher.write(full_key.as_bytes());
    hasher.write(&[0]);
    hasher.write(body);
    let digest = hasher.finish128().as_bytes();
    format!("\"{}\"", lower_hex(digest.get(..12).unwrap_or_default()))
}

/// Whether an `If-None-Match` value names `etag` (`*`, or one of a comma-separated list;
/// weak validators compare equal, as RFC 9110 asks for GET).
pub fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let bare = etag.trim_start_matches("W/");
    if_none_match
        .split(',')
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == bare)
}

#[cfg(test)]
mod tests;
