//! Chooses training and inference defaults on validation data only: each visitor's last
//! interaction is set aside untouched, the one before it is the validation target, and
//! settings are changed one at a time (two rounds) by validation NDCG@10. Prints the
//! sensitivity table and the chosen settings; the test split is scored once at the end.
//!
//! ```sh
//! cargo run --release -p tailor-learn --example tune -- data/ml-100k/interactions.csv
//! ```

use std::path::PathBuf;
use tailor_learn::eval::{leave_last_out, run, tail_validation};
use tailor_learn::input::lines::DEFAULT_MAX_LINE_BYTES;
use tailor_learn::train::{ingest, TrainSettings};
use tailor_model::ScoreSettings;

type Knob = (
    &'static str,
    &'static [f64],
    fn(&mut (TrainSettings, ScoreSettings), f64),
);

const KNOBS: [Knob; 8] = [
    ("window", &[2.0, 3.0, 5.0, 10.0, 20.0], |s, v| {
        s.0.window = v as usize
    }),
    ("backward_weight", &[0.0, 0.25, 0.5, 1.0], |s, v| {
        s.0.backward_weight = v
    }),
    (
        "popularity_damping",
        &[0.0, 0.25, 0.5, 0.75, 1.0],
        |s, v| s.0.popularity_damping = v,
    ),
    ("normalize_rows", &[0.0, 1.0], |s, v| {
        s.0.normalize_rows = v > 0.5
    }),
    ("neighbours", &[10.0, 20.0, 50.0], |s, v| {
        s.0.neighbours = v as usize
    }),
    ("half_life_days", &[0.0, 30.0, 90.0], |s, v| {
        s.0.half_life_days = v
    }),
    ("position_decay", &[0.5, 0.7, 0.8, 0.9, 1.0], |s, v| {
        s.1.position_decay = v as f32
    }),
    ("segment_weight", &[0.0, 0.05, 0.1, 0.3, 1.0], |s, v| {
        s.1.segment_weight = v as f32
    }),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let data = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .ok_or("usage: tune <interactions>")?;
    let (interactions, _) = ingest::read_interactions(&data, DEFAULT_MAX_LINE_BYTES)?;
    let catalogue = run::catalogue_of(&interactions);
    let test = leave_last_out(&interactions, 12);
    let validation = tail_validation(&test.train, 5, 12);
    let mut best = (
        TrainSettings {
            session_gap_s: 0,
            ..TrainSettings::default()
        },
        ScoreSettings::default(),
    );
    let measure =
        |s: &(TrainSettings, ScoreSettings)| -> Result<(f64, f64), Box<dyn std::error::Error>> {
            let report = run::run("validation", &validation, &catalogue, &s.0, &s.1)?;
            let scores = report.get("model", 10).ok_or("no scores")?;
            Ok((scores.ndcg, scores.hr))
        };
    let mut best_ndcg = measure(&best)?.0;
    println!("| round | setting | value | validation HR@10 | validation NDCG@10 |\n|---|---|---:|---:|---:|");
    for round in 1..=2 {
        for (name, values, set) in KNOBS {
            let mut chosen = None;
            for &value in values {
                let mut trial = best.clone();
                set(&mut trial, value);
                let (ndcg, hr) = measure(&trial)?;
                println!("| {round} | {name} | {value} | {hr:.4} | {ndcg:.4} |");
                if ndcg > best_ndcg + 1e-9 {
                    best_ndcg = ndcg;
                    chosen = Some(value);
                }
            }
            if let Some(value) = chosen {
                set(&mut best, value);
            }
        }
    }
    println!(
        "\nchosen: {:?}\n{:?}\nvalidation NDCG@10 {best_ndcg:.4}\n",
        best.0, best.1
    );
    let report = run::run("leave-last-out (test)", &test, &catalogue, &best.0, &best.1)?;
    print!("{}", report.to_markdown());
    Ok(())
}
