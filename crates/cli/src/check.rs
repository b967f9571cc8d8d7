//! `tailor check <config.json>`: validates a config, prints its reachable segments and how
//! many cache keys it allows, and exits non-zero on an invalid config or one over its budgets.

use std::process::ExitCode;
use tailor_config::cardinality::{cardinality, over_budget};
use tailor_config::Config;

pub(crate) fn run(args: &[String]) -> ExitCode {
    let [path] = args else {
        eprintln!("usage: tailor check <config.json>");
        return ExitCode::from(2);
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
    let config = match Config::from_json(&bytes).and_then(|c| c.check_deferred().map(|()| c)) {
        Ok(config) => config,
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
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
