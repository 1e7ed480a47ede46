//! Flamegraph SVGs from folded stacks, with inferno: one per engine and
//! program, and differential ones between two saved profiles.

use anyhow::{Context, Result};
use inferno::flamegraph::{self, Options};
use std::io::BufReader;
use std::path::Path;

/// Renders `folded` to an SVG flamegraph at `path`.
pub fn render(folded: &str, title: &str, subtitle: &str, path: &Path) -> Result<()> {
    let mut options = Options::default();
    options.title = title.to_string();
    options.subtitle = Some(subtitle.to_string());
    options.count_name = "samples".to_string();
    let file = std::fs::File::create(path).with_context(|| format!("could not create {}", path.display()))?;
    flamegraph::from_lines(&mut options, folded.lines(), std::io::BufWriter::new(file))
        .with_context(|| format!("could not render {}", path.display()))?;
    Ok(())
}

/// Renders the differential flamegraph from `before` to `after` (two folded
/// files) at `path`: frame widths are `after`'s, red where a frame grew,
/// blue where it shrank. With `normalize`, both profiles are scaled to the
/// same total first (right for samples from runs of different lengths; wrong
/// for instruction counts, where the growth itself is the point).
pub fn render_diff(before: &Path, after: &Path, title: &str, path: &Path, normalize: bool) -> Result<()> {
    let subtitle = format!("before: {}; after: {}; red grew, blue shrank", before.display(), after.display());
    render_diff_titled(before, after, title, &subtitle, path, normalize)
}

/// [`render_diff`] with a subtitle of the caller's.
pub fn render_diff_titled(
    before: &Path,
    after: &Path,
    title: &str,
    subtitle: &str,
    path: &Path,
    normalize: bool,
) -> Result<()> {
    render(&differential(before, after, normalize)?, title, subtitle, path)
}

/// The differential folded lines from `before` to `after` (two folded
/// files): each stack with its count before and after (`a;b 10 14`).
pub fn differential(before: &Path, after: &Path, normalize: bool) -> Result<String> {
    let open = |p: &Path| {
        std::fs::File::open(p)
            .map(BufReader::new)
            .with_context(|| format!("could not read the profile {}", p.display()))
    };
    let mut lines = Vec::new();
    let options = inferno::differential::Options { normalize, ..Default::default() };
    inferno::differential::from_readers(options, open(before)?, open(after)?, &mut lines)
        .context("could not compare the two profiles")?;
    Ok(String::from_utf8_lossy(&lines).into_owned())
}
