//! Shared test support: synthetic origin content, a real HTTP test origin, and the Viceroy
//! harness. Each integration test crate uses the parts it needs.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod banners;
pub mod cache_origin;
pub mod client;
pub mod fixtures;
pub mod inputs;
pub mod jobs;
pub mod native;
pub mod origin;
pub mod pages;
pub mod report;
pub mod viceroy;
pub mod workerd;
