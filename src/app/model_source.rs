//! Reading the trained model of the live version (`<key_prefix>/<version>/model.tlrm`, and
//! for a sharded model the shard of the visitor's newest history item) through instance
//! memory, the platform cache and KV. Bytes from KV are checksum-verified once and only
//! verified bytes are kept; a corrupt or unreadable model is refused with a logged error
//! and the last good one serves. With no model published the JSON lists serve as before.

use super::cache_store;
use super::context::RequestContext;
use super::prepared_model::ModelBytes;
use super::read_through::{cached, remember, remembered, store};
use std::rc::Rc;
use tailor_core::cache_key::{cache_key, platform_key, KeyParts};
use tailor_core::recs;
use tailor_model::{shards_to_read, BlobKind, HistoryItem, Model, ModelView};
use tailor_platform::{Platform, PlatformError};

/// The blob name of a complete model or a sharded model's head.
pub(super) const HEAD_BLOB: &str = "model.tlrm";

/// The model's blobs for this request (head or complete model first, then shards), the
/// version they were published under and where the head came from.
#[derive(Debug, Clone)]
pub(super) struct ModelRead {
    pub blobs: Vec<ModelBytes>,
    pub version: String,
    pub source: &'static str,
}

impl ModelRead {
    /// Whether the head is the instance's prepared copy rather than bytes read for it.
    pub(super) fn prepared(&self) -> bool {
        matches!(self.blobs.first(), Some(ModelBytes::Prepared(_)))
    }

    /// The blobs opened in place (O(1) each; they were verified when read from KV).
    pub(super) fn views(&self) -> Vec<ModelView<'_>> {
        self.blobs
            .iter()
            .filter_map(|b| Model::open(b).ok())
            .collect()
    }
}

/// What one blob read found.
enum Blob {
    Found(Rc<Vec<u8>>, &'static str),
    /// Not published: not an error, the lists serve.
    Absent,
    /// Published but unusable, or KV failed: logged, and the last good copy is tried.
    Refused(String),
}

/// The model of the live `version` (the pointer as read for this request) for a visitor
/// with `history`, and whether its head was read as published (verified, or not published
/// at all: what the live head may remember). `None` when none is published (or none ever
/// verified). Reads at most the head and `recs.model.shard_reads` shards.
pub(super) async fn read<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    version: &Result<String, String>,
    history: &[HistoryItem<'_>],
) -> (Option<ModelRead>, bool) {
    let (head, source, version) = match version.clone() {
        Ok(version) => match usable(ctx, platform, &version, HEAD_BLOB).await {
            Usable::Found(head, source) => (ModelBytes::Read(head), source, version),
            Usable::Absent => return (None, true),
            Usable::Unusable => return (None, false),
        },
        // No pointer to go by (KV down, or garbage): the last good model, if any, under the
        // version it was trained as.
        Err(_) => {
            let Some(head) = last_good(platform, HEAD_BLOB).await else {
                return (None, false);
            };
            let version = Model::open(&head)
                .ok()
                .and_then(|m| m.version().map(str::to_owned))
                .unwrap_or_else(|| "unknown".into());
            (ModelBytes::Read(head), "last-good", version)
        }
    };
    let settled = source != "last-good";
    (
        with_shards(ctx, platform, head, version, source, history).await,
        settled,
    )
}

/// The model whose head (or complete blob) `head` is, with the shards `history` needs.
pub(super) async fn with_shards<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    head: ModelBytes,
    version: String,
    source: &'static str,
    history: &[HistoryItem<'_>],
) -> Option<ModelRead> {
    let shards = match Model::open(&head).ok()? {
        view if view.kind() == BlobKind::Head => view.shard_count(),
        _ => 0,
    };
    let mut blobs = vec![head];
    if shards > 0 {
        let reads = ctx.config.model_for(&ctx.arms()).shard_reads;
        for shard in shards_to_read(history, shards, reads) {
            let name = format!("shard-{shard}.tlrm");
            if let Usable::Found(blob, _) = usable(ctx, platform, &version, &name).await {
                blobs.push(ModelBytes::Read(blob));
            }
        }
    }
    Some(ModelRead {
        blobs,
        version,
        source,
    })
}

/// What [`usable`] found.
enum Usable {
    Found(Rc<Vec<u8>>, &'static str),
    /// Not published.
    Absent,
    /// Refused (logged), with no last good copy either.
    Unusable,
}

/// One blob, falling back to its last good copy when the live one is refused.
async fn usable<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    version: &str,
    name: &str,
) -> Usable {
    match blob(ctx, platform, version, name).await {
        Blob::Found(bytes, source) => Usable::Found(bytes, source),
        Blob::Absent => Usable::Absent,
        Blob::Refused(problem) => {
            let line = serde_json::json!({"level": "error", "event": "model_refused", "blob": name, "version": version, "detail": problem});
            platform.log(super::LOG_ENDPOINT, &line.to_string());
            match last_good(platform, name).await {
                Some(bytes) => Usable::Found(bytes, "last-good"),
                None => Usable::Unusable,
            }
        }
    }
}

async fn blob<P: Platform>(
    ctx: &RequestContext<'_>,
    platform: &P,
    version: &str,
    name: &str,
) -> Blob {
    let memo_key = format!("model/{version}/{name}");
    if let Some(bytes) = remembered::<Vec<u8>, P>(ctx, platform, &memo_key) {
        return Blob::Found(bytes, "memory");
    }
    let parts = KeyParts::Model {
        list_version: version,
        blob: name,
    };
    // The cache holds only bytes that verified on their way in: the O(1) open suffices.
    // Every early return below drops the entry: a fill this request was chosen for is given
    // up, so a KV outage or a corrupt model does not hold other requests back.
    let (copy, entry) = cached(ctx, platform, &parts).await;
    if let Some(bytes) = copy {
        if Model::open(&bytes).is_ok() {
            let bytes = Rc::new(bytes);
            keep(platform, name, &memo_key, &bytes);
            return Blob::Found(bytes, "cache");
        }
    }
    let key = recs::kv_key(&ctx.config.recs.key_prefix, version, name);
    let limit = ctx.config.limits.max_model_bytes;
    let bytes = match platform.kv_get(&ctx.config.stores.kv, &key, limit).await {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Blob::Absent,
        Err(e @ PlatformError::TooLarge { .. }) => {
            return Blob::Refused(format!("model '{key}': {e} (limits.max_model_bytes)"))
        }
        Err(e) => return Blob::Refused(format!("KV store unavailable: {e}")),
    };
    if let Err(e) = Model::open(&bytes).and_then(|view| view.verify_checksum()) {
        return Blob::Refused(format!("model '{key}' is unusable: {e}"));
    }
    let ttl = ctx.config.cache.banner_ttl_seconds;
    store(ctx, entry, &parts, bytes.clone(), ttl).await;
    let last_good = KeyParts::LastGoodModel { blob: name };
    let keep_for = ctx.config.recs.last_good_ttl_seconds;
    let unlooked = cache_store::unlooked(platform, platform_key(&cache_key(&last_good)));
    store(ctx, unlooked, &last_good, bytes.clone(), keep_for).await;
    let bytes = Rc::new(bytes);
    keep(platform, name, &memo_key, &bytes);
    Blob::Found(bytes, "kv")
}

/// The last blob of this name that verified, of any version: from memory, else the cache.
async fn last_good<P: Platform>(platform: &P, name: &str) -> Option<Rc<Vec<u8>>> {
    let from_memory = platform
        .memo()
        .and_then(|m| m.get::<Vec<u8>>(&last_good_key(name), platform.now_ms(), f64::INFINITY));
    if from_memory.is_some() {
        return from_memory;
    }
    let key = platform_key(&cache_key(&KeyParts::LastGoodModel { blob: name }));
    // Read only: a fill the lookup hands this request is given up when it is dropped.
    let hit = cache_store::lookup(platform, key).await.object.take()?;
    Model::open(&hit.body).ok()?;
    Some(Rc::new(hit.body))
}

fn last_good_key(name: &str) -> String {
    format!("last-good-model/{name}")
}

fn keep<P: Platform>(platform: &P, name: &str, memo_key: &str, bytes: &Rc<Vec<u8>>) {
    remember(platform, memo_key, Rc::clone(bytes));
    remember(platform, &last_good_key(name), Rc::clone(bytes));
}
