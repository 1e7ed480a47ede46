//! The shape twins: per contender, each twin's time over its original's.
//! A twin does the same work as a micro program written another way a Lox
//! programmer might, so a general implementation's ratio is near the peers'
//! (clox, CPython, native code); a contender whose speed comes from a path
//! shaped to the original pays much more for the twin, and its row shows it
//! at a glance.

use super::analysis::Analysis;
use super::format;
use crate::programs::Program;
use crate::stats;
use std::fmt::Write;

/// A ratio this much above the median contender's on the same twin is
/// marked: the contender depends on the original's shape more than most.
pub const MARK_ABOVE: f64 = 1.25;

/// Every twin of the main suite whose original ran too: (twin, original).
pub fn pairs(a: &Analysis) -> Vec<(&Program, &Program)> {
    let main = a.main_programs();
    main.iter()
        .filter_map(|(twin, _)| {
            let original = twin.twin_of.as_deref()?;
            let (original, _) = main.iter().find(|(p, _)| p.name == original)?;
            Some((*twin, *original))
        })
        .collect()
}

/// `contender`'s median on `twin` over its median on `original`, with the
/// spread propagated from both.
pub fn ratio(a: &Analysis, contender: &str, twin: &str, original: &str) -> Option<(f64, f64)> {
    let (t, o) = (a.median(twin, contender)?, a.median(original, contender)?);
    Some(stats::ratio_with_error(t.median, t.stddev, o.median, o.stddev))
}

/// The section, when the run had a twin and its original.
pub fn render(out: &mut String, a: &Analysis) {
    let pairs = pairs(a);
    if pairs.is_empty() {
        return;
    }
    let contenders = a.timed_contenders();
    // Per twin, the median ratio over every contender: the mark's reference.
    let typical: Vec<Option<f64>> = pairs
        .iter()
        .map(|(twin, original)| {
            let ratios: Vec<f64> =
                contenders.iter().filter_map(|c| ratio(a, &c.name, &twin.name, &original.name)).map(|r| r.0).collect();
            (!ratios.is_empty()).then(|| stats::median(&ratios))
        })
        .collect();

    let _ = writeln!(out, "## Shape twins: the same work written another way\n");
    let _ = writeln!(
        out,
        "Each cell is a contender's median time on a twin over its median on the original (± the propagated \
         spread): 1 means the twin's shape costs nothing more. Read a row against the peers' (python3, native \
         code, any `--peer`), whose general implementations show what the other shape really costs. **Bold** \
         marks a ratio more than {}× the median contender's on that twin: that contender's speed holds for the \
         original's shape more than the others' does. The last column is the geometric mean over the twins.\n",
        format::digits(MARK_ABOVE)
    );
    let names: Vec<String> =
        pairs.iter().map(|(twin, original)| format!("{} / {}", twin.name, original.name)).collect();
    let _ = writeln!(out, "| contender | {} | geometric mean |", names.join(" | "));
    let _ = writeln!(out, "|---|{}---:|", "---:|".repeat(pairs.len()));
    for contender in &contenders {
        let mut cells = Vec::with_capacity(pairs.len());
        let mut ratios = Vec::with_capacity(pairs.len());
        for ((twin, original), typical) in pairs.iter().zip(&typical) {
            let cell = match ratio(a, &contender.name, &twin.name, &original.name) {
                Some((r, e)) => {
                    ratios.push((r, e));
                    let text = format!("{}×", format::ratio(r, e));
                    if typical.is_some_and(|t| r > t * MARK_ABOVE) { format!("**{text}**") } else { text }
                }
                None => "–".to_string(),
            };
            cells.push(cell);
        }
        if ratios.is_empty() {
            continue;
        }
        let mean = stats::geometric_mean_with_error(&ratios)
            .map_or("–".to_string(), |(g, e)| format!("{}×", format::ratio(g, e)));
        let _ = writeln!(out, "| `{}` | {} | {mean} |", contender.name, cells.join(" | "));
    }
    out.push('\n');
}
