//! The kinds of AST node a tree-walker evaluates: one per statement and
//! expression variant, with binary, unary and logical expressions split by
//! operator, so that a walker's counts line up with a VM's opcodes (`Add`,
//! `Less`, `Call` mean the same in both).

use super::counters::{Counter, KindTally};
use super::{marker, names};
use crate::ast::{BinaryOp, Expr, LogicalOp, Stmt, UnaryOp};
use std::sync::OnceLock;

macro_rules! node_kinds {
    ($($kind:ident = $name:literal,)*) => {
        /// A kind of AST node.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum NodeKind {
            $($kind,)*
        }

        impl NodeKind {
            /// Every kind, in declaration order (`ALL[k as usize] == k`).
            pub const ALL: &'static [NodeKind] = &[$(NodeKind::$kind,)*];

            /// Every kind's name, in the same order.
            pub const NAMES: &'static [&'static str] = &[$($name,)*];

            pub fn name(self) -> &'static str {
                Self::NAMES[self as usize]
            }
        }
    };
}

node_kinds! {
    ExpressionStmt = "ExpressionStmt",
    Print = "Print",
    Var = "Var",
    FunDecl = "FunDecl",
    Class = "Class",
    Block = "Block",
    If = "If",
    While = "While",
    Return = "Return",
    Literal = "Literal",
    Variable = "Variable",
    Assign = "Assign",
    Negate = "Negate",
    Not = "Not",
    Add = "Add",
    Subtract = "Subtract",
    Multiply = "Multiply",
    Divide = "Divide",
    Equal = "Equal",
    NotEqual = "NotEqual",
    Less = "Less",
    LessEqual = "LessEqual",
    Greater = "Greater",
    GreaterEqual = "GreaterEqual",
    And = "And",
    Or = "Or",
    Call = "Call",
    Invoke = "Invoke",
    Get = "Get",
    Set = "Set",
    This = "This",
    Super = "Super",
    SuperInvoke = "SuperInvoke",
}

impl Stmt {
    pub fn kind(&self) -> NodeKind {
        match self {
            Stmt::Expression(_) => NodeKind::ExpressionStmt,
            Stmt::Print(_) => NodeKind::Print,
            Stmt::Var { .. } => NodeKind::Var,
            Stmt::Function { .. } => NodeKind::FunDecl,
            Stmt::Class(_) => NodeKind::Class,
            Stmt::Block { .. } => NodeKind::Block,
            Stmt::If { .. } => NodeKind::If,
            Stmt::While { .. } => NodeKind::While,
            Stmt::Return { .. } => NodeKind::Return,
        }
    }
}

impl Expr {
    pub fn kind(&self) -> NodeKind {
        match self {
            Expr::Literal(_) => NodeKind::Literal,
            Expr::Variable(_) => NodeKind::Variable,
            Expr::Assign { .. } => NodeKind::Assign,
            Expr::Unary { op, .. } => NodeKind::unary(*op),
            Expr::Binary { op, .. } => NodeKind::binary(*op),
            Expr::Logical { op: LogicalOp::And, .. } => NodeKind::And,
            Expr::Logical { op: LogicalOp::Or, .. } => NodeKind::Or,
            Expr::Call { .. } => NodeKind::Call,
            Expr::Invoke { .. } => NodeKind::Invoke,
            Expr::Get { .. } => NodeKind::Get,
            Expr::Set { .. } => NodeKind::Set,
            Expr::This(_) => NodeKind::This,
            Expr::Super { .. } => NodeKind::Super,
            Expr::SuperInvoke { .. } => NodeKind::SuperInvoke,
        }
    }
}

impl NodeKind {
    pub fn binary(op: BinaryOp) -> NodeKind {
        match op {
            BinaryOp::Add => NodeKind::Add,
            BinaryOp::Subtract => NodeKind::Subtract,
            BinaryOp::Multiply => NodeKind::Multiply,
            BinaryOp::Divide => NodeKind::Divide,
            BinaryOp::Equal => NodeKind::Equal,
            BinaryOp::NotEqual => NodeKind::NotEqual,
            BinaryOp::Less => NodeKind::Less,
            BinaryOp::LessEqual => NodeKind::LessEqual,
            BinaryOp::Greater => NodeKind::Greater,
            BinaryOp::GreaterEqual => NodeKind::GreaterEqual,
        }
    }

    pub fn unary(op: UnaryOp) -> NodeKind {
        match op {
            UnaryOp::Negate => NodeKind::Negate,
            UnaryOp::Not => NodeKind::Not,
        }
    }
}

impl NodeKind {
    /// The kind's name id, for the marker.
    #[inline(always)]
    pub fn marker_id(self) -> u32 {
        static IDS: OnceLock<Vec<u32>> = OnceLock::new();
        IDS.get_or_init(|| names::ids(NodeKind::NAMES))[self as usize]
    }
}

/// Evaluations per node kind, and the marker of the node being evaluated:
/// what a tree-walker keeps in its profiling build.
#[derive(Clone, Debug, Default)]
pub struct NodeProfile {
    nodes: KindTally,
}

impl NodeProfile {
    /// Counts a node of `kind` and marks it as what runs until the guard
    /// drops.
    #[inline(always)]
    pub fn enter(&mut self, kind: NodeKind) -> marker::WhatGuard {
        self.nodes.count(kind as usize);
        marker::mark_what(kind.marker_id())
    }

    /// Counts a node of `kind` that the engine handles without evaluating
    /// it on its own (a leaf operand read in place by its parent).
    #[inline(always)]
    pub fn count(&mut self, kind: NodeKind) {
        self.nodes.count(kind as usize);
    }

    /// Forgets the last run and empties the marker, as a run starts.
    pub fn start(&mut self) {
        self.nodes.clear();
        marker::clear();
    }

    pub fn counters(&self) -> Vec<Counter> {
        self.nodes.node_counters()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_their_own_index_and_have_distinct_names() {
        for (index, kind) in NodeKind::ALL.iter().enumerate() {
            assert_eq!(*kind as usize, index);
        }
        assert_eq!(NodeKind::ALL.len(), NodeKind::NAMES.len());
        let mut names = NodeKind::NAMES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), NodeKind::NAMES.len());
    }

    #[test]
    fn a_node_profile_counts_and_marks_nodes() {
        let _lock = marker::TEST_LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut profile = NodeProfile::default();
        {
            let _add = profile.enter(NodeKind::Add);
            profile.count(NodeKind::Variable);
            assert_eq!(marker::what(), NodeKind::Add.marker_id());
        }
        let counts: Vec<(String, u64)> = profile.counters().into_iter().map(|c| (c.name, c.count)).collect();
        assert_eq!(counts, vec![("Variable".to_string(), 1), ("Add".to_string(), 1)]);
        assert_eq!(names::name(NodeKind::Call.marker_id()).as_deref(), Some("Call"));
    }

    #[test]
    fn nodes_name_their_kind() {
        let program = crate::parse("var a = 1; if (a < 2) print a + 1; else a = -a;").expect("parses");
        let kinds: Vec<&str> = program.script.body.iter().map(|stmt| stmt.kind().name()).collect();
        assert_eq!(kinds, vec!["Var", "If"]);
        let Stmt::If { condition, .. } = &program.script.body[1] else { panic!("an if") };
        assert_eq!(condition.kind(), NodeKind::Less);
    }
}
