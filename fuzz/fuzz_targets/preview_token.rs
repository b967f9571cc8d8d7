//! Fuzz target `preview_token`: the harness `tailor_fuzzing::identity::preview_token` (see its documentation).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tailor_fuzzing::identity::preview_token(data));
