//! The page rewriter: an origin page, identity or gzip/deflate encoded, streamed through
//! `PageStream` chunk by chunk as the app's `Outgoing` drives it.

use flate2::write::{GzEncoder, ZlibEncoder};
use flate2::Compression;
use std::io::Write;
use tailor_core::page::{PageStream, SlotFills, Step};

/// A decoded page past this fails; smaller than the edge's 32 MB default so a bomb costs the
/// fuzzer milliseconds, and the limit itself is what is exercised.
const MAX_PAGE_BYTES: u64 = 4 * 1024 * 1024;

/// Byte 0 picks the `Content-Encoding` and whether the rest is sent as it is (so mutations hit
/// the compressed stream) or compressed here first (so they hit the HTML under compression);
/// byte 1 the origin's chunk size; the rest is the body. Every byte the rewriter emits is
/// counted in the page's statistics.
pub fn rewrite(data: &[u8]) {
    let [mode, chunk, body @ ..] = data else {
        return;
    };
    let encoding = match mode % 8 {
        0 | 5 => None,
        1 | 3 => Some("gzip"),
        2 | 4 => Some("deflate"),
        6 => Some("x-gzip"),
        _ => Some("br"), // refused: the page passes through untouched
    };
    let body = match mode % 8 {
        3 => gzip(body),
        4 => deflate(body),
        _ => body.to_vec(),
    };
    let fills = SlotFills(vec![
        ("hero".into(), "<section>hero banner</section>".into()),
        ("sidebar".into(), "<ul><li>a</li></ul>".into()),
    ]);
    let Some(stream) = PageStream::new(fills, encoding) else {
        return;
    };
    let chunk_len = usize::from(*chunk).max(1) * 16;
    drive(stream.with_max_bytes(MAX_PAGE_BYTES), &body, chunk_len);
}

/// Steps the stream as `Outgoing::next_piece` does: the next chunk only when it asks.
fn drive(mut stream: PageStream, body: &[u8], chunk_len: usize) {
    let mut chunks = body.chunks(chunk_len);
    let mut out = 0_u64;
    let mut emit = |piece: &[u8]| {
        out += piece.len() as u64;
        Ok(())
    };
    loop {
        match stream.step(&mut emit) {
            Ok(Step::Progress) => {}
            Ok(Step::NeedInput) => match chunks.next() {
                Some(chunk) => stream.push_input(chunk.to_vec()),
                None => stream.end_input(),
            },
            Ok(Step::Done) | Err(_) => break,
        }
    }
    let stats = stream.stats();
    assert!(stats.bytes_in <= body.len() as u64);
    assert_eq!(stats.bytes_out, out, "emitted bytes and the count disagree");
}

fn gzip(body: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    let _ = encoder.write_all(body);
    encoder.finish().unwrap_or_default()
}

fn deflate(body: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::fast());
    let _ = encoder.write_all(body);
    encoder.finish().unwrap_or_default()
}
