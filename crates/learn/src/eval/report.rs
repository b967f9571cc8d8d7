//! Metric accumulation and the two outputs of an evaluation: JSON and a Markdown table.

use serde::Serialize;

/// Metrics of one ranker at one cut-off.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    /// Cut-off: only the top k count.
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
    /// All zero, for cut-off `k`.
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

    /// Turns the sums over `cases` into means, and sets coverage to `distinct` items recommended
    /// out of `catalogue`.
    pub fn finish(&mut self, cases: usize, distinct: usize, catalogue: usize) {
        let n = cases.max(1) as f64;
        self.hr /= n;
        self.mrr /= n;
        self.ndcg /= n;
        self.coverage = distinct as f64 / catalogue.max(1) as f64;
    }
}

/// One ranker's scores, one per cut-off.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankerResult {
    /// The ranker's [`Ranker::name`](super::Ranker::name).
    pub name: String,
    /// One per cut-off, in the order asked for.
    pub scores: Vec<Scores>,
}

/// Every ranker's scores on one protocol.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Protocol name, as given to [`evaluate`](super::evaluate).
    pub protocol: String,
    /// Test cases evaluated.
    pub cases: usize,
    /// Items in the catalogue (coverage's denominator).
    pub catalogue_items: usize,
    /// One per ranker, in the order run.
    pub rankers: Vec<RankerResult>,
}

impl Report {
    /// Pretty-printed JSON (empty if serialising fails).
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
