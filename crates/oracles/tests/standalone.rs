//! The repository stands alone: no tracked source, script, build or CI file names a path outside it,
//! and no library or binary source uses `CARGO_MANIFEST_DIR` (a compile-time path that an installed
//! binary cannot rely on). CI runs in a clone that has other folders beside it, so a passing CI alone
//! would not show that a fresh clone with nothing beside it passes; this test does.

use std::path::{Component, Path, PathBuf};
use std::process::Command;

/// Texts that name the folders that once sat beside the repository (spelled in two pieces so that
/// this file does not match itself).
const OUTSIDE_PATHS: [&str; 2] = [concat!("..", "/shared"), concat!("/wo", "rk/")];

/// The compile-time manifest path (spelled in two pieces for the same reason).
const MANIFEST_DIR: &str = concat!("CARGO_", "MANIFEST_DIR");

/// Endings of the files scanned: sources, build files, scripts, CI and data.
const SCANNED_EXTENSIONS: [&str; 11] = [
    "rs", "toml", "sh", "py", "c", "h", "ld", "yml", "yaml", "json", "txt",
];

/// Folders whose files are scanned whatever their name (scripts without an extension, e.g. `.ci/run`).
const SCRIPT_FOLDERS: [&str; 4] = [".ci", ".cargo", "scripts", "tools"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/oracles sits two levels below the workspace root")
        .to_path_buf()
}

/// The files git tracks under `root`, or, outside a git checkout, every file but build output and venvs.
fn tracked_files(root: &Path) -> Vec<PathBuf> {
    let listed = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["ls-files", "-z"])
        .output();
    if let Ok(output) = listed {
        if output.status.success() && !output.stdout.is_empty() {
            return output
                .stdout
                .split(|&b| b == 0)
                .filter(|name| !name.is_empty())
                .map(|name| PathBuf::from(String::from_utf8_lossy(name).into_owned()))
                .collect();
        }
    }
    let mut files = Vec::new();
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        for entry in std::fs::read_dir(root.join(&relative)).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = relative.join(&name);
            if entry.file_type().unwrap().is_dir() {
                if name != "target" && name != ".git" && !name.starts_with(".venv") {
                    pending.push(path);
                }
            } else {
                files.push(path);
            }
        }
    }
    files
}

fn scanned(path: &Path) -> bool {
    let by_extension = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| SCANNED_EXTENSIONS.contains(&e));
    let in_script_folder = path
        .components()
        .next()
        .is_some_and(|first| SCRIPT_FOLDERS.iter().any(|f| first.as_os_str() == *f));
    by_extension || in_script_folder
}

/// Resolves `relative` (which may hold `..`) against `base`, both relative to the root; `None` when it
/// climbs above the root.
fn resolve_inside(base: &Path, relative: &str) -> Option<PathBuf> {
    let mut parts: Vec<Component> = base.components().collect();
    for component in Path::new(relative).components() {
        match component {
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            other => parts.push(other),
        }
    }
    Some(parts.iter().collect())
}

/// The path-like words of `line` that climb with `../`, taken between quotes, spaces and brackets.
fn climbing_words(line: &str) -> impl Iterator<Item = &str> {
    line.split(|c: char| c.is_whitespace() || "\"'`()[]{}<>,;=|".contains(c))
        .filter(|word| word.contains("../") && !word.starts_with('$') && !word.starts_with('/'))
}

/// Every reason `text` (the file at `path`, relative to the root) reaches outside the repository.
fn problems(path: &Path, text: &str) -> Vec<String> {
    let folder = path.parent().unwrap_or(Path::new(""));
    let in_crate_source = path.starts_with("crates")
        && path
            .components()
            .nth(2)
            .is_some_and(|c| c.as_os_str() == "src")
        && path.extension().is_some_and(|e| e == "rs");
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let at = format!("{}:{}", path.display(), number + 1);
        for needle in OUTSIDE_PATHS {
            if line.contains(needle) {
                found.push(format!("{at}: names `{needle}`, outside the repository"));
            }
        }
        for word in climbing_words(line) {
            if resolve_inside(folder, word).is_none() {
                found.push(format!("{at}: `{word}` climbs above the repository root"));
            }
        }
        if in_crate_source && line.contains(MANIFEST_DIR) {
            found.push(format!(
                "{at}: `{MANIFEST_DIR}` in library or binary source (a build-time path)"
            ));
        }
    }
    found
}

#[test]
fn no_tracked_file_reaches_outside_the_repository() {
    let root = root();
    let files: Vec<PathBuf> = tracked_files(&root)
        .into_iter()
        .filter(|p| scanned(p))
        .collect();
    assert!(
        files
            .iter()
            .any(|p| p.ends_with("crates/oracles/src/lib.rs")),
        "the scan must see the sources (found {} files)",
        files.len()
    );
    let mut found = Vec::new();
    for relative in &files {
        // A tracked file deleted in the working tree has nothing to scan.
        let Ok(bytes) = std::fs::read(root.join(relative)) else {
            continue;
        };
        found.extend(problems(relative, &String::from_utf8_lossy(&bytes)));
    }
    assert!(
        found.is_empty(),
        "{} references outside the repository:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn the_scan_catches_each_kind_of_escape() {
    let test_file = Path::new("crates/cards/tests/enumeration.rs");
    let shared = format!("let p = \"{}/reference/cards.json\";", OUTSIDE_PATHS[0]);
    assert_eq!(problems(test_file, &shared).len(), 1);
    let absolute = format!("load(\"{}shared/bench/spots.json\")", OUTSIDE_PATHS[1]);
    assert_eq!(problems(test_file, &absolute).len(), 1);
    // Built at run time so that this file holds no climbing path itself.
    let climbing = format!("include_str!(\"{}data/x.json\")", "../".repeat(4));
    assert_eq!(problems(test_file, &climbing).len(), 1);
    let inside = format!("include_str!(\"{}tools/x.py\")", "../".repeat(3));
    assert!(problems(test_file, &inside).is_empty());
    let manifest = format!("let d = env!(\"{MANIFEST_DIR}\");");
    assert!(
        problems(test_file, &manifest).is_empty(),
        "tests may use it"
    );
    assert_eq!(
        problems(Path::new("crates/cli/src/game.rs"), &manifest).len(),
        1
    );
}
