//! Where machine code finds things: byte offsets of the fields it reads and
//! writes, taken from the Rust types so they cannot drift.

use crate::vm::Vm;
use nanbox_runtime::object::{Gc, Obj, ObjClosure, ObjFunction, ObjKind, ObjUpvalue};
use nanbox_runtime::stack::CallFrame;
use nanbox_runtime::upvalue::OpenUpvalues;
use nanbox_runtime::value::Value;
use std::mem::offset_of;

/// A value's size: slot `n` of a frame is at `slots + n * VALUE`.
pub const VALUE: i64 = size_of::<Value>() as i64;
pub const FRAME: i64 = size_of::<CallFrame>() as i64;

pub const VM_SP: i32 = offset_of!(Vm, sp) as i32;
pub const VM_STACK_END: i32 = offset_of!(Vm, stack_end) as i32;
pub const VM_FRAMES: i32 = offset_of!(Vm, frames_base) as i32;
pub const VM_FRAME_COUNT: i32 = offset_of!(Vm, frame_count) as i32;
pub const VM_GLOBAL_SLOTS: i32 = offset_of!(Vm, global_slots) as i32;
/// The head of the open upvalues' list: null when none is open.
pub const VM_OPEN_UPVALUES: i32 = (offset_of!(Vm, open_upvalues) + offset_of!(OpenUpvalues, head)) as i32;

pub const FRAME_CLOSURE: i32 = offset_of!(CallFrame, closure) as i32;
pub const FRAME_IP: i32 = offset_of!(CallFrame, ip) as i32;
pub const FRAME_SLOTS: i32 = offset_of!(CallFrame, slots) as i32;

/// An object's kind byte, in the header every object starts with.
pub const OBJ_KIND: i32 = offset_of!(Obj, kind) as i32;
pub const CLOSURE_FUNCTION: i32 = offset_of!(ObjClosure, function) as i32;
pub const FUNCTION_MACHINE_CODE: i32 = offset_of!(ObjFunction, machine_code) as i32;

// Machine code loads these fields as 64-bit integers and the kind as a
// byte: a null `Option<Gc>` must be a zero word.
const _: () = assert!(size_of::<Option<Gc<ObjUpvalue>>>() == 8 && size_of::<usize>() == 8);
const _: () = assert!(size_of::<ObjKind>() == 1);
