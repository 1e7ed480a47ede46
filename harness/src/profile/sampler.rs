//! The profiling run proper (profiling build only): each engine on each
//! program, in this process, under pprof, with allocations and work counted.

use super::lox::{self, LoxProfile};
use super::tagging::{LoxSamples, Tagger};
use super::{
    BLOCKLIST, EngineProfile, FLAMEGRAPH_DIR, FREQUENCY_HZ, ProfileRecord, ProfileWriter, alloc, file_stem, folded,
};
use crate::app;
use crate::cli::ProfileArgs;
use crate::programs::{Program, Scale};
use crate::progress::{Progress, Reporter};
use crate::provenance;
use crate::results::now_rfc3339;
use crate::variant::EngineVariant;
use crate::verify;
use anyhow::{Context, Result, anyhow};
use frontend::Session;
use std::path::Path;
use std::time::Instant;

/// With `--quick`, each engine × program is profiled over repeated runs for
/// at least this long, for about 50 samples; full-size runs are long
/// enough once.
const QUICK_MIN_SECONDS: f64 = 0.2;

/// The frame of samples taken in code without symbols (machine code the
/// jit generated), where pprof records no frame at all.
const UNSYMBOLISED: &str = "(code without symbols: machine code the jit generated)";

/// Profiles every selected engine on every selected program.
pub fn profile_all(args: &ProfileArgs, command_line: String) -> Result<()> {
    if provenance::BUILD_PROFILE != "release" {
        eprintln!(
            "note: this is the `{}` build; the release build (`{}`) is the one whose profiles show the timed \
             code, and its debug information gives functions their full names.",
            provenance::BUILD_PROFILE,
            crate::handover::Build::Profiling.command("profile")
        );
    }
    let root = app::workspace_root();
    let set = args.select.program_set()?;
    let programs = args.select.programs(&set)?;
    let engines = args.select.engines()?;
    let out = args.out.clone().unwrap_or_else(app::default_out);
    // Every program × engine, program by program, or this shard's slice.
    let all: Vec<(&Program, &EngineVariant)> =
        programs.iter().flat_map(|program| engines.iter().map(move |engine| (*program, engine))).collect();
    let pairs: Vec<(String, String)> =
        all.iter().map(|(program, engine)| (engine.name.clone(), program.name.clone())).collect();
    let (selected, slice) = match args.shard {
        Some(shard) => {
            let costs = crate::ci::baseline::pair_costs(crate::ci::baseline::committed(&root).as_ref(), &pairs);
            let selected = crate::shard::select(all, &costs, shard);
            eprintln!("Shard {shard}: {} of the {} pairs", selected.len(), pairs.len());
            (selected, Some(crate::shard::Slice { shard, pairs, everything: args.select.is_everything() }))
        }
        None => (all, None),
    };
    let mut writer = ProfileWriter::create(&out)?;
    writer.append(&ProfileRecord::Run {
        provenance: provenance::collect(&root, command_line),
        quick: args.quick,
        frequency_hz: FREQUENCY_HZ,
        shard: slice,
    })?;
    // Short runs are repeated until they have been sampled this long.
    let min_seconds = if args.quick { QUICK_MIN_SECONDS } else { 0.0 };
    // Off a terminal too, a line every so often says how far the profiles
    // have got and how long they have left (`crate::progress`).
    let names: Vec<String> =
        selected.iter().map(|(program, engine)| format!("{} on {}", engine.name, program.name)).collect();
    let progress = Reporter::new("profiling");
    progress.start(&vec![1.0; names.len()]);
    for (index, (program, engine)) in selected.into_iter().enumerate() {
        let size = program.size(Scale::from_flags(args.quick, args.full));
        let source = set.sized_source(&program.name, size)?;
        let expected = set.expected_output(&program.name, size)?;
        progress.case(index, 1);
        let profile = profile_one(engine, &program.name, size, &source, &expected, &out, min_seconds)?;
        if let Some(detail) = &profile.detail {
            progress.note(&format!("{} is wrong on {}: {detail}", engine.name, program.name));
        }
        writer.append(&ProfileRecord::Profile(profile))?;
        progress.advance(names.get(index + 1).map_or("the last profile is written", String::as_str));
    }
    progress.finish();
    // The differential flamegraphs of adjacent rungs, from the Lox stacks
    // just saved (the report draws them again from the same files).
    if let Some((_, profiles)) = super::read_profiles(&out)? {
        let drawn = super::rung_diffs::render_all(&out, &profiles)?;
        eprintln!("{} differential flamegraphs of adjacent rungs drawn", drawn.len());
    }
    eprintln!("Profiles written to {}", out.join(FLAMEGRAPH_DIR).display());
    Ok(())
}

/// What one profiled run produced, before it is saved.
struct Sampled {
    /// The native stacks, and the same with the marker as their last frame.
    stacks: Vec<folded::Stack>,
    marked: Vec<folded::Stack>,
    /// The Lox call stacks sampled, and the profiling names by id.
    lox: LoxSamples,
    names: Vec<String>,
    cpu_s: f64,
    /// How many profiled runs the samples come from.
    repeats: u64,
    prepare_s: f64,
    run_s: f64,
    allocations: alloc::Allocations,
    outcome: Result<Vec<u8>, String>,
    work: Option<frontend::WorkCount>,
    counts: Vec<super::counts::Count>,
    counters: Vec<(&'static str, u64)>,
}

fn profile_one(
    engine: &EngineVariant,
    program: &str,
    size: u64,
    source: &str,
    expected: &[u8],
    out: &Path,
    min_seconds: f64,
) -> Result<EngineProfile> {
    let sampled = frontend::engine::with_engine_stack(|| sample(engine, source, min_seconds))?;
    let check = sampled.outcome.as_ref().map_err(Clone::clone).and_then(|stdout| {
        let run = crate::measure::RunResult { stdout: stdout.clone().into(), exit_code: Some(0), ..Default::default() };
        verify::check(expected, &run)
    });
    let samples = folded::total(&sampled.stacks);
    let expected_samples = (sampled.cpu_s * f64::from(FREQUENCY_HZ)).round() as u64;
    let dropped_estimate = expected_samples.saturating_sub(samples);

    let stem = file_stem(&engine.name, program);
    let folded_path = Path::new(FLAMEGRAPH_DIR).join(format!("{stem}.folded"));
    let svg_path = Path::new(FLAMEGRAPH_DIR).join(format!("{stem}.svg"));
    std::fs::write(out.join(&folded_path), folded::render(&sampled.stacks))?;
    let marked_path = Path::new(FLAMEGRAPH_DIR).join(format!("{stem}-marked.folded"));
    let marked = folded::render(&sampled.marked);
    std::fs::write(out.join(&marked_path), &marked)?;
    let title = format!("{} on {program} (n = {size})", engine.name);
    let subtitle = format!(
        "{samples} samples at about {FREQUENCY_HZ} Hz over {:.2} s of CPU in {} run(s); about {dropped_estimate} \
         more were dropped (inside libc, libgcc, pthread or vdso); last frame: lox: function > opcode or node",
        sampled.cpu_s, sampled.repeats
    );
    let flamegraph = drawn(&marked, samples, &title, &subtitle, out, &svg_path)?;

    let lox_stacks = lox::lox_stacks(&sampled.lox.samples, &sampled.names);
    let lox_samples = folded::total(&lox_stacks);
    let lox_folded_path = Path::new(FLAMEGRAPH_DIR).join(format!("{stem}-lox.folded"));
    let lox_svg_path = Path::new(FLAMEGRAPH_DIR).join(format!("{stem}-lox.svg"));
    let lox_text = folded::render(&lox_stacks);
    std::fs::write(out.join(&lox_folded_path), &lox_text)?;
    let lox_title = format!("{} on {program} (n = {size}): Lox functions", engine.name);
    let lox_subtitle = format!(
        "{lox_samples} samples of the Lox call stack (inside the C library too) over {:.2} s of CPU in {} run(s)",
        sampled.cpu_s, sampled.repeats
    );
    let lox_flamegraph = drawn(&lox_text, lox_samples, &lox_title, &lox_subtitle, out, &lox_svg_path)?;

    Ok(EngineProfile {
        engine: engine.name.clone(),
        program: program.to_string(),
        size,
        passed: check.is_ok(),
        detail: check.err(),
        samples,
        dropped_estimate,
        cpu_s: sampled.cpu_s,
        repeats: sampled.repeats,
        prepare_s: sampled.prepare_s,
        run_s: sampled.run_s,
        allocations: sampled.allocations,
        work_count: sampled.work.map(|w| w.count),
        work_unit: sampled.work.map(|w| w.unit.to_string()),
        counts: sampled.counts,
        counters: sampled.counters.iter().map(|(name, count)| (name.to_string(), *count)).collect(),
        folded: folded_path.display().to_string(),
        flamegraph,
        lox: Some(LoxProfile {
            samples: lox_samples,
            overflowed: sampled.lox.overflowed,
            marked_folded: marked_path.display().to_string(),
            folded: lox_folded_path.display().to_string(),
            flamegraph: lox_flamegraph,
        }),
        date: now_rfc3339(),
    })
}

/// Draws `text` at `svg` (relative to `out`) and returns that path, or
/// removes an older drawing and returns nothing when there are no samples.
fn drawn(text: &str, samples: u64, title: &str, subtitle: &str, out: &Path, svg: &Path) -> Result<Option<String>> {
    if samples == 0 {
        let _ = std::fs::remove_file(out.join(svg));
        return Ok(None);
    }
    super::flamegraph::render(text, title, subtitle, &out.join(svg))?;
    Ok(Some(svg.display().to_string()))
}

/// What one run in a fresh session gave; the session is kept so that its
/// counts are read after the allocations have stopped being counted.
struct Once {
    prepare_s: f64,
    run_s: f64,
    outcome: Result<Vec<u8>, String>,
    session: Box<dyn Session>,
}

/// Prepares and runs `source` in a fresh session.
fn run_once(engine: &EngineVariant, source: &str) -> Once {
    // The marker is empty while nothing runs (an engine leaves it as its
    // last instruction left it), so parsing and compiling are not marked
    // as the last run's Lox code.
    frontend::profiling::marker::clear();
    let mut session = engine.engine().session(engine.options());
    let start = Instant::now();
    let prepared = session.prepare(source);
    let prepare_s = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let mut stdout = Vec::new();
    let outcome = match prepared {
        Err(errors) => Err(format!("did not compile: {errors}")),
        Ok(()) => session.run(&mut stdout).map(|()| stdout).map_err(|error| format!("failed: {error}")),
    };
    let run_s = start.elapsed().as_secs_f64();
    frontend::profiling::marker::clear();
    Once { prepare_s, run_s, outcome, session }
}

/// Runs `source` on `engine` under the sampler, again and again in fresh
/// sessions until `min_seconds` of CPU time have passed (at least once), so that short
/// runs still collect enough samples; call on the engine stack. Allocations
/// and times are per run; the work count is the first run's.
fn sample(engine: &EngineVariant, source: &str, min_seconds: f64) -> Result<Sampled> {
    // The first run, unprofiled, gives the output to verify, the allocation
    // count and the work count. The counting allocator's own bookkeeping is
    // then the only instrument in the profiled runs.
    let (once, allocations) = alloc::count(alloc::COUNTING_ALLOCATOR, || run_once(engine, source));
    let Once { prepare_s, run_s, outcome, session } = once;
    let work = session.work_count();
    let counters = session.work_counters();
    let counts = session.counters().into_iter().map(super::counts::Count::from).collect();
    drop(session);
    let guard = pprof::ProfilerGuardBuilder::default()
        .frequency(FREQUENCY_HZ)
        .blocklist(&BLOCKLIST)
        .build()
        .map_err(|e| anyhow!("could not start the profiler: {e}"))?;
    // In front of pprof's signal handler, so that each sample carries the
    // engine's marker (tagging.rs); removed before pprof's report.
    let tagger = Tagger::install()?;
    // Started after the profiler, whose set-up (reading every shared
    // library's address range) is not the engine's time.
    let cpu = cpu_time::ProcessTime::now();
    // CPU time, not wall time, decides: on a busy machine a run can take
    // long in wall time while being sampled little.
    let mut repeats = 0;
    while repeats == 0 || cpu.elapsed().as_secs_f64() < min_seconds {
        let _ = std::hint::black_box(run_once(engine, source));
        repeats += 1;
    }
    let cpu_s = cpu.elapsed().as_secs_f64();
    let lox = tagger.finish();
    let names = frontend::profiling::names::all();
    let report = guard.report().build().map_err(|e| anyhow!("could not build the profile: {e}")).context("pprof")?;
    drop(guard);
    // pprof lists the leaf first. Each frame's symbols are the functions
    // inlined at its address, innermost first, ending with the function the
    // code really belongs to. Only that last one is kept: pprof merges
    // samples by the start address of each frame's function and resolves the
    // merged stack at the address of whichever sample came first, so the
    // inlined names describe one arbitrary sample. (Kept, they put all of a
    // bytecode VM's time in `<*const T>::add`, inlined somewhere in its
    // dispatch loop.)
    //
    // Every stack starts with the same thread start-up frames down to
    // `run_once`, which are cut; and the counting allocator's bookkeeping
    // (atomic adds) is allocation cost that the timing build spends in malloc
    // instead, which the blocklist hides, so it is shown as one allocator
    // frame.
    let mut stacks = Vec::new();
    let mut marked = Vec::new();
    for (frames, count) in &report.data {
        let names_root_first: Vec<String> =
            frames.frames.iter().rev().filter_map(|frame| frame.last()).map(|symbol| clean(&symbol.name())).collect();
        let (mut own, tag) = lox::split_tag(&names_root_first);
        if own.is_empty() && tag.is_some() {
            // The engine's thread was in code with no symbols, which pprof
            // leaves out, and the unwinder could go no further: the jit's
            // machine code. The tag still says which Lox function ran.
            own.push(UNSYMBOLISED.to_string());
        }
        let own = folded::trim_frames(
            &own,
            |frame| frame.starts_with("harness::profile::sampler::run_once"),
            |frame| frame.contains("stats_alloc"),
            "(allocator: malloc or free, with the profiling build's counting)",
        );
        if own.is_empty() {
            continue;
        }
        let count = (*count).max(0) as u64;
        let mut with_marker = own.clone();
        with_marker.extend(tag.and_then(|tag| lox::marker_frame(tag, &names)));
        stacks.push(folded::Stack { frames: own, count });
        marked.push(folded::Stack { frames: with_marker, count });
    }
    let (stacks, marked) = (folded::merge(stacks), folded::merge(marked));
    Ok(Sampled {
        stacks,
        marked,
        lox,
        names,
        cpu_s,
        repeats,
        prepare_s,
        run_s,
        allocations,
        outcome,
        work,
        counters,
        counts,
    })
}

/// A demangled name without its hash suffix, safe inside a folded line.
fn clean(name: &str) -> String {
    let name = match name.rsplit_once("::h") {
        Some((head, hash)) if hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => head,
        _ => name,
    };
    // Spaces are fine (a folded line's count is after its last space), but a
    // semicolon would split the frame.
    name.replace(';', ":")
}
