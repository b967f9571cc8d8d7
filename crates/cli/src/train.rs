//! `tailor train`: reads event logs and imported history against a catalogue, trains the
//! neighbour model (streaming map/reduce on all cores, tailor-learn) and writes it as a
//! versioned folder ready to publish.

use crate::args::Args;
use crate::publish;
use std::path::{Path, PathBuf};
use tailor_learn::input::lines::DEFAULT_MAX_LINE_BYTES;
use tailor_learn::input::Catalogue;
use tailor_learn::train::{ingest, TrainSettings, Trainer};
use tailor_model::{encode, ShardWriter};

pub(crate) fn run(args: &Args) -> Result<(), String> {
    let out = PathBuf::from(args.one("out")?.ok_or("--out is required")?);
    let version = args.one("version")?.unwrap_or("v1").to_owned();
    tailor_core::recs::parse_version(version.as_bytes()).map_err(|e| e.to_string())?;
    let settings = TrainSettings {
        version: version.clone(),
        neighbours: args.number("neighbours", TrainSettings::default().neighbours)?,
        ..TrainSettings::default()
    };
    let shards: u32 = args.number("shards", 1)?;
    let inputs: Vec<&String> = args.all("log").iter().chain(args.all("import")).collect();
    if inputs.is_empty() {
        return Err("give at least one --log or --import file".into());
    }
    let catalogue = catalogue(args.all("catalogue"))?;
    let started = std::time::Instant::now();
    let mut trainer = Trainer::new(settings, catalogue).map_err(|e| e.to_string())?;
    for input in inputs {
        let stats = ingest::ingest(&mut trainer, Path::new(input), DEFAULT_MAX_LINE_BYTES)
            .map_err(|e| e.to_string())?;
        eprintln!(
            "{input}: {} lines, {} interactions, {} malformed",
            stats.lines, stats.interactions, stats.malformed
        );
        for problem in &stats.problems {
            eprintln!("  {problem}");
        }
    }
    let (spec, report) = trainer.finish().map_err(|e| e.to_string())?;
    eprintln!(
        "trained in {:.1} s: {} items, {} with neighbours, {} segments",
        started.elapsed().as_secs_f64(),
        report.items,
        report.items_with_neighbours,
        report.segments
    );
    let blobs = if shards <= 1 {
        vec![(
            publish::HEAD.to_owned(),
            encode(&spec).map_err(|e| e.to_string())?,
        )]
    } else {
        let writer = ShardWriter::new(&spec, shards).map_err(|e| e.to_string())?;
        let mut blobs = vec![(
            publish::HEAD.to_owned(),
            writer.head().map_err(|e| e.to_string())?,
        )];
        for s in 0..shards {
            let blob = writer.shard(s).map_err(|e| e.to_string())?;
            blobs.push((format!("shard-{s}.tlrm"), blob));
        }
        blobs
    };
    publish::write(&out, &version, &blobs)?;
    println!(
        "{}",
        serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
    );
    Ok(())
}

/// The catalogue files merged (a repeated id keeps its first entry); none derives one from
/// the interactions.
fn catalogue(paths: &[String]) -> Result<Option<Catalogue>, String> {
    let mut merged: Option<Catalogue> = None;
    for path in paths {
        let (catalogue, stats) =
            Catalogue::read(Path::new(path)).map_err(|e| format!("{path}: {e}"))?;
        eprintln!(
            "{path}: {} items, {} malformed",
            catalogue.len(),
            stats.malformed
        );
        match merged.as_mut() {
            Some(all) => catalogue.items().iter().for_each(|item| {
                all.push(item.clone());
            }),
            None => merged = Some(catalogue),
        }
    }
    Ok(merged)
}
