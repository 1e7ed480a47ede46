//! The command line. Options are validated once, in [`crate::app`], before
//! anything runs.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Verifies, times and reports every loxbench engine on every benchmark
/// program.
///
/// With no subcommand, the harness checks each engine's output on each
/// program against the expected output, times the engines that pass, each
/// both tuned and plain (every optional optimisation off), each run a separate
/// process, contenders interleaved run by run, writes every
/// measurement to `reports/latest/results.jsonl` the moment it is taken, and
/// renders `reports/latest/README.md` with its charts.
#[derive(Debug, Parser)]
#[command(name = "harness", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub measure: MeasureArgs,
}

/// What to measure and how.
#[derive(Clone, Debug, Default, Args)]
pub struct MeasureArgs {
    /// Run every program at its small size with few runs and every engine as tuned only (no plain column
    /// unless --engines names the plain variants), without profiles, to finish within a minute.
    #[arg(long)]
    pub quick: bool,

    /// Time and profile every program at its full size (the one in its file, about a second on clox) instead
    /// of its medium size (a few tens of milliseconds on clox). Expect hours with every contender: for long
    /// reference runs of a few engines, where start-up must weigh nothing.
    #[arg(long, conflicts_with = "quick")]
    pub full: bool,

    /// Time each contender exactly this many times per program, for reference runs that must be alike. By
    /// default the count is adaptive: at least 3 runs, then more until the median's 95 % interval is within
    /// ±2 % of it, or until the contender's runs on that program have taken the --budget.
    #[arg(long, value_name = "N")]
    pub runs: Option<usize>,

    /// With adaptive run counts, stop timing a contender on a program once its timed runs there have taken
    /// this many seconds, however precise its median is by then (never before 3 runs). Default 0.5, or 0.1
    /// with --quick.
    #[arg(long, value_name = "SECONDS", conflicts_with = "runs")]
    pub budget: Option<f64>,

    /// Run each contender this many times per program after verifying it and before timing it, untimed.
    /// Default 0: the verifying run, whose output is checked like every timed run's, is then the first timed
    /// run.
    #[arg(long, value_name = "N")]
    pub warmup: Option<usize>,

    #[arg(long, value_name = "NAME=COMMAND", help = peer_help(false), long_help = peer_help(true))]
    pub peer: Vec<String>,

    /// Leave out the built-in python3 peer, which otherwise runs each program's Python twin when python3 is
    /// on the PATH.
    #[arg(long)]
    pub no_python: bool,

    /// Leave out the built-in native peer (the standard candle): each program's Rust twin in
    /// programs/native, which the harness otherwise builds with `cargo build --release -p native` and runs.
    #[arg(long)]
    pub no_native: bool,

    /// Skip the scaling chart's runs (fib at every size from 15 up).
    #[arg(long)]
    pub no_scaling: bool,

    /// Skip the profiling section of a full run (flamegraphs, hot spots, allocations, work counts), which
    /// builds and runs the profiling build of the harness. A `--quick` run skips it anyway.
    #[arg(long)]
    pub no_profile: bool,

    /// Write the results and the report to this directory (default reports/latest; the committed reference
    /// run lives in reports/reference).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Write into the output directory even though it holds files the harness did not make (they may be
    /// replaced).
    #[arg(long)]
    pub force: bool,

    /// Stop a run that takes longer than this many seconds and count it as that contender's failure on that
    /// program (the others go on). Default: 300 s for the verifying run, and for each timed run ten times
    /// the verifying run's time, at least 10 s.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,

    /// The engines' heap ceiling (as `lox --max-heap`): a string that would be larger raises `Out of memory.`.
    /// Bytes, or a number with K, M or G (default 1G).
    #[arg(long, value_name = "SIZE", value_parser = frontend::memory::parse_size)]
    pub max_heap: Option<usize>,

    /// Exit with 0 even when some contender failed (wrong output, a crash, a time-out, a command that could
    /// not start); by default any failure makes the exit code 1, after the report is written.
    #[arg(long)]
    pub ignore_failure: bool,

    #[command(flatten)]
    pub select: Select,

    #[command(flatten)]
    pub export: ExportArgs,

    /// Time even though this is a debug build; the report then says its figures are meaningless. For the
    /// harness's own tests.
    #[arg(long, hide = true)]
    pub allow_debug_build: bool,
}

/// The help of `--peer`. clap turns every `{n}` in help text into a line
/// break, and `{n}` is one of the placeholders, so the text goes to clap
/// with an invisible style reset inside that placeholder: `{`, reset, `n}`.
/// Written to a pipe, clap strips the reset and prints `{n}`; on a terminal
/// the reset shows as nothing.
fn peer_help(long: bool) -> clap::builder::StyledStr {
    let text = if long {
        "Add an external command to the comparison, verified and timed like the engines. COMMAND is split on \
         whitespace without a shell, and these placeholders are replaced in it: `{lox}` (the .lox file at its \
         size), `{py}` (the program's Python twin), `{n}` (the size) and `{name}` (the program). A COMMAND \
         without `{lox}` or `{py}` gets the .lox file as its last argument. Example: \
         `--peer clox=/usr/local/bin/clox`. May be given more than once."
    } else {
        "Add an external command to the comparison; `{lox}`, `{py}`, `{n}` and `{name}` are replaced in it"
    };
    let mut help = clap::builder::StyledStr::new();
    let _ = std::fmt::Write::write_str(&mut help, &text.replace("{n}", "{\u{1b}[0mn}"));
    help
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Time every engine in-process with criterion, the prepare and run phases apart, at the small sizes.
    /// Output goes to target/criterion (the same benchmarks as `cargo bench -p harness`).
    Bench(BenchArgs),

    /// Render the report again from saved results, without measuring.
    Report {
        /// The directory holding results.jsonl; the report is written beside it (default reports/latest).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,

        /// Render the records of an unfinished run (results.partial.jsonl, kept when a run is interrupted)
        /// instead of results.jsonl.
        #[arg(long)]
        partial: bool,

        /// Write into the directory even though it holds files the harness did not make.
        #[arg(long)]
        force: bool,

        #[command(flatten)]
        export: ExportArgs,
    },

    /// Compare two saved runs: per contender and program the ratio of median wall times (new ÷ old) with its
    /// bootstrap 95 % interval and whether it is significant, geometric means over the programs both runs timed,
    /// what only one run has, and a prominent note when the machine or toolchain differ. Writes README.md and a
    /// chart to reports/compare/.
    Compare(CompareArgs),

    /// Run the conformance tests (`.lox` files with `// expect:` comments) through engines and report
    /// each failure; ends with the line `N passed, M failed` and fails when any test fails.
    Conformance {
        /// Test only this engine (may be given more than once; default every engine).
        #[arg(long, value_name = "NAME")]
        engine: Vec<String>,

        /// Collect garbage at every allocation while testing, to flush out collector bugs.
        #[arg(long)]
        gc_stress: bool,

        /// Stop a test that runs longer than this many seconds and count it as failed.
        #[arg(long, value_name = "SECONDS", default_value_t = 60.0)]
        timeout: f64,

        /// The engines' heap ceiling (as `lox --max-heap`). Bytes, or a number with K, M or G.
        #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = frontend::memory::parse_size)]
        max_heap: usize,

        /// The directory of tests, searched recursively (default tests/lox).
        dir: Option<PathBuf>,
    },

    /// Profile every engine on every program in-process: flamegraphs, hot spots, allocations and work
    /// counts, written to reports/latest/flamegraphs/ and profile.jsonl. This needs the profiling build
    /// (`cargo run --release -p harness --features profiling --bin harness-profiling -- profile`); any other build of the
    /// harness builds it with cargo and hands over to it.
    #[command(args_conflicts_with_subcommands = true)]
    Profile(ProfileArgs),

    /// Count the instructions of every engine on every program with valgrind (deterministic), compare them
    /// with the committed baseline in reports/baseline/, write reports/ci/README.md, and fail when any count
    /// grew past the threshold or any output is wrong. The counted binary is `lox` (the engines without the
    /// harness, so that a change to the harness alone moves no count), which the harness first builds with
    /// cargo in its own profile and target directory, or takes from --counted-exe.
    #[command(args_conflicts_with_subcommands = true)]
    Ci(CiArgs),

    /// Explain why engine A executes fewer instructions than engine B: run both on each program (at its small
    /// size) under valgrind's callgrind, attribute every instruction of their run phases to a category
    /// (dispatch, operands, variable lookup and hashing, allocation, garbage collection, calls, operations)
    /// and print the difference by category. Writes reports/explain/README.md too; fails when an output is
    /// wrong or a breakdown does not add up to its measured total within 5 %.
    Explain(ExplainArgs),

    /// Count what each engine's tunings save: the instructions (cachegrind, as `harness ci` counts them) of
    /// every program at its small size with every tuning on, with every tuning off (plain), with each tuning off
    /// in turn and with each alone on top of plain, every output checked first. Writes ablation.jsonl (each
    /// count as it comes), ablation.json and the report's ablation section into the output directory. Takes a
    /// while: progress goes to stderr, and an interrupted run keeps and renders what it counted.
    #[command(args_conflicts_with_subcommands = true)]
    Ablate(AblateArgs),

    /// Differential fuzzing: run random, terminating Lox programs on every engine (and any `--peer`), compare
    /// output, errors and exit codes byte for byte, and shrink the first divergence into a corpus test under
    /// tests/lox/regressions/. With `--syntax`, feed random characters, token streams and mutated programs to
    /// every engine instead, which must answer with Lox diagnostics only. Exits non-zero on a finding.
    Fuzz(FuzzArgs),

    /// Run FILE on engine NAME exactly as `lox --engine NAME FILE` does: the timed child process. (`harness
    /// ci` and `harness ablate` count `lox` itself, with its hidden `--main-thread` and `--prepare-only`.)
    #[command(name = "__run", hide = true)]
    Run {
        /// The engine or a variant of it, as `lox --engine` takes it (`slot-walker:plain`).
        #[arg(long)]
        engine: String,
        /// Stop after the prepare phase (parse, resolve, compile), for counting it apart.
        #[arg(long)]
        prepare_only: bool,
        /// Run the engine on the main thread instead of a thread with a large
        /// stack (for counting under valgrind, which serialises threads: the
        /// hand-off between two threads makes a count depend on the OS
        /// scheduler). The caller must give the main thread a large stack.
        #[arg(long)]
        main_thread: bool,
        /// Collect garbage at every allocation.
        #[arg(long)]
        gc_stress: bool,
        /// The heap ceiling, as `lox --max-heap`.
        #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = frontend::memory::parse_size)]
        max_heap: usize,
        file: PathBuf,
    },

    /// Exit at once: the process whose cost is subtracted from every timing.
    #[command(name = "__noop", hide = true)]
    Noop,
}

/// Options of `harness profile`.
#[derive(Clone, Debug, Default, Args)]
pub struct ProfileArgs {
    #[command(subcommand)]
    pub action: Option<MergeAction>,

    /// Profile only slice K of N of the engine × program pairs (as `harness ci --shard`); `harness profile merge`
    /// joins the slices' output directories.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::shard::Shard>,

    /// Profile at the small sizes, to finish in well under a minute.
    #[arg(long)]
    pub quick: bool,

    /// Profile at the full sizes (the ones in the files) instead of the medium sizes that the default timing
    /// run uses.
    #[arg(long, conflicts_with = "quick")]
    pub full: bool,

    /// Write the profiles into this directory (default reports/latest), beside the timing results; the
    /// report there is rendered again to include them.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub select: Select,

    /// Instead of profiling, draw the differential flamegraph between two saved profiles (`.folded` files
    /// of the same engine and program, e.g. from reports/reference/flamegraphs/ and
    /// reports/latest/flamegraphs/): red where NEW spends a larger share than OLD, blue where smaller.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"])]
    pub diff: Vec<PathBuf>,

    /// Where `--diff` writes its SVG (default beside NEW, named `<NEW>-diff.svg`).
    #[arg(long, value_name = "FILE", requires = "diff")]
    pub output: Option<PathBuf>,

    /// Write into the output directory even though it holds files the harness did not make.
    #[arg(long)]
    pub force: bool,
}

/// Options of `harness explain`.
#[derive(Clone, Debug, Args)]
pub struct ExplainArgs {
    /// The two engines, the faster first (e.g. `nanbox-vm tagged-walker`).
    #[arg(
        num_args = 2,
        required_unless_present_any = ["rungs", "opcodes"],
        conflicts_with_all = ["rungs", "opcodes"],
        value_names = ["A", "B"]
    )]
    pub engines: Vec<String>,

    /// Every adjacent pair of rungs instead (each engine and the rung it is a step from), each engine counted
    /// once per program: saves the breakdowns as explain.jsonl (each as it comes) into the output directory
    /// (default reports/latest) and renders the report there, whose README then has the section "Why each
    /// rung executes fewer instructions" and whose LADDER.md names each step's top cost category.
    #[arg(long)]
    pub rungs: bool,

    /// Instructions per opcode execution instead: count each engine (default every engine) on each program
    /// (default fib and zoo, at their small sizes) under callgrind in the release `lox`, attribute the
    /// instructions of its dispatch loop to the opcode arm (a walker's node kind) they belong to, and divide by
    /// the executions counted by a second `lox` built with the engines' `work-count` feature (`cargo build
    /// --profile counting -p lox --bin lox --features work-count`, which the harness builds; the jit counts
    /// nothing itself and takes nanbox-vm's executions of the same bytecode). Saves opcodes.jsonl (each record
    /// as it comes) into the output directory (default reports/latest) and renders the report there, whose
    /// README then has the section "Instructions per opcode execution". About a minute per engine on the
    /// defaults.
    #[arg(long, conflicts_with = "rungs")]
    pub opcodes: bool,

    /// With --opcodes: only these engines (comma-separated names; see `lox --list-engines`).
    #[arg(long = "engines", value_delimiter = ',', value_name = "NAMES", requires = "opcodes")]
    pub opcode_engines: Vec<String>,

    /// With --rungs or --opcodes: stop a counted run after this many seconds and record it as failed.
    #[arg(long, value_name = "SECONDS", default_value_t = crate::rungs_explained::DEFAULT_TIMEOUT_S)]
    pub timeout: u64,

    /// Only these programs (comma-separated names from programs/programs.toml; default every program, with
    /// --opcodes fib and zoo).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub programs: Vec<String>,

    /// Read the benchmark programs from this directory (default programs/).
    #[arg(long, value_name = "DIR")]
    pub programs_dir: Option<PathBuf>,

    /// Where to write the programs, callgrind's files and README.md (default reports/explain; with --rungs or
    /// --opcodes, reports/latest).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    #[arg(long, value_name = "PATH", help = COUNTED_EXE_HELP)]
    pub counted_exe: Option<PathBuf>,

    /// Write into the output directory even though it holds files the harness did not make.
    #[arg(long)]
    pub force: bool,
}

impl ExplainArgs {
    /// The programs as the other commands select them.
    pub fn select(&self) -> Select {
        Select { engines: Vec::new(), programs: self.programs.clone(), programs_dir: self.programs_dir.clone() }
    }
}

/// Options of `harness ci`.
#[derive(Clone, Debug, Args)]
pub struct CiArgs {
    #[command(subcommand)]
    pub action: Option<CiAction>,

    #[command(flatten)]
    pub gate: GateArgs,

    /// Make this run's counts (and per-function profiles) the new baseline, on purpose: after a change that
    /// is meant to cost more, or to add a new engine or program. Only the pairs counted are replaced: with
    /// `--engines` or `--programs`, the baseline keeps every other pair. Refused when any output is wrong.
    #[arg(long)]
    pub update_baseline: bool,

    /// Count every pair several times (see --calibrate-runs), with the harness at other paths and other
    /// environment sizes as other checkouts and CI runners have them, and store each pair's spread in the
    /// baseline: the gate's threshold for the pair becomes the larger of --floor and --spread-factor × spread.
    /// With --update-baseline the counts are replaced too; without, only the spreads of the baseline's pairs.
    #[arg(long)]
    pub calibrate: bool,

    /// How many times --calibrate counts each pair (the first as usual, the others each in another setting).
    #[arg(long, value_name = "N", default_value_t = 3, requires = "calibrate")]
    pub calibrate_runs: usize,

    /// Count only slice K of N of the engine × program pairs (deterministic, balanced by the baseline's
    /// counts), for N parallel CI jobs; `harness ci merge` joins their output directories into one report and
    /// verdict. A shard never writes the baseline: merge with `--update-baseline` for that.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::shard::Shard>,

    /// Also time every pair natively this many times and show the wall-clock ratio to the baseline's runs
    /// with a bootstrap interval and a Mann-Whitney p-value (information only, never failing the run).
    #[arg(long, value_name = "RUNS", default_value_t = 0)]
    pub wall_clock: usize,

    /// Where to write this run's counts and report (default reports/ci).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    #[arg(long, value_name = "PATH", help = COUNTED_EXE_HELP)]
    pub counted_exe: Option<PathBuf>,

    /// Write into the output (and baseline) directory even though it holds files the harness did not make.
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub select: Select,
}

/// The help of `--counted-exe`, the same for `ci` and `ablate`.
const COUNTED_EXE_HELP: &str = "Count this `lox` binary instead of the one the harness otherwise builds first with \
     `cargo build -p lox --bin lox` (in its own profile: --release for a release harness), for where cargo cannot \
     run. Counts are only as current as the binary: build it from the checkout being judged.";

/// What `harness profile` and `harness ablate` do instead of measuring.
#[derive(Clone, Debug, Subcommand)]
pub enum MergeAction {
    /// Join the output directories of `--shard K/N` runs (every K of one N, once each) into one, and render its
    /// report there.
    Merge(MergeArgs),
}

/// Options of `harness profile merge` and `harness ablate merge`.
#[derive(Clone, Debug, Args)]
pub struct MergeArgs {
    /// The shards' output directories.
    #[arg(value_name = "DIR", required = true)]
    pub dirs: Vec<PathBuf>,

    /// Where to write the joined records and the report (default reports/latest).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Write into the output directory even though it holds files the harness did not make.
    #[arg(long)]
    pub force: bool,
}

/// What `harness ci` does instead of counting.
#[derive(Clone, Debug, Subcommand)]
pub enum CiAction {
    /// Join the output directories of `harness ci --shard K/N` (every K of one N, once each) into one report and
    /// verdict, as one unsharded run of the same pairs would give.
    Merge(Box<CiMergeArgs>),
}

/// Options of `harness ci merge`.
#[derive(Clone, Debug, Args)]
pub struct CiMergeArgs {
    /// The shards' output directories (each holding ci.json and profiles/).
    #[arg(value_name = "DIR", required = true)]
    pub dirs: Vec<PathBuf>,

    #[command(flatten)]
    pub gate: GateArgs,

    /// Make the joined counts (and spreads, when the shards calibrated) the new baseline.
    #[arg(long)]
    pub update_baseline: bool,

    /// Where to write the joined counts and report (default reports/ci).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Write into the output (and baseline) directory even though it holds files the harness did not make.
    #[arg(long)]
    pub force: bool,
}

/// What `harness ci` compares with, and how it judges.
#[derive(Clone, Debug, Args)]
pub struct GateArgs {
    /// Call a pair a regression when its instruction count grew by more than this many percent, for pairs whose
    /// baseline has no calibrated spread (see --calibrate).
    #[arg(long, value_name = "PERCENT", default_value_t = 2.0)]
    pub threshold: f64,

    /// For a pair with a calibrated spread, the threshold is the larger of this floor (percent)...
    #[arg(long, value_name = "PERCENT", default_value_t = 0.5)]
    pub floor: f64,

    /// ...and this many times the spread its calibration measured.
    #[arg(long, value_name = "K", default_value_t = 3.0)]
    pub spread_factor: f64,

    /// The baseline directory (default reports/baseline). It must exist, unless `--update-baseline` makes it.
    #[arg(long, value_name = "DIR")]
    pub baseline: Option<PathBuf>,

    /// Compare with the baseline as committed at this git revision instead of the one in the working tree;
    /// `merge-base` is where HEAD left origin/main (or main), so that a branch that moves the baseline is still
    /// shown its change against the one it started from.
    #[arg(long, value_name = "REV")]
    pub against: Option<String>,

    /// Also show each pair's change since the baseline committed at this revision (default: the last commit of
    /// reports/reference/, the last reference run; `none` for no such column), so that steps each under the
    /// threshold cannot add up unseen.
    #[arg(long, value_name = "REV")]
    pub reference: Option<String>,

    /// Fail a pair whose change since the reference passes this many percent, even when its change against
    /// the baseline is within the threshold (default: the change since the reference is shown, not judged).
    #[arg(long, value_name = "PERCENT")]
    pub max_cumulative: Option<f64>,
}

/// Options of `harness ablate`.
#[derive(Clone, Debug, Args)]
pub struct AblateArgs {
    #[command(subcommand)]
    pub action: Option<MergeAction>,

    /// Count only slice K of N of the variant × program pairs (as `harness ci --shard`); `harness ablate merge`
    /// joins the slices' output directories.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::shard::Shard>,

    /// Write the records and the report into this directory (default reports/latest, beside the timing run,
    /// whose report then includes the ablation).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Stop a counted run after this many seconds and report it as not counted (the slowest pair takes well
    /// under a minute under cachegrind).
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub timeout: u64,

    #[arg(long, value_name = "PATH", help = COUNTED_EXE_HELP)]
    pub counted_exe: Option<PathBuf>,

    /// Leave out the runs of each tuning alone on top of plain, which show what a tuning saves by itself where
    /// switching it off in turn shows what it adds to the others (they differ when tunings overlap); with
    /// them left out, an engine with k tunings costs k fewer runs per program.
    #[arg(long)]
    pub no_alone: bool,

    /// Write into the output directory even though it holds files the harness did not make.
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub select: Select,
}

/// Options of `harness fuzz`.
#[derive(Clone, Debug, Default, Args)]
pub struct FuzzArgs {
    /// Fuzz for this many seconds (unless `--programs` is given).
    #[arg(long, value_name = "N", default_value_t = 60)]
    pub seconds: u64,

    /// Stop after this many programs instead of after a time.
    #[arg(long, value_name = "N")]
    pub programs: Option<u64>,

    /// The first seed; program K of the run is made from seed S+K, so a run can be repeated or continued
    /// (default: from the clock, printed at the start).
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,

    /// Also run each program on an external command and compare it too; COMMAND is split on whitespace and
    /// gets the program's file as its last argument (or where `{lox}` stands). Programs are then made without
    /// stack overflows, and those over clox's 256-constant limit skip the peers. May be given more than once.
    #[arg(long, value_name = "NAME=COMMAND")]
    pub peer: Vec<String>,

    /// Only these engines or variants (comma-separated, e.g. `slot-walker,slot-walker:plain`; default: every
    /// engine, and the plain variant of each engine that has tunings).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub engines: Vec<String>,

    /// Also run each engine with a collection at every allocation.
    #[arg(long)]
    pub gc_stress: bool,

    /// Worker threads (default: one per core).
    #[arg(long, value_name = "J")]
    pub jobs: Option<usize>,

    /// Fuzz the front end with random characters, token streams and mutated programs instead.
    #[arg(long)]
    pub syntax: bool,

    /// How long one engine may run one program before it counts as hung, in seconds (a time-out is confirmed
    /// by a second run with four times as long before it counts).
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub time_limit: u64,

    /// Write the shrunk finding here (default tests/lox/regressions).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Write the finding as found, without shrinking it.
    #[arg(long)]
    pub no_shrink: bool,
}

/// Options of `harness compare`.
#[derive(Clone, Debug, Args)]
pub struct CompareArgs {
    /// The earlier run: a directory holding results.jsonl (such as reports/reference), or a results file. Given
    /// alone, it is the newer run instead, compared with the committed reference run (reports/reference).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,

    /// The newer run: a directory holding results.jsonl, or a results file.
    #[arg(value_name = "NEW")]
    pub new: Option<PathBuf>,

    /// Write the comparison to this directory (default reports/compare).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Write into the output directory even though it holds files the harness did not make.
    #[arg(long)]
    pub force: bool,
}

/// Exports of a run's results to files of the user's choosing (hyperfine's option names), besides the report
/// directory.
#[derive(Clone, Debug, Default, Args)]
pub struct ExportArgs {
    /// Also write the results as JSON to FILE: schema `loxbench-results` version 1 (harness/schema/), every
    /// record with its provenance.
    #[arg(long, value_name = "FILE")]
    pub export_json: Option<PathBuf>,

    /// Also write the results as CSV to FILE: one row per contender and program, provenance on every row.
    #[arg(long, value_name = "FILE")]
    pub export_csv: Option<PathBuf>,

    /// Also write the results as Markdown tables to FILE: one per program, with the time relative to the fastest.
    #[arg(long, value_name = "FILE")]
    pub export_markdown: Option<PathBuf>,
}

/// Options of `harness bench`.
#[derive(Clone, Debug, Default, Args)]
pub struct BenchArgs {
    /// Take fewer, shorter samples (20 samples, 0.3 s warm-up, 1 s of measurement per benchmark).
    #[arg(long)]
    pub quick: bool,

    #[command(flatten)]
    pub select: Select,
}

/// Which engines and programs a command works on: the same three options in
/// every command that runs engines on the benchmark programs.
#[derive(Clone, Debug, Default, Args)]
pub struct Select {
    /// Only these engines (comma-separated names; see `lox --list-engines`). Each may be a variant with some of
    /// the engine's tunings off, written as `lox --engine` takes it: `slot-walker:plain` (every tuning off),
    /// `nanbox-vm:no-superinstructions` (one off), `slot-walker:plain:fx-hash` (one on); `lox --list-tunings -e
    /// NAME` lists an engine's tunings. Without this option the timing run compares every engine both tuned and
    /// plain, and the other commands every engine as tuned.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub engines: Vec<String>,

    /// Only these programs (comma-separated names from programs/programs.toml).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub programs: Vec<String>,

    /// Read the benchmark programs from this directory (default programs/).
    #[arg(long, value_name = "DIR")]
    pub programs_dir: Option<PathBuf>,
}
