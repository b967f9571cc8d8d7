//! `GET /banner` and `GET /banner.json`: items for the visitor's segment ranked by the trained
//! model from their recent behaviour (or, without a model, the segment list re-ranked by
//! category), rendered for one slot. The visitor's experiment arms can choose the policy,
//! the re-rank settings, the item count and the template; the first banner an experiment
//! changes each day logs the visitor's exposure (and re-seals the cookie that remembers it).

use super::context::RequestContext;
use super::list_source::{self, ListRead};
use super::model_source::ModelRead;
use super::slots::{find_slot, slot_name};
use super::{exposure, impression, live_source, respond};
use crate::error::AppError;
use http::header::{HeaderName, SET_COOKIE};
use http::Response;
use std::rc::Rc;
use tailor_config::{Ranking, Slot};
use tailor_core::banner::{escape_json_for_html, Banner};
use tailor_core::cache_key::{cache_key, KeyParts};
use tailor_core::identity::HistoryEntry;
use tailor_core::recs::{self, RankRules, Ranked, RecList, Why};
use tailor_platform::Platform;

/// A banner ready to render, and where its list came from.
pub(super) struct Assembled {
    pub banner: Banner,
    pub template: String,
    pub source: &'static str,
    pub list_version: String,
    pub cache_key: String,
    /// `model` or `category-rerank`.
    pub policy: &'static str,
    /// Per item why it is there (`sku-1=neighbour of sku-5, ...`), for the debug header
    /// (empty without debug).
    pub reasons: String,
    /// Whether the model ranked with was the instance's prepared copy (`prepared_model`).
    pub model_prepared: bool,
}

pub(super) async fn html<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
) -> Result<Response<Vec<u8>>, AppError> {
    let assembled = assemble(ctx, platform, slot_name(ctx)?, "html").await?;
    let html = render_html(ctx, platform, &assembled)?;
    let a = &assembled;
    impression::log(ctx, platform, &a.banner, a.policy, &a.list_version);
    let response = personalized(
        ctx,
        html.into_bytes(),
        "text/html; charset=utf-8",
        &assembled,
    );
    Ok(with_exposures(ctx, platform, response).await)
}

/// Logs the exposures the banner causes, and sets the cookie that remembers them (replacing
/// this request's own, which it extends).
pub(super) async fn with_exposures<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    mut response: Response<Vec<u8>>,
) -> Response<Vec<u8>> {
    if let Some(cookie) = exposure::note(ctx, platform).await {
        respond::set(&mut response, SET_COOKIE, &cookie);
    }
    response
}

pub(super) async fn json<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
) -> Result<Response<Vec<u8>>, AppError> {
    let assembled = assemble(ctx, platform, slot_name(ctx)?, "json").await?;
    let start = platform.now_ms();
    let body = serde_json::json!({
        "segment": assembled.banner.segment,
        "rule": ctx.decision.rule,
        "preview": ctx.preview,
        "buckets": ctx
            .assignments
            .iter()
            .map(|a| (a.experiment.clone(), a.arm_name.clone()))
            .collect::<std::collections::BTreeMap<_, _>>(),
        "slot": assembled.banner.slot,
        "list_version": assembled.list_version,
        "items": assembled.banner.items,
    });
    // Clients may embed the payload in a page: no raw markup characters, even in titles.
    let bytes = escape_json_for_html(&body.to_string()).into_bytes();
    ctx.time("render", platform.now_ms() - start);
    let a = &assembled;
    impression::log(ctx, platform, &a.banner, a.policy, &a.list_version);
    let response = personalized(ctx, bytes, "application/json", &assembled);
    Ok(with_exposures(ctx, platform, response).await)
}

/// Renders with the banner's template, timed as `render`.
pub(super) fn render_html<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    assembled: &Assembled,
) -> Result<String, AppError> {
    let start = platform.now_ms();
    let html = assembled
        .banner
        .render_html(&ctx.config.banners.templates, &assembled.template)?;
    ctx.time("render", platform.now_ms() - start);
    Ok(html)
}

fn personalized(
    ctx: &RequestContext<'_>,
    body: Vec<u8>,
    content_type: &str,
    a: &Assembled,
) -> Response<Vec<u8>> {
    let mut response = respond::personal(ctx, respond::with_body(body, content_type));
    respond::set(
        &mut response,
        http::header::HeaderName::from_static("x-content-type-options"),
        "nosniff",
    );
    // Explanations: `respond::finish` strips every `x-tailor-*` header without the debug token.
    let ranking = format!("{} {}", a.policy, a.list_version);
    respond::set(
        &mut response,
        HeaderName::from_static("x-tailor-ranking"),
        &ranking,
    );
    if a.model_prepared {
        respond::set(
            &mut response,
            HeaderName::from_static("x-tailor-model"),
            "prepared",
        );
    }
    if !a.reasons.is_empty() {
        respond::set(
            &mut response,
            HeaderName::from_static("x-tailor-reasons"),
            &a.reasons,
        );
    }
    respond::finish(ctx, response, &a.cache_key, a.source)
}

/// Reads the segment's list and builds the banner for one slot.
pub(super) async fn assemble<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    slot_name: &str,
    format: &str,
) -> Result<Assembled, AppError> {
    let slot = find_slot(ctx, slot_name)?;
    let read = read_list(ctx, platform).await;
    build(ctx, platform, &read, slot_name, slot, format, &[])
}

/// The trained model when it covers the visitor's segment (timed as `model`), else the
/// segment's list (timed as `list`); only the list when the visitor's arm ranks by it.
pub(super) async fn read_list<P: Platform>(ctx: &RequestContext<'_>, platform: &P) -> ListRead {
    let segment = ctx.decision.segment.as_str();
    let start = platform.now_ms();
    let now_s = (start / 1000.0) as i64;
    let history = recs::history_items(cookie_history(ctx), now_s);
    // An arm ranking by the list needs the version only: the pointer, not the model.
    let (version, model) = if ctx.config.ranking_for(&ctx.arms()) == Some(Ranking::List) {
        (
            list_source::current_version(ctx, platform).await.version,
            None,
        )
    } else {
        live_source::version_and_model(ctx, platform, &history).await
    };
    ctx.time("model", platform.now_ms() - start);
    if let Some(model) = model.filter(|m| recs::rank::covers(&m.views(), segment)) {
        return ListRead {
            list: Rc::new(RecList {
                segment: segment.into(),
                version: None,
                items: Vec::new(),
            }),
            version: model.version.clone(),
            source: model.source,
            model: Some(model),
        };
    }
    let start = platform.now_ms();
    let read = list_source::read(ctx, platform, segment, version).await;
    ctx.time("list", platform.now_ms() - start);
    read
}

fn cookie_history<'c>(ctx: &'c RequestContext<'_>) -> &'c [HistoryEntry] {
    ctx.identity
        .cookie
        .as_ref()
        .map_or(&[][..], |c| c.history.as_slice())
}

/// Ranks for this visitor and slot (leaving out `skip`, items already placed on the page)
/// with the model when there is one, else re-ranks the list by category; builds the banner,
/// timed as `rank`. The caller logs the impression once the banner is served.
pub(super) fn build<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    read: &ListRead,
    slot_name: &str,
    slot: &Slot,
    format: &str,
    skip: &[&str],
) -> Result<Assembled, AppError> {
    let segment = ctx.decision.segment.as_str();
    let arms = ctx.arms();
    let rerank = ctx.config.rerank_for(&arms);
    let max_items = ctx.config.max_items_for(slot, &arms);
    let template = ctx
        .config
        .template_for(segment, &arms)
        .map(str::to_owned)
        .ok_or_else(|| AppError::Internal(format!("segment '{segment}' has no definition")))?;
    let start = platform.now_ms();
    let history = cookie_history(ctx);
    let now_s = (start / 1000.0) as i64;
    let links = ctx.config.image_links(slot);
    let (banner, policy, reasons) = match &read.model {
        Some(model) => {
            let rules = RankRules {
                score: ctx.config.model_for(&arms),
                max_per_category: rerank.max_per_category,
            };
            let items = recs::history_items(history, now_s);
            let views = model.views();
            let picked = recs::rank(&views, segment, &items, now_s, max_items, rules, skip);
            let ranked: Vec<Ranked<'_>> = picked
                .iter()
                .map(|p| Ranked {
                    item: &p.item,
                    score: p.score,
                    boosted: matches!(p.why, Why::NeighbourOf(_)),
                })
                .collect();
            // Only a debug response shows the reasons: others do not pay for the text.
            let reasons = if ctx.debug {
                picked
                    .iter()
                    .map(|p| format!("{}={}", p.item.id, p.why))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                String::new()
            };
            let banner = Banner::new(links, segment, slot_name, &ranked);
            (banner, POLICY_MODEL, reasons)
        }
        None => {
            let ranked = recs::rerank(&read.list.items, history, now_s, max_items, rerank, skip);
            let banner = Banner::new(links, segment, slot_name, &ranked);
            (banner, POLICY_RERANK, String::new())
        }
    };
    ctx.time("rank", platform.now_ms() - start);
    let key = cache_key(&KeyParts::Banner {
        segment,
        template: &template,
        slot: slot_name,
        list_version: &read.version,
        format,
        config: ctx.config.version(),
    });
    Ok(Assembled {
        banner,
        template,
        source: read.source,
        list_version: read.version.clone(),
        cache_key: key,
        policy,
        reasons,
        model_prepared: read.model.as_ref().is_some_and(ModelRead::prepared),
    })
}

/// The ranking policies, as the impression log and the debug header name them.
pub(super) const POLICY_MODEL: &str = "model";
pub(super) const POLICY_RERANK: &str = "category-rerank";
