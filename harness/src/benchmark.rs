//! The measuring run: calibrate the cost of starting a process, then for
//! each case (a program at a size) verify every contender, warm up, and time
//! the contenders interleaved round by round, so that drift in the machine
//! (another job starting, the CPU clocking down) hits all of them alike. The
//! cost of starting a process is measured again in every round, beside the
//! contenders, because it drifts too (1.7 to 6.1 ms across runs on one
//! loaded machine): each case subtracts the median of its own rounds.
//!
//! Every record is saved the moment it exists. A contender whose output is
//! wrong, that crashes or that runs past its time limit is recorded as
//! failed and never timed again on that program; the others go on.

use crate::contender::{Contender, Kind, Placeholders};
use crate::measure::{Executor, RunResult};
use crate::results::{Record, ResultsWriter, Suite, now_rfc3339};
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
}

/// Everything a measuring run will do.
#[derive(Clone, Debug)]
pub struct Plan {
    pub contenders: Vec<Contender>,
    pub cases: Vec<Case>,
    /// Timed runs per contender in the main suite.
    pub runs: usize,
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

/// Where the run reports what it is doing.
pub trait Progress {
    /// The number of process runs to come.
    fn start(&self, total: u64);
    /// One process run finished; `message` names what runs now.
    fn advance(&self, message: &str);
    /// Something the user should know, said at once.
    fn note(&self, text: &str);
    fn finish(&self);
}

/// A [`Progress`] that says nothing, for tests.
#[derive(Debug, Default)]
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: u64) {}
    fn advance(&self, _: &str) {}
    fn note(&self, _: &str) {}
    fn finish(&self) {}
}

impl Plan {
    fn runs_for(&self, suite: Suite) -> usize {
        match suite {
            Suite::Main => self.runs,
            Suite::Scaling => self.scaling_runs,
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

    /// How many processes the run will start, for the progress bar.
    pub fn total_executions(&self) -> u64 {
        let per_case: usize = self
            .cases
            .iter()
            .map(|case| {
                let runs = self.runs_for(case.suite);
                self.contenders_for(case).count() * (1 + self.warmup + runs)
                    + if self.measures_spawn_cost() { runs } else { 0 }
            })
            .sum();
        (self.calibration_runs + per_case) as u64
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
    progress.start(plan.total_executions());
    calibrate(plan, executor, writer, progress)?;
    for case in &plan.cases {
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

fn measure_case(
    plan: &Plan,
    case: &Case,
    executor: &mut dyn Executor,
    writer: &mut ResultsWriter,
    progress: &dyn Progress,
) -> Result<()> {
    let placeholders =
        Placeholders { lox: &case.lox_path, python: &case.python_path, size: case.size, program: &case.program };
    let runs = plan.runs_for(case.suite);
    let per_contender = (1 + plan.warmup + runs) as u64;

    // Verify first: a contender takes part in timing only once its output
    // has been checked. Each keeps the time limit its timed runs get.
    let mut active: Vec<(&Contender, Vec<String>, Duration)> = Vec::new();
    for contender in plan.contenders_for(case) {
        let argv = contender.argv(&placeholders);
        let label = format!("{} × {} (n = {}): verifying", case.program, contender.name, case.size);
        if contender.needs_python_twin() && !case.python_path.is_file() {
            progress.note(&format!(
                "{} has no Python twin at {}, so {} sits this one out",
                case.program,
                case.python_path.display(),
                contender.name
            ));
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
            Ok(wall) => active.push((contender, argv, plan.timed_limit(wall))),
            Err(detail) => {
                progress.note(&format!(
                    "{} is refused on {} (n = {}) and will not be timed: {detail}",
                    contender.name, case.program, case.size
                ));
                skip_progress(progress, per_contender - 1, &label);
            }
        }
    }

    for _ in 0..plan.warmup {
        for (contender, argv, limit) in &active {
            let _ = executor.execute(argv, *limit);
            progress.advance(&format!("{} × {} (n = {}): warming up", case.program, contender.name, case.size));
        }
    }

    for round in 0..runs {
        // Rotate the order each round, so that no contender always runs
        // right after the same neighbour. The do-nothing process takes its
        // turn in the rotation like a contender (index `active.len()`).
        let spawn_cost = plan.measures_spawn_cost() && !active.is_empty();
        let count = active.len() + usize::from(spawn_cost);
        let mut failed = Vec::new();
        for offset in 0..count {
            let index = (round + offset) % count;
            if index == active.len() {
                measure_spawn_cost(plan, case, round, executor, writer)?;
                progress.advance(&format!("{} (n = {}): the cost of starting a process", case.program, case.size));
                continue;
            }
            let (contender, argv, limit) = &active[index];
            let label = format!("{} × {} (n = {}): run {}/{runs}", case.program, contender.name, case.size, round + 1);
            let outcome = executor.execute(argv, *limit);
            progress.advance(&label);
            match outcome
                .as_ref()
                .map_err(|e| format!("could not start: {e}"))
                .and_then(|run| verify::check(&case.expected, run).map(|()| run))
            {
                Ok(run) => writer.append(&sample(contender, case, round, run))?,
                Err(detail) => {
                    writer.append(&Record::Verification {
                        contender: contender.name.clone(),
                        program: case.program.clone(),
                        size: case.size,
                        suite: case.suite,
                        passed: false,
                        detail: Some(format!("timed run {}: {detail}", round + 1)),
                        argv: argv.clone(),
                        date: now_rfc3339(),
                    })?;
                    progress.note(&format!(
                        "{} went wrong on {} (n = {}) during timing and is dropped: {detail}",
                        contender.name, case.program, case.size
                    ));
                    failed.push(index);
                }
            }
        }
        for index in failed.into_iter().rev() {
            active.remove(index);
        }
    }
    Ok(())
}

/// One verifying run; `Ok` holds how long it took.
fn run_and_check(
    executor: &mut dyn Executor,
    argv: &[String],
    expected: &[u8],
    limit: Duration,
) -> Result<Duration, String> {
    match executor.execute(argv, limit) {
        Ok(run) => verify::check(expected, &run).map(|()| run.wall),
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
) -> Result<()> {
    let run = executor.execute(&plan.calibration_argv, plan.verify_limit())?;
    writer.append(&Record::SpawnCost {
        program: case.program.clone(),
        size: case.size,
        suite: case.suite,
        round,
        wall_s: run.wall.as_secs_f64(),
        date: now_rfc3339(),
    })
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
