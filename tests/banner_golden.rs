//! Golden tests for rendered banners: every demo template in both slots, and the JSON item
//! shape, from a fixed item list (with a hostile title and a `javascript:` link). Set
//! `TAILOR_BLESS=1` to rewrite the golden files after an intended change, then review the diff.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use tailor_config::Config;
use tailor_core::banner::{Banner, Environments};
use tailor_core::identity::HistoryEntry;
use tailor_core::recs::{parse_list, rerank, RecList};

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn items() -> RecList {
    parse_list(
        &std::fs::read(golden_dir().join("items.json")).unwrap(),
        1 << 20,
    )
    .unwrap()
}

fn check(name: &str, actual: &str) {
    let path = golden_dir().join(name);
    if std::env::var_os("TAILOR_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing {name}; run with TAILOR_BLESS=1 to create it"));
    assert!(
        expected == actual,
        "{name} changed:\n--- expected\n{expected}\n--- actual\n{actual}\n(TAILOR_BLESS=1 rewrites it)"
    );
}

fn banner(config: &Config, slot: &str, history: &[HistoryEntry]) -> Banner {
    let list = items();
    let settings = &config.recs.rerank;
    let slot_config = &config.banners.slots[slot];
    let ranked = rerank(
        &list.items,
        history,
        0,
        slot_config.max_items,
        settings,
        &[],
    );
    Banner::new(config.image_links(slot_config), "desktop", slot, &ranked)
}

#[test]
fn every_template_renders_as_recorded() {
    let config = Config::from_json(tailor_demo::CONFIG_JSON.as_bytes()).unwrap();
    let templates = ["cards", "cards-big", "compact", "text"];
    for template in templates {
        // Each has the plain shape: it renders by its plan, and these files were recorded
        // when MiniJinja rendered them.
        assert!(
            config.banners.templates.plan(template).is_some(),
            "{template}"
        );
        for slot in ["hero", "sidebar"] {
            let html = banner(&config, slot, &[])
                .render_html(&config.banners.templates, template)
                .unwrap();
            check(&format!("{template}-{slot}.html"), &format!("{html}\n"));
        }
    }
}

#[test]
fn a_clicked_category_leads_the_rendered_banner() {
    let config = Config::from_json(tailor_demo::CONFIG_JSON.as_bytes()).unwrap();
    let history = [HistoryEntry {
        item: "sku-999".into(),
        category: "shoes".into(),
        kind: 'c',
        at_s: None,
    }];
    let html = banner(&config, "hero", &history)
        .render_html(&config.banners.templates, "cards")
        .unwrap();
    check("cards-hero-after-shoes-click.html", &format!("{html}\n"));
}

#[test]
fn the_json_items_are_as_recorded() {
    let config = Config::from_json(tailor_demo::CONFIG_JSON.as_bytes()).unwrap();
    let banner = banner(&config, "hero", &[]);
    let json = serde_json::to_string_pretty(&banner.items).unwrap();
    check("items-hero.json", &format!("{json}\n"));
}
