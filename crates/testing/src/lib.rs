//! Test support for Tailor, used only as a dev-dependency: the in-memory [`memory`] host that
//! implements the platform trait natively, and [`synthetic`] images for fixtures.
#![warn(missing_docs)]

pub mod hostile;
pub mod memory;
pub mod synthetic;
