//! Comparing two years' action plans, action by action.
//!
//! Actions are matched by their stable id first. Those left over are matched by how alike
//! their text is: within the same area first, then across areas (an action renumbered when it
//! moved). Each matched pair is then classified: reworded, status changed, re-dated,
//! re-owned, moved; actions only in the later plan are new, those only in the earlier plan
//! were dropped, or, if they were already done, completed and removed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::Date;
use serde::Serialize;

use super::text::{Budget, TextChange, diff_text, similarity, words};
use crate::model::{AcademicYear, Action, ActionId, ActionPlan, ActionStatus, AreaId, Rubric};

/// How alike two actions' texts must be to count as the same action under a new id.
pub const SAME_AREA_MATCH: f32 = 0.6;
/// The same, for an action that also moved to another area.
pub const OTHER_AREA_MATCH: f32 = 0.75;

/// How a pair was put together.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "by")]
pub enum Matched {
    Id,
    Similarity { score: f32 },
    OnlyEarlier,
    OnlyLater,
}

/// One way an action changed from one year to the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "change")]
pub enum Change {
    New,
    /// In the earlier plan, not in the later one, and not done.
    Dropped,
    /// Marked dropped in the later plan.
    MarkedDropped,
    /// Done in the earlier plan and left out of the later one.
    CompletedAndRemoved,
    StatusChanged {
        from: ActionStatus,
        to: ActionStatus,
    },
    Reworded,
    Redated {
        start: Option<(Date, Date)>,
        due: Option<(Date, Date)>,
    },
    Reowned {
        from: String,
        to: String,
    },
    Moved {
        from: AreaId,
        to: AreaId,
    },
    /// In an area of a framework the later year's replaced, and carried into the area the
    /// new framework's succession gives it: not a move the school made.
    CarriedOver {
        from: AreaId,
        /// The old area's title and the old framework's short name, for the label.
        title: String,
        rubric: String,
    },
    Renumbered {
        from: ActionId,
        to: ActionId,
    },
    SuccessChanged,
    ProgressUpdated,
    /// Not in the earlier plan, first listed in a year between the two compared.
    AddedIn {
        year: AcademicYear,
    },
    /// Not in the earlier plan, and marked dropped by the later one: listed from `added`,
    /// dropped in `dropped`.
    AddedThenDropped {
        added: AcademicYear,
        dropped: AcademicYear,
    },
    /// First marked done in a year between the two compared.
    DoneIn {
        year: AcademicYear,
    },
    /// First marked dropped in a year between the two compared.
    DroppedIn {
        year: AcademicYear,
    },
    /// Not done, and left out of the plan of a year between the two compared.
    LeftOutIn {
        year: AcademicYear,
    },
}

/// The summary bucket an action falls in; every action falls in exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fate {
    New,
    Carried,
    Done,
    Dropped,
    CompletedAndRemoved,
}

/// One action across the two years.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionPair {
    pub earlier: Option<Action>,
    pub later: Option<Action>,
    pub matched: Matched,
    pub fate: Fate,
    pub changes: Vec<Change>,
    /// Word-level changes of the fields that differ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<TextChange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success: Option<TextChange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<TextChange>,
}

impl ActionPair {
    /// Whether anything about the action differs between the years.
    pub fn is_changed(&self) -> bool {
        !self.changes.is_empty()
    }

    /// The id to show: the later one where there is one.
    pub fn id(&self) -> &ActionId {
        match (&self.later, &self.earlier) {
            (Some(a), _) | (None, Some(a)) => &a.id,
            (None, None) => unreachable_pair(),
        }
    }

    /// The area the pair is listed under: the later one where there is one.
    pub fn area(&self) -> &AreaId {
        match (&self.later, &self.earlier) {
            (Some(a), _) | (None, Some(a)) => &a.area,
            (None, None) => unreachable_pair(),
        }
    }
}

#[cold]
fn unreachable_pair() -> ! {
    // A pair is only ever built from at least one action.
    unreachable!("an action pair with neither action")
}

/// The counts of the summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub new: usize,
    pub carried: usize,
    pub done: usize,
    pub dropped: usize,
    pub completed_and_removed: usize,
    pub reworded: usize,
    pub redated: usize,
    pub reowned: usize,
    pub moved: usize,
    /// Actions listed only in years between the two compared.
    pub came_and_went: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "+{} new · {} carried · {} done · {} dropped · {} reworded",
            self.new, self.carried, self.done, self.dropped, self.reworded
        )?;
        for (count, what) in [
            (self.moved, "moved"),
            (self.redated, "re-dated"),
            (self.reowned, "re-owned"),
            (self.completed_and_removed, "completed and removed"),
            (self.came_and_went, "came and went in between"),
        ] {
            if count > 0 {
                write!(f, " · {count} {what}")?;
            }
        }
        Ok(())
    }
}

/// The actions of one area, in display order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaActions {
    pub area: AreaId,
    pub pairs: Vec<ActionPair>,
    /// Actions listed only in years between the two compared.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub between: Vec<Interim>,
}

/// Two years' action plans compared.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanDiff {
    /// Areas in the rubric's order (areas the rubric lacks come last).
    pub areas: Vec<AreaActions>,
    pub summary: Summary,
    pub notes: Vec<String>,
}

fn text_change(old: &str, new: &str, budget: &Budget) -> Option<TextChange> {
    (old != new).then(|| diff_text(old, new, budget))
}

/// Classifies a matched or unmatched pair.
fn pair(
    earlier: Option<&Action>,
    later: Option<&Action>,
    matched: Matched,
    budget: &Budget,
) -> ActionPair {
    let mut changes = Vec::new();
    let (mut text, mut success, mut progress) = (None, None, None);
    let fate = match (earlier, later) {
        (None, Some(_)) => {
            changes.push(Change::New);
            Fate::New
        }
        (Some(e), None) if e.status == ActionStatus::Done => {
            changes.push(Change::CompletedAndRemoved);
            Fate::CompletedAndRemoved
        }
        (Some(_), None) => {
            changes.push(Change::Dropped);
            Fate::Dropped
        }
        (Some(e), Some(l)) => {
            if e.id != l.id {
                changes.push(Change::Renumbered {
                    from: e.id.clone(),
                    to: l.id.clone(),
                });
            }
            if e.area != l.area {
                changes.push(Change::Moved {
                    from: e.area.clone(),
                    to: l.area.clone(),
                });
            }
            if e.status != l.status {
                changes.push(if l.status == ActionStatus::Dropped {
                    Change::MarkedDropped
                } else {
                    Change::StatusChanged {
                        from: e.status,
                        to: l.status,
                    }
                });
            }
            text = text_change(&e.text, &l.text, budget);
            if text.as_ref().is_some_and(TextChange::differs) {
                changes.push(Change::Reworded);
            }
            let start = (e.start != l.start).then_some((e.start, l.start));
            let due = (e.due != l.due).then_some((e.due, l.due));
            if start.is_some() || due.is_some() {
                changes.push(Change::Redated { start, due });
            }
            if e.owner.trim() != l.owner.trim() {
                changes.push(Change::Reowned {
                    from: e.owner.clone(),
                    to: l.owner.clone(),
                });
            }
            success = text_change(&e.success, &l.success, budget);
            if success.as_ref().is_some_and(TextChange::differs) {
                changes.push(Change::SuccessChanged);
            }
            progress = text_change(&e.progress, &l.progress, budget);
            if progress.as_ref().is_some_and(TextChange::differs) {
                changes.push(Change::ProgressUpdated);
            }
            if l.status == ActionStatus::Done && e.status != ActionStatus::Done {
                Fate::Done
            } else if l.status == ActionStatus::Dropped && e.status != ActionStatus::Dropped {
                Fate::Dropped
            } else {
                Fate::Carried
            }
        }
        (None, None) => unreachable_pair(),
    };
    ActionPair {
        earlier: earlier.cloned(),
        later: later.cloned(),
        matched,
        fate,
        changes,
        text,
        success,
        progress,
    }
}

/// Pairs left-over actions whose texts are alike, best matches first.
fn match_by_text(
    earlier: &[&Action],
    later: &[&Action],
    threshold: f32,
    same_area_only: bool,
    budget: &Budget,
    notes: &mut Vec<String>,
) -> Vec<(usize, usize, f32)> {
    // Word sets first: cheap, and they rule out almost every pair before the real comparison.
    let sets = |actions: &[&Action]| -> Vec<BTreeSet<String>> {
        actions
            .iter()
            .map(|a| words(&a.text).into_iter().collect())
            .collect()
    };
    let (e_sets, l_sets) = (sets(earlier), sets(later));
    let mut candidates = Vec::new();
    'outer: for (i, e) in earlier.iter().enumerate() {
        for (j, l) in later.iter().enumerate() {
            if same_area_only && e.area != l.area {
                continue;
            }
            let shared = e_sets[i].intersection(&l_sets[j]).count();
            let union = e_sets[i].len() + l_sets[j].len() - shared;
            if union == 0 || (shared as f32) < 0.3 * union as f32 {
                continue;
            }
            if budget.expired() {
                notes.push(
                    "matching actions by their wording stopped when the time for comparing ran out"
                        .into(),
                );
                break 'outer;
            }
            let score = similarity(&e.text, &l.text, budget);
            if score >= threshold {
                candidates.push((i, j, score));
            }
        }
    }
    candidates.sort_by(|a, b| b.2.total_cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));
    let (mut used_e, mut used_l) = (BTreeSet::new(), BTreeSet::new());
    candidates
        .into_iter()
        .filter(|(i, j, _)| {
            let free = !used_e.contains(i) && !used_l.contains(j);
            if free {
                used_e.insert(*i);
                used_l.insert(*j);
            }
            free
        })
        .collect()
}

/// The actions of two plans paired: (earlier index, later index, how), either side `None`
/// for an action only in one plan.
type Pairing = Vec<(Option<usize>, Option<usize>, Matched)>;

/// Pairs the actions of two plans: by id, then by wording.
fn match_actions(
    earlier: &ActionPlan,
    later: &ActionPlan,
    budget: &Budget,
    notes: &mut Vec<String>,
) -> Pairing {
    // A plan may give two actions one id (`validate` refuses it, but the comparison is still
    // shown): the first such action of one year goes with the first of the other, the second
    // with the second, so a plan compared with itself pairs every action with itself.
    let mut later_by_id: HashMap<&ActionId, std::collections::VecDeque<usize>> = HashMap::new();
    for (j, a) in later.actions.iter().enumerate() {
        later_by_id.entry(&a.id).or_default().push_back(j);
    }
    // (earlier index, later index, how)
    let mut pairs: Pairing = Vec::new();
    let mut later_used = vec![false; later.actions.len()];
    let mut earlier_left = Vec::new();
    for (i, a) in earlier.actions.iter().enumerate() {
        match later_by_id.get_mut(&a.id).and_then(|js| js.pop_front()) {
            Some(j) => {
                later_used[j] = true;
                pairs.push((Some(i), Some(j), Matched::Id));
            }
            None => earlier_left.push(i),
        }
    }
    let mut later_left: Vec<usize> = (0..later.actions.len())
        .filter(|&j| !later_used[j])
        .collect();
    for (same_area, threshold) in [(true, SAME_AREA_MATCH), (false, OTHER_AREA_MATCH)] {
        if earlier_left.is_empty() || later_left.is_empty() {
            break;
        }
        let e: Vec<&Action> = earlier_left.iter().map(|&i| &earlier.actions[i]).collect();
        let l: Vec<&Action> = later_left.iter().map(|&j| &later.actions[j]).collect();
        let found = match_by_text(&e, &l, threshold, same_area, budget, notes);
        let mut taken_e = BTreeSet::new();
        let mut taken_l = BTreeSet::new();
        for (i, j, score) in found {
            pairs.push((
                Some(earlier_left[i]),
                Some(later_left[j]),
                Matched::Similarity { score },
            ));
            taken_e.insert(earlier_left[i]);
            taken_l.insert(later_left[j]);
        }
        earlier_left.retain(|i| !taken_e.contains(i));
        later_left.retain(|j| !taken_l.contains(j));
    }
    pairs.extend(
        earlier_left
            .into_iter()
            .map(|i| (Some(i), None, Matched::OnlyEarlier)),
    );
    pairs.extend(
        later_left
            .into_iter()
            .map(|j| (None, Some(j), Matched::OnlyLater)),
    );
    pairs
}

/// What happened to an action in the years between the two compared, as far as it is
/// followed from one plan to the next.
#[derive(Debug, Clone, Copy, Default)]
struct Story {
    /// The first year it became done (it was not done the year before).
    done: Option<AcademicYear>,
    /// The first year it was marked dropped (it was not dropped the year before).
    dropped: Option<AcademicYear>,
    /// The first year whose plan left it out.
    left_out: Option<AcademicYear>,
    /// The year it was first listed, where that is after the earlier year compared.
    added: Option<AcademicYear>,
}

/// An action listed only in years between the two compared: added after the earlier year and
/// left out before the later one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interim {
    /// The action as last listed.
    pub action: Action,
    pub added: AcademicYear,
    /// The first year whose plan left it out.
    pub gone: AcademicYear,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done: Option<AcademicYear>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dropped: Option<AcademicYear>,
}

/// The pairing of the earlier and later plans through the years between them: each action is
/// followed from one year's plan to the next, so that what happened to it in between is known.
fn trace(
    plans: &[&ActionPlan],
    budget: &Budget,
    notes: &mut Vec<String>,
) -> (Pairing, Vec<Story>, Vec<Interim>) {
    let last = plans.len() - 1;
    let mut forward: Vec<Vec<Option<(usize, Matched)>>> = Vec::with_capacity(last);
    let mut has_before: Vec<Vec<bool>> =
        plans.iter().map(|p| vec![false; p.actions.len()]).collect();
    for k in 0..last {
        let mut links = vec![None; plans[k].actions.len()];
        for (e, l, how) in match_actions(plans[k], plans[k + 1], budget, notes) {
            if let (Some(i), Some(j)) = (e, l) {
                links[i] = Some((j, how));
                has_before[k + 1][j] = true;
            }
        }
        forward.push(links);
    }
    // Follows the action `i` of plan `k` to the last plan that lists it: (that plan, its
    // index there, its story, whether every step matched it by id).
    let follow = |k: usize, i: usize| -> (usize, usize, Story, bool) {
        let mut story = Story::default();
        let start = &plans[k].actions[i];
        if k > 0 {
            story.added = Some(plans[k].year);
            if start.status == ActionStatus::Done {
                story.done = Some(plans[k].year);
            }
            if start.status == ActionStatus::Dropped {
                story.dropped = Some(plans[k].year);
            }
        }
        let (mut k, mut i, mut by_id) = (k, i, true);
        while k < last {
            let Some((j, how)) = forward[k][i] else {
                story.left_out = Some(plans[k + 1].year);
                break;
            };
            by_id &= how == Matched::Id;
            let before = plans[k].actions[i].status;
            k += 1;
            i = j;
            let now = plans[k].actions[i].status;
            if now == ActionStatus::Done && before != ActionStatus::Done {
                story.done.get_or_insert(plans[k].year);
            }
            if now == ActionStatus::Dropped && before != ActionStatus::Dropped {
                story.dropped.get_or_insert(plans[k].year);
            }
        }
        (k, i, story, by_id)
    };
    let (mut pairs, mut stories, mut interims) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..plans[0].actions.len() {
        let (k, j, story, by_id) = follow(0, i);
        if k == last {
            let (e, l) = (&plans[0].actions[i], &plans[last].actions[j]);
            let how = if by_id && e.id == l.id {
                Matched::Id
            } else {
                Matched::Similarity {
                    score: similarity(&e.text, &l.text, budget),
                }
            };
            pairs.push((Some(i), Some(j), how));
        } else {
            pairs.push((Some(i), None, Matched::OnlyEarlier));
        }
        stories.push(story);
    }
    for (k, plan) in plans.iter().enumerate().skip(1) {
        for (i, _) in has_before[k]
            .iter()
            .enumerate()
            .filter(|(_, before)| !**before)
        {
            let (end, j, story, _) = follow(k, i);
            if end == last {
                pairs.push((None, Some(j), Matched::OnlyLater));
                stories.push(story);
            } else {
                interims.push(Interim {
                    action: plans[end].actions[j].clone(),
                    added: plan.year,
                    gone: story.left_out.unwrap_or(plans[last].year),
                    done: story.done,
                    dropped: story.dropped,
                });
            }
        }
    }
    (pairs, stories, interims)
}

/// Tells a pair what happened to its action in the years between the two compared.
fn retell(p: &mut ActionPair, story: Story, later: AcademicYear) {
    let status = |a: &Option<Action>| a.as_ref().map(|a| a.status);
    match (status(&p.earlier), status(&p.later)) {
        (Some(e), None) => {
            if let Some(year) = story.done {
                p.fate = Fate::Done;
                p.changes = vec![Change::DoneIn { year }];
            } else if e == ActionStatus::Done {
                // Done by the earlier year already: "completed and removed" says it all.
            } else if let Some(year) = story.dropped {
                p.changes = vec![Change::DroppedIn { year }];
            } else if let Some(year) = story.left_out.filter(|y| *y != later) {
                p.changes = vec![Change::LeftOutIn { year }];
            }
        }
        (None, Some(l)) => {
            let added = story.added.unwrap_or(later);
            if l == ActionStatus::Dropped {
                // Not in the earlier plan and given up by the later one: new is not the news.
                p.fate = Fate::Dropped;
                p.changes = vec![Change::AddedThenDropped {
                    added,
                    dropped: story.dropped.unwrap_or(later),
                }];
            } else if added != later {
                p.changes = vec![Change::AddedIn { year: added }];
            }
        }
        (Some(e), Some(l)) => {
            if let Some(year) = story.done {
                p.fate = Fate::Done;
                if year != later {
                    p.changes.push(Change::DoneIn { year });
                }
            }
            if let Some(year) = story.dropped.filter(|y| *y != later)
                && l == ActionStatus::Dropped
                && e != ActionStatus::Dropped
            {
                for c in &mut p.changes {
                    if *c == Change::MarkedDropped {
                        *c = Change::DroppedIn { year };
                    }
                }
            }
        }
        (None, None) => {}
    }
}

/// Compares two years' plans. The rubric gives the order of areas.
pub fn diff_plans(
    earlier: &ActionPlan,
    later: &ActionPlan,
    rubric: Option<&Rubric>,
    budget: &Budget,
) -> PlanDiff {
    diff_plans_through(earlier, &[], later, rubric, budget)
}

/// Compares two years' plans with the plans of the years between them (in order), so that
/// an action done, dropped or left out in between is told as such, not as dropped by the
/// later plan. The rubric gives the order of areas.
pub fn diff_plans_through(
    earlier: &ActionPlan,
    between: &[&ActionPlan],
    later: &ActionPlan,
    rubric: Option<&Rubric>,
    budget: &Budget,
) -> PlanDiff {
    let mut notes = Vec::new();
    let (pairs, stories, interims) = if between.is_empty() {
        let pairs = match_actions(earlier, later, budget, &mut notes);
        let stories = vec![Story::default(); pairs.len()];
        (pairs, stories, Vec::new())
    } else {
        let plans: Vec<&ActionPlan> = std::iter::once(earlier)
            .chain(between.iter().copied())
            .chain(std::iter::once(later))
            .collect();
        trace(&plans, budget, &mut notes)
    };
    let mut pairs: Vec<_> = pairs.into_iter().zip(stories).collect();

    // Order: as in the later plan; an action only in the earlier plan comes after the action
    // that came before it there.
    let position_of_earlier: HashMap<usize, usize> = pairs
        .iter()
        .filter_map(|((e, l, _), _)| Some(((*e)?, (*l)?)))
        .collect();
    let order = |e: Option<usize>, l: Option<usize>| -> (usize, usize, usize) {
        match (l, e) {
            (Some(j), _) => (j, 0, 0),
            (None, Some(i)) => {
                let before = (0..i)
                    .rev()
                    .find_map(|k| position_of_earlier.get(&k).copied());
                (before.map_or(0, |j| j), 1, i)
            }
            (None, None) => (usize::MAX, 0, 0),
        }
    };
    pairs.sort_by_key(|((e, l, _), _)| order(*e, *l));

    let area_rank: BTreeMap<&AreaId, usize> = rubric
        .map(|r| {
            r.areas
                .iter()
                .enumerate()
                .map(|(i, a)| (&a.id, i))
                .collect()
        })
        .unwrap_or_default();
    let mut by_area: BTreeMap<(usize, AreaId), Vec<ActionPair>> = BTreeMap::new();
    let mut summary = Summary::default();
    for ((e, l, matched), story) in pairs {
        let mut p = pair(
            e.map(|i| &earlier.actions[i]),
            l.map(|j| &later.actions[j]),
            matched,
            budget,
        );
        retell(&mut p, story, later.year);
        match p.fate {
            Fate::New => summary.new += 1,
            Fate::Carried => summary.carried += 1,
            Fate::Done => summary.done += 1,
            Fate::Dropped => summary.dropped += 1,
            Fate::CompletedAndRemoved => summary.completed_and_removed += 1,
        }
        for c in &p.changes {
            match c {
                Change::Reworded => summary.reworded += 1,
                Change::Redated { .. } => summary.redated += 1,
                Change::Reowned { .. } => summary.reowned += 1,
                Change::Moved { .. } => summary.moved += 1,
                _ => {}
            }
        }
        let area = p.area().clone();
        let rank = area_rank.get(&area).copied().unwrap_or(usize::MAX);
        by_area.entry((rank, area)).or_default().push(p);
    }
    let mut between_by_area: BTreeMap<(usize, AreaId), Vec<Interim>> = BTreeMap::new();
    for interim in interims {
        summary.came_and_went += 1;
        let area = interim.action.area.clone();
        let rank = area_rank.get(&area).copied().unwrap_or(usize::MAX);
        by_area.entry((rank, area.clone())).or_default();
        between_by_area
            .entry((rank, area))
            .or_default()
            .push(interim);
    }
    if budget.ran_out() && !notes.iter().any(|n| n.contains("ran out")) {
        notes.push("the time for comparing ran out; some texts are compared line by line".into());
    }
    PlanDiff {
        areas: by_area
            .into_iter()
            .map(|(key, pairs)| AreaActions {
                between: between_by_area.remove(&key).unwrap_or_default(),
                area: key.1,
                pairs,
            })
            .collect(),
        summary,
        notes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AcademicYear;
    use jiff::civil::date;

    fn action(id: &str, area: &str, text: &str, status: ActionStatus) -> Action {
        Action {
            id: id.parse().unwrap(),
            area: area.parse().unwrap(),
            text: text.into(),
            owner: "Mental health lead".into(),
            start: date(2024, 9, 2),
            due: date(2025, 7, 18),
            success: "Measured by the pupil survey.".into(),
            status,
            progress: String::new(),
        }
    }

    fn plan(year: &str, actions: Vec<Action>) -> ActionPlan {
        ActionPlan {
            school: "oak".parse().unwrap(),
            year: year.parse::<AcademicYear>().unwrap(),
            updated: date(2025, 1, 1),
            actions,
        }
    }

    fn changes_of<'a>(d: &'a PlanDiff, id: &str) -> &'a ActionPair {
        d.areas
            .iter()
            .flat_map(|a| &a.pairs)
            .find(|p| p.id().as_str() == id)
            .unwrap_or_else(|| panic!("no pair for {id}"))
    }

    use ActionStatus::{Done, Dropped, InProgress, NotStarted};

    #[test]
    fn actions_sharing_an_id_are_paired_in_order() {
        // Two actions under one id, in different areas: each is its own, not the other's.
        let same = plan(
            "2025-26",
            vec![
                action("LM-1", "leadership", "", NotStarted),
                action("LM-1", "voice", "", NotStarted),
            ],
        );
        let d = diff_plans(&same, &same, None, &Budget::unlimited());
        let pairs: Vec<&ActionPair> = d.areas.iter().flat_map(|a| &a.pairs).collect();
        assert_eq!(pairs.len(), 2);
        for p in pairs {
            assert_eq!(p.earlier, p.later);
            assert!(p.changes.is_empty(), "{p:?}");
            assert_eq!(p.fate, Fate::Carried);
        }
    }

    #[test]
    fn every_classification() {
        let earlier = plan(
            "2024-25",
            vec![
                action(
                    "LM-1",
                    "leadership",
                    "Appoint a link governor for wellbeing.",
                    Done,
                ),
                action(
                    "LM-2",
                    "leadership",
                    "Write the wellbeing policy with staff.",
                    InProgress,
                ),
                action(
                    "SV-1",
                    "voice",
                    "Start a pupil wellbeing survey each term.",
                    InProgress,
                ),
                action(
                    "SV-2",
                    "voice",
                    "Train wellbeing ambassadors in Years 5 and 6.",
                    NotStarted,
                ),
                action(
                    "PC-1",
                    "parents",
                    "Hold coffee mornings for parents.",
                    InProgress,
                ),
                action(
                    "PC-2",
                    "parents",
                    "Run a parent workshop on anxiety.",
                    NotStarted,
                ),
                action("TS-1", "support", "Set up an ELSA room.", InProgress),
            ],
        );
        let mut later_lm2 = action(
            "LM-2",
            "leadership",
            "Write the wellbeing policy with staff.",
            Done,
        );
        later_lm2.progress = "Ratified in March.".into();
        let mut sv2 = action(
            "SV-2",
            "voice",
            "Train wellbeing ambassadors in Years 4, 5 and 6.",
            InProgress,
        );
        sv2.owner = "PSHE lead".into();
        sv2.due = date(2026, 3, 27);
        let later = plan(
            "2025-26",
            vec![
                later_lm2,
                action(
                    "LM-3",
                    "leadership",
                    "Give the mental health lead half a day a week.",
                    NotStarted,
                ),
                sv2,
                // SV-1 became pupil-led work under student voice's sibling area, same wording.
                action(
                    "SV-1",
                    "support",
                    "Start a pupil wellbeing survey each term.",
                    InProgress,
                ),
                action(
                    "PC-1",
                    "parents",
                    "Hold coffee mornings for parents.",
                    Dropped,
                ),
                action("TS-1", "support", "Set up an ELSA room.", InProgress),
            ],
        );
        let d = diff_plans(&earlier, &later, None, &Budget::unlimited());

        assert_eq!(
            changes_of(&d, "LM-1").changes,
            vec![Change::CompletedAndRemoved]
        );
        assert_eq!(changes_of(&d, "LM-1").fate, Fate::CompletedAndRemoved);
        let lm2 = changes_of(&d, "LM-2");
        assert_eq!(lm2.fate, Fate::Done);
        assert!(lm2.changes.contains(&Change::StatusChanged {
            from: InProgress,
            to: Done
        }));
        assert!(lm2.changes.contains(&Change::ProgressUpdated));
        assert_eq!(changes_of(&d, "LM-3").changes, vec![Change::New]);
        let sv2 = changes_of(&d, "SV-2");
        assert!(sv2.changes.contains(&Change::Reworded));
        assert!(sv2.changes.contains(&Change::Reowned {
            from: "Mental health lead".into(),
            to: "PSHE lead".into()
        }));
        assert!(sv2.changes.contains(&Change::Redated {
            start: None,
            due: Some((date(2025, 7, 18), date(2026, 3, 27)))
        }));
        assert!(sv2.changes.contains(&Change::StatusChanged {
            from: NotStarted,
            to: InProgress
        }));
        assert_eq!(sv2.fate, Fate::Carried);
        let words = sv2.text.as_ref().unwrap();
        assert!(
            words.new.iter().any(|p| p.changed && p.text.contains('4')),
            "{words:?}"
        );
        assert!(changes_of(&d, "SV-1").changes.contains(&Change::Moved {
            from: "voice".parse().unwrap(),
            to: "support".parse().unwrap()
        }));
        let pc1 = changes_of(&d, "PC-1");
        assert_eq!(pc1.fate, Fate::Dropped);
        assert_eq!(pc1.changes, vec![Change::MarkedDropped]);
        assert_eq!(changes_of(&d, "PC-2").changes, vec![Change::Dropped]);
        assert!(!changes_of(&d, "TS-1").is_changed(), "unchanged");

        assert_eq!(
            d.summary,
            Summary {
                new: 1,
                carried: 3,
                done: 1,
                dropped: 2,
                completed_and_removed: 1,
                reworded: 1,
                redated: 1,
                reowned: 1,
                moved: 1,
                came_and_went: 0,
            }
        );
        assert_eq!(
            d.summary.to_string(),
            "+1 new · 3 carried · 1 done · 2 dropped · 1 reworded · 1 moved · 1 re-dated · 1 re-owned · 1 completed and removed"
        );
    }

    #[test]
    fn the_years_between_tell_what_happened_to_an_action() {
        let first = plan(
            "2024-25",
            vec![
                action("LM-1", "leadership", "Governor training.", NotStarted),
                action("LM-2", "leadership", "Staff briefing.", InProgress),
            ],
        );
        let mut between = plan(
            "2025-26",
            vec![
                action("LM-1", "leadership", "Governor training.", Done),
                action("LM-3", "leadership", "Budget line.", InProgress),
                action("LM-4", "leadership", "Termly report.", NotStarted),
            ],
        );
        between.year = "2025-26".parse().unwrap();
        let last = plan(
            "2026-27",
            vec![action("LM-4", "leadership", "Termly report.", Dropped)],
        );
        let d = diff_plans_through(&first, &[&between], &last, None, &Budget::unlimited());
        let lm1 = changes_of(&d, "LM-1");
        assert_eq!(lm1.fate, Fate::Done);
        assert_eq!(
            lm1.changes,
            vec![Change::DoneIn {
                year: "2025-26".parse().unwrap()
            }]
        );
        assert_eq!(
            changes_of(&d, "LM-2").changes,
            vec![Change::LeftOutIn {
                year: "2025-26".parse().unwrap()
            }]
        );
        let lm4 = changes_of(&d, "LM-4");
        assert_eq!(lm4.fate, Fate::Dropped);
        assert_eq!(
            lm4.changes,
            vec![Change::AddedThenDropped {
                added: "2025-26".parse().unwrap(),
                dropped: "2026-27".parse().unwrap()
            }]
        );
        let between: Vec<&Interim> = d.areas.iter().flat_map(|a| &a.between).collect();
        assert_eq!(between.len(), 1);
        assert_eq!(between[0].action.id.as_str(), "LM-3");
        assert_eq!(between[0].gone, "2026-27".parse().unwrap());
        assert_eq!(d.summary.came_and_went, 1);
        assert!(
            d.summary
                .to_string()
                .ends_with("· 1 came and went in between")
        );
    }

    #[test]
    fn a_renumbered_action_is_matched_by_its_wording() {
        let earlier = plan(
            "2024-25",
            vec![action(
                "PC-3",
                "parents",
                "Run termly parent workshops on anxiety and sleep.",
                InProgress,
            )],
        );
        let later = plan(
            "2025-26",
            vec![
                action(
                    "PC-1",
                    "parents",
                    "Run termly parent workshops on anxiety, sleep and screen time.",
                    InProgress,
                ),
                action(
                    "PC-2",
                    "parents",
                    "Buy new reading books for the library.",
                    NotStarted,
                ),
            ],
        );
        let d = diff_plans(&earlier, &later, None, &Budget::unlimited());
        let renumbered = changes_of(&d, "PC-1");
        assert!(matches!(renumbered.matched, Matched::Similarity { score } if score > 0.6));
        assert!(renumbered.changes.contains(&Change::Renumbered {
            from: "PC-3".parse().unwrap(),
            to: "PC-1".parse().unwrap()
        }));
        assert!(renumbered.changes.contains(&Change::Reworded));
        assert_eq!(changes_of(&d, "PC-2").changes, vec![Change::New]);
        assert_eq!(d.summary.new, 1);
        assert_eq!(d.summary.dropped, 0);
    }

    #[test]
    fn a_renumbered_and_moved_action_needs_a_closer_match() {
        let earlier = plan(
            "2024-25",
            vec![action(
                "CTL-4",
                "curriculum",
                "Ambassadors lead Mental Health Awareness Week assemblies.",
                InProgress,
            )],
        );
        let same = plan(
            "2025-26",
            vec![action(
                "SV-3",
                "voice",
                "Ambassadors lead Mental Health Awareness Week assemblies.",
                InProgress,
            )],
        );
        let d = diff_plans(&earlier, &same, None, &Budget::unlimited());
        let p = changes_of(&d, "SV-3");
        assert!(p.changes.contains(&Change::Moved {
            from: "curriculum".parse().unwrap(),
            to: "voice".parse().unwrap()
        }));
        let loose = plan(
            "2025-26",
            vec![action(
                "SV-3",
                "voice",
                "Ambassadors run a stall at the summer fair.",
                InProgress,
            )],
        );
        let d = diff_plans(&earlier, &loose, None, &Budget::unlimited());
        assert_eq!(d.summary.new, 1);
        assert_eq!(d.summary.dropped, 1);
    }

    #[test]
    fn areas_follow_the_rubric_and_dropped_actions_keep_their_place() {
        let rubric: Rubric = crate::model::format::from_ron(include_str!(
            "../../tests/fixtures/base/rubrics/mini.ron"
        ))
        .unwrap();
        let earlier = plan(
            "2024-25",
            vec![
                action("SV-1", "student-voice", "Pupil survey.", InProgress),
                action("LM-1", "leadership", "Governor training.", InProgress),
                action("LM-2", "leadership", "Staff briefing.", InProgress),
                action("LM-3", "leadership", "Budget line.", InProgress),
            ],
        );
        let later = plan(
            "2025-26",
            vec![
                action("LM-1", "leadership", "Governor training.", Done),
                action("LM-3", "leadership", "Budget line.", InProgress),
                action("SV-1", "student-voice", "Pupil survey.", InProgress),
            ],
        );
        let d = diff_plans(&earlier, &later, Some(&rubric), &Budget::unlimited());
        let order: Vec<Vec<&str>> = d
            .areas
            .iter()
            .map(|a| a.pairs.iter().map(|p| p.id().as_str()).collect())
            .collect();
        assert_eq!(order, vec![vec!["LM-1", "LM-2", "LM-3"], vec!["SV-1"]]);
    }
}
