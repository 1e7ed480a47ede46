//! The text of LADDER.md: the ladder at a glance, one section per rung
//! (the idea, what changed, the measured step, what it costs, where it
//! loses), every representation of one function, and the questions the
//! page answers.

use super::costs::{self, Counters};
use super::steps::{self, RungPage, Step};
use super::{Links, forms, questions};
use crate::interval::{Interval, Verdict};
use crate::report::Extras;
use crate::report::analysis::Analysis;
use crate::report::format;
use crate::rungs_explained::table::Breakdowns;
use crate::source;
use std::fmt::Write;

/// The page, whole.
pub fn render(
    a: &Analysis,
    extras: Extras<'_>,
    rungs: &[RungPage<'_>],
    charts: &[&str],
    notice: &str,
    links: &Links,
) -> String {
    let counters: Vec<Counters> = rungs.iter().map(|rung| Counters::of(a, extras, rung)).collect();
    let mut out = String::new();
    let _ = writeln!(out, "<!-- {} -->", crate::charts::comment_safe(notice));
    let _ = writeln!(out, "> **Generated file.** {notice}\n");
    let _ = writeln!(out, "# The ladder, rung by rung\n");
    intro(&mut out, a, links);
    missing(&mut out, extras);
    contents(&mut out, rungs);
    glance(&mut out, rungs, &counters, charts);
    for (index, rung) in rungs.iter().enumerate() {
        let below = rung.below.and_then(|b| rungs.iter().position(|r| r.engine == b));
        section(&mut out, a, extras, rung, &counters[index], below.map(|i| (&rungs[i], &counters[i])), links);
    }
    let _ = writeln!(out, "## {}\n", FORMS_HEADING);
    let _ = writeln!(
        out,
        "The same source in the form each engine runs it in, with its tunings on, printed by `lox --dump FORM \
         --engine ENGINE FILE` (add `:plain` to the engine for the strategy alone). The tree is the same for \
         every walker: `hashmap-walker` reads each variable's name and hops, the slot-based engines its slot. \
         The closure compiler's tree has a line per closure it built (with the tunings that shaped it) or \
         operand it reads in place; `enum-vm`'s instructions are all one size, `nanbox-vm`'s are bytes.\n"
    );
    let engines: Vec<&'static dyn frontend::Engine> =
        rungs.iter().filter_map(|rung| lox::find_engine(rung.engine)).collect();
    forms::render(&mut out, "fib", forms::FIB, &engines);
    forms::render(&mut out, "A method that reads and writes a field", forms::METHOD, &engines);
    questions::render(&mut out, a, extras, rungs, &counters);
    sources(&mut out, a, extras);
    out
}

/// The heading of the section of every representation.
pub const FORMS_HEADING: &str = "One function, every representation";

fn intro(out: &mut String, a: &Analysis, links: &Links) {
    if a.quick {
        let _ = writeln!(
            out,
            "> This is a quick run (`--quick`): small sizes and few runs, so process start-up weighs heavily, the \
             intervals are wide and many steps are not significant. [The committed reference run's page]({}) has \
             the medium sizes of the default run.\n",
            links.reference
        );
    }
    let _ = writeln!(
        out,
        "This page walks the engines of one run from the naive tree-walker to native code, one rung at a time: \
         what each rung's idea is, what changed from the rung below, what that step measured here, what it costs \
         and where it loses. Every figure is computed from the records of this run; the full tables are in \
         [the report](README.md), how they were measured in [METHODOLOGY.md]({}) and what the method favours in \
         [BIAS.md]({}).\n",
        links.methodology, links.bias
    );
    let _ = writeln!(
        out,
        "**How to read a step.** On each program, the speed-up is the rung below's median time divided by this \
         rung's (above 1: this rung is faster). A step is the geometric mean of those speed-ups over the \
         programs both rungs passed, and the brackets hold its bootstrap 95 % interval (the runs of every \
         program resampled {} times). **An interval that includes 1 is not significant**: this page never calls \
         such a step faster or slower. *Plain* is the strategy alone (`ENGINE:plain`, every tuning off), \
         *tuned* the engine as it ships; a rung's plain step is taken from the rung below's plain form.\n",
        crate::interval::RESAMPLES
    );
}

/// What this run's directory lacks, said once rather than in every rung.
fn missing(out: &mut String, extras: Extras<'_>) {
    let mut missing = Vec::new();
    if extras.ablation.is_none() {
        missing.push("no instruction counts (`harness ablate --out DIR` adds them)");
    }
    if extras.profiles.is_none() {
        missing.push("no allocation or work counts and no prepare times (`harness profile --out DIR` adds them)");
    }
    if extras.breakdowns.is_none() {
        missing.push(
            "no breakdown of a step into cost categories (dispatch, variables, allocation...) (`harness explain --rungs \
             --out DIR` adds it)",
        );
    }
    if missing.is_empty() {
        return;
    }
    let _ = writeln!(out, "**Not measured in this directory:** {}.\n", missing.join("; "));
}

fn contents(out: &mut String, rungs: &[RungPage<'_>]) {
    let _ = writeln!(out, "Contents: [the ladder at a glance](#the-ladder-at-a-glance)");
    for rung in rungs {
        let _ = writeln!(out, "· [{}](#{})", rung.engine, steps::anchor(rung.engine));
    }
    let _ = writeln!(
        out,
        "· [{FORMS_HEADING}](#{}) · [{}](#{})\n",
        crate::report::ladder::anchor(FORMS_HEADING),
        questions::HEADING,
        crate::report::ladder::anchor(questions::HEADING)
    );
}

/// A step's geometric mean, or why there is none.
pub fn step_text(step: Option<&Step>) -> String {
    match step {
        Some(Step { mean: Some(mean), .. }) => mean.text(),
        Some(_) => "no program in common".to_string(),
        None => "not measured".to_string(),
    }
}

fn glance(out: &mut String, rungs: &[RungPage<'_>], counters: &[Counters], charts: &[&str]) {
    let _ = writeln!(out, "## The ladder at a glance\n");
    let _ = writeln!(
        out,
        "| rung | a step from | step, strategy alone (plain) | step, with its tunings | value | lines of code | \
         `unsafe` sites |"
    );
    let _ = writeln!(out, "|---|---|---|---|---:|---:|---:|");
    for (rung, counters) in rungs.iter().zip(counters) {
        let below = rung.below.map_or("–".to_string(), |b| format!("`{b}`"));
        let (plain, tuned) = if rung.below.is_some() {
            (step_text(rung.plain_step.as_ref()), step_text(rung.tuned_step.as_ref()))
        } else {
            ("the first rung".to_string(), "the first rung".to_string())
        };
        let value = rung.value_bytes.map_or("–".to_string(), |b| format!("{b} bytes"));
        let (lines, unsafe_sites) = counters.source.as_ref().map_or(("–".to_string(), "–".to_string()), |s| {
            (format::thousands(s.lines as u64), s.unsafe_sites.to_string())
        });
        let _ = writeln!(
            out,
            "| [`{}`](#{}) | {below} | {plain} | {tuned} | {value} | {lines} | {unsafe_sites} |",
            rung.engine,
            steps::anchor(rung.engine)
        );
    }
    out.push('\n');
    for chart in charts {
        let (alt, caption) = match *chart {
            super::STRIP_CHART => (
                "Each contender's time on every program as a multiple of the reference's, one dot per program",
                "One row per contender, one dot per program: its median time over the reference's (log scale), the \
                 black mark the geometric mean with its 95 % interval. The spread of the dots is what a mean \
                 hides.",
            ),
            _ => (
                "Each rung's step from the rung below, plain and tuned, from the naive walker down to native",
                "Each bar is one rung's step, from the level of the rung below it to its own (time as a multiple \
                 of the naive rung's plain form, geometric mean over the programs every contender passed). A \
                 hollow bar marked n.s. is a step whose interval includes 1: not significant.",
            ),
        };
        let _ = writeln!(out, "![{alt}]({chart})\n\n{caption}\n");
    }
}

#[allow(clippy::too_many_arguments)]
fn section(
    out: &mut String,
    a: &Analysis,
    extras: Extras<'_>,
    rung: &RungPage<'_>,
    counters: &Counters,
    below: Option<(&RungPage<'_>, &Counters)>,
    links: &Links,
) {
    let _ = writeln!(out, "## {}\n", steps::heading(rung.engine));
    let _ = writeln!(out, "*{}*\n", rung.strategy);
    if !rung.idea.is_empty() {
        let _ = writeln!(out, "**The idea.** {}\n", rung.idea);
    }
    changed(out, rung, counters, below, links);
    let Some((lower, lower_counters)) = below else {
        let _ = writeln!(
            out,
            "The first rung: every other rung's step leads, directly or through others, back to this one. {}\n",
            tunings_sentence(rung)
        );
        if let Some(buy) = &rung.tunings_buy {
            let _ = writeln!(
                out,
                "Its tunings buy {} over its strategy alone (its plain time ÷ its tuned time, geometric mean over {}).\n",
                step_text(Some(buy)),
                format::plural(buy.programs.len(), "program", "programs")
            );
        }
        return;
    };
    let pair = StepPair { rung, counters, lower, lower_counters };
    measured(out, a, pair, extras);
    costs(out, pair);
    loses(out, a, pair);
}

fn tunings_sentence(rung: &RungPage<'_>) -> String {
    if !rung.tunings_known {
        return "These results do not record its tunings (they were saved before the harness kept them), so it \
                has no plain form here."
            .to_string();
    }
    if rung.tunings.is_empty() {
        return "It declares no tunings: plain and tuned are the same engine.".to_string();
    }
    let names: Vec<String> = rung.tunings.iter().map(|t| format!("`{t}`")).collect();
    format!(
        "Its tunings: {} (what each does is in [the report](README.md#the-tunings-of-each-rung)).",
        names.join(", ")
    )
}

fn changed(
    out: &mut String,
    rung: &RungPage<'_>,
    counters: &Counters,
    below: Option<(&RungPage<'_>, &Counters)>,
    links: &Links,
) {
    let Some((lower, lower_counters)) = below else { return };
    let _ = write!(out, "**What changed from [`{}`](#{}).** ", lower.engine, steps::anchor(lower.engine));
    match (&counters.source, &lower_counters.source) {
        (Some(upper), Some(lower_source)) => {
            let (shared, new, gone) = source::compare_modules(lower_source, upper);
            let link = |engine: &str, module: &str| links.source(engine, module);
            let pairs: Vec<String> = shared
                .iter()
                .map(|m| format!("[{m}]({}) ([below]({}))", link(rung.engine, m), link(lower.engine, m)))
                .collect();
            let _ = write!(
                out,
                "Diff the same-named modules to see it: {}. `diff -r engines/{}/src engines/{}/src` shows all of it.",
                pairs.join(", "),
                lower.engine,
                rung.engine
            );
            if !new.is_empty() {
                let new: Vec<String> = new.iter().map(|m| format!("[{m}]({})", link(rung.engine, m))).collect();
                let _ = write!(out, " Only here: {}.", new.join(", "));
            }
            if !gone.is_empty() {
                let gone: Vec<String> = gone.iter().map(|m| format!("`{m}`")).collect();
                let _ = write!(out, " Only in `{}`: {}.", lower.engine, gone.join(", "));
            }
        }
        _ => {
            let _ = write!(out, "The source tree of these engines is not where this report was rendered.");
        }
    }
    let _ = writeln!(out, " {}\n", tunings_sentence(rung));
}

/// A ratio of counts, upper over lower, as `0.42× (over 12 programs)`.
fn count_ratio_text(lower: &[(String, u64)], upper: &[(String, u64)]) -> Option<String> {
    let (ratio, programs) = costs::count_ratio(lower, upper)?;
    Some(format!("{}× ({})", format::digits(ratio), format::plural(programs, "program", "programs")))
}

/// A rung and the rung below it, each with its counters: what the parts of
/// a section about a step read.
#[derive(Clone, Copy)]
struct StepPair<'p, 'a> {
    rung: &'p RungPage<'a>,
    counters: &'p Counters,
    lower: &'p RungPage<'a>,
    lower_counters: &'p Counters,
}

fn measured(out: &mut String, a: &Analysis, pair: StepPair<'_, '_>, extras: Extras<'_>) {
    let StepPair { rung, counters, lower, lower_counters } = pair;
    let _ = writeln!(out, "**The measured step.**\n");
    let _ = writeln!(out, "| | strategy alone (plain) | with its tunings |");
    let _ = writeln!(out, "|---|---|---|");
    let verdicts = |step: Option<&Step>| -> String {
        let Some(step) = step else { return "–".to_string() };
        format!(
            "{} faster, {} slower, {} not significant, of {}",
            step.with_verdict(Verdict::Faster).len(),
            step.with_verdict(Verdict::Slower).len(),
            step.with_verdict(Verdict::NotSignificant).len(),
            step.programs.len()
        )
    };
    let _ = writeln!(
        out,
        "| speed-up over `{}` (time) | {} | {} |",
        lower.engine,
        step_text(rung.plain_step.as_ref()),
        step_text(rung.tuned_step.as_ref())
    );
    let _ =
        writeln!(out, "| programs | {} | {} |", verdicts(rung.plain_step.as_ref()), verdicts(rung.tuned_step.as_ref()));
    if let Some(buy) = &rung.tunings_buy {
        let _ = writeln!(
            out,
            "| what this rung's tunings buy (its plain time ÷ its tuned time) | – | {} |",
            step_text(Some(buy))
        );
    }
    let instructions = |lower: &[(String, u64)], upper: &[(String, u64)]| {
        count_ratio_text(lower, upper).unwrap_or_else(|| "–".to_string())
    };
    if extras.ablation.is_some() {
        let _ = writeln!(
            out,
            "| instructions, this rung's ÷ `{}`'s (cachegrind, geometric mean) | {} | {} |",
            lower.engine,
            instructions(&lower_counters.instructions_plain, &counters.instructions_plain),
            instructions(&lower_counters.instructions_tuned, &counters.instructions_tuned)
        );
    }
    if let Some(breakdowns) = extras.breakdowns {
        let _ = writeln!(
            out,
            "| top cost category (`explain`, instructions under callgrind) | – | {} |",
            top_category(breakdowns, rung, lower)
        );
    }
    if let (Some(upper), Some(low)) = (rung.value_bytes, lower.value_bytes) {
        let _ = writeln!(out, "| value size | {low} → {upper} bytes | {low} → {upper} bytes |");
    }
    if extras.profiles.is_some() {
        let allocations =
            count_ratio_text(&lower_counters.allocations, &counters.allocations).unwrap_or_else(|| "–".to_string());
        let _ = writeln!(out, "| allocations per run, this rung's ÷ `{}`'s | – | {allocations} |", lower.engine);
        let per_unit = |c: &Counters| {
            c.instructions_per_unit
                .map(|(value, _)| format!("{} per {}", format::digits(value), unit_singular(c.work_unit.as_deref())))
        };
        if let (Some(upper), Some(low)) = (per_unit(counters), per_unit(lower_counters)) {
            let _ = writeln!(out, "| instructions per unit of the engine's own work | – | {low} → {upper} |");
        }
    }
    out.push('\n');
    if let Some(step) = &rung.tuned_step {
        let _ = writeln!(out, "{}\n", best_and_worst(step, "Tuned"));
    } else if let Some(step) = &rung.plain_step {
        let _ = writeln!(out, "{}\n", best_and_worst(step, "Plain"));
    }
    every_program(out, a, rung);
}

/// The category with the largest share of what `rung` saves (or adds) in
/// instructions over `lower`, with a link to every category in the report.
fn top_category(breakdowns: &Breakdowns, rung: &RungPage<'_>, lower: &RungPage<'_>) -> String {
    let link = format!("[every category](README.md#{})", crate::report::explained::anchor());
    let Some(summary) = breakdowns.summary(rung.engine).filter(|s| s.lower == lower.engine) else {
        return "not counted (`explain.jsonl` has no breakdown of this step)".to_string();
    };
    let left_out = if summary.excluded.is_empty() {
        String::new()
    } else {
        format!(", {} left out", format::plural(summary.excluded.len(), "program", "programs"))
    };
    match crate::report::explained::top_text(&summary) {
        Some(text) => format!("{text}{left_out} ({link})"),
        None if summary.programs.is_empty() => format!("no program could be explained{left_out} ({link})"),
        None => format!("the same instructions as `{}` ({link})", lower.engine),
    }
}

fn unit_singular(unit: Option<&str>) -> String {
    match unit {
        Some("AST nodes") => "AST node".to_string(),
        Some("instructions") => "instruction".to_string(),
        Some("closures") | Some("closures called") => "closure called".to_string(),
        Some(other) => other.trim_end_matches('s').to_string(),
        None => "unit".to_string(),
    }
}

/// The programs with the largest and the smallest step, so that a mean is
/// never read alone: all of them, largest first, when there are six or
/// fewer.
fn best_and_worst(step: &Step, label: &str) -> String {
    let mut sorted: Vec<&(String, Interval)> = step.programs.iter().collect();
    sorted.sort_by(|a, b| b.1.estimate.total_cmp(&a.1.estimate));
    let show = |items: &[&(String, Interval)]| -> String {
        items.iter().map(|(program, interval)| format!("{program} {}", interval.text())).collect::<Vec<_>>().join("; ")
    };
    if sorted.len() <= 6 {
        return format!("{label}, by program, largest step first: {}.", show(&sorted));
    }
    let bottom: Vec<&(String, Interval)> = sorted.iter().rev().take(3).copied().collect();
    format!("{label}, by program: the largest steps are {}; the smallest {}.", show(&sorted[..3]), show(&bottom))
}

/// Every program's step, plain and tuned, with what the program stresses,
/// folded away under the step's table.
fn every_program(out: &mut String, a: &Analysis, rung: &RungPage<'_>) {
    let (plain, tuned) = (rung.plain_step.as_ref(), rung.tuned_step.as_ref());
    let names: Vec<&str> = a
        .main_programs()
        .into_iter()
        .map(|(program, _)| program.name.as_str())
        .filter(|name| plain.and_then(|s| s.on(name)).is_some() || tuned.and_then(|s| s.on(name)).is_some())
        .collect();
    if names.is_empty() {
        return;
    }
    let _ = writeln!(out, "<details><summary>Every program's step ({})</summary>\n", names.len());
    let _ = writeln!(out, "| program | stresses | plain | tuned |");
    let _ = writeln!(out, "|---|---|---|---|");
    for name in names {
        let stresses = a.programs.iter().find(|p| p.name == name).map_or("", |p| p.stresses.as_str());
        let text = |step: Option<&Step>| step.and_then(|s| s.on(name)).map_or("–".to_string(), |i| i.text());
        let _ = writeln!(out, "| {name} | {stresses} | {} | {} |", text(plain), text(tuned));
    }
    let _ = writeln!(out, "\n</details>\n");
}

fn costs(out: &mut String, pair: StepPair<'_, '_>) {
    let StepPair { counters, lower, lower_counters, .. } = pair;
    let _ = writeln!(out, "**What the step costs.**\n");
    let mut lines = Vec::new();
    match (counters.prepare_s, lower_counters.prepare_s) {
        (Some(upper), Some(low)) => lines.push(format!(
            "Prepare time (parse, resolve and any compiling, in the profiling build; median over programs): {} \
             against {} for `{}`.",
            format::time(upper),
            format::time(low),
            lower.engine
        )),
        _ => lines.push("Prepare time: no profiles in this run.".to_string()),
    }
    if let (Some(upper), Some(low)) = (counters.peak_rss, lower_counters.peak_rss) {
        lines.push(format!(
            "Memory (peak RSS of the tuned engine's timed runs, median over programs): {} against {}.",
            format::mebibytes(upper),
            format::mebibytes(low)
        ));
    }
    if let (Some(upper), Some(low)) = (&counters.source, &lower_counters.source) {
        lines.push(format!(
            "Code: {} lines against {} ({}{}), and {} `unsafe` sites against {}.",
            format::thousands(upper.lines as u64),
            format::thousands(low.lines as u64),
            if upper.lines >= low.lines { "+" } else { "−" },
            format::thousands(upper.lines.abs_diff(low.lines) as u64),
            upper.unsafe_sites,
            low.unsafe_sites
        ));
    }
    for line in lines {
        let _ = writeln!(out, "- {line}");
    }
    out.push('\n');
}

fn loses(out: &mut String, a: &Analysis, pair: StepPair<'_, '_>) {
    let StepPair { rung, counters, lower, lower_counters } = pair;
    let _ = writeln!(out, "**Where it loses.**\n");
    let mut any = false;
    for (label, step, plain) in [("tuned", rung.tuned_step.as_ref(), false), ("plain", rung.plain_step.as_ref(), true)]
    {
        let Some(step) = step else { continue };
        let slower = step.with_verdict(Verdict::Slower);
        if slower.is_empty() {
            continue;
        }
        any = true;
        let items: Vec<String> = slower
            .iter()
            .map(|(program, interval)| {
                let why = why(program, counters, lower_counters, plain);
                let stresses = a.programs.iter().find(|p| &p.name == program).map_or("", |p| p.stresses.as_str());
                let stresses = if stresses.is_empty() { String::new() } else { format!(" (it stresses {stresses})") };
                format!("{program}{stresses} {}{why}", interval.text())
            })
            .collect();
        let _ = writeln!(out, "- Slower than `{}` ({label}): {}.", lower.engine, items.join("; "));
    }
    if !any {
        let not_significant = rung.tuned_step.as_ref().map_or(0, |s| s.with_verdict(Verdict::NotSignificant).len());
        let _ = writeln!(
            out,
            "- On no program is it significantly slower than `{}`, plain or tuned. Tuned, {} within noise (not \
             significant), which is not the same as equal.",
            lower.engine,
            if not_significant == 1 { "1 program is".to_string() } else { format!("{not_significant} programs are") }
        );
    }
    out.push('\n');
}

/// What the counters say about one program where the rung loses.
fn why(program: &str, counters: &Counters, lower: &Counters, plain: bool) -> String {
    let mut reasons = Vec::new();
    let (upper_counts, lower_counts) = if plain {
        (&counters.instructions_plain, &lower.instructions_plain)
    } else {
        (&counters.instructions_tuned, &lower.instructions_tuned)
    };
    if let (Some(up), Some(low)) = (costs::count_on(upper_counts, program), costs::count_on(lower_counts, program))
        && low > 0
    {
        reasons.push(format!("{}× the instructions", format::digits(up as f64 / low as f64)));
    }
    if !plain
        && let (Some(up), Some(low)) =
            (costs::count_on(&counters.allocations, program), costs::count_on(&lower.allocations, program))
    {
        reasons.push(format!("{} allocations per run against {}", format::thousands(up), format::thousands(low)));
    }
    if reasons.is_empty() { String::new() } else { format!(" ({})", reasons.join(", ")) }
}

fn sources(out: &mut String, a: &Analysis, extras: Extras<'_>) {
    let _ = writeln!(out, "## Where these figures come from\n");
    let _ = writeln!(
        out,
        "- Times: `results.jsonl` of this directory ({} per contender and program, {} programs, measured from \
         {}).",
        match a.run_counts() {
            Some((least, most)) if least == most => format::plural(least, "timed run", "timed runs"),
            Some((least, most)) => format!("{least} to {most} timed runs"),
            None => "no timed runs".to_string(),
        },
        a.main_programs().len(),
        a.provenance.date
    );
    let _ = writeln!(
        out,
        "- {}",
        if extras.profiles.is_some() {
            "Allocations, work counts and prepare times: `profile.jsonl`."
        } else {
            "Allocations, work counts and prepare times: none (no `profile.jsonl`)."
        }
    );
    let _ = writeln!(
        out,
        "- {}",
        if extras.ablation.is_some() {
            "Instructions, plain and tuned: `ablation.jsonl` (cachegrind, deterministic)."
        } else {
            "Instructions: none (no `ablation.jsonl`)."
        }
    );
    let _ = writeln!(
        out,
        "- {}",
        if extras.breakdowns.is_some() {
            "Top cost categories: `explain.jsonl` (callgrind, deterministic; `harness explain --rungs`)."
        } else {
            "Top cost categories: none (no `explain.jsonl`)."
        }
    );
    let _ = writeln!(
        out,
        "- Ideas, rungs below, value sizes and every representation: the engines of the harness that rendered \
         this page (`frontend::Engine::rung` and `lox --dump`); lines of code and `unsafe` sites: the source tree \
         it was rendered in.\n"
    );
}
