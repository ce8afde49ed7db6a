//! The demo's history: the bundled files turned into an ordered list of commits, each at its
//! own date by its own author, oldest first. Pure: executing the plan is the demo command's job.

use std::collections::BTreeMap;

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{ToSpan, Zoned};

use super::{BundledFile, repo_path_for};
use crate::model::format::{parse_document, to_ron};
use crate::model::layout::{Classified, ConditionPath, PanelPath, classify};
use crate::model::{
    AcademicYear, ActionPlan, ConditionMet, Decision, Identity, Meeting, MemberId, Panel,
    Proceedings, Review, School, SchoolId, SelfReview, message,
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
    /// The year as bundled, so that commit times do not depend on the shift.
    bundled_year: AcademicYear,
}

fn parse<T: serde::de::DeserializeOwned>(path: &str, text: &str) -> Result<T, PlanError> {
    parse_document(text).map_err(|e| {
        plan_error(
            path,
            format!("{}:{}: {}", e.position.line, e.position.col, e.message),
        )
    })
}

/// The day the bundled story is told as on: ten days before its upcoming meeting. Built for
/// this day, the demo is the bundled data exactly as it is.
pub const STORY_DAY: Date = jiff::civil::date(2026, 11, 22);
/// The bundled story's upcoming meeting.
pub const STORY_MEETING: Date = jiff::civil::date(2026, 12, 2);

/// A day the demo cannot be built as on.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DayError(String);

/// How far the bundled story is moved to be told on another day: every date by whole weeks
/// (so each meeting keeps its weekday), every academic-year label by whole years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    pub weeks: i32,
    pub years: i16,
}

impl Shift {
    /// The shift that tells the story on `on`: its upcoming meeting 7 to 13 days ahead
    /// (the whole number of weeks nearest to putting it 10 days ahead, as on [`STORY_DAY`]),
    /// and the labels moved by as many academic years as that meeting moved.
    pub fn for_day(on: Date) -> Result<Shift, DayError> {
        let wrong = || {
            DayError(format!(
                "the demo cannot be built as on {on}: its dates would leave the calendar"
            ))
        };
        let days = i64::from(STORY_MEETING.until(on).map_err(|_| wrong())?.get_days()) + 10;
        let weeks = i32::try_from((2 * days + 7).div_euclid(14)).map_err(|_| wrong())?;
        let shift = Shift { weeks, years: 0 };
        let meeting = shift.date(STORY_MEETING).map_err(|_| wrong())?;
        let years = AcademicYear::containing(meeting).start_year()
            - AcademicYear::containing(STORY_MEETING).start_year();
        let shift = Shift { weeks, years };
        // The story's years, from its first submissions to its last, must stay years.
        let first = AcademicYear::starting(2019).and_then(|y| shift.year(y));
        let last = AcademicYear::starting(2030).and_then(|y| shift.year(y));
        if first.is_none() || last.is_none() {
            return Err(DayError(format!(
                "the demo cannot be built as on {on}: its academic years would leave those kitemark knows (1990-91 to 2200-01)"
            )));
        }
        Ok(shift)
    }

    /// No shift: the story as bundled.
    pub const NONE: Shift = Shift { weeks: 0, years: 0 };

    pub fn date(self, date: Date) -> Result<Date, jiff::Error> {
        date.checked_add((i64::from(self.weeks) * 7).days())
    }

    pub fn year(self, year: AcademicYear) -> Option<AcademicYear> {
        AcademicYear::starting(year.start_year().checked_add(self.years)?)
    }

    /// The story's upcoming meeting, moved.
    pub fn upcoming_meeting(self) -> Option<Date> {
        self.date(STORY_MEETING).ok()
    }
}

/// Years written in prose ("in 2024-25", "since September 2024", "2027-2030") moved by
/// `years`, as the labels are; other numbers ("1,140", "2023.1") are left alone.
fn shift_years_in_text(text: &str, years: i16) -> String {
    if years == 0 {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let before = start.checked_sub(1).map(|b| bytes[b]);
        let decimal_after =
            bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit());
        let year: Option<i16> = (i - start == 4 && before != Some(b'.') && !decimal_after)
            .then(|| text[start..i].parse().ok())
            .flatten()
            .filter(|y| (1990..=2099).contains(y));
        let Some(year) = year else { continue };
        out.push_str(&text[copied..start]);
        out.push_str(&(year + years).to_string());
        copied = i;
        // A label's second half: "2024-25".
        let two_after = bytes.get(i) == Some(&b'-')
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_digit)
            && !bytes.get(i + 3).is_some_and(u8::is_ascii_digit);
        if two_after {
            let end: i16 = text[i + 1..i + 3].parse().unwrap_or(0);
            out.push_str(&format!("-{:02}", (end + years).rem_euclid(100)));
            i += 3;
            copied = i;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Moves the dates and year labels of parsed bundled files.
struct Mover {
    shift: Shift,
}

impl Mover {
    fn date(&self, path: &str, date: Date) -> Result<Date, PlanError> {
        self.shift
            .date(date)
            .map_err(|e| plan_error(path, format!("{date} cannot be moved: {e}")))
    }

    fn year(&self, path: &str, year: AcademicYear) -> Result<AcademicYear, PlanError> {
        self.shift
            .year(year)
            .ok_or_else(|| plan_error(path, format!("the year {year} cannot be moved")))
    }

    fn text(&self, text: &mut String) {
        *text = shift_years_in_text(text, self.shift.years);
    }

    fn texts(&self, texts: &mut [String]) {
        texts.iter_mut().for_each(|t| self.text(t));
    }

    fn self_review(&self, path: &str, r: &mut SelfReview) -> Result<(), PlanError> {
        r.year = self.year(path, r.year)?;
        r.submitted = self.date(path, r.submitted)?;
        self.text(&mut r.summary);
        for area in &mut r.areas {
            self.text(&mut area.reflection);
            self.texts(&mut area.strengths);
            self.texts(&mut area.gaps);
            for e in &mut area.evidence {
                self.text(&mut e.title);
                self.text(&mut e.note);
            }
        }
        Ok(())
    }

    fn action_plan(&self, path: &str, p: &mut ActionPlan) -> Result<(), PlanError> {
        p.year = self.year(path, p.year)?;
        p.updated = self.date(path, p.updated)?;
        for a in &mut p.actions {
            a.start = self.date(path, a.start)?;
            a.due = self.date(path, a.due)?;
            self.text(&mut a.text);
            self.text(&mut a.success);
            self.text(&mut a.progress);
        }
        Ok(())
    }

    fn meeting(&self, path: &str, m: &mut Meeting) -> Result<(), PlanError> {
        m.date = self.date(path, m.date)?;
        for item in &mut m.agenda {
            item.year = self.year(path, item.year)?;
        }
        for r in &mut m.readers {
            r.year = self.year(path, r.year)?;
        }
        for c in &mut m.conflicts {
            self.text(&mut c.reason);
        }
        self.text(&mut m.notes);
        Ok(())
    }

    fn review(&self, path: &str, r: &mut Review) -> Result<(), PlanError> {
        r.year = self.year(path, r.year)?;
        r.meeting = self.date(path, r.meeting)?;
        self.text(&mut r.summary);
        for a in &mut r.areas {
            self.text(&mut a.note);
        }
        self.texts(&mut r.questions);
        Ok(())
    }

    fn proceedings(&self, path: &str, p: &mut Proceedings) -> Result<(), PlanError> {
        p.meeting = self.date(path, p.meeting)?;
        for run in &mut p.items {
            run.year = self.year(path, run.year)?;
            self.text(&mut run.notes);
        }
        self.text(&mut p.notes);
        Ok(())
    }

    fn decision_path(
        &self,
        path: &str,
        d: &crate::model::layout::DecisionPath,
    ) -> Result<String, PlanError> {
        let mut d = d.clone();
        d.year = self.year(path, d.year)?;
        d.date = self.date(path, d.date)?;
        Ok(d.to_string())
    }

    fn decision(&self, path: &str, d: &mut Decision) -> Result<(), PlanError> {
        d.year = self.year(path, d.year)?;
        d.meeting = self.date(path, d.meeting)?;
        for c in &mut d.conditions {
            c.due = self.date(path, c.due)?;
            self.text(&mut c.text);
        }
        for a in &mut d.areas {
            self.text(&mut a.feedback);
        }
        self.text(&mut d.feedback);
        if let Some(reason) = &mut d.override_reason {
            self.text(reason);
        }
        if let Some(target) = &d.supersedes
            && let Classified::File(PanelPath::Decision(t)) = classify(target)
        {
            d.supersedes = Some(self.decision_path(path, &t)?);
        }
        Ok(())
    }

    fn condition_met(&self, path: &str, met: &mut ConditionMet) -> Result<(), PlanError> {
        met.met_on = self.date(path, met.met_on)?;
        self.text(&mut met.evidence);
        if let Classified::File(PanelPath::Decision(d)) = classify(&met.decision) {
            met.decision = self.decision_path(path, &d)?;
        }
        Ok(())
    }

    fn panel(&self, path: &str, p: &mut Panel) -> Result<bool, PlanError> {
        let mut moved = false;
        for key in p.members.iter_mut().flat_map(|m| m.keys.iter_mut()) {
            for day in [&mut key.from, &mut key.until].into_iter().flatten() {
                *day = self.date(path, *day)?;
                moved = true;
            }
        }
        Ok(moved)
    }
}

fn write<T: serde::Serialize>(path: &str, value: &T) -> Result<String, PlanError> {
    to_ron(value).map_err(|e| plan_error(path, e.to_string()))
}

/// The demo history from the bundled files (paths under the bundled `submissions/` folder)
/// and the bundled rubrics (repository paths), as told on [`STORY_DAY`].
pub fn plan(
    bundled: &[(String, &str)],
    rubrics: &[(String, &str)],
) -> Result<Vec<Step>, PlanError> {
    plan_shifted(bundled, rubrics, Shift::NONE)
}

/// The demo history with every date and year label moved by `shift`.
pub fn plan_shifted(
    bundled: &[(String, &str)],
    rubrics: &[(String, &str)],
    shift: Shift,
) -> Result<Vec<Step>, PlanError> {
    let mover = Mover { shift };
    let moving = shift != Shift::NONE;
    let mut panel_text = None;
    let mut schools: BTreeMap<SchoolId, (String, School)> = BTreeMap::new();
    let mut submissions: BTreeMap<(SchoolId, AcademicYear, bool), Submission> = BTreeMap::new();
    let mut meetings: Vec<(String, Meeting)> = Vec::new();
    let mut decisions: Vec<(String, Decision)> = Vec::new();
    let mut conditions_met: Vec<(String, ConditionMet)> = Vec::new();
    let mut reviews: Vec<(String, Review)> = Vec::new();
    let mut proceedings: Vec<(String, Proceedings)> = Vec::new();
    // Each file's bundled path, which seeds its commit's minutes whatever the shift.
    let mut seeds: BTreeMap<String, String> = BTreeMap::new();

    for (bundled_path, text) in bundled {
        let Some(BundledFile { path, earlier }) = repo_path_for(bundled_path) else {
            continue;
        };
        match classify(&path) {
            Classified::File(PanelPath::Panel) => {
                let mut panel: Panel = parse(bundled_path, text)?;
                panel_text = Some(if moving && mover.panel(bundled_path, &mut panel)? {
                    write(bundled_path, &panel)?
                } else {
                    text.to_string()
                });
            }
            Classified::File(PanelPath::School(id)) => {
                let school: School = parse(bundled_path, text)?;
                schools.insert(id, (text.to_string(), school));
            }
            Classified::File(
                PanelPath::SelfReview(id, bundled_year) | PanelPath::ActionPlan(id, bundled_year),
            ) => {
                let year = mover.year(bundled_path, bundled_year)?;
                let entry = submissions
                    .entry((id.clone(), year, earlier))
                    .or_insert_with(|| Submission {
                        school: id.clone(),
                        year,
                        earlier,
                        files: Vec::new(),
                        date: None,
                        submitted_by: String::new(),
                        bundled_year,
                    });
                let (path, text) = if path.ends_with("self-review.ron") {
                    let mut review: SelfReview = parse(bundled_path, text)?;
                    mover.self_review(bundled_path, &mut review)?;
                    entry.date = Some(review.submitted);
                    entry.submitted_by = review.submitted_by.clone();
                    let path = PanelPath::SelfReview(id, year).to_string();
                    (
                        path,
                        moved_text(moving, text, || write(bundled_path, &review))?,
                    )
                } else {
                    let mut plan: ActionPlan = parse(bundled_path, text)?;
                    mover.action_plan(bundled_path, &mut plan)?;
                    entry.date.get_or_insert(plan.updated);
                    let path = PanelPath::ActionPlan(id, year).to_string();
                    (
                        path,
                        moved_text(moving, text, || write(bundled_path, &plan))?,
                    )
                };
                entry.files.push((path, text));
            }
            Classified::File(PanelPath::Meeting(_)) => {
                let mut meeting: Meeting = parse(bundled_path, text)?;
                mover.meeting(bundled_path, &mut meeting)?;
                let moved = PanelPath::Meeting(meeting.date).to_string();
                seeds.insert(moved.clone(), path);
                meetings.push((moved, meeting))
            }
            Classified::File(PanelPath::Decision(_)) => {
                let mut decision: Decision = parse(bundled_path, text)?;
                mover.decision(bundled_path, &mut decision)?;
                // Where the decision, moved, belongs (its own path, as validate checks).
                let moved = crate::model::decide::path_of(&decision);
                seeds.insert(moved.clone(), path);
                decisions.push((moved, decision))
            }
            Classified::File(PanelPath::Review(_)) => {
                let mut review: Review = parse(bundled_path, text)?;
                mover.review(bundled_path, &mut review)?;
                let moved = PanelPath::Review(review.path()).to_string();
                seeds.insert(moved.clone(), path);
                reviews.push((moved, review));
            }
            Classified::File(PanelPath::Proceedings(_)) => {
                let mut p: Proceedings = parse(bundled_path, text)?;
                mover.proceedings(bundled_path, &mut p)?;
                let moved = PanelPath::Proceedings(p.meeting).to_string();
                seeds.insert(moved.clone(), path);
                proceedings.push((moved, p));
            }
            Classified::File(PanelPath::ConditionMet(_)) => {
                let mut met: ConditionMet = parse(bundled_path, text)?;
                mover.condition_met(bundled_path, &mut met)?;
                let Classified::File(PanelPath::Decision(decision)) = classify(&met.decision)
                else {
                    return Err(plan_error(bundled_path, "it names no decision's path"));
                };
                let moved = ConditionPath {
                    decision,
                    number: met.condition,
                }
                .to_string();
                seeds.insert(moved.clone(), path);
                conditions_met.push((moved, met));
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

    let seed =
        |path: &str| -> String { seeds.get(path).cloned().unwrap_or_else(|| path.to_owned()) };
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
        let seed = format!("{}{}{}", s.school, s.bundled_year, s.earlier);
        steps.push((
            1,
            Step {
                when: at(date, 15, jitter(&seed, 170)),
                author: contact.identity(),
                content: StepContent::Files {
                    message: message::submission(
                        &s.school,
                        &school.name,
                        s.year,
                        version,
                        &who,
                        None,
                    ),
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
    let mut agenda_days: BTreeMap<Date, Date> = BTreeMap::new();
    for (path, meeting) in &meetings {
        let mut agenda_day = meeting.date.checked_sub(14.days()).unwrap_or(meeting.date);
        if let Some(latest) = considered_submission(meeting) {
            agenda_day = agenda_day.max(latest.checked_add(1.day()).unwrap_or(latest));
        }
        agenda_days.insert(meeting.date, agenda_day);
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
                when: at(agenda_day, 11, jitter(&seed(path), 50)),
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
                    when: at(meeting.date, 9, 30 + jitter(&seed(path), 10)),
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
                when: at(decision.meeting, 10, 20 * index + jitter(&seed(&path), 15)),
                author: member(&decision.recorder, &path)?,
                content: StepContent::Decision(Box::new(PendingDecision {
                    path,
                    present: meeting.present.clone(),
                    decision,
                })),
            },
        ));
    }

    // Reviews, each committed by its reviewer the afternoon the agenda and papers are
    // published: the demo may be told as on the day after, its meeting 13 days ahead.
    for (path, review) in reviews {
        let day = agenda_days
            .get(&review.meeting)
            .copied()
            .ok_or_else(|| plan_error(&path, format!("no meeting on {}", review.meeting)))?;
        steps.push((
            2,
            Step {
                when: at(day, 15, 60 + jitter(&seed(&path), 180)),
                author: member(&review.reviewer, &path)?,
                content: StepContent::Files {
                    message: message::review(&review),
                    files: vec![(path.clone(), write(&path, &review)?)],
                },
            },
        ));
    }

    // Proceedings, recorded by the chair as the meeting closes.
    for (path, p) in proceedings {
        let meeting = meetings
            .iter()
            .map(|(_, m)| m)
            .find(|m| m.date == p.meeting)
            .ok_or_else(|| plan_error(&path, format!("no meeting on {}", p.meeting)))?;
        steps.push((
            4,
            Step {
                when: at(p.meeting, p.closed.hour(), p.closed.minute().into()),
                author: member(&meeting.chair, &path)?,
                content: StepContent::Files {
                    message: message::proceedings(&p, &meeting.chair),
                    files: vec![(path.clone(), write(&path, &p)?)],
                },
            },
        ));
    }

    // Conditions met, each recorded by its recorder in the afternoon of the day it was met.
    for (path, met) in conditions_met {
        let Classified::File(PanelPath::ConditionMet(c)) = classify(&path) else {
            continue;
        };
        steps.push((
            4,
            Step {
                when: at(met.met_on, 14, jitter(&seed(&path), 120)),
                author: member(&met.recorder, &path)?,
                content: StepContent::Files {
                    message: message::condition_met(&met, &c.decision.school, c.decision.year),
                    files: vec![(path.clone(), write(&path, &met)?)],
                },
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

/// The bundled text where nothing moves (so the story as bundled is the bundled bytes),
/// else the moved value written afresh.
fn moved_text(
    moving: bool,
    text: &str,
    write: impl FnOnce() -> Result<String, PlanError>,
) -> Result<String, PlanError> {
    if moving { write() } else { Ok(text.to_owned()) }
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

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn the_story_day_moves_nothing() {
        assert_eq!(Shift::for_day(STORY_DAY).unwrap(), Shift::NONE);
        assert_eq!(Shift::for_day(date(2026, 11, 25)).unwrap(), Shift::NONE);
        assert_eq!(Shift::for_day(date(2026, 11, 19)).unwrap(), Shift::NONE);
    }

    #[test]
    fn the_next_meeting_is_a_week_or_two_ahead_on_its_weekday() {
        let mut day = date(2026, 1, 1);
        while day < date(2030, 1, 1) {
            let shift = Shift::for_day(day).unwrap();
            let meeting = shift.upcoming_meeting().unwrap();
            let ahead = day.until(meeting).unwrap().get_days();
            assert!((7..=13).contains(&ahead), "{day}: {meeting}");
            assert_eq!(meeting.weekday(), STORY_MEETING.weekday());
            assert_eq!(
                AcademicYear::containing(meeting),
                shift.year("2026-27".parse().unwrap()).unwrap(),
                "{day}"
            );
            day = day.tomorrow().unwrap();
        }
    }

    #[test]
    fn years_in_prose_move_and_other_numbers_do_not() {
        assert_eq!(
            shift_years_in_text(
                "Awarded in November 2024; in 2024-25 and 2022-25, the 2027-2030 strategy, 1,140 visits, version 2023.1, 88%.",
                2
            ),
            "Awarded in November 2026; in 2026-27 and 2024-27, the 2029-2032 strategy, 1,140 visits, version 2023.1, 88%."
        );
        assert_eq!(shift_years_in_text("in 1999-00", 1), "in 2000-01");
        assert_eq!(shift_years_in_text("in 2024-25", -1), "in 2023-24");
        assert_eq!(shift_years_in_text("Policy (2019)", 0), "Policy (2019)");
    }
}
