//! Shared by the integration tests: the gbstats fixture file's types and a deviation tracker.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub(crate) mod deviation;
pub(crate) mod fixtures;
