//! `kitemark assign`: the lead reviewer and second reader of each agenda item, and the
//! discussion order, suggested and recorded in the meeting's file as one commit by the chair.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;
use serde::Serialize;

use super::{EXIT_FINDINGS, EXIT_OK, Recording, columns, print, print_json, with_attempts};
use crate::cli::{AssignArgs, AssignOrder, Format};
use crate::model::draft::MeetingDraft;
use crate::model::text::sanitize_inline;
use crate::model::{AgendaItem, ItemReaders, Meeting, MemberId, assign, order};
use crate::record::{Context as Read, prepare_meeting};
use crate::repo::PanelRepo;

/// `SCHOOL=MEMBER`, the item found on the agenda.
fn change(agenda: &[AgendaItem], text: &str) -> anyhow::Result<(AgendaItem, MemberId)> {
    let Some((school, member)) = text.split_once('=') else {
        bail!("{:?} is not SCHOOL=MEMBER", sanitize_inline(text));
    };
    Ok((
        super::named_item(agenda, school.trim())?.clone(),
        member.trim().parse()?,
    ))
}

/// Where an item's readers come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Source {
    Suggested,
    /// Recorded before and kept.
    Recorded,
    /// Given with --lead or --second.
    Given,
}

#[derive(Debug, Clone, Serialize)]
struct ItemOut {
    school: String,
    year: String,
    kind: String,
    lead: Option<MemberId>,
    second: Option<MemberId>,
    source: Source,
}

#[derive(Debug, Serialize)]
struct OrderOut {
    /// The order recorded: "agenda" or "proposed".
    taken: &'static str,
    agenda_exits: usize,
    proposed_exits: usize,
    proposed: Vec<String>,
}

#[derive(Debug, Serialize)]
struct JsonOutput {
    meeting: jiff::civil::Date,
    chair: MemberId,
    items: Vec<ItemOut>,
    load: BTreeMap<MemberId, usize>,
    order: OrderOut,
    dry_run: bool,
    /// The commit recorded, if one was made.
    recorded: Option<String>,
    refused: Vec<String>,
}

/// The readers of each item: those recorded kept, the rest suggested, then the changes given.
fn readers(
    catalog: &crate::model::catalog::Catalog,
    meeting: &Meeting,
    leads: &[(AgendaItem, MemberId)],
    seconds: &[(AgendaItem, MemberId)],
) -> Vec<ItemOut> {
    let start = assign::starting_readers(&catalog.panel, meeting, &catalog.knows(meeting));
    meeting
        .agenda
        .iter()
        .zip(start)
        .map(|(item, (r, recorded))| {
            let (mut lead, mut second) = (r.lead, r.second);
            let mut source = if recorded {
                Source::Recorded
            } else {
                Source::Suggested
            };
            if let Some((_, m)) = leads.iter().rfind(|(i, _)| i == item) {
                // A member made lead who was to second gives the second place to the lead
                // they replace.
                if second.as_ref() == Some(m) {
                    second = lead.take();
                }
                lead = Some(m.clone());
                source = Source::Given;
            }
            if let Some((_, m)) = seconds.iter().rfind(|(i, _)| i == item) {
                second = Some(m.clone());
                source = Source::Given;
            }
            ItemOut {
                school: item.school.to_string(),
                year: item.year.to_string(),
                kind: item.kind.to_string(),
                lead,
                second,
                source,
            }
        })
        .collect()
}

pub fn run(repo_path: &Path, args: AssignArgs) -> anyhow::Result<ExitCode> {
    let repo = PanelRepo::open(repo_path)?;
    let mut shown = false;
    with_attempts(&repo, |lock| -> anyhow::Result<Recording> {
        let snapshot = repo.snapshot_at(None)?;
        let (catalog, _) = repo.load_catalog(&snapshot)?;
        let Some(meeting) = catalog.meetings.get(&args.date) else {
            eprintln!(
                "kitemark: refused: there is no meeting on {}; record it first with `kitemark meeting {}`",
                args.date, args.date
            );
            eprintln!("kitemark: nothing was recorded");
            return Ok(Recording::Done(EXIT_FINDINGS));
        };
        let leads = args
            .leads
            .iter()
            .map(|t| change(&meeting.agenda, t))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let seconds = args
            .seconds
            .iter()
            .map(|t| change(&meeting.agenda, t))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let items = readers(&catalog, meeting, &leads, &seconds);
        let mut load: BTreeMap<MemberId, usize> = catalog
            .panel
            .members
            .iter()
            .filter(|m| !meeting.apologies.contains(&m.id))
            .map(|m| (m.id.clone(), 0))
            .collect();
        for item in &items {
            for m in item.lead.iter().chain(&item.second) {
                *load.entry(m.clone()).or_default() += 1;
            }
        }
        let proposed = order::propose_order(&catalog.panel, meeting, &meeting.agenda);
        let agenda_exits = order::exits(&catalog.panel, meeting, &meeting.agenda);
        let proposed_exits = order::exits(&catalog.panel, meeting, &proposed);

        let mut draft = MeetingDraft::from_meeting(meeting);
        draft.readers = meeting
            .agenda
            .iter()
            .zip(&items)
            .filter_map(|(item, r)| {
                Some(ItemReaders {
                    school: item.school.clone(),
                    year: item.year,
                    kind: item.kind.clone(),
                    lead: r.lead.clone()?,
                    second: r.second.clone(),
                })
            })
            .collect();
        if args.order == AssignOrder::Proposed {
            draft.agenda = proposed.clone();
        }
        let ctx = Read {
            repo: &repo,
            snapshot: &snapshot,
            catalog: &catalog,
            interactive: true,
            // The readers are assigned ahead of the meeting.
            today: jiff::Zoned::now().date(),
        };
        let plan = prepare_meeting(ctx, &draft);
        let refused = plan.problems();
        let order_out = OrderOut {
            taken: match args.order {
                AssignOrder::Agenda => "agenda",
                AssignOrder::Proposed => "proposed",
            },
            agenda_exits,
            proposed_exits,
            proposed: proposed.iter().map(AgendaItem::to_string).collect(),
        };

        if args.format == Format::Text && !shown {
            shown = true;
            print(&report(meeting, &items, &load, &order_out, &catalog.panel))?;
        }
        // What the recording changes beyond what was asked (a reader taken off) is said
        // whatever happens next.
        for warning in &plan.warnings {
            eprintln!("kitemark: warning: {}", sanitize_inline(warning));
        }
        let outcome = if !plan.may_record() {
            for problem in &refused {
                eprintln!("kitemark: refused: {}", sanitize_inline(problem));
            }
            eprintln!("kitemark: nothing was recorded");
            Err(EXIT_FINDINGS)
        } else if plan.unchanged {
            if args.format == Format::Text {
                print(&format!(
                    "Nothing to record: {} says this already; no commit was made.\n",
                    sanitize_inline(plan.path())
                ))?;
            }
            Ok(None)
        } else if args.dry_run {
            if args.format == Format::Text {
                print(&format!(
                    "\nDry run: nothing was recorded. The commit would be:\n{}\n{}",
                    plan.path(),
                    plan.message
                ))?;
            }
            Ok(None)
        } else {
            match crate::record::commit(&repo, lock, &plan) {
                Ok(recorded) => {
                    if args.format == Format::Text {
                        let _ = print(&format!(
                            "Recorded {} in commit {}\n",
                            sanitize_inline(plan.path()),
                            recorded.commit.short()
                        ));
                    }
                    for note in &recorded.notes {
                        eprintln!("kitemark: warning: {}", sanitize_inline(note));
                    }
                    Ok(Some(recorded.commit.to_string()))
                }
                Err(crate::record::NotRecorded::Write(
                    e @ crate::repo::write::WriteError::BranchMoved { .. },
                )) => return Ok(Recording::Moved(super::NotRecorded(e))),
                Err(crate::record::NotRecorded::Write(e)) => {
                    return Ok(Recording::Done(super::NotRecorded(e).report()));
                }
                Err(crate::record::NotRecorded::Refused(problems)) => {
                    for problem in &problems {
                        eprintln!("kitemark: refused: {}", sanitize_inline(problem));
                    }
                    eprintln!("kitemark: nothing was recorded");
                    Err(EXIT_FINDINGS)
                }
            }
        };
        if args.format == Format::Json {
            print_json(&JsonOutput {
                meeting: meeting.date,
                chair: meeting.chair.clone(),
                items,
                load,
                order: order_out,
                dry_run: args.dry_run,
                recorded: outcome.as_ref().ok().cloned().flatten(),
                refused,
            })?;
        }
        Ok(Recording::Done(match outcome {
            Ok(_) => EXIT_OK,
            Err(code) => code,
        }))
    })
}

/// The readers, each member's load and the order, as the text report shows them.
fn report(
    meeting: &Meeting,
    items: &[ItemOut],
    load: &BTreeMap<MemberId, usize>,
    order: &OrderOut,
    panel: &crate::model::Panel,
) -> String {
    let mut out = format!(
        "Readers for the meeting on {} ({} item{}):\n\n",
        meeting.date,
        items.len(),
        if items.len() == 1 { "" } else { "s" }
    );
    let name = |m: &Option<MemberId>| {
        m.as_ref()
            .map_or_else(|| "nobody free to read it".to_owned(), |m| m.to_string())
    };
    let mut rows = vec![vec![
        "Item".to_owned(),
        "Lead".to_owned(),
        "Second".to_owned(),
        String::new(),
    ]];
    for i in items {
        rows.push(vec![
            format!("{}/{}/{}", i.school, i.year, i.kind),
            name(&i.lead),
            name(&i.second),
            match i.source {
                Source::Suggested => "suggested",
                Source::Recorded => "kept as recorded",
                Source::Given => "as given",
            }
            .to_owned(),
        ]);
    }
    out.push_str(&columns(&rows));
    let kept = items
        .iter()
        .filter(|i| i.source == Source::Recorded)
        .count();
    if kept > 0 {
        out.push_str(&format!(
            "\nThe readers already recorded for {kept} item{} are kept; change them with --lead or --second.\n",
            if kept == 1 { "" } else { "s" }
        ));
    }
    out.push_str("\nReading load:\n");
    let rows: Vec<Vec<String>> = load
        .iter()
        .map(|(m, n)| {
            vec![
                format!("  {m}"),
                panel.member(m).map(|x| x.name.clone()).unwrap_or_default(),
                format!("{n} item{}", if *n == 1 { "" } else { "s" }),
            ]
        })
        .collect();
    out.push_str(&columns(&rows));
    out.push_str(&format!(
        "\nDiscussion order ({}):\n",
        match order.taken {
            "proposed" => "proposed, to be recorded",
            _ => "the agenda's, kept",
        }
    ));
    if order.proposed_exits < order.agenda_exits {
        out.push_str(&format!(
            "  The proposed order keeps members out of the room {} time{} instead of {}{}:\n",
            order.proposed_exits,
            if order.proposed_exits == 1 { "" } else { "s" },
            order.agenda_exits,
            if order.taken == "agenda" {
                " (record it with --order proposed)"
            } else {
                ""
            }
        ));
        for (n, item) in order.proposed.iter().enumerate() {
            out.push_str(&format!("  {}. {}\n", n + 1, sanitize_inline(item)));
        }
    } else {
        out.push_str(&format!(
            "  The agenda's order sends members out of the room {} time{}; no order found saves any.\n",
            order.agenda_exits,
            if order.agenda_exits == 1 { "" } else { "s" }
        ));
    }
    let unread: Vec<String> = items
        .iter()
        .filter(|i| i.lead.is_none())
        .map(|i| format!("{}/{}/{}", i.school, i.year, i.kind))
        .collect();
    if !unread.is_empty() {
        out.push_str(&format!(
            "\nNobody may read {}: every member is away or conflicted; it is left without readers.\n",
            sanitize_inline(&unread.join(", "))
        ));
    }
    out.push('\n');
    out
}
