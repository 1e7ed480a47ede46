//! The report as GitHub-flavoured Markdown.

use super::analysis::{Analysis, PYTHON};
use super::format;
use crate::contender::Kind;
use crate::results::Suite;
use std::fmt::Write;

/// Links from the report to files outside its directory, as paths that work
/// from wherever the report was written.
#[derive(Clone, Debug)]
pub struct Links {
    pub methodology: String,
}

/// Renders the README of a report; `charts` are the chart files written.
pub fn render(analysis: &Analysis, notice: &str, charts: &[&str], extras: super::Extras<'_>, links: &Links) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "<!-- {} -->", crate::charts::comment_safe(notice));
    let _ = writeln!(out, "> **Generated file.** {notice}\n");
    let _ = writeln!(out, "# loxbench results\n");
    let _ = writeln!(
        out,
        "**[Walk the ladder rung by rung]({}):** each engine's idea, what changed from the rung below, the \
         measured step with its 95 % interval, what it costs and where it loses.\n",
        super::teach::LADDER_FILE
    );
    intro(&mut out, analysis);
    let ablation_anchor = super::ladder::anchor(crate::ablate::markdown::HEADING);
    super::ladder::render(&mut out, analysis, extras.ablation.map(|_| ablation_anchor.as_str()));
    super::groups::render(&mut out, analysis);
    super::twins::render(&mut out, analysis);
    for chart in charts {
        let _ = writeln!(out, "![{}]({chart})\n", chart_alt(chart));
    }
    matrix(&mut out, analysis);
    if let Some(profiles) = extras.profiles {
        super::character::render(&mut out, analysis, profiles);
    }
    programs(&mut out, analysis);
    if let Some(profiles) = extras.profiles {
        super::profiles::render(&mut out, analysis, profiles);
    }
    if let Some(ablation) = extras.ablation {
        ablation_note(&mut out, analysis, ablation);
        crate::ablate::markdown::render(&mut out, ablation);
    }
    if let Some(breakdowns) = extras.breakdowns {
        super::explained::render(&mut out, breakdowns, Some(&analysis.provenance.revision));
    }
    if let Some(saved) = extras.opcode_costs {
        super::opcode_costs::render(&mut out, saved, Some(&analysis.provenance.revision));
    }
    verification(&mut out, analysis);
    warnings(&mut out, analysis);
    method(&mut out, analysis, links);
    out
}

fn chart_alt(chart: &str) -> &'static str {
    match chart {
        super::TIME_CHART => "Median wall time per program and contender, log scale",
        super::LADDER_CHART => "Speed-up of each contender over the naive engine, per program and geometric mean",
        _ => "Median time against size, one line per contender",
    }
}

fn intro(out: &mut String, a: &Analysis) {
    if a.provenance.profile == "debug" {
        let _ = writeln!(
            out,
            "> **Warning: these figures come from a debug build and say nothing about the engines.** Measure \
             with `cargo run --release -p harness`.\n"
        );
    }
    if a.quick {
        let _ = writeln!(
            out,
            "> This is a quick run (`--quick`): small sizes and few runs, so process start-up weighs heavily \
             and the spread is wide. The committed reference run has the medium sizes of the default run.\n"
        );
    }
    let engine_contenders = a.contenders.iter().filter(|c| c.kind == Kind::Engine).count();
    let peers = a.contenders.len() - engine_contenders;
    let rungs = super::ladder::rungs(a).len();
    let noun = if rungs == 1 { "engine" } else { "engines" };
    let engines = if rungs < engine_contenders {
        format!("{rungs} {noun} as {engine_contenders} contenders (with their variants)")
    } else {
        format!("{rungs} {noun}")
    };
    let _ = writeln!(
        out,
        "{} and {} on {}; {}, interleaved round by round; {}. Measured on {}, {}.\n",
        engines,
        format::plural(peers, "peer", "peers"),
        format::plural(a.main_programs().len(), "program", "programs"),
        runs_sentence(a),
        overhead_sentence(a),
        a.provenance.cpu,
        format::plural(a.provenance.cores, "core", "cores")
    );
}

/// A cell's number of runs, and how far its median's 95 % interval reaches
/// (which needs six runs).
fn runs_cell(times: &[f64]) -> String {
    match crate::runs::relative_half_width(times) {
        Some(width) => format!("{} (±{} %)", times.len(), format::digits(width * 100.0)),
        None => times.len().to_string(),
    }
}

/// How many timed runs each contender had, and what decided it.
fn runs_sentence(a: &Analysis) -> String {
    let warmup = if a.warmup == 0 {
        ", the verifying run (its output checked like every run's) the first of them".to_string()
    } else {
        format!(" after {} and one verifying run", format::plural(a.warmup, "warm-up run", "warm-up runs"))
    };
    let counts = match a.run_counts() {
        Some((least, most)) if least == most => format::plural(least, "timed run", "timed runs"),
        Some((least, most)) => format!("{least} to {most} timed runs"),
        None => "no timed runs".to_string(),
    };
    let rule = match a.adaptive {
        Some(rule) => format!(
            " (as many as its median needed for a 95 % interval within ±{:.0} % of it, or until its runs had taken \
             {}, and at least {}; the *runs* column gives each one's interval)",
            rule.precision * 100.0,
            format::time(rule.budget_s),
            rule.min_runs
        ),
        None => String::new(),
    };
    format!("{counts} per contender and program{rule}{warmup}")
}

/// What was subtracted from every wall time as the cost of starting a process.
fn overhead_sentence(a: &Analysis) -> String {
    match a.overhead_range() {
        Some((low, high)) => format!(
            "the cost of starting a process, measured again in every round beside the contenders ({} to {} across \
             programs), is subtracted from each program's wall times",
            format::time(low),
            format::time(high)
        ),
        None => format!(
            "{} is subtracted from every wall time as the cost of starting a process",
            format::time(a.overhead_s)
        ),
    }
}

fn matrix(out: &mut String, a: &Analysis) {
    let _ = writeln!(out, "## Median wall time, program × contender\n");
    let _ = writeln!(
        out,
        "The fastest contender on each program is in bold; *failed* means its output was wrong (or it crashed or \
         timed out); *below resolution* means its median was no longer than starting a process, so it has no \
         time to rank.\n"
    );
    let mut header = "| program | n |".to_string();
    let mut rule = "|---|---:|".to_string();
    for contender in &a.contenders {
        let _ = write!(header, " {} |", contender.name);
        rule.push_str("---:|");
    }
    let _ = writeln!(out, "{header}\n{rule}");
    for (program, size) in a.main_programs() {
        let fastest = a.fastest(&program.name).map(|(c, _)| c.name.clone());
        let _ = write!(out, "| [{0}](#{0}) | {size} |", program.name);
        for contender in &a.contenders {
            let cell = a.cell(Suite::Main, &program.name, size, &contender.name);
            let text = match cell {
                Some(cell) if cell.failure.is_some() => "*failed*".to_string(),
                Some(cell) if cell.below_resolution() => "*below resolution*".to_string(),
                Some(cell) => match cell.summary() {
                    Some(s) if fastest.as_deref() == Some(contender.name.as_str()) => {
                        format!("**{}**", format::time(s.median))
                    }
                    Some(s) => format::time(s.median),
                    None => "–".to_string(),
                },
                None => "–".to_string(),
            };
            let _ = write!(out, " {text} |");
        }
        out.push('\n');
    }
    out.push('\n');
}

fn programs(out: &mut String, a: &Analysis) {
    let _ = writeln!(out, "## Results by program\n");
    let python_present = a.contenders.iter().any(|c| c.name == PYTHON);
    for (program, size) in a.main_programs() {
        let _ = writeln!(out, "### {}\n", program.name);
        let _ =
            writeln!(out, "n = {size}. *Stresses:* {}. {}\n", escape(&program.stresses), escape(&program.description));
        let _ = write!(out, "| contender | median ± σ | min … max | vs fastest |");
        if python_present {
            out.push_str(" vs python3 |");
        }
        let _ = writeln!(out, " user | system | peak RSS | runs |");
        let _ = writeln!(out, "|---|---:|---:|---:|{}---:|---:|---:|---:|", if python_present { "---:|" } else { "" });
        let fastest = a.fastest(&program.name);
        for contender in &a.contenders {
            let Some(cell) = a.cell(Suite::Main, &program.name, size, &contender.name) else { continue };
            let _ = write!(out, "| `{}` |", contender.name);
            match (&cell.failure, cell.summary()) {
                (Some(failure), _) => {
                    let columns = if python_present { 7 } else { 6 };
                    let _ = write!(out, " failed: {} |{}", escape(failure), " |".repeat(columns));
                }
                (None, None) => {
                    let columns = if python_present { 8 } else { 7 };
                    let _ = write!(out, " not timed |{}", " |".repeat(columns - 1));
                }
                (None, Some(_)) if cell.below_resolution() => {
                    let columns = if python_present { 7 } else { 6 };
                    let _ =
                        write!(out, " below resolution (no longer than starting a process) |{}", " |".repeat(columns));
                }
                (None, Some(s)) => {
                    let _ = write!(
                        out,
                        " {} | {} … {} |",
                        format::time_with_spread(s.median, s.stddev),
                        format::time(s.min),
                        format::time(s.max)
                    );
                    let vs_fastest = match fastest.as_ref() {
                        // The fastest compared with itself is exactly 1, with no spread.
                        Some((f, _)) if f.name == contender.name => "1.00×".to_string(),
                        Some((f, _)) => a
                            .relative(&program.name, &contender.name, &f.name)
                            .map_or("–".to_string(), |(r, e)| format!("{}×", format::ratio(r, e))),
                        None => "–".to_string(),
                    };
                    let _ = write!(out, " {vs_fastest} |");
                    if python_present {
                        let vs_python = a
                            .relative(&program.name, &contender.name, PYTHON)
                            .map_or("–".to_string(), |(r, e)| format!("{}×", format::ratio(r, e)));
                        let _ = write!(out, " {vs_python} |");
                    }
                    let _ = write!(
                        out,
                        " {} | {} | {} | {} |",
                        format::time(cell.mean_user_s()),
                        format::time(cell.mean_system_s()),
                        format::mebibytes(cell.peak_rss_bytes()),
                        runs_cell(&cell.wall_s)
                    );
                }
            }
            out.push('\n');
        }
        out.push('\n');
        program_note(out, a, &program.name);
    }
}

/// A sentence or two that reads the table for the reader.
fn program_note(out: &mut String, a: &Analysis, program: &str) {
    let Some((fastest, _)) = a.fastest(program) else { return };
    let mut note = format!("Fastest here: `{}`.", fastest.name);
    if let Some(base) = a.ladder_base() {
        let best_engine = a
            .contenders
            .iter()
            .filter(|c| c.kind == Kind::Engine && c.name != base)
            .filter_map(|c| Some((c, a.speed_up(program, &c.name)?)))
            .max_by(|x, y| x.1.0.total_cmp(&y.1.0));
        if let Some((engine, (speed_up, _))) = best_engine {
            let _ = write!(
                note,
                " The best engine, `{}`, runs it {}× faster than `{base}`.",
                engine.name,
                format::digits(speed_up)
            );
        }
    }
    if let Some((ratio, _)) = a.relative(program, fastest.name.as_str(), PYTHON)
        && fastest.name != PYTHON
    {
        let _ = write!(note, " python3 takes {}× as long as `{}`.", format::digits(1.0 / ratio), fastest.name);
    }
    let _ = writeln!(out, "{note}\n");
}

fn verification(out: &mut String, a: &Analysis) {
    let _ = writeln!(out, "## Verification\n");
    let failures = a.failures();
    let _ = writeln!(
        out,
        "Every contender's output on every program was compared byte for byte with `programs/expected/` before \
         any run was timed, and again after every timed run. {} passed, {} failed.\n",
        format::plural(a.passed_count(), "check", "checks"),
        failures.len()
    );
    if failures.is_empty() {
        return;
    }
    let _ = writeln!(out, "| contender | program | n | suite | what was wrong |\n|---|---|---:|---|---|");
    for (key, detail) in failures {
        let suite = match key.suite {
            Suite::Main => "main",
            Suite::Scaling => "scaling",
        };
        let _ =
            writeln!(out, "| `{}` | {} | {} | {suite} | {} |", key.contender, key.program, key.size, escape(detail));
    }
    out.push('\n');
}

fn warnings(out: &mut String, a: &Analysis) {
    let warnings = a.warnings();
    if warnings.is_empty() {
        return;
    }
    let _ = writeln!(out, "## Warnings\n");
    for warning in warnings {
        let _ = writeln!(out, "- {}", escape(&warning));
    }
    out.push('\n');
}

fn method(out: &mut String, a: &Analysis, links: &Links) {
    let _ = writeln!(out, "## How these figures were taken\n");
    let _ = writeln!(
        out,
        "Each run is a separate process: the engines run inside `harness __run --engine NAME FILE`, which \
         behaves exactly like `lox --engine NAME FILE`; peers run their own command. Wall time is taken from \
         just before the spawn to just after the child is reaped; user and system time and peak RSS come from \
         the child's resource usage (`wait4`). The cost of starting a process that does nothing ({} runs \
         before the first program: {}) is subtracted from the wall times; {}. Peak RSS includes a floor of about \
         {} that any process started by the harness reports. Times include parsing and any ahead-of-time \
         compilation; `harness bench` times the prepare and run phases apart, in-process. See \
         [METHODOLOGY.md]({}) for the reasoning.\n",
        a.calibration_runs,
        format::time(a.overhead_s),
        if a.case_overhead_s.is_empty() {
            "that one figure is used for every program".to_string()
        } else {
            "it was measured again in every round beside the contenders, and each program subtracts the median of \
             its own rounds"
                .to_string()
        },
        format::mebibytes(a.rss_floor_bytes),
        links.methodology
    );
    let _ = writeln!(out, "Contenders and their commands:\n");
    for contender in &a.contenders {
        let mut command = contender.command.clone();
        if contender.kind == Kind::Engine
            && let Some(program) = command.first_mut()
        {
            // The harness's own path says nothing to another reader.
            *program = "harness".to_string();
        }
        let _ = writeln!(out, "- `{}`: {} (`{}`)", contender.name, escape(&contender.description), command.join(" "));
    }
    out.push('\n');
}

/// Says so when the ablation was counted from other code than was timed.
fn ablation_note(out: &mut String, a: &Analysis, ablation: &crate::ablate::table::Ablation) {
    if ablation.provenance.revision != a.provenance.revision {
        let _ = writeln!(
            out,
            "> The ablation below was counted at revision {}, the timings above at {}: run `harness ablate` \
             again to count the code that was timed.\n",
            ablation.provenance.revision, a.provenance.revision
        );
    }
}

/// A tuning as a list item's text: its name, what it does and the class of
/// programs it helps, as the engine declares it.
pub(crate) fn tuning_item(tuning: &crate::variant::TuningInfo) -> String {
    format!("`{}`: {} *Helps:* {}.", tuning.name, escape(&tuning.summary), escape(tuning.class.trim_end_matches('.')))
}

/// Makes text safe inside a Markdown table cell.
pub(crate) fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
