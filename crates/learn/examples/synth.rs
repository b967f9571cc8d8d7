//! Writes synthetic data:
//!
//! ```sh
//! cargo run --release -p tailor-learn --example synth -- shop DIR [VISITORS] [--catalogue FILE...]
//!     # catalogue.jsonl + events.log (over the given catalogue files, e.g. the demo's lists)
//! cargo run --release -p tailor-learn --example synth -- bulk FILE [ROWS]      # 10 M-row import CSV
//! ```

use std::io::{BufWriter, Write};
use tailor_learn::synth::{bulk, shop};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let catalogue_files: Vec<String> = match args.iter().position(|a| a == "--catalogue") {
        Some(at) => args.drain(at..).skip(1).collect(),
        None => Vec::new(),
    };
    let usage = "usage: synth shop DIR [VISITORS] | synth bulk FILE [ROWS]";
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
        _ => return Err(usage.into()),
    }
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
