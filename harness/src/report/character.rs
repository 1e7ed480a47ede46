//! What each program does, counted: calls and their depth, objects made,
//! property and global accesses (`frontend::work`), from the profiling
//! run of the engine that counts them. Every engine runs the same program,
//! so one engine's counts characterise it; they say which programs weigh
//! on calls, which on objects, which on globals, and so which rung's
//! strategy each one rewards.

use super::analysis::Analysis;
use super::format;
use super::profiles::Profiles;
use crate::profile::EngineProfile;
use frontend::work;
use std::fmt::Write;

/// The counters the table shows, in its order, with their column heads.
const COLUMNS: [(&str, &str); 7] = [
    (work::CALLS, "calls"),
    (work::MAX_CALL_DEPTH, "max call depth"),
    (work::ALLOCATIONS, "allocations"),
    (work::CLOSURES, "closures made"),
    (work::PROPERTY_READS, "property reads"),
    (work::PROPERTY_WRITES, "property writes"),
    (work::GLOBAL_READS, "global reads"),
];

/// The profiles that carry counters: the counting engine's, program by
/// program (the first engine that counts, when several do).
pub fn counted(profiles: &Profiles) -> Vec<&EngineProfile> {
    let Some(engine) = profiles.profiles.iter().find(|(p, _)| !p.counters.is_empty()).map(|(p, _)| &p.engine) else {
        return Vec::new();
    };
    profiles.profiles.iter().map(|(p, _)| p).filter(|p| &p.engine == engine && p.passed).collect()
}

/// A count as a short figure: `950`, `12.3 k`, `4.56 M`, `1.20 G`.
pub fn short(count: u64) -> String {
    let value = count as f64;
    match count {
        0..1_000 => count.to_string(),
        1_000..1_000_000 => format!("{} k", format::digits(value / 1e3)),
        1_000_000..1_000_000_000 => format!("{} M", format::digits(value / 1e6)),
        _ => format!("{} G", format::digits(value / 1e9)),
    }
}

/// The section, when the profiles carry counters.
pub fn render(out: &mut String, analysis: &Analysis, profiles: &Profiles) {
    let counted = counted(profiles);
    let Some(first) = counted.first() else { return };
    let _ = writeln!(out, "## What each program does\n");
    let _ = writeln!(
        out,
        "Counted by `{}` in the profiling run (its `work-count` build), at the size given: what the program asks \
         for, whatever the engine, so that each program's weight on calls, objects, properties and globals is \
         plain. *Allocations* are the objects the program makes (instances, closures, bound methods, classes, \
         and strings made by `+`); *closures made* counts every function value made, methods included; a call \
         of `object.name(...)` reads the property it calls.\n",
        first.engine
    );
    let heads: Vec<&str> = COLUMNS.iter().map(|(_, head)| *head).collect();
    let _ = writeln!(out, "| program | group | n | {} |", heads.join(" | "));
    let _ = writeln!(out, "|---|---|---:|{}", "---:|".repeat(COLUMNS.len()));
    for program in &analysis.programs {
        let Some(profile) = counted.iter().find(|p| p.program == program.name) else { continue };
        let cells: Vec<String> = COLUMNS
            .iter()
            .map(|(name, _)| {
                profile.counters.iter().find(|(n, _)| n == name).map_or("–".to_string(), |(_, count)| short(*count))
            })
            .collect();
        let _ = writeln!(
            out,
            "| [{0}](#{0}) | {1} | {2} | {3} |",
            program.name,
            program.group.name(),
            profile.size,
            cells.join(" | ")
        );
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_short() {
        assert_eq!(short(950), "950");
        assert_eq!(short(12_345), "12.3 k");
        assert_eq!(short(29_860_703), "29.9 M");
        assert_eq!(short(1_204_000_000), "1.20 G");
    }
}
