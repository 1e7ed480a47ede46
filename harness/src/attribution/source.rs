//! Which part of an engine's source a line belongs to, read from the source
//! itself: the arms of a dispatch `match` (a VM's `match op` in
//! `Vm::execute`, a walker's `match expr` and `match stmt` in `evaluate` and
//! `execute`), the dispatch code around it, and the closures of the closure
//! compiler with the node kind each one counts (its `tick!`).
//!
//! The engines follow one convention that makes this possible without
//! knowing any engine: the dispatch loop is `execute` in `vm.rs`, the walk is
//! `evaluate` and `execute` in `eval.rs`, every arm starts with its pattern
//! (`Op::Add =>`, `Expr::Binary { .. } =>`) at one indentation, and every
//! compiled closure names what it counts in its first lines.

use std::collections::HashMap;

/// What a source line is part of.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    /// An arm of a dispatch match, named by its opcodes or node kinds.
    Arm(Vec<String>),
    /// Finding the next thing to do: a loop's fetch and decode up to the
    /// `match`, a walker's entry into `evaluate` up to its `match` and its
    /// return, a compiled closure's entry and return.
    Dispatch,
    /// Code in a VM's loop after its `match` (enum-vm enters a called
    /// closure there, for every arm that calls one).
    AfterMatch,
    /// Code of the dispatch function outside its loop (set-up, macros'
    /// definitions): run once per run, not per instruction.
    OutsideLoop,
    /// The body of a compiled closure that counts itself as this node kind.
    Closure(String),
}

/// The units of each source file, read once.
#[derive(Debug, Default)]
pub struct SourceIndex {
    files: HashMap<String, Option<FileUnits>>,
}

#[derive(Debug, Default)]
struct FileUnits {
    /// (first line, last line, unit), 1-based and inclusive; ranges nest
    /// only as arms inside a dispatch function, and the narrowest wins.
    ranges: Vec<(u32, u32, Unit)>,
}

impl SourceIndex {
    /// The unit `line` of `file` is part of, if any. Files that cannot be
    /// read (a binary built elsewhere) have none.
    pub fn unit_at(&mut self, file: &str, line: u32) -> Option<Unit> {
        let units = self.files.entry(file.to_string()).or_insert_with(|| {
            let text = std::fs::read_to_string(file).ok()?;
            Some(parse(file, &text))
        });
        let units = units.as_ref()?;
        units
            .ranges
            .iter()
            .filter(|(first, last, _)| (*first..=*last).contains(&line))
            .min_by_key(|(first, last, _)| last - first)
            .map(|(_, _, unit)| unit.clone())
    }

    /// An index of sources given as text, for tests.
    pub fn from_texts(files: &[(&str, &str)]) -> SourceIndex {
        let files = files.iter().map(|(name, text)| (name.to_string(), Some(parse(name, text)))).collect();
        SourceIndex { files }
    }

    /// The dispatch arms of `file` in source order, each with its first line
    /// (for listing every opcode of a VM, executed or not).
    pub fn arms(&mut self, file: &str) -> Vec<Vec<String>> {
        let _ = self.unit_at(file, 0);
        let Some(Some(units)) = self.files.get(file) else { return Vec::new() };
        let mut arms: Vec<(u32, Vec<String>)> = units
            .ranges
            .iter()
            .filter_map(|(first, _, unit)| match unit {
                Unit::Arm(names) => Some((*first, names.clone())),
                _ => None,
            })
            .collect();
        arms.sort();
        arms.into_iter().map(|(_, names)| names).collect()
    }
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn parse(file: &str, text: &str) -> FileUnits {
    let lines: Vec<&str> = text.lines().collect();
    let mut ranges = Vec::new();
    let name = file.rsplit('/').next().unwrap_or(file);
    match name {
        "vm.rs" => dispatch_function(&lines, "fn execute(", "match op {", &mut ranges),
        "eval.rs" => {
            dispatch_function(&lines, "fn execute(", "match stmt {", &mut ranges);
            dispatch_function(&lines, "fn evaluate(", "match expr {", &mut ranges);
        }
        _ => {}
    }
    if file.contains("closure-compiler/src/compile") {
        closures(&lines, &mut ranges);
    }
    FileUnits { ranges }
}

/// The line (0-based) after `from` at `indent` that closes a block.
fn closing_line(lines: &[&str], from: usize, indent: usize) -> usize {
    (from + 1..lines.len())
        .find(|&i| {
            let line = lines[i];
            !line.trim().is_empty() && indentation(line) <= indent && line.trim_start().starts_with('}')
        })
        .unwrap_or(lines.len().saturating_sub(1))
}

fn dispatch_function(lines: &[&str], header: &str, matcher: &str, ranges: &mut Vec<(u32, u32, Unit)>) {
    let Some(start) = lines.iter().position(|line| line.contains(header)) else { return };
    let end = closing_line(lines, start, indentation(lines[start]));
    let Some(match_line) = (start..end).find(|&i| lines[i].trim() == matcher) else { return };
    let loop_line = (start..match_line).rev().find(|&i| {
        let trimmed = lines[i].trim();
        trimmed == "loop {" || (trimmed.ends_with(": loop {") && trimmed.starts_with('\''))
    });
    let match_end = closing_line(lines, match_line, indentation(lines[match_line]));
    let line_number = |i: usize| i as u32 + 1;
    match loop_line {
        Some(loop_line) => {
            let loop_end = closing_line(lines, loop_line, indentation(lines[loop_line]));
            ranges.push((line_number(start), line_number(end), Unit::OutsideLoop));
            ranges.push((line_number(loop_line), line_number(loop_end), Unit::AfterMatch));
            ranges.push((line_number(loop_line), line_number(match_line), Unit::Dispatch));
        }
        None => {
            ranges.push((line_number(start), line_number(end), Unit::Dispatch));
        }
    }
    arms(lines, match_line, match_end, ranges);
}

/// The arms between a `match` line and its closing line.
fn arms(lines: &[&str], match_line: usize, match_end: usize, ranges: &mut Vec<(u32, u32, Unit)>) {
    let body = match_line + 1..match_end;
    let Some(first) = body.clone().find(|&i| is_code(lines[i])) else { return };
    let arm_indent = indentation(lines[first]);
    let starts: Vec<usize> = body
        .filter(|&i| {
            is_code(lines[i]) && indentation(lines[i]) == arm_indent && !lines[i].trim_start().starts_with('}')
        })
        .collect();
    for (index, &arm_start) in starts.iter().enumerate() {
        let arm_end = starts.get(index + 1).map_or(match_end, |next| *next) - 1;
        let names = arm_names(&lines[arm_start..=arm_end]);
        if !names.is_empty() {
            ranges.push((arm_start as u32 + 1, arm_end as u32 + 1, Unit::Arm(names)));
        }
    }
}

fn is_code(line: &str) -> bool {
    let trimmed = line.trim();
    !trimmed.is_empty() && !trimmed.starts_with("//")
}

/// The opcodes or node kinds an arm's pattern names (up to its `=>`).
fn arm_names(arm: &[&str]) -> Vec<String> {
    let mut names = Vec::new();
    for line in arm {
        let pattern = line.split("=>").next().unwrap_or(line);
        for (prefix, rename) in [("Op::", false), ("Expr::", true), ("Stmt::", true)] {
            let mut rest = pattern;
            while let Some(at) = rest.find(prefix) {
                let after = &rest[at + prefix.len()..];
                let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                let name = if rename { node_kind(prefix, &name) } else { name };
                if !name.is_empty() && !names.contains(&name) {
                    names.push(name);
                }
                rest = after;
            }
        }
        if line.contains("=>") {
            break;
        }
    }
    names
}

/// The node-kind name of an AST variant, where they differ
/// (`frontend::profiling::NodeKind`'s names).
fn node_kind(prefix: &str, variant: &str) -> String {
    match (prefix, variant) {
        ("Stmt::", "Expression") => "ExpressionStmt".to_string(),
        ("Stmt::", "Function") => "FunDecl".to_string(),
        _ => variant.to_string(),
    }
}

/// The closure compiler's closures: from each `Box::new(move |..| {` to its
/// closing line, the body counts as the node kind its `tick!` names; the
/// first and last lines (where a closure's entry and return are) are
/// dispatch.
fn closures(lines: &[&str], ranges: &mut Vec<(u32, u32, Unit)>) {
    for (start, line) in lines.iter().enumerate() {
        let trimmed = line.trim_end();
        let is_header = trimmed.contains("Box::new(") && trimmed.contains('|') && trimmed.ends_with('{');
        if !is_header {
            continue;
        }
        let end = closing_line(lines, start, indentation(line));
        let node = (start..=end.min(start + 4)).find_map(|i| tick_node(lines[i])).unwrap_or_default();
        ranges.push((start as u32 + 1, end as u32 + 1, Unit::Closure(node)));
        ranges.push((start as u32 + 1, start as u32 + 1, Unit::Dispatch));
        ranges.push((end as u32 + 1, end as u32 + 1, Unit::Dispatch));
    }
}

/// The node kind a `tick!` line counts, when it is written out
/// (`tick!(vm, Add, ..)`); empty when it is a macro's parameter or a site
/// made at compile time, and the closure is known by its module instead.
fn tick_node(line: &str) -> Option<String> {
    let arguments = line.split("tick!(").nth(1)?;
    let mut parts = arguments.split(',').map(str::trim);
    let _vm = parts.next()?;
    let node = parts.next()?.trim_end_matches([')', ';']);
    if node.starts_with('$') || node == "site" {
        return Some(String::new());
    }
    Some(node.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const VM: &str = "\
impl Vm {
    fn execute(&mut self) {
        macro_rules! push {
            () => {};
        }
        loop {
            let op = fetch();
            match op {
                Op::Constant => push!(),
                Op::Add => {
                    add();
                }
                // A comment between arms.
                Op::JumpIfLess | Op::JumpIfGreater => jump(),
            }
            enter();
        }
    }
}
";

    const EVAL: &str = "\
impl Evaluator {
    pub fn evaluate(&mut self, expr: &Expr) -> Eval {
        match expr {
            Expr::Literal(literal) => literal,
            Expr::Variable(variable) | Expr::This(variable) => {
                read(variable)
            }
        }
    }
    fn execute(&mut self, stmt: &Stmt) -> Exec {
        match stmt {
            Stmt::Expression(expr) => expr,
            Stmt::Function { .. } => function(),
        }
    }
}
";

    #[test]
    fn a_vm_loop_is_split_into_dispatch_arms_and_the_rest() {
        let mut index = SourceIndex::from_texts(&[("src/vm.rs", VM)]);
        let at = |index: &mut SourceIndex, line| index.unit_at("src/vm.rs", line);
        assert_eq!(at(&mut index, 3), Some(Unit::OutsideLoop));
        assert_eq!(at(&mut index, 7), Some(Unit::Dispatch));
        assert_eq!(at(&mut index, 8), Some(Unit::Dispatch));
        assert_eq!(at(&mut index, 9), Some(Unit::Arm(vec!["Constant".into()])));
        assert_eq!(at(&mut index, 11), Some(Unit::Arm(vec!["Add".into()])));
        assert_eq!(at(&mut index, 14), Some(Unit::Arm(vec!["JumpIfLess".into(), "JumpIfGreater".into()])));
        assert_eq!(at(&mut index, 16), Some(Unit::AfterMatch));
        assert_eq!(at(&mut index, 20), None);
        assert_eq!(index.arms("src/vm.rs").len(), 3);
    }

    #[test]
    fn a_walker_has_node_arms_in_evaluate_and_execute() {
        let mut index = SourceIndex::from_texts(&[("src/eval.rs", EVAL)]);
        let at = |index: &mut SourceIndex, line| index.unit_at("src/eval.rs", line);
        assert_eq!(at(&mut index, 2), Some(Unit::Dispatch));
        assert_eq!(at(&mut index, 3), Some(Unit::Dispatch));
        assert_eq!(at(&mut index, 4), Some(Unit::Arm(vec!["Literal".into()])));
        assert_eq!(at(&mut index, 6), Some(Unit::Arm(vec!["Variable".into(), "This".into()])));
        assert_eq!(at(&mut index, 9), Some(Unit::Dispatch));
        assert_eq!(at(&mut index, 12), Some(Unit::Arm(vec!["ExpressionStmt".into()])));
        assert_eq!(at(&mut index, 13), Some(Unit::Arm(vec!["FunDecl".into()])));
    }

    #[test]
    fn a_compiled_closure_counts_as_the_node_its_tick_names() {
        let source = "\
fn literal() -> ExprFn {
    Box::new(move |vm, _| {
        let _mark = tick!(vm, Literal, \"Literal: number\");
        Ok(Value::Number(n))
    })
}
";
        let file = "engines/closure-compiler/src/compile/expr.rs";
        let mut index = SourceIndex::from_texts(&[(file, source)]);
        assert_eq!(index.unit_at(file, 2), Some(Unit::Dispatch));
        assert_eq!(index.unit_at(file, 4), Some(Unit::Closure("Literal".into())));
        assert_eq!(index.unit_at(file, 5), Some(Unit::Dispatch));
        assert_eq!(index.unit_at(file, 1), None);
        assert_eq!(index.unit_at("missing.rs", 1), None);
    }
}
