//! Bytes a host call writes into a buffer the program lends it: asked again with the size the
//! host names while its answer does not fit, up to a cap (the request's URL, the geo answer).
#![allow(unsafe_code)]

/// The bytes `call` writes, into a first buffer of `first` bytes and then one of the size the
/// host says it needs; `None` when the call fails otherwise or needs more than `max`.
///
/// # Safety
///
/// `call(buffer, size, &mut written)` must write at most `size` bytes at `buffer`, set
/// `written` to how many and return `true`; or return `false`, setting `written` to the size it
/// needs when the buffer was too small (and to no more than `size` otherwise).
pub(crate) unsafe fn read(
    first: usize,
    max: usize,
    mut call: impl FnMut(*mut u8, usize, &mut usize) -> bool,
) -> Option<Vec<u8>> {
    let mut size = first;
    loop {
        let mut bytes = Vec::<u8>::with_capacity(size);
        let mut written = 0;
        let ok = call(bytes.as_mut_ptr(), size, &mut written);
        if ok && written <= size {
            // SAFETY: the call initialized the first `written` bytes (the caller's promise).
            unsafe { bytes.set_len(written) };
            return Some(bytes);
        }
        // A buffer too small is the one failure that names a size; any other is no answer.
        if written <= size || written > max {
            return None;
        }
        size = written;
    }
}
