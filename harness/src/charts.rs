//! The report's charts, drawn with plotters' SVG backend alone (no font
//! libraries: labels are SVG text that the browser renders).
//!
//! Two shapes serve the report's three charts: horizontal grouped bars on a
//! log axis (one row per program, one bar per contender, a legend beside the
//! plot so it never covers a bar) and lines on a log axis. The ladder page
//! has two of its own: a [`strip`] chart (one dot per program, one row per
//! contender) and a [`waterfall`] of each rung's step.

pub mod strip;
pub mod waterfall;

use anyhow::{Result, anyhow};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;

/// Distinct colours (Tableau 10), assigned to contenders in order so that a
/// contender has the same colour in every chart.
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

pub fn color(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// `color` mixed with white: `amount` 0 keeps it, 1 is white. A variant of
/// an engine is drawn in a tint of the engine's colour, so the two read as
/// one family.
pub fn tint(color: RGBColor, amount: f64) -> RGBColor {
    let amount = amount.clamp(0.0, 1.0);
    let mix = |channel: u8| (f64::from(channel) + (255.0 - f64::from(channel)) * amount).round() as u8;
    RGBColor(mix(color.0), mix(color.1), mix(color.2))
}

/// Where a bar starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// At the left edge of the plot (times).
    AxisStart,
    /// At 1, so a bar grows right for a speed-up and left for a slow-down.
    One,
}

/// A grouped horizontal bar chart.
#[derive(Clone, Debug)]
pub struct Bars {
    pub title: String,
    /// The axis name, with its unit.
    pub x_desc: String,
    pub rows: Vec<String>,
    /// Name and colour of each bar in a row, top to bottom.
    pub series: Vec<(String, RGBColor)>,
    /// `values[row][series]`: the bar's value and its ± spread.
    pub values: Vec<Vec<Option<(f64, f64)>>>,
    pub origin: Origin,
    /// Draw a rule above the last row, which summarises the others.
    pub last_row_is_summary: bool,
}

/// One line of a line chart.
#[derive(Clone, Debug)]
pub struct Line {
    pub name: String,
    pub color: RGBColor,
    pub points: Vec<(f64, f64)>,
}

/// A line chart with a logarithmic y axis.
#[derive(Clone, Debug)]
pub struct Lines {
    pub title: String,
    pub x_desc: String,
    pub y_desc: String,
    pub lines: Vec<Line>,
}

pub(crate) const WIDTH: u32 = 1100;
pub(crate) const LEGEND_WIDTH: u32 = 230;
/// The narrowest room left of the plot for row labels.
const MIN_LABEL_WIDTH: u32 = 120;
pub(crate) const FONT: &str = "sans-serif";

/// Draws `bars` to an SVG file at `path`, headed by `comment`.
pub fn draw_bars(path: &Path, bars: &Bars, comment: &str) -> Result<()> {
    let values: Vec<f64> = bars.values.iter().flatten().flatten().map(|(v, _)| *v).filter(|v| *v > 0.0).collect();
    let (mut lo, mut hi) = decade_range(&values);
    if bars.origin == Origin::One {
        lo = lo.min(0.5);
        hi = hi.max(2.0);
    }
    let row_height = (bars.series.len() as u32 * 11 + 14).max(34);
    let height = 140 + row_height * bars.rows.len().max(1) as u32;
    {
        let root = SVGBackend::new(path, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let (plot_area, legend_area) = root.split_horizontally(WIDTH - legend_width(&bars.series));
        let rows = bars.rows.len() as f64;
        let mut chart = ChartBuilder::on(&plot_area)
            .caption(&bars.title, (FONT, 24))
            .margin(12)
            .x_label_area_size(60)
            .y_label_area_size(label_width(&bars.rows))
            .build_cartesian_2d((lo * 0.999..hi * 1.001).log_scale(), 0.0..rows)
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(&bars.x_desc)
            .x_label_formatter(&|v| tick(*v))
            .axis_desc_style((FONT, 17))
            .label_style((FONT, 15))
            .draw()
            .map_err(plot_error)?;

        if bars.origin == Origin::One {
            chart.draw_series(LineSeries::new([(1.0, 0.0), (1.0, rows)], BLACK.stroke_width(1))).map_err(plot_error)?;
        }
        if bars.last_row_is_summary {
            chart.draw_series(LineSeries::new([(lo, 1.0), (hi, 1.0)], BLACK.stroke_width(1))).map_err(plot_error)?;
        }
        let start = if bars.origin == Origin::One { 1.0 } else { lo };
        let slot = 0.76 / bars.series.len().max(1) as f64;
        for (row_index, row) in bars.values.iter().enumerate() {
            // Row 0 is drawn at the top.
            let top = rows - row_index as f64 - 0.12;
            for (series_index, value) in row.iter().enumerate() {
                let Some((value, spread)) = *value else { continue };
                if value <= 0.0 {
                    continue;
                }
                let y1 = top - slot * series_index as f64;
                let y0 = y1 - slot * 0.85;
                let color = bars.series[series_index].1;
                chart
                    .draw_series(std::iter::once(Rectangle::new([(start, y0), (value, y1)], color.filled())))
                    .map_err(plot_error)?;
                if spread > 0.0 {
                    let middle = (y0 + y1) / 2.0;
                    let whisker = [((value - spread).max(lo), middle), ((value + spread).min(hi), middle)];
                    chart.draw_series(LineSeries::new(whisker, BLACK.stroke_width(1))).map_err(plot_error)?;
                }
            }
        }

        // Row labels, right-aligned against the axis, drawn by hand so that
        // each sits exactly in the middle of its row.
        let label_style = TextStyle::from((FONT, 16).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
        for (row_index, label) in bars.rows.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(lo, rows - row_index as f64 - 0.5));
            root.draw(&Text::new(label.clone(), (x - 10, y), label_style.clone())).map_err(plot_error)?;
        }
        draw_legend(&legend_area, &bars.series)?;
        root.present().map_err(plot_error)?;
    }
    prepend_comment(path, comment)
}

/// Draws `lines` to an SVG file at `path`, headed by `comment`.
pub fn draw_lines(path: &Path, lines: &Lines, comment: &str) -> Result<()> {
    let xs: Vec<f64> = lines.lines.iter().flat_map(|line| line.points.iter().map(|p| p.0)).collect();
    let ys: Vec<f64> =
        lines.lines.iter().flat_map(|line| line.points.iter().map(|p| p.1)).filter(|y| *y > 0.0).collect();
    // Sizes are whole numbers, so the x axis is an integer axis and its
    // ticks never repeat a rounded value.
    let x_lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let x_hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (x_lo, x_hi) = if x_lo.is_finite() && x_hi > x_lo { (x_lo as i64, x_hi as i64) } else { (0, 1) };
    let distinct_x = {
        let mut sizes: Vec<i64> = xs.iter().map(|x| *x as i64).collect();
        sizes.sort_unstable();
        sizes.dedup();
        sizes.len().clamp(2, 12)
    };
    let (y_lo, y_hi) = decade_range(&ys);
    {
        let series: Vec<(String, RGBColor)> = lines.lines.iter().map(|line| (line.name.clone(), line.color)).collect();
        let root = SVGBackend::new(path, (WIDTH, 640)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        let (plot_area, legend_area) = root.split_horizontally(WIDTH - legend_width(&series));
        let mut chart = ChartBuilder::on(&plot_area)
            .caption(&lines.title, (FONT, 24))
            .margin(12)
            .x_label_area_size(60)
            .y_label_area_size(90)
            .build_cartesian_2d(x_lo..x_hi, (y_lo * 0.999..y_hi * 1.001).log_scale())
            .map_err(plot_error)?;
        chart
            .configure_mesh()
            .x_desc(&lines.x_desc)
            .y_desc(&lines.y_desc)
            .x_labels(distinct_x)
            .x_label_formatter(&|v| v.to_string())
            .y_label_formatter(&|v| tick(*v))
            .axis_desc_style((FONT, 17))
            .label_style((FONT, 15))
            .draw()
            .map_err(plot_error)?;
        for line in &lines.lines {
            let color = line.color;
            let points: Vec<(i64, f64)> =
                line.points.iter().filter(|p| p.1 > 0.0).map(|&(x, y)| (x as i64, y)).collect();
            chart.draw_series(LineSeries::new(points.clone(), color.stroke_width(2))).map_err(plot_error)?;
            chart.draw_series(points.iter().map(|&point| Circle::new(point, 4, color.filled()))).map_err(plot_error)?;
        }
        draw_legend(&legend_area, &series)?;
        root.present().map_err(plot_error)?;
    }
    prepend_comment(path, comment)
}

pub(crate) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    series: &[(String, RGBColor)],
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let style = TextStyle::from((FONT, 16).into_font()).pos(Pos::new(HPos::Left, VPos::Center));
    for (index, (name, color)) in series.iter().enumerate() {
        let y = 60 + 26 * index as i32;
        area.draw(&Rectangle::new([(8, y - 8), (24, y + 8)], color.filled())).map_err(plot_error)?;
        area.draw(&Text::new(name.clone(), (32, y), style.clone())).map_err(plot_error)?;
    }
    Ok(())
}

/// Room for the legend: at least [`LEGEND_WIDTH`], more for long names
/// such as `nanbox-vm:no-superinstructions` (about 9 pixels a character at
/// size 16, after the swatch).
fn legend_width(series: &[(String, RGBColor)]) -> u32 {
    let longest = series.iter().map(|(name, _)| name.chars().count()).max().unwrap_or(0) as u32;
    (longest * 9 + 48).max(LEGEND_WIDTH)
}

/// Room for the longest row label: SVG text is measured by the browser, so
/// this estimates generously (about 9 pixels per character at size 16).
pub(crate) fn label_width(rows: &[String]) -> u32 {
    let longest = rows.iter().map(|row| row.chars().count()).max().unwrap_or(0) as u32;
    (longest * 9 + 24).max(MIN_LABEL_WIDTH)
}

/// The smallest range of whole decades holding every value.
pub(crate) fn decade_range(values: &[f64]) -> (f64, f64) {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !min.is_finite() || !max.is_finite() {
        return (0.1, 10.0);
    }
    let lo = 10f64.powf(min.log10().floor());
    let mut hi = 10f64.powf(max.log10().ceil());
    if hi <= lo {
        hi = lo * 10.0;
    }
    (lo, hi)
}

/// An axis tick: `0.01`, `0.5`, `3`, `1000`.
pub(crate) fn tick(value: f64) -> String {
    if value >= 1.0 {
        format!("{value:.0}")
    } else if value > 0.0 {
        // One decimal more than the value's first significant digit needs,
        // so that a decade tick of 0.00001 is not printed as 0.
        let decimals = ((-value.log10()).ceil() as usize + 1).min(12);
        let text = format!("{value:.decimals$}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        "0".to_string()
    }
}

pub(crate) fn plot_error<E: std::error::Error + Send + Sync + 'static>(error: E) -> anyhow::Error {
    anyhow!("could not draw a chart: {error}")
}

/// Text that can stand inside an XML or HTML comment, which may not contain
/// `--`: each `--` becomes two non-breaking hyphens, which read the same.
pub fn comment_safe(text: &str) -> String {
    text.replace("--", "\u{2011}\u{2011}")
}

pub(crate) fn prepend_comment(path: &Path, comment: &str) -> Result<()> {
    let svg = std::fs::read_to_string(path)?;
    let comment = format!("<!-- {} -->\n", comment_safe(comment));
    // A comment may not come before an XML declaration.
    let text = match svg.strip_prefix("<?xml").and_then(|rest| rest.split_once("?>")) {
        Some((declaration, rest)) => format!("<?xml{declaration}?>\n{comment}{}", rest.trim_start()),
        None => format!("{comment}{svg}"),
    };
    std::fs::write(path, text)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decades_enclose_the_values() {
        assert_eq!(decade_range(&[3.0, 420.0]), (1.0, 1000.0));
        assert_eq!(decade_range(&[0.02, 0.05]), (0.01, 0.1));
        assert_eq!(decade_range(&[10.0]), (10.0, 100.0));
        assert_eq!(decade_range(&[]), (0.1, 10.0));
    }

    #[test]
    fn tints_move_towards_white() {
        assert_eq!(tint(RGBColor(0, 100, 255), 0.0), RGBColor(0, 100, 255));
        assert_eq!(tint(RGBColor(0, 100, 255), 0.5), RGBColor(128, 178, 255));
        assert_eq!(tint(RGBColor(0, 100, 255), 1.0), RGBColor(255, 255, 255));
    }

    #[test]
    fn ticks_are_short() {
        assert_eq!(tick(1000.0), "1000");
        assert_eq!(tick(0.5), "0.5");
        assert_eq!(tick(0.01), "0.01");
        assert_eq!(tick(0.00001), "0.00001");
        assert_eq!(tick(0.25), "0.25");
    }
}
