//! Exposure lines: one per visitor, experiment and UTC day, written when a banner the
//! experiment can change is served (its arms rank or size banners, or give this segment's
//! another template), alone or in a rewritten `/page/` — whichever arm the visitor is in, the
//! control included. The cookie remembers each experiment's last exposure day next to the
//! recorded arm, so repeated banners the same day write nothing; only enrolled (consenting,
//! bucketed) visitors are exposed.
//!
//! `{"event":"exposure","experiment","arm","visitor","segment","weights":{arm: share},"ts_ms"}`
//! where `weights` is the split new visitors get at that moment.

use super::context::RequestContext;
use super::weights_source;
use tailor_core::segment::buckets::Reason;
use tailor_platform::Platform;

const DAY_MS: f64 = 86_400_000.0;

/// Logs the exposures this banner causes; returns the re-sealed cookie (`Set-Cookie`) that
/// remembers them, or `None` when nothing was logged.
pub(super) async fn note<P: Platform>(ctx: &RequestContext<'_>, platform: &P) -> Option<String> {
    let cookie = ctx.identity.cookie.as_ref()?;
    if ctx.preview {
        return None;
    }
    let now_ms = platform.now_ms();
    let today = (now_ms / DAY_MS) as u32;
    let segment = ctx.decision.segment.as_str();
    // Enrolled visitors' experiments that apply to this banner, not yet exposed today.
    let due: Vec<usize> =
        ctx.config
            .experiments
            .iter()
            .zip(&ctx.assignments)
            .enumerate()
            .filter(|(_, (experiment, a))| {
                a.reason == Reason::Enrolled
                    && experiment.applies_to(segment)
                    && cookie.arms.iter().any(|m| {
                        m.experiment == a.experiment && m.arm == a.arm_name && m.day != today
                    })
            })
            .map(|(i, _)| i)
            .collect();
    if due.is_empty() {
        return None;
    }
    let allocation = match &ctx.allocation {
        Some(read) => read.clone(),
        None => weights_source::read(ctx.config, &ctx.config_source, platform).await,
    };
    let mut updated = cookie.clone();
    for index in due {
        let (Some(experiment), Some(a)) = (
            ctx.config.experiments.get(index),
            ctx.assignments.get(index),
        ) else {
            continue;
        };
        let weights: serde_json::Map<String, serde_json::Value> = experiment
            .split(allocation.as_deref())
            .into_iter()
            .map(|(arm, share)| (arm.to_owned(), serde_json::json!(share)))
            .collect();
        let line = serde_json::json!({
            "event": "exposure",
            "experiment": a.experiment,
            "arm": a.arm_name,
            "visitor": cookie.visitor_id,
            "segment": segment,
            "weights": weights,
            "ts_ms": now_ms as u64,
        });
        platform.log(&ctx.config.events.log_endpoint, &line.to_string());
        if let Some(mark) = updated
            .arms
            .iter_mut()
            .find(|m| m.experiment == a.experiment)
        {
            mark.day = today;
        }
    }
    ctx.identity.reseal(ctx.config, &updated, platform)
}
