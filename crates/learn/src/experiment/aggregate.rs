//! Streams the edge's event log into per-visitor state, then into per-arm sums.
//!
//! Memory is bounded per visitor, not per line: a visitor is a 64-bit hash of its id with its
//! clicks and views so far (the CUPED covariate), the time of its latest click, one small
//! record per experiment it was exposed to (arm, assignment period, first exposure, first
//! click after it, activity before it) and its goals (capped). Lines without a visitor (no
//! consent) are counted and never enrolled.
//!
//! The first exposure of a visitor to an experiment fixes its arm and its assignment period
//! (the UTC day and the split in force, from the exposure line's `weights`). An exposure line
//! stamped earlier than the one already read replaces it, so files may be read in any order;
//! the pre-exposure activity is exact when a visitor's lines are read in time order and
//! otherwise counts what was read before the exposure plus later lines stamped earlier.

use crate::input::lines::{self, Line, Lines};
use crate::LearnError;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::path::Path;

/// Milliseconds in a UTC day.
pub const DAY_MS: i64 = 86_400_000;
/// Most goal lines kept per visitor (a bot posting thousands is capped, and counted).
pub const MAX_GOALS_PER_VISITOR: usize = 256;
/// Most experiments, arms per experiment, goal names and assignment periods per experiment:
/// bounds on what a malformed or hostile log can make the report hold.
pub const MAX_EXPERIMENTS: usize = 1_000;
/// Most arms per experiment.
pub const MAX_ARMS: usize = 256;
/// Most distinct goal names.
pub const MAX_GOAL_NAMES: usize = 1_000;
/// Most assignment periods per experiment.
pub const MAX_PERIODS: usize = 10_000;
/// Days a time series covers at most (from the first exposure on).
pub const MAX_SERIES_DAYS: usize = 400;

const NONE_TS: i64 = i64::MAX;

#[derive(Deserialize)]
struct LogLine<'a> {
    #[serde(borrow)]
    event: Cow<'a, str>,
    #[serde(borrow, default)]
    experiment: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    arm: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    visitor: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(default)]
    value: Option<f64>,
    #[serde(borrow, default)]
    weights: Option<BTreeMap<Cow<'a, str>, f64>>,
    #[serde(default)]
    ts_ms: Option<i64>,
}

/// What was read, what was skipped and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct InputCounts {
    /// Lines read, blank and bad ones included.
    pub lines: u64,
    /// Exposure lines, anonymous ones included (malformed ones count as `malformed`).
    pub exposures: u64,
    /// Impression lines, anonymous ones included.
    pub impressions: u64,
    /// Click lines, anonymous ones included.
    pub clicks: u64,
    /// View lines, anonymous ones included.
    pub views: u64,
    /// Goal lines, anonymous ones included (malformed ones count as `malformed`).
    pub goals: u64,
    /// Lines with `visitor: null` (no consent): counted, never enrolled.
    pub anonymous_lines: u64,
    /// Of the anonymous lines, impressions.
    pub anonymous_impressions: u64,
    /// Of the anonymous lines, clicks.
    pub anonymous_clicks: u64,
    /// Of the anonymous lines, goals.
    pub anonymous_goals: u64,
    /// Visitors with at least one line, and those exposed to some experiment.
    pub visitors: u64,
    /// Visitors exposed to at least one experiment.
    pub enrolled_visitors: u64,
    /// Goal lines of visitors never exposed, or dropped past the per-visitor cap.
    pub goals_not_enrolled: u64,
    /// Goal lines dropped past [`MAX_GOALS_PER_VISITOR`].
    pub goals_over_cap: u64,
    /// Exposure lines whose `weights` were missing (an equal split is assumed).
    pub exposures_without_weights: u64,
    /// Lines whose `event` is not exposure, goal, click, view or impression (skipped).
    pub unknown_events: u64,
    /// Lines that could not be used (bad JSON, missing or invalid fields); see `problems`.
    pub malformed: u64,
    /// Lines over the length limit (skipped).
    pub too_long: u64,
    /// Lines that are not UTF-8 (skipped).
    pub not_utf8: u64,
    /// The first problems, `file:line: detail`.
    pub problems: Vec<String>,
}

impl InputCounts {
    /// Most problems kept in `problems`.
    pub const KEPT_PROBLEMS: usize = 20;

    fn problem(&mut self, file: &str, line: u64, detail: &str) {
        self.malformed += 1;
        if self.problems.len() < Self::KEPT_PROBLEMS {
            self.problems.push(format!("{file}:{line}: {detail}"));
        }
    }
}

/// An assignment period: a UTC day and the split in force for new visitors then.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    /// Day number since 1970-01-01 (UTC).
    pub day: i64,
    /// Share per arm index (arms missing from the line's weights have 0). `None` when the
    /// exposure lines had no weights.
    pub weights: Option<Vec<f64>>,
}

/// One experiment as read: its arms in order of appearance and its assignment periods.
#[derive(Debug, Clone, Default)]
pub struct ExperimentInput {
    /// Experiment name, as the exposure lines give it.
    pub name: String,
    /// Arm names in order of appearance (a split's arms in its order, then the line's arm).
    pub arms: Vec<String>,
    arm_index: HashMap<String, u16>,
    /// Assignment periods in order of appearance.
    pub periods: Vec<Period>,
}

impl ExperimentInput {
    fn arm(&mut self, name: &str) -> Option<u16> {
        if let Some(&i) = self.arm_index.get(name) {
            return Some(i);
        }
        if self.arms.len() >= MAX_ARMS {
            return None;
        }
        let i = self.arms.len() as u16;
        self.arms.push(name.to_owned());
        self.arm_index.insert(name.to_owned(), i);
        Some(i)
    }
}

#[derive(Debug, Clone, Copy)]
struct Exposure {
    experiment: u16,
    arm: u16,
    period: u32,
    ts: i64,
    /// Clicks and views before the first exposure (the CUPED covariate).
    pre: u32,
    /// The first click at or after the exposure (`NONE_TS` when none).
    first_click: i64,
}

#[derive(Debug, Clone, Copy)]
struct Goal {
    name: u16,
    ts: i64,
    value: f32,
}

#[derive(Debug, Default)]
struct Visitor {
    activity: u32,
    last_click: Option<i64>,
    exposures: Vec<Exposure>,
    goals: Vec<Goal>,
}

/// The map's keys are already hashes: pass them through.
#[derive(Debug, Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// 64-bit hash of a visitor id (SipHash with fixed keys: two of a million ids collide with
/// a chance of about 3e-8).
fn visitor_key(id: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

/// Streams log lines in; [`Aggregator::finish`] turns them into per-arm sums.
#[derive(Debug, Default)]
pub struct Aggregator {
    visitors: HashMap<u64, Visitor, BuildHasherDefault<PassThrough>>,
    experiments: Vec<ExperimentInput>,
    experiment_index: HashMap<String, u16>,
    goal_names: Vec<String>,
    goal_index: HashMap<String, u16>,
    goal_has_value: Vec<bool>,
    /// What has been read and skipped so far.
    pub counts: InputCounts,
}

impl Aggregator {
    /// An aggregator that has read nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads a file (plain or gzipped), or standard input for `-`.
    pub fn read_path(&mut self, path: &str, max_line_bytes: usize) -> Result<(), LearnError> {
        let mut reader = if path == "-" {
            Lines::new(
                Box::new(std::io::BufReader::with_capacity(1 << 16, std::io::stdin())),
                max_line_bytes,
            )
        } else {
            lines::open(Path::new(path), max_line_bytes)?
        };
        self.read_lines(&mut reader, path)
    }

    /// Reads every line of `reader`, naming problems by `file` and line number.
    pub fn read_lines(&mut self, reader: &mut Lines, file: &str) -> Result<(), LearnError> {
        while let Some((number, line)) = reader.next_line().map_err(|e| LearnError::io(file, e))? {
            self.counts.lines += 1;
            match line {
                Line::Text(text) => self.line(&text, file, number),
                Line::TooLong => self.counts.too_long += 1,
                Line::NotUtf8 => self.counts.not_utf8 += 1,
            }
        }
        Ok(())
    }

    /// Takes one log line (blank lines are skipped).
    pub fn line(&mut self, text: &str, file: &str, number: u64) {
        if text.trim().is_empty() {
            return;
        }
        let parsed: LogLine<'_> = match serde_json::from_str(text) {
            Ok(p) => p,
            Err(e) => return self.counts.problem(file, number, &e.to_string()),
        };
        let event = parsed.event.as_ref();
        if !matches!(event, "exposure" | "goal" | "click" | "view" | "impression") {
            self.counts.unknown_events += 1;
            return;
        }
        let Some(ts) = parsed.ts_ms.filter(|&t| t >= 0) else {
            return self.counts.problem(
                file,
                number,
                &format!("a {event} line without a valid ts_ms"),
            );
        };
        let visitor = parsed.visitor.as_deref().filter(|v| !v.is_empty());
        let Some(visitor) = visitor else {
            self.counts.anonymous_lines += 1;
            match event {
                "impression" => self.counts.anonymous_impressions += 1,
                "click" => self.counts.anonymous_clicks += 1,
                "goal" => self.counts.anonymous_goals += 1,
                _ => {}
            }
            return self.count_event(event);
        };
        let key = visitor_key(visitor);
        match event {
            "exposure" => self.exposure(&parsed, key, ts, file, number),
            "goal" => self.goal(&parsed, key, ts, file, number),
            "click" | "view" => {
                self.count_event(event);
                let state = self.visitor(key);
                state.activity = state.activity.saturating_add(1);
                for exposure in &mut state.exposures {
                    if ts < exposure.ts {
                        // Read after the exposure but stamped before it.
                        exposure.pre = exposure.pre.saturating_add(1);
                    } else if event == "click" && ts < exposure.first_click {
                        exposure.first_click = ts;
                    }
                }
                if event == "click" {
                    state.last_click = Some(state.last_click.map_or(ts, |t| t.max(ts)));
                }
            }
            _ => {
                self.count_event(event);
                // Impressions only make a visitor known.
                self.visitor(key);
            }
        }
    }

    fn count_event(&mut self, event: &str) {
        match event {
            "exposure" => self.counts.exposures += 1,
            "goal" => self.counts.goals += 1,
            "click" => self.counts.clicks += 1,
            "view" => self.counts.views += 1,
            _ => self.counts.impressions += 1,
        }
    }

    fn visitor(&mut self, key: u64) -> &mut Visitor {
        self.visitors.entry(key).or_default()
    }

    fn exposure(&mut self, line: &LogLine<'_>, key: u64, ts: i64, file: &str, number: u64) {
        let (Some(name), Some(arm)) = (
            line.experiment.as_deref().filter(|s| !s.is_empty()),
            line.arm.as_deref().filter(|s| !s.is_empty()),
        ) else {
            return self.counts.problem(
                file,
                number,
                "an exposure line without an experiment or an arm",
            );
        };
        let Some(experiment) = self.experiment(name) else {
            return self
                .counts
                .problem(file, number, "more than 1,000 experiments");
        };
        let Some(info) = self.experiments.get_mut(usize::from(experiment)) else {
            return;
        };
        let arm_name = arm;
        // The split's arms first (in its order), then the line's own arm.
        let weights = match &line.weights {
            Some(map) => {
                let mut shares = Vec::with_capacity(map.len());
                for (name, &share) in map {
                    if !share.is_finite() || share < 0.0 {
                        return self.counts.problem(
                            file,
                            number,
                            "exposure weights must be finite and non-negative",
                        );
                    }
                    let Some(i) = info.arm(name) else {
                        return self.counts.problem(
                            file,
                            number,
                            "more than 256 arms in an experiment",
                        );
                    };
                    shares.push((i, share));
                }
                if shares.iter().map(|(_, s)| s).sum::<f64>() <= 0.0 {
                    return self
                        .counts
                        .problem(file, number, "exposure weights sum to zero");
                }
                Some(shares)
            }
            None => None,
        };
        let Some(arm) = info.arm(arm_name) else {
            return self
                .counts
                .problem(file, number, "more than 256 arms in an experiment");
        };
        if weights.is_none() {
            self.counts.exposures_without_weights += 1;
        }
        self.counts.exposures += 1;
        let state = self.visitors.entry(key).or_default();
        let known = state
            .exposures
            .iter()
            .position(|e| e.experiment == experiment);
        if known
            .and_then(|i| state.exposures.get(i))
            .is_some_and(|k| k.ts <= ts)
        {
            // A later exposure of an enrolled visitor: arm and period stay.
            return;
        }
        let period = Period {
            day: ts.div_euclid(DAY_MS),
            weights: weights.map(|shares| {
                let mut by_arm = vec![0.0; info.arms.len()];
                for (i, share) in shares {
                    if let Some(slot) = by_arm.get_mut(usize::from(i)) {
                        *slot = share;
                    }
                }
                by_arm
            }),
        };
        // Periods are few (a split per day at most, in practice): the latest match first.
        let period = match info.periods.iter().rposition(|p| same_period(p, &period)) {
            Some(i) => i as u32,
            None if info.periods.len() >= MAX_PERIODS => {
                return self
                    .counts
                    .problem(file, number, "more than 10,000 assignment periods");
            }
            None => {
                info.periods.push(period);
                (info.periods.len() - 1) as u32
            }
        };
        let first_click = state.last_click.filter(|&c| c >= ts).unwrap_or(NONE_TS);
        match known.and_then(|i| state.exposures.get_mut(i)) {
            Some(earlier_read) => {
                earlier_read.arm = arm;
                earlier_read.period = period;
                earlier_read.ts = ts;
                earlier_read.first_click = earlier_read.first_click.min(first_click);
            }
            None => {
                if state.exposures.capacity() == 0 {
                    state.exposures.reserve_exact(1);
                }
                state.exposures.push(Exposure {
                    experiment,
                    arm,
                    period,
                    ts,
                    pre: state.activity,
                    first_click,
                });
            }
        }
    }

    fn experiment(&mut self, name: &str) -> Option<u16> {
        if let Some(&i) = self.experiment_index.get(name) {
            return Some(i);
        }
        if self.experiments.len() >= MAX_EXPERIMENTS {
            return None;
        }
        let i = self.experiments.len() as u16;
        self.experiments.push(ExperimentInput {
            name: name.to_owned(),
            ..ExperimentInput::default()
        });
        self.experiment_index.insert(name.to_owned(), i);
        Some(i)
    }

    fn goal(&mut self, line: &LogLine<'_>, key: u64, ts: i64, file: &str, number: u64) {
        let Some(name) = line.name.as_deref().filter(|s| !s.is_empty()) else {
            return self
                .counts
                .problem(file, number, "a goal line without a name");
        };
        let value = match line.value {
            Some(v) if v.is_finite() && v.abs() < 1e30 => v as f32,
            Some(_) => {
                return self
                    .counts
                    .problem(file, number, "a goal value must be a finite number")
            }
            None => 0.0,
        };
        let index = match self.goal_index.get(name) {
            Some(&i) => i,
            None if self.goal_names.len() >= MAX_GOAL_NAMES => {
                return self
                    .counts
                    .problem(file, number, "more than 1,000 goal names");
            }
            None => {
                let i = self.goal_names.len() as u16;
                self.goal_names.push(name.to_owned());
                self.goal_index.insert(name.to_owned(), i);
                self.goal_has_value.push(false);
                i
            }
        };
        if line.value.is_some() {
            if let Some(flag) = self.goal_has_value.get_mut(usize::from(index)) {
                *flag = true;
            }
        }
        self.counts.goals += 1;
        let state = self.visitors.entry(key).or_default();
        if state.goals.len() >= MAX_GOALS_PER_VISITOR {
            self.counts.goals_over_cap += 1;
            return;
        }
        state.goals.push(Goal {
            name: index,
            ts,
            value,
        });
    }

    /// Per experiment, arm and assignment period: each metric's sums (with the covariate for
    /// CUPED) and the daily counts behind the cumulative time series.
    pub fn finish(mut self) -> Tally {
        let metrics = metric_list(&self.goal_names, &self.goal_has_value);
        let mut experiments: Vec<ExperimentTally> = self
            .experiments
            .iter()
            .map(|e| ExperimentTally::new(e.clone(), metrics.len()))
            .collect();
        self.counts.visitors = self.visitors.len() as u64;
        let mut values = vec![0.0_f64; metrics.len()];
        let mut conversion_day = vec![None::<i64>; metrics.len()];
        for visitor in self.visitors.values() {
            if visitor.exposures.is_empty() {
                self.counts.goals_not_enrolled += visitor.goals.len() as u64;
                continue;
            }
            self.counts.enrolled_visitors += 1;
            for exposure in &visitor.exposures {
                let Some(tally) = experiments.get_mut(usize::from(exposure.experiment)) else {
                    continue;
                };
                values.iter_mut().for_each(|v| *v = 0.0);
                conversion_day.iter_mut().for_each(|d| *d = None);
                if exposure.first_click != NONE_TS {
                    if let Some(v) = values.get_mut(0) {
                        *v = 1.0;
                    }
                    if let Some(d) = conversion_day.get_mut(0) {
                        *d = Some(exposure.first_click.div_euclid(DAY_MS));
                    }
                }
                for goal in visitor.goals.iter().filter(|g| g.ts >= exposure.ts) {
                    for (m, metric) in metrics.iter().enumerate() {
                        match metric {
                            Metric::Conversion(g) if *g == goal.name => {
                                if let Some(v) = values.get_mut(m) {
                                    *v = 1.0;
                                }
                                if let Some(d) = conversion_day.get_mut(m) {
                                    let day = goal.ts.div_euclid(DAY_MS);
                                    *d = Some(d.map_or(day, |k| k.min(day)));
                                }
                            }
                            Metric::Value(g) if *g == goal.name => {
                                if let Some(v) = values.get_mut(m) {
                                    *v += f64::from(goal.value);
                                }
                            }
                            _ => {}
                        }
                    }
                }
                tally.add(exposure, &values, &conversion_day);
            }
        }
        let names = metrics
            .iter()
            .map(|m| m.label(&self.goal_names))
            .collect::<Vec<_>>();
        let kinds = metrics.iter().map(|m| m.is_proportion()).collect();
        for e in &mut experiments {
            e.metric_names.clone_from(&names);
        }
        Tally {
            experiments,
            metric_names: names,
            metric_is_proportion: kinds,
            counts: self.counts,
        }
    }
}

fn same_period(a: &Period, b: &Period) -> bool {
    if a.day != b.day {
        return false;
    }
    match (&a.weights, &b.weights) {
        (None, None) => true,
        (Some(x), Some(y)) => {
            let n = x.len().max(y.len());
            (0..n).all(|i| {
                let (p, q) = (
                    x.get(i).copied().unwrap_or(0.0),
                    y.get(i).copied().unwrap_or(0.0),
                );
                (p - q).abs() <= 1e-12
            })
        }
        _ => false,
    }
}

/// The metrics of a report: click-through, then per goal its conversion and (when any goal
/// line of that name carried a value) its value per visitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Metric {
    ClickThrough,
    Conversion(u16),
    Value(u16),
}

impl Metric {
    fn label(self, goals: &[String]) -> String {
        let goal = |g: u16| goals.get(usize::from(g)).cloned().unwrap_or_default();
        match self {
            Metric::ClickThrough => "click-through".to_owned(),
            Metric::Conversion(g) => format!("{} conversion", goal(g)),
            Metric::Value(g) => format!("{} value", goal(g)),
        }
    }

    fn is_proportion(self) -> bool {
        !matches!(self, Metric::Value(_))
    }
}

fn metric_list(goals: &[String], has_value: &[bool]) -> Vec<Metric> {
    let mut list = vec![Metric::ClickThrough];
    for g in 0..goals.len() {
        let g16 = g as u16;
        list.push(Metric::Conversion(g16));
        if has_value.get(g).copied().unwrap_or(false) {
            list.push(Metric::Value(g16));
        }
    }
    list
}

/// Sums of one metric in one cell (arm × period): the metric, the covariate and their
/// cross products, as [`tailor_stats::CupedStats`] needs them.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Sums {
    /// Visitors in the cell.
    pub n: u64,
    /// Sum of the metric's values.
    pub sum: f64,
    /// Sum of the squared values.
    pub sum_squares: f64,
    /// Sum of the covariate (clicks and views before the first exposure).
    pub pre_sum: f64,
    /// Sum of the squared covariate.
    pub pre_sum_squares: f64,
    /// Sum of value × covariate.
    pub sum_products: f64,
}

impl Sums {
    fn push(&mut self, value: f64, pre: f64) {
        self.n += 1;
        self.sum += value;
        self.sum_squares += value * value;
        self.pre_sum += pre;
        self.pre_sum_squares += pre * pre;
        self.sum_products += value * pre;
    }
}

/// One experiment's sums: `cells[metric][period][arm]`, and per period and arm the visitors
/// and, for proportion metrics, how many converted on each day (for the time series).
#[derive(Debug, Clone)]
pub struct ExperimentTally {
    /// The experiment as read: name, arms and periods.
    pub input: ExperimentInput,
    /// Metric labels, in `cells` order.
    pub metric_names: Vec<String>,
    /// Sums, indexed `[metric][period][arm]`.
    pub cells: Vec<Vec<Vec<Sums>>>,
    /// `(metric, period, arm)` → conversions per day since the first period's day.
    pub daily_conversions: HashMap<(usize, usize, usize), Vec<u64>>,
}

impl ExperimentTally {
    fn new(input: ExperimentInput, metrics: usize) -> Self {
        let periods = input.periods.len();
        let arms = input.arms.len();
        Self {
            cells: vec![vec![vec![Sums::default(); arms]; periods]; metrics],
            input,
            metric_names: Vec::new(),
            daily_conversions: HashMap::new(),
        }
    }

    /// The first day of any period (the time series' day 0).
    pub fn first_day(&self) -> i64 {
        self.input.periods.iter().map(|p| p.day).min().unwrap_or(0)
    }

    fn add(&mut self, exposure: &Exposure, values: &[f64], conversion_day: &[Option<i64>]) {
        let (period, arm) = (exposure.period as usize, usize::from(exposure.arm));
        let first_day = self.first_day();
        for (m, (&value, &day)) in values.iter().zip(conversion_day).enumerate() {
            if let Some(cell) = self
                .cells
                .get_mut(m)
                .and_then(|c| c.get_mut(period))
                .and_then(|c| c.get_mut(arm))
            {
                cell.push(value, f64::from(exposure.pre));
            }
            if let Some(day) = day {
                let offset = (day - first_day).clamp(0, MAX_SERIES_DAYS as i64 - 1) as usize;
                let days = self.daily_conversions.entry((m, period, arm)).or_default();
                if days.len() <= offset {
                    days.resize(offset + 1, 0);
                }
                if let Some(slot) = days.get_mut(offset) {
                    *slot += 1;
                }
            }
        }
    }
}

/// Everything a report needs, with no per-visitor state left.
#[derive(Debug, Clone)]
pub struct Tally {
    /// One per experiment, in order of first appearance.
    pub experiments: Vec<ExperimentTally>,
    /// Metric labels: `click-through`, then per goal `<goal> conversion` and maybe `<goal> value`.
    pub metric_names: Vec<String>,
    /// Per metric: whether it is a 0/1 proportion (click-through, conversions) or a value.
    pub metric_is_proportion: Vec<bool>,
    /// What was read and skipped.
    pub counts: InputCounts,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn read(lines: &[&str]) -> Tally {
        let mut a = Aggregator::new();
        for (i, line) in lines.iter().enumerate() {
            a.counts.lines += 1;
            a.line(line, "test", i as u64 + 1);
        }
        a.finish()
    }

    const W: &str = r#""weights":{"a":0.5,"b":0.5}"#;

    #[test]
    fn the_first_exposure_fixes_the_arm_and_clicks_count_after_it() {
        let lines = [
            r#"{"event":"view","item":"x","visitor":"v1","ts_ms":1000}"#.to_owned(),
            r#"{"event":"click","item":"x","visitor":"v1","ts_ms":1500}"#.to_owned(),
            format!(
                r#"{{"event":"exposure","experiment":"e","arm":"a","visitor":"v1","segment":"s",{W},"ts_ms":2000}}"#
            ),
            // A later day's exposure in another arm does not move the visitor.
            format!(
                r#"{{"event":"exposure","experiment":"e","arm":"b","visitor":"v1","segment":"s",{W},"ts_ms":90000000}}"#
            ),
            r#"{"event":"click","item":"x","visitor":"v1","ts_ms":3000}"#.to_owned(),
            format!(
                r#"{{"event":"exposure","experiment":"e","arm":"b","visitor":"v2","segment":"s",{W},"ts_ms":2000}}"#
            ),
            r#"{"event":"goal","name":"purchase","value":10.0,"visitor":"v2","arms":{"e":"b"},"ts_ms":5000}"#.to_owned(),
            r#"{"event":"goal","name":"purchase","value":null,"visitor":"v2","ts_ms":6000}"#.to_owned(),
            // Before exposure: not counted.
            r#"{"event":"goal","name":"purchase","value":99.0,"visitor":"v2","ts_ms":1000}"#.to_owned(),
            r#"{"event":"impression","slot":"hero","items":["a"],"visitor":null,"ts_ms":1}"#.to_owned(),
            r#"{"event":"goal","name":"purchase","value":1.0,"visitor":"never","ts_ms":1}"#.to_owned(),
        ];
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let tally = read(&refs);
        assert_eq!(
            tally.metric_names,
            ["click-through", "purchase conversion", "purchase value"]
        );
        let e = &tally.experiments[0];
        assert_eq!(e.input.arms, ["a", "b"]);
        assert_eq!(
            e.input.periods.len(),
            1,
            "the next day's line did not enrol"
        );
        let (a, b) = (e.cells[0][0][0], e.cells[0][0][1]);
        assert_eq!((a.n, a.sum, a.pre_sum), (1, 1.0, 2.0));
        assert_eq!((b.n, b.sum, b.pre_sum), (1, 0.0, 0.0));
        assert_eq!(e.cells[1][0][1].sum, 1.0);
        assert_eq!(e.cells[2][0][1].sum, 10.0);
        assert_eq!(tally.counts.anonymous_impressions, 1);
        assert_eq!(tally.counts.goals_not_enrolled, 1);
        assert_eq!(tally.counts.enrolled_visitors, 2);
        assert_eq!(tally.counts.visitors, 3);
    }

    #[test]
    fn an_earlier_exposure_read_later_wins_and_splits_make_periods() {
        let tally = read(&[
            r#"{"event":"exposure","experiment":"e","arm":"b","visitor":"v","weights":{"a":0.5,"b":0.5},"ts_ms":86400001}"#,
            r#"{"event":"exposure","experiment":"e","arm":"a","visitor":"v","weights":{"a":0.9,"b":0.1},"ts_ms":5}"#,
            r#"{"event":"exposure","experiment":"e","arm":"a","visitor":"w","ts_ms":5}"#,
        ]);
        let e = &tally.experiments[0];
        assert_eq!(e.input.periods.len(), 3);
        assert_eq!(e.input.periods[1].weights, Some(vec![0.9, 0.1]));
        assert_eq!(e.cells[0][1][0].n, 1);
        assert_eq!(e.cells[0][0][1].n, 0);
        assert_eq!(tally.counts.exposures_without_weights, 1);
    }

    #[test]
    fn bad_lines_are_counted_with_their_place_and_never_panic() {
        let tally = read(&[
            "{",
            "[]",
            r#"{"event":"exposure","visitor":"v","ts_ms":1}"#,
            r#"{"event":"exposure","experiment":"e","arm":"a","visitor":"v","weights":{"a":-1},"ts_ms":1}"#,
            r#"{"event":"exposure","experiment":"e","arm":"a","visitor":"v","weights":{"a":0},"ts_ms":1}"#,
            r#"{"event":"goal","visitor":"v","ts_ms":1}"#,
            r#"{"event":"goal","name":"g","value":"x","visitor":"v","ts_ms":1}"#,
            r#"{"event":"click","visitor":"v"}"#,
            r#"{"event":"teleport"}"#,
            "",
        ]);
        assert_eq!(tally.counts.malformed, 8);
        assert_eq!(tally.counts.unknown_events, 1);
        assert!(tally.counts.problems[0].starts_with("test:1:"));
    }
}
