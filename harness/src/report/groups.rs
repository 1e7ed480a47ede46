//! The ladder by group of programs (micro, macro, twin): a ranking that
//! holds on micro-benchmarks only shows against the larger programs; and
//! every contender's distance from native code, the standard candle.

use super::analysis::Analysis;
use super::format;
use super::markdown::escape;
use crate::contender::Contender;
use crate::programs::{Group, Program};
use std::fmt::Write;

/// What each group holds, for the table's legend.
fn legend(group: Group) -> &'static str {
    match group {
        Group::Micro => "one code shape or one library-sized kernel each",
        Group::Macro => "larger applications: objects, polymorphism and closures together",
        Group::Twin => "the work of a micro program, written another way",
    }
}

/// One row's cells: a geometric mean per group and over all programs. A
/// mean over fewer programs than its column's (a peer that has no time on
/// some of them) says how many it covers.
fn row(
    a: &Analysis,
    sets: &[(Option<Group>, Vec<&Program>)],
    per_program: impl Fn(&str) -> Option<(f64, f64)>,
) -> String {
    sets.iter()
        .map(|(_, programs)| {
            a.mean_over(programs, &per_program).map_or("–".to_string(), |(g, e, covered)| {
                let mean = format!("{}×", format::ratio(g, e));
                if covered < programs.len() { format!("{mean} (on {covered})") } else { mean }
            })
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The columns: each group with programs, then all of them, each over the
/// programs every timed contender has a time on.
fn column_sets(a: &Analysis) -> Vec<(Option<Group>, Vec<&Program>)> {
    let mut sets: Vec<(Option<Group>, Vec<&Program>)> =
        a.groups().into_iter().map(|group| (Some(group), a.common_programs_in(Some(group)))).collect();
    sets.push((None, a.common_programs()));
    sets
}

fn header(sets: &[(Option<Group>, Vec<&Program>)]) -> (String, String) {
    let names: Vec<String> = sets
        .iter()
        .map(|(group, programs)| format!("{} ({})", group.map_or("all", Group::name), programs.len()))
        .collect();
    (names.join(" | "), vec!["---:"; sets.len()].join("|"))
}

/// The section: speed-ups over the ladder's base per group, and, when the
/// native peer ran, each contender's time over native code's.
pub fn render(out: &mut String, a: &Analysis) {
    let Some(base) = a.ladder_base() else { return };
    let groups = a.groups();
    if groups.len() < 2 && a.timed_contenders().iter().all(|c| c.name != crate::native::PEER_NAME) {
        return;
    }
    let sets = column_sets(a);
    let contenders: Vec<&Contender> = a.timed_contenders();
    let _ = writeln!(out, "## By group of programs\n");
    let legend: Vec<String> = groups.iter().map(|group| format!("*{}*: {}", group.name(), legend(*group))).collect();
    let _ = writeln!(
        out,
        "The ladder's speed-up over `{base}` (geometric mean ± spread), per group of programs ({}), and over \
         them all. Each column covers the programs of its group on which every timed contender has a time (their \
         number in brackets; a peer's mean that covers fewer, because it has no time on some, says on how many); \
         a contender that climbs on micro programs and slips on macro ones owes its rank to \
         shapes the larger programs do not share.\n",
        legend.join("; ")
    );
    let (names, rule) = header(&sets);
    let _ = writeln!(out, "| contender | {names} |\n|---|{rule}|");
    for contender in &contenders {
        let cells = row(a, &sets, |program| a.speed_up(program, &contender.name));
        let _ = writeln!(out, "| `{}` | {cells} |", contender.name);
    }
    out.push('\n');

    let Some(native) = contenders.iter().find(|c| c.name == crate::native::PEER_NAME) else { return };
    // Native code's shortest runs can take less than starting a process:
    // those programs have no native time, and leave its columns.
    let native_sets: Vec<(Option<Group>, Vec<&Program>)> = sets
        .iter()
        .map(|(group, programs)| {
            (*group, programs.iter().copied().filter(|p| a.median(&p.name, &native.name).is_some()).collect())
        })
        .collect();
    let (names, rule) = header(&native_sets);
    let _ = writeln!(out, "### How far from native code\n");
    let _ = writeln!(
        out,
        "Each contender's median time over `{}`'s ({}), geometric mean per group: how many times slower than the \
         same algorithm compiled by rustc. The ladder ends here. The columns cover the programs above on which \
         native code took longer than starting a process.\n",
        native.name,
        escape(&native.description)
    );
    let _ = writeln!(out, "| contender | {names} |\n|---|{rule}|");
    for contender in contenders.iter().filter(|c| c.name != native.name) {
        let cells = row(a, &native_sets, |program| a.relative(program, &contender.name, &native.name));
        let _ = writeln!(out, "| `{}` | {cells} |", contender.name);
    }
    out.push('\n');
}
