//! The panel's small files, parsed: panel, rubrics, school profiles, meetings and decisions.
//! Submissions (the large files) are not part of it; they are read when a school is opened.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use super::condition::{self, ConditionMet, ConditionStatus, MetRecord};
use super::decision::Decision;
use super::ids::{AcademicYear, KindId, RubricId, SchoolId};
use super::lifecycle::{self, AwardState, DecisionRecord, Eligibility, PendingItem};
use super::meeting::Meeting;
use super::panel::Panel;
use super::rubric::{Lineage, Rubric};
use super::school::{Phase, School};

/// The panel's small files at one commit.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub panel: Panel,
    pub rubrics: BTreeMap<RubricId, Rubric>,
    pub schools: BTreeMap<SchoolId, School>,
    /// The academic years each school has submission files for.
    pub years: BTreeMap<SchoolId, Vec<AcademicYear>>,
    pub meetings: BTreeMap<Date, Meeting>,
    /// Decisions with their repository paths.
    pub decisions: Vec<(String, Decision)>,
    /// The panel's records of conditions met, with their repository paths.
    pub conditions_met: Vec<(String, ConditionMet)>,
    /// Members' reviews of agenda items, with their repository paths.
    pub reviews: Vec<(String, super::review::Review)>,
    /// How each meeting ran, by its date.
    pub proceedings: BTreeMap<Date, super::proceedings::Proceedings>,
}

/// The one rule for which rubric a submission follows: the rubric its self-review names
/// (`named`), else the school's own, else the panel's default. A self-review that names a
/// rubric missing from `rubrics/` has none: it is never read against another framework.
pub fn submission_rubric<'a>(
    rubrics: &'a BTreeMap<RubricId, Rubric>,
    named: Option<&RubricId>,
    school: Option<&School>,
    panel: Option<&Panel>,
) -> Option<&'a Rubric> {
    rubrics.get(submission_rubric_id(named, school, panel)?)
}

/// The id [`submission_rubric`] chooses, for a reader that loads rubrics itself (the audit,
/// which reads each as it stood at a commit).
pub fn submission_rubric_id<'a>(
    named: Option<&'a RubricId>,
    school: Option<&'a School>,
    panel: Option<&'a Panel>,
) -> Option<&'a RubricId> {
    named
        .or_else(|| school.and_then(|s| s.rubric.as_ref()))
        .or_else(|| panel.map(|p| &p.default_rubric))
}

/// A school's standing on a given day, computed from its decisions and its rubric.
#[derive(Debug, Clone, Serialize)]
pub struct SchoolStatus {
    pub id: SchoolId,
    pub name: String,
    pub phase: Phase,
    pub dspl_area: String,
    pub rubric: RubricId,
    pub years: Vec<AcademicYear>,
    /// The rubric's main award (its first), if the school has ever been granted it.
    pub award: Option<AwardState>,
    /// Every award the school has been granted, main award first.
    pub awards: Vec<AwardState>,
    pub pending: Vec<PendingItem>,
    pub eligibility: Vec<Eligibility>,
    /// The conditions of its standing decisions, each open, overdue or met on the day.
    pub conditions: Vec<ConditionStatus>,
    /// How many of them are overdue and how many open.
    pub outstanding: condition::ConditionCounts,
}

/// A submission waiting for the panel, on a meeting's agenda or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Awaiting {
    pub school: SchoolId,
    pub year: AcademicYear,
    pub kind: KindId,
}

impl Catalog {
    /// The meeting the panel is working towards on `today`: the next one on or after today,
    /// else the latest one that still has undecided items.
    pub fn current_meeting(&self, today: Date) -> Option<&Meeting> {
        if let Some((_, next)) = self.meetings.range(today..).next() {
            return Some(next);
        }
        self.meetings.values().rev().find(|m| {
            m.agenda
                .iter()
                .any(|item| !self.is_decided(&item.school, item.year, &item.kind, m.date))
        })
    }

    /// Whether a decision of that kind was recorded for the school's year at or after `since`.
    pub fn is_decided(
        &self,
        school: &SchoolId,
        year: AcademicYear,
        kind: &KindId,
        since: Date,
    ) -> bool {
        self.decisions.iter().any(|(_, d)| {
            &d.school == school && d.year == year && &d.kind == kind && d.meeting >= since
        })
    }

    /// The commits the decisions on a school's year name as made on, the latest decision's
    /// first: where to look for the commit that submitted that year's files.
    pub fn made_on_commits(&self, school: &SchoolId, year: AcademicYear) -> Vec<&super::ObjectId> {
        self.decisions
            .iter()
            .rev()
            .filter(|(_, d)| &d.school == school && d.year == year)
            .filter_map(|(_, d)| d.made_on.as_ref().map(|m| &m.commit))
            .collect()
    }

    /// The decision recorded for an agenda item at a meeting, if any: the one made there, or
    /// the latest correction of it, even one recorded at a later meeting.
    pub fn decision_at(
        &self,
        school: &SchoolId,
        year: AcademicYear,
        kind: &KindId,
        meeting: Date,
    ) -> Option<&(String, Decision)> {
        let mut found = self.decisions.iter().rfind(|(_, d)| {
            &d.school == school && d.year == year && &d.kind == kind && d.meeting == meeting
        })?;
        // Bounded so that a cycle of corrections cannot hang the tool.
        for _ in 0..self.decisions.len() {
            match self
                .decisions
                .iter()
                .find(|(_, d)| d.supersedes.as_deref() == Some(found.0.as_str()))
            {
                Some(correction) => found = correction,
                None => break,
            }
        }
        Some(found)
    }

    /// Each school's latest submission that still needs a decision, with its kind: one with no
    /// decision yet (an annual review while the award is held, else an initial application),
    /// or one whose latest decision asked for it to be revised and sent again.
    pub fn awaiting_decision(&self, today: Date) -> Vec<Awaiting> {
        let mut out = Vec::new();
        for (id, years) in &self.years {
            let Some(&year) = years.last() else { continue };
            let (Some(rubric), Some(status)) =
                (self.rubric_for_school(id), self.school_status(id, today))
            else {
                continue;
            };
            let records: Vec<_> = self
                .decision_records(id)
                .into_iter()
                .filter(|r| r.decision.year == year)
                .collect();
            let latest = super::lifecycle::effective(&records)
                .into_iter()
                .last()
                .map(|(_, r)| r.decision);
            let find = |id: &str| {
                rubric
                    .decision_kinds
                    .iter()
                    .find(|k| k.id == id)
                    .map(|k| k.id.clone())
            };
            let kind = match latest {
                None if status.award.as_ref().is_some_and(|a| a.status.is_held()) => {
                    find("annual-review")
                }
                None => find("initial"),
                Some(d) => {
                    let resubmit = rubric
                        .outcome(&d.kind, &d.outcome)
                        .is_some_and(|o| o.effect == super::rubric::Effect::Resubmission);
                    if !resubmit {
                        continue;
                    }
                    // An application sent back comes again as a resubmission; a review stays a review.
                    if d.kind == "initial" || d.kind == "resubmission" {
                        find("resubmission").or_else(|| Some(d.kind.clone()))
                    } else {
                        Some(d.kind.clone())
                    }
                }
            };
            if let Some(kind) = kind.or_else(|| rubric.decision_kinds.first().map(|k| k.id.clone()))
            {
                out.push(Awaiting {
                    school: id.clone(),
                    year,
                    kind,
                });
            }
        }
        out
    }

    /// Who knows each school on the agenda of `meeting` from before: the members who took
    /// part in its decisions on the year before the item's, and the readers confirmed for its
    /// items at earlier meetings (of that year or the item's own, as for a resubmission). What
    /// [`super::assign::suggest`] is given, so last year's reader leads where they can.
    pub fn knows(
        &self,
        meeting: &Meeting,
    ) -> BTreeMap<SchoolId, std::collections::BTreeSet<super::MemberId>> {
        let mut out: BTreeMap<SchoolId, std::collections::BTreeSet<super::MemberId>> =
            BTreeMap::new();
        for item in &meeting.agenda {
            let last_year = item.year.previous();
            let known = out.entry(item.school.clone()).or_default();
            for (_, d) in &self.decisions {
                if d.school == item.school && d.year == last_year {
                    known.extend(d.participants.iter().cloned());
                }
            }
            for earlier in self.meetings.range(..meeting.date).map(|(_, m)| m) {
                for r in &earlier.readers {
                    if r.school == item.school && (r.year == last_year || r.year == item.year) {
                        known.extend(r.members().cloned());
                    }
                }
            }
        }
        out
    }

    /// The rubric a submission is read against: the one its self-review names, else the
    /// school's (see [`submission_rubric`]). Everything that reads a submission (the decision
    /// form and its checks, the views, the validator, the export, the audit) asks this.
    pub fn rubric_for_submission(
        &self,
        school: &SchoolId,
        review: Option<&super::SelfReview>,
    ) -> Option<&Rubric> {
        submission_rubric(
            &self.rubrics,
            review.map(|r| &r.rubric),
            self.schools.get(school),
            Some(&self.panel),
        )
    }

    /// The rubric a school works to when no self-review is at hand: its own, else the panel's
    /// default. The same as [`Catalog::rubric_for_submission`] without a self-review.
    pub fn rubric_for_school(&self, school: &SchoolId) -> Option<&Rubric> {
        self.rubric_for_submission(school, None)
    }

    /// A rubric with the frameworks it succeeds that are in `rubrics/`: what a school's
    /// decisions over the years are read against.
    pub fn lineage<'a>(&'a self, rubric: &'a Rubric) -> Lineage<'a> {
        Lineage::of(&self.rubrics, rubric)
    }

    /// The framework a decision was made under: of the school's rubric and those it
    /// succeeds, the newest the decision reads whole against (see [`Lineage::rubric_for`]).
    pub fn rubric_for_decision(&self, decision: &Decision) -> Option<&Rubric> {
        let rubric = self.rubric_for_school(&decision.school)?;
        Some(self.lineage(rubric).rubric_for(decision))
    }

    /// The school's decisions as records for the lifecycle functions.
    pub fn decision_records<'a>(&'a self, school: &'a SchoolId) -> Vec<DecisionRecord<'a>> {
        self.decisions
            .iter()
            .filter(|(_, d)| &d.school == school)
            .map(|(path, decision)| DecisionRecord { path, decision })
            .collect()
    }

    /// The school's conditions with their states on `on` (see [`condition::conditions`]).
    pub fn conditions(&self, school: &SchoolId, on: Date) -> Vec<ConditionStatus> {
        let records = self.decision_records(school);
        condition::conditions(&records, &self.met_records(), on)
    }

    fn met_records(&self) -> Vec<MetRecord<'_>> {
        self.conditions_met
            .iter()
            .map(|(path, met)| MetRecord { path, met })
            .collect()
    }

    /// A school's award state, pending items and eligibility on `today`.
    pub fn school_status(&self, id: &SchoolId, today: Date) -> Option<SchoolStatus> {
        let meetings: Vec<&Meeting> = self.meetings.values().collect();
        self.status_of(
            id,
            today,
            self.decision_records(id),
            &meetings,
            &self.met_records(),
        )
    }

    /// Every school's status on `today` ([`Catalog::school_status`]), in id order. The
    /// decisions, the meetings that name each school and the records of conditions met are
    /// sorted out by school once, rather than searched through for every school: with
    /// 10,000 schools and 50,000 decisions the search is most of the time.
    pub fn school_statuses(&self, today: Date) -> Vec<(&SchoolId, Option<SchoolStatus>)> {
        let mut decisions: BTreeMap<&SchoolId, Vec<DecisionRecord<'_>>> = BTreeMap::new();
        let mut school_of: BTreeMap<&str, &SchoolId> = BTreeMap::new();
        for (path, decision) in &self.decisions {
            decisions
                .entry(&decision.school)
                .or_default()
                .push(DecisionRecord { path, decision });
            school_of.insert(path, &decision.school);
        }
        let mut meetings: BTreeMap<&SchoolId, Vec<&Meeting>> = BTreeMap::new();
        for meeting in self.meetings.values() {
            let named: std::collections::BTreeSet<&SchoolId> =
                meeting.agenda.iter().map(|item| &item.school).collect();
            for school in named {
                meetings.entry(school).or_default().push(meeting);
            }
        }
        // A record of a condition met counts only for the decision it names, so only for
        // that decision's school.
        let mut met: BTreeMap<&SchoolId, Vec<MetRecord<'_>>> = BTreeMap::new();
        for (path, record) in &self.conditions_met {
            if let Some(school) = school_of.get(record.decision.as_str()) {
                met.entry(school)
                    .or_default()
                    .push(MetRecord { path, met: record });
            }
        }
        self.schools
            .keys()
            .map(|id| {
                let status = self.status_of(
                    id,
                    today,
                    decisions.remove(id).unwrap_or_default(),
                    meetings.get(id).map_or(&[], Vec::as_slice),
                    met.get(id).map_or(&[], Vec::as_slice),
                );
                (id, status)
            })
            .collect()
    }

    /// A school's status from its decisions, the meetings (those that name it are enough)
    /// and the records of conditions met (those of its decisions are enough).
    fn status_of(
        &self,
        id: &SchoolId,
        today: Date,
        records: Vec<DecisionRecord<'_>>,
        meetings: &[&Meeting],
        met: &[MetRecord<'_>],
    ) -> Option<SchoolStatus> {
        let school = self.schools.get(id)?;
        let rubric = self.rubric_for_school(id)?;
        let lineage = self.lineage(rubric);
        let mut awards = lifecycle::award_states(lineage.clone(), &records, today);
        // The main award, or the award of a framework it replaced that it honours.
        let is_main = |a: &AwardState| {
            rubric
                .awards
                .first()
                .is_some_and(|main| lineage.same_award(&a.award, &main.id))
        };
        awards.sort_by_key(|a| !is_main(a));
        let award = awards.iter().find(|a| is_main(a)).cloned();
        let conditions = condition::conditions(&records, met, today);
        Some(SchoolStatus {
            id: id.clone(),
            name: school.name.clone(),
            phase: school.phase,
            dspl_area: school.dspl_area.clone(),
            rubric: rubric.id.clone(),
            years: self.years.get(id).cloned().unwrap_or_default(),
            award,
            awards,
            pending: lifecycle::pending_items(id, meetings, &records),
            eligibility: lifecycle::eligibility(lineage, &records, today),
            outstanding: condition::ConditionCounts::of(&conditions),
            conditions,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    use crate::model::testing::{base_catalog, base_fixture as fixture};

    fn catalog() -> Catalog {
        let decision: Decision = fixture!("decisions/oak/2025-26/2025-11-12-initial.ron");
        Catalog {
            decisions: vec![(
                "decisions/oak/2025-26/2025-11-12-initial.ron".into(),
                decision,
            )],
            ..base_catalog()
        }
    }

    fn oak() -> SchoolId {
        "oak".parse().unwrap()
    }

    #[test]
    fn a_submission_sent_back_awaits_its_resubmission() {
        let mut c = catalog();
        assert!(
            c.awaiting_decision(date(2025, 12, 1)).is_empty(),
            "decided: nothing awaits"
        );
        c.decisions[0].1.outcome = "resubmission-requested".parse().unwrap();
        let awaiting = c.awaiting_decision(date(2025, 12, 1));
        assert_eq!(awaiting.len(), 1);
        // The mini rubric has no "resubmission" kind, so it comes back as the same kind.
        assert_eq!(awaiting[0].kind.as_str(), "initial");
    }

    #[test]
    fn a_correction_at_a_later_meeting_is_the_decision_shown() {
        let mut c = catalog();
        let mut correction = c.decisions[0].1.clone();
        correction.meeting = date(2026, 1, 14);
        correction.outcome = "awarded-with-conditions".parse().unwrap();
        correction.supersedes = Some(c.decisions[0].0.clone());
        c.decisions.push((
            "decisions/oak/2025-26/2026-01-14-initial.ron".into(),
            correction,
        ));
        let (_, shown) = c
            .decision_at(
                &oak(),
                "2025-26".parse().unwrap(),
                &"initial".parse().unwrap(),
                date(2025, 11, 12),
            )
            .unwrap();
        assert_eq!(shown.outcome.as_str(), "awarded-with-conditions");
    }

    #[test]
    fn last_years_deciders_and_earlier_readers_know_a_school() {
        let mut c = catalog();
        let mut next = c.meetings.values().next().unwrap().clone();
        let earlier = next.date;
        next.date = date(2026, 11, 11);
        next.agenda[0].year = "2026-27".parse().unwrap();
        next.agenda[0].kind = "annual-review".parse().unwrap();
        // A reader confirmed at the earlier meeting, and one at a meeting after: only the
        // first knows the school by then.
        let reader = |lead: &str| crate::model::ItemReaders {
            school: oak(),
            year: "2025-26".parse().unwrap(),
            kind: "initial".parse().unwrap(),
            lead: lead.parse().unwrap(),
            second: None,
        };
        c.meetings.get_mut(&earlier).unwrap().readers = vec![reader("reader")];
        let mut later = next.clone();
        later.date = date(2027, 1, 13);
        later.readers = vec![reader("too-late")];
        c.meetings.insert(later.date, later);
        c.meetings.insert(next.date, next.clone());
        let known: Vec<String> = c.knows(&next)[&oak()]
            .iter()
            .map(|m| m.to_string())
            .collect();
        let mut expected: Vec<String> = c.decisions[0]
            .1
            .participants
            .iter()
            .map(|m| m.to_string())
            .chain(["reader".to_owned()])
            .collect();
        expected.sort();
        assert_eq!(known, expected);
        // Two years on, nobody does.
        next.agenda[0].year = "2027-28".parse().unwrap();
        assert!(c.knows(&next)[&oak()].is_empty());
    }

    #[test]
    fn absurd_durations_do_not_panic() {
        let mut c = catalog();
        let rubric = c.rubrics.values_mut().next().unwrap();
        rubric.decision_kinds[0].outcomes[0].effect = crate::model::rubric::Effect::Grant {
            award: "mark".parse().unwrap(),
            months: u32::MAX,
        };
        rubric.awards[0].annual_review_months = Some(u32::MAX);
        assert!(
            !rubric.consistency_problems().is_empty(),
            "the rubric is reported"
        );
        let status = c.school_status(&oak(), date(2026, 1, 1)).unwrap();
        assert_eq!(status.award.unwrap().expires, Date::MAX);
    }
}
