//! The heap: every object in one intrusive list, the interning table, and the
//! byte count that decides when to collect.
//!
//! Objects are individually boxed (so they never move, and a `Value` can hold
//! a bare pointer) and linked through their headers, as in clox. The heap only
//! allocates and frees; deciding what is garbage is gc.rs's job, because only
//! the engine knows the roots. Allocation itself never collects: the engine
//! calls [`Heap::should_collect`] before it allocates, at points where
//! everything it uses is rooted.
//!
//! With the `instance-pool` tuning, swept instances are not freed but kept
//! in a pool, each with its emptied field table, and the next instance
//! reuses one: it then costs no `malloc` for itself nor for its first
//! fields.

use crate::chunk::Chunk;
use crate::config::Config;
use crate::object::{
    Gc, HeapObject, Obj, ObjBoundMethod, ObjClass, ObjClosure, ObjFunction, ObjInstance, ObjKind, ObjNative, ObjString,
    ObjUpvalue,
};
use crate::table::Table;
use crate::value::Value;
use frontend::hash::NameHash;
use std::cell::Cell;
use std::ptr::NonNull;

/// clox's first collection threshold: 1 MiB.
const FIRST_GC: usize = 1024 * 1024;
/// clox's growth policy: after a collection, the next one comes when the heap
/// has doubled.
pub const GROW_FACTOR: usize = 2;

pub struct Heap {
    /// The most recently allocated object; each header links to an older one.
    objects: Option<NonNull<Obj>>,
    /// Every string, weakly: the collector removes the ones nothing reaches.
    pub strings: Table,
    pub bytes_allocated: usize,
    pub next_gc: usize,
    /// Collect at every allocation (`--gc-stress`).
    pub stress: bool,
    /// The hash strings are interned with (the `fx-hash` tuning).
    name_hash: NameHash,
    /// Swept instances kept for reuse, each with its emptied field table
    /// (the `instance-pool` tuning), or `None` when the tuning is off.
    pub instance_pool: Option<Vec<Gc<ObjInstance>>>,
    /// The collector's worklist, kept to reuse its allocation (gc.rs).
    pub(crate) gray: Vec<NonNull<Obj>>,
}

/// At most this many swept instances are kept for reuse; the rest are freed.
const INSTANCE_POOL: usize = 1 << 16;

impl Heap {
    /// An empty heap; with `stress`, the VM collects before every allocation.
    pub fn new(stress: bool, config: &Config) -> Heap {
        Heap {
            objects: None,
            strings: Table::default(),
            bytes_allocated: 0,
            next_gc: FIRST_GC,
            stress,
            name_hash: config.name_hash,
            instance_pool: config.instance_pool.then(Vec::new),
            gray: Vec::new(),
        }
    }

    /// Whether the VM should collect before its next allocation.
    #[inline(always)]
    pub fn should_collect(&self) -> bool {
        self.stress || self.bytes_allocated > self.next_gc
    }

    fn link<T: HeapObject>(&mut self, object: T, extra_bytes: usize) -> Gc<T> {
        self.relink(Gc::from_box(Box::new(object)), extra_bytes)
    }

    /// Puts an allocated object at the head of the all-objects list.
    fn relink<T: HeapObject>(&mut self, gc: Gc<T>, extra_bytes: usize) -> Gc<T> {
        self.bytes_allocated += size_of::<T>() + extra_bytes;
        gc.as_obj_header().next.set(self.objects);
        self.objects = Some(gc.as_obj());
        gc
    }

    /// The interned string holding `text`, made if there is none yet.
    pub fn intern(&mut self, text: &str) -> Gc<ObjString> {
        let hash = self.hash(text);
        if let Some(existing) = self.strings.find_string(text, hash) {
            return existing;
        }
        self.new_string(text.into(), hash)
    }

    /// The string object holding `text`, if one is alive.
    pub fn intern_existing(&self, text: &str) -> Option<Gc<ObjString>> {
        self.strings.find_string(text, self.hash(text))
    }

    /// The hash a string with this text has (and tables probe with).
    #[inline]
    pub fn hash(&self, text: &str) -> u32 {
        self.name_hash.hash_bytes(text) as u32
    }

    /// Interns a string the VM has just built (a concatenation), reusing its
    /// buffer when the text is new.
    pub fn intern_owned(&mut self, text: String) -> Gc<ObjString> {
        let hash = self.hash(&text);
        if let Some(existing) = self.strings.find_string(&text, hash) {
            return existing;
        }
        self.new_string(text.into_boxed_str(), hash)
    }

    /// `a + b` on two strings: the interned concatenation. The caller
    /// collects before, if it is time, with both operands rooted. Inlined,
    /// as it was when it was nanbox-vm's own: each engine has one call site.
    #[inline(always)]
    pub fn concatenate(&mut self, a: Gc<ObjString>, b: Gc<ObjString>) -> Gc<ObjString> {
        let mut text = String::with_capacity(a.text.len() + b.text.len());
        text.push_str(&a.text);
        text.push_str(&b.text);
        self.intern_owned(text)
    }

    fn new_string(&mut self, text: Box<str>, hash: u32) -> Gc<ObjString> {
        let len = text.len();
        let string = self.link(ObjString { obj: Obj::new(ObjKind::String), hash, text }, len);
        let before = self.strings.allocated_bytes();
        self.strings.set(string, Value::NIL);
        self.account_table(before, self.strings.allocated_bytes());
        string
    }

    pub fn new_function(
        &mut self,
        name: Option<Gc<ObjString>>,
        arity: usize,
        upvalue_count: usize,
        max_stack: usize,
        chunk: Chunk,
        marker: u32,
    ) -> Gc<ObjFunction> {
        let extra = chunk.allocated_bytes();
        let function = ObjFunction {
            obj: Obj::new(ObjKind::Function),
            arity,
            upvalue_count,
            max_stack,
            name,
            chunk,
            machine_code: Cell::new(std::ptr::null()),
            marker,
        };
        self.link(function, extra)
    }

    pub fn new_native(&mut self, function: fn(&[Value]) -> Value) -> Gc<ObjNative> {
        self.link(ObjNative { obj: Obj::new(ObjKind::Native), function }, 0)
    }

    pub fn new_closure(&mut self, function: Gc<ObjFunction>, upvalues: Box<[Gc<ObjUpvalue>]>) -> Gc<ObjClosure> {
        let extra = upvalues.len() * size_of::<Gc<ObjUpvalue>>();
        self.link(ObjClosure { obj: Obj::new(ObjKind::Closure), function, upvalues }, extra)
    }

    pub fn new_upvalue(&mut self, slot: *mut Value) -> Gc<ObjUpvalue> {
        let upvalue = ObjUpvalue {
            obj: Obj::new(ObjKind::Upvalue),
            location: Cell::new(slot),
            closed: Cell::new(Value::NIL),
            next_open: Cell::new(None),
        };
        self.link(upvalue, 0)
    }

    pub fn new_class(&mut self, name: Gc<ObjString>) -> Gc<ObjClass> {
        self.link(ObjClass { obj: Obj::new(ObjKind::Class), name, methods: Table::default() }, 0)
    }

    pub fn new_instance(&mut self, class: Gc<ObjClass>) -> Gc<ObjInstance> {
        if let Some(instance) = self.instance_pool.as_mut().and_then(Vec::pop) {
            // SAFETY: a pooled instance is out of the objects list, so no
            // value refers to it, and this is the only reference in use.
            let reused = unsafe { instance.get_mut() };
            reused.class = class;
            let table_bytes = reused.fields.allocated_bytes();
            return self.relink(instance, table_bytes);
        }
        self.link(ObjInstance { obj: Obj::new(ObjKind::Instance), class, fields: Table::default() }, 0)
    }

    pub fn new_bound_method(&mut self, receiver: Value, method: Gc<ObjClosure>) -> Gc<ObjBoundMethod> {
        self.link(ObjBoundMethod { obj: Obj::new(ObjKind::BoundMethod), receiver, method }, 0)
    }

    /// Counts a table's growth (fields, methods) towards the next collection.
    #[inline(always)]
    pub fn account_table(&mut self, bytes_before: usize, bytes_after: usize) {
        self.bytes_allocated = self.bytes_allocated + bytes_after - bytes_before;
    }

    /// Frees every unmarked object and clears the marks of the rest. The
    /// caller (gc.rs) has marked everything reachable.
    pub(crate) fn sweep(&mut self) {
        let mut previous: Option<NonNull<Obj>> = None;
        let mut current = self.objects;
        while let Some(object) = current {
            // SAFETY: every object in the list is live until freed here.
            let header = unsafe { object.as_ref() };
            let next = header.next.get();
            if header.marked.get() {
                header.marked.set(false);
                previous = Some(object);
            } else {
                match previous {
                    // SAFETY: `previous` is a live, marked object of the list.
                    Some(previous) => unsafe { previous.as_ref() }.next.set(next),
                    None => self.objects = next,
                }
                let pool = self.instance_pool.as_mut().filter(|pool| pool.len() < INSTANCE_POOL);
                let freed = if let Some(pool) = pool
                    && header.kind == ObjKind::Instance
                {
                    // SAFETY: the header says this is an instance.
                    let instance = unsafe { Gc::<ObjInstance>::from_obj(object) };
                    // SAFETY: the instance is unreachable and unlinked: this
                    // is the only reference to it.
                    let fields = unsafe { &mut instance.get_mut().fields };
                    fields.clear();
                    pool.push(instance);
                    size_of::<ObjInstance>() + fields.allocated_bytes()
                } else {
                    // SAFETY: the object is unreachable (unmarked after a full
                    // mark phase) and now unlinked, so nothing refers to it.
                    unsafe { free(object) }
                };
                self.bytes_allocated = self.bytes_allocated.saturating_sub(freed);
            }
            current = next;
        }
    }
}

impl<T: HeapObject> Gc<T> {
    fn as_obj_header(&self) -> &Obj {
        // SAFETY: `T` is `#[repr(C)]` with the header first (HeapObject's
        // contract), and the object is live.
        unsafe { self.as_obj().as_ref() }
    }
}

impl Drop for Heap {
    /// Frees every object: the session is over, nothing can reach them.
    fn drop(&mut self) {
        for instance in self.instance_pool.take().unwrap_or_default() {
            // SAFETY: pooled instances are out of the objects list and
            // referred to by nothing but the pool.
            unsafe { free(instance.as_obj()) };
        }
        let mut current = self.objects.take();
        while let Some(object) = current {
            // SAFETY: the object is in the list, hence live, until freed below.
            current = unsafe { object.as_ref() }.next.get();
            // SAFETY: the heap is being dropped with its session and VM, so
            // no value or `Gc` that points to the object can be used again.
            unsafe { free(object) };
        }
    }
}

/// Frees one object and returns the bytes it was counted as.
///
/// # Safety
/// `object` must be a live object of this heap that nothing will use again.
unsafe fn free(object: NonNull<Obj>) -> usize {
    /// Reboxes and drops an object of kind `T`.
    ///
    /// # Safety
    /// As for `free`, and the object's kind is `T::KIND`.
    unsafe fn drop_as<T: HeapObject>(object: NonNull<Obj>, extra: impl FnOnce(&T) -> usize) -> usize {
        // SAFETY: the object was made by `Box::new` as a `T` (its kind says
        // so), and the caller guarantees no one uses it again.
        let boxed = unsafe { Box::from_raw(object.cast::<T>().as_ptr()) };
        size_of::<T>() + extra(&boxed)
    }
    // SAFETY: the caller guarantees the object is live; each arm matches the
    // kind the object was created with.
    unsafe {
        match object.as_ref().kind {
            ObjKind::String => drop_as::<ObjString>(object, |s| s.text.len()),
            ObjKind::Function => drop_as::<ObjFunction>(object, |f| f.chunk.allocated_bytes()),
            ObjKind::Native => drop_as::<ObjNative>(object, |_| 0),
            ObjKind::Closure => drop_as::<ObjClosure>(object, |c| c.upvalues.len() * size_of::<Gc<ObjUpvalue>>()),
            ObjKind::Upvalue => drop_as::<ObjUpvalue>(object, |_| 0),
            ObjKind::Class => drop_as::<ObjClass>(object, |c| c.methods.allocated_bytes()),
            ObjKind::Instance => drop_as::<ObjInstance>(object, |i| i.fields.allocated_bytes()),
            ObjKind::BoundMethod => drop_as::<ObjBoundMethod>(object, |_| 0),
        }
    }
}
