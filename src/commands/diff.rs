//! `kitemark diff SCHOOL`: one school's submissions compared year on year, as the interface
//! shows them.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use serde::Serialize;

use super::{EXIT_OK, print};
use crate::cli::{ColorChoice, DiffLayout, Format};
use crate::compare::{CompareError, Later, compare_with_decided, compare_years, years_to_compare};
use crate::diff::Comparison;
use crate::diff::rows::{LayoutOptions, RowOptions, lay_out, render_text, rows};
use crate::model::text::sanitize_inline;
use crate::model::{AcademicYear, SchoolId};
use crate::repo::PanelRepo;

/// Options of the command.
pub struct DiffArgs {
    pub school: String,
    pub from: Option<AcademicYear>,
    pub to: Option<AcademicYear>,
    pub against_decision: bool,
    pub layout: DiffLayout,
    pub width: Option<usize>,
    pub color: ColorChoice,
    pub format: Format,
    pub only_changes: bool,
    pub rev: Option<String>,
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    commit: String,
    summary_text: String,
    #[serde(flatten)]
    comparison: &'a Comparison,
}

pub fn run(repo_path: &Path, args: DiffArgs) -> anyhow::Result<ExitCode> {
    let repo = PanelRepo::open(repo_path)?;
    let snapshot = repo.snapshot_at(args.rev.as_deref())?;
    let school: SchoolId = args
        .school
        .parse()
        .with_context(|| format!("{:?} is not a school id", args.school))?;
    if let (Some(from), Some(to)) = (args.from, args.to)
        && from == to
    {
        bail!("--from and --to are both {to}; choose two different years")
    }
    if let (Some(from), Some(to)) = (args.from, args.to)
        && from > to
    {
        bail!("--from {from} comes after --to {to}; compare from the earlier year to the later one")
    }
    let (catalog, _) = repo.load_catalog(&snapshot)?;
    let (comparison, from) = if args.against_decision {
        let comparison = compare_with_decided(&repo, &snapshot, &catalog, &school, args.to)?;
        let to = comparison.later.year;
        let from = match &comparison.earlier.version {
            Some(version) => format!("{to} {version}"),
            None => to.to_string(),
        };
        (comparison, from)
    } else {
        let (from, to) = match years_to_compare(&snapshot, &school, args.from, args.to) {
            Ok(years) => years,
            Err(CompareError::OnlyOneYear { school, year })
                if snapshot.decisions_for(&school).any(|(d, _)| d.year == year) =>
            {
                bail!(
                    "{school} has only one year ({year}); to compare it with the version the \
                     panel decided on, add --against-decision"
                )
            }
            Err(e) => return Err(e.into()),
        };
        let comparison = compare_years(&repo, &snapshot, &catalog, &school, from, Later::Year(to))?;
        (comparison, from.to_string())
    };
    let to = comparison.later.year;
    let commit = snapshot.commit_id();
    if args.format == Format::Json {
        let json = JsonOutput {
            commit: commit.to_string(),
            summary_text: comparison.summary(),
            comparison: &comparison,
        };
        super::print_json(&json)?;
        return Ok(EXIT_OK);
    }
    let terminal = std::io::stdout().is_terminal();
    let colour = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && crate::tui::colour_allowed(),
    };
    let width = args
        .width
        .or_else(|| {
            terminal
                .then(|| {
                    ratatui::crossterm::terminal::size()
                        .ok()
                        .map(|(w, _)| usize::from(w))
                })
                .flatten()
        })
        .unwrap_or(120)
        .max(40);
    let layout = LayoutOptions {
        width,
        unified: args.layout == DiffLayout::Unified,
        wrap: true,
        markers: !colour,
    };
    let name = catalog.schools.get(&school).map_or_else(
        || school.to_string(),
        |s| sanitize_inline(&s.name).into_owned(),
    );
    // Every line within the width asked for, the title and summary too.
    let mut out = wrap_words(
        &format!(
            "{name} ({school}): {from} → {to}, read from commit {}",
            commit.short()
        ),
        width,
    );
    if let Some(change) = &comparison.framework {
        let line = change.line(comparison.earlier.year, comparison.later.year);
        out.push_str(&wrap_words(&sanitize_inline(&line), width));
    }
    out.push_str(&wrap_words(&comparison.summary(), width));
    let heading = |info: &crate::diff::YearInfo| {
        let mut out = info.year.to_string();
        if let Some(version) = &info.version {
            out.push_str(&format!(" {version}"));
        }
        if let Some(date) = info.submitted {
            out.push_str(&format!(" · submitted {date}"));
        }
        if let Some(commit) = &info.commit {
            out.push_str(&format!(" · commit {}", commit.short()));
        }
        out
    };
    if layout.unified {
        out.push_str(&format!(
            "--- {}\n+++ {}\n",
            heading(&comparison.earlier),
            heading(&comparison.later)
        ));
    } else {
        let column = crate::diff::rows::column_width(width) + crate::diff::rows::GUTTER;
        let left = crate::wrap::ellipsis(&heading(&comparison.earlier), column);
        let pad = column.saturating_sub(unicode_width::UnicodeWidthStr::width(left.as_str()));
        out.push_str(&format!(
            "{left}{}│{}\n",
            " ".repeat(pad),
            crate::wrap::ellipsis(
                &heading(&comparison.later),
                width.saturating_sub(column + 1)
            )
        ));
        out.push_str(&format!(
            "{}┼{}\n",
            "─".repeat(column),
            "─".repeat(width.saturating_sub(column + 1))
        ));
    }
    let rows = rows(
        &comparison,
        RowOptions {
            only_changes: args.only_changes,
        },
    );
    out.push_str(&render_text(&lay_out(&rows, layout), &layout, colour));
    print(&out)?;
    Ok(EXIT_OK)
}

/// Text broken between words into lines no wider than `width` (a word wider than that is
/// cut into pieces), each ending in a line break: the interface's wrapping, unstyled.
fn wrap_words(text: &str, width: usize) -> String {
    crate::wrap::wrap_line([(text, ())], width)
        .into_iter()
        .map(|line| {
            let mut text: String = line.runs.into_iter().map(|(t, ())| t).collect();
            text.push('\n');
            text
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::wrap_words;

    #[test]
    fn words_wrap_within_the_width() {
        assert_eq!(wrap_words("a bb ccc dddd", 6), "a bb\nccc\ndddd\n");
        assert_eq!(wrap_words("abcdefgh", 3), "abc\ndef\ngh\n");
        assert_eq!(wrap_words("", 10), "\n");
    }
}
