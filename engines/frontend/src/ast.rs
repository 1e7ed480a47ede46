//! The resolved syntax tree every engine starts from.
//!
//! The parser resolves every variable as it goes (as clox's single-pass
//! compiler does), so a tree that reaches an engine has no static errors left,
//! and every variable reference already says where the variable lives:
//!
//! * a **global**, looked up by name when it runs (globals are late-bound);
//! * a **local** of the current function, with its frame **slot** (clox's
//!   numbering: slot 0 holds the callee or `this`, parameters follow) and its
//!   **hops**, the number of scopes between the reference and the declaration;
//! * an **upvalue**, a variable of an enclosing function captured by this one,
//!   with its capture index into [`Function::upvalues`] (and its hops too).
//!
//! Different engines read different parts of that answer: `hashmap-walker`
//! walks `hops` environments and then looks the name up, `slot-walker` indexes
//! its frame by `slot`, and the bytecode compilers emit clox's local and
//! upvalue instructions. Line numbers are the ones clox would report for a
//! runtime error in that node, so every engine's traces agree.

use std::rc::Rc;

/// A name or string constant, shared rather than copied.
pub type Name = Rc<str>;

/// A whole program: the top-level script, as a function of no parameters.
#[derive(Debug)]
pub struct Program {
    pub script: Rc<Function>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FunctionKind {
    /// The top-level code of a program.
    Script,
    /// A function declared with `fun`.
    Function,
    /// A method other than `init`: slot 0 holds `this`.
    Method,
    /// A class's `init` method: slot 0 holds `this`, and it always returns it.
    Initializer,
}

/// A function, method or the script, with everything known statically about it.
#[derive(Debug)]
pub struct Function {
    pub name: Name,
    pub kind: FunctionKind,
    /// Parameters, in order; parameter `i` lives in slot `i + 1`.
    pub params: Vec<Local>,
    pub body: Vec<Stmt>,
    /// What each closure of this function captures, in capture-index order.
    pub upvalues: Vec<Capture>,
    /// The number of frame slots the function needs at most, slot 0 included.
    pub n_slots: usize,
    /// The line of the function's name (the script's is 1).
    pub line: u32,
    /// The id of the name the profiling marker shows for the function's
    /// frames (`Class.method` for a method; see [`crate::profiling::names`]),
    /// registered by the parser when the crate is built with `work-count`;
    /// 0 otherwise.
    pub marker: u32,
}

impl Function {
    pub fn arity(&self) -> usize {
        self.params.len()
    }
}

/// One captured variable, described as clox's `OP_CLOSURE` operands are:
/// either a local slot of the immediately enclosing function, or one of that
/// function's own upvalues.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capture {
    pub is_local: bool,
    pub index: u16,
}

/// A local variable declared by a statement, a parameter, `this` or `super`.
#[derive(Clone, Debug, PartialEq)]
pub struct Local {
    pub name: Name,
    pub slot: u16,
    /// Whether some closure captures this variable. Engines that box captured
    /// variables (or close upvalues when their scope ends) need to know.
    pub captured: bool,
}

/// Where a declaration puts its variable.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    Global(Name),
    Local(Local),
}

impl Target {
    pub fn name(&self) -> &Name {
        match self {
            Target::Global(name) => name,
            Target::Local(local) => &local.name,
        }
    }
}

/// A resolved reference to a variable.
#[derive(Clone, Debug, PartialEq)]
pub struct Variable {
    pub name: Name,
    pub kind: VarKind,
    /// The line clox reports for an undefined global read or written here.
    pub line: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    Global,
    /// A local of the current function.
    Local {
        slot: u16,
        hops: u16,
    },
    /// A variable of an enclosing function, by capture index.
    Upvalue {
        index: u16,
        hops: u16,
    },
}

/// The locals a scope declared, in declaration order, as they stood when the
/// scope ended (so `captured` is final). Bytecode engines pop or close them.
pub type ScopeLocals = Vec<Local>;

#[derive(Debug)]
pub enum Stmt {
    Expression(Expr),
    Print(Expr),
    Var {
        target: Target,
        init: Option<Expr>,
        /// The line of the declaration's `;` (clox's line for defining a global).
        line: u32,
    },
    Function {
        target: Target,
        function: Rc<Function>,
    },
    Class(Box<ClassDecl>),
    Block {
        body: Vec<Stmt>,
        locals: ScopeLocals,
    },
    If {
        condition: Expr,
        then_branch: Box<Stmt>,
        else_branch: Option<Box<Stmt>>,
    },
    /// `while` loops, and `for` loops after desugaring: a `for` becomes a
    /// block holding its initializer and a `While` with an `increment`.
    While {
        condition: Expr,
        body: Box<Stmt>,
        increment: Option<Expr>,
    },
    Return {
        value: Option<Expr>,
        line: u32,
    },
}

#[derive(Debug)]
pub struct ClassDecl {
    pub target: Target,
    pub superclass: Option<Superclass>,
    pub methods: Vec<Rc<Function>>,
    /// The line of the class name.
    pub line: u32,
}

/// `class B < A`: the superclass reference, and the hidden local `super` that
/// holds it in a scope wrapped around the methods (as clox does).
#[derive(Debug)]
pub struct Superclass {
    pub variable: Variable,
    pub super_local: Local,
    /// The line clox reports for `Superclass must be a class.`.
    pub line: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Add,
    Subtract,
    Multiply,
    Divide,
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Negate,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogicalOp {
    And,
    Or,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Nil,
    Bool(bool),
    Number(f64),
    String(Name),
}

#[derive(Debug)]
pub enum Expr {
    Literal(Literal),
    Variable(Variable),
    Assign {
        variable: Variable,
        value: Box<Expr>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
        line: u32,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
        line: u32,
    },
    Logical {
        op: LogicalOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Call {
        callee: Box<Expr>,
        args: Vec<Expr>,
        /// The line of the closing parenthesis.
        line: u32,
    },
    /// `object.name(args)` written as one expression: clox's invoke. Its errors
    /// differ from a property read followed by a call: on a non-instance it
    /// says `Only instances have methods.`.
    Invoke {
        object: Box<Expr>,
        name: Name,
        args: Vec<Expr>,
        line: u32,
    },
    Get {
        object: Box<Expr>,
        name: Name,
        line: u32,
    },
    Set {
        object: Box<Expr>,
        name: Name,
        value: Box<Expr>,
        line: u32,
    },
    /// `this`: a read of the method's slot 0 (or of an upvalue capturing it).
    This(Variable),
    /// `super.name`: the method `name` of the superclass, bound to `this`.
    Super {
        this: Variable,
        superclass: Variable,
        name: Name,
        line: u32,
    },
    /// `super.name(args)` as one expression.
    SuperInvoke {
        this: Variable,
        superclass: Variable,
        name: Name,
        args: Vec<Expr>,
        line: u32,
    },
}
