//! The inbox: the folder where the panel's administrator drops the workbooks schools send by
//! email. Each workbook is read and checked against the repository as `kitemark submit
//! --from` would check it, and submitted from there through the same preparation and commit;
//! a workbook submitted is moved to the folder's `submitted/`, never deleted or overwritten.
//!
//! Reading a workbook takes a moment, so a listing keeps what it read (an [`InboxCache`]) and
//! reads a file again only when its size or modification time changed, or the repository did.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::{Attempt, NotRecorded, Plan, SubmissionDraft, prepare_submission};
use crate::model::MemberId;
use crate::model::catalog::Catalog;
use crate::model::text::sanitize_inline;
use crate::repo::write::{LOCK_WAIT, WriteError};
use crate::repo::{PanelRepo, Snapshot};
use crate::workbook::CellProblem;
use crate::workbook::read::{WrittenFor, is_old_xls, is_workbook, open_book, written_for};

/// The folder inside the inbox that submitted workbooks are moved to.
pub const SUBMITTED_FOLDER: &str = "submitted";

/// What a workbook in the inbox is, as far as the repository is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxState {
    /// Read and checked: it can be submitted.
    Ready,
    /// Read, but cells (or the files they make) are wrong: the school must correct them.
    Problems,
    /// The repository already holds exactly these files for the school and year.
    Submitted,
    /// The repository holds a submission for the school and year that differs: submitting
    /// this replaces it (as a new version).
    Changed,
    /// Not a workbook kitemark can read at all.
    Unreadable,
    /// An Excel 97–2003 workbook, which has to be saved again as .xlsx.
    OldFormat,
}

impl InboxState {
    /// Whether a workbook in this state may be submitted.
    pub fn submittable(self) -> bool {
        matches!(self, InboxState::Ready | InboxState::Changed)
    }
}

/// A file's size and modification time: what says it changed since it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStamp {
    pub size: u64,
    pub modified: Option<SystemTime>,
}

impl FileStamp {
    pub fn of(path: &Path) -> std::io::Result<FileStamp> {
        let meta = std::fs::metadata(path)?;
        Ok(FileStamp {
            size: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

/// The commit a submittable workbook would make, made safe for the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitPreview {
    pub files: Vec<String>,
    /// `Name <email>`: the school's main contact.
    pub author: String,
    pub message: String,
}

/// One workbook in the inbox. Every text is made safe for the terminal: a workbook's cells
/// are the school's to fill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxEntry {
    /// The file's name in the inbox, as it is: to find the file again, never to show.
    pub file: String,
    /// The file's name made safe for the terminal.
    pub name: String,
    pub stamp: FileStamp,
    pub school: Option<String>,
    pub year: Option<String>,
    pub state: InboxState,
    /// What is wrong, one per line, sheet and cell first where there are some.
    pub problems: Vec<String>,
    /// What submitting it would commit, where it can be submitted (or was).
    pub commit: Option<CommitPreview>,
}

/// The inbox as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxListing {
    pub folder: PathBuf,
    /// The folder does not exist (yet): nothing is wrong, there is nothing to show.
    pub missing: bool,
    /// The workbooks, by name.
    pub entries: Vec<InboxEntry>,
}

/// What a listing read before, by file: read again only when the file, the repository's
/// commit or the administrator named changes.
#[derive(Debug, Default)]
pub struct InboxCache {
    read: BTreeMap<PathBuf, (FileStamp, String, InboxEntry)>,
}

/// Lists the inbox's workbooks (not those in `submitted/`), each checked against `snapshot`
/// (whose catalog is `catalog`) with `entered_by` named as the administrator who would enter
/// it. A folder that cannot be listed is an `Err`; one that does not exist is a listing that
/// says so.
pub fn scan(
    repo: &PanelRepo,
    snapshot: &Snapshot,
    catalog: &Catalog,
    folder: &Path,
    entered_by: Option<&MemberId>,
    cache: &mut InboxCache,
) -> Result<InboxListing, String> {
    let listing = |missing, entries| InboxListing {
        folder: folder.to_path_buf(),
        missing,
        entries,
    };
    let dir = match std::fs::read_dir(folder) {
        Ok(dir) => dir,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            cache.read.clear();
            return Ok(listing(true, Vec::new()));
        }
        Err(e) => return Err(format!("cannot read the inbox {}: {e}", folder.display())),
    };
    let key = format!(
        "{} {}",
        snapshot.commit_id(),
        entered_by.map_or("", |m| m.as_str())
    );
    let mut entries = Vec::new();
    let mut seen = Vec::new();
    for item in dir.flatten() {
        let path = item.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        // Office's and LibreOffice's lock files, and hidden files, are not workbooks.
        if name.starts_with('.') || name.starts_with("~$") || !is_workbook(&path) {
            continue;
        }
        let Ok(stamp) = FileStamp::of(&path) else {
            continue;
        };
        if !std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            continue;
        }
        seen.push(path.clone());
        if let Some((was, was_key, entry)) = cache.read.get(&path)
            && *was == stamp
            && *was_key == key
        {
            entries.push(entry.clone());
            continue;
        }
        let entry = read_entry(repo, snapshot, catalog, &path, &name, stamp, entered_by);
        cache
            .read
            .insert(path.clone(), (stamp, key.clone(), entry.clone()));
        entries.push(entry);
    }
    cache.read.retain(|path, _| seen.contains(path));
    entries.sort_by(|a, b| a.file.cmp(&b.file));
    Ok(listing(false, entries))
}

/// One workbook read and checked.
fn read_entry(
    repo: &PanelRepo,
    snapshot: &Snapshot,
    catalog: &Catalog,
    path: &Path,
    name: &str,
    stamp: FileStamp,
    entered_by: Option<&MemberId>,
) -> InboxEntry {
    let mut entry = InboxEntry {
        file: name.to_owned(),
        name: sanitize_inline(name).into_owned(),
        stamp,
        school: None,
        year: None,
        state: InboxState::Ready,
        problems: Vec::new(),
        commit: None,
    };
    if is_old_xls(path) {
        entry.state = InboxState::OldFormat;
        entry.problems.push(
            "This is an Excel 97–2003 workbook (.xls), which kitemark does not read: open it in Excel or LibreOffice, save it as an Excel Workbook (.xlsx) and drop that here."
                .to_owned(),
        );
        return entry;
    }
    let draft = match read_draft(repo, snapshot, catalog, path, entered_by) {
        Ok(draft) => draft,
        Err((problems, written)) => {
            // Whose it is, where the hidden sheet says, so that the list still says it.
            entry.school = written.as_ref().map(|w| w.school.to_string());
            entry.year = written.as_ref().map(|w| w.year.to_string());
            // A file that cannot be opened at all names no sheet.
            entry.state = if problems.iter().all(|p| p.sheet.is_none()) {
                InboxState::Unreadable
            } else {
                InboxState::Problems
            };
            entry.problems = problems
                .iter()
                .map(|p| sanitize_inline(&p.to_string()).into_owned())
                .collect();
            return entry;
        }
    };
    entry.school = Some(draft.school.to_string());
    entry.year = Some(draft.year.to_string());
    match check(repo, snapshot, &draft) {
        Ok((state, plan)) => {
            entry.state = state;
            entry.commit = Some(preview(&plan));
        }
        Err(problems) => {
            entry.state = InboxState::Problems;
            entry.problems = problems
                .iter()
                .map(|p| sanitize_inline(p).into_owned())
                .collect();
        }
    }
    entry
}

/// A workbook's draft, as `kitemark submit --from` reads it, the file opened once. Refused
/// with its problems and, where the hidden sheet can be read, whom it was written for.
fn read_draft(
    repo: &PanelRepo,
    snapshot: &Snapshot,
    catalog: &Catalog,
    path: &Path,
    entered_by: Option<&MemberId>,
) -> Result<SubmissionDraft, (Vec<CellProblem>, Option<WrittenFor>)> {
    let book = open_book(path).map_err(|problem| (vec![problem], None))?;
    super::workbook_draft(repo, snapshot, catalog, &book, entered_by.cloned())
        .map_err(|problems| (problems, written_for(&book).ok()))
}

/// A readable draft checked against the repository: whether it is there already, and the
/// plan that would commit it; or what refuses it.
fn check(
    repo: &PanelRepo,
    snapshot: &Snapshot,
    draft: &SubmissionDraft,
) -> Result<(InboxState, Plan), Vec<String>> {
    let plan = prepare_submission(repo, snapshot, draft).map_err(|e| vec![e])?;
    if !plan.may_record() {
        return Err(plan.problems());
    }
    let state = match snapshot.year(&draft.school, draft.year) {
        None => InboxState::Ready,
        Some(_) if holds_exactly(repo, snapshot, draft) => InboxState::Submitted,
        Some(_) => InboxState::Changed,
    };
    Ok((state, plan))
}

/// Whether the repository holds exactly the files a draft sends for its school and year: the
/// same texts, and no other file for that year.
fn holds_exactly(repo: &PanelRepo, snapshot: &Snapshot, draft: &SubmissionDraft) -> bool {
    let (school, year) = (&draft.school, draft.year);
    let Some(held) = snapshot.schools.get(school) else {
        return false;
    };
    let Some(files) = held.years.get(&year) else {
        return false;
    };
    let same = |blob: Option<&crate::repo::BlobRef>, text: &Option<String>| match (blob, text) {
        (Some(blob), Some(text)) => repo.read_text(blob).is_ok_and(|held| held == *text),
        (None, None) => true,
        _ => false,
    };
    // A profile sent must be the one held; one not sent leaves the one held alone.
    let profile = draft.profile.is_none() || same(held.profile.as_ref(), &draft.profile);
    profile
        && same(files.self_review.as_ref(), &draft.review)
        && same(files.action_plan.as_ref(), &draft.plan)
}

fn preview(plan: &Plan) -> CommitPreview {
    CommitPreview {
        files: plan
            .files
            .iter()
            .map(|(p, _)| sanitize_inline(p).into_owned())
            .collect(),
        author: plan
            .author
            .as_ref()
            .map(|a| sanitize_inline(&format!("{} <{}>", a.name, a.email)).into_owned())
            .unwrap_or_default(),
        message: crate::model::text::sanitize(&plan.message).into_owned(),
    }
}

/// A workbook submitted: what was recorded, and where the workbook went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    /// The commit's short id.
    pub commit: String,
    pub school: String,
    pub year: String,
    pub files: Vec<String>,
    /// The commit message's first line.
    pub summary: String,
    /// Where the workbook was moved, or why it could not be (it was recorded all the same).
    pub moved_to: Result<PathBuf, String>,
    /// What else the person should know (a write left half done that was finished first).
    pub notes: Vec<String>,
}

/// Why nothing was submitted, in words safe for the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotSubmitted(pub Vec<String>);

/// Submits a workbook of the inbox in the name of its school's main contact, entered by
/// `entered_by`: read again (it must be as it was shown, `seen`), checked against the branch
/// as it is now, committed under the write lock, again when another commit moved the branch
/// in between; then moved to `submitted/`.
pub fn submit(
    repo: &PanelRepo,
    folder: &Path,
    name: &str,
    seen: FileStamp,
    entered_by: &MemberId,
) -> Result<Submitted, NotSubmitted> {
    let fail = |messages: Vec<String>| {
        NotSubmitted(
            messages
                .iter()
                .map(|m| sanitize_inline(m).into_owned())
                .collect(),
        )
    };
    let path = folder.join(name);
    match FileStamp::of(&path) {
        Ok(stamp) if stamp == seen => {}
        Ok(_) => return Err(fail(vec![changed(name)])),
        Err(e) => return Err(fail(vec![format!("cannot read {name}: {e}")])),
    }
    let lock = repo
        .lock_for_writing(LOCK_WAIT)
        .map_err(|e| fail(vec![e.to_string()]))?;
    let repaired: Vec<String> = lock
        .repaired
        .iter()
        .map(|r| sanitize_inline(r).into_owned())
        .collect();
    let submitted = super::with_attempts(repo, &lock, || {
        let snapshot = repo
            .snapshot_at(None)
            .map_err(|e| fail(vec![e.to_string()]))?;
        let (catalog, _) = repo
            .load_catalog(&snapshot)
            .map_err(|e| fail(vec![e.to_string()]))?;
        let draft = read_draft(repo, &snapshot, &catalog, &path, Some(entered_by))
            .map_err(|(problems, _)| fail(problems.iter().map(ToString::to_string).collect()))?;
        // Saved over while it waited for the lock or was being read: what would be committed
        // is not what the administrator looked at.
        if FileStamp::of(&path).ok() != Some(seen) {
            return Err(fail(vec![changed(name)]));
        }
        let (state, plan) = check(repo, &snapshot, &draft).map_err(fail)?;
        if state == InboxState::Submitted {
            return Err(fail(vec![format!(
                "the repository already holds exactly these files for {} {}",
                draft.school, draft.year
            )]));
        }
        match super::commit(repo, &lock, &plan) {
            Ok(recorded) => {
                let notes = repaired
                    .iter()
                    .cloned()
                    .chain(
                        recorded
                            .notes
                            .iter()
                            .map(|n| sanitize_inline(n).into_owned()),
                    )
                    .collect();
                Ok(Attempt::Done(Submitted {
                    commit: recorded.commit.short().to_owned(),
                    school: draft.school.to_string(),
                    year: draft.year.to_string(),
                    files: plan.files.iter().map(|(p, _)| p.clone()).collect(),
                    summary: sanitize_inline(plan.message.lines().next().unwrap_or_default())
                        .into_owned(),
                    // Moved once the commit is made, below: never before it is.
                    moved_to: Err(String::new()),
                    notes,
                }))
            }
            Err(NotRecorded::Write(e @ WriteError::BranchMoved { .. })) => Ok(Attempt::Moved(e)),
            Err(NotRecorded::Write(e)) => Err(fail(vec![e.to_string()])),
            Err(NotRecorded::Refused(problems)) => Err(fail(problems)),
        }
    })?;
    let mut submitted = submitted.map_err(|e| fail(vec![e.to_string()]))?;
    // A file saved over since it was read is a new workbook, not the one committed: it stays
    // in the inbox to be looked at.
    submitted.moved_to = if FileStamp::of(&path).ok() == Some(seen) {
        move_to_submitted(folder, name)
    } else {
        Err(format!(
            "{name} was saved over after it was read, so the new copy stays in the inbox"
        ))
    };
    Ok(submitted)
}

fn changed(name: &str) -> String {
    format!("{name} changed since it was read: look at it again before submitting it")
}

/// Moves a submitted workbook to `submitted/`, under its own name or, when that is taken,
/// the name with `-2`, `-3`, … before the extension: never over another file.
fn move_to_submitted(folder: &Path, name: &str) -> Result<PathBuf, String> {
    let from = folder.join(name);
    let into = folder.join(SUBMITTED_FOLDER);
    std::fs::create_dir_all(&into).map_err(|e| format!("cannot make {}: {e}", into.display()))?;
    let (stem, ext) = match name.rfind('.') {
        Some(dot) if dot > 0 => (&name[..dot], &name[dot..]),
        _ => (name, ""),
    };
    for n in 1..1000 {
        let to = match n {
            1 => into.join(name),
            n => into.join(format!("{stem}-{n}{ext}")),
        };
        // A hard link fails rather than replace a file that is there: no window in which
        // another file could be overwritten.
        match std::fs::hard_link(&from, &to) {
            Ok(()) => {
                return std::fs::remove_file(&from).map(|()| to).map_err(|e| {
                    format!("copied to submitted/ but cannot remove it from the inbox: {e}")
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            // A file system without hard links (a network or synced folder): the name is
            // taken first with a new empty file, which only then is replaced, so that no file
            // that appears in between can be overwritten.
            Err(_) => match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&to)
            {
                Ok(_) => {
                    return match std::fs::rename(&from, &to) {
                        Ok(()) => Ok(to),
                        Err(e) => {
                            let _ = std::fs::remove_file(&to);
                            Err(format!("cannot move it to submitted/: {e}"))
                        }
                    };
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(format!("cannot move it to submitted/: {e}")),
            },
        }
    }
    Err("submitted/ has too many workbooks of this name".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_taken_in_submitted_gets_a_suffix_and_nothing_is_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let inbox = dir.path();
        std::fs::create_dir(inbox.join(SUBMITTED_FOLDER)).unwrap();
        std::fs::write(inbox.join("submitted/oak 2025-26.xlsx"), "first").unwrap();
        std::fs::write(inbox.join("oak 2025-26.xlsx"), "second").unwrap();
        let to = move_to_submitted(inbox, "oak 2025-26.xlsx").unwrap();
        assert_eq!(to, inbox.join("submitted/oak 2025-26-2.xlsx"));
        assert!(!inbox.join("oak 2025-26.xlsx").exists());
        assert_eq!(
            std::fs::read_to_string(inbox.join("submitted/oak 2025-26.xlsx")).unwrap(),
            "first"
        );
        assert_eq!(std::fs::read_to_string(&to).unwrap(), "second");
    }
}
