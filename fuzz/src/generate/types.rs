//! What the generator knows about the values it has made: a static type for
//! every variable, and a table entry for every function and class.
//!
//! Lox is dynamically typed; these types exist only in the generator, so it
//! can write programs that mostly run to the end (a wrong-typed operand is a
//! runtime error that stops everything after it) and put errors in on purpose.
//! A variable keeps one type for its whole life: an assignment stores a value
//! of the same type, so the type stays true at run time.

use std::collections::BTreeSet;

/// A value's type as the generator tracks it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    Num,
    Str,
    Bool,
    Nil,
    /// A closure (or bound method) of the function with this index.
    Fun(usize),
    /// The class with this index.
    Class(usize),
    /// An instance of exactly the class with this index.
    Inst(usize),
}

impl Ty {
    /// Whether values of this type can be stored in a variable that is later
    /// assigned to. Callables are never reassigned: a call's target must be
    /// known to bound the program's running time (see [`FunInfo::cost`]).
    pub fn reassignable(self) -> bool {
        matches!(self, Ty::Num | Ty::Str | Ty::Bool | Ty::Nil | Ty::Inst(_))
    }
}

/// A function, method or initializer the generator has declared.
#[derive(Clone, Debug)]
pub struct FunInfo {
    /// The name it prints as (`<fn NAME>`).
    pub name: String,
    pub params: Vec<Ty>,
    pub ret: Ty,
    /// An upper bound on the steps one call takes, callees included.
    pub cost: u64,
    /// Whether its body is complete. Only complete functions may be called
    /// from a body generated later, which keeps the call graph acyclic: a
    /// body calls only what was finished before it started.
    pub done: bool,
}

/// A class the generator has declared.
#[derive(Clone, Debug)]
pub struct ClassInfo {
    pub name: String,
    pub superclass: Option<usize>,
    /// Its own methods by name (inherited ones are found through `superclass`).
    pub methods: Vec<(String, usize)>,
    /// The fields every instance has once its initializer has returned, with
    /// their types (inherited fields included).
    pub fields: Vec<(String, Ty)>,
    /// Names its methods call or read through `this`. A subclass may neither
    /// override nor shadow them with a field: `this.m()` in a superclass
    /// method would then reach code generated later, and the call graph could
    /// get a cycle.
    pub this_used: BTreeSet<String>,
    /// Whether its declaration is complete (only then can it be a superclass).
    pub done: bool,
}

/// A variable in scope.
#[derive(Clone, Debug)]
pub struct Var {
    pub name: String,
    pub ty: Ty,
    /// Loop counters and callables are never assigned.
    pub assignable: bool,
}
