//! Synthetic panel repositories for the benchmarks: any number of schools over any number of
//! academic years, with self-reviews across the rubric's areas, action plans of 20 to 40
//! actions that carry from year to year, meetings every six weeks and a decision on every
//! submission — each a commit at its own date by its own author, as the demo's are.
//! Deterministic from a seed: the same options give the same repository, commit for commit.

mod text;

use std::path::Path;

use fastrand::Rng;
use jiff::civil::{Date, Weekday, date};
use jiff::{Span, Zoned};

use crate::demo::bundle::{demo_files, rubric_files};
use crate::model::format::{from_ron, to_ron};
use crate::model::layout::PanelPath;
use crate::model::{
    AcademicYear, Action, ActionPlan, ActionStatus, AgendaItem, AreaJudgement, AreaReview,
    Condition, Conflict, ConflictKind, Contact, Decision, Evidence, EvidenceKind, FileRef,
    Identity, Meeting, MemberId, Panel, Phase, Rubric, School, SchoolId, SelfReview, SubmissionRef,
    message,
};
use crate::repo::bulk::{Bulk, blob_id};
use crate::repo::{PanelRepo, RepoError};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub schools: usize,
    pub years: usize,
    pub seed: u64,
    /// The last academic year; the first is `years - 1` before it.
    pub last_year: AcademicYear,
    /// Leaves the last meeting's items undecided, as on the morning of a meeting, so that
    /// the interface opens on a full agenda.
    pub last_meeting_open: bool,
    /// Signs the members' commits with their demo keys, as a panel that signs does; without,
    /// the members have no keys.
    pub sign: bool,
    /// Threads compressing the objects (0: one per core). The repository is the same
    /// whatever their number.
    pub threads: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            schools: 1000,
            years: 5,
            seed: 1,
            last_year: AcademicYear::starting(2025)
                .unwrap_or_else(|| AcademicYear::containing(date(2025, 9, 1))),
            last_meeting_open: true,
            sign: true,
            threads: 0,
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub commits: usize,
    pub meetings: usize,
    pub submissions: usize,
    pub decisions: usize,
    /// Records of conditions met.
    pub conditions_met: usize,
    /// The bytes of all the files written, as text.
    pub bytes: u64,
}

/// Meetings in an academic year: every six weeks from the first Wednesday of October.
const MEETINGS_PER_YEAR: usize = 7;

const PHASES: [(Phase, &str); 6] = [
    (Phase::Primary, "Primary School"),
    (Phase::Infant, "Infant School"),
    (Phase::Junior, "Junior School"),
    (Phase::Secondary, "Academy"),
    (Phase::Special, "School"),
    (Phase::EarlyYears, "Day Nursery"),
];

const OWNERS: [&str; 8] = [
    "Senior mental health lead",
    "Headteacher",
    "SENCo",
    "Head of PSHE",
    "Family support worker",
    "Governor for wellbeing",
    "Pastoral lead",
    "Deputy headteacher",
];

fn err(e: impl std::fmt::Display) -> RepoError {
    RepoError::Io(e.to_string())
}

fn days(n: i64) -> Span {
    Span::new().days(n)
}

fn at(day: Date, hour: i8, minute: i8) -> Result<Zoned, RepoError> {
    day.at(hour, minute, 0, 0)
        .in_tz("Europe/London")
        .map_err(err)
}

/// `minutes` after `hour` o'clock on `day`: however many items a meeting has, each commit is
/// dated after the one before it, as the audit expects of a history.
fn minutes_after(day: Date, hour: i8, minutes: usize) -> Result<Zoned, RepoError> {
    let minutes = i64::try_from(minutes).map_err(err)?;
    at(day, hour, 0)?
        .checked_add(Span::new().minutes(minutes))
        .map_err(err)
}

fn add(day: Date, n: i64) -> Result<Date, RepoError> {
    day.checked_add(days(n)).map_err(err)
}

/// The meetings of an academic year.
fn meeting_dates(year: AcademicYear) -> Result<Vec<Date>, RepoError> {
    let mut first = date(year.start_year(), 10, 1);
    while first.weekday() != Weekday::Wednesday {
        first = add(first, 1)?;
    }
    (0..MEETINGS_PER_YEAR)
        .map(|k| add(first, 42 * k as i64))
        .collect()
}

/// One generated school.
struct SchoolPlan {
    profile: School,
    contact: Identity,
    /// The previous year's plan, to carry its open actions.
    plan: Option<ActionPlan>,
    /// Per area code, the next action number.
    next_action: Vec<u32>,
}

fn school(rng: &mut Rng, i: usize) -> Result<SchoolPlan, RepoError> {
    let (phase, kind) = PHASES[i % PHASES.len()];
    let stem = format!(
        "{}{}",
        text::pick(rng, &text::NAMES),
        text::pick(rng, &text::SUFFIXES)
    );
    let town = text::pick(rng, &text::TOWNS).to_owned();
    let id: SchoolId = format!("{}-{:04}", stem.to_ascii_lowercase(), i + 1)
        .parse()
        .map_err(err)?;
    let first = text::pick(rng, &text::FIRST);
    let last = text::pick(rng, &text::LAST);
    let contact = Contact {
        name: format!("{first} {last}"),
        role: "Senior mental health lead".to_owned(),
        email: format!(
            "{}.{}@{id}.example.sch.uk",
            first.to_ascii_lowercase(),
            last.to_ascii_lowercase()
        ),
    };
    Ok(SchoolPlan {
        contact: contact.identity(),
        profile: School {
            id,
            name: format!("{stem} {kind}"),
            phase,
            dspl_area: format!("DSPL {}", 1 + i % 9),
            town,
            urn: Some(format!("{}", 117_000 + i)),
            pupils: Some(u32::try_from(90 + (i * 37) % 1400).unwrap_or(400)),
            contacts: vec![contact],
            rubric: None,
        },
        plan: None,
        next_action: Vec::new(),
    })
}

fn self_review(
    rng: &mut Rng,
    rubric: &Rubric,
    school: &SchoolPlan,
    year: AcademicYear,
    submitted: Date,
) -> SelfReview {
    let kinds = [
        EvidenceKind::Policy,
        EvidenceKind::Plan,
        EvidenceKind::Minutes,
        EvidenceKind::Data,
        EvidenceKind::Survey,
        EvidenceKind::StudentVoice,
        EvidenceKind::ParentVoice,
        EvidenceKind::Training,
        EvidenceKind::Curriculum,
    ];
    SelfReview {
        school: school.profile.id.clone(),
        year,
        rubric: rubric.id.clone(),
        rubric_version: rubric.version.clone(),
        submitted,
        submitted_by: format!("{}, Senior mental health lead", school.contact.name),
        stage: None,
        summary: text::paragraph(rng, 2),
        areas: rubric
            .areas
            .iter()
            .map(|area| AreaReview {
                area: area.id.clone(),
                level: rubric.self_assessment[rng.usize(..rubric.self_assessment.len())]
                    .id
                    .clone(),
                reflection: {
                    let sentences = 3 + rng.usize(..3);
                    text::paragraph(rng, sentences)
                },
                strengths: (0..2 + rng.usize(..2)).map(|_| text::phrase(rng)).collect(),
                gaps: (0..1 + rng.usize(..2)).map(|_| text::phrase(rng)).collect(),
                evidence: (0..1 + rng.usize(..3))
                    .map(|_| Evidence {
                        title: text::phrase(rng),
                        kind: kinds[rng.usize(..kinds.len())],
                        note: String::new(),
                    })
                    .collect(),
                scores: Default::default(),
            })
            .collect(),
    }
}

fn new_action(
    rng: &mut Rng,
    rubric: &Rubric,
    school: &mut SchoolPlan,
    year: AcademicYear,
) -> Result<Action, RepoError> {
    let index = rng.usize(..rubric.areas.len());
    let area = &rubric.areas[index];
    if school.next_action.len() < rubric.areas.len() {
        school.next_action = vec![1; rubric.areas.len()];
    }
    let n = school.next_action[index];
    school.next_action[index] += 1;
    let (action, success) = text::action(rng);
    let start = add(date(year.start_year(), 9, 1), rng.i64(0..120))?;
    Ok(Action {
        id: format!("{}-{n}", area.code).parse().map_err(err)?,
        area: area.id.clone(),
        text: action,
        owner: text::pick(rng, &OWNERS).to_owned(),
        start,
        due: add(start, 60 + rng.i64(0..300))?,
        success,
        status: ActionStatus::NotStarted,
        progress: String::new(),
    })
}

/// This year's plan: last year's open actions moved on, and new ones to 20–40 in all.
fn action_plan(
    rng: &mut Rng,
    rubric: &Rubric,
    school: &mut SchoolPlan,
    year: AcademicYear,
    updated: Date,
) -> Result<ActionPlan, RepoError> {
    let mut actions: Vec<Action> = Vec::new();
    if let Some(previous) = &school.plan {
        for old in &previous.actions {
            if matches!(old.status, ActionStatus::Done | ActionStatus::Dropped) {
                continue;
            }
            let mut a = old.clone();
            let roll = rng.u32(..100);
            a.status = match a.status {
                ActionStatus::NotStarted if roll < 70 => ActionStatus::InProgress,
                ActionStatus::InProgress if roll < 55 => ActionStatus::Done,
                _ if roll > 95 => ActionStatus::Dropped,
                s => s,
            };
            if a.status != ActionStatus::NotStarted {
                a.progress = text::sentence(rng);
            }
            if roll.is_multiple_of(7) {
                a.text = text::action(rng).0;
            }
            actions.push(a);
        }
    }
    let target = 20 + rng.usize(..21);
    while actions.len() < target {
        let a = new_action(rng, rubric, school, year)?;
        actions.push(a);
    }
    Ok(ActionPlan {
        school: school.profile.id.clone(),
        year,
        updated,
        actions,
    })
}

/// Who came to a meeting: the chair and enough others for a quorum, usually more.
fn attendance(rng: &mut Rng, panel: &Panel) -> (Vec<MemberId>, Vec<MemberId>) {
    let mut present: Vec<MemberId> = Vec::new();
    let mut apologies = Vec::new();
    for (i, m) in panel.members.iter().enumerate() {
        if i == 0 || rng.u32(..100) < 70 {
            present.push(m.id.clone());
        } else {
            apologies.push(m.id.clone());
        }
    }
    // Make up the quorum from those who sent apologies, if need be.
    while panel.quorum_check(&present).is_err() && !apologies.is_empty() {
        present.push(apologies.remove(0));
    }
    (present, apologies)
}

fn text_bytes<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, RepoError> {
    to_ron(value).map(String::into_bytes).map_err(err)
}

/// How far the generator is: after each meeting's commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Meetings generated so far, of `of`.
    pub meetings: usize,
    pub of: usize,
    /// Commits written so far.
    pub commits: usize,
}

/// Builds the repository at `dir` (a new bare repository).
pub fn generate(dir: &Path, options: &Options) -> Result<Summary, RepoError> {
    generate_reporting(dir, options, &mut |_| {})
}

/// [`generate`], telling `report` how far it is after each meeting, for a progress bar.
pub fn generate_reporting(
    dir: &Path,
    options: &Options,
    report: &mut dyn FnMut(Progress),
) -> Result<Summary, RepoError> {
    let mut rng = Rng::with_seed(options.seed);
    let rubrics = rubric_files().map_err(err)?;
    let rubric_text = rubrics
        .iter()
        .find(|(path, _)| path.ends_with("hymh-kitemark.ron"))
        .map(|(_, text)| *text)
        .ok_or_else(|| err("the bundled rubrics have no hymh-kitemark"))?;
    let rubric: Rubric = from_ron(rubric_text).map_err(err)?;
    let panel_text = demo_files(crate::demo::DemoPanel::Herts)
        .map_err(err)?
        .into_iter()
        .find(|(path, _)| path == "_panel/panel.ron")
        .map(|(_, text)| text)
        .ok_or_else(|| err("the bundled demo has no panel.ron"))?;
    let mut panel: Panel = from_ron(panel_text).map_err(err)?;
    // The demo's affiliations name the demo's schools, which are not here.
    for m in &mut panel.members {
        m.affiliations.clear();
        if !options.sign {
            m.keys.clear();
        }
    }
    let keys: Vec<(String, ssh_key::PrivateKey)> = if options.sign {
        panel
            .members
            .iter()
            .map(|m| (m.email.clone(), crate::demo::keys::demo_key(&m.id)))
            .collect()
    } else {
        Vec::new()
    };
    let chair = panel.members[0].clone();
    let back = i16::try_from(options.years.saturating_sub(1)).map_err(err)?;
    let first_year = AcademicYear::starting(options.last_year.start_year() - back)
        .ok_or_else(|| err("too many years: the first would be before 1990"))?;
    let mut schools: Vec<SchoolPlan> = (0..options.schools)
        .map(|i| school(&mut rng, i))
        .collect::<Result<_, _>>()?;

    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(1, usize::from),
        n => n,
    };
    PanelRepo::create_bulk(dir, threads, |bulk: &mut Bulk| {
        bulk.sign_with(keys);
        let mut summary = Summary::default();
        let mut files: Vec<(String, Vec<u8>)> =
            vec![(PanelPath::Panel.to_string(), text_bytes(&panel)?)];
        for (path, text) in &rubrics {
            files.push((path.clone(), text.as_bytes().to_vec()));
        }
        summary.bytes += files.iter().map(|(_, b)| b.len() as u64).sum::<u64>();
        let names: Vec<String> = rubrics.iter().map(|(p, _)| p.clone()).collect();
        let setup = at(date(first_year.start_year(), 9, 1), 9, 0)?;
        bulk.commit(
            &files,
            &message::setup(&panel.name, &names, &[]),
            &chair.identity(),
            &setup,
        )?;

        // The last meeting with anything on its agenda (fewer schools than meetings leave
        // some meetings empty).
        let last_meeting = (0..MEETINGS_PER_YEAR)
            .rev()
            .find(|k| *k < schools.len())
            .map(|k| (options.years.saturating_sub(1), k));
        // Conditions set at a meeting, recorded as met at the next one (well before they fall
        // due), so that a generated history audits clean.
        let mut to_meet: Vec<(crate::model::ConditionMet, AcademicYear, SchoolId, Identity)> =
            Vec::new();
        for y in 0..options.years {
            let mut year = first_year;
            for _ in 0..y {
                year = year.next();
            }
            for (k, meeting_day) in meeting_dates(year)?.into_iter().enumerate() {
                let on_agenda: Vec<usize> = (0..schools.len())
                    .filter(|i| i % MEETINGS_PER_YEAR == k)
                    .collect();
                if on_agenda.is_empty() {
                    continue;
                }
                // Submissions arrive over ten days of the fortnight before the meeting, in
                // agenda order, a few each afternoon.
                // Each item's submission: the commit that brought it, and its files.
                let mut made_on: Vec<SubmissionRef> = Vec::new();
                let per_day = on_agenda.len().div_ceil(10);
                for (n, &i) in on_agenda.iter().enumerate() {
                    let day = add(meeting_day, -14 + (n / per_day) as i64)?;
                    let school = &mut schools[i];
                    let review = self_review(&mut rng, &rubric, school, year, day);
                    let plan = action_plan(&mut rng, &rubric, school, year, day)?;
                    let id = school.profile.id.clone();
                    let mut files = vec![
                        (
                            PanelPath::SelfReview(id.clone(), year).to_string(),
                            text_bytes(&review)?,
                        ),
                        (
                            PanelPath::ActionPlan(id.clone(), year).to_string(),
                            text_bytes(&plan)?,
                        ),
                    ];
                    let refs: Vec<FileRef> = files
                        .iter()
                        .map(|(path, bytes)| {
                            Ok(FileRef {
                                path: path.clone(),
                                blob: blob_id(bytes)?,
                            })
                        })
                        .collect::<Result<_, RepoError>>()?;
                    if y == 0 {
                        files.push((
                            PanelPath::School(id.clone()).to_string(),
                            text_bytes(&school.profile)?,
                        ));
                    }
                    summary.bytes += files.iter().map(|(_, b)| b.len() as u64).sum::<u64>();
                    let who = school.contact.clone();
                    let submitted = bulk.commit(
                        &files,
                        &message::submission(&id, &school.profile.name, year, 1, &who.name, None),
                        &who,
                        &minutes_after(day, 16, n % per_day)?,
                    )?;
                    made_on.push(SubmissionRef {
                        commit: submitted,
                        files: refs,
                    });
                    school.plan = Some(plan);
                    summary.submissions += 1;
                }

                // The meeting: attendance, the odd declared conflict, the agenda.
                let (present, apologies) = attendance(&mut rng, &panel);
                let kind_of = |y: usize| {
                    if y.is_multiple_of(3) {
                        "initial"
                    } else {
                        "annual-review"
                    }
                };
                let agenda: Vec<AgendaItem> = on_agenda
                    .iter()
                    .map(|&i| {
                        Ok(AgendaItem {
                            school: schools[i].profile.id.clone(),
                            year,
                            kind: kind_of(y).parse().map_err(err)?,
                        })
                    })
                    .collect::<Result<_, RepoError>>()?;
                let mut conflicts = Vec::new();
                for item in &agenda {
                    if rng.u32(..100) < 3 {
                        let member = present[1 + rng.usize(..present.len() - 1)].clone();
                        // Only where those left still make a quorum, as a chair would see to.
                        let left: Vec<&MemberId> =
                            present.iter().filter(|m| **m != member).collect();
                        if panel.quorum_check(left).is_err() {
                            continue;
                        }
                        conflicts.push(Conflict {
                            member,
                            school: item.school.clone(),
                            kind: ConflictKind::ProfessionalInvolvement,
                            reason: "Supports the school through a local partnership".into(),
                        });
                    }
                }
                let meeting = Meeting {
                    date: meeting_day,
                    chair: chair.id.clone(),
                    location: "County Hall, Hertford".into(),
                    present: present.clone(),
                    apologies,
                    conflicts,
                    agenda,
                    notes: String::new(),
                    readers: Vec::new(),
                };
                let file = (
                    PanelPath::Meeting(meeting_day).to_string(),
                    text_bytes(&meeting)?,
                );
                summary.bytes += file.1.len() as u64;
                bulk.commit(
                    &[file],
                    &message::meeting(meeting_day, &chair.id, &present, meeting.agenda.len()),
                    &chair.identity(),
                    &at(meeting_day, 9, 30)?,
                )?;
                summary.meetings += 1;
                for (i, (mut met, year, school, author)) in to_meet.drain(..).enumerate() {
                    met.met_on = meeting_day;
                    let crate::model::Classified::File(PanelPath::Decision(decision)) =
                        crate::model::layout::classify(&met.decision)
                    else {
                        continue;
                    };
                    let path = crate::model::ConditionPath {
                        decision,
                        number: met.condition,
                    }
                    .to_string();
                    let bytes = text_bytes(&met)?;
                    summary.bytes += bytes.len() as u64;
                    bulk.commit(
                        &[(path, bytes)],
                        &message::condition_met(&met, &school, year),
                        &author,
                        &minutes_after(meeting_day, 9, 40 + i)?,
                    )?;
                    summary.conditions_met += 1;
                }
                if options.last_meeting_open && last_meeting == Some((y, k)) {
                    continue;
                }

                // A decision on each item, recorded by a member who took part.
                for (n, item) in meeting.agenda.iter().enumerate() {
                    let participants: Vec<MemberId> = present
                        .iter()
                        .filter(|m| meeting.declared_conflict(m, &item.school).is_none())
                        .cloned()
                        .collect();
                    let recorder = participants[rng.usize(..participants.len())].clone();
                    let with_conditions = rng.u32(..100) < 12;
                    let outcome = match (item.kind.as_str(), with_conditions) {
                        ("initial", false) => "awarded",
                        ("initial", true) => "awarded-with-conditions",
                        (_, false) => "accepted",
                        (_, true) => "accepted-with-conditions",
                    };
                    let decision = Decision {
                        school: item.school.clone(),
                        year,
                        kind: item.kind.clone(),
                        meeting: meeting_day,
                        outcome: outcome.parse().map_err(err)?,
                        areas: rubric
                            .areas
                            .iter()
                            .map(|a| AreaJudgement {
                                area: a.id.clone(),
                                judgement: rubric.judgement
                                    [1 + rng.usize(..rubric.judgement.len() - 1)]
                                .id
                                .clone(),
                                feedback: text::sentence(&mut rng),
                            })
                            .collect(),
                        feedback: text::paragraph(&mut rng, 4),
                        conditions: if with_conditions {
                            vec![Condition {
                                text: format!(
                                    "Share {} with the panel",
                                    text::phrase(&mut rng).to_lowercase()
                                ),
                                due: add(meeting_day, 120)?,
                            }]
                        } else {
                            Vec::new()
                        },
                        participants,
                        recorder: recorder.clone(),
                        made_on: Some(made_on[n].clone()),
                        supersedes: None,
                        override_reason: None,
                        grade: None,
                        moderation: None,
                    };
                    let path = crate::model::decide::path_of(&decision);
                    let bytes = text_bytes(&decision)?;
                    summary.bytes += bytes.len() as u64;
                    let author = panel
                        .member(&recorder)
                        .map(|m| m.identity())
                        .unwrap_or_else(|| chair.identity());
                    let commit_message = message::decision(&decision, &present, &made_on[n].commit);
                    for (i, _) in decision.conditions.iter().enumerate() {
                        to_meet.push((
                            crate::model::ConditionMet {
                                decision: path.clone(),
                                condition: u32::try_from(i + 1).unwrap_or(u32::MAX),
                                met_on: meeting_day,
                                // Fixed, not drawn: the rest of the history stays as
                                // the seed made it before conditions were followed up.
                                evidence: "The school sent the panel what it asked for.".to_owned(),
                                recorder: recorder.clone(),
                            },
                            year,
                            decision.school.clone(),
                            author.clone(),
                        ));
                    }
                    bulk.commit(
                        &[(path, bytes)],
                        &commit_message,
                        &author,
                        &minutes_after(meeting_day, 10, n)?,
                    )?;
                    summary.decisions += 1;
                }
                report(Progress {
                    meetings: y * MEETINGS_PER_YEAR + k + 1,
                    of: options.years * MEETINGS_PER_YEAR,
                    commits: bulk.commits(),
                });
            }
        }
        summary.commits = bulk.commits();
        Ok(summary)
    })
}
