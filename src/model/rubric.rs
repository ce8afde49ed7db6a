//! Rubrics: the frameworks a panel assesses against (SPEC §2.1).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::decision::Decision;

use super::ids::{
    AreaId, AwardId, CriterionId, KindId, LevelId, OutcomeId, RubricId, RuleId, StageId,
};
use super::submission::Action;

/// The longest period, in months, a rubric may give an award or ask for: a hundred years.
pub const MAX_MONTHS: u32 = 1200;

/// A framework: its areas, scales, decision kinds and rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    pub id: RubricId,
    pub title: String,
    pub version: String,
    /// Where the framework comes from (the body that publishes it).
    pub source: String,
    #[serde(default)]
    pub description: String,
    pub areas: Vec<Area>,
    /// The stages a school works through (for example assess, plan, review impact).
    #[serde(default)]
    pub stages: Vec<Stage>,
    /// The scale a school uses to assess itself in each area.
    pub self_assessment: Vec<Level>,
    /// The scale the panel uses to judge each area.
    pub judgement: Vec<Level>,
    pub awards: Vec<AwardDef>,
    pub decision_kinds: Vec<DecisionKind>,
    #[serde(default)]
    pub evidence_rules: Vec<EvidenceRule>,
    #[serde(default)]
    pub eligibility_rules: Vec<EligibilityRule>,
    /// Overall grades from the total of scored criteria, on the self-assessment scale.
    #[serde(default)]
    pub grade_boundaries: Vec<GradeBoundary>,
    /// A short name for labels where the title is too long ("HYMH kitemark").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_title: Option<String>,
    /// The framework this one replaces, and where its areas and awards went.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub succeeds: Option<Succession>,
}

/// How a redesigned framework takes over from the one it replaces, so that a school's
/// actions, history and award carry over the change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Succession {
    /// The framework replaced.
    pub rubric: RubricId,
    /// Where each of the old framework's areas went: several `to` split an area (its actions
    /// go to the first unless the school moves them), several `from` with one `to` merge.
    pub areas: Vec<AreaMap>,
    /// The old framework's awards and the awards of this one that honour them.
    #[serde(default)]
    pub awards: Vec<AwardMap>,
}

/// An old area and the areas of the new framework it became.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaMap {
    pub from: AreaId,
    pub to: Vec<AreaId>,
}

/// An old award and the award of the new framework that continues it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardMap {
    pub from: AwardId,
    pub to: AwardId,
}

impl Succession {
    /// The areas an old area became; empty where the mapping does not say.
    pub fn targets(&self, old: &AreaId) -> &[AreaId] {
        self.areas
            .iter()
            .find(|m| &m.from == old)
            .map_or(&[], |m| m.to.as_slice())
    }

    /// The new area an action of an old area belongs in: the first the old area became,
    /// unless the school has put the action (in its new plan, `placed`) in another of them.
    pub fn area_for_action(&self, old: &AreaId, placed: Option<&AreaId>) -> Option<AreaId> {
        let targets = self.targets(old);
        placed
            .filter(|p| targets.contains(p))
            .or_else(|| targets.first())
            .cloned()
    }

    /// The award of the new framework that honours an old one.
    pub fn award(&self, old: &AwardId) -> Option<&AwardId> {
        self.awards.iter().find(|m| &m.from == old).map(|m| &m.to)
    }
}

/// A key area (principle, theme, outcome) of a rubric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub id: AreaId,
    /// A short code used as the prefix of action ids in this area (for example `LM`).
    #[serde(default)]
    pub code: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Whether the area is central to the framework (Leadership and management for the kitemark).
    #[serde(default)]
    pub central: bool,
    #[serde(default)]
    pub criteria: Vec<Criterion>,
    /// Questions that help a school reflect on the area.
    #[serde(default)]
    pub prompts: Vec<String>,
}

/// Something a school should be able to show in an area; scored where the rubric grades.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: CriterionId,
    pub text: String,
    #[serde(default)]
    pub max_points: Option<u32>,
}

/// One level of a scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub id: LevelId,
    pub label: String,
    #[serde(default)]
    pub points: u32,
    #[serde(default)]
    pub description: String,
}

/// A stage of the framework's process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub id: StageId,
    pub title: String,
    #[serde(default)]
    pub description: String,
}

/// An award (or status) that outcomes can grant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardDef {
    pub id: AwardId,
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// How often the holder sends an updated action plan for review, if at all.
    #[serde(default)]
    pub annual_review_months: Option<u32>,
}

/// A kind of decision the panel makes (initial application, annual review, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionKind {
    pub id: KindId,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub outcomes: Vec<Outcome>,
}

/// One allowed outcome of a decision kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    pub id: OutcomeId,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub effect: Effect,
    /// Whether a decision with this outcome must set conditions with due dates.
    #[serde(default)]
    pub needs_conditions: bool,
}

/// What an outcome does to a school's awards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Effect {
    /// Grants (or renews) an award for a number of months from the meeting date.
    Grant { award: AwardId, months: u32 },
    /// Accepts the year's updated action plan; the award continues.
    ReviewAccepted { award: AwardId },
    /// Asks the school to revise and resubmit.
    Resubmission,
    /// Ends an award before its expiry.
    Withdrawn { award: AwardId },
    /// Nothing is granted.
    NotAwarded,
    /// Developmental feedback only: the school asked for the panel's view, not for an award,
    /// so nothing is granted and nothing is refused.
    Feedback,
}

impl Effect {
    /// The award this outcome grants, if any.
    pub fn granted_award(&self) -> Option<&AwardId> {
        match self {
            Effect::Grant { award, .. } => Some(award),
            _ => None,
        }
    }

    /// The award this effect refers to, if any.
    pub fn award(&self) -> Option<&AwardId> {
        match self {
            Effect::Grant { award, .. }
            | Effect::ReviewAccepted { award }
            | Effect::Withdrawn { award } => Some(award),
            Effect::Resubmission | Effect::NotAwarded | Effect::Feedback => None,
        }
    }
}

/// A minimum of evidence in named areas before an award can be made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceRule {
    pub id: RuleId,
    pub description: String,
    /// The decision kinds the rule is checked for.
    pub applies_to: Vec<KindId>,
    /// The areas concerned; empty means every area.
    #[serde(default)]
    pub areas: Vec<AreaId>,
    /// Pieces of evidence needed in each of the areas.
    #[serde(default)]
    pub min_per_area: u32,
    /// Pieces of evidence needed across the areas together.
    #[serde(default)]
    pub min_total: u32,
}

/// A condition on the school's history before a decision kind can be applied for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EligibilityRule {
    pub id: RuleId,
    pub description: String,
    pub applies_to: Vec<KindId>,
    pub requires: Requirement,
}

/// What an eligibility rule needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Requirement {
    /// The award is held (not expired or withdrawn) and has been for at least `min_months`.
    AwardHeld { award: AwardId, min_months: u32 },
}

/// The lowest total score that earns a grade.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeBoundary {
    pub level: LevelId,
    pub min_points: u32,
}

impl Rubric {
    /// The short name where the rubric gives one, else its title.
    pub fn short_name(&self) -> &str {
        self.short_title.as_deref().unwrap_or(&self.title)
    }

    /// An old framework's action moved into this one: `None` where this rubric does not
    /// succeed `old` or its mapping does not place the action's area.
    pub fn map_action(
        &self,
        old: &RubricId,
        action: &Action,
        placed: Option<&AreaId>,
    ) -> Option<Action> {
        let succession = self.succeeds.as_ref().filter(|s| &s.rubric == old)?;
        let area = succession.area_for_action(&action.area, placed)?;
        Some(Action {
            area,
            ..action.clone()
        })
    }

    pub fn area(&self, id: &AreaId) -> Option<&Area> {
        self.areas.iter().find(|a| &a.id == id)
    }

    pub fn kind(&self, id: &KindId) -> Option<&DecisionKind> {
        self.decision_kinds.iter().find(|k| &k.id == id)
    }

    pub fn award(&self, id: &AwardId) -> Option<&AwardDef> {
        self.awards.iter().find(|a| &a.id == id)
    }

    pub fn self_level(&self, id: &LevelId) -> Option<&Level> {
        self.self_assessment.iter().find(|l| &l.id == id)
    }

    pub fn judgement_level(&self, id: &LevelId) -> Option<&Level> {
        self.judgement.iter().find(|l| &l.id == id)
    }

    pub fn stage(&self, id: &StageId) -> Option<&Stage> {
        self.stages.iter().find(|s| &s.id == id)
    }

    /// The outcome of a kind, if both exist.
    pub fn outcome(&self, kind: &KindId, outcome: &OutcomeId) -> Option<&Outcome> {
        self.kind(kind)?.outcomes.iter().find(|o| &o.id == outcome)
    }

    /// The highest total score of the rubric's scored criteria.
    pub fn max_score(&self) -> u32 {
        // A file may give any points; a total past `u32::MAX` is held there rather than
        // overflowing, which compares with any boundary (a `u32`) just as the true total.
        self.areas
            .iter()
            .flat_map(|a| &a.criteria)
            .filter_map(|c| c.max_points)
            .fold(0, u32::saturating_add)
    }

    /// The grade a total score earns, if the rubric grades.
    pub fn grade_for(&self, points: u32) -> Option<&Level> {
        self.grade_boundaries
            .iter()
            .filter(|b| points >= b.min_points)
            .max_by_key(|b| b.min_points)
            .and_then(|b| self.self_level(&b.level))
    }

    /// Whether a decision kind grants an award other than the rubric's main (first) award,
    /// like the kitemark's suicide-aware status.
    pub fn grants_additional_award(&self, kind: &KindId) -> bool {
        let main = self.awards.first().map(|a| &a.id);
        self.kind(kind).is_some_and(|k| {
            k.outcomes
                .iter()
                .filter_map(|o| o.effect.granted_award())
                .any(|award| Some(award) != main)
        })
    }

    /// The rules that apply to a decision kind.
    pub fn evidence_rules_for<'a>(
        &'a self,
        kind: &'a KindId,
    ) -> impl Iterator<Item = &'a EvidenceRule> {
        self.evidence_rules
            .iter()
            .filter(move |r| r.applies_to.contains(kind))
    }

    pub fn eligibility_rules_for<'a>(
        &'a self,
        kind: &'a KindId,
    ) -> impl Iterator<Item = &'a EligibilityRule> {
        self.eligibility_rules
            .iter()
            .filter(move |r| r.applies_to.contains(kind))
    }

    /// Internal consistency: every reference inside the rubric resolves, ids are unique.
    pub fn consistency_problems(&self) -> Vec<String> {
        self.located_problems()
            .into_iter()
            .map(|p| p.message)
            .collect()
    }

    /// [`Rubric::consistency_problems`], each with the place in the file it is about.
    pub fn located_problems(&self) -> Vec<RubricProblem> {
        let mut out = Vec::new();
        if self.areas.is_empty() {
            out.push(RubricProblem::field("areas", "the rubric has no areas"));
        }
        if self.self_assessment.is_empty() {
            out.push(RubricProblem::field(
                "self_assessment",
                "the self-assessment scale has no levels",
            ));
        }
        if self.judgement.is_empty() {
            out.push(RubricProblem::field(
                "judgement",
                "the judgement scale has no levels",
            ));
        }
        if self.decision_kinds.is_empty() {
            out.push(RubricProblem::field(
                "decision_kinds",
                "the rubric has no decision kinds",
            ));
        }
        dupes(
            &mut out,
            "id",
            "area",
            self.areas.iter().map(|a| a.id.as_str()),
        );
        dupes(
            &mut out,
            "code",
            "area code",
            self.areas
                .iter()
                .map(|a| a.code.as_str())
                .filter(|c| !c.is_empty()),
        );
        dupes(
            &mut out,
            "id",
            "self-assessment level",
            self.self_assessment.iter().map(|l| l.id.as_str()),
        );
        dupes(
            &mut out,
            "id",
            "judgement level",
            self.judgement.iter().map(|l| l.id.as_str()),
        );
        dupes(
            &mut out,
            "id",
            "stage",
            self.stages.iter().map(|s| s.id.as_str()),
        );
        dupes(
            &mut out,
            "id",
            "award",
            self.awards.iter().map(|a| a.id.as_str()),
        );
        dupes(
            &mut out,
            "id",
            "decision kind",
            self.decision_kinds.iter().map(|k| k.id.as_str()),
        );
        dupes(
            &mut out,
            "id",
            "criterion",
            self.areas
                .iter()
                .flat_map(|a| &a.criteria)
                .map(|c| c.id.as_str()),
        );
        dupes(
            &mut out,
            "id",
            "rule",
            self.evidence_rules
                .iter()
                .map(|r| r.id.as_str())
                .chain(self.eligibility_rules.iter().map(|r| r.id.as_str())),
        );
        for kind in &self.decision_kinds {
            if kind.outcomes.is_empty() {
                out.push(RubricProblem::value(
                    "id",
                    kind.id.as_str(),
                    format!("decision kind {:?} has no outcomes", kind.id.as_str()),
                ));
            }
            dupes(
                &mut out,
                "id",
                &format!("outcome of {:?}", kind.id.as_str()),
                kind.outcomes.iter().map(|o| o.id.as_str()),
            );
            for outcome in &kind.outcomes {
                if let Some(award) = outcome.effect.award()
                    && self.award(award).is_none()
                {
                    out.push(RubricProblem::value("award", award.as_str(), format!(
                            "outcome {:?} of {:?} refers to award {:?}, which the rubric does not define",
                            outcome.id.as_str(),
                            kind.id.as_str(),
                            award.as_str()
                        )));
                }
                if let Effect::Grant { months, .. } = outcome.effect
                    && months > MAX_MONTHS
                {
                    out.push(RubricProblem::value("id", outcome.id.as_str(), format!(
                        "outcome {:?} of {:?} grants an award for {months} months; at most {MAX_MONTHS} are allowed",
                        outcome.id.as_str(),
                        kind.id.as_str()
                    )));
                }
                if let Effect::Grant { months: 0, .. } = outcome.effect {
                    out.push(RubricProblem::value(
                        "id",
                        outcome.id.as_str(),
                        format!(
                            "outcome {:?} of {:?} grants an award for 0 months",
                            outcome.id.as_str(),
                            kind.id.as_str()
                        ),
                    ));
                }
            }
        }
        for rule in &self.evidence_rules {
            self.check_kinds(&mut out, &rule.id, &rule.applies_to);
            for area in &rule.areas {
                if self.area(area).is_none() {
                    out.push(RubricProblem::value(
                        "id",
                        rule.id.as_str(),
                        format!(
                            "evidence rule {:?} names area {:?}, which the rubric does not define",
                            rule.id.as_str(),
                            area.as_str()
                        ),
                    ));
                }
            }
            if rule.min_per_area == 0 && rule.min_total == 0 {
                out.push(RubricProblem::value(
                    "id",
                    rule.id.as_str(),
                    format!(
                        "evidence rule {:?} asks for nothing: set min_per_area or min_total",
                        rule.id.as_str()
                    ),
                ));
            }
        }
        for award in &self.awards {
            if award
                .annual_review_months
                .is_some_and(|m| m == 0 || m > MAX_MONTHS)
            {
                out.push(RubricProblem::value(
                    "id",
                    award.id.as_str(),
                    format!(
                        "award {:?} has an annual review every {} months; use 1 to {MAX_MONTHS}",
                        award.id.as_str(),
                        award.annual_review_months.unwrap_or_default()
                    ),
                ));
            }
        }
        for rule in &self.eligibility_rules {
            self.check_kinds(&mut out, &rule.id, &rule.applies_to);
            let Requirement::AwardHeld { min_months, .. } = &rule.requires;
            if *min_months > MAX_MONTHS {
                out.push(RubricProblem::value(
                    "id",
                    rule.id.as_str(),
                    format!(
                        "eligibility rule {:?} needs {min_months} months; at most {MAX_MONTHS} are allowed",
                        rule.id.as_str()
                    ),
                ));
            }
            let Requirement::AwardHeld { award, .. } = &rule.requires;
            if self.award(award).is_none() {
                out.push(RubricProblem::value(
                    "id",
                    rule.id.as_str(),
                    format!(
                        "eligibility rule {:?} needs award {:?}, which the rubric does not define",
                        rule.id.as_str(),
                        award.as_str()
                    ),
                ));
            }
        }
        for boundary in &self.grade_boundaries {
            if self.self_level(&boundary.level).is_none() {
                out.push(RubricProblem::value("level", boundary.level.as_str(), format!(
                    "grade boundary names level {:?}, which is not on the self-assessment scale",
                    boundary.level.as_str()
                )));
            }
            if boundary.min_points > self.max_score() {
                out.push(RubricProblem::value("level", boundary.level.as_str(), format!(
                    "grade boundary for {:?} needs {} points but the criteria only add up to {}",
                    boundary.level.as_str(),
                    boundary.min_points,
                    self.max_score()
                )));
            }
        }
        dupes(
            &mut out,
            "level",
            "grade boundary",
            self.grade_boundaries.iter().map(|b| b.level.as_str()),
        );
        if let Some(succession) = &self.succeeds {
            self.mapping_problems(&mut out, succession);
        }
        out
    }

    /// What can be checked of a succession without the old framework: each old area and
    /// award mapped once, and every target one of this rubric's own.
    fn mapping_problems(&self, out: &mut Vec<RubricProblem>, succession: &Succession) {
        if succession.rubric == self.id {
            out.push(RubricProblem::value(
                "rubric",
                succession.rubric.as_str(),
                format!("rubric {:?} cannot succeed itself", self.id.as_str()),
            ));
        }
        for (id, _) in super::ids::repeated(succession.areas.iter().map(|m| m.from.as_str())) {
            out.push(RubricProblem {
                message: format!(
                    "old area {id:?} is mapped more than once; give it one entry with every area it became"
                ),
                spot: Spot {
                    field: "from",
                    value: Some(id.to_owned()),
                    nth: 1,
                },
            });
        }
        for map in &succession.areas {
            if map.to.is_empty() {
                out.push(RubricProblem::value(
                    "from",
                    map.from.as_str(),
                    format!("old area {:?} is mapped to no area", map.from.as_str()),
                ));
            }
            for target in &map.to {
                if self.area(target).is_none() {
                    out.push(RubricProblem::value(
                        "from",
                        map.from.as_str(),
                        format!(
                            "old area {:?} is mapped to {:?}, which is not an area of this rubric",
                            map.from.as_str(),
                            target.as_str()
                        ),
                    ));
                }
            }
        }
        for (id, _) in super::ids::repeated(succession.awards.iter().map(|m| m.from.as_str())) {
            out.push(RubricProblem {
                message: format!("old award {id:?} is mapped more than once"),
                spot: Spot {
                    field: "from",
                    value: Some(id.to_owned()),
                    nth: 1,
                },
            });
        }
        for map in &succession.awards {
            if self.award(&map.to).is_none() {
                out.push(RubricProblem::value(
                    "from",
                    map.from.as_str(),
                    format!(
                        "old award {:?} is mapped to {:?}, which is not an award of this rubric",
                        map.from.as_str(),
                        map.to.as_str()
                    ),
                ));
            }
        }
    }

    /// A succession checked against the framework it replaces: every old area mapped, and
    /// nothing mapped that the old framework does not have.
    pub fn succession_problems(&self, old: &Rubric) -> Vec<RubricProblem> {
        let Some(succession) = self.succeeds.as_ref().filter(|s| s.rubric == old.id) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for area in &old.areas {
            if !succession.areas.iter().any(|m| m.from == area.id) {
                out.push(RubricProblem::value(
                    "rubric",
                    succession.rubric.as_str(),
                    format!(
                        "area {:?} ({}) of {:?} is not mapped; every old area needs an entry so that its actions carry over",
                        area.id.as_str(),
                        area.title,
                        old.id.as_str()
                    ),
                ));
            }
        }
        for map in &succession.areas {
            if old.area(&map.from).is_none() {
                out.push(RubricProblem::value(
                    "from",
                    map.from.as_str(),
                    format!(
                        "{:?} is not an area of {:?}",
                        map.from.as_str(),
                        old.id.as_str()
                    ),
                ));
            }
        }
        for map in &succession.awards {
            if old.award(&map.from).is_none() {
                out.push(RubricProblem::value(
                    "from",
                    map.from.as_str(),
                    format!(
                        "{:?} is not an award of {:?}",
                        map.from.as_str(),
                        old.id.as_str()
                    ),
                ));
            }
        }
        out
    }

    fn check_kinds(&self, out: &mut Vec<RubricProblem>, rule: &RuleId, kinds: &[KindId]) {
        if kinds.is_empty() {
            out.push(RubricProblem::value(
                "id",
                rule.as_str(),
                format!("rule {:?} applies to no decision kind", rule.as_str()),
            ));
        }
        for kind in kinds {
            if self.kind(kind).is_none() {
                out.push(RubricProblem::value(
                    "id",
                    rule.as_str(),
                    format!(
                        "rule {:?} applies to decision kind {:?}, which the rubric does not define",
                        rule.as_str(),
                        kind.as_str()
                    ),
                ));
            }
        }
    }
}

fn dupes<'a>(
    out: &mut Vec<RubricProblem>,
    field: &'static str,
    what: &str,
    ids: impl Iterator<Item = &'a str>,
) {
    // Once per id, at its second occurrence.
    for (id, _) in super::ids::repeated(ids) {
        out.push(RubricProblem {
            message: format!("{what} {id:?} is defined more than once"),
            spot: Spot {
                field,
                value: Some(id.to_owned()),
                nth: 1,
            },
        });
    }
}

/// The rubrics a rubric succeeds, newest first, starting from `start` itself, stopping at
/// one missing from `rubrics`. `Err` holds the chain up to the rubric met twice: a cycle.
pub fn succession_chain<'a>(
    rubrics: &'a BTreeMap<RubricId, Rubric>,
    start: &'a Rubric,
) -> Result<Vec<&'a Rubric>, Vec<RubricId>> {
    let mut chain = vec![start];
    let mut current = start;
    while let Some(old) = &current.succeeds {
        if chain.iter().any(|r| r.id == old.rubric) {
            let mut ids: Vec<RubricId> = chain.iter().map(|r| r.id.clone()).collect();
            ids.push(old.rubric.clone());
            return Err(ids);
        }
        match rubrics.get(&old.rubric) {
            Some(next) => {
                chain.push(next);
                current = next;
            }
            None => break,
        }
    }
    Ok(chain)
}

/// A school's frameworks: the one it works to now and those it replaced, newest first. Its
/// decisions are read against the framework they were made under, and an award of an old
/// framework is honoured by the award the succession maps it to.
#[derive(Debug, Clone)]
pub struct Lineage<'a> {
    current: &'a Rubric,
    /// The current rubric, then the one it succeeds, and so on.
    rubrics: Vec<&'a Rubric>,
}

impl<'a> From<&'a Rubric> for Lineage<'a> {
    fn from(rubric: &'a Rubric) -> Self {
        Lineage {
            current: rubric,
            rubrics: vec![rubric],
        }
    }
}

impl<'a> Lineage<'a> {
    /// `current` and the frameworks it succeeds that are in `rubrics`; a cycle is cut where
    /// it closes (the validator reports it).
    pub fn of(rubrics: &'a BTreeMap<RubricId, Rubric>, current: &'a Rubric) -> Self {
        let mut chain = vec![current];
        let mut at = current;
        while let Some(next) = at.succeeds.as_ref().and_then(|s| rubrics.get(&s.rubric)) {
            if chain.iter().any(|r| r.id == next.id) {
                break;
            }
            chain.push(next);
            at = next;
        }
        Lineage {
            current,
            rubrics: chain,
        }
    }

    /// The framework the school works to now.
    pub fn current(&self) -> &'a Rubric {
        self.current
    }

    /// The framework a decision reads as made under: the newest whose kinds, outcomes,
    /// areas and judgement levels it uses; the current one where none does.
    pub fn rubric_for(&self, decision: &Decision) -> &'a Rubric {
        if self.rubrics.len() == 1 {
            return self.current();
        }
        self.rubrics
            .iter()
            .copied()
            .find(|r| {
                r.outcome(&decision.kind, &decision.outcome).is_some()
                    && decision.areas.iter().all(|j| {
                        r.area(&j.area).is_some() && r.judgement_level(&j.judgement).is_some()
                    })
            })
            .unwrap_or_else(|| self.current())
    }

    /// A decision kind of the newest framework that has it.
    pub fn kind(&self, id: &KindId) -> Option<&'a DecisionKind> {
        self.rubrics.iter().find_map(|r| r.kind(id))
    }

    /// An award's definition in whichever of the frameworks defines it.
    pub fn award(&self, id: &AwardId) -> Option<&'a AwardDef> {
        self.rubrics.iter().find_map(|r| r.award(id))
    }

    /// The award of the current framework that honours `award`, following each succession's
    /// award mapping; the award itself where nothing maps it.
    pub fn honoured_as(&self, award: &AwardId) -> AwardId {
        let mut out = award.clone();
        // Oldest first, so that an award is carried through every redesign in turn.
        for rubric in self.rubrics.iter().rev() {
            if let Some(to) = rubric.succeeds.as_ref().and_then(|s| s.award(&out)) {
                out = to.clone();
            }
        }
        out
    }

    /// Whether two awards are the same award once carried over into the current framework.
    pub fn same_award(&self, a: &AwardId, b: &AwardId) -> bool {
        a == b || self.honoured_as(a) == self.honoured_as(b)
    }
}

/// Where in a rubric's file a problem is: the `nth` (from 0) `field: "value"`, or, without a
/// value, the first `field:`. The model knows what a problem is about; the validator, which
/// has the text, finds the line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spot {
    pub field: &'static str,
    pub value: Option<String>,
    pub nth: usize,
}

/// A problem of a rubric's own consistency, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RubricProblem {
    pub message: String,
    pub spot: Spot,
}

impl RubricProblem {
    fn field(field: &'static str, message: &str) -> Self {
        Self {
            message: message.to_owned(),
            spot: Spot {
                field,
                value: None,
                nth: 0,
            },
        }
    }

    fn value(field: &'static str, value: &str, message: String) -> Self {
        Self {
            message,
            spot: Spot {
                field,
                value: Some(value.to_owned()),
                nth: 0,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::format::from_ron;

    fn bundled(id: &str) -> Rubric {
        let text = match id {
            "hymh-kitemark" => include_str!("../../rubrics/hymh-kitemark.ron"),
            _ => include_str!("../../rubrics/herts-schools-mark.ron"),
        };
        from_ron(text).unwrap()
    }

    #[test]
    fn the_schools_mark_maps_every_area_and_award_of_the_kitemark() {
        let (old, new) = (bundled("hymh-kitemark"), bundled("herts-schools-mark"));
        assert!(
            new.consistency_problems().is_empty(),
            "{:?}",
            new.consistency_problems()
        );
        assert!(new.succession_problems(&old).is_empty());
        let succession = new.succeeds.as_ref().unwrap();
        let area = |id: &str| -> AreaId { id.parse().unwrap() };
        // A split area's actions go to its first area, unless the school put them in another.
        assert_eq!(
            succession.area_for_action(&area("suicide-awareness"), None),
            Some(area("targeted-support"))
        );
        assert_eq!(
            succession.area_for_action(&area("suicide-awareness"), Some(&area("identifying-need"))),
            Some(area("identifying-need"))
        );
        assert_eq!(
            succession.area_for_action(&area("suicide-awareness"), Some(&area("student-voice"))),
            Some(area("targeted-support")),
            "only an area the old one became"
        );
        let rubrics =
            BTreeMap::from([(old.id.clone(), old.clone()), (new.id.clone(), new.clone())]);
        let lineage = Lineage::of(&rubrics, &new);
        assert_eq!(
            lineage.honoured_as(&"kitemark".parse().unwrap()).as_str(),
            "schools-mark"
        );
        assert!(!lineage.same_award(
            &"suicide-aware".parse().unwrap(),
            &"schools-mark".parse().unwrap()
        ));
    }

    #[test]
    fn an_incomplete_mapping_is_found() {
        let (old, mut new) = (bundled("hymh-kitemark"), bundled("herts-schools-mark"));
        let succession = new.succeeds.as_mut().unwrap();
        succession.areas.retain(|m| m.from != "staff-wellbeing");
        succession.areas[0].to.push("wellbeing".parse().unwrap());
        succession.awards[0].from = "quality-mark".parse().unwrap();
        let own = new.consistency_problems();
        assert!(
            own.iter()
                .any(|p| p.contains("\"wellbeing\", which is not an area")),
            "{own:?}"
        );
        let against_old: Vec<String> = new
            .succession_problems(&old)
            .into_iter()
            .map(|p| p.message)
            .collect();
        assert!(
            against_old
                .iter()
                .any(|p| p.contains("\"staff-wellbeing\" (Staff health and wellbeing)")),
            "{against_old:?}"
        );
        assert!(
            against_old
                .iter()
                .any(|p| p.contains("\"quality-mark\" is not an award")),
            "{against_old:?}"
        );
    }

    #[test]
    fn a_succession_cycle_is_found_and_cut() {
        let (mut old, new) = (bundled("hymh-kitemark"), bundled("herts-schools-mark"));
        old.succeeds = Some(Succession {
            rubric: new.id.clone(),
            areas: Vec::new(),
            awards: Vec::new(),
        });
        let rubrics = BTreeMap::from([(old.id.clone(), old), (new.id.clone(), new.clone())]);
        let cycle = succession_chain(&rubrics, &new).unwrap_err();
        assert_eq!(cycle.len(), 3);
        assert_eq!(Lineage::of(&rubrics, &new).rubrics.len(), 2);
    }

    #[test]
    fn points_past_the_largest_number_do_not_overflow() {
        let mut rubric: Rubric =
            from_ron(include_str!("../../tests/fixtures/base/rubrics/mini.ron")).unwrap();
        for criterion in rubric.areas.iter_mut().flat_map(|a| &mut a.criteria) {
            criterion.max_points = Some(u32::MAX - 1);
        }
        assert_eq!(rubric.max_score(), u32::MAX);
        rubric.grade_boundaries = vec![GradeBoundary {
            level: rubric.self_assessment[0].id.clone(),
            min_points: u32::MAX,
        }];
        // Any boundary can be reached when the criteria add up to more than it.
        assert!(
            !rubric
                .consistency_problems()
                .iter()
                .any(|p| p.contains("only add up to")),
            "{:?}",
            rubric.consistency_problems()
        );
    }
}
