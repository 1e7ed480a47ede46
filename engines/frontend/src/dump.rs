//! What a program looks like on its way to being run, printed for a reader.
//!
//! Every engine starts from the same resolved tree and then reads a
//! different part of it, or turns it into something else: the naive walker
//! finds each variable by its name after walking `hops` scopes out, the
//! slot-based walkers index a frame by the variable's slot, the closure
//! compiler builds a tree of closures, and the VMs emit instructions. A
//! [`Form`] names one of those representations; an engine says which forms
//! it passes through (`Engine::forms`), and `lox --dump FORM` prints one.
//!
//! This module prints the two forms that are the shared tree itself,
//! [`tree`]: the tree as names and scope distances ([`Form::Ast`]) and as
//! frame slots and capture indices ([`Form::Resolved`]). The same tree
//! prints both ways because the parser resolves every variable three ways at
//! once (see [`crate::ast`]); the forms differ in what an engine reads.

use crate::ast::*;
use crate::diagnostics::CompileErrors;
use std::fmt::Write;

/// One representation of a program, as `lox --dump` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// The syntax tree, each variable by its name and scope distance.
    Ast,
    /// The same tree as slot-resolved engines read it: locals by frame
    /// slot, captured variables by capture index, globals by name.
    Resolved,
    /// The tree of Rust closures the closure compiler builds from it.
    Closures,
    /// A VM's instructions.
    Bytecode,
    /// The machine code a JIT compiles each function to, with the
    /// compiler's own intermediate form beside it.
    MachineCode,
}

impl Form {
    /// Every form, from the tree the parser makes to the furthest from it.
    pub const ALL: [Form; 5] = [Form::Ast, Form::Resolved, Form::Closures, Form::Bytecode, Form::MachineCode];

    /// The name `--dump` takes.
    pub fn name(self) -> &'static str {
        match self {
            Form::Ast => "ast",
            Form::Resolved => "resolved",
            Form::Closures => "closures",
            Form::Bytecode => "bytecode",
            Form::MachineCode => "machine-code",
        }
    }

    /// The form called `name`, if any.
    pub fn from_name(name: &str) -> Option<Form> {
        Form::ALL.into_iter().find(|form| form.name() == name)
    }

    /// What the form shows, in a phrase.
    pub fn summary(self) -> &'static str {
        match self {
            Form::Ast => "the syntax tree, each variable by name and scope distance (hops)",
            Form::Resolved => "the syntax tree with locals in frame slots and captured variables by index",
            Form::Closures => "the tree of Rust closures compiled from the resolved tree",
            Form::Bytecode => "the VM's instructions, with their sizes in bytes",
            Form::MachineCode => "each function's Cranelift IR and the machine code compiled from it",
        }
    }
}

/// Parses `source` and prints it in `form` when `form` is one of the two
/// forms of the shared tree ([`Form::Ast`], [`Form::Resolved`]); `None` for
/// any other form. Engines answer `Engine::dump` for those forms with it.
pub fn parsed(form: Form, source: &str) -> Option<Result<String, CompileErrors>> {
    matches!(form, Form::Ast | Form::Resolved).then(|| crate::parse(source).map(|program| tree(&program, form)))
}

/// Prints `program` as [`Form::Ast`] or [`Form::Resolved`] (any other form
/// is not a tree and prints as [`Form::Resolved`]): one node per line,
/// children indented under their parent, each function under its
/// declaration.
pub fn tree(program: &Program, form: Form) -> String {
    let mut printer = Printer { out: String::new(), labels: Labels::for_form(form), depth: 0 };
    printer.function(&program.script);
    printer.out
}

/// How nodes are named in a form: variables by name and hops, or by slot.
/// Other dumps of trees (the closure compiler's) name nodes the same way.
#[derive(Clone, Copy, Debug)]
pub struct Labels {
    by_slot: bool,
}

impl Labels {
    /// Names as [`Form::Ast`] shows them, or as every other form does.
    pub fn for_form(form: Form) -> Labels {
        Labels { by_slot: form != Form::Ast }
    }

    /// A function's header line.
    pub fn function(self, function: &Function) -> String {
        let params: Vec<String> = function.params.iter().map(|param| self.local(param)).collect();
        let head = match function.kind {
            FunctionKind::Script => "script".to_string(),
            FunctionKind::Function => format!("fun {}({})", function.name, params.join(", ")),
            FunctionKind::Method | FunctionKind::Initializer => {
                format!("method {}({})", function.name, params.join(", "))
            }
        };
        if !self.by_slot {
            return head;
        }
        let captures: Vec<String> = function
            .upvalues
            .iter()
            .map(|c| format!("{} {}", if c.is_local { "local" } else { "upvalue" }, c.index))
            .collect();
        let captures =
            if captures.is_empty() { String::new() } else { format!(", captures [{}]", captures.join(", ")) };
        format!("{head}  [{}{captures}]", counted(function.n_slots, "slot"))
    }

    /// A statement's line (its children are printed under it).
    pub fn stmt(self, stmt: &Stmt) -> String {
        match stmt {
            Stmt::Expression(_) => "expression statement".to_string(),
            Stmt::Print(_) => "print".to_string(),
            Stmt::Var { target, .. } => format!("var {}", self.target(target)),
            Stmt::Function { target, .. } => format!("declare {}", self.target(target)),
            Stmt::Class(class) => {
                let mut text = format!("class {}", self.target(&class.target));
                if let Some(superclass) = &class.superclass {
                    let _ = write!(text, " < {}", self.variable(&superclass.variable));
                    if self.by_slot {
                        let _ = write!(text, ", super in {}", self.local(&superclass.super_local));
                    }
                }
                text
            }
            Stmt::Block { locals, .. } if !self.by_slot && !locals.is_empty() => "block (a new scope)".to_string(),
            Stmt::Block { .. } => "block".to_string(),
            Stmt::If { .. } => "if".to_string(),
            Stmt::While { .. } => "while".to_string(),
            Stmt::Return { .. } => "return".to_string(),
        }
    }

    /// An expression's line (its operands are printed under it).
    pub fn expr(self, expr: &Expr) -> String {
        match expr {
            Expr::Literal(literal) => literal_text(literal),
            Expr::Variable(variable) => self.variable(variable),
            Expr::This(variable) => self.variable(variable),
            Expr::Assign { variable, .. } => format!("assign {}", self.variable(variable)),
            Expr::Unary { op: UnaryOp::Negate, .. } => "negate".to_string(),
            Expr::Unary { op: UnaryOp::Not, .. } => "not".to_string(),
            Expr::Binary { op, .. } => binary_name(*op).to_string(),
            Expr::Logical { op: LogicalOp::And, .. } => "and".to_string(),
            Expr::Logical { op: LogicalOp::Or, .. } => "or".to_string(),
            Expr::Call { args, .. } => format!("call ({})", arguments(args.len())),
            Expr::Invoke { name, args, .. } => format!("invoke .{name} ({})", arguments(args.len())),
            Expr::Get { name, .. } => format!("get .{name}"),
            Expr::Set { name, .. } => format!("set .{name}"),
            Expr::Super { this, superclass, name, .. } => {
                format!("super .{name}: {}, {}", self.variable(this), self.variable(superclass))
            }
            Expr::SuperInvoke { this, superclass, name, args, .. } => format!(
                "super invoke .{name} ({}): {}, {}",
                arguments(args.len()),
                self.variable(this),
                self.variable(superclass)
            ),
        }
    }

    /// A variable reference: by name and hops, or by where it lives.
    pub fn variable(self, variable: &Variable) -> String {
        let name = &variable.name;
        match (variable.kind, self.by_slot) {
            (VarKind::Global, _) => format!("global {name}"),
            (VarKind::Local { hops, .. }, false) => format!("{name} (local, {})", counted(hops.into(), "hop")),
            (VarKind::Upvalue { hops, .. }, false) => format!("{name} (captured, {})", counted(hops.into(), "hop")),
            (VarKind::Local { slot, .. }, true) => format!("local slot {slot} ({name})"),
            (VarKind::Upvalue { index, .. }, true) => format!("upvalue {index} ({name})"),
        }
    }

    /// Where a declaration puts its variable.
    fn target(self, target: &Target) -> String {
        match target {
            Target::Global(name) => format!("global {name}"),
            Target::Local(local) => self.local(local),
        }
    }

    fn local(self, local: &Local) -> String {
        match (self.by_slot, local.captured) {
            (false, _) => local.name.to_string(),
            (true, false) => format!("{} in slot {}", local.name, local.slot),
            (true, true) => format!("{} in slot {}, captured", local.name, local.slot),
        }
    }
}

struct Printer {
    out: String,
    labels: Labels,
    depth: usize,
}

impl Printer {
    /// Prints `text`, then what `children` prints one level deeper.
    fn node(&mut self, text: &str, children: impl FnOnce(&mut Printer)) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
        self.depth += 1;
        children(self);
        self.depth -= 1;
    }

    fn function(&mut self, function: &Function) {
        let head = self.labels.function(function);
        self.node(&head, |p| p.statements(&function.body));
    }

    fn statements(&mut self, body: &[Stmt]) {
        for stmt in body {
            self.statement(stmt);
        }
    }

    fn statement(&mut self, stmt: &Stmt) {
        let text = self.labels.stmt(stmt);
        self.node(&text, |p| match stmt {
            Stmt::Expression(expr) | Stmt::Print(expr) => p.expr(expr),
            Stmt::Var { init, .. } => p.exprs(init.as_slice()),
            Stmt::Function { function, .. } => p.function(function),
            Stmt::Class(class) => class.methods.iter().for_each(|method| p.function(method)),
            Stmt::Block { body, .. } => p.statements(body),
            Stmt::If { condition, then_branch, else_branch } => {
                p.expr(condition);
                p.node("then", |p| p.statement(then_branch));
                if let Some(else_branch) = else_branch {
                    p.node("else", |p| p.statement(else_branch));
                }
            }
            Stmt::While { condition, body, increment } => {
                p.expr(condition);
                p.node("do", |p| p.statement(body));
                if let Some(increment) = increment {
                    p.node("increment", |p| p.expr(increment));
                }
            }
            Stmt::Return { value, .. } => p.exprs(value.as_slice()),
        })
    }

    fn expr(&mut self, expr: &Expr) {
        let text = self.labels.expr(expr);
        self.node(&text, |p| match expr {
            Expr::Literal(_) | Expr::Variable(_) | Expr::This(_) | Expr::Super { .. } => {}
            Expr::Assign { value, .. } => p.expr(value),
            Expr::Unary { operand, .. } => p.expr(operand),
            Expr::Binary { left, right, .. } | Expr::Logical { left, right, .. } => {
                p.expr(left);
                p.expr(right);
            }
            Expr::Call { callee, args, .. } => {
                p.expr(callee);
                p.exprs(args);
            }
            Expr::Invoke { object, args, .. } => {
                p.expr(object);
                p.exprs(args);
            }
            Expr::Get { object, .. } => p.expr(object),
            Expr::Set { object, value, .. } => {
                p.expr(object);
                p.expr(value);
            }
            Expr::SuperInvoke { args, .. } => p.exprs(args),
        })
    }

    fn exprs(&mut self, exprs: &[Expr]) {
        for expr in exprs {
            self.expr(expr);
        }
    }
}

fn arguments(count: usize) -> String {
    counted(count, "argument")
}

/// `count` and the noun, in the plural unless the count is one.
fn counted(count: usize, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

fn literal_text(literal: &Literal) -> String {
    match literal {
        Literal::Nil => "nil".to_string(),
        Literal::Bool(b) => b.to_string(),
        Literal::Number(n) => crate::number::format_number(*n),
        Literal::String(s) => format!("{s:?}"),
    }
}

/// The operator's name, as a reader says it.
pub fn binary_name(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Add => "add",
        BinaryOp::Subtract => "subtract",
        BinaryOp::Multiply => "multiply",
        BinaryOp::Divide => "divide",
        BinaryOp::Equal => "equal",
        BinaryOp::NotEqual => "not equal",
        BinaryOp::Less => "less",
        BinaryOp::LessEqual => "less or equal",
        BinaryOp::Greater => "greater",
        BinaryOp::GreaterEqual => "greater or equal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIB: &str = "fun fib(n) {\n  if (n < 2) return n;\n  return fib(n - 2) + fib(n - 1);\n}\nprint fib(20);\n";

    fn check(source: &str, form: Form, expected: &str) {
        let program = crate::parse(source).expect("the test program compiles");
        assert_eq!(tree(&program, form), expected);
    }

    #[test]
    fn the_ast_names_variables_and_counts_hops() {
        check(
            FIB,
            Form::Ast,
            "\
script
  declare global fib
    fun fib(n)
      if
        less
          n (local, 0 hops)
          2
        then
          return
            n (local, 0 hops)
      return
        add
          call (1 argument)
            global fib
            subtract
              n (local, 0 hops)
              2
          call (1 argument)
            global fib
            subtract
              n (local, 0 hops)
              1
  print
    call (1 argument)
      global fib
      20
",
        );
    }

    #[test]
    fn the_resolved_tree_shows_slots_and_captures() {
        let source = "{ var a = 1; { var b = 2; fun f() { return a + b; } print f(); } }";
        check(
            source,
            Form::Resolved,
            "\
script  [4 slots]
  block
    var a in slot 1, captured
      1
    block
      var b in slot 2, captured
        2
      declare f in slot 3
        fun f()  [1 slot, captures [local 1, local 2]]
          return
            add
              upvalue 0 (a)
              upvalue 1 (b)
      print
        call (0 arguments)
          local slot 3 (f)
",
        );
    }

    #[test]
    fn the_ast_counts_hops_out_of_nested_blocks() {
        let source = "{ var a = 1; { var b = a; { print a + b; } } }";
        let program = crate::parse(source).expect("compiles");
        let text = tree(&program, Form::Ast);
        assert!(text.contains("a (local, 2 hops)\n") && text.contains("b (local, 1 hop)\n"), "{text}");
        assert!(text.contains("block (a new scope)"), "{text}");
    }

    #[test]
    fn forms_round_trip_through_their_names() {
        for form in Form::ALL {
            assert_eq!(Form::from_name(form.name()), Some(form));
        }
        assert_eq!(Form::from_name("tokens"), None);
    }
}
