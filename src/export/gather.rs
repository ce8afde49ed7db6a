//! Gathering a document's inputs from the repository: the catalog of the snapshot it is
//! given (the commit on screen, or the one `--rev` names) and the commits, up to that
//! snapshot's, that recorded each decision. The command line and the interface both come
//! here; the documents themselves are pure functions of what is gathered.

use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::{ExportError, Format, Recorded, Seen, letter, long_date, minutes};
use crate::model::catalog::Catalog;
use crate::model::format::parse_document;
use crate::model::text::sanitize;
use crate::model::{AcademicYear, Decision, KindId, ObjectId, SchoolId};
use crate::repo::{PanelRepo, Snapshot};

/// A document ready to hand out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// What it is, for a status line ("the minutes of 14 October 2026").
    pub title: String,
    /// A file name for it, such as `minutes-2026-10-14.md`.
    pub file_name: String,
    pub text: String,
    /// What the person exporting must know: a decision's record changed after it was made.
    /// The document says the same in a paragraph of its own.
    pub warnings: Vec<String>,
}

impl Document {
    /// Its file name in `format`: `minutes-2026-10-14.docx` for the Word file.
    pub fn file_name_as(&self, format: Format) -> String {
        format!("{}.{}", self.stem(), format.extension())
    }

    fn stem(&self) -> &str {
        self.file_name
            .strip_suffix(".md")
            .unwrap_or(&self.file_name)
    }

    /// The file's contents in `format`: the Markdown, or the Word file made from it.
    pub fn bytes(&self, format: Format) -> Result<Vec<u8>, ExportError> {
        match format {
            Format::Markdown => Ok(self.text.clone().into_bytes()),
            Format::Docx => super::docx::docx(&self.text),
        }
    }
}

/// What the history says of a file: the commit that first recorded it and the one that
/// last changed it, the file as the first wrote it, and the commits that changed it after.
#[derive(Debug, Clone, Default)]
struct Trail {
    first: Option<Seen>,
    last: Option<Seen>,
    /// The blob the first commit wrote (or a shallow clone's boundary holds).
    recorded: Option<ObjectId>,
    /// The commits that changed the file after it was recorded, oldest first.
    changed: Vec<ObjectId>,
}

/// For each path, its trail, from one walk of the history that leads to the snapshot: what
/// came after it is not part of the record the document is about.
fn commits_of(
    repo: &PanelRepo,
    snapshot: &Snapshot,
    paths: &[String],
) -> Result<Vec<Trail>, ExportError> {
    let head = snapshot.commit_id();
    let history = repo.history(Some(head.as_str()), paths)?;
    Ok(paths
        .iter()
        .map(|path| {
            // Newest first. A shallow clone's boundary holds files without saying which
            // commit put them there.
            let touching: Vec<(Seen, Option<ObjectId>)> = history
                .iter()
                .filter_map(|c| match c.changes.iter().find(|ch| &ch.path == path) {
                    Some(change) => Some((Seen::In(c.id.clone()), change.new.clone())),
                    None => c
                        .held(path)
                        .map(|blob| (Seen::AtOrBefore(c.id.clone()), Some(blob.clone()))),
                })
                .collect();
            let Some(((first, recorded), later)) = touching.split_last() else {
                return Trail::default();
            };
            Trail {
                first: Some(first.clone()),
                last: touching.first().map(|(seen, _)| seen.clone()),
                recorded: recorded.clone(),
                changed: later
                    .iter()
                    .rev()
                    .filter_map(|(seen, _)| match seen {
                        Seen::In(id) => Some(id.clone()),
                        Seen::AtOrBefore(_) => None,
                    })
                    .collect(),
            }
        })
        .collect())
}

/// The decision at `path` as its recording commit wrote it, where it was changed after:
/// documents state what the panel decided, not what the file was edited to say. `None`
/// when it was not changed, or the recorded file cannot be read (the warning says so).
fn as_recorded(repo: &PanelRepo, path: &str, trail: &Trail) -> Option<Decision> {
    if trail.changed.is_empty() {
        return None;
    }
    let text = repo.blob_text(trail.recorded.as_ref()?, path).ok()?;
    parse_document::<Decision>(&text).ok()
}

/// The decision at `path` as recorded where its file was changed after (see
/// [`as_recorded`]), and then the line that tells the person running the export so.
fn recorded_version(
    repo: &PanelRepo,
    path: &str,
    trail: &Trail,
) -> (Option<Decision>, Option<String>) {
    let then = as_recorded(repo, path, trail);
    let warning = (!trail.changed.is_empty()).then(|| changed_warning(path, trail, then.is_some()));
    (then, warning)
}

/// One line for the person running the export about a decision changed after it was
/// recorded.
fn changed_warning(path: &str, trail: &Trail, stated_as_recorded: bool) -> String {
    let by: Vec<String> = trail.changed.iter().map(|c| c.short().to_owned()).collect();
    let first = match &trail.first {
        Some(Seen::In(c)) | Some(Seen::AtOrBefore(c)) => format!(" (in {})", c.short()),
        None => String::new(),
    };
    let stated = if stated_as_recorded {
        "the document states it as recorded"
    } else {
        "the recorded version cannot be read, so the document states it as it is now"
    };
    format!(
        "{} was changed after it was recorded{first}, by {}: {stated}",
        sanitize(path),
        by.join(", ")
    )
}

/// The minutes of the meeting on `date`, as recorded in `snapshot` (whose catalog is
/// `catalog`).
pub fn minutes_of(
    repo: &PanelRepo,
    snapshot: &Snapshot,
    catalog: &Catalog,
    date: Date,
) -> Result<Document, ExportError> {
    let Some(meeting) = catalog.meetings.get(&date) else {
        let known: Vec<String> = catalog.meetings.keys().map(|d| d.to_string()).collect();
        return Err(ExportError::NoMeeting {
            date,
            known: known.join(", "),
        });
    };
    let found: Vec<_> = meeting
        .agenda
        .iter()
        .filter_map(|item| catalog.decision_at(&item.school, item.year, &item.kind, date))
        .collect();
    // The meeting's file last, after each decision's.
    let mut paths: Vec<String> = found.iter().map(|(path, _)| (*path).to_owned()).collect();
    paths.push(format!("meetings/{date}.ron"));
    let trails = commits_of(repo, snapshot, &paths)?;
    let (recorded, warnings): (Vec<Option<Decision>>, Vec<Option<String>>) = found
        .iter()
        .zip(&trails)
        .map(|((path, _), trail)| recorded_version(repo, path, trail))
        .unzip();
    let warnings: Vec<String> = warnings.into_iter().flatten().collect();
    let decisions: Vec<Recorded<'_>> = found
        .iter()
        .zip(&trails)
        .zip(&recorded)
        .map(|(((path, now), trail), then)| Recorded {
            path,
            decision: then.as_ref().unwrap_or(now),
            commit: trail.first.as_ref(),
            changed: &trail.changed,
        })
        .collect();
    let meeting_commit = trails.last().and_then(|t| t.last.clone());
    Ok(Document {
        title: format!("the minutes of {}", long_date(date)),
        file_name: format!("minutes-{date}.md"),
        text: minutes(
            catalog,
            meeting,
            &decisions,
            meeting_commit.as_ref(),
            &snapshot.commit_id(),
        ),
        warnings,
    })
}

/// A feedback letter about one decision on a school's year, as recorded in `snapshot`
/// (whose catalog is `catalog`): the one at `path` where the caller knows it (a decision's
/// commit), else the latest of `kind`. Without a kind, a year with decisions of several
/// kinds is refused rather than guessed at: a letter about the wrong decision, sent to a
/// school, is worse than none.
pub fn letter_for(
    repo: &PanelRepo,
    snapshot: &Snapshot,
    catalog: &Catalog,
    school: &SchoolId,
    year: AcademicYear,
    kind: Option<&KindId>,
    path: Option<&str>,
) -> Result<Document, ExportError> {
    let named = path.and_then(|p| {
        catalog
            .decisions
            .iter()
            .find(|(at, d)| at.as_str() == p && &d.school == school && d.year == year)
    });
    // The latest decision on that year's submission (of that kind), as corrected.
    let superseded: Vec<&str> = catalog
        .decisions
        .iter()
        .filter_map(|(_, d)| d.supersedes.as_deref())
        .collect();
    let standing: Vec<_> = catalog
        .decisions
        .iter()
        .filter(|(path, d)| {
            &d.school == school
                && d.year == year
                && kind.is_none_or(|k| &d.kind == k)
                && !superseded.contains(&path.as_str())
        })
        .collect();
    if named.is_none() && kind.is_none() {
        let mut kinds: Vec<&KindId> = standing.iter().map(|(_, d)| &d.kind).collect();
        kinds.sort();
        kinds.dedup();
        if kinds.len() > 1 {
            return Err(ExportError::SeveralKinds {
                school: school.clone(),
                year,
                kinds: kinds
                    .iter()
                    .map(|k| k.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    let latest = named.or_else(|| {
        standing
            .into_iter()
            .max_by(|(pa, a), (pb, b)| (a.meeting, pa).cmp(&(b.meeting, pb)))
    });
    let Some((path, decision)) = latest else {
        return Err(ExportError::NoDecision {
            school: school.clone(),
            year,
            kind: kind.cloned(),
        });
    };
    let trail = commits_of(repo, snapshot, std::slice::from_ref(path))?
        .pop()
        .unwrap_or_default();
    let (then, warning) = recorded_version(repo, path, &trail);
    let warnings: Vec<String> = warning.into_iter().collect();
    let decision = then.as_ref().unwrap_or(decision);
    // Its rubric is the one the self-review names; one that cannot be read names none.
    let review = repo.self_review(snapshot, school, year).unwrap_or(None);
    let text = letter(
        catalog,
        Recorded {
            path,
            decision,
            commit: trail.first.as_ref(),
            changed: &trail.changed,
        },
        review.as_ref(),
    )?;
    Ok(Document {
        warnings,
        title: format!("the letter to {school} about {year} {}", decision.kind),
        file_name: format!("letter-{school}-{year}-{}.md", decision.kind),
        text,
    })
}

/// Where the interface saves documents: `KITEMARK_EXPORT_DIR` if set, else a `kitemark`
/// folder in the user's documents (or home) folder.
pub fn default_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("KITEMARK_EXPORT_DIR").filter(|d| !d.is_empty()) {
        return dir.into();
    }
    dirs::document_dir()
        .or_else(dirs::home_dir)
        .map_or_else(|| PathBuf::from("."), |d| d.join("kitemark"))
}

/// Saves a document in `dir`, in `format`, under its file name, or a numbered one (`-2`,
/// `-3`, …) if that exists: a file already there is never replaced.
pub fn save(document: &Document, dir: &Path, format: Format) -> Result<PathBuf, ExportError> {
    use std::io::Write as _;
    let bytes = document.bytes(format)?;
    std::fs::create_dir_all(dir).map_err(|source| ExportError::Create {
        path: dir.to_owned(),
        source,
    })?;
    let (stem, extension) = (document.stem(), format.extension());
    for n in 1..1000 {
        let name = if n == 1 {
            format!("{stem}.{extension}")
        } else {
            format!("{stem}-{n}.{extension}")
        };
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                file.write_all(&bytes)
                    .map_err(|source| ExportError::Write {
                        path: path.clone(),
                        source,
                    })?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(source) => return Err(ExportError::Create { path, source }),
        }
    }
    Err(ExportError::NoFreeName {
        dir: dir.to_owned(),
        file_name: document.file_name_as(format),
    })
}
