//! Where an instruction comes from, read from the binary's DWARF: the
//! function it is in and, when code was inlined there, every function it was
//! inlined from, each with its source file and line.
//!
//! This is what lets instructions be attributed to the source that caused
//! them. A line table alone gives each instruction its innermost line, so an
//! inlined `Value::is_number` is a line of `value.rs` whichever dispatch arm
//! it was inlined into; the inlined-subroutine entries say where each inlined
//! call was made, up to the line of the function the code was compiled into.
//! The release build's `line-tables-only` debug information has both.

use anyhow::{Context as _, Result};
use std::collections::HashMap;
use std::path::Path;

/// One function of an instruction's inline chain.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Frame {
    /// The function's name (an inlined function's is often short, without
    /// its path, as the debug information gives it).
    pub function: String,
    /// The source file of the function's code, and the line in it: for the
    /// innermost frame the instruction's own line, for the others the line
    /// of the call that was inlined. 0 when the compiler gave none (code it
    /// merged from several lines).
    pub file: String,
    pub line: u32,
}

/// Resolves addresses to inline chains, innermost frame first.
pub trait Symbolizer {
    fn frames(&mut self, address: u64) -> Vec<Frame>;
}

type Reader = gimli::EndianSlice<'static, gimli::RunTimeEndian>;

/// The DWARF of one binary.
pub struct Dwarf {
    context: addr2line::Context<Reader>,
    cache: HashMap<u64, Vec<Frame>>,
}

impl Dwarf {
    pub fn load(binary: &Path) -> Result<Dwarf> {
        // The binary's bytes live as long as the process: the index borrows
        // them, and a harness loads one binary once.
        let data: &'static [u8] =
            Vec::leak(std::fs::read(binary).with_context(|| format!("could not read {}", binary.display()))?);
        let file = object::File::parse(data).with_context(|| format!("{} is not an object file", binary.display()))?;
        use object::{Object, ObjectSection};
        let endian = if file.is_little_endian() { gimli::RunTimeEndian::Little } else { gimli::RunTimeEndian::Big };
        let load = |id: gimli::SectionId| -> Result<Reader, gimli::Error> {
            let bytes = file.section_by_name(id.name()).and_then(|section| section.data().ok()).unwrap_or(&[]);
            Ok(gimli::EndianSlice::new(bytes, endian))
        };
        let dwarf = gimli::Dwarf::load(load).context("could not read the debug information")?;
        let context = addr2line::Context::from_dwarf(dwarf).context("could not index the debug information")?;
        Ok(Dwarf { context, cache: HashMap::new() })
    }
}

impl Symbolizer for Dwarf {
    fn frames(&mut self, address: u64) -> Vec<Frame> {
        if let Some(frames) = self.cache.get(&address) {
            return frames.clone();
        }
        let mut frames = Vec::new();
        if let Ok(mut iter) = self.context.find_frames(address).skip_all_loads() {
            while let Ok(Some(frame)) = iter.next() {
                let function = frame
                    .function
                    .as_ref()
                    .and_then(|name| name.demangle().ok().map(|name| name.into_owned()))
                    .unwrap_or_default();
                let (file, line) = frame
                    .location
                    .map_or((String::new(), 0), |l| (l.file.unwrap_or("").to_string(), l.line.unwrap_or(0)));
                frames.push(Frame { function, file, line });
            }
        }
        self.cache.insert(address, frames.clone());
        frames
    }
}

/// Frames given as a table, for tests.
#[derive(Clone, Debug, Default)]
pub struct FixedFrames(pub HashMap<u64, Vec<Frame>>);

impl Symbolizer for FixedFrames {
    fn frames(&mut self, address: u64) -> Vec<Frame> {
        self.0.get(&address).cloned().unwrap_or_default()
    }
}
