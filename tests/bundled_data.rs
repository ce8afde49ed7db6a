//! The bundled rubrics and demo data are valid, read straight from the project's folders.

mod common;

use std::path::Path;

use kitemark::demo::repo_path_for;
use kitemark::model::validate::{Mode, validate_files};

/// Every file under `root` as text.
fn files_under(root: &Path) -> Vec<(String, String)> {
    common::files_under(root)
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect()
}

fn report(files: &[(String, String)]) -> String {
    let report = validate_files(Mode::BundledSource, files);
    report
        .problems
        .iter()
        .map(|p| format!("{p}\n"))
        .collect::<String>()
}

#[test]
fn bundled_rubrics_and_demo_validate() {
    bundled_panel_validates("submissions");
}

#[test]
fn bundled_kent_panel_validates() {
    bundled_panel_validates("demo-kent");
}

/// The bundled rubrics and one bundled panel's files, as a repository, have no problems.
fn bundled_panel_validates(folder: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut current = Vec::new();
    let mut earlier = Vec::new();
    for (path, text) in files_under(&root.join("rubrics")) {
        current.push((format!("rubrics/{path}"), text));
    }
    for (path, text) in files_under(&root.join(folder)) {
        let mapped = repo_path_for(&path).unwrap_or_else(|| panic!("unmapped bundled file {path}"));
        if mapped.earlier {
            earlier.push((mapped.path, text));
        } else {
            current.push((mapped.path, text));
        }
    }
    assert!(
        current.iter().any(|(p, _)| p == "panel.ron"),
        "no panel.ron bundled"
    );
    let problems = report(&current);
    assert!(
        problems.is_empty(),
        "bundled data has problems:\n{problems}"
    );

    // Earlier versions stand in for the current files of the same path.
    let mut with_earlier: Vec<(String, String)> = current
        .iter()
        .filter(|(p, _)| !earlier.iter().any(|(e, _)| e == p))
        .cloned()
        .collect();
    with_earlier.extend(earlier.iter().cloned());
    let problems = report(&with_earlier);
    assert!(
        problems.is_empty(),
        "earlier versions have problems:\n{problems}"
    );
}
