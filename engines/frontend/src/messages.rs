//! Every runtime error message and every limit of LOX.md, in one place.
//!
//! Compile-error messages are written where the parser reports them, as
//! clox's compiler does; runtime messages are here so that no engine can
//! drift from another by a character.

/// Frames allowed at once, the script included; the call that would make
/// the 1025th frame raises [`STACK_OVERFLOW`].
pub const MAX_FRAMES: usize = 1024;
/// Local slots per function; slot 0 is reserved for the callee or `this`.
pub const MAX_LOCALS: usize = 256;
/// Captured variables per function.
pub const MAX_UPVALUES: usize = 256;
/// Arguments in one call, and parameters of one function.
pub const MAX_ARGS: usize = 255;
/// How deeply the parser lets expressions and statements nest before it
/// reports [`TOO_DEEP`] instead of exhausting its stack. Tree-walking
/// engines recurse once per level too, so this also bounds their stack use.
pub const MAX_NESTING: usize = 256;

pub const OPERANDS_NUMBERS: &str = "Operands must be numbers.";
pub const OPERAND_NUMBER: &str = "Operand must be a number.";
pub const OPERANDS_ADD: &str = "Operands must be two numbers or two strings.";
pub const ONLY_INSTANCES_PROPERTIES: &str = "Only instances have properties.";
pub const ONLY_INSTANCES_FIELDS: &str = "Only instances have fields.";
pub const ONLY_INSTANCES_METHODS: &str = "Only instances have methods.";
pub const NOT_CALLABLE: &str = "Can only call functions and classes.";
pub const STACK_OVERFLOW: &str = "Stack overflow.";
pub const SUPERCLASS_NOT_CLASS: &str = "Superclass must be a class.";

/// The runtime error when a program's heap would pass its ceiling
/// ([`crate::memory`]) or the allocator refuses memory: clox aborts instead,
/// so this message is ours.
pub const OUT_OF_MEMORY: &str = "Out of memory.";

/// The compile error for source nested deeper than [`MAX_NESTING`]: clox has
/// no such limit (it overflows its C stack instead), so this message is ours.
pub const TOO_DEEP: &str = "Too much nesting.";

pub fn undefined_variable(name: &str) -> String {
    format!("Undefined variable '{name}'.")
}

pub fn undefined_property(name: &str) -> String {
    format!("Undefined property '{name}'.")
}

pub fn wrong_arity(expected: usize, got: usize) -> String {
    format!("Expected {expected} arguments but got {got}.")
}
