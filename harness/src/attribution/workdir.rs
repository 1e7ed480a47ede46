//! The directory a counting command works in (`harness explain` and its
//! `--rungs` and `--opcodes`): the programs at their small sizes in
//! `programs/`, where callgrind runs, and callgrind's files in `callgrind/`.
//! Every path is absolute, because the counted process runs in `programs/`
//! while the harness reads and writes from its own directory.

use crate::outdir;
use crate::programs::{Program, ProgramSet};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// One program written at its small size, with the output it must print.
pub struct SizedProgram {
    /// Its file's name in [`WorkDir::programs`].
    pub file_name: String,
    pub expected: Vec<u8>,
}

/// The prepared directory.
pub struct WorkDir {
    /// The output directory, absolute.
    pub out: PathBuf,
    /// Where the programs are written and the counted process runs.
    pub programs: PathBuf,
    /// Callgrind's files and the counts files.
    pub raw: PathBuf,
    /// `programs`, in order.
    pub sized: Vec<SizedProgram>,
}

/// Claims `out` (see [`outdir::claim`]), creates its two directories and
/// writes every program of `programs` at its small size.
pub fn prepare(out: &Path, force: bool, set: &ProgramSet, programs: &[&Program]) -> Result<WorkDir> {
    outdir::claim(out, force)?;
    let out = std::path::absolute(out).with_context(|| format!("could not resolve {}", out.display()))?;
    let (work_dir, raw_dir) = (out.join("programs"), out.join("callgrind"));
    for dir in [&work_dir, &raw_dir] {
        std::fs::create_dir_all(dir).with_context(|| format!("could not create {}", dir.display()))?;
    }
    let mut sized = Vec::with_capacity(programs.len());
    for program in programs {
        let file_name = format!("{}.lox", program.name);
        std::fs::write(work_dir.join(&file_name), set.sized_source(&program.name, program.small)?)?;
        sized.push(SizedProgram { file_name, expected: set.expected_output(&program.name, program.small)? });
    }
    Ok(WorkDir { out, programs: work_dir, raw: raw_dir, sized })
}
