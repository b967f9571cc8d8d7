//! Fuzz target `beacon`: the harness `tailor_fuzzing::parsers::beacon` (see its documentation).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tailor_fuzzing::parsers::beacon(data));
