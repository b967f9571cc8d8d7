//! Keeping responses out of shared caches. Personalized responses (banners, pages, the demo
//! page, beacon answers, previews) and debug responses must never be stored by a CDN in
//! front, and `Cache-Control: private, no-store` alone does not ensure it: CDNs let their own
//! headers override it (`Surrogate-Control`, `CDN-Cache-Control`,
//! `Cloudflare-CDN-Cache-Control`, Akamai's `Edge-Control`, nginx's `X-Accel-Expires`) and
//! index objects by others (`Surrogate-Key`, `Cache-Tag`).
//!
//! So an origin page's headers are kept by an **allowlist**: what describes the content and
//! how a browser should treat it passes, and anything else — every cache directive, purge
//! tag, `Expires`, `Age`, `Vary`, and any vendor header, known or invented tomorrow — is
//! dropped, because a header we do not know is one we cannot vouch for. Our own responses,
//! whose headers we write, lose every header of the shared-cache family by name.

use http::header::{HeaderMap, HeaderName, HeaderValue, CACHE_CONTROL};

/// The `Cache-Control` of a response nobody but its visitor may see.
pub(super) const PRIVATE: &str = "private, no-store";

/// Origin response headers a private page keeps (lower case, sorted). Representation
/// headers stay so a page that passes through unchanged still decodes; `Set-Cookie` stays
/// because the origin's own cookies are the visitor's.
const KEPT_ORIGIN_HEADERS: [&str; 36] = [
    "access-control-allow-credentials",
    "access-control-allow-headers",
    "access-control-allow-methods",
    "access-control-allow-origin",
    "access-control-expose-headers",
    "access-control-max-age",
    "content-disposition",
    "content-encoding",
    "content-language",
    "content-length",
    "content-location",
    "content-range",
    "content-security-policy",
    "content-security-policy-report-only",
    "content-type",
    "cross-origin-embedder-policy",
    "cross-origin-opener-policy",
    "cross-origin-resource-policy",
    "link",
    "location",
    "nel",
    "origin-agent-cluster",
    "permissions-policy",
    "referrer-policy",
    "refresh",
    "report-to",
    "reporting-endpoints",
    "set-cookie",
    "strict-transport-security",
    "timing-allow-origin",
    "x-content-type-options",
    "x-dns-prefetch-control",
    "x-frame-options",
    "x-permitted-cross-domain-policies",
    "x-robots-tag",
    "x-xss-protection",
];

/// Headers by which shared caches are told to keep, or how to index, a response.
const SHARED_CACHE_HEADERS: [&str; 6] = [
    "age",
    "cache-tag",
    "expires",
    "pragma",
    "x-cache-tags",
    "xkey",
];

/// Whether an origin page header may stay on a private response.
pub(super) fn keeps_origin_header(name: &HeaderName) -> bool {
    KEPT_ORIGIN_HEADERS.binary_search(&name.as_str()).is_ok()
}

/// Whether a header instructs or indexes a shared cache: the names above, any
/// `*cache-control` but the standard one (`CDN-`, `Cloudflare-CDN-`, `Vercel-CDN-`, …), and
/// the `Surrogate-*`, `Fastly-*`, `Edge-*`, `Akamai-*` and `X-Accel-*` families.
pub(super) fn instructs_shared_caches(name: &HeaderName) -> bool {
    let name = name.as_str();
    SHARED_CACHE_HEADERS.contains(&name)
        || (name.ends_with("cache-control") && name != "cache-control")
        || ["surrogate-", "fastly-", "edge-", "akamai-", "x-accel-"]
            .iter()
            .any(|family| name.starts_with(family))
}

/// Makes a response ours alone: `Cache-Control: private, no-store`, and no header that a
/// shared cache would follow instead.
pub(super) fn make_private(headers: &mut HeaderMap) {
    let dropped: Vec<HeaderName> = headers
        .keys()
        .filter(|name| instructs_shared_caches(name))
        .cloned()
        .collect();
    for name in dropped {
        headers.remove(name);
    }
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(PRIVATE));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allowlist_is_sorted_and_keeps_no_cache_directive() {
        assert!(KEPT_ORIGIN_HEADERS.windows(2).all(|w| w[0] < w[1]));
        for name in KEPT_ORIGIN_HEADERS {
            let name = HeaderName::from_static(name);
            assert!(!instructs_shared_caches(&name), "{name}");
        }
        for name in [
            "cache-control",
            "vary",
            "etag",
            "x-vendor-ttl",
            "surrogate-key",
        ] {
            assert!(
                !keeps_origin_header(&HeaderName::from_static(name)),
                "{name}"
            );
        }
    }

    #[test]
    fn private_responses_lose_every_shared_cache_directive() {
        let mut headers = HeaderMap::new();
        for name in [
            "surrogate-control",
            "surrogate-key",
            "cdn-cache-control",
            "cloudflare-cdn-cache-control",
            "vercel-cdn-cache-control",
            "cache-tag",
            "fastly-debug",
            "edge-control",
            "x-accel-expires",
            "expires",
            "age",
        ] {
            headers.insert(HeaderName::from_static(name), HeaderValue::from_static("1"));
        }
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("public"));
        headers.insert("etag", HeaderValue::from_static("\"a\""));
        make_private(&mut headers);
        let left: Vec<&str> = headers.keys().map(HeaderName::as_str).collect();
        assert_eq!(left.len(), 2, "{left:?}");
        assert_eq!(headers[CACHE_CONTROL], PRIVATE);
    }
}
