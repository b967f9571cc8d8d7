//! The report as Markdown for people: what was read, then per experiment its arms and SRM,
//! one table row per metric and arm, and the notes that qualify them.

use super::analyse::{Comparison, ExperimentReport, Interval, Report};
use std::fmt::Write;

/// The whole report as Markdown.
pub fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let i = &report.input;
    let _ = writeln!(out, "# Experiment report\n");
    let _ = writeln!(
        out,
        "Read {} lines: {} exposures, {} impressions, {} clicks, {} views, {} goals; {} visitors, \
         {} of them enrolled (exposed to an experiment).",
        i.lines,
        i.exposures,
        i.impressions,
        i.clicks,
        i.views,
        i.goals,
        i.visitors,
        i.enrolled_visitors
    );
    let _ = writeln!(
        out,
        "Without consent (`visitor: null`, never enrolled): {} lines, of which {} impressions, \
         {} clicks and {} goals.",
        i.anonymous_lines, i.anonymous_impressions, i.anonymous_clicks, i.anonymous_goals
    );
    let skipped = i.malformed + i.too_long + i.not_utf8;
    if skipped + i.unknown_events + i.goals_not_enrolled + i.goals_over_cap > 0 {
        let _ = writeln!(
            out,
            "Skipped: {} malformed, {} too long, {} not UTF-8, {} unknown events; {} goals of \
             visitors never exposed, {} goals over the per-visitor cap.",
            i.malformed,
            i.too_long,
            i.not_utf8,
            i.unknown_events,
            i.goals_not_enrolled,
            i.goals_over_cap
        );
    }
    for problem in &i.problems {
        let _ = writeln!(out, "- `{problem}`");
    }
    if report.experiments.is_empty() {
        let _ = writeln!(
            out,
            "\nNo exposure lines with a visitor: not enough data for any experiment."
        );
    }
    let level = (1.0 - report.alpha) * 100.0;
    for e in &report.experiments {
        experiment(&mut out, e, level);
    }
    out
}

fn experiment(out: &mut String, e: &ExperimentReport, level: f64) {
    let _ = writeln!(out, "\n## {}\n", e.name);
    let visitors: u64 = e.arms.iter().map(|a| a.visitors).sum();
    let _ = writeln!(
        out,
        "{visitors} visitors enrolled from {} to {} (UTC days of first exposure); control: `{}`; \
         {} split(s) recorded.\n",
        e.first_day, e.last_day, e.control, e.splits
    );
    let _ = writeln!(out, "| arm | visitors | intended share | observed share |");
    let _ = writeln!(out, "|---|---:|---:|---:|");
    for arm in &e.arms {
        let _ = writeln!(
            out,
            "| {} | {} | {:.2} % | {:.2} % |",
            arm.name,
            arm.visitors,
            arm.expected_share * 100.0,
            arm.observed_share * 100.0
        );
    }
    let _ = writeln!(out);
    match (e.srm.p_value, &e.srm.reason) {
        (Some(p), _) if e.srm.flagged => {
            let _ = writeln!(
                out,
                "**SRM: p = {p:.2e} < 0.001 ({}). The visitors are not split as intended: find \
                 the cause before trusting any result below.**",
                e.srm.method
            );
        }
        (Some(p), _) => {
            let _ = writeln!(
                out,
                "SRM: p = {} ({}): no sign of a sample-ratio mismatch.",
                p_text(p),
                e.srm.method
            );
        }
        (None, reason) => {
            let _ = writeln!(
                out,
                "SRM: {}.",
                reason.as_deref().unwrap_or("not enough data")
            );
        }
    }
    let _ = writeln!(
        out,
        "\n| metric | arm | control | arm | uplift (abs, {level:.0} % CI) | uplift (rel, {level:.0} % CI) \
         | sequential (rel) | p | p (Holm) | chance to beat control | CUPED |"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    for metric in &e.metrics {
        let control_mean = metric.arms.first().map_or(0.0, |a| a.mean);
        for c in &metric.comparisons {
            let arm_mean = metric
                .arms
                .iter()
                .find(|a| a.arm == c.arm)
                .map_or(0.0, |a| a.mean);
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                metric.name,
                c.arm,
                value(control_mean, metric.proportion),
                value(arm_mean, metric.proportion),
                absolute(c, metric.proportion),
                relative(c.relative),
                relative(c.sequential),
                c.p_value.map_or_else(|| "—".into(), p_text),
                c.p_holm.map_or_else(|| "—".into(), p_text),
                c.chance_to_beat_control
                    .map_or_else(|| "—".into(), |x| format!("{:.1} %", x * 100.0)),
                c.cuped.map_or_else(
                    || "—".into(),
                    |n| format!("−{:.0} % var", n.variance_reduction * 100.0)
                ),
            );
        }
    }
    let reasons: Vec<String> = e
        .metrics
        .iter()
        .flat_map(|m| {
            m.comparisons.iter().filter_map(move |c| {
                c.reason
                    .as_ref()
                    .map(|r| format!("{} / {}: {r}", m.name, c.arm))
            })
        })
        .collect();
    if !reasons.is_empty() || !e.notes.is_empty() {
        let _ = writeln!(out);
    }
    for r in reasons.iter().chain(&e.notes) {
        let _ = writeln!(out, "- {r}");
    }
    if let Some(last) = e.series.last() {
        let _ = writeln!(
            out,
            "\nPrimary metric `{}`: {} daily points (cumulative) up to {}.",
            e.primary,
            e.series.len() / e.arms.len().saturating_sub(1).max(1),
            last.day
        );
    }
}

fn value(mean: f64, proportion: bool) -> String {
    if proportion {
        format!("{:.2} %", mean * 100.0)
    } else {
        format!("{mean:.3}")
    }
}

fn absolute(c: &Comparison, proportion: bool) -> String {
    match c.absolute {
        None => "not enough data".into(),
        Some(i) if proportion => format!(
            "{:+.2} pp [{:+.2}, {:+.2}]",
            i.point * 100.0,
            i.lower * 100.0,
            i.upper * 100.0
        ),
        Some(i) => format!("{:+.3} [{:+.3}, {:+.3}]", i.point, i.lower, i.upper),
    }
}

fn relative(i: Option<Interval>) -> String {
    match i {
        None => "not enough data".into(),
        Some(i) => format!(
            "{:+.1} % [{:+.1}, {:+.1}]",
            i.point * 100.0,
            i.lower * 100.0,
            i.upper * 100.0
        ),
    }
}

fn p_text(p: f64) -> String {
    if p < 1e-4 {
        format!("{p:.1e}")
    } else {
        format!("{p:.4}")
    }
}
