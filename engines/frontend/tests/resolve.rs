//! What the resolver tells engines: slots, hops and capture lists.

use frontend::ast::{Capture, Expr, Function, Stmt, Target, VarKind};
use std::rc::Rc;

fn script(source: &str) -> Rc<Function> {
    frontend::parse(source).expect("the source compiles").script
}

fn function(stmt: &Stmt) -> &Rc<Function> {
    match stmt {
        Stmt::Function { function, .. } => function,
        other => panic!("expected a function declaration, got {other:?}"),
    }
}

fn printed_kind(stmt: &Stmt) -> VarKind {
    match stmt {
        Stmt::Print(Expr::Variable(variable)) => variable.kind,
        other => panic!("expected `print variable;`, got {other:?}"),
    }
}

#[test]
fn parameters_and_locals_get_clox_slots() {
    let program = script("fun f(a, b) { var c; { var d; print d; } var e; print e; print a; }");
    let f = function(&program.body[0]);
    assert_eq!(f.params.iter().map(|p| p.slot).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(f.n_slots, 5, "slot 0, a, b, c, d (reused by e)");
    let Stmt::Block { body, locals } = &f.body[1] else { panic!("a block") };
    assert_eq!(locals.iter().map(|l| (l.name.as_ref(), l.slot)).collect::<Vec<_>>(), [("d", 4)]);
    assert_eq!(printed_kind(&body[1]), VarKind::Local { slot: 4, hops: 0 });
    assert_eq!(printed_kind(&f.body[3]), VarKind::Local { slot: 4, hops: 0 }, "e reuses d's slot");
    assert_eq!(printed_kind(&f.body[4]), VarKind::Local { slot: 1, hops: 0 });
}

#[test]
fn captures_follow_clox_and_mark_locals_captured() {
    let program = script("fun outer(x) { var y; fun mid() { fun inner() { print x; print y; } } }");
    let outer = function(&program.body[0]);
    assert!(outer.params[0].captured);
    let Stmt::Var { target: Target::Local(y), .. } = &outer.body[0] else { panic!("var y") };
    assert!(y.captured, "the declaration learns it was captured later");
    let mid = function(&outer.body[1]);
    assert_eq!(mid.upvalues, [Capture { is_local: true, index: 1 }, Capture { is_local: true, index: 2 }]);
    let inner = function(&mid.body[0]);
    assert_eq!(inner.upvalues, [Capture { is_local: false, index: 0 }, Capture { is_local: false, index: 1 }]);
    assert_eq!(printed_kind(&inner.body[0]), VarKind::Upvalue { index: 0, hops: 2 });
}

#[test]
fn hops_count_scopes_between_use_and_declaration() {
    let program = script("{ var a; { { print a; } } fun f() { { print a; } } }");
    let Stmt::Block { body, .. } = &program.body[0] else { panic!("a block") };
    let Stmt::Block { body: inner, .. } = &body[1] else { panic!("a block") };
    let Stmt::Block { body: innermost, .. } = &inner[0] else { panic!("a block") };
    assert_eq!(printed_kind(&innermost[0]), VarKind::Local { slot: 1, hops: 2 });
    let f = function(&body[2]);
    let Stmt::Block { body: f_block, .. } = &f.body[0] else { panic!("a block") };
    assert_eq!(printed_kind(&f_block[0]), VarKind::Upvalue { index: 0, hops: 2 });
}

#[test]
fn globals_stay_late_bound() {
    let program = script("print g; var g = 1;");
    assert_eq!(printed_kind(&program.body[0]), VarKind::Global);
}

#[test]
fn methods_hold_this_in_slot_zero_and_super_in_a_scope() {
    let program = script("class A { m() {} } class B < A { m() { print this; super.m(); } }");
    let Stmt::Class(class) = &program.body[1] else { panic!("class B") };
    let superclass = class.superclass.as_ref().expect("B has a superclass");
    assert!(superclass.super_local.captured, "methods capture `super`");
    let m = &class.methods[0];
    let Stmt::Print(Expr::This(this)) = &m.body[0] else { panic!("print this") };
    assert_eq!(this.kind, VarKind::Local { slot: 0, hops: 0 });
    assert_eq!(m.upvalues, [Capture { is_local: true, index: superclass.super_local.slot }]);
}
