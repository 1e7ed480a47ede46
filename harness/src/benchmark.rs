//! The measuring run: calibrate the cost of starting a process, then for
//! each case (a program at a size) verify every contender, warm up, and time
//! the contenders interleaved round by round, so that drift in the machine
//! (another job starting, the CPU clocking down) hits all of them alike. The
//! cost of starting a process is measured again in every round, beside the
//! contenders, because it drifts too (1.7 to 6.1 ms across runs on one
//! loaded machine): each case subtracts the median of its own rounds.
//!
//! How many rounds a case takes is the run count's ([`crate::runs`]): a
//! fixed number, or adaptive, each contender leaving the rotation once its
//! median is known precisely enough or its time budget is spent.
//!
//! Every record is saved the moment it exists. A contender whose output is
//! wrong, that crashes or that runs past its time limit is recorded as
//! failed and never timed again on that program; the others go on.

use crate::contender::{Contender, Kind, Placeholders};
use crate::measure::{Executor, RunResult};
use crate::progress::Progress;
use crate::results::{Record, ResultsWriter, Suite, now_rfc3339};
use crate::runs::RunCount;
use crate::stats;
use crate::verify;
use anyhow::Result;
use std::path::PathBuf;
use std::time::Duration;

/// The default limit on a verifying run (and on calibration runs): far
/// above the slowest engine at full size (about 20 s), so it stops only a
/// run that hangs.
pub const VERIFY_TIMEOUT: Duration = Duration::from_secs(300);

/// A timed run may take this many times its verified run's time by default...
pub const TIMED_RUN_FACTOR: u32 = 10;
/// ...and at least this long, since a short program's time is mostly noise.
pub const MIN_TIMED_RUN_TIMEOUT: Duration = Duration::from_secs(10);

/// One program at one size, with what it must print.
#[derive(Clone, Debug)]
pub struct Case {
    pub suite: Suite,
    pub program: String,
    pub size: u64,
    pub expected: Vec<u8>,
    /// The `.lox` file with its size already set.
    pub lox_path: PathBuf,
    /// The Python twin, which may not exist.
    pub python_path: PathBuf,
    /// How long the case takes compared with the others, roughly, for the
    /// estimate of the time left (1 for a program at the run's size).
    pub weight: f64,
}

/// Everything a measuring run will do.
#[derive(Clone, Debug)]
pub struct Plan {
    pub contenders: Vec<Contender>,
    pub cases: Vec<Case>,
    /// Timed runs per contender in the main suite.
    pub runs: RunCount,
    /// Runs per contender in the scaling suite (a chart needs fewer).
    pub scaling_runs: usize,
    /// Untimed runs per contender before the timed ones.
    pub warmup: usize,
    /// A command that starts a process and does nothing, and how often to
    /// time it to learn the spawn overhead.
    pub calibration_argv: Vec<String>,
    pub calibration_runs: usize,
    /// The user's limit on every run (`--timeout`); by default
    /// [`VERIFY_TIMEOUT`] for verification and a multiple of the verified
    /// run's time for the timed runs.
    pub timeout: Option<Duration>,
}

impl Plan {
    fn runs_for(&self, suite: Suite) -> RunCount {
        match suite {
            Suite::Main => self.runs,
            Suite::Scaling => RunCount::Fixed(self.scaling_runs),
        }
    }

    /// The contenders that run `case`. The scaling suite leaves out engine
    /// variants: its chart shows how time grows with the size, which the
    /// engines as tuned show, and a plain twin of every line would double
    /// its cost and crowd the chart.
    pub fn contenders_for(&self, case: &Case) -> impl Iterator<Item = &Contender> {
        let suite = case.suite;
        self.contenders.iter().filter(move |c| suite == Suite::Main || c.kind == Kind::Peer || c.is_tuned_engine())
    }

    /// How many processes the run will start at least and at most (the
    /// same with fixed run counts).
    pub fn total_executions(&self) -> (u64, u64) {
        let (least, most) = self
            .cases
            .iter()
            .map(|case| (self.case_executions(case, false), self.case_executions(case, true)))
            .fold((0, 0), |(a, b), (c, d)| (a + c, b + d));
        (self.calibration_runs as u64 + least, self.calibration_runs as u64 + most)
    }

    /// Whether each contender's verifying run is also its first timed run:
    /// when no warm-up is asked for, since the verifying run is then as
    /// warm as any (its output is checked like every timed run's).
    pub fn verified_run_is_timed(&self) -> bool {
        self.warmup == 0
    }

    /// The processes one contender starts on `case` at least: its verifying
    /// run, its warm-up and its fewest timed runs.
    fn executions_per_contender(&self, case: &Case) -> u64 {
        let timed = self.runs_for(case.suite).min_runs();
        let timed_after_verifying = if self.verified_run_is_timed() { timed.saturating_sub(1) } else { timed };
        (1 + self.warmup + timed_after_verifying) as u64
    }

    /// The processes one case starts: every contender's verifying run,
    /// warm-up and timed runs (the fewest, or with `most` the most), and a
    /// do-nothing process in each round.
    pub fn case_executions(&self, case: &Case, most: bool) -> u64 {
        let count = self.runs_for(case.suite);
        let rounds = if most { count.max_runs() } else { count.min_runs() };
        let extra_rounds = (rounds - count.min_runs()) as u64;
        let contenders = self.contenders_for(case).count() as u64;
        let spawn = if self.measures_spawn_cost() { rounds as u64 } else { 0 };
        contenders * (self.executions_per_contender(case) + extra_rounds) + spawn
    }

    /// Whether the cost of starting a process is measured (at the start and
    /// in every round).
    fn measures_spawn_cost(&self) -> bool {
        self.calibration_runs > 0 && !self.calibration_argv.is_empty()
    }

    /// The limit on a verifying run.
    fn verify_limit(&self) -> Duration {
        self.timeout.unwrap_or(VERIFY_TIMEOUT)
    }

    /// The limit on a timed run of a contender whose verifying run took `verified`.
    fn timed_limit(&self, verified: Duration) -> Duration {
        self.timeout.unwrap_or_else(|| (verified * TIMED_RUN_FACTOR).max(MIN_TIMED_RUN_TIMEOUT))
    }
}

/// Runs the plan, appending every record to `writer` as it is taken.
pub fn measure(
    plan: &Plan,
    executor: &mut dyn Executor,
    writer: &mut ResultsWriter,
    progress: &dyn Progress,
) -> Result<()> {
    progress.start(&plan.cases.iter().map(|case| case.weight).collect::<Vec<_>>());
    calibrate(plan, executor, writer, progress)?;
    for (index, case) in plan.cases.iter().enumerate() {
        progress.case(index, plan.case_executions(case, false));
        measure_case(plan, case, executor, writer, progress)?;
    }
    progress.finish();
    Ok(())
}

fn calibrate(
    plan: &Plan,
    executor: &mut dyn Executor,
    writer: &mut ResultsWriter,
    progress: &dyn Progress,
) -> Result<()> {
    if plan.calibration_runs == 0 {
        return Ok(());
    }
    // A few untimed runs first, so that the binary is in the page cache.
    for _ in 0..3 {
        executor.execute(&plan.calibration_argv, plan.verify_limit())?;
    }
    let mut walls = Vec::with_capacity(plan.calibration_runs);
    let mut max_rss_bytes = 0;
    for _ in 0..plan.calibration_runs {
        let run = executor.execute(&plan.calibration_argv, plan.verify_limit())?;
        walls.push(run.wall.as_secs_f64());
        max_rss_bytes = max_rss_bytes.max(run.max_rss_bytes);
        progress.advance("measuring the cost of starting a process");
    }
    let overhead_s = stats::median(&walls);
    writer.append(&Record::Calibration { wall_s: walls, overhead_s, max_rss_bytes, date: now_rfc3339() })
}

/// A contender that passed verification on a case, and its timed runs so far.
struct Timing<'a> {
    contender: &'a Contender,
    argv: Vec<String>,
    /// The limit on each timed run.
    limit: Duration,
    /// Raw wall times, in seconds, and their sum.
    walls: Vec<f64>,
    spent_s: f64,
    /// Whether it needs no more runs (or failed one).
    done: bool,
}

impl Timing<'_> {
    fn record(&mut self, run: &RunResult) {
        self.walls.push(run.wall.as_secs_f64());
        self.spent_s += run.wall.as_secs_f64();
    }
}

fn measure_case(
    plan: &Plan,
    case: &Case,
    executor: &mut dyn Executor,
    writer: &mut ResultsWriter,
    progress: &dyn Progress,
) -> Result<()> {
    let count = plan.runs_for(case.suite);
    let mut spawn_costs: Vec<f64> = Vec::new();
    let mut timings = verify(plan, case, executor, writer, progress)?;
    let mut round = 0;
    if plan.verified_run_is_timed() {
        // The verifying runs were round 0: the do-nothing process takes its
        // turn beside them, and a count of one is done already.
        if plan.measures_spawn_cost() && !timings.is_empty() {
            spawn_costs.push(measure_spawn_cost(plan, case, round, executor, writer)?);
            progress.advance(&format!("{} (n = {}): the cost of starting a process", case.program, case.size));
        }
        round = 1;
        decide(count, &mut timings, &spawn_costs);
    } else {
        for _ in 0..plan.warmup {
            for timing in &timings {
                let _ = executor.execute(&timing.argv, timing.limit);
                progress
                    .advance(&format!("{} × {} (n = {}): warming up", case.program, timing.contender.name, case.size));
            }
        }
    }

    while round < count.max_runs() {
        let running: Vec<usize> = (0..timings.len()).filter(|&index| !timings[index].done).collect();
        if running.is_empty() {
            break;
        }
        // Rotate the order each round, so that no contender always runs
        // right after the same neighbour. The do-nothing process takes its
        // turn in the rotation like a contender (turn `running.len()`).
        let turns = running.len() + usize::from(plan.measures_spawn_cost());
        for offset in 0..turns {
            let turn = (round + offset) % turns;
            if turn == running.len() {
                spawn_costs.push(measure_spawn_cost(plan, case, round, executor, writer)?);
                progress.advance(&format!("{} (n = {}): the cost of starting a process", case.program, case.size));
                continue;
            }
            let timing = &mut timings[running[turn]];
            let outcome = executor.execute(&timing.argv, timing.limit);
            progress.advance(&format!(
                "{} × {} (n = {}): run {}",
                case.program,
                timing.contender.name,
                case.size,
                round + 1
            ));
            match outcome
                .as_ref()
                .map_err(|e| format!("could not start: {e}"))
                .and_then(|run| verify::check(&case.expected, run).map(|()| run))
            {
                Ok(run) => {
                    writer.append(&sample(timing.contender, case, round, run))?;
                    timing.record(run);
                }
                Err(detail) => {
                    writer.append(&Record::Verification {
                        contender: timing.contender.name.clone(),
                        program: case.program.clone(),
                        size: case.size,
                        suite: case.suite,
                        passed: false,
                        detail: Some(format!("timed run {}: {detail}", round + 1)),
                        argv: timing.argv.clone(),
                        date: now_rfc3339(),
                    })?;
                    progress.note(&format!(
                        "{} went wrong on {} (n = {}) during timing and is dropped: {detail}",
                        timing.contender.name, case.program, case.size
                    ));
                    timing.done = true;
                }
            }
        }
        round += 1;
        decide(count, &mut timings, &spawn_costs);
    }
    Ok(())
}

/// The verifying round: every contender runs once, and takes part in
/// timing only once its output has been checked (and keeps the time limit
/// its timed runs get). With no warm-up asked for, this run is also its
/// first timed run.
fn verify<'a>(
    plan: &'a Plan,
    case: &Case,
    executor: &mut dyn Executor,
    writer: &mut ResultsWriter,
    progress: &dyn Progress,
) -> Result<Vec<Timing<'a>>> {
    let placeholders =
        Placeholders { lox: &case.lox_path, python: &case.python_path, size: case.size, program: &case.program };
    let per_contender = plan.executions_per_contender(case);
    let mut timings = Vec::new();
    for contender in plan.contenders_for(case) {
        let argv = contender.argv(&placeholders);
        let label = format!("{} × {} (n = {}): verifying", case.program, contender.name, case.size);
        let sits_out = if !contender.has_twin_of(&case.program) {
            Some(format!("{} has no twin of {}, so it sits this one out", contender.name, case.program))
        } else if contender.needs_python_twin() && !case.python_path.is_file() {
            Some(format!(
                "{} has no Python twin at {}, so {} sits this one out",
                case.program,
                case.python_path.display(),
                contender.name
            ))
        } else {
            None
        };
        if let Some(note) = sits_out {
            progress.note(&note);
            skip_progress(progress, per_contender, &label);
            continue;
        }
        let verdict = run_and_check(executor, &argv, &case.expected, plan.verify_limit());
        progress.advance(&label);
        let detail = verdict.as_ref().err().cloned();
        writer.append(&Record::Verification {
            contender: contender.name.clone(),
            program: case.program.clone(),
            size: case.size,
            suite: case.suite,
            passed: detail.is_none(),
            detail: detail.clone(),
            argv: argv.clone(),
            date: now_rfc3339(),
        })?;
        match verdict {
            Ok(run) => {
                let limit = plan.timed_limit(run.wall);
                let mut timing = Timing { contender, argv, limit, walls: Vec::new(), spent_s: 0.0, done: false };
                if plan.verified_run_is_timed() {
                    writer.append(&sample(contender, case, 0, &run))?;
                    timing.record(&run);
                }
                timings.push(timing);
            }
            Err(detail) => {
                progress.note(&format!(
                    "{} is refused on {} (n = {}) and will not be timed: {detail}",
                    contender.name, case.program, case.size
                ));
                skip_progress(progress, per_contender - 1, &label);
            }
        }
    }
    Ok(timings)
}

/// After a round: which contenders need no more runs. Their times are
/// corrected by the median spawn cost so far, as the report corrects them.
fn decide(count: RunCount, timings: &mut [Timing<'_>], spawn_costs: &[f64]) {
    let overhead = if spawn_costs.is_empty() { 0.0 } else { stats::median(spawn_costs) };
    for timing in timings.iter_mut().filter(|timing| !timing.done) {
        let corrected: Vec<f64> = timing.walls.iter().map(|wall| (wall - overhead).max(0.0)).collect();
        timing.done = count.stop(&corrected, timing.spent_s).is_some();
    }
}

/// One verifying run: the run, when it finished in time and printed what
/// it should; what went wrong otherwise.
fn run_and_check(
    executor: &mut dyn Executor,
    argv: &[String],
    expected: &[u8],
    limit: Duration,
) -> Result<RunResult, String> {
    match executor.execute(argv, limit) {
        Ok(run) => verify::check(expected, &run).map(|()| run),
        Err(error) => Err(format!("could not start `{}`: {error}", argv.first().map_or("", String::as_str))),
    }
}

/// One run of the do-nothing process inside a round of `case`.
fn measure_spawn_cost(
    plan: &Plan,
    case: &Case,
    round: usize,
    executor: &mut dyn Executor,
    writer: &mut ResultsWriter,
) -> Result<f64> {
    let run = executor.execute(&plan.calibration_argv, plan.verify_limit())?;
    let wall_s = run.wall.as_secs_f64();
    writer.append(&Record::SpawnCost {
        program: case.program.clone(),
        size: case.size,
        suite: case.suite,
        round,
        wall_s,
        date: now_rfc3339(),
    })?;
    Ok(wall_s)
}

fn skip_progress(progress: &dyn Progress, count: u64, label: &str) {
    for _ in 0..count {
        progress.advance(label);
    }
}

fn sample(contender: &Contender, case: &Case, round: usize, run: &RunResult) -> Record {
    Record::Sample {
        contender: contender.name.clone(),
        program: case.program.clone(),
        size: case.size,
        suite: case.suite,
        round,
        wall_s: run.wall.as_secs_f64(),
        user_s: run.user.as_secs_f64(),
        system_s: run.system.as_secs_f64(),
        max_rss_bytes: run.max_rss_bytes,
        date: now_rfc3339(),
    }
}
