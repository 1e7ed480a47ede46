//! The measuring run: calibrate the cost of starting a process, then for
//! each case (a program at a size) verify every contender, warm up, and time
//! the contenders interleaved round by round, so that drift in the machine
//! (another job starting, the CPU clocking down) hits all of them alike.
//!
//! Every record is saved the moment it exists. A contender whose output is
//! wrong is recorded as failed and never timed.

use crate::contender::{Contender, Kind, Placeholders};
use crate::measure::{Executor, RunResult};
use crate::results::{Record, ResultsWriter, Suite, now_rfc3339};
use crate::stats;
use crate::verify;
use anyhow::Result;
use std::path::PathBuf;

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
            .map(|case| self.contenders_for(case).count() * (1 + self.warmup + self.runs_for(case.suite)))
            .sum();
        (self.calibration_runs + per_case) as u64
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
        executor.execute(&plan.calibration_argv)?;
    }
    let mut walls = Vec::with_capacity(plan.calibration_runs);
    let mut max_rss_bytes = 0;
    for _ in 0..plan.calibration_runs {
        let run = executor.execute(&plan.calibration_argv)?;
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
    // has been checked.
    let mut active: Vec<(&Contender, Vec<String>)> = Vec::new();
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
        let verdict = run_and_check(executor, &argv, &case.expected);
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
        match detail {
            None => active.push((contender, argv)),
            Some(detail) => {
                progress.note(&format!(
                    "{} is refused on {} (n = {}) and will not be timed: {detail}",
                    contender.name, case.program, case.size
                ));
                skip_progress(progress, per_contender - 1, &label);
            }
        }
    }

    for _ in 0..plan.warmup {
        for (contender, argv) in &active {
            let _ = executor.execute(argv);
            progress.advance(&format!("{} × {} (n = {}): warming up", case.program, contender.name, case.size));
        }
    }

    for round in 0..runs {
        // Rotate the order each round, so that no contender always runs
        // right after the same neighbour.
        let count = active.len();
        let mut failed = Vec::new();
        for offset in 0..count {
            let index = (round + offset) % count;
            let (contender, argv) = &active[index];
            let label = format!("{} × {} (n = {}): run {}/{runs}", case.program, contender.name, case.size, round + 1);
            let outcome = executor.execute(argv);
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

fn run_and_check(executor: &mut dyn Executor, argv: &[String], expected: &[u8]) -> Result<(), String> {
    match executor.execute(argv) {
        Ok(run) => verify::check(expected, &run),
        Err(error) => Err(format!("could not start `{}`: {error}", argv.first().map_or("", String::as_str))),
    }
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
