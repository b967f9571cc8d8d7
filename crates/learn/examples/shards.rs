//! Sizes of a sharded 1 M-item model (titles ~30 bytes, K = 20) for several shard counts,
//! and native `score` latency for a 12-item history on a 240-item model and on the 1 M-item
//! model read as head + one shard:
//!
//! ```sh
//! cargo run --release -p tailor-learn --example shards -- [ITEMS] [SHARDS,SHARDS,...]
//! ```

use rayon::prelude::*;
use std::time::Instant;
use tailor_learn::synth::big::{spec, BigModel};
use tailor_model::{
    encode, score, shard_of, HistoryItem, InteractionKind, Model, ModelSpec, ModelView,
    ScoreSettings, ShardWriter,
};

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1_048_576.0
}

fn history(spec: &ModelSpec, step: usize) -> Vec<HistoryItem<'_>> {
    (0..12)
        .map(|i| HistoryItem {
            item: spec
                .items
                .get((i * step + 17) % spec.items.len().max(1))
                .map_or("", |item| item.id.as_str()),
            kind: if i % 3 == 0 {
                InteractionKind::Click
            } else {
                InteractionKind::View
            },
            age_s: Some(60 * (12 - i as u32)),
        })
        .collect()
}

/// This thread's CPU time in seconds (Linux), so a busy machine does not inflate the
/// figures the way wall time does; `None` elsewhere.
fn thread_cpu_s() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Mean microseconds per call of `score` (plus the lookups it does): (wall, CPU).
fn latency(views: &[ModelView<'_>], history: &[HistoryItem<'_>]) -> (f64, f64) {
    let settings = ScoreSettings::default();
    let mut candidates = 0;
    for _ in 0..100 {
        candidates += score(views, "segment-0", history, &settings).len();
    }
    let rounds = 20_000;
    let (started, cpu) = (Instant::now(), thread_cpu_s());
    for _ in 0..rounds {
        candidates += score(views, "segment-0", history, &settings).len();
    }
    std::hint::black_box(candidates);
    let wall = started.elapsed().as_secs_f64() * 1e6 / rounds as f64;
    let cpu = match (cpu, thread_cpu_s()) {
        (Some(a), Some(b)) => (b - a) * 1e6 / rounds as f64,
        _ => f64::NAN,
    };
    (wall, cpu)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let items = args
        .first()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let counts: Vec<u32> = args
        .get(1)
        .filter(|a| !a.starts_with("--"))
        .map(|list| list.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_else(|| vec![256, 512, 1024, 2048]);

    let small = spec(&BigModel {
        items: 240,
        list_len: 200,
        ..BigModel::default()
    });
    let small_bytes = encode(&small)?;
    let small_view = Model::open(&small_bytes)?;
    let (wall, cpu) = latency(&[small_view], &history(&small, 19));
    println!(
        "240 items: complete blob {:.3} MB, score {wall:.1} µs wall, {cpu:.1} µs CPU",
        mb(small_bytes.len())
    );

    let started = Instant::now();
    let big = spec(&BigModel {
        items,
        ..BigModel::default()
    });
    let complete = encode(&big)?;
    println!(
        "{items} items: built in {:.1} s; complete blob {:.1} MB",
        started.elapsed().as_secs_f64(),
        mb(complete.len())
    );
    let view = Model::open(&complete)?;
    let started = Instant::now();
    view.verify_checksum()?;
    println!(
        "  checksum of the complete blob: {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    let big_history = history(&big, 40_009);
    let (wall, cpu) = latency(&[view], &big_history);
    println!("  score on the complete blob: {wall:.1} µs wall, {cpu:.1} µs CPU");
    if args.iter().any(|a| a == "--latency-only") {
        return Ok(());
    }

    println!("\n| shards | head MB | shard MB min / median / max | total MB | head + largest shard MB | score µs wall / CPU (head + shard) |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for count in counts {
        let writer = ShardWriter::new(&big, count)?;
        let head = writer.head()?;
        let mut sizes: Vec<usize> = (0..count)
            .into_par_iter()
            .map(|s| writer.shard(s).map(|b| b.len()).unwrap_or(0))
            .collect();
        sizes.sort_unstable();
        let newest = big_history.last().map_or("", |h| h.item);
        let shard = writer.shard(shard_of(newest, count))?;
        let views = [Model::open(&head)?, Model::open(&shard)?];
        let (wall, cpu) = latency(&views, &big_history);
        let at = |i: usize| sizes.get(i).copied().unwrap_or(0);
        let (min, median, max) = (
            at(0),
            at(sizes.len() / 2),
            at(sizes.len().saturating_sub(1)),
        );
        let total: usize = sizes.iter().sum::<usize>() + head.len();
        println!(
            "| {count} | {:.2} | {:.2} / {:.2} / {:.2} | {:.0} | {:.2} | {wall:.1} / {cpu:.1} |",
            mb(head.len()),
            mb(min),
            mb(median),
            mb(max),
            mb(total),
            mb(head.len() + max)
        );
    }
    Ok(())
}
