//! The rungs of the ladder page and the measured step of each: for every
//! engine, its tuned and plain contenders, the rung it is a step from (as
//! the engine itself says, `frontend::Rung`), and the speed-up over that
//! rung, per program and as a geometric mean, each with its bootstrap
//! interval.

use crate::contender::{Contender, Kind};
use crate::interval::{self, Interval, Verdict};
use crate::report::analysis::Analysis;
use crate::report::ladder;
use crate::results::Suite;

/// One rung of the page.
#[derive(Clone, Debug)]
pub struct RungPage<'a> {
    pub engine: &'a str,
    /// The engine's one-line strategy.
    pub strategy: &'a str,
    /// The idea in two or three sentences, from the engine itself (empty
    /// when this build has no engine of that name).
    pub idea: &'static str,
    /// The engine this one is a step from, by its own account.
    pub below: Option<&'static str>,
    /// The size of one value in bytes.
    pub value_bytes: Option<usize>,
    /// The names of the tunings it declares.
    pub tunings: Vec<&'a str>,
    /// Whether the records say which tunings it declares: results saved
    /// before the harness kept tunings with its contenders do not.
    pub tunings_known: bool,
    pub tuned: Option<&'a Contender>,
    pub plain: Option<&'a Contender>,
    /// The step from the rung below, tuned to tuned and plain to plain.
    pub tuned_step: Option<Step>,
    pub plain_step: Option<Step>,
    /// The rung's plain form to its tuned form: what its tunings buy, when
    /// both ran and they differ.
    pub tunings_buy: Option<Step>,
}

/// The speed-up of one contender over another, on every program both
/// passed.
#[derive(Clone, Debug)]
pub struct Step {
    /// The geometric mean over [`Step::programs`], when there is one.
    pub mean: Option<Interval>,
    /// Each program's speed-up, in the manifest's order.
    pub programs: Vec<(String, Interval)>,
}

impl Step {
    /// The programs with the given verdict.
    pub fn with_verdict(&self, verdict: Verdict) -> Vec<&(String, Interval)> {
        self.programs.iter().filter(|(_, interval)| interval.verdict() == verdict).collect()
    }

    /// The speed-up on one program.
    pub fn on(&self, program: &str) -> Option<Interval> {
        self.programs.iter().find(|(name, _)| name == program).map(|(_, interval)| *interval)
    }
}

/// The timed runs of a contender on a program of the main suite, when it
/// passed and its median is above the cost of starting a process.
pub fn samples<'a>(a: &'a Analysis, program: &str, contender: &str) -> Option<&'a [f64]> {
    a.median(program, contender)?;
    let size = a.main_size(program)?;
    Some(a.cell(Suite::Main, program, size, contender)?.wall_s.as_slice())
}

/// The step from `from` to `to` over the programs both passed, restricted
/// to `only` when it is given.
pub fn step(a: &Analysis, from: &str, to: &str, only: Option<&[&str]>) -> Step {
    let mut pairs = Vec::new();
    let mut programs = Vec::new();
    for (program, _) in a.main_programs() {
        if only.is_some_and(|only| !only.contains(&program.name.as_str())) {
            continue;
        }
        let (Some(reference), Some(contender)) = (samples(a, &program.name, from), samples(a, &program.name, to))
        else {
            continue;
        };
        if let Some(interval) = interval::speed_up(reference, contender) {
            pairs.push((reference, contender));
            programs.push((program.name.clone(), interval));
        }
    }
    Step { mean: interval::geometric_mean_speed_up(&pairs), programs }
}

/// Every engine of the run as a rung, in the order the engines took part
/// (the registry's, which is the ladder's), with its steps.
pub fn rungs(a: &Analysis) -> Vec<RungPage<'_>> {
    let mut pages: Vec<RungPage<'_>> = ladder::rungs(a)
        .into_iter()
        .map(|rung| {
            let engine = lox::find_engine(rung.engine);
            let meta = engine.map(|e| e.rung());
            RungPage {
                engine: rung.engine,
                strategy: rung.strategy,
                idea: meta.map_or("", |m| m.idea),
                below: meta.and_then(|m| m.below),
                value_bytes: meta.map(|m| m.value_bytes),
                tunings: rung.tunings.iter().map(|t| t.name.as_str()).collect(),
                tunings_known: rung.tunings_known,
                tuned: rung.tuned,
                plain: rung.plain,
                tuned_step: None,
                plain_step: None,
                tunings_buy: rung
                    .plain
                    .zip(rung.tuned)
                    .filter(|(plain, tuned)| plain.name != tuned.name)
                    .map(|(plain, tuned)| step(a, &plain.name, &tuned.name, None)),
            }
        })
        .collect();
    for index in 0..pages.len() {
        let Some(below) = pages[index].below.and_then(|below| pages.iter().find(|p| p.engine == below)) else {
            continue;
        };
        let (below_tuned, below_plain) = (below.tuned.map(|c| c.name.clone()), below.plain.map(|c| c.name.clone()));
        let page = &pages[index];
        let tuned_step = below_tuned.zip(page.tuned).map(|(from, to)| step(a, &from, &to.name, None));
        let plain_step = below_plain.zip(page.plain).map(|(from, to)| step(a, &from, &to.name, None));
        pages[index].tuned_step = tuned_step;
        pages[index].plain_step = plain_step;
    }
    pages
}

/// The native standard candle among the peers, when it ran.
pub fn native(a: &Analysis) -> Option<&Contender> {
    a.contenders.iter().find(|c| c.kind == Kind::Peer && c.name == NATIVE)
}

/// The name of the native peer.
pub const NATIVE: &str = "native";

/// The section anchor of a rung on the page.
pub fn anchor(engine: &str) -> String {
    ladder::anchor(&heading(engine))
}

/// A rung's section heading.
pub fn heading(engine: &str) -> String {
    format!("Rung: {engine}")
}
