//! A graded rubric's scores: each criterion's points, the total and the grade it earns, as the
//! school scored them or as the panel moderated them. Pure; every view of a grade (submission,
//! comparison, decision, letter, minutes, `schools`, audit) reads it from here.

use std::collections::BTreeMap;

use serde::Serialize;

use super::decision::{Decision, Moderation};
use super::ids::{AreaId, CriterionId, LevelId};
use super::rubric::{Effect, Rubric};
use super::submission::SelfReview;

/// One scored criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriterionScore {
    pub criterion: CriterionId,
    pub area: AreaId,
    pub max: u32,
    /// The school's points, if it scored the criterion.
    pub school: Option<u32>,
    /// The panel's points, where it moderated the criterion.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub panel: Option<u32>,
}

impl CriterionScore {
    /// The points that count: the panel's where it moderated, else the school's.
    pub fn counted(&self) -> Option<u32> {
        self.panel.or(self.school)
    }
}

/// A submission's scores against a graded rubric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreSheet {
    pub criteria: Vec<CriterionScore>,
    /// The total of the points that count.
    pub total: u32,
    /// The rubric's highest total.
    pub max: u32,
    /// The grade the total earns, on the rubric's self-assessment scale.
    pub grade: Option<LevelId>,
    /// The grade's label, for people.
    pub grade_label: Option<String>,
    /// Criteria the school left unscored.
    pub unscored: usize,
}

impl ScoreSheet {
    /// `57 of 63 · Advanced`
    pub fn headline(&self) -> String {
        match &self.grade_label {
            Some(label) => format!("{} of {} · {label}", self.total, self.max),
            None => format!("{} of {}", self.total, self.max),
        }
    }

    /// The criteria of one area, in the rubric's order.
    pub fn in_area<'a>(&'a self, area: &'a AreaId) -> impl Iterator<Item = &'a CriterionScore> {
        self.criteria.iter().filter(move |c| &c.area == area)
    }

    /// The same sheet with `panel`'s points in place of the school's for those criteria
    /// (criteria the rubric does not score are ignored), totalled and graded again: what the
    /// decision form shows as the panel types.
    pub fn moderated_by(&self, rubric: &Rubric, panel: &BTreeMap<CriterionId, u32>) -> ScoreSheet {
        let criteria: Vec<CriterionScore> = self
            .criteria
            .iter()
            .map(|c| CriterionScore {
                panel: panel.get(&c.criterion).copied(),
                ..c.clone()
            })
            .collect();
        finish(rubric, criteria)
    }

    /// Whether the panel scored any criterion differently from the school.
    pub fn moderated(&self) -> bool {
        self.criteria
            .iter()
            .any(|c| c.panel.is_some() && c.panel != c.school)
    }
}

/// Whether the rubric grades: it has scored criteria and grade boundaries.
pub fn grades(rubric: &Rubric) -> bool {
    !rubric.grade_boundaries.is_empty() && rubric.max_score() > 0
}

/// The scores of a self-review against a graded rubric, with the panel's moderation where
/// there is one; `None` when the rubric does not grade. Points above a criterion's maximum are
/// counted as written (`validate` reports them), so the sheet never hides what the file says.
pub fn score_sheet(
    rubric: &Rubric,
    review: &SelfReview,
    moderation: Option<&Moderation>,
) -> Option<ScoreSheet> {
    if !grades(rubric) {
        return None;
    }
    let panel: BTreeMap<&CriterionId, u32> = moderation
        .map(|m| m.scores.iter().map(|(c, p)| (c, *p)).collect())
        .unwrap_or_default();
    let criteria: Vec<CriterionScore> = rubric
        .areas
        .iter()
        .flat_map(|area| {
            area.criteria.iter().filter_map(|c| {
                let max = c.max_points?;
                Some(CriterionScore {
                    criterion: c.id.clone(),
                    area: area.id.clone(),
                    max,
                    school: review
                        .area(&area.id)
                        .and_then(|a| a.scores.get(&c.id).copied()),
                    panel: panel.get(&c.id).copied(),
                })
            })
        })
        .collect();
    Some(finish(rubric, criteria))
}

/// A sheet from its criteria: the total of the points that count and the grade it earns.
fn finish(rubric: &Rubric, criteria: Vec<CriterionScore>) -> ScoreSheet {
    let total = criteria
        .iter()
        .filter_map(CriterionScore::counted)
        .fold(0, u32::saturating_add);
    let level = rubric.grade_for(total);
    ScoreSheet {
        unscored: criteria.iter().filter(|c| c.school.is_none()).count(),
        criteria,
        total,
        max: rubric.max_score(),
        grade: level.map(|l| l.id.clone()),
        grade_label: level.map(|l| l.label.clone()),
    }
}

/// Whether a decision states a grade: its rubric grades and its outcome awards the mark or
/// accepts the year's review of it (the grade the school holds from then on).
pub fn needs_grade(rubric: &Rubric, decision: &Decision) -> bool {
    grades(rubric)
        && rubric
            .outcome(&decision.kind, &decision.outcome)
            .is_some_and(|o| {
                matches!(
                    o.effect,
                    Effect::Grant { .. } | Effect::ReviewAccepted { .. }
                )
            })
}

/// The grade a decision awards on the self-review it was made on: the grade of the school's
/// scores as the panel moderated them; `None` where the decision states no grade.
pub fn awarded_grade(rubric: &Rubric, decision: &Decision, review: &SelfReview) -> Option<LevelId> {
    if !needs_grade(rubric, decision) {
        return None;
    }
    score_sheet(rubric, review, decision.moderation.as_ref())?.grade
}

/// The label of a grade (a level of the self-assessment scale), or its id when unknown.
pub fn grade_label(rubric: &Rubric, grade: &LevelId) -> String {
    rubric
        .self_level(grade)
        .map_or_else(|| grade.to_string(), |l| l.label.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::format::from_ron;

    fn rubric() -> Rubric {
        from_ron(include_str!("../../rubrics/herts-schools-mark.ron")).unwrap()
    }

    /// A self-review scoring every criterion `points`, then `extra` more on the first ones.
    fn review(rubric: &Rubric, points: u32, extra: usize) -> SelfReview {
        let mut left = extra;
        let areas = rubric
            .areas
            .iter()
            .map(|a| crate::model::AreaReview {
                area: a.id.clone(),
                level: "effective".parse().unwrap(),
                reflection: String::new(),
                strengths: vec![],
                gaps: vec![],
                evidence: vec![],
                scores: a
                    .criteria
                    .iter()
                    .map(|c| {
                        let bonus = u32::from(left > 0);
                        left = left.saturating_sub(1);
                        (c.id.clone(), points + bonus)
                    })
                    .collect(),
            })
            .collect();
        SelfReview {
            school: "oak".parse().unwrap(),
            year: "2026-27".parse().unwrap(),
            rubric: rubric.id.clone(),
            rubric_version: rubric.version.clone(),
            submitted: jiff::civil::date(2026, 11, 1),
            submitted_by: String::new(),
            stage: None,
            summary: String::new(),
            areas,
        }
    }

    #[test]
    fn the_total_earns_the_grade_of_the_highest_boundary_reached() {
        let rubric = rubric();
        // 21 criteria at 2 points and 15 at 3: 57 of 63.
        let sheet = score_sheet(&rubric, &review(&rubric, 2, 15), None).unwrap();
        assert_eq!((sheet.total, sheet.max), (57, 63));
        assert_eq!(sheet.headline(), "57 of 63 · Advanced");
        let sheet = score_sheet(&rubric, &review(&rubric, 1, 10), None).unwrap();
        assert_eq!(sheet.headline(), "31 of 63 · Developing");
        let sheet = score_sheet(&rubric, &review(&rubric, 1, 11), None).unwrap();
        assert_eq!(sheet.headline(), "32 of 63 · Effective");
    }

    #[test]
    fn the_panels_scores_replace_the_schools_where_it_moderated() {
        let rubric = rubric();
        let review = review(&rubric, 2, 8);
        assert_eq!(score_sheet(&rubric, &review, None).unwrap().total, 50);
        let moderation = Moderation {
            scores: [("lm-1".parse().unwrap(), 1)].into_iter().collect(),
            reason: "No minutes show the governors' monitoring.".into(),
        };
        let sheet = score_sheet(&rubric, &review, Some(&moderation)).unwrap();
        assert_eq!(sheet.headline(), "48 of 63 · Effective");
        // The same, from the school's own sheet as the decision form re-grades it.
        let own = score_sheet(&rubric, &review, None).unwrap();
        assert_eq!(own.moderated_by(&rubric, &moderation.scores), sheet);
        assert!(sheet.moderated());
        let lm1 = sheet
            .criteria
            .iter()
            .find(|c| c.criterion.as_str() == "lm-1");
        assert_eq!(lm1.map(|c| (c.school, c.panel)), Some((Some(3), Some(1))));
    }

    #[test]
    fn a_rubric_without_boundaries_does_not_grade() {
        let kent: Rubric = from_ron(include_str!("../../rubrics/kent-resilience.ron")).unwrap();
        assert!(score_sheet(&kent, &review(&kent, 1, 0), None).is_none());
    }
}
