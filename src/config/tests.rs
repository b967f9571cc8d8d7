use super::*;

fn demo() -> serde_json::Value {
    serde_json::from_str(BUNDLED_JSON).unwrap()
}

fn error_for(doc: &serde_json::Value) -> ConfigError {
    Config::from_json(doc.to_string().as_bytes()).unwrap_err()
}

#[test]
fn the_bundled_config_is_valid() {
    let config = Config::bundled().unwrap();
    assert_eq!(config.segments.default, "desktop");
    assert_eq!(config.variants["preview"].width, 500);
    assert_eq!(config.variants["thumbnail"].jpeg_quality, 80);
    assert_eq!(config.banners.slots["hero"].max_items, 4);
    assert_eq!(config.experiments.len(), 1);
}

#[test]
fn syntax_errors_name_the_place() {
    let err = Config::from_json(b"{\"schema\": 1,").unwrap_err();
    assert!(err.message.contains("EOF"), "{err}");
}

#[test]
fn type_errors_name_the_field_path() {
    let mut doc = demo();
    doc["variants"]["preview"]["width"] = serde_json::json!("wide");
    let err = error_for(&doc);
    assert_eq!(err.path, "variants.preview.width");
}

#[test]
fn unknown_fields_are_rejected_with_their_path() {
    let mut doc = demo();
    doc["limits"]["max_pixels"] = serde_json::json!(1);
    let err = error_for(&doc);
    assert_eq!(err.path, "limits.max_pixels");
    assert!(err.message.contains("unknown field"), "{err}");
}

#[test]
fn cross_references_are_checked() {
    let mut doc = demo();
    doc["segments"]["rules"][1]["segment"] = serde_json::json!("phablet");
    assert_eq!(error_for(&doc).path, "segments.rules[1].segment");

    let mut doc = demo();
    doc["banners"]["slots"]["hero"]["image_variant"] = serde_json::json!("poster");
    assert_eq!(error_for(&doc).path, "banners.slots.hero.image_variant");

    let mut doc = demo();
    doc["segments"]["list"][0]["template"] = serde_json::json!("missing");
    assert_eq!(error_for(&doc).path, "segments.list[0].template");

    let mut doc = demo();
    doc["segments"]["rules"][0]["when"]["device"][0] = serde_json::json!("robot");
    assert_eq!(error_for(&doc).path, "segments.rules[0].when.device[0]");
}

#[test]
fn unreachable_and_duplicate_segments_are_rejected() {
    let mut doc = demo();
    doc["segments"]["rules"].as_array_mut().unwrap().remove(0);
    let err = error_for(&doc);
    assert_eq!(err.path, "segments.list");
    assert!(err.message.contains("'bot'"), "{err}");

    let mut doc = demo();
    doc["segments"]["list"][1]["id"] = serde_json::json!("bot");
    assert_eq!(error_for(&doc).path, "segments.list[1].id");
}

#[test]
fn ranges_are_checked() {
    let mut doc = demo();
    doc["variants"]["full"]["jpeg_quality"] = serde_json::json!(0);
    assert_eq!(error_for(&doc).path, "variants.full.jpeg_quality");

    let mut doc = demo();
    doc["variants"]["full"]["width"] = serde_json::json!(10_000);
    assert_eq!(error_for(&doc).path, "variants.full.width");

    let mut doc = demo();
    doc["schema"] = serde_json::json!(2);
    assert_eq!(error_for(&doc).path, "schema");
}

#[test]
fn template_syntax_errors_are_config_errors() {
    let mut doc = demo();
    doc["banners"]["templates"]["cards"] = serde_json::json!("{% for x in %}");
    let err = error_for(&doc);
    assert_eq!(err.path, "banners.templates.cards");
}

#[test]
fn identifiers_stay_in_a_safe_alphabet() {
    let mut doc = demo();
    let preview = doc["variants"]["preview"].clone();
    doc["variants"]["Big Preview"] = preview;
    assert_eq!(error_for(&doc).path, "variants.Big Preview");
}
