//! Where the reviews of an agenda item stand, and which items the panel may take together.
//!
//! The chair sees for each item how many of its readers' reviews are in and what they
//! recommend; an item whose reviews are all in and all recommend the same accepting outcome
//! (an award granted or an annual review accepted, with no conditions to set) is proposed
//! **en bloc**: the panel confirms it with the others in one go unless a member pulls it out
//! for discussion. Whether the rules are met is the recorder's to check (it reads the school's
//! files); this is the part that needs only the catalog.

use std::collections::BTreeMap;

use super::catalog::Catalog;
use super::decide::default_participants;
use super::draft::{AreaDraft, DecisionDraft};
use super::meeting::{AgendaItem, Meeting};
use super::review::Review;
use super::rubric::Effect;
use super::{MemberId, OutcomeId};

/// The reviews of one item at one meeting.
#[derive(Debug, Clone)]
pub struct ItemReviews<'a> {
    /// The reviews written, one per reviewer and none by a member conflicted for the school,
    /// the lead reviewer's first, then in member id order.
    pub reviews: Vec<&'a Review>,
    /// The item's confirmed readers, lead first; empty where it has none.
    pub readers: Vec<MemberId>,
    /// How many are expected: the item's confirmed readers, or the reviews written where it
    /// has none.
    pub expected: usize,
    /// Each outcome recommended, with how many recommend it, the most recommended first.
    pub tally: Vec<(OutcomeId, usize)>,
}

impl ItemReviews<'_> {
    /// Whether the reviews recommend different outcomes.
    pub fn disagree(&self) -> bool {
        self.tally.len() > 1
    }

    /// Whether every expected review is in: each confirmed reader's, or, for an item without
    /// readers, at least one.
    pub fn all_in(&self) -> bool {
        !self.reviews.is_empty()
            && self
                .readers
                .iter()
                .all(|m| self.reviews.iter().any(|r| &r.reviewer == m))
    }

    /// The outcome every review recommends, if they agree.
    pub fn agreed(&self) -> Option<&OutcomeId> {
        match self.tally.as_slice() {
            [(outcome, _)] => Some(outcome),
            _ => None,
        }
    }

    /// `award ×1 · conditions ×1`: what the reviews recommend, for a row of the agenda.
    pub fn summary(&self) -> String {
        self.tally
            .iter()
            .map(|(outcome, n)| format!("{outcome} ×{n}"))
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// The reviews written for `item` at `meeting`.
pub fn item_reviews<'a>(
    catalog: &'a Catalog,
    meeting: &Meeting,
    item: &AgendaItem,
) -> ItemReviews<'a> {
    let readers = meeting.readers_of(item);
    let lead = readers.map(|r| &r.lead);
    // A review by a member conflicted for the school never counts, whenever the conflict was
    // declared; and a reviewer counts once, whatever files carry their name.
    let conflicts = super::decide::conflicts(&catalog.panel, Some(meeting), &item.school);
    let conflicted = |m: &MemberId| conflicts.iter().any(|c| &c.member == m);
    let mut reviews: Vec<&Review> = catalog
        .reviews
        .iter()
        .map(|(_, r)| r)
        .filter(|r| r.is_of(meeting.date, item) && !conflicted(&r.reviewer))
        .collect();
    reviews.sort_by_key(|r| (Some(&r.reviewer) != lead, r.reviewer.clone()));
    reviews.dedup_by(|a, b| a.reviewer == b.reviewer);
    let mut counts: BTreeMap<&OutcomeId, usize> = BTreeMap::new();
    for r in &reviews {
        *counts.entry(&r.recommendation).or_default() += 1;
    }
    let mut tally: Vec<(OutcomeId, usize)> =
        counts.into_iter().map(|(o, n)| (o.clone(), n)).collect();
    tally.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let readers: Vec<MemberId> = readers.map_or(Vec::new(), |r| r.members().cloned().collect());
    let expected = if readers.is_empty() {
        reviews.len()
    } else {
        readers.len()
    };
    ItemReviews {
        reviews,
        readers,
        expected,
        tally,
    }
}

/// Whether an outcome of the item's decision kind accepts the school's submission with
/// nothing more to ask: an award granted or an annual review accepted, without conditions.
fn accepting(catalog: &Catalog, item: &AgendaItem, outcome: &OutcomeId) -> bool {
    catalog
        .rubric_for_school(&item.school)
        .and_then(|r| r.outcome(&item.kind, outcome))
        .is_some_and(|o| {
            !o.needs_conditions
                && matches!(
                    o.effect,
                    Effect::Grant { .. } | Effect::ReviewAccepted { .. }
                )
        })
}

/// The undecided items of the meeting whose reviews are all in and agree on an accepting
/// outcome, in the agenda's order: the items to propose en bloc, before the rules are checked.
pub fn proposed(catalog: &Catalog, meeting: &Meeting) -> Vec<AgendaItem> {
    meeting
        .agenda
        .iter()
        .filter(|item| {
            catalog
                .decision_at(&item.school, item.year, &item.kind, meeting.date)
                .is_none()
        })
        .filter(|item| {
            let reviews = item_reviews(catalog, meeting, item);
            reviews.all_in()
                && reviews
                    .agreed()
                    .is_some_and(|o| accepting(catalog, item, o))
        })
        .cloned()
        .collect()
}

/// The decision form for an item, started from its reviews: the lead reviewer's recommendation
/// (or, without a lead, the outcome most recommended), the lead's summary as the feedback and
/// their notes on areas as the areas' feedback, the members present and not conflicted as the
/// participants, and `recorder`. A form with no review to start from is blank but for the
/// participants and recorder.
pub fn draft_from_reviews(
    catalog: &Catalog,
    meeting: &Meeting,
    item: &AgendaItem,
    recorder: Option<MemberId>,
) -> DecisionDraft {
    let reviews = item_reviews(catalog, meeting, item);
    let mut draft = DecisionDraft::new(
        item.school.clone(),
        item.year,
        item.kind.clone(),
        meeting.date,
    );
    draft.participants = default_participants(&catalog.panel, Some(meeting), &item.school);
    draft.recorder = recorder;
    let lead = meeting
        .readers_of(item)
        .and_then(|r| reviews.reviews.iter().find(|v| v.reviewer == r.lead))
        .or_else(|| {
            let most = &reviews.tally.first()?.0;
            reviews.reviews.iter().find(|v| &v.recommendation == most)
        });
    if let Some(lead) = lead {
        draft.outcome = Some(lead.recommendation.clone());
        draft.feedback = lead.summary.clone();
        draft.areas = lead
            .areas
            .iter()
            .map(|a| AreaDraft {
                area: a.area.clone(),
                judgement: None,
                feedback: a.note.clone(),
            })
            .collect();
    }
    draft
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ItemReaders, Review};

    use crate::model::testing::base_catalog as catalog;

    fn review(reviewer: &str, outcome: &str, summary: &str) -> (String, Review) {
        let r = Review {
            school: "oak".parse().unwrap(),
            year: "2025-26".parse().unwrap(),
            kind: "initial".parse().unwrap(),
            meeting: jiff::civil::date(2025, 11, 12),
            reviewer: reviewer.parse().unwrap(),
            recommendation: outcome.parse().unwrap(),
            summary: summary.into(),
            areas: Vec::new(),
            questions: Vec::new(),
        };
        (
            format!("reviews/oak/2025-26/2025-11-12-initial/{reviewer}.ron"),
            r,
        )
    }

    fn with_readers(catalog: &mut Catalog, lead: &str, second: &str) -> Meeting {
        let meeting = catalog.meetings.values_mut().next().unwrap();
        meeting.readers = vec![ItemReaders {
            school: "oak".parse().unwrap(),
            year: "2025-26".parse().unwrap(),
            kind: "initial".parse().unwrap(),
            lead: lead.parse().unwrap(),
            second: Some(second.parse().unwrap()),
        }];
        meeting.clone()
    }

    #[test]
    fn agreeing_accepting_reviews_all_in_are_proposed_en_bloc_and_the_lead_starts_the_form() {
        let mut catalog = catalog();
        let meeting = with_readers(&mut catalog, "psych", "nurse");
        let item = meeting.agenda[0].clone();
        catalog.reviews = vec![review("nurse", "awarded", "Sound.")];
        let one = item_reviews(&catalog, &meeting, &item);
        assert_eq!((one.reviews.len(), one.expected), (1, 2));
        assert!(!one.all_in(), "the lead's review is still to come");
        assert!(proposed(&catalog, &meeting).is_empty());

        catalog
            .reviews
            .push(review("psych", "awarded", "Strong on pupil voice."));
        let both = item_reviews(&catalog, &meeting, &item);
        assert_eq!(both.reviews[0].reviewer.as_str(), "psych", "the lead first");
        assert_eq!(both.summary(), "awarded ×2");
        assert!(both.all_in() && !both.disagree());
        assert_eq!(proposed(&catalog, &meeting), vec![item.clone()]);

        let draft = draft_from_reviews(&catalog, &meeting, &item, Some("chair".parse().unwrap()));
        assert_eq!(draft.outcome.as_ref().map(|o| o.as_str()), Some("awarded"));
        assert_eq!(draft.feedback, "Strong on pupil voice.");
        let participants: Vec<&str> = draft.participants.iter().map(|m| m.as_str()).collect();
        assert!(
            !participants.contains(&"head"),
            "conflicted: {participants:?}"
        );
    }

    #[test]
    fn disagreeing_or_conditional_reviews_are_not_proposed() {
        let mut catalog = catalog();
        let meeting = with_readers(&mut catalog, "psych", "nurse");
        let item = meeting.agenda[0].clone();
        catalog.reviews = vec![
            review("psych", "awarded", ""),
            review("nurse", "resubmission-requested", ""),
        ];
        let reviews = item_reviews(&catalog, &meeting, &item);
        assert!(reviews.disagree());
        assert_eq!(reviews.summary(), "awarded ×1 · resubmission-requested ×1");
        assert!(proposed(&catalog, &meeting).is_empty());

        catalog.reviews = vec![
            review("psych", "awarded-with-conditions", ""),
            review("nurse", "awarded-with-conditions", ""),
        ];
        assert!(
            proposed(&catalog, &meeting).is_empty(),
            "conditions are for the panel to set, not to confirm en bloc"
        );
    }

    #[test]
    fn only_the_readers_reviews_complete_an_item_and_a_conflicted_members_never_counts() {
        let mut catalog = catalog();
        let meeting = with_readers(&mut catalog, "psych", "nurse");
        let item = meeting.agenda[0].clone();
        // The chair is no reader; head is conflicted for oak (declared at the meeting).
        catalog.reviews = vec![
            review("psych", "awarded", ""),
            review("chair", "awarded", ""),
            review("head", "awarded", ""),
        ];
        let reviews = item_reviews(&catalog, &meeting, &item);
        assert!(!reviews.all_in(), "nurse's review is still to come");
        assert!(
            reviews
                .reviews
                .iter()
                .all(|r| r.reviewer.as_str() != "head"),
            "a conflicted member's review is not counted"
        );
        assert!(proposed(&catalog, &meeting).is_empty());
        // One reviewer's review filed twice counts once.
        let (path, mut copy) = review("psych", "awarded", "");
        copy.summary = "again".into();
        catalog.reviews = vec![review("psych", "awarded", ""), (path, copy)];
        assert_eq!(item_reviews(&catalog, &meeting, &item).reviews.len(), 1);
    }

    #[test]
    fn a_review_of_another_meeting_or_kind_does_not_count() {
        let mut catalog = catalog();
        let meeting = with_readers(&mut catalog, "psych", "nurse");
        let item = meeting.agenda[0].clone();
        let (path, mut other) = review("psych", "awarded", "");
        other.meeting = jiff::civil::date(2026, 1, 14);
        catalog.reviews = vec![(path, other)];
        assert!(item_reviews(&catalog, &meeting, &item).reviews.is_empty());
    }
}
