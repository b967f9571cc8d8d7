//! Tailor: edge personalization and on-the-fly image variants for Fastly Compute and Cloudflare
//! Workers, from one I/O-free core.
//!
//! The core modules (`config`, `segment`, `identity`, `recs`, `events`, `banner`, `page`,
//! `image`, `cache_key`) are plain functions over plain data. [`app::serve`] is the only async
//! code; it talks to the host through the [`platform::Platform`] trait, which the adapters in
//! [`platform`] implement.

pub mod app;
pub mod banner;
pub mod cache_key;
pub mod config;
pub mod constant_time;
pub mod error;
pub mod events;
pub mod identity;
pub mod image;
pub mod origin_ttl;
pub mod page;
pub mod platform;
pub mod recs;
pub mod segment;

pub use app::{handle, serve};
pub use config::Config;
pub use error::AppError;

/// The crate version, reported by `/healthz`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
