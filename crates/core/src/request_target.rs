//! The request's path and query as the router sees them: the host's absolute URL normalized as
//! the WHATWG URL parser does (dot segments resolved, unsafe bytes percent-encoded, `\` read as
//! `/`), so that `/img/x/../y` routes as `/img/y` on every host. Most URLs are normal already;
//! they are taken as they are, and only the others go through the parser (the `url` crate),
//! which was a tenth of a cached image's own work in Viceroy.

/// `path?query` of `url` (absolute, `http` or `https`), normalized; `None` if it does not parse.
/// The authority (the client's `Host`) is not the router's business: one the parser would
/// refuse does not stop an already normal path from routing.
pub fn path_and_query(url: &str) -> Option<String> {
    match already_normal(url) {
        Some(target) => Some(target.to_owned()),
        None => parsed(url),
    }
}

/// The parser's reading of `url`.
fn parsed(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    Some(match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    })
}

/// `path?query` of `url` when the parser would return exactly those bytes: an `http(s)` URL
/// whose authority has no `\`, whose path starts with `/` and has no segment starting with
/// `.` or `%2e` (a possible dot segment), with no fragment, and whose bytes are all ones that
/// neither the path nor the query percent-encode sets touch. Anything else: `None`.
fn already_normal(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))?;
    let start = rest.find(['/', '?', '#', '\\'])?;
    let (authority, target) = rest.split_at(start);
    let authority_plain = !authority.is_empty() && authority.bytes().all(|b| b > b' ' && b < 0x7f);
    if !authority_plain || !target.starts_with('/') {
        return None;
    }
    if !target.bytes().all(kept_as_is) {
        return None;
    }
    let path = target.split('?').next().unwrap_or_default();
    let dot_like = |segment: &str| {
        let head = segment.as_bytes().get(..3).unwrap_or(segment.as_bytes());
        segment.starts_with('.') || head.eq_ignore_ascii_case(b"%2e")
    };
    if path.split('/').any(dot_like) {
        return None;
    }
    Some(target)
}

/// A byte the parser keeps as it is in a path and in a query: unreserved and sub-delimiter
/// characters, `:`, `@`, `/`, `?` and `%` (escapes are kept, valid or not), but not `'`
/// (escaped in the queries of `http` URLs).
fn kept_as_is(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'!'
                | b'$'
                | b'&'
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'/'
                | b'?'
                | b'%'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_urls_are_taken_as_they_are() {
        let url = "https://shop.example/img/preview/photos/a-b_c.jpg?w=300&sig=ab%2F";
        assert_eq!(
            already_normal(url),
            Some("/img/preview/photos/a-b_c.jpg?w=300&sig=ab%2F")
        );
        assert_eq!(path_and_query("http://127.0.0.1:7676/"), Some("/".into()));
    }

    #[test]
    fn the_others_are_normalized_by_the_parser() {
        let cases = [
            ("http://h/img/x/../y", "/img/y"),
            ("http://h/img/%2e%2E/y", "/y"),
            ("http://h/a b?q='x'", "/a%20b?q=%27x%27"),
            ("http://h\\img\\x", "/img/x"),
            ("http://h", "/"),
            ("http://h?q", "/?q"),
            ("http://h/p#frag", "/p"),
        ];
        for (url, want) in cases {
            assert_eq!(already_normal(url), None, "{url}");
            assert_eq!(path_and_query(url).as_deref(), Some(want), "{url}");
        }
        assert_eq!(path_and_query("not a url"), None);
    }

    /// Every path and query up to four characters long over an alphabet of the bytes that
    /// matter (delimiters, dots, escapes, bytes to encode, non-ASCII): whenever the URL is
    /// taken as it is, the parser returns the same bytes.
    #[test]
    fn taken_as_is_only_when_the_parser_agrees() {
        let alphabet = [
            "a", "/", ".", "%", "2", "e", "E", "?", "#", "\\", " ", "'", "\"", "<", "|", "~", ":",
            "@", "\t", "é", "&", "=", "`", "{",
        ];
        let mut checked = 0;
        let mut suffixes = vec![String::new()];
        for _ in 0..4 {
            let mut longer = Vec::new();
            for suffix in &suffixes {
                for piece in alphabet {
                    longer.push(format!("{suffix}{piece}"));
                }
            }
            for suffix in &longer {
                for prefix in ["http://h/", "https://h:8080/x/", "http://h"] {
                    let url = format!("{prefix}{suffix}");
                    if let Some(target) = already_normal(&url) {
                        // An authority the parser refuses does not matter to the route.
                        let parsed = parsed(&url).or_else(|| parsed(&format!("http://h{target}")));
                        assert_eq!(Some(target.to_owned()), parsed, "{url:?}");
                        checked += 1;
                    }
                }
            }
            suffixes = longer;
        }
        assert!(checked > 10_000, "{checked}");
    }
}
