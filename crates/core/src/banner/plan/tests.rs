use super::*;
use crate::banner::{html_environment, Builtins, ImageLinks};
use crate::recs::{Item, Ranked};

fn item(id: &str, title: &str, category: &str) -> Item {
    Item {
        id: id.into(),
        title: title.into(),
        url: format!("/p/{id}?a=1&b=\"2\""),
        image: format!("photos/{id}.jpg"),
        category: category.into(),
        score: 0.5,
        starts: None,
        ends: None,
    }
}

/// Banners of 0, 1 and 3 items with markup, quotes and multibyte text in every field.
fn banners() -> Vec<Banner> {
    let items = [
        item("a1", "<b>Hat</b> & \"co\" 'x'", "hats"),
        item("b2", "Schöne Grüße — 日本 😀", "<cat>"),
        item("c3", "{{ not a tag }} {% nor this %}", "a&b"),
    ];
    let ranked: Vec<Ranked<'_>> = items
        .iter()
        .map(|item| Ranked {
            item,
            score: 1.25,
            boosted: true,
        })
        .collect();
    let links = ImageLinks {
        variant: "preview",
        max_dpr: 2,
    };
    vec![
        Banner::new(links, "desktop", "hero", &[]),
        Banner::new(links, "<seg>", "side\"bar", &ranked[..1]),
        Banner::new(links, "dach", "hero", &ranked),
    ]
}

fn rendered_by_minijinja(source: &str, banner: &Banner) -> Option<String> {
    let mut env = html_environment(100_000, Builtins::With);
    env.add_template("t", source).ok()?;
    env.get_template("t")
        .ok()?
        .render(banner.template_context())
        .ok()
}

/// Every template made of up to four pieces, from text with stray braces, the names a plan
/// knows and some it does not, loops, other statements and whitespace control.
fn templates() -> Vec<String> {
    let pieces = [
        "<a href=\"x\">",
        "{ } % # }} %}",
        "é\n",
        "{{ segment }}",
        "{{slot}}",
        "{{ item.title }}",
        "{{  item.url  }}",
        "{{ item.srcset }}{{ item.image }}{{ item.id }}{{ item.category }}",
        "{{ item.score }}",
        "{{ item.boosted }}",
        "{{ item.missing }}",
        "{{ item['title'] }}",
        "{{ segment|upper }}",
        "{{- slot }}",
        "{% for item in items %}",
        "{%for  item  in  items%}",
        "{% endfor %}",
        "{% for item in items if item.boosted %}",
        "{% if segment %}x{% endif %}",
        "{# note #}",
        "{{ loop.index }}",
    ];
    let mut out = vec![String::new()];
    for a in pieces {
        out.push(a.to_owned());
        for b in pieces {
            out.push(format!("{a}{b}"));
            for c in pieces {
                out.push(format!("{a}{b}{c}"));
                out.push(format!("{a}{{% for item in items %}}{b}{c}{{% endfor %}}"));
            }
        }
    }
    out
}

#[test]
fn a_plan_renders_what_minijinja_renders() {
    let banners = banners();
    let (mut planned, mut total) = (0, 0);
    for source in templates() {
        total += 1;
        let Some(plan) = Plan::of(&source) else {
            continue;
        };
        planned += 1;
        for banner in &banners {
            let expected = rendered_by_minijinja(&source, banner);
            assert_eq!(Some(plan.render(banner)), expected, "{source:?}");
        }
    }
    // The comparison covers plenty of each kind.
    assert!(
        planned > 400 && total - planned > 10_000,
        "{planned} of {total}"
    );
}

#[test]
fn only_the_plain_shape_has_a_plan() {
    let plain = "<ul data-s=\"{{ segment }}\">{% for item in items %}<li>{{ item.title }} {{ slot }}</li>{% endfor %}</ul>";
    assert!(Plan::of(plain).is_some());
    for other in [
        "{{ item.title }}",
        "{% for item in items %}{{ item.title }}",
        "{% for item in items %}{% endfor %}{% for item in items %}{% endfor %}",
        "{% for item in items %}{% for item in items %}{% endfor %}{% endfor %}",
        "{{ item.score }}",
        "{{ segment }}\n",
        "{{ segment -}}",
        "{#- x -#}",
        "{{ segment",
        "{% include 'x' %}",
        "{% raw %}{{ x }}{% endraw %}",
    ] {
        assert_eq!(Plan::of(other), None, "{other}");
    }
}
