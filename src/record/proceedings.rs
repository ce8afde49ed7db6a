//! Recording how a meeting ran: the proceedings file, committed by the chair as the meeting
//! closes.

use super::{Context, Plan, ron_text, written};
use crate::model::decide::Refusal;
use crate::model::layout::PanelPath;
use crate::model::{Proceedings, message};

/// The plan to record `proceedings`: refused where the meeting has no record, an item was
/// not on its agenda, or a member who left or came back was not present.
pub fn prepare_proceedings(ctx: Context, proceedings: &Proceedings) -> Plan {
    let parent = ctx.snapshot.commit_id();
    let catalog = ctx.catalog;
    let mut refusals = Vec::new();
    let Some(meeting) = catalog.meetings.get(&proceedings.meeting) else {
        return Plan::unfinished(
            vec![format!(
                "there is no meeting on {} to record the proceedings of",
                proceedings.meeting
            )],
            parent,
        );
    };
    // Before attendance is taken everyone without apologies is expected, as live mode and the
    // discussion order count them.
    let in_the_room = crate::model::order::in_the_room(&catalog.panel, meeting);
    for run in &proceedings.items {
        let item = run.item();
        if !meeting.agenda.contains(&item) {
            refusals.push(Refusal {
                rule: "not-on-agenda",
                message: format!(
                    "{}/{}/{} is not on the agenda of {}",
                    item.school, item.year, item.kind, meeting.date
                ),
            });
        }
        for member in run.left.iter().chain(&run.returned) {
            if !in_the_room.contains(&member) {
                refusals.push(Refusal {
                    rule: "not-present",
                    message: format!(
                        "{member} is named as leaving or returning for {} but was not present",
                        item.school
                    ),
                });
            }
        }
    }
    refusals.extend(written("proceedings", proceedings));
    let text = ron_text("proceedings", proceedings, &mut refusals);
    let unchanged = catalog.proceedings.get(&proceedings.meeting) == Some(proceedings);
    let en_bloc = proceedings.items.iter().filter(|i| i.en_bloc).count();
    Plan {
        files: vec![(
            PanelPath::Proceedings(proceedings.meeting).to_string(),
            text,
        )],
        message: message::proceedings(
            proceedings.meeting,
            &meeting.chair,
            proceedings.items.len(),
            en_bloc,
        ),
        author: catalog.panel.member(&meeting.chair).map(|m| m.identity()),
        signer: crate::repo::sign::signer_for(&catalog.panel, &meeting.chair, ctx.interactive),
        missing: Vec::new(),
        refusals,
        warnings: Vec::new(),
        parent,
        unchanged,
    }
}
