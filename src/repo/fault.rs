//! Fault injection for the write path's tests: the writer stops, or one step fails, at a
//! named step, so that a test can kill the process or see the failure handled at exactly
//! that point instead of hoping random timing finds it.
//!
//! `KITEMARK_FAULT_STOP=STEP` makes the writer print `kitemark: fault injection: stopped
//! before STEP` on standard error and wait for ever (for the test to send SIGKILL);
//! `KITEMARK_FAULT_FAIL=STEP` makes that step fail as if the system had refused it. Neither
//! is set in normal use, where each point costs one comparison.

use std::sync::OnceLock;
use std::time::Duration;

/// The steps of recording a commit with a working tree, in order. Each point is just
/// before the step's operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Writing (and signing) the blobs, tree and commit.
    WriteObjects,
    /// Creating git's `index.lock`.
    LockIndex,
    /// Writing the journal that lets the next kitemark finish or undo the rest.
    WriteJournal,
    /// Writing the new files beside their places, under temporary names, and the new index.
    WriteFiles,
    /// Noting the new index in the journal and putting it in `index.lock`.
    StageIndex,
    /// Renaming the new files into place.
    PlaceFiles,
    /// Moving the branch to the new commit (compare and swap).
    MoveBranch,
    /// Renaming `index.lock` over the index.
    CommitIndex,
    /// Removing the journal.
    Finish,
}

impl Step {
    pub const ALL: [Step; 9] = [
        Step::WriteObjects,
        Step::LockIndex,
        Step::WriteJournal,
        Step::WriteFiles,
        Step::StageIndex,
        Step::PlaceFiles,
        Step::MoveBranch,
        Step::CommitIndex,
        Step::Finish,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Step::WriteObjects => "write-objects",
            Step::LockIndex => "lock-index",
            Step::WriteJournal => "write-journal",
            Step::WriteFiles => "write-files",
            Step::StageIndex => "stage-index",
            Step::PlaceFiles => "place-files",
            Step::MoveBranch => "move-branch",
            Step::CommitIndex => "commit-index",
            Step::Finish => "finish",
        }
    }
}

struct Plan {
    stop: Option<String>,
    fail: Option<String>,
}

fn plan() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| Plan {
        stop: std::env::var("KITEMARK_FAULT_STOP").ok(),
        fail: std::env::var("KITEMARK_FAULT_FAIL").ok(),
    })
}

/// The point just before `step`.
pub(crate) fn point(step: Step) -> std::io::Result<()> {
    stop_at(step.name())
}

/// The point just before the step named `name`: the write path's steps, and the cache's
/// `cache-write` (half way through an entry) and `cache-rename` (before it is put in place).
pub(crate) fn stop_at(name: &str) -> std::io::Result<()> {
    let plan = plan();
    if plan.stop.as_deref() == Some(name) {
        eprintln!("kitemark: fault injection: stopped before {name}");
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }
    if plan.fail.as_deref() == Some(name) {
        return Err(std::io::Error::other(format!(
            "fault injected before {name}"
        )));
    }
    Ok(())
}
