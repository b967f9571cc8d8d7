//! Reading `/banner.json` bodies in tests: the ids and categories of the items, in order.

/// `field` of every item of a banner body, in order (empty when there are no items).
pub(crate) fn item_field(body: &serde_json::Value, field: &str) -> Vec<String> {
    body["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i[field].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

pub(crate) fn ids(body: &serde_json::Value) -> Vec<String> {
    item_field(body, "id")
}

pub(crate) fn categories(body: &serde_json::Value) -> Vec<String> {
    item_field(body, "category")
}
