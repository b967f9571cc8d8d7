//! Banners: the view model built from recommended items, and its HTML and JSON renderings.

mod context;
mod escape;
mod link;
mod plan;

pub use escape::{
    escape_html, escape_json_for_html, html_environment, needs_builtins, Builtins, Environments,
};
pub use link::safe_link;
pub use plan::Plan;

use crate::recs::{Item, Ranked};
use serde::Serialize;

/// One item as a template or JSON client sees it: URLs ready to use.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BannerItem {
    /// The item's id.
    pub id: String,
    /// What the banner shows; templates escape it.
    pub title: String,
    /// The item's link, or `#` when it is not a safe one (see [`safe_link`]).
    pub url: String,
    /// The picture as the slot's variant: `/img/{variant}/{path}`.
    pub image: String,
    /// `srcset` density descriptors: the image at 1x, and at 2x (`?dpr=2`) when the config
    /// serves it.
    pub srcset: String,
    /// The item's category.
    pub category: String,
    /// The score it was ranked by: published score × the visitor's category boost.
    pub score: f64,
    /// Whether the visitor's recent behaviour raised it.
    pub boosted: bool,
}

/// A rendered-to-be banner for one slot and segment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Banner {
    /// The visitor's segment it was chosen for.
    pub segment: String,
    /// The slot's name, as in the config.
    pub slot: String,
    /// The chosen items, best first.
    pub items: Vec<BannerItem>,
}

/// A banner template that failed to render.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("banners.templates.{template} failed to render: {message}")]
pub struct RenderError {
    /// The template's name.
    pub template: String,
    /// What minijinja reported.
    pub message: String,
}

/// How a banner's pictures are linked: the slot's image variant, and whether 2x renditions
/// are offered (the config's `images.max_dpr` ≥ 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageLinks<'a> {
    /// The named variant the slot's pictures use (`/img/{variant}/{path}`).
    pub variant: &'a str,
    /// The highest dpr the config serves.
    pub max_dpr: u32,
}

impl Banner {
    /// The banner of `ranked` items for one segment and slot.
    pub fn new(
        links: ImageLinks<'_>,
        segment: &str,
        slot_name: &str,
        ranked: &[Ranked<'_>],
    ) -> Self {
        let items = ranked.iter().map(|r| banner_item(links, r)).collect();
        Self {
            segment: segment.into(),
            slot: slot_name.into(),
            items,
        }
    }

    /// Renders with the named template; every interpolation is HTML-escaped by the environment.
    /// A template with a plan renders by it, the same bytes without MiniJinja; others are
    /// tried first without MiniJinja's built-ins (cheaper to set up); a template that calls
    /// one renders again with them, so the output is what a full environment gives.
    pub fn render_html(
        &self,
        templates: &impl Environments,
        template: &str,
    ) -> Result<String, RenderError> {
        if let Some(plan) = templates.plan(template) {
            return Ok(plan.render(self));
        }
        let context = self.template_context();
        let render = |builtins| {
            templates
                .environment(builtins)
                .get_template(template)
                .and_then(|compiled| compiled.render(context.clone()))
        };
        match render(Builtins::Without) {
            Err(e) if needs_builtins(&e) => render(Builtins::With),
            done => done,
        }
        .map_err(|e| RenderError {
            template: template.into(),
            message: e.to_string(),
        })
    }
}

fn banner_item(links: ImageLinks<'_>, ranked: &Ranked<'_>) -> BannerItem {
    let item: &Item = ranked.item;
    let image = crate::image_path::image_url(links.variant, &item.image);
    // Density descriptors: the slot's variant at 1x, and rendered at 2x for dense screens
    // when the config serves 2x at all (`images.max_dpr`).
    let srcset = if links.max_dpr >= 2 {
        format!("{image} 1x, {image}?dpr=2 2x")
    } else {
        format!("{image} 1x")
    };
    BannerItem {
        id: item.id.clone(),
        title: item.title.clone(),
        url: safe_link(&item.url),
        image,
        srcset,
        category: item.category.clone(),
        score: ranked.score,
        boosted: ranked.boosted,
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
            starts: None,
            ends: None,
        }
    }

    const LINKS: ImageLinks<'static> = ImageLinks {
        variant: "preview",
        max_dpr: 2,
    };

    fn templates() -> minijinja::Environment<'static> {
        let mut env = html_environment(10_000, Builtins::With);
        env.add_template(
            "cards",
            r#"{% for item in items %}<a href="{{ item.url }}"><img src="{{ item.image }}" alt="{{ item.title }}">{{ item.title }}</a>{% endfor %}"#,
        )
        .unwrap();
        env
    }

    fn ranked(item: &Item) -> Ranked<'_> {
        Ranked {
            item,
            score: item.score,
            boosted: false,
        }
    }

    #[test]
    fn titles_are_escaped_and_script_links_dropped() {
        let evil = item(
            "<script>alert(1)</script>\" onload=\"x",
            "javascript:alert(1)",
        );
        let banner = Banner::new(LINKS, "desktop", "hero", &[ranked(&evil)]);
        let html = banner.render_html(&templates(), "cards").unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("\" onload=\""), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn images_point_at_variants_with_a_1x_2x_srcset() {
        let shoe = item("Shoe", "/p/1");
        let banner = Banner::new(LINKS, "desktop", "hero", &[ranked(&shoe)]);
        let first = &banner.items[0];
        assert_eq!(first.image, "/img/preview/photos/a.jpg");
        assert_eq!(
            first.srcset,
            "/img/preview/photos/a.jpg 1x, /img/preview/photos/a.jpg?dpr=2 2x"
        );
    }

    /// Two environments holding different templates under one name, so a test can tell which
    /// one rendered.
    struct Pair {
        without: minijinja::Environment<'static>,
        with: minijinja::Environment<'static>,
    }

    impl Environments for Pair {
        fn environment(&self, builtins: Builtins) -> &minijinja::Environment<'static> {
            match builtins {
                Builtins::Without => &self.without,
                Builtins::With => &self.with,
            }
        }
    }

    fn pair(source: &'static str) -> Pair {
        let mut without = html_environment(10_000, Builtins::Without);
        without.add_template("t", source).unwrap();
        let mut with = html_environment(10_000, Builtins::With);
        with.add_template("t", source).unwrap();
        Pair { without, with }
    }

    #[test]
    fn a_template_without_builtins_renders_in_the_lean_environment_only() {
        let mut templates = pair("{% for item in items %}<b>{{ item.title }}</b>{% endfor %}");
        templates.with = html_environment(10_000, Builtins::With);
        let banner = Banner::new(LINKS, "desktop", "hero", &[ranked(&item("<Hat>", "/p"))]);
        assert_eq!(
            banner.render_html(&templates, "t").unwrap(),
            "<b>&lt;Hat&gt;</b>"
        );
    }

    #[test]
    fn a_template_that_uses_builtins_renders_as_a_full_environment_would() {
        let banner = Banner::new(LINKS, "desktop", "hero", &[ranked(&item("<Hat>", "/p"))]);
        for (source, expected) in [
            ("{{ items|length }} {{ slot|upper }}", "1 HERO"),
            (
                "{% if segment is defined %}{{ segment }}{% endif %}",
                "desktop",
            ),
            ("{% for i in range(2) %}{{ i }}{% endfor %}", "01"),
            (
                "{{ items|map(attribute='title')|join(',') }}",
                "&lt;Hat&gt;",
            ),
            ("{{ '<i>'|safe }}{{ '<i>'|e }}", "<i>&lt;i&gt;"),
        ] {
            let html = banner.render_html(&pair(source), "t").unwrap();
            assert_eq!(html, expected, "{source}");
            let full = html_environment(10_000, Builtins::With);
            let context = minijinja::Value::from(minijinja::value::Serde(&banner));
            assert_eq!(full.render_str(source, context).unwrap(), expected);
        }
    }

    #[test]
    fn an_unknown_filter_is_reported_by_the_full_environment() {
        let banner = Banner::new(LINKS, "desktop", "hero", &[]);
        let err = banner
            .render_html(&pair("{{ slot|nosuch }}"), "t")
            .unwrap_err();
        assert_eq!(err.template, "t");
        assert!(err.message.contains("unknown filter"), "{err}");
    }
}
