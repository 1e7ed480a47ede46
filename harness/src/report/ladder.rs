//! The strategy ladder: one rung per engine, each measured twice, its
//! strategy alone (`ENGINE:plain`, every tuning off) and with its tunings
//! (the engine as it ships), both as speed-ups over the naive rung's plain
//! form, with their spreads; then the tunings each rung has.
//!
//! Everything comes from the saved contenders: each engine contender's record
//! names its engine, the tunings it declares and which were off.

use super::analysis::Analysis;
use super::format;
use super::markdown::escape;
use crate::contender::{Contender, Kind};
use crate::variant::TuningInfo;
use std::fmt::Write;

/// The heading the tunings list is linked by.
pub const TUNINGS_HEADING: &str = "The tunings of each rung";

/// One engine of the ladder and the contenders that measured it.
#[derive(Clone, Debug)]
pub struct Rung<'a> {
    pub engine: &'a str,
    pub strategy: &'a str,
    /// Every tuning the engine declares (empty: it runs its strategy alone).
    pub tunings: &'a [TuningInfo],
    /// Whether the records say what the engine declares: results saved
    /// before the harness kept tunings with its contenders do not.
    pub tunings_known: bool,
    /// The engine with every tuning on, when it was measured.
    pub tuned: Option<&'a Contender>,
    /// The engine with every tuning off, when it was measured; the tuned
    /// contender itself when the engine declares no tunings.
    pub plain: Option<&'a Contender>,
}

/// The rungs, in the order their engines took part.
pub fn rungs(a: &Analysis) -> Vec<Rung<'_>> {
    let mut rungs: Vec<Rung<'_>> = Vec::new();
    for contender in a.contenders.iter().filter(|c| c.kind == Kind::Engine) {
        let Some(engine) = contender.engine_name() else { continue };
        let index = match rungs.iter().position(|rung| rung.engine == engine) {
            Some(index) => index,
            None => {
                let (strategy, tunings) = match &contender.variant {
                    Some(v) if !v.strategy.is_empty() => (v.strategy.as_str(), v.tunings.as_slice()),
                    Some(v) => (contender.description.as_str(), v.tunings.as_slice()),
                    None => (contender.description.as_str(), &[][..]),
                };
                let tunings_known = contender.variant.is_some();
                rungs.push(Rung { engine, strategy, tunings, tunings_known, tuned: None, plain: None });
                rungs.len() - 1
            }
        };
        let rung = &mut rungs[index];
        let is_plain = contender.variant.as_ref().is_some_and(|v| v.is_plain());
        if contender.is_tuned_engine() && rung.tuned.is_none() {
            rung.tuned = Some(contender);
        }
        if is_plain && rung.plain.is_none() {
            rung.plain = Some(contender);
        }
    }
    rungs
}

/// Engine contenders that are neither a rung's tuned nor its plain form
/// (`nanbox-vm:no-superinstructions`), and the peers: shown on the same
/// scale beside the ladder.
pub fn others<'a>(a: &'a Analysis, rungs: &[Rung<'a>]) -> Vec<&'a Contender> {
    let on_a_rung = |c: &Contender| {
        rungs
            .iter()
            .any(|rung| rung.tuned.is_some_and(|t| t.name == c.name) || rung.plain.is_some_and(|p| p.name == c.name))
    };
    a.contenders.iter().filter(|c| !on_a_rung(c)).collect()
}

/// A contender's geometric mean speed-up over the ladder's base, with its
/// spread propagated from each program's, and the number of programs: over
/// [`Analysis::common_programs`], the same programs for every contender.
pub fn speed_up(a: &Analysis, contender: &str) -> Option<(f64, f64, usize)> {
    a.mean_over(&a.common_programs(), |program| a.speed_up(program, contender))
}

/// What a rung's tunings buy in time: the geometric mean, over the same
/// programs as every other mean, of the plain median over the tuned one.
pub fn tunings_buy(a: &Analysis, rung: &Rung<'_>) -> Option<(f64, f64, usize)> {
    let (plain, tuned) = (rung.plain?, rung.tuned?);
    a.mean_over(&a.common_programs(), |program| a.relative(program, &plain.name, &tuned.name))
}

/// The ladder section: the table of rungs, the other contenders on the same
/// scale, and the tunings of each rung. `ablation` is the anchor of the
/// ablation table when the report has one.
pub fn render(out: &mut String, a: &Analysis, ablation: Option<&str>) {
    let Some(base) = a.ladder_base() else { return };
    let rungs = rungs(a);
    let common: Vec<&str> = a.common_programs().iter().map(|p| p.name.as_str()).collect();
    let _ = writeln!(out, "## The strategy ladder\n");
    let _ = writeln!(
        out,
        "Each rung twice: its strategy alone (*plain*: `ENGINE:plain`, every tuning off) and with its tunings \
         (the engine as it ships). A figure is the speed-up over `{base}`: the geometric mean of `{base}`'s \
         median time divided by the contender's, ± the spread propagated from every program's relative standard \
         deviation, over the same {} for every engine (those on which every timed engine contender has a time: \
         {}; a peer's mean covers those of them it has a time on). *Tunings buy* is plain time ÷ tuned time. The \
         step between two rungs' plain columns is what their strategies differ by.\n",
        format::plural(common.len(), "program", "programs"),
        if common.is_empty() { "none".to_string() } else { common.join(", ") }
    );
    let left_out = a.left_out_of_means();
    if !left_out.is_empty() {
        let reasons: Vec<String> = left_out
            .iter()
            .map(|(program, missing)| format!("{} (no time for {})", program.name, missing.join(", ")))
            .collect();
        let _ = writeln!(out, "Left out of the means: {}.\n", reasons.join("; "));
    }
    let _ = writeln!(
        out,
        "| rung | strategy | strategy alone (plain) | with its tunings | tunings buy | tunings ([what each does](#{})) \
         | programs |",
        anchor(TUNINGS_HEADING)
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|---|---:|");
    for rung in &rungs {
        let figure = |contender: Option<&Contender>| match contender {
            Some(c) if c.name == base => "1 (the base)".to_string(),
            Some(c) => speed_up(a, &c.name).map_or("–".to_string(), |(g, e, _)| format!("{}×", format::ratio(g, e))),
            None => "not run".to_string(),
        };
        let (plain, tuned, buy) = if !rung.tunings_known {
            ("not recorded".to_string(), figure(rung.tuned), "–".to_string())
        } else if rung.tunings.is_empty() {
            let same = figure(rung.tuned);
            (same.clone(), same, "no tunings".to_string())
        } else {
            let buy = tunings_buy(a, rung).map_or("–".to_string(), |(g, e, _)| format!("{}×", format::ratio(g, e)));
            (figure(rung.plain), figure(rung.tuned), buy)
        };
        let names: Vec<String> = rung.tunings.iter().map(|t| format!("`{}`", t.name)).collect();
        let programs = [rung.tuned, rung.plain]
            .into_iter()
            .flatten()
            .filter_map(|c| speed_up(a, &c.name).map(|(_, _, n)| n))
            .max()
            .map_or("0".to_string(), |n| n.to_string());
        let names = match (rung.tunings_known, names.is_empty()) {
            (false, _) => "not recorded".to_string(),
            (true, true) => "none".to_string(),
            (true, false) => names.join(", "),
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {plain} | {tuned} | {buy} | {names} | {programs} |",
            rung.engine,
            escape(rung.strategy)
        );
    }
    out.push('\n');
    if rungs.iter().any(|rung| !rung.tunings_known) {
        let _ = writeln!(
            out,
            "*Not recorded*: these results were measured before the harness saved each engine's tunings with \
             its results, so they hold the engines as tuned only.\n"
        );
    }
    let missing: Vec<&str> =
        rungs.iter().filter(|r| !r.tunings.is_empty() && r.plain.is_none()).map(|r| r.engine).collect();
    if !missing.is_empty() {
        let _ = writeln!(
            out,
            "*Not run* means the run left that form out; `--engines {}` measures it.\n",
            missing.iter().map(|e| format!("{e},{e}:plain")).collect::<Vec<_>>().join(",")
        );
    }

    let others = others(a, &rungs);
    if !others.is_empty() {
        let _ = writeln!(out, "On the same scale, the other contenders:\n");
        let _ = writeln!(out, "| contender | what it is | speed-up over {base} | programs |");
        let _ = writeln!(out, "|---|---|---:|---:|");
        for contender in others {
            let (figure, n) = speed_up(a, &contender.name)
                .map_or(("–".to_string(), 0), |(g, e, n)| (format!("{}×", format::ratio(g, e)), n));
            let _ = writeln!(out, "| `{}` | {} | {figure} | {n} |", contender.name, escape(&contender.description));
        }
        out.push('\n');
    }
    tunings(out, &rungs, ablation);
}

/// The tunings of each rung, as the engines declare them.
fn tunings(out: &mut String, rungs: &[Rung<'_>], ablation: Option<&str>) {
    let _ = writeln!(out, "### {TUNINGS_HEADING}\n");
    match ablation {
        Some(anchor) => {
            let _ = writeln!(
                out,
                "What each rung does beyond its strategy, as the engine declares it. [The ablation](#{anchor}) \
                 counts what each tuning saves on every program.\n"
            );
        }
        None => {
            let _ = writeln!(
                out,
                "What each rung does beyond its strategy, as the engine declares it. `harness ablate --out DIR` \
                 counts what each tuning saves on every program and adds the table to this report.\n"
            );
        }
    }
    for rung in rungs {
        if !rung.tunings_known {
            let _ = writeln!(out, "- `{}`: not recorded with these results.", rung.engine);
            continue;
        }
        if rung.tunings.is_empty() {
            let _ = writeln!(out, "- `{}`: none; it runs its strategy alone.", rung.engine);
            continue;
        }
        let _ = writeln!(out, "- `{}`:", rung.engine);
        for tuning in rung.tunings {
            let _ = writeln!(out, "  - {}", super::markdown::tuning_item(tuning));
        }
    }
    out.push('\n');
}

/// GitHub's anchor for a heading: lower case, spaces to `-`, punctuation
/// other than `-` and `_` dropped.
pub fn anchor(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_follow_github() {
        assert_eq!(anchor("The tunings of each rung"), "the-tunings-of-each-rung");
        assert_eq!(anchor("Ablation: what each tuning saves"), "ablation-what-each-tuning-saves");
    }
}
