//! Fuzz target `sealed_cookie`: the harness `tailor_fuzzing::identity::sealed_cookie` (see its documentation).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tailor_fuzzing::identity::sealed_cookie(data));
