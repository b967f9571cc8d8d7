//! Item links from a catalogue are data, not code: only same-site paths and http(s) URLs
//! survive, everything else becomes `#`. A same-site path must stay one however a browser
//! reads it: browsers treat `\` as `/` and drop tabs and newlines, so `/\evil.example` or
//! `/<tab>/evil.example` would leave the site (an open redirect through our own banner).

use percent_encoding::percent_decode_str;

/// `url` if it is a safe link, else `#`.
pub fn safe_link(url: &str) -> String {
    let url = url.trim();
    if same_site_path(url) || web_url(url) {
        url.into()
    } else {
        "#".into()
    }
}

/// A path on this site: starts with one `/`, and neither it nor its percent-decoded form has
/// a second leading `/`, a backslash or a control character anywhere.
fn same_site_path(url: &str) -> bool {
    let decoded = percent_decode_str(url).decode_utf8_lossy();
    [url, decoded.as_ref()].iter().all(|form| {
        form.starts_with('/')
            && !form.starts_with("//")
            && !form.contains('\\')
            && !form.chars().any(char::is_control)
    })
}

/// An absolute `http://` or `https://` URL with a host and no control characters.
fn web_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
    else {
        return false;
    };
    let host_start = rest.chars().next();
    host_start.is_some_and(|c| c != '/' && c != '\\') && !url.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_link_keeps_relative_and_http_links_only() {
        assert_eq!(safe_link("/p/1"), "/p/1");
        assert_eq!(safe_link(" /p/1?a=b#c "), "/p/1?a=b#c");
        assert_eq!(
            safe_link("https://shop.example/p/1"),
            "https://shop.example/p/1"
        );
        assert_eq!(safe_link("HTTP://shop.example"), "HTTP://shop.example");
        assert_eq!(safe_link("//evil.example"), "#");
        assert_eq!(safe_link(" JavaScript:alert(1)"), "#");
        assert_eq!(safe_link("data:text/html,x"), "#");
        assert_eq!(safe_link("p/1"), "#");
    }

    #[test]
    fn safe_link_refuses_backslash_and_encoded_open_redirects() {
        for hostile in [
            "/\\evil.example",
            "\\\\evil.example",
            "\\/evil.example",
            "/p\\..\\..\\evil",
            "/\t/evil.example",
            "/\n/evil.example",
            "/%2F/evil.example",
            "/%2fevil.example",
            "/%5Cevil.example",
            "/%09/evil.example",
            "/%00",
            "https:///evil.example",
            "https:\\\\evil.example",
            "https://\\evil.example",
            "https://shop.example/\n/x",
        ] {
            assert_eq!(safe_link(hostile), "#", "{hostile:?}");
        }
    }
}
