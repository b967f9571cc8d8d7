//! `tailor check <config> [--compile <out>]`: validates a config (JSON, or compiled),
//! prints its reachable segments and how many cache keys it allows, exits non-zero on an
//! invalid config or one over its budgets, and writes the compiled form when asked to.

use std::process::ExitCode;
use tailor_config::cardinality::{cardinality, over_budget};
use tailor_config::Config;

pub(crate) fn run(args: &[String]) -> ExitCode {
    let (path, out) = match args {
        [path] => (path, None),
        [path, flag, out] if flag == "--compile" => (path, Some(out)),
        _ => {
            eprintln!("usage: tailor check <config.json | config.tcfg> [--compile <out.tcfg>]");
            return ExitCode::from(2);
        }
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    // What the edge defers to first use (compiling the templates) is checked here, before
    // the config is published.
    let read = match out {
        // The compiled form is made from the JSON document, by the code the edge reads it with.
        Some(_) => Config::compile(&bytes).map(|(config, compiled)| (config, Some(compiled))),
        None => Config::from_document(&bytes).map(|config| (config, None)),
    };
    let (config, compiled) = match read.and_then(|r| r.0.check_deferred().map(|()| r)) {
        Ok(read) => read,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let c = cardinality(&config);
    println!("{path}: valid (version {})", config.version());
    println!("segments ({}): {}", c.segments.len(), c.segments.join(", "));
    for e in &config.experiments {
        let arms: Vec<String> = e
            .arms
            .iter()
            .map(|a| format!("{} ({})", a.name, a.weight))
            .collect();
        let group = e
            .group
            .as_ref()
            .map(|g| format!(" [group {}, slots {}..{}]", g.name, g.slots.0, g.slots.1));
        println!(
            "experiment {}: {}{}",
            e.name,
            arms.join(", "),
            group.unwrap_or_default()
        );
    }
    println!(
        "keys per image (named variants x formats x dpr, + the original): {} (budget {})",
        c.named_keys_per_image, config.cache.max_keys_per_image
    );
    println!(
        "keys per image per free-form parameter set (width ladder x formats): {}",
        c.free_form_keys_per_parameter_set
    );
    println!(
        "banner keys (segments x templates x slots x formats): {} (budget {})",
        c.banner_keys, config.cache.max_banner_keys
    );
    let (max_path, plain) = (
        config.limits.max_path_bytes,
        tailor_core::cache_key::longest_plain_image_path(),
    );
    if max_path > plain {
        println!(
            "image purge tags: image:<path> up to {plain}-byte paths, image:#<sha-256> beyond \
             (limits.max_path_bytes {max_path}; purges hash the same way)"
        );
    } else {
        println!("image purge tags: image:<path> (limits.max_path_bytes {max_path} <= {plain})");
    }
    let problems = over_budget(&config, &c);
    for problem in &problems {
        eprintln!("over budget: {problem}");
    }
    if !problems.is_empty() {
        return ExitCode::FAILURE;
    }
    match (out, compiled) {
        (Some(out), Some(compiled)) => match std::fs::write(out, &compiled) {
            Ok(()) => {
                println!("compiled: {out} ({} bytes)", compiled.len());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{out}: {e}");
                ExitCode::from(2)
            }
        },
        _ => ExitCode::SUCCESS,
    }
}
