//! Bootstrap confidence intervals for speed-ups, and the words a report may
//! use for them.
//!
//! A speed-up is a ratio of medians, `median(reference) / median(contender)`,
//! so above 1 the contender is faster. Its 95 % interval comes from the
//! bootstrap (percentile method): both samples are resampled with
//! replacement many times, the ratio is taken each time, and the interval
//! runs from the 2.5th to the 97.5th percentile of those ratios. For a
//! geometric mean over programs every program's two samples are resampled
//! in each round, so the interval carries every program's noise. The
//! generator has a fixed seed, so the same samples always give the same
//! interval and a re-rendered report does not change.
//!
//! The rule the reports keep: a difference whose interval includes 1 is
//! *not significant*, and is never called faster or slower.

use crate::stats::{Rng, geometric_mean, median};

/// Bootstrap rounds per interval: enough that the percentiles move by well
/// under a percent from one seed to another, cheap for a few dozen programs.
pub const RESAMPLES: usize = 2000;

/// A ratio and its bootstrap 95 % interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

/// What a speed-up's interval allows a report to say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The whole interval is above 1.
    Faster,
    /// The whole interval is below 1.
    Slower,
    /// The interval includes 1.
    NotSignificant,
}

impl Interval {
    /// The verdict on a speed-up (above 1: faster).
    pub fn verdict(&self) -> Verdict {
        if self.low > 1.0 {
            Verdict::Faster
        } else if self.high < 1.0 {
            Verdict::Slower
        } else {
            Verdict::NotSignificant
        }
    }

    /// The interval of the inverse ratio (a speed-up read as a slow-down).
    pub fn inverse(&self) -> Interval {
        Interval { estimate: 1.0 / self.estimate, low: 1.0 / self.high, high: 1.0 / self.low }
    }

    /// `1.52× [1.41, 1.63]`, with `, not significant` when the interval
    /// includes 1.
    pub fn text(&self) -> String {
        let text = format!("{}× [{}, {}]", ratio(self.estimate), ratio(self.low), ratio(self.high));
        match self.verdict() {
            Verdict::NotSignificant => format!("{text}, not significant"),
            _ => text,
        }
    }
}

/// A ratio to three significant figures (two decimals below 10).
pub fn ratio(value: f64) -> String {
    match value {
        v if v >= 100.0 => format!("{v:.0}"),
        v if v >= 10.0 => format!("{v:.1}"),
        v => format!("{v:.2}"),
    }
}

/// The speed-up of `contender` over `reference` (their run times), with
/// its interval; `None` when either has no sample or a median of 0.
pub fn speed_up(reference: &[f64], contender: &[f64]) -> Option<Interval> {
    geometric_mean_speed_up(&[(reference, contender)])
}

/// The geometric mean of the speed-ups of several programs, each a pair of
/// samples `(reference, contender)`, with its interval; `None` when there
/// is no pair or some pair cannot give a ratio.
pub fn geometric_mean_speed_up(pairs: &[(&[f64], &[f64])]) -> Option<Interval> {
    let ratios = |medians: &mut dyn FnMut(&[f64]) -> f64| -> Option<f64> {
        let per_program: Option<Vec<f64>> = pairs
            .iter()
            .map(|(reference, contender)| {
                let (r, c) = (medians(reference), medians(contender));
                (r > 0.0 && c > 0.0).then(|| r / c)
            })
            .collect();
        geometric_mean(&per_program?)
    };
    if pairs.iter().any(|(reference, contender)| reference.is_empty() || contender.is_empty()) {
        return None;
    }
    let estimate = ratios(&mut |samples| median(samples))?;
    let mut rng = Rng::new(0x1a5d_e7a1_b007_57a9);
    let mut drawn = Vec::new();
    let mut rounds: Vec<f64> = (0..RESAMPLES)
        .filter_map(|_| {
            ratios(&mut |samples| {
                drawn.clear();
                drawn.extend((0..samples.len()).map(|_| samples[rng.below(samples.len())]));
                median(&drawn)
            })
        })
        .collect();
    if rounds.is_empty() {
        return None;
    }
    rounds.sort_by(f64::total_cmp);
    let at = |q: f64| rounds[((rounds.len() - 1) as f64 * q).round() as usize];
    Some(Interval { estimate, low: at(0.025), high: at(0.975) })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` samples around `center`, spread by `spread` (a fixed pattern, so
    /// the test does not depend on a generator).
    fn samples(center: f64, spread: f64, n: usize) -> Vec<f64> {
        (0..n).map(|i| center * (1.0 + spread * (((i * 7919) % 13) as f64 / 6.0 - 1.0))).collect()
    }

    #[test]
    fn a_clear_speed_up_is_faster_and_brackets_its_estimate() {
        let (slow, fast) = (samples(2.0, 0.02, 10), samples(1.0, 0.02, 10));
        let interval = speed_up(&slow, &fast).unwrap();
        assert!((interval.estimate - 2.0).abs() < 0.05, "{interval:?}");
        assert!(interval.low <= interval.estimate && interval.estimate <= interval.high);
        assert!(interval.low > 1.9 && interval.high < 2.1, "{interval:?}");
        assert_eq!(interval.verdict(), Verdict::Faster);
        assert_eq!(speed_up(&fast, &slow).unwrap().verdict(), Verdict::Slower);
    }

    #[test]
    fn noise_larger_than_the_difference_is_not_significant() {
        let (a, b) = (samples(1.0, 0.2, 5), samples(1.03, 0.2, 5));
        let interval = speed_up(&a, &b).unwrap();
        assert_eq!(interval.verdict(), Verdict::NotSignificant, "{interval:?}");
        assert!(interval.text().ends_with(", not significant"), "{}", interval.text());
    }

    #[test]
    fn the_same_samples_give_the_same_interval() {
        let (a, b) = (samples(3.0, 0.1, 7), samples(2.0, 0.1, 7));
        assert_eq!(speed_up(&a, &b), speed_up(&a, &b));
    }

    #[test]
    fn a_geometric_mean_carries_every_programs_noise() {
        let (a1, b1) = (samples(4.0, 0.01, 9), samples(1.0, 0.01, 9));
        let (a2, b2) = (samples(1.0, 0.01, 9), samples(1.0, 0.01, 9));
        let quiet = geometric_mean_speed_up(&[(&a1, &b1), (&a2, &b2)]).unwrap();
        assert!((quiet.estimate - 2.0).abs() < 0.05, "{quiet:?}");
        let (a3, b3) = (samples(1.0, 0.4, 9), samples(1.0, 0.4, 9));
        let noisy = geometric_mean_speed_up(&[(&a1, &b1), (&a3, &b3)]).unwrap();
        assert!(noisy.high - noisy.low > quiet.high - quiet.low, "{noisy:?} {quiet:?}");
    }

    #[test]
    fn missing_or_zero_samples_give_no_interval() {
        assert_eq!(speed_up(&[], &[1.0]), None);
        assert_eq!(speed_up(&[1.0], &[0.0, 0.0]), None);
        assert_eq!(geometric_mean_speed_up(&[]), None);
    }

    #[test]
    fn texts_say_not_significant_and_invert() {
        let interval = Interval { estimate: 1.5, low: 1.4, high: 1.6 };
        assert_eq!(interval.text(), "1.50× [1.40, 1.60]");
        let inverse = interval.inverse();
        assert!((inverse.low - 1.0 / 1.6).abs() < 1e-12 && (inverse.high - 1.0 / 1.4).abs() < 1e-12);
        assert_eq!(Interval { estimate: 1.02, low: 0.97, high: 1.08 }.text(), "1.02× [0.97, 1.08], not significant");
        assert_eq!((ratio(12.34).as_str(), ratio(123.4).as_str()), ("12.3", "123"));
    }
}
