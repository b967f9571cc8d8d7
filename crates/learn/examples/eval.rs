//! Evaluates the popularity and model rankers on an interaction file (import CSV/JSONL or
//! Tailor's event log) with leave-last-out, and optionally session next-item:
//!
//! ```sh
//! scripts/fetch-movielens.sh
//! cargo run --release -p tailor-learn --example eval -- data/ml-100k/interactions.csv \
//!     [--session 0.2] [--shards 16] [--json report.json] [--markdown report.md]
//! ```

use std::path::PathBuf;
use tailor_learn::eval::{leave_last_out, run, session_next_item};
use tailor_learn::input::lines::DEFAULT_MAX_LINE_BYTES;
use tailor_learn::train::{ingest, TrainSettings};
use tailor_model::ScoreSettings;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(data) = args.first().map(PathBuf::from) else {
        return Err(
            "usage: eval <interactions> [--session FRACTION] [--json FILE] [--markdown FILE]"
                .into(),
        );
    };
    let option = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let (interactions, stats) = ingest::read_interactions(&data, DEFAULT_MAX_LINE_BYTES)?;
    eprintln!(
        "read {} interactions ({} malformed)",
        interactions.len(),
        stats.malformed
    );
    let catalogue = run::catalogue_of(&interactions);
    let train = TrainSettings {
        session_gap_s: 0,
        ..TrainSettings::default()
    };
    let score = ScoreSettings::default();
    let split = leave_last_out(&interactions, 12);
    let shards = option("--shards")
        .and_then(|s| s.parse::<u32>().ok())
        .unwrap_or(1);
    let mut reports = vec![run::run_sharded(
        "leave-last-out",
        &split,
        &catalogue,
        &train,
        &score,
        shards,
    )?];
    if let Some(fraction) = option("--session").and_then(|f| f.parse::<f64>().ok()) {
        let split = session_next_item(&interactions, fraction, 1800, true, 12);
        reports.push(run::run(
            "session next-item",
            &split,
            &catalogue,
            &TrainSettings::default(),
            &score,
        )?);
    }
    let markdown: String = reports.iter().map(|r| r.to_markdown() + "\n").collect();
    print!("{markdown}");
    if let Some(path) = option("--markdown") {
        std::fs::write(path, &markdown)?;
    }
    if let Some(path) = option("--json") {
        let json: Vec<_> = reports
            .iter()
            .map(|r| serde_json::to_value(r).unwrap_or_default())
            .collect();
        std::fs::write(path, serde_json::to_string_pretty(&json)?)?;
    }
    Ok(())
}
