//! The report's section on why each rung executes fewer instructions than
//! the rung below, from `explain.jsonl` (`harness explain --rungs`): for
//! each pair of rungs, the ratio of their instructions and the difference
//! broken down by category, summed over the programs whose records count.

use super::format;
use crate::rungs_explained::table::{Breakdowns, PairSummary};
use std::fmt::Write;

/// The section's heading, which LADDER.md links to.
pub const HEADING: &str = "Why each rung executes fewer instructions";

/// The anchor of the section.
pub fn anchor() -> String {
    super::ladder::anchor(HEADING)
}

/// Millions of instructions with a sign, to two decimals.
fn signed_millions(count: i128) -> String {
    let text = format!("{:.2} M", count.unsigned_abs() as f64 / 1e6);
    match count {
        0 => text,
        ..0 => format!("−{text}"),
        _ => format!("+{text}"),
    }
}

fn millions(count: u64) -> String {
    format!("{:.2} M", count as f64 / 1e6)
}

/// A share as a percentage, or a dash when there is no difference.
fn share_text(share: Option<f64>) -> String {
    match share {
        None => "–".to_string(),
        // A share that rounds to zero has no sign.
        Some(s) if (s * 100.0).abs() < 0.05 => "0.0 %".to_string(),
        Some(s) => format!("{:.1} %", s * 100.0).replace('-', "−"),
    }
}

/// The top cost category of a step, as LADDER.md shows it: what the rung
/// saves (or adds) most of, with the figure.
pub fn top_text(summary: &PairSummary) -> Option<String> {
    let (top, share) = summary.top()?;
    let verb = if summary.difference() < 0 { "saves" } else { "adds" };
    Some(format!(
        "**{}**: {} of the {} instructions it {verb} over `{}` ({:.0} %), summed over {}",
        top.category.label(),
        signed_millions(top.difference()),
        signed_millions(summary.difference()),
        summary.lower,
        share * 100.0,
        format::plural(summary.programs.len(), "program", "programs")
    ))
}

/// Renders the section.
pub fn render(out: &mut String, breakdowns: &Breakdowns, timed_revision: Option<&str>) {
    let _ = writeln!(out, "## {HEADING}\n");
    let _ = writeln!(
        out,
        "**Instructions, not time:** each program at its small size, counted under callgrind (run phase only, \
         deterministic) by `{}` at revision {}, and every instruction attributed to a category as METHODOLOGY.md \
         says (\"Instructions by category\"). A rung can execute fewer instructions and still not run faster; \
         the measured step in time is on [LADDER.md](LADDER.md) when the directory has timings. For each rung and the rung it is a step from: the ratio \
         of their instructions (geometric mean over programs), and the difference summed over those programs by \
         category, largest first. A program is left out of a pair when an output was wrong or a breakdown does \
         not add up to its measured total within {:.0} %.\n",
        breakdowns.provenance.command,
        breakdowns.provenance.revision,
        crate::explain::TOLERANCE * 100.0
    );
    if let Some(revision) = timed_revision
        && revision != breakdowns.provenance.revision
    {
        let _ = writeln!(
            out,
            "> These breakdowns were counted at revision {}, the timings at {revision}: run `harness explain --rungs` \
             again to count the code that was timed.\n",
            breakdowns.provenance.revision
        );
    }
    for summary in breakdowns.summaries() {
        pair(out, &summary);
    }
}

fn pair(out: &mut String, summary: &PairSummary) {
    let (upper, lower) = (&summary.upper, &summary.lower);
    let _ = writeln!(out, "### `{upper}` over `{lower}`\n");
    let Some(ratio) = summary.ratio else {
        let _ = writeln!(out, "No program of this pair could be explained.\n");
        excluded(out, summary);
        return;
    };
    let _ = writeln!(
        out,
        "`{upper}` executes {}× the instructions of `{lower}` (geometric mean over {}: {}); summed over them, {} \
         against {}, a difference of {}.\n",
        format::digits(ratio),
        format::plural(summary.programs.len(), "program", "programs"),
        summary.programs.join(", "),
        millions(summary.upper_total),
        millions(summary.lower_total),
        signed_millions(summary.difference())
    );
    let _ = writeln!(out, "| category | `{lower}` | `{upper}` | difference | share of the difference |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    for sum in &summary.categories {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            sum.category.label(),
            millions(sum.lower),
            millions(sum.upper),
            signed_millions(sum.difference()),
            share_text(summary.share(sum))
        );
    }
    let _ = writeln!(
        out,
        "| **measured total** | **{}** | **{}** | **{}** | |\n",
        millions(summary.lower_total),
        millions(summary.upper_total),
        signed_millions(summary.difference())
    );
    excluded(out, summary);
}

fn excluded(out: &mut String, summary: &PairSummary) {
    if summary.excluded.is_empty() {
        return;
    }
    let items: Vec<String> = summary
        .excluded
        .iter()
        .map(|(program, reason)| format!("{program} ({})", super::markdown::escape(reason)))
        .collect();
    let _ = writeln!(out, "Left out: {}.\n", items.join("; "));
}

/// A README of the breakdowns alone, for a directory with no timing
/// results.
pub fn standalone(breakdowns: &Breakdowns, out_dir: &std::path::Path) -> String {
    let mut out = crate::report::format::counts_report_header(
        out_dir,
        &breakdowns.provenance,
        &breakdowns.valgrind,
        "loxbench: instructions by category, rung by rung",
    );
    render(&mut out, breakdowns, None);
    out
}
