//! The waterfall: the ladder as a staircase. Each rung is a column; its
//! bar floats from the level the rung below it reached to the level this
//! rung reaches (time as a multiple of a base's, on a log axis), so a bar's
//! length is the rung's step, and the bars together fall from the naive
//! walker to native code. Two series, the strategies alone and with their
//! tunings, stand side by side in each column. A step whose interval
//! includes 1 is drawn hollow and marked "n.s.".

use super::{FONT, LEGEND_WIDTH, WIDTH, decade_range, draw_legend, plot_error, prepend_comment, tick};
use crate::interval::ratio;
use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// A waterfall chart.
#[derive(Clone, Debug)]
pub struct Waterfall {
    pub title: String,
    pub y_desc: String,
    /// The columns, left to right; the first is the base the levels are
    /// relative to.
    pub steps: Vec<String>,
    pub series: Vec<WaterfallSeries>,
}

/// One series of bars.
#[derive(Clone, Debug)]
pub struct WaterfallSeries {
    pub name: String,
    pub color: RGBColor,
    /// For each column, its bar; `None` where the series has no such rung.
    pub bars: Vec<Option<Bar>>,
}

/// One column's bar.
#[derive(Clone, Copy, Debug)]
pub struct Bar {
    /// The level the step starts from (the rung below's), or `None` for a
    /// level with no step to it, drawn as a mark.
    pub from: Option<f64>,
    /// The level reached: a multiple of the base's time.
    pub level: f64,
    /// Whether the step's interval excludes 1.
    pub significant: bool,
}

/// Draws `waterfall` to an SVG file at `path`, headed by `comment`.
pub fn draw(path: &Path, waterfall: &Waterfall, comment: &str) -> Result<()> {
    let values: Vec<f64> = waterfall
        .series
        .iter()
        .flat_map(|s| s.bars.iter().flatten().flat_map(|bar| bar.from.into_iter().chain([bar.level])))
        .filter(|v| *v > 0.0)
        .collect();
    let (lo, hi) = decade_range(&values.iter().copied().chain([1.0]).collect::<Vec<_>>());
    // Room above the highest level for the labels of the bars that start there.
    let hi = hi * 1.5;
    let columns = waterfall.steps.len().max(1) as f64;
    {
        let root = SVGBackend::new(path, (WIDTH, 700)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let (plot_area, legend_area) = root.split_horizontally(WIDTH - LEGEND_WIDTH);
        let mut chart = ChartBuilder::on(&plot_area)
            .caption(&waterfall.title, (FONT, 24))
            .margin(12)
            .x_label_area_size(70)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..columns, (lo * 0.999..hi * 1.001).log_scale())
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .x_labels(0)
            .disable_x_mesh()
            .y_desc(&waterfall.y_desc)
            .y_label_formatter(&|v| tick(*v))
            .axis_desc_style((FONT, 17))
            .label_style((FONT, 15))
            .draw()
            .map_err(plot_error)?;
        let width = 0.8 / waterfall.series.len().max(1) as f64;
        let label_style = TextStyle::from((FONT, 13).into_font()).pos(Pos::new(HPos::Center, VPos::Bottom));
        for (series_index, series) in waterfall.series.iter().enumerate() {
            for (column, bar) in series.bars.iter().enumerate() {
                let Some(Bar { from, level, significant }) = *bar else { continue };
                let x0 = column as f64 + 0.1 + width * series_index as f64;
                let x1 = x0 + width * 0.9;
                let Some(from) = from else {
                    // A level with no step to it: the first rung, labelled
                    // with where it stands against the base.
                    let mark = [(x0, level), (x1, level)];
                    chart.draw_series(LineSeries::new(mark, series.color.stroke_width(4))).map_err(plot_error)?;
                    let (x, y) = chart.backend_coord(&((x0 + x1) / 2.0, level));
                    root.draw(&Text::new(ratio(level), (x, y - 5), label_style.clone())).map_err(plot_error)?;
                    continue;
                };
                let style = if significant { series.color.filled() } else { series.color.stroke_width(2) };
                chart.draw_series([Rectangle::new([(x0, from), (x1, level)], style)]).map_err(plot_error)?;
                let step = from / level;
                let text = if significant { format!("{}×", ratio(step)) } else { format!("{}× n.s.", ratio(step)) };
                let (x, y) = chart.backend_coord(&((x0 + x1) / 2.0, from.max(level)));
                root.draw(&Text::new(text, (x, y - 3), label_style.clone())).map_err(plot_error)?;
            }
        }
        // Column names under the axis, split at their first hyphen so that
        // long names fit their column.
        let name_style = TextStyle::from((FONT, 15).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
        for (column, name) in waterfall.steps.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(column as f64 + 0.5, lo));
            let (first, second) = match name.split_once('-') {
                Some((first, second)) => (format!("{first}-"), second.to_string()),
                None => (name.clone(), String::new()),
            };
            root.draw(&Text::new(first, (x, y + 8), name_style.clone())).map_err(plot_error)?;
            root.draw(&Text::new(second, (x, y + 26), name_style.clone())).map_err(plot_error)?;
        }
        let legend: Vec<(String, RGBColor)> = waterfall.series.iter().map(|s| (s.name.clone(), s.color)).collect();
        draw_legend(&legend_area, &legend)?;
        root.present().map_err(plot_error)?;
    }
    prepend_comment(path, comment)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars(steps: &[(Option<f64>, f64, bool)]) -> Vec<Option<Bar>> {
        steps.iter().map(|&(from, level, significant)| Some(Bar { from, level, significant })).collect()
    }

    #[test]
    fn steps_are_labelled_and_a_step_that_is_not_significant_says_so() {
        let path = std::env::temp_dir().join(format!("loxbench-waterfall-{}.svg", std::process::id()));
        let waterfall = Waterfall {
            title: "The ladder's steps".to_string(),
            y_desc: "time as a multiple of hashmap-walker's".to_string(),
            steps: ["hashmap-walker", "slot-walker", "tagged-walker", "native"].map(String::from).to_vec(),
            series: vec![
                WaterfallSeries {
                    name: "plain".to_string(),
                    color: super::super::color(0),
                    bars: bars(&[
                        (None, 1.0, true),
                        (Some(1.0), 0.25, true),
                        (Some(0.25), 0.24, false),
                        (Some(0.24), 0.01, true),
                    ]),
                },
                WaterfallSeries {
                    name: "tuned".to_string(),
                    color: super::super::color(1),
                    bars: bars(&[
                        (None, 0.8, true),
                        (Some(0.8), 0.2, true),
                        (Some(0.2), 0.1, true),
                        (Some(0.1), 0.01, true),
                    ]),
                },
            ],
        };
        draw(&path, &waterfall, "test").unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert!(svg.contains("4.00×") && svg.contains("1.04× n.s."), "{svg}");
        assert!(svg.contains("hashmap-\n") && svg.contains("\nwalker\n"), "column names are split at a hyphen");
    }
}
