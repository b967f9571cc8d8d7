//! The layers in front of KV that the list and model sources both read through: instance
//! memory (on hosts whose instances outlive a request) and the platform cache, with the
//! entry that stores what KV returned.

use super::cache_store::{self, Entry, Lifetime};
use super::context::RequestContext;
use std::rc::Rc;
use tailor_core::cache_key::{cache_key, platform_key, KeyParts};
use tailor_platform::{CachedObject, Platform};

/// What this instance remembers under `key`, unless the request bypasses caches.
pub(super) fn remembered<T: 'static, P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    key: &str,
) -> Option<Rc<T>> {
    if ctx.bypass_cache {
        return None;
    }
    let ttl_ms = f64::from(ctx.config.recs.memory_ttl_seconds) * 1000.0;
    platform.memo()?.get(key, platform.now_ms(), ttl_ms)
}

/// Remembers `value` under `key`, on hosts with instance memory.
pub(super) fn remember<T: 'static, P: Platform>(platform: &P, key: &str, value: Rc<T>) {
    if let Some(memo) = platform.memo() {
        memo.put(key, value, platform.now_ms());
    }
}

/// A usable cached copy (fresh, or stale while another request refreshes it), and the entry
/// that stores the copy read from KV — completing this request's fill when it was chosen.
pub(super) async fn cached<'p, P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &'p P,
    parts: &KeyParts<'_>,
) -> (Option<Vec<u8>>, Entry<'p, P>) {
    let key = platform_key(&cache_key(parts));
    if ctx.bypass_cache {
        return (None, cache_store::unlooked(platform, key));
    }
    let mut entry = cache_store::lookup(platform, key).await;
    let usable = if entry.must_fill() {
        None
    } else {
        entry.object.take().map(|hit| hit.body)
    };
    (usable, entry)
}

/// Caches KV bytes, tagged so a purge by segment or list version drops them. A failed insert
/// only means KV is asked again next time.
pub(super) async fn store<P: Platform>(
    ctx: &RequestContext<'_>,
    entry: Entry<'_, P>,
    parts: &KeyParts<'_>,
    bytes: Vec<u8>,
    ttl_seconds: u32,
) {
    let object = CachedObject {
        headers: Vec::new(),
        body: bytes,
    };
    let lifetime = Lifetime {
        ttl_seconds,
        stale_while_revalidate_seconds: ctx.config.cache.banner_ttl_seconds,
    };
    entry.store(parts, &object, lifetime).await;
}
