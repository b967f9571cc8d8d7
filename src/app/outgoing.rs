//! What the handler answers with: a complete body, a cached body the host sends as it is, or a
//! page still arriving from the origin that the host streams to the client — pulled piece by
//! piece with [`PageBody::next_piece`] (Cloudflare's stream), or pushed with [`pump`]
//! (Fastly's streaming body).

use std::collections::VecDeque;
use tailor_core::page::{PageError, PageStats, PageStream, Step};
use tailor_platform::{linear_memory_bytes, BodyStream, Platform, PlatformError};

/// Why a streamed page stopped before its end: the response is then incomplete, and the host
/// aborts it rather than ending it cleanly.
#[derive(Debug, thiserror::Error)]
pub enum PageStreamError {
    /// The page did not decode, outgrew its limit, or the client went away.
    #[error(transparent)]
    Page(#[from] PageError),
    /// The origin's body broke off.
    #[error(transparent)]
    Origin(#[from] PlatformError),
}

/// The most of a page's origin body read at once.
const PAGE_READ_BYTES: usize = 64 * 1024;
/// Output pieces are joined up to about this before they go out: fewer, fuller writes.
pub(super) const COALESCE_BYTES: usize = 16 * 1024;
/// A page whose output is complete within this much goes out whole, in one response.
pub(super) const WHOLE_PAGE_BYTES: usize = 64 * 1024;

/// A response body.
#[derive(Debug)]
pub enum Outgoing<B> {
    /// The whole body, already in memory.
    Full(Vec<u8>),
    /// Boxed: a page carries its rewriter, far bigger than a byte vector.
    Page(Box<PageBody<B>>),
    /// A cached body the host sends as it holds it, never read into the instance (the
    /// response's `Content-Length` is its stored length).
    Unread(B),
}

/// An origin body on its way to the client: rewritten (slots filled) or passed through.
#[derive(Debug)]
pub struct PageBody<B> {
    pub(super) origin: B,
    /// `None` passes the origin's bytes through untouched.
    pub(super) rewrite: Option<PageStream>,
    pub(super) path: String,
    pub(super) started_ms: f64,
    pub(super) ready: VecDeque<Vec<u8>>,
    /// The bytes in `ready`.
    pub(super) ready_bytes: usize,
    /// The rewriter used up its input: the next step reads the origin.
    pub(super) needs_input: bool,
    pub(super) ended: bool,
    /// What passed through (a rewritten page keeps its own).
    pub(super) stats: PageStats,
}

impl<B: BodyStream> PageBody<B> {
    pub(super) fn new(
        mut origin: B,
        rewrite: Option<PageStream>,
        path: &str,
        started_ms: f64,
    ) -> Self {
        // Each origin chunk is held until it is passed on: small ones keep a page's memory
        // the same whether the origin sends it slowly or all at once.
        origin.limit_chunk_bytes(PAGE_READ_BYTES);
        Self {
            origin,
            rewrite,
            path: path.to_owned(),
            started_ms,
            ready: VecDeque::new(),
            ready_bytes: 0,
            needs_input: false,
            ended: false,
            stats: PageStats::default(),
        }
    }

    /// The next piece of the page for the client, `None` once it is complete. A rewritten
    /// page is decoded and rewritten one piece at a time, and the origin is read only when
    /// the chunk before is used up: at most one origin chunk, one decoded piece and
    /// [`COALESCE_BYTES`] of output are held, however much a compressed chunk inflates to.
    /// Output is joined into pieces of about [`COALESCE_BYTES`] (a write each for the host),
    /// and what is ready always leaves before the origin is waited on.
    pub async fn next_piece(&mut self) -> Result<Option<Vec<u8>>, PageStreamError> {
        loop {
            let flush = self.ready_bytes >= COALESCE_BYTES || self.ended || self.needs_input;
            if flush && !self.ready.is_empty() {
                return Ok(Some(self.take_ready()));
            }
            if self.ended {
                return Ok(None);
            }
            self.advance().await?;
        }
    }

    /// Reads the page until [`WHOLE_PAGE_BYTES`] of output are ready or it ends: the whole
    /// page when it ended (one response, one write), else `None` with the output kept for
    /// [`Self::next_piece`]. A page sent in one write cannot stall behind its own headers
    /// on a connection that delays its ACKs (Nagle's algorithm on a kept-alive connection).
    pub(super) async fn start(&mut self) -> Result<Option<Vec<u8>>, PageStreamError> {
        while !self.ended && self.ready_bytes < WHOLE_PAGE_BYTES {
            self.advance().await?;
        }
        Ok(self.ended.then(|| self.take_ready()))
    }

    /// One step: a piece through the rewriter, or the next origin chunk read.
    async fn advance(&mut self) -> Result<(), PageStreamError> {
        let Some(stream) = &mut self.rewrite else {
            return Ok(self.pass_through().await?);
        };
        if self.needs_input {
            self.needs_input = false;
            match self.origin.next_chunk().await? {
                Some(chunk) => stream.push_input(chunk),
                None => stream.end_input(),
            }
            return Ok(());
        }
        let (ready, ready_bytes) = (&mut self.ready, &mut self.ready_bytes);
        let mut emit = |piece: &[u8]| {
            *ready_bytes += piece.len();
            ready.push_back(piece.to_vec());
            Ok(())
        };
        match stream.step(&mut emit)? {
            Step::Progress => {}
            Step::NeedInput => self.needs_input = true,
            Step::Done => self.ended = true,
        }
        Ok(())
    }

    /// The ready output as one piece.
    fn take_ready(&mut self) -> Vec<u8> {
        self.ready_bytes = 0;
        if self.ready.len() == 1 {
            return self.ready.pop_front().unwrap_or_default();
        }
        let mut joined = Vec::with_capacity(self.ready.iter().map(Vec::len).sum());
        for piece in self.ready.drain(..) {
            joined.extend_from_slice(&piece);
        }
        joined
    }

    /// Moves one origin chunk to the client untouched; the next step reads the origin again.
    async fn pass_through(&mut self) -> Result<(), PlatformError> {
        match self.origin.next_chunk().await? {
            Some(chunk) => {
                self.stats.bytes_in += chunk.len() as u64;
                self.stats.bytes_out += chunk.len() as u64;
                self.ready_bytes += chunk.len();
                self.ready.push_back(chunk);
                self.needs_input = true;
            }
            None => self.ended = true,
        }
        Ok(())
    }

    /// Logs what happened to the page (sizes, slots filled, peak memory) as one JSON line.
    pub fn log_end<P: Platform>(&self, platform: &P, error: Option<&str>) {
        // A rewritten page's own statistics, also when it stopped half-way.
        let stats = self.rewrite.as_ref().map_or(&self.stats, PageStream::stats);
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
    emit: &mut dyn FnMut(&[u8]) -> Result<(), PageError>,
) -> Result<(), PageStreamError> {
    let result = loop {
        match page.next_piece().await {
            Ok(Some(piece)) => {
                if let Err(e) = emit(&piece) {
                    break Err(PageStreamError::from(e));
                }
            }
            Ok(None) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    let error = result.as_ref().err().map(ToString::to_string);
    page.log_end(platform, error.as_deref());
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use tailor_core::page::SlotFills;
    use tailor_platform::block_on;
    use tailor_platform::ChunkedBody;

    #[test]
    fn a_gzip_bomb_arriving_as_one_chunk_is_held_one_piece_at_a_time() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(b"<html><body><pre>").unwrap();
        for _ in 0..24 {
            gz.write_all(&[b' '; 1 << 20]).unwrap();
        }
        let bomb = gz.finish().unwrap();
        let stream = PageStream::new(SlotFills::default(), Some("gzip")).unwrap();
        let mut page = PageBody::new(ChunkedBody::new(vec![bomb]), Some(stream), "bomb", 0.0);
        let (mut pieces, mut total) = (0, 0);
        while let Some(piece) = block_on(page.next_piece()).unwrap().unwrap() {
            // Nothing else is decoded and waiting while a piece goes out.
            assert!(page.ready.is_empty(), "{} pieces queued", page.ready.len());
            assert!(piece.len() <= COALESCE_BYTES + tailor_core::page::decode::PIECE + 1024);
            pieces += 1;
            total += piece.len();
        }
        assert_eq!(total, (24 << 20) + "<html><body><pre>".len());
        assert!(pieces >= (24 << 20) / (COALESCE_BYTES + tailor_core::page::decode::PIECE));
    }
}
