//! `POST /events`: view and click beacons (`{"type":"click","item":"sku-5"}`) and goals
//! (`{"type":"goal","name":"purchase","value":49.9}`, names declared in `events.goals`).
//! Each accepted event is logged to the configured endpoint (an item's with its category from
//! the catalogue, a goal's with the visitor's arms); with consent a view or click also joins
//! the visitor's recent history in the sealed cookie, which the next banner's ranking reads.
//! Goals never enter the history.

use super::context::RequestContext;
use super::{banner_route, respond, shared_caches};
use crate::error::AppError;
use http::header::{HOST, ORIGIN, SET_COOKIE};
use http::{Request, Response, StatusCode};
use tailor_core::events::{self, Beacon, Event, Goal};
use tailor_core::identity::history;
use tailor_core::identity::HistoryEntry;
use tailor_platform::Platform;

pub(super) async fn post<P: Platform>(
    request: &Request<Vec<u8>>,
    ctx: &RequestContext<'_>,
    platform: &P,
) -> Result<Response<Vec<u8>>, AppError> {
    same_site(request)?;
    let beacons = events::parse(request.body(), &ctx.config.events)?;
    let events: Vec<Event> = beacons.iter().filter_map(Beacon::item).cloned().collect();
    let categories = if events.is_empty() {
        Vec::new() // goals only: no catalogue read
    } else {
        catalogue_categories(ctx, platform, &events).await
    };
    for (event, category) in events.iter().zip(&categories) {
        log(ctx, platform, event, category.as_deref());
    }
    for goal in beacons.iter().filter_map(Beacon::goal) {
        log_goal(ctx, platform, goal);
    }
    let mut response = Response::new(Vec::new());
    *response.status_mut() = StatusCode::NO_CONTENT;
    // The answer may carry the visitor's cookie: no shared cache may keep it.
    shared_caches::make_private(response.headers_mut());
    // Identity exists only with consent; without it the events are logged anonymously.
    let set_cookie = match &ctx.identity.cookie {
        Some(_) if events.is_empty() => ctx.identity.set_cookie.clone(),
        Some(cookie) => {
            let mut cookie = cookie.clone();
            let now_s = (platform.now_ms() / 1000.0) as u64;
            for (event, category) in events.iter().zip(&categories) {
                history::record(
                    &mut cookie.history,
                    HistoryEntry {
                        item: event.item.clone(),
                        category: category.clone().unwrap_or_default(),
                        kind: event.kind.history_kind(),
                        at_s: Some(now_s),
                    },
                );
            }
            ctx.identity.reseal(ctx.config, &cookie, platform)
        }
        None => ctx.identity.set_cookie.clone(),
    };
    if let Some(value) = set_cookie {
        respond::set(&mut response, SET_COOKIE, &value);
    }
    Ok(respond::finish(ctx, response, "events", "beacon"))
}

/// Beacons come from the site's own pages. A request naming another origin is refused, so
/// a third-party page cannot write a visitor's history (browsers send `Origin` on POST).
fn same_site(request: &Request<Vec<u8>>) -> Result<(), AppError> {
    let Some(origin) = request.headers().get(ORIGIN) else {
        return Ok(());
    };
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, host)| host);
    let host = request.headers().get(HOST).and_then(|h| h.to_str().ok());
    match (origin_host, host) {
        (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => Ok(()),
        _ => Err(AppError::Forbidden(
            "events are accepted from this site's own pages only".into(),
        )),
    }
}

/// Each event's item category as the catalogue the edge serves from knows it (the model,
/// else the segment's list); `None` for an item it does not know. The client's claim is
/// never used: a page cannot steer what the visitor's history says.
async fn catalogue_categories<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    events: &[Event],
) -> Vec<Option<String>> {
    let read = banner_route::read_list(ctx, platform).await;
    let views = read.model.as_ref().map(|m| m.views()).unwrap_or_default();
    events
        .iter()
        .map(|event| {
            let id = event.item.as_str();
            let from_model = views
                .iter()
                .find_map(|v| v.summary(v.find(id)?))
                .map(|s| s.category.to_owned());
            from_model.or_else(|| {
                let listed = read.list.items.iter().find(|i| i.id == id);
                listed.map(|i| i.category.clone())
            })
        })
        .collect()
}

fn arms<'c>(ctx: &'c RequestContext<'_>) -> std::collections::BTreeMap<&'c str, &'c str> {
    ctx.assignments
        .iter()
        .map(|a| (a.experiment.as_str(), a.arm_name.as_str()))
        .collect()
}

/// `{"event":"goal","name","value","visitor","segment","arms","ts_ms"}`: the visitor id only
/// with consent (`null` otherwise), the arms as this request assigns them.
fn log_goal<P: Platform>(ctx: &RequestContext<'_>, platform: &P, goal: &Goal) {
    let line = serde_json::json!({
        "event": "goal",
        "name": goal.name,
        "value": goal.value,
        "visitor": ctx.identity.visitor_id(),
        "segment": ctx.decision.segment,
        "arms": arms(ctx),
        "ts_ms": platform.now_ms() as u64,
    });
    platform.log(&ctx.config.events.log_endpoint, &line.to_string());
}

fn log<P: Platform>(ctx: &RequestContext<'_>, platform: &P, event: &Event, category: Option<&str>) {
    let arms = arms(ctx);
    let line = serde_json::json!({
        "event": event.kind,
        "item": event.item,
        "category": category,
        "slot": event.slot,
        "segment": ctx.decision.segment,
        "visitor": ctx.identity.visitor_id(),
        "arms": arms,
        "ts_ms": platform.now_ms() as u64,
    });
    platform.log(&ctx.config.events.log_endpoint, &line.to_string());
}
