//! The `impression` log line: one per banner served, naming the items in the order shown
//! and the policy that chose them, so clicks can be related to what was shown. It carries
//! the same consent-respecting fields as the beacon's lines: the visitor id only with
//! consent (`null` otherwise), never for previews.

use super::context::RequestContext;
use std::collections::BTreeMap;
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
    let line = Line {
        arms: ctx
            .assignments
            .iter()
            .map(|a| (a.experiment.as_str(), a.arm_name.as_str()))
            .collect(),
        event: "impression",
        // Positions are the array order: the first item is position 1.
        items: banner.items.iter().map(|i| i.id.as_str()).collect(),
        policy,
        segment: &banner.segment,
        slot: &banner.slot,
        ts_ms: platform.now_ms() as u64,
        version,
        visitor: ctx.identity.visitor_id(),
    };
    if let Ok(line) = serde_json::to_string(&line) {
        platform.log(&ctx.config.events.log_endpoint, &line);
    }
}

/// The line, serialized straight from borrowed fields (no JSON value tree per banner); the
/// fields in name order, as the line has always had them.
#[derive(serde::Serialize)]
struct Line<'a> {
    arms: BTreeMap<&'a str, &'a str>,
    event: &'static str,
    items: Vec<&'a str>,
    policy: &'a str,
    segment: &'a str,
    slot: &'a str,
    ts_ms: u64,
    version: &'a str,
    visitor: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same bytes as the JSON value the line was built as before.
    #[test]
    fn the_line_keeps_its_fields_in_name_order() {
        let line = Line {
            arms: BTreeMap::from([("hero-copy", "b"), ("a-test", "control")]),
            event: "impression",
            items: vec!["sku-2", "sku-1"],
            policy: "model",
            segment: "desktop",
            slot: "hero",
            ts_ms: 1_700_000_000_123,
            version: "v3",
            visitor: None,
        };
        let value = serde_json::json!({
            "event": "impression", "slot": "hero", "segment": "desktop", "policy": "model",
            "version": "v3", "items": ["sku-2", "sku-1"], "visitor": null,
            "arms": {"hero-copy": "b", "a-test": "control"}, "ts_ms": 1_700_000_000_123u64,
        });
        assert_eq!(serde_json::to_string(&line).unwrap(), value.to_string());
    }
}
