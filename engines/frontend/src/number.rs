//! How Lox prints a number: C's `printf("%g")`, as clox does; and the two
//! arithmetic operations whose NaN Rust leaves unspecified.

use std::fmt::Write;

/// Formats `value` as `%g` would: six significant digits, trailing zeros
/// removed, exponent form when the decimal exponent is below -4 or at least 6,
/// and `nan`, `-nan`, `inf`, `-inf` for the special values (glibc prints the
/// sign of a NaN, and x86-64 makes `0/0` a negative one).
pub fn format_number(value: f64) -> String {
    let mut out = String::new();
    write_number(&mut out, value);
    out
}

/// Appends the `%g` form of `value` to `out` (see [`format_number`]).
pub fn write_number(out: &mut String, value: f64) {
    const PRECISION: i32 = 6;
    if value.is_nan() {
        out.push_str(if value.is_sign_negative() { "-nan" } else { "nan" });
        return;
    }
    if value.is_infinite() {
        out.push_str(if value < 0.0 { "-inf" } else { "inf" });
        return;
    }
    // Integers that print exactly are the common case; skip the float
    // formatting machinery for them.
    if value.fract() == 0.0 && value.abs() < 1e6 {
        if value == 0.0 && value.is_sign_negative() {
            out.push_str("-0");
        } else {
            let _ = write!(out, "{}", value as i64);
        }
        return;
    }
    // Round to six significant digits first: the exponent %g chooses by is
    // the one of the rounded value (999999.5 prints as 1e+06).
    let scientific = format!("{:.*e}", (PRECISION - 1) as usize, value);
    let (mantissa, exponent) = scientific.split_once('e').expect("`{:e}` output always has an exponent");
    let exponent: i32 = exponent.parse().expect("`{:e}` exponents are integers");
    if (-4..PRECISION).contains(&exponent) {
        let decimals = (PRECISION - 1 - exponent) as usize;
        let fixed = format!("{value:.decimals$}");
        out.push_str(strip_trailing_zeros(&fixed));
    } else {
        out.push_str(strip_trailing_zeros(mantissa));
        let sign = if exponent < 0 { '-' } else { '+' };
        let _ = write!(out, "e{sign}{:02}", exponent.abs());
    }
}

fn strip_trailing_zeros(text: &str) -> &str {
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { text }
}

/// `a + b`, with clox's NaN when both operands are NaN: the left one.
///
/// clox's `a + b` compiles to x86-64's `addsd`, which returns its first
/// operand when both are NaN. Rust leaves that NaN unspecified, and LLVM
/// does swap the operands of a commutative operation, so two engines built
/// from the same `a + b` printed `-nan` and `nan` for `(0/0) + -(0/0)`. The
/// check is on the result, so numbers that are not NaN pay one
/// well-predicted branch.
#[inline(always)]
pub fn add(a: f64, b: f64) -> f64 {
    let sum = a + b;
    if sum.is_nan() && a.is_nan() { a } else { sum }
}

/// `a * b`, with clox's NaN when both operands are NaN (see [`add`]).
#[inline(always)]
pub fn multiply(a: f64, b: f64) -> f64 {
    let product = a * b;
    if product.is_nan() && a.is_nan() { a } else { product }
}

#[cfg(test)]
mod tests {
    use super::{add, format_number, multiply};

    #[test]
    fn matches_printf_g() {
        // Expected strings are glibc's printf("%g") output for each value.
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (-3.0, "-3"),
            (0.1, "0.1"),
            (123.456, "123.456"),
            (1.0 / 3.0, "0.333333"),
            (2.0 / 3.0, "0.666667"),
            (1234567.0, "1.23457e+06"),
            (1234565.0, "1.23456e+06"),
            (999999.0, "999999"),
            (999999.5, "1e+06"),
            (1e20, "1e+20"),
            (1e21, "1e+21"),
            (1e-6, "1e-06"),
            (0.0001, "0.0001"),
            (0.00012345678, "0.000123457"),
            (0.1 + 0.2, "0.3"),
            (123456.5, "123456"),
            (9007199254740993.0, "9.0072e+15"),
            (1e300 * 10.0, "1e+301"),
            (-1.5e-7, "-1.5e-07"),
            (100.0, "100"),
            (2.5, "2.5"),
            (1e100, "1e+100"),
        ];
        for &(value, want) in cases {
            assert_eq!(format_number(value), want, "formatting {value:?}");
        }
    }

    #[test]
    fn special_values() {
        assert_eq!(format_number(f64::NAN), "nan");
        assert_eq!(format_number(-f64::NAN), "-nan");
        assert_eq!(format_number(f64::INFINITY), "inf");
        assert_eq!(format_number(f64::NEG_INFINITY), "-inf");
        if cfg!(target_arch = "x86_64") {
            let zero = std::hint::black_box(0.0f64);
            assert_eq!(format_number(zero / zero), "-nan", "x86-64 makes 0/0 a negative NaN");
        }
    }

    #[test]
    fn both_operands_nan_gives_the_left_one_as_clox_does() {
        let (negative, positive) = (-f64::NAN, f64::NAN);
        for (a, b) in [(negative, positive), (positive, negative)] {
            assert_eq!(add(a, b).to_bits(), a.to_bits());
            assert_eq!(add(b, a).to_bits(), b.to_bits());
            assert_eq!(multiply(a, b).to_bits(), a.to_bits());
            assert_eq!(multiply(b, a).to_bits(), b.to_bits());
        }
        assert_eq!(add(1.0, negative).to_bits(), negative.to_bits(), "one NaN operand is the result");
        assert_eq!(add(1.5, 2.0), 3.5);
        assert_eq!(multiply(1.5, 2.0), 3.0);
    }
}
