//! The native functions every engine defines in its globals.

/// `clock()`: the processor time this process has used, in seconds, as C's
/// `clock()` returns it in clox.
pub fn clock() -> f64 {
    cpu_time::ProcessTime::now().as_duration().as_secs_f64()
}

/// The names of the natives, as engines define them.
pub const CLOCK: &str = "clock";
