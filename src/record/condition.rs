//! A condition of a decision recorded as met: one file under `conditions/`, one commit by
//! the member who records it, checked against the conditions as they stand.

use jiff::civil::Date;

use super::{Context, Plan, ron_text, written};
use crate::model::condition::{ConditionMet, ConditionState, ConditionStatus};
use crate::model::decide::Refusal;
use crate::model::layout::{Classified, ConditionPath, PanelPath, classify};
use crate::model::{MemberId, SchoolId, message};

/// What the person says: which condition, when it was met, and what the panel saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionMetDraft {
    pub school: SchoolId,
    /// The decision's repository path, where the school has conditions numbered alike in
    /// more than one decision.
    pub decision: Option<String>,
    pub number: u32,
    pub met_on: Date,
    pub evidence: String,
    pub recorder: Option<MemberId>,
}

/// The refusals that mean the person named a condition that cannot be met now (none by that
/// number, or one met already): the command line reports them as a usage error.
pub const NAMING_RULES: [&str; 3] = [
    "unknown-condition",
    "ambiguous-condition",
    "condition-met-already",
];

/// The school's condition the draft names, or why none can be chosen.
fn chosen<'a>(
    conditions: &'a [ConditionStatus],
    draft: &ConditionMetDraft,
) -> Result<&'a ConditionStatus, Refusal> {
    let listed = || {
        conditions
            .iter()
            .map(|c| format!("{} of {} ({})", c.number, c.decision, c.state.label()))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let candidates: Vec<&ConditionStatus> = conditions
        .iter()
        .filter(|c| c.number == draft.number)
        .filter(|c| draft.decision.as_ref().is_none_or(|d| *d == c.decision))
        .collect();
    match candidates.as_slice() {
        [one] => Ok(one),
        [] => Err(Refusal {
            rule: "unknown-condition",
            message: if conditions.is_empty() {
                format!(
                    "{} has no conditions set by a standing decision",
                    draft.school
                )
            } else {
                format!(
                    "{} has no condition {}{}; its conditions: {}",
                    draft.school,
                    draft.number,
                    draft
                        .decision
                        .as_ref()
                        .map_or_else(String::new, |d| format!(" in {d}")),
                    listed()
                )
            },
        }),
        several => Err(Refusal {
            rule: "ambiguous-condition",
            message: format!(
                "{} decisions of {} set a condition {}: name one with --decision ({})",
                several.len(),
                draft.school,
                draft.number,
                several
                    .iter()
                    .map(|c| c.decision.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
    }
}

/// The record from its draft, checked against what was read: its file at the condition's
/// path, and its commit by the recorder. The conditions are read as they stand on the day
/// the work is done, so a condition met already, or set by a decision that has since been
/// corrected, is refused.
pub fn prepare_condition_met(ctx: Context, draft: &ConditionMetDraft) -> Plan {
    let parent = ctx.snapshot.commit_id();
    let mut missing = Vec::new();
    if draft.evidence.trim().is_empty() {
        missing.push("say what evidence the panel saw that the condition was met".to_owned());
    }
    let Some(recorder) = draft.recorder.clone() else {
        missing.push("choose the member who records it".to_owned());
        return Plan::unfinished(missing, parent);
    };
    if !missing.is_empty() {
        return Plan::unfinished(missing, parent);
    }
    let catalog = ctx.catalog;
    let mut refusals = Vec::new();
    if !catalog.schools.contains_key(&draft.school) {
        refusals.push(Refusal {
            rule: "unknown-school",
            message: format!("there is no school {:?}", draft.school.as_str()),
        });
        return Plan {
            refusals,
            ..Plan::unfinished(Vec::new(), parent)
        };
    }
    let conditions = catalog.conditions(&draft.school, ctx.today);
    let condition = match chosen(&conditions, draft) {
        Ok(c) => c,
        Err(refusal) => {
            return Plan {
                refusals: vec![refusal],
                ..Plan::unfinished(Vec::new(), parent)
            };
        }
    };
    let Classified::File(PanelPath::Decision(decision)) = classify(&condition.decision) else {
        // Decisions are read only from paths that classify as decisions.
        return Plan {
            refusals: vec![Refusal {
                rule: "unknown-condition",
                message: format!("{} is not a decision's path", condition.decision),
            }],
            ..Plan::unfinished(Vec::new(), parent)
        };
    };
    let path = ConditionPath {
        decision,
        number: condition.number,
    }
    .to_string();
    let recorded = catalog.conditions_met.iter().find(|(p, _)| *p == path);
    if condition.state == ConditionState::Met || recorded.is_some() {
        let (on, at) = match (condition.met_on, recorded) {
            (Some(on), _) => (on, condition.met_record.clone().unwrap_or_default()),
            (None, Some((p, m))) => (m.met_on, p.clone()),
            (None, None) => (draft.met_on, path.clone()),
        };
        return Plan {
            refusals: vec![Refusal {
                rule: "condition-met-already",
                message: format!(
                    "condition {} of {} was recorded as met on {on} ({at})",
                    condition.number, condition.decision
                ),
            }],
            ..Plan::unfinished(Vec::new(), parent)
        };
    }
    let meeting = catalog
        .decisions
        .iter()
        .find(|(p, _)| *p == condition.decision)
        .map(|(_, d)| d.meeting);
    if meeting.is_some_and(|m| draft.met_on < m) {
        refusals.push(Refusal {
            rule: "met-before-decision",
            message: format!(
                "{} is before the meeting that set the condition",
                draft.met_on
            ),
        });
    }
    if draft.met_on > ctx.today {
        refusals.push(Refusal {
            rule: "met-ahead",
            message: format!(
                "{} is after today ({}): record a condition once it is met",
                draft.met_on, ctx.today
            ),
        });
    }
    let author = catalog.panel.member(&recorder).map(|m| m.identity());
    if author.is_none() {
        refusals.push(Refusal {
            rule: "unknown-member",
            message: format!(
                "{:?} (recorder) is not a member of the panel",
                recorder.as_str()
            ),
        });
    }
    let met = ConditionMet {
        decision: condition.decision.clone(),
        condition: condition.number,
        met_on: draft.met_on,
        evidence: draft.evidence.trim_end().to_owned(),
        recorder: recorder.clone(),
    };
    refusals.extend(written("record", &met));
    let text = ron_text("record", &met, &mut refusals);
    let mut warnings = Vec::new();
    if condition.due < draft.met_on {
        warnings.push(format!(
            "the condition was due on {}; it is recorded as met late",
            condition.due
        ));
    }
    Plan {
        files: vec![(path, text)],
        message: message::condition_met(&met, &condition.school, condition.year),
        signer: crate::repo::sign::signer_for(&catalog.panel, &recorder, ctx.interactive),
        author,
        missing: Vec::new(),
        refusals,
        warnings,
        parent,
        unchanged: false,
    }
}
