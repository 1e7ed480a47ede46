//! Records what the harness binary was built with, for the provenance of
//! every result it writes: the compiler's version and the cargo profile.

use std::path::Path;
use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|text| text.trim().to_string())
        .unwrap_or_else(|| "unknown rustc".to_string());
    println!("cargo:rustc-env=HARNESS_RUSTC_VERSION={version}");

    // OUT_DIR is `target/<profile>/build/harness-<hash>/out`, so the
    // profile's directory name (`release`, `debug`, `profiling`) is three
    // levels up. `PROFILE` alone cannot tell `profiling` from `release`.
    let out_dir = std::env::var("OUT_DIR").unwrap_or_default();
    let profile = Path::new(&out_dir)
        .ancestors()
        .nth(3)
        .and_then(|dir| dir.file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| std::env::var("PROFILE").unwrap_or_else(|_| "unknown".to_string()));
    println!("cargo:rustc-env=HARNESS_BUILD_PROFILE={profile}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RUSTC");
}
