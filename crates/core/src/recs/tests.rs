use super::*;

#[test]
fn oversized_and_malformed_lists_are_refused() {
    assert!(matches!(
        parse_list(&[b' '; 20], 10),
        Err(RecsError::TooLarge { .. })
    ));
    assert!(matches!(
        parse_list(b"{\"segment\":1}", 100),
        Err(RecsError::Invalid(_))
    ));
    assert!(parse_list(br#"{"segment":"s","items":[]}"#, 100).is_ok());
}

fn one_item(fields: &str) -> Result<RecList, RecsError> {
    let json = format!(
        r#"{{"segment":"s","version":"v3","items":[{{"id":"a","title":"A","url":"/p/a","image":"a.jpg","category":"c","score":1{fields}}}]}}"#
    );
    parse_list(json.as_bytes(), 10_000)
}

#[test]
fn date_windows_are_read_as_utc_seconds() {
    let list =
        one_item(r#","starts":"2026-11-27T00:00:00Z","ends":"2026-12-01T00:00:00Z""#).unwrap();
    let item = &list.items[0];
    assert_eq!(item.starts, Some(1_795_737_600));
    assert_eq!(item.ends, Some(1_796_083_200));
    assert!(!item.live_at(1_795_737_599));
    assert!(item.live_at(1_795_737_600));
    assert!(!item.live_at(1_796_083_200));
    let round_trip = serde_json::to_string(item).unwrap();
    assert!(
        round_trip.contains(r#""starts":"2026-11-27T00:00:00Z""#),
        "{round_trip}"
    );
}

#[test]
fn bad_items_are_refused_with_the_reason() {
    for (fields, needle) in [
        (r#","starts":"next tuesday""#, "RFC 3339"),
        (r#","ends":"1969-01-01T00:00:00Z""#, "out of range"),
        (r#","colour":"red""#, "unknown field"),
    ] {
        let error = one_item(fields).unwrap_err().to_string();
        assert!(error.contains(needle), "{fields}: {error}");
    }
    let negative = br#"{"segment":"s","items":[{"id":"a","title":"A","url":"/","image":"a","category":"c","score":-1}]}"#;
    assert!(parse_list(negative, 10_000)
        .unwrap_err()
        .to_string()
        .contains("finite number"));
    let long_id = format!(
        r#"{{"segment":"s","items":[{{"id":"{}","title":"A","url":"/","image":"a","category":"c","score":1}}]}}"#,
        "x".repeat(65)
    );
    assert!(parse_list(long_id.as_bytes(), 10_000).is_err());
}

#[test]
fn the_pointer_names_a_safe_version() {
    assert_eq!(parse_version(b"v3\n").unwrap(), "v3");
    assert_eq!(parse_version(b"2026-11-21a").unwrap(), "2026-11-21a");
    for bad in [&b""[..], b"v3/../x", b"v 3", &[0xff], &[b'a'; 33]] {
        assert!(parse_version(bad).is_err(), "{bad:?}");
    }
    assert_eq!(kv_key("recs", "v3", "mobile"), "recs/v3/mobile");
}

#[test]
fn item_images_must_be_paths_the_image_route_accepts() {
    for image in [
        "https://evil.example/x.jpg",
        "//evil.example/x.jpg",
        "../../admin/purge",
        "/photos/a.jpg",
        "photos/a.jpg?dpr=9",
        "photos/a.jpg\" onerror=\"x",
        "photos//a.jpg",
        "",
    ] {
        let json = serde_json::json!({"segment": "s", "items": [{"id": "a", "title": "A",
            "url": "/p/a", "image": image, "category": "c", "score": 1}]});
        let error = parse_list(json.to_string().as_bytes(), 10_000).unwrap_err();
        assert!(error.to_string().contains("image"), "{image}: {error}");
    }
    assert!(one_item("").is_ok(), "photos-style paths pass");
}
