//! The fuzz harnesses: one `fn(&[u8])` per fuzz target, each feeding its bytes to the public
//! functions the edge itself calls (never a copy of them). `fuzz/` (cargo-fuzz, nightly) wraps
//! each in a libFuzzer target; `tests/fuzz_corpora.rs` replays every committed corpus and
//! regression input through the same functions on stable, so `make test` keeps them passing.
//! A harness returns on inputs the edge refuses and panics only on a broken invariant.
#![warn(missing_docs)]

mod demo;
pub mod identity;
pub mod image;
pub mod model;
pub mod page;
pub mod parsers;

/// A harness: one fuzz input in, a panic only on a broken invariant.
pub type Harness = fn(&[u8]);

/// Every fuzz target by name (the name of its `fuzz/fuzz_targets/*.rs` and corpus folder).
pub const TARGETS: &[(&str, Harness)] = &[
    ("image_transform", image::transform),
    ("image_url", image::url),
    ("sealed_cookie", identity::sealed_cookie),
    ("preview_token", identity::preview_token),
    ("config", parsers::config),
    ("beacon", parsers::beacon),
    ("recs_list", parsers::recs_list),
    ("page", page::rewrite),
    ("model", model::read),
];

/// Whether the demo deployment the harnesses run against loads; a harness that could not
/// load it would return early on every input, so the replay test checks this first.
pub fn demo_loads() -> bool {
    demo::signed().is_some() && demo::unsigned().is_some()
}
