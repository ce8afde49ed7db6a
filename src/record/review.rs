//! A member's review of an agenda item: one file under `reviews/`, one commit by its author,
//! checked by the rules every review meets, and fixed once the meeting has started.

use super::{Context, Plan, ron_text, written};
use crate::model::layout::PanelPath;
use crate::model::message;
use crate::model::review::{Review, meeting_started, review_refusals};

/// Whether the meeting has started for its reviews on the day the work is done: its day has
/// come, or a decision of it is recorded.
pub fn started(
    catalog: &crate::model::catalog::Catalog,
    meeting: jiff::civil::Date,
    today: jiff::civil::Date,
) -> bool {
    let decided = catalog.decisions.iter().any(|(_, d)| d.meeting == meeting);
    meeting_started(meeting, today, decided)
}

/// The review's file at its path, and its commit authored and committed by the reviewer
/// (signed where the panel signs). Writing it again is how a reviewer changes it, under the
/// same rules, until the meeting starts.
pub fn prepare_review(ctx: Context, review: &Review) -> Plan {
    let parent = ctx.snapshot.commit_id();
    let catalog = ctx.catalog;
    // An unreadable self-review is the validator's to report; the school's rubric is used.
    let named = ctx
        .repo
        .self_review(ctx.snapshot, &review.school, review.year)
        .unwrap_or(None);
    let rubric = catalog.rubric_for_submission(&review.school, named.as_ref());
    let meeting = catalog.meetings.get(&review.meeting);
    let mut refusals = review_refusals(
        &catalog.panel,
        meeting,
        rubric,
        review,
        started(catalog, review.meeting, ctx.today),
    );
    refusals.extend(written("review", review));
    let text = ron_text("review", review, &mut refusals);
    let path = PanelPath::Review(review.path()).to_string();
    let unchanged = catalog
        .reviews
        .iter()
        .any(|(p, r)| *p == path && r == review);
    let mut warnings = Vec::new();
    if unchanged {
        warnings.push("nothing has changed since the review was last recorded".to_owned());
    }
    if meeting.is_some_and(|m| {
        m.readers_of(&review.item())
            .is_some_and(|r| !r.members().any(|id| *id == review.reviewer))
    }) {
        warnings.push(format!(
            "{} is not the lead reviewer or second reader of this item",
            review.reviewer
        ));
    }
    Plan {
        files: vec![(path, text)],
        message: message::review(review),
        author: catalog.panel.member(&review.reviewer).map(|m| m.identity()),
        signer: crate::repo::sign::signer_for(&catalog.panel, &review.reviewer, ctx.interactive),
        missing: Vec::new(),
        refusals,
        warnings,
        parent,
        unchanged,
    }
}
