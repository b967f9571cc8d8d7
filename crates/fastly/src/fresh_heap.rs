//! The Fastly wasm's allocator: after the build-time snapshot, requests make their small
//! allocations in memory the snapshot never touched, and leave the snapshot's heap as it was.
//!
//! Why: Fastly runs each request in a fresh instance whose memory starts as the snapshot's
//! image, mapped copy-on-write. The C library's allocator keeps its free lists and chunk
//! headers inside that image, so a request that allocates writes to pages it has already read:
//! each such page is copied, and the copy invalidates the old mapping on every other core that
//! runs the host process (an inter-processor interrupt). Measured in Viceroy, every request,
//! `/healthz` included, copied ten such pages; under load (`wrk`, 16 connections) `/healthz`
//! served about 3,100 requests/s, and about 4,800 with this allocator.
//!
//! So [`freeze`], called as pre-initialization ends, grows the memory by [`RESERVE_BYTES`]
//! (zero, so absent from the image), and from then on Rust's blocks under [`LARGE_BYTES`] come
//! from a second `dlmalloc` working in that reserve and in memory grown later. That allocator's
//! own state lives at the reserve's start too, not in a `static`: a static is in the image, and
//! the first allocation of every request would copy its page. Large blocks
//! (an image's rows and pixels) still come from the C library, so that Rust and C (libwebp)
//! keep one pool for them: what either side frees is there for the other, and a request near
//! the instance's memory limit still gets libwebp's out-of-memory error and its fallback rather
//! than a trap. A small block below the reserve was allocated before the snapshot: freeing it
//! leaves it alone (the prepared config lives as long as the instance), reallocating it copies.
//! A wasm that is not pre-initialized never calls [`freeze`] and allocates as before.
//!
//! The only unsafe code of the Fastly crate besides the Wizer export, in one module.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::mem::MaybeUninit;

const WASM_PAGE: usize = 64 * 1024;
/// Grown when pre-initialization ends: what a banner, a cached image or a page allocate in
/// small blocks, so that those requests grow the memory not at all.
const RESERVE_BYTES: usize = 16 * WASM_PAGE;
/// Past the reserve, the small blocks' memory grows at least this much at a time: each
/// `memory.grow` is a call into the runtime.
const GROW_AT_LEAST: usize = 4 * WASM_PAGE;
/// Blocks this large or larger stay with the C library's allocator.
const LARGE_BYTES: usize = 64 * 1024;

/// What the small blocks' allocator changes as requests run, at the start of the reserve: zero
/// in every fresh instance, as the reserve is.
#[repr(C)]
struct Fresh {
    /// Written before anything else here is read, so that the page's first touch in an
    /// instance is a write: that maps a new zero page, where a read first would map the shared
    /// zero page and the write then replace it, a change every other core must be told of.
    touched: u8,
    /// Whether `small` is set up in this instance.
    ready: bool,
    /// Whether the reserve past this state has been handed to `small`.
    reserve_taken: bool,
    small: MaybeUninit<dlmalloc::Dlmalloc<Reserve>>,
}

/// The reserve's bytes before the small blocks' memory: the state, rounded up.
const STATE_BYTES: usize = std::mem::size_of::<Fresh>().next_multiple_of(64);

/// Where the small blocks' `dlmalloc` gets memory: the reserve first, then `memory.grow`.
struct Reserve;

unsafe impl dlmalloc::Allocator for Reserve {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        let fresh = HEAP.fresh_ptr();
        let free_start = HEAP.frozen_below.get() + STATE_BYTES;
        let free_len = RESERVE_BYTES - STATE_BYTES;
        // SAFETY: `fresh` is the reserve's state (the heap is frozen, or dlmalloc would not
        // be asking); a field apart from the allocator's, which holds `small`.
        let taken = unsafe { &raw mut (*fresh).reserve_taken };
        if free_len >= size && !unsafe { taken.read() } {
            unsafe { taken.write(true) };
            return (
                std::ptr::with_exposed_provenance_mut(free_start),
                free_len,
                0,
            );
        }
        let pages = size.max(GROW_AT_LEAST).div_ceil(WASM_PAGE);
        match grow(pages) {
            Some(start) => (
                std::ptr::with_exposed_provenance_mut(start),
                pages * WASM_PAGE,
                0,
            ),
            None => (std::ptr::null_mut(), 0, 0),
        }
    }

    fn remap(&self, _ptr: *mut u8, _old: usize, _new: usize, _can_move: bool) -> *mut u8 {
        std::ptr::null_mut()
    }

    fn free_part(&self, _ptr: *mut u8, _old: usize, _new: usize) -> bool {
        false
    }

    fn free(&self, _ptr: *mut u8, _size: usize) -> bool {
        false
    }

    fn can_release_part(&self, _flags: u32) -> bool {
        false
    }

    fn allocates_zeros(&self) -> bool {
        true
    }

    fn page_size(&self) -> usize {
        WASM_PAGE
    }
}

/// The address of `pages` new wasm pages, or `None` when the memory cannot grow.
fn grow(pages: usize) -> Option<usize> {
    #[cfg(target_arch = "wasm32")]
    {
        let previous = core::arch::wasm32::memory_grow(0, pages);
        (previous != usize::MAX).then(|| previous * WASM_PAGE)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = pages;
        None
    }
}

/// Rust's allocator for the Fastly wasm.
pub(crate) struct FreshHeap {
    /// Zero until [`freeze`]; then the reserve's start, where its state ([`Fresh`]) is and
    /// below which every small block is the snapshot's. Only read after the snapshot.
    frozen_below: Cell<usize>,
}

// The wasm has one thread.
unsafe impl Sync for FreshHeap {}

impl std::fmt::Debug for FreshHeap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FreshHeap")
            .field("frozen_below", &self.frozen_below.get())
            .finish()
    }
}

#[global_allocator]
static HEAP: FreshHeap = FreshHeap {
    frozen_below: Cell::new(0),
};

/// Ends the snapshot's heap: called last in pre-initialization. Without memory to grow, the
/// wasm keeps allocating through the C library.
pub(crate) fn freeze() {
    if let Some(start) = grow(RESERVE_BYTES / WASM_PAGE) {
        HEAP.frozen_below.set(start);
    }
}

impl FreshHeap {
    /// Whether a block of `size` bytes is (or was) the C library's.
    fn is_c_library(&self, size: usize) -> bool {
        self.frozen_below.get() == 0 || size >= LARGE_BYTES
    }

    /// Whether a small block was allocated before the snapshot (below the reserve).
    fn is_snapshots(&self, ptr: *mut u8) -> bool {
        (ptr as usize) < self.frozen_below.get()
    }

    fn fresh_ptr(&self) -> *mut Fresh {
        std::ptr::with_exposed_provenance_mut(self.frozen_below.get())
    }

    #[allow(clippy::mut_from_ref)]
    unsafe fn small(&self) -> &mut dlmalloc::Dlmalloc<Reserve> {
        let fresh = self.fresh_ptr();
        // SAFETY: called only once frozen, so `fresh` is the reserve's state, grown for it and
        // zero in a fresh instance; one thread, and the allocator is not re-entered.
        // Through raw pointers to each field: `Reserve::alloc` reads and writes
        // `reserve_taken` while dlmalloc holds `small`.
        unsafe {
            std::ptr::write_volatile(&raw mut (*fresh).touched, 1);
            let ready = &raw mut (*fresh).ready;
            let small = (&raw mut (*fresh).small).cast::<dlmalloc::Dlmalloc<Reserve>>();
            if !ready.read() {
                small.write(dlmalloc::Dlmalloc::new_with_allocator(Reserve));
                ready.write(true);
            }
            &mut *small
        }
    }
}

// Not inlined: the allocator's entry points are inlined into every allocating call site
// otherwise, and dlmalloc with them (+830 KB of code).
unsafe impl GlobalAlloc for FreshHeap {
    #[inline(never)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if self.is_c_library(layout.size()) {
            return unsafe { System.alloc(layout) };
        }
        unsafe { self.small().malloc(layout.size(), layout.align()) }
    }

    #[inline(never)]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if self.is_c_library(layout.size()) {
            return unsafe { System.alloc_zeroed(layout) };
        }
        unsafe { self.small().calloc(layout.size(), layout.align()) }
    }

    #[inline(never)]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if self.is_c_library(layout.size()) {
            return unsafe { System.dealloc(ptr, layout) };
        }
        // A small block of the snapshot stays where it is: writing the C allocator's lists is
        // what this allocator exists to avoid.
        if !self.is_snapshots(ptr) {
            unsafe { self.small().free(ptr, layout.size(), layout.align()) }
        }
    }

    #[inline(never)]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let (was_c, now_c) = (
            self.is_c_library(layout.size()),
            self.is_c_library(new_size),
        );
        if was_c && now_c {
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        let snapshots = !was_c && self.is_snapshots(ptr);
        if !was_c && !now_c && !snapshots {
            return unsafe {
                self.small()
                    .realloc(ptr, layout.size(), layout.align(), new_size)
            };
        }
        // Between the two allocators, or out of the snapshot: a new block and a copy.
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return std::ptr::null_mut();
        };
        let moved = unsafe { self.alloc(new_layout) };
        if !moved.is_null() {
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        moved
    }
}
