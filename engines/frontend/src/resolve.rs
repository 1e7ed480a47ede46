//! Scope tracking: which variable a name refers to, and where it lives.
//!
//! This is the bookkeeping half of clox's compiler, kept apart from the
//! grammar. The parser calls it as it goes, exactly where clox's compiler
//! does, so its errors interleave with syntax errors in clox's order and obey
//! the same panic mode. It hands out clox's frame slots (slot 0 reserved,
//! parameters next, then locals in declaration order, reused when a scope
//! ends) and clox's capture lists, and also counts each variable's scope
//! distance for engines that chain one environment per scope.

use crate::ast::{Capture, FunctionKind, Local, Name, VarKind};
use crate::messages::{MAX_LOCALS, MAX_UPVALUES};

pub const ALREADY_DECLARED: &str = "Already a variable with this name in this scope.";
pub const OWN_INITIALIZER: &str = "Can't read local variable in its own initializer.";
pub const TOO_MANY_LOCALS: &str = "Too many local variables in function.";
pub const TOO_MANY_UPVALUES: &str = "Too many closure variables in function.";

struct LocalState {
    name: Name,
    /// The scope depth within its function, or `None` while its initializer
    /// is being parsed (reading it then is an error).
    depth: Option<u32>,
    captured: bool,
}

struct FunctionState {
    kind: FunctionKind,
    locals: Vec<LocalState>,
    upvalues: Vec<Capture>,
    /// The depth of each upvalue's variable, counted from the outermost scope.
    upvalue_depths: Vec<u32>,
    scope_depth: u32,
    /// The absolute depth of the scope this function was declared in.
    outer_depth: u32,
    max_slots: usize,
}

impl FunctionState {
    fn absolute_depth(&self) -> u32 {
        self.outer_depth + self.scope_depth
    }
}

/// What a finished function's scopes came to.
pub struct FunctionScopes {
    pub upvalues: Vec<Capture>,
    pub n_slots: usize,
    /// Every local of the function's outermost scope (slot 0 excluded), with
    /// final `captured` flags.
    pub locals: Vec<Local>,
}

pub struct Resolver {
    functions: Vec<FunctionState>,
}

impl Resolver {
    pub fn new() -> Self {
        let mut resolver = Resolver { functions: Vec::new() };
        resolver.begin_function(FunctionKind::Script);
        resolver
    }

    fn current(&mut self) -> &mut FunctionState {
        self.functions.last_mut().expect("the script's state is never popped")
    }

    pub fn kind(&self) -> FunctionKind {
        self.functions.last().expect("the script's state is never popped").kind
    }

    pub fn is_global_scope(&self) -> bool {
        self.functions.last().is_some_and(|f| f.scope_depth == 0)
    }

    /// Starts a function: slot 0 holds `this` in methods and nothing a name
    /// can reach in plain functions, and the parameters' scope begins.
    pub fn begin_function(&mut self, kind: FunctionKind) {
        let outer_depth = self.functions.last().map_or(0, FunctionState::absolute_depth);
        let slot0 = match kind {
            FunctionKind::Method | FunctionKind::Initializer => "this",
            FunctionKind::Function | FunctionKind::Script => "",
        };
        // Slot 0 belongs to the function's outermost scope, like its
        // parameters, so an engine that makes one environment per call finds
        // `this` there.
        let scope_depth = if kind == FunctionKind::Script { 0 } else { 1 };
        let slot0 = LocalState { name: slot0.into(), depth: Some(scope_depth), captured: false };
        self.functions.push(FunctionState {
            kind,
            locals: vec![slot0],
            upvalues: Vec::new(),
            upvalue_depths: Vec::new(),
            scope_depth,
            outer_depth,
            max_slots: 1,
        });
    }

    pub fn end_function(&mut self) -> FunctionScopes {
        let state = self.functions.pop().expect("begin_function and end_function pair up");
        let locals = state.locals.iter().enumerate().skip(1).map(|(slot, l)| to_local(l, slot)).collect();
        FunctionScopes { upvalues: state.upvalues, n_slots: state.max_slots, locals }
    }

    pub fn begin_scope(&mut self) {
        self.current().scope_depth += 1;
    }

    /// Ends a scope and returns its locals in declaration order.
    pub fn end_scope(&mut self) -> Vec<Local> {
        let state = self.current();
        state.scope_depth -= 1;
        let depth = state.scope_depth;
        let mut first = state.locals.len();
        while first > 0 && state.locals[first - 1].depth.is_some_and(|d| d > depth) {
            first -= 1;
        }
        let ended = state.locals.split_off(first);
        ended.iter().enumerate().map(|(i, l)| to_local(l, first + i)).collect()
    }

    /// Declares a local in the current scope (globals are not declared).
    /// Returns the new local, or the message of the error to report.
    pub fn declare_local(&mut self, name: &Name) -> Result<Local, &'static str> {
        let state = self.current();
        let depth = state.scope_depth;
        let mut result = Ok(());
        for local in state.locals.iter().rev() {
            if local.depth.is_some_and(|d| d < depth) {
                break;
            }
            if local.name == *name {
                result = Err(ALREADY_DECLARED);
                break;
            }
        }
        // As in clox, a duplicate is reported but still declared (so later
        // slots number as clox's do); a local past the limit is not declared.
        let full = state.locals.len() == MAX_LOCALS;
        if !full {
            state.locals.push(LocalState { name: name.clone(), depth: None, captured: false });
            state.max_slots = state.max_slots.max(state.locals.len());
        }
        result?;
        if full {
            return Err(TOO_MANY_LOCALS);
        }
        let slot = state.locals.len() - 1;
        Ok(Local { name: name.clone(), slot: slot as u16, captured: false })
    }

    /// Marks the most recent local as initialized: from now on it can be read.
    pub fn mark_initialized(&mut self) {
        let state = self.current();
        if state.scope_depth == 0 {
            return;
        }
        let depth = state.scope_depth;
        if let Some(local) = state.locals.last_mut() {
            local.depth = Some(depth);
        }
    }

    /// Resolves a name used in the current function. Errors (reading a local
    /// in its own initializer, too many captures) come back beside the
    /// answer, because clox reports them and carries on.
    pub fn resolve(&mut self, name: &Name) -> (VarKind, Option<&'static str>) {
        let top = self.functions.len() - 1;
        let here = self.functions[top].absolute_depth();
        let mut error = None;
        if let Some((slot, depth)) = resolve_local(&self.functions[top], name, &mut error) {
            return (VarKind::Local { slot, hops: (here - depth) as u16 }, error);
        }
        if let Some((index, depth)) = self.resolve_upvalue(top, name, &mut error) {
            return (VarKind::Upvalue { index, hops: (here - depth) as u16 }, error);
        }
        (VarKind::Global, error)
    }

    fn resolve_upvalue(
        &mut self,
        function: usize,
        name: &Name,
        error: &mut Option<&'static str>,
    ) -> Option<(u16, u32)> {
        if function == 0 {
            return None;
        }
        let enclosing = function - 1;
        if let Some((slot, depth)) = resolve_local(&self.functions[enclosing], name, error) {
            self.functions[enclosing].locals[slot as usize].captured = true;
            return Some((self.add_upvalue(function, Capture { is_local: true, index: slot }, depth, error), depth));
        }
        let (index, depth) = self.resolve_upvalue(enclosing, name, error)?;
        Some((self.add_upvalue(function, Capture { is_local: false, index }, depth, error), depth))
    }

    fn add_upvalue(&mut self, function: usize, capture: Capture, depth: u32, error: &mut Option<&'static str>) -> u16 {
        let state = &mut self.functions[function];
        if let Some(existing) = state.upvalues.iter().position(|&c| c == capture) {
            return existing as u16;
        }
        if state.upvalues.len() == MAX_UPVALUES {
            error.get_or_insert(TOO_MANY_UPVALUES);
            return 0;
        }
        state.upvalues.push(capture);
        state.upvalue_depths.push(depth);
        (state.upvalues.len() - 1) as u16
    }
}

impl Default for Resolver {
    fn default() -> Self {
        Self::new()
    }
}

/// Finds `name` among a function's locals, innermost first: its slot and
/// absolute depth.
fn resolve_local(state: &FunctionState, name: &Name, error: &mut Option<&'static str>) -> Option<(u16, u32)> {
    let (slot, local) = state.locals.iter().enumerate().rev().find(|(_, l)| l.name == *name)?;
    let depth = match local.depth {
        Some(depth) => depth,
        None => {
            error.get_or_insert(OWN_INITIALIZER);
            state.scope_depth
        }
    };
    Some((slot as u16, state.outer_depth + depth))
}

fn to_local(state: &LocalState, slot: usize) -> Local {
    Local { name: state.name.clone(), slot: slot as u16, captured: state.captured }
}
