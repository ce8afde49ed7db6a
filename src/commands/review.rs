//! `kitemark review`: records a member's review of an agenda item as one commit, after the
//! same checks as the interface's review form; with `--show`, lists a meeting's reviews.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use super::{Recording, print, record_plan, with_attempts};
use crate::cli::ReviewArgs;
use crate::model::catalog::Catalog;
use crate::model::enbloc::item_reviews;
use crate::model::review::ReviewDraft;
use crate::model::text::sanitize_inline;
use crate::model::{AreaId, KindId, MemberId, SchoolId};
use crate::record::{Context as Read, prepare_review};
use crate::repo::PanelRepo;

/// The item's kind: the one given, else the kind of the school's one item for the year on
/// the meeting's agenda. Naming no item, or one of several, is a usage error.
fn kind_of(
    catalog: &Catalog,
    given: Option<&KindId>,
    school: &SchoolId,
    year: crate::model::AcademicYear,
    meeting: jiff::civil::Date,
) -> anyhow::Result<KindId> {
    if let Some(kind) = given {
        return Ok(kind.clone());
    }
    let Some(m) = catalog.meetings.get(&meeting) else {
        bail!("no meeting is recorded on {meeting} (meetings/{meeting}.ron)");
    };
    let kinds: Vec<&KindId> = m
        .agenda
        .iter()
        .filter(|i| &i.school == school && i.year == year)
        .map(|i| &i.kind)
        .collect();
    match kinds.as_slice() {
        [one] => Ok((*one).clone()),
        [] => bail!("{school} {year} is not on the agenda of the meeting of {meeting}"),
        several => bail!(
            "{school} {year} is on the agenda of {meeting} {} times ({}): name one with --kind",
            several.len(),
            several
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The options as the draft the review form makes, all but the kind.
fn draft_of(args: &ReviewArgs, kind: KindId) -> anyhow::Result<ReviewDraft> {
    let (Some(school), Some(year), Some(meeting)) = (&args.school, args.year, args.meeting) else {
        bail!("name the school, the year and --meeting");
    };
    let mut draft = ReviewDraft::new(
        &crate::model::AgendaItem {
            school: school.parse()?,
            year,
            kind,
        },
        meeting,
    );
    draft.reviewer = args.reviewer.as_deref().map(str::parse).transpose()?;
    draft.recommendation = args.recommend.as_deref().map(str::parse).transpose()?;
    draft.summary = args.summary.clone().unwrap_or_default();
    for a in &args.areas {
        let (area, note) = a
            .split_once('=')
            .with_context(|| format!("{a:?} is not AREA=NOTE"))?;
        draft.areas.push((area.parse::<AreaId>()?, note.to_owned()));
    }
    draft.questions = args.questions.join("\n");
    Ok(draft)
}

pub fn run(repo_path: &Path, args: ReviewArgs) -> anyhow::Result<ExitCode> {
    let today = args.on.unwrap_or_else(|| jiff::Zoned::now().date());
    let (Some(school), Some(year), Some(meeting)) = (&args.school, args.year, args.meeting) else {
        bail!("name the school, the year and --meeting");
    };
    let school: SchoolId = school.parse()?;
    let kind: Option<KindId> = args.kind.as_deref().map(str::parse).transpose()?;
    let repo = PanelRepo::open(repo_path)?;
    with_attempts(&repo, |lock| -> anyhow::Result<Recording> {
        let snapshot = repo.snapshot_at(None)?;
        let (catalog, _) = repo.load_catalog(&snapshot)?;
        let kind = kind_of(&catalog, kind.as_ref(), &school, year, meeting)?;
        let review = match draft_of(&args, kind)?.to_review() {
            Ok(review) => review,
            Err(missing) => bail!("{}", missing.join("; ")),
        };
        let ctx = Read {
            repo: &repo,
            snapshot: &snapshot,
            catalog: &catalog,
            interactive: true,
            today,
        };
        record_plan(&repo, lock, &prepare_review(ctx, &review), args.dry_run)
    })
}

/// Lists each item of a meeting's agenda with its readers and the reviews written of it.
pub fn show(repo_path: &Path, args: ReviewArgs) -> anyhow::Result<ExitCode> {
    let Some(date) = args.show else {
        bail!("--show needs the meeting's date");
    };
    let repo = PanelRepo::open(repo_path)?;
    let snapshot = repo.snapshot_at(args.rev.as_deref())?;
    let (catalog, errors) = repo.load_catalog(&snapshot)?;
    let Some(meeting) = catalog.meetings.get(&date) else {
        bail!("no meeting is recorded on {date} (meetings/{date}.ron)");
    };
    let mut rows: Vec<Vec<String>> = vec![
        ["ITEM", "READERS", "IN", "REVIEWER", "RECOMMENDS"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    ];
    for item in &meeting.agenda {
        let reviews = item_reviews(&catalog, meeting, item);
        let readers = meeting.readers_of(item).map_or_else(
            || "-".to_owned(),
            |r| {
                r.members()
                    .map(MemberId::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        );
        let name = format!("{} {} {}", item.school, item.year, item.kind);
        let count = format!("{}/{}", reviews.reviews.len(), reviews.expected);
        if reviews.reviews.is_empty() {
            rows.push(vec![name, readers, count, "-".into(), "-".into()]);
            continue;
        }
        for (n, review) in reviews.reviews.iter().enumerate() {
            let first = n == 0;
            rows.push(vec![
                if first { name.clone() } else { String::new() },
                if first {
                    readers.clone()
                } else {
                    String::new()
                },
                if first { count.clone() } else { String::new() },
                review.reviewer.to_string(),
                review.recommendation.to_string(),
            ]);
        }
    }
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| r.iter().map(|c| sanitize_inline(c).into_owned()).collect())
        .collect();
    print(&format!(
        "Reviews for the meeting of {date} (commit {})\n\n{}",
        snapshot.commit_id().short(),
        super::columns(&rows)
    ))?;
    let unreadable: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    Ok(super::skipped(&unreadable))
}
