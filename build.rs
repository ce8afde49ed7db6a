// The bundled rubrics and demo data are compiled into the binary; rebuild when they change
// (a directory is scanned recursively, so new files count too).
//
// The cache's entries hold the model's types: a digest of their sources (and of the code that
// writes entries) is part of the cache's format, so that a kitemark built from changed types
// never reads an entry written by another.
use std::hash::{Hash, Hasher};
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=rubrics");
    println!("cargo:rerun-if-changed=submissions");
    println!("cargo:rerun-if-changed=demo-kent");
    let mut hasher = std::hash::DefaultHasher::new();
    // The interface's first frame is kept too (src/tui/view.rs).
    for dir in ["src/model", "src/repo", "src/tui/view.rs"] {
        println!("cargo:rerun-if-changed={dir}");
        hash_sources(Path::new(dir), &mut hasher);
    }
    println!(
        "cargo:rustc-env=KITEMARK_CACHE_SCHEMA={:016x}",
        hasher.finish()
    );
}

/// Feeds the Rust sources below `dir`, in name order, to `hasher`.
fn hash_sources(dir: &Path, hasher: &mut std::hash::DefaultHasher) {
    let Ok(read) = std::fs::read_dir(dir) else {
        if dir.extension().is_some_and(|e| e == "rs") {
            dir.to_string_lossy().hash(hasher);
            std::fs::read(dir).unwrap_or_default().hash(hasher);
        }
        return;
    };
    let mut paths: Vec<_> = read.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            hash_sources(&path, hasher);
        } else if path.extension().is_some_and(|e| e == "rs") {
            path.to_string_lossy().hash(hasher);
            std::fs::read(&path).unwrap_or_default().hash(hasher);
        }
    }
}
