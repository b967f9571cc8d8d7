use super::*;
use tailor_core::banner::Environments as _;

fn demo() -> serde_json::Value {
    serde_json::from_str(tailor_demo::CONFIG_JSON).unwrap()
}

fn error_for(doc: &serde_json::Value) -> ConfigError {
    Config::from_json(doc.to_string().as_bytes()).unwrap_err()
}

#[test]
fn the_bundled_config_is_valid() {
    let config = Config::from_json(tailor_demo::CONFIG_JSON.as_bytes()).unwrap();
    assert_eq!(config.segments.rules.default, "desktop");
    assert_eq!(config.variants["preview"].width, 500);
    assert_eq!(config.variants["thumbnail"].jpeg_quality, 80);
    assert_eq!(config.banners.slots["hero"].max_items, 4);
    assert_eq!(config.experiments.len(), 3);
    assert_eq!(config.segments.reachable.len(), 8);
    // The two "promo" experiments split that group's slots.
    let shares: Vec<_> = config.experiments.iter().map(|e| e.group.clone()).collect();
    assert_eq!(shares[0], None);
    assert_eq!(shares[1].as_ref().map(|g| g.slots), Some((0, 5_000)));
    assert_eq!(shares[2].as_ref().map(|g| g.slots), Some((5_000, 10_000)));
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
    doc["segments"]["rules"][0]["when"]["in"][0] = serde_json::json!("robot");
    assert_eq!(error_for(&doc).path, "segments.rules[0].when.in");

    let mut doc = demo();
    doc["experiments"][0]["arms"][1]["templates"]["desktop"] = serde_json::json!("poster");
    assert_eq!(
        error_for(&doc).path,
        "experiments[0].arms[1].templates.desktop"
    );
    let mut doc = demo();
    doc["experiments"][0]["arms"][1]["templates"]["kiosk"] = serde_json::json!("cards");
    assert_eq!(
        error_for(&doc).path,
        "experiments[0].arms[1].templates.kiosk"
    );
}

#[test]
fn catch_all_and_dead_rules_are_rejected() {
    // A rule matching everyone makes every later rule (and the default) unreachable.
    let mut doc = demo();
    doc["segments"]["rules"][1]["when"] = serde_json::json!({"all": []});
    let err = error_for(&doc);
    assert_eq!(err.path, "segments.rules[2]");
    assert!(err.message.contains("'campaign'"), "{err}");

    let mut doc = demo();
    let rules = doc["segments"]["rules"].as_array_mut().unwrap();
    rules.push(serde_json::json!({"name": "rest", "segment": "us", "when": {"all": []}}));
    let err = error_for(&doc);
    assert_eq!(err.path, "segments.default");
    assert!(err.message.contains("unreachable"), "{err}");

    let mut doc = demo();
    doc["segments"]["rules"][0]["when"] = serde_json::json!({"any": []});
    assert_eq!(error_for(&doc).path, "segments.rules[0].when");

    let mut doc = demo();
    doc["segments"]["rules"][1]["name"] = serde_json::json!("crawlers");
    assert_eq!(error_for(&doc).path, "segments.rules[1].name");
}

#[test]
fn visitor_cookie_settings_are_checked() {
    let mut doc = demo();
    doc["visitor"]["cookie"] = serde_json::json!("bad name;");
    assert_eq!(error_for(&doc).path, "visitor.cookie");
    let mut doc = demo();
    doc["visitor"]["max_age_seconds"] = serde_json::json!(60);
    assert_eq!(error_for(&doc).path, "visitor.max_age_seconds");
    let mut doc = demo();
    doc["keys"]["preview"] = serde_json::json!("p.1");
    assert_eq!(error_for(&doc).path, "keys.preview");
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
fn template_syntax_errors_are_config_errors_in_the_check_and_render_errors_at_first_use() {
    let mut doc = demo();
    doc["banners"]["templates"]["cards"] = serde_json::json!("{% for x in %}");
    // Loading defers compiling: a request that renders no banner is not held up by it.
    let config = Config::from_json(doc.to_string().as_bytes()).unwrap();
    let err = config.check_deferred().unwrap_err();
    assert_eq!(err.path, "banners.templates.cards");
    assert!(err.message.contains("does not compile"), "{err}");
    let env = config
        .banners
        .templates
        .environment(tailor_core::banner::Builtins::With);
    assert!(env.get_template("cards").is_err());
    assert!(env.get_template("compact").is_ok());
}

#[test]
fn each_template_compiles_on_first_use_only() {
    let config = Config::from_json(tailor_demo::CONFIG_JSON.as_bytes()).unwrap();
    let templates = &config.banners.templates;
    assert!(format!("{templates:?}").contains("compiled: 0"));
    assert!(templates.contains("cards"));
    assert!(!templates.contains("nope"));
    let env = templates.environment(tailor_core::banner::Builtins::With);
    assert!(env.get_template("cards").is_ok());
    assert!(env.get_template("cards").is_ok());
    assert!(env.get_template("nope").is_err());
    // One banner compiles its own template once, not the other three of the demo.
    assert!(
        format!("{templates:?}").contains("compiled: 1"),
        "{templates:?}"
    );
    config.check_deferred().unwrap();
    assert!(
        format!("{templates:?}").contains("compiled: 4"),
        "{templates:?}"
    );
}

#[test]
fn templates_include_one_another_through_the_loader() {
    let mut doc = demo();
    doc["banners"]["templates"]["card"] = serde_json::json!("<b>{{ item.title }}</b>");
    doc["banners"]["templates"]["cards"] =
        serde_json::json!("{% for item in items %}{% include 'card' %}{% endfor %}");
    let config = Config::from_json(doc.to_string().as_bytes()).unwrap();
    config.check_deferred().unwrap();
    let env = config
        .banners
        .templates
        .environment(tailor_core::banner::Builtins::With);
    let items = serde_json::json!({"items": [{"title": "<Hat>"}]});
    let items = minijinja::Value::from(minijinja::value::Serde(&items));
    let html = env.get_template("cards").unwrap().render(items).unwrap();
    assert_eq!(html, "<b>&lt;Hat&gt;</b>");
}

#[test]
fn identifiers_stay_in_a_safe_alphabet() {
    let mut doc = demo();
    let preview = doc["variants"]["preview"].clone();
    doc["variants"]["Big Preview"] = preview;
    assert_eq!(error_for(&doc).path, "variants.Big Preview");
}

#[test]
fn recs_events_and_pages_settings_are_checked() {
    for (pointer, value, path) in [
        (
            "/recs/rerank/decay",
            serde_json::json!(0.0),
            "recs.rerank.decay",
        ),
        (
            "/recs/rerank/max_per_category",
            serde_json::json!(0),
            "recs.rerank.max_per_category",
        ),
        (
            "/recs/pointer_key",
            serde_json::json!(" "),
            "recs.pointer_key",
        ),
        ("/events/max_events", serde_json::json!(0), "events"),
        (
            "/stores/pages_path",
            serde_json::json!("pages"),
            "stores.pages_path",
        ),
    ] {
        let mut doc = demo();
        *doc.pointer_mut(pointer).unwrap() = value;
        assert_eq!(error_for(&doc).path, path, "{pointer}");
    }
}

/// The demo's rules through the core's rule engine.
mod demo_rules {
    use super::*;
    use tailor_core::segment::condition::Facts;
    use tailor_core::segment::{choose, Decision, DeviceClass, VisitorContext};

    fn decide(context: &VisitorContext) -> Decision {
        let config = Config::from_json(tailor_demo::CONFIG_JSON.as_bytes()).unwrap();
        choose(
            &config.segments.rules,
            Facts {
                context,
                consent: false,
            },
            true,
        )
    }

    #[test]
    fn first_matching_rule_wins_and_the_skipped_ones_are_explained() {
        let phone = decide(&VisitorContext {
            device: DeviceClass::Mobile,
            ..VisitorContext::default()
        });
        assert_eq!(phone.segment, "mobile");
        assert_eq!(phone.rule.as_deref(), Some("phones"));
        assert!(
            phone
                .explanation
                .starts_with("phones; skipped crawlers: device=mobile"),
            "{}",
            phone.explanation
        );
        let desktop = decide(&VisitorContext::default());
        assert_eq!(desktop.segment, "desktop");
        assert_eq!(desktop.rule, None);
        assert!(desktop.explanation.starts_with("(default); skipped"));
        let bot = decide(&VisitorContext {
            device: DeviceClass::Bot,
            ..VisitorContext::default()
        });
        assert_eq!(
            (bot.segment.as_str(), bot.explanation.as_str()),
            ("bot", "crawlers")
        );
    }
}

#[test]
fn max_path_bytes_stays_within_what_a_url_and_a_purge_tag_can_carry() {
    for bad in [0, 8 * 1024 + 1] {
        let mut doc = demo();
        doc["limits"]["max_path_bytes"] = serde_json::json!(bad);
        assert_eq!(error_for(&doc).path, "limits.max_path_bytes", "{bad}");
    }
    // Paths longer than a purge tag can carry are fine: they are tagged by their hash.
    let mut doc = demo();
    doc["limits"]["max_path_bytes"] = serde_json::json!(8 * 1024);
    assert!(Config::from_json(doc.to_string().as_bytes()).is_ok());
}

/// The demo config with a fourth experiment whose arms rank differently.
fn with_ranking_experiment() -> serde_json::Value {
    let mut doc = demo();
    doc["experiments"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
        "name": "ranking", "salt": "2026-12-ranking", "arms": [
            {"name": "model", "weight": 1, "ranking": "model",
             "model": {"segment_weight": 2.5, "reshow_viewed": false}},
            {"name": "list", "weight": 1, "ranking": "list", "max_items": 2,
             "rerank": {"max_per_category": 1, "click_boost": 1.5}}]}));
    doc["events"]["goals"] = serde_json::json!(["purchase", "signup"]);
    doc
}

#[test]
fn arms_may_set_ranking_rerank_and_item_count() {
    let config = Config::from_json(with_ranking_experiment().to_string().as_bytes()).unwrap();
    let e = &config.experiments[3];
    assert_eq!(e.arms[0].ranking, Some(Ranking::Model));
    assert_eq!(e.arms[1].ranking, Some(Ranking::List));
    assert_eq!(e.arms[1].max_items, Some(2));
    let rerank = e.arms[1].rerank.as_ref().unwrap();
    assert_eq!(rerank.max_per_category, 1);
    assert_eq!(rerank.click_boost, 1.5);
    // Fields the arm does not set come from recs.rerank.
    assert_eq!(rerank.decay, config.recs.rerank.decay);
    assert_eq!(e.arms[0].rerank, None);
    // The model arm's inference settings: its overrides over recs.model.
    let model = e.arms[0].model.as_ref().unwrap();
    assert_eq!(model.segment_weight, 2.5);
    assert!(!model.reshow_viewed);
    assert_eq!(model.click_weight, config.recs.model.click_weight);
    assert_eq!(e.arms[1].model, None);
    assert!(e.applies_to("desktop"));
    assert!(!config.experiments[1].applies_to("desktop"));
    assert!(config.experiments[0].applies_to("desktop"));
    assert!(!config.experiments[0].applies_to("mobile"));
    // The first assigned arm that sets a field decides it.
    let hero = &config.banners.slots["hero"];
    let arms = [(0, 1), (3, 1)];
    assert_eq!(config.ranking_for(&arms), Some(Ranking::List));
    assert_eq!(config.max_items_for(hero, &arms), 2);
    assert_eq!(config.rerank_for(&arms).max_per_category, 1);
    let control = [(0, 0), (3, 0)];
    assert_eq!(config.ranking_for(&control), Some(Ranking::Model));
    assert_eq!(config.max_items_for(hero, &control), hero.max_items);
    assert_eq!(config.rerank_for(&control), &config.recs.rerank);
    assert_eq!(config.model_for(&control).segment_weight, 2.5);
    assert_eq!(config.model_for(&arms), &config.recs.model);
    assert_eq!(config.events.goals, ["purchase", "signup"]);
}

#[test]
fn bad_arm_settings_name_the_field() {
    for (field, value, path, needle) in [
        (
            "max_items",
            serde_json::json!(0),
            "experiments[3].arms[1].max_items",
            "1..=50",
        ),
        (
            "max_items",
            serde_json::json!(51),
            "experiments[3].arms[1].max_items",
            "1..=50",
        ),
        (
            "max_items",
            serde_json::json!(-1),
            "experiments[3].arms[1].max_items",
            "invalid value",
        ),
        (
            "ranking",
            serde_json::json!("random"),
            "experiments[3].arms[1].ranking",
            "unknown variant",
        ),
        (
            "rerank",
            serde_json::json!({"decay": 0}),
            "experiments[3].arms[1].rerank.decay",
            "above 0",
        ),
        (
            "rerank",
            serde_json::json!({"decay": "x"}),
            "experiments[3].arms[1].rerank.decay",
            "invalid type",
        ),
        (
            "rerank",
            serde_json::json!({"boost": 1}),
            "experiments[3].arms[1].rerank.boost",
            "unknown field",
        ),
        (
            "rerank",
            serde_json::json!({"max_per_category": 0}),
            "experiments[3].arms[1].rerank.max_per_category",
            "at least 1",
        ),
        (
            "model",
            serde_json::json!({"position_decay": 0}),
            "experiments[3].arms[1].model.position_decay",
            "above 0",
        ),
        (
            "model",
            serde_json::json!({"neighbours": 5}),
            "experiments[3].arms[1].model.neighbours",
            "unknown field",
        ),
        (
            "model",
            serde_json::json!({"max_history": "all"}),
            "experiments[3].arms[1].model.max_history",
            "invalid type",
        ),
        (
            "rerank",
            serde_json::json!([1]),
            "experiments[3].arms[1].rerank",
            "invalid type",
        ),
        (
            "colour",
            serde_json::json!("red"),
            "experiments[3].arms[1].colour",
            "unknown field",
        ),
    ] {
        let mut doc = with_ranking_experiment();
        doc["experiments"][3]["arms"][1][field] = value.clone();
        let err = error_for(&doc);
        assert_eq!(err.path, path, "{field}={value}: {err}");
        assert!(err.message.contains(needle), "{field}={value}: {err}");
    }
}

#[test]
fn goals_are_identifiers_declared_once() {
    for (goals, path) in [
        (serde_json::json!(["Purchase"]), "events.goals[0]"),
        (
            serde_json::json!(["purchase", "purchase"]),
            "events.goals[1]",
        ),
        (serde_json::json!([""]), "events.goals[0]"),
        (serde_json::json!("purchase"), "events.goals"),
    ] {
        let mut doc = demo();
        doc["events"]["goals"] = goals.clone();
        assert_eq!(error_for(&doc).path, path, "{goals}");
    }
    let mut doc = demo();
    doc["events"]["goals"] =
        serde_json::json!((0..33).map(|i| format!("g{i}")).collect::<Vec<_>>());
    assert!(error_for(&doc).message.contains("at most 32"));
}

#[test]
fn the_version_is_a_digest_of_the_documents_bytes() {
    let bytes = tailor_demo::CONFIG_JSON.as_bytes();
    let config = Config::from_json(bytes).unwrap();
    let version = config.version().to_owned();
    assert_eq!(version.len(), 12);
    assert!(version
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    assert_eq!(Config::from_json(bytes).unwrap().version(), version);
    // The same settings written differently are another document, so another version.
    let respaced = format!("{} ", tailor_demo::CONFIG_JSON);
    assert_ne!(
        Config::from_json(respaced.as_bytes()).unwrap().version(),
        version
    );
    let mut doc = demo();
    doc["debug_token"] = serde_json::json!("another-debug-token");
    let changed = Config::from_json(doc.to_string().as_bytes()).unwrap();
    assert_ne!(changed.version(), version);
}

#[test]
fn a_value_of_the_wrong_type_is_named_by_its_path() {
    let mut doc = demo();
    doc["variants"]["preview"]["width"] = serde_json::json!("wide");
    let err = error_for(&doc);
    assert_eq!(err.path, "variants.preview.width");
    assert!(err.message.contains("invalid type"), "{err}");
}
