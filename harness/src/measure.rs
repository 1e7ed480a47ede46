//! Running one command as a child process and measuring it: wall time from
//! just before the spawn to the child's exit, and the child's own user and
//! system CPU time and peak resident set size, read from the resource usage
//! that `wait4` returns when it reaps the child.
//!
//! The child's output goes to temporary files, never into the harness's
//! memory: a forked child's peak RSS starts at its parent's, so a harness
//! that had once held a peer's 300 MB of output would add it to the peak RSS
//! of every later run. Verification reads the file as a stream.
//!
//! The executor is a trait so that the orchestration (verification,
//! interleaving, saving results) can be tested deterministically with a mock.

use crate::process;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How much of a child's standard error is kept: enough for the first lines
/// of a diagnostic.
pub const STDERR_KEPT: u64 = 4096;

/// What one run of a command printed and cost.
#[derive(Debug, Default, PartialEq)]
pub struct RunResult {
    pub wall: Duration,
    pub user: Duration,
    pub system: Duration,
    /// Peak resident set size in bytes.
    pub max_rss_bytes: u64,
    /// The exit code, or `None` when a signal ended the process.
    pub exit_code: Option<i32>,
    /// `Some(limit)` when the run was stopped for taking longer than `limit`.
    pub timed_out: Option<Duration>,
    pub stdout: Captured,
    /// The start of standard error (at most [`STDERR_KEPT`] bytes).
    pub stderr: Vec<u8>,
}

/// A child's standard output: in memory (from a mock, or a small capture),
/// or in a temporary file that is deleted with this value.
#[derive(Debug, PartialEq)]
pub enum Captured {
    Bytes(Vec<u8>),
    File(TempFile),
}

impl Default for Captured {
    fn default() -> Self {
        Captured::Bytes(Vec::new())
    }
}

impl From<Vec<u8>> for Captured {
    fn from(bytes: Vec<u8>) -> Self {
        Captured::Bytes(bytes)
    }
}

impl From<&[u8]> for Captured {
    fn from(bytes: &[u8]) -> Self {
        Captured::Bytes(bytes.to_vec())
    }
}

impl From<&str> for Captured {
    fn from(text: &str) -> Self {
        Captured::Bytes(text.as_bytes().to_vec())
    }
}

impl Captured {
    /// The output as a stream.
    pub fn reader(&self) -> std::io::Result<Box<dyn Read + '_>> {
        Ok(match self {
            Captured::Bytes(bytes) => Box::new(bytes.as_slice()),
            Captured::File(file) => Box::new(std::io::BufReader::new(File::open(&file.path)?)),
        })
    }
}

/// A file in the system's temporary directory, deleted when dropped.
#[derive(Debug, PartialEq)]
pub struct TempFile {
    pub path: PathBuf,
}

impl TempFile {
    /// Creates an empty file with a name no other run of this process uses.
    pub fn create(kind: &str) -> std::io::Result<(TempFile, File)> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("loxbench-{}-{n}.{kind}", std::process::id()));
        let file = File::create(&path)?;
        Ok((TempFile { path }, file))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Runs commands. `argv[0]` is the program, the rest its arguments; a run
/// longer than `limit` is stopped and reported with `timed_out`.
pub trait Executor {
    fn execute(&mut self, argv: &[String], limit: Duration) -> std::io::Result<RunResult>;
}

/// The real executor: a child process in its own process group (see
/// [`crate::process`]), with standard input closed and its output in
/// temporary files.
#[derive(Debug, Default)]
pub struct ProcessExecutor;

impl Executor for ProcessExecutor {
    fn execute(&mut self, argv: &[String], limit: Duration) -> std::io::Result<RunResult> {
        let Some((program, args)) = argv.split_first() else {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "empty command"));
        };
        let mut command = Command::new(program);
        command.args(args);
        run_command(&mut command, limit)
    }
}

/// Runs `command` (its program, arguments, environment and working directory
/// as the caller set them) as [`ProcessExecutor`] runs a command: in a
/// process group of its own, stopped after `limit`, standard input closed,
/// its output in temporary files.
pub fn run_command(command: &mut Command, limit: Duration) -> std::io::Result<RunResult> {
    let (stdout, stdout_file) = TempFile::create("stdout")?;
    let (stderr, stderr_file) = TempFile::create("stderr")?;
    command.stdin(Stdio::null()).stdout(stdout_file).stderr(stderr_file);
    let finished = process::run(command, limit)?;
    Ok(RunResult {
        wall: finished.wall,
        user: finished.usage.utime,
        system: finished.usage.stime,
        max_rss_bytes: finished.usage.maxrss,
        exit_code: finished.status.code(),
        timed_out: finished.timed_out.then_some(limit),
        stdout: Captured::File(stdout),
        stderr: read_start(&stderr.path, STDERR_KEPT)?,
    })
}

/// The first `limit` bytes of a file.
fn read_start(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut start = Vec::new();
    File::open(path)?.take(limit).read_to_end(&mut start)?;
    Ok(start)
}
