//! Child processes the harness can always stop.
//!
//! Each child runs in a process group of its own, so that stopping it stops
//! everything it started too: a peer that is a shell script, or a command
//! that forks helpers, leaves nothing behind. A child is stopped (its whole
//! group killed with SIGKILL) when it runs past its time limit, and every
//! live child is stopped when the harness itself receives SIGINT, SIGTERM or
//! SIGHUP, before the harness ends by that signal.
//!
//! A process group is named by its leader's process id, and a process id is
//! free for reuse once the process is reaped. So the harness first waits for
//! the child to exit without reaping it (`waitid` with `WNOWAIT`), stops the
//! time limit's watchdog, kills whatever the child left in its group, and
//! only then reaps it: no kill can reach an unrelated process that happens
//! to get the same id later.

use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::{Id, WaitPidFlag, waitid};
use nix::unistd::Pid;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use wait4::Wait4;

/// The process groups of the children started and not yet reaped.
static LIVE: Mutex<Vec<i32>> = Mutex::new(Vec::new());

/// What the harness says when it is interrupted (set by the command that
/// is running, e.g. where the records measured so far are kept).
static INTERRUPT_NOTE: Mutex<Option<String>> = Mutex::new(None);

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Makes SIGINT, SIGTERM and SIGHUP stop every live child's process group,
/// print the interrupt note, and then end the harness by the signal. Call
/// once, at start.
pub fn stop_children_on_termination() -> std::io::Result<()> {
    lox::output::on_termination(|| {
        let live = lock(&LIVE);
        for &group in live.iter() {
            let _ = killpg(Pid::from_raw(group), Signal::SIGKILL);
        }
        if let Some(note) = lock(&INTERRUPT_NOTE).as_ref() {
            eprintln!("\nInterrupted: {note}");
        }
        // The lock stays held until the process ends, so that no child is
        // started after the others were stopped.
        std::mem::forget(live);
    })
}

/// Sets (or clears) what the harness says if it is interrupted now.
pub fn set_interrupt_note(note: Option<String>) {
    *lock(&INTERRUPT_NOTE) = note;
}

/// How a child ended.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub usage: wait4::ResourceUsage,
    /// From just before the spawn to the child's exit.
    pub wall: Duration,
    /// Whether it was stopped for running past its limit.
    pub timed_out: bool,
}

/// Starts `command` in a process group of its own and waits for it; after
/// `limit`, kills the group. Standard input, output and error are as the
/// caller set them.
pub fn run(command: &mut Command, limit: Duration) -> std::io::Result<Finished> {
    command.process_group(0);
    let start = Instant::now();
    let mut child = spawn_registered(command)?;
    let group = Pid::from_raw(child.id() as i32);

    let (cancel, cancelled) = mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || match cancelled.recv_timeout(limit) {
        Err(RecvTimeoutError::Timeout) => killpg(group, Signal::SIGKILL).is_ok(),
        _ => false,
    });
    wait_for_exit(group);
    let wall = start.elapsed();
    drop(cancel);
    let fired = watchdog.join().unwrap_or(false);

    let usage = reap(&mut child, group)?;
    // A watchdog that fired as the child was exiting by itself did not stop it.
    let timed_out = fired && usage.status.signal() == Some(Signal::SIGKILL as i32);
    Ok(Finished { status: usage.status, usage: usage.rusage, wall, timed_out })
}

/// Spawns a child that the termination handler will stop.
pub fn spawn_registered(command: &mut Command) -> std::io::Result<Child> {
    command.process_group(0);
    // Registered under the lock, so that a signal arriving during the spawn
    // finds the child.
    let mut live = lock(&LIVE);
    let child = command.spawn()?;
    live.push(child.id() as i32);
    Ok(child)
}

/// Waits for a child spawned by [`spawn_registered`] with no time limit,
/// then stops anything left in its group and reaps it.
pub fn wait_registered(child: &mut Child) -> std::io::Result<ExitStatus> {
    let group = Pid::from_raw(child.id() as i32);
    wait_for_exit(group);
    Ok(reap(child, group)?.status)
}

/// Blocks until `pid` has exited, leaving it a zombie (not reaped).
fn wait_for_exit(pid: Pid) {
    loop {
        match waitid(Id::Pid(pid), WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT) {
            Err(nix::errno::Errno::EINTR) => continue,
            // Exited, or cannot be waited for: reaping will say which.
            _ => return,
        }
    }
}

/// Kills what the exited child left in its group, reaps it and forgets it.
fn reap(child: &mut Child, group: Pid) -> std::io::Result<wait4::ResUse> {
    let mut live = lock(&LIVE);
    // The leader is a zombie, so the group's id still names this group.
    let _ = killpg(group, Signal::SIGKILL);
    let usage = child.wait4();
    live.retain(|&pid| pid != group.as_raw());
    usage
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_past_its_limit_is_stopped_with_everything_it_started() {
        let dir = std::env::temp_dir().join(format!("loxbench-process-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let marker = dir.join("grandchild-ran");
        // The shell starts a grandchild that would write the marker after
        // two seconds, then waits forever.
        let script = format!("(sleep 2; touch {}) & sleep 1000", marker.display());
        let finished = run(Command::new("sh").args(["-c", &script]), Duration::from_millis(300)).unwrap();
        assert!(finished.timed_out);
        assert!(finished.wall < Duration::from_secs(5), "{:?}", finished.wall);
        std::thread::sleep(Duration::from_secs(3));
        assert!(!marker.exists(), "the grandchild was stopped with its group");
        assert!(lock(&LIVE).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_child_that_finishes_in_time_keeps_its_exit_code() {
        let finished = run(Command::new("sh").args(["-c", "exit 3"]), Duration::from_secs(60)).unwrap();
        assert!(!finished.timed_out);
        assert_eq!(finished.status.code(), Some(3));
    }
}
