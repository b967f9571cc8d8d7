//! Feeding files to a trainer: the format is told from the content (an event log line has
//! an `event` field; other JSON lines are imports; anything else is CSV with a header),
//! lines are parsed in parallel batches and spilled in input order, so runs are
//! deterministic whatever the core count.

use super::Trainer;
use crate::input::{import, lines, log, Interaction, Parsed, Stats};
use crate::LearnError;
use rayon::prelude::*;
use std::path::Path;

/// Lines parsed per parallel batch.
const BATCH_LINES: usize = 32 * 1024;

/// The accepted input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Tailor's event log (JSON lines with `event`).
    EventLog,
    /// Imported history as CSV with a header.
    ImportCsv,
    /// Imported history as JSON lines.
    ImportJsonl,
}

/// Tells the format from a file's first non-empty line.
pub fn detect(first_line: &str) -> Format {
    let line = first_line.trim_start();
    if !line.starts_with('{') {
        return Format::ImportCsv;
    }
    match serde_json::from_str::<serde_json::Value>(line) {
        Ok(value) if value.get("event").is_some() => Format::EventLog,
        _ => Format::ImportJsonl,
    }
}

/// Reads every line of `path` into `trainer`; returns the file's stats (also kept by the
/// trainer for its report).
pub fn ingest(
    trainer: &mut Trainer,
    path: &Path,
    max_line_bytes: usize,
) -> Result<Stats, LearnError> {
    let stats = for_each_interaction(path, max_line_bytes, &mut |i| trainer.add(&i))?;
    let mut kept = stats.clone();
    // `add` already counted unknown items in the trainer's own stats.
    kept.items_not_in_catalogue = 0;
    trainer.absorb_stats(kept);
    Ok(stats)
}

/// Reads every interaction of `path` (any format), in input order, into memory.
pub fn read_interactions(
    path: &Path,
    max_line_bytes: usize,
) -> Result<(Vec<Interaction>, Stats), LearnError> {
    let mut out = Vec::new();
    let stats = for_each_interaction(path, max_line_bytes, &mut |i| {
        out.push(i);
        Ok(true)
    })?;
    Ok((out, stats))
}

/// Parses `path` in parallel batches and hands each interaction, in input order, to
/// `sink` (which answers whether the item was known).
pub fn for_each_interaction(
    path: &Path,
    max_line_bytes: usize,
    sink: &mut dyn FnMut(Interaction) -> Result<bool, LearnError>,
) -> Result<Stats, LearnError> {
    let name = path.display().to_string();
    let reader = lines::open(path, max_line_bytes)?;
    let mut stats = Stats::default();
    let mut format = None;
    let mut columns = None;
    // A reader thread fills the next batch while this one parses and spills the last.
    let (sender, batches) = std::sync::mpsc::sync_channel::<std::io::Result<Batch>>(2);
    std::thread::scope(|scope| -> Result<Stats, LearnError> {
        scope.spawn(move || read_batches(reader, &sender));
        for batch in batches {
            let batch = batch.map_err(|e| LearnError::io(path, e))?;
            stats.lines += batch.len() as u64;
            let mut texts = Vec::with_capacity(batch.len());
            for (number, line) in batch {
                match line {
                    lines::Line::Text(t) if t.trim().is_empty() => {}
                    lines::Line::Text(t) => texts.push((number, t)),
                    lines::Line::TooLong => {
                        stats.too_long += 1;
                        stats.problem(
                            &name,
                            number,
                            &format!("line over {max_line_bytes} bytes, skipped"),
                        );
                    }
                    lines::Line::NotUtf8 => stats.problem(&name, number, "not UTF-8"),
                }
            }
            let found = *format
                .get_or_insert_with(|| texts.first().map_or(Format::ImportCsv, |(_, t)| detect(t)));
            if found == Format::ImportCsv && columns.is_none() {
                let Some((number, head)) = (!texts.is_empty()).then(|| texts.remove(0)) else {
                    continue;
                };
                columns =
                    Some(import::header(&head).map_err(|e| LearnError::input(&name, number, e))?);
            }
            let parsed: Vec<(u64, Result<Parsed, String>, bool)> = texts
                .par_iter()
                .map(|(number, text)| {
                    let mut unknown_kind = false;
                    let parsed = match (found, &columns) {
                        (Format::EventLog, _) => log::parse(text),
                        (Format::ImportJsonl, _) => import::parse_json(text, &mut unknown_kind),
                        (Format::ImportCsv, Some(c)) => {
                            import::parse_csv(text, c, &mut unknown_kind)
                        }
                        (Format::ImportCsv, None) => Err("no header".into()),
                    };
                    (*number, parsed, unknown_kind)
                })
                .collect();
            for (number, parsed, unknown_kind) in parsed {
                stats.unknown_kinds += u64::from(unknown_kind);
                match parsed {
                    Ok(parsed) => {
                        stats.count(&parsed);
                        if let Parsed::Interaction(interaction) = parsed {
                            if !sink(interaction)? {
                                stats.items_not_in_catalogue += 1;
                            }
                        }
                    }
                    Err(detail) => stats.problem(&name, number, &detail),
                }
            }
        }
        Ok(stats)
    })
}

type Batch = Vec<(u64, lines::Line)>;

/// Sends batches of numbered lines until the input ends (or the receiver is gone).
fn read_batches(
    mut reader: lines::Lines,
    sender: &std::sync::mpsc::SyncSender<std::io::Result<Batch>>,
) {
    loop {
        let mut batch = Vec::with_capacity(BATCH_LINES);
        while batch.len() < BATCH_LINES {
            match reader.next_line() {
                Ok(Some(line)) => batch.push(line),
                Ok(None) => break,
                Err(e) => {
                    let _ = sender.send(Err(e));
                    return;
                }
            }
        }
        if batch.is_empty() || sender.send(Ok(batch)).is_err() {
            return;
        }
    }
}
