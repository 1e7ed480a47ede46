//! The memory ceiling: how big a program's heap may grow before it gets a
//! Lox runtime error ([`crate::messages::OUT_OF_MEMORY`]) instead of taking
//! the process down with a failed allocation.
//!
//! The one operation that can ask for an unbounded amount of memory at once
//! is string concatenation: a program that doubles a string forty times asks
//! for a terabyte on the last step, and Rust's allocation failure aborts the
//! process, losing what it printed. So every engine builds a concatenated
//! string through [`concat`] (or checks its length with [`check_string`]
//! before building it in its own heap): the result's length is checked
//! against the ceiling before anything is allocated. The check is on the
//! concatenation path only, so no other allocation pays for it, and timing
//! builds compare engines without a per-allocation tax.
//!
//! The allocation itself is the ordinary, infallible one. A fallible
//! `try_reserve_exact` cost about 85 instructions more per concatenation
//! (3 % to 12 % of the `strings` benchmark on the engines that build Rust
//! strings, counted with cachegrind), and on Linux, which overcommits
//! memory, an allocation under the ceiling practically never fails: the
//! ceiling is what turns a runaway program into a Lox error.
//!
//! What is checked is the new string alone, not the engine's whole heap:
//! engines count their heaps differently (or not at all, when `Rc` frees),
//! and a collector may not yet have freed garbage, so a check on the total
//! would make one engine (or one run under GC stress) fail where another
//! goes on, and every engine must print the same bytes.

/// The default ceiling: far above what any benchmark program uses (under
/// 50 MiB), far below what would exhaust a machine.
pub const DEFAULT_MAX_HEAP: usize = 1 << 30;

/// A new string would pass the ceiling, or the allocator refused it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutOfMemory;

/// The length of `a` joined to `b`, when a string that long fits under
/// `max_heap`.
pub fn check_string(a_len: usize, b_len: usize, max_heap: usize) -> Result<usize, OutOfMemory> {
    a_len.checked_add(b_len).filter(|&len| len <= max_heap).ok_or(OutOfMemory)
}

/// `a` followed by `b` in a new string, or [`OutOfMemory`] when it would
/// pass the ceiling (see [`check_string`]).
pub fn concat(a: &str, b: &str, max_heap: usize) -> Result<String, OutOfMemory> {
    let len = check_string(a.len(), b.len(), max_heap)?;
    let mut joined = String::with_capacity(len);
    joined.push_str(a);
    joined.push_str(b);
    Ok(joined)
}

/// Parses a size as the command line gives it: bytes, or a number with
/// `K`, `M` or `G` (powers of 1024), e.g. `512M`.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().last() {
        Some((at, c)) if c.is_ascii_alphabetic() => (&text[..at], c.to_ascii_uppercase()),
        _ => (text, 'B'),
    };
    let shift = match unit {
        'B' => 0,
        'K' => 10,
        'M' => 20,
        'G' => 30,
        _ => return Err(format!("`{text}` is not a size: use bytes, or a number with K, M or G (e.g. 512M)")),
    };
    let number: usize =
        digits.trim().parse().map_err(|_| format!("`{text}` is not a size: use bytes, or a number with K, M or G"))?;
    number.checked_mul(1 << shift).filter(|&n| n > 0).ok_or_else(|| format!("`{text}` is not a usable size"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_must_fit_under_the_ceiling() {
        assert_eq!(check_string(3, 4, 7), Ok(7));
        assert_eq!(check_string(3, 4, 6), Err(OutOfMemory));
        assert_eq!(check_string(usize::MAX, 1, usize::MAX), Err(OutOfMemory));
        assert_eq!(concat("ab", "cd", 4).as_deref(), Ok("abcd"));
        assert_eq!(concat("ab", "cde", 4), Err(OutOfMemory));
    }

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert_eq!(parse_size("512m"), Ok(512 << 20));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert!(parse_size("0").is_err());
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5T").is_err());
    }
}
