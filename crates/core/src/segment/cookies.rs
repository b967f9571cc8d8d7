//! The request's cookies, from every `Cookie` header (HTTP/2 may send one per cookie), parsed
//! by the `cookie` crate. Reading is bounded — at most [`MAX_COOKIE_BYTES`] of headers and
//! [`MAX_COOKIES`] cookies — and duplicate names are found with a set, so a request carrying
//! thousands of cookies costs no more than one carrying the limit. An ordered set, not a hash
//! set: a hash set's random keys are a per-thread counter that every new set writes, and in a
//! Fastly instance that static is on a page of the build-time snapshot (see `tailor-fastly`).

use std::collections::BTreeSet;

/// Cookies kept per request (Chrome keeps at most 180 per domain); later ones are ignored.
pub const MAX_COOKIES: usize = 180;
/// Bytes of `Cookie` headers read per request, all headers together; later headers are
/// ignored.
pub const MAX_COOKIE_BYTES: usize = 16 * 1024;

/// Every cookie of `headers`' values in order; malformed pairs are skipped and the first of
/// duplicate names wins. What was left unread is noted in `warnings`.
pub fn cookie_jar<'a>(
    headers: impl IntoIterator<Item = &'a http::HeaderValue>,
    warnings: &mut Vec<String>,
) -> Vec<(String, String)> {
    let mut jar: Vec<(String, String)> = Vec::new();
    let mut names: BTreeSet<String> = BTreeSet::new();
    let mut budget = MAX_COOKIE_BYTES;
    // Each header counts, even an empty one: past MAX_COOKIES headers none could add a cookie
    // the limit would keep.
    for (index, header) in headers.into_iter().enumerate() {
        if index == MAX_COOKIES {
            warnings.push(format!(
                "cookie headers past the first {MAX_COOKIES} ignored"
            ));
            break;
        }
        let bytes = header.as_bytes();
        let cut = bytes.len() > budget;
        let readable = if cut {
            up_to_last_pair(bytes, budget)
        } else {
            bytes
        };
        budget -= readable.len();
        match std::str::from_utf8(readable).ok().filter(|t| t.is_ascii()) {
            Some(text) => {
                for cookie in cookie::Cookie::split_parse(text).flatten() {
                    if jar.len() == MAX_COOKIES {
                        warnings.push(format!("cookies past the first {MAX_COOKIES} ignored"));
                        return jar;
                    }
                    if names.insert(cookie.name().to_owned()) {
                        jar.push((cookie.name().to_owned(), cookie.value_trimmed().to_owned()));
                    }
                }
            }
            None => warnings.push("cookie header is not text; ignored".into()),
        }
        if cut {
            warnings.push(format!(
                "cookie headers past {MAX_COOKIE_BYTES} bytes ignored"
            ));
            break;
        }
    }
    jar
}

/// The longest prefix of `bytes` within `limit` that ends before a `;`, so no pair is cut.
fn up_to_last_pair(bytes: &[u8], limit: usize) -> &[u8] {
    let window = bytes.get(..limit).unwrap_or(bytes);
    let end = window.iter().rposition(|&b| b == b';').unwrap_or(0);
    window.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn values(headers: &[&str]) -> Vec<http::HeaderValue> {
        headers
            .iter()
            .map(|h| http::HeaderValue::from_str(h).unwrap())
            .collect()
    }

    #[test]
    fn cookies_are_parsed_by_a_real_parser() {
        let mut warnings = Vec::new();
        let jar = cookie_jar(
            &values(&["a=1; b=\"quoted\"; broken; a=2; c=", "a=3; d=4"]),
            &mut warnings,
        );
        let pairs: Vec<(&str, &str)> = jar.iter().map(|(n, v)| (&**n, &**v)).collect();
        assert_eq!(pairs, [("a", "1"), ("b", "quoted"), ("c", ""), ("d", "4")]);
        assert!(warnings.is_empty());
    }

    #[test]
    fn ten_thousand_cookies_are_cheap_and_bounded() {
        // One header per cookie (as HTTP/2 may send them) and one header holding many.
        let one_each: Vec<String> = (0..10_000).map(|i| format!("c{i}=1")).collect();
        let many = (0..10_000)
            .map(|i| format!("d{i}=1"))
            .collect::<Vec<_>>()
            .join("; ");
        for headers in [
            values(&one_each.iter().map(String::as_str).collect::<Vec<_>>()),
            values(&[&many]),
        ] {
            let mut warnings = Vec::new();
            let start = Instant::now();
            let jar = cookie_jar(&headers, &mut warnings);
            assert!(start.elapsed().as_millis() < 200, "{:?}", start.elapsed());
            assert!(jar.len() <= MAX_COOKIES, "{} cookies kept", jar.len());
            assert_eq!(warnings.len(), 1, "{warnings:?}");
        }
        // Empty headers cost nothing each, but are not read without end either.
        let mut warnings = Vec::new();
        let empty = vec![http::HeaderValue::from_static(""); 10_000];
        assert!(cookie_jar(&empty, &mut warnings).is_empty());
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        // An oversized header is read up to the limit, never cutting a pair.
        let long = format!("first=1; {}", "x".repeat(MAX_COOKIE_BYTES));
        let mut warnings = Vec::new();
        let jar = cookie_jar(&values(&[&long, "after=1"]), &mut warnings);
        assert_eq!(jar, [("first".to_owned(), "1".to_owned())]);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        // Within the limits, every distinct cookie is kept, duplicates or not.
        let repeated: Vec<String> = (0..150).map(|i| format!("e{}=1", i % 100)).collect();
        let mut warnings = Vec::new();
        let jar = cookie_jar(&values(&[&repeated.join("; ")]), &mut warnings);
        assert_eq!(jar.len(), 100);
        assert!(warnings.is_empty());
    }
}
