//! `validate` through the cache: a tree's report kept by the tree's id, and a new commit's
//! worked out from the last report kept.
//!
//! A file's problems depend on the file itself, the rubrics and panel.ron, its own school's
//! files (or its date's: a meeting and its proceedings are checked together), and the few
//! files of other schools and dates its checks read, which the validator names for each file
//! (see [`crate::model::validate::reads`], where every such read is listed), some only
//! whether a file is there, some what it says. So after a commit that leaves the rubrics and
//! panel.ron alone, only the schools and dates with a changed file, and those with a file
//! that reads a changed file (or one added or removed, for a read of whether it is there),
//! can have other problems than before. Those are checked again, with the files they read; every other problem is
//! the last report's. The rubrics or panel.ron changed, or too much changed for the few
//! files to be cheaper than the whole, and everything is checked again.
//!
//! The tests compare the report with the one a validation without the cache gives, over
//! random histories (`tests/cache.rs`).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::Reads;
use crate::model::layout::{Classified, PanelPath, RUBRICS_DIR, classify};
use crate::model::validate::{Read, Report};
use crate::model::{Position, Problem, Severity};
use crate::repo::cache::Kind;
use crate::repo::{Listed, PanelRepo, Snapshot};

/// Repositories with no more files than this are always checked from the last report when
/// there is one, however much changed (see `since_latest`).
const SMALL: usize = 500;

/// A tree's validation, as the cache keeps it.
#[derive(Serialize, Deserialize)]
struct Entry {
    /// The tree validated: the entry's key, kept to be sure of it.
    tree: String,
    files_checked: usize,
    problems: Vec<Kept>,
    /// Each file whose checks read files of other schools or dates, with those files.
    reads: Vec<(String, Vec<Read>)>,
}

/// A problem as the cache keeps it: its code as text.
#[derive(Serialize, Deserialize)]
struct Kept {
    path: String,
    at: Option<(usize, usize)>,
    severity: Severity,
    code: String,
    message: String,
}

impl Entry {
    fn new(tree: &str, report: &Report, reads: Reads) -> Self {
        Self {
            tree: tree.to_owned(),
            files_checked: report.files_checked,
            problems: report
                .problems
                .iter()
                .map(|p| Kept {
                    path: p.path.clone(),
                    at: p.position.map(|at| (at.line, at.col)),
                    severity: p.severity,
                    code: p.code.to_owned(),
                    message: p.message.clone(),
                })
                .collect(),
            // A read of its own school's or date's files changes nothing: those are checked
            // with it whenever it is.
            reads: reads
                .into_iter()
                .filter_map(|(path, read)| {
                    let own = unit(&path);
                    let read: Vec<Read> =
                        read.into_iter().filter(|r| unit(r.path()) != own).collect();
                    (!read.is_empty()).then_some((path, read))
                })
                .collect(),
        }
    }

    /// The problems kept, each with its code as the validator names it: none if a code is
    /// not one (the entry is then no use).
    fn problems(&self) -> Option<Vec<Problem>> {
        self.problems
            .iter()
            .map(|p| {
                Some(Problem {
                    path: p.path.clone(),
                    position: p.at.map(|(line, col)| Position { line, col }),
                    severity: p.severity,
                    code: code(&p.code)?,
                    message: p.message.clone(),
                })
            })
            .collect()
    }
}

/// A problem's code read back from the cache as the `'static` name the validator gives it.
/// Codes are a few dozen short names fixed by the code that wrote the entry (the cache's
/// format names that code), so each is made `'static` once per process and looked up after;
/// anything that does not look like a code is refused, and with it the entry.
fn code(stored: &str) -> Option<&'static str> {
    static CODES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let looks_like_one = !stored.is_empty()
        && stored.len() <= 40
        && stored
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !looks_like_one {
        return None;
    }
    let mut codes = CODES.lock().ok()?;
    if let Some(known) = codes.get(stored) {
        return Some(known);
    }
    let made: &'static str = Box::leak(stored.to_owned().into_boxed_str());
    codes.insert(made);
    Some(made)
}

/// What a path's problems are checked with: its school's files, its date's meeting and
/// proceedings, or the path alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Unit<'a> {
    School(&'a str),
    Date(&'a str),
    Path(&'a str),
}

fn unit(path: &str) -> Unit<'_> {
    let mut parts = path.splitn(3, '/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("submissions" | "decisions" | "conditions" | "reviews"), Some(school), Some(_)) => {
            Unit::School(school)
        }
        (Some("meetings" | "proceedings"), Some(name), _) => {
            Unit::Date(name.strip_suffix(".ron").unwrap_or(name))
        }
        _ => Unit::Path(path),
    }
}

/// Whether every check may read the file: the rubrics and panel.ron.
fn read_by_all(path: &str) -> bool {
    path == crate::model::layout::PANEL_FILE
        || path
            .strip_prefix(RUBRICS_DIR)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The report of the snapshot's tree: from its entry, else from the last entry kept and what
/// changed since, else checked whole; kept for next time. `None` when the snapshot's tree
/// cannot be read to key it by.
pub(super) fn validate(repo: &PanelRepo, snapshot: &Snapshot) -> Option<Report> {
    let tree = repo.git().find_tree(snapshot.tree).ok()?;
    let key = tree.id().to_string();
    let cache = repo.cache();
    if let Some(entry) = cache.get::<Entry>(Kind::Validate, &key)
        && entry.tree == key
        && let Some(problems) = entry.problems()
    {
        return Some(Report {
            files_checked: entry.files_checked,
            problems,
        });
    }
    let (report, reads) = since_latest(repo, snapshot, &tree, &key)
        .unwrap_or_else(|| repo.validate_all(snapshot, true));
    cache.put(Kind::Validate, &key, &Entry::new(&key, &report, reads));
    Some(report)
}

/// What changed between two listings.
struct Changed {
    /// Every path whose entry differs: added, removed, another blob or another kind of entry.
    paths: BTreeSet<String>,
    /// The paths added or removed.
    there: BTreeSet<String>,
}

impl Changed {
    /// Whether a check that reads `read` may find something else now.
    fn reaches(&self, read: &Read) -> bool {
        match read {
            Read::Exists(path) => self.there.contains(path),
            Read::Says(path) => self.paths.contains(path),
        }
    }
}

/// What changed between two listings, each path with the path its kind of file is known by,
/// where that differs.
fn changed_paths(old: &[Listed], new: &[Listed]) -> Changed {
    fn entries(listing: &[Listed]) -> HashMap<&str, (u8, &str)> {
        listing
            .iter()
            .map(|listed| match listed {
                Listed::Blob { path, id } => (path.as_str(), (0, id.as_str())),
                Listed::NotUtf8 { path } => (path.as_str(), (1, "")),
                Listed::NotAFile { path, what } => (path.as_str(), (2, what.code_and_message().0)),
            })
            .collect()
    }
    let (old, new) = (entries(old), entries(new));
    let mut paths = BTreeSet::new();
    let mut there = BTreeSet::new();
    for (path, entry) in &old {
        match new.get(path) {
            Some(now) if now == entry => {}
            Some(_) => {
                paths.insert((*path).to_owned());
            }
            None => {
                there.insert((*path).to_owned());
            }
        }
    }
    for path in new.keys() {
        if !old.contains_key(path) {
            there.insert((*path).to_owned());
        }
    }
    // The validator knows a file by its kind, and names the files a check reads by the path
    // of that kind.
    let known = |set: &BTreeSet<String>| -> Vec<String> {
        set.iter()
            .filter_map(|path| match classify(path) {
                Classified::File(kind) => Some(kind.to_string()),
                _ => None,
            })
            .collect()
    };
    let (known_paths, known_there) = (known(&paths), known(&there));
    paths.extend(known_paths);
    there.extend(known_there);
    paths.extend(there.iter().cloned());
    Changed { paths, there }
}

/// The report and reads of the snapshot's tree from the most recently used entry of another
/// tree, if there is one whose listing the cache holds too and little enough has changed.
fn since_latest(
    repo: &PanelRepo,
    snapshot: &Snapshot,
    tree: &git2::Tree<'_>,
    key: &str,
) -> Option<(Report, Reads)> {
    let cache = repo.cache();
    let old: Entry = cache.latest(Kind::Validate, key)?;
    let old_listing: Vec<Listed> = cache.get(Kind::Listing, &old.tree)?;
    let new_listing = repo.listing(tree).ok()?;
    let changed = changed_paths(&old_listing, &new_listing);
    if changed.paths.iter().any(|p| read_by_all(p)) {
        return None;
    }
    let old_problems = old.problems()?;

    // What is checked again: the schools and dates with a changed file, and those with a
    // file that reads one.
    let mut scope: HashSet<Unit<'_>> = changed.paths.iter().map(|p| unit(p)).collect();
    let old_reads: HashMap<&str, &[Read]> = old
        .reads
        .iter()
        .map(|(path, read)| (path.as_str(), read.as_slice()))
        .collect();
    for (path, read) in &old.reads {
        if read.iter().any(|r| changed.reaches(r)) {
            scope.insert(unit(path));
        }
    }

    // What they are checked with: the files their files read, as they read them now.
    let files = snapshot.files_in_order();
    let mut context: HashSet<String> = HashSet::new();
    for (kind, blob) in &files {
        if !scope.contains(&unit(&blob.path)) {
            continue;
        }
        if changed.paths.contains(&blob.path) {
            // A file that cannot be read is never parsed, and reads nothing.
            if let Ok(text) = repo.read_text(blob) {
                let read = crate::model::validate::reads(kind, &text);
                context.extend(read.iter().map(|r| r.path().to_owned()));
            }
        } else if let Some(read) = old_reads.get(blob.path.as_str()) {
            context.extend(read.iter().map(|r| r.path().to_owned()));
        }
    }
    // By kind: the validator knows a file by its kind, whatever path spells it.
    let context: HashSet<PanelPath> = context
        .iter()
        .filter_map(|path| match classify(path) {
            Classified::File(kind) => Some(kind),
            _ => None,
        })
        .collect();
    let wanted = |kind: &PanelPath, path: &str| {
        read_by_all(path) || scope.contains(&unit(path)) || context.contains(kind)
    };
    // Checked on one thread, a few files are quicker than the whole on every core; half of
    // a large repository's are not. A small one is checked in a moment either way.
    let picked = files.iter().filter(|(k, b)| wanted(k, &b.path)).count();
    if files.len() > SMALL && picked * 2 > files.len() {
        return None;
    }
    let (fresh, fresh_reads) = repo.validate_picked(snapshot, &wanted, true);

    // Each path's problems all come from one check, the last report's or this one's, each in
    // the order a whole check gives them: sorted as the validator sorts, they are in that
    // order together.
    let mut problems: Vec<Problem> = old_problems
        .into_iter()
        .filter(|p| !scope.contains(&unit(&p.path)))
        .chain(
            fresh
                .problems
                .into_iter()
                .filter(|p| scope.contains(&unit(&p.path))),
        )
        .collect();
    problems
        .sort_by(|a, b| (&a.path, a.position, a.severity).cmp(&(&b.path, b.position, b.severity)));
    let mut reads: BTreeMap<String, Vec<Read>> = BTreeMap::new();
    for (path, read) in &old.reads {
        if !scope.contains(&unit(path)) {
            reads.insert(path.clone(), read.clone());
        }
    }
    for (path, read) in fresh_reads {
        if scope.contains(&unit(&path)) {
            reads.insert(path, read);
        }
    }
    let report = Report {
        files_checked: files.len() + snapshot.not_files.len(),
        problems,
    };
    Some((report, reads.into_iter().collect()))
}
