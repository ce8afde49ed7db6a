//! The panel's small files, parsed: panel, rubrics, school profiles, meetings and decisions.
//! Submissions (the large files) are not part of it; they are read when a school is opened.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use super::decision::Decision;
use super::ids::{AcademicYear, KindId, RubricId, SchoolId};
use super::lifecycle::{self, AwardState, DecisionRecord, Eligibility, PendingItem};
use super::meeting::Meeting;
use super::panel::Panel;
use super::rubric::Rubric;
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

    /// The decision recorded for an agenda item at a meeting, if any (the latest correction).
    pub fn decision_at(
        &self,
        school: &SchoolId,
        year: AcademicYear,
        kind: &KindId,
        meeting: Date,
    ) -> Option<&(String, Decision)> {
        self.decisions.iter().rfind(|(_, d)| {
            &d.school == school && d.year == year && &d.kind == kind && d.meeting == meeting
        })
    }

    /// Each school's latest submission that no decision has been recorded for, with the kind
    /// of decision it needs: an annual review while the award is held, a resubmission after
    /// one was requested, else an initial application.
    pub fn awaiting_decision(&self, today: Date) -> Vec<Awaiting> {
        let mut out = Vec::new();
        for (id, years) in &self.years {
            let Some(&year) = years.last() else { continue };
            if self
                .decisions
                .iter()
                .any(|(_, d)| &d.school == id && d.year == year)
            {
                continue;
            }
            let (Some(rubric), Some(status)) =
                (self.rubric_for_school(id), self.school_status(id, today))
            else {
                continue;
            };
            let resubmission_requested = self.decisions.iter().any(|(_, d)| {
                &d.school == id
                    && rubric
                        .outcome(&d.kind, &d.outcome)
                        .is_some_and(|o| o.effect == super::rubric::Effect::Resubmission)
            });
            let preferred = if status.award.as_ref().is_some_and(|a| a.status.is_held()) {
                "annual-review"
            } else if resubmission_requested {
                "resubmission"
            } else {
                "initial"
            };
            let kind = rubric
                .decision_kinds
                .iter()
                .find(|k| k.id == preferred)
                .or_else(|| rubric.decision_kinds.first())
                .map(|k| k.id.clone());
            if let Some(kind) = kind {
                out.push(Awaiting {
                    school: id.clone(),
                    year,
                    kind,
                });
            }
        }
        out
    }

    /// The rubric a school works to: its own, else the panel's default.
    pub fn rubric_for_school(&self, school: &SchoolId) -> Option<&Rubric> {
        let id = self
            .schools
            .get(school)
            .and_then(|s| s.rubric.as_ref())
            .unwrap_or(&self.panel.default_rubric);
        self.rubrics.get(id)
    }

    /// The school's decisions as records for the lifecycle functions.
    pub fn decision_records<'a>(&'a self, school: &'a SchoolId) -> Vec<DecisionRecord<'a>> {
        self.decisions
            .iter()
            .filter(|(_, d)| &d.school == school)
            .map(|(path, decision)| DecisionRecord { path, decision })
            .collect()
    }

    /// A school's award state, pending items and eligibility on `today`.
    pub fn school_status(&self, id: &SchoolId, today: Date) -> Option<SchoolStatus> {
        let school = self.schools.get(id)?;
        let rubric = self.rubric_for_school(id)?;
        let records = self.decision_records(id);
        let mut awards = lifecycle::award_states(rubric, &records, today);
        let main = rubric.awards.first().map(|a| &a.id);
        awards.sort_by_key(|a| Some(&a.award) != main);
        let award = awards.iter().find(|a| Some(&a.award) == main).cloned();
        let meetings: Vec<&Meeting> = self.meetings.values().collect();
        Some(SchoolStatus {
            id: id.clone(),
            name: school.name.clone(),
            phase: school.phase,
            dspl_area: school.dspl_area.clone(),
            rubric: rubric.id.clone(),
            years: self.years.get(id).cloned().unwrap_or_default(),
            award,
            awards,
            pending: lifecycle::pending_items(id, &meetings, &records),
            eligibility: lifecycle::eligibility(rubric, &records, today),
        })
    }
}
