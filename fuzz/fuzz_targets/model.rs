//! Fuzz target `model`: the harness `tailor_fuzzing::model::read` (see its documentation).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tailor_fuzzing::model::read(data));
