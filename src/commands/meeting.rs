//! `kitemark meeting`: records a meeting's attendance, conflicts and agenda as one commit.

use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;

use super::{Recording, record_plan, with_attempts};
use crate::cli::MeetingArgs;
use crate::model::draft::MeetingDraft;
use crate::model::{AgendaItem, Conflict, ConflictKind, MemberId};
use crate::record::{Context as Read, prepare_meeting};
use crate::repo::PanelRepo;

/// `ID:SCHOOL:TYPE:REASON`.
fn conflict(text: &str) -> anyhow::Result<Conflict> {
    let mut parts = text.splitn(4, ':');
    let (Some(member), Some(school), Some(kind), Some(reason)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        bail!("{text:?} is not ID:SCHOOL:TYPE:REASON");
    };
    let kind = match kind.trim().to_lowercase().as_str() {
        "institutional" => ConflictKind::Institutional,
        "professional" | "professional-involvement" => ConflictKind::ProfessionalInvolvement,
        "personal" => ConflictKind::Personal,
        "other" => ConflictKind::Other,
        other => {
            bail!("conflict type {other:?} is not institutional, professional, personal or other")
        }
    };
    Ok(Conflict {
        member: member.trim().parse()?,
        school: school.trim().parse()?,
        kind,
        reason: reason.trim().to_owned(),
    })
}

/// `SCHOOL/YEAR/KIND`.
fn agenda_item(text: &str) -> anyhow::Result<AgendaItem> {
    let parts: Vec<&str> = text.split('/').collect();
    let [school, year, kind] = parts.as_slice() else {
        bail!("{text:?} is not SCHOOL/YEAR/KIND");
    };
    Ok(AgendaItem {
        school: school.parse()?,
        year: year.parse()?,
        kind: kind.parse()?,
    })
}

fn members(ids: &[String]) -> anyhow::Result<Vec<MemberId>> {
    ids.iter()
        .map(|m| m.parse().map_err(anyhow::Error::from))
        .collect()
}

pub fn run(repo_path: &Path, args: MeetingArgs) -> anyhow::Result<ExitCode> {
    let chair: MemberId = args.chair.parse()?;
    let conflicts: Vec<Conflict> = args
        .conflicts
        .iter()
        .map(|c| conflict(c))
        .collect::<Result<_, _>>()?;
    let agenda: Vec<AgendaItem> = args
        .agenda
        .iter()
        .map(|a| agenda_item(a))
        .collect::<Result<_, _>>()?;
    let present = members(&args.present)?;
    let apologies = members(&args.apologies)?;
    let repo = PanelRepo::open(repo_path)?;
    with_attempts(&repo, |lock| -> anyhow::Result<Recording> {
        let snapshot = repo.snapshot_at(None)?;
        let (catalog, _) = repo.load_catalog(&snapshot)?;
        // The same draft the meeting setup makes: what is given replaces what is recorded;
        // what is not given stays.
        let mut draft = catalog
            .meetings
            .get(&args.date)
            .map_or_else(|| MeetingDraft::new(args.date), MeetingDraft::from_meeting);
        draft.chair = Some(chair.clone());
        if !present.is_empty() {
            draft.present = present.clone();
        }
        if !apologies.is_empty() {
            draft.apologies = apologies.clone();
        }
        if !conflicts.is_empty() {
            draft.conflicts = conflicts.clone();
        }
        if !agenda.is_empty() {
            draft.agenda = agenda.clone();
        }
        if let Some(location) = &args.location {
            draft.location = location.clone();
        }
        if let Some(notes) = &args.notes {
            draft.notes = notes.clone();
        }
        let ctx = Read {
            repo: &repo,
            snapshot: &snapshot,
            catalog: &catalog,
            interactive: true,
            // A meeting's record may be made ahead of it (the agenda is published before).
            today: jiff::Zoned::now().date(),
        };
        record_plan(&repo, lock, &prepare_meeting(ctx, &draft), args.dry_run)
    })
}
