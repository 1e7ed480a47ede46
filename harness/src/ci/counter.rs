//! Counting many engine × program pairs the same way: what every count
//! shares (the counted binary, `lox` (see [`super::counted`]), the programs
//! written under fixed names into one directory, an empty environment, the
//! engine on the main thread, a time limit) and a pool
//! of workers that counts pairs side by side. `harness ci` and
//! `harness ablate` both count through here, so their figures are the same
//! figures.

use super::counts::{self, Counted};
use crate::measure::{Executor, ProcessExecutor};
use crate::programs::{Program, ProgramSet};
use crate::verify;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// How long one counted run may take before it is stopped and counted as
/// failed. The slowest pair at the small sizes takes well under a minute
/// under cachegrind; a run past this limit is hung, not slow.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);

/// One engine (or variant) × program to count.
#[derive(Clone, Debug)]
pub struct Job {
    /// The engine or variant, as `lox --engine` takes it.
    pub engine: String,
    pub program: String,
    pub size: u64,
    /// The program's file inside the counter's working directory.
    pub file_name: String,
    pub expected: Vec<u8>,
}

/// The fixed set-up of every count.
#[derive(Clone, Debug)]
pub struct Counter {
    pub valgrind: PathBuf,
    /// The counted `lox` binary.
    pub exe: String,
    /// Where the programs are and every count runs.
    pub work_dir: PathBuf,
    /// Where cachegrind's raw output files go.
    pub raw_dir: PathBuf,
    /// Whether to keep them once counted (for `cg_annotate`), or delete them.
    pub keep_raw: bool,
    pub timeout: Duration,
    /// The counted process's environment: empty, except when a calibration
    /// varies it on purpose (see `calibrate`).
    pub env: Vec<(String, String)>,
}

impl Counter {
    /// A counter of the `lox` binary `exe` whose programs and counts live in
    /// `work_dir`, keeping cachegrind's raw output in `raw_dir` when that is
    /// given.
    pub fn new(
        valgrind: PathBuf,
        exe: &Path,
        work_dir: PathBuf,
        raw_dir: Option<PathBuf>,
        timeout: Duration,
    ) -> Result<Counter> {
        let keep_raw = raw_dir.is_some();
        let raw_dir = raw_dir.unwrap_or_else(|| work_dir.join("cachegrind"));
        for dir in [&work_dir, &raw_dir] {
            std::fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
        }
        Ok(Counter { valgrind, exe: exe.display().to_string(), work_dir, raw_dir, keep_raw, timeout, env: Vec::new() })
    }

    /// Writes each program at its small size into the working directory
    /// and returns a job for every program × engine, program by program.
    pub fn jobs(&self, set: &ProgramSet, programs: &[&Program], engines: &[String]) -> Result<Vec<Job>> {
        let mut jobs = Vec::with_capacity(programs.len() * engines.len());
        for program in programs {
            let size = program.small;
            let file_name = format!("{}.lox", program.name);
            std::fs::write(self.work_dir.join(&file_name), set.sized_source(&program.name, size)?)?;
            let expected = set.expected_output(&program.name, size)?;
            for engine in engines {
                jobs.push(Job {
                    engine: engine.clone(),
                    program: program.name.clone(),
                    size,
                    file_name: file_name.clone(),
                    expected: expected.clone(),
                });
            }
        }
        Ok(jobs)
    }

    /// The counted command: `lox` with the engine on the main thread (see
    /// `lox::run::Stack::MainThread`; `counts::count` gives that thread the
    /// engine's stack size).
    pub fn argv(&self, job: &Job, prepare_only: bool) -> Vec<String> {
        let mut argv = vec![self.exe.clone(), "--main-thread".to_string(), "--engine".to_string(), job.engine.clone()];
        if prepare_only {
            argv.push("--prepare-only".to_string());
        }
        argv.push(job.file_name.clone());
        argv
    }

    /// Counts one job, the whole run or (with `prepare_only`) the prepare
    /// phase alone.
    pub fn count(&self, job: &Job, prepare_only: bool) -> Result<Counted> {
        let stem = format!("{}-{}", crate::variant::file_safe(&job.engine), job.program);
        let raw = self.raw_dir.join(if prepare_only { format!("{stem}-prepare.out") } else { format!("{stem}.out") });
        let counted =
            counts::count(&self.valgrind, &self.argv(job, prepare_only), &self.work_dir, &self.env, &raw, self.timeout);
        if !self.keep_raw {
            let _ = std::fs::remove_file(&raw);
        }
        counted
    }

    /// The same run natively, as `lox` runs it (the engine on a thread of
    /// its own with its large stack), in the working directory.
    pub fn native_argv(&self, job: &Job) -> Vec<String> {
        let file = self.work_dir.join(&job.file_name).display().to_string();
        vec![self.exe.clone(), "--engine".to_string(), job.engine.clone(), file]
    }

    /// Runs one job natively within the time limit and checks its output:
    /// the quick check before a count.
    pub fn verify(&self, job: &Job) -> Result<(), String> {
        let argv = self.native_argv(job);
        let run = ProcessExecutor
            .execute(&argv, self.timeout)
            .map_err(|error| format!("could not start `{}`: {error}", argv[0]))?;
        verify::check(&job.expected, &run)
    }
}

/// Whether a counted whole run printed what the job expects and exited 0
/// within its time limit: what is wrong otherwise.
pub fn check(job: &Job, counted: &Counted) -> Result<(), String> {
    verify::check(&job.expected, &counted.run)
}

/// Runs `work` on every job on as many worker threads as there are cores
/// (instruction counts do not depend on what else runs), calls `done` for
/// each result the moment it exists (one at a time), and returns the
/// results in the jobs' order.
pub fn in_parallel<J: Sync, R: Send>(
    jobs: &[J],
    work: impl Fn(&J) -> R + Sync,
    done: impl Fn(&J, &R) + Sync,
) -> Vec<R> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(jobs.len()));
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(jobs.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(job) = jobs.get(index) else { break };
                    let result = work(job);
                    let mut results = results.lock().expect("no worker panics holding the lock");
                    done(job, &result);
                    results.push((index, result));
                }
            });
        }
    });
    let mut results = results.into_inner().expect("the workers are done");
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::RunResult;

    #[test]
    fn every_job_is_done_once_and_results_keep_the_jobs_order() {
        let jobs: Vec<u64> = (0..50).collect();
        let seen = Mutex::new(Vec::new());
        let results = in_parallel(&jobs, |job| job * 2, |job, result| seen.lock().unwrap().push((*job, *result)));
        assert_eq!(results, jobs.iter().map(|job| job * 2).collect::<Vec<_>>());
        let mut seen = seen.into_inner().unwrap();
        seen.sort_unstable();
        assert_eq!(seen, jobs.iter().map(|job| (*job, job * 2)).collect::<Vec<_>>());
    }

    #[test]
    fn the_counted_command_is_lox_on_the_main_thread_not_the_harness() {
        let dir = std::env::temp_dir().join(format!("loxbench-counter-argv-{}", std::process::id()));
        let lox = Path::new("/checkout/target/release/lox");
        let counter = Counter::new("valgrind".into(), lox, dir.clone(), None, DEFAULT_TIMEOUT).unwrap();
        let job = Job {
            engine: "slot-walker:plain".into(),
            program: "fib".into(),
            size: 10,
            file_name: "fib.lox".into(),
            expected: Vec::new(),
        };
        let lox = lox.display().to_string();
        assert_eq!(counter.argv(&job, false), [&lox, "--main-thread", "--engine", "slot-walker:plain", "fib.lox"]);
        assert_eq!(
            counter.argv(&job, true),
            [&lox, "--main-thread", "--engine", "slot-walker:plain", "--prepare-only", "fib.lox"]
        );
        let file = dir.join("fib.lox").display().to_string();
        assert_eq!(counter.native_argv(&job), [&lox, "--engine", "slot-walker:plain", &file]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_count_that_timed_out_fails_its_check() {
        let job = Job {
            engine: "e".into(),
            program: "p".into(),
            size: 1,
            file_name: "p.lox".into(),
            expected: b"1\n".to_vec(),
        };
        let counted = |stdout: &str, timed_out: Option<Duration>| Counted {
            instructions: 5,
            profile: Vec::new(),
            run: RunResult { stdout: stdout.into(), exit_code: Some(0), timed_out, ..Default::default() },
        };
        assert_eq!(check(&job, &counted("1\n", None)), Ok(()));
        let stopped = check(&job, &counted("1\n", Some(Duration::from_secs(3)))).unwrap_err();
        assert!(stopped.contains("stopped after 3 s"), "{stopped}");
        assert!(check(&job, &counted("2\n", None)).is_err());
    }
}
