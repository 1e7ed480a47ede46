//! `reports/ci/README.md`: short enough to post as a pull-request comment,
//! changes first, everything else folded away.

use super::compare::{Row, Thresholds, Verdict};
use crate::charts::comment_safe;
use crate::report::format;
use std::fmt::Write;

/// Renders the CI report. `diffs[i]` is the differential flamegraph of
/// `rows[i]`, relative to the report, when one was drawn; `notes` say which
/// baseline (and reference) the rows were compared with, and anything wrong
/// with them.
pub fn render(rows: &[Row], diffs: &[Option<String>], thresholds: &Thresholds, notice: &str, notes: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "<!-- {} -->", comment_safe(notice));
    let _ = writeln!(out, "> **Generated file.** {notice}\n");
    let _ = writeln!(out, "# Instruction counts against the baseline\n");
    let count = |verdict: Verdict| rows.iter().filter(|r| r.verdict == verdict).count();
    let (regressions, failed) = (count(Verdict::Regression), count(Verdict::Failed));
    let (creeping, incomparable) = (count(Verdict::Creep), count(Verdict::NotComparable));
    let status = if incomparable > 0 && regressions + failed + creeping == 0 {
        "⚠️ not comparable"
    } else if regressions + failed + creeping + incomparable == 0 {
        "✅ pass"
    } else {
        "❌ fail"
    };
    let mut tally = vec![
        format::plural(regressions, "regression", "regressions"),
        format::plural(count(Verdict::Improvement), "improvement", "improvements"),
        format!("{} new", count(Verdict::New)),
        format::plural(failed, "wrong output", "wrong outputs"),
        format!("{} unchanged", count(Verdict::Unchanged)),
    ];
    if creeping > 0 {
        tally.insert(1, format::plural(creeping, "cumulative regression", "cumulative regressions"));
    }
    if incomparable > 0 {
        tally.push(format!("{incomparable} not comparable"));
    }
    let _ = writeln!(
        out,
        "**{status}**: {}, {} on the instructions of a whole run (cachegrind, deterministic). {notes}\n",
        tally.join(", "),
        threshold_sentence(rows, thresholds)
    );
    let changed: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].verdict != Verdict::Unchanged).collect();
    let unchanged: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].verdict == Verdict::Unchanged).collect();
    let columns = Columns {
        wall: rows.iter().any(|r| !r.now.wall_s.is_empty()),
        threshold: rows.iter().any(|r| r.baseline.as_ref().is_some_and(|b| b.spread.is_some())),
        cumulative: rows.iter().any(|r| r.cumulative.is_some()),
    };
    if !changed.is_empty() {
        table(&mut out, rows, diffs, &changed, columns);
    }
    if !unchanged.is_empty() {
        let _ = writeln!(out, "<details><summary>{} unchanged</summary>\n", unchanged.len());
        table(&mut out, rows, diffs, &unchanged, columns);
        let _ = writeln!(out, "</details>\n");
    }
    let _ = writeln!(
        out,
        "*Prepare* is a run stopped after parsing and compiling; *run* is the rest. Counts include starting \
         the process. A regression's *diff* link is a differential flamegraph of instructions per function \
         (red: more than the baseline). A pair's *threshold* is the floor or its calibrated spread times a \
         factor, whichever is larger; *since reference* is the change against the baseline of the last reference \
         run, so that steps each under the threshold cannot add up unseen. Wall-clock figures, when shown, are \
         information only: on shared machines they move by 10-20 % between runs of the same code.\n"
    );
    out
}

/// How the rows were judged: one threshold, or a calibrated one per pair.
fn threshold_sentence(rows: &[Row], thresholds: &Thresholds) -> String {
    let calibrated = rows.iter().filter(|r| r.baseline.as_ref().is_some_and(|b| b.spread.is_some())).count();
    let with_baseline = rows.iter().filter(|r| r.baseline.is_some()).count();
    if calibrated == 0 {
        return format!("at a threshold of {} %", short(thresholds.fixed * 100.0));
    }
    let rule = format!(
        "at each pair's calibrated threshold, the larger of {} % and {} × the spread its baseline measured",
        short(thresholds.floor * 100.0),
        short(thresholds.factor)
    );
    if calibrated < with_baseline {
        let rest = format::plural(with_baseline - calibrated, "pair", "pairs");
        format!("{rule} ({} % for the {rest} without a spread)", short(thresholds.fixed * 100.0))
    } else {
        rule
    }
}

/// A setting as typed: `2`, `0.5`, `0.25`.
fn short(value: f64) -> String {
    ((value * 1e4).round() / 1e4).to_string()
}

/// The optional columns of the tables.
#[derive(Clone, Copy, Debug)]
struct Columns {
    wall: bool,
    threshold: bool,
    cumulative: bool,
}

fn table(out: &mut String, rows: &[Row], diffs: &[Option<String>], indices: &[usize], columns: Columns) {
    let _ = write!(out, "| engine | program | n | baseline | now | change |");
    let mut rule = String::from("|---|---|---:|---:|---:|---:|");
    if columns.threshold {
        out.push_str(" threshold |");
        rule.push_str("---:|");
    }
    if columns.cumulative {
        out.push_str(" since reference |");
        rule.push_str("---:|");
    }
    out.push_str(" prepare | run | |");
    rule.push_str("---:|---:|---|");
    if columns.wall {
        out.push_str(" wall now ÷ baseline (95 % CI, p) |");
        rule.push_str("---|");
    }
    let _ = writeln!(out, "\n{rule}");
    for &index in indices {
        let row = &rows[index];
        let marker = match row.verdict {
            Verdict::Regression => "🔴 regression",
            Verdict::Creep => "🟠 cumulative regression",
            Verdict::NotComparable => "⚠️ not comparable",
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
            "| `{}` | {} | {} | {} | {} | {} |",
            row.engine,
            row.program,
            row.size,
            row.baseline.as_ref().map_or("–".to_string(), |b| format::thousands(b.total)),
            format::thousands(row.now.total),
            percent(row.change),
        );
        if columns.threshold {
            let threshold = format!("{:.2} %", row.threshold * 100.0);
            let _ = write!(out, " {} |", if row.baseline.is_some() { threshold } else { "–".to_string() });
        }
        if columns.cumulative {
            let _ = write!(out, " {} |", percent(row.cumulative));
        }
        let _ = write!(
            out,
            " {} | {} | {marker} |",
            percent(row.phase_change(|c| c.prepare)),
            percent(row.phase_change(|c| c.run())),
        );
        if columns.wall {
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
