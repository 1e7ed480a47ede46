//! Numbers for people: times with a unit chosen per value, sizes in MiB,
//! ratios with their spread.

/// A count and the noun (phrase) that agrees with it: `1 engine`, `3 engines`,
/// `plural(n, "run", "runs")`.
pub fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

/// Seconds in the unit that suits them: `1.23 s`, `45.6 ms`, `789 µs`.
pub fn time(seconds: f64) -> String {
    if seconds <= 0.0 {
        return "0".to_string();
    }
    let (value, unit) = scale(seconds);
    format!("{} {unit}", digits(value))
}

/// A time and its spread in the same unit: `45.6 ± 1.2 ms`.
pub fn time_with_spread(seconds: f64, spread: f64) -> String {
    if seconds <= 0.0 {
        return format!("≈ 0 ± {} (start-up noise)", time(spread));
    }
    let (value, unit) = scale(seconds);
    let factor = value / seconds;
    let spread = if seconds > 0.0 { spread * factor } else { 0.0 };
    format!("{} ± {} {unit}", digits(value), digits(spread))
}

fn scale(seconds: f64) -> (f64, &'static str) {
    if seconds >= 1.0 {
        (seconds, "s")
    } else if seconds >= 1e-3 {
        (seconds * 1e3, "ms")
    } else {
        (seconds * 1e6, "µs")
    }
}

/// Three significant digits, without exponent: `123`, `45.6`, `7.89`, `0.123`.
pub fn digits(value: f64) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    let magnitude = value.abs();
    if magnitude >= 100.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else if magnitude >= 1.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.3}")
    }
}

/// A ratio: `1.00`, `3.42 ± 0.12`.
pub fn ratio(value: f64, spread: f64) -> String {
    if spread > 0.0 { format!("{} ± {}", digits(value), digits(spread)) } else { digits(value) }
}

/// An integer with thousands separators: `1,234,567`.
pub fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, c) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Bytes in the unit that suits them: `512 B`, `48.9 KiB`, `12.3 MiB`, `1.2 GiB`.
pub fn bytes(bytes: u64) -> String {
    let value = bytes as f64;
    if value < 1024.0 {
        format!("{bytes} B")
    } else if value < 1024.0 * 1024.0 {
        format!("{:.1} KiB", value / 1024.0)
    } else if value < 1024.0 * 1024.0 * 1024.0 {
        format!("{:.1} MiB", value / (1024.0 * 1024.0))
    } else {
        format!("{:.1} GiB", value / (1024.0 * 1024.0 * 1024.0))
    }
}

/// Bytes as MiB with one decimal: `12.3 MiB`.
pub fn mebibytes(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_pick_their_unit() {
        assert_eq!(time(1.5), "1.50 s");
        assert_eq!(time(0.0456), "45.6 ms");
        assert_eq!(time(0.000789), "789 µs");
        assert_eq!(time_with_spread(0.0456, 0.0012), "45.6 ± 1.20 ms");
    }

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(plural(1, "engine", "engines"), "1 engine");
        assert_eq!(plural(0, "engine", "engines"), "0 engines");
        assert_eq!(plural(2, "peer", "peers"), "2 peers");
    }

    #[test]
    fn ratios_and_sizes() {
        assert_eq!(ratio(1.0, 0.0), "1.00");
        assert_eq!(ratio(3.4211, 0.1234), "3.42 ± 0.123");
        assert_eq!(mebibytes(3 * 1024 * 1024 / 2), "1.5 MiB");
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(50_440), "49.3 KiB");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
