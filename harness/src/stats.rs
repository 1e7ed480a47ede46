//! Statistics on samples of times, in the spirit of hyperfine: the usual
//! summary, outliers by the modified Z-score, relative speed with its
//! uncertainty propagated from both sides, and the geometric mean that
//! summarises speed-ups across programs.

use serde::{Deserialize, Serialize};

/// The summary of one set of samples.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub count: usize,
    pub mean: f64,
    /// The sample standard deviation (n - 1 in the denominator); 0 for
    /// fewer than two samples.
    pub stddev: f64,
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

/// Summarises `samples`, or `None` when there are none.
pub fn summarize(samples: &[f64]) -> Option<Summary> {
    if samples.is_empty() {
        return None;
    }
    let count = samples.len();
    let mean = samples.iter().sum::<f64>() / count as f64;
    let stddev = if count < 2 {
        0.0
    } else {
        (samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (count - 1) as f64).sqrt()
    };
    let min = samples.iter().copied().fold(f64::INFINITY, f64::min);
    let max = samples.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some(Summary { count, mean, stddev, median: median(samples), min, max })
}

/// The median (the mean of the middle two for an even count); NaN when empty.
pub fn median(samples: &[f64]) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) { (sorted[middle - 1] + sorted[middle]) / 2.0 } else { sorted[middle] }
}

/// The distribution-free 95 % confidence interval of the median: the order
/// statistics `x(k)` and `x(n + 1 - k)` for the largest `k` with
/// `P(Binomial(n, ½) < k) ≤ 2.5 %`, which cover the true median with at
/// least 95 % probability whatever the distribution. `None` with fewer than
/// six samples, where even the smallest and largest cover it less often.
pub fn median_interval(samples: &[f64]) -> Option<(f64, f64)> {
    let n = samples.len();
    // P(B < k) for B ~ Binomial(n, ½), term by term in logarithms, so that
    // no count of runs overflows.
    let ln_half_n = -(n as f64) * std::f64::consts::LN_2;
    let mut ln_choose = 0.0; // ln C(n, 0)
    let mut below = 0.0; // P(B < k), starting at k = 0
    let mut k = 0;
    while k < n / 2 {
        let next = below + (ln_choose + ln_half_n).exp(); // P(B < k + 1)
        if next > 0.025 {
            break;
        }
        below = next;
        k += 1;
        ln_choose += ((n - k + 1) as f64).ln() - (k as f64).ln();
    }
    if k == 0 {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    Some((sorted[k - 1], sorted[n - k]))
}

/// The median absolute deviation from the median (unscaled).
pub fn median_absolute_deviation(samples: &[f64]) -> f64 {
    let center = median(samples);
    let deviations: Vec<f64> = samples.iter().map(|x| (x - center).abs()).collect();
    median(&deviations)
}

/// hyperfine's threshold on `(x - median) / MAD`: about ten robust standard
/// deviations (1.4826 × 10), so that only gross disturbances are flagged.
pub const OUTLIER_THRESHOLD: f64 = 14.826;

/// `(x - median) / MAD` for every sample. When more than half the samples
/// are equal the MAD is 0, and every other sample gets an infinite score of
/// its sign (0 for the equal ones).
pub fn modified_z_scores(samples: &[f64]) -> Vec<f64> {
    let center = median(samples);
    let mad = median_absolute_deviation(samples);
    samples
        .iter()
        .map(|x| {
            let deviation = x - center;
            if deviation == 0.0 { 0.0 } else { deviation / mad }
        })
        .collect()
}

/// The indices of the samples whose modified Z-score passes
/// [`OUTLIER_THRESHOLD`] in either direction.
pub fn outliers(samples: &[f64]) -> Vec<usize> {
    if samples.len() < 3 {
        return Vec::new();
    }
    modified_z_scores(samples)
        .iter()
        .enumerate()
        .filter(|(_, z)| z.abs() > OUTLIER_THRESHOLD)
        .map(|(index, _)| index)
        .collect()
}

/// `a / b` with its standard deviation, propagated from both sides'
/// relative spreads (as hyperfine does for its "Relative" column).
pub fn ratio_with_error(a: f64, a_stddev: f64, b: f64, b_stddev: f64) -> (f64, f64) {
    let ratio = a / b;
    let relative = ((a_stddev / a).powi(2) + (b_stddev / b).powi(2)).sqrt();
    (ratio, ratio * relative)
}

/// The geometric mean of positive values; `None` when empty or when any
/// value is not positive.
pub fn geometric_mean(values: &[f64]) -> Option<f64> {
    if values.is_empty() || values.iter().any(|v| v.is_nan() || *v <= 0.0) {
        return None;
    }
    Some((values.iter().map(|v| v.ln()).sum::<f64>() / values.len() as f64).exp())
}

/// The geometric mean of positive values given with their spreads, and the
/// spread of the mean propagated from each value's spread: the logarithm of
/// the mean is the average of the logarithms, so its error is `√(Σ sᵢ²) / n`,
/// where `sᵢ` is the spread of `ln vᵢ`, and the mean's spread is the mean
/// times that. `sᵢ` is `√ln(1 + (σᵢ/vᵢ)²)`, the log-normal spread with the
/// same mean and deviation: the relative spread `σᵢ/vᵢ` itself while it is
/// small, but a timing barely above process start-up, whose deviation can be
/// several times its value, counts as one very uncertain factor instead of
/// making the mean's spread many times the mean.
pub fn geometric_mean_with_error(values: &[(f64, f64)]) -> Option<(f64, f64)> {
    let mean = geometric_mean(&values.iter().map(|(v, _)| *v).collect::<Vec<_>>())?;
    let log_error = values.iter().map(|(v, e)| (1.0 + (e / v).powi(2)).ln()).sum::<f64>().sqrt() / values.len() as f64;
    Some((mean, mean * log_error))
}

/// A small deterministic random generator (xorshift64*), so that bootstrap
/// intervals come out the same on every run over the same samples.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A uniform index below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// The ratio of medians `median(b) / median(a)` and its bootstrap 95 %
/// interval from `resamples` resamplings of both sides (percentile method).
pub fn median_ratio_interval(a: &[f64], b: &[f64], resamples: usize) -> Option<(f64, f64, f64)> {
    geometric_mean_ratio_interval(&[(a, b)], resamples)
}

/// The geometric mean over `pairs` of the ratio of medians
/// `median(b) / median(a)`, and its bootstrap 95 % interval (percentile
/// method): each resampling draws every pair's two sides anew, so the
/// interval carries the noise of every program the mean covers. With one
/// pair this is that pair's ratio of medians and its interval.
pub fn geometric_mean_ratio_interval(pairs: &[(&[f64], &[f64])], resamples: usize) -> Option<(f64, f64, f64)> {
    if pairs.is_empty() || pairs.iter().any(|(a, b)| a.is_empty() || b.is_empty()) {
        return None;
    }
    let ratio = geometric_mean(&pairs.iter().map(|(a, b)| median(b) / median(a)).collect::<Vec<_>>())?;
    let mut rng = Rng::new(0x5eed_1234_abcd_ef01);
    let resample = |xs: &[f64], rng: &mut Rng| -> f64 {
        let drawn: Vec<f64> = (0..xs.len()).map(|_| xs[rng.below(xs.len())]).collect();
        median(&drawn)
    };
    let mut means = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        let ratios: Vec<f64> = pairs
            .iter()
            .map(|(a, b)| {
                let ma = resample(a, &mut rng);
                let mb = resample(b, &mut rng);
                mb / ma
            })
            .collect();
        if let Some(mean) = geometric_mean(&ratios).filter(|m| m.is_finite()) {
            means.push(mean);
        }
    }
    means.sort_by(f64::total_cmp);
    if means.is_empty() {
        return None;
    }
    let at = |q: f64| means[((means.len() - 1) as f64 * q).round() as usize];
    Some((ratio, at(0.025), at(0.975)))
}

/// The two-sided p-value of the Mann-Whitney U test that `a` and `b` come
/// from the same distribution, by the normal approximation with a
/// correction for ties (fine from about eight samples a side).
pub fn mann_whitney_p(a: &[f64], b: &[f64]) -> Option<f64> {
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    if a.is_empty() || b.is_empty() {
        return None;
    }
    // Rank everything together, giving tied values their mean rank.
    let mut all: Vec<(f64, bool)> = a.iter().map(|&x| (x, true)).chain(b.iter().map(|&x| (x, false))).collect();
    all.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut rank_sum_a = 0.0;
    let mut tie_term = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        let mean_rank = (i + j) as f64 / 2.0 + 1.0;
        let tied = (j - i + 1) as f64;
        tie_term += tied.powi(3) - tied;
        rank_sum_a += all[i..=j].iter().filter(|(_, from_a)| *from_a).count() as f64 * mean_rank;
        i = j + 1;
    }
    let u = rank_sum_a - n1 * (n1 + 1.0) / 2.0;
    let n = n1 + n2;
    let mean = n1 * n2 / 2.0;
    let variance = n1 * n2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
    if variance <= 0.0 {
        return Some(1.0);
    }
    let z = (u - mean).abs() / variance.sqrt();
    Some((2.0 * normal_upper_tail(z)).min(1.0))
}

/// P(Z > z) for a standard normal Z (Abramowitz and Stegun 7.1.26, absolute
/// error below 1e-7).
fn normal_upper_tail(z: f64) -> f64 {
    let x = z / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let poly =
        t * (0.254_829_592 + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erfc = poly * (-x * x).exp();
    if x >= 0.0 { erfc / 2.0 } else { 1.0 - erfc / 2.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_interval_takes_the_binomial_order_statistics() {
        let ordered = |n: usize| -> Vec<f64> { (1..=n).rev().map(|i| i as f64).collect() };
        // Fewer than six: even (min, max) covers the median with less than 95 %.
        assert_eq!(median_interval(&ordered(5)), None);
        // Six to eight: (x1, xn); nine: (x2, x8); twenty: (x6, x15), the
        // tables' values.
        assert_eq!(median_interval(&ordered(6)), Some((1.0, 6.0)));
        assert_eq!(median_interval(&ordered(8)), Some((1.0, 8.0)));
        assert_eq!(median_interval(&ordered(9)), Some((2.0, 8.0)));
        assert_eq!(median_interval(&ordered(20)), Some((6.0, 15.0)));
        let many = median_interval(&ordered(2000)).unwrap();
        assert!(many.0 > 950.0 && many.1 < 1051.0, "{many:?}");
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn summary_of_known_samples() {
        let s = summarize(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        assert_eq!(s.count, 8);
        assert!(close(s.mean, 5.0));
        // Sum of squared deviations is 32, so the sample variance is 32 / 7.
        assert!(close(s.stddev, (32.0f64 / 7.0).sqrt()));
        assert!(close(s.median, 4.5));
        assert_eq!((s.min, s.max), (2.0, 9.0));
        assert!(summarize(&[]).is_none());
        assert_eq!(summarize(&[3.0]).unwrap().stddev, 0.0);
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn mad_and_modified_z_scores() {
        // Median 3, absolute deviations 2,1,0,1,97: MAD 1.
        let samples = [1.0, 2.0, 3.0, 4.0, 100.0];
        assert_eq!(median_absolute_deviation(&samples), 1.0);
        assert_eq!(modified_z_scores(&samples), vec![-2.0, -1.0, 0.0, 1.0, 97.0]);
    }

    #[test]
    fn outliers_are_far_from_the_median() {
        let samples = [10.0, 10.1, 9.9, 10.05, 9.95, 10.0, 30.0];
        assert_eq!(outliers(&samples), vec![6]);
        assert!(outliers(&[10.0, 10.1, 9.9, 10.05, 9.95]).is_empty());
        // A slow first run is flagged like any other.
        assert_eq!(outliers(&[25.0, 10.0, 10.1, 9.9, 10.0]), vec![0]);
        // Too few samples to say anything.
        assert!(outliers(&[1.0, 100.0]).is_empty());
    }

    #[test]
    fn relative_speed_propagates_both_spreads() {
        let (ratio, error) = ratio_with_error(200.0, 20.0, 100.0, 5.0);
        assert!(close(ratio, 2.0));
        // Relative spreads 0.1 and 0.05 combine to sqrt(0.0125).
        assert!(close(error, 2.0 * 0.0125f64.sqrt()));
    }

    #[test]
    fn geometric_mean_of_speed_ups() {
        assert!(close(geometric_mean(&[2.0, 8.0]).unwrap(), 4.0));
        assert!(close(geometric_mean(&[1.0, 10.0, 100.0]).unwrap(), 10.0));
        assert!(geometric_mean(&[]).is_none());
        assert!(geometric_mean(&[1.0, 0.0]).is_none());
        // Two values at 10 % relative spread each: the mean's is about 10 % × √2 / 2
        // (each logarithm's spread √ln 1.01 = 0.0998).
        let (mean, spread) = geometric_mean_with_error(&[(2.0, 0.2), (8.0, 0.8)]).unwrap();
        assert!(close(mean, 4.0) && close(spread, 4.0 * 1.01f64.ln().sqrt() * 2f64.sqrt() / 2.0), "{mean} ± {spread}");
        assert!((spread / (4.0 * 0.1 * 2f64.sqrt() / 2.0) - 1.0).abs() < 0.01);
        // A value whose deviation is five times itself (a run barely longer than
        // starting a process) widens the mean of four, but not to a multiple of it.
        let (mean, spread) = geometric_mean_with_error(&[(2.0, 10.0), (2.0, 0.0), (2.0, 0.0), (2.0, 0.0)]).unwrap();
        assert!(close(mean, 2.0) && close(spread, 2.0 * 26f64.ln().sqrt() / 4.0), "{mean} ± {spread}");
        assert!(spread < mean, "{mean} ± {spread}");
        let (mean, spread) = geometric_mean_with_error(&[(3.0, 0.0)]).unwrap();
        assert!(close(mean, 3.0) && spread == 0.0);
        assert!(geometric_mean_with_error(&[]).is_none());
    }

    #[test]
    fn mann_whitney_on_known_samples() {
        // Completely separated samples of 10: U = 0, z = 3.78, p = 0.00016.
        let a: Vec<f64> = (1..=10).map(f64::from).collect();
        let b: Vec<f64> = (11..=20).map(f64::from).collect();
        let p = mann_whitney_p(&a, &b).unwrap();
        assert!((p - 0.000157).abs() < 0.00001, "{p}");
        // Identical samples: no evidence of a difference.
        assert!((mann_whitney_p(&a, &a).unwrap() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn the_geometric_mean_of_ratios_has_an_interval_over_every_program() {
        let a = [10.0, 10.2, 9.9, 10.1, 10.0, 9.8, 10.3, 10.0];
        let twice: Vec<f64> = a.iter().map(|x| x * 2.0).collect();
        let half: Vec<f64> = a.iter().map(|x| x * 8.0).collect();
        // Ratios 2 and 8: the geometric mean is 4.
        let (mean, lo, hi) = geometric_mean_ratio_interval(&[(&a, &twice), (&a, &half)], 1000).unwrap();
        assert!((mean - 4.0).abs() < 1e-12);
        assert!(lo <= mean && mean <= hi && lo > 3.8 && hi < 4.2, "{lo} {hi}");
        // A program whose side has no samples has no ratio, so no mean.
        assert!(geometric_mean_ratio_interval(&[(&a, &twice), (&a, &[])], 100).is_none());
        assert!(geometric_mean_ratio_interval(&[], 100).is_none());
    }

    #[test]
    fn bootstrap_interval_brackets_the_ratio_and_is_reproducible() {
        let a = [10.0, 10.2, 9.9, 10.1, 10.0, 9.8, 10.3, 10.0];
        let b: Vec<f64> = a.iter().map(|x| x * 1.5).collect();
        let (ratio, lo, hi) = median_ratio_interval(&a, &b, 1000).unwrap();
        assert!((ratio - 1.5).abs() < 1e-12);
        assert!(lo <= ratio && ratio <= hi && lo > 1.4 && hi < 1.6, "{lo} {hi}");
        assert_eq!(median_ratio_interval(&a, &b, 1000), Some((ratio, lo, hi)));
    }
}
