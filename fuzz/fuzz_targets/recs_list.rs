//! Fuzz target `recs_list`: the harness `tailor_fuzzing::parsers::recs_list` (see its documentation).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tailor_fuzzing::parsers::recs_list(data));
