//! Counting instructions with valgrind: `cachegrind --cache-sim=no` runs
//! the child about 17 times slower than native and gives the same count for
//! the same binary and input every time, provided the environment, the
//! working directory and the arguments are fixed too (TOOLING.md: one 3 KB
//! environment variable moved the count by 443 instructions).
//!
//! Each engine × program is counted twice: the whole run, and a run that
//! stops after the prepare phase (`__run --prepare-only`); the run phase is
//! the difference. The per-function counts of the whole run are kept as a
//! flat profile (folded as crate;module;function) for differential
//! flamegraphs.

use crate::measure::{self, RunResult};
use crate::profile::folded::{self, Stack};
use anyhow::{Context, Result, bail};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// What one counted run produced.
#[derive(Debug)]
pub struct Counted {
    /// Instructions of the whole process (0 when it did not finish in time).
    pub instructions: u64,
    /// Instructions per function, folded as `crate;module;function`.
    pub profile: Vec<Stack>,
    /// The counted run as the program saw it: its output, its exit code,
    /// whether it was stopped at the time limit, and its standard error
    /// without cachegrind's own messages. Its times are valgrind's, ignored.
    pub run: RunResult,
}

/// Finds valgrind, or says how to install it.
pub fn find_valgrind() -> Result<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    match std::env::split_paths(&path).map(|dir| dir.join("valgrind")).find(|p| p.is_file()) {
        Some(valgrind) => Ok(valgrind),
        None => bail!(
            "valgrind is not installed, and `harness ci` counts instructions with it. Install it \
             (`apt-get install valgrind` on Debian or Ubuntu, `brew install valgrind` on Intel macOS) and run \
             `harness ci` again."
        ),
    }
}

/// Runs `argv` under cachegrind in `work_dir` with an empty environment and
/// returns its instruction count and profile. `out_file` receives
/// cachegrind's raw output. The run is a child as every other the harness
/// starts ([`measure::run_command`]): in a process group of its own, its
/// output in temporary files, stopped after `timeout` (then it comes back
/// with `run.timed_out` set and nothing counted).
pub fn count(valgrind: &Path, argv: &[String], work_dir: &Path, out_file: &Path, timeout: Duration) -> Result<Counted> {
    let mut command = Command::new(valgrind);
    command
        .arg("--tool=cachegrind")
        .arg("--cache-sim=no")
        .arg(format!("--main-stacksize={}", frontend::engine::STACK_SIZE))
        .arg(format!("--cachegrind-out-file={}", out_file.display()))
        .args(argv)
        .env_clear()
        .current_dir(work_dir);
    let mut run =
        measure::run_command(&mut command, timeout).with_context(|| format!("could not run {}", valgrind.display()))?;
    // Cachegrind's own messages start with `==pid==`; the program's
    // diagnostics are the rest.
    let messages = std::mem::take(&mut run.stderr);
    run.stderr = String::from_utf8_lossy(&messages)
        .lines()
        .filter(|line| !line.starts_with("=="))
        .map(|line| format!("{line}\n"))
        .collect::<String>()
        .into_bytes();
    if run.timed_out.is_some() {
        return Ok(Counted { instructions: 0, profile: Vec::new(), run });
    }
    let text = std::fs::read_to_string(out_file).with_context(|| {
        format!(
            "cachegrind wrote no output file ({}); its messages: {}",
            out_file.display(),
            String::from_utf8_lossy(&messages).lines().take(5).collect::<Vec<_>>().join(" / ")
        )
    })?;
    let (instructions, per_function) = parse_cachegrind(&text)?;
    Ok(Counted { instructions, profile: flat_profile(&per_function, instructions), run })
}

/// The total `Ir` and the `Ir` of each function, from a cachegrind output
/// file (`fn=` lines name the function the following `line count` lines
/// belong to; `summary:` gives the total).
pub fn parse_cachegrind(text: &str) -> Result<(u64, HashMap<String, u64>)> {
    let mut per_function: HashMap<String, u64> = HashMap::new();
    let mut current: Option<String> = None;
    let mut summary = None;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("fn=") {
            current = Some(name.to_string());
        } else if let Some(total) = line.strip_prefix("summary:") {
            summary = Some(total.split_whitespace().next().unwrap_or("").parse::<u64>()?);
        } else if let Some(function) = &current
            && let Some((_, count)) = line.split_once(' ')
            && line.starts_with(|c: char| c.is_ascii_digit())
        {
            let count: u64 = count.split_whitespace().next().unwrap_or("0").parse().unwrap_or(0);
            *per_function.entry(function.clone()).or_default() += count;
        }
    }
    match summary {
        Some(total) => Ok((total, per_function)),
        None => bail!("the cachegrind output has no `summary:` line"),
    }
}

/// Functions below this share of all instructions are summed into one
/// `(other)` frame, so saved profiles stay small.
const MIN_SHARE: f64 = 0.001;

/// The per-function counts as folded stacks `crate;module;function`.
pub fn flat_profile(per_function: &HashMap<String, u64>, total: u64) -> Vec<Stack> {
    let mut stacks = Vec::new();
    let mut other = 0;
    for (function, &count) in per_function {
        if (count as f64) < MIN_SHARE * total as f64 {
            other += count;
            continue;
        }
        let function = function.replace(';', ":");
        let module = folded::module_of(&function);
        let krate = folded::crate_of(&function);
        let mut frames = vec![krate.clone()];
        if module != krate {
            frames.push(module);
        }
        frames.push(function);
        stacks.push(Stack { frames, count });
    }
    if other > 0 {
        stacks.push(Stack { frames: vec!["(functions under 0.1 % each)".to_string()], count: other });
    }
    stacks.sort_by(|a, b| a.frames.cmp(&b.frames));
    stacks
}

#[cfg(test)]
mod tests {
    use super::*;

    const CACHEGRIND: &str = "\
desc: I1 cache: ...
cmd: harness __run --engine hashmap-walker fib.lox
events: Ir
fl=src/eval.rs
fn=hashmap_walker::eval::Interpreter::evaluate
10 500
11 300
fn=hashmap_walker::env::Env::get
20 150
fl=???
fn=malloc
0 49
fn=tiny
0 1
summary: 1001
";

    #[test]
    fn cachegrind_output_is_summed_per_function() {
        let (total, per_function) = parse_cachegrind(CACHEGRIND).unwrap();
        assert_eq!(total, 1001);
        assert_eq!(per_function["hashmap_walker::eval::Interpreter::evaluate"], 800);
        assert_eq!(per_function["hashmap_walker::env::Env::get"], 150);
        assert_eq!(per_function["malloc"], 49);
        assert!(parse_cachegrind("events: Ir\n").is_err());
    }

    #[test]
    fn the_flat_profile_groups_by_crate_and_module_and_folds_small_functions() {
        let (total, per_function) = parse_cachegrind(CACHEGRIND).unwrap();
        let stacks = flat_profile(&per_function, total);
        let lines = folded::render(&stacks);
        assert!(
            lines.contains("hashmap_walker;hashmap_walker::eval;hashmap_walker::eval::Interpreter::evaluate 800\n")
        );
        assert!(lines.contains("malloc 49\n"));
        assert!(lines.contains("(functions under 0.1 % each) 1\n"));
    }
}
