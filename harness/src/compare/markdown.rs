//! The comparison's README: provenance first (with what differs said
//! before any figure), then the geometric means, the chart, every pair's
//! ratio, and what could not be compared.

use super::{Comparison, Entry, Significance};
use crate::charts::comment_safe;
use crate::report::format;
use std::fmt::Write;

/// How a significance reads in a table.
pub fn label(significance: Significance) -> &'static str {
    match significance {
        Significance::Slower => "🔴 slower",
        Significance::Faster => "🟢 faster",
        Significance::NotSignificant => "not significant",
    }
}

/// Renders the comparison; `chart` is the chart's file name, when drawn.
pub fn render(comparison: &Comparison, notice: &str, chart: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "<!-- {} -->", comment_safe(notice));
    let _ = writeln!(out, "> **Generated file.** {notice}\n");
    let _ = writeln!(out, "# Comparison: `{}` → `{}`\n", comparison.old_label, comparison.new_label);
    provenance(&mut out, comparison);
    means(&mut out, comparison);
    if let Some(chart) = chart {
        let _ = writeln!(out, "![new ÷ old per program, with 95 % intervals]({chart})\n");
    }
    entries(&mut out, &comparison.entries);
    one_sided(&mut out, comparison);
    let _ = writeln!(
        out,
        "## How to read this\n\n*new ÷ old* is the new run's median wall time over the old run's (each with the \
         spawn cost of its own rounds subtracted), so above 1 is slower. The interval is a bootstrap 95 % interval \
         ({} resamplings of both sides' runs, percentile method). A difference is *significant* when the interval \
         leaves out 1 and the Mann-Whitney test rejects equal distributions (p < {}); the geometric mean of a \
         contender covers the programs both runs timed, and its interval resamples every one of them. Wall times \
         on a shared machine move by 10-20 % between runs of the same code (see METHODOLOGY.md): read a small \
         significant difference as a hint, and count instructions (`harness ci`) to settle it.",
        super::RESAMPLES,
        super::ALPHA
    );
    out
}

fn provenance(out: &mut String, comparison: &Comparison) {
    let settings = comparison.setting_differences();
    if !settings.is_empty() {
        let what: Vec<String> =
            settings.iter().map(|line| format!("{} (`{}` → `{}`)", line.field, line.old, line.new)).collect();
        let _ = writeln!(
            out,
            "> ⚠️ **The two runs were not made in the same setting**: {}. Every ratio below mixes that difference \
             with the code's; compare runs from one machine and toolchain to judge the code.\n",
            what.join("; ")
        );
    }
    let revision = &comparison.provenance[0];
    if revision.differs() {
        let _ = writeln!(out, "Revisions compared: `{}` → `{}`.\n", revision.old, revision.new);
    } else {
        let _ = writeln!(out, "Both runs are of revision `{}`: any difference is noise or setting.\n", revision.new);
    }
    let _ = writeln!(out, "| | old: `{}` | new: `{}` |", comparison.old_label, comparison.new_label);
    let _ = writeln!(out, "|---|---|---|");
    for line in &comparison.provenance {
        let (old, new) = (cell(&line.old), cell(&line.new));
        if line.differs() {
            let _ = writeln!(out, "| **{}** (differs) | **{old}** | **{new}** |", line.field);
        } else {
            let _ = writeln!(out, "| {} | {old} | {new} |", line.field);
        }
    }
    out.push('\n');
}

fn means(out: &mut String, comparison: &Comparison) {
    if comparison.means.is_empty() {
        let _ = writeln!(out, "No contender was timed on any program in both runs, so there is nothing to compare.\n");
        return;
    }
    let _ = writeln!(out, "## Geometric means\n");
    let _ = writeln!(out, "| contender | programs | new ÷ old | 95 % interval | |");
    let _ = writeln!(out, "|---|---:|---:|---|---|");
    for mean in &comparison.means {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | [{}, {}] | {} |",
            mean.contender,
            mean.programs,
            format::digits(mean.ratio),
            format::digits(mean.low),
            format::digits(mean.high),
            label(mean.significance)
        );
    }
    out.push('\n');
}

fn entries(out: &mut String, entries: &[Entry]) {
    if entries.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Per program\n");
    let _ = writeln!(out, "| contender | program | n | old median | new median | new ÷ old | 95 % interval | p | |");
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---|---:|---|");
    for entry in entries {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | [{}, {}] | {} | {} |",
            entry.contender,
            entry.program,
            entry.size,
            format::time(entry.old_median),
            format::time(entry.new_median),
            format::digits(entry.ratio),
            format::digits(entry.low),
            format::digits(entry.high),
            if entry.p < 0.001 { "< 0.001".to_string() } else { format::digits(entry.p) },
            label(entry.significance)
        );
    }
    out.push('\n');
}

fn one_sided(out: &mut String, comparison: &Comparison) {
    let lists = [
        ("Contenders only in the old run", &comparison.contenders_only_old),
        ("Contenders only in the new run", &comparison.contenders_only_new),
        ("Programs only in the old run", &comparison.programs_only_old),
        ("Programs only in the new run", &comparison.programs_only_new),
    ];
    if lists.iter().all(|(_, names)| names.is_empty()) && comparison.not_compared.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Not compared\n");
    for (title, names) in lists {
        if !names.is_empty() {
            let names: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
            let _ = writeln!(out, "- {title}: {}.", names.join(", "));
        }
    }
    for pair in &comparison.not_compared {
        let _ = writeln!(out, "- `{}` on {}: {}.", pair.contender, pair.program, cell(&pair.reason));
    }
    out.push('\n');
}

/// Text that can stand in a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
