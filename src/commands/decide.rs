//! `kitemark decide`: records a panel decision as one commit, after the same checks as the
//! interface's decision form.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use super::{Recording, record_plan, with_attempts};
use crate::cli::DecideArgs;
use crate::model::decide::default_participants;
use crate::model::draft::{AreaDraft, DecisionDraft};
use crate::model::{MemberId, SchoolId};
use crate::record::{Context as Read, prepare_decision};
use crate::repo::PanelRepo;

fn pair<'a>(text: &'a str, separator: char, what: &str) -> anyhow::Result<(&'a str, &'a str)> {
    text.split_once(separator)
        .with_context(|| format!("{text:?} is not {what}"))
}

/// The options as the draft the decision form makes, all but the participants: without
/// `--member` they are the default of the meeting as read, which needs the repository.
fn draft_of(args: &DecideArgs) -> anyhow::Result<DecisionDraft> {
    let school: SchoolId = args.school.parse()?;
    let mut draft = DecisionDraft::new(school, args.year, args.kind.parse()?, args.meeting);
    draft.outcome = Some(args.outcome.parse()?);
    draft.recorder = Some(args.recorder.parse()?);
    for j in &args.judgements {
        let (area, level) = pair(j, '=', "AREA=LEVEL")?;
        draft.areas.push(AreaDraft {
            area: area.parse()?,
            judgement: Some(level.parse()?),
            feedback: String::new(),
        });
    }
    for f in &args.area_feedback {
        let (area, text) = pair(f, '=', "AREA=TEXT")?;
        let area: crate::model::AreaId = area.parse()?;
        match draft.areas.iter_mut().find(|a| a.area == area) {
            Some(a) => a.feedback = text.to_owned(),
            None => bail!("--area-feedback for {area} needs a --judgement for it too"),
        }
    }
    // One condition per line, as in the form; each is parsed (either syntax) when checked.
    draft.conditions = args.conditions.join("\n");
    draft.feedback = match (&args.feedback, &args.feedback_file) {
        (Some(text), _) => text.clone(),
        (None, Some(file)) => std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?,
        (None, None) => String::new(),
    };
    draft.supersedes = args.supersedes.clone();
    draft.override_reason = args.override_reason.clone().unwrap_or_default();
    draft.moderated_scores = args.moderated.join(", ");
    draft.moderation_reason = args.moderation_reason.clone().unwrap_or_default();
    draft.participants = args
        .members
        .iter()
        .map(|m| m.parse())
        .collect::<Result<Vec<MemberId>, _>>()?;
    Ok(draft)
}

pub fn run(repo_path: &Path, args: DecideArgs) -> anyhow::Result<ExitCode> {
    let given = draft_of(&args)?;
    let today = args.on.unwrap_or_else(|| jiff::Zoned::now().date());
    let repo = PanelRepo::open(repo_path)?;
    with_attempts(&repo, |lock| -> anyhow::Result<Recording> {
        let snapshot = repo.snapshot_at(None)?;
        let (catalog, _) = repo.load_catalog(&snapshot)?;
        let mut draft = given.clone();
        if draft.participants.is_empty() {
            draft.participants = default_participants(
                &catalog.panel,
                catalog.meetings.get(&draft.meeting),
                &draft.school,
            );
        }
        let ctx = Read {
            repo: &repo,
            snapshot: &snapshot,
            catalog: &catalog,
            interactive: true,
            today,
        };
        record_plan(&repo, lock, &prepare_decision(ctx, &draft), args.dry_run)
    })
}
