//! The generator of random, terminating Lox programs.
//!
//! A program is built top-down from a seed, with a static type for every
//! variable (see [`types`]), so that most operations are well typed and the
//! program runs long enough to exercise something; a deliberate runtime
//! error goes in at a random place in some programs.
//!
//! Every program terminates, by construction rather than by a time limit:
//! - loops are counted ([`Stmt::While`], [`Stmt::For`]) with a literal limit
//!   and a counter nothing else assigns;
//! - a body calls only functions whose bodies were finished before it
//!   started, so the call graph is acyclic; the only recursion is a function
//!   whose first statement is a [`Stmt::Guard`] on a pinned, decreasing
//!   argument, and the deliberate stack overflow, which is linear;
//! - a step estimate (loop counts times body costs times callee costs) is
//!   kept under a budget, and strings stored anywhere are built from at most
//!   one non-literal string, so no string can double in a loop.
//!
//! The shrinker keeps these properties: it only removes statements, replaces
//! nodes with their children or literals, and lowers loop limits, and it
//! never touches a guard, a pinned argument or a loop's counter.

mod callable;
mod error;
mod expr;
mod stmt;
pub mod types;

use crate::program::Program;
use types::{ClassInfo, FunInfo, Ty, Var};

/// What kind of programs to make.
#[derive(Clone, Debug)]
pub struct Config {
    /// How many statements the script has at its top level (each may nest more).
    pub statements: std::ops::RangeInclusive<usize>,
    /// The chance that a program has one deliberate runtime error somewhere.
    pub error_chance: f64,
    /// Whether some of those errors may be a stack overflow (1024 frames here,
    /// 64 in clox, so a peer like clox is compared without them).
    pub stack_overflow: bool,
    /// Whether expressions sometimes span lines, so that engines must agree on
    /// which line a runtime error is reported on.
    pub line_breaks: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config { statements: 4..=20, error_chance: 0.35, stack_overflow: true, line_breaks: true }
    }
}

impl Config {
    /// Programs any clox-like implementation must run as these engines do:
    /// no stack overflow (clox overflows at 64 frames) and call chains well
    /// under 64 frames deep.
    pub fn for_peer() -> Config {
        Config { stack_overflow: false, ..Config::default() }
    }
}

/// The program for `seed`: the same seed and configuration always give the
/// same program.
pub fn generate(seed: u64, config: &Config) -> Program {
    let mut generator = Generator::new(seed, config);
    generator.program()
}

/// The most steps the whole script may be estimated to take.
const SCRIPT_BUDGET: u64 = 20_000;
/// The most steps one call of a generated function may be estimated to take.
const FUNCTION_BUDGET: u64 = 1_500;
/// The most iterations nested loops may multiply to within one body.
const MAX_MULTIPLIER: u64 = 24;
/// Nesting limits: blocks inside blocks, functions inside functions, and
/// operators inside operators.
const MAX_STMT_DEPTH: usize = 4;
const MAX_FUN_DEPTH: usize = 3;
const MAX_EXPR_DEPTH: usize = 4;

/// What kind of body is being generated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BodyKind {
    Script,
    Function,
    Method,
    Initializer,
}

/// The body being generated: a function's, a method's or the script's.
#[derive(Clone, Debug)]
struct Context {
    kind: BodyKind,
    /// The type its `return` statements give.
    ret: Ty,
    /// The class `this` belongs to (nested functions inherit it).
    this_class: Option<usize>,
    /// The fields `this` has by now, with their types.
    this_fields: Vec<(String, Ty)>,
    /// Whether methods may be called through `this` (in an initializer, only
    /// after `super.init`).
    this_methods: bool,
    cost: u64,
    budget: u64,
    /// The product of the counts of the loops around the current statement.
    multiplier: u64,
    /// The index in `scopes` where this body's scopes start.
    scope_base: usize,
}

/// The generator's state while one program is built.
struct Generator<'c> {
    rng: fastrand::Rng,
    config: &'c Config,
    funs: Vec<FunInfo>,
    classes: Vec<ClassInfo>,
    /// Scopes, innermost last; scope 0 holds the globals.
    scopes: Vec<Vec<Var>>,
    contexts: Vec<Context>,
    next_name: u32,
    /// Statements to go before the deliberate error, if this program has one.
    error_countdown: Option<u32>,
    /// The error is due and goes into the next expressions generated.
    pending_error: bool,
    stmt_depth: usize,
    expr_depth: usize,
    /// In an expression whose value is stored (in a variable, field,
    /// parameter or return value): how many non-literal strings it may still
    /// use. `None` where the value is only printed or compared.
    string_sources: Option<u32>,
    /// A local being declared, which its own initializer may not read.
    declaring: Option<String>,
}

impl<'c> Generator<'c> {
    fn new(seed: u64, config: &'c Config) -> Generator<'c> {
        let mut rng = fastrand::Rng::with_seed(seed);
        let error_countdown = (rng.f64() < config.error_chance).then(|| rng.u32(0..40));
        Generator {
            rng,
            config,
            funs: Vec::new(),
            classes: Vec::new(),
            scopes: vec![Vec::new()],
            contexts: vec![Context {
                kind: BodyKind::Script,
                ret: Ty::Nil,
                this_class: None,
                this_fields: Vec::new(),
                this_methods: false,
                cost: 0,
                budget: SCRIPT_BUDGET,
                multiplier: 1,
                scope_base: 0,
            }],
            next_name: 0,
            error_countdown,
            pending_error: false,
            stmt_depth: 0,
            expr_depth: 0,
            string_sources: None,
            declaring: None,
        }
    }

    fn program(&mut self) -> Program {
        let count = self.rng.usize(self.config.statements.clone());
        let mut body = Vec::new();
        for _ in 0..count {
            body.extend(self.stmt());
        }
        // Print some of what the program built, so that a wrong value shows.
        let globals: Vec<Var> = self.scopes[0].clone();
        for var in globals {
            if self.rng.u32(0..3) == 0 {
                body.push(crate::program::Stmt::Print(crate::program::Expr::var(var.name)));
            }
        }
        Program { body }
    }

    // ---- randomness ----

    fn chance(&mut self, probability: f64) -> bool {
        self.rng.f64() < probability
    }

    /// An index into `weights`, chosen with those weights (zero never).
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut roll = self.rng.u32(0..total.max(1));
        for (index, &weight) in weights.iter().enumerate() {
            if roll < weight {
                return index;
            }
            roll -= weight;
        }
        0
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> Option<T> {
        (!items.is_empty()).then(|| items[self.rng.usize(0..items.len())].clone())
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.next_name += 1;
        format!("{prefix}{}", self.next_name)
    }

    // ---- scopes ----

    fn context(&self) -> &Context {
        self.contexts.last().expect("the script context is never popped")
    }

    fn context_mut(&mut self) -> &mut Context {
        self.contexts.last_mut().expect("the script context is never popped")
    }

    fn at_top_level(&self) -> bool {
        self.scopes.len() == 1
    }

    fn declare(&mut self, name: &str, ty: Ty, assignable: bool) {
        let scope = self.scopes.last_mut().expect("there is always a scope");
        // Redeclaring a global replaces it (Lox allows that at the top level).
        scope.retain(|var| var.name != name);
        scope.push(Var { name: name.to_string(), ty, assignable });
    }

    fn push_scope(&mut self) {
        self.scopes.push(Vec::new());
    }

    fn pop_scope(&mut self) {
        self.scopes.pop();
    }

    /// Every variable visible here (inner declarations hide outer ones of the
    /// same name) that `keep` accepts.
    fn visible(&self, keep: impl Fn(&Var) -> bool) -> Vec<Var> {
        let mut seen: Vec<&str> = Vec::new();
        let mut found = Vec::new();
        for scope in self.scopes.iter().rev() {
            for var in scope.iter().rev() {
                if seen.contains(&var.name.as_str()) {
                    continue;
                }
                seen.push(&var.name);
                if self.declaring.as_deref() != Some(var.name.as_str()) && keep(var) {
                    found.push(var.clone());
                }
            }
        }
        found
    }

    /// Whether `name` is declared in the innermost scope.
    fn in_current_scope(&self, name: &str) -> bool {
        self.scopes.last().is_some_and(|scope| scope.iter().any(|var| var.name == name))
    }

    // ---- cost ----

    /// Whether `steps` more (per execution of the current statement) fit the
    /// current body's budget.
    fn affordable(&self, steps: u64) -> bool {
        let context = self.context();
        context.cost.saturating_add(steps.saturating_mul(context.multiplier)) <= context.budget
    }

    fn spend(&mut self, steps: u64) {
        let context = self.context_mut();
        context.cost = context.cost.saturating_add(steps.saturating_mul(context.multiplier));
    }

    /// Runs `work` as a stored value: at most one non-literal string in it.
    fn stored<T>(&mut self, work: impl FnOnce(&mut Self) -> T) -> T {
        let saved = self.string_sources.replace(1);
        let result = work(self);
        self.string_sources = saved;
        result
    }

    /// Runs `work` as a value that is only printed or compared.
    fn consumed<T>(&mut self, work: impl FnOnce(&mut Self) -> T) -> T {
        let saved = self.string_sources.take();
        let result = work(self);
        self.string_sources = saved;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::print;

    #[test]
    fn the_same_seed_gives_the_same_program() {
        let config = Config::default();
        for seed in 0..50 {
            assert_eq!(print(&generate(seed, &config)), print(&generate(seed, &config)));
        }
        assert_ne!(print(&generate(1, &config)), print(&generate(2, &config)));
    }

    #[test]
    fn programs_parse_without_errors() {
        let config = Config::default();
        for seed in 0..300 {
            let source = print(&generate(seed, &config));
            if let Err(errors) = frontend::parse(&source) {
                panic!("seed {seed} does not compile:\n{errors}\n{source}");
            }
        }
    }
}
