//! The ablation section of the report: per engine, what each tuning saves on
//! every program, in instructions.

use super::records::{EngineTunings, VariantSpec};
use super::table::Ablation;
use crate::provenance;
use crate::report::format;
use crate::report::markdown::escape;
use std::fmt::Write;

/// The section's heading; the ladder links to it.
pub const HEADING: &str = "Ablation: what each tuning saves";

/// Renders the section into `out`.
pub fn render(out: &mut String, a: &Ablation) {
    let p = &a.provenance;
    let _ = writeln!(out, "## {HEADING}\n");
    let alone = a.engines.iter().any(|engine| has_alone(a, engine));
    let _ = writeln!(
        out,
        "Instructions of the whole run (process start to exit), counted with cachegrind, which gives the same \
         count for the same binary and input every time, each program at its small size, for every engine with \
         every tuning on, with every tuning off (*plain*), with each tuning off in turn{}. Every output was \
         checked before counting and again in the counted run. Counted by `{}` at revision {} on {}, with {} \
         (profile `{}`) and {}, starting {}.\n",
        if alone { " and with each tuning alone on top of plain" } else { "" },
        p.command,
        p.revision,
        provenance::machine_line(p),
        p.rustc,
        p.profile,
        a.valgrind,
        p.date
    );
    let _ = writeln!(
        out,
        "A cell *T off* is how many more instructions the engine executes with tuning T off (the others on) \
         than with every tuning on: **+x % means T saves that much** on that program, and a negative figure \
         means T costs more than it saves there. *Plain ÷ tuned* is the count with every tuning off over the \
         count with all on. The last row is the geometric mean over the programs counted.\n"
    );
    let (done, planned) = a.progress();
    if done < planned {
        let _ = writeln!(
            out,
            "> **Incomplete:** {done} of {planned} variant × program pairs were counted (the run was \
             interrupted); missing cells show –. Run `harness ablate` again to complete it.\n"
        );
    }
    for engine in &a.engines {
        engine_section(out, a, engine);
    }
    let failures = a.failures();
    if !failures.is_empty() {
        let _ = writeln!(out, "### Not counted\n");
        let _ = writeln!(out, "| variant | program | why |\n|---|---|---|");
        for (variant, program, detail) in failures {
            let _ = writeln!(out, "| `{variant}` | {program} | {} |", escape(detail));
        }
        out.push('\n');
    }
}

/// A report of its own, for an ablation written where there are no timing
/// results to render.
pub fn standalone(a: &Ablation, notice: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "<!-- {} -->", crate::charts::comment_safe(notice));
    let _ = writeln!(out, "> **Generated file.** {notice}\n");
    let _ = writeln!(out, "# loxbench: what each engine's tunings save\n");
    render(&mut out, a);
    out
}

/// Whether every tuning of `engine` was counted alone on top of plain (with
/// two tunings, each one alone is the other one off, so it always was).
fn has_alone(a: &Ablation, engine: &EngineTunings) -> bool {
    engine.tunings.len() > 1 && engine.tunings.iter().all(|t| a.alone(engine, &t.name).is_some())
}

fn engine_section(out: &mut String, a: &Ablation, engine: &EngineTunings) {
    let _ = writeln!(out, "### `{}`\n", engine.engine);
    let _ = writeln!(out, "*Strategy:* {}.\n", escape(engine.strategy.trim_end_matches('.')));
    if engine.tunings.is_empty() {
        let _ = writeln!(out, "It declares no tunings: it runs its strategy alone.\n");
        return;
    }
    for tuning in &engine.tunings {
        let _ = writeln!(out, "- {}", crate::report::markdown::tuning_item(tuning));
    }
    out.push('\n');
    let (tuned, plain) = (a.tuned(engine), a.plain(engine));
    let mut columns = vec![Column { header: "plain ÷ tuned".to_string(), more: plain, less: tuned, as_change: false }];
    for tuning in &engine.tunings {
        let without = a.without(engine, &tuning.name);
        columns.push(Column { header: format!("`{}` off", tuning.name), more: without, less: tuned, as_change: true });
    }
    table(out, a, ("tuned", tuned), &columns);
    if engine.tunings.len() > 1 {
        interplay(out, a, engine);
    }
    if has_alone(a, engine) {
        let _ = writeln!(
            out,
            "Each tuning alone on top of plain: how many more instructions plain executes than plain with only \
             that tuning on (+x % means the tuning saves that much by itself).\n"
        );
        let columns: Vec<Column<'_>> = engine
            .tunings
            .iter()
            .map(|t| {
                let alone = a.alone(engine, &t.name);
                Column { header: format!("`{}` alone", t.name), more: plain, less: alone, as_change: true }
            })
            .collect();
        table(out, a, ("plain", plain), &columns);
    }
}

/// A column of ratios of two variants' counts.
struct Column<'a> {
    header: String,
    more: Option<&'a VariantSpec>,
    less: Option<&'a VariantSpec>,
    /// Shown as the change it means (`+5.2 %`) rather than a ratio (`1.05×`).
    as_change: bool,
}

impl Column<'_> {
    fn cell(&self, ratio: Option<f64>) -> String {
        if self.as_change { change(ratio) } else { times(ratio) }
    }
}

/// A table with a row per program (its name, size and the instructions of
/// `counted`), a cell per column, and the geometric means in the last row.
fn table(out: &mut String, a: &Ablation, counted: (&str, Option<&VariantSpec>), columns: &[Column<'_>]) {
    let (label, counted) = counted;
    let mut header = format!("| program | n | {label} (instructions) |");
    let mut rule = "|---|---:|---:|".to_string();
    for column in columns {
        let _ = write!(header, " {} |", column.header);
        rule.push_str("---:|");
    }
    let _ = writeln!(out, "{header}\n{rule}");
    for program in &a.programs {
        let count = counted.and_then(|v| a.instructions(v, &program.name));
        let _ = write!(
            out,
            "| {} | {} | {} |",
            program.name,
            program.size,
            count.map_or("–".to_string(), format::thousands)
        );
        for column in columns {
            let _ = write!(out, " {} |", column.cell(a.ratio(column.more, column.less, &program.name)));
        }
        out.push('\n');
    }
    out.push_str("| **geometric mean** | | |");
    for column in columns {
        let _ = write!(out, " **{}** |", column.cell(a.mean_ratio(column.more, column.less).map(|(g, _)| g)));
    }
    out.push_str("\n\n");
}

/// With two or more tunings: whether their separate savings add up to the
/// whole, which says whether they overlap or compound.
fn interplay(out: &mut String, a: &Ablation, engine: &EngineTunings) {
    let (tuned, plain) = (a.tuned(engine), a.plain(engine));
    let Some((whole, _)) = a.mean_ratio(plain, tuned) else { return };
    let separate: Option<f64> =
        engine.tunings.iter().map(|t| a.mean_ratio(a.without(engine, &t.name), tuned).map(|(g, _)| g)).product();
    let Some(separate) = separate else { return };
    // Tunings that save the same work cover for each other, so switching
    // one off loses little and the product falls short of the whole; a
    // tuning that makes another's work cheaper loses both when switched
    // off, so the product exceeds it.
    let reading = if separate < whole * 0.99 {
        "more than that product: the tunings overlap, partly saving the same work, so switching one off in turn \
         understates what it saves by itself"
    } else if separate > whole * 1.01 {
        "less than that product: the tunings compound, one making another's saving larger, so switching one off \
         in turn overstates what it saves by itself"
    } else {
        "about that product: the tunings save separate work"
    };
    let _ = writeln!(
        out,
        "All tunings together save {} (plain ÷ tuned, geometric mean); the savings of each one off in turn, \
         multiplied, come to {}. The whole is {reading}.\n",
        times(Some(whole)),
        times(Some(separate))
    );
}

/// A ratio of counts as the change it means: 1.0523 → `+5.2 %`; small
/// changes keep two decimals, so that 0.3 % does not read as nothing.
pub fn change(ratio: Option<f64>) -> String {
    let Some(ratio) = ratio else { return "–".to_string() };
    let percent = (ratio - 1.0) * 100.0;
    if percent.abs() < 0.005 {
        // Not `-0.00 %`: the sign of a change that rounds to nothing says
        // nothing.
        "0.00 %".to_string()
    } else if percent.abs() < 1.0 {
        format!("{percent:+.2} %")
    } else {
        format!("{percent:+.1} %")
    }
}

fn times(ratio: Option<f64>) -> String {
    ratio.map_or("–".to_string(), |r| format!("{}×", format::digits(r)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_read_as_percentages_with_their_sign() {
        assert_eq!(change(Some(1.0523)), "+5.2 %");
        assert_eq!(change(Some(0.9)), "-10.0 %");
        assert_eq!(change(Some(1.003)), "+0.30 %");
        assert_eq!(change(Some(0.99999)), "0.00 %");
        assert_eq!(change(None), "–");
    }
}
