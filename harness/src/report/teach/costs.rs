//! What a rung's step costs and what its counters say, from every record
//! kind a report directory may hold: the timing runs (peak memory), the
//! profiles (prepare time, allocations, the engine's own count of its
//! work), the ablation (instructions, plain and tuned) and the source tree
//! (lines of code, `unsafe` sites). A kind that is absent gives `None`,
//! and the page says what would measure it.

use super::steps::RungPage;
use crate::profile::EngineProfile;
use crate::report::Extras;
use crate::report::analysis::Analysis;
use crate::results::Suite;
use crate::source::SourceFacts;
use crate::stats;

/// Figures about one engine, each over the programs that have it.
#[derive(Clone, Debug, Default)]
pub struct Counters {
    /// Median over programs of the time to prepare (parse, resolve,
    /// compile), from the profiles.
    pub prepare_s: Option<f64>,
    /// Median over programs of the peak RSS of the tuned engine's timed runs.
    pub peak_rss: Option<u64>,
    /// Allocations per run, per program, from the profiles.
    pub allocations: Vec<(String, u64)>,
    /// The engine's own count of its work per run, and its unit.
    pub work: Vec<(String, u64)>,
    pub work_unit: Option<String>,
    /// Instructions per run (cachegrind, from the ablation), tuned and
    /// plain, per program.
    pub instructions_tuned: Vec<(String, u64)>,
    pub instructions_plain: Vec<(String, u64)>,
    /// The median over programs of tuned instructions per unit of the
    /// engine's own work, where the ablation counted the size the profile
    /// ran, and how many programs that is.
    pub instructions_per_unit: Option<(f64, usize)>,
    /// The source tree's count.
    pub source: Option<SourceFacts>,
}

impl Counters {
    pub fn of(a: &Analysis, extras: Extras<'_>, rung: &RungPage<'_>) -> Counters {
        let mut counters = Counters::default();
        let own: Vec<&EngineProfile> = extras
            .profiles
            .iter()
            .flat_map(|profiles| profiles.profiles.iter().map(|(profile, _)| profile))
            .filter(|p| p.engine == rung.engine && p.passed)
            .collect();
        if !own.is_empty() {
            let prepare: Vec<f64> = own.iter().map(|p| p.prepare_s).collect();
            counters.prepare_s = (!prepare.is_empty()).then(|| stats::median(&prepare));
            counters.allocations = own.iter().map(|p| (p.program.clone(), p.allocations.count)).collect();
            counters.work = own.iter().filter_map(|p| Some((p.program.clone(), p.work_count?))).collect();
            counters.work_unit = own.iter().find_map(|p| p.work_unit.clone());
        }
        if let Some(tuned) = rung.tuned {
            let peaks: Vec<f64> = a
                .main_programs()
                .iter()
                .filter_map(|(program, size)| a.cell(Suite::Main, &program.name, *size, &tuned.name))
                .filter(|cell| cell.failure.is_none() && !cell.max_rss_bytes.is_empty())
                .map(|cell| cell.peak_rss_bytes() as f64)
                .collect();
            counters.peak_rss = (!peaks.is_empty()).then(|| stats::median(&peaks) as u64);
        }
        if let Some(ablation) = extras.ablation
            && let Some(engine) = ablation.engines.iter().find(|e| e.engine == rung.engine)
        {
            let counts = |variant| -> Vec<(String, u64)> {
                ablation
                    .programs
                    .iter()
                    .filter_map(|p| Some((p.name.clone(), ablation.instructions(variant?, &p.name)?)))
                    .collect()
            };
            counters.instructions_tuned = counts(ablation.tuned(engine));
            counters.instructions_plain = counts(ablation.plain(engine));
            let per_unit: Vec<f64> = counters
                .instructions_tuned
                .iter()
                .filter_map(|(program, instructions)| {
                    let size = ablation.programs.iter().find(|p| &p.name == program)?.size;
                    let work = own.iter().find(|p| &p.program == program && p.size == size)?.work_count?;
                    (work > 0).then(|| *instructions as f64 / work as f64)
                })
                .collect();
            counters.instructions_per_unit = (!per_unit.is_empty()).then(|| (stats::median(&per_unit), per_unit.len()));
        }
        counters.source = crate::source::count(&crate::app::workspace_root(), rung.engine);
        counters
    }
}

/// The geometric mean over common programs of `upper`'s count over
/// `lower`'s, and how many programs that is.
pub fn count_ratio(lower: &[(String, u64)], upper: &[(String, u64)]) -> Option<(f64, usize)> {
    let ratios: Vec<f64> = upper
        .iter()
        .filter_map(|(program, up)| {
            let (_, low) = lower.iter().find(|(p, _)| p == program)?;
            (*low > 0 && *up > 0).then(|| *up as f64 / *low as f64)
        })
        .collect();
    Some((stats::geometric_mean(&ratios)?, ratios.len()))
}

/// One program's count.
pub fn count_on(counts: &[(String, u64)], program: &str) -> Option<u64> {
    counts.iter().find(|(p, _)| p == program).map(|(_, count)| *count)
}
