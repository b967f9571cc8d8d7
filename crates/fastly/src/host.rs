//! The Fastly Compute adapter: [`Platform`] over the `fastly` crate's blocking APIs (the
//! client's request and response are `client.rs`'s).

use crate::body::{read_whole, FastlyBody};
use crate::metadata;
use fastly::cache::core as cache;
use fastly::handle::RequestHandle;
use fastly::http::request::SendErrorCause;
use fastly::kv_store::{KVStore, KVStoreError};
use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;
use std::io::Write;
use std::net::IpAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tailor_platform::{
    CacheLookup, CacheWrite, CachedObject, Geo, HeadersSuffice, OriginRequest, OriginResponse,
    Platform, PlatformError, UnreadBody,
};

/// The Config Store holding deployment settings such as `config_key`.
pub(crate) const SETTINGS_STORE: &str = "tailor_settings";
/// The Secret Store holding signing keys.
pub(crate) const SECRET_STORE: &str = "tailor_secrets";
/// Cached bodies this large or larger are sent to the client unread; smaller ones are read,
/// which costs less than waiting for the host to have the body ready (`client::send_unread`).
/// Same-run `wrk` in Viceroy, read against unread: a 345 KB variant 1,300–1,520 against
/// 2,310–2,360 requests/s, 96 KB 2,400–2,590 against 3,190–3,210, 19 KB even, 13 KB ~8 % fewer.
const UNREAD_MIN_BYTES: u64 = 16 * 1024;
/// The per-request host: Fastly creates an instance per request, so this holds request facts,
/// and the cache transactions this request was chosen to complete.
pub(crate) struct FastlyHost {
    /// The client request's handle, for its address (read on first use: only a request
    /// that looks up its geo needs it).
    client: RequestHandle,
    client_ip: OnceCell<Option<IpAddr>>,
    /// Keys whose lookup made this request the one to fill or refresh the entry: the next
    /// insert of the key goes through the transaction, releasing the requests waiting on it.
    obligations: RefCell<BTreeMap<String, cache::Transaction>>,
    /// The settings store, opened on the first setting read (`None`: none is deployed).
    settings: OnceCell<Option<fastly::ConfigStore>>,
    /// Log lines (endpoint, line) held until the response has left
    /// ([`Platform::write_held_logs`]).
    held_logs: RefCell<Vec<(String, String)>>,
}

impl FastlyHost {
    /// The host of the client request `client`.
    pub(crate) fn new(client: RequestHandle) -> Self {
        Self {
            client,
            client_ip: OnceCell::new(),
            obligations: RefCell::new(BTreeMap::new()),
            settings: OnceCell::new(),
            held_logs: RefCell::new(Vec::new()),
        }
    }
}

impl std::fmt::Debug for FastlyHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FastlyHost")
            .field("client_ip", &self.client_ip)
            .field("obligations", &self.obligations.borrow().len())
            .finish()
    }
}

impl FastlyHost {
    /// A transactional lookup: on a miss (or a stale hit) exactly one request is told to fill
    /// the entry; concurrent ones wait for it (or get the stale object). A needed body is read,
    /// or with `unread_ok`, from [`UNREAD_MIN_BYTES`] on, handed over unread for the client's
    /// response, which the host then streams from the cache (its stored length is the
    /// response's length).
    fn lookup(
        &self,
        key: &str,
        headers_suffice: HeadersSuffice<'_>,
        unread_ok: bool,
    ) -> Result<(CacheLookup, Option<UnreadBody<FastlyBody>>), PlatformError> {
        let other = |e: &dyn std::fmt::Display| PlatformError::Other(e.to_string());
        let transaction = cache::Transaction::lookup(key.to_owned().into())
            .execute()
            .map_err(|e| other(&e))?;
        let mut unread = None;
        let (object, stale) = match transaction.found() {
            Some(found) => {
                let headers = metadata::decode(&found.user_metadata())?;
                let body = if headers_suffice(&headers) {
                    Vec::new()
                } else {
                    let stream = found.to_stream().map_err(|e| other(&e))?;
                    match found.known_length() {
                        Some(length) if unread_ok && length >= UNREAD_MIN_BYTES => {
                            let body = FastlyBody::new(stream);
                            unread = Some(UnreadBody { body, length });
                            Vec::new()
                        }
                        // Stored with its length (`cache_insert`): read in one buffer of that size.
                        length => read_whole(stream, usize::MAX, length)?,
                    }
                };
                (Some(CachedObject { headers, body }), found.is_stale())
            }
            None => (None, false),
        };
        // A fresh hit never obliges anyone to fill (the state says so only of a miss or a
        // stale hit): not asked then, one host call fewer on the common path.
        let fresh_hit = object.is_some() && !stale;
        let must_fill = !fresh_hit && transaction.must_insert_or_update();
        if must_fill {
            self.obligations
                .borrow_mut()
                .insert(key.to_owned(), transaction);
        }
        let lookup = CacheLookup {
            object,
            stale,
            must_fill,
        };
        Ok((lookup, unread))
    }
}

impl Platform for FastlyHost {
    type Body = FastlyBody;

    async fn kv_get(
        &self,
        store: &str,
        key: &str,
        max_bytes: usize,
    ) -> Result<Option<Vec<u8>>, PlatformError> {
        let other = |e: KVStoreError| PlatformError::Other(e.to_string());
        let kv = KVStore::open(store)
            .map_err(other)?
            .ok_or_else(|| PlatformError::StoreMissing(store.into()))?;
        match kv.lookup(key) {
            Ok(mut found) => match found.try_take_body() {
                Some(body) => read_whole(body, max_bytes, None).map(Some),
                None => Ok(Some(Vec::new())),
            },
            Err(KVStoreError::ItemNotFound) => Ok(None),
            Err(e) => Err(other(e)),
        }
    }

    async fn setting(&self, key: &str) -> Result<Option<String>, PlatformError> {
        // No settings store deployed means no settings, not an error. Opened once: every
        // request reads two settings.
        let store = self
            .settings
            .get_or_init(|| fastly::ConfigStore::try_open(SETTINGS_STORE).ok());
        let Some(store) = store else {
            return Ok(None);
        };
        store
            .try_get(key)
            .map_err(|e| PlatformError::Other(e.to_string()))
    }

    async fn secret(&self, name: &str) -> Result<Option<Vec<u8>>, PlatformError> {
        let store = fastly::SecretStore::open(SECRET_STORE)
            .map_err(|_| PlatformError::StoreMissing(SECRET_STORE.into()))?;
        let secret = store
            .try_get(name)
            .map_err(|e| PlatformError::Other(e.to_string()))?;
        Ok(secret.map(|s| s.plaintext().to_vec()))
    }

    async fn fetch(
        &self,
        backend: &str,
        request: OriginRequest,
    ) -> Result<OriginResponse<FastlyBody>, PlatformError> {
        let mut outgoing = fastly::Request::get(format!("http://{backend}{}", request.path));
        outgoing.set_pass(request.pass);
        for (name, value) in &request.headers {
            outgoing.set_header(name.as_str(), value.as_str());
        }
        let mut response = outgoing.send(backend).map_err(|e| match e.root_cause() {
            SendErrorCause::ConnectionTimeout
            | SendErrorCause::HttpResponseTimeout
            | SendErrorCause::DnsTimeout => PlatformError::Timeout,
            SendErrorCause::DestinationNotFound => PlatformError::BackendMissing(backend.into()),
            other => PlatformError::Other(other.to_string()),
        })?;
        let mut headers = http::HeaderMap::new();
        for (name, value) in response.get_headers() {
            headers.append(name.clone(), value.clone());
        }
        Ok(OriginResponse {
            status: response.get_status().as_u16(),
            headers,
            body: FastlyBody::new(response.take_body()),
        })
    }

    async fn cache_lookup(&self, key: &str) -> Result<CacheLookup, PlatformError> {
        self.cache_lookup_headers_first(key, &|_| false).await
    }

    async fn cache_lookup_headers_first(
        &self,
        key: &str,
        headers_suffice: HeadersSuffice<'_>,
    ) -> Result<CacheLookup, PlatformError> {
        self.lookup(key, headers_suffice, false)
            .map(|(lookup, _)| lookup)
    }

    async fn cache_lookup_for_client(
        &self,
        key: &str,
        headers_suffice: HeadersSuffice<'_>,
    ) -> Result<(CacheLookup, Option<UnreadBody<FastlyBody>>), PlatformError> {
        self.lookup(key, headers_suffice, true)
    }

    async fn cache_insert(
        &self,
        key: &str,
        object: &CachedObject,
        write: &CacheWrite,
    ) -> Result<(), PlatformError> {
        let other = |e: &dyn std::fmt::Display| PlatformError::Other(e.to_string());
        let metadata = metadata::encode(&object.headers)?;
        let ttl = Duration::from_secs(write.ttl_seconds.into());
        let swr = Duration::from_secs(write.stale_while_revalidate_seconds.into());
        let keys = write.surrogate_keys.iter().map(String::as_str);
        let length = object.body.len() as u64;
        let obligation = self.obligations.borrow_mut().remove(key);
        let mut body = match obligation {
            Some(transaction) => transaction
                .insert(ttl)
                .stale_while_revalidate(swr)
                .surrogate_keys(keys)
                .known_length(length)
                .user_metadata(metadata.into())
                .execute(),
            None => cache::insert(key.to_owned().into(), ttl)
                .stale_while_revalidate(swr)
                .surrogate_keys(keys)
                .known_length(length)
                .user_metadata(metadata.into())
                .execute(),
        }
        .map_err(|e| other(&e))?;
        body.write_all(&object.body).map_err(|e| other(&e))?;
        body.finish().map_err(|e| other(&e))
    }

    fn cache_abandon(&self, key: &str) {
        if let Some(transaction) = self.obligations.borrow_mut().remove(key) {
            // Failing to cancel leaves the fill to the end of the request, as before.
            let _ = transaction.cancel_insert_or_update();
        }
    }

    async fn purge(&self, surrogate_key: &str) -> Result<(), PlatformError> {
        fastly::http::purge::purge_surrogate_key(surrogate_key)
            .map_err(|e| PlatformError::Other(format!("purge failed: {e}")))
    }

    fn geo(&self) -> Option<Geo> {
        let client_ip = *self
            .client_ip
            .get_or_init(|| crate::client::client_ip(&self.client));
        crate::geo::lookup(client_ip?)
    }

    /// Held until the response has left (`main.rs` calls [`Platform::write_held_logs`]):
    /// in Viceroy each line is a write to its standard output, 5–10 µs of the banner's
    /// response time that the visitor need not wait for.
    fn log(&self, endpoint: &str, line: &str) {
        self.held_logs
            .borrow_mut()
            .push((endpoint.to_owned(), line.to_owned()));
    }

    fn write_held_logs(&self) {
        // Lines come in runs to one endpoint (a beacon's events): each run opens it once.
        let mut open: Option<(String, fastly::log::Endpoint)> = None;
        for (endpoint, line) in self.held_logs.take() {
            if open.as_ref().map(|(name, _)| name) != Some(&endpoint) {
                open = fastly::log::Endpoint::try_from_name(&endpoint)
                    .ok()
                    .map(|sink| (endpoint, sink));
            }
            match &mut open {
                // One write, one entry: `writeln!` wrote the line and then its newline, a
                // second host call that the host takes as an entry of its own (Viceroy drops
                // it as empty).
                Some((_, sink)) => {
                    let _ = sink.write_all(line.as_bytes());
                }
                None => eprintln!("{line}"),
            }
        }
    }

    fn now_ms(&self) -> f64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    }

    fn fill_random(&self, buf: &mut [u8]) -> Result<(), PlatformError> {
        getrandom::fill(buf).map_err(|e| PlatformError::Other(format!("random source: {e}")))
    }
}
