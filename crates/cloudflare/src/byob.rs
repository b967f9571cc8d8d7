//! A fetched body read into wasm memory in large pieces: a BYOB ("bring your own buffer")
//! reader fills one 1 MiB JS buffer at a time (workerd's `readAtLeast`, or the standard
//! `read` where that is missing), and each piece is copied into the one preallocated buffer.

use tailor_platform::PlatformError;
use worker::js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::web_sys::ReadableStream;

/// The JS buffer each read fills (and the least `readAtLeast` waits for).
const PIECE_BYTES: u32 = 1024 * 1024;

/// A BYOB reader of `stream`, or `None` when the stream is not a byte stream (then it is left
/// unlocked, for another reader).
pub(crate) fn reader(stream: &ReadableStream) -> Option<JsValue> {
    let options = Object::new();
    Reflect::set(&options, &"mode".into(), &"byob".into()).ok()?;
    let get_reader: Function = Reflect::get(stream, &"getReader".into())
        .ok()?
        .dyn_into()
        .ok()?;
    get_reader.call1(stream, &options).ok()
}

fn js(error: JsValue) -> PlatformError {
    PlatformError::Other(format!("reading the body: {error:?}"))
}

/// Everything `reader` delivers, into a buffer of `declared` bytes allocated once; a body
/// longer than declared is refused as too large, as HTTP framing would.
pub(crate) async fn read_into(reader: JsValue, declared: usize) -> Result<Vec<u8>, PlatformError> {
    let mut out = Vec::new();
    out.try_reserve_exact(declared)
        .map_err(|_| PlatformError::Other(format!("no memory for a {declared}-byte body")))?;
    let method = |name: &str| {
        Reflect::get(&reader, &name.into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
    };
    let read_at_least = method("readAtLeast");
    let read = method("read").ok_or_else(|| js("a BYOB reader without read()".into()))?;
    // Each read hands the buffer back (transferred); the next read fills it again.
    let mut buffer = worker::js_sys::ArrayBuffer::new(PIECE_BYTES);
    loop {
        let view = Uint8Array::new(&buffer);
        let promise = match &read_at_least {
            Some(f) => f.call2(&reader, &JsValue::from(PIECE_BYTES), &view),
            None => read.call1(&reader, &view),
        }
        .map_err(js)?;
        let result = JsFuture::from(promise.dyn_into::<Promise>().map_err(js)?)
            .await
            .map_err(js)?;
        let done = Reflect::get(&result, &"done".into())
            .map_err(js)?
            .as_bool()
            .unwrap_or(true);
        let value = Reflect::get(&result, &"value".into()).map_err(js)?;
        if let Some(piece) = value.dyn_ref::<Uint8Array>() {
            let (start, length) = (out.len(), piece.length() as usize);
            if start.saturating_add(length) > declared {
                let _ = method("cancel").map(|cancel| cancel.call0(&reader));
                return Err(PlatformError::TooLarge { limit: declared });
            }
            out.resize(start + length, 0);
            if let Some(spare) = out.get_mut(start..) {
                piece.copy_to(spare);
            }
            buffer = piece.buffer();
        }
        if done {
            return Ok(out);
        }
    }
}
