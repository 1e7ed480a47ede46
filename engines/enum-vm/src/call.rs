//! Calls, classes and properties: everything that makes or enters a frame,
//! and everything that looks a name up in an instance or a class.
//!
//! The checks come in the reference engine's order, which is clox's: a call
//! checks the argument count before the frame limit; a class is defined
//! before its superclass is checked.

use crate::chunk::Program;
use crate::object::{ObjBoundMethod, ObjClass, ObjInstance, Object};
use crate::op::FunctionIndex;
use crate::table::Table;
use crate::value::{ObjRef, Value};
use crate::vm::{CallFrame, Fault, Vm};
use frontend::messages;

impl Vm {
    /// `[callee arg1 .. argN]`: calls any callable value. The loop calls a
    /// closure itself and comes here for the rest. A method gets a new
    /// frame, which the loop then enters; a native runs at once.
    #[inline(never)]
    pub fn call_value(&mut self, program: &Program, argc: u8) -> Result<(), Fault> {
        let callee_slot = self.sp - argc as usize - 1;
        let Value::Obj(callee) = self.stack[callee_slot] else {
            return Err(messages::NOT_CALLABLE.into());
        };
        match self.heap.get(callee) {
            Object::Closure(closure) => self.call_closure(program, callee, closure.function, argc),
            Object::BoundMethod(bound) => {
                let method = bound.method;
                self.stack[callee_slot] = bound.receiver;
                self.call_method(program, method, argc)
            }
            Object::Class(_) => self.instantiate(program, callee, argc),
            Object::Native(native) => {
                let result = (native.function)(&self.stack[callee_slot + 1..self.sp]);
                self.stack[callee_slot] = result;
                self.sp = callee_slot + 1;
                Ok(())
            }
            _ => Err(messages::NOT_CALLABLE.into()),
        }
    }

    /// Calling a class: a new instance in the callee's slot, then its `init`
    /// if it has one.
    fn instantiate(&mut self, program: &Program, class: ObjRef, argc: u8) -> Result<(), Fault> {
        let init = self.method_of(class, self.init_string);
        // The class stays in the callee slot while the instance is
        // allocated, which keeps it alive if the collector runs.
        self.maybe_collect();
        let fields = self.heap.new_fields();
        let instance = self.heap.insert(Object::Instance(ObjInstance { class, fields }));
        self.stack[self.sp - argc as usize - 1] = Value::Obj(instance);
        match init {
            Some(init) => self.call_method(program, init, argc),
            None if argc != 0 => Err(messages::wrong_arity(0, argc as usize).into()),
            None => Ok(()),
        }
    }

    /// Calls a method's closure, whose receiver is already in slot 0.
    #[inline(always)]
    fn call_method(&mut self, program: &Program, method: ObjRef, argc: u8) -> Result<(), Fault> {
        let function = self.heap.closure(method).function;
        self.call_closure(program, method, function, argc)
    }

    /// Checks that a call of `function` with `argc` arguments may go ahead.
    #[inline(always)]
    pub fn check_call(&self, program: &Program, function: FunctionIndex, argc: u8) -> Result<(), Fault> {
        let arity = program.function(function).arity;
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
    fn call_closure(
        &mut self,
        program: &Program,
        closure: ObjRef,
        function: FunctionIndex,
        argc: u8,
    ) -> Result<(), Fault> {
        self.check_call(program, function, argc)?;
        let base = self.sp - argc as usize - 1;
        self.reserve_stack(base + program.function(function).max_stack);
        self.frames.push(CallFrame { closure, function, ip: 0, base });
        Ok(())
    }

    // ----- Fast paths, inlined into the dispatch loop ------------------------------

    /// The field `name` of `object`, when `object` is an instance that has
    /// one: the common case of a property read.
    #[inline(always)]
    pub fn field(&self, object: Value, name: Value) -> Option<Value> {
        let instance = self.heap.as_instance(object)?;
        let name = as_name(name);
        instance.fields.get(name, self.heap.string(name).hash)
    }

    /// The method `receiver.name(args)` calls directly, and its function,
    /// when `receiver` is an instance with no field called `name` (a field
    /// would win) whose class has such a method: the common case of invoke.
    #[inline(always)]
    pub fn direct_method(&self, receiver: Value, name: Value) -> Option<(ObjRef, FunctionIndex)> {
        let instance = self.heap.as_instance(receiver)?;
        let name = as_name(name);
        let hash = self.heap.string(name).hash;
        if instance.fields.get(name, hash).is_some() {
            return None;
        }
        let Value::Obj(method) = self.heap.class(instance.class).methods.get(name, hash)? else {
            unreachable!("method tables hold closures")
        };
        Some((method, self.heap.closure(method).function))
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
        let (name, class) = (as_name(name), instance.class);
        if let Some(field) = instance.fields.get(name, self.heap.string(name).hash) {
            self.stack[receiver_slot] = field;
            return self.call_value(program, argc);
        }
        match self.method_of(class, name) {
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
        let (name, class) = (as_name(name), instance.class);
        if let Some(field) = instance.fields.get(name, self.heap.string(name).hash) {
            self.stack[self.sp - 1] = field;
            return Ok(());
        }
        match self.method_of(class, name) {
            Some(method) => {
                self.bind_method(method);
                Ok(())
            }
            None => Err(self.undefined_property(name)),
        }
    }

    /// `[object value] -> [object value]`: stores the field; the loop then
    /// pops what the instruction does not leave.
    #[inline(always)]
    pub fn set_property(&mut self, name: Value) -> Result<(), Fault> {
        let Value::Obj(instance) = self.peek(1) else {
            return Err(messages::ONLY_INSTANCES_FIELDS.into());
        };
        if !matches!(self.heap.get(instance), Object::Instance(_)) {
            return Err(messages::ONLY_INSTANCES_FIELDS.into());
        }
        self.set_field(instance, as_name(name), self.peek(0));
        Ok(())
    }

    /// Sets a field of an instance: overwrites it in place when the
    /// instance has it already (the common case), and otherwise adds it,
    /// counting any growth of the table.
    #[inline(always)]
    fn set_field(&mut self, instance: ObjRef, name: ObjRef, value: Value) {
        let hash = self.heap.string(name).hash;
        let Object::Instance(object) = self.heap.get_mut(instance) else { unreachable!("checked by the caller") };
        if let Some(field) = object.fields.get_mut(name, hash) {
            *field = value;
            return;
        }
        self.add_field(instance, name, hash, value);
    }

    fn add_field(&mut self, instance: ObjRef, name: ObjRef, hash: u32, value: Value) {
        let Object::Instance(instance) = self.heap.get_mut(instance) else { unreachable!("checked by the caller") };
        let before = instance.fields.allocated_bytes();
        instance.fields.set(name, hash, value);
        let after = instance.fields.allocated_bytes();
        self.heap.account(before, after);
    }

    /// `[this superclass] -> [bound method]`: `super.name`.
    #[inline(never)]
    pub fn get_super(&mut self, name: Value) -> Result<(), Fault> {
        let superclass = self.pop();
        let method = self.super_method(superclass, as_name(name))?;
        self.bind_method(method);
        Ok(())
    }

    fn super_method(&self, superclass: Value, name: ObjRef) -> Result<ObjRef, Fault> {
        let superclass = self.heap.as_class(superclass).expect("`super` holds a class: `Inherit` checked it");
        self.method_of(superclass, name).ok_or_else(|| self.undefined_property(name))
    }

    /// The closure of `class`'s method `name`, if it has one.
    fn method_of(&self, class: ObjRef, name: ObjRef) -> Option<ObjRef> {
        match self.heap.class(class).methods.get(name, self.heap.string(name).hash)? {
            Value::Obj(method) => Some(method),
            _ => unreachable!("method tables hold closures"),
        }
    }

    /// `[receiver] -> [bound method]`. The receiver stays on the stack while
    /// the bound method is allocated, and the method is reachable through
    /// the receiver's class (or the superclass in `super`).
    fn bind_method(&mut self, method: ObjRef) {
        let receiver = self.peek(0);
        let bound = self.alloc(Object::BoundMethod(ObjBoundMethod { receiver, method }));
        self.stack[self.sp - 1] = Value::Obj(bound);
    }

    /// `[] -> [class]`
    #[inline(never)]
    pub fn class(&mut self, name: Value) {
        let class = self.alloc(Object::Class(ObjClass { name: as_name(name), methods: Table::default() }));
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
        let before = self.heap.class(class).methods.allocated_bytes();
        self.heap.class_mut(class).methods.add_all(&methods);
        let after = self.heap.class(class).methods.allocated_bytes();
        self.heap.account(before, after);
        Ok(())
    }

    /// `[class closure] -> [class]`
    #[inline(never)]
    pub fn add_method(&mut self, name: Value) {
        let method = self.pop();
        let Value::Obj(class) = self.peek(0) else { unreachable!("`Method` follows a read of the class") };
        let name = as_name(name);
        let hash = self.heap.string(name).hash;
        let methods = &mut self.heap.class_mut(class).methods;
        let before = methods.allocated_bytes();
        methods.set(name, hash, method);
        let after = methods.allocated_bytes();
        self.heap.account(before, after);
    }

    #[cold]
    fn undefined_property(&self, name: ObjRef) -> Fault {
        messages::undefined_property(&self.heap.string(name).text).into()
    }
}

/// The handle of a name constant: the compiler makes every name operand a
/// string constant.
#[inline]
pub fn as_name(name: Value) -> ObjRef {
    match name {
        Value::Obj(handle) => handle,
        _ => unreachable!("name operands are string constants"),
    }
}
