//! Origin content for the caching hardening cases: pages that send every header a CDN in
//! front might follow, images whose `Cache-Control` restricts their variants, and an image at
//! a path too long for a plain purge tag.

use super::fixtures::Reply;
use super::pages::demo_page;
use tailor_testing::synthetic;

/// Headers by which an origin (or a CDN configuration) asks shared caches to keep a page.
pub(crate) const SHARED_CACHE_HEADERS: [(&str, &str); 13] = [
    ("Cache-Control", "public, max-age=3600"),
    ("Surrogate-Control", "max-age=86400"),
    ("CDN-Cache-Control", "max-age=86400"),
    ("Cloudflare-CDN-Cache-Control", "max-age=86400"),
    ("Surrogate-Key", "page-index pages"),
    ("Cache-Tag", "page-index,pages"),
    ("Edge-Control", "cache-maxage=1d"),
    ("Fastly-Surrogate-Control", "max-age=86400"),
    ("X-Accel-Expires", "86400"),
    ("Expires", "Thu, 01 Jan 2037 00:00:00 GMT"),
    ("Age", "42"),
    ("Vary", "Accept-Language"),
    ("X-Vendor-Cache-Ttl", "86400"),
];

/// Origin headers a personalized page keeps: about the content and the browser, not caches.
pub(crate) const KEPT_HEADERS: [(&str, &str); 4] = [
    ("Set-Cookie", "origin_session=abc; Path=/; HttpOnly"),
    ("Content-Security-Policy", "default-src 'self'"),
    ("X-Frame-Options", "DENY"),
    ("Link", "</style.css>; rel=preload; as=style"),
];

/// An image path of `bytes` bytes under `photos/long/`, ending in `.jpg`.
pub(crate) fn long_image_path(bytes: usize) -> String {
    let stem = "photos/long/";
    format!("{stem}{}.jpg", "a".repeat(bytes - stem.len() - 4))
}

/// The longest path the demo config accepts (`limits.max_path_bytes`): its plain tag
/// (`image:` + 1024 bytes) is past Fastly's 1024-byte surrogate key limit.
pub(crate) fn longest_image_path() -> String {
    long_image_path(1024)
}

/// An origin image whose responses carry `Cache-Control: cache_control`.
fn image_with(cache_control: &str, seed: u32) -> Reply {
    let mut reply = Reply::ok(
        "image/jpeg",
        synthetic::jpeg(&synthetic::photo(640, 427, seed), 85),
    );
    reply.headers.push(("Cache-Control", cache_control.into()));
    reply
}

fn with_headers(mut reply: Reply) -> Reply {
    for (name, value) in SHARED_CACHE_HEADERS.iter().chain(&KEPT_HEADERS) {
        reply.headers.push((name, (*value).to_owned()));
    }
    reply
}

pub(crate) fn content() -> Vec<(String, Reply)> {
    let html = "text/html; charset=utf-8";
    vec![
        (
            "/pages/cdn-cached.html".into(),
            with_headers(Reply::ok(html, demo_page())),
        ),
        (
            "/pages/cdn-cached.json".into(),
            with_headers(Reply::ok("application/json", b"{\"a\": 1}".to_vec())),
        ),
        ("/photos/no-store.jpg".into(), image_with("no-store", 51)),
        (
            "/photos/private.jpg".into(),
            image_with("private, max-age=600", 52),
        ),
        ("/photos/no-cache.jpg".into(), image_with("no-cache", 53)),
        (
            "/photos/short-lived.jpg".into(),
            image_with("public, max-age=60", 54),
        ),
        (
            format!("/{}", longest_image_path()),
            Reply::ok(
                "image/jpeg",
                synthetic::jpeg(&synthetic::photo(320, 200, 55), 85),
            ),
        ),
    ]
}
