//! The C library functions libwebp calls that `wasm32-unknown-unknown` has no libc for:
//! `malloc`, `calloc` and `free` over Rust's allocator (one heap for Rust and C, and a failed
//! allocation is a null pointer that libwebp reports as out of memory, never a trap), and
//! `qsort` and `bsearch`. `memcpy`, `memset` and the maths (`pow`, `log`) come with Rust's
//! compiler builtins. The Fastly build links wasi-libc instead. Only the wasm build exports
//! these names: natively they are ordinary functions (tested here), not the process's libc.
#![allow(unsafe_code)]
// These are C's signatures: every pointer is the caller's, as C's own functions take them.
#![allow(clippy::missing_safety_doc)]
// Natively only the tests call them; in wasm the linker does, by C's names, not Rust's paths.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
#![allow(unreachable_pub)]

use std::alloc::{alloc, alloc_zeroed, dealloc, Layout};
use std::ffi::{c_int, c_void};
use std::ptr::null_mut;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Bytes before each block, holding its size for `free`; 16 keeps the block aligned as C's
/// `max_align_t` requires.
const HEADER: usize = 16;

/// A C comparison function.
type Compare = Option<unsafe extern "C" fn(*const c_void, *const c_void) -> c_int>;

fn layout(size: usize) -> Option<Layout> {
    Layout::from_size_align(size.checked_add(HEADER)?, HEADER).ok()
}

/// The most C may hold at once: the image decode budget. libwebp's own estimate of a decode
/// cannot see everything a crafted file makes it allocate (a lossless WebP can declare
/// thousands of Huffman groups of ~12 KB each), and on Workers an isolate that grows past its
/// memory is ended, so the total is capped here, where the memory is taken: past it, `malloc`
/// returns null and libwebp reports out of memory (`413`).
pub const C_HEAP_LIMIT: usize = 100 * 1024 * 1024;

/// Bytes C holds now (the instance is single-threaded; atomics keep it safe regardless).
static C_HEAP_USED: AtomicUsize = AtomicUsize::new(0);

unsafe fn allocate(size: usize, zeroed: bool) -> *mut c_void {
    let Some(layout) = layout(size) else {
        return null_mut();
    };
    let used = C_HEAP_USED.load(Ordering::Relaxed);
    if used.saturating_add(layout.size()) > C_HEAP_LIMIT {
        return null_mut();
    }
    // SAFETY: the layout is never zero-sized (it holds the header).
    let base = unsafe {
        if zeroed {
            alloc_zeroed(layout)
        } else {
            alloc(layout)
        }
    };
    if base.is_null() {
        return null_mut();
    }
    C_HEAP_USED.fetch_add(layout.size(), Ordering::Relaxed);
    // SAFETY: `base` is a fresh block of at least HEADER bytes, aligned for a usize.
    unsafe {
        base.cast::<usize>().write(size);
        base.add(HEADER).cast()
    }
}

/// C's `malloc`.
#[cfg_attr(target_arch = "wasm32", unsafe(no_mangle))]
pub unsafe extern "C" fn malloc(size: usize) -> *mut c_void {
    // SAFETY: see `allocate`.
    unsafe { allocate(size, false) }
}

/// C's `calloc`: zeroed, and null when `count * size` overflows.
#[cfg_attr(target_arch = "wasm32", unsafe(no_mangle))]
pub unsafe extern "C" fn calloc(count: usize, size: usize) -> *mut c_void {
    match count.checked_mul(size) {
        // SAFETY: see `allocate`.
        Some(bytes) => unsafe { allocate(bytes, true) },
        None => null_mut(),
    }
}

/// C's `free`, of a pointer from `malloc` or `calloc` above (or null).
#[cfg_attr(target_arch = "wasm32", unsafe(no_mangle))]
pub unsafe extern "C" fn free(block: *mut c_void) {
    if block.is_null() {
        return;
    }
    // SAFETY: `block` came from `allocate`, so its header sits HEADER bytes before it and
    // holds the size the layout was made from.
    unsafe {
        let base = block.cast::<u8>().sub(HEADER);
        let size = base.cast::<usize>().read();
        if let Some(layout) = layout(size) {
            C_HEAP_USED.fetch_sub(layout.size(), Ordering::Relaxed);
            dealloc(base, layout);
        }
    }
}

/// C's `qsort`: an in-place heapsort (no allocation, O(n log n) comparisons).
#[cfg_attr(target_arch = "wasm32", unsafe(no_mangle))]
pub unsafe extern "C" fn qsort(base: *mut c_void, count: usize, size: usize, compare: Compare) {
    let Some(compare) = compare else { return };
    if base.is_null() || size == 0 || count < 2 {
        return;
    }
    let base = base.cast::<u8>();
    // SAFETY: the caller passes `count` elements of `size` bytes at `base`; every index used
    // below is less than `count`.
    let at = |i: usize| unsafe { base.add(i * size) };
    let less = |a: usize, b: usize| unsafe { compare(at(a).cast(), at(b).cast()) < 0 };
    let swap = |a: usize, b: usize| unsafe { std::ptr::swap_nonoverlapping(at(a), at(b), size) };
    let sift_down = |mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            break;
        }
        if child + 1 < end && less(child, child + 1) {
            child += 1;
        }
        if !less(root, child) {
            break;
        }
        swap(root, child);
        root = child;
    };
    for root in (0..count / 2).rev() {
        sift_down(root, count);
    }
    for end in (1..count).rev() {
        swap(0, end);
        sift_down(0, end);
    }
}

/// C's `bsearch`: an element equal to `key` in the sorted array, or null.
#[cfg_attr(target_arch = "wasm32", unsafe(no_mangle))]
pub unsafe extern "C" fn bsearch(
    key: *const c_void,
    base: *const c_void,
    count: usize,
    size: usize,
    compare: Compare,
) -> *mut c_void {
    let Some(compare) = compare else {
        return null_mut();
    };
    if base.is_null() || size == 0 {
        return null_mut();
    }
    let (mut low, mut high) = (0usize, count);
    while low < high {
        let middle = low + (high - low) / 2;
        // SAFETY: `middle < count`, within the caller's array.
        let element = unsafe { base.cast::<u8>().add(middle * size) };
        // SAFETY: the caller's comparison function over its key and element.
        match unsafe { compare(key, element.cast()) } {
            0 => return element.cast_mut().cast(),
            order if order < 0 => high = middle,
            _ => low = middle + 1,
        }
    }
    null_mut()
}

#[cfg(test)]
mod tests {
    use super::*;

    unsafe extern "C" fn by_value(a: *const c_void, b: *const c_void) -> c_int {
        // SAFETY: the tests sort u32s.
        let (a, b) = unsafe { (a.cast::<u32>().read(), b.cast::<u32>().read()) };
        a.cmp(&b) as c_int
    }

    #[test]
    fn qsort_sorts_and_bsearch_finds() {
        for n in [0usize, 1, 2, 3, 17, 256, 1000] {
            let mut values: Vec<u32> = (0..n as u32)
                .map(|i| i.wrapping_mul(2_654_435_761) % 997)
                .collect();
            let mut expected = values.clone();
            expected.sort_unstable();
            // SAFETY: a live vector of n u32s.
            unsafe { qsort(values.as_mut_ptr().cast(), n, 4, Some(by_value)) };
            assert_eq!(values, expected, "n = {n}");
            for probe in [0u32, 5, 996, 2000] {
                // SAFETY: as above.
                let found = unsafe {
                    bsearch(
                        (&raw const probe).cast(),
                        values.as_ptr().cast(),
                        n,
                        4,
                        Some(by_value),
                    )
                };
                assert_eq!(
                    found.is_null(),
                    !values.contains(&probe),
                    "n = {n}, {probe}"
                );
            }
        }
    }

    #[test]
    fn blocks_are_aligned_zeroed_on_request_and_freed() {
        // SAFETY: blocks used within their sizes, freed once.
        unsafe {
            let block = calloc(100, 3).cast::<u8>();
            assert!(!block.is_null());
            assert_eq!(block as usize % HEADER, 0);
            assert!((0..300).all(|i| block.add(i).read() == 0));
            free(block.cast());
            assert!(calloc(usize::MAX, 2).is_null());
            assert!(malloc(usize::MAX).is_null());
            free(null_mut());
        }
    }

    #[test]
    fn c_may_hold_at_most_the_limit_at_once() {
        let big = C_HEAP_LIMIT / 5 * 3;
        // SAFETY: the blocks are only allocated and freed.
        unsafe {
            let first = malloc(big);
            assert!(!first.is_null());
            assert!(malloc(big).is_null(), "two would pass the limit");
            free(first);
            let again = malloc(big);
            assert!(!again.is_null(), "freed memory counts no more");
            free(again);
        }
    }
}
