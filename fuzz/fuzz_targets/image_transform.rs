//! Fuzz target `image_transform`: the harness `tailor_fuzzing::image::transform` (see its
//! documentation), under an allocator that fails once the live heap would pass the hosts'
//! 128 MB. An over-budget allocation then aborts through `handle_alloc_error`, which libFuzzer
//! reports as a crash with its input: out of memory is a finding, not a host running dry.
#![no_main]

use cap::Cap;
use std::alloc::System;

/// The wasm hosts' memory (Fastly Compute and Cloudflare Workers both give 128 MB).
const HOST_MEMORY_BYTES: usize = 128 * 1024 * 1024;

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, HOST_MEMORY_BYTES);

libfuzzer_sys::fuzz_target!(|data: &[u8]| tailor_fuzzing::image::transform(data));
