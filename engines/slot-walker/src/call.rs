//! Calls, classes and properties: everything that makes or enters a frame.
//!
//! A call's frame is already on the stack when these functions run: the
//! evaluator pushed slot 0 (a placeholder, or the receiver) and then each
//! argument, and passes the frame's `base`. So arity is just the number of
//! slots above `base`, and entering the callee is growing the frame to its
//! `n_slots`; no environment or argument vector is allocated.

use crate::env::{Env, Slot};
use crate::eval::{Eval, Evaluator, Thrown, Unwind};
use crate::value::{BoundMethod, Class, Closure, Instance, Value};
use frontend::ast::{ClassDecl, FunctionKind, Name};
use frontend::diagnostics::RunError;
use frontend::hash::{NameHash, NameMap};
use frontend::messages;
use frontend::tuning::FX_HASH;
use std::cell::RefCell;
use std::rc::Rc;

impl Evaluator<'_> {
    /// Calls `callee` with the frame at `base` (slot 0 and the arguments
    /// already pushed), from a call at `line` in the frame `caller`.
    #[inline(always)]
    pub fn call_value(&mut self, callee: Value, base: usize, line: u32, caller: &Env<'_>) -> Eval {
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
    /// that closures capture, runs the body, and pops the frame.
    ///
    /// When an error unwinds through here, this frame's caller adds its own
    /// trace line: the line of this call.
    #[inline(always)]
    pub fn call_closure(&mut self, closure: &Closure, base: usize, line: u32, caller: &Env<'_>) -> Eval {
        let function = &*closure.function;
        let argc = self.stack.len() - base - 1;
        if argc != function.arity() {
            return Err(self.error(line, messages::wrong_arity(function.arity(), argc), caller));
        }
        if self.depth == messages::MAX_FRAMES {
            return Err(self.error(line, messages::STACK_OVERFLOW, caller));
        }
        // The parameters are in place; the function's other locals start as nil.
        while self.stack.len() < base + function.n_slots {
            self.stack.push(Slot::Value(Value::Nil));
        }
        let env = &Env { base, closure };
        if closure.boxes_params {
            for param in function.params.iter().filter(|param| param.captured) {
                let value = self.stack[env.slot(param.slot)].get();
                self.define_local(param, value, env);
            }
        }

        #[cfg(feature = "work-count")]
        let frame = frontend::profiling::marker::frame(self.depth, function.marker);
        self.depth += 1;
        let result = self.execute_block(&function.body, env);
        self.depth -= 1;
        #[cfg(feature = "work-count")]
        drop(frame);
        let value = match result {
            Ok(()) => Value::Nil,
            Err(Unwind::Return(value)) => value,
            Err(Unwind::Error(error)) => return Err(add_trace_line(error, caller, line)),
        };
        let value = if function.kind == FunctionKind::Initializer { self.stack[base].get() } else { value };
        pop_frame(&mut self.stack, base);
        Ok(value)
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
                    return Err(self.error(line, messages::wrong_arity(0, argc), caller));
                }
                self.stack.truncate(base);
                Ok(instance)
            }
        }
    }

    pub fn class_declaration(&mut self, decl: &ClassDecl, env: &Env<'_>) -> Result<(), Unwind> {
        let name = decl.target.name().clone();
        let class = Rc::new(Class { name, methods: RefCell::new(NameMap::with_hasher(self.state.name_hash)) });
        self.state.track(&class);
        self.define(&decl.target, Value::Class(class.clone()), env);

        if let Some(superclass) = &decl.superclass {
            let Value::Class(parent) = self.read(&superclass.variable, env)? else {
                return Err(self.error(superclass.line, messages::SUPERCLASS_NOT_CLASS, env).into());
            };
            let inherited = parent.methods.borrow().clone();
            class.methods.borrow_mut().extend(inherited);
            self.define_local(&superclass.super_local, Value::Class(parent), env);
        }
        for method in &decl.methods {
            let closure = self.new_closure(method, env);
            class.methods.borrow_mut().insert(method.name.clone(), closure);
        }
        Ok(())
    }

    pub fn get_property(&mut self, object: Value, name: &Name, line: u32, env: &Env<'_>) -> Eval {
        let Value::Instance(instance) = object else {
            return Err(self.error(line, messages::ONLY_INSTANCES_PROPERTIES, env));
        };
        self.state.fired_if(|_| *instance.fields.borrow().hasher() == NameHash::Fx, &FX_HASH);
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
        let Value::Instance(instance) = object else {
            return Err(self.error(line, messages::ONLY_INSTANCES_FIELDS, env));
        };
        self.state.fired_if(|_| *instance.fields.borrow().hasher() == NameHash::Fx, &FX_HASH);
        instance.fields.borrow_mut().insert(name.clone(), value.clone());
        Ok(value)
    }

    /// `object.name(args)`, with the object in slot 0 of the frame at
    /// `base`: a field holding a callable, or a method called directly
    /// without making a bound method.
    pub fn invoke(&mut self, name: &Name, base: usize, line: u32, caller: &Env<'_>) -> Eval {
        let Slot::Value(Value::Instance(instance)) = &self.stack[base] else {
            return Err(self.error(line, messages::ONLY_INSTANCES_METHODS, caller));
        };
        let instance = instance.clone();
        self.state.fired_if(|_| *instance.fields.borrow().hasher() == NameHash::Fx, &FX_HASH);
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

/// Pops the frame at `base`. The same as `truncate`, but a slot holding a
/// number or nil is dropped without a call into the drop glue.
#[inline(always)]
fn pop_frame(stack: &mut Vec<Slot>, base: usize) {
    while stack.len() > base {
        if let Some(slot) = stack.pop() {
            slot.discard();
        }
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
