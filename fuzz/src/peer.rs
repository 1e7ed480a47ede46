//! Running an external implementation (a reference clox, say) on one source
//! as a child process, with a time limit after which its whole process group
//! is killed.

use lox::run::Outcome;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// An external command, given as its words with `{lox}` standing for the
/// source file (the harness's `--peer NAME=COMMAND` template).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peer {
    pub name: String,
    pub command: Vec<String>,
}

impl Peer {
    /// Runs the peer on `source`, written to `file` first. `Err` says why
    /// there is no outcome (it could not start, was killed after `limit`, or
    /// died of a signal).
    pub fn run(&self, source: &str, file: &Path, limit: Duration) -> Result<Outcome, String> {
        std::fs::write(file, source).map_err(|error| format!("could not write {}: {error}", file.display()))?;
        let argv: Vec<String> =
            self.command.iter().map(|word| word.replace("{lox}", &file.display().to_string())).collect();
        let (program, args) = argv.split_first().ok_or("the peer's command is empty")?;
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own process group, so that a time-out kills whatever it started.
            .process_group(0)
            .spawn()
            .map_err(|error| format!("could not start {program}: {error}"))?;
        let mut stdout_pipe = child.stdout.take().expect("stdout is piped");
        let mut stderr_pipe = child.stderr.take().expect("stderr is piped");
        let stdout_reader = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stdout_pipe.read_to_end(&mut bytes);
            bytes
        });
        let stderr_reader = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stderr_pipe.read_to_end(&mut bytes);
            bytes
        });
        let started = Instant::now();
        let mut pause = Duration::from_micros(50);
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if started.elapsed() > limit => {
                    kill_group(child.id());
                    let _ = child.wait();
                    return Err(format!("{} timed out after {} s", self.name, limit.as_secs_f64()));
                }
                Ok(None) => {
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(5));
                }
                Err(error) => return Err(format!("could not wait for {}: {error}", self.name)),
            }
        };
        let stdout = stdout_reader.join().unwrap_or_default();
        let stderr = stderr_reader.join().unwrap_or_default();
        match status.code() {
            Some(exit_code) => Ok(Outcome { stdout, stderr, exit_code }),
            None => Err(format!("{} was killed by a signal ({status})", self.name)),
        }
    }
}

fn kill_group(pid: u32) {
    // `kill -KILL -PGID` reaches every process the peer started.
    let _ = Command::new("kill").args(["-KILL", &format!("-{pid}")]).stderr(Stdio::null()).status();
}

/// A scratch file for peers, unique to this process and worker.
pub fn scratch_file(worker: usize) -> PathBuf {
    std::env::temp_dir().join(format!("loxbench-fuzz-{}-{worker}.lox", std::process::id()))
}
