//! The `impression` log line: one per banner served, naming the items in the order shown
//! and the policy that chose them, so clicks can be related to what was shown. It carries
//! the same consent-respecting fields as the beacon's lines: the visitor id only with
//! consent (`null` otherwise), never for previews.

use super::context::RequestContext;
use tailor_core::banner::Banner;
use tailor_platform::Platform;

/// Called once the banner is certain to be served (rendered, and for a page, the page going
/// out), so the training log holds only what visitors were shown.
pub(super) fn log<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    banner: &Banner,
    policy: &str,
    version: &str,
) {
    if ctx.preview {
        // A preview is QA looking at a forced segment, not a visitor seeing a banner.
        return;
    }
    let arms: std::collections::BTreeMap<&str, &str> = ctx
        .assignments
        .iter()
        .map(|a| (a.experiment.as_str(), a.arm_name.as_str()))
        .collect();
    // Positions are the array order: the first item is position 1.
    let items: Vec<&str> = banner.items.iter().map(|i| i.id.as_str()).collect();
    let line = serde_json::json!({
        "event": "impression",
        "slot": banner.slot,
        "segment": banner.segment,
        "policy": policy,
        "version": version,
        "items": items,
        "visitor": ctx.identity.visitor_id(),
        "arms": arms,
        "ts_ms": platform.now_ms() as u64,
    });
    platform.log(&ctx.config.events.log_endpoint, &line.to_string());
}
