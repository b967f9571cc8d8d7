//! Metric accumulation and the two outputs of an evaluation: JSON and a Markdown table.

use serde::Serialize;

/// Metrics of one ranker at one cut-off.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    pub k: usize,
    /// Share of cases whose target is in the top k.
    pub hr: f64,
    /// Mean reciprocal rank of the target (0 past k).
    pub mrr: f64,
    /// Mean 1 / log2(rank + 1) (one relevant item, so ideal DCG is 1).
    pub ndcg: f64,
    /// Share of the catalogue recommended to anyone in a top k.
    pub coverage: f64,
}

impl Scores {
    pub fn new(k: usize) -> Self {
        Self {
            k,
            hr: 0.0,
            mrr: 0.0,
            ndcg: 0.0,
            coverage: 0.0,
        }
    }

    /// Adds a case whose target was at `rank` (0-based) or not found.
    pub fn add(&mut self, rank: Option<usize>) {
        if let Some(rank) = rank.filter(|&r| r < self.k) {
            self.hr += 1.0;
            self.mrr += 1.0 / (rank + 1) as f64;
            self.ndcg += 1.0 / ((rank + 2) as f64).log2();
        }
    }

    pub fn finish(&mut self, cases: usize, distinct: usize, catalogue: usize) {
        let n = cases.max(1) as f64;
        self.hr /= n;
        self.mrr /= n;
        self.ndcg /= n;
        self.coverage = distinct as f64 / catalogue.max(1) as f64;
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankerResult {
    pub name: String,
    pub scores: Vec<Scores>,
}

/// Every ranker's scores on one protocol.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub protocol: String,
    pub cases: usize,
    pub catalogue_items: usize,
    pub rankers: Vec<RankerResult>,
}

impl Report {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// One row per ranker and cut-off.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "{} — {} cases, {} items\n\n| ranker | k | HR | MRR | NDCG | coverage |\n|---|---:|---:|---:|---:|---:|\n",
            self.protocol, self.cases, self.catalogue_items
        );
        for ranker in &self.rankers {
            for s in &ranker.scores {
                out.push_str(&format!(
                    "| {} | {} | {:.4} | {:.4} | {:.4} | {:.3} |\n",
                    ranker.name, s.k, s.hr, s.mrr, s.ndcg, s.coverage
                ));
            }
        }
        out
    }

    /// The scores of ranker `name` at `k`.
    pub fn get(&self, name: &str, k: usize) -> Option<&Scores> {
        self.rankers
            .iter()
            .find(|r| r.name == name)?
            .scores
            .iter()
            .find(|s| s.k == k)
    }
}
