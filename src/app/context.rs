//! Per-request state: the config, the visitor's segment decision, and whether debug output
//! was asked for with the right token.

use super::config_source::ConfigSource;
use super::preview;
use super::timing::ServerTiming;
use super::visitor::{self, Identity};
use super::weights_source;
use crate::Bundle;
use std::cell::RefCell;
use std::rc::Rc;
use tailor_config::Config;
use tailor_core::identity::{self, ArmMark};
use tailor_core::segment::buckets::{self, Allocation, Assignment, Reason};
use tailor_core::segment::condition::Facts;
use tailor_core::segment::{self, Decision, DeviceClass, RequestFacts, VisitorContext};
use tailor_image::ClientFormats;
use tailor_platform::Platform;

/// The request header carrying the debug token.
pub(super) const DEBUG_HEADER: &str = "x-tailor-debug";
/// The request header that, with the debug token, bypasses cache lookups.
pub(super) const CACHE_HEADER: &str = "x-tailor-cache";

#[derive(Debug)]
pub(super) struct RequestContext<'a> {
    pub config: &'a Config,
    /// What the deployment compiled in: the default list, the demo page.
    pub bundle: &'a Bundle,
    pub config_source: ConfigSource,
    pub query: Vec<(String, String)>,
    pub visitor: VisitorContext,
    pub consent: bool,
    pub identity: Identity,
    pub decision: Decision,
    /// One per configured experiment, in config order.
    pub assignments: Vec<Assignment>,
    /// The arm weights in force for new visitors, when this request read them (`Some(None)`:
    /// read, and the config's serve).
    pub allocation: Option<Option<Rc<Allocation>>>,
    /// A valid preview token forced the segment: the response must not be cached anywhere.
    pub preview: bool,
    pub debug: bool,
    /// Debug-only: skip cache lookups (`X-Tailor-Cache: bypass`), for benchmarks.
    pub bypass_cache: bool,
    /// Image formats the client's `Accept` names, for `format=auto`.
    pub client_formats: ClientFormats,
    /// The request's `If-None-Match`, for 304 answers.
    pub if_none_match: Option<String>,
    pub timing: RefCell<ServerTiming>,
}

impl<'a> RequestContext<'a> {
    pub(super) async fn new<P: Platform>(
        request: &http::Request<Vec<u8>>,
        config: &'a Config,
        config_source: ConfigSource,
        bundle: &'a Bundle,
        platform: &P,
        records_arms: bool,
    ) -> Self {
        let debug = debug_allowed(request.headers(), config);
        let query = query_of(request);
        // The geo lookup is a host call, not segmentation work: it stays outside the timing.
        let geo = platform.geo();
        let start = platform.now_ms();
        let facts = RequestFacts {
            query: &query,
            geo: geo.as_ref(),
            now_ms: start,
        };
        let mut visitor = VisitorContext::from_request(request.headers(), facts);
        let consent = identity::has_consent(&visitor, &config.consent);
        let mut segment_ms = platform.now_ms() - start;

        let forced = preview::forced_segment(&query, config, platform, &mut visitor).await;
        let is_bot = visitor.device == DeviceClass::Bot;
        let mut identity = visitor::identify(
            config,
            &visitor,
            consent,
            !is_bot && forced.is_none(),
            platform,
        )
        .await;

        let start = platform.now_ms();
        let decision = match &forced {
            Some(segment) => segment::forced(segment),
            None => segment::choose(
                &config.segments.rules,
                Facts {
                    context: &visitor,
                    consent,
                },
                debug,
            ),
        };
        let gate = if forced.is_some() {
            Some(Reason::Preview)
        } else if is_bot {
            Some(Reason::Bot)
        } else {
            None
        };
        let recorded = identity
            .cookie
            .as_ref()
            .map_or(&[][..], |c| c.arms.as_slice());
        let mut assignments = buckets::assign_with(
            &config.experiments,
            identity.visitor_id(),
            gate,
            recorded,
            None,
        );
        segment_ms += platform.now_ms() - start;
        // Visitors bucketed for the first time follow the weights in force, read only then;
        // their arm is recorded in the cookie so that later weights do not move them.
        let mut allocation = None;
        if records_arms && assignments.iter().any(newly_enrolled) {
            let read = weights_source::read(config, &config_source, platform).await;
            let start = platform.now_ms();
            let recorded = identity
                .cookie
                .as_ref()
                .map_or(&[][..], |c| c.arms.as_slice());
            assignments = buckets::assign_with(
                &config.experiments,
                identity.visitor_id(),
                gate,
                recorded,
                read.as_deref(),
            );
            allocation = Some(read);
            if let Some(cookie) = &identity.cookie {
                let mut marks = cookie.arms.clone();
                record_arms(&mut marks, &assignments, config);
                // Only a change is sealed (past the cap nothing is, however often).
                if marks != cookie.arms {
                    if let Some(cookie) = identity.cookie_mut() {
                        cookie.arms = marks;
                    }
                }
            }
            segment_ms += platform.now_ms() - start;
        }
        identity.seal(config, platform);
        let mut timing = ServerTiming::default();
        timing.add("segment", segment_ms);
        Self {
            visitor,
            consent,
            identity,
            decision,
            assignments,
            allocation,
            preview: forced.is_some(),
            timing: RefCell::new(timing),
            ..Self::anonymous(request, config, config_source, bundle, query, debug)
        }
    }

    /// The context of a response that is the same for every visitor (an image's bytes depend
    /// only on the config, the query and `Accept`): no user-agent classification, geo lookup,
    /// segment rules or cookie, which would be most of a cached image's own work. A debug
    /// request takes [`Self::new`] instead, for its explanation headers.
    pub(super) fn for_anyone(
        request: &http::Request<Vec<u8>>,
        config: &'a Config,
        config_source: ConfigSource,
        bundle: &'a Bundle,
    ) -> Self {
        let query = query_of(request);
        Self::anonymous(request, config, config_source, bundle, query, false)
    }

    /// The request's own fields, with no visitor.
    fn anonymous(
        request: &http::Request<Vec<u8>>,
        config: &'a Config,
        config_source: ConfigSource,
        bundle: &'a Bundle,
        query: Vec<(String, String)>,
        debug: bool,
    ) -> Self {
        let headers = request.headers();
        let bypass_cache = debug && headers.get(CACHE_HEADER).is_some_and(|v| v == "bypass");
        Self {
            config,
            bundle,
            config_source,
            query,
            visitor: VisitorContext::default(),
            consent: false,
            identity: Identity::default(),
            decision: Decision {
                segment: config.segments.rules.default.clone(),
                rule: None,
                explanation: String::new(),
            },
            assignments: Vec::new(),
            allocation: None,
            preview: false,
            debug,
            bypass_cache,
            client_formats: headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(ClientFormats::from_accept)
                .unwrap_or_default(),
            if_none_match: headers
                .get(http::header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .filter(|v| v.len() <= 1024)
                .map(str::to_owned),
            timing: RefCell::new(ServerTiming::default()),
        }
    }

    /// The pure inputs of an image request.
    pub(super) fn image_inputs(&self) -> super::image_request::ImageInputs<'_> {
        super::image_request::ImageInputs {
            config: self.config,
            query: &self.query,
            client: self.client_formats,
        }
    }

    /// The assigned arms as (experiment index, arm index), for template refinement.
    pub(super) fn arms(&self) -> Vec<(usize, usize)> {
        self.assignments
            .iter()
            .enumerate()
            .map(|(i, a)| (i, a.arm))
            .collect()
    }

    /// The first value of a query parameter.
    pub(super) fn param(&self, name: &str) -> Option<&str> {
        tailor_core::query::first(&self.query, name)
    }

    pub(super) fn time(&self, name: &'static str, duration_ms: f64) {
        self.timing.borrow_mut().add(name, duration_ms);
    }
}

/// Bucketed by the visitor's id now, not taken from their cookie.
fn newly_enrolled(a: &Assignment) -> bool {
    a.reason == Reason::Enrolled && !a.recorded
}

/// Records the newly bucketed arms in the cookie's marks: marks of experiments the config no
/// longer has go first, and at most [`identity::sealed::MAX_ARMS`] are kept (an experiment
/// past that is bucketed afresh on every request, by its slot).
fn record_arms(marks: &mut Vec<ArmMark>, assignments: &[Assignment], config: &Config) {
    marks.retain(|m| config.experiments.iter().any(|e| e.name == m.experiment));
    for a in assignments.iter().filter(|a| newly_enrolled(a)) {
        marks.retain(|m| m.experiment != a.experiment);
        if marks.len() < identity::sealed::MAX_ARMS {
            marks.push(ArmMark {
                experiment: a.experiment.clone(),
                arm: a.arm_name.clone(),
                day: 0,
            });
        }
    }
}

/// The query's name-value pairs, percent-decoded, in order.
fn query_of(request: &http::Request<Vec<u8>>) -> Vec<(String, String)> {
    request
        .uri()
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}

pub(super) fn debug_allowed(headers: &http::HeaderMap, config: &Config) -> bool {
    let (Some(expected), Some(given)) = (config.debug_token.as_deref(), headers.get(DEBUG_HEADER))
    else {
        return false;
    };
    tailor_core::constant_time::eq(expected.as_bytes(), given.as_bytes())
}
