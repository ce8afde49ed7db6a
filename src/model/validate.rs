//! Checking a panel repository's files, each on its own and against each other.
//!
//! The validator is fed files one at a time, in [`PanelPath`] order (rubrics, panel, schools,
//! submissions, meetings, decisions), and keeps only what later files refer to, so that a large
//! repository is checked without holding all of its text at once.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde::de::DeserializeOwned;

use super::condition::ConditionMet;
use super::decision::Decision;
use super::format::{conflict_marker, control_characters, from_ron, locate_field, locate_value};
use super::ids::{AcademicYear, RubricId, SchoolId};
use super::layout::{Classified, ConditionPath, DecisionPath, PanelPath, classify};
use super::meeting::Meeting;
use super::panel::Panel;
use super::problem::{Position, Problem, Severity};
use super::rubric::Rubric;
use super::school::School;
use super::submission::{ActionPlan, SelfReview};

/// What the files being checked are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A panel repository: decisions must name the git objects they were made on.
    Repository,
    /// The bundled demo data before it is replayed into a repository, which fills those in.
    BundledSource,
}

/// The outcome of checking a set of files.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    pub files_checked: usize,
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.problems.len() - self.errors()
    }
}

#[derive(Debug, Default)]
struct YearSeen {
    rubric: Option<RubricId>,
    self_review: bool,
    action_plan: bool,
}

/// Checks files fed to it in [`PanelPath`] order.
#[derive(Debug)]
pub struct Validator {
    mode: Mode,
    files_checked: usize,
    problems: Vec<Problem>,
    rubrics: BTreeMap<RubricId, Rubric>,
    panel: Option<Panel>,
    schools: BTreeMap<SchoolId, School>,
    /// Schools with files under `submissions/<id>/`, with the first path seen.
    school_dirs: BTreeMap<SchoolId, String>,
    years: BTreeMap<(SchoolId, AcademicYear), YearSeen>,
    meetings: BTreeMap<Date, Meeting>,
    decisions: BTreeSet<String>,
    /// Each decision read: its meeting and how many conditions it sets.
    decision_conditions: BTreeMap<String, (Date, usize)>,
    /// Every file checked, parsed or not: a broken file still exists, and references to it
    /// are not reported again as missing.
    seen: BTreeSet<String>,
    supersedes: Vec<(String, String)>,
    /// Rubrics that succeed another, with their path and text: their mapping is checked
    /// against the old framework once every rubric has been read.
    successors: Vec<(RubricId, String, String)>,
    /// When kept ([`Validator::keep_reads`]): each file checked with the files its checks
    /// read beyond the rubrics and panel.ron (see [`reads`]).
    reads: Option<Vec<(String, Vec<Read>)>>,
}

/// A file's text checked and parsed ahead of the validator, possibly on another thread: the
/// costly part of checking a file, which does not depend on any other file.
pub struct Prepared {
    conflict: Option<Position>,
    controls: Vec<(Position, char)>,
    parsed: Option<Result<Box<dyn std::any::Any + Send>, super::format::SyntaxError>>,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("conflict", &self.conflict)
            .field("controls", &self.controls)
            .finish_non_exhaustive()
    }
}

fn parsed_as<T: DeserializeOwned + Send + 'static>(
    text: &str,
) -> Result<Box<dyn std::any::Any + Send>, super::format::SyntaxError> {
    from_ron::<T>(text).map(|value| Box::new(value) as Box<dyn std::any::Any + Send>)
}

/// Checks a file's text for what makes it unusable and parses it as what its path says it is.
pub fn prepare(kind: &PanelPath, text: &str) -> Prepared {
    let conflict = conflict_marker(text);
    if conflict.is_some() {
        return Prepared {
            conflict,
            controls: Vec::new(),
            parsed: None,
        };
    }
    let parsed = match kind {
        PanelPath::Rubric(_) => parsed_as::<Rubric>(text),
        PanelPath::Panel => parsed_as::<Panel>(text),
        PanelPath::School(_) => parsed_as::<School>(text),
        PanelPath::SelfReview(..) => parsed_as::<SelfReview>(text),
        PanelPath::ActionPlan(..) => parsed_as::<ActionPlan>(text),
        PanelPath::Meeting(_) => parsed_as::<Meeting>(text),
        PanelPath::Decision(_) => parsed_as::<Decision>(text),
        PanelPath::ConditionMet(_) => parsed_as::<ConditionMet>(text),
        PanelPath::Review(_) => parsed_as::<crate::model::Review>(text),
        PanelPath::Proceedings(_) => parsed_as::<crate::model::Proceedings>(text),
    };
    Prepared {
        conflict,
        controls: control_characters(text),
        parsed: Some(parsed),
    }
}

/// The problems of one file, with its text at hand to point at lines.
struct FileCheck<'a> {
    path: &'a str,
    text: &'a str,
    problems: &'a mut Vec<Problem>,
    prepared: Option<Prepared>,
}

impl FileCheck<'_> {
    fn push(
        &mut self,
        severity: Severity,
        code: &'static str,
        position: Option<Position>,
        message: String,
    ) {
        self.problems.push(Problem {
            path: self.path.to_owned(),
            position,
            severity,
            code,
            message,
        });
    }

    fn error(&mut self, code: &'static str, position: Option<Position>, message: String) {
        self.push(Severity::Error, code, position, message);
    }

    fn warn(&mut self, code: &'static str, position: Option<Position>, message: String) {
        self.push(Severity::Warning, code, position, message);
    }

    /// Where `field: "value"` is written (its `nth` occurrence), if it can be found.
    fn at(&self, field: &str, value: &str, nth: usize) -> Option<Position> {
        locate_value(self.text, field, value, nth).or_else(|| locate_field(self.text, field))
    }

    fn field(&self, field: &str) -> Option<Position> {
        locate_field(self.text, field)
    }

    /// Problems that make the text unusable or unsafe, then the parse itself.
    fn parse<T: DeserializeOwned + 'static>(&mut self) -> Option<T> {
        let prepared = self.prepared.take();
        let (conflict, controls) = match &prepared {
            Some(p) => (p.conflict, p.controls.clone()),
            None => {
                let conflict = conflict_marker(self.text);
                let controls = if conflict.is_some() {
                    Vec::new()
                } else {
                    control_characters(self.text)
                };
                (conflict, controls)
            }
        };
        if let Some(pos) = conflict {
            self.error(
                "merge-conflict",
                Some(pos),
                "unresolved merge-conflict marker: resolve the conflict and commit the result"
                    .into(),
            );
            return None;
        }
        for (pos, c) in controls {
            self.error(
                "control-character",
                Some(pos),
                format!(
                    "control character U+{:04X} in the text; terminal escape sequences and other control characters are not allowed",
                    c as u32
                ),
            );
        }
        let parsed = match prepared.and_then(|p| p.parsed) {
            Some(Ok(any)) => match any.downcast::<T>() {
                Ok(value) => Ok(*value),
                // Prepared as another kind: parse again as this one.
                Err(_) => from_ron::<T>(self.text),
            },
            Some(Err(e)) => Err(e),
            None => from_ron::<T>(self.text),
        };
        match parsed {
            Ok(value) => Some(value),
            Err(e) => {
                self.error("syntax", Some(e.position), e.message);
                None
            }
        }
    }

    /// A field whose content must match the file's path.
    fn must_match(&mut self, field: &str, found: &str, expected: &str) {
        if found != expected {
            let pos = self.at(field, found, 0);
            self.error(
                "path-mismatch",
                pos,
                format!("{field} is {found:?} but the file's path says {expected:?}"),
            );
        }
    }
}

/// Each id that appears more than once: the id, which occurrence to point at (the second,
/// counting from 0), and how many times it appears. Once per id, however many copies: a
/// plan with one id a hundred thousand times is one problem.
fn duplicates<'a, I: Iterator<Item = &'a str>>(ids: I) -> Vec<(&'a str, usize, usize)> {
    super::ids::repeated(ids)
        .into_iter()
        .map(|(id, count)| (id, 1, count))
        .collect()
}

/// How many times, said after a problem found more than twice.
fn times(count: usize) -> String {
    if count > 2 {
        format!(" ({count} times)")
    } else {
        String::new()
    }
}

fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !s.contains(char::is_whitespace)
                && crate::model::text::header_problem(s).is_none()
        }
        None => false,
    }
}

/// Where the `nth` (0-based) `field:` after `marker` is, to point at one person's name in a
/// list of people.
fn field_after(text: &str, marker: &str, field: &str, nth: usize) -> Option<Position> {
    let start = text.find(marker)? + marker.len();
    let needle = format!("{field}:");
    let (offset, _) = text[start..]
        .match_indices(&needle)
        .filter(|(i, _)| {
            text[..start + i]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
        })
        .nth(nth)?;
    Some(crate::model::format::position_of(text, start + offset))
}

impl Validator {
    pub fn new(mode: Mode) -> Self {
        Self {
            mode,
            files_checked: 0,
            problems: Vec::new(),
            rubrics: BTreeMap::new(),
            panel: None,
            schools: BTreeMap::new(),
            school_dirs: BTreeMap::new(),
            years: BTreeMap::new(),
            meetings: BTreeMap::new(),
            decisions: BTreeSet::new(),
            decision_conditions: BTreeMap::new(),
            seen: BTreeSet::new(),
            supersedes: Vec::new(),
            successors: Vec::new(),
            reads: None,
        }
    }

    /// Keeps, from now on, what each file's checks read of other files (see [`reads`]), for
    /// [`Validator::take_reads`].
    pub fn keep_reads(&mut self) {
        self.reads.get_or_insert_with(Vec::new);
    }

    /// Each file checked since [`Validator::keep_reads`], in order, with the files its checks
    /// read beyond the rubrics and panel.ron; files that read none are left out.
    pub fn take_reads(&mut self) -> Vec<(String, Vec<Read>)> {
        self.reads.take().unwrap_or_default()
    }

    /// Keeps what a file's checks read, when asked to: worked out only then.
    fn note_reads(&mut self, path: &str, read: impl FnOnce() -> Vec<Read>) {
        if let Some(reads) = &mut self.reads {
            let read = read();
            if !read.is_empty() {
                reads.push((path.to_owned(), read));
            }
        }
    }

    /// Records a problem found before the text could be read (too large, not UTF-8, ...).
    pub fn unreadable(
        &mut self,
        path: &str,
        position: Option<Position>,
        code: &'static str,
        message: String,
    ) {
        self.files_checked += 1;
        self.seen.insert(path.to_owned());
        // The file is there, only unusable: its year has it, and is not told it is missing.
        match classify(path) {
            Classified::File(PanelPath::SelfReview(school, year)) => {
                self.years.entry((school, year)).or_default().self_review = true;
            }
            Classified::File(PanelPath::ActionPlan(school, year)) => {
                self.years.entry((school, year)).or_default().action_plan = true;
            }
            _ => {}
        }
        self.problems.push(Problem {
            path: path.to_owned(),
            position,
            severity: Severity::Error,
            code,
            message,
        });
    }

    /// Records a file that sits where kitemark expects its own files but is not one.
    pub fn unexpected(&mut self, path: &str, severity: Severity, reason: &str) {
        self.problems.push(Problem {
            path: path.to_owned(),
            position: None,
            severity,
            code: "unexpected-file",
            message: reason.to_owned(),
        });
    }

    /// Checks one file. Files must come in [`PanelPath`] order; see [`validate_files`].
    pub fn check(&mut self, path: &str, text: &str) {
        match classify(path) {
            Classified::Ignored => {}
            Classified::Unexpected { severity, reason } => self.unexpected(path, severity, &reason),
            Classified::File(kind) => self.check_file(&kind, path, text),
        }
    }

    /// Checks a file whose kind is already known.
    pub fn check_file(&mut self, kind: &PanelPath, path: &str, text: &str) {
        self.check_prepared(kind, path, text, None);
    }

    /// Checks a file whose text has been [`prepare`]d already (or not).
    pub fn check_prepared(
        &mut self,
        kind: &PanelPath,
        path: &str,
        text: &str,
        prepared: Option<Prepared>,
    ) {
        self.files_checked += 1;
        self.seen.insert(path.to_owned());
        let mut problems = std::mem::take(&mut self.problems);
        let mut file = FileCheck {
            path,
            text,
            problems: &mut problems,
            prepared,
        };
        match kind {
            PanelPath::Rubric(id) => self.rubric(&mut file, id),
            PanelPath::Panel => self.panel(&mut file),
            PanelPath::School(id) => self.school(&mut file, id),
            PanelPath::SelfReview(school, year) => self.self_review(&mut file, school, *year),
            PanelPath::ActionPlan(school, year) => self.action_plan(&mut file, school, *year),
            PanelPath::Meeting(date) => self.meeting(&mut file, *date),
            PanelPath::Decision(d) => self.decision(&mut file, d),
            PanelPath::ConditionMet(c) => self.condition_met(&mut file, c),
            PanelPath::Review(r) => self.review(&mut file, r),
            PanelPath::Proceedings(date) => self.proceedings(&mut file, *date),
        }
        self.problems = problems;
    }

    fn rubric(&mut self, file: &mut FileCheck, id: &RubricId) {
        let Some(rubric) = file.parse::<Rubric>() else {
            return;
        };
        file.must_match("id", rubric.id.as_str(), id.as_str());
        for problem in rubric.located_problems() {
            let spot = &problem.spot;
            let pos = match &spot.value {
                Some(value) => file.at(spot.field, value, spot.nth),
                None => file.field(spot.field),
            };
            file.error("rubric", pos, problem.message);
        }
        if rubric.succeeds.is_some() {
            self.successors
                .push((id.clone(), file.path.to_owned(), file.text.to_owned()));
        }
        self.rubrics.insert(id.clone(), rubric);
    }

    /// A succession checked against the rubric it names, where that is in the repository,
    /// and for a cycle (a rubric that, through others, succeeds itself).
    fn succession_problems(&self, id: &RubricId, path: &str, text: &str) -> Vec<Problem> {
        let Some(rubric) = self.rubrics.get(id) else {
            return Vec::new();
        };
        let Some(old_id) = rubric.succeeds.as_ref().map(|s| &s.rubric) else {
            return Vec::new();
        };
        let problem = |position, message| Problem {
            path: path.to_owned(),
            position,
            severity: Severity::Error,
            code: "succession",
            message,
        };
        let at_rubric = locate_value(text, "rubric", old_id.as_str(), 0)
            .or_else(|| locate_field(text, "succeeds"));
        let mut out = Vec::new();
        // An old rubric that is broken reports itself; one no longer kept is no error, as
        // nothing of it is left to map.
        if let Some(old) = self.rubrics.get(old_id) {
            for p in rubric.succession_problems(old) {
                let spot = &p.spot;
                let pos = match &spot.value {
                    Some(value) => locate_value(text, spot.field, value, spot.nth),
                    None => locate_field(text, spot.field),
                };
                out.push(problem(pos.or(at_rubric), p.message));
            }
        }
        if let Err(cycle) = super::rubric::succession_chain(&self.rubrics, rubric) {
            let ids: Vec<&str> = cycle.iter().map(|r| r.as_str()).collect();
            out.push(problem(
                at_rubric,
                format!(
                    "the succession goes round in a circle ({}); a framework can only succeed an older one",
                    ids.join(" → ")
                ),
            ));
        }
        out
    }

    fn panel(&mut self, file: &mut FileCheck) {
        let Some(panel) = file.parse::<Panel>() else {
            return;
        };
        self.note_reads(file.path, || panel_reads(&panel));
        if !self.exists(PanelPath::Rubric(panel.default_rubric.clone())) {
            let pos = file.field("default_rubric");
            file.error(
                "unknown-rubric",
                pos,
                format!(
                    "default rubric {:?} is not in rubrics/ (found: {})",
                    panel.default_rubric.as_str(),
                    self.rubric_list()
                ),
            );
        }
        for (id, nth, count) in duplicates(panel.members.iter().map(|m| m.id.as_str())) {
            let pos = file.at("id", id, nth);
            file.error(
                "duplicate-id",
                pos,
                format!("member {id:?} is listed more than once{}", times(count)),
            );
        }
        for member in &panel.members {
            if let Some(problem) = crate::model::text::header_problem(&member.name) {
                let marker = format!("\"{}\"", member.id.as_str());
                let pos = field_after(file.text, &marker, "name", 0);
                file.error(
                    "bad-name",
                    pos,
                    format!(
                        "member {:?}'s name cannot be a commit's author: {problem}; a name must be one line with no angle brackets or control characters",
                        member.id.as_str()
                    ),
                );
            }
            for key in &member.keys {
                let pos = file.at("key", &key.key, 0);
                if key.public().is_none() {
                    file.error(
                        "bad-key",
                        pos,
                        format!(
                            "member {:?} has a key that is not an OpenSSH public key (as `ssh-keygen -y` prints it: `ssh-ed25519 AAAA… comment`)",
                            member.id.as_str()
                        ),
                    );
                }
                if let (Some(from), Some(until)) = (key.from, key.until)
                    && until < from
                {
                    file.error(
                        "bad-dates",
                        pos,
                        format!(
                            "member {:?} has a key valid until {until}, before it is valid from {from}",
                            member.id.as_str()
                        ),
                    );
                }
            }
            if !looks_like_email(&member.email) {
                let pos = file.at("email", &member.email, 0);
                file.error(
                    "bad-email",
                    pos,
                    format!("member {:?} has no usable email address ({:?}); commits are made in members' names", member.id.as_str(), member.email),
                );
            }
        }
        // A key names one person: shared, a signature would prove nothing about who signed.
        let mut owners: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
        for member in &panel.members {
            for key in &member.keys {
                let Some(public) = key.public() else { continue };
                let bytes = crate::model::panel::bare_key(&public);
                match owners.get(&bytes) {
                    Some(owner) if *owner != member.id.as_str() => {
                        let pos = file.at("key", &key.key, 0);
                        file.error(
                            "duplicate-key",
                            pos,
                            format!(
                                "member {:?} has the same key as {owner:?}; each member signs with keys of their own",
                                member.id.as_str()
                            ),
                        );
                    }
                    _ => {
                        owners.insert(bytes, member.id.as_str());
                    }
                }
            }
        }
        if panel.require_signatures
            && let Some(member) = panel.members.iter().find(|m| m.keys.is_empty())
        {
            file.warn(
                "no-key",
                file.field("require_signatures"),
                format!(
                    "the panel requires signed commits but member {:?} has no key; they cannot record until one is added",
                    member.id.as_str()
                ),
            );
        }
        if panel.members.is_empty() {
            file.warn(
                "no-members",
                file.field("members"),
                "the panel has no members yet; no decision can be recorded".into(),
            );
        } else if panel.quorum.min_present as usize > panel.members.len() {
            let pos = file.field("min_present");
            file.error(
                "quorum",
                pos,
                format!(
                    "the quorum needs {} members present but the panel has only {}",
                    panel.quorum.min_present,
                    panel.members.len()
                ),
            );
        }
        if panel.quorum.min_present == 0 && !panel.members.is_empty() {
            let pos = file.field("min_present");
            file.error(
                "quorum",
                pos,
                "the quorum must need at least one member present".into(),
            );
        }
        self.panel = Some(panel);
    }

    fn school(&mut self, file: &mut FileCheck, id: &SchoolId) {
        self.school_dirs
            .entry(id.clone())
            .or_insert_with(|| file.path.to_owned());
        let Some(school) = file.parse::<School>() else {
            return;
        };
        file.must_match("id", school.id.as_str(), id.as_str());
        if school.contacts.is_empty() {
            file.error(
                "no-contact",
                file.field("contacts"),
                "the school has no contact; submissions are committed in the main contact's name"
                    .into(),
            );
        }
        for (nth, contact) in school.contacts.iter().enumerate() {
            if let Some(problem) = crate::model::text::header_problem(&contact.name) {
                let pos = field_after(file.text, "contacts:", "name", nth);
                file.error(
                    "bad-name",
                    pos,
                    format!(
                        "contact {}'s name cannot be a commit's author: {problem}; a name must be one line with no angle brackets or control characters",
                        nth + 1
                    ),
                );
            }
            if !looks_like_email(&contact.email) {
                let pos = file.at("email", &contact.email, 0);
                file.error(
                    "bad-email",
                    pos,
                    format!("contact {:?} has no usable email address", contact.name),
                );
            }
        }
        if let Some(rubric) = &school.rubric
            && !self.exists(PanelPath::Rubric(rubric.clone()))
        {
            let pos = file.at("rubric", rubric.as_str(), 0);
            file.error(
                "unknown-rubric",
                pos,
                format!(
                    "rubric {:?} is not in rubrics/ (found: {})",
                    rubric.as_str(),
                    self.rubric_list()
                ),
            );
        }
        self.schools.insert(id.clone(), school);
    }

    fn self_review(&mut self, file: &mut FileCheck, school: &SchoolId, year: AcademicYear) {
        self.school_dirs
            .entry(school.clone())
            .or_insert_with(|| file.path.to_owned());
        let seen = self.years.entry((school.clone(), year)).or_default();
        seen.self_review = true;
        let Some(review) = file.parse::<SelfReview>() else {
            return;
        };
        seen.rubric = Some(review.rubric.clone());
        file.must_match("school", review.school.as_str(), school.as_str());
        file.must_match("year", &review.year.to_string(), &year.to_string());
        let Some(rubric) = self.rubrics.get(&review.rubric) else {
            if self.exists(PanelPath::Rubric(review.rubric.clone())) {
                // The rubric is there but broken; its own problems say why.
                return;
            }
            let pos = file.at("rubric", review.rubric.as_str(), 0);
            file.error(
                "unknown-rubric",
                pos,
                format!(
                    "rubric {:?} is not in rubrics/ (found: {})",
                    review.rubric.as_str(),
                    self.rubric_list()
                ),
            );
            return;
        };
        if review.rubric_version != rubric.version {
            let pos = file.at("rubric_version", &review.rubric_version, 0);
            file.warn(
                "rubric-version",
                pos,
                format!(
                    "written for version {:?} of {:?}; the repository holds version {:?}",
                    review.rubric_version,
                    rubric.id.as_str(),
                    rubric.version
                ),
            );
        }
        if let Some(stage) = &review.stage
            && rubric.stage(stage).is_none()
        {
            let pos = file.at("stage", stage.as_str(), 0);
            let known: Vec<&str> = rubric.stages.iter().map(|s| s.id.as_str()).collect();
            file.error(
                "unknown-stage",
                pos,
                if known.is_empty() {
                    format!(
                        "stage {:?} given, but {:?} has no stages",
                        stage.as_str(),
                        rubric.id.as_str()
                    )
                } else {
                    format!(
                        "stage {:?} is not a stage of {:?} (stages: {})",
                        stage.as_str(),
                        rubric.id.as_str(),
                        known.join(", ")
                    )
                },
            );
        }
        for (id, nth, count) in duplicates(review.areas.iter().map(|a| a.area.as_str())) {
            let pos = file.at("area", id, nth);
            file.error(
                "duplicate-area",
                pos,
                format!("area {id:?} is reviewed more than once{}", times(count)),
            );
        }
        let mut occurrences: BTreeMap<&str, usize> = BTreeMap::new();
        for entry in &review.areas {
            let nth = occurrences.entry(entry.area.as_str()).or_default();
            // Found in the text only when a problem is reported: a search per area per file
            // would cost more than the parse.
            let nth_here = *nth;
            let here = |f: &FileCheck| f.at("area", entry.area.as_str(), nth_here);
            *nth += 1;
            let Some(area) = rubric.area(&entry.area) else {
                file.error(
                    "unknown-area",
                    here(file),
                    format!(
                        "{:?} is not an area of {:?} (areas: {})",
                        entry.area.as_str(),
                        rubric.id.as_str(),
                        super::decide::listed(rubric.areas.iter().map(|a| a.id.as_str()))
                    ),
                );
                continue;
            };
            if rubric.self_level(&entry.level).is_none() {
                let pos = file.at("level", entry.level.as_str(), 0);
                file.error(
                    "unknown-level",
                    pos,
                    format!(
                        "level {:?} (area {:?}) is not on the self-assessment scale of {:?} ({})",
                        entry.level.as_str(),
                        entry.area.as_str(),
                        rubric.id.as_str(),
                        super::decide::listed(rubric.self_assessment.iter().map(|l| l.id.as_str()))
                    ),
                );
            }
            if entry.reflection.trim().is_empty() {
                file.error(
                    "empty-text",
                    here(file),
                    format!("area {:?} has no reflection", entry.area.as_str()),
                );
            }
            for (criterion, points) in &entry.scores {
                match area.criteria.iter().find(|c| &c.id == criterion) {
                    None => file.error(
                        "unknown-criterion",
                        here(file),
                        format!(
                            "criterion {:?} is not a criterion of area {:?}",
                            criterion.as_str(),
                            area.id.as_str()
                        ),
                    ),
                    Some(c) => match c.max_points {
                        None => file.error(
                            "unscored-criterion",
                            here(file),
                            format!(
                                "criterion {:?} is not scored in {:?}",
                                criterion.as_str(),
                                rubric.id.as_str()
                            ),
                        ),
                        Some(max) if *points > max => file.error(
                            "score-out-of-range",
                            here(file),
                            format!(
                                "criterion {:?} scores {points}, more than its {max} points",
                                criterion.as_str()
                            ),
                        ),
                        Some(_) => {}
                    },
                }
            }
        }
        for area in &rubric.areas {
            if review.area(&area.id).is_none() {
                let pos = file.field("areas");
                file.error(
                    "missing-area",
                    pos,
                    format!(
                        "area {:?} ({}) is not reviewed; every area of the rubric needs a review",
                        area.id.as_str(),
                        area.title
                    ),
                );
            }
        }
    }

    fn action_plan(&mut self, file: &mut FileCheck, school: &SchoolId, year: AcademicYear) {
        self.school_dirs
            .entry(school.clone())
            .or_insert_with(|| file.path.to_owned());
        self.years
            .entry((school.clone(), year))
            .or_default()
            .action_plan = true;
        let Some(plan) = file.parse::<ActionPlan>() else {
            return;
        };
        file.must_match("school", plan.school.as_str(), school.as_str());
        file.must_match("year", &plan.year.to_string(), &year.to_string());
        for (id, nth, count) in duplicates(plan.actions.iter().map(|a| a.id.as_str())) {
            let pos = file.at("id", id, nth);
            file.error(
                "duplicate-id",
                pos,
                format!("action id {id:?} is used more than once{}; ids must be unique within a plan and stay the same from year to year", times(count)),
            );
        }
        let rubric = self.rubric_for(school, year);
        for action in &plan.actions {
            let here = |f: &FileCheck| f.at("id", action.id.as_str(), 0);
            if let Some(rubric) = rubric
                && rubric.area(&action.area).is_none()
            {
                let pos = file.at("area", action.area.as_str(), 0);
                file.error(
                    "unknown-area",
                    pos,
                    format!(
                        "action {:?} is in area {:?}, which is not an area of {:?}",
                        action.id.as_str(),
                        action.area.as_str(),
                        rubric.id.as_str()
                    ),
                );
            }
            if action.due < action.start {
                file.error(
                    "bad-dates",
                    here(file),
                    format!(
                        "action {:?} is due ({}) before it starts ({})",
                        action.id.as_str(),
                        action.due,
                        action.start
                    ),
                );
            }
            if action.text.trim().is_empty() {
                file.error(
                    "empty-text",
                    here(file),
                    format!("action {:?} has no text", action.id.as_str()),
                );
            }
            if action.owner.trim().is_empty() {
                file.error(
                    "empty-text",
                    here(file),
                    format!("action {:?} has no owner", action.id.as_str()),
                );
            }
        }
        if rubric.is_none() {
            file.error(
                "unknown-rubric",
                None,
                "cannot tell which rubric this plan follows: no self-review, school rubric or panel default".into(),
            );
        }
    }

    fn meeting(&mut self, file: &mut FileCheck, date: Date) {
        let Some(meeting) = file.parse::<Meeting>() else {
            return;
        };
        self.note_reads(file.path, || meeting_reads(&meeting));
        file.must_match("date", &meeting.date.to_string(), &date.to_string());
        // The same rules, with the same codes, as recording a meeting applies.
        let findings = super::decide::meeting_findings(&*self, &meeting);
        report(file, findings);
        self.meetings.insert(date, meeting);
    }

    fn decision(&mut self, file: &mut FileCheck, path: &DecisionPath) {
        self.decisions.insert(file.path.to_owned());
        let Some(decision) = file.parse::<Decision>() else {
            return;
        };
        self.note_reads(file.path, || decision_reads(&decision));
        file.must_match("school", decision.school.as_str(), path.school.as_str());
        file.must_match("year", &decision.year.to_string(), &path.year.to_string());
        file.must_match(
            "meeting",
            &decision.meeting.to_string(),
            &path.date.to_string(),
        );
        file.must_match("kind", decision.kind.as_str(), path.kind.as_str());
        self.decision_conditions.insert(
            file.path.to_owned(),
            (decision.meeting, decision.conditions.len()),
        );
        let version = super::decide::version_of(&decision);
        if version != path.version {
            let pos = file.field("supersedes");
            let message = if path.version == 1 {
                format!(
                    "the decision corrects one of the same meeting, so it belongs at {}",
                    super::decide::path_of(&decision)
                )
            } else {
                format!(
                    "a file numbered .{} must supersede the decision numbered before it at the same meeting",
                    path.version
                )
            };
            file.error("path-mismatch", pos, message);
        }
        if let Some(target) = &decision.supersedes {
            self.supersedes.push((file.path.to_owned(), target.clone()));
            match classify(target) {
                Classified::File(PanelPath::Decision(d)) if d.school == decision.school => {}
                _ => {
                    let pos = file.field("supersedes");
                    file.error(
                        "bad-supersedes",
                        pos,
                        format!(
                            "supersedes {target:?}, which is not a decision path of the same school"
                        ),
                    );
                }
            }
        }
        // The same rules, with the same codes, as recording a decision applies.
        let findings = super::decide::decision_findings(&*self, &decision);
        report(file, findings);
        match (&decision.made_on, self.mode) {
            (None, Mode::Repository) => file.error(
                "no-made-on",
                None,
                "the decision does not record the commit and blobs it was made on (made_on)".into(),
            ),
            (Some(made_on), _) => {
                let prefix = format!("submissions/{}/{}/", decision.school, decision.year);
                for f in &made_on.files {
                    if !f.path.starts_with(&prefix) {
                        let pos = file.at("path", &f.path, 0);
                        file.error(
                            "bad-made-on",
                            pos,
                            format!("made_on names {:?}, which is not a file of this submission ({prefix})", f.path),
                        );
                    }
                }
                if made_on.files.is_empty() {
                    file.error(
                        "bad-made-on",
                        file.field("made_on"),
                        "made_on lists no submission files".into(),
                    );
                }
            }
            (None, Mode::BundledSource) => {}
        }
        let Some(rubric) = self.rubric_for(&decision.school, decision.year) else {
            return;
        };
        report(file, super::decide::rubric_findings(rubric, &decision));
    }

    /// A record of a condition met: it names the decision and condition its path names (so
    /// each condition is met once, at one path), the decision exists and sets that
    /// condition, it was met no earlier than the decision, and a member recorded it.
    fn review(&mut self, file: &mut FileCheck, path: &crate::model::ReviewPath) {
        let Some(review) = file.parse::<crate::model::Review>() else {
            return;
        };
        self.note_reads(file.path, || review_reads(&review));
        file.must_match("school", review.school.as_str(), path.school.as_str());
        file.must_match("year", &review.year.to_string(), &path.year.to_string());
        file.must_match(
            "meeting",
            &review.meeting.to_string(),
            &path.meeting.to_string(),
        );
        file.must_match("kind", review.kind.as_str(), path.kind.as_str());
        file.must_match("reviewer", review.reviewer.as_str(), path.member.as_str());
        // The same rules, with the same codes, as recording a review applies; whether the
        // meeting had started when it was written is the history's to say (`kitemark audit`).
        let findings = super::review::review_findings(
            self.panel.as_ref(),
            self.meetings.get(&review.meeting),
            self.rubric_for(&review.school, review.year),
            &review,
        );
        report(file, findings);
    }

    fn proceedings(&mut self, file: &mut FileCheck, date: jiff::civil::Date) {
        let Some(proceedings) = file.parse::<crate::model::Proceedings>() else {
            return;
        };
        self.note_reads(file.path, || proceedings_reads(&proceedings));
        file.must_match(
            "meeting",
            &proceedings.meeting.to_string(),
            &date.to_string(),
        );
        // The same rules, with the same codes, as recording the proceedings applies.
        let findings = super::proceedings::proceedings_findings(
            self.panel.as_ref(),
            self.meetings.get(&proceedings.meeting),
            &proceedings,
        );
        report(file, findings);
    }

    fn condition_met(&mut self, file: &mut FileCheck, path: &ConditionPath) {
        let Some(met) = file.parse::<ConditionMet>() else {
            return;
        };
        let decision = path.decision.to_string();
        file.must_match("decision", &met.decision, &decision);
        file.must_match(
            "condition",
            &met.condition.to_string(),
            &path.number.to_string(),
        );
        match self.decision_conditions.get(&decision) {
            None if self.decisions.contains(&decision) => {}
            None => file.error(
                "unknown-decision",
                file.field("decision"),
                format!("names {decision:?}, which is not a decision in the repository"),
            ),
            Some((_, count)) if path.number as usize > *count => file.error(
                "unknown-condition",
                file.field("condition"),
                match count {
                    0 => "the decision sets no conditions".to_owned(),
                    1 => "the decision sets one condition (1)".to_owned(),
                    n => format!("the decision sets conditions 1 to {n}"),
                },
            ),
            Some((meeting, _)) if met.met_on < *meeting => file.error(
                "met-before-decision",
                file.field("met_on"),
                format!(
                    "met on {}, before the meeting of {meeting} that set the condition",
                    met.met_on
                ),
            ),
            Some(_) => {}
        }
        if let Some(panel) = &self.panel
            && panel.member(&met.recorder).is_none()
        {
            let pos = file.at("recorder", met.recorder.as_str(), 0);
            file.error(
                "unknown-member",
                pos,
                format!(
                    "{:?} (recorder) is not a member of the panel",
                    met.recorder.as_str()
                ),
            );
        }
        if met.evidence.trim().is_empty() {
            file.error(
                "no-evidence",
                file.field("evidence"),
                "say what the panel saw that shows the condition was met".into(),
            );
        }
    }

    /// Whether the file was among those checked, whether or not it could be parsed.
    fn exists(&self, path: PanelPath) -> bool {
        self.seen.contains(&path.to_string())
    }

    /// The rubric a school's submission for a year follows, by the one rule everything else
    /// uses ([`super::catalog::submission_rubric`]): its self-review's, else the school's.
    fn rubric_for(&self, school: &SchoolId, year: AcademicYear) -> Option<&Rubric> {
        let named = self
            .years
            .get(&(school.clone(), year))
            .and_then(|seen| seen.rubric.as_ref());
        super::catalog::submission_rubric(
            &self.rubrics,
            named,
            self.schools.get(school),
            self.panel.as_ref(),
        )
    }

    fn rubric_list(&self) -> String {
        if self.rubrics.is_empty() {
            "none".into()
        } else {
            self.rubrics
                .keys()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }
    }

    /// Cross-file checks that need every file, then the report.
    pub fn finish(mut self) -> Report {
        let push = |path: String, code: &'static str, message: String| Problem {
            path,
            position: None,
            severity: Severity::Error,
            code,
            message,
        };
        let mut extra = Vec::new();
        if !self.exists(PanelPath::Panel) {
            extra.push(push(
                "panel.ron".into(),
                "missing-file",
                "panel.ron is missing: a panel repository starts with it (kitemark init makes one)"
                    .into(),
            ));
        }
        for (school, first_path) in &self.school_dirs {
            if !self.exists(PanelPath::School(school.clone())) {
                extra.push(push(
                    first_path.clone(),
                    "missing-file",
                    format!(
                        "submissions/{school}/school.ron is missing: every school needs a profile"
                    ),
                ));
            }
        }
        for ((school, year), seen) in &self.years {
            if !seen.action_plan {
                extra.push(push(
                    format!("submissions/{school}/{year}/self-review.ron"),
                    "missing-file",
                    format!("the {year} submission has no action-plan.ron"),
                ));
            }
            // A warning, not an error: a school may send an updated action plan alone for
            // an annual review (the history then has the year's plan and no self-review),
            // and `submit` refuses only errors. An application needs both files.
            if !seen.self_review {
                extra.push(Problem {
                    severity: Severity::Warning,
                    ..push(
                        format!("submissions/{school}/{year}/action-plan.ron"),
                        "missing-file",
                        format!(
                            "the {year} submission has no self-review.ron: enough for an annual review of the plan, not for an application"
                        ),
                    )
                });
            }
        }
        if let Some(panel) = &self.panel {
            for member in &panel.members {
                for school in &member.affiliations {
                    // A member may well work at a school that has not applied yet, but a
                    // misspelt id would silently miss a conflict of interest: worth a warning.
                    if !self.exists(PanelPath::School(school.clone())) {
                        extra.push(Problem {
                            severity: Severity::Warning,
                            ..push(
                                "panel.ron".into(),
                                "unknown-school",
                                format!(
                                    "member {:?} is affiliated with {:?}, which has no school.ron yet; check the id, as conflicts are found by it",
                                    member.id.as_str(),
                                    school.as_str()
                                ),
                            )
                        });
                    }
                }
            }
        }
        for (id, path, text) in &self.successors {
            extra.extend(self.succession_problems(id, path, text));
        }
        for (path, target) in &self.supersedes {
            if !self.decisions.contains(target) {
                extra.push(push(
                    path.clone(),
                    "bad-supersedes",
                    format!("supersedes {target:?}, which does not exist"),
                ));
            }
        }
        self.problems.extend(extra);
        self.problems.sort_by(|a, b| {
            (&a.path, a.position, a.severity).cmp(&(&b.path, b.position, b.severity))
        });
        Report {
            files_checked: self.files_checked,
            problems: once_each(self.problems),
        }
    }
}

/// The same problem found at the same place many times (one per copy of a repeated entry)
/// said once, with how many times, in the order first found.
fn once_each(problems: Vec<Problem>) -> Vec<Problem> {
    let mut index: std::collections::HashMap<
        (String, Option<Position>, &'static str, String),
        usize,
    > = std::collections::HashMap::new();
    let mut out: Vec<(Problem, usize)> = Vec::with_capacity(problems.len());
    for problem in problems {
        let key = (
            problem.path.clone(),
            problem.position,
            problem.code,
            problem.message.clone(),
        );
        match index.get(&key) {
            Some(&i) => out[i].1 += 1,
            None => {
                index.insert(key, out.len());
                out.push((problem, 1));
            }
        }
    }
    out.into_iter()
        .map(|(mut problem, count)| {
            if count > 1 {
                problem.message.push_str(&format!(" ({count} times)"));
            }
            problem
        })
        .collect()
}

/// Reports the model's findings on a file as errors, each where the file shows it.
fn report(file: &mut FileCheck, findings: Vec<super::decide::Finding>) {
    for finding in findings {
        let pos = match &finding.at {
            super::decide::At::Value { field, value, nth } => file.at(field, value, *nth),
            super::decide::At::Field(field) => file.field(field),
        };
        file.error(finding.rule, pos, finding.message);
    }
}

/// The validator answers the meeting and decision rules from the files it has seen so far,
/// which include every panel, school and submission file (they come before meetings and
/// decisions).
impl super::decide::Facts for Validator {
    fn panel(&self) -> Option<&Panel> {
        self.panel.as_ref()
    }
    fn school_exists(&self, school: &SchoolId) -> bool {
        self.exists(PanelPath::School(school.clone()))
    }
    fn has_submission(&self, school: &SchoolId, year: AcademicYear) -> bool {
        self.years.contains_key(&(school.clone(), year))
    }
    fn meeting_exists(&self, date: Date) -> bool {
        self.exists(PanelPath::Meeting(date))
    }
    fn rubric_for(&self, school: &SchoolId, year: AcademicYear) -> Option<&Rubric> {
        Validator::rubric_for(self, school, year)
    }
}

// What a file's checks read of other files, beyond the rubrics and panel.ron (which every
// check may read). A file's problems can change only when it changes, when the rubrics or
// panel.ron change, or when a file it reads changes (is added, removed or edited); that is
// what lets a new commit be validated from the last one's report, rechecking only what the
// commit touches and what reads it. Every read of the validator's state about another file
// is here:
// - a school's profile: whether it exists (`school_exists`: a meeting's conflicts; the
//   panel's affiliations, in `finish`) and what it says (`rubric_for`, the school's rubric:
//   the agenda, decisions, reviews);
// - a submission's self-review and action plan: whether either exists (`has_submission`:
//   the agenda, decisions) and what the self-review says (`rubric_for`, its rubric);
// - a meeting's file: whether it exists (`meeting_exists`: decisions) and what it says
//   (`meetings.get`: reviews, proceedings);
// - a decision's file: whether it exists (`decisions.contains`: what a decision supersedes,
//   in `finish`) and what it says (`decision_conditions`: a condition met, which reads its
//   own decision, of the same school).
// Everything else a check reads is the file itself and its own school's files (its profile,
// its years' submissions for the action plan's rubric, `school_dirs` and `years` in
// `finish`): a school's files are checked together, and so are a date's meeting and
// proceedings. A name read from a file (a decision's school) may be another school's, so
// the reads are taken from what the file says, not from its path.

/// A file a check reads (at the path it would be at): only whether it is there, or also
/// what it says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Read {
    Exists(String),
    Says(String),
}

impl Read {
    pub fn path(&self) -> &str {
        match self {
            Read::Exists(path) | Read::Says(path) => path,
        }
    }
}

/// What `has_submission` and `rubric_for` read of a submission: whether its files are
/// there, its self-review's rubric and its school's.
fn submission_reads(school: &SchoolId, year: AcademicYear, out: &mut Vec<Read>) {
    out.push(Read::Says(PanelPath::School(school.clone()).to_string()));
    out.push(Read::Says(
        PanelPath::SelfReview(school.clone(), year).to_string(),
    ));
    out.push(Read::Exists(
        PanelPath::ActionPlan(school.clone(), year).to_string(),
    ));
}

fn panel_reads(panel: &Panel) -> Vec<Read> {
    panel
        .members
        .iter()
        .flat_map(|m| &m.affiliations)
        .map(|school| Read::Exists(PanelPath::School(school.clone()).to_string()))
        .collect()
}

fn meeting_reads(meeting: &Meeting) -> Vec<Read> {
    let mut out = Vec::new();
    for item in &meeting.agenda {
        submission_reads(&item.school, item.year, &mut out);
    }
    for conflict in &meeting.conflicts {
        out.push(Read::Exists(
            PanelPath::School(conflict.school.clone()).to_string(),
        ));
    }
    out
}

fn decision_reads(decision: &Decision) -> Vec<Read> {
    let mut out = Vec::new();
    submission_reads(&decision.school, decision.year, &mut out);
    out.push(Read::Exists(
        PanelPath::Meeting(decision.meeting).to_string(),
    ));
    out.extend(decision.supersedes.iter().cloned().map(Read::Exists));
    out
}

fn review_reads(review: &crate::model::Review) -> Vec<Read> {
    let mut out = Vec::new();
    submission_reads(&review.school, review.year, &mut out);
    out.push(Read::Says(PanelPath::Meeting(review.meeting).to_string()));
    out
}

fn proceedings_reads(proceedings: &crate::model::Proceedings) -> Vec<Read> {
    vec![Read::Says(
        PanelPath::Meeting(proceedings.meeting).to_string(),
    )]
}

/// The files the checks of a file with this text read beyond the rubrics and panel.ron:
/// what [`Validator::take_reads`] gives for the file once checked. A file that does not
/// parse reads nothing.
pub fn reads(kind: &PanelPath, text: &str) -> Vec<Read> {
    fn parsed<T: DeserializeOwned>(text: &str, reads: fn(&T) -> Vec<Read>) -> Vec<Read> {
        from_ron::<T>(text).map(|v| reads(&v)).unwrap_or_default()
    }
    match kind {
        PanelPath::Panel => parsed(text, panel_reads),
        PanelPath::Meeting(_) => parsed(text, meeting_reads),
        PanelPath::Decision(_) => parsed(text, decision_reads),
        PanelPath::Review(_) => parsed(text, review_reads),
        PanelPath::Proceedings(_) => parsed(text, proceedings_reads),
        PanelPath::Rubric(_)
        | PanelPath::School(_)
        | PanelPath::SelfReview(..)
        | PanelPath::ActionPlan(..)
        | PanelPath::ConditionMet(_) => Vec::new(),
    }
}

/// Checks a whole set of files given as (path, text), in any order.
pub fn validate_files(mode: Mode, files: &[(String, String)]) -> Report {
    let mut sorted: Vec<(Classified, &String, &String)> = files
        .iter()
        .map(|(path, text)| (classify(path), path, text))
        .collect();
    sorted.sort_by(|a, b| match (&a.0, &b.0) {
        (Classified::File(x), Classified::File(y)) => x.cmp(y),
        (Classified::File(_), _) => std::cmp::Ordering::Greater,
        (_, Classified::File(_)) => std::cmp::Ordering::Less,
        _ => a.1.cmp(b.1),
    });
    let mut validator = Validator::new(mode);
    for (_, path, text) in sorted {
        validator.check(path, text);
    }
    validator.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! base_file {
        ($path:literal) => {
            (
                $path.to_owned(),
                include_str!(concat!("../../tests/fixtures/base/", $path)).to_owned(),
            )
        };
    }

    fn base() -> Vec<(String, String)> {
        vec![
            base_file!("panel.ron"),
            base_file!("rubrics/mini.ron"),
            base_file!("submissions/oak/school.ron"),
            base_file!("submissions/oak/2025-26/self-review.ron"),
            base_file!("submissions/oak/2025-26/action-plan.ron"),
            base_file!("meetings/2025-11-12.ron"),
            base_file!("decisions/oak/2025-26/2025-11-12-initial.ron"),
        ]
    }

    /// The base with one file's text edited.
    fn edited(path: &str, edit: impl Fn(&str) -> String) -> Vec<(String, String)> {
        let mut files = base();
        let file = files
            .iter_mut()
            .find(|(p, _)| p == path)
            .expect("base file");
        let new = edit(&file.1);
        assert_ne!(new, file.1, "the edit must change {path}");
        file.1 = new;
        files
    }

    type Found = (String, Option<(usize, usize)>, &'static str);

    fn problems(files: &[(String, String)]) -> Vec<Found> {
        validate_files(Mode::Repository, files)
            .problems
            .into_iter()
            .map(|p| (p.path, p.position.map(|x| (x.line, x.col)), p.code))
            .collect()
    }

    fn codes(files: &[(String, String)]) -> Vec<&'static str> {
        problems(files).into_iter().map(|(_, _, c)| c).collect()
    }

    const REVIEW: &str = "submissions/oak/2025-26/self-review.ron";
    const PLAN: &str = "submissions/oak/2025-26/action-plan.ron";
    const DECISION: &str = "decisions/oak/2025-26/2025-11-12-initial.ron";
    const MEETING: &str = "meetings/2025-11-12.ron";

    #[test]
    fn names_that_cannot_be_commit_authors_are_errors_where_they_are() {
        for bad in [
            "Ben\\nNurse",
            "Ben <Nurse>",
            "Ben\\u{1b}]52;c;eA==\\u{7}",
            "Ben\\u{202e}",
        ] {
            let files = edited("panel.ron", |t| {
                t.replace("\"Ben Nurse\"", &format!("\"{bad}\""))
            });
            let found: Vec<Found> = problems(&files)
                .into_iter()
                .filter(|(_, _, c)| *c == "bad-name")
                .collect();
            assert_eq!(
                found,
                vec![("panel.ron".to_owned(), Some((18, 13)), "bad-name")],
                "{bad}"
            );
        }
        let files = edited("submissions/oak/school.ron", |t| {
            t.replace("\"Eve Lead\"", "\"Eve\\r\\nLead\"")
        });
        assert_eq!(
            problems(&files),
            vec![(
                "submissions/oak/school.ron".to_owned(),
                Some((8, 13)),
                "bad-name"
            )]
        );
        let files = edited("panel.ron", |t| {
            t.replacen("@panel.example.org", "@panel.example.org>", 1)
        });
        assert_eq!(codes(&files), vec!["bad-email"]);
    }

    #[test]
    fn the_base_fixture_is_clean() {
        assert_eq!(problems(&base()), vec![]);
    }

    #[test]
    fn unknown_areas_are_reported_where_they_are() {
        let files = edited(PLAN, |t| {
            t.replacen("area: \"student-voice\"", "area: \"wellbeing\"", 1)
        });
        assert_eq!(
            problems(&files),
            vec![(PLAN.to_owned(), Some((19, 13)), "unknown-area")]
        );
        let files = edited(REVIEW, |t| {
            t.replacen("area: \"student-voice\"", "area: \"voice\"", 1)
        });
        assert_eq!(
            codes(&files),
            vec!["missing-area", "unknown-area"],
            "{:?}",
            problems(&files)
        );
    }

    #[test]
    fn duplicate_action_ids_point_at_the_second() {
        let files = edited(PLAN, |t| t.replacen("id: \"SV-1\"", "id: \"LM-1\"", 1));
        assert_eq!(
            problems(&files),
            vec![(PLAN.to_owned(), Some((18, 13)), "duplicate-id")]
        );
    }

    #[test]
    fn levels_must_be_on_the_scale() {
        let files = edited(REVIEW, |t| {
            t.replacen("level: \"developing\"", "level: \"outstanding\"", 1)
        });
        assert_eq!(codes(&files), vec!["unknown-level"]);
    }

    #[test]
    fn outcomes_must_belong_to_the_kind() {
        let files = edited(DECISION, |t| {
            t.replacen("outcome: \"awarded\"", "outcome: \"accepted\"", 1)
        });
        let found = validate_files(Mode::Repository, &files);
        assert_eq!(found.problems.len(), 1, "{:?}", found.problems);
        assert_eq!(found.problems[0].code, "bad-outcome");
        assert!(
            found.problems[0]
                .message
                .contains("allowed: awarded, awarded-with-conditions")
        );
    }

    #[test]
    fn conditions_are_required_where_the_outcome_needs_them() {
        let files = edited(DECISION, |t| {
            t.replacen(
                "outcome: \"awarded\"",
                "outcome: \"awarded-with-conditions\"",
                1,
            )
        });
        assert_eq!(codes(&files), vec!["missing-conditions"]);
    }

    #[test]
    fn bad_ids_years_and_dates_are_syntax_errors_with_positions() {
        let files = edited(REVIEW, |t| {
            t.replacen("school: \"oak\"", "school: \"../../etc\"", 1)
        });
        let found = problems(&files);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].2, "syntax");
        assert_eq!(found[0].1.map(|p| p.0), Some(2));

        let files = edited(REVIEW, |t| {
            t.replacen("year: \"2025-26\"", "year: \"2025-27\"", 1)
        });
        assert_eq!(codes(&files), vec!["syntax"]);

        let files = edited(PLAN, |t| {
            t.replacen("due: \"2026-03-31\"", "due: \"2026-02-30\"", 1)
        });
        let found = problems(&files);
        assert_eq!(found[0].2, "syntax");
        assert_eq!(found[0].1.map(|p| p.0), Some(12));
    }

    #[test]
    fn content_must_agree_with_the_path() {
        let mut files = edited(REVIEW, |t| {
            t.replacen("school: \"oak\"", "school: \"elm\"", 1)
        });
        files.push((
            "submissions/elm/school.ron".into(),
            base()[2].1.replace("\"oak\"", "\"elm\""),
        ));
        assert_eq!(
            problems(&files),
            vec![(REVIEW.to_owned(), Some((2, 5)), "path-mismatch")]
        );
    }

    #[test]
    fn due_dates_before_start_dates() {
        let files = edited(PLAN, |t| {
            t.replacen("due: \"2026-03-31\"", "due: \"2025-08-01\"", 1)
        });
        assert_eq!(codes(&files), vec!["bad-dates"]);
    }

    #[test]
    fn decisions_must_name_their_objects_in_a_repository() {
        let files = edited(DECISION, |t| {
            let start = t.find("    made_on").unwrap();
            let end = t.rfind(")").unwrap();
            format!("{}{}", &t[..start], &t[end..])
        });
        assert_eq!(codes(&files), vec!["no-made-on"]);
        assert!(
            validate_files(Mode::BundledSource, &files)
                .problems
                .is_empty()
        );
    }

    #[test]
    fn a_record_of_a_condition_met_names_one_that_exists() {
        const MET: &str = "conditions/oak/2025-26/2025-11-12-initial/1.ron";
        let record = |decision: &str, n: u32, on: &str, recorder: &str, evidence: &str| {
            format!(
                "(\n    decision: \"{decision}\",\n    condition: {n},\n    met_on: \"{on}\",\n    evidence: \"{evidence}\",\n    recorder: \"{recorder}\",\n)\n"
            )
        };
        let with_condition = |met: String| {
            let mut files = edited(DECISION, |t| {
                t.replacen("outcome: \"awarded\"", "outcome: \"awarded-with-conditions\"", 1)
                    .replacen(
                        "    participants",
                        "    conditions: [(text: \"Publish the policy.\", due: \"2026-03-31\")],\n    participants",
                        1,
                    )
            });
            files.push((MET.to_owned(), met));
            files
        };
        let good = record(
            DECISION,
            1,
            "2026-02-02",
            "nurse",
            "The policy is on the website.",
        );
        assert_eq!(codes(&with_condition(good.clone())), Vec::<&str>::new());
        let mut no_conditions = base();
        no_conditions.push((MET.to_owned(), good.clone()));
        assert_eq!(codes(&no_conditions), vec!["unknown-condition"]);
        let second = with_condition(good.replace("condition: 1", "condition: 2"));
        assert_eq!(codes(&second), vec!["path-mismatch"]);
        let mut elsewhere = with_condition(good.clone());
        elsewhere.last_mut().unwrap().0 = "conditions/oak/2025-26/2025-11-12-initial/2.ron".into();
        assert_eq!(
            codes(&elsewhere),
            vec!["path-mismatch", "unknown-condition"]
        );
        let early = record(DECISION, 1, "2025-11-01", "nurse", "Seen.");
        assert_eq!(codes(&with_condition(early)), vec!["met-before-decision"]);
        let stranger = record(DECISION, 1, "2026-02-02", "nobody", "Seen.");
        assert_eq!(codes(&with_condition(stranger)), vec!["unknown-member"]);
        let silent = record(DECISION, 1, "2026-02-02", "nurse", " ");
        assert_eq!(codes(&with_condition(silent)), vec!["no-evidence"]);
        let mut orphan = base();
        orphan.push((
            "conditions/oak/2025-26/2025-12-10-initial/1.ron".into(),
            record(
                "decisions/oak/2025-26/2025-12-10-initial.ron",
                1,
                "2026-02-02",
                "nurse",
                "Seen.",
            ),
        ));
        assert_eq!(codes(&orphan), vec!["unknown-decision"]);
    }

    #[test]
    fn meeting_rules() {
        let files = edited(MEETING, |t| {
            t.replacen("present: [\"chair\", ", "present: [", 1)
        });
        assert_eq!(codes(&files), vec!["chair-absent"]);
        let files = edited(MEETING, |t| {
            t.replacen("\"psych\", \"head\"]", "\"psych\", \"nobody\"]", 1)
        });
        assert_eq!(codes(&files), vec!["unknown-member"]);
        let files = edited(MEETING, |t| {
            t.replacen("kind: \"initial\"", "kind: \"renewal\"", 1)
        });
        assert_eq!(codes(&files), vec!["unknown-kind"]);
    }

    #[test]
    fn scores_within_their_criteria() {
        let files = edited(REVIEW, |t| t.replacen("\"lm-1\": 2", "\"lm-1\": 4", 1));
        assert_eq!(codes(&files), vec!["score-out-of-range"]);
        let files = edited(REVIEW, |t| t.replacen("\"lm-1\": 2", "\"sv-1\": 2", 1));
        assert_eq!(codes(&files), vec!["unknown-criterion"]);
    }

    #[test]
    fn missing_files_and_references() {
        let files: Vec<_> = base().into_iter().filter(|(p, _)| p != PLAN).collect();
        assert_eq!(codes(&files), vec!["missing-file"]);
        let files: Vec<_> = base()
            .into_iter()
            .filter(|(p, _)| p != "panel.ron")
            .collect();
        assert!(codes(&files).contains(&"missing-file"));
        let files = edited(DECISION, |t| {
            t.replacen(
                "    recorder",
                "    supersedes: \"decisions/oak/2025-26/2025-01-01-initial.ron\",\n    recorder",
                1,
            )
        });
        assert_eq!(codes(&files), vec!["bad-supersedes"]);
    }

    #[test]
    fn a_correction_on_the_day_is_numbered_after_the_decision_it_corrects() {
        let correction = |t: &str| {
            t.replacen(
                "    recorder",
                &format!("    supersedes: \"{DECISION}\",\n    recorder"),
                1,
            )
        };
        let mut files = base();
        let text = files
            .iter()
            .find(|(p, _)| p == DECISION)
            .map(|(_, t)| t.clone())
            .unwrap();
        let second = DECISION.replace(".ron", ".2.ron");
        files.push((second.clone(), correction(&text)));
        assert_eq!(codes(&files), Vec::<&str>::new());

        // Numbered, but superseding nothing of that meeting.
        let mut files = base();
        files.push((second.clone(), text.clone()));
        assert_eq!(codes(&files), vec!["path-mismatch"]);

        // Superseding the decision of the day, but under a name of its own kind.
        let mut files: Vec<_> = base();
        files.push((DECISION.replace(".ron", ".3.ron"), correction(&text)));
        assert_eq!(codes(&files), vec!["path-mismatch"]);
    }

    #[test]
    fn rubric_inconsistencies() {
        let files = edited("rubrics/mini.ron", |t| {
            t.replacen("Grant(award: \"extra\"", "Grant(award: \"gold\"", 1)
        });
        assert_eq!(codes(&files), vec!["rubric"]);
    }

    #[test]
    fn control_characters_and_conflict_markers() {
        let files = edited(REVIEW, |t| {
            t.replacen(
                "The school council",
                "The \u{1b}[2J school \\u{1b}]52;x council",
                1,
            )
        });
        let found = problems(&files);
        assert_eq!(
            found,
            vec![
                (REVIEW.to_owned(), Some((29, 30)), "control-character"),
                (REVIEW.to_owned(), Some((29, 42)), "control-character"),
            ]
        );
        let files = edited(PLAN, |t| {
            t.replacen("    actions: [", "<<<<<<< HEAD\n    actions: [", 1)
        });
        assert_eq!(
            problems(&files),
            vec![(PLAN.to_owned(), Some((5, 1)), "merge-conflict")]
        );
    }

    #[test]
    fn unknown_fields_name_the_alternatives() {
        let files = edited(PLAN, |t| t.replacen("owner:", "ownr:", 1));
        let report = validate_files(Mode::Repository, &files);
        assert_eq!(report.problems.len(), 1);
        assert!(
            report.problems[0]
                .message
                .contains("unknown field `ownr` in an action"),
            "{}",
            report.problems[0].message
        );
    }
}
