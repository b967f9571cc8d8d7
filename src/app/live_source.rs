//! The live head: the list pointer's version and that version's model head in one cached
//! object, so a banner on a cache hit takes one lookup for both where the pointer and the
//! head would take two. It is written only right after the pointer was read from KV, with the
//! pointer's lifetime, so a flip shows as soon as it would through the pointer; it is purged
//! with the pointer (`list-pointer`) and with its version's lists (`list:<version>`). Its
//! header names the head's bytes by digest, so an instance that prepared those very bytes
//! (`prepared_model`) leaves the body unread.
//! [`version_and_model`] is how a banner reads version and model: memory, the live head, or
//! the pointer and the head's own key.

use super::cache_store::{self, Entry, Lifetime};
use super::context::RequestContext;
use super::list_source;
use super::model_source::{self, ModelRead};
use super::prepared_model::{self, ModelBytes};
use std::rc::Rc;
use tailor_core::cache_key::{cache_key, platform_key, KeyParts};
use tailor_core::hex::{lower_hex, parse_lower_hex};
use tailor_core::recs;
use tailor_model::{layout, HistoryItem, Model};
use tailor_platform::{stored_header, CachedObject, Platform};

/// The cached object's header naming the live version.
const VERSION_HEADER: &str = "x-tailor-live-version";
/// The cached object's header naming its model head's bytes (`layout::digest`, lowercase
/// hex); absent when no model is published.
const MODEL_DIGEST_HEADER: &str = "x-tailor-model-digest";

/// What the live head says: the version, and its model head when one is published.
#[derive(Debug)]
pub(super) struct Live {
    pub version: String,
    pub head: Option<ModelBytes>,
}

fn key() -> String {
    // The version only tags the object; the key is one for all versions.
    platform_key(&cache_key(&KeyParts::LiveHead { list_version: "" }))
}

/// The live head when the cache holds a usable one, and the entry that stores a new one
/// (completing this request's fill when it was chosen).
pub(super) async fn lookup<'p, P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &'p P,
) -> (Option<Live>, Entry<'p, P>) {
    if ctx.bypass_cache {
        return (None, cache_store::unlooked(platform, key()));
    }
    let mut entry = cache_store::lookup_headers_first(platform, key(), &|headers| {
        names_prepared(headers).is_some()
    })
    .await;
    if entry.must_fill() {
        return (None, entry);
    }
    let live = entry.object.take().and_then(|object| {
        let version = stored_header(&object.headers, VERSION_HEADER)
            .and_then(|value| recs::parse_version(value.as_bytes()).ok())?;
        let head = if let Some(prepared) = names_prepared(&object.headers) {
            // The head this instance prepared: the header says so, and the body was left
            // unread (or, where the host reads both at once, is the same bytes).
            Some(ModelBytes::Prepared(prepared))
        } else if object.body.is_empty() {
            None
        } else if Model::open(&object.body).is_ok() {
            // Only verified heads are written; the O(1) open guards against anything else.
            Some(ModelBytes::Read(Rc::new(object.body)))
        } else {
            return None;
        };
        Some(Live { version, head })
    });
    (live, entry)
}

/// Stores `version` with its verified model head (`None`: none is published) for as long
/// as the pointer is cached.
pub(super) async fn fill<P: Platform>(
    ctx: &RequestContext<'_>,
    entry: Entry<'_, P>,
    version: &str,
    head: Option<&[u8]>,
) {
    let mut headers = vec![(VERSION_HEADER.into(), version.into())];
    if let Some(head) = head {
        headers.push((MODEL_DIGEST_HEADER.into(), lower_hex(&layout::digest(head))));
    }
    let object = CachedObject {
        headers,
        body: head.map(<[u8]>::to_vec).unwrap_or_default(),
    };
    let ttl = ctx.config.cache.banner_ttl_seconds;
    let lifetime = Lifetime {
        ttl_seconds: ttl,
        stale_while_revalidate_seconds: ttl,
    };
    let parts = KeyParts::LiveHead {
        list_version: version,
    };
    entry.store(&parts, &object, lifetime).await;
}

/// The live version and its model: from the live head in one cache lookup when the cache
/// holds it, else through the pointer and the head's own key (and then, when the pointer
/// came from KV, the live head is written for the requests that follow).
pub(super) async fn version_and_model<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    history: &[HistoryItem<'_>],
) -> (Result<String, String>, Option<ModelRead>) {
    // An instance that remembers the pointer (workerd) remembers the blobs as well.
    if list_source::pointer_remembered(ctx, platform) {
        let pointer = list_source::current_version(ctx, platform).await;
        let (model, _) = model_source::read(ctx, platform, &pointer.version, history).await;
        return (pointer.version, model);
    }
    let (live, entry) = lookup(ctx, platform).await;
    if let Some(live) = live {
        let model = match live.head {
            Some(head) => {
                let version = live.version.clone();
                model_source::with_shards(ctx, platform, head, version, "cache", history).await
            }
            None => None,
        };
        return (Ok(live.version), model);
    }
    let pointer = list_source::current_version(ctx, platform).await;
    let (model, settled) = model_source::read(ctx, platform, &pointer.version, history).await;
    if let (Ok(version), true, true) = (&pointer.version, pointer.from_kv, settled) {
        let head = model.as_ref().and_then(|m| m.blobs.first());
        fill(ctx, entry, version, head.map(|h| &h[..])).await;
    }
    (pointer.version, model)
}

/// The prepared model head, when a live head's headers name its bytes.
fn names_prepared(headers: &[(String, String)]) -> Option<&'static [u8]> {
    let digest = parse_lower_hex(stored_header(headers, MODEL_DIGEST_HEADER)?)?;
    prepared_model::model_named(digest)
}
