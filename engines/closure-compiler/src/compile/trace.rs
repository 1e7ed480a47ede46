//! A record of what the compiler built, for `lox --dump closures`.
//!
//! Closures cannot be looked into once they are built, so the compiler
//! notes what it builds as it goes, when it is asked to (a session never
//! is): every node it compiles into a closure of its own (an expression, a
//! statement, a condition, a body), with the tunings that shaped that
//! closure, and every operand it decided to read in place instead, which
//! gets no closure. The nesting is the nesting of the compiler's calls, so
//! the record is the closure tree. The methods here wrap the compiler's
//! entry points of the same names (`expr` wraps `expr_node`, ...), so that
//! no rule of the compiler is written twice.

use super::condition::LeafTest;
use super::operand::{Leaf, OperandShape, Shape};
use super::{Compiler, CondFn, ExprFn, StmtFn};
use crate::compile::CompiledFunction;
use frontend::ast::{Expr, Function, FunctionKind, Stmt};
use frontend::dump::{Labels, binary_name};
use frontend::number::format_number;
use std::fmt::Write;
use std::rc::Rc;

/// The closure tree noted so far.
pub struct Trace {
    /// The nodes being compiled, outermost first; the first is the root,
    /// whose children are the top-level functions.
    open: Vec<Node>,
    labels: Labels,
}

struct Node {
    text: String,
    /// Whether the node is what a branch tests: shown before its siblings,
    /// as it runs before them, though the compiler may build it last.
    tests: bool,
    /// The tunings that fired while this node's own closure was chosen.
    tunings: Vec<&'static str>,
    children: Vec<Node>,
}

impl Node {
    fn new(text: String) -> Node {
        Node { text, tests: false, tunings: Vec::new(), children: Vec::new() }
    }
}

impl Default for Trace {
    fn default() -> Self {
        Trace { open: vec![Node::new(String::new())], labels: Labels::for_form(frontend::Form::Closures) }
    }
}

impl Trace {
    /// Notes that `tuning` shaped the closure being compiled.
    pub fn fired(&mut self, tuning: &'static str) {
        let node = self.open.last_mut().expect("the root is always open");
        if !node.tunings.contains(&tuning) {
            node.tunings.push(tuning);
        }
    }

    /// The tree, one closure (or operand read in place) per line, children
    /// indented under their parent, each with the tunings that shaped it.
    pub fn render(mut self) -> String {
        let mut out = String::new();
        let root = self.open.swap_remove(0);
        for child in &root.children {
            write_node(&mut out, child, 0);
        }
        out
    }

    /// Ends the innermost node: kept under its parent with `text` when
    /// `text` is given, else dissolved into its parent (its children and
    /// tunings move up), because it built nothing of its own.
    fn close(&mut self, text: Option<String>) {
        let mut node = self.open.pop().expect("every close has an open");
        let parent = self.open.last_mut().expect("the root is never closed");
        match text {
            Some(text) => {
                node.text = text;
                parent.children.push(node);
            }
            None => {
                parent.children.append(&mut node.children);
                for tuning in node.tunings {
                    if !parent.tunings.contains(&tuning) {
                        parent.tunings.push(tuning);
                    }
                }
            }
        }
    }
}

fn write_node(out: &mut String, node: &Node, depth: usize) {
    let _ = write!(out, "{:width$}{}", "", node.text, width = depth * 2);
    if !node.tunings.is_empty() {
        let _ = write!(out, "  [{}]", node.tunings.join(", "));
    }
    out.push('\n');
    let (tests, others): (Vec<&Node>, Vec<&Node>) = node.children.iter().partition(|child| child.tests);
    for child in tests.into_iter().chain(others) {
        write_node(out, child, depth + 1);
    }
}

impl Compiler<'_> {
    /// Runs `compile`, noting what it builds as one node when a trace is
    /// kept: `text` names the node from what was built, or `None` when it
    /// built no closure of its own.
    fn traced<T>(
        &mut self,
        compile: impl FnOnce(&mut Self) -> T,
        text: impl FnOnce(Labels, &T) -> Option<String>,
    ) -> T {
        self.traced_node(false, compile, text)
    }

    /// [`Compiler::traced`], for a node that `tests` a branch or not.
    fn traced_node<T>(
        &mut self,
        tests: bool,
        compile: impl FnOnce(&mut Self) -> T,
        text: impl FnOnce(Labels, &T) -> Option<String>,
    ) -> T {
        let Some(trace) = self.trace.as_mut() else { return compile(self) };
        trace.open.push(Node { tests, ..Node::new(String::new()) });
        let built = compile(self);
        let trace = self.trace.as_mut().expect("a trace stays while it is kept");
        let text = text(trace.labels, &built);
        trace.close(text);
        built
    }

    pub(super) fn function(&mut self, function: &Function) -> Rc<CompiledFunction> {
        self.traced(|c| c.function_node(function), |labels, _| Some(labels.function(function)))
    }

    pub(super) fn body(&mut self, body: &[Stmt], kind: FunctionKind) -> ExprFn {
        self.traced(|c| c.body_node(body, kind), |_, _| Some("body".to_string()))
    }

    pub(super) fn stmt(&mut self, stmt: &Stmt) -> StmtFn {
        self.traced(|c| c.stmt_node(stmt), |labels, _| Some(labels.stmt(stmt)))
    }

    pub(super) fn expr(&mut self, expr: &Expr) -> ExprFn {
        self.traced(|c| c.expr_node(expr), |labels, _| Some(labels.expr(expr)))
    }

    pub(super) fn condition(&mut self, expr: &Expr) -> CondFn {
        self.traced_node(
            true,
            |c| c.condition_node(expr),
            |labels, _| Some(format!("condition: {}", labels.expr(expr))),
        )
    }

    pub(super) fn shape(&mut self, expr: &Expr) -> Shape {
        self.traced(
            |c| c.shape_node(expr),
            |labels, shape| match shape {
                Shape::Local(_) | Shape::Constant(_) => Some(format!("{}, read in place", labels.expr(expr))),
                Shape::Computed(_) => None,
            },
        )
    }

    pub(super) fn operand_shape(&mut self, expr: &Expr) -> OperandShape {
        self.traced(
            |c| c.operand_shape_node(expr),
            |_, shape| match shape {
                OperandShape::Leaves { op, left, right, .. } => {
                    Some(format!("{} {}, {}: its operands read in place", binary_name(*op), leaf(*left), leaf(*right)))
                }
                _ => None,
            },
        )
    }

    pub(super) fn leaf_test(&mut self, expr: &Expr) -> Option<LeafTest> {
        self.traced_node(
            true,
            |c| c.leaf_test_node(expr),
            |_, test| {
                test.as_ref().map(|test| {
                    format!("{} {}, {}: tested in place", binary_name(test.op), leaf(test.left), leaf(test.right))
                })
            },
        )
    }
}

fn leaf(leaf: Leaf) -> String {
    match leaf {
        Leaf::Local(slot) => format!("local slot {slot}"),
        Leaf::Constant(n) => format_number(n),
    }
}
