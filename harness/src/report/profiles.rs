//! The report's profiling section: allocations and work next to time, and
//! for each engine its hot spots (by self time, by total time within the
//! engine's own code, and by module), read from the saved folded stacks, with
//! a link to every flamegraph.

use super::analysis::Analysis;
use super::format;
use crate::profile::EngineProfile;
use crate::profile::folded::{self, HotSpot, Stack};
use crate::profile::rung_diffs::RungDiff;
use crate::results::Provenance;
use std::collections::HashMap;
use std::fmt::Write;
use std::path::Path;

/// How many rows each hot-spot table shows.
const TOP: usize = 8;

/// The saved profiles of a report directory, with their stacks loaded.
#[derive(Clone, Debug)]
pub struct Profiles {
    pub provenance: Provenance,
    pub profiles: Vec<(EngineProfile, Vec<Stack>)>,
    /// The differential Lox-level flamegraphs of adjacent rungs, once drawn
    /// ([`Profiles::draw_rung_diffs`]).
    pub rung_diffs: Vec<RungDiff>,
}

impl Profiles {
    /// Loads `profile.jsonl` and the folded stacks it names, if present.
    pub fn load(out_dir: &Path) -> anyhow::Result<Option<Profiles>> {
        let Some((provenance, profiles)) = crate::profile::read_profiles(out_dir)? else { return Ok(None) };
        let profiles = profiles
            .into_iter()
            .map(|profile| {
                let text = std::fs::read_to_string(out_dir.join(&profile.folded)).unwrap_or_default();
                let stacks = folded::parse(&text);
                (profile, stacks)
            })
            .collect();
        Ok(Some(Profiles { provenance, profiles, rung_diffs: Vec::new() }))
    }

    /// Draws the differential Lox-level flamegraph of every adjacent pair
    /// of rungs into `out_dir` and keeps the list for the pages that link
    /// them.
    pub fn draw_rung_diffs(&mut self, out_dir: &Path) -> anyhow::Result<()> {
        let profiles: Vec<EngineProfile> = self.profiles.iter().map(|(p, _)| p.clone()).collect();
        self.rung_diffs = crate::profile::rung_diffs::render_all(out_dir, &profiles)?;
        Ok(())
    }

    /// The differential flamegraphs whose upper rung is `engine`.
    pub fn diffs_onto(&self, engine: &str) -> Vec<&RungDiff> {
        self.rung_diffs.iter().filter(|diff| diff.upper == engine).collect()
    }

    fn engines(&self) -> Vec<&str> {
        let mut engines: Vec<&str> = Vec::new();
        for (profile, _) in &self.profiles {
            if !engines.contains(&profile.engine.as_str()) {
                engines.push(&profile.engine);
            }
        }
        engines
    }
}

/// Whether a frame is the engine's own code (or the shared front end's).
pub fn is_engine_frame(engine: &str, frame: &str) -> bool {
    let krate = folded::crate_of(frame);
    krate == crate::variant::engine_of(engine).replace('-', "_") || krate == "frontend" || krate == "cycle_collector"
}

/// The mean share of each function over several profiles, so that every
/// program counts alike however long it ran.
fn mean_shares(tables: &[Vec<HotSpot>]) -> Vec<HotSpot> {
    let mut sums: HashMap<&str, (u64, f64)> = HashMap::new();
    for table in tables {
        for spot in table {
            let entry = sums.entry(&spot.name).or_default();
            entry.0 += spot.samples;
            entry.1 += spot.share;
        }
    }
    let count = tables.len().max(1) as f64;
    let mut spots: Vec<HotSpot> = sums
        .into_iter()
        .map(|(name, (samples, share))| HotSpot { name: name.to_string(), samples, share: share / count })
        .collect();
    spots.sort_by(|a, b| b.share.total_cmp(&a.share).then_with(|| a.name.cmp(&b.name)));
    spots.truncate(TOP);
    spots
}

/// The hot spots of one engine over all its profiled programs: (self,
/// total within the engine, modules).
pub fn engine_hot_spots(profiles: &Profiles, engine: &str) -> (Vec<HotSpot>, Vec<HotSpot>, Vec<HotSpot>) {
    let stacks: Vec<&Vec<Stack>> = profiles
        .profiles
        .iter()
        .filter(|(p, s)| p.engine == engine && p.passed && !s.is_empty())
        .map(|(_, s)| s)
        .collect();
    let by_self: Vec<Vec<HotSpot>> = stacks.iter().map(|s| folded::top_self(s, usize::MAX)).collect();
    let by_total: Vec<Vec<HotSpot>> =
        stacks.iter().map(|s| folded::top_total(s, usize::MAX, |f| is_engine_frame(engine, f))).collect();
    let by_module: Vec<Vec<HotSpot>> = stacks.iter().map(|s| folded::top_modules(s, usize::MAX)).collect();
    (mean_shares(&by_self), mean_shares(&by_total), mean_shares(&by_module))
}

/// Renders the section.
pub fn render(out: &mut String, analysis: &Analysis, profiles: &Profiles) {
    let _ = writeln!(out, "## Profiles\n");
    let _ = writeln!(
        out,
        "Each engine ran each program once more, in-process, under pprof (about {} Hz; samples inside libc, \
         libgcc, pthread and vdso are dropped to avoid deadlocks, and their number is estimated from the CPU \
         time), with a counting allocator and the engine's work counter on, in the `{}` build from revision {}. \
         Those instruments slow the run down, so the nanoseconds per unit of work below divide the *timed* \
         median by the count. Click a program for its flamegraph; the `.folded` stacks are beside each SVG. \
         Frames are functions, not the code inlined into them (pprof names a function's samples from one of \
         them), so a bytecode VM's dispatch loop, with its handlers inlined, is one block: the work counts \
         say what one instruction costs there.\n",
        crate::profile::FREQUENCY_HZ,
        profiles.provenance.profile,
        profiles.provenance.revision
    );
    work_table(out, analysis, profiles);
    lox_level(out, profiles);
    super::counts::render(out, profiles);
    for engine in profiles.engines() {
        hot_spots(out, profiles, engine);
    }
}

fn work_table(out: &mut String, analysis: &Analysis, profiles: &Profiles) {
    let _ = writeln!(out, "### Allocations and work\n");
    let _ = writeln!(
        out,
        "| engine | program | n | timed median | allocations | bytes allocated | work | ns per unit | samples (≈ dropped) |"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for (profile, _) in &profiles.profiles {
        let program = match &profile.flamegraph {
            Some(svg) => format!("[{}]({svg})", profile.program),
            None => profile.program.clone(),
        };
        if let Some(detail) = &profile.detail {
            let _ = writeln!(
                out,
                "| `{}` | {program} | {} | failed: {} | | | | | |",
                profile.engine,
                profile.size,
                detail.replace('|', "\\|")
            );
            continue;
        }
        let timed = analysis
            .main_size(&profile.program)
            .filter(|size| *size == profile.size)
            .and_then(|_| analysis.median(&profile.program, &profile.engine))
            .map(|s| s.median)
            .filter(|m| *m > 0.0);
        let work = match (profile.work_count, &profile.work_unit) {
            (Some(count), Some(unit)) => format!("{} {unit}", format::thousands(count)),
            _ => "not counted".to_string(),
        };
        let per_unit = match (timed, profile.work_count) {
            (Some(seconds), Some(count)) if count > 0 => format!("{:.2}", seconds * 1e9 / count as f64),
            _ => "–".to_string(),
        };
        let _ = writeln!(
            out,
            "| `{}` | {program} | {} | {} | {} | {} | {work} | {per_unit} | {} (≈ {}) |",
            profile.engine,
            profile.size,
            timed.map_or("–".to_string(), format::time),
            format::thousands(profile.allocations.count),
            format::bytes(profile.allocations.bytes),
            profile.samples,
            profile.dropped_estimate
        );
    }
    out.push('\n');
}

fn hot_spots(out: &mut String, profiles: &Profiles, engine: &str) {
    let (by_self, by_total, by_module) = engine_hot_spots(profiles, engine);
    let _ = writeln!(out, "### Hot spots: {engine}\n");
    if by_self.is_empty() {
        let _ = writeln!(out, "No samples: every run was too short to be sampled.\n");
        return;
    }
    let _ = writeln!(
        out,
        "Mean share of the samples over the programs profiled. *Self*: the function was executing; *total*: it \
         was on the stack (only `{engine}`'s own code and the shared front end).\n"
    );
    let _ = writeln!(out, "| # | self time | function | total time | engine function | self time | module |");
    let _ = writeln!(out, "|---:|---:|---|---:|---|---:|---|");
    for index in 0..TOP {
        let cell = |spots: &[HotSpot]| match spots.get(index) {
            Some(spot) => (format!("{:.1} %", spot.share * 100.0), format!("`{}`", short(&spot.name))),
            None => (String::new(), String::new()),
        };
        let (a, b, c) = (cell(&by_self), cell(&by_total), cell(&by_module));
        if a.0.is_empty() && b.0.is_empty() && c.0.is_empty() {
            break;
        }
        let _ = writeln!(out, "| {} | {} | {} | {} | {} | {} | {} |", index + 1, a.0, a.1, b.0, b.1, c.0, c.1);
    }
    out.push('\n');
    let links: Vec<String> = profiles
        .profiles
        .iter()
        .filter(|(p, _)| p.engine == engine)
        .filter_map(|(p, _)| Some(format!("[{}]({})", p.program, p.flamegraph.as_ref()?)))
        .collect();
    if !links.is_empty() {
        let _ = writeln!(out, "Flamegraphs: {}\n", links.join(" · "));
    }
    let lox_links: Vec<String> = profiles
        .profiles
        .iter()
        .filter(|(p, _)| p.engine == engine)
        .filter_map(|(p, _)| Some(format!("[{}]({})", p.program, p.lox.as_ref()?.flamegraph.as_ref()?)))
        .collect();
    if !lox_links.is_empty() {
        let _ = writeln!(out, "Lox functions only: {}\n", lox_links.join(" · "));
    }
}

/// What the Lox-level flamegraphs are, and the differential ones of each
/// adjacent pair of rungs.
fn lox_level(out: &mut String, profiles: &Profiles) {
    if profiles.profiles.iter().all(|(p, _)| p.lox.is_none()) {
        return;
    }
    let _ = writeln!(
        out,
        "### At the level of Lox
"
    );
    let _ = writeln!(
        out,
        "Each engine marks what it executes (the Lox call stack, and the opcode or node kind), and every sample \
         carries the marker (METHODOLOGY.md, *Profiles*): each flamegraph above ends in a frame `lox: function > \
         opcode`, and each engine has a second flamegraph of Lox functions alone (linked under its hot spots). \
         The differential ones compare two adjacent rungs on one program at the level of Lox functions, both \
         scaled to the same total: red where the upper rung spends a larger share of its time, blue a smaller \
         one.\n"
    );
    if profiles.rung_diffs.is_empty() {
        let _ = writeln!(out, "No adjacent pair of rungs was profiled on a common program.\n");
        return;
    }
    let _ = writeln!(out, "| step | differential flamegraphs |");
    let _ = writeln!(out, "|---|---|");
    let mut steps: Vec<(&str, &str)> = Vec::new();
    for diff in &profiles.rung_diffs {
        if !steps.contains(&(diff.lower.as_str(), diff.upper.as_str())) {
            steps.push((&diff.lower, &diff.upper));
        }
    }
    for (lower, upper) in steps {
        let links: Vec<String> = profiles
            .rung_diffs
            .iter()
            .filter(|d| d.lower == lower && d.upper == upper)
            .map(|d| format!("[{}]({})", d.program, d.path))
            .collect();
        let _ = writeln!(out, "| `{lower}` → `{upper}` | {} |", links.join(" · "));
    }
    out.push('\n');
}

/// A function name short enough for a table cell.
fn short(name: &str) -> String {
    let name = match name.char_indices().nth(100) {
        Some((at, _)) => format!("{}…", &name[..at]),
        None => name.to_string(),
    };
    name.replace('|', "\\|").replace('`', "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_frames_are_recognised_by_crate() {
        assert!(is_engine_frame("hashmap-walker", "hashmap_walker::eval::Interpreter::evaluate"));
        assert!(is_engine_frame("hashmap-walker", "<hashmap_walker::value::Value as core::clone::Clone>::clone"));
        assert!(is_engine_frame("hashmap-walker", "frontend::number::write_number"));
        assert!(!is_engine_frame("hashmap-walker", "core::hash::sip::Hasher::write"));
        assert!(is_engine_frame("slot-walker:plain", "slot_walker::eval::Interpreter::evaluate"));
    }
}
