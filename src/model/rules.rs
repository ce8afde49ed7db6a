//! A rubric's evidence and eligibility rules checked for one application, each with a reason a
//! panel can read out.

use jiff::civil::Date;
use serde::Serialize;

use super::ids::{KindId, RuleId};
use super::lifecycle::{DecisionRecord, eligibility};
use super::rubric::{Lineage, Rubric};
use super::submission::SelfReview;

/// Whether one rule is met, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCheck {
    pub rule: RuleId,
    pub kind: RuleKind,
    pub description: String,
    pub met: bool,
    pub reason: String,
}

/// The two sorts of rule a rubric has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    Evidence,
    Eligibility,
}

/// The evidence rules of a decision kind checked against a self-review.
pub fn evidence_checks(rubric: &Rubric, kind: &KindId, review: &SelfReview) -> Vec<RuleCheck> {
    rubric
        .evidence_rules_for(kind)
        .map(|rule| {
            let areas: Vec<&super::rubric::Area> = if rule.areas.is_empty() {
                rubric.areas.iter().collect()
            } else {
                rule.areas.iter().filter_map(|id| rubric.area(id)).collect()
            };
            let count = |area: &super::rubric::Area| -> u32 {
                review
                    .area(&area.id)
                    .map_or(0, |a| u32::try_from(a.evidence.len()).unwrap_or(u32::MAX))
            };
            let short: Vec<String> = areas
                .iter()
                .filter(|a| count(a) < rule.min_per_area)
                .map(|a| format!("{} ({} of {})", a.title, count(a), rule.min_per_area))
                .collect();
            let total: u32 = areas.iter().map(|a| count(a)).sum();
            let met = short.is_empty() && total >= rule.min_total;
            let reason = if met {
                format!(
                    "{total} piece(s) of evidence across {} area(s)",
                    areas.len()
                )
            } else if !short.is_empty() {
                format!("too little evidence in {}", short.join(", "))
            } else {
                format!("{total} piece(s) of evidence; {} needed", rule.min_total)
            };
            RuleCheck {
                rule: rule.id.clone(),
                kind: RuleKind::Evidence,
                description: rule.description.clone(),
                met,
                reason,
            }
        })
        .collect()
}

/// The eligibility rules of a decision kind checked on a date from the school's decisions.
pub fn eligibility_checks<'r>(
    frameworks: impl Into<Lineage<'r>>,
    kind: &KindId,
    decisions: &[DecisionRecord<'_>],
    on: Date,
) -> Vec<RuleCheck> {
    let lineage = frameworks.into();
    let rubric = lineage.current();
    eligibility(lineage.clone(), decisions, on)
        .into_iter()
        .filter(|e| &e.kind == kind)
        .map(|e| {
            let description = rubric
                .eligibility_rules
                .iter()
                .find(|r| r.id == e.rule)
                .map(|r| r.description.clone())
                .unwrap_or_default();
            RuleCheck {
                rule: e.rule,
                kind: RuleKind::Eligibility,
                description,
                met: e.eligible,
                reason: e.reason,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::format::from_ron;

    fn rubric() -> Rubric {
        from_ron(include_str!("../../tests/fixtures/base/rubrics/mini.ron")).unwrap()
    }

    fn review() -> SelfReview {
        from_ron(include_str!(
            "../../tests/fixtures/base/submissions/oak/2025-26/self-review.ron"
        ))
        .unwrap()
    }

    #[test]
    fn evidence_rule_met_and_not_met() {
        let kind: KindId = "initial".parse().unwrap();
        let checks = evidence_checks(&rubric(), &kind, &review());
        assert_eq!(checks.len(), 1);
        assert!(checks[0].met, "{}", checks[0].reason);

        let mut thin = review();
        thin.areas[1].evidence.clear();
        let checks = evidence_checks(&rubric(), &kind, &thin);
        assert!(!checks[0].met);
        assert_eq!(
            checks[0].reason,
            "too little evidence in Student voice (0 of 1)"
        );
        // Rules apply only to their kinds.
        assert!(evidence_checks(&rubric(), &"annual-review".parse().unwrap(), &thin).is_empty());
    }
}
