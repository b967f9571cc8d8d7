//! Banners: the view model built from recommended items, and its HTML and JSON renderings.

mod escape;

pub use escape::{escape_html, html_environment};

use crate::config::{Config, Slot};
use crate::recs::Item;
use serde::Serialize;

/// One item as a template or JSON client sees it: URLs ready to use.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BannerItem {
    pub id: String,
    pub title: String,
    pub url: String,
    pub image: String,
    pub srcset: String,
    pub category: String,
    pub score: f64,
}

/// A rendered-to-be banner for one slot and segment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Banner {
    pub segment: String,
    pub slot: String,
    pub items: Vec<BannerItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template '{template}' failed: {message}")]
pub struct RenderError {
    pub template: String,
    pub message: String,
}

impl Banner {
    pub fn new(
        config: &Config,
        segment: &str,
        slot_name: &str,
        slot: &Slot,
        items: &[&Item],
    ) -> Self {
        let items = items
            .iter()
            .map(|item| banner_item(config, slot, item))
            .collect();
        Self {
            segment: segment.into(),
            slot: slot_name.into(),
            items,
        }
    }

    /// Renders with the named template; every interpolation is HTML-escaped by the environment.
    pub fn render_html(&self, config: &Config, template: &str) -> Result<String, RenderError> {
        let fail = |e: minijinja::Error| RenderError {
            template: template.into(),
            message: e.to_string(),
        };
        let compiled = config
            .banners
            .templates
            .get_template(template)
            .map_err(fail)?;
        compiled
            .render(minijinja::Value::from(minijinja::value::Serde(self)))
            .map_err(fail)
    }
}

fn banner_item(config: &Config, slot: &Slot, item: &Item) -> BannerItem {
    let src = |variant: &str| format!("/img/{variant}/{}", item.image);
    // srcset lists every variant at least as wide as the slot's, so a 2x screen can pick one.
    let slot_width = config
        .variants
        .get(&slot.image_variant)
        .map_or(0, |v| v.width);
    let mut widths: Vec<(&String, u32)> = config
        .variants
        .iter()
        .filter(|(_, v)| v.width >= slot_width)
        .map(|(name, v)| (name, v.width))
        .collect();
    widths.sort_by_key(|&(_, w)| w);
    let srcset = widths
        .iter()
        .map(|(name, w)| format!("{} {w}w", src(name)))
        .collect::<Vec<_>>()
        .join(", ");
    BannerItem {
        id: item.id.clone(),
        title: item.title.clone(),
        url: safe_link(&item.url),
        image: src(&slot.image_variant),
        srcset,
        category: item.category.clone(),
        score: item.score,
    }
}

/// Links from a catalogue are data, not code: only site-relative and http(s) URLs survive.
fn safe_link(url: &str) -> String {
    let lower = url.trim().to_ascii_lowercase();
    let relative = url.starts_with('/') && !url.starts_with("//");
    if relative || lower.starts_with("https://") || lower.starts_with("http://") {
        url.trim().into()
    } else {
        "#".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(title: &str, url: &str) -> Item {
        Item {
            id: "i1".into(),
            title: title.into(),
            url: url.into(),
            image: "photos/a.jpg".into(),
            category: "shoes".into(),
            score: 1.0,
        }
    }

    #[test]
    fn titles_are_escaped_and_script_links_dropped() {
        let config = Config::bundled().unwrap();
        let slot = &config.banners.slots["hero"];
        let evil = item(
            "<script>alert(1)</script>\" onload=\"x",
            "javascript:alert(1)",
        );
        let banner = Banner::new(&config, "desktop", "hero", slot, &[&evil]);
        let html = banner.render_html(&config, "cards").unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("\" onload=\""), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn images_point_at_variants_with_a_srcset() {
        let config = Config::bundled().unwrap();
        let slot = &config.banners.slots["hero"];
        let banner = Banner::new(&config, "desktop", "hero", slot, &[&item("Shoe", "/p/1")]);
        let first = &banner.items[0];
        assert_eq!(first.image, "/img/preview/photos/a.jpg");
        assert_eq!(
            first.srcset,
            "/img/preview/photos/a.jpg 500w, /img/full/photos/a.jpg 2048w"
        );
    }

    #[test]
    fn safe_link_keeps_relative_and_http_links_only() {
        assert_eq!(safe_link("/p/1"), "/p/1");
        assert_eq!(
            safe_link("https://shop.example/p/1"),
            "https://shop.example/p/1"
        );
        assert_eq!(safe_link("//evil.example"), "#");
        assert_eq!(safe_link(" JavaScript:alert(1)"), "#");
        assert_eq!(safe_link("data:text/html,x"), "#");
    }
}
