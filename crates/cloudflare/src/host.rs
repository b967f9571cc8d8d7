//! The Cloudflare Workers adapter: [`Platform`] over the `worker` crate; the `#[event(fetch)]`
//! entry and the type conversions are in `entry`.
//!
//! Bindings: KV namespaces under their store names (`tailor_kv`), settings as vars, secrets as
//! Worker secrets named in capitals with `_` (`cookie-k1` → `COOKIE_K1`), an origin backend
//! `NAME` as the var `backend_NAME` (its base URL) with its timeouts as the vars
//! `backend_NAME_first_byte_timeout_ms` and `backend_NAME_between_bytes_timeout_ms` (Fastly's
//! backend settings of the same names; Fastly's defaults when unset), the Cache API for the
//! platform cache (`cache`).

use crate::body::CloudflareBody;
use crate::cache;
use futures_util::future::{select, Either};
use std::time::Duration;
use tailor_platform::{
    read_to_end_limited, BodyError, CacheLookup, CacheWrite, CachedObject, Geo, HeadersSuffice,
    Memo, OriginRequest, OriginResponse, Platform, PlatformError, UnreadBody,
};
use worker::{
    console_log, AbortController, Delay, Env, Fetch, Headers, Method, RequestInit, Response,
    ResponseBody,
};

/// Fastly's defaults for a backend's timeouts: how long to wait for the response to begin,
/// and for each next piece of its body. workerd itself waits as long as the origin takes.
const FIRST_BYTE_TIMEOUT_MS: u64 = 15_000;
const BETWEEN_BYTES_TIMEOUT_MS: u64 = 10_000;

thread_local! {
    /// The isolate outlives requests, so lists and pointers are remembered across them.
    static MEMO: &'static Memo = Box::leak(Box::default());
}

/// The per-request host.
pub(crate) struct CloudflareHost {
    env: Env,
    geo: Option<Geo>,
    memo: &'static Memo,
}

impl CloudflareHost {
    pub(crate) fn new(env: Env, geo: Option<Geo>) -> Self {
        Self {
            env,
            geo,
            memo: MEMO.with(|memo| *memo),
        }
    }
}

impl std::fmt::Debug for CloudflareHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudflareHost")
            .field("geo", &self.geo)
            .finish()
    }
}

fn other(e: impl std::fmt::Display) -> PlatformError {
    PlatformError::Other(e.to_string())
}

/// The Worker secret holding a Tailor secret: `cookie-k1` → `COOKIE_K1`.
fn secret_binding(name: &str) -> String {
    name.replace('-', "_").to_ascii_uppercase()
}

fn headers_of(pairs: &[(String, String)]) -> Result<Headers, worker::Error> {
    let headers = Headers::new();
    for (name, value) in pairs {
        headers.append(name, value)?;
    }
    Ok(headers)
}

impl CloudflareHost {
    /// A backend's `which` timeout from its var, or `default_ms`.
    fn timeout(&self, backend: &str, which: &str, default_ms: u64) -> Duration {
        self.duration_var(&format!("backend_{backend}_{which}_timeout_ms"), default_ms)
    }

    /// How long a Cache API call may take: the var `cache_timeout_ms`, or the default.
    fn cache_timeout(&self) -> Duration {
        self.duration_var("cache_timeout_ms", cache::CACHE_TIMEOUT_MS)
    }

    /// The var `name` as milliseconds, or `default_ms`. A var that is not a whole number of
    /// milliseconds is reported and the default used.
    fn duration_var(&self, name: &str, default_ms: u64) -> Duration {
        let Ok(value) = self.env.var(name) else {
            return Duration::from_millis(default_ms);
        };
        let value = value.to_string();
        let ms = value.trim().parse::<u64>().unwrap_or_else(|_| {
            console_log!("{name}: '{value}' is not a number of milliseconds; using {default_ms}");
            default_ms
        });
        Duration::from_millis(ms)
    }
}

impl Platform for CloudflareHost {
    type Body = CloudflareBody;

    async fn kv_get(
        &self,
        store: &str,
        key: &str,
        max_bytes: usize,
    ) -> Result<Option<Vec<u8>>, PlatformError> {
        let kv = self
            .env
            .kv(store)
            .map_err(|_| PlatformError::StoreMissing(store.into()))?;
        // As a stream, so an oversized value is refused before it is all in wasm memory
        // (`bytes()` would copy the whole value in first).
        let Some(stream) = kv.get(key).stream().await.map_err(other)? else {
            return Ok(None);
        };
        let mut response = Response::from_body(ResponseBody::Stream(stream)).map_err(other)?;
        let mut body = CloudflareBody {
            raw: None,
            stream: response.stream().ok(),
            between_bytes: None,
        };
        match read_to_end_limited(&mut body, max_bytes, None).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(BodyError::TooLarge { limit }) => Err(PlatformError::TooLarge { limit }),
            Err(e @ BodyError::NoMemory { .. }) => Err(PlatformError::Other(e.to_string())),
            Err(BodyError::Read(e)) => Err(e),
        }
    }

    async fn setting(&self, key: &str) -> Result<Option<String>, PlatformError> {
        Ok(self.env.var(key).ok().map(|v| v.to_string()))
    }

    async fn secret(&self, name: &str) -> Result<Option<Vec<u8>>, PlatformError> {
        let secret = self.env.secret(&secret_binding(name)).ok();
        Ok(secret.map(|s| s.to_string().into_bytes()))
    }

    async fn fetch(
        &self,
        backend: &str,
        request: OriginRequest,
    ) -> Result<OriginResponse<CloudflareBody>, PlatformError> {
        let base = self
            .env
            .var(&format!("backend_{backend}"))
            .map_err(|_| PlatformError::BackendMissing(backend.into()))?
            .to_string();
        let url = format!("{}{}", base.trim_end_matches('/'), request.path);
        let mut init = RequestInit::new();
        init.with_method(Method::Get)
            .with_headers(headers_of(&request.headers).map_err(other)?);
        let outgoing = worker::Request::new_with_init(&url, &init).map_err(other)?;
        let first_byte = self.timeout(backend, "first_byte", FIRST_BYTE_TIMEOUT_MS);
        let between_bytes = self.timeout(backend, "between_bytes", BETWEEN_BYTES_TIMEOUT_MS);
        // Aborted on timeout, so the origin's connection is let go rather than left to run.
        let controller = AbortController::default();
        let (fetch, signal) = (Fetch::Request(outgoing), controller.signal());
        let send = std::pin::pin!(fetch.send_with_signal(&signal));
        let response = match select(send, Delay::from(first_byte)).await {
            Either::Left((response, _)) => response.map_err(other)?,
            Either::Right(_) => {
                controller.abort();
                return Err(PlatformError::Timeout);
            }
        };
        let mut headers = http::HeaderMap::new();
        // The Workers runtime decodes gzip/br bodies itself but leaves `Content-Encoding` (and
        // the encoded `Content-Length`) in place: drop both so the handler sees the truth.
        let encoded = response.headers().has("content-encoding").unwrap_or(false);
        let decoded =
            |name: &str| encoded && (name == "content-encoding" || name == "content-length");
        for (name, value) in response.headers().entries().filter(|(n, _)| !decoded(n)) {
            if let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(name.as_bytes()),
                http::HeaderValue::from_str(&value),
            ) {
                headers.append(name, value);
            }
        }
        Ok(OriginResponse {
            status: response.status_code(),
            headers,
            body: CloudflareBody::of(&response, Some(between_bytes)),
        })
    }

    async fn cache_lookup(&self, key: &str) -> Result<CacheLookup, PlatformError> {
        cache::lookup(key, self.now_ms(), false, self.cache_timeout())
            .await
            .map(|(lookup, _)| lookup)
    }

    async fn cache_lookup_for_client(
        &self,
        key: &str,
        _headers_suffice: HeadersSuffice<'_>,
    ) -> Result<(CacheLookup, Option<UnreadBody<CloudflareBody>>), PlatformError> {
        cache::lookup(key, self.now_ms(), true, self.cache_timeout()).await
    }

    async fn cache_insert(
        &self,
        key: &str,
        object: &CachedObject,
        write: &CacheWrite,
    ) -> Result<(), PlatformError> {
        cache::insert(key, object, write, self.now_ms(), self.cache_timeout()).await
    }

    async fn purge(&self, _surrogate_key: &str) -> Result<(), PlatformError> {
        Err(PlatformError::Unsupported(
            "the Workers Cache API deletes single URLs only; purge by tag needs the Cloudflare \
             API (Cache-Tag purge). Entries expire with their TTL"
                .into(),
        ))
    }

    fn geo(&self) -> Option<Geo> {
        self.geo.clone()
    }

    fn log(&self, endpoint: &str, line: &str) {
        console_log!("{endpoint} :: {line}");
    }

    fn now_ms(&self) -> f64 {
        worker::Date::now().as_millis() as f64
    }

    fn fill_random(&self, buf: &mut [u8]) -> Result<(), PlatformError> {
        getrandom::fill(buf).map_err(|e| PlatformError::Other(format!("random source: {e}")))
    }

    fn memo(&self) -> Option<&Memo> {
        Some(self.memo)
    }
}
