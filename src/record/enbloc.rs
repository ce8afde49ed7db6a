//! Taking items together: the items a meeting may confirm en bloc, and their recording, one
//! commit per decision, each with its own file and trailers, as if decided one by one.

use jiff::civil::Date;

use super::{Context, NotRecorded, Plan, Recorded, commit, prepare_decision};
use crate::model::enbloc::{draft_from_reviews, proposed};
use crate::model::{AgendaItem, Meeting, MemberId};
use crate::repo::write::WriteLock;
use crate::repo::{PanelRepo, RepoError};

/// The trailer that marks a decision confirmed together with others.
pub const EN_BLOC_TRAILER: &str = "En-bloc";

/// The items of the meeting on `date` to propose en bloc, each with the plan that would record
/// it: those whose reviews agree on an accepting outcome (model::enbloc::proposed) and whose
/// decision, drafted from the reviews, no rule refuses and nothing warns about.
pub fn plan_en_bloc(ctx: Context, date: Date, recorder: &MemberId) -> Vec<(AgendaItem, Plan)> {
    let Some(meeting) = ctx.catalog.meetings.get(&date) else {
        return Vec::new();
    };
    proposed(ctx.catalog, meeting)
        .into_iter()
        .map(|item| {
            let plan = item_plan(ctx, meeting, &item, recorder);
            (item, plan)
        })
        .filter(|(_, plan)| plan.may_record() && plan.warnings.is_empty() && !plan.unchanged)
        .collect()
}

/// The plan that records an item's decision as drafted from its reviews, with the en-bloc
/// trailer added to its message.
fn item_plan(ctx: Context, meeting: &Meeting, item: &AgendaItem, recorder: &MemberId) -> Plan {
    let draft = draft_from_reviews(ctx.catalog, meeting, item, Some(recorder.clone()));
    let mut plan = prepare_decision(ctx, &draft);
    if !plan.message.is_empty() {
        if !plan.message.ends_with('\n') {
            plan.message.push('\n');
        }
        plan.message.push_str(&format!("{EN_BLOC_TRAILER}: yes\n"));
    }
    plan
}

/// What became of one item of an en-bloc confirmation.
#[derive(Debug)]
pub struct EnBlocItem {
    pub item: AgendaItem,
    pub result: Result<Recorded, NotRecorded>,
}

/// Records `items` of the meeting on `date` one after another, each read, checked and
/// committed on the commit before it, under one write lock. An item the rules refuse when its
/// turn comes (another's commit changed what it rests on) is left to decide; the others are
/// still recorded. Reading the branch is the only error that stops the whole.
pub fn record_en_bloc(
    repo: &PanelRepo,
    lock: &WriteLock,
    date: Date,
    items: &[AgendaItem],
    recorder: &MemberId,
    today: Date,
    interactive: bool,
) -> Result<Vec<EnBlocItem>, RepoError> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let snapshot = repo.snapshot_at(None)?;
        let (catalog, _) = repo.load_catalog(&snapshot)?;
        let ctx = Context {
            repo,
            snapshot: &snapshot,
            catalog: &catalog,
            interactive,
            today,
        };
        let result = match catalog.meetings.get(&date) {
            None => Err(NotRecorded::Refused(vec![format!(
                "there is no meeting on {date}"
            )])),
            // Checked again on the commit it builds on, as plan_en_bloc checks it: an item
            // whose reviews no longer agree, or that nobody proposed, is not confirmed with
            // the others, nor one its decision would be recorded with a warning about.
            Some(meeting) if !proposed(&catalog, meeting).contains(item) => {
                Err(NotRecorded::Refused(vec![format!(
                    "{item} is not proposed en bloc: its reviews are not all in agreeing on an accepting outcome, or it is decided"
                )]))
            }
            Some(meeting) => {
                let plan = item_plan(ctx, meeting, item, recorder);
                if plan.may_record() && !plan.warnings.is_empty() {
                    Err(NotRecorded::Refused(
                        plan.warnings
                            .iter()
                            .map(|w| format!("to be discussed, not taken en bloc: {w}"))
                            .collect(),
                    ))
                } else {
                    commit(repo, lock, &plan)
                }
            }
        };
        out.push(EnBlocItem {
            item: item.clone(),
            result,
        });
    }
    Ok(out)
}
