//! An A/B(/n) experiment log with a known truth, as the edge writes it: per visitor some
//! views before the first exposure (the more a visitor browsed before, the likelier it clicks
//! after: what CUPED exploits), one exposure line per UTC day with the split in force,
//! impressions, views, a click with a probability raised by the arm's true uplift, and goals
//! (`purchase`, with a value) that follow clicks. A share of visitors has no consent and logs
//! `visitor: null` without being exposed.
//!
//! Arm `i` (of `arms`, control = 0) multiplies the click probability by
//! `1 + uplift × i / (arms − 1)`: with two arms the treatment's true relative uplift in
//! click-through is `uplift`. Purchases follow clicks and get the same factor on top, so
//! their uplift compounds (about `(1 + uplift)² − 1` at small click rates); signups have none. `control_share` assigns visitors with another split than the one the lines
//! record, to test SRM detection.

use super::Rng;
use std::fmt::Write as _;
use std::io::Write;

/// What experiment log to generate.
#[derive(Debug, Clone)]
pub struct ExperimentLog {
    /// Seed of the generator: the same seed gives the same log.
    pub seed: u64,
    /// Stop after this many lines (at a visitor boundary)...
    pub lines: u64,
    /// ...or after this many visitors, whichever comes first.
    pub visitors: u64,
    /// Arms, control included (at least 2).
    pub arms: usize,
    /// The last arm's true relative uplift in click-through; arms between get their share.
    pub uplift: f64,
    /// The share of visitors actually sent to control (`None`: the recorded split).
    pub control_share: Option<f64>,
    /// Days over which visitors arrive.
    pub days: u32,
    /// Share of visitors who consented.
    pub consent: f64,
    /// Click probability of an average visitor in control.
    pub base_click: f64,
    /// Impressions and views around the exposure (false: exposure and click lines only,
    /// for fast tests at many visitors).
    pub detail: bool,
    /// Experiment name.
    pub name: String,
    /// When the first visitor arrives (Unix ms).
    pub start_ms: i64,
}

impl Default for ExperimentLog {
    fn default() -> Self {
        Self {
            seed: 11,
            lines: u64::MAX,
            visitors: u64::MAX,
            arms: 2,
            uplift: 0.1,
            control_share: None,
            days: 14,
            consent: 0.85,
            base_click: 0.12,
            detail: true,
            name: "hero-layout".to_owned(),
            start_ms: 1_764_547_200_000, // 2025-12-01T00:00:00Z
        }
    }
}

impl ExperimentLog {
    /// The arm names: `control`, `treatment` (two arms) or `arm-1`, `arm-2`...
    pub fn arm_names(&self) -> Vec<String> {
        (0..self.arms.max(2))
            .map(|i| match (i, self.arms.max(2)) {
                (0, _) => "control".to_owned(),
                (1, 2) => "treatment".to_owned(),
                (i, _) => format!("arm-{i}"),
            })
            .collect()
    }
}

const DAY_MS: i64 = 86_400_000;
const SEGMENTS: [&str; 3] = ["desktop", "mobile", "dach"];

/// Writes the log; returns (lines, visitors).
pub fn write_log(spec: &ExperimentLog, out: &mut impl Write) -> std::io::Result<(u64, u64)> {
    let mut rng = Rng::new(spec.seed);
    let arms = spec.arm_names();
    let k = arms.len();
    let weights = arms
        .iter()
        .map(|a| format!("\"{a}\":{}", 1.0 / k as f64))
        .collect::<Vec<_>>()
        .join(",");
    // Visitors arrive evenly over the days: spread by the expected count.
    let per_visitor = if spec.detail { 4.2 } else { 1.1 };
    let expected = (spec.lines as f64 / per_visitor)
        .min(spec.visitors as f64)
        .max(1.0);
    let span_ms = f64::from(spec.days.max(1)) * DAY_MS as f64;
    let (mut lines, mut visitors) = (0_u64, 0_u64);
    let mut line = String::with_capacity(512);
    while lines < spec.lines && visitors < spec.visitors {
        let v = visitors;
        visitors += 1;
        let arrive =
            spec.start_ms + ((v as f64 / expected * span_ms) as i64).min(span_ms as i64 - 1);
        let segment = SEGMENTS
            .get(rng.below(SEGMENTS.len()))
            .copied()
            .unwrap_or("desktop");
        // Browsing before the exposure: 0, 1, 2... views (mean about 1.5).
        let mut pre = 0_u32;
        while pre < 12 && rng.chance(0.6) {
            pre += 1;
        }
        let arm = match spec.control_share {
            Some(share) if rng.chance(share) => 0,
            Some(_) => 1 + rng.below(k - 1),
            None => rng.below(k),
        };
        let arm_name = arms.get(arm).map_or("control", String::as_str);
        let lift = 1.0 + spec.uplift * arm as f64 / (k - 1) as f64;
        let engagement = 0.4 + 0.4 * f64::from(pre);
        let p_click = (spec.base_click * engagement * lift).min(0.95);
        if !rng.chance(spec.consent) {
            // No consent: impressions and maybe a click, no exposure, no visitor.
            let mut ts = arrive;
            for _ in 0..2 {
                ts += 2_000;
                impression(&mut line, segment, "null", "{}", ts, &mut rng);
                lines += emit(out, &mut line)?;
            }
            if rng.chance(p_click) {
                let _ = write!(
                    line,
                    r#"{{"event":"click","item":"sku-{:03}","category":"shoes","slot":"hero","segment":"{segment}","visitor":null,"arms":{{}},"ts_ms":{}}}"#,
                    rng.below(240) + 1,
                    ts + 5_000
                );
                lines += emit(out, &mut line)?;
            }
            continue;
        }
        let id = format!("\"v{:x}-{v}\"", spec.seed);
        let mut ts = arrive;
        if spec.detail {
            for _ in 0..pre {
                ts += 20_000;
                let _ = write!(
                    line,
                    r#"{{"event":"view","item":"sku-{:03}","category":"bags","slot":"recs","segment":"{segment}","visitor":{id},"arms":{{}},"ts_ms":{ts}}}"#,
                    rng.below(240) + 1
                );
                lines += emit(out, &mut line)?;
            }
        }
        ts += 1_000;
        let arms_map = format!(r#"{{"{}":"{arm_name}"}}"#, spec.name);
        exposure(&mut line, spec, arm_name, &id, segment, &weights, ts);
        lines += emit(out, &mut line)?;
        if spec.detail {
            ts += 500;
            impression(&mut line, segment, &id, &arms_map, ts, &mut rng);
            lines += emit(out, &mut line)?;
        }
        let clicked = rng.chance(p_click);
        if clicked {
            ts += 8_000;
            let item = rng.below(240) + 1;
            let _ = write!(
                line,
                r#"{{"event":"click","item":"sku-{item:03}","category":"shoes","slot":"hero","segment":"{segment}","visitor":{id},"arms":{arms_map},"ts_ms":{ts}}}"#
            );
            lines += emit(out, &mut line)?;
            if spec.detail {
                ts += 3_000;
                let _ = write!(
                    line,
                    r#"{{"event":"view","item":"sku-{item:03}","category":"shoes","slot":"page","segment":"{segment}","visitor":{id},"arms":{arms_map},"ts_ms":{ts}}}"#
                );
                lines += emit(out, &mut line)?;
            }
        }
        if spec.detail {
            let p_buy = if clicked { 0.25 } else { 0.02 } * lift.min(4.0);
            if rng.chance(p_buy.min(0.95)) {
                ts += 60_000;
                let value = (20.0 + 80.0 * rng.unit()) * 100.0;
                let _ = write!(
                    line,
                    r#"{{"event":"goal","name":"purchase","value":{:.2},"visitor":{id},"segment":"{segment}","arms":{arms_map},"ts_ms":{ts}}}"#,
                    value.round() / 100.0
                );
                lines += emit(out, &mut line)?;
            }
            if rng.chance(0.1) {
                ts += 5_000;
                let _ = write!(
                    line,
                    r#"{{"event":"goal","name":"signup","value":null,"visitor":{id},"segment":"{segment}","arms":{arms_map},"ts_ms":{ts}}}"#
                );
                lines += emit(out, &mut line)?;
            }
            // A third come back the next day: a new exposure line, the same arm.
            if rng.chance(0.33) {
                let next = (ts / DAY_MS + 1) * DAY_MS + rng.below(40_000_000) as i64;
                exposure(&mut line, spec, arm_name, &id, segment, &weights, next);
                lines += emit(out, &mut line)?;
                impression(&mut line, segment, &id, &arms_map, next + 500, &mut rng);
                lines += emit(out, &mut line)?;
            }
        }
    }
    Ok((lines, visitors))
}

fn exposure(
    line: &mut String,
    spec: &ExperimentLog,
    arm: &str,
    id: &str,
    segment: &str,
    weights: &str,
    ts: i64,
) {
    let _ = write!(
        line,
        r#"{{"event":"exposure","experiment":"{}","arm":"{arm}","visitor":{id},"segment":"{segment}","weights":{{{weights}}},"ts_ms":{ts}}}"#,
        spec.name
    );
}

fn impression(line: &mut String, segment: &str, id: &str, arms: &str, ts: i64, rng: &mut Rng) {
    let first = rng.below(230) + 1;
    let _ = write!(
        line,
        r#"{{"event":"impression","slot":"hero","segment":"{segment}","policy":"neighbours","version":"v3","items":["sku-{:03}","sku-{:03}","sku-{:03}","sku-{:03}"],"visitor":{id},"arms":{arms},"ts_ms":{ts}}}"#,
        first,
        first + 1,
        first + 2,
        first + 3
    );
}

fn emit(out: &mut impl Write, line: &mut String) -> std::io::Result<u64> {
    line.push('\n');
    out.write_all(line.as_bytes())?;
    line.clear();
    Ok(1)
}
