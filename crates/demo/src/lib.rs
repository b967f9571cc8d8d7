//! What the demo deployment bundles into the wasm: the config served when the host names
//! none, the recommendation list of last resort, the demo page's template and its trained
//! model. A real deployment replaces these files (or this crate) with its own.
#![warn(missing_docs)]

/// The demo configuration: the fallback when the host provides no config key.
pub const CONFIG_JSON: &str = include_str!("../../../demo/config.json");

/// The list served when neither KV nor any cache has one: a banner always renders.
pub const DEFAULT_LIST_JSON: &str = include_str!("../../../demo/default-recs.json");

/// The demo's trained model as `make demo-model` writes it and the demo KV publishes it:
/// the Fastly snapshot prepares it, so a banner ranks without reading the published copy
/// while the two are the same bytes.
pub const MODEL: &[u8] = include_bytes!("../../../demo/kv/recs/v3/model.tlrm");

/// The template of the demo page at `/`.
pub const PAGE_TEMPLATE: &str = include_str!("../../../demo/templates/index.html");
