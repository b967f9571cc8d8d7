//! Shared test support: synthetic origin content, a real HTTP test origin, and the Viceroy
//! harness. Each integration test crate uses the parts it needs.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub(crate) mod banners;
pub(crate) mod cache_origin;
pub(crate) mod client;
pub(crate) mod configs;
pub(crate) mod experiments;
pub(crate) mod faults;
pub(crate) mod file_origin;
pub(crate) mod fixtures;
pub(crate) mod inputs;
pub(crate) mod jobs;
pub(crate) mod large_files;
pub(crate) mod large_jpeg;
pub(crate) mod models;
pub(crate) mod native;
pub(crate) mod origin;
pub(crate) mod pages;
pub(crate) mod report;
pub(crate) mod viceroy;
pub(crate) mod wasm_layout;
pub(crate) mod workerd;
