//! Saying how far a long run has got and how long it has left, on a
//! terminal (a progress bar) and off one (a line every so often, so that a
//! run in CI or under `nohup` is not silent for twenty minutes).
//!
//! The estimate of the time left weighs the work by cases (a program at a
//! size), since the number of process runs tells little when one run takes
//! 10 ms and another 20 s: each case has a weight, the case under way counts
//! by the share of its runs done, and the time per unit of weight so far
//! predicts the rest.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Where a measuring run reports what it is doing.
pub trait Progress {
    /// The run starts; `weights` has one entry per case, in order.
    fn start(&self, weights: &[f64]);
    /// Case `index` starts and takes at least `runs` process runs.
    fn case(&self, index: usize, runs: u64);
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
    fn start(&self, _: &[f64]) {}
    fn case(&self, _: usize, _: u64) {}
    fn advance(&self, _: &str) {}
    fn note(&self, _: &str) {}
    fn finish(&self) {}
}

/// The estimate of the time left, from the work done so far.
#[derive(Clone, Debug, Default)]
pub struct Estimate {
    weights: Vec<f64>,
    /// The case under way, the runs it takes at least, the runs done.
    current: Option<(usize, u64, u64)>,
}

impl Estimate {
    pub fn new(weights: &[f64]) -> Estimate {
        Estimate { weights: weights.to_vec(), current: None }
    }

    pub fn case(&mut self, index: usize, runs: u64) {
        self.current = Some((index, runs.max(1), 0));
    }

    pub fn advance(&mut self) {
        if let Some((_, _, done)) = &mut self.current {
            *done += 1;
        }
    }

    /// How much of the weight is done: every case before the current one,
    /// and the current one by the share of its runs (an adaptive case may
    /// take more than it said, so that share stops short of all of it).
    pub fn done(&self) -> f64 {
        let Some((index, runs, done)) = self.current else { return 0.0 };
        let before: f64 = self.weights[..index.min(self.weights.len())].iter().sum();
        let share = (done as f64 / runs as f64).min(0.9);
        before + self.weights.get(index).copied().unwrap_or(0.0) * share
    }

    /// The share of the whole run done, from 0 to 1.
    pub fn fraction(&self) -> f64 {
        let total: f64 = self.weights.iter().sum();
        if total > 0.0 { (self.done() / total).min(1.0) } else { 0.0 }
    }

    /// The time left, given the time the work done so far took; `None`
    /// before anything is done.
    pub fn left(&self, elapsed: Duration) -> Option<Duration> {
        let done = self.done();
        let total: f64 = self.weights.iter().sum();
        (done > 0.0).then(|| elapsed.mul_f64(((total - done) / done).max(0.0)))
    }
}

/// `1 h 5 min`, `12 min`, `40 s`: a duration as a person estimates it.
pub fn rough(duration: Duration) -> String {
    let seconds = duration.as_secs();
    match seconds {
        0..60 => format!("{seconds} s"),
        60..3600 => format!("{} min", (seconds + 30) / 60),
        _ => format!("{} h {} min", seconds / 3600, seconds % 3600 / 60),
    }
}

/// How often a line is printed when stderr is not a terminal.
const LINE_EVERY: Duration = Duration::from_secs(30);

/// The real [`Progress`]: a bar on a terminal, else a line every
/// [`LINE_EVERY`] (and a note whenever there is one).
pub struct Reporter {
    bar: Option<ProgressBar>,
    state: Mutex<ReporterState>,
    /// What the work is, for the lines: "timing", "profiling".
    what: &'static str,
}

struct ReporterState {
    estimate: Estimate,
    started: Option<Instant>,
    last_line: Instant,
    cases: usize,
}

/// The bar's resolution: its length in steps.
const STEPS: u64 = 1000;

impl Reporter {
    pub fn new(what: &'static str) -> Reporter {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(STEPS);
            bar.set_style(
                ProgressStyle::with_template("{elapsed_precise} [{bar:30}] {percent:>3} % {msg}")
                    .expect("the template is valid")
                    .progress_chars("=> "),
            );
            bar
        });
        let state = ReporterState { estimate: Estimate::default(), started: None, last_line: Instant::now(), cases: 0 };
        Reporter { bar, state: Mutex::new(state), what }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, ReporterState> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn left(state: &ReporterState) -> String {
        match state.started.and_then(|started| state.estimate.left(started.elapsed())) {
            Some(left) => format!("about {} left", rough(left)),
            None => "estimating the time left".to_string(),
        }
    }
}

impl Progress for Reporter {
    fn start(&self, weights: &[f64]) {
        let mut state = self.state();
        state.estimate = Estimate::new(weights);
        state.cases = weights.len();
    }

    fn case(&self, index: usize, runs: u64) {
        let mut state = self.state();
        // The clock starts with the first case: the calibration before it
        // would make the first estimates too long.
        state.started.get_or_insert_with(Instant::now);
        state.estimate.case(index, runs);
    }

    fn advance(&self, message: &str) {
        let mut state = self.state();
        state.estimate.advance();
        let left = Self::left(&state);
        match &self.bar {
            Some(bar) => {
                bar.set_position((state.estimate.fraction() * STEPS as f64) as u64);
                bar.set_message(format!("{left}: {message}"));
            }
            None if state.last_line.elapsed() >= LINE_EVERY => {
                state.last_line = Instant::now();
                let current = state.estimate.current.map_or(0, |(index, ..)| index + 1);
                eprintln!(
                    "{}: {:.0} % done (case {current} of {}), {left}; now {message}",
                    self.what,
                    state.estimate.fraction() * 100.0,
                    state.cases
                );
            }
            None => {}
        }
    }

    fn note(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("note: {text}")),
            None => eprintln!("note: {text}"),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        let state = self.state();
        if let Some(started) = state.started {
            eprintln!("{}: done in {}", self.what, rough(started.elapsed()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimate_scales_the_time_so_far_by_the_weight_left() {
        let mut estimate = Estimate::new(&[1.0, 1.0, 2.0]);
        assert_eq!(estimate.left(Duration::from_secs(5)), None);
        estimate.case(0, 4);
        estimate.advance();
        estimate.advance();
        // Half of the first case (0.5 of 4) took 10 s: 3.5 more take 70 s.
        assert_eq!(estimate.left(Duration::from_secs(10)), Some(Duration::from_secs(70)));
        estimate.case(2, 10);
        // Two cases (2 of 4) took 60 s: 60 s more.
        assert_eq!(estimate.left(Duration::from_secs(60)), Some(Duration::from_secs(60)));
        assert!((estimate.fraction() - 0.5).abs() < 1e-12);
        // A case that runs past its minimum counts as at most 90 % done.
        for _ in 0..40 {
            estimate.advance();
        }
        assert!((estimate.done() - 3.8).abs() < 1e-12, "{}", estimate.done());
    }

    #[test]
    fn durations_read_as_a_person_would_say_them() {
        assert_eq!(rough(Duration::from_secs(42)), "42 s");
        assert_eq!(rough(Duration::from_secs(12 * 60 + 40)), "13 min");
        assert_eq!(rough(Duration::from_secs(3600 + 5 * 60)), "1 h 5 min");
    }
}
