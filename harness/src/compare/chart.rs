//! The comparison's chart: for every program (and the geometric mean, last),
//! one point per contender at its ratio new ÷ old with its 95 % interval as
//! a whisker, on a logarithmic axis centred on 1, so that twice as slow and
//! twice as fast lie equally far from the line of no change.

use super::Comparison;
use crate::charts::{self, FONT, LEGEND_WIDTH, WIDTH, plot_error};
use crate::report::format;
use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// One row: a label and, per contender, its (ratio, low, high).
type Row = (String, Vec<Option<(f64, f64, f64)>>);

/// Draws the chart to `path`; returns false (drawing nothing) when there is
/// no ratio to show.
pub fn draw(comparison: &Comparison, path: &Path, comment: &str) -> Result<bool> {
    let contenders: Vec<&str> = comparison.means.iter().map(|mean| mean.contender.as_str()).collect();
    if contenders.is_empty() {
        return Ok(false);
    }
    let mut programs: Vec<&str> = Vec::new();
    for entry in &comparison.entries {
        if !programs.contains(&entry.program.as_str()) {
            programs.push(&entry.program);
        }
    }
    let mut rows: Vec<Row> = programs
        .iter()
        .map(|program| {
            let points = contenders
                .iter()
                .map(|contender| {
                    comparison
                        .entries
                        .iter()
                        .find(|e| e.program == *program && e.contender == *contender)
                        .map(|e| (e.ratio, e.low, e.high))
                })
                .collect();
            (program.to_string(), points)
        })
        .collect();
    rows.push((
        "geometric mean".to_string(),
        comparison.means.iter().map(|mean| Some((mean.ratio, mean.low, mean.high))).collect(),
    ));
    let series: Vec<(String, RGBColor)> =
        contenders.iter().enumerate().map(|(index, name)| (name.to_string(), charts::color(index))).collect();

    // The axis is the ratio's logarithm, symmetric around 0 (a ratio of 1)
    // and holding every interval; ticks are drawn by hand at round ratios.
    let reach = rows
        .iter()
        .flat_map(|(_, points)| points.iter().flatten())
        .flat_map(|(ratio, low, high)| [*ratio, *low, *high])
        .filter(|value| *value > 0.0 && value.is_finite())
        .map(|value| value.ln().abs())
        .fold(1.1f64.ln(), f64::max)
        * 1.15;
    let (lo, hi) = (-reach, reach);

    let row_height = (series.len() as u32 * 10 + 14).max(30);
    let height = 150 + row_height * rows.len() as u32;
    {
        let root = SVGBackend::new(path, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let (plot_area, legend_area) = root.split_horizontally(WIDTH - LEGEND_WIDTH);
        let labels: Vec<String> = rows.iter().map(|(label, _)| label.clone()).collect();
        let count = rows.len() as f64;
        let mut chart = ChartBuilder::on(&plot_area)
            .caption("New ÷ old median wall time, per program", (FONT, 22))
            .margin(12)
            .x_label_area_size(60)
            .y_label_area_size(charts::label_width(&labels))
            .build_cartesian_2d(lo..hi, 0.0..count)
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .y_labels(0)
            .x_labels(0)
            .x_desc("new median ÷ old median (log scale; whiskers: bootstrap 95 % interval; right of 1 is slower)")
            .axis_desc_style((FONT, 16))
            .draw()
            .map_err(plot_error)?;
        let tick_style = TextStyle::from((FONT, 15).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
        for tick in ticks(reach) {
            let x = tick.ln();
            let grid = if tick == 1.0 { BLACK.stroke_width(1) } else { RGBColor(220, 220, 220).stroke_width(1) };
            chart.draw_series(LineSeries::new([(x, 0.0), (x, count)], grid)).map_err(plot_error)?;
            let (px, py) = chart.backend_coord(&(x, 0.0));
            root.draw(&Text::new(format::digits(tick), (px, py + 6), tick_style.clone())).map_err(plot_error)?;
        }
        chart.draw_series(LineSeries::new([(lo, 1.0), (hi, 1.0)], BLACK.stroke_width(1))).map_err(plot_error)?;
        let slot = 0.76 / series.len() as f64;
        for (row_index, (_, points)) in rows.iter().enumerate() {
            let top = count - row_index as f64 - 0.12;
            for (series_index, point) in points.iter().enumerate() {
                let Some((ratio, low, high)) = *point else { continue };
                let y = top - slot * (series_index as f64 + 0.5);
                let color = series[series_index].1;
                let whisker = [(low.ln().max(lo), y), (high.ln().min(hi), y)];
                chart.draw_series(LineSeries::new(whisker, color.stroke_width(2))).map_err(plot_error)?;
                chart
                    .draw_series(std::iter::once(Circle::new((ratio.ln().clamp(lo, hi), y), 4, color.filled())))
                    .map_err(plot_error)?;
            }
        }
        let label_style = TextStyle::from((FONT, 16).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
        for (row_index, label) in labels.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(lo, count - row_index as f64 - 0.5));
            root.draw(&Text::new(label.clone(), (x - 10, y), label_style.clone())).map_err(plot_error)?;
        }
        charts::draw_legend(&legend_area, &series)?;
        root.present().map_err(plot_error)?;
    }
    charts::prepend_comment(path, comment)?;
    Ok(true)
}

/// Round ratios within `reach` of 1 in logarithms, and their inverses,
/// never closer to each other than a fifth of `reach`, so labels never meet.
fn ticks(reach: f64) -> Vec<f64> {
    const ROUND: [f64; 12] = [1.01, 1.02, 1.05, 1.1, 1.2, 1.5, 2.0, 3.0, 5.0, 10.0, 30.0, 100.0];
    let gap = reach / 5.0;
    let mut above: Vec<f64> = Vec::new();
    for &ratio in ROUND.iter().rev().filter(|r| r.ln() <= reach && r.ln() >= gap) {
        if above.last().is_none_or(|kept: &f64| kept.ln() - ratio.ln() >= gap) {
            above.push(ratio);
        }
    }
    let mut ticks: Vec<f64> = above.iter().map(|r| 1.0 / r).collect();
    ticks.push(1.0);
    ticks.extend(above.iter().rev().copied());
    ticks
}
