//! The query string a page request forwards to the origin: the client's own parameters, as
//! sent, without Tailor's (`tailor_preview` carries a signed token that must not land in
//! origin logs or caches, and nothing named `tailor_*` is meant for the origin).

/// Parameters whose decoded name starts with this are Tailor's, never the origin's.
pub(super) const INTERNAL_PREFIX: &str = "tailor_";

/// `query` without Tailor's parameters, every other pair byte for byte; `None` when nothing
/// is left.
pub(super) fn forwarded(query: Option<&str>) -> Option<String> {
    let kept: Vec<&str> = query?
        .split('&')
        .filter(|pair| !pair.is_empty() && !is_internal(pair))
        .collect();
    (!kept.is_empty()).then(|| kept.join("&"))
}

/// Decodes the name the way the query parser does (`+`, percent escapes), so an encoded
/// `tailor%5Fpreview` is recognised too. Some servers also split pairs at `;`: a pair hiding
/// one of ours behind a `;` is dropped as well.
fn is_internal(pair: &str) -> bool {
    pair.split(';').any(|part| {
        form_urlencoded::parse(part.as_bytes())
            .next()
            .is_some_and(|(name, _)| {
                name.get(..INTERNAL_PREFIX.len())
                    .is_some_and(|prefix| prefix.eq_ignore_ascii_case(INTERNAL_PREFIX))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preview_tokens_are_not_forwarded_to_the_origin() {
        assert_eq!(
            forwarded(Some("a=1&tailor_preview=p1.dach.9.ff&b=%20x")).as_deref(),
            Some("a=1&b=%20x")
        );
        assert_eq!(
            forwarded(Some("tailor%5Fpreview=x&TAILOR_other=y&c")).as_deref(),
            Some("c")
        );
        assert_eq!(forwarded(Some("tailor_preview=x")), None);
        assert_eq!(
            forwarded(Some("a=1;tailor_preview=x&b=2;c=3")).as_deref(),
            Some("b=2;c=3")
        );
        assert_eq!(forwarded(Some("")), None);
        assert_eq!(forwarded(None), None);
        assert_eq!(
            forwarded(Some("utm_source=mail&&q=tailor_x")).as_deref(),
            Some("utm_source=mail&q=tailor_x")
        );
    }
}
