//! The object heap: an arena of objects named by index, the string intern
//! table, and the byte count that decides when to collect.
//!
//! clox allocates each object with `malloc` and links them in a list; here
//! objects live in one `Vec`, a handle is an index into it, and freed slots
//! are reused through a free list. The heap never decides on its own to
//! collect, because only the VM knows the roots: [`crate::vm::Vm::alloc`]
//! asks [`Heap::should_collect`] first, collects, and then inserts.
//!
//! With the `instance-pool` tuning, the field tables of swept instances are
//! kept, emptied, and given to new instances: the arena already recycles an
//! instance's slot, and the pool recycles what the slot does not hold.

use crate::chunk::Program;
use crate::config::Config;
use crate::object::{ObjBoundMethod, ObjClass, ObjClosure, ObjInstance, ObjString, ObjUpvalue, Object};
use crate::table::Table;
use crate::value::{ObjRef, Value};
use frontend::hash::NameHash;
use frontend::number::write_number;

/// The first collection happens when this many bytes are allocated, as in clox.
const FIRST_GC: usize = 1024 * 1024;
/// After a collection the next one waits until the heap has grown by this
/// factor over what survived (clox's `GC_HEAP_GROW_FACTOR`).
const GROW_FACTOR: usize = 2;
/// At most this many swept instances' tables are kept for reuse.
pub const INSTANCE_POOL: usize = 1 << 16;

pub struct Heap {
    pub(crate) objects: Vec<Object>,
    /// The collector's mark bits, one per arena slot; kept beside the
    /// objects so that tracing can read one object while marking others.
    pub(crate) marks: Vec<bool>,
    pub(crate) free: Vec<u32>,
    /// Every live string, weakly: the collector removes the ones nothing
    /// reaches, so that equal strings are one object.
    pub(crate) strings: Table,
    /// Strings the compiled code refers to as constants. Functions live
    /// outside the heap and are never freed, so these are roots for good.
    pub(crate) pinned: Vec<ObjRef>,
    /// The collector's work list of marked objects not yet traced.
    pub(crate) gray: Vec<ObjRef>,
    pub(crate) bytes_allocated: usize,
    pub(crate) next_gc: usize,
    /// The heap ceiling (`Options::max_heap`) a new string is checked against.
    pub(crate) max_heap: usize,
    stress: bool,
    /// The hash strings are interned with (the `fx-hash` tuning).
    name_hash: NameHash,
    /// The emptied field tables of swept instances (the `instance-pool`
    /// tuning), or `None` when the tuning is off.
    pub(crate) instance_pool: Option<Vec<Table>>,
}
impl Heap {
    /// An empty heap; with `stress`, the VM collects before every allocation.
    pub fn new(stress: bool, config: &Config) -> Heap {
        Heap {
            objects: Vec::new(),
            marks: Vec::new(),
            free: Vec::new(),
            strings: Table::default(),
            pinned: Vec::new(),
            gray: Vec::new(),
            bytes_allocated: 0,
            next_gc: FIRST_GC,
            max_heap: frontend::memory::DEFAULT_MAX_HEAP,
            stress,
            name_hash: config.name_hash,
            instance_pool: config.instance_pool.then(Vec::new),
        }
    }

    #[inline]
    pub fn should_collect(&self) -> bool {
        self.stress || self.bytes_allocated > self.next_gc
    }

    /// Sets the next collection's threshold from what survived this one.
    pub(crate) fn after_collection(&mut self) {
        self.next_gc = (self.bytes_allocated * GROW_FACTOR).max(FIRST_GC);
    }

    /// Puts an object in the arena without collecting (the caller has
    /// decided that) and returns its handle.
    pub fn insert(&mut self, object: Object) -> ObjRef {
        self.bytes_allocated += object.size();
        match self.free.pop() {
            Some(index) => {
                self.objects[index as usize] = object;
                ObjRef::new(index as usize)
            }
            None => {
                self.objects.push(object);
                self.marks.push(false);
                ObjRef::new(self.objects.len() - 1)
            }
        }
    }

    /// Counts memory an object took after it was allocated (a table that grew).
    pub fn account(&mut self, before: usize, after: usize) {
        self.bytes_allocated = self.bytes_allocated + after - before;
    }

    /// The interned string holding `text`, made if there is none yet.
    pub fn intern(&mut self, text: &str) -> ObjRef {
        let hash = self.hash(text);
        match self.find_string(text, hash) {
            Some(existing) => existing,
            None => self.new_string(text, hash),
        }
    }

    /// The interned string holding `text`, made if needed, and kept alive
    /// for good: for the compiler's constants, which are roots for the
    /// session's life. The compiler never collects, so it needs no other roots.
    pub fn intern_pinned(&mut self, text: &str) -> ObjRef {
        let handle = self.intern(text);
        self.pinned.push(handle);
        handle
    }

    /// The hash a string with this text has (and tables probe with).
    #[inline]
    pub fn hash(&self, text: &str) -> u32 {
        self.name_hash.hash_bytes(text) as u32
    }

    /// The string object holding `text`, if one is alive.
    #[cfg(test)]
    pub fn intern_existing(&self, text: &str) -> Option<ObjRef> {
        self.find_string(text, self.hash(text))
    }

    /// The string object holding `text`, if one is alive and hashed `hash`.
    #[inline]
    pub fn find_string(&self, text: &str, hash: u32) -> Option<ObjRef> {
        let objects = &self.objects;
        self.strings.find_string(text, hash, |key| match &objects[key.index()] {
            Object::String(string) => &string.text,
            _ => unreachable!("the intern table holds strings"),
        })
    }

    /// Adds a new string object; the caller checked that none holds `text`.
    pub fn new_string(&mut self, text: &str, hash: u32) -> ObjRef {
        let handle = self.insert(Object::String(ObjString { hash, text: text.into() }));
        let before = self.strings.allocated_bytes();
        self.strings.set(handle, hash, Value::Nil);
        self.account(before, self.strings.allocated_bytes());
        handle
    }

    /// The field table for a new instance: a pooled one when there is one.
    pub fn new_fields(&mut self) -> Table {
        self.instance_pool.as_mut().and_then(Vec::pop).unwrap_or_default()
    }

    #[inline]
    pub fn get(&self, handle: ObjRef) -> &Object {
        &self.objects[handle.index()]
    }

    #[inline]
    pub fn get_mut(&mut self, handle: ObjRef) -> &mut Object {
        &mut self.objects[handle.index()]
    }

    // Typed access. The compiler and the VM only ever apply these to handles
    // of the right kind (a closure's upvalue list holds upvalues, a class's
    // method table closures...), so a mismatch is a bug in this crate.

    #[inline]
    pub fn string(&self, handle: ObjRef) -> &ObjString {
        match self.get(handle) {
            Object::String(string) => string,
            _ => unreachable!("handle {handle:?} is not a string"),
        }
    }

    #[inline]
    pub fn closure(&self, handle: ObjRef) -> &ObjClosure {
        match self.get(handle) {
            Object::Closure(closure) => closure,
            _ => unreachable!("handle {handle:?} is not a closure"),
        }
    }

    #[inline]
    pub fn closure_mut(&mut self, handle: ObjRef) -> &mut ObjClosure {
        match self.get_mut(handle) {
            Object::Closure(closure) => closure,
            _ => unreachable!("handle {handle:?} is not a closure"),
        }
    }

    #[inline]
    pub fn upvalue(&self, handle: ObjRef) -> &ObjUpvalue {
        match self.get(handle) {
            Object::Upvalue(upvalue) => upvalue,
            _ => unreachable!("handle {handle:?} is not an upvalue"),
        }
    }

    #[inline]
    pub fn upvalue_mut(&mut self, handle: ObjRef) -> &mut ObjUpvalue {
        match self.get_mut(handle) {
            Object::Upvalue(upvalue) => upvalue,
            _ => unreachable!("handle {handle:?} is not an upvalue"),
        }
    }

    #[inline]
    pub fn class(&self, handle: ObjRef) -> &ObjClass {
        match self.get(handle) {
            Object::Class(class) => class,
            _ => unreachable!("handle {handle:?} is not a class"),
        }
    }

    #[inline]
    pub fn class_mut(&mut self, handle: ObjRef) -> &mut ObjClass {
        match self.get_mut(handle) {
            Object::Class(class) => class,
            _ => unreachable!("handle {handle:?} is not a class"),
        }
    }

    /// The instance a value holds, if it holds one.
    #[inline]
    pub fn as_instance(&self, value: Value) -> Option<&ObjInstance> {
        match value {
            Value::Obj(handle) => match self.get(handle) {
                Object::Instance(instance) => Some(instance),
                _ => None,
            },
            _ => None,
        }
    }

    /// The class a value holds, if it holds one.
    pub fn as_class(&self, value: Value) -> Option<ObjRef> {
        match value {
            Value::Obj(handle) if matches!(self.get(handle), Object::Class(_)) => Some(handle),
            _ => None,
        }
    }

    /// The string a value holds, if it holds one.
    #[inline]
    pub fn as_string(&self, value: Value) -> Option<&ObjString> {
        match value {
            Value::Obj(handle) => match self.get(handle) {
                Object::String(string) => Some(string),
                _ => None,
            },
            _ => None,
        }
    }

    /// Appends what `print` shows for `value`.
    pub fn write_value(&self, out: &mut String, value: Value, program: &Program) {
        let handle = match value {
            Value::Nil => return out.push_str("nil"),
            Value::Bool(b) => return out.push_str(if b { "true" } else { "false" }),
            Value::Number(n) => return write_number(out, n),
            Value::Obj(handle) => handle,
        };
        let function = |out: &mut String, closure: ObjRef| {
            let function = program.function(self.closure(closure).function);
            out.push_str("<fn ");
            out.push_str(&function.name);
            out.push('>');
        };
        match self.get(handle) {
            Object::String(string) => out.push_str(&string.text),
            Object::Closure(_) => function(out, handle),
            Object::BoundMethod(ObjBoundMethod { method, .. }) => function(out, *method),
            Object::Native(_) => out.push_str("<native fn>"),
            Object::Class(class) => out.push_str(&self.string(class.name).text),
            Object::Instance(instance) => {
                out.push_str(&self.string(self.class(instance.class).name).text);
                out.push_str(" instance");
            }
            Object::Upvalue(_) | Object::Free => unreachable!("a value never holds an upvalue or a free slot"),
        }
    }
}
