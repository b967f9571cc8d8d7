//! Tailor's core: plain functions over plain data, with no I/O and no platform types.
//!
//! - [`segment`]: the visitor context parsed from a request, rule conditions, the first-match
//!   rule engine, experiment buckets.
//! - [`identity`]: the sealed visitor cookie, the consent gate, preview tokens.
//! - [`recs`]: recommendation lists (KV keys, version pointer, limits) and the per-request
//!   re-rank.
//! - [`events`]: beacon bodies.
//! - [`banner`]: the banner view model, the escaping template environment, JSON for HTML.
//! - [`page`]: streaming slot injection into origin pages, content decoding.
//! - [`cache_key`]: every cache key and surrogate key.
//! - [`origin_ttl`]: what an origin's `Cache-Control` allows a shared cache.
//! - [`accept`]: the `(token, q)` ranges of `Accept`-style headers.
//! - [`query`]: looking parameters up in a parsed query string.
//! - [`request_target`]: the path and query the router sees, normalized like a browser.
//! - [`constant_time`]: comparing secrets.
//! - [`hex`]: lowercase hex.
//! - [`signing`]: HMAC-SHA256 hex signatures and their constant-time check.
//!
//! Nothing here knows the config document or the host: the config crate builds these types,
//! the app crate feeds them request data.
#![warn(missing_docs)]

pub mod accept;
pub mod banner;
pub mod cache_key;
pub mod constant_time;
pub mod events;
pub mod hex;
pub mod identity;
pub mod image_path;
pub mod origin_ttl;
pub mod page;
pub mod query;
pub mod recs;
pub mod request_target;
pub mod segment;
pub mod signing;
