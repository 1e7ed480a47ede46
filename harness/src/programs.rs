//! The benchmark programs: `programs/programs.toml`, the `.lox` files, their
//! expected outputs and their Python twins.
//!
//! Every program has exactly one line `var N = <digits>;`, which sets its
//! size. The harness rewrites that line to run a program at another size; the
//! committed file holds the full size. The expected output for size `N` is
//! `expected/<name>-<N>.out`, and `sizes` in the manifest lists every size that
//! has one.

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What kind of benchmark a program is (`group` in the manifest): the
/// report gives a geometric mean per group, so that a ranking that holds on
/// micro-benchmarks only shows against the larger programs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// One code shape or one library-sized kernel (a manifest without
    /// groups, and results saved before groups existed, are all micro).
    #[default]
    Micro,
    /// A larger application: objects, polymorphism and closures together.
    Macro,
    /// The same work as another program (`twin_of`), written another way.
    Twin,
}

impl Group {
    /// Every group, in the order the report shows them.
    pub const ALL: [Group; 3] = [Group::Micro, Group::Macro, Group::Twin];

    /// The manifest's word for the group.
    pub fn name(self) -> &'static str {
        match self {
            Group::Micro => "micro",
            Group::Macro => "macro",
            Group::Twin => "twin",
        }
    }
}

/// One `[[program]]` table of `programs.toml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Program {
    pub name: String,
    #[serde(default)]
    pub group: Group,
    /// For a twin, the program whose work it repeats in another shape (the
    /// same output at the same sizes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub twin_of: Option<String>,
    /// What the program stresses, in a few words ("calls", "allocation").
    #[serde(default)]
    pub stresses: String,
    /// One or two sentences on what it computes.
    #[serde(default)]
    pub description: String,
    /// The size `--quick` runs, and the one that instruction counts (`harness
    /// ci`, `ablate`, `explain`) and criterion use.
    pub small: u64,
    /// The size the default run times and profiles: large enough that
    /// process start-up is a few percent of the fastest engine's run, small
    /// enough that every contender on every program fits the main job's
    /// twenty minutes.
    /// 0 in results saved before the medium size existed, whose runs used
    /// `small` or `full`; a manifest must give it.
    #[serde(default)]
    pub medium: u64,
    /// The size in the committed file, which `--full` runs.
    pub full: u64,
    /// Every size that has an expected-output file.
    #[serde(default)]
    pub sizes: Vec<u64>,
}

/// Which of a program's sizes a run uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// `--quick`: milliseconds per run.
    Small,
    /// The default: a few tens of milliseconds on clox.
    Medium,
    /// `--full`: the size in the file, a second or so on clox.
    Full,
}

impl Scale {
    /// The scale that the `--quick` and `--full` flags (never both) select.
    pub fn from_flags(quick: bool, full: bool) -> Scale {
        match (quick, full) {
            (true, _) => Scale::Small,
            (false, true) => Scale::Full,
            (false, false) => Scale::Medium,
        }
    }
}

impl Program {
    /// The program's size at `scale`.
    pub fn size(&self, scale: Scale) -> u64 {
        match scale {
            Scale::Small => self.small,
            Scale::Medium => self.medium,
            Scale::Full => self.full,
        }
    }
}

#[derive(Deserialize)]
struct Manifest {
    program: Vec<Program>,
}

/// The programs of one directory, in the manifest's order.
#[derive(Clone, Debug)]
pub struct ProgramSet {
    pub dir: PathBuf,
    pub programs: Vec<Program>,
}

impl ProgramSet {
    /// Reads `dir/programs.toml` and checks that every program's files exist.
    pub fn load(dir: &Path) -> Result<ProgramSet> {
        let manifest_path = dir.join("programs.toml");
        let text = std::fs::read_to_string(&manifest_path)
            .with_context(|| format!("could not read {}", manifest_path.display()))?;
        let manifest: Manifest =
            toml::from_str(&text).with_context(|| format!("{} is not a valid manifest", manifest_path.display()))?;
        let set = ProgramSet { dir: dir.to_path_buf(), programs: manifest.program };
        for program in &set.programs {
            let source = set.source_path(&program.name);
            if !source.is_file() {
                bail!("{} lists `{}` but {} does not exist", manifest_path.display(), program.name, source.display());
            }
            check_twin(&set, program).with_context(|| format!("in {}", manifest_path.display()))?;
            if program.medium == 0 {
                bail!(
                    "{}: program `{}` has no `medium` size (the size the default run times)",
                    manifest_path.display(),
                    program.name
                );
            }
            for size in [program.small, program.medium, program.full] {
                if !program.sizes.contains(&size) {
                    bail!(
                        "{}: program `{}` runs at size {size}, which is missing from its `sizes` list",
                        manifest_path.display(),
                        program.name
                    );
                }
            }
        }
        Ok(set)
    }

    /// The program called `name`.
    pub fn find(&self, name: &str) -> Option<&Program> {
        self.programs.iter().find(|program| program.name == name)
    }

    pub fn source_path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.lox"))
    }

    pub fn python_path(&self, name: &str) -> PathBuf {
        self.dir.join("python").join(format!("{name}.py"))
    }

    pub fn expected_path(&self, name: &str, size: u64) -> PathBuf {
        self.dir.join("expected").join(format!("{name}-{size}.out"))
    }

    /// The program's source with its size set to `size`.
    pub fn sized_source(&self, name: &str, size: u64) -> Result<String> {
        let path = self.source_path(name);
        let source = std::fs::read_to_string(&path).with_context(|| format!("could not read {}", path.display()))?;
        set_size(&source, size).with_context(|| format!("in {}", path.display()))
    }

    /// What the program prints at `size`.
    pub fn expected_output(&self, name: &str, size: u64) -> Result<Vec<u8>> {
        let path = self.expected_path(name, size);
        std::fs::read(&path)
            .with_context(|| format!("no expected output for {name} at size {size}: {}", path.display()))
    }
}

/// A twin names the program it repeats, which is another program of the
/// set; only a twin does.
fn check_twin(set: &ProgramSet, program: &Program) -> Result<()> {
    match (&program.twin_of, program.group) {
        (None, Group::Twin) => {
            bail!("program `{}` is a twin but has no `twin_of` naming the program it repeats", program.name)
        }
        (None, _) => Ok(()),
        (Some(_), group) if group != Group::Twin => bail!(
            "program `{}` has `twin_of` but is in group \"{}\"; a program with a twin_of is in group \"twin\"",
            program.name,
            group.name()
        ),
        (Some(original), _) if *original == program.name => {
            bail!("program `{}` is given as its own twin (`twin_of`)", program.name)
        }
        (Some(original), _) => match set.find(original) {
            // The twin table divides a twin's time by its original's at the
            // same scale, which is the same work only at the same sizes.
            Some(twin_of)
                if (twin_of.small, twin_of.medium, twin_of.full) != (program.small, program.medium, program.full) =>
            {
                bail!(
                    "program `{}` is a twin of `{original}` but its sizes (small, medium, full) differ from it; a twin \
                     runs at its original's sizes so that their times compare the same work",
                    program.name
                )
            }
            Some(_) => Ok(()),
            None => bail!(
                "program `{}` is a twin of `{original}`, which is not a program of this set (`twin_of` must name \
                 one)",
                program.name
            ),
        },
    }
}

/// Rewrites the single `var N = <digits>;` line of `source` to `size`.
pub fn set_size(source: &str, size: u64) -> Result<String> {
    let mut found = 0;
    let mut sized = String::with_capacity(source.len() + 8);
    for line in source.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let ending = &line[body.len()..];
        if is_size_line(body) {
            found += 1;
            sized.push_str(&format!("var N = {size};"));
            sized.push_str(ending);
        } else {
            sized.push_str(line);
        }
    }
    match found {
        1 => Ok(sized),
        0 => bail!("the program has no line of the form `var N = 123;` to set its size"),
        n => bail!("the program has {n} lines of the form `var N = 123;`; it must have exactly one"),
    }
}

fn is_size_line(line: &str) -> bool {
    line.strip_prefix("var N = ")
        .and_then(|rest| rest.strip_suffix(';'))
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_size_line_is_rewritten_and_nothing_else() {
        let source = "// var N = 3; in a comment stays\nvar N = 35;\nprint N;\n";
        assert_eq!(set_size(source, 20).unwrap(), "// var N = 3; in a comment stays\nvar N = 20;\nprint N;\n");
        assert_eq!(set_size("var N = 1;\r\nprint N;", 7).unwrap(), "var N = 7;\r\nprint N;");
    }

    fn manifest_check(tables: &str) -> Result<ProgramSet> {
        let dir = std::env::temp_dir().join(format!("loxbench-manifest-{}-{}", std::process::id(), tables.len()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for name in ["a", "b"] {
            std::fs::write(dir.join(format!("{name}.lox")), "var N = 1;\nprint N;\n").unwrap();
        }
        std::fs::write(dir.join("programs.toml"), tables).unwrap();
        let set = ProgramSet::load(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        set
    }

    fn table(name: &str, extra: &str) -> String {
        format!("[[program]]\nname = \"{name}\"\nsmall = 1\nmedium = 1\nfull = 1\nsizes = [1]\n{extra}\n")
    }

    #[test]
    fn groups_and_twins_are_read_and_checked() {
        let set = manifest_check(&(table("a", "") + &table("b", "group = \"twin\"\ntwin_of = \"a\""))).unwrap();
        assert_eq!(set.programs[0].group, Group::Micro, "a program without a group is micro");
        assert_eq!((set.programs[1].group, set.programs[1].twin_of.as_deref()), (Group::Twin, Some("a")));

        let refused = |b_extra: &str| {
            let error = manifest_check(&(table("a", "group = \"macro\"") + &table("b", b_extra))).unwrap_err();
            format!("{error:#}")
        };
        assert!(refused("group = \"twin\"\ntwin_of = \"c\"").contains("`c`, which is not a program"));
        assert!(refused("group = \"twin\"\ntwin_of = \"b\"").contains("its own twin"));
        assert!(refused("group = \"twin\"").contains("has no `twin_of`"));
        assert!(refused("twin_of = \"a\"").contains("is in group \"micro\""));
        assert!(refused("group = \"huge\"").contains("not a valid manifest"));
    }

    #[test]
    fn a_twin_runs_at_its_originals_sizes_and_every_scale_has_a_size() {
        let unequal = "[[program]]\nname = \"b\"\ngroup = \"twin\"\ntwin_of = \"a\"\nsmall = 1\nmedium = 2\nfull = 2\nsizes = [1, 2]\n";
        let error = manifest_check(&(table("a", "") + unequal)).unwrap_err();
        assert!(format!("{error:#}").contains("its sizes (small, medium, full) differ"), "{error:#}");

        let unlisted = "[[program]]\nname = \"a\"\nsmall = 1\nmedium = 3\nfull = 1\nsizes = [1]\n";
        let error = manifest_check(unlisted).unwrap_err();
        assert!(format!("{error:#}").contains("runs at size 3"), "{error:#}");
        let missing = "[[program]]\nname = \"a\"\nsmall = 1\nfull = 1\nsizes = [1]\n";
        let error = manifest_check(missing).unwrap_err();
        assert!(format!("{error:#}").contains("has no `medium` size"), "{error:#}");

        let set = manifest_check(&table("a", "")).unwrap();
        let scales = [Scale::from_flags(true, false), Scale::from_flags(false, false), Scale::from_flags(false, true)];
        assert_eq!(scales, [Scale::Small, Scale::Medium, Scale::Full]);
        assert!(scales.iter().all(|&scale| set.programs[0].size(scale) == 1));
    }

    #[test]
    fn a_program_without_exactly_one_size_line_is_refused() {
        assert!(set_size("print 1;\n", 3).is_err());
        assert!(set_size("var N = 1;\nvar N = 2;\n", 3).is_err());
        assert!(set_size("var N = x;\n", 3).is_err());
    }
}
