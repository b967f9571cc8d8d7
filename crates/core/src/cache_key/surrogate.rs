//! Surrogate keys (purge tags): which tags an object carries, and the one spelling of a tag
//! that tagging and purging share. Fastly refuses a write whose keys break its limits (one
//! key at most 1024 bytes of visible ASCII, the whole set at most 16 KB), so a tag that would
//! break them is replaced by a fixed-length hash of its value: `image:#<32 hex digits>`.
//! Cloudflare's `Cache-Tag` has the same per-tag limit.

use super::KeyParts;
use crate::hex::lower_hex;
use sha2::{Digest, Sha256};

/// Fastly's limit on one surrogate key, in bytes (Viceroy enforces it too).
pub const MAX_SURROGATE_KEY_BYTES: usize = 1024;
/// Fastly's limit on all surrogate keys of an object, space-separated.
pub const MAX_SURROGATE_KEYS_BYTES: usize = 16 * 1024;
/// The tag kind of an image path: `image:<path>`.
pub(super) const IMAGE_KIND: &str = "image";
/// Marks a hashed value; no image path, segment or list version contains it.
const HASHED: char = '#';

/// The surrogate keys (purge tags) of an object: per image path, per segment, per list
/// version, and one per route for purging everything of a kind.
pub fn surrogate_keys(parts: &KeyParts<'_>) -> Vec<String> {
    match parts {
        KeyParts::Banner {
            segment,
            list_version,
            ..
        }
        | KeyParts::List {
            segment,
            list_version,
        } => vec![
            "banners".into(),
            surrogate_key("segment", segment),
            surrogate_key("list", list_version),
        ],
        KeyParts::ListPointer => vec!["banners".into(), "list-pointer".into()],
        // Purging `config` shows a published config at once; its last good copy stays, as
        // the fallback for when the published one does not load.
        KeyParts::Config { .. } => vec!["config".into()],
        KeyParts::LastGoodConfig { .. } => vec!["config-last-good".into()],
        KeyParts::Model { list_version, .. } => vec![
            "banners".into(),
            "model".into(),
            format!("list:{list_version}"),
        ],
        KeyParts::LastGoodModel { .. } => vec!["banners".into(), "model".into()],
        // Purged with the pointer (a flip shows at once) and with its version's lists.
        KeyParts::LiveHead { list_version } => vec![
            "banners".into(),
            "list-pointer".into(),
            "model".into(),
            format!("list:{list_version}"),
        ],
        KeyParts::LastGoodList { segment } => {
            vec!["banners".into(), surrogate_key("segment", segment)]
        }
        KeyParts::Image { path, .. } => vec!["images".into(), surrogate_key(IMAGE_KIND, path)],
        KeyParts::Original { path } => vec![
            "images".into(),
            surrogate_key(IMAGE_KIND, path),
            "originals".into(),
        ],
    }
}

/// `kind:value`, or `kind:#<hash of value>` when that would not be a valid surrogate key
/// (too long, or not visible ASCII). The hash is 128 bits of SHA-256: collisions are out of
/// reach, so purging a hashed tag drops exactly what the long one would have.
pub fn surrogate_key(kind: &str, value: &str) -> String {
    let key = format!("{kind}:{value}");
    if is_valid_surrogate_key(&key) {
        key
    } else {
        format!(
            "{kind}:{HASHED}{}",
            lower_hex(
                Sha256::digest(value.as_bytes())
                    .get(..16)
                    .unwrap_or_default()
            )
        )
    }
}

/// The tag a purge request names, spelled as objects were tagged: `image:<long path>` becomes
/// its hashed form; a key without a kind (`images`) or already valid stays as it is.
pub fn purge_key(given: &str) -> String {
    match given.split_once(':') {
        Some((kind, value)) if !kind.is_empty() && !value.starts_with(HASHED) => {
            surrogate_key(kind, value)
        }
        _ => given.to_owned(),
    }
}

/// One key Fastly accepts: 1 to 1024 bytes of visible ASCII (a space would split it in two).
pub fn is_valid_surrogate_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_SURROGATE_KEY_BYTES
        && key.bytes().all(|b| b.is_ascii_graphic())
}

/// The longest image path whose tag is `image:<path>` itself; longer paths are tagged (and
/// purged) by their hash. `tailor check` reports it against `limits.max_path_bytes`.
pub fn longest_plain_image_path() -> usize {
    MAX_SURROGATE_KEY_BYTES - IMAGE_KIND.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(path: &str) -> KeyParts<'_> {
        KeyParts::Image {
            variant: "preview",
            format: "auto",
            dpr: 1,
            settings: "w500.q85.80",
            path,
        }
    }

    #[test]
    fn surrogate_keys_over_fastlys_limit_are_hashed_for_tagging_and_purging() {
        let longest = "p/".repeat(longest_plain_image_path() / 2);
        assert_eq!(longest.len(), 1018);
        let plain = surrogate_keys(&image(&longest));
        assert_eq!(plain[1], format!("image:{longest}"));
        assert_eq!(plain[1].len(), MAX_SURROGATE_KEY_BYTES);

        let long = format!("{longest}a.jpg");
        for parts in [image(&long), KeyParts::Original { path: &long }] {
            let tags = surrogate_keys(&parts);
            assert!(tags.iter().all(|t| is_valid_surrogate_key(t)), "{tags:?}");
            assert!(tags.join(" ").len() <= MAX_SURROGATE_KEYS_BYTES);
            let hashed = &tags[1];
            assert!(
                hashed.starts_with("image:#") && hashed.len() == 39,
                "{hashed}"
            );
            // A purge of the path names the same tag, and so does a purge of the tag itself.
            assert_eq!(&purge_key(&format!("image:{long}")), hashed);
            assert_eq!(&purge_key(hashed), hashed);
        }
        assert_ne!(
            surrogate_key(IMAGE_KIND, &long),
            surrogate_key(IMAGE_KIND, &format!("{long}x"))
        );
    }

    #[test]
    fn short_keys_and_keys_without_a_kind_stay_as_they_are() {
        assert_eq!(purge_key("image:photos/a.jpg"), "image:photos/a.jpg");
        assert_eq!(purge_key("images"), "images");
        assert_eq!(purge_key("segment:dach"), "segment:dach");
        assert_eq!(purge_key(":x"), ":x");
        // Not a valid key as given (a space): hashed, so it can be sent, and matches nothing.
        assert!(purge_key("image:a b.jpg").starts_with("image:#"));
    }
}
