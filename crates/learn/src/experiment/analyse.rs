//! From per-arm sums to a report: per experiment, arm and metric the uplift against control
//! with its 95 % interval (fixed-horizon and always-valid sequential), the chance to beat
//! control, Holm-adjusted p-values, CUPED where the covariate helps, and SRM against the split
//! the exposure lines recorded. Every statistic comes from `tailor-stats`; a cell that cannot
//! be computed carries the reason instead of a number.

use super::aggregate::{ExperimentTally, Sums, Tally, DAY_MS};
use serde::Serialize;
use std::collections::BTreeMap;
use tailor_stats::sequential::DEFAULT_TUNING;
use tailor_stats::srm::SRM_THRESHOLD;
use tailor_stats::{
    bayesian, cuped, frequentist, holm, sequential, srm, srm_over_periods, weight_by_period,
    ArmSummary, CupedStats, MetricKind, SampleStats, Scale, StatsError,
};

/// What the report compares against and how.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The control arm's name (else the plan's first arm, an arm named `control`, or the
    /// first arm seen).
    pub control: Option<String>,
    /// 1 − the intervals' coverage.
    pub alpha: f64,
    /// The metric the time series and the bandit use (`click-through` or `<goal> conversion`).
    pub primary: String,
    /// Per experiment, its arms in order with their configured weights (from the config).
    pub plan: BTreeMap<String, Vec<(String, f64)>>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            control: None,
            alpha: 0.05,
            primary: "click-through".to_owned(),
            plan: BTreeMap::new(),
        }
    }
}

/// A point and its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Point estimate.
    pub point: f64,
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
}

/// One arm against control on one metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Name of the arm compared with control.
    pub arm: String,
    /// Difference of the means (fixed-horizon 95 % interval).
    pub absolute: Option<Interval>,
    /// Difference relative to the control mean (fixed-horizon 95 % interval).
    pub relative: Option<Interval>,
    /// Fixed-horizon p-value of the relative uplift (of the absolute one if control's mean is 0).
    pub p_value: Option<f64>,
    /// Holm-adjusted over every arm and metric of the experiment.
    pub p_holm: Option<f64>,
    /// Always-valid interval of the relative uplift: may be read every day.
    pub sequential: Option<Interval>,
    /// Posterior probability (0..1) that the arm beats control.
    pub chance_to_beat_control: Option<f64>,
    /// CUPED's theta and the share of variance it removed, when applied.
    pub cuped: Option<CupedNote>,
    /// Why something above is missing.
    pub reason: Option<String>,
}

/// How CUPED adjusted a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CupedNote {
    /// Regression coefficient on the covariate (clicks and views before the first exposure).
    pub theta: f64,
    /// Share (0..1) of the difference's variance removed.
    pub variance_reduction: f64,
}

/// One arm's plain mean of one metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArmMean {
    /// Arm name.
    pub arm: String,
    /// Visitors enrolled in the arm.
    pub visitors: u64,
    /// Unadjusted mean per visitor (a share for proportions).
    pub mean: f64,
}

/// One metric of an experiment: the arms' means and each arm against control.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricReport {
    /// Metric label (`click-through`, `<goal> conversion` or `<goal> value`).
    pub name: String,
    /// Whether the metric is a 0/1 proportion rather than a value per visitor.
    pub proportion: bool,
    /// Per arm, control first.
    pub arms: Vec<ArmMean>,
    /// Every other arm against control, in report order.
    pub comparisons: Vec<Comparison>,
}

/// One arm's visitors against its intended share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArmLine {
    /// Arm name.
    pub name: String,
    /// Visitors enrolled in the arm.
    pub visitors: u64,
    /// The intended share (the latest split the exposure lines recorded).
    pub expected_share: f64,
    /// The arm's share of all enrolled visitors.
    pub observed_share: f64,
}

/// Sample-ratio mismatch: do the arms' visitors fit the recorded split?
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SrmCheck {
    /// Chi-square p-value of the visitors per arm against the split.
    pub p_value: Option<f64>,
    /// Whether the p-value is below 0.001 (`SRM_THRESHOLD`): a mismatch.
    pub flagged: bool,
    /// `single split` or `per period` (the split changed: each period's own split).
    pub method: &'static str,
    /// Why there is no p-value.
    pub reason: Option<String>,
}

/// The primary metric's cumulative relative uplift up to the end of a day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayPoint {
    /// The day, `YYYY-MM-DD` (UTC).
    pub day: String,
    /// Arm compared with control.
    pub arm: String,
    /// The arm's visitors exposed by the end of the day.
    pub visitors: u64,
    /// Fixed-horizon interval of the relative uplift.
    pub relative: Option<Interval>,
    /// Always-valid interval of the relative uplift.
    pub sequential: Option<Interval>,
}

/// One experiment's report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExperimentReport {
    /// Experiment name.
    pub name: String,
    /// Name of the control arm.
    pub control: String,
    /// Earliest day a visitor was enrolled, `YYYY-MM-DD` (UTC).
    pub first_day: String,
    /// Latest day a visitor was enrolled, `YYYY-MM-DD` (UTC).
    pub last_day: String,
    /// Arms, control first.
    pub arms: Vec<ArmLine>,
    /// Distinct splits recorded by the exposure lines.
    pub splits: usize,
    /// Sample-ratio mismatch check.
    pub srm: SrmCheck,
    /// Every metric, click-through first.
    pub metrics: Vec<MetricReport>,
    /// The metric the time series follows.
    pub primary: String,
    /// The primary metric's cumulative uplift per day and arm (empty unless a proportion).
    pub series: Vec<DayPoint>,
    /// Caveats for the reader (assumed splits, a changed split, a control not found…).
    pub notes: Vec<String>,
}

/// The experiment report over everything read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// What was read and skipped.
    pub input: super::aggregate::InputCounts,
    /// 1 − the intervals' coverage.
    pub alpha: f64,
    /// One per experiment, in order of first appearance in the log.
    pub experiments: Vec<ExperimentReport>,
}

/// The report over everything read.
pub fn analyse(tally: &Tally, settings: &Settings) -> Report {
    let experiments = tally
        .experiments
        .iter()
        .map(|e| experiment(e, tally, settings))
        .collect();
    Report {
        input: tally.counts.clone(),
        alpha: settings.alpha,
        experiments,
    }
}

/// An experiment's arms in report order (control first) and its resolved splits.
pub(crate) struct Layout {
    /// Tally arm indices, control first.
    pub order: Vec<usize>,
    /// Per period, its split over tally arms (resolved when the lines had none).
    pub period_weights: Vec<Vec<f64>>,
    /// Period → phase (periods with the same split share a phase).
    pub phase_of: Vec<usize>,
    pub phases: usize,
    pub notes: Vec<String>,
}

pub(crate) fn layout(e: &ExperimentTally, settings: &Settings) -> Layout {
    let arms = &e.input.arms;
    let mut notes = Vec::new();
    let plan = settings.plan.get(&e.input.name);
    let by_name = |name: &str| arms.iter().position(|a| a == name);
    let control = settings
        .control
        .as_deref()
        .and_then(|c| {
            let found = by_name(c);
            if found.is_none() {
                notes.push(format!("no arm '{c}' here: the control is chosen as usual"));
            }
            found
        })
        .or_else(|| plan.and_then(|p| p.iter().find_map(|(name, _)| by_name(name))))
        .or_else(|| by_name("control"))
        .unwrap_or(0);
    let mut order = vec![control];
    if let Some(plan) = plan {
        order.extend(
            plan.iter()
                .filter_map(|(name, _)| by_name(name))
                .filter(|&i| i != control),
        );
    }
    for i in 0..arms.len() {
        if !order.contains(&i) {
            order.push(i);
        }
    }
    let fallback: Vec<f64> = match plan {
        Some(plan) => arms
            .iter()
            .map(|a| {
                plan.iter()
                    .find(|(name, _)| name == a)
                    .map_or(0.0, |(_, w)| *w)
            })
            .collect(),
        None => vec![1.0; arms.len()],
    };
    let mut missing = false;
    let period_weights: Vec<Vec<f64>> = e
        .input
        .periods
        .iter()
        .map(|p| {
            let mut w = p.weights.clone().unwrap_or_else(|| {
                missing = true;
                fallback.clone()
            });
            w.resize(arms.len(), 0.0);
            let total: f64 = w.iter().sum();
            if total > 0.0 {
                w.iter_mut().for_each(|x| *x /= total);
            }
            w
        })
        .collect();
    if missing {
        notes.push(if plan.is_some() {
            "some exposure lines had no weights: the config's split is assumed for them".into()
        } else {
            "some exposure lines had no weights: an equal split is assumed for them".into()
        });
    }
    let mut distinct: Vec<&Vec<f64>> = Vec::new();
    let phase_of = period_weights
        .iter()
        .map(|w| match distinct.iter().position(|d| close(d, w)) {
            Some(i) => i,
            None => {
                distinct.push(w);
                distinct.len() - 1
            }
        })
        .collect();
    Layout {
        order,
        phases: distinct.len(),
        period_weights,
        phase_of,
        notes,
    }
}

fn close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9)
}

fn experiment(e: &ExperimentTally, tally: &Tally, settings: &Settings) -> ExperimentReport {
    let layout = layout(e, settings);
    let mut notes = layout.notes.clone();
    let arm_name = |i: usize| e.input.arms.get(i).cloned().unwrap_or_default();
    let control = layout.order.first().copied().unwrap_or(0);
    // Visitors per arm: the first metric's cells count every enrolled visitor.
    let visitors = visitors_by_period(e);
    let totals: Vec<u64> = (0..e.input.arms.len())
        .map(|a| {
            visitors
                .iter()
                .map(|p| p.get(a).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let all: u64 = totals.iter().sum();
    let latest = latest_weights(e, &layout);
    let arms = layout
        .order
        .iter()
        .map(|&a| ArmLine {
            name: arm_name(a),
            visitors: totals.get(a).copied().unwrap_or(0),
            expected_share: latest.get(a).copied().unwrap_or(0.0),
            observed_share: if all > 0 {
                totals.get(a).copied().unwrap_or(0) as f64 / all as f64
            } else {
                0.0
            },
        })
        .collect::<Vec<_>>();
    for arm in &arms {
        if arm.expected_share == 0.0 && arm.visitors > 0 {
            notes.push(format!(
                "arm '{}' has visitors but no share in the latest split",
                arm.name
            ));
        }
    }
    let srm_check = srm_check(&visitors, &layout);
    let mut metrics: Vec<MetricReport> = tally
        .metric_names
        .iter()
        .enumerate()
        .map(|(m, name)| {
            let proportion = tally.metric_is_proportion.get(m).copied().unwrap_or(true);
            metric(e, &layout, m, name, proportion, settings.alpha)
        })
        .collect();
    // Holm over every arm x metric p-value of the experiment.
    let p_values: Vec<f64> = metrics
        .iter()
        .flat_map(|m| m.comparisons.iter().filter_map(|c| c.p_value))
        .collect();
    if let Ok(adjusted) = holm(&p_values) {
        let mut next = adjusted.into_iter();
        for c in metrics.iter_mut().flat_map(|m| m.comparisons.iter_mut()) {
            if c.p_value.is_some() {
                c.p_holm = next.next();
            }
        }
    }
    let primary = tally
        .metric_names
        .iter()
        .position(|n| *n == settings.primary)
        .unwrap_or(0);
    let series = if tally
        .metric_is_proportion
        .get(primary)
        .copied()
        .unwrap_or(false)
    {
        series(e, &layout, primary, settings.alpha)
    } else {
        notes.push("the time series is drawn for proportion metrics only".into());
        Vec::new()
    };
    if layout.phases > 1 {
        notes.push(format!(
            "the split changed {} times: each period is weighted by its share of visitors \
             (no CUPED), and SRM compares each period with its own split",
            layout.phases - 1
        ));
    }
    let days: Vec<i64> = e.input.periods.iter().map(|p| p.day).collect();
    let _ = control;
    ExperimentReport {
        name: e.input.name.clone(),
        control: arm_name(control),
        first_day: days.iter().min().map(|&d| date(d)).unwrap_or_default(),
        last_day: days.iter().max().map(|&d| date(d)).unwrap_or_default(),
        arms,
        splits: layout.phases,
        srm: srm_check,
        metrics,
        primary: tally.metric_names.get(primary).cloned().unwrap_or_default(),
        series,
        notes,
    }
}

fn visitors_by_period(e: &ExperimentTally) -> Vec<Vec<u64>> {
    e.cells
        .first()
        .map(|periods| {
            periods
                .iter()
                .map(|arms| arms.iter().map(|s| s.n).collect())
                .collect()
        })
        .unwrap_or_default()
}

/// The split of the latest period (by day; the last recorded on that day).
pub(crate) fn latest_weights(e: &ExperimentTally, layout: &Layout) -> Vec<f64> {
    let latest = e
        .input
        .periods
        .iter()
        .enumerate()
        .max_by_key(|(i, p)| (p.day, *i))
        .map(|(i, _)| i);
    latest
        .and_then(|i| layout.period_weights.get(i).cloned())
        .unwrap_or_default()
}

fn srm_check(visitors: &[Vec<u64>], layout: &Layout) -> SrmCheck {
    let (result, method) = if layout.phases <= 1 {
        let totals: Vec<u64> = (0..layout.order.len())
            .map(|a| {
                visitors
                    .iter()
                    .map(|p| p.get(a).copied().unwrap_or(0))
                    .sum()
            })
            .collect();
        let weights = layout.period_weights.first().cloned().unwrap_or_default();
        (srm(&totals, &weights), "single split")
    } else {
        let (counts, weights) = by_phase(visitors, layout);
        (srm_over_periods(&counts, &weights), "per period")
    };
    match result {
        Ok(p) => SrmCheck {
            p_value: Some(p),
            flagged: p < SRM_THRESHOLD,
            method,
            reason: None,
        },
        Err(e) => SrmCheck {
            p_value: None,
            flagged: false,
            method,
            reason: Some(reason(&e)),
        },
    }
}

/// Visitors and splits merged per phase (periods with the same split).
fn by_phase(visitors: &[Vec<u64>], layout: &Layout) -> (Vec<Vec<u64>>, Vec<Vec<f64>>) {
    let arms = layout.order.len();
    let mut counts = vec![vec![0_u64; arms]; layout.phases];
    let mut weights = vec![vec![0.0; arms]; layout.phases];
    for (p, period) in visitors.iter().enumerate() {
        let phase = layout.phase_of.get(p).copied().unwrap_or(0);
        if let (Some(c), Some(w), Some(split)) = (
            counts.get_mut(phase),
            weights.get_mut(phase),
            layout.period_weights.get(p),
        ) {
            for (slot, n) in c.iter_mut().zip(period) {
                *slot += n;
            }
            w.clone_from(split);
        }
    }
    (counts, weights)
}

pub(crate) fn kind(proportion: bool) -> MetricKind {
    if proportion {
        MetricKind::Proportion
    } else {
        MetricKind::Mean
    }
}

fn cuped_stats(sums: &Sums, proportion: bool) -> Result<CupedStats, StatsError> {
    let post = SampleStats::from_sums(kind(proportion), sums.n, sums.sum, sums.sum_squares)?;
    let pre = SampleStats::from_sums(MetricKind::Mean, sums.n, sums.pre_sum, sums.pre_sum_squares)?;
    CupedStats::from_parts(post, pre, sums.sum_products)
}

fn add(total: &mut Sums, s: &Sums) {
    total.n += s.n;
    total.sum += s.sum;
    total.sum_squares += s.sum_squares;
    total.pre_sum += s.pre_sum;
    total.pre_sum_squares += s.pre_sum_squares;
    total.sum_products += s.sum_products;
}

/// Per arm (tally order) the plain summary of one metric: pooled when the split never
/// changed, else each phase weighted by its share of visitors.
pub(crate) fn summaries(
    periods: &[Vec<Sums>],
    layout: &Layout,
    proportion: bool,
) -> Result<Vec<ArmSummary>, StatsError> {
    let arms = layout.order.len();
    let mut phases = vec![vec![Sums::default(); arms]; layout.phases.max(1)];
    for (p, cells) in periods.iter().enumerate() {
        let phase = layout.phase_of.get(p).copied().unwrap_or(0);
        if let Some(target) = phases.get_mut(phase) {
            for (t, s) in target.iter_mut().zip(cells) {
                add(t, s);
            }
        }
    }
    let stats = phases
        .iter()
        .map(|cells| {
            cells
                .iter()
                .map(|s| SampleStats::from_sums(kind(proportion), s.n, s.sum, s.sum_squares))
                .collect::<Result<Vec<_>, _>>()
        })
        .collect::<Result<Vec<_>, _>>()?;
    if stats.len() == 1 {
        Ok(stats
            .first()
            .map(|s| s.iter().map(SampleStats::summary).collect())
            .unwrap_or_default())
    } else {
        weight_by_period(&stats)
    }
}

fn metric(
    e: &ExperimentTally,
    layout: &Layout,
    m: usize,
    name: &str,
    proportion: bool,
    alpha: f64,
) -> MetricReport {
    let periods = e.cells.get(m).map(Vec::as_slice).unwrap_or(&[]);
    let arm_name = |i: usize| e.input.arms.get(i).cloned().unwrap_or_default();
    let plain = summaries(periods, layout, proportion);
    let pooled: Vec<Sums> = (0..layout.order.len())
        .map(|a| {
            let mut total = Sums::default();
            for cells in periods {
                if let Some(s) = cells.get(a) {
                    add(&mut total, s);
                }
            }
            total
        })
        .collect();
    let arms = layout
        .order
        .iter()
        .map(|&a| {
            let s = pooled.get(a).copied().unwrap_or_default();
            ArmMean {
                arm: arm_name(a),
                visitors: s.n,
                mean: if s.n > 0 { s.sum / s.n as f64 } else { 0.0 },
            }
        })
        .collect();
    let control = layout.order.first().copied().unwrap_or(0);
    let comparisons = layout
        .order
        .iter()
        .skip(1)
        .map(|&arm| {
            let mut c = Comparison {
                arm: arm_name(arm),
                absolute: None,
                relative: None,
                p_value: None,
                p_holm: None,
                sequential: None,
                chance_to_beat_control: None,
                cuped: None,
                reason: None,
            };
            let pair = match &plain {
                Ok(s) => match (s.get(control), s.get(arm)) {
                    (Some(a), Some(b)) => Ok((*a, *b)),
                    _ => Err(StatsError::NotEnoughData("arm missing")),
                },
                Err(err) => Err(err.clone()),
            };
            let pair = pair.map(|(a, b)| {
                if layout.phases > 1 {
                    return (a, b);
                }
                match adjusted(&pooled, control, arm, proportion) {
                    Some((ca, cb, note)) => {
                        c.cuped = Some(note);
                        (ca, cb)
                    }
                    None => (a, b),
                }
            });
            match pair {
                Ok((a, b)) => compare(&mut c, &a, &b, alpha),
                Err(err) => c.reason = Some(reason(&err)),
            }
            c
        })
        .collect();
    MetricReport {
        name: name.to_owned(),
        proportion,
        arms,
        comparisons,
    }
}

/// CUPED-adjusted summaries when the covariate removes some variance.
fn adjusted(
    pooled: &[Sums],
    control: usize,
    arm: usize,
    proportion: bool,
) -> Option<(ArmSummary, ArmSummary, CupedNote)> {
    let a = cuped_stats(pooled.get(control)?, proportion).ok()?;
    let b = cuped_stats(pooled.get(arm)?, proportion).ok()?;
    let pair = cuped(&a, &b).ok()?;
    if pair.theta == 0.0 {
        return None;
    }
    let (pa, pb) = (a.post().summary(), b.post().summary());
    let spread = |x: &ArmSummary, y: &ArmSummary| {
        x.variance / x.n.max(1) as f64 + y.variance / y.n.max(1) as f64
    };
    let before = spread(&pa, &pb);
    let after = spread(&pair.control, &pair.treatment);
    if !(before > 0.0 && after.is_finite() && after < before) {
        return None;
    }
    Some((
        pair.control,
        pair.treatment,
        CupedNote {
            theta: pair.theta,
            variance_reduction: 1.0 - after / before,
        },
    ))
}

fn interval(estimate: &tailor_stats::Estimate) -> Interval {
    Interval {
        point: estimate.point,
        lower: estimate.ci.0,
        upper: estimate.ci.1,
    }
}

fn compare(c: &mut Comparison, a: &ArmSummary, b: &ArmSummary, alpha: f64) {
    let mut reasons = Vec::new();
    match frequentist(a, b, alpha, Scale::Absolute) {
        Ok(est) => c.absolute = Some(interval(&est)),
        Err(e) => reasons.push(reason(&e)),
    }
    match frequentist(a, b, alpha, Scale::Relative) {
        Ok(est) => {
            c.relative = Some(interval(&est));
            c.p_value = Some(est.p_value);
        }
        Err(e) => reasons.push(reason(&e)),
    }
    // Without a relative p-value (zero baseline), the absolute test's p-value stands in.
    if c.p_value.is_none() {
        if let Ok(est) = frequentist(a, b, alpha, Scale::Absolute) {
            c.p_value = Some(est.p_value);
        }
    }
    match sequential(a, b, alpha, Scale::Relative, DEFAULT_TUNING) {
        Ok(est) => c.sequential = Some(interval(&est)),
        Err(e) => reasons.push(reason(&e)),
    }
    let bayes = bayesian(a, b, Scale::Relative, None, alpha)
        .or_else(|_| bayesian(a, b, Scale::Absolute, None, alpha));
    match bayes {
        Ok(est) => c.chance_to_beat_control = Some(est.chance_to_win),
        Err(e) => reasons.push(reason(&e)),
    }
    reasons.dedup();
    if !reasons.is_empty() {
        c.reason = Some(reasons.join("; "));
    }
}

/// "not enough data" and why, as a report prints it.
pub fn reason(error: &StatsError) -> String {
    match error {
        StatsError::NotEnoughData(why) => format!("not enough data ({why})"),
        StatsError::ZeroVariance => {
            "not enough data (an arm has no spread: all or none converted)".into()
        }
        StatsError::ZeroBaseline => "not enough data (the control's mean is 0)".into(),
        other => other.to_string(),
    }
}

/// Cumulative relative uplift of a proportion metric up to the end of each day: visitors
/// exposed by then, converted by then.
fn series(e: &ExperimentTally, layout: &Layout, m: usize, alpha: f64) -> Vec<DayPoint> {
    let first = e.first_day();
    let last = e
        .daily_conversions
        .values()
        .map(|d| d.len() as i64)
        .max()
        .unwrap_or(0)
        .max(
            e.input
                .periods
                .iter()
                .map(|p| p.day - first + 1)
                .max()
                .unwrap_or(0),
        )
        .min(super::aggregate::MAX_SERIES_DAYS as i64);
    let Some(periods) = e.cells.get(m) else {
        return Vec::new();
    };
    let control = layout.order.first().copied().unwrap_or(0);
    let mut points = Vec::new();
    for offset in 0..last {
        let day = first + offset;
        let cells: Vec<Vec<Sums>> = periods
            .iter()
            .enumerate()
            .map(|(p, arms)| {
                let started = e.input.periods.get(p).is_some_and(|x| x.day <= day);
                arms.iter()
                    .enumerate()
                    .map(|(a, s)| {
                        if !started {
                            return Sums::default();
                        }
                        let converted: u64 = e
                            .daily_conversions
                            .get(&(m, p, a))
                            .map(|d| d.iter().take(offset as usize + 1).sum())
                            .unwrap_or(0);
                        let c = converted as f64;
                        Sums {
                            n: s.n,
                            sum: c,
                            sum_squares: c,
                            ..Sums::default()
                        }
                    })
                    .collect()
            })
            .collect();
        // Periods not started yet weigh nothing.
        let summaries = summaries(&cells, layout, true);
        for &arm in layout.order.iter().skip(1) {
            let visitors = cells
                .iter()
                .map(|p| p.get(arm).map_or(0, |s| s.n))
                .sum::<u64>();
            let (mut relative, mut seq) = (None, None);
            if let Ok(s) = &summaries {
                if let (Some(a), Some(b)) = (s.get(control), s.get(arm)) {
                    relative = frequentist(a, b, alpha, Scale::Relative)
                        .ok()
                        .map(|x| interval(&x));
                    seq = sequential(a, b, alpha, Scale::Relative, DEFAULT_TUNING)
                        .ok()
                        .map(|x| interval(&x));
                }
            }
            points.push(DayPoint {
                day: date(day),
                arm: e.input.arms.get(arm).cloned().unwrap_or_default(),
                visitors,
                relative,
                sequential: seq,
            });
        }
    }
    points
}

/// `YYYY-MM-DD` of a day number since 1970-01-01 (Howard Hinnant's civil_from_days).
pub fn date(day: i64) -> String {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Milliseconds to a day number.
pub fn day_of(ts_ms: i64) -> i64 {
    ts_ms.div_euclid(DAY_MS)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use crate::experiment::aggregate::{Aggregator, DAY_MS};

    #[test]
    fn dates_are_civil() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(day_of(1_764_000_000_000)), "2025-11-24");
        assert_eq!(date(-1), "1969-12-31");
    }

    fn lines(visitors: u64, split: (f64, f64), ctr: (u64, u64)) -> Aggregator {
        let mut agg = Aggregator::new();
        for v in 0..visitors {
            let arm = if v % 2 == 0 { "a" } else { "b" };
            let every = if arm == "a" { ctr.0 } else { ctr.1 };
            let ts = 1_764_000_000_000 + v as i64;
            agg.line(
                &format!(
                    r#"{{"event":"exposure","experiment":"e","arm":"{arm}","visitor":"v{v}","weights":{{"a":{},"b":{}}},"ts_ms":{ts}}}"#,
                    split.0, split.1
                ),
                "t",
                1,
            );
            if (v / 2) % every == 0 {
                agg.line(
                    &format!(
                        r#"{{"event":"click","item":"x","visitor":"v{v}","ts_ms":{}}}"#,
                        ts + 5
                    ),
                    "t",
                    2,
                );
            }
        }
        agg
    }

    #[test]
    fn a_clear_uplift_is_found_and_degenerate_arms_say_why() {
        let tally = lines(4_000, (0.5, 0.5), (10, 5)).finish();
        let report = analyse(&tally, &Settings::default());
        let e = &report.experiments[0];
        assert_eq!(e.control, "a");
        let c = &e.metrics[0].comparisons[0];
        assert!(c.relative.unwrap().lower > 0.0, "{c:?}");
        assert!(c.chance_to_beat_control.unwrap() > 0.99);
        assert!(c.p_holm.unwrap() >= c.p_value.unwrap());
        assert!(!e.srm.flagged);
        assert!(!e.series.is_empty());

        // One visitor per arm: every cell says why, nothing panics.
        let tally = lines(2, (0.5, 0.5), (1, 1)).finish();
        let report = analyse(&tally, &Settings::default());
        let c = &report.experiments[0].metrics[0].comparisons[0];
        assert!(c.relative.is_none() && c.reason.as_deref().unwrap().contains("not enough data"));
    }

    #[test]
    fn a_wrong_split_is_flagged() {
        let tally = lines(20_000, (0.7, 0.3), (10, 10)).finish();
        let report = analyse(&tally, &Settings::default());
        assert!(report.experiments[0].srm.flagged);
        assert_eq!(report.experiments[0].arms[0].expected_share, 0.7);
    }

    #[test]
    fn a_changed_split_is_checked_per_period_and_weighted() {
        // Day 0 at 50/50, day 1 at 90/10, visitors assigned accordingly: pooled, the arms are
        // 70/30 against the latest 90/10, but each period matches its own split.
        let mut agg = Aggregator::new();
        let mut n = 0;
        for (day, share_a, visitors) in [(0_i64, 0.5, 4_000_u64), (1, 0.9, 4_000)] {
            for i in 0..visitors {
                let a = (i as f64) < share_a * visitors as f64;
                let arm = if a { "a" } else { "b" };
                let ts = 1_764_000_000_000 / DAY_MS * DAY_MS + day * DAY_MS + i as i64;
                n += 1;
                agg.line(
                    &format!(
                        r#"{{"event":"exposure","experiment":"e","arm":"{arm}","visitor":"v{n}","weights":{{"a":{share_a},"b":{}}},"ts_ms":{ts}}}"#,
                        1.0 - share_a
                    ),
                    "t",
                    n,
                );
                // Day 1 converts better in both arms: pooling would favour arm a.
                if i % if day == 0 { 10 } else { 4 } == 0 {
                    agg.line(
                        &format!(
                            r#"{{"event":"click","visitor":"v{n}","item":"x","ts_ms":{}}}"#,
                            ts + 1
                        ),
                        "t",
                        n,
                    );
                }
            }
        }
        let report = analyse(&agg.finish(), &Settings::default());
        let e = &report.experiments[0];
        assert_eq!(e.splits, 2);
        assert_eq!(e.srm.method, "per period");
        assert!(!e.srm.flagged, "{:?}", e.srm);
        assert_eq!(e.arms[0].expected_share, 0.9);
        let c = &e.metrics[0].comparisons[0];
        assert!(c.cuped.is_none());
        // Weighted by period, the arms are alike (pooled, b would look 18 % worse).
        let rel = c.relative.unwrap();
        assert!(rel.lower < 0.0 && rel.upper > 0.0, "{rel:?}");
        assert!(rel.point.abs() < 0.05, "{rel:?}");
    }

    #[test]
    fn an_empty_log_makes_an_empty_report() {
        let report = analyse(&Aggregator::new().finish(), &Settings::default());
        assert!(report.experiments.is_empty());
    }
}
