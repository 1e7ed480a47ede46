//! Standard output as a Lox program writes it, and what happens to it when
//! the process is told to stop.
//!
//! On a terminal, output is line-buffered: each line appears as the program
//! prints it, as a person watching expects. Anywhere else (a pipe, a file,
//! the harness's measured child) it goes through a 64 KiB buffer, so that a
//! program printing a line per iteration costs a system call per 64 KiB,
//! not per line.
//!
//! A buffer loses its contents when the process is killed by a signal, so
//! [`ProgramOutput`] keeps its buffer where [`flush_on_termination`] can
//! reach it: on SIGINT, SIGTERM or SIGHUP, a listening thread flushes what
//! the program printed so far and only then lets the signal end the process.
//! Sharing the buffer costs one uncontended lock per write.

use std::io::{BufWriter, IsTerminal, Stdout, Write};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// The buffer size when standard output is not a terminal.
pub const BUFFER_SIZE: usize = 1 << 16;

/// The signals that end a process by default and that a user or a
/// supervisor sends to stop a program: Ctrl-C, `kill`, a closed terminal.
pub const TERMINATION_SIGNALS: [i32; 3] =
    [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP];

/// The process's standard output, buffered as the module documentation says.
/// Clones share one buffer.
#[derive(Clone)]
pub struct ProgramOutput {
    buffer: Arc<Mutex<Buffer>>,
}

enum Buffer {
    /// A terminal: std's own `Stdout`, which flushes at every newline.
    Lines(Stdout),
    Blocks(BufWriter<Stdout>),
}

impl ProgramOutput {
    /// Standard output, line-buffered when it is a terminal.
    pub fn stdout() -> ProgramOutput {
        let stdout = std::io::stdout();
        let buffer = if stdout.is_terminal() {
            Buffer::Lines(stdout)
        } else {
            Buffer::Blocks(BufWriter::with_capacity(BUFFER_SIZE, stdout))
        };
        ProgramOutput { buffer: Arc::new(Mutex::new(buffer)) }
    }

    /// Whether each line is written as soon as it is complete.
    pub fn is_line_buffered(&self) -> bool {
        matches!(*self.lock(), Buffer::Lines(_))
    }

    fn lock(&self) -> MutexGuard<'_, Buffer> {
        // A panic while writing leaves bytes that are still worth flushing.
        self.buffer.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Write for ProgramOutput {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match &mut *self.lock() {
            Buffer::Lines(out) => out.write(bytes),
            Buffer::Blocks(out) => out.write(bytes),
        }
    }

    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match &mut *self.lock() {
            Buffer::Lines(out) => out.write_all(bytes),
            Buffer::Blocks(out) => out.write_all(bytes),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut *self.lock() {
            Buffer::Lines(out) => out.flush(),
            Buffer::Blocks(out) => out.flush(),
        }
    }
}

/// Flushes `output` when a termination signal arrives, then lets the signal
/// end the process as it would have without a handler (so the parent still
/// sees "killed by SIGTERM"). Returns an error when the handler cannot be
/// installed; the program then runs without it.
pub fn flush_on_termination(output: &ProgramOutput) -> std::io::Result<()> {
    let mut output = output.clone();
    on_termination(move || {
        let _ = output.flush();
    })
}

/// Runs `cleanup` on a thread of its own when the process receives SIGINT,
/// SIGTERM or SIGHUP, then ends the process by that signal's default action.
/// The cleanup runs outside the signal handler, so it may lock, write and
/// kill other processes.
pub fn on_termination(mut cleanup: impl FnMut() + Send + 'static) -> std::io::Result<()> {
    let mut signals = signal_hook::iterator::Signals::new(TERMINATION_SIGNALS)?;
    std::thread::Builder::new().name("termination".into()).spawn(move || {
        if let Some(signal) = signals.forever().next() {
            cleanup();
            let _ = signal_hook::low_level::emulate_default_handler(signal);
            std::process::exit(128 + signal);
        }
    })?;
    Ok(())
}
