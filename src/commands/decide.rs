//! `kitemark decide`: records a panel decision as one commit, after the same checks as the
//! interface's decision form.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use super::{EXIT_FINDINGS, Recording, record_file, refused, with_attempts, write_lock};
use crate::cli::DecideArgs;
use crate::model::decide::{check, conflicts, path_of};
use crate::model::format::to_ron;
use crate::model::{AreaJudgement, Condition, Decision, MemberId, SchoolId, message};
use crate::repo::PanelRepo;

fn pair<'a>(text: &'a str, separator: char, what: &str) -> anyhow::Result<(&'a str, &'a str)> {
    text.split_once(separator)
        .with_context(|| format!("{text:?} is not {what}"))
}

pub fn run(repo_path: &Path, args: DecideArgs) -> anyhow::Result<ExitCode> {
    let school: SchoolId = args.school.parse()?;
    let recorder: MemberId = args.recorder.parse()?;
    let mut areas: Vec<AreaJudgement> = Vec::new();
    for j in &args.judgements {
        let (area, level) = pair(j, '=', "AREA=LEVEL")?;
        areas.push(AreaJudgement {
            area: area.parse()?,
            judgement: level.parse()?,
            feedback: String::new(),
        });
    }
    for f in &args.area_feedback {
        let (area, text) = pair(f, '=', "AREA=TEXT")?;
        let area: crate::model::AreaId = area.parse()?;
        match areas.iter_mut().find(|a| a.area == area) {
            Some(a) => a.feedback = text.to_owned(),
            None => bail!("--area-feedback for {area} needs a --judgement for it too"),
        }
    }
    let mut conditions = Vec::new();
    for c in &args.conditions {
        let (text, due) = c
            .rsplit_once('@')
            .with_context(|| format!("{c:?} is not TEXT@DATE"))?;
        conditions.push(Condition {
            text: text.trim().to_owned(),
            due: due
                .trim()
                .parse()
                .with_context(|| format!("{due:?} in --condition is not a date (YYYY-MM-DD)"))?,
        });
    }
    let feedback = match (&args.feedback, &args.feedback_file) {
        (Some(text), _) => text.clone(),
        (None, Some(file)) => std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?,
        (None, None) => String::new(),
    };

    let kind: crate::model::KindId = args.kind.parse()?;
    let outcome: crate::model::OutcomeId = args.outcome.parse()?;
    let members: Vec<MemberId> = args
        .members
        .iter()
        .map(|m| m.parse())
        .collect::<Result<_, _>>()?;
    let repo = PanelRepo::open(repo_path)?;
    // The lock first, then the data: what is checked is what the commit builds on.
    let lock = match write_lock(&repo) {
        Ok(lock) => lock,
        Err(not) => return Ok(not.report()),
    };
    with_attempts(&repo, &lock, || {
        let snapshot = repo.snapshot_at(None)?;
        let (catalog, _) = repo.load_catalog(&snapshot)?;
        let meeting = catalog.meetings.get(&args.meeting);
        let participants: Vec<MemberId> = if members.is_empty() {
            // Everyone present who is not conflicted takes part unless told otherwise.
            let excluded = conflicts(&catalog.panel, meeting, &school);
            meeting
                .map(|m| {
                    m.present
                        .iter()
                        .filter(|id| !excluded.iter().any(|c| &c.member == *id))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default()
        } else {
            members.clone()
        };
        let mut decision = Decision {
            school: school.clone(),
            year: args.year,
            kind: kind.clone(),
            meeting: args.meeting,
            outcome: outcome.clone(),
            areas: areas.clone(),
            feedback: feedback.clone(),
            conditions: conditions.clone(),
            participants,
            recorder: recorder.clone(),
            made_on: snapshot.submission_ref(&school, args.year),
            supersedes: args.supersedes.clone(),
            override_reason: args
                .override_reason
                .clone()
                .filter(|r| !r.trim().is_empty()),
        };
        let review = repo
            .self_review(&snapshot, &school, args.year)
            .unwrap_or(None);
        let refusals = check(&catalog, &decision, review.as_ref());
        if refused(&refusals, "decision", &decision) {
            return Ok(Recording::Done(EXIT_FINDINGS));
        }
        decision.participants.sort();
        decision.participants.dedup();
        let path = path_of(&decision);
        let text = to_ron(&decision)?;
        let present = meeting.map(|m| m.present.clone()).unwrap_or_default();
        let commit = snapshot.commit_id();
        let message = message::decision(&decision, &present, &commit);
        let author = || {
            catalog
                .panel
                .member(&recorder)
                .map(|m| m.identity())
                .context("the recorder is not a member")
        };
        let sign = crate::repo::sign::signer_for(&catalog.panel, &recorder, true);
        record_file(
            &repo,
            &lock,
            &commit,
            path,
            text,
            message,
            author,
            sign,
            args.dry_run,
        )
    })
}
