//! How many timed runs each contender gets on each program: a fixed count
//! (`--runs N`, for reference runs that must be alike), or adaptive, as
//! good benchmarking tools do: runs continue until the median is known
//! precisely enough, or until the contender has had its time budget on that
//! program, and never stop before a minimum.
//!
//! "Precisely enough" is the 95 % confidence interval of the median lying
//! within ± `precision` of it. The interval is distribution-free (the order
//! statistics a binomial count puts around the median, as in any
//! nonparametric statistics text), because run times are skewed by the
//! occasional slow run and no normal approximation holds for them. It
//! needs six runs to exist at all, so a contender whose runs are long and
//! whose budget is spent after the minimum stops there, and the report
//! shows each cell's interval, whatever stopped it.

use crate::stats;
use serde::{Deserialize, Serialize};

/// The adaptive rule's settings.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Adaptive {
    /// Never fewer timed runs than this.
    pub min_runs: usize,
    /// Never more than this.
    pub max_runs: usize,
    /// Stop once the median's 95 % interval lies within ± this fraction of
    /// the median (0.02: ±2 %).
    pub precision: f64,
    /// ...or once this contender's timed runs on this program have taken
    /// this many seconds, in wall time.
    pub budget_s: f64,
}

/// How many timed runs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunCount {
    Fixed(usize),
    Adaptive(Adaptive),
}

/// Why a contender's runs on a program stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The fixed count was reached.
    Count,
    /// The median's interval is within the precision asked for.
    Precise,
    /// The budget is spent (after the minimum).
    Budget,
    /// The maximum was reached.
    Limit,
}

impl RunCount {
    /// The fewest timed runs a contender gets.
    pub fn min_runs(&self) -> usize {
        match self {
            RunCount::Fixed(runs) => *runs,
            RunCount::Adaptive(rule) => rule.min_runs,
        }
    }

    /// The most timed runs a contender gets.
    pub fn max_runs(&self) -> usize {
        match self {
            RunCount::Fixed(runs) => *runs,
            RunCount::Adaptive(rule) => rule.max_runs,
        }
    }

    /// Whether a contender with these times (overhead-corrected, seconds)
    /// and `spent_s` seconds of timed runs so far is done, and why.
    pub fn stop(&self, times: &[f64], spent_s: f64) -> Option<Stop> {
        let n = times.len();
        match self {
            RunCount::Fixed(runs) => (n >= *runs).then_some(Stop::Count),
            RunCount::Adaptive(rule) if n < rule.min_runs => None,
            RunCount::Adaptive(rule) if relative_half_width(times).is_some_and(|w| w <= rule.precision) => {
                Some(Stop::Precise)
            }
            RunCount::Adaptive(rule) if n >= rule.max_runs => Some(Stop::Limit),
            RunCount::Adaptive(rule) if spent_s >= rule.budget_s => Some(Stop::Budget),
            RunCount::Adaptive(_) => None,
        }
    }
}

/// How far the median's 95 % interval reaches from the median, as a
/// fraction of it (the larger side); `None` with fewer than six times or a
/// median of zero.
pub fn relative_half_width(times: &[f64]) -> Option<f64> {
    let (low, high) = stats::median_interval(times)?;
    let median = stats::median(times);
    (median > 0.0).then(|| ((median - low).max(high - median)) / median)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: Adaptive = Adaptive { min_runs: 3, max_runs: 30, precision: 0.02, budget_s: 10.0 };

    /// Runs of about one second with the given relative jitter pattern.
    fn times(spread: &[f64]) -> Vec<f64> {
        spread.iter().map(|s| 1.0 + s).collect()
    }

    #[test]
    fn steady_runs_stop_once_the_interval_exists_and_is_narrow() {
        let adaptive = RunCount::Adaptive(RULE);
        let steady = times(&[0.001, -0.002, 0.003, 0.0, -0.001, 0.002, 0.001]);
        // Below the minimum, and with no interval yet (fewer than six).
        assert_eq!(adaptive.stop(&steady[..2], 0.0), None);
        assert_eq!(adaptive.stop(&steady[..5], 0.0), None);
        assert_eq!(adaptive.stop(&steady[..6], 0.0), Some(Stop::Precise));
    }

    #[test]
    fn noisy_runs_go_on_until_the_budget_or_the_maximum() {
        let adaptive = RunCount::Adaptive(RULE);
        let noisy = times(&[0.0, 0.1, -0.1, 0.08, -0.07, 0.05, -0.06, 0.09]);
        assert_eq!(adaptive.stop(&noisy, 5.0), None);
        assert_eq!(adaptive.stop(&noisy, 10.0), Some(Stop::Budget));
        // Long runs spend the budget at once, but the minimum holds.
        assert_eq!(adaptive.stop(&noisy[..2], 100.0), None);
        assert_eq!(adaptive.stop(&noisy[..3], 100.0), Some(Stop::Budget));
        let many: Vec<f64> = (0..30).map(|i| 1.0 + if i % 2 == 0 { 0.2 } else { -0.2 }).collect();
        assert_eq!(adaptive.stop(&many, 0.0), Some(Stop::Limit));
    }

    #[test]
    fn one_slow_run_does_not_keep_a_steady_contender_going() {
        // The order statistics ignore how slow the slowest run was.
        let with_outlier = times(&[0.001, -0.001, 0.5, 0.0, 0.002, -0.002, 0.001, 0.0, -0.001]);
        assert_eq!(RunCount::Adaptive(RULE).stop(&with_outlier, 0.0), Some(Stop::Precise));
    }

    #[test]
    fn a_fixed_count_ignores_precision_and_budget() {
        let fixed = RunCount::Fixed(4);
        let noisy = times(&[0.0, 0.3, -0.3, 0.2]);
        assert_eq!(fixed.stop(&noisy[..3], 1e9), None);
        assert_eq!(fixed.stop(&noisy, 0.0), Some(Stop::Count));
        assert_eq!((fixed.min_runs(), fixed.max_runs()), (4, 4));
    }
}
