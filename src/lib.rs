//! Tailor: edge personalization and on-the-fly image variants for Fastly Compute and Cloudflare
//! Workers. This crate is the app: routing and orchestration over the host, the only async
//! code. It is generic over [`tailor_platform::Platform`], which the adapter crates
//! (`tailor-fastly`, `tailor-cloudflare`) implement; everything it decides, it decides by
//! calling the I/O-free crates below it (`tailor-core`, `tailor-image`, `tailor-config`).
#![warn(missing_docs)]

pub mod app;
mod bundle;
pub mod error;

pub use app::{handle, prepare, serve};
pub use bundle::Bundle;
pub use error::AppError;
/// How adapters turn the host's URL into the path and query the router sees.
pub use tailor_core::request_target;

/// The crate version, reported by `/healthz`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
