//! A chunk: one function's bytecode, its constants, and where its lines are.

use crate::value::Value;

#[derive(Default)]
pub struct Chunk {
    pub code: Vec<u8>,
    pub constants: Vec<Value>,
    /// Run-length line table: `(first code offset, line)`, offsets increasing.
    /// Lines are only read for errors and the disassembler, so they are kept
    /// out of the instruction stream and looked up by binary search.
    lines: Vec<(u32, u32)>,
}

impl Chunk {
    /// Records that code from the current end on belongs to `line`.
    pub fn mark_line(&mut self, line: u32) {
        let offset = self.code.len() as u32;
        match self.lines.last_mut() {
            Some(last) if last.1 == line => {}
            Some(last) if last.0 == offset => last.1 = line,
            _ => self.lines.push((offset, line)),
        }
    }

    /// The source line of the instruction at `offset`.
    pub fn line_at(&self, offset: usize) -> u32 {
        let index = self.lines.partition_point(|&(start, _)| start as usize <= offset);
        index.checked_sub(1).map_or(0, |i| self.lines[i].1)
    }

    /// The bytes this chunk owns, for the collector's accounting.
    pub fn allocated_bytes(&self) -> usize {
        self.code.capacity() + self.constants.capacity() * size_of::<Value>() + self.lines.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_found_by_offset() {
        let mut chunk = Chunk::default();
        chunk.mark_line(1);
        chunk.code.extend([0, 0]);
        chunk.mark_line(1);
        chunk.code.push(0);
        chunk.mark_line(3);
        chunk.mark_line(4);
        chunk.code.extend([0, 0]);
        assert_eq!([0, 1, 2, 3, 4].map(|o| chunk.line_at(o)), [1, 1, 1, 4, 4]);
    }
}
