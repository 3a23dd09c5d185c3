//! Writes the evaluator tables into `OUT_DIR/tables.rs` as static arrays, so the library embeds them
//! and never builds them at run time.

use std::fmt::Write as _;

#[allow(dead_code)]
mod tables_gen {
    include!("src/tables_gen.rs");
}

fn array<T: std::fmt::Display>(out: &mut String, name: &str, ty: &str, values: &[T]) {
    writeln!(out, "static {name}: [{ty}; {}] = [", values.len()).unwrap();
    for chunk in values.chunks(32) {
        let line: Vec<String> = chunk.iter().map(|v| v.to_string()).collect();
        writeln!(out, "{},", line.join(",")).unwrap();
    }
    writeln!(out, "];").unwrap();
}

fn main() {
    println!("cargo:rerun-if-changed=src/tables_gen.rs");
    println!("cargo:rerun-if-changed=build.rs");
    let tables = tables_gen::generate();
    let mut out = String::new();
    array(&mut out, "RANK_OFFSETS", "u64", &tables.offsets);
    array(&mut out, "RANKS", "u16", &tables.ranks);
    array(&mut out, "CATEGORY_STARTS", "u16", &tables.category_starts);
    let path = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("tables.rs");
    std::fs::write(path, out).unwrap();
}
