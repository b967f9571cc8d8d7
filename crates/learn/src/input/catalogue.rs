//! The catalogue the model may recommend from: JSONL or CSV of
//! `id,title,url,image,category[,starts,ends]`, or Tailor's list JSON
//! (`{"segment": …, "items": [...]}`). Without one, a catalogue is derived from the ids
//! the interactions name (titles and urls then are the ids).

use super::{lines, time, Stats};
use crate::LearnError;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use tailor_model::ItemSpec;

/// Takes one parsed row (or why it failed) at a line number.
type AddRow<'f> = dyn FnMut(u64, Result<Row, String>, &mut Stats) + 'f;

/// Items by index, with an id index.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    items: Vec<ItemSpec>,
    index: HashMap<String, u32>,
}

#[derive(Deserialize)]
struct Row {
    id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    image: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    starts: Option<serde_json::Value>,
    #[serde(default)]
    ends: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct ListFile {
    items: Vec<Row>,
}

fn date(value: Option<&serde_json::Value>) -> Result<Option<i64>, String> {
    let ms = match value {
        None | Some(serde_json::Value::Null) => return Ok(None),
        Some(serde_json::Value::Number(n)) => n.as_f64().and_then(time::from_number),
        Some(serde_json::Value::String(s)) if s.is_empty() => return Ok(None),
        Some(serde_json::Value::String(s)) => time::from_text(s),
        Some(_) => None,
    };
    ms.map(|ms| Some(ms.div_euclid(1000)))
        .ok_or_else(|| "starts/ends must be RFC 3339 or Unix seconds".into())
}

impl Row {
    fn into_spec(self) -> Result<ItemSpec, String> {
        if self.id.is_empty() || self.id.len() > 64 {
            return Err(format!("item id '{}' must be 1-64 bytes", self.id));
        }
        Ok(ItemSpec {
            starts: date(self.starts.as_ref())?,
            ends: date(self.ends.as_ref())?,
            id: self.id,
            title: self.title,
            url: self.url,
            image: self.image,
            category: self.category,
        })
    }
}

impl Catalogue {
    /// All items, by index.
    pub fn items(&self) -> &[ItemSpec] {
        &self.items
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Index of the item with this id.
    pub fn index_of(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }

    /// The item at `index`.
    pub fn item(&self, index: u32) -> Option<&ItemSpec> {
        self.items.get(usize::try_from(index).ok()?)
    }

    /// Adds an item; a repeated id keeps the first. Returns its index.
    pub fn push(&mut self, item: ItemSpec) -> Option<u32> {
        if let Some(&index) = self.index.get(&item.id) {
            return Some(index);
        }
        let index = u32::try_from(self.items.len()).ok()?;
        self.index.insert(item.id.clone(), index);
        self.items.push(item);
        Some(index)
    }

    /// Adds an item known only by id (a derived catalogue).
    pub fn push_id(&mut self, id: &str, category: Option<&str>) -> Option<u32> {
        if let Some(&index) = self.index.get(id) {
            return Some(index);
        }
        self.push(ItemSpec {
            id: id.to_owned(),
            title: id.to_owned(),
            url: format!("/p/{id}"),
            image: String::new(),
            category: category.unwrap_or("default").to_owned(),
            starts: None,
            ends: None,
        })
    }

    /// Reads a catalogue file in any of the accepted formats (told apart by content).
    pub fn read(path: &Path) -> Result<(Self, Stats), LearnError> {
        let name = path.display().to_string();
        let mut reader = lines::open(path, lines::DEFAULT_MAX_LINE_BYTES)?;
        let mut text_lines = Vec::new();
        while let Some((number, line)) = reader.next_line().map_err(|e| LearnError::io(path, e))? {
            text_lines.push((number, line));
        }
        Ok(Self::parse(&name, text_lines))
    }

    /// Parses numbered lines: JSONL when the first line is an object with an `id`, the
    /// list JSON when the text as a whole is one, CSV with a header otherwise.
    pub fn parse(name: &str, numbered: Vec<(u64, lines::Line)>) -> (Self, Stats) {
        let mut stats = Stats::default();
        let mut texts = Vec::with_capacity(numbered.len());
        for (number, line) in numbered {
            stats.lines += 1;
            match line {
                lines::Line::Text(text) if text.trim().is_empty() => {}
                lines::Line::Text(text) => texts.push((number, text)),
                lines::Line::TooLong => stats.too_long += 1,
                lines::Line::NotUtf8 => stats.problem(name, number, "not UTF-8"),
            }
        }
        let first = texts.first().map(|(_, t)| t.trim_start()).unwrap_or("");
        let mut catalogue = Self::default();
        let mut add = |number: u64, row: Result<Row, String>, stats: &mut Stats| match row
            .and_then(Row::into_spec)
        {
            Ok(spec) => {
                catalogue.push(spec);
            }
            Err(detail) => stats.problem(name, number, &detail),
        };
        if first.starts_with('{') && serde_json::from_str::<Row>(first).is_ok() {
            for (number, text) in &texts {
                add(
                    *number,
                    serde_json::from_str(text).map_err(|e| e.to_string()),
                    &mut stats,
                );
            }
        } else if first.starts_with('{') {
            let whole: String = texts
                .iter()
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            match serde_json::from_str::<ListFile>(&whole) {
                Ok(list) => list
                    .items
                    .into_iter()
                    .for_each(|r| add(1, Ok(r), &mut stats)),
                Err(e) => stats.problem(name, e.line() as u64, &e.to_string()),
            }
        } else {
            Self::parse_csv(name, &texts, &mut stats, &mut add);
        }
        (catalogue, stats)
    }

    fn parse_csv(name: &str, texts: &[(u64, String)], stats: &mut Stats, add: &mut AddRow<'_>) {
        let Some(((_, head), rows)) = texts.split_first() else {
            return;
        };
        let names = super::import::fields(head);
        let at = |n: &str| names.iter().position(|h| h.trim() == n);
        let Some(id_at) = at("id") else {
            stats.problem(
                name,
                1,
                "a CSV catalogue needs a header with an 'id' column",
            );
            return;
        };
        for (number, text) in rows {
            let fields = super::import::fields(text);
            let get = |n: &str| {
                at(n)
                    .and_then(|i| fields.get(i))
                    .cloned()
                    .unwrap_or_default()
            };
            let json = |n: &str| Some(serde_json::Value::String(get(n)));
            let row = Row {
                id: fields.get(id_at).cloned().unwrap_or_default(),
                title: get("title"),
                url: get("url"),
                image: get("image"),
                category: get("category"),
                starts: json("starts"),
                ends: json("ends"),
            };
            add(*number, Ok(row), stats);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::lines::Line;

    fn numbered(text: &str) -> Vec<(u64, Line)> {
        text.lines()
            .enumerate()
            .map(|(i, l)| (i as u64 + 1, Line::Text(l.into())))
            .collect()
    }

    #[test]
    fn all_three_formats_read() {
        let jsonl = "{\"id\":\"a\",\"title\":\"A\",\"category\":\"x\",\"ends\":\"2026-01-01T00:00:00Z\"}\n{\"id\":\"\"}";
        let (c, stats) = Catalogue::parse("c.jsonl", numbered(jsonl));
        assert_eq!(c.len(), 1);
        assert_eq!(c.items()[0].ends, Some(1_767_225_600));
        assert_eq!(stats.malformed, 1);
        assert!(stats.problems[0].starts_with("c.jsonl:2:"));
        let csv = "id,title,url,image,category,starts,ends\nb,\"B, big\",/p/b,b.jpg,y,,\n";
        let (c, _) = Catalogue::parse("c.csv", numbered(csv));
        assert_eq!(c.items()[0].title, "B, big");
        assert_eq!(c.index_of("b"), Some(0));
        let list = "{\n\"segment\": \"s\",\n\"items\": [{\"id\":\"c\",\"title\":\"C\",\"url\":\"/p/c\",\"image\":\"i\",\"category\":\"z\",\"score\":1.5}]}";
        let (c, stats) = Catalogue::parse("list.json", numbered(list));
        assert_eq!((c.len(), stats.malformed), (1, 0));
    }
}
