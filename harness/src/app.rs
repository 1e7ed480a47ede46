//! The default command: from validated options to a plan, the measuring run
//! and the report.

use crate::benchmark::{self, Case, Plan};
use crate::cli::{MeasureArgs, Select};
use crate::contender::{self, Contender};
use crate::handover::Build;
use crate::measure::ProcessExecutor;
use crate::programs::{Program, ProgramSet, Scale};
use crate::progress::Reporter;
use crate::provenance;
use crate::report;
use crate::report::format::plural;
use crate::results::{Record, ResultsWriter, Suite};
use crate::runs::{Adaptive, RunCount};
use crate::variant::{self, Defaults, EngineVariant};
use crate::{outdir, process};
use anyhow::{Context, Result, bail};
use frontend::Engine;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The program whose sizes make the scaling chart.
pub const SCALING_PROGRAM: &str = "fib";

/// How much longer fib takes at n + 1 than at n.
const GOLDEN_RATIO: f64 = 1.618_033_988_749_895;

/// The loxbench checkout: the nearest ancestor of the working directory that
/// holds `harness/Cargo.toml`, or the one this binary was built from.
pub fn workspace_root() -> PathBuf {
    let built_from = Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default();
    std::env::current_dir()
        .ok()
        .and_then(|cwd| {
            cwd.ancestors().find(|dir| dir.join("harness").join("Cargo.toml").is_file()).map(Path::to_path_buf)
        })
        .unwrap_or(built_from)
}

/// The default output directory.
pub fn default_out() -> PathBuf {
    workspace_root().join("reports").join("latest")
}

/// The engines named in `names` (all of them when empty), in ladder order.
pub fn select_engines(names: &[String]) -> Result<Vec<&'static dyn Engine>> {
    for name in names {
        if lox::find_engine(name).is_none() {
            bail!("there is no engine called `{name}`; the engines are: {}", lox::registry::engine_names());
        }
    }
    Ok(lox::engines().iter().copied().filter(|e| names.is_empty() || names.iter().any(|n| n == e.name())).collect())
}

impl Select {
    /// The benchmark programs' manifest, from `--programs-dir` or `programs/`.
    pub fn program_set(&self) -> Result<ProgramSet> {
        ProgramSet::load(&self.programs_dir.clone().unwrap_or_else(|| workspace_root().join("programs")))
    }

    /// The programs `--programs` names (all of them when none), in manifest order.
    pub fn programs<'a>(&self, set: &'a ProgramSet) -> Result<Vec<&'a Program>> {
        for name in &self.programs {
            if set.find(name).is_none() {
                let known: Vec<&str> = set.programs.iter().map(|p| p.name.as_str()).collect();
                bail!("there is no program called `{name}`; the programs are: {}", known.join(", "));
            }
        }
        Ok(set.programs.iter().filter(|p| self.programs.is_empty() || self.programs.contains(&p.name)).collect())
    }

    /// The engines and variants `--engines` names (every engine as tuned
    /// when none), in ladder order.
    pub fn engines(&self) -> Result<Vec<EngineVariant>> {
        variant::select(&self.engines, Defaults::Tuned)
    }

    /// The engines and variants `--engines` names, or `defaults` when none.
    pub fn variants(&self, defaults: Defaults) -> Result<Vec<EngineVariant>> {
        variant::select(&self.engines, defaults)
    }

    /// Whether nothing is left out: every engine on every program of the
    /// default program set.
    pub fn is_everything(&self) -> bool {
        self.engines.is_empty() && self.programs.is_empty() && self.programs_dir.is_none()
    }

    /// These options as command-line arguments, to pass on to another command.
    pub fn to_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if !self.engines.is_empty() {
            args.extend(["--engines".to_string(), self.engines.join(",")]);
        }
        if !self.programs.is_empty() {
            args.extend(["--programs".to_string(), self.programs.join(",")]);
        }
        if let Some(dir) = &self.programs_dir {
            args.extend(["--programs-dir".to_string(), dir.display().to_string()]);
        }
        args
    }
}

/// The adaptive rule of the default run: ±2 % or half a second of runs per
/// contender and program, at least 3 and at most 30 runs. The budget bounds
/// the timing: the default run has every engine tuned and plain, python3 and
/// native code on every program, over five hundred cells, and at half a
/// second each (only a cell whose three runs take longer goes over) it keeps
/// the measuring and the profiles within 10 of the 20 minutes the main job
/// should take, which leaves the rest to the builds of a fresh clone
/// (README.md gives the measured times).
pub const DEFAULT_RUNS: Adaptive = Adaptive { min_runs: 3, max_runs: 30, precision: 0.02, budget_s: 0.5 };

/// The engines a timing run compares when `--engines` names none: each
/// both tuned and plain, except in a `--quick` run, which keeps to the
/// engines as they ship so that it ends within a minute (the plain variants
/// of the walkers alone took over half of its time).
pub fn timing_defaults(args: &MeasureArgs) -> Defaults {
    if args.quick { Defaults::Tuned } else { Defaults::TunedAndPlain }
}

/// The adaptive rule of a `--quick` run: the programs' small sizes take
/// milliseconds, where start-up noise keeps most intervals wide, so a tenth
/// of a second and ten runs at most keep the whole run near a minute.
pub const QUICK_RUNS: Adaptive = Adaptive { min_runs: 3, max_runs: 10, precision: 0.02, budget_s: 0.1 };

/// Settings derived once from the options.
#[derive(Clone, Debug)]
pub struct Settings {
    pub runs: RunCount,
    pub warmup: usize,
    pub scaling_runs: usize,
    pub calibration_runs: usize,
    pub timeout: Option<Duration>,
}

impl Settings {
    pub fn from_args(args: &MeasureArgs) -> Result<Settings> {
        let mut rule = if args.quick { QUICK_RUNS } else { DEFAULT_RUNS };
        if let Some(budget) = args.budget {
            if !(budget >= 0.0 && budget.is_finite()) {
                bail!("--budget must be a number of seconds, 0 or more; got {budget}");
            }
            rule.budget_s = budget;
        }
        let runs = match args.runs {
            Some(0) => bail!("--runs must be at least 1"),
            Some(runs) => RunCount::Fixed(runs),
            None => RunCount::Adaptive(rule),
        };
        let timeout = match args.timeout {
            Some(seconds) if !(seconds > 0.0 && seconds.is_finite()) => {
                bail!("--timeout must be a positive number of seconds; got {seconds}")
            }
            seconds => seconds.map(Duration::from_secs_f64),
        };
        Ok(Settings {
            runs,
            warmup: args.warmup.unwrap_or(0),
            scaling_runs: if args.quick { 1 } else { runs.min_runs().min(3) },
            calibration_runs: if args.quick { 10 } else { 30 },
            timeout,
        })
    }
}

/// What a measuring run left behind.
#[derive(Debug)]
pub struct Measured {
    /// The report's README.
    pub readme: PathBuf,
    /// Every contender × program that failed (wrong output, a crash, a
    /// time-out, a command that could not start), one line each.
    pub failures: Vec<String>,
}

/// Measures as `args` say and renders the report.
///
/// Everything that can be checked before measuring is checked before the
/// output directory is touched: the options, the programs (each with its
/// size line and expected outputs), the peers and the directory itself.
pub fn measure_and_report(args: &MeasureArgs, command_line: String) -> Result<Measured> {
    if let Some(refusal) = crate::profile::refuse_to_time() {
        bail!("{refusal}");
    }
    if provenance::is_debug_build() && !args.allow_debug_build {
        bail!(
            "this harness is a debug build, and timings of unoptimised engines say nothing about the engines. \
             Run `cargo run --release -p harness` instead."
        );
    }
    let settings = Settings::from_args(args)?;
    let root = workspace_root();
    let set = args.select.program_set()?;
    let programs = args.select.programs(&set)?;
    let engines = args.select.variants(timing_defaults(args))?;
    let out = args.out.clone().unwrap_or_else(default_out);

    let harness_exe = std::env::current_exe().context("could not find the harness's own executable")?;
    let mut contenders: Vec<Contender> = engines.iter().map(|e| Contender::engine(e, &harness_exe)).collect();
    if let Some(bytes) = args.max_heap {
        // Before the file, the template's last word.
        for engine in &mut contenders {
            let at = engine.command.len() - 1;
            engine.command.insert(at, format!("--max-heap={bytes}"));
        }
    }
    if !args.no_native {
        match crate::native::find_or_build(&root) {
            Ok(native) => contenders.push(Contender::native(&native, crate::native::programs())),
            Err(error) => eprintln!(
                "warning: the native peer (the standard candle) is left out: {error:#}. Build it with `cargo build \
                 --release -p native`, or pass --no-native to leave it out on purpose."
            ),
        }
    }
    if !args.no_python {
        match contender::find_python3() {
            Some(python3) => contenders.push(Contender::python(&python3)),
            None => {
                eprintln!("note: python3 is not on the PATH, so the python3 peer is left out; install it to compare.")
            }
        }
    }
    for spec in &args.peer {
        let peer = Contender::peer(spec)?;
        if contenders.iter().any(|c| c.name == peer.name) {
            bail!("two contenders are called `{}`; give the peer another name", peer.name);
        }
        contenders.push(peer);
    }

    let sized_dir =
        std::path::absolute(out.join("programs")).with_context(|| format!("could not resolve {}", out.display()))?;
    let mut cases = Vec::new();
    let scale = Scale::from_flags(args.quick, args.full);
    for program in &programs {
        let size = program.size(scale);
        cases.push(make_case(&set, program, size, Suite::Main, &sized_dir, 1.0)?);
    }
    let scaling_program = (!args.no_scaling)
        .then(|| programs.iter().find(|p| p.name == SCALING_PROGRAM))
        .flatten()
        .filter(|p| p.sizes.len() >= 2);
    if let Some(program) = scaling_program {
        let limit = program.size(scale);
        for &size in program.sizes.iter().filter(|&&n| n <= limit) {
            // fib's time grows by the golden ratio with each step of n, and
            // the chart runs fewer rounds than the main suite.
            let weight = GOLDEN_RATIO.powf(size as f64 - limit as f64) * settings.scaling_runs as f64
                / settings.runs.min_runs() as f64;
            cases.push(make_case(&set, program, size, Suite::Scaling, &sized_dir, weight)?);
        }
    }

    // Everything is valid: only now is the output directory written.
    outdir::claim(&out, args.force)?;
    std::fs::create_dir_all(&sized_dir).with_context(|| format!("could not create {}", sized_dir.display()))?;
    for (case, source) in &cases {
        std::fs::write(&case.lox_path, source)
            .with_context(|| format!("could not write {}", case.lox_path.display()))?;
    }
    let cases: Vec<Case> = cases.into_iter().map(|(case, _)| case).collect();

    let mut writer = ResultsWriter::create(&out)?;
    process::set_interrupt_note(Some(format!(
        "the records measured so far are kept in {}; render them with `harness report --partial --out {}`.",
        writer.path().display(),
        out.display()
    )));
    writer.append(&Record::Run {
        provenance: provenance::collect(&root, command_line),
        quick: args.quick,
        runs: settings.runs.min_runs(),
        adaptive: match settings.runs {
            RunCount::Adaptive(rule) => Some(rule),
            RunCount::Fixed(_) => None,
        },
        warmup: settings.warmup,
        contenders: contenders.clone(),
        programs: programs.iter().map(|p| (*p).clone()).collect(),
        scaling_program: scaling_program.map(|p| p.name.clone()),
    })?;
    let plan = Plan {
        contenders,
        cases,
        runs: settings.runs,
        scaling_runs: settings.scaling_runs,
        warmup: settings.warmup,
        calibration_argv: vec![harness_exe.display().to_string(), "__noop".to_string()],
        calibration_runs: settings.calibration_runs,
        timeout: settings.timeout,
    };
    let (least, most) = plan.total_executions();
    let processes = if least == most { format!("{least}") } else { format!("{least} to {most}") };
    eprintln!(
        "Measuring {} × {} into {} ({processes} process runs; a line every 30 s says how far it got)",
        plural(plan.contenders.len(), "contender", "contenders"),
        plural(programs.len(), "program", "programs"),
        writer.path().display()
    );
    benchmark::measure(&plan, &mut ProcessExecutor, &mut writer, &Reporter::new("timing"))?;
    writer.finish()?;
    process::set_interrupt_note(None);
    if args.quick || args.no_profile {
        // A profile from an earlier run would not match these results.
        let _ = std::fs::remove_file(out.join(crate::profile::PROFILE_FILE));
    } else {
        profiling_section(args, &out, &root);
    }
    let readme = report::render_dir(&out)?;
    let failures = report::failures(&out)?;
    Ok(Measured { readme, failures })
}

/// The profiling section of a full run: `harness profile` into the same
/// directory, from the profiling build (built by cargo when this binary is
/// not it). A failure here costs the report its profiles, not its timings.
fn profiling_section(args: &MeasureArgs, out: &Path, root: &Path) {
    // Absolute, because cargo runs the profiling build from the checkout.
    let out = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    let mut profile_args: Vec<String> = vec!["profile".into(), "--out".into(), out.display().to_string()];
    if args.full {
        profile_args.push("--full".into());
    }
    profile_args.extend(args.select.to_args());
    let mut command = if crate::profile::AVAILABLE {
        match std::env::current_exe() {
            Ok(exe) => std::process::Command::new(exe),
            Err(error) => return eprintln!("warning: could not run the profiling section ({error})"),
        }
    } else {
        eprintln!("Building the profiling build of the harness for the profiling section (skip it with --no-profile)");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        let mut command = std::process::Command::new(cargo);
        // Not quiet: the build takes minutes on a fresh clone, and cargo's
        // lines are its progress.
        command.arg("run").args(Build::Profiling.cargo_args()).arg("--").current_dir(root);
        command
    };
    command.args(&profile_args);
    let status = process::spawn_registered(&mut command).and_then(|mut child| process::wait_registered(&mut child));
    match status {
        Ok(status) if status.success() => {}
        Ok(status) => eprintln!("warning: the profiling section failed ({status}); the report has no profiles."),
        Err(error) => eprintln!(
            "warning: could not run the profiling section ({error}); the report has no profiles. Run `{}` from \
             the checkout.",
            Build::Profiling.command("profile")
        ),
    }
}

/// A case and the sized source to write at its `lox_path`, checked but not
/// yet written.
fn make_case(
    set: &ProgramSet,
    program: &Program,
    size: u64,
    suite: Suite,
    sized_dir: &Path,
    weight: f64,
) -> Result<(Case, String)> {
    let source = set.sized_source(&program.name, size)?;
    let case = Case {
        suite,
        program: program.name.clone(),
        size,
        expected: set.expected_output(&program.name, size)?,
        lox_path: sized_dir.join(format!("{}-{size}.lox", program.name)),
        python_path: set.python_path(&program.name),
        weight,
    };
    Ok((case, source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quick_run_times_the_engines_as_tuned_and_a_full_one_plain_too() {
        let quick = MeasureArgs { quick: true, ..MeasureArgs::default() };
        assert_eq!(timing_defaults(&quick), Defaults::Tuned);
        assert_eq!(timing_defaults(&MeasureArgs::default()), Defaults::TunedAndPlain);
    }
}
