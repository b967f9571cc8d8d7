//! Per-request state: the config, the visitor's segment decision, and whether debug output
//! was asked for with the right token.

use super::config_source::ConfigSource;
use super::timing::ServerTiming;
use crate::config::Config;
use crate::image::ClientFormats;
use crate::platform::Platform;
use crate::segment::{self, Decision, VisitorContext};
use std::cell::RefCell;

/// The request header carrying the debug token.
pub const DEBUG_HEADER: &str = "x-tailor-debug";
/// The request header that, with the debug token, bypasses cache lookups.
pub const CACHE_HEADER: &str = "x-tailor-cache";

#[derive(Debug)]
pub struct RequestContext<'a> {
    pub config: &'a Config,
    pub config_source: ConfigSource,
    pub query: Vec<(String, String)>,
    pub visitor: VisitorContext,
    pub decision: Decision,
    pub debug: bool,
    /// Debug-only: skip cache lookups (`X-Tailor-Cache: bypass`), for benchmarks.
    pub bypass_cache: bool,
    /// Image formats the client's `Accept` names, for `format=auto`.
    pub client_formats: ClientFormats,
    pub timing: RefCell<ServerTiming>,
}

impl<'a> RequestContext<'a> {
    pub fn new<P: Platform>(
        request: &http::Request<Vec<u8>>,
        config: &'a Config,
        config_source: ConfigSource,
        platform: &P,
    ) -> Self {
        let start = platform.now_ms();
        let country = platform.geo().and_then(|g| g.country);
        let visitor = VisitorContext::from_request(request.headers(), country);
        let decision = segment::choose(config, &visitor);
        let mut timing = ServerTiming::default();
        timing.add("segment", platform.now_ms() - start);
        let query = request
            .uri()
            .query()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let debug = debug_allowed(request.headers(), config);
        let bypass_cache = debug
            && request
                .headers()
                .get(CACHE_HEADER)
                .is_some_and(|v| v == "bypass");
        Self {
            config,
            config_source,
            query,
            visitor,
            decision,
            debug,
            bypass_cache,
            client_formats: request
                .headers()
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(ClientFormats::from_accept)
                .unwrap_or_default(),
            timing: RefCell::new(timing),
        }
    }

    /// The first value of a query parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn time(&self, name: &'static str, duration_ms: f64) {
        self.timing.borrow_mut().add(name, duration_ms);
    }
}

fn debug_allowed(headers: &http::HeaderMap, config: &Config) -> bool {
    let (Some(expected), Some(given)) = (config.debug_token.as_deref(), headers.get(DEBUG_HEADER))
    else {
        return false;
    };
    crate::constant_time::eq(expected.as_bytes(), given.as_bytes())
}
