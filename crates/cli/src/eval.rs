//! `tailor eval`: trains on a protocol's training split and scores the edge's ranking
//! (`model`, through `tailor_core::recs::rank`) against popularity and the category re-rank
//! on the same cases, printing a Markdown table and optionally writing JSON and Markdown.

use crate::args::Args;
use crate::rankers::{CategoryRerank, EdgeModel};
use std::path::Path;
use tailor_learn::eval::{
    evaluate, leave_last_out, run, session_next_item, PopularityRanker, Ranker,
};
use tailor_learn::input::lines::DEFAULT_MAX_LINE_BYTES;
use tailor_learn::train::{ingest, train_on, TrainSettings, DEFAULT_SEGMENT};
use tailor_model::{encode, ScoreSettings};

/// History items the cookie keeps, as at the edge.
const HISTORY: usize = 12;

pub(crate) fn run(args: &Args) -> Result<(), String> {
    let path = args
        .one("interactions")?
        .ok_or("--interactions is required")?;
    let protocol = args.one("protocol")?.unwrap_or("leave-last-out");
    let k: usize = args.number("k", 10)?;
    if k == 0 {
        return Err("--k must be at least 1".into());
    }
    let (interactions, stats) = ingest::read_interactions(Path::new(path), DEFAULT_MAX_LINE_BYTES)
        .map_err(|e| e.to_string())?;
    eprintln!(
        "{path}: {} interactions, {} malformed",
        interactions.len(),
        stats.malformed
    );
    let (split, train) = match protocol {
        // A user's whole history is one sequence (ratings have no sessions).
        "leave-last-out" => (
            leave_last_out(&interactions, HISTORY),
            TrainSettings {
                session_gap_s: 0,
                ..TrainSettings::default()
            },
        ),
        "session" => (
            session_next_item(&interactions, 0.2, 1800, true, HISTORY),
            TrainSettings::default(),
        ),
        other => {
            return Err(format!(
                "unknown protocol '{other}': leave-last-out or session"
            ))
        }
    };
    let catalogue = run::catalogue_of(&interactions);
    // Segment lists over the whole catalogue, so popularity can rank everything.
    let train = TrainSettings {
        segment_list_len: 0,
        ..train
    };
    let (spec, _) = train_on(split.train.iter().cloned(), Some(catalogue.clone()), &train)
        .map_err(|e| e.to_string())?;
    let bytes = encode(&spec).map_err(|e| e.to_string())?;
    let popularity = PopularityRanker {
        bytes: bytes.clone(),
        segment: DEFAULT_SEGMENT.into(),
    };
    let rerank = CategoryRerank::new(&bytes, DEFAULT_SEGMENT);
    let model = EdgeModel {
        bytes,
        segment: DEFAULT_SEGMENT.into(),
        settings: ScoreSettings::default(),
    };
    let rankers: [&dyn Ranker; 3] = [&popularity, &rerank, &model];
    let report = evaluate(protocol, &split.cases, &rankers, &[k], catalogue.len());
    let markdown = report.to_markdown();
    print!("{markdown}");
    if let Some(out) = args.one("markdown")? {
        std::fs::write(out, &markdown).map_err(|e| format!("{out}: {e}"))?;
    }
    if let Some(out) = args.one("json")? {
        std::fs::write(out, report.to_json()).map_err(|e| format!("{out}: {e}"))?;
    }
    Ok(())
}
