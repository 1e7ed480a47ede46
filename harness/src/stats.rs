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

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
