//! Calls, classes and properties: everything that makes or enters a frame,
//! and everything that looks a name up in an instance or a class.
//!
//! The checks come in the reference engine's order, which is clox's: a call
//! checks the argument count before the frame limit; a class is defined
//! before its superclass is checked.

use crate::chunk::Program;
use crate::object::{BoundMethod, Class, Instance, Object, table_size};
use crate::op::ProtoIndex;
use crate::table::Table;
use crate::value::{ObjRef, Value};
use crate::vm::{CallFrame, Fault, Vm};
use frontend::messages;

impl Vm {
    /// `[callee arg1 .. argN]`: calls anything but a closure, the rarer
    /// cases the loop does not handle inline. A method gets a new frame,
    /// which the loop then enters; a native runs at once.
    #[inline(never)]
    pub fn call_other(&mut self, program: &Program, argc: u8) -> Result<(), Fault> {
        let callee_slot = self.sp - argc as usize - 1;
        let Value::Obj(callee) = self.stack[callee_slot] else {
            return Err(messages::NOT_CALLABLE.into());
        };
        match self.heap.get(callee) {
            Object::Closure(closure) => self.call_closure(program, callee, closure.proto, argc),
            Object::BoundMethod(bound) => {
                let method = bound.method;
                self.stack[callee_slot] = bound.receiver;
                self.call_method(program, method, argc)
            }
            Object::Class(class) => {
                let init = class.methods.get(&self.init_string).copied();
                // The class stays in the callee slot while the instance is
                // allocated, which keeps it alive if the collector runs.
                let instance = self.alloc(Object::Instance(Instance { class: callee, fields: Table::default() }));
                self.stack[callee_slot] = Value::Obj(instance);
                match init {
                    Some(init) => self.call_method(program, init, argc),
                    None if argc != 0 => Err(messages::wrong_arity(0, argc as usize).into()),
                    None => Ok(()),
                }
            }
            Object::Native(native) => {
                let result = (native.function)(&self.stack[callee_slot + 1..self.sp]);
                self.stack[callee_slot] = result;
                self.sp = callee_slot + 1;
                Ok(())
            }
            _ => Err(messages::NOT_CALLABLE.into()),
        }
    }

    /// Calls a method's closure, whose receiver is already in slot 0.
    #[inline(always)]
    fn call_method(&mut self, program: &Program, method: ObjRef, argc: u8) -> Result<(), Fault> {
        let proto = self.heap.closure(method).proto;
        self.call_closure(program, method, proto, argc)
    }

    /// Checks that a call of `proto` with `argc` arguments may go ahead.
    #[inline(always)]
    pub fn check_call(&self, program: &Program, proto: ProtoIndex, argc: u8) -> Result<(), Fault> {
        let arity = program.proto(proto).arity;
        if argc as usize != arity {
            return Err(messages::wrong_arity(arity, argc as usize).into());
        }
        if self.frames.len() == messages::MAX_FRAMES {
            return Err(messages::STACK_OVERFLOW.into());
        }
        Ok(())
    }

    /// Pushes a frame for `closure`, whose arguments are the top `argc`
    /// values, below them the callee or receiver (its slot 0).
    fn call_closure(&mut self, program: &Program, closure: ObjRef, proto: ProtoIndex, argc: u8) -> Result<(), Fault> {
        self.check_call(program, proto, argc)?;
        let base = self.sp - argc as usize - 1;
        self.reserve_stack(base + program.proto(proto).max_stack);
        self.frames.push(CallFrame { closure, proto, ip: 0, base });
        Ok(())
    }

    // ----- Fast paths, inlined into the dispatch loop ------------------------------

    /// The field `name` of `object`, when `object` is an instance that has
    /// one: the common case of a property read.
    #[inline(always)]
    pub fn field(&self, object: Value, name: Value) -> Option<Value> {
        self.heap.as_instance(object)?.fields.get(&as_name(name)).copied()
    }

    /// Overwrites the field `name` of `object` with `value`, when `object` is
    /// an instance that has that field already: the common case of a
    /// property write. False when it is not so, and nothing changed.
    #[inline(always)]
    pub fn overwrite_field(&mut self, object: Value, name: Value, value: Value) -> bool {
        let Value::Obj(handle) = object else { return false };
        let Object::Instance(instance) = self.heap.get_mut(handle) else { return false };
        match instance.fields.get_mut(&as_name(name)) {
            Some(field) => {
                *field = value;
                true
            }
            None => false,
        }
    }

    /// The method `receiver.name(args)` calls directly, and its prototype,
    /// when `receiver` is an instance with no field called `name` (a field
    /// would win) whose class has such a method: the common case of invoke.
    #[inline(always)]
    pub fn direct_method(&self, receiver: Value, name: Value) -> Option<(ObjRef, ProtoIndex)> {
        let instance = self.heap.as_instance(receiver)?;
        let name = as_name(name);
        if instance.fields.contains_key(&name) {
            return None;
        }
        let method = *self.heap.class(instance.class).methods.get(&name)?;
        Some((method, self.heap.closure(method).proto))
    }

    // ----- The general cases -----------------------------------------------------------

    /// `[receiver arg1 .. argN]`: `receiver.name(args)`. A field of that
    /// name wins over a method, as with a property read; a method is called
    /// directly, without the bound method a read followed by a call makes.
    #[inline(never)]
    pub fn invoke(&mut self, program: &Program, name: Value, argc: u8) -> Result<(), Fault> {
        let receiver_slot = self.sp - argc as usize - 1;
        let Some(instance) = self.heap.as_instance(self.stack[receiver_slot]) else {
            return Err(messages::ONLY_INSTANCES_METHODS.into());
        };
        let name = as_name(name);
        if let Some(&field) = instance.fields.get(&name) {
            self.stack[receiver_slot] = field;
            return self.call_other(program, argc);
        }
        let method = self.heap.class(instance.class).methods.get(&name).copied();
        match method {
            Some(method) => self.call_method(program, method, argc),
            None => Err(self.undefined_property(name)),
        }
    }

    /// `[this arg1 .. argN superclass]`: `super.name(args)`.
    #[inline(never)]
    pub fn super_invoke(&mut self, program: &Program, name: Value, argc: u8) -> Result<(), Fault> {
        let superclass = self.pop();
        let method = self.super_method(superclass, as_name(name))?;
        self.call_method(program, method, argc)
    }

    /// `[object] -> [value]`: a field, or a method bound to the instance.
    #[inline(never)]
    pub fn get_property(&mut self, name: Value) -> Result<(), Fault> {
        let Some(instance) = self.heap.as_instance(self.peek(0)) else {
            return Err(messages::ONLY_INSTANCES_PROPERTIES.into());
        };
        let name = as_name(name);
        if let Some(&field) = instance.fields.get(&name) {
            self.stack[self.sp - 1] = field;
            return Ok(());
        }
        match self.heap.class(instance.class).methods.get(&name).copied() {
            Some(method) => {
                self.bind_top(method);
                Ok(())
            }
            None => Err(self.undefined_property(name)),
        }
    }

    /// `[object value] -> [value]`
    #[inline(never)]
    pub fn set_property(&mut self, name: Value) -> Result<(), Fault> {
        let value = self.pop();
        let Value::Obj(handle) = self.peek(0) else {
            return Err(messages::ONLY_INSTANCES_FIELDS.into());
        };
        let Object::Instance(instance) = self.heap.get_mut(handle) else {
            return Err(messages::ONLY_INSTANCES_FIELDS.into());
        };
        let before = table_size(&instance.fields);
        instance.fields.insert(as_name(name), value);
        let after = table_size(&instance.fields);
        self.heap.account(before, after);
        self.stack[self.sp - 1] = value;
        Ok(())
    }

    /// `[this superclass] -> [bound method]`: `super.name`.
    #[inline(never)]
    pub fn get_super(&mut self, name: Value) -> Result<(), Fault> {
        let superclass = self.pop();
        let method = self.super_method(superclass, as_name(name))?;
        self.bind_top(method);
        Ok(())
    }

    fn super_method(&self, superclass: Value, name: ObjRef) -> Result<ObjRef, Fault> {
        let superclass = self.heap.as_class(superclass).expect("`super` holds a class: `Inherit` checked it");
        let method = self.heap.class(superclass).methods.get(&name).copied();
        method.ok_or_else(|| self.undefined_property(name))
    }

    /// `[receiver] -> [bound method]`. The receiver stays on the stack while
    /// the bound method is allocated, and the method is reachable through
    /// the receiver's class (or the superclass in `super`).
    fn bind_top(&mut self, method: ObjRef) {
        let receiver = self.peek(0);
        let bound = self.alloc(Object::BoundMethod(BoundMethod { receiver, method }));
        self.stack[self.sp - 1] = Value::Obj(bound);
    }

    /// `[] -> [class]`
    #[inline(never)]
    pub fn class(&mut self, name: Value) {
        let class = self.alloc(Object::Class(Class { name: as_name(name), methods: Table::default() }));
        self.push(Value::Obj(class));
    }

    /// `[superclass class] -> [superclass]`: the class starts with a copy of
    /// the superclass's methods, so later changes to either never show in the
    /// other (LOX.md: methods are inherited as they were at declaration).
    #[inline(never)]
    pub fn inherit(&mut self) -> Result<(), Fault> {
        let Some(superclass) = self.heap.as_class(self.peek(1)) else {
            return Err(messages::SUPERCLASS_NOT_CLASS.into());
        };
        let Value::Obj(class) = self.pop() else { unreachable!("`Inherit` follows a read of the class") };
        let methods = self.heap.class(superclass).methods.clone();
        let before = table_size(&self.heap.class(class).methods);
        self.heap.class_mut(class).methods = methods;
        let after = table_size(&self.heap.class(class).methods);
        self.heap.account(before, after);
        Ok(())
    }

    /// `[class closure] -> [class]`
    #[inline(never)]
    pub fn method(&mut self, name: Value) {
        let Value::Obj(method) = self.pop() else { unreachable!("`Method` follows a `Closure`") };
        let Value::Obj(class) = self.peek(0) else { unreachable!("`Method` follows a read of the class") };
        let methods = &mut self.heap.class_mut(class).methods;
        let before = table_size(methods);
        methods.insert(as_name(name), method);
        let after = table_size(methods);
        self.heap.account(before, after);
    }

    #[cold]
    fn undefined_property(&self, name: ObjRef) -> Fault {
        messages::undefined_property(self.heap.string(name)).into()
    }
}

/// The handle of a name constant: the compiler makes every name operand a
/// string constant.
#[inline]
fn as_name(name: Value) -> ObjRef {
    match name {
        Value::Obj(handle) => handle,
        _ => unreachable!("name operands are string constants"),
    }
}
