//! How many cache keys a config allows: per image (named variants × format tokens × dpr, and
//! the original when originals are kept) and
//! for banners (segments × templates × slots × formats). `tailor check` prints these and
//! fails above the budgets in `cache`.

use super::Config;
use std::collections::BTreeSet;
use tailor_image::{ClientFormats, FormatRequest, OutputFormat};

/// The dprs a request can ask for.
pub const DPRS: [u32; 3] = [1, 2, 3];
/// Banner payload formats.
pub const BANNER_FORMATS: [&str; 2] = ["html", "json"];

/// The cache keys a config allows, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cardinality {
    /// Reachable segments, in list order.
    pub segments: Vec<String>,
    /// Keys one origin image can have through the named variants, its original included
    /// when `cache.original_ttl_seconds` keeps originals.
    pub named_keys_per_image: u64,
    /// Keys one origin image can have per free-form parameter set (width ladder × format
    /// tokens); height, fit, gravity, quality and background multiply this, but only as far as
    /// someone signs URLs with them.
    pub free_form_keys_per_parameter_set: u64,
    /// Every banner key: each segment's templates (its own and those experiment arms swap in)
    /// × slots × formats.
    pub banner_keys: u64,
}

/// Format tokens a request of `width` output pixels can produce: `auto`, `auto-webp`,
/// `jpeg`, `png`, `webp`, and `auto-avif`, `avif` where AVIF is allowed at that width. Counted
/// from the cache-key tokens of every request and client, so a new format counts itself.
pub fn format_tokens(config: &Config, width: u32) -> u64 {
    let avif = config.images.avif_max_width > 0 && width <= config.images.avif_max_width;
    // Above the AVIF width the route refuses `format=avif` and credits no client with AVIF.
    let requests =
        FormatRequest::all().filter(|r| avif || *r != FormatRequest::Fixed(OutputFormat::Avif));
    let clients = ClientFormats::ALL.into_iter().filter(|c| avif || !c.avif);
    let tokens: BTreeSet<&str> = requests
        .flat_map(|request| clients.clone().map(move |client| request.key_token(client)))
        .collect();
    tokens.len() as u64
}

/// Counts the keys `config` allows.
pub fn cardinality(config: &Config) -> Cardinality {
    let max = config.limits.max_output_width;
    let named_keys_per_image = config
        .variants
        .values()
        .flat_map(|v| {
            DPRS.iter()
                .filter(|&&dpr| dpr <= config.images.max_dpr)
                .map(move |dpr| (v.width * dpr).min(max))
        })
        .map(|width| format_tokens(config, width))
        .sum::<u64>()
        + u64::from(config.cache.original_ttl_seconds > 0);
    let free_form_keys_per_parameter_set = config
        .images
        .width_ladder
        .iter()
        .map(|&width| format_tokens(config, width))
        .sum();
    let templates: u64 = config
        .segments
        .reachable
        .iter()
        .map(|segment| {
            let mut names = BTreeSet::new();
            if let Some(def) = config.segment(segment) {
                names.insert(def.template.as_str());
            }
            for arm in config.experiments.iter().flat_map(|e| &e.arms) {
                if let Some(t) = arm.templates.get(segment) {
                    names.insert(t.as_str());
                }
            }
            names.len() as u64
        })
        .sum();
    Cardinality {
        segments: config.segments.reachable.clone(),
        named_keys_per_image,
        free_form_keys_per_parameter_set,
        banner_keys: templates * config.banners.slots.len() as u64 * BANNER_FORMATS.len() as u64,
    }
}

/// The budget problems of `cardinality`, if any.
pub fn over_budget(config: &Config, c: &Cardinality) -> Vec<String> {
    let mut problems = Vec::new();
    if c.named_keys_per_image > config.cache.max_keys_per_image {
        problems.push(format!(
            "{} keys per image exceed cache.max_keys_per_image ({})",
            c.named_keys_per_image, config.cache.max_keys_per_image
        ));
    }
    if c.banner_keys > config.cache.max_banner_keys {
        problems.push(format!(
            "{} banner keys exceed cache.max_banner_keys ({})",
            c.banner_keys, config.cache.max_banner_keys
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_config_counts() {
        let config = Config::from_json(tailor_demo::CONFIG_JSON.as_bytes()).unwrap();
        let c = cardinality(&config);
        assert_eq!(c.segments.len(), 8);
        // dpr is bucketed to 1 and 2 (images.max_dpr): thumbnail 150 and 300 px allow AVIF
        // (7 tokens each); preview and full: 5 tokens at each dpr; and the original.
        assert_eq!(c.named_keys_per_image, 7 + 7 + 10 + 10 + 1);
        // 8 segments, 3 of which an arm gives a second template; 2 slots; 2 formats.
        assert_eq!(c.banner_keys, 11 * 2 * 2);
        assert!(over_budget(&config, &c).is_empty());
    }

    #[test]
    fn format_tokens_count_every_key_token_with_avif_only_where_allowed() {
        let config = Config::from_json(tailor_demo::CONFIG_JSON.as_bytes()).unwrap();
        let limit = config.images.avif_max_width;
        assert!(limit > 0);
        // auto, auto-webp, jpeg, png, webp; and auto-avif, avif where AVIF is allowed.
        assert_eq!(format_tokens(&config, limit), 7);
        assert_eq!(format_tokens(&config, limit + 1), 5);
    }

    #[test]
    fn budgets_are_enforced() {
        let mut doc: serde_json::Value = serde_json::from_str(tailor_demo::CONFIG_JSON).unwrap();
        doc["cache"]["max_keys_per_image"] = serde_json::json!(10);
        doc["cache"]["max_banner_keys"] = serde_json::json!(10);
        let config = Config::from_json(doc.to_string().as_bytes()).unwrap();
        let problems = over_budget(&config, &cardinality(&config));
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
