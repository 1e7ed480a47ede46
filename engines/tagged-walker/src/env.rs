//! Environments (placeholder until the evaluator is ported).

#![forbid(unsafe_code)]

use crate::heap::Gc;
use crate::object::Upvalue;
use crate::value::Value;

/// One frame slot: a local's value, or the cell of a captured local.
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct Slot(Value);

impl Slot {
    pub fn value(value: Value) -> Slot {
        Slot(value)
    }

    pub fn cell(cell: Gc<Upvalue>) -> Slot {
        Slot(Value::object(cell))
    }

    #[inline]
    pub fn get(self) -> Value {
        match self.0.as_cell() {
            Some(cell) => cell.get(),
            None => self.0,
        }
    }
}
