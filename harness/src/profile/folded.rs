//! Folded stacks (`root;caller;callee 42`, one stack per line, the format
//! inferno and Brendan Gregg's flamegraph tools read) and the hot-spot tables
//! computed from them: self time (the sample's leaf frame), total time (any
//! frame on the stack, counted once per stack) and self time grouped by
//! module.

use std::collections::HashMap;

/// One stack and how many samples landed on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stack {
    /// Root first, leaf last.
    pub frames: Vec<String>,
    pub count: u64,
}

/// Parses folded lines; blank lines and lines without a count are skipped.
pub fn parse(text: &str) -> Vec<Stack> {
    text.lines()
        .filter_map(|line| {
            let (stack, count) = line.trim_end().rsplit_once(' ')?;
            let count = count.parse().ok()?;
            let frames = stack.split(';').filter(|f| !f.is_empty()).map(str::to_string).collect::<Vec<_>>();
            (!frames.is_empty()).then_some(Stack { frames, count })
        })
        .collect()
}

/// Renders stacks as folded lines, sorted so the file is stable.
pub fn render(stacks: &[Stack]) -> String {
    let mut lines: Vec<String> = stacks.iter().map(|s| format!("{} {}\n", s.frames.join(";"), s.count)).collect();
    lines.sort();
    lines.concat()
}

/// Rewrites each stack: frames above the last one `is_root` accepts are cut
/// (thread start-up that every sample shares), and frames from the first
/// one `is_collapsed` accepts onward become the single frame `collapsed_as`.
/// Stacks that become equal are merged.
pub fn trim(
    stacks: &[Stack],
    is_root: impl Fn(&str) -> bool,
    is_collapsed: impl Fn(&str) -> bool,
    collapsed_as: &str,
) -> Vec<Stack> {
    let trimmed = stacks
        .iter()
        .map(|stack| Stack {
            frames: trim_frames(&stack.frames, &is_root, &is_collapsed, collapsed_as),
            count: stack.count,
        })
        .collect();
    merge(trimmed)
}

/// [`trim`] for one stack's frames.
pub fn trim_frames(
    frames: &[String],
    is_root: impl Fn(&str) -> bool,
    is_collapsed: impl Fn(&str) -> bool,
    collapsed_as: &str,
) -> Vec<String> {
    let start = frames.iter().rposition(|f| is_root(f)).unwrap_or(0);
    let mut kept: Vec<String> = Vec::with_capacity(frames.len() - start);
    for frame in &frames[start..] {
        if is_collapsed(frame) {
            kept.push(collapsed_as.to_string());
            break;
        }
        kept.push(frame.clone());
    }
    kept
}

/// Adds up the counts of equal stacks; the result is sorted by frames.
pub fn merge(stacks: Vec<Stack>) -> Vec<Stack> {
    let mut merged: HashMap<Vec<String>, u64> = HashMap::new();
    for stack in stacks {
        *merged.entry(stack.frames).or_default() += stack.count;
    }
    let mut stacks: Vec<Stack> = merged.into_iter().map(|(frames, count)| Stack { frames, count }).collect();
    stacks.sort_by(|a, b| a.frames.cmp(&b.frames));
    stacks
}

/// A function or module and its share of the samples.
#[derive(Clone, Debug, PartialEq)]
pub struct HotSpot {
    pub name: String,
    pub samples: u64,
    /// `samples` as a fraction of all samples, 0 to 1.
    pub share: f64,
}

/// The total number of samples.
pub fn total(stacks: &[Stack]) -> u64 {
    stacks.iter().map(|s| s.count).sum()
}

/// The `n` functions with the most samples as the leaf frame.
pub fn top_self(stacks: &[Stack], n: usize) -> Vec<HotSpot> {
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for stack in stacks {
        if let Some(leaf) = stack.frames.last() {
            *counts.entry(leaf).or_default() += stack.count;
        }
    }
    top(counts, total(stacks), n)
}

/// The `n` functions, among those `keep` accepts, with the most samples
/// anywhere on the stack (a recursive function counts once per sample).
pub fn top_total(stacks: &[Stack], n: usize, keep: impl Fn(&str) -> bool) -> Vec<HotSpot> {
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for stack in stacks {
        let mut seen: Vec<&str> = Vec::with_capacity(stack.frames.len());
        for frame in &stack.frames {
            if keep(frame) && !seen.contains(&frame.as_str()) {
                seen.push(frame);
                *counts.entry(frame).or_default() += stack.count;
            }
        }
    }
    top(counts, total(stacks), n)
}

/// The `n` modules with the most self samples.
pub fn top_modules(stacks: &[Stack], n: usize) -> Vec<HotSpot> {
    let mut counts: HashMap<String, u64> = HashMap::new();
    for stack in stacks {
        if let Some(leaf) = stack.frames.last() {
            *counts.entry(module_of(leaf)).or_default() += stack.count;
        }
    }
    let total = total(stacks);
    let mut spots: Vec<HotSpot> =
        counts.into_iter().map(|(name, samples)| HotSpot { share: share(samples, total), name, samples }).collect();
    sort_and_cut(&mut spots, n);
    spots
}

fn top(counts: HashMap<&str, u64>, total: u64, n: usize) -> Vec<HotSpot> {
    let mut spots: Vec<HotSpot> = counts
        .into_iter()
        .map(|(name, samples)| HotSpot { name: name.to_string(), samples, share: share(samples, total) })
        .collect();
    sort_and_cut(&mut spots, n);
    spots
}

fn share(samples: u64, total: u64) -> f64 {
    if total == 0 { 0.0 } else { samples as f64 / total as f64 }
}

fn sort_and_cut(spots: &mut Vec<HotSpot>, n: usize) {
    spots.sort_by(|a, b| b.samples.cmp(&a.samples).then_with(|| a.name.cmp(&b.name)));
    spots.truncate(n);
}

/// The module a function belongs to: its path without the type and function
/// names. `hashmap_walker::eval::Interpreter::evaluate` → `hashmap_walker::eval`;
/// `<hashmap_walker::value::Value as core::clone::Clone>::clone` →
/// `hashmap_walker::value`; a name with no path (`malloc`) is its own module.
pub fn module_of(function: &str) -> String {
    // For a trait method, the implementing type says where the code lives.
    let path = function.strip_prefix('<').map_or(function, |inner| inner.split(" as ").next().unwrap_or(inner));
    let path = path.split('<').next().unwrap_or(path);
    let segments: Vec<&str> = path.split("::").collect();
    if segments.len() < 2 {
        return function.to_string();
    }
    let module: Vec<&str> = segments[..segments.len() - 1]
        .iter()
        .take_while(|segment| segment.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_'))
        .copied()
        .filter(|segment| !segment.starts_with('{'))
        .collect();
    if module.is_empty() { segments[0].to_string() } else { module.join("::") }
}

/// The crate a function belongs to (`hashmap_walker`, `core`), by the same
/// rules as [`module_of`].
pub fn crate_of(function: &str) -> String {
    let module = module_of(function);
    module.split("::").next().unwrap_or(&module).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FOLDED: &str = "\
main;run;eval;lookup;hash 30
main;run;eval;lookup 10
main;run;eval;eval;add 20
main;run;alloc 40

not a stack line
";

    #[test]
    fn folded_lines_parse_and_render_back() {
        let stacks = parse(FOLDED);
        assert_eq!(stacks.len(), 4);
        assert_eq!(
            stacks[0],
            Stack {
                frames: vec!["main".into(), "run".into(), "eval".into(), "lookup".into(), "hash".into()],
                count: 30
            }
        );
        assert_eq!(total(&stacks), 100);
        assert_eq!(parse(&render(&stacks)).len(), 4);
    }

    #[test]
    fn trimming_cuts_the_shared_root_and_collapses_the_allocator() {
        let stacks = parse(
            "start;thread;sample;run;eval 5\nstart;thread;sample;run;alloc;stats_alloc::f;atomic 3\nstart;thread;sample;run;alloc;stats_alloc::g 2\n",
        );
        let trimmed = trim(&stacks, |f| f == "sample", |f| f.starts_with("stats_alloc"), "(allocator)");
        assert_eq!(render(&trimmed), "sample;run;alloc;(allocator) 5\nsample;run;eval 5\n");
    }

    #[test]
    fn self_time_is_the_leaf() {
        let top = top_self(&parse(FOLDED), 2);
        assert_eq!(
            top.iter().map(|h| (h.name.as_str(), h.samples)).collect::<Vec<_>>(),
            vec![("alloc", 40), ("hash", 30)]
        );
        assert!((top[0].share - 0.4).abs() < 1e-12);
    }

    #[test]
    fn total_time_counts_a_recursive_frame_once() {
        let top = top_total(&parse(FOLDED), 3, |f| f != "main");
        assert_eq!(
            top.iter().map(|h| (h.name.as_str(), h.samples)).collect::<Vec<_>>(),
            // `alloc` and `lookup` tie at 40; ties go by name.
            vec![("run", 100), ("eval", 60), ("alloc", 40)]
        );
    }

    #[test]
    fn modules_group_functions() {
        assert_eq!(module_of("hashmap_walker::eval::Interpreter::evaluate"), "hashmap_walker::eval");
        assert_eq!(module_of("<hashmap_walker::value::Value as core::clone::Clone>::clone"), "hashmap_walker::value");
        assert_eq!(module_of("hashmap_walker::env::lookup"), "hashmap_walker::env");
        assert_eq!(module_of("core::ptr::drop_in_place<hashmap_walker::value::Value>"), "core::ptr");
        assert_eq!(module_of("hashbrown::raw::RawTable<T,A>::find"), "hashbrown::raw");
        assert_eq!(module_of("malloc"), "malloc");
        assert_eq!(crate_of("hashmap_walker::eval::Interpreter::evaluate"), "hashmap_walker");

        let stacks = parse("a;x::f::g 3\na;x::f::h 2\na;y::k 4\n");
        let top = top_modules(&stacks, 5);
        assert_eq!(top.iter().map(|h| (h.name.as_str(), h.samples)).collect::<Vec<_>>(), vec![("x::f", 5), ("y", 4)]);
    }
}
