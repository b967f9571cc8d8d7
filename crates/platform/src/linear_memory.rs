//! The size of the wasm linear memory. It never shrinks, so at the end of a request it is the
//! request's high-water mark (Fastly runs one request per instance).

/// Bytes of linear memory, or `None` when not running as wasm.
pub fn linear_memory_bytes() -> Option<u64> {
    #[cfg(target_arch = "wasm32")]
    {
        Some(core::arch::wasm32::memory_size(0) as u64 * 65_536)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        None
    }
}
