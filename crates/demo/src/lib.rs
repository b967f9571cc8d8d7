//! What the demo deployment bundles into the wasm: the config served when the host names
//! none, the recommendation list of last resort, and the demo page's template. A real
//! deployment replaces these files (or this crate) with its own.
#![warn(missing_docs)]

/// The demo configuration: the fallback when the host provides no config key.
pub const CONFIG_JSON: &str = include_str!("../../../demo/config.json");

/// The list served when neither KV nor any cache has one: a banner always renders.
pub const DEFAULT_LIST_JSON: &str = include_str!("../../../demo/default-recs.json");

/// The template of the demo page at `/`.
pub const PAGE_TEMPLATE: &str = include_str!("../../../demo/templates/index.html");
