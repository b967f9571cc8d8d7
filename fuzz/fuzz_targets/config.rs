//! Fuzz target `config`: the harness `tailor_fuzzing::parsers::config` (see its documentation).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tailor_fuzzing::parsers::config(data));
