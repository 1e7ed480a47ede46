//! `reports/ci/README.md`: short enough to post as a pull-request comment,
//! changes first, everything else folded away.

use super::compare::{Row, Verdict};
use crate::charts::comment_safe;
use crate::report::format;
use std::fmt::Write;

/// Renders the CI report. `diffs[i]` is the differential flamegraph of
/// `rows[i]`, relative to the report, when one was drawn.
pub fn render(rows: &[Row], diffs: &[Option<String>], threshold: f64, notice: &str, baseline_note: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "<!-- {} -->", comment_safe(notice));
    let _ = writeln!(out, "> **Generated file.** {notice}\n");
    let _ = writeln!(out, "# Instruction counts against the baseline\n");
    let count = |verdict: Verdict| rows.iter().filter(|r| r.verdict == verdict).count();
    let (regressions, failed) = (count(Verdict::Regression), count(Verdict::Failed));
    let status = if regressions + failed == 0 { "✅ pass" } else { "❌ fail" };
    let _ = writeln!(
        out,
        "**{status}**: {}, {}, {} new, {}, {} unchanged, at a threshold of {} % on the instructions of a whole \
         run (cachegrind, deterministic). {baseline_note}\n",
        format::plural(regressions, "regression", "regressions"),
        format::plural(count(Verdict::Improvement), "improvement", "improvements"),
        count(Verdict::New),
        format::plural(failed, "wrong output", "wrong outputs"),
        count(Verdict::Unchanged),
        format::digits(threshold * 100.0)
    );
    let changed: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].verdict != Verdict::Unchanged).collect();
    let unchanged: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].verdict == Verdict::Unchanged).collect();
    let wall = rows.iter().any(|r| !r.now.wall_s.is_empty());
    if !changed.is_empty() {
        table(&mut out, rows, diffs, &changed, wall);
    }
    if !unchanged.is_empty() {
        let _ = writeln!(out, "<details><summary>{} unchanged</summary>\n", unchanged.len());
        table(&mut out, rows, diffs, &unchanged, wall);
        let _ = writeln!(out, "</details>\n");
    }
    let _ = writeln!(
        out,
        "*Prepare* is a run stopped after parsing and compiling; *run* is the rest. Counts include starting \
         the process. A regression's *diff* link is a differential flamegraph of instructions per function \
         (red: more than the baseline). Wall-clock figures, when shown, are information only: on shared \
         machines they move by 10-20 % between runs of the same code.\n"
    );
    out
}

fn table(out: &mut String, rows: &[Row], diffs: &[Option<String>], indices: &[usize], wall: bool) {
    let _ = write!(out, "| engine | program | n | baseline | now | change | prepare | run | |");
    if wall {
        out.push_str(" wall now ÷ baseline (95 % CI, p) |");
    }
    out.push('\n');
    let _ = write!(out, "|---|---|---:|---:|---:|---:|---:|---:|---|");
    if wall {
        out.push_str("---|");
    }
    out.push('\n');
    for &index in indices {
        let row = &rows[index];
        let marker = match row.verdict {
            Verdict::Regression => "🔴 regression",
            Verdict::Improvement => "🟢 improvement",
            Verdict::Unchanged => "",
            Verdict::New => "🆕 new",
            Verdict::Failed => "❌ wrong output",
        };
        let marker = match (&diffs[index], &row.now.detail) {
            (Some(diff), _) => format!("{marker} ([diff]({diff}))"),
            (None, Some(detail)) => format!("{marker}: {}", detail.replace('|', "\\|")),
            (None, None) => marker.to_string(),
        };
        let _ = write!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} | {} | {marker} |",
            row.engine,
            row.program,
            row.size,
            row.baseline.as_ref().map_or("–".to_string(), |b| format::thousands(b.total)),
            format::thousands(row.now.total),
            percent(row.change),
            percent(row.phase_change(|c| c.prepare)),
            percent(row.phase_change(|c| c.run())),
        );
        if wall {
            let text = match row.wall {
                Some(w) => format!(
                    "{}× [{}, {}], p = {}",
                    format::digits(w.ratio),
                    format::digits(w.low),
                    format::digits(w.high),
                    format::digits(w.p)
                ),
                None => row.now.wall_s.is_empty().then(String::new).unwrap_or_else(|| {
                    format!("{} now; no baseline samples", format::time(crate::stats::median(&row.now.wall_s)))
                }),
            };
            let _ = write!(out, " {text} |");
        }
        out.push('\n');
    }
    out.push('\n');
}

fn percent(change: Option<f64>) -> String {
    match change {
        Some(change) => format!("{:+.2} %", change * 100.0),
        None => "–".to_string(),
    }
}
