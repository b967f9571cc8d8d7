//! Preview links: the segment a valid preview token forces, checked against the key it names
//! in the secret store.

use tailor_config::Config;
use tailor_core::identity::preview;
use tailor_core::segment::VisitorContext;
use tailor_platform::Platform;

/// The segment a valid preview token forces. An invalid, expired, too long-lived or
/// unknown-segment token is ignored (noted in the debug warnings), as is a token naming a key
/// that is neither `keys.preview` nor in `keys.preview_previous`, and any token when previews
/// are not configured. Only the key the token names is read from the secret store.
pub(super) async fn forced_segment<P: Platform>(
    query: &[(String, String)],
    config: &Config,
    platform: &P,
    visitor: &mut VisitorContext,
) -> Option<String> {
    let token = tailor_core::query::first(query, preview::PARAM)?;
    let segment = match (preview::parse(token), &config.keys.preview) {
        (Some(token), Some(current)) => {
            let known = std::iter::once(current)
                .chain(&config.keys.preview_previous)
                .any(|id| id == token.key_id);
            let key = if known {
                let name = format!("preview-{}", token.key_id);
                platform.secret(&name).await.ok().flatten()
            } else {
                None
            };
            let now_s = (platform.now_ms() / 1000.0) as u64;
            let lifetime = u64::from(config.keys.preview_max_lifetime_seconds);
            key.filter(|key| token.is_valid(key, now_s, lifetime))
                .map(|_| token.segment.to_owned())
                .filter(|segment| config.segment(segment).is_some())
        }
        _ => None,
    };
    if segment.is_none() {
        visitor
            .warnings
            .push("preview token invalid, expired or not configured; ignored".into());
    }
    segment
}
