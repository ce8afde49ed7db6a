//! A member's review of an agenda item, written before the meeting:
//! `reviews/<school-id>/<year>/<YYYY-MM-DD>-<kind>/<member-id>.ron`.
//!
//! The lead reviewer and the second reader read the application beforehand and say what they
//! would recommend, so the chair sees where the panel stands before discussion begins. A review
//! is its author's: committed by that member, changed only by them, and fixed once the meeting
//! has started (its day has come, or it has recorded a decision).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::decide::{At, Finding, Refusal, conflicts};
use super::ids::{AcademicYear, AreaId, KindId, MemberId, OutcomeId, SchoolId};
use super::meeting::{AgendaItem, Meeting};
use super::panel::Panel;
use super::rubric::Rubric;

/// One member's review of one item of a meeting's agenda.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub school: SchoolId,
    pub year: AcademicYear,
    pub kind: KindId,
    /// The date of the meeting whose agenda holds the item.
    pub meeting: Date,
    pub reviewer: MemberId,
    /// The outcome the reviewer recommends, from the rubric's outcomes.
    pub recommendation: OutcomeId,
    /// What the reviewer would say to the panel overall.
    #[serde(default)]
    pub summary: String,
    /// A note on an area, where the reviewer has one.
    #[serde(default)]
    pub areas: Vec<AreaNote>,
    /// Questions for the school or for the panel.
    #[serde(default)]
    pub questions: Vec<String>,
}

impl Review {
    /// The agenda item the review is of.
    pub fn item(&self) -> AgendaItem {
        AgendaItem {
            school: self.school.clone(),
            year: self.year,
            kind: self.kind.clone(),
        }
    }

    /// Whether the review is of this item at this meeting.
    pub fn is_of(&self, meeting: Date, item: &AgendaItem) -> bool {
        self.meeting == meeting && self.item() == *item
    }

    /// Where the review is kept: its item's folder, named after its reviewer.
    pub fn path(&self) -> super::layout::ReviewPath {
        super::layout::ReviewPath {
            school: self.school.clone(),
            year: self.year,
            meeting: self.meeting,
            kind: self.kind.clone(),
            member: self.reviewer.clone(),
        }
    }
}

/// A reviewer's note on one area of the rubric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaNote {
    pub area: AreaId,
    pub note: String,
}

/// The rules of a review that need no clock, written once for `validate` and for recording:
/// a member of the panel writes it, of an item on a recorded meeting's agenda, while not
/// conflicted for the school, recommending an outcome of the item's kind and noting only the
/// rubric's areas. A member who sent apologies may still write one: their reading is of use
/// to the panel whether or not they can be in the room. `rubric` is the one the school's
/// submission follows, where it is known.
pub fn review_findings(
    panel: Option<&Panel>,
    meeting: Option<&Meeting>,
    rubric: Option<&Rubric>,
    review: &Review,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push = |rule: &'static str, at: At, message: String| {
        out.push(Finding { rule, message, at });
    };
    let value = |field: &'static str, value: &str| At::Value {
        field,
        value: value.to_owned(),
        nth: 0,
    };
    if let Some(panel) = panel
        && panel.member(&review.reviewer).is_none()
    {
        push(
            "unknown-member",
            value("reviewer", review.reviewer.as_str()),
            format!(
                "{:?} (reviewer) is not a member of the panel",
                review.reviewer.as_str()
            ),
        );
    }
    match meeting {
        None => push(
            "unknown-meeting",
            At::Field("meeting"),
            format!(
                "no meeting is recorded on {} (meetings/{}.ron)",
                review.meeting, review.meeting
            ),
        ),
        Some(m) if !m.agenda.contains(&review.item()) => push(
            "not-on-agenda",
            At::Field("school"),
            format!(
                "{} is not on the agenda of the meeting of {}",
                review.item(),
                review.meeting
            ),
        ),
        Some(_) => {}
    }
    if let Some(panel) = panel
        && let Some(c) = conflicts(panel, meeting, &review.school)
            .into_iter()
            .find(|c| c.member == review.reviewer)
    {
        push(
            "review-by-conflicted",
            value("reviewer", review.reviewer.as_str()),
            format!(
                "{} is conflicted for {} ({}) and may not review it",
                review.reviewer, review.school, c.reason
            ),
        );
    }
    if let Some(rubric) = rubric {
        match rubric.decision_kinds.iter().find(|k| k.id == review.kind) {
            None => push(
                "unknown-kind",
                value("kind", review.kind.as_str()),
                format!(
                    "{:?} is not a kind of decision in {}",
                    review.kind.as_str(),
                    rubric.id
                ),
            ),
            Some(kind) if !kind.outcomes.iter().any(|o| o.id == review.recommendation) => push(
                "unknown-outcome",
                value("recommendation", review.recommendation.as_str()),
                format!(
                    "{:?} is not an outcome of {} in {} (outcomes: {})",
                    review.recommendation.as_str(),
                    review.kind,
                    rubric.id,
                    kind.outcomes
                        .iter()
                        .map(|o| o.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            Some(_) => {}
        }
        let mut nth = std::collections::BTreeMap::<&str, usize>::new();
        for note in &review.areas {
            let seen = nth.entry(note.area.as_str()).or_default();
            if !rubric.areas.iter().any(|a| a.id == note.area) {
                push(
                    "unknown-area",
                    At::Value {
                        field: "area",
                        value: note.area.as_str().to_owned(),
                        nth: *seen,
                    },
                    format!("{:?} is not an area of {}", note.area.as_str(), rubric.id),
                );
            }
            *seen += 1;
        }
    }
    out
}

/// Whether a meeting has started, as far as reviews go: its day has come, or a decision has
/// been recorded at it. From then on what was said before it is fixed.
pub fn meeting_started(meeting: Date, today: Date, decided: bool) -> bool {
    decided || today >= meeting
}

/// Why a review may not be recorded (or changed): the rules of [`review_findings`], and the
/// meeting having started.
pub fn review_refusals(
    panel: &Panel,
    meeting: Option<&Meeting>,
    rubric: Option<&Rubric>,
    review: &Review,
    started: bool,
) -> Vec<Refusal> {
    let mut out: Vec<Refusal> = review_findings(Some(panel), meeting, rubric, review)
        .into_iter()
        .map(Refusal::from)
        .collect();
    if started {
        out.push(Refusal {
            rule: "review-after-meeting-started",
            message: format!(
                "the meeting of {} has started; reviews are written before it",
                review.meeting
            ),
        });
    }
    out
}

/// What the review form holds while it is written: saved as a draft, checked when recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewDraft {
    pub school: SchoolId,
    pub year: AcademicYear,
    pub kind: KindId,
    pub meeting: Date,
    pub reviewer: Option<MemberId>,
    pub recommendation: Option<OutcomeId>,
    #[serde(default)]
    pub summary: String,
    /// Each area's note as written; an empty note is left out of the review.
    #[serde(default)]
    pub areas: Vec<(AreaId, String)>,
    /// One question per line.
    #[serde(default)]
    pub questions: String,
}

impl ReviewDraft {
    pub fn new(item: &AgendaItem, meeting: Date) -> ReviewDraft {
        ReviewDraft {
            school: item.school.clone(),
            year: item.year,
            kind: item.kind.clone(),
            meeting,
            reviewer: None,
            recommendation: None,
            summary: String::new(),
            areas: Vec::new(),
            questions: String::new(),
        }
    }

    /// The draft of a review already written, to change it.
    pub fn of(review: &Review) -> ReviewDraft {
        ReviewDraft {
            school: review.school.clone(),
            year: review.year,
            kind: review.kind.clone(),
            meeting: review.meeting,
            reviewer: Some(review.reviewer.clone()),
            recommendation: Some(review.recommendation.clone()),
            summary: review.summary.clone(),
            areas: review
                .areas
                .iter()
                .map(|a| (a.area.clone(), a.note.clone()))
                .collect(),
            questions: review.questions.join("\n"),
        }
    }

    /// Where the drafts store keeps it: one draft per item, meeting and reviewer.
    pub fn key(&self) -> String {
        format!(
            "review-{}-{}-{}-{}-{}",
            self.school,
            self.year,
            self.meeting,
            self.kind,
            self.reviewer.as_ref().map_or("nobody", |m| m.as_str())
        )
    }

    /// The review, or what is still missing.
    pub fn to_review(&self) -> Result<Review, Vec<String>> {
        let mut missing = Vec::new();
        if self.reviewer.is_none() {
            missing.push("choose the member writing the review".to_owned());
        }
        if self.recommendation.is_none() {
            missing.push("choose the outcome you recommend".to_owned());
        }
        let (Some(reviewer), Some(recommendation)) = (&self.reviewer, &self.recommendation) else {
            return Err(missing);
        };
        Ok(Review {
            school: self.school.clone(),
            year: self.year,
            kind: self.kind.clone(),
            meeting: self.meeting,
            reviewer: reviewer.clone(),
            recommendation: recommendation.clone(),
            summary: self.summary.trim_end().to_owned(),
            areas: self
                .areas
                .iter()
                .filter(|(_, note)| !note.trim().is_empty())
                .map(|(area, note)| AreaNote {
                    area: area.clone(),
                    note: note.trim_end().to_owned(),
                })
                .collect(),
            questions: self
                .questions
                .lines()
                .map(str::trim)
                .filter(|q| !q.is_empty())
                .map(str::to_owned)
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn draft() -> ReviewDraft {
        let item = AgendaItem {
            school: "oak".parse().unwrap(),
            year: "2025-26".parse().unwrap(),
            kind: "initial".parse().unwrap(),
        };
        ReviewDraft::new(&item, date(2025, 11, 12))
    }

    #[test]
    fn a_draft_says_what_it_lacks_and_leaves_out_empty_notes_and_questions() {
        let mut d = draft();
        assert_eq!(
            d.to_review().unwrap_err(),
            vec![
                "choose the member writing the review",
                "choose the outcome you recommend"
            ]
        );
        d.reviewer = Some("nurse".parse().unwrap());
        d.recommendation = Some("awarded".parse().unwrap());
        d.areas = vec![
            ("leadership".parse().unwrap(), "Clear.  ".into()),
            ("student-voice".parse().unwrap(), "  ".into()),
        ];
        d.questions = "First?\n\n  Second?  \n".into();
        let review = d.to_review().unwrap();
        assert_eq!(review.areas.len(), 1);
        assert_eq!(review.areas[0].note, "Clear.");
        assert_eq!(review.questions, vec!["First?", "Second?"]);
        assert_eq!(ReviewDraft::of(&review).to_review().unwrap(), review);
        assert_eq!(d.key(), "review-oak-2025-26-2025-11-12-initial-nurse");
    }

    #[test]
    fn a_meeting_has_started_on_its_day_or_once_it_has_decided() {
        let day = date(2025, 11, 12);
        assert!(!meeting_started(day, date(2025, 11, 11), false));
        assert!(meeting_started(day, day, false));
        assert!(meeting_started(day, date(2025, 11, 1), true));
    }
}
