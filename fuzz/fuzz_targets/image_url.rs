//! Fuzz target `image_url`: the harness `tailor_fuzzing::image::url` (see its documentation).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tailor_fuzzing::image::url(data));
