//! `tailor report`: streams event logs (files, gzipped files or `-` for standard input) into
//! an experiment report (tailor-learn's `experiment` module over tailor-stats), prints it as
//! Markdown, optionally writes JSON and an SVG chart of the primary metric's relative uplift
//! over time, and with `--write-weights` the Thompson-sampling split the edge reads from
//! `experiments/weights`.

use crate::args::Args;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use tailor_learn::experiment::{analyse, bandit_weights, markdown, Aggregator, Settings};
use tailor_learn::input::lines::DEFAULT_MAX_LINE_BYTES;
use tailor_stats::BanditConfig;

pub(crate) fn run(args: &Args) -> Result<(), String> {
    let inputs = args.all("log");
    if inputs.is_empty() {
        return Err("give at least one --log file (or - for standard input)".into());
    }
    let primary = match args.one("metric")? {
        None | Some("click-through") => "click-through".to_owned(),
        Some(other) => match other.strip_prefix("goal:") {
            Some(goal) if !goal.is_empty() => format!("{goal} conversion"),
            _ => {
                return Err(format!(
                    "--metric is click-through or goal:<name>, not '{other}'"
                ))
            }
        },
    };
    let settings = Settings {
        control: args.one("control")?.map(str::to_owned),
        primary,
        plan: match args.one("config")? {
            Some(path) => plan(Path::new(path))?,
            None => BTreeMap::new(),
        },
        ..Settings::default()
    };
    let bandit = BanditConfig {
        floor: args.number("floor", BanditConfig::default().floor)?,
        burn_in_per_arm: args.number("burn-in", BanditConfig::default().burn_in_per_arm)?,
        seed: args.number("seed", BanditConfig::default().seed)?,
        ..BanditConfig::default()
    };
    if !(0.0..=0.5).contains(&bandit.floor) {
        return Err("--floor must lie between 0 and 0.5".into());
    }
    let started = std::time::Instant::now();
    let mut aggregator = Aggregator::new();
    for input in inputs {
        aggregator
            .read_path(input, DEFAULT_MAX_LINE_BYTES)
            .map_err(|e| e.to_string())?;
    }
    let tally = aggregator.finish();
    let report = analyse(&tally, &settings);
    eprintln!(
        "read {} lines in {:.1} s: {} experiments, {} enrolled visitors, {} malformed",
        report.input.lines,
        started.elapsed().as_secs_f64(),
        report.experiments.len(),
        report.input.enrolled_visitors,
        report.input.malformed
    );
    let mut text = markdown(&report);
    let weights = match args.one("write-weights")? {
        Some(dir) => {
            let weights = bandit_weights(&tally, &settings, &bandit);
            let version = match args.one("version")? {
                Some(v) => v.to_owned(),
                None => timestamp_version(),
            };
            write_weights(Path::new(dir), &version, &weights)?;
            text.push_str(&weights_markdown(&version, &weights, &bandit));
            Some((version, weights))
        }
        None => None,
    };
    if let Some(path) = args.one("markdown")? {
        std::fs::write(path, &text).map_err(|e| format!("{path}: {e}"))?;
    } else {
        print!("{text}");
    }
    if let Some(path) = args.one("json")? {
        let mut doc = serde_json::to_value(&report).map_err(|e| e.to_string())?;
        if let (Some((version, w)), Some(map)) = (&weights, doc.as_object_mut()) {
            map.insert(
                "weights".into(),
                serde_json::json!({ "version": version, "experiments": w }),
            );
        }
        let json = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
        std::fs::write(path, json).map_err(|e| format!("{path}: {e}"))?;
    }
    if let Some(path) = args.one("svg")? {
        let svg = crate::chart::svg(&report)?;
        std::fs::write(path, svg).map_err(|e| format!("{path}: {e}"))?;
    }
    Ok(())
}

/// Per experiment its arms in order with their weights, read loosely from a config document
/// (`experiments: [{name, arms: [{name, weight}]}]`) so the report does not depend on the
/// config's other fields.
fn plan(path: &Path) -> Result<BTreeMap<String, Vec<(String, f64)>>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let doc: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut plan = BTreeMap::new();
    let Some(experiments) = doc.get("experiments").and_then(|e| e.as_array()) else {
        return Ok(plan);
    };
    for (i, e) in experiments.iter().enumerate() {
        let name = e
            .get("name")
            .and_then(|n| n.as_str())
            .ok_or_else(|| format!("{}: experiments[{i}] has no name", path.display()))?;
        let arms = e
            .get("arms")
            .and_then(|a| a.as_array())
            .map(|arms| {
                arms.iter()
                    .filter_map(|arm| {
                        let arm_name = arm.get("name")?.as_str()?.to_owned();
                        let weight = arm.get("weight").and_then(|w| w.as_f64()).unwrap_or(1.0);
                        Some((arm_name, weight.max(0.0)))
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        plan.insert(name.to_owned(), arms);
    }
    Ok(plan)
}

/// `w` and the UTC time to the second: `w20261202T063000Z`.
fn timestamp_version() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let date = tailor_learn::experiment::analyse::date(secs.div_euclid(86_400)).replace('-', "");
    let s = secs.rem_euclid(86_400);
    format!("w{date}T{:02}{:02}{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

/// The weights document the edge reads from `experiments/weights`.
pub(crate) fn weights_document(
    version: &str,
    weights: &[tailor_learn::experiment::ArmWeights],
) -> serde_json::Value {
    let experiments: serde_json::Map<String, serde_json::Value> = weights
        .iter()
        .map(|w| {
            let arms: serde_json::Map<String, serde_json::Value> = w
                .arms
                .iter()
                .map(|(arm, share)| (arm.clone(), serde_json::json!(round6(*share))))
                .collect();
            (w.experiment.clone(), serde_json::Value::Object(arms))
        })
        .collect();
    serde_json::json!({ "version": version, "experiments": experiments })
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// DIR/experiments/weights, DIR/kv-bulk.json and DIR/publish-fastly.sh, as `tailor train`
/// lays out a model.
fn write_weights(
    dir: &Path,
    version: &str,
    weights: &[tailor_learn::experiment::ArmWeights],
) -> Result<(), String> {
    let fail = |path: &Path, e: std::io::Error| format!("{}: {e}", path.display());
    let folder = dir.join("experiments");
    std::fs::create_dir_all(&folder).map_err(|e| fail(&folder, e))?;
    let doc = weights_document(version, weights);
    let json = serde_json::to_string(&doc).map_err(|e| e.to_string())?;
    let path = folder.join("weights");
    std::fs::write(&path, &json).map_err(|e| fail(&path, e))?;
    let bulk = serde_json::json!([{ "key": "experiments/weights", "value": json }]);
    let bulk_path = dir.join("kv-bulk.json");
    std::fs::write(&bulk_path, bulk.to_string()).map_err(|e| fail(&bulk_path, e))?;
    let script = dir.join("publish-fastly.sh");
    std::fs::write(
        &script,
        "#!/usr/bin/env bash\n# Publishes the experiment weights. STORE_ID: your KV store's id.\n\
         set -euo pipefail\ncd \"$(dirname \"$0\")\"\n\
         fastly kv-store-entry create --store-id \"$STORE_ID\" --key experiments/weights --file experiments/weights\n",
    )
    .map_err(|e| fail(&script, e))?;
    eprintln!(
        "wrote {}\npublish: wrangler kv bulk put {} --binding tailor_kv\n         or STORE_ID=… {}",
        path.display(),
        bulk_path.display(),
        script.display()
    );
    Ok(())
}

fn weights_markdown(
    version: &str,
    weights: &[tailor_learn::experiment::ArmWeights],
    config: &BanditConfig,
) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n## Weights `{version}`\n\nThompson sampling on the primary metric, {} draws, seed {}, \
         floor {} per arm, burn-in {} visitors per arm.\n",
        config.draws, config.seed, config.floor, config.burn_in_per_arm
    );
    let _ = writeln!(out, "| experiment | metric | arm | weight | chance best |");
    let _ = writeln!(out, "|---|---|---|---:|---:|");
    for w in weights {
        for (i, (arm, share)) in w.arms.iter().enumerate() {
            let best = w
                .best
                .get(i)
                .map_or_else(|| "—".into(), |(_, p)| format!("{:.1} %", p * 100.0));
            let _ = writeln!(
                out,
                "| {} | {} | {arm} | {:.1} % | {best} |",
                w.experiment,
                w.metric,
                share * 100.0
            );
        }
    }
    for w in weights {
        if let Some(reason) = &w.reason {
            let _ = writeln!(out, "\n- {}: {reason}", w.experiment);
        }
    }
    out
}
