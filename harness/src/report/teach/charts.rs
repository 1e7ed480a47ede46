//! The page's two charts, from the rungs and the saved timings: a strip
//! chart of every contender against a reference, and a waterfall of the
//! ladder's steps, plain and tuned, from the naive walker down to native.

use super::steps::{self, RungPage};
use crate::charts::strip::{Strip, StripRow};
use crate::charts::waterfall::{Bar, Waterfall, WaterfallSeries};
use crate::charts::{color, tint};
use crate::contender::{Contender, Kind};
use crate::interval::Verdict;
use crate::report::analysis::Analysis;

/// The contender the strip chart divides by: native code when it has a
/// time on at least three programs in four (at `--quick` sizes most of its
/// runs are shorter than starting a process, and a reference with few
/// programs would leave every row with few dots), else the ladder's base.
pub fn reference(a: &Analysis) -> Option<&Contender> {
    let programs = a.main_programs();
    let timed = |c: &Contender| programs.iter().filter(|(p, _)| steps::samples(a, &p.name, &c.name).is_some()).count();
    steps::native(a).filter(|native| 4 * timed(native) >= 3 * programs.len()).or_else(|| {
        let base = a.ladder_base()?;
        a.contenders.iter().find(|c| c.name == base)
    })
}

/// One row per contender (each rung plain then tuned, then the peers), one
/// dot per program: its median time over the reference's.
pub fn strip(a: &Analysis, rungs: &[RungPage<'_>]) -> Option<Strip> {
    let reference = reference(a)?;
    let mut contenders: Vec<&Contender> = Vec::new();
    for rung in rungs {
        for contender in [rung.plain, rung.tuned].into_iter().flatten() {
            if !contenders.iter().any(|c| c.name == contender.name) {
                contenders.push(contender);
            }
        }
    }
    contenders.extend(a.contenders.iter().filter(|c| c.kind == Kind::Peer && c.name != reference.name));
    let groups = groups(a);
    let rows: Vec<StripRow> = contenders
        .iter()
        .filter(|c| c.name != reference.name)
        .map(|contender| {
            let step = steps::step(a, &reference.name, &contender.name, None);
            let dots = step
                .programs
                .iter()
                .map(|(program, interval)| (1.0 / interval.estimate, group_of(a, program, &groups)))
                .collect();
            let mean = step.mean.map(|m| {
                let time = m.inverse();
                (time.estimate, time.low, time.high)
            });
            StripRow { label: contender.name.clone(), dots, mean }
        })
        .filter(|row| !row.dots.is_empty())
        .collect();
    if rows.is_empty() {
        return None;
    }
    Some(Strip {
        title: format!("Each program's time as a multiple of {}'s (lower is faster)", reference.name),
        x_desc: format!("median time ÷ {}'s median time (log scale; one dot per program)", reference.name),
        rows,
        groups: groups.iter().enumerate().map(|(index, name)| (name.clone(), color(index))).collect(),
    })
}

/// The programs' groups, in the order they first appear.
fn groups(a: &Analysis) -> Vec<String> {
    let mut groups: Vec<String> = Vec::new();
    for (program, _) in a.main_programs() {
        let group = program_group(program);
        if !groups.contains(&group) {
            groups.push(group);
        }
    }
    groups
}

/// The group a program's dots are coloured by: its manifest group.
fn program_group(program: &crate::programs::Program) -> String {
    program.group.name().to_string()
}

fn group_of(a: &Analysis, program: &str, groups: &[String]) -> usize {
    let group = a.programs.iter().find(|p| p.name == program).map(program_group).unwrap_or_default();
    groups.iter().position(|g| *g == group).unwrap_or(0)
}

/// The programs every contender of the waterfall passed: its levels are
/// geometric means over one set.
pub fn waterfall_programs(a: &Analysis, rungs: &[RungPage<'_>]) -> Vec<String> {
    let mut names: Vec<&str> =
        rungs.iter().flat_map(|r| [r.plain, r.tuned]).flatten().map(|c| c.name.as_str()).collect();
    names.extend(steps::native(a).map(|c| c.name.as_str()));
    a.main_programs()
        .iter()
        .map(|(program, _)| program.name.clone())
        .filter(|program| names.iter().all(|name| steps::samples(a, program, name).is_some()))
        .collect()
}

/// Columns from the first rung to the last, then native; two series,
/// plain and tuned, each bar the step from the level of the rung below
/// (native steps from the last rung) over [`waterfall_programs`].
pub fn waterfall<'a>(a: &'a Analysis, rungs: &[RungPage<'a>]) -> Option<Waterfall> {
    let base = a.ladder_base()?.to_string();
    let programs = waterfall_programs(a, rungs);
    if programs.is_empty() || rungs.is_empty() {
        return None;
    }
    let only: Vec<&str> = programs.iter().map(String::as_str).collect();
    let level = |name: &str| steps::step(a, &base, name, Some(&only)).mean.map(|m| 1.0 / m.estimate);
    let native = steps::native(a);
    let mut columns: Vec<String> = rungs.iter().map(|r| r.engine.to_string()).collect();
    if let Some(native) = native {
        columns.push(native.name.clone());
    }
    let series = |name: &str, pick: fn(&RungPage<'a>) -> Option<&'a Contender>, hue| {
        let mut bars: Vec<Option<Bar>> = rungs
            .iter()
            .map(|rung| {
                let contender = pick(rung)?;
                let below = rung.below.and_then(|b| rungs.iter().find(|r| r.engine == b)).and_then(pick);
                Some(bar(a, &only, below.map(|c| c.name.as_str()), &contender.name, &level))
            })
            .map(Option::flatten)
            .collect();
        if let Some(native) = native {
            let last = rungs.iter().rev().find_map(pick);
            bars.push(bar(a, &only, last.map(|c| c.name.as_str()), &native.name, &level));
        }
        WaterfallSeries { name: name.to_string(), color: hue, bars }
    };
    Some(Waterfall {
        title: "The ladder's steps, strategy alone and tuned (lower is faster)".to_string(),
        y_desc: format!("time as a multiple of {base}'s (geometric mean over {} programs, log scale)", programs.len()),
        steps: columns,
        // Results saved before plain forms were measured have no plain
        // bars: their series is left out rather than named in the legend.
        series: [
            series("strategy alone (plain)", |r| r.plain, tint(color(0), 0.45)),
            series("with its tunings", |r| r.tuned, color(0)),
        ]
        .into_iter()
        .filter(|s| s.bars.iter().any(Option::is_some))
        .collect(),
    })
}

/// The bar of `to`, stepping from `from` when there is one.
fn bar(a: &Analysis, only: &[&str], from: Option<&str>, to: &str, level: &dyn Fn(&str) -> Option<f64>) -> Option<Bar> {
    let reached = level(to)?;
    let Some(from) = from else { return Some(Bar { from: None, level: reached, significant: true }) };
    let step = steps::step(a, from, to, Some(only));
    let significant = step.mean.is_some_and(|m| m.verdict() != Verdict::NotSignificant);
    Some(Bar { from: level(from), level: reached, significant })
}
