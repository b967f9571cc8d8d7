use super::*;
use proptest::prelude::*;

fn banner<'a>(segment: &'a str, template: &'a str, format: &'a str) -> KeyParts<'a> {
    KeyParts::Banner {
        segment,
        template,
        slot: "hero",
        list_version: "v1",
        format,
        config: "abc123",
    }
}

fn image<'a>(variant: &'a str, format: &'a str, dpr: u32, path: &'a str) -> KeyParts<'a> {
    KeyParts::Image {
        variant,
        format,
        dpr,
        settings: "w500.q85.80",
        path,
    }
}

#[test]
fn keys_read_well_and_hash_to_a_fixed_length() {
    let key = cache_key(&image("preview", "auto-webp", 2, "photos/a.jpg"));
    assert_eq!(
        key,
        "tailor/2/img/var=preview/w500.q85.80/fmt=auto-webp/dpr=2/photos/a.jpg"
    );
    let hashed = platform_key(&key);
    assert_eq!(hashed.len(), 35);
    assert!(hashed.starts_with("t2-"));
    assert_eq!(hashed, platform_key(&key));
    let long = cache_key(&image("preview", "auto", 1, &"x/".repeat(400)));
    assert_eq!(platform_key(&long).len(), 35);
}

#[test]
fn etags_follow_key_and_content_and_match_like_http() {
    let a = etag("k", b"body");
    assert_ne!(a, etag("k", b"other"));
    assert_ne!(a, etag("k2", b"body"));
    assert_ne!(
        etag("ab", b"c"),
        etag("a", b"bc"),
        "key and body stay apart"
    );
    assert_eq!(a, etag("k", b"body"), "the same for the same input");
    assert_eq!(a.len(), 26, "96 bits in hex, quoted");
    assert!(a.starts_with('"') && a.ends_with('"'));
    assert!(etag_matches(&a, &a));
    assert!(etag_matches(&format!("\"x\", W/{a}"), &a));
    assert!(etag_matches("*", &a));
    assert!(!etag_matches("\"x\"", &a));
}

#[test]
fn surrogate_keys_tag_paths_segments_and_lists() {
    assert_eq!(
        surrogate_keys(&image("preview", "auto", 1, "photos/a.jpg")),
        ["images", "image:photos/a.jpg"]
    );
    assert_eq!(
        surrogate_keys(&banner("mobile", "compact", "html")),
        ["banners", "segment:mobile", "list:v1"]
    );
    assert_eq!(
        surrogate_keys(&KeyParts::Original {
            path: "photos/a.jpg"
        }),
        ["images", "image:photos/a.jpg", "originals"]
    );
}

fn ident() -> impl Strategy<Value = String> {
    "[a-z0-9_-]{1,12}"
}

proptest! {
    /// Parts that differ in any field never share a key: variants, formats, dprs, paths,
    /// segments, templates.
    #[test]
    fn different_parts_never_collide(
        a in (ident(), ident(), 1u32..4, "[a-z0-9/._-]{1,30}"),
        b in (ident(), ident(), 1u32..4, "[a-z0-9/._-]{1,30}"),
        s in (ident(), ident(), ident()),
        t in (ident(), ident(), ident()),
    ) {
        let (ia, ib) = (image(&a.0, &a.1, a.2, &a.3), image(&b.0, &b.1, b.2, &b.3));
        prop_assert_eq!(ia == ib, cache_key(&ia) == cache_key(&ib));
        let (ba, bb) = (banner(&s.0, &s.1, &s.2), banner(&t.0, &t.1, &t.2));
        prop_assert_eq!(ba == bb, cache_key(&ba) == cache_key(&bb));
        prop_assert_ne!(cache_key(&ia), cache_key(&ba));
        // An original never shares a key with a variant, a banner or another path's original.
        let (oa, ob) = (KeyParts::Original { path: &a.3 }, KeyParts::Original { path: &b.3 });
        prop_assert_eq!(a.3 == b.3, cache_key(&oa) == cache_key(&ob));
        prop_assert_ne!(cache_key(&oa), cache_key(&ia));
        prop_assert_ne!(cache_key(&oa), cache_key(&ba));
    }
}

#[test]
fn platform_keys_and_etags_are_lowercase_hex_of_sha256() {
    // SHA-256 of the empty string starts e3b0c442 98fc1c14 9afbf4c8 996fb924.
    assert_eq!(platform_key(""), "t2-e3b0c44298fc1c149afbf4c8996fb924");
    let tag = etag("k", b"body");
    assert_eq!(tag.len(), 26);
    assert!(tag
        .trim_matches('"')
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
}
