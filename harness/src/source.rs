//! What an engine's source costs, counted from the source tree: lines of
//! code, `unsafe` sites, and the modules it shares by name with another
//! engine (the files a reader diffs to see what separates two rungs).
//!
//! Lines of code are the lines of Rust that are neither blank nor only a
//! comment, outside the unit tests (a file's `#[cfg(test)]` module at its
//! end, and files named `tests.rs`). An engine's code is its crate's `src/`
//! and the `src/` of any crate under `engines/` it depends on that no other
//! engine shares (`frontend` and `cycle-collector` are the shared ones), so
//! moving an engine's code into a helper crate does not make it look
//! smaller.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Crates every engine may use, whose lines belong to no engine.
const SHARED: [&str; 2] = ["frontend", "cycle-collector"];

/// An engine's source, counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceFacts {
    /// Lines of code (see the module documentation).
    pub lines: usize,
    /// `unsafe` blocks, functions, traits and impls.
    pub unsafe_sites: usize,
    /// Every `.rs` file, relative to its crate's `src/`, e.g. `compile/expr.rs`.
    pub modules: BTreeSet<String>,
    /// The crates counted, the engine's first.
    pub crates: Vec<String>,
}

/// Counts the engine `name`, whose crate is `engines/<name>` under `root`;
/// `None` when there is no such crate.
pub fn count(root: &Path, name: &str) -> Option<SourceFacts> {
    let engines = root.join("engines");
    let own = engines.join(name);
    if !own.join("src").is_dir() {
        return None;
    }
    let mut facts = SourceFacts::default();
    for krate in std::iter::once(name.to_string()).chain(own_dependencies(&engines, &own)) {
        for file in rust_files(&engines.join(&krate).join("src")) {
            let Ok(text) = std::fs::read_to_string(&file) else { continue };
            if krate == name
                && let Ok(relative) = file.strip_prefix(engines.join(name).join("src"))
            {
                facts.modules.insert(relative.to_string_lossy().into_owned());
            }
            if file.file_name().is_some_and(|f| f == "tests.rs") {
                continue;
            }
            let (lines, unsafe_sites) = count_text(&text);
            facts.lines += lines;
            facts.unsafe_sites += unsafe_sites;
        }
        facts.crates.push(krate);
    }
    Some(facts)
}

/// The crates under `engines/` the crate at `dir` depends on, other than
/// the shared ones.
fn own_dependencies(engines: &Path, dir: &Path) -> Vec<String> {
    let Ok(manifest) = std::fs::read_to_string(dir.join("Cargo.toml")) else { return Vec::new() };
    let Ok(manifest) = manifest.parse::<toml::Table>() else { return Vec::new() };
    let Some(dependencies) = manifest.get("dependencies").and_then(|d| d.as_table()) else { return Vec::new() };
    dependencies
        .keys()
        .filter(|name| !SHARED.contains(&name.as_str()) && engines.join(name.as_str()).join("src").is_dir())
        .cloned()
        .collect()
}

/// Every `.rs` file under `dir`, in a stable order.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return files };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// Lines of code and `unsafe` sites in one file's text, up to its unit
/// tests.
pub fn count_text(text: &str) -> (usize, usize) {
    let mut lines = 0;
    let mut unsafe_sites = 0;
    let mut in_block_comment = false;
    let mut previous = "";
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("mod tests") && previous == "#[cfg(test)]" {
            // The test module is the end of the file's code, by convention.
            lines -= 1;
            break;
        }
        previous = trimmed;
        if in_block_comment {
            in_block_comment = !trimmed.contains("*/");
            continue;
        }
        if trimmed.starts_with("/*") {
            in_block_comment = !trimmed.contains("*/");
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with("//") {
            continue;
        }
        lines += 1;
        let code = trimmed.split("//").next().unwrap_or_default();
        unsafe_sites += ["unsafe {", "unsafe fn ", "unsafe impl ", "unsafe trait "]
            .iter()
            .map(|site| code.matches(site).count())
            .sum::<usize>();
    }
    (lines, unsafe_sites)
}

/// The modules two engines share by name, and those only one has.
pub fn compare_modules<'a>(
    lower: &'a SourceFacts,
    upper: &'a SourceFacts,
) -> (Vec<&'a str>, Vec<&'a str>, Vec<&'a str>) {
    let shared = upper.modules.intersection(&lower.modules).map(String::as_str).collect();
    let only_upper = upper.modules.difference(&lower.modules).map(String::as_str).collect();
    let only_lower = lower.modules.difference(&upper.modules).map(String::as_str).collect();
    (shared, only_upper, only_lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_code_lines_and_unsafe_sites_but_not_comments_or_tests() {
        let text = "\
//! A module.

/* a block
   comment */
fn f() {
    // SAFETY: a comment that mentions unsafe { is not a site.
    unsafe { g() } // trailing words
}

unsafe fn g() {}

#[cfg(test)]
mod tests {
    fn h() { unsafe { g() } }
}
";
        assert_eq!(count_text(text), (4, 2));
    }

    #[test]
    fn engines_in_this_tree_are_counted_with_their_modules() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace");
        let walker = count(root, "slot-walker").expect("slot-walker is an engine");
        assert!(walker.lines > 500 && walker.unsafe_sites == 0, "{walker:?}");
        assert!(walker.modules.contains("eval.rs") && walker.crates == ["slot-walker"]);
        let tagged = count(root, "tagged-walker").expect("tagged-walker is an engine");
        assert!(tagged.unsafe_sites > 0, "its value and heap are unsafe");
        let (shared, only_tagged, _) = compare_modules(&walker, &tagged);
        assert!(shared.contains(&"value.rs") && only_tagged.contains(&"heap.rs"), "{shared:?} {only_tagged:?}");
        assert_eq!(count(root, "no-such-engine"), None);
    }
}
