//! Calls, classes and properties: everything that makes or enters a frame.

use crate::env::Env;
use crate::eval::{Eval, Evaluator, Frame, Unwind};
use crate::value::{BoundMethod, Class, Closure, Instance, Value};
use frontend::ast::{ClassDecl, FunctionKind, Name};
use frontend::diagnostics::RunError;
use frontend::hash::NameMap;
use frontend::messages;
use std::cell::RefCell;
use std::rc::Rc;

impl Evaluator<'_> {
    /// Calls any value with already-evaluated arguments, from a call at `line`.
    pub fn call_value(&mut self, callee: Value, args: Vec<Value>, line: u32) -> Eval {
        match callee {
            Value::Closure(closure) => self.call_closure(&closure, None, args, line),
            Value::BoundMethod(bound) => self.call_closure(&bound.method, Some(bound.receiver.clone()), args, line),
            Value::Class(class) => self.instantiate(class, args, line),
            Value::Native(native) => {
                self.state.tally(|t| t.calls += 1);
                Ok((native.function)(&args))
            }
            _ => Err(self.error(line, messages::NOT_CALLABLE)),
        }
    }

    /// Runs a Lox function in a fresh environment holding `this` (for
    /// methods) and the parameters, child of the closure's environment.
    pub fn call_closure(
        &mut self,
        closure: &Rc<Closure>,
        receiver: Option<Value>,
        args: Vec<Value>,
        line: u32,
    ) -> Eval {
        let function = &closure.function;
        if args.len() != function.arity() {
            return Err(self.error(line, messages::wrong_arity(function.arity(), args.len())));
        }
        if self.frames.len() == messages::MAX_FRAMES {
            return Err(self.error(line, messages::STACK_OVERFLOW));
        }
        let env = self.state.new_env(Some(closure.env.clone()));
        if let Some(receiver) = &receiver {
            env.define("this".into(), receiver.clone());
        }
        for (param, arg) in function.params.iter().zip(args) {
            env.define(param.name.clone(), arg);
        }
        if let Some(caller) = self.frames.last_mut() {
            caller.line = line;
        }
        self.frames.push(Frame { name: Some(function.name.clone()), line: function.line });
        #[cfg(feature = "work-count")]
        let frame = frontend::profiling::marker::frame(self.frames.len() - 1, function.marker);
        self.state.tally(|t| t.enter_call());
        let result = self.execute_block(&function.body, &env);
        self.state.tally(|t| t.leave_call());
        #[cfg(feature = "work-count")]
        drop(frame);
        self.frames.pop();
        let value = match result {
            Ok(()) => Value::Nil,
            Err(Unwind::Return(value)) => value,
            Err(Unwind::Error(error)) => return Err(error),
        };
        if function.kind == FunctionKind::Initializer {
            return Ok(receiver.expect("initializers are always called with a receiver"));
        }
        Ok(value)
    }

    fn instantiate(&mut self, class: Rc<Class>, args: Vec<Value>, line: u32) -> Eval {
        let instance = Rc::new(Instance {
            class: class.clone(),
            fields: RefCell::new(NameMap::with_hasher(self.state.name_hash)),
        });
        self.state.track(&instance);
        self.state.tally(|t| t.instances += 1);
        let instance = Value::Instance(instance);
        let init = class.methods.borrow().get("init").cloned();
        match init {
            Some(init) => self.call_closure(&init, Some(instance), args, line),
            None if !args.is_empty() => Err(self.error(line, messages::wrong_arity(0, args.len()))),
            None => {
                // A class without `init` is still called: a frame-less call.
                self.state.tally(|t| t.calls += 1);
                Ok(instance)
            }
        }
    }

    pub fn class_declaration(&mut self, decl: &ClassDecl, env: &Rc<Env>) -> Result<(), Unwind> {
        let name = decl.target.name().clone();
        let class = Rc::new(Class { name, methods: RefCell::new(NameMap::with_hasher(self.state.name_hash)) });
        self.state.track(&class);
        self.state.tally(|t| t.classes += 1);
        self.define(&decl.target, Value::Class(class.clone()), env);

        let mut method_env = env.clone();
        if let Some(superclass) = &decl.superclass {
            let Value::Class(parent) = self.read(&superclass.variable, env)? else {
                return Err(self.error(superclass.line, messages::SUPERCLASS_NOT_CLASS).into());
            };
            let inherited = parent.methods.borrow().clone();
            class.methods.borrow_mut().extend(inherited);
            method_env = self.state.new_env(Some(env.clone()));
            method_env.define(superclass.super_local.name.clone(), Value::Class(parent));
        }
        for method in &decl.methods {
            let closure = Rc::new(Closure { function: method.clone(), env: method_env.clone() });
            self.state.track(&closure);
            self.state.tally(|t| t.closures += 1);
            class.methods.borrow_mut().insert(method.name.clone(), closure);
        }
        Ok(())
    }

    pub fn get_property(&mut self, object: Value, name: &Name, line: u32) -> Eval {
        let Value::Instance(instance) = object else {
            return Err(self.error(line, messages::ONLY_INSTANCES_PROPERTIES));
        };
        self.state.tally(|t| t.property_reads += 1);
        if let Some(value) = instance.fields.borrow().get(name) {
            return Ok(value.clone());
        }
        let method = instance.class.methods.borrow().get(name).cloned();
        match method {
            Some(method) => Ok(self.bind(Value::Instance(instance), method)),
            None => Err(self.error(line, messages::undefined_property(name))),
        }
    }

    pub fn set_property(&mut self, object: Value, name: &Name, value: Value, line: u32) -> Eval {
        let Value::Instance(instance) = object else {
            return Err(self.error(line, messages::ONLY_INSTANCES_FIELDS));
        };
        self.state.tally(|t| t.property_writes += 1);
        instance.fields.borrow_mut().insert(name.clone(), value.clone());
        Ok(value)
    }

    /// `object.name(args)`: a field holding a callable, or a method called
    /// directly without making a bound method.
    pub fn invoke(&mut self, object: Value, name: &Name, args: Vec<Value>, line: u32) -> Eval {
        let Value::Instance(instance) = object else {
            return Err(self.error(line, messages::ONLY_INSTANCES_METHODS));
        };
        self.state.tally(|t| t.property_reads += 1);
        let field = instance.fields.borrow().get(name).cloned();
        if let Some(callee) = field {
            return self.call_value(callee, args, line);
        }
        let method = instance.class.methods.borrow().get(name).cloned();
        match method {
            Some(method) => self.call_closure(&method, Some(Value::Instance(instance)), args, line),
            None => Err(self.error(line, messages::undefined_property(name))),
        }
    }

    pub fn get_super(&mut self, receiver: Value, superclass: Value, name: &Name, line: u32) -> Eval {
        let method = self.super_method(superclass, name, line)?;
        Ok(self.bind(receiver, method))
    }

    pub fn invoke_super(
        &mut self,
        receiver: Value,
        superclass: Value,
        name: &Name,
        args: Vec<Value>,
        line: u32,
    ) -> Eval {
        let method = self.super_method(superclass, name, line)?;
        self.call_closure(&method, Some(receiver), args, line)
    }

    fn super_method(&mut self, superclass: Value, name: &Name, line: u32) -> Result<Rc<Closure>, RunError> {
        let Value::Class(class) = superclass else {
            unreachable!("`super` always holds a class: the declaration checked it");
        };
        let method = class.methods.borrow().get(name).cloned();
        method.ok_or_else(|| self.error(line, messages::undefined_property(name)))
    }

    fn bind(&mut self, receiver: Value, method: Rc<Closure>) -> Value {
        let bound = Rc::new(BoundMethod { receiver, method });
        self.state.track(&bound);
        self.state.tally(|t| t.bound_methods += 1);
        Value::BoundMethod(bound)
    }
}
