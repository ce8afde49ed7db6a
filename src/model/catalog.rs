//! The panel's small files, parsed: panel, rubrics, school profiles, meetings and decisions.
//! Submissions (the large files) are not part of it; they are read when a school is opened.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use super::decision::Decision;
use super::ids::{AcademicYear, RubricId, SchoolId};
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

impl Catalog {
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
