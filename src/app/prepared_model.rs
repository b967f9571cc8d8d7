//! The bundled model checked and named before the first request, for a runtime that snapshots
//! an initialized instance (the Fastly wasm): when the live head's header names the same
//! bytes, a banner ranks with the snapshot's copy instead of reading the cached one, whose
//! 34 KB took about 40 µs a banner in Viceroy. [`ModelBytes`] is how a request holds either.

use std::cell::OnceCell;
use std::rc::Rc;
use tailor_model::{layout, Model};

/// The bundled model's bytes and digest, as [`prepare`] checked them.
struct Prepared {
    bytes: &'static [u8],
    digest: [u8; 16],
}

thread_local! {
    /// Set once by [`prepare`].
    static PREPARED: OnceCell<Prepared> = const { OnceCell::new() };
}

/// Keeps `bytes` for this instance's requests when they open as a model and their checksum
/// verifies (once, here, so no request pays for it); anything else is not kept, and requests
/// read the published model as before. Touches no host.
pub(super) fn prepare(bytes: &'static [u8]) -> bool {
    let sound = Model::open(bytes).and_then(|view| view.verify_checksum());
    if sound.is_err() {
        return false;
    }
    PREPARED.with(|cell| {
        // A second call keeps the first: both came from the same compiled-in bundle.
        let _ = cell.set(Prepared {
            bytes,
            digest: layout::digest(bytes),
        });
    });
    true
}

/// The prepared model when `digest` names it.
pub(super) fn model_named(digest: [u8; 16]) -> Option<&'static [u8]> {
    PREPARED.with(|cell| {
        let prepared = cell.get()?;
        (prepared.digest == digest).then_some(prepared.bytes)
    })
}

/// A model blob as a request holds it: read for it (or remembered by the instance), or the
/// prepared one, which is a plain reference so that serving it writes nothing to the
/// snapshot's memory.
#[derive(Debug, Clone)]
pub(super) enum ModelBytes {
    /// Read from KV or the cache, or remembered in instance memory.
    Read(Rc<Vec<u8>>),
    /// The bundled model [`prepare`] kept.
    Prepared(&'static [u8]),
}

impl std::ops::Deref for ModelBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Self::Read(bytes) => bytes,
            Self::Prepared(bytes) => bytes,
        }
    }
}
