//! Reading a segment's recommendation list through the layers: instance memory, the platform
//! cache, KV (version pointer, then list); and when KV is missing, slow or returns garbage,
//! the last good copy, then the bundled default. The visitor always gets a banner.

use super::cache_store;
use super::context::RequestContext;
use super::model_source::ModelRead;
use super::read_through::{cached, remember, remembered, store};
use std::rc::Rc;
use tailor_core::cache_key::{cache_key, platform_key, KeyParts};
use tailor_core::recs::{self, RecList};
use tailor_platform::{Platform, PlatformError};

/// The version name reported for the bundled default list.
pub(super) const DEFAULT_VERSION: &str = "default";

/// A list and where it came from: `memory`, `cache`, `kv`, `last-good` or `default`.
#[derive(Debug, Clone)]
pub(super) struct ListRead {
    pub list: Rc<RecList>,
    pub version: String,
    pub source: &'static str,
    /// The trained model, when one is published and has a list for the segment: it then
    /// ranks instead of `list` (left empty).
    pub model: Option<ModelRead>,
}

/// The segment's list of `version` (the pointer as [`current_version`] read it: once per
/// request, since on Fastly a second cache lookup of a key this request missed would wait for
/// the fill it owes).
pub(super) async fn read<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    segment: &str,
    version: Result<String, String>,
) -> ListRead {
    let problem = match version {
        Ok(version) => match versioned(ctx, platform, segment, &version).await {
            Ok((list, source)) => {
                return ListRead {
                    list,
                    version,
                    source,
                    model: None,
                }
            }
            Err(problem) => problem,
        },
        Err(problem) => problem,
    };
    let line = serde_json::json!({"level": "warn", "event": "recs_fallback", "segment": segment, "detail": problem});
    platform.log(super::LOG_ENDPOINT, &line.to_string());
    if let Some(read) = last_good(ctx, platform, segment).await {
        return read;
    }
    ListRead {
        list: Rc::new(bundled_default(ctx.bundle.default_list_json)),
        version: DEFAULT_VERSION.into(),
        source: "default",
        model: None,
    }
}

/// The deployment's compiled-in list; an unusable one serves an empty banner rather than an
/// error page (the demo's is checked by a test).
fn bundled_default(json: &str) -> RecList {
    recs::parse_list(json.as_bytes(), usize::MAX).unwrap_or(RecList {
        segment: DEFAULT_VERSION.into(),
        version: None,
        items: Vec::new(),
    })
}

/// A pointer holds a version name; anything longer is not one.
const MAX_POINTER_BYTES: usize = 1024;

/// The live version named by the pointer key, as read for this request.
#[derive(Debug)]
pub(super) struct Pointer {
    pub version: Result<String, String>,
    /// Read from KV just now (not from memory or the cache): what may start a live head's
    /// lifetime, which then ends no later than this pointer's cache entry.
    pub from_kv: bool,
}

/// Whether this instance remembers the pointer (then it remembers the blobs as well).
pub(super) fn pointer_remembered<P: Platform>(ctx: &RequestContext<'_>, platform: &P) -> bool {
    remembered::<String, P>(ctx, platform, POINTER_MEMO_KEY).is_some()
}

const POINTER_MEMO_KEY: &str = "pointer";

/// The live version named by the pointer key: from memory, the platform cache or KV.
pub(super) async fn current_version<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
) -> Pointer {
    let from = |version, from_kv| Pointer { version, from_kv };
    let settings = &ctx.config.recs;
    if let Some(v) = remembered::<String, P>(ctx, platform, POINTER_MEMO_KEY) {
        return from(Ok(v.as_ref().clone()), false);
    }
    let parts = KeyParts::ListPointer;
    // Every early return below drops the entry: a fill this request was chosen for is given
    // up, so a KV outage does not hold the other requests for the pointer back.
    let (copy, entry) = cached(ctx, platform, &parts).await;
    if let Some(bytes) = copy {
        if let Ok(version) = recs::parse_version(&bytes) {
            remember(platform, POINTER_MEMO_KEY, Rc::new(version.clone()));
            return from(Ok(version), false);
        }
    }
    let bytes = match platform
        .kv_get(
            &ctx.config.stores.kv,
            &settings.pointer_key,
            MAX_POINTER_BYTES,
        )
        .await
    {
        Ok(Some(bytes)) => bytes,
        Ok(None) => {
            let problem = format!("list pointer '{}' is missing", settings.pointer_key);
            return from(Err(problem), false);
        }
        Err(e) => return from(Err(format!("KV store unavailable: {e}")), false),
    };
    let version = match recs::parse_version(&bytes) {
        Ok(version) => version,
        Err(e) => {
            let problem = format!("list pointer '{}': {e}", settings.pointer_key);
            return from(Err(problem), false);
        }
    };
    let ttl = ctx.config.cache.banner_ttl_seconds;
    store(ctx, entry, &parts, bytes, ttl).await;
    remember(platform, POINTER_MEMO_KEY, Rc::new(version.clone()));
    from(Ok(version), true)
}

/// The segment's list of `version`: from memory, the platform cache or KV (JSON, or compact).
/// A list that parses is cached compact, and also becomes the segment's last good copy.
async fn versioned<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    segment: &str,
    version: &str,
) -> Result<(Rc<RecList>, &'static str), String> {
    let memo_key = format!("list/{version}/{segment}");
    if let Some(list) = remembered::<RecList, P>(ctx, platform, &memo_key) {
        return Ok((list, "memory"));
    }
    let limit = ctx.config.limits.max_list_bytes;
    let parts = KeyParts::List {
        segment,
        list_version: version,
    };
    let (copy, entry) = cached(ctx, platform, &parts).await;
    if let Some(bytes) = copy {
        // Compact as this build stores it (JSON from a build before it).
        if let Ok(list) = recs::read_list(&bytes, limit) {
            let list = Rc::new(list);
            keep(platform, segment, &memo_key, &list);
            return Ok((list, "cache"));
        }
    }
    let key = recs::kv_key(&ctx.config.recs.key_prefix, version, segment);
    let bytes = match platform.kv_get(&ctx.config.stores.kv, &key, limit).await {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Err(format!("list '{key}' is missing")),
        Err(e @ PlatformError::TooLarge { .. }) => {
            return Err(format!("list '{key}': {e} (limits.max_list_bytes)"))
        }
        Err(e) => return Err(format!("KV store unavailable: {e}")),
    };
    let list =
        recs::read_list(&bytes, limit).map_err(|e| format!("list '{key}' is unusable: {e}"))?;
    // Cached compact: later requests decode it instead of parsing the JSON again.
    let bytes = recs::compact::encode(&list);
    let ttl = ctx.config.cache.banner_ttl_seconds;
    store(ctx, entry, &parts, bytes.clone(), ttl).await;
    let last_good = KeyParts::LastGoodList { segment };
    let key = platform_key(&cache_key(&last_good));
    let ttl = ctx.config.recs.last_good_ttl_seconds;
    store(
        ctx,
        cache_store::unlooked(platform, key),
        &last_good,
        bytes,
        ttl,
    )
    .await;
    let list = Rc::new(list);
    keep(platform, segment, &memo_key, &list);
    Ok((list, "kv"))
}

/// The last list of the segment that parsed, of any age: from memory, else the platform cache.
async fn last_good<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    segment: &str,
) -> Option<ListRead> {
    let from_memory = platform
        .memo()
        .and_then(|m| m.get::<RecList>(&last_good_key(segment), platform.now_ms(), f64::INFINITY));
    let list = match from_memory {
        Some(list) => list,
        None => {
            // Read only: a fill the lookup hands this request is given up when it is dropped.
            let key = platform_key(&cache_key(&KeyParts::LastGoodList { segment }));
            let hit = cache_store::lookup(platform, key).await.object.take()?;
            Rc::new(recs::read_list(&hit.body, ctx.config.limits.max_list_bytes).ok()?)
        }
    };
    Some(ListRead {
        version: list.version.clone().unwrap_or_else(|| "unknown".into()),
        list,
        source: "last-good",
        model: None,
    })
}

fn last_good_key(segment: &str) -> String {
    format!("last-good/{segment}")
}

/// Remembers a list under its versioned key and as the segment's last good copy.
fn keep<P: Platform>(platform: &P, segment: &str, memo_key: &str, list: &Rc<RecList>) {
    remember(platform, memo_key, Rc::clone(list));
    remember(platform, &last_good_key(segment), Rc::clone(list));
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_demo_default_parses() {
        let list =
            tailor_core::recs::parse_list(tailor_demo::DEFAULT_LIST_JSON.as_bytes(), usize::MAX)
                .unwrap();
        assert!(list.items.len() >= 8);
    }
}
