//! Page assembly: an origin's HTML streamed through `lol_html`, every element carrying
//! `data-tailor-slot="S"` getting slot S's banner as its content. Everything else passes
//! byte for byte, and output leaves as input arrives: the page is never held whole.

pub mod decode;

use decode::{DecodeError, Decoder, Pulled};
use lol_html::html_content::ContentType;
use lol_html::{element, HtmlRewriter, MemorySettings, OutputSink, Settings};
use std::cell::RefCell;
use std::rc::Rc;

/// The attribute naming the slot an element is a placeholder for.
pub const SLOT_ATTRIBUTE: &str = "data-tailor-slot";
/// What the rewriter may hold at once (a tag split across chunks, say). Past it, the rest of
/// the page passes through unmodified rather than failing.
const REWRITER_MEMORY: usize = 1024 * 1024;

/// Slot name → the HTML to put inside its placeholder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlotFills(pub Vec<(String, String)>);

impl SlotFills {
    fn get(&self, slot: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(name, _)| name == slot)
            .map(|(_, html)| html.as_str())
    }
}

/// What happened to one page, for the log line written when it ends.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageStats {
    /// Origin bytes pushed in, as sent (compressed when the page is).
    pub bytes_in: u64,
    /// Rewritten bytes handed out.
    pub bytes_out: u64,
    /// Slots filled, in page order.
    pub filled: Vec<String>,
    /// Placeholders naming a slot the config does not have (left as they were).
    pub unknown: Vec<String>,
    /// Why the rest of the page passed through unmodified, if it did.
    pub bailed_out: Option<String>,
}

/// Output collected from the rewriter until the caller takes it.
struct Collect(Rc<RefCell<Vec<u8>>>);

impl OutputSink for Collect {
    fn handle_chunk(&mut self, chunk: &[u8]) {
        self.0.borrow_mut().extend_from_slice(chunk);
    }
}

/// The most decoded bytes a rewritten page may have unless the caller says otherwise
/// ([`PageStream::with_max_bytes`]; the app passes `limits.max_page_bytes`).
pub const DEFAULT_MAX_PAGE_BYTES: u64 = 32 * 1024 * 1024;

/// Why a page stopped before its end: the response is then incomplete.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    /// The origin's compressed body does not decode.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The page inflates past the configured limit (a gzip bomb, say).
    #[error("the page decodes to more than {limit} bytes (limits.max_page_bytes)")]
    TooLarge {
        /// The cap on decoded bytes in force.
        limit: u64,
    },
    /// The sink the output goes to failed (the client went away).
    #[error("{0}")]
    Client(String),
}

/// What one [`PageStream::step`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A decoded piece went through the rewriter (its output, if any, was emitted).
    Progress,
    /// The origin chunk pushed last is used up: push the next one, or end the input.
    NeedInput,
    /// The page is complete and its last output emitted; see [`PageStream::stats`].
    Done,
}

/// A page being rewritten: push origin chunks in, step rewritten pieces out.
pub struct PageStream {
    decoder: Decoder,
    rewriter: Option<HtmlRewriter<'static, Collect>>,
    output: Rc<RefCell<Vec<u8>>>,
    log: Rc<RefCell<(Vec<String>, Vec<String>)>>,
    stats: PageStats,
    decoded: u64,
    max_bytes: u64,
    done: bool,
}

impl std::fmt::Debug for PageStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageStream")
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl PageStream {
    /// A rewriter for a page sent with `content_encoding`; `None` when that encoding cannot be
    /// decoded here (the page should then pass through untouched).
    pub fn new(fills: SlotFills, content_encoding: Option<&str>) -> Option<Self> {
        let decoder = Decoder::for_encoding(content_encoding)?;
        let output = Rc::new(RefCell::new(Vec::new()));
        let log = Rc::new(RefCell::new((Vec::new(), Vec::new())));
        let rewriter = HtmlRewriter::new(
            settings(fills, Rc::clone(&log)),
            Collect(Rc::clone(&output)),
        );
        Some(Self {
            decoder,
            rewriter: Some(rewriter),
            output,
            log,
            stats: PageStats::default(),
            decoded: 0,
            max_bytes: DEFAULT_MAX_PAGE_BYTES,
            done: false,
        })
    }

    /// Caps the decoded page: past `max_bytes` the page fails (a gzip bomb would otherwise
    /// cost the CPU and bandwidth of everything it inflates to).
    pub fn with_max_bytes(mut self, max_bytes: u64) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// Hands over the next origin chunk; call it when [`PageStream::step`] says `NeedInput`.
    pub fn push_input(&mut self, chunk: Vec<u8>) {
        self.stats.bytes_in += chunk.len() as u64;
        self.decoder.push(chunk);
    }

    /// The origin body has ended.
    pub fn end_input(&mut self) {
        self.decoder.end_input();
    }

    /// Decodes and rewrites at most one piece ([`decode::PIECE`] decoded bytes), handing the
    /// output to `emit`: memory stays bounded by a piece whatever a chunk inflates to.
    pub fn step(&mut self, emit: &mut Emit<'_>) -> Result<Step, PageError> {
        if self.done {
            return Ok(Step::Done);
        }
        let decoded = match self.decoder.pull()? {
            Pulled::NeedInput => return Ok(Step::NeedInput),
            Pulled::End => {
                self.end(emit)?;
                return Ok(Step::Done);
            }
            Pulled::Data(decoded) => decoded,
        };
        self.decoded += decoded.len() as u64;
        if self.decoded > self.max_bytes {
            self.done = true;
            return Err(PageError::TooLarge {
                limit: self.max_bytes,
            });
        }
        rewrite(&mut self.rewriter, &self.output, decoded, &mut self.stats);
        hand_over(&self.output, &mut self.stats, emit)?;
        Ok(Step::Progress)
    }

    /// What happened so far (complete once `step` said `Done`).
    pub fn stats(&self) -> &PageStats {
        &self.stats
    }

    /// Feeds one origin chunk and rewrites all of it, handing output to `emit` piece by
    /// piece. For callers that consume output as it comes; a host streaming to a client
    /// steps instead, so it never holds more than a piece.
    pub fn push(&mut self, chunk: &[u8], emit: &mut Emit<'_>) -> Result<(), PageError> {
        self.push_input(chunk.to_vec());
        while self.step(emit)? == Step::Progress {}
        Ok(())
    }

    /// Ends the input and rewrites what is left; returns the page's statistics.
    pub fn finish(mut self, emit: &mut Emit<'_>) -> Result<PageStats, PageError> {
        self.end_input();
        while self.step(emit)? != Step::Done {}
        Ok(self.stats)
    }

    /// Ends the rewriter, emits its last output and records the slots.
    fn end(&mut self, emit: &mut Emit<'_>) -> Result<(), PageError> {
        self.done = true;
        if let Some(rewriter) = self.rewriter.take() {
            if let Err(e) = rewriter.end() {
                self.stats.bailed_out = Some(e.to_string());
            }
        }
        hand_over(&self.output, &mut self.stats, emit)?;
        let (filled, unknown) = self.log.take();
        self.stats.filled = filled;
        self.stats.unknown = unknown;
        Ok(())
    }
}

/// The rewriter's settings: the slot handler, lenient parsing, bounded memory.
fn settings(
    fills: SlotFills,
    log: Rc<RefCell<(Vec<String>, Vec<String>)>>,
) -> Settings<'static, 'static> {
    Settings::new()
        .append_element_content_handler(element!("[data-tailor-slot]", move |el| {
            let Some(slot) = el.get_attribute(SLOT_ATTRIBUTE) else {
                return Ok(());
            };
            let mut log = log.borrow_mut();
            match fills.get(&slot) {
                Some(html) => {
                    el.set_inner_content(html, ContentType::Html);
                    log.0.push(slot);
                }
                None => log.1.push(slot),
            }
            Ok(())
        }))
        // Ambiguous markup (rare, e.g. a slot inside <select>) is rewritten best-effort
        // instead of aborting the page.
        .with_strict(false)
        .with_memory_settings(
            MemorySettings::new()
                .with_max_allowed_memory_usage(REWRITER_MEMORY)
                .with_graceful_bail_out_on_memory_limit_exceeded(true),
        )
}

/// Where rewritten bytes go; an error ([`PageError::Client`]: the client went away) stops
/// the page.
pub type Emit<'a> = dyn FnMut(&[u8]) -> Result<(), PageError> + 'a;

fn hand_over(
    output: &Rc<RefCell<Vec<u8>>>,
    stats: &mut PageStats,
    emit: &mut Emit<'_>,
) -> Result<(), PageError> {
    let out = std::mem::take(&mut *output.borrow_mut());
    if out.is_empty() {
        return Ok(());
    }
    stats.bytes_out += out.len() as u64;
    emit(&out)
}

/// Runs decoded bytes through the rewriter, or straight to the output once it has bailed
/// out (its graceful bail-out has already flushed what it held, unmodified).
fn rewrite(
    rewriter: &mut Option<HtmlRewriter<'static, Collect>>,
    output: &Rc<RefCell<Vec<u8>>>,
    decoded: &[u8],
    stats: &mut PageStats,
) {
    match rewriter {
        Some(active) => {
            if let Err(e) = active.write(decoded) {
                stats.bailed_out = Some(e.to_string());
                *rewriter = None;
            }
        }
        None => output.borrow_mut().extend_from_slice(decoded),
    }
}

#[cfg(test)]
mod tests;
