//! What the handler answers with: a complete body, or a page still arriving from the origin
//! that the host streams to the client through [`pump`] after sending the headers.

use crate::page::{PageStats, PageStream};
use crate::platform::{linear_memory_bytes, BodyStream, Platform};

/// A response body.
#[derive(Debug)]
pub enum Outgoing<B> {
    Full(Vec<u8>),
    /// Boxed: a page carries its rewriter, far bigger than a byte vector.
    Page(Box<PageBody<B>>),
}

/// An origin body on its way to the client: rewritten (slots filled) or passed through.
#[derive(Debug)]
pub struct PageBody<B> {
    pub(super) origin: B,
    /// `None` passes the origin's bytes through untouched.
    pub(super) rewrite: Option<PageStream>,
    pub(super) path: String,
    pub(super) started_ms: f64,
}

/// Streams a page to `emit` chunk by chunk as the origin delivers it, then logs what happened
/// (sizes, slots filled, peak memory) as one JSON line. An error means the response is
/// incomplete and the host should abort it rather than end it cleanly.
pub async fn pump<B: BodyStream, P: Platform>(
    page: PageBody<B>,
    platform: &P,
    emit: &mut dyn FnMut(&[u8]) -> Result<(), String>,
) -> Result<(), String> {
    let PageBody {
        mut origin,
        rewrite,
        path,
        started_ms,
    } = page;
    let result = transfer(&mut origin, rewrite, emit).await;
    let (level, stats, error) = match &result {
        Ok(stats) => ("info", stats.clone(), None),
        Err((stats, e)) => ("error", stats.clone(), Some(e.clone())),
    };
    let line = serde_json::json!({
        "level": level,
        "event": "page",
        "path": path,
        "bytes_in": stats.bytes_in,
        "bytes_out": stats.bytes_out,
        "filled": stats.filled,
        "unknown_slots": stats.unknown,
        "bailed_out": stats.bailed_out,
        "error": error,
        "memory_peak_bytes": linear_memory_bytes(),
        "ms": platform.now_ms() - started_ms,
    });
    platform.log(super::LOG_ENDPOINT, &line.to_string());
    result.map(|_| ()).map_err(|(_, e)| e)
}

async fn transfer<B: BodyStream>(
    origin: &mut B,
    rewrite: Option<PageStream>,
    emit: &mut dyn FnMut(&[u8]) -> Result<(), String>,
) -> Result<PageStats, (PageStats, String)> {
    let Some(mut stream) = rewrite else {
        let mut stats = PageStats::default();
        loop {
            match origin.next_chunk().await {
                Ok(Some(chunk)) => {
                    stats.bytes_in += chunk.len() as u64;
                    stats.bytes_out += chunk.len() as u64;
                    emit(&chunk).map_err(|e| (stats.clone(), e))?;
                }
                Ok(None) => return Ok(stats),
                Err(e) => return Err((stats, e.to_string())),
            }
        }
    };
    loop {
        match origin.next_chunk().await {
            Ok(Some(chunk)) => stream
                .push(&chunk, emit)
                .map_err(|e| (PageStats::default(), e))?,
            Ok(None) => break,
            Err(e) => return Err((PageStats::default(), e.to_string())),
        }
    }
    stream.finish(emit).map_err(|e| (PageStats::default(), e))
}
