//! The tunings this engine declares: nanbox-vm's, because it compiles the
//! same bytecode. Each chooses which instructions the shared compiler emits
//! (or how the heap hashes and pools), and every instruction has a
//! translation, so `jit:plain` runs clox's own bytecode, compiled.

pub use nanbox_runtime::config::{Config, TUNINGS};
