//! A fuzzing campaign: seeds handed out to worker threads in order, each
//! seed's program run on every contender, until time runs out, a number of
//! programs is reached, or the first finding.

use crate::differential::{self, Contender, Divergence, Observation, Runner};
use crate::generate::{self, Config};
use crate::program::Program;
use crate::{limits, print, syntax};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// What to feed the contenders.
#[derive(Clone, Debug)]
pub enum Mode {
    /// Generated programs, which must run the same everywhere.
    Programs(Config),
    /// Random bytes, token streams and mutated programs: the front end and
    /// every engine must answer with Lox diagnostics, never a panic or a hang.
    Syntax,
}

/// When a campaign stops (it always stops at its first finding too).
#[derive(Clone, Copy, Debug)]
pub enum Stop {
    After(Duration),
    Programs(u64),
}

#[derive(Clone, Debug)]
pub struct Campaign {
    pub mode: Mode,
    pub first_seed: u64,
    pub stop: Stop,
    pub jobs: usize,
    pub contenders: Vec<Contender>,
    /// How long one contender may take on one program.
    pub time_limit: Duration,
}

/// Something wrong with one input.
#[derive(Clone, Debug)]
pub struct Finding {
    pub seed: u64,
    pub source: String,
    /// The generated program (none for syntax inputs).
    pub program: Option<Program>,
    pub problem: Problem,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The contenders disagree.
    Divergence(Divergence),
    /// They agree (or some do), but on something no Lox implementation may
    /// do with this input: no outcome (a panic, a time-out), an exit code
    /// other than 0, 65 and 70, or a compile error for a generated program
    /// (a generator bug).
    NotLox { contenders: Vec<String>, what: String },
}

impl Problem {
    /// What the shrinker keeps constant.
    pub fn signature(&self) -> String {
        match self {
            Problem::Divergence(divergence) => format!("{:?}", divergence.signature()),
            Problem::NotLox { contenders, what } => format!("{contenders:?} {}", kind_of(what)),
        }
    }

    /// Whether a contender ran out of time. Such a finding is not shrunk: a
    /// running program cannot be stopped, so every candidate that hangs
    /// would leave a thread spinning until the process exits.
    pub fn has_time_out(&self) -> bool {
        let timed_out = |result: &Result<lox::run::Outcome, String>| {
            result.as_ref().is_err_and(|failure| failure.starts_with("timed out"))
        };
        match self {
            Problem::Divergence(divergence) => divergence.groups.iter().any(|group| timed_out(&group.result)),
            Problem::NotLox { what, .. } => what.contains("timed out"),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Problem::Divergence(divergence) => format!("the contenders disagree:\n{}", divergence.describe()),
            Problem::NotLox { contenders, what } => format!("{}: {what}\n", contenders.join(", ")),
        }
    }
}

/// The kind of a failure, without its details (a panic is a panic whatever
/// it printed).
fn kind_of(what: &str) -> &str {
    what.split(':').next().unwrap_or(what)
}

/// Checks one observation set. `compiles` says whether the input is a
/// generated program, which must never be a compile error.
pub fn judge(observations: &[Observation], generated: bool) -> Option<Problem> {
    let mut bad: Vec<(String, String)> = Vec::new();
    for observation in observations {
        let what = match &observation.result {
            Err(failure) => Some(format!("no outcome: {failure}")),
            Ok(outcome) => match outcome.exit_code {
                0 | 70 => None,
                65 if !generated => None,
                65 => Some(format!(
                    "compile error: a generated program must compile ({})",
                    String::from_utf8_lossy(&outcome.stderr).lines().next().unwrap_or_default()
                )),
                code => Some(format!("exit code {code}: not one Lox uses")),
            },
        };
        if let Some(what) = what {
            bad.push((observation.contender.clone(), what));
        }
    }
    if let Some(divergence) = differential::compare(observations) {
        return Some(Problem::Divergence(divergence));
    }
    let (_, what) = bad.first()?.clone();
    Some(Problem::NotLox { contenders: bad.into_iter().map(|(contender, _)| contender).collect(), what })
}

/// What clox reports at the limits LOX.md drops on purpose (and its
/// overflow, at 64 frames where the engines allow 1024).
const CLOX_LIMITS: &[&str] =
    &["Too many constants in one chunk.", "Too much code to jump over.", "Loop body too large.", "Stack overflow."];

/// The observations without a peer's where one of LOX.md's deliberate
/// differences from clox shows: a peer stopped by one of clox's own limits,
/// or engines that overflowed 1024 frames (clox has 64) or reported
/// `Too much nesting.` (clox has no limit).
pub fn comparable(mut observations: Vec<Observation>, runner: &Runner) -> Vec<Observation> {
    let peers: Vec<&str> =
        runner.contenders().iter().filter(|contender| contender.is_peer()).map(Contender::label).collect();
    observations.retain(|observation| {
        let at_clox_limit = observation.result.as_ref().is_ok_and(|outcome| {
            let stderr = String::from_utf8_lossy(&outcome.stderr);
            CLOX_LIMITS.iter().any(|message| stderr.contains(message))
        });
        !(at_clox_limit && peers.contains(&observation.contender.as_str()))
    });
    let deliberate = observations.iter().any(|observation| {
        observation.result.as_ref().is_ok_and(|outcome| {
            let stderr = String::from_utf8_lossy(&outcome.stderr);
            stderr.contains(frontend::messages::STACK_OVERFLOW) || stderr.contains(frontend::messages::TOO_DEEP)
        })
    });
    if deliberate {
        observations.retain(|observation| !peers.contains(&observation.contender.as_str()));
    }
    observations
}

/// Makes and checks the input for `seed`.
pub fn check_seed(mode: &Mode, seed: u64, runner: &mut Runner) -> Option<Finding> {
    match mode {
        Mode::Programs(config) => {
            let program = generate::generate(seed, config);
            let source = print::print(&program);
            let with_peers = limits::within_clox_limits(&program);
            let problem = observe_and_judge(runner, &source, with_peers, true)?;
            Some(Finding { seed, source, program: Some(program), problem })
        }
        Mode::Syntax => {
            let source = syntax::input(seed);
            let problem = observe_and_judge(runner, &source, syntax::peer_comparable(&source), false)?;
            Some(Finding { seed, source, program: None, problem })
        }
    }
}

/// Runs `source` on every contender and judges the result. A time-out is
/// confirmed by a second run with four times the limit before it counts: on
/// a machine loaded far past its cores (the fuzzer runs at the lowest
/// priority) a program of milliseconds can wait that long for the CPU.
fn observe_and_judge(runner: &mut Runner, source: &str, with_peers: bool, generated: bool) -> Option<Problem> {
    let problem = judge(&comparable(runner.observe(source, with_peers), runner), generated)?;
    if !problem.has_time_out() {
        return Some(problem);
    }
    let limit = runner.limit();
    runner.set_limit(limit * 4);
    let again = judge(&comparable(runner.observe(source, with_peers), runner), generated);
    runner.set_limit(limit);
    again
}

/// How far a campaign has got.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    pub programs: u64,
    pub elapsed: Duration,
    pub findings: usize,
}

impl Progress {
    pub fn per_second(&self) -> f64 {
        self.programs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// What a campaign did.
#[derive(Clone, Debug)]
pub struct Summary {
    /// Every seed in `first_seed..end_seed` was run to completion.
    pub first_seed: u64,
    pub end_seed: u64,
    pub elapsed: Duration,
    pub findings: Vec<Finding>,
}

impl Summary {
    pub fn programs(&self) -> u64 {
        self.end_seed - self.first_seed
    }
}

/// Runs the campaign on `campaign.jobs` worker threads, calling `progress`
/// about once a second from the calling thread.
pub fn run(campaign: &Campaign, progress: &dyn Fn(&Progress)) -> Summary {
    let started = Instant::now();
    let next = AtomicU64::new(campaign.first_seed);
    let done = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let findings: Mutex<Vec<Finding>> = Mutex::new(Vec::new());
    let deadline = match campaign.stop {
        Stop::After(duration) => Some(started + duration),
        Stop::Programs(_) => None,
    };
    let end_seed = match campaign.stop {
        Stop::Programs(count) => campaign.first_seed.saturating_add(count),
        Stop::After(_) => u64::MAX,
    };
    std::thread::scope(|scope| {
        let mut workers = Vec::new();
        for worker in 0..campaign.jobs.max(1) {
            let (next, done, stop, findings) = (&next, &done, &stop, &findings);
            workers.push(scope.spawn(move || {
                let mut runner = Runner::new(campaign.contenders.clone(), campaign.time_limit, worker);
                while !stop.load(Ordering::Relaxed) {
                    // Claim a seed only while there is time, so that every
                    // claimed seed is finished and the range run has no gaps.
                    if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                        break;
                    }
                    let seed = next.fetch_add(1, Ordering::Relaxed);
                    if seed >= end_seed {
                        next.fetch_sub(1, Ordering::Relaxed);
                        break;
                    }
                    if let Some(finding) = check_seed(&campaign.mode, seed, &mut runner) {
                        findings.lock().expect("no worker panics holding it").push(finding);
                        stop.store(true, Ordering::Relaxed);
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
        while workers.iter().any(|worker| !worker.is_finished()) {
            std::thread::sleep(Duration::from_millis(100));
            let elapsed = started.elapsed();
            if elapsed.as_millis() % 1000 < 100 {
                let findings = findings.lock().expect("no worker panics holding it").len();
                progress(&Progress { programs: done.load(Ordering::Relaxed), elapsed, findings });
            }
        }
    });
    let end_seed = next.load(Ordering::Relaxed).min(end_seed);
    let mut findings = findings.into_inner().expect("workers are done");
    findings.sort_by_key(|finding| finding.seed);
    Summary { first_seed: campaign.first_seed, end_seed, elapsed: started.elapsed(), findings }
}

/// Shrinks a finding's input while the same problem (between the same
/// contenders) persists, and returns the smaller source.
pub fn shrink(finding: &Finding, runner: &mut Runner, max_tests: usize) -> String {
    let signature = finding.problem.signature();
    match &finding.program {
        Some(program) => {
            let with_peers = limits::within_clox_limits(program);
            let mut still_fails = |candidate: &Program| {
                let source = print::print(candidate);
                let observations = runner.observe(&source, with_peers && limits::within_clox_limits(candidate));
                judge(&comparable(observations, runner), true).is_some_and(|problem| problem.signature() == signature)
            };
            print::print(&crate::shrink::shrink_program(program, &mut still_fails, max_tests))
        }
        None => {
            let mut still_fails = |candidate: &str| {
                let observations = runner.observe(candidate, syntax::peer_comparable(candidate));
                judge(&comparable(observations, runner), false).is_some_and(|problem| problem.signature() == signature)
            };
            crate::shrink::shrink_text(&finding.source, &mut still_fails, max_tests)
        }
    }
}
