//! Verification: a run counts only when it exited with 0 and printed exactly
//! the expected output. A mismatch is described by its first differing line,
//! so a wrong engine is refused with a reason a person can act on.

use crate::measure::RunResult;

/// Checks one run against the expected output; `Err` says what is wrong.
pub fn check(expected: &[u8], run: &RunResult) -> Result<(), String> {
    match run.exit_code {
        Some(0) => {}
        Some(code) => return Err(format!("exited with code {code}{}", first_stderr_line(&run.stderr))),
        None => return Err(format!("was killed by a signal{}", first_stderr_line(&run.stderr))),
    }
    first_difference(expected, &run.stdout).map_or(Ok(()), Err)
}

/// The first line where `actual` differs from `expected`, described in one
/// sentence, or `None` when they are byte for byte the same.
pub fn first_difference(expected: &[u8], actual: &[u8]) -> Option<String> {
    if expected == actual {
        return None;
    }
    let expected = String::from_utf8_lossy(expected);
    let actual = String::from_utf8_lossy(actual);
    let mut want_lines = expected.split_inclusive('\n');
    let mut got_lines = actual.split_inclusive('\n');
    let mut number = 1;
    loop {
        match (want_lines.next(), got_lines.next()) {
            (Some(want), Some(got)) if want == got => number += 1,
            (Some(want), Some(got)) if trim(want) == trim(got) => {
                return Some(format!("line {number}: the line endings differ: expected {want:?}, got {got:?}"));
            }
            (Some(want), Some(got)) => {
                return Some(format!("line {number}: expected {:?}, got {:?}", trim(want), trim(got)));
            }
            (Some(want), None) => {
                return Some(format!("output ended before line {number}; expected {:?}", trim(want)));
            }
            (None, Some(got)) => return Some(format!("unexpected extra line {number}: {:?}", trim(got))),
            (None, None) => return Some("the outputs differ in their line endings".to_string()),
        }
    }
}

fn trim(line: &str) -> &str {
    let line = line.strip_suffix('\n').unwrap_or(line);
    // Keep messages short even when a program prints a very long line.
    match line.char_indices().nth(120) {
        Some((at, _)) => &line[..at],
        None => line,
    }
}

fn first_stderr_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    match text.lines().find(|line| !line.trim().is_empty()) {
        Some(line) => format!(": {:?}", trim(line)),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(stdout: &str, exit_code: Option<i32>) -> RunResult {
        RunResult {
            stdout: stdout.into(),
            exit_code,
            stderr: b"Boom.\n[line 3] in script\n".to_vec(),
            ..Default::default()
        }
    }

    #[test]
    fn identical_output_passes() {
        assert_eq!(check(b"1\n2\n", &run("1\n2\n", Some(0))), Ok(()));
    }

    #[test]
    fn the_first_differing_line_is_named() {
        assert_eq!(check(b"1\n2\n3\n", &run("1\n5\n3\n", Some(0))), Err("line 2: expected \"2\", got \"5\"".into()));
        assert_eq!(check(b"1\n2\n", &run("1\n", Some(0))), Err("output ended before line 2; expected \"2\"".into()));
        assert_eq!(check(b"1\n", &run("1\n2\n", Some(0))), Err("unexpected extra line 2: \"2\"".into()));
        assert_eq!(
            check(b"1\n", &run("1", Some(0))),
            Err("line 1: the line endings differ: expected \"1\\n\", got \"1\"".into())
        );
    }

    #[test]
    fn a_failing_exit_is_reported_with_its_first_error_line() {
        assert_eq!(check(b"1\n", &run("1\n", Some(70))), Err("exited with code 70: \"Boom.\"".into()));
        assert_eq!(check(b"1\n", &run("1\n", None)), Err("was killed by a signal: \"Boom.\"".into()));
    }
}
