//! The house's layering, read from the source: every arrow points down.
//!
//! The modules of the interface import each other without a cycle (a cycle means two
//! modules that can only be understood together), the interface never calls git2, and the
//! lower layers never reach up into the layers built on them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module's path (`tui::screens::decision`) and its source, tests left out.
fn modules(under: &str) -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = BTreeMap::new();
    let mut stack = vec![root.join(under)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.insert(module_of(&root, &path), without_tests(&path));
            }
        }
    }
    out
}

fn module_of(root: &Path, file: &Path) -> String {
    let rel: PathBuf = file.strip_prefix(root).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// The file up to its unit tests (by the house's habit, a `#[cfg(test)]` module at the end):
/// a test module's `super` is the file itself, which would read as an import of the parent.
fn without_tests(file: &Path) -> String {
    let text = std::fs::read_to_string(file).unwrap();
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// The source without comments and string literals, so that prose and messages that name a
/// module are not taken for imports.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' {
                        escaped = true;
                    } else if c == '"' {
                        break;
                    }
                }
                out.push_str("\"\"");
            }
            // A character literal such as '"' or '{' must not open a string or a tree.
            '\'' => {
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with('\\') {
                    let n = rest.find('\'').map_or(0, |i| i + 1);
                    for _ in 0..n.max(1) {
                        chars.next();
                    }
                } else if rest.chars().nth(1) == Some('\'') {
                    chars.next();
                    chars.next();
                }
                out.push(' ');
            }
            _ => out.push(c),
        }
    }
    out
}

/// Every path the code names, with `use` trees expanded: `use super::{a, b::c}` gives
/// `super::a` and `super::b::c`.
fn paths(code: &str) -> Vec<Vec<String>> {
    let tokens = tokenize(code);
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i] == "use" {
            i += 1;
            use_tree(&tokens, &mut i, Vec::new(), &mut out);
        } else if is_ident(&tokens[i]) && tokens.get(i + 1).is_some_and(|t| t == "::") {
            let mut path = vec![tokens[i].clone()];
            i += 1;
            while tokens.get(i).is_some_and(|t| t == "::")
                && tokens.get(i + 1).is_some_and(|t| is_ident(t))
            {
                path.push(tokens[i + 1].clone());
                i += 2;
            }
            out.push(path);
            continue;
        }
        i += 1;
    }
    out
}

fn use_tree(tokens: &[String], i: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    while *i < tokens.len() {
        let t = &tokens[*i];
        if t == "{" {
            *i += 1;
            loop {
                use_tree(tokens, i, path.clone(), out);
                match tokens.get(*i).map(String::as_str) {
                    Some(",") => *i += 1,
                    Some("}") => {
                        *i += 1;
                        return;
                    }
                    _ => return,
                }
                if tokens.get(*i).is_some_and(|t| t == "}") {
                    *i += 1;
                    return;
                }
            }
        } else if t == "::" {
            *i += 1;
        } else if t == "as" {
            *i += 2;
        } else if is_ident(t) || t == "*" {
            path.push(t.clone());
            *i += 1;
        } else {
            break;
        }
    }
    out.push(path);
    if tokens.get(*i).is_some_and(|t| t == ";") {
        *i += 1;
    }
}

fn is_ident(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && t.chars().all(|c| c.is_alphanumeric() || c == '_')
}

fn tokenize(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = code.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_alphanumeric() || c == '_' {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_alphanumeric() || c == '_' {
                    word.push(c);
                    chars.next();
                } else {
                    break;
                }
            }
            out.push(word);
        } else if c == ':' {
            chars.next();
            if chars.peek() == Some(&':') {
                chars.next();
                out.push("::".into());
            } else {
                out.push(":".into());
            }
        } else if c.is_whitespace() {
            chars.next();
        } else {
            out.push(c.to_string());
            chars.next();
        }
    }
    out
}

/// The module a path from `from` lands in, among `known`: the longest known prefix.
fn resolve(from: &str, path: &[String], known: &BTreeSet<String>) -> Option<String> {
    let mut base: Vec<String> = from.split("::").map(str::to_owned).collect();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &rest[1..];
        }
        Some("self") => rest = &rest[1..],
        Some("super") => {
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
        }
        // A path that starts with a child module's name (`use app::App;` in a parent).
        Some(first) if known.contains(&format!("{from}::{first}")) => {}
        _ => return None,
    }
    let mut best = None;
    let mut current = base;
    if known.contains(&current.join("::")) {
        best = Some(current.join("::"));
    }
    for part in rest {
        current.push(part.clone());
        let name = current.join("::");
        if known.contains(&name) {
            best = Some(name);
        }
    }
    best
}

/// Which module imports which, among the modules under `under`.
fn imports(under: &str) -> BTreeMap<String, BTreeSet<String>> {
    let sources = modules(under);
    let known: BTreeSet<String> = sources.keys().cloned().collect();
    sources
        .iter()
        .map(|(module, text)| {
            let to: BTreeSet<String> = paths(&code_only(text))
                .iter()
                .filter_map(|p| resolve(module, p, &known))
                .filter(|to| to != module)
                .collect();
            (module.clone(), to)
        })
        .collect()
}

/// A cycle in the graph, if there is one, as the modules along it.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_owned());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, done, path) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(found) = visit(node, graph, &mut done, &mut Vec::new()) {
            return Some(found);
        }
    }
    None
}

#[test]
fn the_interface_modules_import_each_other_without_a_cycle() {
    let graph = imports("tui");
    // The reader must see the imports it is meant to: a few that are known to exist.
    assert!(graph["tui::app"].contains("tui::loader"), "{graph:#?}");
    assert!(graph["tui::screens::agenda"].contains("tui::theme"));
    assert!(graph["tui"].contains("tui::app"));
    if let Some(found) = cycle(&graph) {
        panic!(
            "the interface's modules import each other in a circle: {}",
            found.join(" → ")
        );
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    // The check above can fail: a graph with a circle through three modules is caught.
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(cycle(&graph).unwrap(), ["a", "b", "c", "a"]);
    let known: BTreeSet<String> = ["tui", "tui::app", "tui::screens", "tui::screens::agenda"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    let code = "use super::{block, super::app::App};\nfn f() { crate::tui::screens::agenda::x(); }";
    let to: BTreeSet<String> = paths(&code_only(code))
        .iter()
        .filter_map(|p| resolve("tui::screens::agenda", p, &known))
        .collect();
    assert_eq!(
        to.into_iter().collect::<Vec<_>>(),
        ["tui::app", "tui::screens", "tui::screens::agenda"]
    );
}

/// The modules of `layer` that name one of `above` (by `crate::` path).
fn reaching_up(layer: &str, above: &[&str]) -> Vec<String> {
    modules(layer)
        .iter()
        .flat_map(|(module, text)| {
            paths(&code_only(text))
                .into_iter()
                .filter(|p| p.first().is_some_and(|s| s == "crate"))
                .filter(|p| p.get(1).is_some_and(|s| above.contains(&s.as_str())))
                .map(move |p| format!("{module} names {}", p.join("::")))
        })
        .collect()
}

#[test]
fn every_arrow_points_down() {
    let upper = ["tui", "commands", "cli"];
    for (layer, above) in [
        (
            "model",
            &[
                "repo", "record", "export", "audit", "diff", "compare", "workbook",
            ][..],
        ),
        ("repo", &["record", "export", "compare", "workbook"][..]),
        // A workbook is a school's files in another form: read and written from the model
        // alone, whatever the repository holds.
        (
            "workbook",
            &["repo", "record", "export", "audit", "diff", "compare"][..],
        ),
        ("diff", &["repo", "record", "export", "compare"][..]),
        ("audit", &["record", "export", "compare"][..]),
        ("record", &[][..]),
        ("export", &["record"][..]),
    ] {
        let above: Vec<&str> = above.iter().chain(&upper).copied().collect();
        let found = reaching_up(layer, &above);
        assert!(found.is_empty(), "{layer} reaches up: {found:#?}");
    }
    let found: Vec<String> = modules("tui")
        .iter()
        .filter(|(_, text)| {
            paths(&code_only(text))
                .iter()
                .any(|p| p.first().is_some_and(|s| s == "git2"))
        })
        .map(|(m, _)| m.clone())
        .collect();
    assert!(found.is_empty(), "the interface calls git2: {found:?}");
}
