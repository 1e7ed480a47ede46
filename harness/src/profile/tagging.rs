//! How each pprof sample comes to carry the engine's marker (what Lox code
//! runs): the harness's one module with `unsafe` code, fenced here.
//!
//! pprof offers no hook into its signal handler, and it merges samples by
//! their stack of native frames alone, so a marker read anywhere else could
//! not be paired with a sample. This module therefore puts its own handler
//! for SIGPROF in front of pprof's, for as long as a [`Tagger`] lives. On
//! every signal that lands on the engine's thread, the handler
//!
//! 1. reads the marker (`frontend::profiling::marker`: atomics only) and
//!    appends the whole Lox call stack and the current opcode or node kind
//!    to a fixed arena, for the Lox-only flamegraph;
//! 2. calls pprof's handler through a chain of [`DIGITS`] small functions,
//!    one frame per hexadecimal digit of the innermost function's name id
//!    and of the current opcode's or node kind's. pprof unwinds from inside
//!    its own handler, so those frames are part of the very sample it
//!    records, and [`super::lox::split_tag`] reads the two ids back from the
//!    frames' names after the run.
//!
//! The pairing is exact: the marker and the native stack come from the same
//! signal, while the engine's thread is stopped. The frames cost the sample
//! ten of pprof's 128 frames of depth (the digits, this handler and the
//! frame pprof drops after its own); deep stacks lose their outermost
//! frames ten sooner.
//!
//! Everything the handler does is async-signal-safe: atomic loads and
//! stores, a thread-local flag initialised at compile time, and calls of
//! plain functions; it takes no lock and allocates nothing.

use super::lox::{DIGITS, LoxSample};
use frontend::profiling::marker;
use nix::libc::{c_int, c_void, siginfo_t};
use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use std::cell::Cell;
use std::hint::black_box;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};

/// The most frames of one Lox call stack the arena keeps: deeper stacks keep
/// their outermost and innermost halves.
pub const MAX_STORED_FRAMES: usize = 64;

/// The arena's size in 32-bit words (16 MiB, allocated once per process):
/// a sample takes 3 words plus its frames, so it holds over four minutes of
/// samples at 250 Hz even when every stack is as deep as the arena keeps.
const ARENA_WORDS: usize = 1 << 22;

/// The handler pprof installed, which ours calls.
type Handler = extern "C" fn(c_int, *mut siginfo_t, *mut c_void);

static PREVIOUS: OnceLock<Handler> = OnceLock::new();
static ARENA: OnceLock<Box<[AtomicU32]>> = OnceLock::new();
/// The first free word of the arena.
static NEXT: AtomicUsize = AtomicUsize::new(0);
/// Samples that found the arena full (their Lox stacks are lost; their
/// native samples keep their tag).
static OVERFLOWED: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// Whether this thread runs the engine being profiled. Initialised at
    /// compile time and without a destructor, so reading it in a signal
    /// handler is a plain thread-local load.
    static ON_ENGINE_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// The Lox stacks sampled while a [`Tagger`] lived.
#[derive(Clone, Debug, Default)]
pub struct LoxSamples {
    pub samples: Vec<LoxSample>,
    /// Samples that found the arena full.
    pub overflowed: u64,
}

/// Our handler in front of pprof's, on this thread's samples, until dropped
/// or [`Tagger::finish`]ed. Build it after pprof's guard (whose handler it
/// calls) and finish it before that guard is dropped.
#[derive(Debug)]
pub struct Tagger {
    restored: bool,
}

impl Tagger {
    /// Installs the handler; the calling thread is the engine's.
    pub fn install() -> anyhow::Result<Tagger> {
        let arena = ARENA.get_or_init(|| (0..ARENA_WORDS).map(|_| AtomicU32::new(0)).collect());
        debug_assert_eq!(arena.len(), ARENA_WORDS);
        NEXT.store(0, Ordering::Relaxed);
        OVERFLOWED.store(0, Ordering::Relaxed);
        ON_ENGINE_THREAD.with(|flag| flag.set(true));
        let ours = SigAction::new(
            SigHandler::SigAction(on_sigprof),
            SaFlags::SA_SIGINFO | SaFlags::SA_RESTART,
            SigSet::empty(),
        );
        // SAFETY: `on_sigprof` is async-signal-safe (see the module's
        // documentation) and calls only the handler it replaces, which was
        // installed for this very signal.
        let previous = unsafe { sigaction(Signal::SIGPROF, &ours) }?;
        let SigHandler::SigAction(previous) = previous.handler() else {
            // SAFETY: putting back exactly what was there.
            let _ = unsafe { sigaction(Signal::SIGPROF, &previous) };
            ON_ENGINE_THREAD.with(|flag| flag.set(false));
            anyhow::bail!("no profiler's handler is installed for SIGPROF to call");
        };
        // pprof's handler is one function, so it is the same on every
        // install; anything else would be called with the wrong handler.
        let kept = *PREVIOUS.get_or_init(|| previous);
        if !std::ptr::fn_addr_eq(kept, previous) {
            // SAFETY: putting back exactly what was there.
            let _ = unsafe {
                sigaction(
                    Signal::SIGPROF,
                    &SigAction::new(
                        SigHandler::SigAction(previous),
                        SaFlags::SA_SIGINFO | SaFlags::SA_RESTART,
                        SigSet::empty(),
                    ),
                )
            };
            ON_ENGINE_THREAD.with(|flag| flag.set(false));
            anyhow::bail!("another handler than the first one is installed for SIGPROF");
        }
        Ok(Tagger { restored: false })
    }

    /// Puts pprof's handler back and returns the Lox stacks sampled.
    pub fn finish(mut self) -> LoxSamples {
        self.restore();
        let arena = ARENA.get().expect("allocated by install");
        let end = NEXT.load(Ordering::Acquire).min(arena.len());
        let mut samples = Vec::new();
        let mut at = 0;
        while at + 3 <= end {
            let stored = arena[at].load(Ordering::Relaxed) as usize;
            let depth = arena[at + 1].load(Ordering::Relaxed) as usize;
            let what = arena[at + 2].load(Ordering::Relaxed);
            let frames = arena[at + 3..at + 3 + stored].iter().map(|word| word.load(Ordering::Relaxed)).collect();
            samples.push(LoxSample { depth, frames, what });
            at += 3 + stored;
        }
        LoxSamples { samples, overflowed: OVERFLOWED.load(Ordering::Relaxed) }
    }

    fn restore(&mut self) {
        if self.restored {
            return;
        }
        self.restored = true;
        ON_ENGINE_THREAD.with(|flag| flag.set(false));
        let previous = *PREVIOUS.get().expect("set by install");
        let action =
            SigAction::new(SigHandler::SigAction(previous), SaFlags::SA_SIGINFO | SaFlags::SA_RESTART, SigSet::empty());
        // SAFETY: reinstalls the handler that `install` found, as it was.
        if let Err(error) = unsafe { sigaction(Signal::SIGPROF, &action) } {
            eprintln!("warning: could not give SIGPROF back to the profiler ({error})");
        }
    }
}

impl Drop for Tagger {
    fn drop(&mut self) {
        self.restore();
    }
}

/// Our SIGPROF handler: records the Lox stack, then calls pprof's handler
/// with the sample's tag in the frames between.
extern "C" fn on_sigprof(signal: c_int, info: *mut siginfo_t, context: *mut c_void) {
    let tag = if ON_ENGINE_THREAD.with(Cell::get) { record() } else { 0 };
    next_digit(tag, DIGITS, signal, info, context);
    // Keeps the call above from becoming a jump, so this frame stays.
    black_box(());
}

/// Appends the marker to the arena; returns the tag: the innermost
/// function's id in the high 16 bits, the current `what` in the low 16
/// (each 0xffff when it does not fit).
fn record() -> u64 {
    let depth = marker::depth();
    let what = marker::what();
    let innermost = if depth == 0 { 0 } else { marker::frame_at(depth - 1) };
    let stored = depth.min(MAX_STORED_FRAMES);
    let arena = ARENA.get().expect("allocated before the handler is installed");
    // One writer only: the engine's thread, on which SIGPROF is blocked
    // while its handler runs, so a load and a store claim the space.
    let at = NEXT.load(Ordering::Relaxed);
    if at + 3 + stored > arena.len() {
        OVERFLOWED.fetch_add(1, Ordering::Relaxed);
    } else {
        arena[at].store(stored as u32, Ordering::Relaxed);
        arena[at + 1].store(depth as u32, Ordering::Relaxed);
        arena[at + 2].store(what, Ordering::Relaxed);
        let half = MAX_STORED_FRAMES / 2;
        for slot in 0..stored {
            let index = if depth <= MAX_STORED_FRAMES || slot < half { slot } else { depth - (stored - slot) };
            arena[at + 3 + slot].store(marker::frame_at(index), Ordering::Relaxed);
        }
        NEXT.store(at + 3 + stored, Ordering::Release);
    }
    (u64::from(innermost.min(0xffff)) << 16) | u64::from(what.min(0xffff))
}

/// Calls the digit function for the next of the `left` digits of `tag`
/// (most significant first), or pprof's handler when none is left.
#[inline(always)]
fn next_digit(tag: u64, left: u32, signal: c_int, info: *mut siginfo_t, context: *mut c_void) {
    if left == 0 {
        return forward(signal, info, context);
    }
    let digit = (tag >> (4 * (left - 1))) & 0xf;
    DIGIT_FUNCTIONS[digit as usize](tag, left - 1, signal, info, context);
}

/// The frame directly under pprof's handler, which pprof drops with its own
/// (it takes that one for the signal trampoline).
#[inline(never)]
fn forward(signal: c_int, info: *mut siginfo_t, context: *mut c_void) {
    let previous = PREVIOUS.get().expect("set before the handler is installed");
    previous(signal, info, context);
    black_box(());
}

type Digit = fn(u64, u32, c_int, *mut siginfo_t, *mut c_void);

macro_rules! digits {
    ($($name:ident = $value:literal,)*) => {
        $(
            /// One frame of a sample's tag: this digit.
            #[inline(never)]
            fn $name(tag: u64, left: u32, signal: c_int, info: *mut siginfo_t, context: *mut c_void) {
                next_digit(tag, left, signal, info, context);
                // A different constant in each keeps the functions apart
                // (never merged into one address) and the call above from
                // becoming a jump.
                black_box($value);
            }
        )*
        const DIGIT_FUNCTIONS: [Digit; 16] = [$($name,)*];
    };
}

digits! {
    digit_0 = 0u8, digit_1 = 1u8, digit_2 = 2u8, digit_3 = 3u8,
    digit_4 = 4u8, digit_5 = 5u8, digit_6 = 6u8, digit_7 = 7u8,
    digit_8 = 8u8, digit_9 = 9u8, digit_a = 10u8, digit_b = 11u8,
    digit_c = 12u8, digit_d = 13u8, digit_e = 14u8, digit_f = 15u8,
}
