//! What the handler answers with: a complete body, or a page still arriving from the origin
//! that the host streams to the client — pulled piece by piece with [`PageBody::next_piece`]
//! (Cloudflare's stream), or pushed with [`pump`] (Fastly's streaming body).

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

/// A response body.
#[derive(Debug)]
pub enum Outgoing<B> {
    /// The whole body, already in memory.
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
    pub(super) ready: VecDeque<Vec<u8>>,
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
            ended: false,
            stats: PageStats::default(),
        }
    }

    /// The next piece of the page for the client, `None` once it is complete. A rewritten
    /// page is decoded and rewritten one piece at a time, and the origin is read only when
    /// the chunk before is used up: at most one origin chunk and one piece are held, however
    /// much a compressed chunk inflates to.
    pub async fn next_piece(&mut self) -> Result<Option<Vec<u8>>, PageStreamError> {
        loop {
            if let Some(piece) = self.ready.pop_front() {
                return Ok(Some(piece));
            }
            if self.ended {
                return Ok(None);
            }
            let Some(stream) = &mut self.rewrite else {
                self.pass_through().await?;
                continue;
            };
            let ready = &mut self.ready;
            let mut emit = |piece: &[u8]| {
                ready.push_back(piece.to_vec());
                Ok(())
            };
            match stream.step(&mut emit)? {
                Step::Progress => {}
                Step::NeedInput => match self.origin.next_chunk().await? {
                    Some(chunk) => stream.push_input(chunk),
                    None => stream.end_input(),
                },
                Step::Done => self.ended = true,
            }
        }
    }

    /// Moves one origin chunk to the client untouched.
    async fn pass_through(&mut self) -> Result<(), PlatformError> {
        match self.origin.next_chunk().await? {
            Some(chunk) => {
                self.stats.bytes_in += chunk.len() as u64;
                self.stats.bytes_out += chunk.len() as u64;
                self.ready.push_back(chunk);
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
            assert!(piece.len() <= tailor_core::page::decode::PIECE + 1024);
            pieces += 1;
            total += piece.len();
        }
        assert_eq!(total, (24 << 20) + "<html><body><pre>".len());
        assert!(pieces >= (24 << 20) / tailor_core::page::decode::PIECE);
    }
}
