//! Comparing two years' self-reviews, area by area.

use std::collections::BTreeMap;

use serde::Serialize;

use super::text::{Budget, TextChange, diff_text, similarity};
use crate::model::{AreaId, AreaReview, CriterionId, LevelId, Rubric, SelfReview};

/// How alike two list items must be to count as the same item reworded.
const ITEM_MATCH: f32 = 0.5;

/// One item of a list (a strength, a gap, a piece of evidence) across the two years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemPair {
    pub earlier: Option<String>,
    pub later: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<TextChange>,
}

impl ItemPair {
    pub fn is_changed(&self) -> bool {
        self.earlier != self.later
    }
}

/// One area of the self-review across the two years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaReviewDiff {
    pub area: AreaId,
    pub earlier_level: Option<LevelId>,
    pub later_level: Option<LevelId>,
    pub reflection: TextChange,
    pub strengths: Vec<ItemPair>,
    pub gaps: Vec<ItemPair>,
    pub evidence: Vec<ItemPair>,
    /// Where the rubric scores: each criterion of the area in both years.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scores: Vec<ScorePair>,
}

/// One scored criterion's points in the two years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScorePair {
    pub criterion: CriterionId,
    pub max: u32,
    pub earlier: Option<u32>,
    pub later: Option<u32>,
}

impl AreaReviewDiff {
    /// How many things changed: the level, the reflection, and each changed item.
    pub fn change_count(&self) -> usize {
        usize::from(self.earlier_level != self.later_level)
            + self.scores.iter().filter(|s| s.earlier != s.later).count()
            + usize::from(self.reflection.differs())
            + [&self.strengths, &self.gaps, &self.evidence]
                .iter()
                .map(|items| items.iter().filter(|i| i.is_changed()).count())
                .sum::<usize>()
    }
}

/// Two years' self-reviews compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewDiff {
    /// In the rubric's order, then any areas it lacks.
    pub areas: Vec<AreaReviewDiff>,
}

/// Matches the items of two lists: the same text, then alike texts, then the rest.
fn diff_items(earlier: &[String], later: &[String], budget: &Budget) -> Vec<ItemPair> {
    let mut later_used = vec![false; later.len()];
    let mut matches: Vec<Option<usize>> = earlier
        .iter()
        .map(|e| {
            let j = later
                .iter()
                .enumerate()
                .position(|(j, l)| !later_used[j] && l == e)?;
            later_used[j] = true;
            Some(j)
        })
        .collect();
    for (i, e) in earlier.iter().enumerate() {
        if matches[i].is_some() {
            continue;
        }
        let best = later
            .iter()
            .enumerate()
            .filter(|(j, _)| !later_used[*j])
            .map(|(j, l)| (j, similarity(e, l, budget)))
            .filter(|(_, s)| *s >= ITEM_MATCH)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((j, _)) = best {
            later_used[j] = true;
            matches[i] = Some(j);
        }
    }
    let mut out: Vec<(usize, usize, ItemPair)> = Vec::new();
    for (i, e) in earlier.iter().enumerate() {
        let item = match matches[i] {
            Some(j) => ItemPair {
                earlier: Some(e.clone()),
                later: Some(later[j].clone()),
                text: (e != &later[j]).then(|| diff_text(e, &later[j], budget)),
            },
            None => ItemPair {
                earlier: Some(e.clone()),
                later: None,
                text: None,
            },
        };
        // Kept items in the later list's order; removed ones where they stood.
        let at =
            matches[i].unwrap_or_else(|| (0..i).rev().find_map(|k| matches[k]).map_or(0, |j| j));
        out.push((at, usize::from(matches[i].is_none()), item));
    }
    for (j, l) in later.iter().enumerate() {
        if !later_used[j] {
            out.push((
                j,
                0,
                ItemPair {
                    earlier: None,
                    later: Some(l.clone()),
                    text: None,
                },
            ));
        }
    }
    out.sort_by_key(|(at, removed, _)| (*at, *removed));
    out.into_iter().map(|(_, _, item)| item).collect()
}

fn evidence_text(area: &AreaReview) -> Vec<String> {
    area.evidence
        .iter()
        .map(|e| {
            if e.note.is_empty() {
                format!("{} ({})", e.title, e.kind.label())
            } else {
                format!("{} ({}) — {}", e.title, e.kind.label(), e.note)
            }
        })
        .collect()
}

/// A self-review if it was written under `rubric`: one written under another framework
/// (before a school moved) has no scores or stage of this one.
pub(crate) fn under_rubric<'a>(
    review: Option<&'a SelfReview>,
    rubric: Option<&Rubric>,
) -> Option<&'a SelfReview> {
    review.filter(|r| rubric.is_some_and(|rubric| rubric.id == r.rubric))
}

/// Compares two years' self-reviews. Either may be missing (a year with only a plan).
pub fn diff_reviews(
    earlier: Option<&SelfReview>,
    later: Option<&SelfReview>,
    rubric: Option<&Rubric>,
    budget: &Budget,
) -> ReviewDiff {
    let mut ids: Vec<AreaId> = rubric
        .map(|r| r.areas.iter().map(|a| a.id.clone()).collect())
        .unwrap_or_default();
    for review in [earlier, later].into_iter().flatten() {
        for area in &review.areas {
            if !ids.contains(&area.area) {
                ids.push(area.area.clone());
            }
        }
    }
    // Each year's points by criterion, read once from its score sheet. A year written under
    // another framework scored other criteria (or none): its points for this rubric's
    // criteria are unknown, not zero.
    let points = |review: Option<&SelfReview>| -> BTreeMap<CriterionId, u32> {
        rubric
            .zip(under_rubric(review, rubric))
            .and_then(|(rubric, review)| crate::model::scores::score_sheet(rubric, review, None))
            .map(|sheet| {
                sheet
                    .criteria
                    .into_iter()
                    .filter_map(|c| Some((c.criterion, c.school?)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (earlier_points, later_points) = (points(earlier), points(later));
    let empty: Vec<String> = Vec::new();
    let areas = ids
        .into_iter()
        .filter_map(|id| {
            let e = earlier.and_then(|r| r.area(&id));
            let l = later.and_then(|r| r.area(&id));
            if e.is_none() && l.is_none() {
                return None;
            }
            let reflection = diff_text(
                e.map_or("", |a| a.reflection.as_str()),
                l.map_or("", |a| a.reflection.as_str()),
                budget,
            );
            let scores = rubric
                .filter(|r| crate::model::scores::grades(r))
                .and_then(|r| r.area(&id))
                .map(|area| {
                    area.criteria
                        .iter()
                        .filter_map(|c| {
                            Some(ScorePair {
                                criterion: c.id.clone(),
                                max: c.max_points?,
                                earlier: earlier_points.get(&c.id).copied(),
                                later: later_points.get(&c.id).copied(),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            Some(AreaReviewDiff {
                scores,
                earlier_level: e.map(|a| a.level.clone()),
                later_level: l.map(|a| a.level.clone()),
                reflection,
                strengths: diff_items(
                    e.map_or(&empty, |a| &a.strengths),
                    l.map_or(&empty, |a| &a.strengths),
                    budget,
                ),
                gaps: diff_items(
                    e.map_or(&empty, |a| &a.gaps),
                    l.map_or(&empty, |a| &a.gaps),
                    budget,
                ),
                evidence: diff_items(
                    &e.map(evidence_text).unwrap_or_default(),
                    &l.map(evidence_text).unwrap_or_default(),
                    budget,
                ),
                area: id,
            })
        })
        .collect();
    ReviewDiff { areas }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn list_items_kept_reworded_added_and_removed() {
        let earlier = strings(&[
            "Named senior mental health lead",
            "Weekly staff briefing on wellbeing",
            "Calm corner in every class",
        ]);
        let later = strings(&[
            "Named senior mental health lead",
            "Calm corners in every classroom",
            "Termly pupil survey",
        ]);
        let items = diff_items(&earlier, &later, &Budget::unlimited());
        let shown: Vec<(Option<&str>, Option<&str>)> = items
            .iter()
            .map(|i| (i.earlier.as_deref(), i.later.as_deref()))
            .collect();
        assert_eq!(
            shown,
            vec![
                (
                    Some("Named senior mental health lead"),
                    Some("Named senior mental health lead")
                ),
                (Some("Weekly staff briefing on wellbeing"), None),
                (
                    Some("Calm corner in every class"),
                    Some("Calm corners in every classroom")
                ),
                (None, Some("Termly pupil survey")),
            ]
        );
        assert!(items[2].text.as_ref().unwrap().differs());
        assert_eq!(items.iter().filter(|i| i.is_changed()).count(), 3);
    }

    #[test]
    fn areas_with_levels_and_reflections() {
        let review = |level: &str, reflection: &str| -> SelfReview {
            let mut r: SelfReview = crate::model::format::from_ron(include_str!(
                "../../tests/fixtures/base/submissions/oak/2025-26/self-review.ron"
            ))
            .unwrap();
            r.areas[0].level = level.parse().unwrap();
            r.areas[0].reflection = reflection.into();
            r
        };
        let rubric: Rubric = crate::model::format::from_ron(include_str!(
            "../../tests/fixtures/base/rubrics/mini.ron"
        ))
        .unwrap();
        let d = diff_reviews(
            Some(&review("developing", "We have begun.")),
            Some(&review(
                "effective",
                "We have begun, and governors now challenge us.",
            )),
            Some(&rubric),
            &Budget::unlimited(),
        );
        assert_eq!(d.areas.len(), 2);
        let lm = &d.areas[0];
        assert_eq!(
            (
                lm.earlier_level.as_ref().unwrap().as_str(),
                lm.later_level.as_ref().unwrap().as_str()
            ),
            ("developing", "effective")
        );
        assert_eq!(lm.change_count(), 2);
        assert_eq!(d.areas[1].change_count(), 0);
        // A year with no self-review: every area is new text.
        let d = diff_reviews(
            None,
            Some(&review("effective", "x")),
            Some(&rubric),
            &Budget::unlimited(),
        );
        assert!(d.areas[0].reflection.differs());
    }
}
