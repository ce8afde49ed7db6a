//! `kitemark en-bloc`: the items a meeting may confirm together, listed with their reviews,
//! and those not pulled out for discussion recorded, one commit per decision.

use std::path::Path;
use std::process::ExitCode;

use super::named_item;
use super::{EXIT_FINDINGS, EXIT_OK, columns, print, write_lock};
use crate::cli::EnBlocArgs;
use crate::model::enbloc::{item_reviews, proposed};
use crate::model::text::sanitize_inline;
use crate::model::{AgendaItem, MemberId};
use crate::record::enbloc::{plan_en_bloc, record_en_bloc};
use crate::record::{Context as Read, NotRecorded};
use crate::repo::PanelRepo;

pub fn run(repo_path: &Path, args: EnBlocArgs) -> anyhow::Result<ExitCode> {
    let recorder: MemberId = args.recorder.parse()?;
    let today = args.on.unwrap_or_else(|| jiff::Zoned::now().date());
    let repo = PanelRepo::open(repo_path)?;
    // The lock first and the data after: what is listed is what the commits build on.
    let lock = match write_lock(&repo) {
        Ok(lock) => lock,
        Err(not) => return Ok(not.report()),
    };
    let snapshot = repo.snapshot_at(None)?;
    let (catalog, _) = repo.load_catalog(&snapshot)?;
    let Some(meeting) = catalog.meetings.get(&args.date) else {
        eprintln!("kitemark: refused: there is no meeting on {}", args.date);
        eprintln!("kitemark: nothing was recorded");
        return Ok(EXIT_FINDINGS);
    };
    let pulled: Vec<AgendaItem> = args
        .pulls
        .iter()
        .map(|p| named_item(&meeting.agenda, p).cloned())
        .collect::<anyhow::Result<_>>()?;
    let ctx = Read {
        repo: &repo,
        snapshot: &snapshot,
        catalog: &catalog,
        interactive: true,
        today,
    };
    let plans = plan_en_bloc(ctx, args.date, &recorder);
    // What the reviews alone propose but a rule or a warning of the decision keeps back.
    let held: Vec<AgendaItem> = proposed(&catalog, meeting)
        .into_iter()
        .filter(|i| !plans.iter().any(|(p, _)| p == i))
        .collect();

    let mut out = format!("Proposed en bloc at the meeting on {}:\n\n", args.date);
    if plans.is_empty() {
        out.push_str("  No item: none has all its reviews in, agreeing on an accepting outcome.\n");
    } else {
        let mut rows = vec![vec![
            "  Item".to_owned(),
            "Outcome".to_owned(),
            "Reviews".to_owned(),
            String::new(),
        ]];
        for (item, _) in &plans {
            let reviews = item_reviews(&catalog, meeting, item);
            let by: Vec<String> = reviews
                .reviews
                .iter()
                .map(|r| format!("{} {}", r.reviewer, r.recommendation))
                .collect();
            rows.push(vec![
                format!("  {}", item.to_string()),
                reviews.agreed().map(|o| o.to_string()).unwrap_or_default(),
                by.join(", "),
                if pulled.contains(item) {
                    "pulled: to decide on its own".to_owned()
                } else {
                    String::new()
                },
            ]);
        }
        out.push_str(&columns(&rows));
    }
    for item in &held {
        out.push_str(&format!(
            "  {}: its reviews agree, but its decision drafted from them is refused or warned about; decide it on its own\n",
            sanitize_inline(&item.to_string())
        ));
    }
    for item in pulled
        .iter()
        .filter(|i| !plans.iter().any(|(p, _)| p == *i))
    {
        eprintln!(
            "kitemark: warning: {} was not proposed en bloc; pulling it changes nothing",
            sanitize_inline(&item.to_string())
        );
    }
    out.push('\n');
    print(&out)?;

    let items: Vec<AgendaItem> = plans
        .iter()
        .map(|(i, _)| i.clone())
        .filter(|i| !pulled.contains(i))
        .collect();
    if items.is_empty() {
        eprintln!("kitemark: nothing to record en bloc; nothing was recorded");
        return Ok(EXIT_FINDINGS);
    }
    if args.dry_run {
        let mut text = format!(
            "Dry run: nothing was recorded. {} decision{} would be recorded, one commit each:\n",
            items.len(),
            if items.len() == 1 { "" } else { "s" }
        );
        for (item, plan) in plans.iter().filter(|(i, _)| items.contains(i)) {
            text.push_str(&format!(
                "  {} ({})\n",
                sanitize_inline(plan.path()),
                sanitize_inline(&item.to_string())
            ));
        }
        print(&text)?;
        return Ok(EXIT_OK);
    }
    let results = record_en_bloc(&repo, &lock, args.date, &items, &recorder, today, true)?;
    let mut recorded = 0;
    let mut refused = 0;
    for done in &results {
        let name = sanitize_inline(&done.item.to_string()).into_owned();
        match &done.result {
            Ok(r) => {
                recorded += 1;
                let path = plans
                    .iter()
                    .find(|(i, _)| *i == done.item)
                    .map_or(name.clone(), |(_, p)| {
                        sanitize_inline(p.path()).into_owned()
                    });
                let _ = print(&format!(
                    "Recorded {path} en bloc in commit {}\n",
                    r.commit.short()
                ));
                for note in &r.notes {
                    eprintln!("kitemark: warning: {}", sanitize_inline(note));
                }
            }
            Err(NotRecorded::Refused(problems)) => {
                refused += 1;
                for p in problems {
                    eprintln!("kitemark: refused: {name}: {}", sanitize_inline(p));
                }
                eprintln!("kitemark: {name} was not recorded; it stays on the agenda to decide");
            }
            Err(NotRecorded::Write(e)) => {
                refused += 1;
                eprintln!(
                    "kitemark: {name} was not recorded: {}",
                    sanitize_inline(&e.to_string())
                );
            }
        }
    }
    if refused > 0 || recorded == 0 {
        eprintln!(
            "kitemark: {recorded} of {} recorded en bloc; {refused} not recorded",
            results.len()
        );
        return Ok(EXIT_FINDINGS);
    }
    Ok(EXIT_OK)
}
