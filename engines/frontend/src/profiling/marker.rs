//! What the engine is executing now, for a sampling profiler to read: the
//! Lox call stack (one function-name id per frame, see [`super::names`]) and
//! the id of the current opcode, node kind or closure kind.
//!
//! The profiler reads these from a signal handler, which may run at any
//! instruction of the engine and may take no lock and allocate nothing. So
//! the marker is a fixed set of atomics (a plain store or load on the
//! machines we run on), written by the engine with relaxed ordering: a
//! sample taken between two of the engine's stores may see one of them and
//! not the other (a frame's id a moment before its depth), which shifts one
//! sample by one frame and is harmless. One engine runs at a time in the
//! profiling process, so the marker is one global, not one per thread.

use crate::messages::MAX_FRAMES;
use std::sync::atomic::{AtomicU32, Ordering};

/// The deepest Lox call stack the marker holds: every frame a run may have.
pub const MAX_DEPTH: usize = MAX_FRAMES + 1;

static DEPTH: AtomicU32 = AtomicU32::new(0);
static FRAMES: [AtomicU32; MAX_DEPTH] = [const { AtomicU32::new(0) }; MAX_DEPTH];
static WHAT: AtomicU32 = AtomicU32::new(0);

/// Empties the marker, as a run starts.
pub fn clear() {
    DEPTH.store(0, Ordering::Relaxed);
    WHAT.store(0, Ordering::Relaxed);
}

/// The frame at `index` (0 is the script's) runs `function`, and is the
/// innermost.
#[inline(always)]
pub fn set_frame(index: usize, function: u32) {
    if let Some(slot) = FRAMES.get(index) {
        slot.store(function, Ordering::Relaxed);
        DEPTH.store(index as u32 + 1, Ordering::Relaxed);
    }
}

/// The call stack is `depth` frames deep again (after a return).
#[inline(always)]
pub fn set_depth(depth: usize) {
    DEPTH.store(depth as u32, Ordering::Relaxed);
}

/// The engine now executes `what` (an opcode's, a node kind's or a closure
/// kind's name id).
#[inline(always)]
pub fn set_what(what: u32) {
    WHAT.store(what, Ordering::Relaxed);
}

/// The current `what`.
#[inline(always)]
pub fn what() -> u32 {
    WHAT.load(Ordering::Relaxed)
}

/// Marks a frame for as long as the guard lives (for engines that call
/// recursively on the native stack): dropping it restores the depth.
#[derive(Debug)]
pub struct FrameGuard {
    depth: usize,
}

/// Marks the frame at `index` as running `function` until the guard drops.
#[inline(always)]
pub fn frame(index: usize, function: u32) -> FrameGuard {
    set_frame(index, function);
    FrameGuard { depth: index }
}

impl Drop for FrameGuard {
    #[inline(always)]
    fn drop(&mut self) {
        set_depth(self.depth);
    }
}

/// Marks what is executing until the guard drops, when the enclosing
/// node's mark comes back (for engines that evaluate nodes recursively, so
/// that the work a node does after its children ran is marked as its own).
#[derive(Debug)]
pub struct WhatGuard {
    previous: u32,
}

#[inline(always)]
pub fn mark_what(what: u32) -> WhatGuard {
    let previous = self::what();
    set_what(what);
    WhatGuard { previous }
}

impl Drop for WhatGuard {
    #[inline(always)]
    fn drop(&mut self) {
        set_what(self.previous);
    }
}

/// What counting a node gives an engine built without profiling: nothing to
/// keep and nothing to drop.
#[derive(Debug)]
pub struct NoMark;

/// The call stack's depth now. Safe in a signal handler: an atomic load.
#[inline(always)]
pub fn depth() -> usize {
    (DEPTH.load(Ordering::Relaxed) as usize).min(MAX_DEPTH)
}

/// The function-name id of the frame at `index` (0 is the script's), or 0
/// past the deepest frame the marker holds. Safe in a signal handler.
#[inline(always)]
pub fn frame_at(index: usize) -> u32 {
    FRAMES.get(index).map_or(0, |frame| frame.load(Ordering::Relaxed))
}

/// What a reader saw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// The call stack's depth (it may be more than the frames copied).
    pub depth: usize,
    /// The innermost frame's function-name id (0 when there is no frame).
    pub innermost: u32,
    pub what: u32,
}

/// Copies the outermost frames into `frames` (as many as fit) and returns
/// the rest of the marker. Safe in a signal handler: atomic loads only.
pub fn read(frames: &mut [u32]) -> Snapshot {
    let depth = (DEPTH.load(Ordering::Relaxed) as usize).min(MAX_DEPTH);
    for (slot, frame) in frames.iter_mut().zip(FRAMES.iter().take(depth)) {
        *slot = frame.load(Ordering::Relaxed);
    }
    let innermost = if depth == 0 { 0 } else { FRAMES[depth - 1].load(Ordering::Relaxed) };
    Snapshot { depth, innermost, what: WHAT.load(Ordering::Relaxed) }
}

/// Serialises this crate's tests that use the marker, which is one global.
#[cfg(test)]
pub(crate) static TEST_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_follows_calls_and_nodes() {
        let _lock = TEST_LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        clear();
        let mut frames = [0; 4];
        assert_eq!(read(&mut frames), Snapshot::default());
        {
            let _script = frame(0, 7);
            let _add = mark_what(3);
            {
                let _fib = frame(1, 9);
                let _less = mark_what(4);
                let seen = read(&mut frames);
                assert_eq!(seen, Snapshot { depth: 2, innermost: 9, what: 4 });
                assert_eq!(&frames[..2], &[7, 9]);
            }
            assert_eq!(read(&mut frames), Snapshot { depth: 1, innermost: 7, what: 3 });
        }
        assert_eq!(read(&mut frames).depth, 0);
        set_frame(0, 7);
        set_frame(1, 8);
        set_frame(2, 9);
        let mut one = [0; 1];
        assert_eq!(read(&mut one), Snapshot { depth: 3, innermost: 9, what: 0 });
        assert_eq!(one, [7]);
        assert_eq!((depth(), frame_at(1), frame_at(MAX_DEPTH)), (3, 8, 0));
        clear();
    }
}
