//! Running one command as a child process and measuring it: wall time from
//! just before the spawn to just after the child is reaped, and the child's
//! own user and system CPU time and peak resident set size, read from the
//! resource usage that `wait4` returns when it reaps the child.
//!
//! The executor is a trait so that the orchestration (verification,
//! interleaving, saving results) can be tested deterministically with a mock.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use wait4::Wait4;

/// What one run of a command printed and cost.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunResult {
    pub wall: Duration,
    pub user: Duration,
    pub system: Duration,
    /// Peak resident set size in bytes.
    pub max_rss_bytes: u64,
    /// The exit code, or `None` when a signal ended the process.
    pub exit_code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Runs commands. `argv[0]` is the program, the rest its arguments.
pub trait Executor {
    fn execute(&mut self, argv: &[String]) -> std::io::Result<RunResult>;
}

/// The real executor: a child process with stdin closed and stdout and
/// stderr captured.
#[derive(Debug, Default)]
pub struct ProcessExecutor;

impl Executor for ProcessExecutor {
    fn execute(&mut self, argv: &[String]) -> std::io::Result<RunResult> {
        let Some((program, args)) = argv.split_first() else {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "empty command"));
        };
        let mut command = Command::new(program);
        command.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());

        let start = Instant::now();
        let mut child = command.spawn()?;
        let mut stdout_pipe = child.stdout.take().expect("stdout is piped");
        let mut stderr_pipe = child.stderr.take().expect("stderr is piped");
        // Both pipes are drained at once so that a child writing a lot to
        // one of them never blocks on a full pipe.
        let stderr_reader = std::thread::spawn(move || {
            let mut stderr = Vec::new();
            let _ = stderr_pipe.read_to_end(&mut stderr);
            stderr
        });
        let mut stdout = Vec::new();
        stdout_pipe.read_to_end(&mut stdout)?;
        let usage = child.wait4()?;
        let wall = start.elapsed();
        let stderr = stderr_reader.join().unwrap_or_default();

        Ok(RunResult {
            wall,
            user: usage.rusage.utime,
            system: usage.rusage.stime,
            max_rss_bytes: usage.rusage.maxrss,
            exit_code: usage.status.code(),
            stdout,
            stderr,
        })
    }
}
