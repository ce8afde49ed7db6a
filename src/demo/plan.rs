//! The demo's history: the bundled files turned into an ordered list of commits, each at its
//! own date by its own author, oldest first. Pure: executing the plan is the demo command's job.

use std::collections::BTreeMap;

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{ToSpan, Zoned};

use super::{BundledFile, repo_path_for};
use crate::model::format::{parse_document, to_ron};
use crate::model::layout::{Classified, PanelPath, classify};
use crate::model::{
    AcademicYear, ActionPlan, Decision, Identity, Meeting, MemberId, Panel, School, SchoolId,
    SelfReview, message,
};

/// Marks the first commit of a demo repository, so that `kitemark demo` can tell its own.
pub const DEMO_TRAILER: &str = "Kitemark-Demo";
/// The demo format's version, written as the trailer's value.
pub const DEMO_VERSION: &str = "1";

/// A bundled file the demo cannot use.
#[derive(Debug, thiserror::Error)]
#[error("bundled demo file {path}: {message}")]
pub struct PlanError {
    pub path: String,
    pub message: String,
}

fn plan_error(path: &str, message: impl Into<String>) -> PlanError {
    PlanError {
        path: path.to_owned(),
        message: message.into(),
    }
}

/// A decision to commit once the submission it was made on is known.
#[derive(Debug, Clone)]
pub struct PendingDecision {
    pub path: String,
    pub decision: Decision,
    /// Members present at the meeting, for the commit's trailers.
    pub present: Vec<MemberId>,
}

/// What one commit of the demo history holds.
#[derive(Debug, Clone)]
pub enum StepContent {
    /// Files and a finished message.
    Files {
        files: Vec<(String, String)>,
        message: String,
    },
    /// A decision: its `made_on`, file and message are completed at commit time.
    Decision(Box<PendingDecision>),
}

/// One commit of the demo history.
#[derive(Debug, Clone)]
pub struct Step {
    pub when: Zoned,
    pub author: Identity,
    pub content: StepContent,
}

fn london() -> TimeZone {
    // The bundled tz database always has Europe/London; UTC is a harmless fallback.
    TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC)
}

/// A stable minute offset from a text, so that commit times look natural but never change.
fn jitter(seed: &str, range: i64) -> i64 {
    let hash = seed.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    (hash % range.max(1) as u64) as i64
}

fn at(date: Date, hour: i8, minute_offset: i64) -> Zoned {
    let base = date.to_datetime(Time::constant(hour, 0, 0, 0));
    let dt = base.checked_add(minute_offset.minutes()).unwrap_or(base);
    dt.to_zoned(london())
        .unwrap_or_else(|_| Zoned::new(jiff::Timestamp::UNIX_EPOCH, TimeZone::UTC))
}

struct Submission {
    school: SchoolId,
    year: AcademicYear,
    earlier: bool,
    files: Vec<(String, String)>,
    date: Option<Date>,
    submitted_by: String,
}

fn parse<T: serde::de::DeserializeOwned>(path: &str, text: &str) -> Result<T, PlanError> {
    parse_document(text).map_err(|e| {
        plan_error(
            path,
            format!("{}:{}: {}", e.position.line, e.position.col, e.message),
        )
    })
}

/// The demo history from the bundled files (paths under the bundled `submissions/` folder)
/// and the bundled rubrics (repository paths).
pub fn plan(
    bundled: &[(String, &str)],
    rubrics: &[(String, &str)],
) -> Result<Vec<Step>, PlanError> {
    let mut panel_text = None;
    let mut schools: BTreeMap<SchoolId, (String, School)> = BTreeMap::new();
    let mut submissions: BTreeMap<(SchoolId, AcademicYear, bool), Submission> = BTreeMap::new();
    let mut meetings: Vec<(String, Meeting)> = Vec::new();
    let mut decisions: Vec<(String, Decision)> = Vec::new();

    for (bundled_path, text) in bundled {
        let Some(BundledFile { path, earlier }) = repo_path_for(bundled_path) else {
            continue;
        };
        match classify(&path) {
            Classified::File(PanelPath::Panel) => panel_text = Some(text.to_string()),
            Classified::File(PanelPath::School(id)) => {
                let school: School = parse(bundled_path, text)?;
                schools.insert(id, (text.to_string(), school));
            }
            Classified::File(PanelPath::SelfReview(id, year) | PanelPath::ActionPlan(id, year)) => {
                let entry = submissions
                    .entry((id.clone(), year, earlier))
                    .or_insert_with(|| Submission {
                        school: id.clone(),
                        year,
                        earlier,
                        files: Vec::new(),
                        date: None,
                        submitted_by: String::new(),
                    });
                if path.ends_with("self-review.ron") {
                    let review: SelfReview = parse(bundled_path, text)?;
                    entry.date = Some(review.submitted);
                    entry.submitted_by = review.submitted_by;
                } else {
                    let plan: ActionPlan = parse(bundled_path, text)?;
                    entry.date.get_or_insert(plan.updated);
                }
                entry.files.push((path, text.to_string()));
            }
            Classified::File(PanelPath::Meeting(_)) => {
                meetings.push((path, parse(bundled_path, text)?))
            }
            Classified::File(PanelPath::Decision(_)) => {
                decisions.push((path, parse(bundled_path, text)?))
            }
            Classified::File(PanelPath::Rubric(_)) | Classified::Ignored => {}
            Classified::Unexpected { reason, .. } => return Err(plan_error(bundled_path, reason)),
        }
    }
    let panel_text = panel_text.ok_or_else(|| plan_error("_panel/panel.ron", "missing"))?;
    let panel: Panel = parse("_panel/panel.ron", &panel_text)?;
    let administrator = panel
        .members
        .iter()
        .find(|m| m.administrator)
        .or_else(|| panel.members.first())
        .ok_or_else(|| plan_error("_panel/panel.ron", "the demo panel needs members"))?
        .identity();
    let member = |id: &MemberId, path: &str| -> Result<Identity, PlanError> {
        panel
            .member(id)
            .map(|m| m.identity())
            .ok_or_else(|| plan_error(path, format!("{id} is not a panel member")))
    };

    let mut steps: Vec<(u8, Step)> = Vec::new();

    // Submissions, each version one commit by the school's main contact.
    let mut first_commit_of_school: BTreeMap<SchoolId, Date> = BTreeMap::new();
    for s in submissions.values() {
        let date = s
            .date
            .ok_or_else(|| plan_error(s.school.as_str(), "a submission without a date"))?;
        let first = first_commit_of_school
            .entry(s.school.clone())
            .or_insert(date);
        *first = (*first).min(date);
    }
    for s in submissions.values() {
        let (school_text, school) = schools
            .get(&s.school)
            .ok_or_else(|| plan_error(s.school.as_str(), "no school.ron"))?;
        let contact = school
            .main_contact()
            .ok_or_else(|| plan_error(s.school.as_str(), "the school has no contact"))?;
        let date = s.date.unwrap_or(Date::MIN);
        let mut files = s.files.clone();
        if first_commit_of_school.get(&s.school) == Some(&date) {
            files.push((
                format!("submissions/{}/school.ron", s.school),
                school_text.clone(),
            ));
        }
        let has_earlier = submissions.contains_key(&(s.school.clone(), s.year, true));
        let version = if !s.earlier && has_earlier { 2 } else { 1 };
        let who = if s.submitted_by.is_empty() {
            contact.name.clone()
        } else {
            s.submitted_by.clone()
        };
        let seed = format!("{}{}{}", s.school, s.year, s.earlier);
        steps.push((
            1,
            Step {
                when: at(date, 15, jitter(&seed, 170)),
                author: contact.identity(),
                content: StepContent::Files {
                    message: message::submission(&s.school, &school.name, s.year, version, &who),
                    files,
                },
            },
        ));
    }

    // Meetings: the agenda is published two weeks ahead; attendance is recorded on the day.
    meetings.sort_by_key(|(_, m)| m.date);
    // The version a meeting considers is the latest one submitted before it, which is not
    // always the current one (a resubmission can come after the meeting that asked for it).
    let considered_submission = |meeting: &Meeting| -> Option<Date> {
        meeting
            .agenda
            .iter()
            .flat_map(|item| {
                [true, false].into_iter().filter_map(|earlier| {
                    submissions
                        .get(&(item.school.clone(), item.year, earlier))
                        .and_then(|s| s.date)
                        .filter(|d| *d < meeting.date)
                })
            })
            .max()
    };
    for (path, meeting) in &meetings {
        let mut agenda_day = meeting.date.checked_sub(14.days()).unwrap_or(meeting.date);
        if let Some(latest) = considered_submission(meeting) {
            agenda_day = agenda_day.max(latest.checked_add(1.day()).unwrap_or(latest));
        }
        // The panel's coordinator publishes the agenda: an administrator other than the chair
        // where there is one.
        let publisher = panel
            .members
            .iter()
            .filter(|m| m.administrator)
            .find(|m| m.id != meeting.chair)
            .map_or_else(|| administrator.clone(), |m| m.identity());
        let agenda_only = Meeting {
            present: Vec::new(),
            conflicts: if meeting.present.is_empty() {
                meeting.conflicts.clone()
            } else {
                Vec::new()
            },
            notes: String::new(),
            ..meeting.clone()
        };
        let text = to_ron(&agenda_only).map_err(|e| plan_error(path, e.to_string()))?;
        steps.push((
            2,
            Step {
                when: at(agenda_day, 11, jitter(path, 50)),
                author: publisher,
                content: StepContent::Files {
                    files: vec![(path.clone(), text)],
                    message: message::meeting(
                        meeting.date,
                        &meeting.chair,
                        &[],
                        meeting.agenda.len(),
                    ),
                },
            },
        ));
        if !meeting.present.is_empty() {
            let text = to_ron(meeting).map_err(|e| plan_error(path, e.to_string()))?;
            steps.push((
                2,
                Step {
                    when: at(meeting.date, 9, 30 + jitter(path, 10)),
                    author: member(&meeting.chair, path)?,
                    content: StepContent::Files {
                        files: vec![(path.clone(), text)],
                        message: message::meeting(
                            meeting.date,
                            &meeting.chair,
                            &meeting.present,
                            meeting.agenda.len(),
                        ),
                    },
                },
            ));
        }
    }

    // Decisions, in agenda order through the morning, each by its recorder.
    for (path, decision) in decisions {
        let meeting = meetings
            .iter()
            .map(|(_, m)| m)
            .find(|m| m.date == decision.meeting)
            .ok_or_else(|| plan_error(&path, format!("no meeting on {}", decision.meeting)))?;
        let index = meeting
            .agenda
            .iter()
            .position(|i| {
                i.school == decision.school && i.year == decision.year && i.kind == decision.kind
            })
            .unwrap_or(meeting.agenda.len()) as i64;
        steps.push((
            3,
            Step {
                when: at(decision.meeting, 10, 20 * index + jitter(&path, 15)),
                author: member(&decision.recorder, &path)?,
                content: StepContent::Decision(Box::new(PendingDecision {
                    path,
                    present: meeting.present.clone(),
                    decision,
                })),
            },
        ));
    }

    steps.sort_by(|(ca, a), (cb, b)| (a.when.timestamp(), ca).cmp(&(b.when.timestamp(), cb)));

    // The panel's set-up comes first, four weeks before anything else.
    let start = steps
        .first()
        .map(|(_, s)| s.when.date())
        .unwrap_or(Date::MIN)
        .checked_sub(28.days())
        .unwrap_or(Date::MIN);
    let mut files = vec![
        ("panel.ron".to_owned(), panel_text.clone()),
        ("README.md".to_owned(), DEMO_README.to_owned()),
    ];
    let mut rubric_ids = Vec::new();
    for (path, text) in rubrics {
        files.push((path.clone(), text.to_string()));
        if let Classified::File(PanelPath::Rubric(id)) = classify(path) {
            rubric_ids.push(id.to_string());
        }
    }
    let setup = Step {
        when: at(start, 10, 0),
        author: administrator,
        content: StepContent::Files {
            files,
            message: message::setup(
                &panel.name,
                &rubric_ids,
                &[(DEMO_TRAILER, DEMO_VERSION.to_owned())],
            ),
        },
    };
    Ok(std::iter::once(setup)
        .chain(steps.into_iter().map(|(_, s)| s))
        .collect())
}

const DEMO_README: &str = "# kitemark demo panel repository

Built by `kitemark demo` from the data bundled with kitemark. Every school, person and
submission in it is fictional.

- `panel.ron` — the panel, its members and its quorum rule
- `rubrics/` — the frameworks the panel assesses against
- `submissions/<school>/` — each school's profile and yearly self-review and action plan
- `meetings/` — each meeting's agenda, attendance and declared conflicts
- `decisions/<school>/<year>/` — the panel's decisions, each recording the exact git objects
  it was made on

Try `kitemark schools`, `kitemark validate` and `git log --stat` here.
";
