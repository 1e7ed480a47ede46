//! Verification: a run counts only when it finished in time, exited with 0
//! and printed exactly the expected output. A mismatch is described by its
//! first differing line, so a wrong engine is refused with a reason a person
//! can act on. The output is read as a stream: a contender that prints
//! hundreds of megabytes costs the harness a buffer, not their size.

use crate::measure::RunResult;
use std::io::Read;

/// How much of the output after the first difference is read to describe it.
const WINDOW: usize = 1 << 16;

/// Checks one run against the expected output; `Err` says what is wrong.
pub fn check(expected: &[u8], run: &RunResult) -> Result<(), String> {
    if let Some(limit) = run.timed_out {
        return Err(format!("timed out: stopped after {} s (raise --timeout if it needs longer)", limit.as_secs_f64()));
    }
    match run.exit_code {
        Some(0) => {}
        Some(code) => return Err(format!("exited with code {code}{}", first_stderr_line(&run.stderr))),
        None => return Err(format!("was killed by a signal{}", first_stderr_line(&run.stderr))),
    }
    let actual = run.stdout.reader().map_err(|error| format!("its output could not be read back: {error}"))?;
    stream_difference(expected, actual).map_or(Ok(()), Err)
}

/// [`first_difference`] between `expected` and a stream, holding at most
/// [`WINDOW`] bytes of the stream past the point where they part.
pub fn stream_difference(expected: &[u8], mut actual: impl Read) -> Option<String> {
    let mut chunk = vec![0u8; WINDOW];
    let mut offset = 0;
    loop {
        let read = match actual.read(&mut chunk) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Some(format!("its output could not be read back: {error}")),
        };
        let want = &expected[offset.min(expected.len())..(offset + read).min(expected.len())];
        let same = want.iter().zip(&chunk[..read]).take_while(|(a, b)| a == b).count();
        if same < read {
            // What matched is the expected text; then the actual bytes from
            // the difference on, up to a window's worth.
            let at = offset + same;
            let mut seen = expected[..at].to_vec();
            seen.extend_from_slice(&chunk[same..read]);
            let mut rest = actual.take((WINDOW - (read - same)) as u64);
            let _ = rest.read_to_end(&mut seen);
            return first_difference(expected, &seen);
        }
        offset += read;
    }
    if offset < expected.len() { first_difference(expected, &expected[..offset]) } else { None }
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
    fn a_stream_is_compared_without_being_held() {
        let expected = b"1\n2\n3\n";
        assert_eq!(stream_difference(expected, &b"1\n2\n3\n"[..]), None);
        assert_eq!(
            stream_difference(expected, &b"1\n2\n"[..]),
            Some("output ended before line 3; expected \"3\"".into())
        );
        // Far more output than expected: the message comes from a window.
        let huge = std::io::repeat(b'7').take(200 << 20);
        let long = std::io::Read::chain(&b"1\n2\n3\n"[..], huge);
        assert_eq!(stream_difference(expected, long), Some(format!("unexpected extra line 4: {:?}", "7".repeat(120))));
        let wrong = std::io::Read::chain(&b"1\n5"[..], std::io::repeat(b'5').take(1 << 20));
        assert_eq!(
            stream_difference(expected, wrong),
            Some(format!("line 2: expected \"2\", got {:?}", "5".repeat(120)))
        );
    }

    #[test]
    fn a_run_that_timed_out_is_refused_whatever_it_printed() {
        let mut stopped = run("1\n", None);
        stopped.timed_out = Some(std::time::Duration::from_millis(2500));
        assert_eq!(
            check(b"1\n", &stopped),
            Err("timed out: stopped after 2.5 s (raise --timeout if it needs longer)".into())
        );
    }

    #[test]
    fn a_failing_exit_is_reported_with_its_first_error_line() {
        assert_eq!(check(b"1\n", &run("1\n", Some(70))), Err("exited with code 70: \"Boom.\"".into()));
        assert_eq!(check(b"1\n", &run("1\n", None)), Err("was killed by a signal: \"Boom.\"".into()));
    }
}
