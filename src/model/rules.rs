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
    /// For an evidence rule over several named areas: the pieces counted in each, in the
    /// rule's order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub counts: Vec<AreaCount>,
}

/// The pieces of evidence a self-review offers in one area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaCount {
    pub area: super::ids::AreaId,
    pub code: String,
    pub count: u32,
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
            let verdict = if met {
                format!(
                    "{total} piece(s) of evidence across {} area(s)",
                    areas.len()
                )
            } else if !short.is_empty() {
                format!("too little evidence in {}", short.join(", "))
            } else {
                format!("{total} piece(s) of evidence; {} needed", rule.min_total)
            };
            // A rule over several named areas (Kent's three) is read out with the count in
            // each, so the panel sees where the evidence is thin before opening the submission.
            // One area's count is already in the verdict; every area's would be a long list.
            let counts: Vec<AreaCount> = if rule.areas.len() < 2 {
                Vec::new()
            } else {
                areas
                    .iter()
                    .map(|a| AreaCount {
                        area: a.id.clone(),
                        code: if a.code.is_empty() {
                            a.id.to_string()
                        } else {
                            a.code.clone()
                        },
                        count: count(a),
                    })
                    .collect()
            };
            let reason = if counts.is_empty() {
                verdict
            } else {
                let each: Vec<String> = counts
                    .iter()
                    .map(|c| format!("{} {}", c.code, c.count))
                    .collect();
                format!("{}: {verdict}", each.join(" · "))
            };
            RuleCheck {
                rule: rule.id.clone(),
                kind: RuleKind::Evidence,
                description: rule.description.clone(),
                met,
                reason,
                counts,
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
                counts: Vec::new(),
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
        assert!(
            checks[0].counts.is_empty(),
            "a rule over one area lists no counts"
        );
        assert!(evidence_checks(&rubric(), &"annual-review".parse().unwrap(), &thin).is_empty());
    }

    #[test]
    fn a_rule_over_named_areas_counts_the_pieces_in_each() {
        let kent: Rubric = from_ron(include_str!("../../rubrics/kent-resilience.ron")).unwrap();
        let kind: KindId = "award-application".parse().unwrap();
        let piece = |title: &str| crate::model::Evidence {
            title: title.into(),
            kind: crate::model::EvidenceKind::Document,
            note: String::new(),
        };
        let area = |id: &str, evidence: Vec<crate::model::Evidence>| crate::model::AreaReview {
            area: id.parse().unwrap(),
            level: "partly-met".parse().unwrap(),
            reflection: String::new(),
            strengths: vec![],
            gaps: vec![],
            evidence,
            scores: Default::default(),
        };
        let mut review = review();
        review.areas = vec![
            area(
                "student-voice",
                vec![piece("Survey"), piece("Council minutes")],
            ),
            area("ethos-environment", vec![piece("Calm room photos")]),
            area("parents-carers", vec![]),
        ];
        let checks = evidence_checks(&kent, &kind, &review);
        assert_eq!(checks.len(), 1);
        assert!(!checks[0].met);
        assert_eq!(
            checks[0].reason,
            "SV 2 · PC 0 · EE 1: too little evidence in Working with parents and carers (0 of 1)"
        );
        let counts: Vec<(String, u32)> = checks[0]
            .counts
            .iter()
            .map(|c| (c.code.clone(), c.count))
            .collect();
        assert_eq!(
            counts,
            [
                ("SV".to_owned(), 2),
                ("PC".to_owned(), 0),
                ("EE".to_owned(), 1)
            ]
        );
        review.areas[2].evidence.push(piece("Parent forum notes"));
        let checks = evidence_checks(&kent, &kind, &review);
        assert!(checks[0].met);
        assert_eq!(
            checks[0].reason,
            "SV 2 · PC 1 · EE 1: 4 piece(s) of evidence across 3 area(s)"
        );
    }
}
