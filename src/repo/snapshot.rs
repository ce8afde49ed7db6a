//! A snapshot: the panel repository's files at one commit, listed from the tree without reading
//! any file, so that opening a large repository is cheap and each file is parsed only when asked.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::model::layout::{
    Classified, ConditionPath, DecisionPath, PanelPath, ReviewPath, classify,
};
use crate::model::{AcademicYear, FileRef, ObjectId, RubricId, SchoolId, Severity, SubmissionRef};

/// A file of the snapshot: its path and the blob that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobRef {
    pub path: String,
    pub(crate) oid: git2::Oid,
}

impl BlobRef {
    /// The blob's id, as decisions record it.
    pub fn blob_id(&self) -> ObjectId {
        object_id(self.oid)
    }
}

pub(crate) fn object_id(oid: git2::Oid) -> ObjectId {
    // libgit2 renders ids as full-length lower-case hex, which is what ObjectId holds.
    ObjectId::from_git(oid.to_string())
}

/// The git id of an id kitemark recorded, if it is one.
pub(crate) fn oid_of(id: &ObjectId) -> Option<git2::Oid> {
    git2::Oid::from_str(id.as_str()).ok()
}

/// A school's files at the snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchoolFiles {
    pub profile: Option<BlobRef>,
    pub years: BTreeMap<AcademicYear, YearFiles>,
}

/// One academic year's submission files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct YearFiles {
    pub self_review: Option<BlobRef>,
    pub action_plan: Option<BlobRef>,
}

impl YearFiles {
    /// The files that exist, self-review first.
    pub fn files(&self) -> impl Iterator<Item = &BlobRef> {
        self.self_review.iter().chain(self.action_plan.iter())
    }

    /// Whether these are exactly the files a decision was made on (the same paths and
    /// blobs, none more, none fewer): not resubmitted or changed since.
    pub fn are_as_made_on(&self, made_on: &SubmissionRef) -> bool {
        self.files().count() == made_on.files.len()
            && self.files().all(|b| {
                made_on
                    .files
                    .iter()
                    .any(|f| f.path == b.path && f.blob == b.blob_id())
            })
    }
}

/// A path that is not one of kitemark's files, where kitemark expects its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnexpectedFile {
    pub path: String,
    pub severity: Severity,
    pub reason: String,
}

/// An entry where kitemark reads files that is not a file: a symbolic link or a submodule.
/// Its path is there, so nothing is said to be missing; it is never read or followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAFile {
    pub path: String,
    /// `symbolic-link` or `submodule`.
    pub code: &'static str,
    pub message: String,
}

/// Everything the panel repository holds at one commit, by kind, without file contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub(crate) commit: git2::Oid,
    /// The commit's tree: what the cache keeps the snapshot's listing, catalog and report by.
    pub(crate) tree: git2::Oid,
    /// The branch the snapshot was taken from, when it was taken from a branch.
    pub branch: Option<String>,
    pub commit_summary: String,
    pub panel: Option<BlobRef>,
    pub rubrics: BTreeMap<RubricId, BlobRef>,
    pub schools: BTreeMap<SchoolId, SchoolFiles>,
    pub meetings: BTreeMap<Date, BlobRef>,
    pub decisions: BTreeMap<DecisionPath, BlobRef>,
    /// The panel's records of conditions met.
    pub conditions_met: BTreeMap<ConditionPath, BlobRef>,
    /// Members' reviews of agenda items.
    pub reviews: BTreeMap<ReviewPath, BlobRef>,
    /// How each meeting ran, by its date.
    pub proceedings: BTreeMap<Date, BlobRef>,
    pub unexpected: Vec<UnexpectedFile>,
    pub not_files: Vec<NotAFile>,
}

impl Snapshot {
    pub(crate) fn new(
        commit: git2::Oid,
        tree: git2::Oid,
        branch: Option<String>,
        commit_summary: String,
    ) -> Self {
        Self {
            commit,
            tree,
            branch,
            commit_summary,
            panel: None,
            rubrics: BTreeMap::new(),
            schools: BTreeMap::new(),
            meetings: BTreeMap::new(),
            decisions: BTreeMap::new(),
            conditions_met: BTreeMap::new(),
            reviews: BTreeMap::new(),
            proceedings: BTreeMap::new(),
            unexpected: Vec::new(),
            not_files: Vec::new(),
        }
    }

    /// The commit the snapshot was read from.
    pub fn commit_id(&self) -> ObjectId {
        object_id(self.commit)
    }

    /// Files a school has for one year, if any.
    pub fn year(&self, school: &SchoolId, year: AcademicYear) -> Option<&YearFiles> {
        self.schools.get(school)?.years.get(&year)
    }

    /// The blob of each of a school's submission files for a year, with this snapshot's
    /// commit: what a decision is made on, once [`PanelRepo::submission_ref`] has named the
    /// commit that submitted those files.
    ///
    /// [`PanelRepo::submission_ref`]: super::PanelRepo::submission_ref
    pub fn submission_ref(&self, school: &SchoolId, year: AcademicYear) -> Option<SubmissionRef> {
        let files = self.year(school, year)?;
        Some(SubmissionRef {
            commit: self.commit_id(),
            files: files
                .files()
                .map(|b| FileRef {
                    path: b.path.clone(),
                    blob: b.blob_id(),
                })
                .collect(),
        })
    }

    /// Decisions recorded for a school, in path order (year, then date).
    pub fn decisions_for<'a>(
        &'a self,
        school: &'a SchoolId,
    ) -> impl Iterator<Item = (&'a DecisionPath, &'a BlobRef)> {
        self.decisions
            .iter()
            .filter(move |(d, _)| &d.school == school)
    }

    /// Every file kitemark reads, in the order that validation needs (see [`PanelPath`]).
    pub fn files_in_order(&self) -> Vec<(PanelPath, &BlobRef)> {
        let mut out: Vec<(PanelPath, &BlobRef)> = Vec::new();
        for (id, blob) in &self.rubrics {
            out.push((PanelPath::Rubric(id.clone()), blob));
        }
        if let Some(panel) = &self.panel {
            out.push((PanelPath::Panel, panel));
        }
        for (id, school) in &self.schools {
            if let Some(profile) = &school.profile {
                out.push((PanelPath::School(id.clone()), profile));
            }
        }
        for (id, school) in &self.schools {
            for (year, files) in &school.years {
                if let Some(f) = &files.self_review {
                    out.push((PanelPath::SelfReview(id.clone(), *year), f));
                }
            }
        }
        for (id, school) in &self.schools {
            for (year, files) in &school.years {
                if let Some(f) = &files.action_plan {
                    out.push((PanelPath::ActionPlan(id.clone(), *year), f));
                }
            }
        }
        for (date, blob) in &self.meetings {
            out.push((PanelPath::Meeting(*date), blob));
        }
        for (path, blob) in &self.decisions {
            out.push((PanelPath::Decision(path.clone()), blob));
        }
        for (path, blob) in &self.conditions_met {
            out.push((PanelPath::ConditionMet(path.clone()), blob));
        }
        for (path, blob) in &self.reviews {
            out.push((PanelPath::Review(path.clone()), blob));
        }
        for (date, blob) in &self.proceedings {
            out.push((PanelPath::Proceedings(*date), blob));
        }
        out
    }

    /// Number of files kitemark reads.
    pub fn file_count(&self) -> usize {
        self.rubrics.len()
            + usize::from(self.panel.is_some())
            + self
                .schools
                .values()
                .map(|s| {
                    usize::from(s.profile.is_some())
                        + s.years.values().map(|y| y.files().count()).sum::<usize>()
                })
                .sum::<usize>()
            + self.meetings.len()
            + self.decisions.len()
            + self.conditions_met.len()
            + self.reviews.len()
            + self.proceedings.len()
    }

    /// Takes one entry of the tree's listing. An entry whose blob id does not parse (only a
    /// damaged cache could hold one, and the cache checks its entries) is left out.
    pub(crate) fn take(&mut self, listed: super::Listed) {
        match listed {
            super::Listed::Blob { path, id } => {
                if let Ok(oid) = git2::Oid::from_str(&id) {
                    self.add(path, oid);
                }
            }
            super::Listed::NotUtf8 { path } => self.unexpected.push(UnexpectedFile {
                path,
                severity: Severity::Warning,
                reason: "the name is not UTF-8; ignored".into(),
            }),
            super::Listed::NotAFile { path, what } => {
                let (code, message) = what.code_and_message();
                self.not_files.push(NotAFile {
                    path,
                    code,
                    message: message.to_owned(),
                });
            }
        }
    }

    /// Files the snapshot holds under a path, by kind; used while listing the tree.
    pub(crate) fn add(&mut self, path: String, oid: git2::Oid) {
        let blob = |path: String| BlobRef { path, oid };
        match classify(&path) {
            Classified::Ignored => {}
            Classified::Unexpected { severity, reason } => self.unexpected.push(UnexpectedFile {
                path,
                severity,
                reason,
            }),
            Classified::File(kind) => match kind {
                PanelPath::Panel => self.panel = Some(blob(path)),
                PanelPath::Rubric(id) => {
                    self.rubrics.insert(id, blob(path));
                }
                PanelPath::School(id) => {
                    self.schools.entry(id).or_default().profile = Some(blob(path));
                }
                PanelPath::SelfReview(id, year) => {
                    let year = self
                        .schools
                        .entry(id)
                        .or_default()
                        .years
                        .entry(year)
                        .or_default();
                    year.self_review = Some(blob(path));
                }
                PanelPath::ActionPlan(id, year) => {
                    let year = self
                        .schools
                        .entry(id)
                        .or_default()
                        .years
                        .entry(year)
                        .or_default();
                    year.action_plan = Some(blob(path));
                }
                PanelPath::Meeting(date) => {
                    self.meetings.insert(date, blob(path));
                }
                PanelPath::Decision(d) => {
                    self.decisions.insert(d, blob(path));
                }
                PanelPath::ConditionMet(c) => {
                    self.conditions_met.insert(c, blob(path));
                }
                PanelPath::Review(r) => {
                    self.reviews.insert(r, blob(path));
                }
                PanelPath::Proceedings(date) => {
                    self.proceedings.insert(date, blob(path));
                }
            },
        }
    }
}
