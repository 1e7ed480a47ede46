//! Writing a shrunk finding as a corpus test: the program, a header saying
//! where it came from, and `// expect:` comments (the format of
//! `tests/lox/README.md`) holding what the majority of the engines did, so
//! that the corpus test runs it on every engine from then on.
//!
//! The majority is the likelier right answer, not a proof of it: the header
//! says so, and whoever commits the file checks the expectations against
//! LOX.md first.

use crate::differential::{self, Runner};
use lox::conformance;
use lox::run::Outcome;

/// A corpus test, and whether its expectations were checked: the majority's
/// engines pass it as written (they might not when an expectation cannot be
/// written as a comment, such as a runtime error on a line inside a string).
#[derive(Clone, Debug)]
pub struct Regression {
    pub text: String,
    pub verified: bool,
}

/// The corpus test for `source`, with `header` as comments on top.
pub fn corpus_test(source: &str, header: &[String], runner: &mut Runner) -> Regression {
    let mut text: String = header.iter().map(|line| format!("// fuzz: {line}\n")).collect();
    text.push_str(source);
    let observations = runner.observe(&text, false);
    // The largest group with an outcome: every agreeing engine when there is
    // no divergence (a crash found by the syntax fuzzer, for instance).
    let majority = match differential::compare(&observations) {
        Some(divergence) => {
            divergence.groups.into_iter().find_map(|group| group.result.ok().map(|o| (o, group.contenders)))
        }
        None => observations
            .first()
            .and_then(|observation| observation.result.clone().ok())
            .map(|outcome| (outcome, observations.iter().map(|o| o.contender.clone()).collect())),
    };
    let Some((expected, engines)) = majority else {
        text.push_str("// fuzz: no engine finished this program; write its expectations by hand.\n");
        return Regression { text, verified: false };
    };
    let Some(with_expectations) = with_expectations(&text, &expected) else {
        return Regression { text, verified: false };
    };
    let again = runner.observe(&with_expectations, false);
    let wanted = conformance::parse_expectations(&with_expectations);
    let verified = again.iter().filter(|observation| engines.contains(&observation.contender)).all(|observation| {
        observation.result.as_ref().is_ok_and(|outcome| conformance::check(&wanted, outcome).is_empty())
    });
    Regression { text: with_expectations, verified }
}

/// `text` with comments expecting `outcome`: `// expect:` lines at the end
/// for standard output, `// expect runtime error:` on the line the error is
/// reported on, `// [line N] Error ...` lines for compile errors. `None`
/// when a comment cannot go where it must (inside a string).
pub fn with_expectations(text: &str, outcome: &Outcome) -> Option<String> {
    let stdout = String::from_utf8_lossy(&outcome.stdout);
    let stderr = String::from_utf8_lossy(&outcome.stderr);
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    if outcome.exit_code == 70 {
        let message = stderr.lines().next()?;
        let line: usize = stderr.lines().nth(1)?.strip_prefix("[line ")?.split(']').next()?.parse().ok()?;
        if in_string_at_end_of_line(text, line) || line > lines.len() {
            return None;
        }
        lines[line - 1].push_str(&format!(" // expect runtime error: {message}"));
    }
    if lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    if in_string_at_end_of_line(text, lines.len()) {
        return None;
    }
    let mut out = lines.join("\n");
    out.push('\n');
    let mut printed: Vec<&str> = stdout.split('\n').collect();
    if printed.last() == Some(&"") {
        printed.pop();
    }
    for line in printed {
        out.push_str(&format!("// expect: {line}\n"));
    }
    if outcome.exit_code == 65 {
        for error in stderr.lines().filter(|line| !line.trim().is_empty()) {
            out.push_str(&format!("// {error}\n"));
        }
    }
    Some(out)
}

/// Whether line `line` (from 1) of `text` ends inside a string literal, where
/// a comment would become part of the string.
fn in_string_at_end_of_line(text: &str, line: usize) -> bool {
    let mut in_string = false;
    let mut in_comment = false;
    let mut current = 1;
    let mut previous = '\0';
    for c in text.chars() {
        if c == '\n' {
            if current == line {
                return in_string;
            }
            current += 1;
            in_comment = false;
        } else if !in_comment {
            if c == '"' {
                in_string = !in_string;
            } else if c == '/' && previous == '/' && !in_string {
                in_comment = true;
            }
        }
        previous = if c == '/' && previous == '/' { '\0' } else { c };
    }
    in_string
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expectations_go_at_the_end_and_on_the_error_line() {
        let outcome = Outcome {
            stdout: b"1\ntwo\n".to_vec(),
            stderr: b"Operands must be numbers.\n[line 2] in script\n".to_vec(),
            exit_code: 70,
        };
        let text = with_expectations("print 1;\nprint \"two\" - 1;\n", &outcome).unwrap();
        assert_eq!(
            text,
            "print 1;\nprint \"two\" - 1; // expect runtime error: Operands must be numbers.\n// expect: 1\n// expect: two\n"
        );
        let expected = conformance::parse_expectations(&text);
        assert_eq!(expected.runtime_error, Some(("Operands must be numbers.".to_string(), 2)));
    }

    #[test]
    fn no_comment_goes_inside_a_string() {
        assert!(in_string_at_end_of_line("print \"a\nb\";\n", 1));
        assert!(!in_string_at_end_of_line("print \"a\nb\";\n", 2));
        assert!(!in_string_at_end_of_line("print 1; // \"\n", 1));
        let outcome = Outcome { stdout: Vec::new(), stderr: b"Boom.\n[line 1] in script\n".to_vec(), exit_code: 70 };
        assert_eq!(with_expectations("print \"a\nb\" - 1;\n", &outcome), None);
    }

    #[test]
    fn a_written_test_passes_the_engines_that_agree() {
        let mut runner = Runner::new(differential::engine_contenders(false), std::time::Duration::from_secs(30), 0);
        let regression = corpus_test("print 1 + 2;\nprint nil - 1;\n", &["a header".to_string()], &mut runner);
        assert!(regression.verified, "{}", regression.text);
        assert!(regression.text.starts_with("// fuzz: a header\nprint 1 + 2;\n"));
        assert!(regression.text.contains("print nil - 1; // expect runtime error: Operands must be numbers.\n"));
        assert!(regression.text.ends_with("// expect: 3\n"));
    }
}
