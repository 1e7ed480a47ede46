//! # `nanbox-runtime`: clox's runtime, shared by two engines
//!
//! Everything `nanbox-vm` and `jit` have in common: the value
//! representation, the objects and their heap, interned strings, clox's
//! hash table, the mark-sweep collector, and the bytecode compiler with
//! its instruction set. Neither engine is the other's library: each
//! depends on this crate and on the front end, and keeps its own way of
//! running the bytecode (a dispatch loop; machine code). So the step
//! between the two rungs is exactly how the bytecode runs: the values, the
//! objects, the collector's policy and the tunings are one code.
//!
//! * [`value`]: a value is a NaN-boxed `u64`: a number is the double
//!   itself; `nil`, the booleans and object pointers hide in the quiet-NaN
//!   space.
//! * [`object`], [`heap`]: boxed `#[repr(C)]` structs behind one header,
//!   linked into clox's list of every object, reached through `Gc<T>`;
//!   [`property`] grows instances' fields and classes' methods.
//! * [`table`]: clox's open-addressing table keyed by interned strings.
//! * [`gc`]: clox's mark-sweep collector; the engine names its roots (its
//!   stack, frames, open upvalues, globals) in a [`gc::Roots`].
//! * [`stack`]: the fixed value stack and the call frames, the same layout
//!   in both engines, so that traces and `Stack overflow.` agree.
//! * [`upvalue`]: clox's list of open upvalues.
//! * [`globals`]: globals by name or by slot (the `global-slots` tuning).
//! * [`op`], [`chunk`], [`compile`]: the instruction set, a function's code
//!   and constants, and the compiler from the resolved AST; [`config`] holds
//!   the tunings the compiler and the heap read; [`disassemble`] prints a
//!   listing in clox's layout.
//!
//! ## Where unsafe code lives, and why it is sound
//! * [`value`]: turning a payload back into an object pointer relies on
//!   object values only being made from live object pointers.
//! * [`object`] and [`heap`]: a `Gc` is only held while the object is
//!   reachable from a root or while the collector cannot run (the compiler
//!   allocates with collection paused; an engine saves its stack top before
//!   every allocation so the whole stack is marked).
//! * [`gc`]: marking reads objects reached from roots; sweeping frees only
//!   unmarked ones; the interning table drops unmarked strings first.
//! * [`table`]: unchecked indexing with indices masked by a power-of-two
//!   capacity.
//! * [`property`], [`upvalue`], [`stack`]: objects the caller roots, open
//!   upvalues' slots that are live, and the stack's allocation.
//!
//! Every unsafe block says which invariant it relies on; the engines that
//! use this crate run the corpus under `valgrind --tool=memcheck`
//! (`.ci/memcheck`).

pub mod chunk;
pub mod compile;
pub mod config;
pub mod disassemble;
pub mod gc;
pub mod globals;
pub mod heap;
pub mod object;
pub mod op;
pub mod property;
pub mod stack;
pub mod table;
pub mod upvalue;
pub mod value;
