//! The strip chart: one row per contender, one dot per program at the
//! contender's time on that program as a multiple of a reference's, on a
//! log axis, with the geometric mean and its interval drawn over the dots.
//! It is the form Are We Fast Yet and som-rs use: where a bar chart of
//! means hides the spread between programs, the dots show it, and a
//! contender that is fast on average but slow on a few programs shows
//! those few.

use super::{FONT, LEGEND_WIDTH, WIDTH, decade_range, draw_legend, label_width, plot_error, prepend_comment, tick};
use anyhow::Result;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// A strip chart.
#[derive(Clone, Debug)]
pub struct Strip {
    pub title: String,
    /// The axis name, with what 1 means.
    pub x_desc: String,
    /// Top to bottom.
    pub rows: Vec<StripRow>,
    /// The dots' colours: one per group of programs, named in the legend.
    pub groups: Vec<(String, RGBColor)>,
}

/// One contender's row.
#[derive(Clone, Debug)]
pub struct StripRow {
    pub label: String,
    /// Each program's ratio and the index of its group in [`Strip::groups`].
    pub dots: Vec<(f64, usize)>,
    /// The geometric mean and its 95 % interval: (estimate, low, high).
    pub mean: Option<(f64, f64, f64)>,
}

/// Draws `strip` to an SVG file at `path`, headed by `comment`.
pub fn draw(path: &Path, strip: &Strip, comment: &str) -> Result<()> {
    let values: Vec<f64> = strip
        .rows
        .iter()
        .flat_map(|row| row.dots.iter().map(|dot| dot.0).chain(row.mean.iter().flat_map(|m| [m.1, m.2])))
        .filter(|v| *v > 0.0)
        .collect();
    let (lo, hi) = decade_range(&values);
    let (lo, hi) = (lo.min(0.5), hi.max(2.0));
    let rows = strip.rows.len().max(1) as f64;
    let height = 150 + 44 * strip.rows.len().max(1) as u32;
    {
        let root = SVGBackend::new(path, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let (plot_area, legend_area) = root.split_horizontally(WIDTH - LEGEND_WIDTH);
        let labels: Vec<String> = strip.rows.iter().map(|row| row.label.clone()).collect();
        let mut chart = ChartBuilder::on(&plot_area)
            .caption(&strip.title, (FONT, 24))
            .margin(12)
            .x_label_area_size(60)
            .y_label_area_size(label_width(&labels))
            .build_cartesian_2d((lo * 0.999..hi * 1.001).log_scale(), 0.0..rows)
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .y_labels(0)
            .disable_y_mesh()
            .x_desc(&strip.x_desc)
            .x_label_formatter(&|v| tick(*v))
            .axis_desc_style((FONT, 17))
            .label_style((FONT, 15))
            .draw()
            .map_err(plot_error)?;
        let dashed = BLACK.mix(0.6).stroke_width(1);
        chart.draw_series(LineSeries::new([(1.0, 0.0), (1.0, rows)], dashed)).map_err(plot_error)?;
        for (index, row) in strip.rows.iter().enumerate() {
            // Row 0 at the top; dots spread over the row's height in a fixed
            // pattern, so that equal ratios do not hide one another.
            let middle = rows - index as f64 - 0.5;
            if index > 0 {
                let rule = [(lo, middle + 0.5), (hi, middle + 0.5)];
                chart.draw_series(LineSeries::new(rule, BLACK.mix(0.12).stroke_width(1))).map_err(plot_error)?;
            }
            let dots = row.dots.iter().enumerate().filter(|(_, (v, _))| *v > 0.0).map(|(i, &(value, group))| {
                let offset = ((i * 7) % 11) as f64 / 10.0 - 0.5;
                let color = strip.groups.get(group).map_or(BLACK, |g| g.1);
                Circle::new((value, middle + offset * 0.6), 4, color.mix(0.75).filled())
            });
            chart.draw_series(dots).map_err(plot_error)?;
            if let Some((estimate, low, high)) = row.mean {
                let interval = [(low.max(lo), middle), (high.min(hi), middle)];
                chart.draw_series(LineSeries::new(interval, BLACK.stroke_width(2))).map_err(plot_error)?;
                let mark = [(estimate, middle - 0.38), (estimate, middle + 0.38)];
                chart.draw_series(LineSeries::new(mark, BLACK.stroke_width(3))).map_err(plot_error)?;
            }
        }
        let label_style = TextStyle::from((FONT, 16).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
        for (index, label) in labels.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(lo, rows - index as f64 - 0.5));
            root.draw(&Text::new(label.clone(), (x - 10, y), label_style.clone())).map_err(plot_error)?;
        }
        let mut legend = strip.groups.clone();
        legend.push(("mean, 95 % interval".to_string(), BLACK));
        draw_legend(&legend_area, &legend)?;
        root.present().map_err(plot_error)?;
    }
    prepend_comment(path, comment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_and_group_is_named() {
        let path = std::env::temp_dir().join(format!("loxbench-strip-{}.svg", std::process::id()));
        let strip = Strip {
            title: "Time relative to native".to_string(),
            x_desc: "× native's time (log scale)".to_string(),
            rows: vec![
                StripRow {
                    label: "slot-walker".to_string(),
                    dots: vec![(20.0, 0), (35.0, 1)],
                    mean: Some((26.0, 22.0, 31.0)),
                },
                StripRow { label: "nanbox-vm".to_string(), dots: vec![(3.0, 0), (6.0, 1)], mean: None },
            ],
            groups: vec![("micro".to_string(), super::super::color(0)), ("macro".to_string(), super::super::color(1))],
        };
        draw(&path, &strip, "test").unwrap();
        let svg = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        for text in ["slot-walker", "nanbox-vm", "micro", "macro", "mean, 95 % interval"] {
            assert!(svg.contains(text), "{text} is missing");
        }
        assert_eq!(svg.matches("<circle").count(), 4, "a dot per program");
    }
}
