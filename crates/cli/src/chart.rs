//! The SVG chart of `tailor report --svg`: per experiment, the primary metric's cumulative
//! relative uplift of each arm against control by day, with its always-valid (sequential)
//! interval, which may be read every day. An experiment without data says so in its panel.

use plotters::prelude::*;
use tailor_learn::experiment::Report;

const PANEL_HEIGHT: u32 = 320;
const WIDTH: u32 = 900;
const COLOURS: [RGBColor; 6] = [
    RGBColor(31, 119, 180),
    RGBColor(214, 39, 40),
    RGBColor(44, 160, 44),
    RGBColor(148, 103, 189),
    RGBColor(255, 127, 14),
    RGBColor(140, 86, 75),
];

pub(crate) fn svg(report: &Report) -> Result<String, String> {
    let panels = report.experiments.len().max(1) as u32;
    let mut out = String::new();
    {
        let root =
            SVGBackend::with_string(&mut out, (WIDTH, PANEL_HEIGHT * panels)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let areas = root.split_evenly((panels as usize, 1));
        if report.experiments.is_empty() {
            if let Some(area) = areas.first() {
                note(area, "no experiments in the log: not enough data")?;
            }
        }
        for (e, area) in report.experiments.iter().zip(&areas) {
            panel(area, e)?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

fn note(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    text: &str,
) -> Result<(), String> {
    area.draw(&Text::new(
        text.to_owned(),
        (20, 40),
        ("sans-serif", 16).into_font(),
    ))
    .map_err(|e| e.to_string())
}

fn panel(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    e: &tailor_learn::experiment::analyse::ExperimentReport,
) -> Result<(), String> {
    let title = format!(
        "{}: {} relative uplift vs {} (cumulative, sequential 95 % interval)",
        e.name, e.primary, e.control
    );
    // Days in order of first appearance.
    let mut days: Vec<&str> = Vec::new();
    for p in &e.series {
        if !days.contains(&p.day.as_str()) {
            days.push(&p.day);
        }
    }
    let drawable: Vec<_> = e
        .series
        .iter()
        .filter_map(|p| {
            let s = p.sequential?;
            let x = days.iter().position(|d| *d == p.day)? as f64;
            Some((p.arm.as_str(), x, s))
        })
        .collect();
    if drawable.is_empty() {
        return note(
            area,
            &format!("{}: not enough data to draw the uplift", e.name),
        );
    }
    // The intervals of the first days are very wide: clip to 4x the last day's span.
    let last_span = drawable
        .iter()
        .rev()
        .take(e.arms.len().max(1))
        .map(|(_, _, s)| (s.upper - s.lower).abs())
        .fold(0.0_f64, f64::max)
        .max(0.01);
    let points: Vec<f64> = drawable.iter().map(|(_, _, s)| s.point).collect();
    let centre = points.iter().copied().sum::<f64>() / points.len() as f64;
    let (low, high) = (centre - 2.0 * last_span, centre + 2.0 * last_span);
    let clip = |v: f64| v.clamp(low, high) * 100.0;
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 15))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(
            -0.5..(days.len() as f64 - 0.5).max(0.5),
            (low * 100.0)..(high * 100.0),
        )
        .map_err(|e| e.to_string())?;
    let day_label = |x: &f64| {
        days.get(x.round().max(0.0) as usize)
            .map(|d| d.get(5..).unwrap_or(d).to_owned())
            .unwrap_or_default()
    };
    chart
        .configure_mesh()
        .x_labels(days.len().clamp(2, 14))
        .x_label_formatter(&day_label)
        .x_desc("UTC day (visitors exposed and clicks up to its end)")
        .y_desc("relative uplift (%)")
        .y_label_formatter(&|y| format!("{y:+.1}"))
        .draw()
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(LineSeries::new(
            [(-0.5, 0.0), (days.len() as f64 - 0.5, 0.0)],
            BLACK.mix(0.5),
        ))
        .map_err(|e| e.to_string())?;
    for (i, arm) in e.arms.iter().skip(1).enumerate() {
        let colour = COLOURS.get(i % COLOURS.len()).copied().unwrap_or(BLACK);
        let mine: Vec<_> = drawable.iter().filter(|(a, _, _)| *a == arm.name).collect();
        chart
            .draw_series(LineSeries::new(
                mine.iter().map(|(_, x, s)| (*x, clip(s.point))),
                colour.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?
            .label(arm.name.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], colour));
        for bound in [
            |s: &tailor_learn::experiment::analyse::Interval| s.lower,
            |s: &tailor_learn::experiment::analyse::Interval| s.upper,
        ] {
            chart
                .draw_series(LineSeries::new(
                    mine.iter().map(|(_, x, s)| (*x, clip(bound(s)))),
                    colour.mix(0.4),
                ))
                .map_err(|e| e.to_string())?;
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(|e| e.to_string())?;
    Ok(())
}
