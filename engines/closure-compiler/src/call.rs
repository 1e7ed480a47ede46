//! Calls, classes and properties: everything that makes or enters a frame.
//!
//! The same operations as slot-walker's `call.rs`, in the same order and
//! with the same checks; the difference is what a call runs. Slot-walker
//! walks the callee's statements; here the callee's body was compiled into
//! one closure, so entering a function is one indirect call.
//!
//! A call's frame is already on the stack when these functions run: the
//! compiled call pushed slot 0 (a placeholder, or the receiver) and then
//! each argument, and passes the frame's `base`. So arity is just the number
//! of slots above `base`, and entering the callee is growing the frame to
//! its `n_slots`; no environment or argument vector is allocated.

use crate::compile::{ClassPlan, CompiledFunction, Define};
use crate::env::{Env, Slot};
use crate::eval::{Eval, Evaluator, Thrown, Unwind};
use crate::value::{BoundMethod, Class, Closure, Instance, Value};
use frontend::ast::Name;
use frontend::diagnostics::RunError;
use frontend::hash::NameMap;
use frontend::messages;
use std::cell::RefCell;
use std::rc::Rc;

impl Evaluator<'_> {
    /// Calls `callee` with the frame at `base` (slot 0 and the arguments
    /// already pushed), from a call at `line` in the frame `caller`.
    #[inline(always)]
    pub fn call_value(&mut self, callee: Value, base: usize, line: u32, caller: &Env<'_>) -> Eval {
        match callee {
            Value::Closure(closure) => self.call_closure(&closure, base, line, caller),
            other => self.call_other(other, base, line, caller),
        }
    }

    /// Calls anything but a closure: a bound method, a class, a native, or
    /// something that cannot be called.
    #[inline(never)]
    fn call_other(&mut self, callee: Value, base: usize, line: u32, caller: &Env<'_>) -> Eval {
        match callee {
            Value::Closure(closure) => self.call_closure(&closure, base, line, caller),
            Value::BoundMethod(bound) => {
                self.stack[base] = Slot::Value(bound.receiver.clone());
                self.call_closure(&bound.method, base, line, caller)
            }
            Value::Class(class) => self.instantiate(class, base, line, caller),
            Value::Native(native) => {
                let args: Vec<Value> = self.stack.drain(base + 1..).map(Slot::into_value).collect();
                self.stack.truncate(base);
                Ok((native.function)(&args))
            }
            _ => Err(self.error(line, messages::NOT_CALLABLE, caller)),
        }
    }

    /// Runs a Lox function in the frame at `base`: checks the arity and the
    /// depth, grows the frame to the function's slots, boxes the parameters
    /// that closures capture, calls the compiled body, and pops the frame.
    ///
    /// When an error unwinds through here, this frame's caller adds its own
    /// trace line: the line of this call.
    #[inline(always)]
    pub fn call_closure(&mut self, closure: &Closure, base: usize, line: u32, caller: &Env<'_>) -> Eval {
        let function = &*closure.function;
        let argc = self.stack.len() - base - 1;
        if argc != function.arity {
            return Err(self.wrong_arity(function.arity, argc, line, caller));
        }
        if self.depth == messages::MAX_FRAMES {
            return Err(self.stack_overflow(line, caller));
        }
        // The parameters are in place; the function's other locals start as nil.
        self.push_nils(function.n_locals);
        let env = &Env { base, closure };
        if !function.captured_params.is_empty() {
            self.box_captured_params(function, env);
        }

        #[cfg(feature = "work-count")]
        let frame = frontend::profiling::marker::frame(self.depth, function.marker);
        self.depth += 1;
        let result = (function.body)(self, env);
        self.depth -= 1;
        #[cfg(feature = "work-count")]
        drop(frame);
        // An initializer's body yields `this` itself (see `Compiler::body`),
        // so the result is returned as it is, without being moved again.
        let value = match result {
            Ok(value) => value,
            Err(error) => return Err(add_trace_line(error, caller, line)),
        };
        // A number is passed on rebuilt from its parts, not copied whole: the
        // body wrote it as two words, and copying it on with a wider load
        // than those stores would stall the processor's store forwarding
        // (measured: a tenth of fib's time). Each path pops the frame itself
        // so that the compiler keeps the two apart.
        if let Value::Number(n) = value {
            value.discard();
            self.pop_frame(base);
            return Ok(Value::Number(n));
        }
        self.pop_frame(base);
        Ok(value)
    }

    /// Drops the frame at `base`: truncates the stack without a call into
    /// the drop glue for slots that own nothing.
    #[inline(always)]
    fn pop_frame(&mut self, base: usize) {
        while self.stack.len() > base {
            if let Some(slot) = self.stack.pop() {
                slot.discard();
            }
        }
    }

    #[inline(never)]
    fn box_captured_params(&mut self, function: &CompiledFunction, env: &Env<'_>) {
        for &slot in &function.captured_params {
            let value = self.stack[env.slot(slot)].get();
            self.define_captured(slot, value, env);
        }
    }

    #[cold]
    #[inline(never)]
    fn stack_overflow(&self, line: u32, caller: &Env<'_>) -> Thrown {
        self.error(line, messages::STACK_OVERFLOW, caller)
    }

    #[cold]
    #[inline(never)]
    fn wrong_arity(&self, arity: usize, argc: usize, line: u32, caller: &Env<'_>) -> Thrown {
        self.error(line, messages::wrong_arity(arity, argc), caller)
    }

    fn instantiate(&mut self, class: Rc<Class>, base: usize, line: u32, caller: &Env<'_>) -> Eval {
        let instance = Rc::new(Instance {
            class: class.clone(),
            fields: RefCell::new(NameMap::with_hasher(self.state.name_hash)),
        });
        self.state.track(&instance);
        let instance = Value::Instance(instance);
        self.stack[base] = Slot::Value(instance.clone());
        let init = class.methods.borrow().get("init").cloned();
        match init {
            Some(init) => self.call_closure(&init, base, line, caller),
            None => {
                let argc = self.stack.len() - base - 1;
                if argc != 0 {
                    return Err(self.wrong_arity(0, argc, line, caller));
                }
                self.stack.truncate(base);
                Ok(instance)
            }
        }
    }

    /// Declares a variable compiled to `target`.
    pub fn define(&mut self, target: &Define, value: Value, env: &Env<'_>) {
        match *target {
            Define::Global(slot) => self.state.globals.define(slot, value),
            Define::NamedGlobal(ref name) => {
                let slot = self.state.globals.find(name);
                self.state.globals.define(slot, value);
            }
            Define::Local(slot) => self.stack[env.slot(slot)] = Slot::Value(value),
            Define::Captured(slot) => self.define_captured(slot, value, env),
        }
    }

    pub fn class_declaration(&mut self, plan: &ClassPlan, env: &Env<'_>) -> Result<(), Unwind> {
        let class = Rc::new(Class {
            name: plan.name.clone(),
            methods: RefCell::new(NameMap::with_hasher(self.state.name_hash)),
        });
        self.state.track(&class);
        self.define(&plan.target, Value::Class(class.clone()), env);

        if let Some(superclass) = &plan.superclass {
            let Value::Class(parent) = (superclass.read)(self, env)? else {
                return Err(self.error(superclass.line, messages::SUPERCLASS_NOT_CLASS, env).into());
            };
            let inherited = parent.methods.borrow().clone();
            class.methods.borrow_mut().extend(inherited);
            self.define(&superclass.super_local, Value::Class(parent), env);
        }
        for method in &plan.methods {
            let closure = self.new_closure(method, env);
            class.methods.borrow_mut().insert(method.name.clone(), closure);
        }
        Ok(())
    }

    pub fn get_property(&mut self, object: Value, name: &Name, line: u32, env: &Env<'_>) -> Eval {
        let Value::Instance(instance) = object else {
            return Err(self.error(line, messages::ONLY_INSTANCES_PROPERTIES, env));
        };
        if let Some(value) = instance.fields.borrow().get(name) {
            return Ok(value.clone());
        }
        let method = instance.class.methods.borrow().get(name).cloned();
        match method {
            Some(method) => Ok(self.bind(Value::Instance(instance), method)),
            None => Err(self.error(line, messages::undefined_property(name), env)),
        }
    }

    pub fn set_property(&mut self, object: Value, name: &Name, value: Value, line: u32, env: &Env<'_>) -> Eval {
        self.store_property(object, name, value.clone(), line, env)?;
        Ok(value)
    }

    /// `object.name = value` when nothing uses the assignment's value.
    pub fn store_property(
        &mut self,
        object: Value,
        name: &Name,
        value: Value,
        line: u32,
        env: &Env<'_>,
    ) -> Result<(), Thrown> {
        let Value::Instance(instance) = object else {
            return Err(self.error(line, messages::ONLY_INSTANCES_FIELDS, env));
        };
        if let Some(old) = instance.fields.borrow_mut().insert(name.clone(), value) {
            old.discard();
        }
        Ok(())
    }

    /// `object.name(args)`, with the object in slot 0 of the frame at
    /// `base`: a field holding a callable, or a method called directly
    /// without making a bound method.
    pub fn invoke(&mut self, name: &Name, base: usize, line: u32, caller: &Env<'_>) -> Eval {
        let Slot::Value(Value::Instance(instance)) = &self.stack[base] else {
            return Err(self.error(line, messages::ONLY_INSTANCES_METHODS, caller));
        };
        let instance = instance.clone();
        let field = instance.fields.borrow().get(name).cloned();
        if let Some(callee) = field {
            return self.call_value(callee, base, line, caller);
        }
        let method = instance.class.methods.borrow().get(name).cloned();
        match method {
            Some(method) => self.call_closure(&method, base, line, caller),
            None => Err(self.error(line, messages::undefined_property(name), caller)),
        }
    }

    pub fn get_super(&mut self, receiver: Value, superclass: Value, name: &Name, line: u32, env: &Env<'_>) -> Eval {
        let method = self.super_method(superclass, name, line, env)?;
        Ok(self.bind(receiver, method))
    }

    /// `super.name(args)`, with `this` in slot 0 of the frame at `base`.
    pub fn invoke_super(&mut self, superclass: Value, name: &Name, base: usize, line: u32, caller: &Env<'_>) -> Eval {
        let method = self.super_method(superclass, name, line, caller)?;
        self.call_closure(&method, base, line, caller)
    }

    fn super_method(
        &mut self,
        superclass: Value,
        name: &Name,
        line: u32,
        env: &Env<'_>,
    ) -> Result<Rc<Closure>, Thrown> {
        let Value::Class(class) = superclass else {
            unreachable!("`super` always holds a class: the declaration checked it");
        };
        let method = class.methods.borrow().get(name).cloned();
        method.ok_or_else(|| self.error(line, messages::undefined_property(name), env))
    }

    fn bind(&mut self, receiver: Value, method: Rc<Closure>) -> Value {
        let bound = Rc::new(BoundMethod { receiver, method });
        self.state.track(&bound);
        Value::BoundMethod(bound)
    }
}

/// Adds the trace line of the frame an error is leaving through a call.
#[cold]
fn add_trace_line(mut error: Thrown, caller: &Env<'_>, line: u32) -> Thrown {
    if let RunError::Runtime(runtime) = &mut *error {
        runtime.trace.push(caller.trace_line(line));
    }
    error
}
