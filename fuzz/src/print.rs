//! Printing a generated [`Program`] as Lox source: one statement per line,
//! two spaces of indentation per block, and parentheses wherever the tree's
//! shape needs them (so the shrinker can replace any node by any other
//! without thinking about precedence).

use crate::program::{Class, Expr, Function, Program, Stmt};

/// The source text of `program`, ending in a newline.
pub fn print(program: &Program) -> String {
    let mut printer = Printer::new(None);
    for stmt in &program.body {
        printer.stmt(stmt);
    }
    printer.out
}

/// `program` with fuel: a global `fuel` that every loop iteration and every
/// call spends, stopping the program with a runtime error when it runs out,
/// plus the lines (numbered from 1) a mutation must not touch because they
/// hold that fuel, a loop's header or counter, or a recursion's guard.
///
/// Mutating a program's tokens can break what makes it terminate (a loop's
/// counter, a guard); with fuel, it still ends whatever a mutation elsewhere
/// does, as long as no mutation adds a loop or a function.
pub fn print_with_fuel(program: &Program, fuel: u32) -> (String, Vec<usize>) {
    let mut printer = Printer::new(Some(fuel));
    printer.protect_line();
    printer.line(&format!("var {FUEL} = {fuel};"));
    for stmt in &program.body {
        printer.stmt(stmt);
    }
    (printer.out, printer.protected)
}

/// The fuel variable's name, which no generated program uses otherwise.
pub const FUEL: &str = "fuel";

/// The source text of one expression, on one line unless it holds
/// [`Expr::NewLine`].
pub fn print_expr(expr: &Expr) -> String {
    let mut printer = Printer::new(None);
    printer.expr(expr, Precedence::Assignment);
    printer.out
}

struct Printer {
    out: String,
    indent: usize,
    /// Whether to spend fuel in every loop and function body.
    fuel: Option<u32>,
    protected: Vec<usize>,
}

/// Lox's precedence levels, lowest first, as in clox's compiler.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Precedence {
    Assignment,
    Or,
    And,
    Equality,
    Comparison,
    Term,
    Factor,
    Unary,
    Call,
    Primary,
}

impl Precedence {
    fn next(self) -> Precedence {
        match self {
            Precedence::Assignment => Precedence::Or,
            Precedence::Or => Precedence::And,
            Precedence::And => Precedence::Equality,
            Precedence::Equality => Precedence::Comparison,
            Precedence::Comparison => Precedence::Term,
            Precedence::Term => Precedence::Factor,
            Precedence::Factor => Precedence::Unary,
            Precedence::Unary => Precedence::Call,
            Precedence::Call | Precedence::Primary => Precedence::Primary,
        }
    }
}

fn precedence(expr: &Expr) -> Precedence {
    use crate::program::BinaryOp::*;
    match expr {
        Expr::Assign(..) | Expr::Set(..) => Precedence::Assignment,
        Expr::Logical(_, crate::program::LogicalOp::Or, _) => Precedence::Or,
        Expr::Logical(_, crate::program::LogicalOp::And, _) => Precedence::And,
        Expr::Binary(_, op, _) => match op {
            Equal | NotEqual => Precedence::Equality,
            Less | LessEqual | Greater | GreaterEqual => Precedence::Comparison,
            Add | Subtract => Precedence::Term,
            Multiply | Divide => Precedence::Factor,
        },
        Expr::Unary(..) => Precedence::Unary,
        Expr::Call(..) | Expr::Get(..) => Precedence::Call,
        Expr::NewLine(inner) | Expr::Pinned(inner) => precedence(inner),
        _ => Precedence::Primary,
    }
}

impl Printer {
    fn new(fuel: Option<u32>) -> Printer {
        Printer { out: String::new(), indent: 0, fuel, protected: Vec::new() }
    }

    /// Marks the line being written as one a mutation must leave alone.
    fn protect_line(&mut self) {
        let line = self.out.bytes().filter(|&byte| byte == b'\n').count() + 1;
        if self.protected.last() != Some(&line) {
            self.protected.push(line);
        }
    }

    /// The first line of a loop's or a function's body when printing with
    /// fuel: spend one unit, and stop with a runtime error when none is left.
    fn spend_fuel(&mut self) {
        if self.fuel.is_some() {
            self.indent += 1;
            self.protect_line();
            self.line(&format!("if (({FUEL} = {FUEL} - 1) < 0) {FUEL}();"));
            self.indent -= 1;
        }
    }

    fn line(&mut self, text: &str) {
        self.start_line();
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn start_line(&mut self) {
        for _ in 0..self.indent {
            self.out.push_str("  ");
        }
    }

    fn block(&mut self, stmts: &[Stmt]) {
        self.indent += 1;
        for stmt in stmts {
            self.stmt(stmt);
        }
        self.indent -= 1;
        self.line("}");
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Var { name, init: None } => self.line(&format!("var {name};")),
            Stmt::Var { name, init: Some(init) } => {
                self.start_line();
                self.out.push_str(&format!("var {name} = "));
                self.expr(init, Precedence::Assignment);
                self.out.push_str(";\n");
            }
            Stmt::Expr(expr) => {
                self.start_line();
                self.expr(expr, Precedence::Assignment);
                self.out.push_str(";\n");
            }
            Stmt::Print(expr) => {
                self.start_line();
                self.out.push_str("print ");
                self.expr(expr, Precedence::Assignment);
                self.out.push_str(";\n");
            }
            Stmt::Block(stmts) => {
                self.line("{");
                self.block(stmts);
            }
            Stmt::If { condition, then_branch, else_branch } => {
                self.start_line();
                self.out.push_str("if (");
                self.expr(condition, Precedence::Assignment);
                self.out.push_str(") {\n");
                self.block(then_branch);
                if let Some(else_branch) = else_branch {
                    self.line("else {");
                    self.block(else_branch);
                }
            }
            Stmt::While { counter, limit, body } => {
                self.protect_line();
                self.line(&format!("var {counter} = 0;"));
                self.protect_line();
                self.line(&format!("while ({counter} < {limit}) {{"));
                self.indent += 1;
                self.protect_line();
                self.line(&format!("{counter} = {counter} + 1;"));
                self.indent -= 1;
                self.spend_fuel();
                self.block(body);
            }
            Stmt::For { counter, limit, body } => {
                self.protect_line();
                self.line(&format!("for (var {counter} = 0; {counter} < {limit}; {counter} = {counter} + 1) {{"));
                self.spend_fuel();
                self.block(body);
            }
            Stmt::Fun(function) => {
                self.start_line();
                self.out.push_str("fun ");
                self.function(function);
            }
            Stmt::Class(class) => self.class(class),
            Stmt::Return(None) => self.line("return;"),
            Stmt::Return(Some(value)) => {
                self.start_line();
                self.out.push_str("return ");
                self.expr(value, Precedence::Assignment);
                self.out.push_str(";\n");
            }
            Stmt::Guard { param, limit, value } => {
                self.protect_line();
                self.start_line();
                self.out.push_str(&format!("if (!({param} > 0 and {param} < {limit})) return "));
                self.expr(value, Precedence::Assignment);
                self.out.push_str(";\n");
            }
        }
    }

    /// `NAME(PARAMS) {` and the body; the caller has written any `fun `.
    fn function(&mut self, function: &Function) {
        self.protect_line();
        self.out.push_str(&format!("{}({}) {{\n", function.name, function.params.join(", ")));
        self.spend_fuel();
        self.block(&function.body);
    }

    fn class(&mut self, class: &Class) {
        match &class.superclass {
            Some(superclass) => self.line(&format!("class {} < {superclass} {{", class.name)),
            None => self.line(&format!("class {} {{", class.name)),
        }
        self.indent += 1;
        for method in &class.methods {
            self.start_line();
            self.function(method);
        }
        self.indent -= 1;
        self.line("}");
    }

    fn expr(&mut self, expr: &Expr, min: Precedence) {
        if precedence(expr) < min {
            self.out.push('(');
            self.expr(expr, Precedence::Assignment);
            self.out.push(')');
            return;
        }
        match expr {
            Expr::Number(text) => self.out.push_str(text),
            Expr::Str(text) => {
                self.out.push('"');
                self.out.push_str(text);
                self.out.push('"');
            }
            Expr::Bool(value) => self.out.push_str(if *value { "true" } else { "false" }),
            Expr::Nil => self.out.push_str("nil"),
            Expr::This => self.out.push_str("this"),
            Expr::Variable(name) => self.out.push_str(name),
            Expr::Assign(name, value) => {
                self.out.push_str(name);
                self.out.push_str(" = ");
                self.expr(value, Precedence::Assignment);
            }
            Expr::Unary(op, operand) => {
                self.out.push_str(op.symbol());
                self.expr(operand, Precedence::Unary);
            }
            Expr::Binary(left, op, right) => {
                let level = precedence(expr);
                self.expr(left, level);
                self.out.push(' ');
                self.out.push_str(op.symbol());
                self.out.push(' ');
                self.expr(right, level.next());
            }
            Expr::Logical(left, op, right) => {
                let level = precedence(expr);
                self.expr(left, level);
                self.out.push(' ');
                self.out.push_str(op.keyword());
                self.out.push(' ');
                self.expr(right, level.next());
            }
            Expr::Grouping(inner) => {
                self.out.push('(');
                self.expr(inner, Precedence::Assignment);
                self.out.push(')');
            }
            Expr::Call(callee, args) => {
                self.expr(callee, Precedence::Call);
                self.out.push('(');
                for (index, arg) in args.iter().enumerate() {
                    if index > 0 {
                        self.out.push_str(", ");
                    }
                    self.expr(arg, Precedence::Assignment);
                }
                self.out.push(')');
            }
            Expr::Get(object, name) => {
                self.expr(object, Precedence::Call);
                self.out.push('.');
                self.out.push_str(name);
            }
            Expr::Set(object, name, value) => {
                self.expr(object, Precedence::Call);
                self.out.push('.');
                self.out.push_str(name);
                self.out.push_str(" = ");
                self.expr(value, Precedence::Assignment);
            }
            Expr::Super(name) => {
                self.out.push_str("super.");
                self.out.push_str(name);
            }
            Expr::NewLine(inner) => {
                self.out.push('\n');
                self.indent += 2;
                self.start_line();
                self.indent -= 2;
                self.expr(inner, min);
            }
            Expr::Pinned(inner) => {
                self.protect_line();
                self.expr(inner, min);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::{BinaryOp, LogicalOp, UnaryOp};

    #[test]
    fn parentheses_follow_the_tree_not_the_text() {
        let one = || Expr::number("1");
        let sum = Expr::binary(one(), BinaryOp::Add, one());
        assert_eq!(print_expr(&Expr::binary(sum.clone(), BinaryOp::Multiply, one())), "(1 + 1) * 1");
        assert_eq!(print_expr(&Expr::binary(one(), BinaryOp::Subtract, sum.clone())), "1 - (1 + 1)");
        assert_eq!(print_expr(&Expr::binary(sum.clone(), BinaryOp::Subtract, one())), "1 + 1 - 1");
        assert_eq!(print_expr(&Expr::unary(UnaryOp::Negate, sum.clone())), "-(1 + 1)");
        assert_eq!(print_expr(&Expr::get(sum, "x")), "(1 + 1).x");
        let assign = Expr::Assign("a".into(), Box::new(one()));
        assert_eq!(print_expr(&Expr::logical(assign, LogicalOp::Or, one())), "(a = 1) or 1");
        assert_eq!(print_expr(&Expr::unary(UnaryOp::Negate, Expr::unary(UnaryOp::Negate, one()))), "--1");
    }

    #[test]
    fn counted_loops_print_their_counter() {
        let program = Program {
            body: vec![Stmt::While { counter: "w1".into(), limit: 2, body: vec![Stmt::Print(Expr::var("w1"))] }],
        };
        assert_eq!(print(&program), "var w1 = 0;\nwhile (w1 < 2) {\n  w1 = w1 + 1;\n  print w1;\n}\n");
        let (fueled, protected) = print_with_fuel(&program, 9);
        assert_eq!(
            fueled,
            "var fuel = 9;\nvar w1 = 0;\nwhile (w1 < 2) {\n  w1 = w1 + 1;\n  if ((fuel = fuel - 1) < 0) fuel();\n  print w1;\n}\n"
        );
        assert_eq!(protected, vec![1, 2, 3, 4, 5]);
    }
}
