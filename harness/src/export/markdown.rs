//! The Markdown export: for each program of the main suite, a table in
//! hyperfine's shape (mean ± σ, min, max, and the time relative to the
//! fastest, with the spread propagated from both), headed by the run's
//! provenance so that the file stands alone.

use super::json::Record;
use crate::report::analysis::Analysis;
use crate::report::format;
use crate::results::Suite;
use crate::stats;
use std::fmt::Write;

/// Renders the file.
pub fn render(analysis: &Analysis, records: &[Record], notice: &str) -> String {
    let p = &analysis.provenance;
    let mut out = String::new();
    let _ = writeln!(out, "<!-- {} -->", crate::charts::comment_safe(notice));
    let _ = writeln!(
        out,
        "Measured at revision `{}` with {} (profile `{}`) on {}, {}; wall times with the spawn cost subtracted.\n",
        p.revision,
        p.rustc,
        p.profile,
        crate::provenance::machine_line(p),
        p.date
    );
    for (program, size) in analysis.main_programs() {
        let rows: Vec<&Record> =
            records.iter().filter(|r| r.suite == Suite::Main && r.program == program.name && r.size == size).collect();
        let timed = |r: &Record| r.passed && !r.below_resolution && r.median.is_some_and(|m| m > 0.0);
        let fastest = rows
            .iter()
            .copied()
            .filter(|r| timed(r))
            .min_by(|a, b| a.mean.unwrap_or(0.0).total_cmp(&b.mean.unwrap_or(0.0)));
        let _ = writeln!(out, "## {} (n = {size})\n", program.name);
        let _ = writeln!(out, "| Contender | Mean [ms] | Min [ms] | Max [ms] | Relative |");
        let _ = writeln!(out, "|:---|---:|---:|---:|---:|");
        for row in &rows {
            let ms = |v: Option<f64>| v.map_or("–".to_string(), |v| format::digits(v * 1e3));
            let relative = match (fastest, timed(row)) {
                (Some(fast), true) => {
                    let (mean, stddev) = (row.mean.unwrap_or(0.0), row.stddev.unwrap_or(0.0));
                    let (base, base_stddev) = (fast.mean.unwrap_or(0.0), fast.stddev.unwrap_or(0.0));
                    let (ratio, spread) = stats::ratio_with_error(mean, stddev, base, base_stddev);
                    if std::ptr::eq(*row, fast) { "1.00".to_string() } else { format::ratio(ratio, spread) }
                }
                _ if !row.passed => format!("failed: {}", row.failure.as_deref().unwrap_or("").replace('|', "\\|")),
                _ if row.below_resolution => "below resolution".to_string(),
                _ => "–".to_string(),
            };
            let mean = match (row.mean, row.stddev) {
                (Some(mean), Some(stddev)) => {
                    format!("{} ± {}", format::digits(mean * 1e3), format::digits(stddev * 1e3))
                }
                _ => "–".to_string(),
            };
            let _ = writeln!(out, "| `{}` | {mean} | {} | {} | {relative} |", row.contender, ms(row.min), ms(row.max));
        }
        out.push('\n');
    }
    out
}
