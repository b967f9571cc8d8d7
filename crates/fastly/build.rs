//! Links the Fastly wasm with 3 MiB of initial linear memory.
//!
//! Fastly runs every request in a fresh instance, and each `memory.grow` the allocator makes
//! costs about 30 µs in Viceroy (measured: the demo's banner and page requests peak at
//! 2.4–2.8 MB and grew past the linker's default of ~2.3 MB once or twice per request). Memory
//! that is declared but never touched costs nothing, and the peak a request reports
//! (`X-Tailor-Memory-Peak`) still shows any growth past 3 MiB.

fn main() {
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32");
    if wasm {
        println!("cargo:rustc-link-arg-bins=--initial-memory={}", 3 << 20);
    }
    println!("cargo:rerun-if-changed=build.rs");
}
