//! The report's counts by kind: for each engine on each program, the
//! opcodes or node kinds it executed most; and, for each VM, the pairs of
//! adjacent opcodes that a superinstruction would replace most often.

use super::format;
use super::profiles::Profiles;
use crate::profile::counts::{self, OPCODE_PAIR};
use std::collections::BTreeMap;
use std::fmt::Write;

/// Kinds listed per engine and program.
const KINDS: usize = 5;
/// Superinstruction candidates listed per VM.
const PAIRS: usize = 8;

/// Renders both tables; nothing when no profile counted by kind (a
/// profiling build older than the counters).
pub fn render(out: &mut String, profiles: &Profiles) {
    let counted: Vec<_> = profiles
        .profiles
        .iter()
        .map(|(p, _)| p)
        .filter(|p| p.passed && counts::main_family(&p.counts).is_some())
        .collect();
    if counted.is_empty() {
        return;
    }
    let _ = writeln!(out, "### What ran most, by kind\n");
    let _ = writeln!(
        out,
        "Each engine's own counts from the profiled run (its `work-count` build): executions per opcode for the \
         VMs, evaluations per AST node kind for the walkers and the closure compiler, with each kind's share of \
         all of them. These say how often, not how long: `harness explain` gives instructions per dispatch arm.\n"
    );
    let _ = writeln!(out, "| engine | program | counted by | most frequent kinds (share) |");
    let _ = writeln!(out, "|---|---|---|---|");
    for profile in &counted {
        let Some(family) = counts::main_family(&profile.counts) else { continue };
        let top: Vec<String> = counts::top(&profile.counts, family, KINDS)
            .into_iter()
            .map(|kind| format!("`{}` {:.1} %", kind.name.replace('|', "\\|"), kind.share * 100.0))
            .collect();
        let _ = writeln!(out, "| `{}` | {} | {family} | {} |", profile.engine, profile.program, top.join(", "));
    }
    out.push('\n');
    candidates(out, &counted);
}

/// Per VM, the pairs with the largest mean share of dispatches over its
/// programs (each program weighs the same, however long it ran).
fn candidates(out: &mut String, counted: &[&crate::profile::EngineProfile]) {
    let mut engines: Vec<&str> = Vec::new();
    for profile in counted {
        if counts::family_total(&profile.counts, OPCODE_PAIR) > 0 && !engines.contains(&profile.engine.as_str()) {
            engines.push(&profile.engine);
        }
    }
    if engines.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Superinstruction candidates\n");
    let _ = writeln!(
        out,
        "Pairs of opcodes that follow each other in the code and ran one straight after the other (no jump or \
         call between), by their executions as a share of all dispatches, the mean over the programs profiled. \
         Fusing a pair into one instruction saves one dispatch per execution of the pair, so the share is the \
         most it could save of the dispatches (of their instructions, the dispatch share `harness explain` \
         measures); less where the pair is split by a jump target.\n"
    );
    for engine in engines {
        let programs: Vec<_> = counted.iter().filter(|p| p.engine == engine).collect();
        let mut shares: BTreeMap<String, (f64, u64, Vec<String>)> = BTreeMap::new();
        for profile in &programs {
            for candidate in counts::candidates(&profile.counts, usize::MAX) {
                let entry = shares.entry(candidate.pair).or_default();
                entry.0 += candidate.dispatches_saved / programs.len() as f64;
                entry.1 += candidate.count;
                if candidate.dispatches_saved >= 0.05 {
                    entry.2.push(format!("{} {:.0} %", profile.program, candidate.dispatches_saved * 100.0));
                }
            }
        }
        let mut ranked: Vec<_> = shares.into_iter().collect();
        ranked.sort_by(|a, b| b.1.0.total_cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
        let _ = writeln!(out, "`{engine}` over {} programs:\n", programs.len());
        let _ = writeln!(out, "| pair | executions | dispatches saved (mean) | programs where it is 5 % or more |");
        let _ = writeln!(out, "|---|---:|---:|---|");
        for (pair, (share, count, programs)) in ranked.into_iter().take(PAIRS) {
            let _ = writeln!(
                out,
                "| `{pair}` | {} | {:.1} % | {} |",
                format::thousands(count),
                share * 100.0,
                programs.join(", ")
            );
        }
        out.push('\n');
    }
}
