//! Instruction counts per machine instruction, from valgrind's callgrind:
//! `--dump-instr=yes` writes the count of every instruction address that
//! ran, and `--toggle-collect` on the engines' `Session::run` counts the
//! run phase only. (Cachegrind, which `harness ci` uses, counts per source
//! line; a line of an inlined helper does not say which caller it was
//! inlined into, and the addresses do: see [`super::debuginfo`].)
//!
//! Callgrind is slower than cachegrind (about five times here) and as
//! deterministic: the same binary and input give the same counts.

use crate::measure::{self, RunResult};
use anyhow::{Context, Result, bail};
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// The function every engine's run phase is inside: `Session::run`.
pub const RUN_PHASE: &str = "*as frontend::engine::Session>::run";

/// What one counted run executed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Counts {
    /// Every instruction counted (callgrind's `summary`).
    pub total: u64,
    pub functions: Vec<Function>,
}

/// One function's instructions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Function {
    /// The file the code was loaded from (the harness itself, libc...).
    pub object: String,
    /// The symbol's name, as valgrind demangles it.
    pub name: String,
    /// (address in the object, instructions executed there), each address
    /// once, ascending.
    pub instructions: Vec<(u64, u64)>,
    /// The calls this function made: (address of the call, callee, every
    /// instruction the callee and its own callees executed for those calls).
    pub calls: Vec<(u64, String, u64)>,
}

impl Counts {
    /// The instructions counted in functions (their own, not their callees').
    pub fn self_total(&self) -> u64 {
        self.functions.iter().flat_map(|f| &f.instructions).map(|(_, n)| n).sum()
    }
}

/// Runs `argv` under callgrind, in `work_dir` with an empty environment (as
/// `harness ci` counts, so that the count repeats), counting the run phase
/// only, and parses what it wrote to `out_file`. Returns the counts and the
/// program's standard output.
pub fn count(valgrind: &Path, argv: &[String], work_dir: &Path, out_file: &Path) -> Result<(Counts, Vec<u8>)> {
    let output = command(valgrind, argv, work_dir, out_file)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("could not run {}", valgrind.display()))?;
    Ok((read(out_file, &output.stderr)?, output.stdout))
}

/// [`count`] as a child like every other the harness starts
/// ([`measure::run_command`]): stopped after `limit`, when it comes back
/// with `run.timed_out` set and no counts.
pub fn count_within(
    valgrind: &Path,
    argv: &[String],
    work_dir: &Path,
    out_file: &Path,
    limit: Duration,
) -> Result<(Option<Counts>, RunResult)> {
    let mut command = command(valgrind, argv, work_dir, out_file);
    let mut run =
        measure::run_command(&mut command, limit).with_context(|| format!("could not run {}", valgrind.display()))?;
    // Callgrind's own messages start with `==pid==`; the program's
    // diagnostics are the rest.
    let messages = std::mem::take(&mut run.stderr);
    run.stderr = String::from_utf8_lossy(&messages)
        .lines()
        .filter(|line| !line.starts_with("=="))
        .map(|line| format!("{line}\n"))
        .collect::<String>()
        .into_bytes();
    if run.timed_out.is_some() {
        return Ok((None, run));
    }
    Ok((Some(read(out_file, &messages)?), run))
}

fn command(valgrind: &Path, argv: &[String], work_dir: &Path, out_file: &Path) -> Command {
    // Callgrind runs in `work_dir`, and the harness reads the file from its
    // own directory: a relative path must mean the same file to both.
    let out_file = std::path::absolute(out_file).unwrap_or_else(|_| out_file.to_path_buf());
    let mut command = Command::new(valgrind);
    command
        .arg("--tool=callgrind")
        .arg("--dump-instr=yes")
        .arg(format!("--toggle-collect={RUN_PHASE}"))
        .arg(format!("--main-stacksize={}", frontend::engine::STACK_SIZE))
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .args(argv)
        .env_clear()
        .current_dir(work_dir);
    command
}

/// Parses the file callgrind wrote, or says what callgrind said instead.
fn read(out_file: &Path, messages: &[u8]) -> Result<Counts> {
    let text = std::fs::read_to_string(out_file).with_context(|| {
        format!(
            "callgrind wrote no output file ({}); its messages: {}",
            out_file.display(),
            String::from_utf8_lossy(messages).lines().take(5).collect::<Vec<_>>().join(" / ")
        )
    })?;
    parse(&text)
}

/// Names in callgrind's files may be given once with an id, `fn=(12) name`,
/// and later by the id alone, `fn=(12)`.
#[derive(Default)]
struct Names {
    names: HashMap<String, String>,
}

impl Names {
    fn resolve(&mut self, value: &str) -> String {
        let value = value.trim();
        let Some(rest) = value.strip_prefix('(') else {
            return value.to_string();
        };
        let Some((id, name)) = rest.split_once(')') else {
            return value.to_string();
        };
        let name = name.trim();
        if name.is_empty() {
            self.names.get(id).cloned().unwrap_or_default()
        } else {
            self.names.insert(id.to_string(), name.to_string());
            name.to_string()
        }
    }
}

/// Parses a callgrind output file written with `--dump-instr=yes`
/// (positions `instr line`, one event `Ir`).
pub fn parse(text: &str) -> Result<Counts> {
    let mut objects = Names::default();
    let mut functions_names = Names::default();
    let mut by_function: HashMap<(String, String), Function> = HashMap::new();
    let mut object = String::new();
    let mut current: Option<(String, String)> = None;
    let mut callee = String::new();
    // The next cost line is a call's inclusive cost, not the function's own.
    let mut call_line = false;
    // Positions may be given relative to the previous cost line's.
    let mut address: u64 = 0;
    let mut positions = 2;
    let mut summary = None;
    for line in text.lines() {
        let Some(first) = line.chars().next() else { continue };
        if first.is_ascii_digit() || first == '+' || first == '-' || first == '*' {
            let mut fields = line.split_whitespace();
            let position = fields.next().unwrap_or("*");
            address = match position {
                "*" => address,
                p if p.starts_with("0x") => u64::from_str_radix(&p[2..], 16).context("an instruction address")?,
                p if p.starts_with('+') => address + p[1..].parse::<u64>().context("a relative address")?,
                p if p.starts_with('-') => address - p[1..].parse::<u64>().context("a relative address")?,
                p => p.parse::<u64>().context("an instruction address")?,
            };
            // The line column, when there is one.
            for _ in 1..positions {
                fields.next();
            }
            let cost: u64 = fields.next().map_or(Ok(0), str::parse).context("an instruction count")?;
            let Some(key) = &current else { bail!("a cost line before any `fn=`") };
            let function = by_function.entry(key.clone()).or_insert_with(|| Function {
                object: key.0.clone(),
                name: key.1.clone(),
                ..Function::default()
            });
            if call_line {
                function.calls.push((address, callee.clone(), cost));
                call_line = false;
            } else if cost > 0 {
                function.instructions.push((address, cost));
            }
        } else if let Some(value) = line.strip_prefix("ob=") {
            object = objects.resolve(value);
        } else if let Some(value) = line.strip_prefix("cob=") {
            objects.resolve(value);
        } else if let Some(value) = line.strip_prefix("fn=") {
            current = Some((object.clone(), functions_names.resolve(value)));
        } else if let Some(value) = line.strip_prefix("cfn=") {
            callee = functions_names.resolve(value);
        } else if line.starts_with("calls=") {
            call_line = true;
        } else if let Some(value) = line.strip_prefix("positions:") {
            positions = value.split_whitespace().count();
            if !value.contains("instr") {
                bail!("the callgrind output has no instruction addresses (it needs --dump-instr=yes)");
            }
        } else if let Some(value) = line.strip_prefix("summary:") {
            summary = Some(value.split_whitespace().next().unwrap_or("").parse::<u64>().context("the summary")?);
        }
    }
    let Some(total) = summary else { bail!("the callgrind output has no `summary:` line") };
    let mut functions: Vec<Function> = by_function.into_values().collect();
    for function in &mut functions {
        function.instructions.sort_unstable();
        // An address can appear on several cost lines (once per source line
        // callgrind saw for it); it is one instruction.
        function.instructions.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            if same {
                earlier.1 += later.1;
            }
            same
        });
    }
    functions.sort_by(|a, b| (&a.object, &a.name).cmp(&(&b.object, &b.name)));
    Ok(Counts { total, functions })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Callgrind runs in the work directory; a relative output file (from
    /// `--out reports/x`) must still name the file the harness reads.
    #[test]
    fn the_output_file_is_given_to_callgrind_absolute() {
        let command = command(Path::new("valgrind"), &[], Path::new("/tmp/work"), Path::new("out/x.callgrind"));
        let given = command
            .get_args()
            .filter_map(|arg| arg.to_str()?.strip_prefix("--callgrind-out-file=").map(str::to_string))
            .next()
            .expect("the output file is given");
        assert_eq!(Path::new(&given), std::env::current_dir().unwrap().join("out/x.callgrind"));
    }

    /// A callgrind file as valgrind 3.19 writes it, cut down: compressed
    /// names, relative addresses and lines, inlined files, and a call.
    pub const CALLGRIND: &str = "\
# callgrind format
version: 1
positions: instr line
events: Ir
summary: 80

ob=(1) /bin/harness
fl=(1) src/vm.rs
fn=(1) vm::Vm::execute
0x1000 10 5
+4 * 5
fi=(2) src/value.rs
+2 30 10
fe=(1)
+3 11 20
cob=(2) /lib/libc.so.6
cfi=(3) ???
cfn=(2) malloc
calls=2 0x500 0
+5 12 40
+6 12 10
fn=(3) vm::Vm::collect
0x2000 50 20
ob=(2)
fl=(3)
fn=(2)
0x500 0 10
";

    #[test]
    fn instructions_calls_and_names_are_read() {
        let counts = parse(CALLGRIND).unwrap();
        assert_eq!(counts.total, 80);
        let execute = &counts.functions.iter().find(|f| f.name == "vm::Vm::execute").unwrap();
        assert_eq!(execute.object, "/bin/harness");
        assert_eq!(execute.instructions, vec![(0x1000, 5), (0x1004, 5), (0x1006, 10), (0x1009, 20), (0x1014, 10)]);
        assert_eq!(execute.calls, vec![(0x100e, "malloc".to_string(), 40)]);
        let malloc = counts.functions.iter().find(|f| f.name == "malloc").unwrap();
        assert_eq!(malloc.object, "/lib/libc.so.6");
        assert_eq!(malloc.instructions, vec![(0x500, 10)]);
        assert_eq!(counts.self_total(), 80);
    }

    #[test]
    fn a_file_without_instruction_addresses_is_refused() {
        assert!(parse("positions: line\nevents: Ir\nsummary: 1\n").is_err());
        assert!(parse("positions: instr line\nevents: Ir\n").is_err());
    }
}
