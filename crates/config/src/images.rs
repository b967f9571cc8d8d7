//! Validation of the `images` section (path prefixes, the free-form width ladder, the dpr
//! bucket) and of the output size limit it is bounded by.

use super::raw::{RawImages, RawLimits};
use super::ConfigError;

/// The largest output side any encoder here writes (WebP's limit; JPEG's is 65535).
const MAX_OUTPUT_SIDE: u32 = 16383;

pub(super) fn validate(images: &RawImages, limits: &RawLimits) -> Result<(), ConfigError> {
    let max_width = limits.max_output_width;
    if !(1..=MAX_OUTPUT_SIDE).contains(&max_width) {
        return Err(ConfigError::at(
            "limits.max_output_width",
            format!("{max_width} is outside 1..={MAX_OUTPUT_SIDE}"),
        ));
    }
    for (i, prefix) in images.path_prefixes.iter().enumerate() {
        tailor_image::check_prefix(prefix, limits.max_path_bytes).map_err(|e| {
            ConfigError::at(
                format!("images.path_prefixes[{i}]"),
                format!("'{prefix}' is not a path prefix: {e} (a trailing '/' is allowed)"),
            )
        })?;
    }
    if !(1..=3).contains(&images.max_dpr) {
        return Err(ConfigError::at("images.max_dpr", "must be 1, 2 or 3"));
    }
    let ladder = &images.width_ladder;
    if ladder.is_empty() {
        return Err(ConfigError::at(
            "images.width_ladder",
            "must list at least one width",
        ));
    }
    for (i, pair) in ladder.windows(2).enumerate() {
        if let [a, b] = pair {
            if a >= b {
                return Err(ConfigError::at(
                    format!("images.width_ladder[{}]", i + 1),
                    "widths must increase",
                ));
            }
        }
    }
    if let Some((i, w)) = ladder
        .iter()
        .enumerate()
        .find(|(_, &w)| w == 0 || w > max_width)
    {
        return Err(ConfigError::at(
            format!("images.width_ladder[{i}]"),
            format!("{w} is outside 1..={max_width} (limits.max_output_width)"),
        ));
    }
    Ok(())
}
