//! The host boundary: the [`Platform`] trait Tailor's handler is generic over, with the plain
//! data it exchanges. The adapters (the `tailor-fastly` and `tailor-cloudflare` crates) and
//! the test host (`tailor-testing`) implement it.
//!
//! The trait is async so the Cloudflare adapter can await its JS promises; the Fastly adapter's
//! blocking calls return ready futures, driven by [`block_on`]. Futures need not be `Send`:
//! every host runs one request per single-threaded wasm instance or isolate.
#![warn(missing_docs)]

mod block_on;
mod body;
mod linear_memory;
mod memo;

pub use block_on::{block_on, NotReady};
pub use body::{read_to_end_limited, BodyError, BodyStream, ChunkedBody};
pub use linear_memory::linear_memory_bytes;
pub use memo::Memo;
pub use tailor_core::segment::Geo;

/// Platform-level failures. Adapters translate their SDK's errors into these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformError {
    /// The named store (KV or secret store) cannot be opened.
    #[error("store '{0}' is not available")]
    StoreMissing(String),
    /// No origin backend of that name is configured.
    #[error("backend '{0}' is not configured")]
    BackendMissing(String),
    /// The origin did not answer in time.
    #[error("origin timed out")]
    Timeout,
    /// The host has no such capability (e.g. purge by tag from a Worker).
    #[error("{0}")]
    Unsupported(String),
    /// A stored value is longer than the caller's limit.
    #[error("value is larger than the {limit}-byte limit")]
    TooLarge {
        /// The caller's limit in bytes.
        limit: usize,
    },
    /// Any other failure, described.
    #[error("{0}")]
    Other(String),
}

/// A GET to an origin backend. The path is relative to the backend's base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginRequest {
    /// Path to GET, relative to the backend's base URL.
    pub path: String,
    /// Request headers as (name, value) pairs.
    pub headers: Vec<(String, String)>,
    /// Past the platform's own HTTP cache (Fastly's readthrough cache): for responses Tailor
    /// keeps itself, so no second, untagged copy outlives a purge.
    pub pass: bool,
}

/// An origin's answer; the body is read (or streamed) by the caller.
#[derive(Debug)]
pub struct OriginResponse<B> {
    /// HTTP status code.
    pub status: u16,
    /// Response headers.
    pub headers: http::HeaderMap,
    /// The body, not read yet.
    pub body: B,
}

/// A response stored in the platform cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedObject {
    /// Response headers as (name, value) pairs.
    pub headers: Vec<(String, String)>,
    /// The whole body.
    pub body: Vec<u8>,
}

/// The value of the stored header `name` (any case), the first if stored twice.
pub fn stored_header<'h>(headers: &'h [(String, String)], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|(stored, _)| stored.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// How long to keep a cache entry, how long past that it may be served stale while it is
/// refreshed, and the tags it can be purged by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheWrite {
    /// How long the entry is fresh, in seconds.
    pub ttl_seconds: u32,
    /// How long past the TTL it may still be served stale while it is refreshed, in seconds.
    pub stale_while_revalidate_seconds: u32,
    /// Tags that [`Platform::purge`] removes it by.
    pub surrogate_keys: Vec<String>,
}

/// Whether a cached object's stored headers tell the caller all it needs (its body may then
/// be left unread): see [`Platform::cache_lookup_headers_first`].
pub type HeadersSuffice<'a> = &'a dyn Fn(&[(String, String)]) -> bool;

/// A cached body handed over unread, for the host to send to the client as it is: a cached
/// response then goes out without passing through the instance's memory.
#[derive(Debug)]
pub struct UnreadBody<B> {
    /// The stored body, not read.
    pub body: B,
    /// Its stored length in bytes: the response's `Content-Length`.
    pub length: u64,
}

/// A cache lookup's answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheLookup {
    /// The stored object: fresh, or past its TTL but within stale-while-revalidate.
    pub object: Option<CachedObject>,
    /// Whether `object` is past its TTL (served stale while it is refreshed).
    pub stale: bool,
    /// The platform chose this request to fill (miss) or refresh (stale) the entry; the next
    /// `cache_insert` of the key completes that. Concurrent requests for the key wait for the
    /// fill (request collapsing) or are served the stale object.
    pub must_fill: bool,
}

/// Everything the handler needs from the host.
#[allow(async_fn_in_trait)] // see the module docs: hosts are single-threaded, no Send bound wanted
pub trait Platform {
    /// The origin response body type, read chunk by chunk.
    type Body: BodyStream;

    /// A value from a KV store, `None` when the key is absent. A value longer than
    /// `max_bytes` is [`PlatformError::TooLarge`], found out before it is read into memory
    /// (or at the latest when the read passes the limit): KV is written by people and tools,
    /// and a wrong upload must not exhaust the instance.
    async fn kv_get(
        &self,
        store: &str,
        key: &str,
        max_bytes: usize,
    ) -> Result<Option<Vec<u8>>, PlatformError>;
    /// A small deployment setting (Fastly Config Store, Cloudflare vars).
    async fn setting(&self, key: &str) -> Result<Option<String>, PlatformError>;
    /// A secret (Fastly Secret Store, Cloudflare secrets).
    async fn secret(&self, name: &str) -> Result<Option<Vec<u8>>, PlatformError>;
    /// Sends a GET to a named origin backend.
    async fn fetch(
        &self,
        backend: &str,
        request: OriginRequest,
    ) -> Result<OriginResponse<Self::Body>, PlatformError>;
    /// Looks up an object in the platform cache.
    async fn cache_lookup(&self, key: &str) -> Result<CacheLookup, PlatformError>;
    /// Looks up an object like [`Self::cache_lookup`], but leaves its body unread (empty)
    /// when `headers_suffice` says its stored headers tell the caller all it needs: a host
    /// that reads the body apart from the headers saves that read. Hosts that get both at
    /// once read the body anyway.
    async fn cache_lookup_headers_first(
        &self,
        key: &str,
        headers_suffice: HeadersSuffice<'_>,
    ) -> Result<CacheLookup, PlatformError> {
        let _ = headers_suffice;
        self.cache_lookup(key).await
    }
    /// Looks up an object like [`Self::cache_lookup_headers_first`], and where the host can
    /// send a cached body to the client as it is, hands a needed body over unread (the
    /// object's `body` is then empty) instead of reading it into memory. Hosts that cannot
    /// read it, as [`Self::cache_lookup_headers_first`] does.
    async fn cache_lookup_for_client(
        &self,
        key: &str,
        headers_suffice: HeadersSuffice<'_>,
    ) -> Result<(CacheLookup, Option<UnreadBody<Self::Body>>), PlatformError> {
        Ok((
            self.cache_lookup_headers_first(key, headers_suffice)
                .await?,
            None,
        ))
    }
    /// Stores an object in the platform cache.
    async fn cache_insert(
        &self,
        key: &str,
        object: &CachedObject,
        write: &CacheWrite,
    ) -> Result<(), PlatformError>;
    /// Gives up the fill `cache_lookup` chose this request for (`must_fill`) without inserting,
    /// so the requests waiting on the key stop waiting. Hosts without request collapsing have
    /// nothing to give up.
    fn cache_abandon(&self, _key: &str) {}
    /// Purges every cached object tagged with `surrogate_key`, on every node.
    async fn purge(&self, surrogate_key: &str) -> Result<(), PlatformError>;
    /// The visitor's location, when the host can tell.
    fn geo(&self) -> Option<Geo>;
    /// Sends one line to a named log endpoint. A host may hold the lines back until the
    /// response has left, so that the visitor does not wait for them; they are written in
    /// the order logged.
    fn log(&self, endpoint: &str, line: &str);
    /// Writes the lines [`Self::log`] holds back now: called before work that could end the
    /// instance (an image's decode near the memory limit), so that what was logged before it
    /// is not lost with it. Hosts that write each line at once have nothing to do.
    fn write_held_logs(&self) {}
    /// Wall-clock time in milliseconds since the Unix epoch, with sub-millisecond precision
    /// where the host offers it. Used for timings and expiries.
    fn now_ms(&self) -> f64;
    /// Fills `buf` with cryptographically secure random bytes. A host whose random source
    /// fails says so: callers then go without what needed the bytes (a nonce, an id), never
    /// with predictable ones.
    fn fill_random(&self, buf: &mut [u8]) -> Result<(), PlatformError>;
    /// Memory that outlives the request, on hosts whose instances do.
    fn memo(&self) -> Option<&Memo> {
        None
    }
}
