//! Writes synthetic data:
//!
//! ```sh
//! cargo run --release -p tailor-learn --example synth -- shop DIR [VISITORS] [--catalogue FILE...]
//!     # catalogue.jsonl + events.log (over the given catalogue files, e.g. the demo's lists)
//! cargo run --release -p tailor-learn --example synth -- bulk FILE [ROWS]      # 10 M-row import CSV
//! cargo run --release -p tailor-learn --example synth -- big DIR [ITEMS] [--shards N] [--segments a,b,...]
//!     # a sharded 1 M-item model: DIR/model.tlrm (head), the shards of a 12-item visitor
//!     # history (DIR/shard-N.tlrm) and that history (DIR/history.txt), for the edge benchmark
//! cargo run --release -p tailor-learn --example synth -- experiment FILE [LINES] [--uplift 0.1]
//!     [--arms 2] [--seed S] [--control-share P] [--visitors N]
//!     # an experiment log with a known true uplift (and, with --control-share, a split other
//!     # than the one its exposure lines record), for `tailor report`'s tests and benchmark
//! ```

use std::io::{BufWriter, Write};
use tailor_learn::synth::{bulk, experiment, shop};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut flag = |name: &str| -> Result<Option<f64>, String> {
        match args.iter().position(|a| a == name) {
            Some(at) => {
                let value = args.get(at + 1).cloned().unwrap_or_default();
                args.drain(at..(at + 2).min(args.len()));
                value
                    .parse()
                    .map(Some)
                    .map_err(|_| format!("{name} needs a number, not '{value}'"))
            }
            None => Ok(None),
        }
    };
    let uplift = flag("--uplift")?;
    let arm_count = flag("--arms")?;
    let seed = flag("--seed")?;
    let control_share = flag("--control-share")?;
    let visitor_cap = flag("--visitors")?;
    let shard_count: Option<u32> = match args.iter().position(|a| a == "--shards") {
        Some(at) => args.drain(at..at + 2).nth(1).and_then(|n| n.parse().ok()),
        None => None,
    };
    let segment_names: Vec<String> = match args.iter().position(|a| a == "--segments") {
        Some(at) => args
            .drain(at..)
            .nth(1)
            .map(|list| list.split(',').map(str::to_owned).collect())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let catalogue_files: Vec<String> = match args.iter().position(|a| a == "--catalogue") {
        Some(at) => args.drain(at..).skip(1).collect(),
        None => Vec::new(),
    };
    let usage = "usage: synth shop DIR [VISITORS] | synth bulk FILE [ROWS] | synth big DIR [ITEMS] \
                 | synth experiment FILE [LINES] [--uplift U] [--arms N] [--seed S] [--control-share P]";
    let (Some(what), Some(target)) = (args.first(), args.get(1)) else {
        return Err(usage.into());
    };
    let count = args.get(2).and_then(|n| n.parse::<u64>().ok());
    match what.as_str() {
        "shop" => {
            let dir = std::path::Path::new(target);
            std::fs::create_dir_all(dir)?;
            let catalogue = if catalogue_files.is_empty() {
                shop::catalogue(240, 1)
            } else {
                merged(&catalogue_files)?
            };
            let mut out = BufWriter::new(std::fs::File::create(dir.join("catalogue.jsonl"))?);
            for item in catalogue.items() {
                let line = serde_json::json!({"id": item.id, "title": item.title, "url": item.url,
                    "image": item.image, "category": item.category});
                writeln!(out, "{line}")?;
            }
            out.flush()?;
            let spec = shop::ShopLog {
                visitors: count.map_or(5_000, |n| n as usize),
                ..shop::ShopLog::default()
            };
            let mut out = BufWriter::new(std::fs::File::create(dir.join("events.log"))?);
            let lines = shop::write_log(&catalogue, &spec, &mut out)?;
            out.flush()?;
            eprintln!(
                "wrote {} items and {lines} log lines to {}",
                catalogue.len(),
                dir.display()
            );
        }
        "bulk" => {
            let spec = bulk::Bulk {
                interactions: count.unwrap_or(10_000_000),
                ..bulk::Bulk::default()
            };
            let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(target)?);
            let rows = bulk::write_csv(&spec, &mut out)?;
            out.flush()?;
            eprintln!("wrote {rows} rows to {target}");
        }
        "big" => {
            let items = count.map_or(1_000_000, |n| n as usize);
            write_big(
                std::path::Path::new(target),
                items,
                shard_count,
                &segment_names,
            )?;
        }
        "experiment" => {
            let defaults = experiment::ExperimentLog::default();
            let spec = experiment::ExperimentLog {
                lines: count.unwrap_or(1_000_000),
                visitors: visitor_cap.map_or(u64::MAX, |v| v as u64),
                uplift: uplift.unwrap_or(defaults.uplift),
                arms: arm_count.map_or(2, |a| (a as usize).clamp(2, 64)),
                seed: seed.map_or(defaults.seed, |s| s as u64),
                control_share,
                ..defaults
            };
            let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(target)?);
            let (lines, visitors) = experiment::write_log(&spec, &mut out)?;
            out.flush()?;
            eprintln!("wrote {lines} lines ({visitors} visitors) to {target}");
        }
        _ => return Err(usage.into()),
    }
    Ok(())
}

/// The head, the shards a 12-item history needs, and the history (one id per line, oldest
/// first). Segment lists take `names` in order (else `segment-N`).
fn write_big(
    dir: &std::path::Path,
    items: usize,
    shard_count: Option<u32>,
    names: &[String],
) -> Result<(), Box<dyn std::error::Error>> {
    use tailor_learn::synth::big::{spec, BigModel};
    use tailor_model::{shard_of, suggested_shard_count, ShardWriter};
    std::fs::create_dir_all(dir)?;
    let mut model = spec(&BigModel {
        items,
        segments: names.len().max(1),
        ..BigModel::default()
    });
    for (segment, name) in model.segments.iter_mut().zip(names) {
        segment.name.clone_from(name);
    }
    let shards = shard_count.unwrap_or_else(|| suggested_shard_count(items));
    let writer = ShardWriter::new(&model, shards)?;
    std::fs::write(dir.join("model.tlrm"), writer.head()?)?;
    // Spread over the catalogue, as a visitor's browsing would be.
    let history: Vec<&str> = (0..12)
        .filter_map(|i| model.items.get((i * 40_009 + 17) % items.max(1)))
        .map(|item| item.id.as_str())
        .collect();
    let mut needed: Vec<u32> = history.iter().map(|id| shard_of(id, shards)).collect();
    needed.sort_unstable();
    needed.dedup();
    for shard in &needed {
        std::fs::write(
            dir.join(format!("shard-{shard}.tlrm")),
            writer.shard(*shard)?,
        )?;
    }
    std::fs::write(dir.join("history.txt"), history.join("\n") + "\n")?;
    eprintln!(
        "wrote a {items}-item model in {shards} shards to {}: the head and {} shards",
        dir.display(),
        needed.len()
    );
    Ok(())
}

/// The catalogue files merged, a repeated id keeping its first entry.
fn merged(files: &[String]) -> Result<tailor_learn::input::Catalogue, Box<dyn std::error::Error>> {
    let mut all = tailor_learn::input::Catalogue::default();
    for file in files {
        let (catalogue, _) = tailor_learn::input::Catalogue::read(std::path::Path::new(file))?;
        for item in catalogue.items() {
            all.push(item.clone());
        }
    }
    Ok(all)
}
