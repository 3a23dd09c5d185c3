//! Links the functions that a small solve runs (start-up, argument and spot parsing, tree build,
//! the solver loops, exploitability, printing) next to each other at the start of `.text`: the
//! kernel maps executable pages by whole page-cache folios (64 KiB and up), so scattered hot
//! functions keep most of the binary resident. See docs/performance.md ("Layout of the binary").
//!
//! The fragment only reorders sections (`INSERT BEFORE .text`); patterns that match nothing are
//! ignored, so a stale list costs memory, never a link failure. Set `PONDER_NO_HOT_TEXT=1` to
//! link without it (e.g. with a linker that takes no linker scripts, such as mold).

fn main() {
    println!("cargo:rerun-if-changed=link/hot-text.ld");
    println!("cargo:rerun-if-env-changed=PONDER_NO_HOT_TEXT");
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if target_os != "linux"
        || target_env != "gnu"
        || std::env::var_os("PONDER_NO_HOT_TEXT").is_some()
    {
        return;
    }
    let script = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap())
        .join("link")
        .join("hot-text.ld");
    println!("cargo:rustc-link-arg-bins=-Wl,-T,{}", script.display());
    // A position-dependent executable: no relative relocations for the loader to read (the PIE
    // has 159 KB of `.rela.dyn`) and none to apply to `.data.rel.ro`, which then stays clean
    // file-backed memory. Measured: -0.3 MiB peak RSS on the river spot. The binary is not loaded
    // at a random address any more (libraries, heap, stacks still are).
    println!("cargo:rustc-link-arg-bins=-no-pie");
}
