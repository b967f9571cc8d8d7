//! Small specifications shared by the test suites.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use tailor_model::{ItemSpec, ModelSpec, SegmentSpec};

pub(crate) fn item(id: &str, category: &str) -> ItemSpec {
    ItemSpec {
        id: id.into(),
        title: format!("Title of {id}"),
        url: format!("/p/{id}"),
        image: format!("photos/{id}.jpg"),
        category: category.into(),
        starts: None,
        ends: None,
    }
}

/// Six items; `d` is most popular, `a`'s neighbours are b then c, `b`'s are c then a.
pub(crate) fn small() -> ModelSpec {
    let mut items: Vec<ItemSpec> = ["c", "a", "e", "b", "d", "f"]
        .iter()
        .map(|id| item(id, if *id < "d" { "x" } else { "y" }))
        .collect();
    items[2].starts = Some(100);
    items[2].ends = Some(200);
    let index = |id: &str| items.iter().position(|i| i.id == id).unwrap() as u32;
    let (a, b, c, d, e, f) = (
        index("a"),
        index("b"),
        index("c"),
        index("d"),
        index("e"),
        index("f"),
    );
    let mut neighbours = vec![Vec::new(); items.len()];
    neighbours[a as usize] = vec![(c, 0.5), (b, 1.0)];
    neighbours[b as usize] = vec![(c, 1.0), (a, 0.25)];
    neighbours[c as usize] = vec![(f, 1.0)];
    ModelSpec {
        version: "v-test".into(),
        segments: vec![
            SegmentSpec {
                name: "mobile".into(),
                entries: vec![(d, 10.0), (e, 8.0), (a, 5.0), (f, 1.0)],
            },
            SegmentSpec {
                name: "desktop".into(),
                entries: vec![(e, 3.0), (d, 4.0)],
            },
        ],
        neighbours,
        items,
    }
}
