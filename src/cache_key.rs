//! Cache keys: the one function that decides what a cached object depends on.

use std::fmt::Write;

/// Bumped whenever the meaning of a key changes, so old entries are never misread.
pub const KEY_SCHEMA: u32 = 1;

/// What a cached object depends on. Every field is already normalized by its parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyParts<'a> {
    /// A banner payload: shared by every visitor of a segment, per slot and list version, and
    /// per template (an experiment arm can swap the segment's template).
    Banner {
        segment: &'a str,
        template: &'a str,
        slot: &'a str,
        list_version: &'a str,
        format: &'a str,
    },
    /// An image variant: independent of the visitor, so no segment. `format` is the request's
    /// format token (`auto` or a fixed format), `dpr` its bucket.
    Image {
        variant: &'a str,
        format: &'a str,
        dpr: u32,
        /// Normalized free-form options; empty for named variants.
        options: &'a str,
        path: &'a str,
    },
}

/// The full, human-readable key. Shown in debug output and used as the platform cache key.
pub fn cache_key(parts: &KeyParts<'_>) -> String {
    let mut key = format!("tailor/{KEY_SCHEMA}/");
    // Writing to a String cannot fail.
    let _ = match parts {
        KeyParts::Banner {
            segment,
            template,
            slot,
            list_version,
            format,
        } => write!(
            key,
            "banner/seg={segment}/tpl={template}/slot={slot}/list={list_version}/fmt={format}"
        ),
        KeyParts::Image {
            variant,
            format,
            dpr,
            options: "",
            path,
        } => write!(key, "img/var={variant}/fmt={format}/dpr={dpr}/{path}"),
        KeyParts::Image {
            variant,
            format,
            options,
            path,
            ..
        } => write!(key, "img/var={variant}/fmt={format}/{options}/{path}"),
    };
    key
}

/// The surrogate keys (purge tags) of an object.
pub fn surrogate_keys(parts: &KeyParts<'_>) -> Vec<String> {
    match parts {
        KeyParts::Banner {
            segment,
            list_version,
            ..
        } => vec![format!("segment:{segment}"), format!("list:{list_version}")],
        KeyParts::Image { path, .. } => vec![format!("image:{path}")],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banner_keys_differ_by_segment_and_image_keys_by_variant() {
        let banner = |segment| {
            cache_key(&KeyParts::Banner {
                segment,
                template: "cards",
                slot: "hero",
                list_version: "v1",
                format: "html",
            })
        };
        assert_ne!(banner("mobile"), banner("desktop"));
        let image = |variant, dpr| {
            cache_key(&KeyParts::Image {
                variant,
                format: "jpeg",
                dpr,
                options: "",
                path: "a.jpg",
            })
        };
        assert_ne!(image("thumbnail", 1), image("preview", 1));
        assert_ne!(image("preview", 1), image("preview", 2));
        assert_eq!(
            image("preview", 2),
            "tailor/1/img/var=preview/fmt=jpeg/dpr=2/a.jpg"
        );
    }
}
