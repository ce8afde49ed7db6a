//! Preparing and committing the panel's work: one service under both the command line and
//! the interface, so that a decision or a meeting is checked by the same rules, written as
//! the same file and committed with the same message whichever way it was entered.
//!
//! [`prepare_decision`] and [`prepare_meeting`] turn a draft and what was read (a
//! [`Context`]) into a [`Plan`], as [`prepare_submission`] does with a school's files: the file, the commit message, its author and signer, and
//! what stands in the way. They write nothing. [`commit`] writes a plan under the write lock,
//! on the commit it was prepared from, and says truthfully what happened. [`Preview`] is a
//! plan made safe for the terminal.

mod condition;
pub mod enbloc;
pub mod inbox;
mod proceedings;
mod review;
mod submission;
pub mod sync;

use std::collections::BTreeSet;

use crate::model::catalog::Catalog;
use crate::model::decide::{
    CatalogFacts, Refusal, affiliation_conflicts, check, check_meeting, meeting_ahead, path_of,
};
use crate::model::draft::{DecisionDraft, MeetingDraft};
use crate::model::format::to_ron;
use crate::model::layout::PanelPath;
use crate::model::text::{sanitize, sanitize_inline, written_problems};
use crate::model::{AcademicYear, Identity, ObjectId, SchoolId, message};
use crate::repo::sign::Signer;
use crate::repo::write::{CommitSpec, WriteError, WriteLock};
use crate::repo::{PanelRepo, Snapshot};

pub use condition::{ConditionMetDraft, NAMING_RULES, prepare_condition_met};
pub use proceedings::prepare_proceedings;
pub use review::{prepare_review, started as meeting_started_for_reviews};
pub use submission::{SubmissionDraft, prepare_submission, workbook_draft};

/// What was read, that a draft is checked against and built on.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub repo: &'a PanelRepo,
    pub snapshot: &'a Snapshot,
    pub catalog: &'a Catalog,
    /// Whether signing may ask at the terminal (for a passphrase): the command line may, the
    /// interface, which owns the terminal, may not.
    pub interactive: bool,
    /// The day the work is done (the clock, or the day the user works as if it were): no
    /// decision is recorded for a meeting after it.
    pub today: jiff::civil::Date,
}

/// What recording would write, and what stands in the way.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Each file's path in the repository and its text, as they will be committed: one for a
    /// decision or a meeting, none while the draft is unfinished.
    pub files: Vec<(String, String)>,
    pub message: String,
    /// The commit's author (and committer): the recorder or the chair, from panel.ron.
    pub author: Option<Identity>,
    pub signer: Option<Signer>,
    /// What the draft still lacks before it can be checked (the form's own questions).
    pub missing: Vec<String>,
    /// Each rule that refuses it, by code.
    pub refusals: Vec<Refusal>,
    /// What does not prevent recording but the person should know.
    pub warnings: Vec<String>,
    /// The commit it was read from and must be recorded on.
    pub parent: ObjectId,
    /// The file would be as it is already: the command line records it (with a warning),
    /// the interface has nothing to record and says so.
    pub unchanged: bool,
}

impl Plan {
    fn unfinished(missing: Vec<String>, parent: ObjectId) -> Plan {
        Plan {
            files: Vec::new(),
            message: String::new(),
            author: None,
            signer: None,
            missing,
            refusals: Vec::new(),
            warnings: Vec::new(),
            parent,
            unchanged: false,
        }
    }

    /// The (first) file's path; empty while the draft is unfinished.
    pub fn path(&self) -> &str {
        self.files.first().map_or("", |(path, _)| path)
    }

    /// The (first) file's text, as it will be committed.
    pub fn text(&self) -> &str {
        self.files.first().map_or("", |(_, text)| text)
    }

    /// Whether it may be committed: finished, refused by no rule, with an author.
    pub fn may_record(&self) -> bool {
        self.missing.is_empty() && self.refusals.is_empty() && self.author.is_some()
    }

    /// What stands in the way, in words: what is missing, then each refusal with its code.
    pub fn problems(&self) -> Vec<String> {
        self.missing
            .iter()
            .cloned()
            .chain(self.refusals.iter().map(Refusal::to_string))
            .collect()
    }

    /// The plan made safe for the terminal, for the interface's preview.
    pub fn preview(&self) -> Preview {
        let clean = |v: Vec<String>| -> Vec<String> {
            v.iter().map(|p| sanitize_inline(p).into_owned()).collect()
        };
        Preview {
            path: sanitize_inline(self.path()).into_owned(),
            file: sanitize(self.text()).into_owned(),
            message: sanitize(&self.message).into_owned(),
            problems: clean(self.problems()),
            warnings: clean(self.warnings.clone()),
            author: self
                .author
                .as_ref()
                .map(|a| sanitize_inline(&format!("{} <{}>", a.name, a.email)).into_owned())
                .unwrap_or_default(),
            parent: self.parent.short().to_owned(),
            unchanged: self.unchanged,
        }
    }
}

/// What recording would write, made safe for the terminal: what the interface shows before
/// it records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preview {
    pub path: String,
    /// The file's text, made safe for the terminal.
    pub file: String,
    pub message: String,
    /// Each rule that refuses it, or each part still missing; empty when it can be recorded.
    pub problems: Vec<String>,
    /// Warnings that do not prevent recording.
    pub warnings: Vec<String>,
    /// Who the commit is authored by.
    pub author: String,
    /// The commit it would build on (short id).
    pub parent: String,
    /// It would change nothing: the interface has nothing to record.
    pub unchanged: bool,
}

/// Text a file could not hold (control characters, escape sequences), by field: refused as
/// `validate` would refuse the file.
fn written<T: serde::Serialize>(what: &str, value: &T) -> Vec<Refusal> {
    written_problems(value)
        .into_iter()
        .map(|p| Refusal {
            rule: "control-character",
            message: format!("the {what}'s {p}"),
        })
        .collect()
}

/// The file's text, or a refusal saying it cannot be written (and no text): the one place a
/// recorded value becomes RON.
fn ron_text<T: serde::Serialize>(what: &str, value: &T, refusals: &mut Vec<Refusal>) -> String {
    to_ron(value).unwrap_or_else(|e| {
        refusals.push(Refusal {
            rule: "syntax",
            message: format!("the {what} cannot be written as RON: {e}"),
        });
        String::new()
    })
}

/// The warning for attendance short of a quorum, worded once.
fn quorum_warning(short: &str) -> String {
    format!("{short}; no decision can be recorded at this meeting")
}

/// A decision from its draft, checked against what was read: its file, with `made_on` naming
/// the submission as read, and its commit by the recorder. Participants are sorted and
/// deduplicated (by the draft) before any rule is checked.
pub fn prepare_decision(ctx: Context, draft: &DecisionDraft) -> Plan {
    let parent = ctx.snapshot.commit_id();
    let mut decision = match draft.to_decision() {
        Ok(decision) => decision,
        Err(missing) => return Plan::unfinished(missing, parent),
    };
    decision.made_on = ctx.repo.submission_ref(
        ctx.snapshot,
        &decision.school,
        decision.year,
        &ctx.catalog.made_on_commits(&decision.school, decision.year),
    );
    // An unreadable self-review is the validator's to report; here the evidence rules say
    // they cannot be checked.
    let review = ctx
        .repo
        .self_review(ctx.snapshot, &decision.school, decision.year)
        .unwrap_or(None);
    let catalog = ctx.catalog;
    // A graded mark's grade is never typed: it is what the scores, as moderated, earn. Where
    // they earn none, the refusal says why, since there is no grade for the panel to give.
    let mut no_grade = None;
    if let Some(rubric) = catalog.rubric_for_submission(&decision.school, review.as_ref())
        && crate::model::scores::needs_grade(rubric, &decision)
    {
        decision.grade = review
            .as_ref()
            .and_then(|r| crate::model::scores::awarded_grade(rubric, &decision, r));
        if decision.grade.is_none() {
            no_grade = Some(
                match review.as_ref().and_then(|r| {
                    crate::model::scores::score_sheet(rubric, r, decision.moderation.as_ref())
                }) {
                    Some(sheet) => format!(
                        "the scores total {} of {}, below the lowest grade of {:?}, so the mark cannot be awarded or continued at any grade",
                        sheet.total,
                        sheet.max,
                        rubric.id.as_str()
                    ),
                    None => format!(
                        "the self-review of {} {} could not be read, so there are no scores to grade (run kitemark validate)",
                        decision.school, decision.year
                    ),
                },
            );
        }
    }
    let mut refusals = check(catalog, &decision, review.as_ref());
    if let Some(message) = no_grade {
        refusals.retain(|r| r.rule != "missing-grade");
        refusals.push(Refusal {
            rule: "missing-grade",
            message,
        });
    }
    refusals.extend(meeting_ahead(&decision, ctx.today));
    refusals.extend(written("decision", &decision));
    let author = catalog
        .panel
        .member(&decision.recorder)
        .map(|m| m.identity());
    // `check` refuses a recorder who is not a member; an author is never made up.
    if author.is_none() && !refusals.iter().any(|r| r.rule == "unknown-member") {
        refusals.push(Refusal {
            rule: "unknown-member",
            message: format!(
                "{:?} (recorder) is not a member of the panel",
                decision.recorder.as_str()
            ),
        });
    }
    let mut warnings = Vec::new();
    if decision.feedback.trim().is_empty() {
        warnings.push("there is no overall feedback to the school".to_owned());
    }
    let text = ron_text("decision", &decision, &mut refusals);
    let present = catalog
        .meetings
        .get(&decision.meeting)
        .map(|m| m.present.clone())
        .unwrap_or_default();
    // The commit that submitted the files decided on, which `made_on` names too; with no
    // submission to name (refused above), the commit the decision builds on.
    let submission_commit = decision
        .made_on
        .as_ref()
        .map_or_else(|| parent.clone(), |m| m.commit.clone());
    Plan {
        files: vec![(path_of(&decision), text)],
        message: message::decision(&decision, &present, &submission_commit),
        signer: crate::repo::sign::signer_for(&catalog.panel, &decision.recorder, ctx.interactive),
        author,
        missing: Vec::new(),
        refusals,
        warnings,
        parent,
        unchanged: false,
    }
}

/// A meeting's record from its draft, checked by the validator's meeting rules, with the
/// conflicts that follow from affiliations added: its file, and its commit by the chair.
pub fn prepare_meeting(ctx: Context, draft: &MeetingDraft) -> Plan {
    let parent = ctx.snapshot.commit_id();
    // Attendance or a conflict recorded after the readers were set takes an unfit reader off
    // the item, from the command line and the form alike.
    let mut draft = draft.clone();
    let recorded = ctx
        .catalog
        .meetings
        .get(&draft.date)
        .map_or(&[][..], |m| &m.readers[..]);
    let readers_dropped = draft.drop_unfit_readers(&ctx.catalog.panel, recorded);
    let mut meeting = match draft.to_meeting() {
        Ok(meeting) => meeting,
        Err(missing) => return Plan::unfinished(missing, parent),
    };
    let catalog = ctx.catalog;
    meeting
        .conflicts
        .extend(affiliation_conflicts(&catalog.panel, &meeting));
    // The rubric each agenda item's self-review names; a self-review that cannot be read
    // names none, and the school's is used.
    let mut rules = CatalogFacts::new(catalog);
    let items: BTreeSet<(&SchoolId, AcademicYear)> =
        meeting.agenda.iter().map(|i| (&i.school, i.year)).collect();
    for (school, year) in items {
        if let Ok(Some(review)) = ctx.repo.self_review(ctx.snapshot, school, year) {
            rules.naming(school.clone(), year, review.rubric);
        }
    }
    let mut refusals = check_meeting(&rules, &meeting);
    refusals.extend(written("meeting", &meeting));
    let author = catalog.panel.member(&meeting.chair).map(|m| m.identity());
    let mut warnings = readers_dropped;
    if !meeting.present.is_empty()
        && let Err(short) = catalog.panel.quorum_check(&meeting.present)
    {
        warnings.push(quorum_warning(&short.to_string()));
    }
    let unchanged = catalog.meetings.get(&meeting.date) == Some(&meeting);
    if unchanged {
        warnings.push("nothing has changed since the meeting was last recorded".into());
    }
    let text = ron_text("meeting", &meeting, &mut refusals);
    Plan {
        files: vec![(PanelPath::Meeting(meeting.date).to_string(), text)],
        message: message::meeting(
            meeting.date,
            &meeting.chair,
            &meeting.present,
            meeting.agenda.len(),
        ),
        signer: crate::repo::sign::signer_for(&catalog.panel, &meeting.chair, ctx.interactive),
        author,
        missing: Vec::new(),
        refusals,
        warnings,
        parent,
        unchanged,
    }
}

/// A plan committed: the commit on the branch, and what else the person should know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub commit: ObjectId,
    /// What could not be brought up to date after the commit (the next kitemark finishes
    /// it), and why it is unsigned although its author has keys.
    pub notes: Vec<String>,
}

/// Why a plan was not committed. Nothing was recorded.
#[derive(Debug)]
pub enum NotRecorded {
    /// What is missing and the rules that refuse it.
    Refused(Vec<String>),
    /// The write did not happen (a lock, the branch moved, a bad identity, ...).
    Write(WriteError),
}

impl NotRecorded {
    /// The branch moved since the plan was read: read, check and prepare again.
    pub fn moved(&self) -> bool {
        matches!(self, NotRecorded::Write(WriteError::BranchMoved { .. }))
    }
}

impl std::fmt::Display for NotRecorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotRecorded::Refused(problems) => write!(f, "refused: {}", problems.join("; ")),
            NotRecorded::Write(e) => e.fmt(f),
        }
    }
}

/// Commits a plan as one commit of its one file, on the commit it was prepared from, under
/// the write lock; a plan that may not be recorded is refused without touching anything.
pub fn commit(repo: &PanelRepo, lock: &WriteLock, plan: &Plan) -> Result<Recorded, NotRecorded> {
    let author = match &plan.author {
        Some(author) if plan.may_record() => author.clone(),
        _ => return Err(NotRecorded::Refused(plan.problems())),
    };
    let spec = CommitSpec {
        files: plan
            .files
            .iter()
            .map(|(path, text)| (path.clone(), text.clone().into_bytes()))
            .collect(),
        message: plan.message.clone(),
        author: author.clone(),
        committer: author,
        when: None,
        sign: plan.signer.clone(),
    };
    let recorded = repo
        .commit_files(lock, Some(&plan.parent), &spec)
        .map_err(NotRecorded::Write)?;
    Ok(Recorded {
        commit: recorded.commit,
        notes: recorded
            .unfinished
            .into_iter()
            .chain(recorded.unsigned)
            .collect(),
    })
}

/// How many times a recording reads, checks and records again when someone else's commit
/// moved the branch between its reading and its recording. A plain `git commit` releases the
/// index before it moves the branch, so even a reserved index leaves it a moment to win.
pub const ATTEMPTS: usize = 5;

/// What became of one attempt to record.
#[derive(Debug)]
pub enum Attempt<T> {
    /// Finished: recorded, refused, or shown without recording.
    Done(T),
    /// The branch moved after it was read: read, check and record again.
    Moved(WriteError),
}

/// Runs `attempt` (read the branch, check, record) until it is done, again when the branch
/// moved in between, up to [`ATTEMPTS`] times. After a first loss git's index is reserved
/// before reading, so that a stream of ordinary `git commit`s cannot keep winning the race.
/// The inner `Err` is the write that never happened: the index could not be reserved, or the
/// branch moved every time.
pub fn with_attempts<T, E>(
    repo: &PanelRepo,
    lock: &WriteLock,
    mut attempt: impl FnMut() -> Result<Attempt<T>, E>,
) -> Result<Result<T, WriteError>, E> {
    let mut lost = 0;
    loop {
        match attempt()? {
            Attempt::Done(done) => return Ok(Ok(done)),
            Attempt::Moved(moved) => {
                lost += 1;
                if lost == ATTEMPTS {
                    return Ok(Err(moved));
                }
            }
        }
        if let Err(e) = repo.reserve_index(lock) {
            return Ok(Err(e));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        let parent: ObjectId = "0123456789abcdef0123456789abcdef01234567".parse().unwrap();
        let mut plan = Plan::unfinished(Vec::new(), parent);
        plan.files = vec![(
            "meetings/2026-12-02.ron".into(),
            "(\n    notes: \"\u{1b}[2J\",\n)\n".into(),
        )];
        plan.message = "Meeting 2026-12-02: agenda\n".into();
        plan.author = Some(Identity {
            name: "Ann \u{1b}[31mChair".into(),
            email: "ann@example.org".into(),
        });
        plan
    }

    #[test]
    fn the_preview_is_inert_and_the_plan_is_recordable_only_when_nothing_stands_in_the_way() {
        let mut plan = plan();
        assert!(plan.may_record());
        let preview = plan.preview();
        assert!(!preview.file.contains('\u{1b}'), "{:?}", preview.file);
        assert!(!preview.author.contains('\u{1b}'), "{:?}", preview.author);
        assert_eq!(preview.parent, "0123456");

        plan.refusals.push(Refusal {
            rule: "chair-absent",
            message: "the chair \"ann\" is not listed as present".into(),
        });
        assert!(!plan.may_record());
        assert_eq!(
            plan.preview().problems,
            vec!["the chair \"ann\" is not listed as present [chair-absent]"]
        );

        let mut nobody = self::plan();
        nobody.author = None;
        assert!(!nobody.may_record(), "never recorded by an empty identity");
        let unfinished = Plan::unfinished(vec!["choose the chair".into()], plan.parent.clone());
        assert!(!unfinished.may_record());
        assert_eq!(unfinished.problems(), vec!["choose the chair"]);
    }
}
