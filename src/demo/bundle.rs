//! The files compiled into the binary: the bundled rubrics and the demo data.

use include_dir::{Dir, include_dir};

use super::DemoPanel;

static RUBRICS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/rubrics");
static SUBMISSIONS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/submissions");
static KENT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/demo-kent");

/// A bundled file that is not UTF-8 text: a defect of the build, reported rather than hidden.
#[derive(Debug, thiserror::Error)]
#[error("bundled file {0} is not UTF-8 text")]
pub struct NotText(pub String);

fn walk(dir: &'static Dir<'static>, out: &mut Vec<(String, &'static str)>) -> Result<(), NotText> {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        let text = file.contents_utf8().ok_or_else(|| NotText(path.clone()))?;
        out.push((path, text));
    }
    for sub in dir.dirs() {
        walk(sub, out)?;
    }
    Ok(())
}

/// The bundled rubrics as (repository path, text), sorted by path.
pub fn rubric_files() -> Result<Vec<(String, &'static str)>, NotText> {
    let mut out = Vec::new();
    walk(&RUBRICS, &mut out)?;
    let mut out: Vec<(String, &'static str)> = out
        .into_iter()
        .filter(|(p, _)| p.ends_with(".ron"))
        .map(|(p, t)| (format!("rubrics/{p}"), t))
        .collect();
    out.sort();
    Ok(out)
}

/// A bundled panel's demo files as (path under its folder, text), sorted.
pub fn demo_files(panel: DemoPanel) -> Result<Vec<(String, &'static str)>, NotText> {
    let dir = match panel {
        DemoPanel::Herts => &SUBMISSIONS,
        DemoPanel::Kent => &KENT,
    };
    let mut out = Vec::new();
    walk(dir, &mut out)?;
    out.retain(|(p, _)| p.ends_with(".ron"));
    out.sort();
    Ok(out)
}
