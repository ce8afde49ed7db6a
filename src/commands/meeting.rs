//! `kitemark meeting`: records a meeting's attendance, conflicts and agenda as one commit.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use super::{EXIT_FINDINGS, Recording, record_file, refused, with_attempts, write_lock};
use crate::cli::MeetingArgs;
use crate::model::decide::{affiliation_conflicts, check_meeting};
use crate::model::format::to_ron;
use crate::model::{AgendaItem, Conflict, ConflictKind, Meeting, MemberId, PanelPath, message};
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
    let lock = match write_lock(&repo) {
        Ok(lock) => lock,
        Err(not) => return Ok(not.report()),
    };
    with_attempts(&repo, &lock, || {
        let snapshot = repo.snapshot_at(None)?;
        let (catalog, _) = repo.load_catalog(&snapshot)?;
        // What is given replaces what is recorded; what is not given stays.
        let mut meeting = catalog
            .meetings
            .get(&args.date)
            .cloned()
            .unwrap_or(Meeting {
                date: args.date,
                chair: chair.clone(),
                location: String::new(),
                present: Vec::new(),
                apologies: Vec::new(),
                conflicts: Vec::new(),
                agenda: Vec::new(),
                notes: String::new(),
            });
        meeting.chair = chair.clone();
        if !present.is_empty() {
            meeting.present = present.clone();
        }
        if !apologies.is_empty() {
            meeting.apologies = apologies.clone();
        }
        if !conflicts.is_empty() {
            meeting.conflicts = conflicts.clone();
        }
        if !agenda.is_empty() {
            meeting.agenda = agenda.clone();
        }
        if let Some(location) = &args.location {
            meeting.location = location.clone();
        }
        if let Some(notes) = &args.notes {
            meeting.notes = notes.clone();
        }
        let automatic = affiliation_conflicts(&catalog.panel, &meeting);
        meeting.conflicts.extend(automatic);
        let refusals = check_meeting(&catalog, &meeting);
        if refused(&refusals, "meeting", &meeting) {
            return Ok(Recording::Done(EXIT_FINDINGS));
        }
        if !meeting.present.is_empty()
            && let Err(short) = catalog.panel.quorum_check(&meeting.present)
        {
            eprintln!("kitemark: warning: {short}; no decision can be recorded at this meeting");
        }
        let path = PanelPath::Meeting(args.date).to_string();
        let text = to_ron(&meeting)?;
        let message = message::meeting(
            meeting.date,
            &meeting.chair,
            &meeting.present,
            meeting.agenda.len(),
        );
        let author = || {
            catalog
                .panel
                .member(&chair)
                .map(|m| m.identity())
                .context("the chair is not a member")
        };
        let sign = crate::repo::sign::signer_for(&catalog.panel, &chair, true);
        record_file(
            &repo,
            &lock,
            &snapshot.commit_id(),
            path,
            text,
            message,
            author,
            sign,
            args.dry_run,
        )
    })
}
