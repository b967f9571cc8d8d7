//! Fuzz target `page`: the harness `tailor_fuzzing::page::rewrite` (see its documentation).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tailor_fuzzing::page::rewrite(data));
