//! The banner as a template sees it: a MiniJinja value built field by field. Not through
//! MiniJinja's serde bridge: that sets a flag in a thread-local static for each conversion, and
//! in a Fastly instance that static is on a page of the build-time snapshot, which the write
//! then copies on every banner (see `tailor-fastly`'s `fresh_heap.rs`). The same value as the
//! bridge makes of the `Serialize` form (a test compares them), so JSON and templates agree.

use super::{Banner, BannerItem};
use minijinja::value::{Enumerator, Object};
use minijinja::Value;
use std::sync::Arc;

/// A struct's fields in declaration order, as MiniJinja's serde bridge presents a struct.
#[derive(Debug)]
struct Fields(Vec<(&'static str, Value)>);

impl Object for Fields {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        self.get_value_by_str(key.as_str()?)
    }

    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        self.0
            .iter()
            .find_map(|(name, value)| (*name == key).then(|| value.clone()))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.0.iter().map(|(name, _)| Value::from(*name)).collect())
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.0.len())
    }
}

fn map<const N: usize>(fields: [(&'static str, Value); N]) -> Value {
    Value::from_object(Fields(fields.into()))
}

impl Banner {
    /// The template context: `segment`, `slot` and `items`, each item with every field of
    /// [`BannerItem`].
    pub(super) fn template_context(&self) -> Value {
        let items: Vec<Value> = self.items.iter().map(item_value).collect();
        map([
            ("segment", Value::from(self.segment.as_str())),
            ("slot", Value::from(self.slot.as_str())),
            ("items", Value::from(items)),
        ])
    }
}

fn item_value(item: &BannerItem) -> Value {
    let BannerItem {
        id,
        title,
        url,
        image,
        srcset,
        category,
        score,
        boosted,
    } = item;
    map([
        ("id", Value::from(id.as_str())),
        ("title", Value::from(title.as_str())),
        ("url", Value::from(url.as_str())),
        ("image", Value::from(image.as_str())),
        ("srcset", Value::from(srcset.as_str())),
        ("category", Value::from(category.as_str())),
        ("score", Value::from(*score)),
        ("boosted", Value::from(*boosted)),
    ])
}

#[cfg(test)]
mod tests {
    use super::super::ImageLinks;
    use super::*;
    use crate::recs::{Item, Ranked};

    #[test]
    fn the_context_is_the_value_serde_makes() {
        let item = Item {
            id: "i1".into(),
            title: "<Hat> & \"co\"".into(),
            url: "/p/1".into(),
            image: "photos/a.jpg".into(),
            category: "hats".into(),
            score: 0.25,
            starts: None,
            ends: None,
        };
        let ranked = [
            Ranked {
                item: &item,
                score: 1.5,
                boosted: true,
            },
            Ranked {
                item: &item,
                score: 0.1,
                boosted: false,
            },
        ];
        let links = ImageLinks {
            variant: "preview",
            max_dpr: 2,
        };
        for banner in [
            Banner::new(links, "desktop", "hero", &ranked),
            Banner::new(links, "", "sidebar", &[]),
        ] {
            let bridged = Value::from(minijinja::value::Serde(&banner));
            let built = banner.template_context();
            assert_eq!(built, bridged);
            // The fields in the same order, for templates that walk a banner's or an item's.
            let order = |value: &Value| -> Vec<String> {
                let keys = value.try_iter().into_iter().flatten();
                let items = value.get_attr("items").ok();
                let items = items
                    .iter()
                    .flat_map(|i| i.try_iter().into_iter().flatten());
                keys.chain(items.flat_map(|item| item.try_iter().into_iter().flatten()))
                    .map(|key| key.to_string())
                    .collect()
            };
            assert_eq!(order(&built), order(&bridged));
            assert!(order(&built).len() > 3 || banner.items.is_empty());
        }
    }
}
