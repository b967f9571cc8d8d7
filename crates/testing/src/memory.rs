//! An in-memory host for native tests and benchmarks: KV, settings, secrets, an origin and a
//! cache held in maps, with a controllable clock.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use tailor_core::cache_key::{is_valid_surrogate_key, MAX_SURROGATE_KEYS_BYTES};
use tailor_platform::{
    CacheLookup, CacheWrite, CachedObject, ChunkedBody, Geo, HeadersSuffice, Memo, OriginRequest,
    OriginResponse, Platform, PlatformError, UnreadBody,
};

/// One canned origin answer.
#[derive(Debug, Clone)]
pub struct OriginReply {
    /// HTTP status code.
    pub status: u16,
    /// `Content-Type` header value.
    pub content_type: String,
    /// Headers besides `Content-Type`.
    pub headers: Vec<(String, String)>,
    /// The whole body (served in 64 KiB chunks).
    pub body: Vec<u8>,
}

/// The in-memory host. Fill its maps, then pass it to `tailor::handle`.
#[derive(Debug, Default)]
pub struct MemoryHost {
    /// KV values by (store, key).
    pub kv: HashMap<(String, String), Vec<u8>>,
    /// KV reads of keys starting with any of these fail, as in a store outage.
    pub kv_failing: RefCell<Vec<String>>,
    /// Set to act like a host whose instances outlive a request.
    pub memo: Option<Memo>,
    /// Deployment settings by key.
    pub settings: HashMap<String, String>,
    /// Secrets by name.
    pub secrets: HashMap<String, Vec<u8>>,
    /// Replies of the `origin` backend by path; other paths get a 404, other backends fail.
    pub origin: HashMap<String, OriginReply>,
    /// The paths fetched from the origin, in order.
    pub fetched: RefCell<Vec<String>>,
    /// The visitor's location, as `geo` reports it.
    pub geo: Option<Geo>,
    /// Entries with the clock reading at which they were stored.
    pub cache: RefCell<HashMap<String, (CachedObject, CacheWrite, f64)>>,
    /// Keys a lookup chose a request to fill (`must_fill`) that no insert or abandon has
    /// ended yet: on Fastly every other request for such a key waits.
    pub open_fills: RefCell<HashSet<String>>,
    /// Lookups of a key whose fill was still open: on Fastly they would have waited for it
    /// (until the filling request's instance ended, had it never given the fill up).
    pub waited: RefCell<Vec<String>>,
    /// Every key looked up, in order: what a request cost in cache lookups.
    pub lookups: RefCell<Vec<String>>,
    /// Keys found whose body was left unread (the stored headers sufficed), in order.
    pub bodies_unread: RefCell<Vec<String>>,
    /// Keys whose body was handed over unread for the client's response, in order.
    pub bodies_for_client: RefCell<Vec<String>>,
    /// Logged lines as (endpoint, line), in order: written, so not those still held.
    pub logs: RefCell<Vec<(String, String)>>,
    /// Set to hold logged lines back until `write_held_logs`, as the Fastly host does until
    /// the response has left.
    pub hold_logs: Cell<bool>,
    /// The lines held back, in order.
    pub held_logs: RefCell<Vec<(String, String)>>,
    /// Each call to `now_ms` advances the clock by this much, so timings are non-zero.
    pub tick_ms: f64,
    /// Set to act like a host whose random source fails.
    pub random_fails: Cell<bool>,
    /// Set to act like a platform cache that does not answer: lookups and writes fail.
    pub cache_fails: Cell<bool>,
    clock: Cell<f64>,
    random_state: Cell<u64>,
}

impl MemoryHost {
    /// Moves the clock forward, to age cache entries.
    pub fn advance(&self, seconds: f64) {
        self.clock.set(self.clock.get() + seconds * 1000.0);
    }

    /// An empty host with the clock at 1,790,000,000,000 ms, ticking 0.25 ms per reading, and a
    /// fixed random seed.
    pub fn new() -> Self {
        Self {
            tick_ms: 0.25,
            clock: Cell::new(1_790_000_000_000.0),
            random_state: Cell::new(0x9E37_79B9_7F4A_7C15),
            ..Self::default()
        }
    }

    /// Stores `value` under `key` in KV store `store`.
    pub fn put_kv(&mut self, store: &str, key: &str, value: impl Into<Vec<u8>>) {
        self.kv.insert((store.into(), key.into()), value.into());
    }

    /// Makes the `origin` backend answer `path` with this status, content type and body.
    pub fn put_origin(&mut self, path: &str, status: u16, content_type: &str, body: Vec<u8>) {
        let reply = OriginReply {
            status,
            content_type: content_type.into(),
            headers: Vec::new(),
            body,
        };
        self.origin.insert(path.into(), reply);
    }

    /// What a lookup finds: fresh, stale (to refresh) or nothing (to fill).
    fn find(&self, key: &str) -> CacheLookup {
        let now = self.clock.get();
        let cache = self.cache.borrow();
        let Some((object, write, stored)) = cache.get(key) else {
            return CacheLookup {
                must_fill: true,
                ..CacheLookup::default()
            };
        };
        let age_s = (now - stored) / 1000.0;
        let ttl = f64::from(write.ttl_seconds);
        let usable = ttl + f64::from(write.stale_while_revalidate_seconds);
        // Requests run one at a time here: a stale or missing entry is this request's to fill
        // (a fill an earlier request left open is noted in `waited`, then taken over).
        if age_s < ttl {
            CacheLookup {
                object: Some(object.clone()),
                stale: false,
                must_fill: false,
            }
        } else if age_s < usable {
            CacheLookup {
                object: Some(object.clone()),
                stale: true,
                must_fill: true,
            }
        } else {
            CacheLookup {
                must_fill: true,
                ..CacheLookup::default()
            }
        }
    }
}

impl Platform for MemoryHost {
    type Body = ChunkedBody;

    async fn kv_get(
        &self,
        store: &str,
        key: &str,
        max_bytes: usize,
    ) -> Result<Option<Vec<u8>>, PlatformError> {
        if self.kv_failing.borrow().iter().any(|p| key.starts_with(p)) {
            return Err(PlatformError::Other("KV unavailable".into()));
        }
        match self.kv.get(&(store.to_string(), key.to_string())) {
            Some(value) if value.len() > max_bytes => {
                Err(PlatformError::TooLarge { limit: max_bytes })
            }
            value => Ok(value.cloned()),
        }
    }

    async fn setting(&self, key: &str) -> Result<Option<String>, PlatformError> {
        Ok(self.settings.get(key).cloned())
    }

    async fn secret(&self, name: &str) -> Result<Option<Vec<u8>>, PlatformError> {
        Ok(self.secrets.get(name).cloned())
    }

    async fn fetch(
        &self,
        backend: &str,
        request: OriginRequest,
    ) -> Result<OriginResponse<ChunkedBody>, PlatformError> {
        if backend != "origin" {
            return Err(PlatformError::BackendMissing(backend.into()));
        }
        self.fetched.borrow_mut().push(request.path.clone());
        let reply = self
            .origin
            .get(&request.path)
            .cloned()
            .unwrap_or(OriginReply {
                status: 404,
                content_type: "text/plain".into(),
                headers: Vec::new(),
                body: b"not found".to_vec(),
            });
        let mut headers = http::HeaderMap::new();
        if let Ok(value) = http::HeaderValue::from_str(&reply.content_type) {
            headers.insert(http::header::CONTENT_TYPE, value);
        }
        for (name, value) in &reply.headers {
            if let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(name.as_bytes()),
                http::HeaderValue::from_str(value),
            ) {
                headers.append(name, value);
            }
        }
        // Split the body so callers are exercised on multi-chunk reads.
        let chunks = reply.body.chunks(64 * 1024).map(<[u8]>::to_vec).collect();
        Ok(OriginResponse {
            status: reply.status,
            headers,
            body: ChunkedBody::new(chunks),
        })
    }

    async fn cache_lookup(&self, key: &str) -> Result<CacheLookup, PlatformError> {
        self.lookups.borrow_mut().push(key.to_owned());
        if self.cache_fails.get() {
            return Err(PlatformError::Other("the cache did not answer".into()));
        }
        if self.open_fills.borrow().contains(key) {
            self.waited.borrow_mut().push(key.to_owned());
        }
        let lookup = self.find(key);
        if lookup.must_fill {
            self.open_fills.borrow_mut().insert(key.to_owned());
        }
        Ok(lookup)
    }

    async fn cache_lookup_headers_first(
        &self,
        key: &str,
        headers_suffice: HeadersSuffice<'_>,
    ) -> Result<CacheLookup, PlatformError> {
        let mut lookup = self.cache_lookup(key).await?;
        if let Some(object) = lookup
            .object
            .as_mut()
            .filter(|o| headers_suffice(&o.headers))
        {
            object.body.clear();
            self.bodies_unread.borrow_mut().push(key.to_owned());
        }
        Ok(lookup)
    }

    /// Like Fastly's: a needed body is handed over as a stream, in chunks, for the response.
    async fn cache_lookup_for_client(
        &self,
        key: &str,
        headers_suffice: HeadersSuffice<'_>,
    ) -> Result<(CacheLookup, Option<UnreadBody<ChunkedBody>>), PlatformError> {
        let unread_before = self.bodies_unread.borrow().len();
        let mut lookup = self
            .cache_lookup_headers_first(key, headers_suffice)
            .await?;
        let headers_sufficed = self.bodies_unread.borrow().len() > unread_before;
        let unread = match lookup.object.as_mut() {
            Some(object) if !headers_sufficed => {
                let body = std::mem::take(&mut object.body);
                self.bodies_for_client.borrow_mut().push(key.to_owned());
                Some(UnreadBody {
                    length: body.len() as u64,
                    body: ChunkedBody::new(body.chunks(4096).map(<[u8]>::to_vec).collect()),
                })
            }
            _ => None,
        };
        Ok((lookup, unread))
    }

    async fn cache_insert(
        &self,
        key: &str,
        object: &CachedObject,
        write: &CacheWrite,
    ) -> Result<(), PlatformError> {
        // An insert ends this request's fill, whether or not it is accepted.
        self.open_fills.borrow_mut().remove(key);
        if self.cache_fails.get() {
            return Err(PlatformError::Other("the cache did not answer".into()));
        }
        // Fastly's limits (Viceroy checks them too): one bad key fails the whole write.
        let valid = write
            .surrogate_keys
            .iter()
            .all(|k| is_valid_surrogate_key(k));
        if !valid || write.surrogate_keys.join(" ").len() > MAX_SURROGATE_KEYS_BYTES {
            return Err(PlatformError::Other("invalid surrogate keys".into()));
        }
        self.cache.borrow_mut().insert(
            key.into(),
            (object.clone(), write.clone(), self.clock.get()),
        );
        Ok(())
    }

    fn cache_abandon(&self, key: &str) {
        self.open_fills.borrow_mut().remove(key);
    }

    async fn purge(&self, surrogate_key: &str) -> Result<(), PlatformError> {
        self.cache
            .borrow_mut()
            .retain(|_, (_, write, _)| !write.surrogate_keys.iter().any(|k| k == surrogate_key));
        Ok(())
    }

    fn geo(&self) -> Option<Geo> {
        self.geo.clone()
    }

    fn log(&self, endpoint: &str, line: &str) {
        let lines = if self.hold_logs.get() {
            &self.held_logs
        } else {
            &self.logs
        };
        lines.borrow_mut().push((endpoint.into(), line.into()));
    }

    fn write_held_logs(&self) {
        let held = self.held_logs.take();
        self.logs.borrow_mut().extend(held);
    }

    fn now_ms(&self) -> f64 {
        let now = self.clock.get() + self.tick_ms;
        self.clock.set(now);
        now
    }

    fn fill_random(&self, buf: &mut [u8]) -> Result<(), PlatformError> {
        if self.random_fails.get() {
            return Err(PlatformError::Other("random source unavailable".into()));
        }
        // Deterministic on purpose (splitmix64): tests must be reproducible.
        for byte in buf.iter_mut() {
            let mut z = self.random_state.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
            self.random_state.set(z);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            *byte = (z ^ (z >> 31)) as u8;
        }
        Ok(())
    }

    fn memo(&self) -> Option<&Memo> {
        self.memo.as_ref()
    }
}
