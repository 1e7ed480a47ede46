//! Profiles at the level of Lox: reading the engine's marker back out of the
//! samples, and folding the sampled Lox call stacks.
//!
//! In the profiling build every SIGPROF on the engine's thread reads the
//! engine's marker (`frontend::profiling::marker`) twice over (see
//! `tagging.rs`): the whole Lox call stack goes to an arena, for the
//! flamegraph of Lox functions alone, and the innermost function and the
//! current opcode or node kind ride in the native sample as frames whose
//! names spell their ids. This module turns both back into folded stacks:
//! the native frames with a last frame `lox: fib > Add`, and the Lox
//! functions alone (`script;fib;fib`).

use super::folded::{self, Stack};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The name of the tagging signal handler's frame, as the symbols give it.
pub const HANDLER_FRAME: &str = "harness::profile::tagging::on_sigprof";

/// The names of the digit frames, each followed by one hexadecimal digit.
pub const DIGIT_FRAME_PREFIX: &str = "harness::profile::tagging::digit_";

/// How many digit frames a tag has: four for each of its two 16-bit ids.
pub const DIGITS: u32 = 8;

/// The frame the marker becomes in a native stack starts with this.
pub const MARKER_PREFIX: &str = "lox: ";

/// The root frame of Lox samples taken while no Lox code ran.
pub const OUTSIDE_LOX: &str = "(no Lox code running: parsing, compiling, or the harness)";

/// What a native sample carried: the innermost Lox function's name id and
/// the current opcode's, node kind's or closure kind's (0: none).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tag {
    pub function: u32,
    pub what: u32,
}

/// One sample of the Lox call stack, as the signal handler copied it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoxSample {
    /// The call stack's depth when sampled.
    pub depth: usize,
    /// Function-name ids, outermost first: every frame, or for a deep stack
    /// the outermost frames and then the innermost (fewer than `depth`).
    pub frames: Vec<u32>,
    /// The opcode's, node kind's or closure kind's name id (0: none).
    pub what: u32,
}

/// The Lox-level files of one engine × program profile, relative to the
/// output directory.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LoxProfile {
    /// Samples of the Lox call stack (every SIGPROF on the engine's thread,
    /// including those pprof drops inside the C library).
    pub samples: u64,
    /// Samples whose Lox stack did not fit in the arena and is missing.
    #[serde(default)]
    pub overflowed: u64,
    /// The native stacks with the marker as their last frame; the main
    /// flamegraph is drawn from these.
    pub marked_folded: String,
    /// The Lox call stacks alone, and their flamegraph (none without
    /// samples).
    pub folded: String,
    pub flamegraph: Option<String>,
}

/// Splits a native stack (root first, as folded) into its own frames and
/// the tag that the tagging handler's frames spell. Frames of the handler
/// and the signal trampoline under it are removed; a stack with no handler
/// frame (pprof's own, or a build without tagging) is returned whole.
pub fn split_tag(frames: &[String]) -> (Vec<String>, Option<Tag>) {
    let Some(handler) = frames.iter().position(|frame| frame == HANDLER_FRAME) else {
        return (frames.to_vec(), None);
    };
    let mut code: u64 = 0;
    let mut digits = 0;
    for frame in &frames[handler + 1..] {
        let Some(digit) = frame.strip_prefix(DIGIT_FRAME_PREFIX).and_then(|d| u64::from_str_radix(d, 16).ok()) else {
            break;
        };
        code = (code << 4) | digit;
        digits += 1;
    }
    // The frame under the handler is the interrupted one: the unwinder
    // (libgcc's, through backtrace-rs) steps over the kernel's signal
    // trampoline. Were it ever reported, it would be `__restore_rt`.
    let own_end = match handler.checked_sub(1) {
        Some(below) if is_trampoline(&frames[below]) => below,
        _ => handler,
    };
    let tag = (digits == DIGITS).then_some(Tag { function: (code >> 16) as u32, what: (code & 0xffff) as u32 });
    (frames[..own_end].to_vec(), tag)
}

/// Whether a frame is the signal trampoline the kernel returns through.
fn is_trampoline(frame: &str) -> bool {
    frame == "__restore_rt"
}

/// The name of `id` in `names` (the profiling names registry, by id).
fn name_of(names: &[String], id: u32) -> &str {
    names.get(id as usize).map_or("(unnamed)", String::as_str)
}

/// The frame a tag becomes under the native frames: `lox: fib > Add`,
/// `lox: fib` when nothing finer is marked, or nothing when no Lox code ran.
pub fn marker_frame(tag: Tag, names: &[String]) -> Option<String> {
    let function = (tag.function != 0).then(|| name_of(names, tag.function));
    let what = (tag.what != 0).then(|| name_of(names, tag.what));
    let label = match (function, what) {
        (Some(function), Some(what)) => format!("{function} > {what}"),
        (Some(one), None) | (None, Some(one)) => one.to_string(),
        (None, None) => return None,
    };
    Some(format!("{MARKER_PREFIX}{}", label.replace(';', ":")))
}

/// The native stacks without the marker's last frame, for the hot-spot
/// tables, which are about Rust functions.
pub fn without_markers(stacks: &[Stack]) -> Vec<Stack> {
    let stripped: Vec<Stack> = stacks
        .iter()
        .map(|stack| {
            let mut frames = stack.frames.clone();
            if frames.last().is_some_and(|frame| frame.starts_with(MARKER_PREFIX)) {
                frames.pop();
            }
            Stack { frames, count: stack.count }
        })
        .filter(|stack| !stack.frames.is_empty())
        .collect();
    folded::merge(stripped)
}

/// The Lox call stacks as folded stacks of function names, outermost first;
/// a sample outside Lox code is one frame, [`OUTSIDE_LOX`].
pub fn lox_stacks(samples: &[LoxSample], names: &[String]) -> Vec<Stack> {
    let mut merged: HashMap<Vec<String>, u64> = HashMap::new();
    for sample in samples {
        let mut frames: Vec<String> = Vec::with_capacity(sample.frames.len() + 1);
        if sample.depth == 0 {
            frames.push(OUTSIDE_LOX.to_string());
        }
        let elided = sample.depth.saturating_sub(sample.frames.len());
        let half = sample.frames.len() / 2;
        for (index, id) in sample.frames.iter().enumerate() {
            if elided > 0 && index == half {
                frames.push(format!("(… {elided} frames …)"));
            }
            frames.push(name_of(names, *id).replace(';', ":"));
        }
        *merged.entry(frames).or_default() += 1;
    }
    folded::merge(merged.into_iter().map(|(frames, count)| Stack { frames, count }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(text: &str) -> Vec<String> {
        text.split(';').map(str::to_string).collect()
    }

    fn names() -> Vec<String> {
        ["", "script", "fib", "Add", "Less", "Tree.insert"].iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_tag_is_read_from_the_handler_frames_and_removed() {
        // fib (id 2) > Add (id 3): 0x0002_0003, most significant digit first.
        let digits = "0;0;0;2;0;0;0;3".split(';').map(|d| format!("{DIGIT_FRAME_PREFIX}{d}"));
        let mut stack = frames("run_once;vm::run;vm::add;__restore_rt");
        stack.push(HANDLER_FRAME.to_string());
        stack.extend(digits);
        let (own, tag) = split_tag(&stack);
        assert_eq!(own, frames("run_once;vm::run;vm::add"));
        assert_eq!(tag, Some(Tag { function: 2, what: 3 }));
        assert_eq!(marker_frame(tag.unwrap(), &names()).as_deref(), Some("lox: fib > Add"));

        let untagged = frames("run_once;vm::run");
        assert_eq!(split_tag(&untagged), (untagged.clone(), None));
        // Digits cut short (a stack truncated by the unwinder) give no tag.
        let mut short = frames("a;__restore_rt");
        short.push(HANDLER_FRAME.to_string());
        short.push(format!("{DIGIT_FRAME_PREFIX}1"));
        assert_eq!(split_tag(&short), (frames("a"), None));
    }

    #[test]
    fn marker_frames_name_what_is_marked() {
        let names = names();
        assert_eq!(marker_frame(Tag { function: 5, what: 0 }, &names).as_deref(), Some("lox: Tree.insert"));
        assert_eq!(marker_frame(Tag { function: 0, what: 4 }, &names).as_deref(), Some("lox: Less"));
        assert_eq!(marker_frame(Tag::default(), &names), None);
        assert_eq!(marker_frame(Tag { function: 99, what: 0 }, &names).as_deref(), Some("lox: (unnamed)"));
    }

    #[test]
    fn lox_stacks_fold_functions_only() {
        let sample = |depth, frames: &[u32], what| LoxSample { depth, frames: frames.to_vec(), what };
        let samples = [
            sample(3, &[1, 2, 2], 3),
            sample(3, &[1, 2, 2], 4),
            sample(2, &[1, 2], 3),
            sample(1, &[1], 0),
            sample(0, &[], 0),
            // A deep stack keeps its two ends.
            sample(10, &[1, 2, 2, 2], 3),
        ];
        let folded = folded::render(&lox_stacks(&samples, &names()));
        assert_eq!(
            folded,
            format!("{OUTSIDE_LOX} 1\nscript 1\nscript;fib 1\nscript;fib;(… 6 frames …);fib;fib 1\nscript;fib;fib 2\n")
        );
    }

    #[test]
    fn hot_spots_see_the_native_frames_only() {
        let stacks = folded::parse("a;b;lox: fib > Add 3\na;b;lox: fib > Less 2\na;c 1\n");
        assert_eq!(folded::render(&without_markers(&stacks)), "a;b 5\na;c 1\n");
    }
}
