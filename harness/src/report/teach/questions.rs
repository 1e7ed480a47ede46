//! The questions a newcomer can answer from the page alone, each answered
//! with figures of this run and a link to the section that holds them. An
//! answer whose figures the run does not have says so instead.

use super::costs::Counters;
use super::steps::{self, RungPage, Step};
use crate::interval::{Interval, Verdict};
use crate::report::Extras;
use crate::report::analysis::Analysis;
use crate::report::format;
use std::fmt::Write;

/// The heading of the questions' section.
pub const HEADING: &str = "Questions this page answers";

/// Words the answers use, in one place: a step and what its interval allows.
fn said(interval: &Interval) -> String {
    match interval.verdict() {
        Verdict::Faster => format!("faster by {}", interval.text()),
        Verdict::Slower => format!("slower: its speed-up is {}", interval.text()),
        Verdict::NotSignificant => format!("no faster and no slower ({})", interval.text()),
    }
}

struct Ladder<'r, 'a> {
    a: &'r Analysis,
    rungs: &'r [RungPage<'a>],
    counters: &'r [Counters],
}

impl<'r, 'a> Ladder<'r, 'a> {
    fn rung(&self, engine: &str) -> Option<(&'r RungPage<'a>, &'r Counters)> {
        let index = self.rungs.iter().position(|r| r.engine == engine)?;
        Some((&self.rungs[index], &self.counters[index]))
    }

    /// The rung's plain step when it has one, else its tuned step, with
    /// which it is.
    fn step(&self, engine: &str) -> Option<(&'r Step, &'static str)> {
        let (rung, _) = self.rung(engine)?;
        match (&rung.plain_step, &rung.tuned_step) {
            (Some(step), _) if step.mean.is_some() => Some((step, "strategy alone")),
            (_, Some(step)) if step.mean.is_some() => Some((step, "tuned")),
            _ => None,
        }
    }
}

/// Writes the section.
pub fn render(out: &mut String, a: &Analysis, extras: Extras<'_>, rungs: &[RungPage<'_>], counters: &[Counters]) {
    let ladder = Ladder { a, rungs, counters };
    let _ = writeln!(out, "## {HEADING}\n");
    let _ = writeln!(
        out,
        "Each answer is written from this run's figures when the page is rendered; the section it points to \
         holds them.\n"
    );
    let answers: [(&str, Option<String>, &str); 7] = [
        ("Why is `hashmap-walker` slow on fib but not on strings?", fib_and_strings(&ladder, extras), "slot-walker"),
        ("What do resolved slots save?", slots(&ladder), "slot-walker"),
        ("What do 8-byte values save, and what do they cost?", small_values(&ladder), "tagged-walker"),
        ("What does a closure compiler save over a tree-walker?", closures(&ladder), "closure-compiler"),
        ("Why does a bytecode VM win on objects?", objects(&ladder), "enum-vm"),
        ("What does NaN boxing add over an enum VM?", nan_boxing(&ladder), "nanbox-vm"),
        ("How far is the best engine from native code?", native(&ladder), ""),
    ];
    for (index, (question, answer, section)) in answers.into_iter().enumerate() {
        let link = if section.is_empty() {
            "[the ladder at a glance](#the-ladder-at-a-glance)".to_string()
        } else {
            format!("[{}](#{})", steps::heading(section), steps::anchor(section))
        };
        let answer = answer.unwrap_or_else(|| {
            "This run does not have the figures to answer it (an engine or a program was left out, or failed)."
                .to_string()
        });
        let _ = writeln!(out, "{}. **{question}** {answer} (See {link}.)\n", index + 1);
    }
}

fn fib_and_strings(ladder: &Ladder<'_, '_>, extras: Extras<'_>) -> Option<String> {
    let (step, which) = ladder.step("slot-walker")?;
    let (fib, strings) = (step.on("fib")?, step.on("strings")?);
    let mut answer = format!(
        "fib is nothing but calls and reads of `n` and `fib`, which is what the naive rung does worst: every read \
         walks a chain of scopes hashing a name, and every call allocates a scope. strings spends its time \
         concatenating and allocating strings, which every rung does alike. So taking the names away \
         (`slot-walker`, {which}: locals by slot, no scope allocated) should pay on fib and hardly on strings. \
         Measured: `slot-walker` is {} on fib and {} on strings.",
        said(&fib),
        said(&strings)
    );
    if let Some(fastest) = fastest_against(ladder, "fib").zip(fastest_against(ladder, "strings")) {
        let ((fib_engine, fib_time), (strings_engine, strings_time)) = fastest;
        let _ = write!(
            answer,
            " Against the fastest engine of this run on each, `hashmap-walker` takes {} `{fib_engine}`'s time on \
             fib and {} `{strings_engine}`'s on strings.",
            fib_time.text(),
            strings_time.text()
        );
    }
    let shown = fib.verdict() == Verdict::Faster
        && (strings.verdict() != Verdict::Faster || strings.estimate < fib.estimate)
        && fib.low > strings.estimate;
    answer.push_str(if shown {
        " The run bears it out."
    } else {
        " This run does not show it clearly: the two intervals overlap or fib's includes 1 (a quick run's few, \
         short runs make wide intervals; the reference run has the medium sizes)."
    });
    if extras.profiles.is_some()
        && let (Some((_, naive)), Some((_, slots))) = (ladder.rung("hashmap-walker"), ladder.rung("slot-walker"))
        && let (Some(naive_fib), Some(slot_fib)) =
            (super::costs::count_on(&naive.allocations, "fib"), super::costs::count_on(&slots.allocations, "fib"))
    {
        let _ = write!(
            answer,
            " The profiles count it: on fib `hashmap-walker` allocates {} times per run, `slot-walker` {}.",
            format::thousands(naive_fib),
            format::thousands(slot_fib)
        );
    }
    Some(answer)
}

/// The fastest tuned rung on `program` and `hashmap-walker`'s time as a
/// multiple of its own, with the interval.
fn fastest_against(ladder: &Ladder<'_, '_>, program: &str) -> Option<(String, Interval)> {
    let (naive, _) = ladder.rung("hashmap-walker")?;
    let naive = naive.tuned?;
    ladder
        .rungs
        .iter()
        .filter_map(|rung| {
            let tuned = rung.tuned?;
            let step = steps::step(ladder.a, &naive.name, &tuned.name, Some(&[program]));
            Some((rung.engine.to_string(), step.on(program)?))
        })
        .max_by(|a, b| a.1.estimate.total_cmp(&b.1.estimate))
        .filter(|(engine, _)| engine != "hashmap-walker")
}

/// The largest speed-ups of a step, as `fib 3.1× [..]; globals ...`.
fn largest(step: &Step, count: usize) -> String {
    let mut sorted: Vec<&(String, Interval)> = step.programs.iter().collect();
    sorted.sort_by(|a, b| b.1.estimate.total_cmp(&a.1.estimate));
    sorted.iter().take(count).map(|(p, i)| format!("{p} {}", i.text())).collect::<Vec<_>>().join("; ")
}

fn slots(ladder: &Ladder<'_, '_>) -> Option<String> {
    let (step, which) = ladder.step("slot-walker")?;
    let mean = step.mean?;
    Some(format!(
        "A variable found by index in the frame instead of by name in a chain of hash maps, and no scope \
         allocated per call or block: over {}, `slot-walker` ({which}) is {} than `hashmap-walker`; most on {}.",
        format::plural(step.programs.len(), "program", "programs"),
        said(&mean),
        largest(step, 3)
    ))
}

fn small_values(ladder: &Ladder<'_, '_>) -> Option<String> {
    let (rung, counters) = ladder.rung("tagged-walker")?;
    let (below, below_counters) = ladder.rung(rung.below?)?;
    let (step, which) = ladder.step("tagged-walker")?;
    let mean = step.mean?;
    let mut answer = format!(
        "A value of {} bytes instead of {} lives in a register, needs no reference count and no destructor: \
         `tagged-walker` ({which}) is {} than `{}` over {}.",
        rung.value_bytes?,
        below.value_bytes?,
        said(&mean),
        below.engine,
        format::plural(step.programs.len(), "program", "programs")
    );
    if let (Some(upper), Some(lower)) = (&counters.source, &below_counters.source) {
        let _ = write!(
            answer,
            " The cost: {} `unsafe` sites (against {}) and {} lines of code (against {}), for its own heap and \
             collector.",
            upper.unsafe_sites,
            lower.unsafe_sites,
            format::thousands(upper.lines as u64),
            format::thousands(lower.lines as u64)
        );
    }
    let slower: Vec<&str> = step.with_verdict(Verdict::Slower).iter().map(|(p, _)| p.as_str()).collect();
    let _ = match slower.len() {
        0 => write!(answer, " It is significantly slower on no program."),
        1..=3 => write!(
            answer,
            " It is slower on {} ({}): see where it loses.",
            format::plural(slower.len(), "program", "programs"),
            slower.join(", ")
        ),
        n => write!(answer, " It is slower on {n} programs: see where it loses."),
    };
    Some(answer)
}

fn closures(ladder: &Ladder<'_, '_>) -> Option<String> {
    let (rung, _) = ladder.rung("closure-compiler")?;
    let below = rung.below?;
    let plain = rung.plain_step.as_ref().and_then(|s| s.mean);
    let tuned = rung.tuned_step.as_ref().and_then(|s| s.mean);
    let mut answer = "It decides once, when it builds the closures, what a walker decides at every visit of a node \
                      (which kind, which operator, where the variable lives)."
        .to_string();
    if let Some(plain) = plain {
        let _ = write!(answer, " The strategy alone is {} than `{below}`'s strategy alone.", said(&plain));
    }
    if let Some(tuned) = tuned {
        let _ = write!(
            answer,
            " Tuned, it is {}: with a closure per node, fusing a node with its children (leaf operands, fused \
             conditions, guard returns) is a choice of closure, which a walker needs a hand-written path for.",
            said(&tuned)
        );
    }
    (plain.is_some() || tuned.is_some()).then_some(answer)
}

/// The programs whose work is objects: instances, fields and methods.
fn object_programs(a: &Analysis) -> Vec<&str> {
    let words = ["instance", "method", "field", "object", "inherit"];
    a.main_programs()
        .into_iter()
        .map(|(program, _)| program)
        .filter(|p| words.iter().any(|w| p.stresses.contains(w)))
        .map(|p| p.name.as_str())
        .collect()
}

fn objects(ladder: &Ladder<'_, '_>) -> Option<String> {
    let (rung, _) = ladder.rung("enum-vm")?;
    let (below, _) = ladder.rung(rung.below?)?;
    let (to, from) = (rung.tuned?, below.tuned?);
    let objects = object_programs(ladder.a);
    let others: Vec<&str> =
        ladder.a.main_programs().into_iter().map(|(p, _)| p.name.as_str()).filter(|p| !objects.contains(p)).collect();
    let on_objects = steps::step(ladder.a, &from.name, &to.name, Some(&objects));
    let on_others = steps::step(ladder.a, &from.name, &to.name, Some(&others));
    let (objects_mean, others_mean) = (on_objects.mean?, on_others.mean?);
    Some(format!(
        "A VM interns every name once, so a field or method lookup probes a table with a hash computed once \
         and compares handles, and an `invoke` instruction calls a method without making a bound method; the \
         tree engines keep names as text. On the {} whose work is objects ({}), `enum-vm` is {} than `{}`; on \
         the other {} it is {}.",
        format::plural(on_objects.programs.len(), "program", "programs"),
        on_objects.programs.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>().join(", "),
        said(&objects_mean),
        below.engine,
        on_others.programs.len(),
        said(&others_mean)
    ))
}

fn nan_boxing(ladder: &Ladder<'_, '_>) -> Option<String> {
    let (rung, counters) = ladder.rung("nanbox-vm")?;
    let (below, below_counters) = ladder.rung(rung.below?)?;
    let (step, which) = ladder.step("nanbox-vm")?;
    let mean = step.mean?;
    let mut answer = format!(
        "Values of {} bytes instead of {}, instructions of one to a few bytes instead of eight (see [{}](#{})), \
         objects reached by pointer instead of by arena index: `nanbox-vm` ({which}) is {} than `{}` over {}.",
        rung.value_bytes?,
        below.value_bytes?,
        super::page::FORMS_HEADING,
        crate::report::ladder::anchor(super::page::FORMS_HEADING),
        said(&mean),
        below.engine,
        format::plural(step.programs.len(), "program", "programs")
    );
    if let (Some(upper), Some(lower)) = (&counters.source, &below_counters.source) {
        let _ = write!(
            answer,
            " It takes {} `unsafe` sites where `{}` has {}.",
            upper.unsafe_sites, below.engine, lower.unsafe_sites
        );
    }
    Some(answer)
}

fn native(ladder: &Ladder<'_, '_>) -> Option<String> {
    // Without the native candle, a C interpreter given as a peer is the
    // nearest thing this run has, and the answer says which it is.
    let (reference, what, preface) = match steps::native(ladder.a) {
        Some(native) => (native, "native code's", ""),
        None => (
            ladder.a.contenders.iter().find(|c| c.name == CLOX)?,
            "clox's",
            "No native code ran in this run; the nearest is clox, the book's interpreter in C. ",
        ),
    };
    let mut times: Vec<(&str, Interval, usize)> = ladder
        .rungs
        .iter()
        .filter_map(|rung| {
            let step = steps::step(ladder.a, &reference.name, &rung.tuned?.name, None);
            Some((rung.engine, step.mean?.inverse(), step.programs.len()))
        })
        .collect();
    times.sort_by(|a, b| a.1.estimate.total_cmp(&b.1.estimate));
    let (best, best_time, programs) = times.first()?;
    let (worst, worst_time, _) = times.last()?;
    Some(format!(
        "{preface}The fastest engine of this run, `{best}`, takes {} {what} time (geometric mean over {}; the \
         interval is of the ratio of times); the slowest, `{worst}`, takes {}.",
        best_time.text(),
        format::plural(*programs, "program", "programs"),
        worst_time.text()
    ))
}

/// The peer a reference run names the book's C interpreter by.
const CLOX: &str = "clox";
