//! Trains a model from interaction files (event logs, import CSV/JSONL, gzipped or not)
//! and writes it as one blob or as a head plus shards:
//!
//! ```sh
//! cargo run --release -p tailor-learn --example train -- OUT_DIR INPUT... \
//!     [--catalogue FILE] [--shards N] [--settings JSON]
//! ```
//!
//! Writes `OUT_DIR/all.bin` (or `head.bin` and `shard-NNNN.bin`) and prints the report.

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use tailor_learn::input::{lines::DEFAULT_MAX_LINE_BYTES, Catalogue};
use tailor_learn::train::{ingest, TrainSettings, Trainer};
use tailor_model::{encode, ShardWriter};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut option = |name: &str| {
        let at = args.iter().position(|a| a == name)?;
        let value = args.get(at + 1).cloned();
        args.drain(at..(at + 2).min(args.len()));
        value
    };
    let catalogue_path = option("--catalogue").map(PathBuf::from);
    let shards = option("--shards")
        .and_then(|s| s.parse::<u32>().ok())
        .unwrap_or(1);
    let settings: TrainSettings = match option("--settings") {
        Some(json) => serde_json::from_str(&json)?,
        None => TrainSettings::default(),
    };
    let (Some(out), inputs) = (
        args.first().map(PathBuf::from),
        args.get(1..).unwrap_or(&[]),
    ) else {
        return Err(
            "usage: train OUT_DIR INPUT... [--catalogue FILE] [--shards N] [--settings JSON]"
                .into(),
        );
    };
    let catalogue = match &catalogue_path {
        Some(path) => {
            let (catalogue, stats) = Catalogue::read(path)?;
            eprintln!(
                "catalogue: {} items, {} problems",
                catalogue.len(),
                stats.malformed
            );
            Some(catalogue)
        }
        None => None,
    };
    let started = std::time::Instant::now();
    let mut trainer = Trainer::new(settings, catalogue)?;
    for input in inputs {
        let stats = ingest::ingest(&mut trainer, Path::new(input), DEFAULT_MAX_LINE_BYTES)?;
        eprintln!(
            "{input}: {} lines, {} interactions, {} malformed ({:.1} s)",
            stats.lines,
            stats.interactions,
            stats.malformed,
            started.elapsed().as_secs_f64()
        );
    }
    let (spec, report) = trainer.finish()?;
    eprintln!("trained in {:.1} s", started.elapsed().as_secs_f64());
    std::fs::create_dir_all(&out)?;
    if shards <= 1 {
        std::fs::write(out.join("all.bin"), encode(&spec)?)?;
    } else {
        let writer = ShardWriter::new(&spec, shards)?;
        std::fs::write(out.join("head.bin"), writer.head()?)?;
        (0..shards)
            .into_par_iter()
            .try_for_each(|s| -> Result<(), String> {
                let blob = writer.shard(s).map_err(|e| e.to_string())?;
                std::fs::write(out.join(format!("shard-{s:04}.bin")), blob)
                    .map_err(|e| e.to_string())
            })?;
    }
    eprintln!("written in {:.1} s", started.elapsed().as_secs_f64());
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
