//! Year-on-year comparison of a school's submissions: which actions were done, dropped,
//! carried, reworded, moved, and what changed in the self-review. Pure functions over model
//! values; reading the files is the caller's job.
//!
//! A [`Comparison`] is computed once per pair of submissions; [`rows::rows`] turns it into
//! aligned (earlier, later) rows once per set of options; [`rows::lay_out`] wraps those once
//! per width. Only the rows on screen are ever turned into widgets.

pub mod plan;
pub mod review;
pub mod rows;
pub mod text;
pub mod versions;

use std::time::Duration;

use jiff::civil::Date;
use serde::Serialize;

use crate::model::{AcademicYear, ActionPlan, AreaId, Rubric, SchoolId, SelfReview};
use plan::{PlanDiff, diff_plans_through};
use review::{ReviewDiff, diff_reviews};
use text::Budget;

/// How long one comparison may take before it is made more coarsely.
pub const TIME_BUDGET: Duration = Duration::from_secs(2);

/// One year's submission, as the comparison needs it.
#[derive(Debug, Clone, Copy)]
pub struct Year<'a> {
    pub year: AcademicYear,
    pub review: Option<&'a SelfReview>,
    pub plan: Option<&'a ActionPlan>,
    /// The files' text, to give line numbers.
    pub review_text: Option<&'a str>,
    pub plan_text: Option<&'a str>,
}

impl<'a> Year<'a> {
    /// A side of the comparison from files read with their text.
    pub fn from_texts(
        year: AcademicYear,
        review: Option<&'a (String, SelfReview)>,
        plan: Option<&'a (String, ActionPlan)>,
    ) -> Year<'a> {
        Year {
            year,
            review: review.map(|(_, r)| r),
            plan: plan.map(|(_, p)| p),
            review_text: review.map(|(t, _)| t.as_str()),
            plan_text: plan.map(|(t, _)| t.as_str()),
        }
    }
}

/// What a side of the comparison is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearInfo {
    pub year: AcademicYear,
    pub submitted: Option<Date>,
    /// The commit that last changed this year's files, where the reader knows it: each side
    /// of a comparison has its own.
    pub commit: Option<crate::model::ObjectId>,
    /// Which version of the year's files, where it is not the current one ("as decided on
    /// 2026-10-14").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// An area as the comparison shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaInfo {
    pub id: AreaId,
    pub code: String,
    pub title: String,
}

/// A graded mark's total and grade in the two years; a year written under another framework,
/// or without a self-review, has none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoreChange {
    pub max: u32,
    pub earlier: Option<Graded>,
    pub later: Option<Graded>,
}

/// One year's total and the grade it earns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Graded {
    pub total: u32,
    pub grade: Option<String>,
}

impl ScoreChange {
    /// `score 48 → 57 of 63 · Effective → Advanced`; one side only where the other has none.
    pub fn text(&self) -> String {
        let total =
            |g: &Option<Graded>| g.as_ref().map_or("–".to_owned(), |g| g.total.to_string());
        let grade = |g: &Option<Graded>| {
            g.as_ref()
                .and_then(|g| g.grade.clone())
                .unwrap_or_else(|| "–".to_owned())
        };
        // A year without scores of this framework (before the school moved to it) has
        // nothing to move from: the year that has them is told alone.
        let (e, l) = match (&self.earlier, &self.later) {
            (None, later @ Some(_)) => (later, later),
            (earlier @ Some(_), None) => (earlier, earlier),
            (e, l) => (e, l),
        };
        let grades = if grade(e) == grade(l) {
            grade(l)
        } else {
            format!("{} → {}", grade(e), grade(l))
        };
        if total(e) == total(l) {
            format!("score {} of {} · {grades}", total(l), self.max)
        } else {
            format!(
                "score {} → {} of {} · {grades}",
                total(e),
                total(l),
                self.max
            )
        }
    }
}

/// The stage of a framework's process the school had reached in each year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageChange {
    pub earlier: Option<String>,
    pub later: Option<String>,
}

impl StageChange {
    /// `stage Assess → Plan actions and outcomes`, or the one stage where it did not move.
    pub fn text(&self) -> String {
        let name = |s: &Option<String>| s.clone().unwrap_or_else(|| "not given".to_owned());
        if self.earlier == self.later {
            format!("stage {}", name(&self.later))
        } else {
            format!("stage {} → {}", name(&self.earlier), name(&self.later))
        }
    }
}

/// Two years of one school's submissions compared.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub school: SchoolId,
    pub earlier: YearInfo,
    pub later: YearInfo,
    /// `None` when either year has no action plan.
    pub plan: Option<PlanDiff>,
    pub review: ReviewDiff,
    /// Where the comparison is coarser than word by word, or incomplete, and why.
    pub notes: Vec<String>,
    /// Every area either year mentions, in the rubric's order.
    pub areas: Vec<AreaInfo>,
    /// Where the rubric grades: the total and grade in each year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<ScoreChange>,
    /// Where the rubric has stages: the stage the school had reached in each year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<StageChange>,
    /// The self-assessment levels' labels, from the rubric.
    #[serde(skip)]
    pub levels: std::collections::BTreeMap<crate::model::LevelId, String>,
    #[serde(skip)]
    pub(crate) texts: Texts,
    /// Where the later year is under a framework that replaced the earlier year's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<FrameworkChange>,
}

/// The two years of a comparison under different frameworks, the later succeeding the earlier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrameworkChange {
    pub from: crate::model::RubricId,
    pub from_name: String,
    pub to: crate::model::RubricId,
    pub to_name: String,
}

impl FrameworkChange {
    /// The line that heads a comparison across the change.
    pub fn line(&self, earlier: AcademicYear, later: AcademicYear) -> String {
        format!(
            "Framework changed: {earlier} under the {}, {later} under the {}; earlier areas are shown as the areas they became",
            self.from_name, self.to_name
        )
    }
}

/// An earlier year's files read in the framework that replaced theirs: each action in the
/// area the succession gives it (where the later plan puts it in another of the areas its old
/// one split into, there), each area's self-review under the area it became (where areas
/// merged, the one that kept its id, else the first), and what each action was in before.
pub struct CarriedOver {
    pub review: Option<SelfReview>,
    pub plan: Option<ActionPlan>,
    pub between: Vec<ActionPlan>,
    /// Actions whose area the succession changed, with their old area.
    pub moved: std::collections::BTreeMap<crate::model::ActionId, AreaId>,
}

/// The earlier year (and the years between) carried over from `old` into `new`, which
/// succeeds it; `None` where `new` does not succeed `old`.
pub fn carry_over(
    new: &Rubric,
    old: &Rubric,
    review: Option<&SelfReview>,
    plan: Option<&ActionPlan>,
    between: &[&ActionPlan],
    later: Option<&ActionPlan>,
) -> Option<CarriedOver> {
    let succession = new.succeeds.as_ref().filter(|s| s.rubric == old.id)?;
    let mut moved = std::collections::BTreeMap::new();
    let plan = plan.map(|plan| {
        let mut plan = plan.clone();
        for action in &mut plan.actions {
            let placed = later.and_then(|l| l.action(&action.id)).map(|a| &a.area);
            if let Some(area) = succession.area_for_action(&action.area, placed)
                && area != action.area
            {
                moved.insert(action.id.clone(), std::mem::replace(&mut action.area, area));
            }
        }
        plan
    });
    // A year between may be under either framework: only areas the new one lacks are mapped.
    let between = between
        .iter()
        .map(|plan| {
            let mut plan = (*plan).clone();
            for action in &mut plan.actions {
                if new.area(&action.area).is_none()
                    && let Some(area) = succession.area_for_action(&action.area, None)
                {
                    action.area = area;
                }
            }
            plan
        })
        .collect();
    let review = review.map(|review| {
        let mut review = review.clone();
        let target = |a: &crate::model::AreaReview| succession.targets(&a.area).first().cloned();
        // Areas that kept their id first, so that a merged area is compared with its namesake.
        let (same, other): (Vec<_>, Vec<_>) = review
            .areas
            .drain(..)
            .partition(|a| target(a).as_ref() == Some(&a.area));
        let mut areas: Vec<crate::model::AreaReview> = Vec::new();
        for mut area in same.into_iter().chain(other) {
            let Some(to) = target(&area) else { continue };
            if areas.iter().any(|a| a.area == to) {
                continue;
            }
            area.area = to;
            areas.push(area);
        }
        areas.sort_by_key(|a| new.areas.iter().position(|n| n.id == a.area));
        review.areas = areas;
        review
    });
    Some(CarriedOver {
        review,
        plan,
        between,
        moved,
    })
}

impl Comparison {
    /// Marks the actions a framework's succession moved, and says the framework changed.
    pub fn carried_over_from(&mut self, old: &Rubric, new: &Rubric, carried: &CarriedOver) {
        for pair in self
            .plan
            .iter_mut()
            .flat_map(|p| &mut p.areas)
            .flat_map(|a| &mut a.pairs)
        {
            let Some(earlier) = &pair.earlier else {
                continue;
            };
            if let Some(from) = carried.moved.get(&earlier.id) {
                let title = old
                    .area(from)
                    .map_or_else(|| from.to_string(), |a| a.title.clone());
                pair.changes.insert(
                    0,
                    plan::Change::CarriedOver {
                        from: from.clone(),
                        title,
                        rubric: old.short_name().to_owned(),
                    },
                );
            }
        }
        for level in &old.self_assessment {
            self.levels
                .entry(level.id.clone())
                .or_insert_with(|| level.label.clone());
        }
        self.framework = Some(FrameworkChange {
            from: old.id.clone(),
            from_name: old.short_name().to_owned(),
            to: new.id.clone(),
            to_name: new.short_name().to_owned(),
        });
    }
}

/// The compared files' text, for line numbers.
#[derive(Debug, Clone, Default)]
pub(crate) struct Texts {
    pub earlier_plan: Option<String>,
    pub later_plan: Option<String>,
    pub earlier_review: Option<String>,
    pub later_review: Option<String>,
}

impl Comparison {
    /// How many things changed in an area: changed actions and changed self-review parts.
    pub fn changes_in(&self, area: &AreaId) -> usize {
        let actions = self
            .plan
            .iter()
            .flat_map(|p| &p.areas)
            .filter(|a| &a.area == area)
            .flat_map(|a| &a.pairs)
            .filter(|p| p.is_changed())
            .count()
            + self
                .plan
                .iter()
                .flat_map(|p| &p.areas)
                .filter(|a| &a.area == area)
                .map(|a| a.between.len())
                .sum::<usize>();
        let review = self
            .review
            .areas
            .iter()
            .filter(|a| &a.area == area)
            .map(|a| a.change_count())
            .sum::<usize>();
        actions + review
    }

    /// The summary line: "+4 new · 6 carried · 3 done · 1 dropped · 2 reworded", then what is
    /// particular to the framework: "· score 48 → 57 of 63 · Effective → Advanced" for a
    /// graded mark, "· stage Assess → Plan actions and outcomes" for a staged one.
    pub fn summary(&self) -> String {
        let mut out = match &self.plan {
            Some(p) => p.summary.to_string(),
            None => "no action plan to compare in one of the years".to_owned(),
        };
        for part in self
            .score
            .iter()
            .map(ScoreChange::text)
            .chain(self.stage.iter().map(StageChange::text))
        {
            out.push_str(" · ");
            out.push_str(&part);
        }
        out
    }
}

/// Compares two years of a school's submissions within `budget`.
pub fn compare(
    school: &SchoolId,
    earlier: Year<'_>,
    later: Year<'_>,
    rubric: Option<&Rubric>,
    budget: &Budget,
) -> Comparison {
    compare_through(school, earlier, &[], later, rubric, budget)
}

/// As [`compare`], with the action plans of the years between the two (in order), so that
/// what happened to an action in between is told.
pub fn compare_through(
    school: &SchoolId,
    earlier: Year<'_>,
    between: &[&ActionPlan],
    later: Year<'_>,
    rubric: Option<&Rubric>,
    budget: &Budget,
) -> Comparison {
    let plan = match (earlier.plan, later.plan) {
        (Some(e), Some(l)) => Some(diff_plans_through(e, between, l, rubric, budget)),
        _ => None,
    };
    let review = diff_reviews(earlier.review, later.review, rubric, budget);
    let mut areas: Vec<AreaInfo> = rubric
        .map(|r| {
            r.areas
                .iter()
                .map(|a| AreaInfo {
                    id: a.id.clone(),
                    code: a.code.clone(),
                    title: a.title.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let mentioned = review
        .areas
        .iter()
        .map(|a| &a.area)
        .chain(plan.iter().flat_map(|p| p.areas.iter().map(|a| &a.area)));
    let mut extra = Vec::new();
    for id in mentioned {
        if !areas.iter().any(|a| &a.id == id) && !extra.iter().any(|a: &AreaInfo| &a.id == id) {
            extra.push(AreaInfo {
                id: id.clone(),
                code: "?".into(),
                title: format!("{id} (not in the rubric)"),
            });
        }
    }
    areas.extend(extra);
    let mut notes: Vec<String> = plan.iter().flat_map(|p| p.notes.iter().cloned()).collect();
    let text_notes = review
        .areas
        .iter()
        .flat_map(|a| a.reflection.note.iter())
        .chain(plan.iter().flat_map(|p| {
            p.areas
                .iter()
                .flat_map(|a| &a.pairs)
                .flat_map(|pair| [&pair.text, &pair.success, &pair.progress])
                .flatten()
                .filter_map(|t| t.note.as_ref())
        }));
    for note in text_notes {
        if !notes.contains(note) {
            notes.push(note.clone());
        }
    }
    if budget.ran_out() && !notes.iter().any(|n| n.contains("ran out")) {
        notes.push("the time for comparing ran out; parts are compared more coarsely".into());
    }
    let info = |y: &Year<'_>| YearInfo {
        year: y.year,
        submitted: y.review.map(|r| r.submitted).or(y.plan.map(|p| p.updated)),
        commit: None,
        version: None,
    };
    let score = rubric.filter(|r| crate::model::scores::grades(r)).map(|r| {
        let graded = |y: &Year<'_>| {
            review::under_rubric(y.review, rubric)
                .and_then(|review| crate::model::scores::score_sheet(r, review, None))
                .map(|s| Graded {
                    total: s.total,
                    grade: s.grade_label,
                })
        };
        ScoreChange {
            max: r.max_score(),
            earlier: graded(&earlier),
            later: graded(&later),
        }
    });
    let stage = rubric.filter(|r| !r.stages.is_empty()).map(|r| {
        let stage = |y: &Year<'_>| {
            review::under_rubric(y.review, rubric)
                .and_then(|review| review.stage.as_ref())
                .map(|s| {
                    r.stage(s)
                        .map_or_else(|| s.to_string(), |stage| stage.title.clone())
                })
        };
        StageChange {
            earlier: stage(&earlier),
            later: stage(&later),
        }
    });
    Comparison {
        score,
        stage,
        school: school.clone(),
        earlier: info(&earlier),
        later: info(&later),
        plan,
        review,
        notes,
        areas,
        levels: rubric
            .map(|r| {
                r.self_assessment
                    .iter()
                    .map(|l| (l.id.clone(), l.label.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        texts: Texts {
            earlier_plan: earlier.plan_text.map(str::to_owned),
            later_plan: later.plan_text.map(str::to_owned),
            earlier_review: earlier.review_text.map(str::to_owned),
            later_review: later.review_text.map(str::to_owned),
        },
        framework: None,
    }
}
