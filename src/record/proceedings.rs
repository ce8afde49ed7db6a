//! Recording how a meeting ran: the proceedings file, committed by the chair as the meeting
//! closes.

use super::{Context, Plan, ron_text, written};
use crate::model::decide::Refusal;
use crate::model::layout::PanelPath;
use crate::model::proceedings::proceedings_findings;
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
    refusals.extend(
        proceedings_findings(Some(&catalog.panel), Some(meeting), proceedings)
            .into_iter()
            .map(Refusal::from),
    );
    refusals.extend(written("proceedings", proceedings));
    let text = ron_text("proceedings", proceedings, &mut refusals);
    let unchanged = catalog.proceedings.get(&proceedings.meeting) == Some(proceedings);
    Plan {
        files: vec![(
            PanelPath::Proceedings(proceedings.meeting).to_string(),
            text,
        )],
        message: message::proceedings(proceedings, &meeting.chair),
        author: catalog.panel.member(&meeting.chair).map(|m| m.identity()),
        signer: crate::repo::sign::signer_for(&catalog.panel, &meeting.chair, ctx.interactive),
        missing: Vec::new(),
        refusals,
        warnings: Vec::new(),
        parent,
        unchanged,
    }
}
