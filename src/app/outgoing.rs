//! What the handler answers with: a complete body, or a page still arriving from the origin
//! that the host streams to the client — pulled piece by piece with [`PageBody::next_piece`]
//! (Cloudflare's stream), or pushed with [`pump`] (Fastly's streaming body).

use std::collections::VecDeque;
use tailor_core::page::{PageStats, PageStream};
use tailor_platform::{linear_memory_bytes, BodyStream, Platform};

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
    /// `None` passes the origin's bytes through untouched (or: the page has ended).
    pub(super) rewrite: Option<PageStream>,
    pub(super) path: String,
    pub(super) started_ms: f64,
    pub(super) ready: VecDeque<Vec<u8>>,
    pub(super) ended: bool,
    pub(super) stats: PageStats,
}

impl<B: BodyStream> PageBody<B> {
    pub(super) fn new(origin: B, rewrite: Option<PageStream>, path: &str, started_ms: f64) -> Self {
        Self {
            origin,
            rewrite,
            path: path.to_owned(),
            started_ms,
            ready: VecDeque::new(),
            ended: false,
            stats: PageStats::default(),
        }
    }

    /// The next piece of the page for the client, `None` once it is complete. Reads the origin
    /// only when no rewritten piece is waiting, so at most one origin chunk is held.
    pub async fn next_piece(&mut self) -> Result<Option<Vec<u8>>, String> {
        loop {
            if let Some(piece) = self.ready.pop_front() {
                return Ok(Some(piece));
            }
            if self.ended {
                return Ok(None);
            }
            let chunk = self.origin.next_chunk().await.map_err(|e| e.to_string())?;
            let ready = &mut self.ready;
            let mut emit = |piece: &[u8]| {
                ready.push_back(piece.to_vec());
                Ok(())
            };
            match (chunk, &mut self.rewrite) {
                (Some(chunk), Some(stream)) => stream.push(&chunk, &mut emit)?,
                (Some(chunk), None) => {
                    self.stats.bytes_in += chunk.len() as u64;
                    self.stats.bytes_out += chunk.len() as u64;
                    self.ready.push_back(chunk);
                }
                (None, rewrite) => {
                    if let Some(stream) = rewrite.take() {
                        self.stats = stream.finish(&mut emit)?;
                    }
                    self.ended = true;
                }
            }
        }
    }

    /// Logs what happened to the page (sizes, slots filled, peak memory) as one JSON line.
    pub fn log_end<P: Platform>(&self, platform: &P, error: Option<&str>) {
        let stats = &self.stats;
        let line = serde_json::json!({
            "level": if error.is_some() { "error" } else { "info" },
            "event": "page",
            "path": self.path,
            "bytes_in": stats.bytes_in,
            "bytes_out": stats.bytes_out,
            "filled": stats.filled,
            "unknown_slots": stats.unknown,
            "bailed_out": stats.bailed_out,
            "error": error,
            "memory_peak_bytes": linear_memory_bytes(),
            "ms": platform.now_ms() - self.started_ms,
        });
        platform.log(super::LOG_ENDPOINT, &line.to_string());
    }
}

/// Streams a page to `emit` piece by piece as the origin delivers it, then logs it. An error
/// means the response is incomplete and the host should abort it rather than end it cleanly.
pub async fn pump<B: BodyStream, P: Platform>(
    mut page: PageBody<B>,
    platform: &P,
    emit: &mut dyn FnMut(&[u8]) -> Result<(), String>,
) -> Result<(), String> {
    let result = loop {
        match page.next_piece().await {
            Ok(Some(piece)) => {
                if let Err(e) = emit(&piece) {
                    break Err(e);
                }
            }
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    page.log_end(platform, result.as_ref().err().map(String::as_str));
    result
}
