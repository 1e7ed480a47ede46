//! The report's section on what one execution of each opcode costs, from
//! `opcodes.jsonl` (`harness explain --opcodes`): per engine and program,
//! the opcodes (node kinds) whose arms executed the most instructions, with
//! their share of the run phase and their instructions per execution.

use super::format;
use crate::opcode_costs::cost::{self, EngineCosts};
use crate::opcode_costs::records::{Measured, Saved};
use std::fmt::Write;

/// The section's heading.
pub const HEADING: &str = "Instructions per opcode execution";

/// How many arms each table lists.
const ROWS: usize = 8;

fn millions(count: u64) -> String {
    format!("{:.2} M", count as f64 / 1e6)
}

fn percent(share: f64) -> String {
    format!("{:.1} %", share * 100.0)
}

/// Renders the section.
pub fn render(out: &mut String, saved: &Saved, timed_revision: Option<&str>) {
    let _ = writeln!(out, "## {HEADING}\n");
    let _ = writeln!(
        out,
        "**Instructions, not time:** each program at its small size, counted under callgrind (run phase only, \
         deterministic) by `{}` at revision {}, in the counted `lox` ({}). Every instruction is attributed to the \
         dispatch arm it was compiled into, through the binary's inline chains, and each arm's instructions are \
         divided by the executions of its opcodes (a walker's evaluations of its node kind) counted on the same \
         program by `lox` built with the engines' counters (`{}`). In a VM an arm counts its own code and the \
         functions it calls; in a walker or the closure compiler its own code and its share of the helpers it \
         calls (functions outside every arm, split among the arms that call them), not the children it \
         evaluates through the dispatch, which their own arms count. A child a tuning evaluates in place \
         (a walker's `leaf-operands` and `direct-operands`: a `return a + f(b)` adds and calls inside the \
         `Return` arm) never reaches the dispatch, so it counts in its parent's arm, whose instructions per \
         execution then include it, while the child's executions are still counted. An arm with instructions and no executions holds code the \
         compiler merged from several arms, which keeps one arm's line. A row in parentheses is code in no \
         arm: `(closure)` the closure compiler's closures that a macro makes for several node kinds (calls, \
         operators, variable reads), whose kind its source does not name; `(after the match)` a VM's code after \
         its `match`; `(outside the loop)` set-up that runs once. METHODOLOGY.md (\"Instructions per opcode execution\") \
         says how the attribution is made and what it cannot see.\n",
        saved.provenance.command, saved.provenance.revision, saved.counted_build, saved.work_count_build
    );
    if let Some(revision) = timed_revision
        && revision != saved.provenance.revision
    {
        let _ = writeln!(
            out,
            "> These counts were taken at revision {}, the timings at {revision}: run `harness explain --opcodes` \
             again to count the code that was timed.\n",
            saved.provenance.revision
        );
    }
    let mut engines: Vec<&str> = Vec::new();
    for measured in &saved.measured {
        if !engines.contains(&measured.engine.as_str()) {
            engines.push(&measured.engine);
        }
    }
    for engine in engines {
        let _ = writeln!(out, "### `{engine}`\n");
        for measured in saved.measured.iter().filter(|m| m.engine == engine) {
            table(out, measured);
        }
    }
}

/// One engine on one program.
fn table(out: &mut String, measured: &Measured) {
    let _ = writeln!(out, "**{}** (n = {})\n", measured.program, measured.size);
    if let Some(detail) = &measured.detail {
        let _ = writeln!(out, "Not counted: {}.\n", super::markdown::escape(detail));
        return;
    }
    let costs = cost::costs(measured);
    let kind = cost::kind_label(costs.family);
    let _ = writeln!(out, "{}\n", summary(measured, &costs));
    if costs.rows.is_empty() {
        return;
    }
    let first = if measured.machine_code.is_some() { "code" } else { kind };
    let _ =
        writeln!(out, "| {first} | share of instructions | instructions | executions | instructions per execution |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    for row in costs.rows.iter().take(ROWS) {
        let executions = row.executions.map_or("–".to_string(), format::thousands);
        let per = row.per_execution().map_or("–".to_string(), |per| format!("{per:.1}"));
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {executions} | {per} |",
            row.label.replace('|', "\\|"),
            percent(row.share),
            millions(row.instructions)
        );
    }
    out.push('\n');
}

/// The sentence before a table: the total, the dispatch, what the rows hold.
fn summary(measured: &Measured, costs: &EngineCosts) -> String {
    let kind = cost::kind_label(costs.family);
    let executed = match costs.family {
        Some(_) => format!(
            "{} {}s {}",
            format::thousands(costs.executions),
            kind,
            if costs.family == Some(crate::profile::counts::NODE) { "evaluated" } else { "executed" }
        ),
        None => format!("no executions counted by {}'s work-count build", measured.executions_from),
    };
    let from = if measured.executions_from == measured.engine {
        String::new()
    } else {
        format!(" (counted by `{}`, which runs the same bytecode)", measured.executions_from)
    };
    let total = measured.total.max(1) as f64;
    if measured.machine_code.is_some() {
        return format!(
            "{} instructions in the run phase, {executed}{from}. The jit has no dispatch loop: its generated code \
             has no debug information, so callgrind sees it as one block of code with no source, and per bytecode \
             instruction only on average (the first row). The other rows are the binary's functions by their own \
             instructions: the helpers generated code calls (a helper named after an opcode, per execution of that \
             opcode, whether or not every execution called it) and what they call.",
            millions(measured.total)
        );
    }
    let dispatch = match costs.dispatch_per_execution() {
        Some(per) => format!(
            "; the dispatch around the arms (fetch and decode, a walker's entry into `evaluate`) {} ({}), {per:.1} \
             per {kind}",
            millions(costs.dispatch),
            percent(costs.dispatch as f64 / total)
        ),
        None => String::new(),
    };
    let arms = if costs.with_calls { "arms, with the functions they call," } else { "arms, with their helpers," };
    format!(
        "{} instructions in the run phase, {executed}{from}{dispatch}; the {arms} {} ({}).",
        millions(measured.total),
        millions(costs.in_rows),
        percent(costs.in_rows as f64 / total)
    )
}

/// A report of this section alone, for a directory with no timings.
pub fn standalone(saved: &Saved, out_dir: &std::path::Path) -> String {
    let mut out = crate::report::format::counts_report_header(
        out_dir,
        &saved.provenance,
        &saved.valgrind,
        "loxbench: instructions per opcode execution",
    );
    render(&mut out, saved, None);
    out
}
