//! Visitor segmentation: the request context a decision is made from, rule conditions, the
//! first-match rule engine and experiment buckets.

pub mod buckets;
pub mod condition;
mod context;
pub mod cookies;
mod device;
mod headers;
mod rules;

pub use context::Geo;
pub use context::{RequestFacts, VisitorContext};
pub use device::DeviceClass;
pub use rules::{choose, forced, Decision, Rule, RuleSet};
