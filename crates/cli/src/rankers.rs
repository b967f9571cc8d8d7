//! The edge's ranking policies as tailor-learn rankers, so `tailor eval` measures exactly
//! the code a banner runs: `model` is `tailor_core::recs::rank` over the trained blob, and
//! `category-rerank` is the category re-rank the edge uses without a model, applied to the
//! same model's segment list. Evaluation excludes every item the visitor saw, and there is
//! no category cap (it is a banner layout rule, not a relevance one).

use std::collections::HashMap;
use tailor_core::identity::HistoryEntry;
use tailor_core::recs::{self, Item, RankRules, RerankSettings};
use tailor_learn::eval::Ranker;
use tailor_model::{HistoryItem, InteractionKind, Model, ScoreSettings};

/// No date windows in evaluation data: any time will do.
const NOW_S: i64 = 0;

pub(crate) struct EdgeModel {
    pub bytes: Vec<u8>,
    pub segment: String,
    pub settings: ScoreSettings,
}

impl Ranker for EdgeModel {
    fn name(&self) -> &str {
        "model (edge rank)"
    }

    fn rank(&self, history: &[HistoryItem<'_>], exclude: &[String], k: usize) -> Vec<String> {
        let Ok(view) = Model::open(&self.bytes) else {
            return Vec::new();
        };
        let skip: Vec<&str> = exclude.iter().map(String::as_str).collect();
        let rules = RankRules {
            score: &self.settings,
            max_per_category: usize::MAX,
        };
        recs::rank(&[view], &self.segment, history, NOW_S, k, rules, &skip)
            .into_iter()
            .map(|p| p.item.id)
            .collect()
    }
}

/// The segment list re-ranked by the categories of the visitor's history.
pub(crate) struct CategoryRerank {
    items: Vec<Item>,
    categories: HashMap<String, String>,
    settings: RerankSettings,
}

impl CategoryRerank {
    pub(crate) fn new(bytes: &[u8], segment: &str) -> Self {
        let mut items = Vec::new();
        let mut categories = HashMap::new();
        if let Ok(view) = Model::open(bytes) {
            for (index, score) in view.segment(segment).iter().flat_map(|l| l.iter()) {
                let Some(item) = view.summary(index) else {
                    continue;
                };
                categories.insert(item.id.to_owned(), item.category.to_owned());
                items.push(Item {
                    id: item.id.to_owned(),
                    title: String::new(),
                    url: String::new(),
                    image: String::new(),
                    category: item.category.to_owned(),
                    score: f64::from(score),
                    starts: None,
                    ends: None,
                });
            }
        }
        Self {
            items,
            categories,
            settings: RerankSettings {
                max_per_category: usize::MAX,
                ..RerankSettings::default()
            },
        }
    }
}

impl Ranker for CategoryRerank {
    fn name(&self) -> &str {
        "category-rerank"
    }

    fn rank(&self, history: &[HistoryItem<'_>], exclude: &[String], k: usize) -> Vec<String> {
        let entries: Vec<HistoryEntry> = history
            .iter()
            .map(|h| HistoryEntry {
                item: h.item.to_owned(),
                category: self.categories.get(h.item).cloned().unwrap_or_default(),
                kind: if h.kind == InteractionKind::Click {
                    'c'
                } else {
                    'v'
                },
                at_s: None,
            })
            .collect();
        let skip: Vec<&str> = exclude.iter().map(String::as_str).collect();
        recs::rerank(&self.items, &entries, NOW_S, k, &self.settings, &skip)
            .into_iter()
            .map(|r| r.item.id.clone())
            .collect()
    }
}
