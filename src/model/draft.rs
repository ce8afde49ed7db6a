//! A decision being written in the interface, saved as it is typed (outside the repository's
//! tree) so that nothing typed is lost to a crash, a kill or a refused commit.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::decision::{AreaJudgement, Condition, Decision, Moderation};
use super::ids::{
    AcademicYear, AreaId, CriterionId, KindId, LevelId, MemberId, OutcomeId, SchoolId,
};
use super::meeting::{AgendaItem, Conflict, Meeting};

/// How a condition is written, for help texts and error messages.
pub const CONDITION_SYNTAX: &str = "the due date, then what the school must do (\"2027-03-31 Share the revised policy\"), or what the school must do, @ and the due date (\"Share the revised policy@2027-03-31\")";

/// One condition of an award, as the panel writes it in the decision form or on the command
/// line: `DATE text` (the date first) or `TEXT@DATE` (the date after the last `@`).
pub fn parse_condition(line: &str) -> Result<Condition, String> {
    let line = line.trim();
    let date_first = line
        .split_once(char::is_whitespace)
        .and_then(|(date, text)| Some((date.parse::<Date>().ok()?, text.trim())));
    let date_last = line
        .rsplit_once('@')
        .and_then(|(text, date)| Some((date.trim().parse::<Date>().ok()?, text.trim())));
    match date_first.or(date_last) {
        Some((due, text)) if !text.is_empty() => Ok(Condition {
            text: text.to_owned(),
            due,
        }),
        _ => Err(format!("write {CONDITION_SYNTAX}")),
    }
}

/// Conditions as typed, one per line in either syntax of [`parse_condition`] (blank lines
/// skipped); errors name the line.
pub fn parse_conditions(text: &str) -> Result<Vec<Condition>, Vec<String>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match parse_condition(line) {
            Ok(condition) => out.push(condition),
            Err(e) => errors.push(format!("condition line {}: {e}", i + 1)),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// How moderated scores are written, for help texts and error messages.
pub const SCORES_SYNTAX: &str =
    "criterion=points, separated by commas or lines (\"lm-2=2, ee-1=3\")";

/// The panel's scores as typed: `criterion=points`, separated by commas or line breaks;
/// errors name what could not be read.
pub fn parse_scores(
    text: &str,
) -> Result<std::collections::BTreeMap<CriterionId, u32>, Vec<String>> {
    let mut out = std::collections::BTreeMap::new();
    let mut errors = Vec::new();
    for part in text
        .split([',', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let parsed = part.split_once('=').and_then(|(c, p)| {
            Some((
                c.trim().parse::<CriterionId>().ok()?,
                p.trim().parse::<u32>().ok()?,
            ))
        });
        match parsed {
            Some((criterion, points)) => {
                // Given twice, one of the two would be dropped without a word, and the grade
                // with it.
                if out.insert(criterion.clone(), points).is_some() {
                    errors.push(format!("moderated score for {criterion} is given twice"));
                }
            }
            None => errors.push(format!("moderated score {part:?}: write {SCORES_SYNTAX}")),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// One area's judgement and feedback as typed so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaDraft {
    pub area: AreaId,
    #[serde(default)]
    pub judgement: Option<LevelId>,
    #[serde(default)]
    pub feedback: String,
}

/// A decision form as it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionDraft {
    pub school: SchoolId,
    pub year: AcademicYear,
    pub kind: KindId,
    pub meeting: Date,
    #[serde(default)]
    pub outcome: Option<OutcomeId>,
    #[serde(default)]
    pub areas: Vec<AreaDraft>,
    #[serde(default)]
    pub feedback: String,
    /// Conditions as typed: one per line, `YYYY-MM-DD what the school must do`.
    #[serde(default)]
    pub conditions: String,
    #[serde(default)]
    pub participants: Vec<MemberId>,
    #[serde(default)]
    pub recorder: Option<MemberId>,
    #[serde(default)]
    pub override_reason: String,
    #[serde(default)]
    pub supersedes: Option<String>,
    /// Where the rubric grades: the criteria the panel scores differently from the school, as
    /// typed (`lm-2=2, ee-1=3`).
    #[serde(default)]
    pub moderated_scores: String,
    /// Why the panel moderated the school's scores.
    #[serde(default)]
    pub moderation_reason: String,
}

impl DecisionDraft {
    /// A blank form for an agenda item.
    pub fn new(school: SchoolId, year: AcademicYear, kind: KindId, meeting: Date) -> DecisionDraft {
        DecisionDraft {
            school,
            year,
            kind,
            meeting,
            outcome: None,
            areas: Vec::new(),
            feedback: String::new(),
            conditions: String::new(),
            participants: Vec::new(),
            recorder: None,
            override_reason: String::new(),
            supersedes: None,
            moderated_scores: String::new(),
            moderation_reason: String::new(),
        }
    }

    /// A form that corrects the decision recorded at `path`: it starts from what was recorded,
    /// and supersedes it.
    pub fn correcting(path: &str, decision: &Decision) -> DecisionDraft {
        DecisionDraft {
            school: decision.school.clone(),
            year: decision.year,
            kind: decision.kind.clone(),
            meeting: decision.meeting,
            outcome: Some(decision.outcome.clone()),
            areas: decision
                .areas
                .iter()
                .map(|a| AreaDraft {
                    area: a.area.clone(),
                    judgement: Some(a.judgement.clone()),
                    feedback: a.feedback.clone(),
                })
                .collect(),
            feedback: decision.feedback.clone(),
            // One condition per line, as the form writes them: a line break inside one
            // would split it in two.
            conditions: decision
                .conditions
                .iter()
                .map(|c| {
                    format!(
                        "{} {}",
                        c.due,
                        c.text.split_whitespace().collect::<Vec<_>>().join(" ")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
            participants: decision.participants.clone(),
            recorder: Some(decision.recorder.clone()),
            override_reason: decision.override_reason.clone().unwrap_or_default(),
            supersedes: Some(path.to_owned()),
            moderated_scores: decision
                .moderation
                .iter()
                .flat_map(|m| &m.scores)
                .map(|(c, p)| format!("{c}={p}"))
                .collect::<Vec<_>>()
                .join(", "),
            moderation_reason: decision
                .moderation
                .as_ref()
                .map(|m| m.reason.clone())
                .unwrap_or_default(),
        }
    }

    /// The name of the draft's file: one draft per agenda item and meeting, and one for a
    /// correction of its decision, so that neither is offered back in place of the other.
    pub fn key(&self) -> String {
        let correction = if self.supersedes.is_some() {
            "_correction"
        } else {
            ""
        };
        format!(
            "decision_{}_{}_{}_{}{correction}",
            self.school, self.year, self.kind, self.meeting
        )
    }

    /// The conditions typed, one per line in either syntax of [`parse_condition`], parsed;
    /// errors name the line.
    pub fn parsed_conditions(&self) -> Result<Vec<Condition>, Vec<String>> {
        parse_conditions(&self.conditions)
    }

    /// The decision the form describes, or what is still missing. `made_on` is filled in when
    /// it is recorded.
    pub fn to_decision(&self) -> Result<Decision, Vec<String>> {
        let mut missing = Vec::new();
        if self.outcome.is_none() {
            missing.push("choose an outcome".to_owned());
        }
        if self.recorder.is_none() {
            missing.push("choose who records the decision".to_owned());
        }
        let conditions = self.parsed_conditions().unwrap_or_else(|errors| {
            missing.extend(errors);
            Vec::new()
        });
        let scores = parse_scores(&self.moderated_scores).unwrap_or_else(|errors| {
            missing.extend(errors);
            Default::default()
        });
        let reason = self.moderation_reason.trim();
        if !scores.is_empty() && reason.is_empty() {
            missing.push("say why the panel moderated the school's scores".to_owned());
        }
        let (Some(outcome), Some(recorder)) = (&self.outcome, &self.recorder) else {
            return Err(missing);
        };
        if !missing.is_empty() {
            return Err(missing);
        }
        let mut participants = self.participants.clone();
        participants.sort();
        participants.dedup();
        Ok(Decision {
            school: self.school.clone(),
            year: self.year,
            kind: self.kind.clone(),
            meeting: self.meeting,
            outcome: outcome.clone(),
            areas: self
                .areas
                .iter()
                .filter_map(|a| {
                    Some(AreaJudgement {
                        area: a.area.clone(),
                        judgement: a.judgement.clone()?,
                        feedback: a.feedback.trim_end().to_owned(),
                    })
                })
                .collect(),
            feedback: self.feedback.trim_end().to_owned(),
            conditions,
            participants,
            recorder: recorder.clone(),
            made_on: None,
            supersedes: self.supersedes.clone(),
            override_reason: Some(self.override_reason.trim().to_owned()).filter(|r| !r.is_empty()),
            // The grade follows from the scores, which the recorder reads with the submission.
            grade: None,
            moderation: (!scores.is_empty()).then(|| Moderation {
                scores,
                reason: reason.to_owned(),
            }),
        })
    }
}

/// A meeting's record as it is being set up: like a meeting, but the chair may not be
/// chosen yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingDraft {
    pub date: Date,
    #[serde(default)]
    pub chair: Option<MemberId>,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub present: Vec<MemberId>,
    #[serde(default)]
    pub apologies: Vec<MemberId>,
    /// Conflicts declared at the meeting (those from affiliations are added when recorded).
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
    #[serde(default)]
    pub agenda: Vec<AgendaItem>,
    #[serde(default)]
    pub notes: String,
    /// The readers already confirmed, kept as they are (the readers are set by assignment,
    /// not in this form); an item taken off the agenda loses its readers.
    #[serde(default)]
    pub readers: Vec<crate::model::ItemReaders>,
}

impl MeetingDraft {
    /// A meeting not yet set up: nothing chosen.
    pub fn new(date: Date) -> MeetingDraft {
        MeetingDraft {
            date,
            chair: None,
            location: String::new(),
            present: Vec::new(),
            apologies: Vec::new(),
            conflicts: Vec::new(),
            agenda: Vec::new(),
            notes: String::new(),
            readers: Vec::new(),
        }
    }

    pub fn key(&self) -> String {
        format!("meeting_{}", self.date)
    }

    pub fn from_meeting(meeting: &Meeting) -> MeetingDraft {
        MeetingDraft {
            date: meeting.date,
            chair: Some(meeting.chair.clone()),
            location: meeting.location.clone(),
            present: meeting.present.clone(),
            apologies: meeting.apologies.clone(),
            conflicts: meeting.conflicts.clone(),
            agenda: meeting.agenda.clone(),
            notes: meeting.notes.clone(),
            readers: meeting.readers.clone(),
        }
    }

    /// Takes off the readers, as `recorded` had them, who may no longer read their item —
    /// they have since sent apologies or declared a conflict for the school — and says who (an
    /// item whose lead goes loses its readers), so that the chair can give it others. A reader
    /// newly chosen, and a member unknown to the panel, are left for the meeting's rules to
    /// refuse: a choice the chair makes now is not undone quietly.
    pub fn drop_unfit_readers(
        &mut self,
        panel: &crate::model::Panel,
        recorded: &[crate::model::ItemReaders],
    ) -> Vec<String> {
        let Ok(meeting) = self.to_meeting() else {
            return Vec::new();
        };
        let was = |r: &crate::model::ItemReaders, m: &MemberId| {
            recorded.iter().any(|old| {
                old.school == r.school
                    && old.year == r.year
                    && old.kind == r.kind
                    && old.members().any(|o| o == m)
            })
        };
        let unfit = |m: &MemberId, r: &crate::model::ItemReaders| {
            was(r, m)
                && panel.member(m).is_some()
                && !crate::model::assign::may_read(panel, &meeting, m, &r.school)
        };
        let mut said = Vec::new();
        let mut say = |m: &MemberId, r: &crate::model::ItemReaders| {
            said.push(format!(
                "{m} is no longer a reader of {}: away or conflicted; run `kitemark assign` (or A on the agenda) to give the item another",
                r.item()
            ));
        };
        self.readers.retain_mut(|r| {
            if let Some(second) = &r.second
                && unfit(second, r)
            {
                say(second, r);
                r.second = None;
            }
            if unfit(&r.lead, r) {
                say(&r.lead, r);
                return false;
            }
            true
        });
        said
    }

    /// The meeting to record, or what is missing.
    pub fn to_meeting(&self) -> Result<Meeting, Vec<String>> {
        let Some(chair) = &self.chair else {
            return Err(vec!["choose the chair (c on a member present)".to_owned()]);
        };
        Ok(Meeting {
            date: self.date,
            chair: chair.clone(),
            location: self.location.clone(),
            present: self.present.clone(),
            apologies: self.apologies.clone(),
            conflicts: self.conflicts.clone(),
            agenda: self.agenda.clone(),
            notes: self.notes.clone(),
            readers: self
                .readers
                .iter()
                .filter(|r| self.agenda.iter().any(|i| r.is_of(i)))
                .cloned()
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn moderated_scores_are_read_and_a_criterion_given_twice_is_refused() {
        let scores = parse_scores("lm-2=2, ee-1=3\nsv-1 = 1").unwrap();
        let read: Vec<(String, u32)> = scores.iter().map(|(c, p)| (c.to_string(), *p)).collect();
        assert_eq!(
            read,
            [("ee-1".into(), 3), ("lm-2".into(), 2), ("sv-1".into(), 1)]
        );
        let errors = parse_scores("lm-2=2, lm-2=3").unwrap_err();
        assert_eq!(errors, ["moderated score for lm-2 is given twice"]);
        assert!(parse_scores("lm-2").is_err());
        assert!(parse_scores("").unwrap().is_empty());
    }

    use super::*;

    fn draft() -> DecisionDraft {
        DecisionDraft::new(
            "oak".parse().unwrap(),
            "2025-26".parse().unwrap(),
            "initial".parse().unwrap(),
            jiff::civil::date(2025, 11, 12),
        )
    }

    #[test]
    fn missing_parts_are_named() {
        let missing = draft().to_decision().unwrap_err();
        assert_eq!(
            missing,
            vec!["choose an outcome", "choose who records the decision"]
        );
    }

    #[test]
    fn conditions_are_typed_one_per_line() {
        let mut d = draft();
        d.conditions =
            "2026-03-31 Train the governor\n\n2026-07-17   Share the policy  \nsoon Do something"
                .into();
        let errors = d.parsed_conditions().unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("condition line 4:"), "{errors:?}");
        d.conditions = "2026-03-31 Train the governor\n2026-07-17 Share the policy".into();
        let parsed = d.parsed_conditions().unwrap();
        assert_eq!(parsed[1].text, "Share the policy");
    }

    #[test]
    fn conditions_are_written_either_way() {
        let due = jiff::civil::date(2027, 3, 31);
        for line in [
            "2027-03-31 Email head@oak.example.org",
            "Email head@oak.example.org@2027-03-31",
            "  Email head@oak.example.org @ 2027-03-31  ",
        ] {
            let c = parse_condition(line).unwrap();
            assert_eq!(
                (c.text.as_str(), c.due),
                ("Email head@oak.example.org", due)
            );
        }
        for bad in [
            "2027-03-31",
            "Share it@",
            "@2027-03-31",
            "soon Share it",
            "Share it@soon",
        ] {
            assert!(parse_condition(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_correction_starts_from_the_decision_and_supersedes_it() {
        let mut d = draft();
        d.outcome = Some("awarded-with-conditions".parse().unwrap());
        d.recorder = Some("nurse".parse().unwrap());
        d.participants = vec!["nurse".parse().unwrap(), "psych".parse().unwrap()];
        d.feedback = "Well done.".into();
        d.override_reason = "The panel saw the evidence.".into();
        d.areas = vec![AreaDraft {
            area: "leadership".parse().unwrap(),
            judgement: Some("met".parse().unwrap()),
            feedback: "Clear.".into(),
        }];
        d.conditions = "2026-03-31 Train the governor\n2026-07-17 Share the policy".into();
        let mut recorded = d.to_decision().unwrap();
        recorded.conditions[0].text = "Train\nthe governor".into();
        let path = "decisions/oak/2025-26/2025-11-12-initial.ron";
        let correction = DecisionDraft::correcting(path, &recorded);
        assert_ne!(correction.key(), d.key(), "a draft of its own");
        let again = correction.to_decision().unwrap();
        recorded.conditions[0].text = "Train the governor".into();
        recorded.supersedes = Some(path.into());
        assert_eq!(again, recorded);
    }

    #[test]
    fn a_complete_draft_makes_a_decision_and_round_trips() {
        let mut d = draft();
        d.outcome = Some("awarded".parse().unwrap());
        d.recorder = Some("nurse".parse().unwrap());
        d.feedback = "Well done.\n".into();
        d.participants = vec![
            "psych".parse().unwrap(),
            "chair".parse().unwrap(),
            "psych".parse().unwrap(),
        ];
        d.areas = vec![
            AreaDraft {
                area: "leadership".parse().unwrap(),
                judgement: Some("met".parse().unwrap()),
                feedback: "Clear.".into(),
            },
            AreaDraft {
                area: "student-voice".parse().unwrap(),
                judgement: None,
                feedback: String::new(),
            },
        ];
        let decision = d.to_decision().unwrap();
        assert_eq!(decision.participants.len(), 2);
        assert_eq!(
            decision.areas.len(),
            1,
            "areas without a judgement are left out"
        );
        assert_eq!(decision.feedback, "Well done.");
        let text = crate::model::format::to_ron(&d).unwrap();
        assert_eq!(
            crate::model::format::from_ron::<DecisionDraft>(&text).unwrap(),
            d
        );
    }

    #[test]
    fn a_reader_who_sends_apologies_or_declares_a_conflict_is_taken_off_the_item() {
        let panel: crate::model::Panel =
            crate::model::format::from_ron(include_str!("../../tests/fixtures/base/panel.ron"))
                .unwrap();
        let item = |school: &str| AgendaItem {
            school: school.parse().unwrap(),
            year: "2025-26".parse().unwrap(),
            kind: "initial".parse().unwrap(),
        };
        let readers = |school: &str, lead: &str, second: &str| crate::model::ItemReaders {
            school: school.parse().unwrap(),
            year: "2025-26".parse().unwrap(),
            kind: "initial".parse().unwrap(),
            lead: lead.parse().unwrap(),
            second: Some(second.parse().unwrap()),
        };
        let mut draft = MeetingDraft {
            chair: Some("chair".parse().unwrap()),
            agenda: vec![item("oak"), item("elm")],
            readers: vec![
                readers("oak", "psych", "nurse"),
                readers("elm", "nurse", "psych"),
            ],
            ..MeetingDraft::new(jiff::civil::date(2025, 11, 12))
        };
        draft.apologies = vec!["psych".parse().unwrap()];
        let recorded = draft.readers.clone();
        // A reader chosen now is the rules' to refuse, not this to undo.
        assert!(draft.clone().drop_unfit_readers(&panel, &[]).is_empty());
        let said = draft.drop_unfit_readers(&panel, &recorded);
        assert_eq!(said.len(), 2, "{said:?}");
        assert!(said[0].starts_with("psych is no longer a reader of oak/2025-26/initial"));
        // Oak lost its lead and with it its readers; elm keeps its lead without a second.
        assert_eq!(draft.readers.len(), 1);
        assert_eq!(draft.readers[0].lead.as_str(), "nurse");
        assert_eq!(draft.readers[0].second, None);
        assert!(
            draft.drop_unfit_readers(&panel, &recorded).is_empty(),
            "nothing more to take off"
        );
    }
}
