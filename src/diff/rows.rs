//! The comparison as rows for display: each row has an earlier and a later side, with the
//! line number of each side in its file, so the two columns can be laid out level with each
//! other (delta's approach) whatever wraps. Rows are built once per set of options and laid
//! out once per width; the interface and `kitemark diff` both draw from them.

use super::plan::{ActionPair, Change, Interim};
use super::review::{AreaReviewDiff, ItemPair};
use super::text::{Budget, Piece, TextChange, diff_text};
use super::{AreaInfo, Comparison};
use crate::model::format::locate_value;
use crate::model::{Action, LevelId};
use crate::wrap::{Wrapped, truncate_line, wrap_line};

/// How a stretch of text should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tone {
    Plain,
    Muted,
    Heading,
    /// Text only in the earlier year.
    Removed,
    /// Text only in the later year.
    Added,
    /// Words changed inside a text that is otherwise the same.
    RemovedWord,
    AddedWord,
    /// A label for a kind of change: "in progress → done", "moved from …".
    Chip,
    Note,
}

/// One side of a row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Side {
    /// The line in that year's file the row comes from.
    pub line: Option<usize>,
    pub segs: Vec<(String, Tone)>,
}

/// The most text one side of a row shows; the rest is summarised in a note, so that a huge
/// text never has to be wrapped and drawn.
pub const SHOWN_TEXT: usize = 64 * 1024;

impl Side {
    fn new(segs: Vec<(String, Tone)>, line: Option<usize>) -> Side {
        Side {
            line,
            segs: cap(segs),
        }
    }

    fn text(text: impl Into<String>, tone: Tone, line: Option<usize>) -> Side {
        Side::new(vec![(text.into(), tone)], line)
    }

    pub fn is_empty(&self) -> bool {
        self.segs.iter().all(|(t, _)| t.is_empty())
    }
}

/// What a row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// An area's heading, across both columns.
    Area,
    /// A part of an area: "Reflection", "Actions".
    Section,
    /// An action's first line: id, status and what changed.
    Action,
    Field,
    Blank,
    /// A note about the comparison, across both columns.
    Note,
}

/// One row: the earlier year on the left, the later on the right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub kind: RowKind,
    pub left: Side,
    pub right: Side,
    pub changed: bool,
    /// The first row of a change, where "next change" stops.
    pub anchor: bool,
}

impl Row {
    fn new(kind: RowKind, left: Side, right: Side, changed: bool) -> Row {
        Row {
            kind,
            left,
            right,
            changed,
            anchor: false,
        }
    }

    fn full(kind: RowKind, segs: Vec<(String, Tone)>) -> Row {
        Row::new(kind, Side::new(segs, None), Side::default(), false)
    }
}

/// Which rows to build.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct RowOptions {
    /// Only what changed: unchanged actions and parts of the self-review are left out.
    pub only_changes: bool,
}

/// Cuts a side's text at [`SHOWN_TEXT`] bytes (at a character boundary), saying how much more
/// there is.
fn cap(segs: Vec<(String, Tone)>) -> Vec<(String, Tone)> {
    let total: usize = segs.iter().map(|(t, _)| t.len()).sum();
    if total <= SHOWN_TEXT {
        return segs;
    }
    let mut out = Vec::new();
    let mut room = SHOWN_TEXT;
    for (text, tone) in segs {
        if room == 0 {
            break;
        }
        if text.len() <= room {
            room -= text.len();
            out.push((text, tone));
        } else {
            let mut end = room;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            out.push((text[..end].to_owned(), tone));
            room = 0;
        }
    }
    out.push((
        format!(
            " … ({:.1} MB more not shown)",
            (total - SHOWN_TEXT) as f64 / 1_000_000.0
        ),
        Tone::Note,
    ));
    out
}

fn pieces(pieces: &[Piece], changed: Tone) -> Vec<(String, Tone)> {
    pieces
        .iter()
        .map(|p| {
            (
                p.text.clone(),
                if p.changed { changed } else { Tone::Plain },
            )
        })
        .collect()
}

/// The line of `field: "value"` in a file.
fn line_of(text: Option<&str>, field: &str, value: &str) -> Option<usize> {
    locate_value(text?, field, value, 0).map(|p| p.line)
}

/// The line of `field:` in the entry that starts at `from` (stopping at the next entry).
fn field_line(
    text: Option<&str>,
    from: Option<usize>,
    field: &str,
    entry_start: &str,
) -> Option<usize> {
    let (text, from) = (text?, from?);
    let wanted = format!("{field}:");
    for (i, line) in text.lines().enumerate().skip(from.saturating_sub(1)) {
        let trimmed = line.trim_start();
        if i + 1 > from && trimmed.starts_with(entry_start) {
            return None;
        }
        if trimmed.starts_with(&wanted) {
            return Some(i + 1);
        }
    }
    None
}

struct Builder<'a> {
    c: &'a Comparison,
    options: RowOptions,
    rows: Vec<Row>,
}

impl Builder<'_> {
    fn push(&mut self, mut row: Row, anchor: bool) {
        row.anchor = anchor;
        self.rows.push(row);
    }

    fn level_label(&self, level: &Option<LevelId>) -> String {
        match level {
            None => "–".to_owned(),
            Some(id) => self
                .c
                .levels
                .get(id)
                .cloned()
                .unwrap_or_else(|| id.to_string()),
        }
    }

    fn area(&mut self, info: &AreaInfo) {
        let review = self.c.review.areas.iter().find(|a| a.area == info.id);
        let actions: Vec<&ActionPair> = self
            .c
            .plan
            .iter()
            .flat_map(|p| &p.areas)
            .filter(|a| a.area == info.id)
            .flat_map(|a| &a.pairs)
            .collect();
        let changes = self.c.changes_in(&info.id);
        if self.options.only_changes && changes == 0 {
            return;
        }
        let count = match changes {
            0 => "no changes".to_owned(),
            1 => "1 change".to_owned(),
            n => format!("{n} changes"),
        };
        let mut heading = Row::full(
            RowKind::Area,
            vec![
                (format!("{} {}", info.code, info.title), Tone::Heading),
                (format!("  {count}"), Tone::Muted),
            ],
        );
        heading.changed = changes > 0;
        self.push(heading, false);
        if let Some(review) = review {
            self.review(review);
        }
        if !actions.is_empty() {
            let shown: Vec<&ActionPair> = actions
                .into_iter()
                .filter(|p| !self.options.only_changes || p.is_changed())
                .collect();
            if !shown.is_empty() {
                self.push(
                    Row::new(
                        RowKind::Section,
                        Side::text("Actions", Tone::Heading, None),
                        Side::text("Actions", Tone::Heading, None),
                        false,
                    ),
                    false,
                );
                for pair in shown {
                    self.action(pair);
                }
            }
        }
        let between = self
            .c
            .plan
            .iter()
            .flat_map(|p| &p.areas)
            .filter(|a| a.area == info.id)
            .flat_map(|a| &a.between);
        for interim in between {
            self.interim(interim);
        }
        self.push(
            Row::new(RowKind::Blank, Side::default(), Side::default(), false),
            false,
        );
    }

    fn review(&mut self, r: &AreaReviewDiff) {
        let texts = &self.c.texts;
        let left_area = line_of(texts.earlier_review.as_deref(), "area", r.area.as_str());
        let right_area = line_of(texts.later_review.as_deref(), "area", r.area.as_str());
        let level_changed = r.earlier_level != r.later_level;
        if level_changed || !self.options.only_changes {
            let tone = |changed: bool, t: Tone| if changed { t } else { Tone::Plain };
            let left = Side::new(
                vec![
                    ("Self-assessment: ".into(), Tone::Muted),
                    (
                        self.level_label(&r.earlier_level),
                        tone(level_changed, Tone::RemovedWord),
                    ),
                ],
                field_line(texts.earlier_review.as_deref(), left_area, "level", "area:"),
            );
            let right = Side::new(
                vec![
                    ("Self-assessment: ".into(), Tone::Muted),
                    (
                        self.level_label(&r.later_level),
                        tone(level_changed, Tone::AddedWord),
                    ),
                ],
                field_line(texts.later_review.as_deref(), right_area, "level", "area:"),
            );
            self.push(
                Row::new(RowKind::Field, left, right, level_changed),
                level_changed,
            );
        }
        let scores_changed = r.scores.iter().any(|s| s.earlier != s.later);
        if !r.scores.is_empty() && (scores_changed || !self.options.only_changes) {
            // One line per year: the area's points, then each criterion's, a changed one marked.
            let side = |points: &dyn Fn(&super::review::ScorePair) -> Option<u32>, t: Tone| {
                let known: Vec<u32> = r.scores.iter().filter_map(points).collect();
                if known.is_empty() {
                    return vec![("Scores: none".to_owned(), Tone::Muted)];
                }
                let max = r.scores.iter().fold(0u32, |m, s| m.saturating_add(s.max));
                let total = known.iter().fold(0u32, |m, p| m.saturating_add(*p));
                let mut segs = vec![(format!("Scores {total} of {max}:"), Tone::Muted)];
                for (i, s) in r.scores.iter().enumerate() {
                    let shown = points(s).map_or_else(|| "–".to_owned(), |p| p.to_string());
                    let gap = if i == 0 { " " } else { " · " };
                    segs.push((format!("{gap}{} ", s.criterion), Tone::Plain));
                    let tone = if s.earlier != s.later { t } else { Tone::Plain };
                    segs.push((shown, tone));
                }
                segs
            };
            let left = Side::new(side(&|s| s.earlier, Tone::RemovedWord), None);
            let right = Side::new(side(&|s| s.later, Tone::AddedWord), None);
            self.push(
                Row::new(RowKind::Field, left, right, scores_changed),
                scores_changed,
            );
        }
        let reflection_changed = r.reflection.differs();
        if reflection_changed || !self.options.only_changes {
            self.section("Reflection");
            let left = Side::new(
                pieces(&r.reflection.old, Tone::RemovedWord),
                field_line(
                    texts.earlier_review.as_deref(),
                    left_area,
                    "reflection",
                    "area:",
                ),
            );
            let right = Side::new(
                pieces(&r.reflection.new, Tone::AddedWord),
                field_line(
                    texts.later_review.as_deref(),
                    right_area,
                    "reflection",
                    "area:",
                ),
            );
            self.push(
                Row::new(RowKind::Field, left, right, reflection_changed),
                reflection_changed,
            );
        }
        for (title, items) in [
            ("Strengths", &r.strengths),
            ("Gaps", &r.gaps),
            ("Evidence", &r.evidence),
        ] {
            let shown: Vec<&ItemPair> = items
                .iter()
                .filter(|i| !self.options.only_changes || i.is_changed())
                .collect();
            if shown.is_empty() {
                continue;
            }
            self.section(title);
            for item in shown {
                let (left, right) = match (&item.earlier, &item.later, &item.text) {
                    (_, _, Some(change)) => (
                        bullet(pieces(&change.old, Tone::RemovedWord)),
                        bullet(pieces(&change.new, Tone::AddedWord)),
                    ),
                    (Some(e), Some(l), None) => (
                        bullet(vec![(e.clone(), Tone::Plain)]),
                        bullet(vec![(l.clone(), Tone::Plain)]),
                    ),
                    (Some(e), None, None) => (bullet(vec![(e.clone(), Tone::Removed)]), Vec::new()),
                    (None, Some(l), None) => (Vec::new(), bullet(vec![(l.clone(), Tone::Added)])),
                    (None, None, None) => (Vec::new(), Vec::new()),
                };
                let changed = item.is_changed();
                self.push(
                    Row::new(
                        RowKind::Field,
                        Side::new(left, None),
                        Side::new(right, None),
                        changed,
                    ),
                    changed,
                );
            }
        }
    }

    fn section(&mut self, title: &str) {
        self.push(
            Row::new(
                RowKind::Section,
                Side::text(title, Tone::Heading, None),
                Side::text(title, Tone::Heading, None),
                false,
            ),
            false,
        );
    }

    fn action(&mut self, p: &ActionPair) {
        let texts = &self.c.texts;
        let lines = |text: &Option<String>, a: &Option<Action>| {
            a.as_ref()
                .and_then(|a| line_of(text.as_deref(), "id", a.id.as_str()))
        };
        let (left_line, right_line) = (
            lines(&texts.earlier_plan, &p.earlier),
            lines(&texts.later_plan, &p.later),
        );
        let changed = p.is_changed();
        let header = |a: &Option<Action>, line| -> Side {
            match a {
                Some(a) => Side::new(
                    vec![
                        (a.id.to_string(), Tone::Heading),
                        (format!(" · {}", a.status.label()), Tone::Plain),
                    ],
                    line,
                ),
                None => Side::default(),
            }
        };
        let mut left = header(&p.earlier, left_line);
        let mut right = header(&p.later, right_line);
        let chips = self.chips(p);
        if !chips.is_empty() {
            let side = if p.later.is_some() {
                &mut right
            } else {
                &mut left
            };
            for chip in chips {
                side.segs.push((format!("  [{chip}]"), Tone::Chip));
            }
        }
        self.push(Row::new(RowKind::Action, left, right, changed), changed);

        let only_one = p.earlier.is_none() || p.later.is_none();
        let whole = |a: &Option<Action>,
                     tone: Tone,
                     f: &dyn Fn(&Action) -> String|
         -> Vec<(String, Tone)> {
            a.as_ref().map(|a| vec![(f(a), tone)]).unwrap_or_default()
        };
        let (gone, came) = if only_one {
            (Tone::Removed, Tone::Added)
        } else {
            (Tone::Plain, Tone::Plain)
        };
        let field = |name: &str, side: &Option<Action>, text: &Option<String>, line| {
            field_line(text.as_deref(), line, name, "id:").filter(|_| side.is_some())
        };

        // The action's text, with changed words marked.
        let (l, r) = match &p.text {
            Some(change) => (
                pieces(&change.old, Tone::RemovedWord),
                pieces(&change.new, Tone::AddedWord),
            ),
            None => (
                whole(&p.earlier, gone, &|a| a.text.clone()),
                whole(&p.later, came, &|a| a.text.clone()),
            ),
        };
        self.push(
            Row::new(
                RowKind::Field,
                Side::new(l, field("text", &p.earlier, &texts.earlier_plan, left_line)),
                Side::new(r, field("text", &p.later, &texts.later_plan, right_line)),
                changed,
            ),
            false,
        );

        let reowned = p
            .changes
            .iter()
            .any(|c| matches!(c, Change::Reowned { .. }));
        let redated = p
            .changes
            .iter()
            .any(|c| matches!(c, Change::Redated { .. }));
        let rows: [(&str, bool, &FieldText); 2] = [
            ("owner", reowned, &|a| format!("Owner: {}", a.owner)),
            ("start", redated, &|a| {
                format!("Start {} · due {}", a.start, a.due)
            }),
        ];
        for (name, field_changed, f) in rows {
            if self.options.only_changes && !field_changed && !only_one {
                continue;
            }
            // A changed owner or date is marked word by word, like any other text.
            let (l, r) = match (&p.earlier, &p.later) {
                (Some(e), Some(l)) if field_changed => {
                    let c = diff_text(&f(e), &f(l), &Budget::unlimited());
                    (
                        pieces(&c.old, Tone::RemovedWord),
                        pieces(&c.new, Tone::AddedWord),
                    )
                }
                _ => (whole(&p.earlier, gone, f), whole(&p.later, came, f)),
            };
            self.push(
                Row::new(
                    RowKind::Field,
                    Side::new(l, field(name, &p.earlier, &texts.earlier_plan, left_line)),
                    Side::new(r, field(name, &p.later, &texts.later_plan, right_line)),
                    field_changed,
                ),
                false,
            );
        }
        for (name, label, change, get) in [
            (
                "success",
                "Success: ",
                &p.success,
                (|a: &Action| a.success.clone()) as fn(&Action) -> String,
            ),
            ("progress", "Progress: ", &p.progress, |a: &Action| {
                a.progress.clone()
            }),
        ] {
            let field_changed = change.as_ref().is_some_and(TextChange::differs);
            if self.options.only_changes && !field_changed && !only_one {
                continue;
            }
            let (mut l, mut r) = match change {
                Some(c) => (
                    pieces(&c.old, Tone::RemovedWord),
                    pieces(&c.new, Tone::AddedWord),
                ),
                None => (whole(&p.earlier, gone, &get), whole(&p.later, came, &get)),
            };
            if l.iter().all(|(t, _)| t.is_empty()) && r.iter().all(|(t, _)| t.is_empty()) {
                continue;
            }
            if p.earlier.is_some() {
                l.insert(0, (label.to_owned(), Tone::Muted));
            }
            if p.later.is_some() {
                r.insert(0, (label.to_owned(), Tone::Muted));
            }
            self.push(
                Row::new(
                    RowKind::Field,
                    Side::new(l, field(name, &p.earlier, &texts.earlier_plan, left_line)),
                    Side::new(r, field(name, &p.later, &texts.later_plan, right_line)),
                    field_changed,
                ),
                false,
            );
        }
    }

    /// An action listed only in the years between the two compared, across both columns.
    fn interim(&mut self, interim: &Interim) {
        let a = &interim.action;
        let mut story = format!("added in {}", interim.added);
        if let Some(year) = interim.done {
            story.push_str(&format!(", done in {year}"));
        } else if let Some(year) = interim.dropped {
            story.push_str(&format!(", dropped in {year}"));
        }
        story.push_str(&format!(", not in the {} plan", interim.gone));
        let row = Row::full(
            RowKind::Note,
            vec![
                ("Between the years: ".to_owned(), Tone::Muted),
                (a.id.to_string(), Tone::Heading),
                (format!(" · {}", a.status.label()), Tone::Plain),
                (format!("  [{story}]  "), Tone::Chip),
                (a.text.clone(), Tone::Plain),
            ],
        );
        self.push(
            Row {
                changed: true,
                ..row
            },
            true,
        );
    }

    fn area_title(&self, id: &crate::model::AreaId) -> String {
        self.c
            .areas
            .iter()
            .find(|a| &a.id == id)
            .map_or_else(|| id.to_string(), |a| a.title.clone())
    }

    fn chips(&self, p: &ActionPair) -> Vec<String> {
        p.changes
            .iter()
            .filter_map(|c| match c {
                Change::New => Some("new".to_owned()),
                Change::Dropped => Some("dropped: not in this plan".to_owned()),
                Change::MarkedDropped => Some("dropped".to_owned()),
                Change::CompletedAndRemoved => Some("done earlier; removed".to_owned()),
                Change::StatusChanged { from, to } => {
                    Some(format!("{} → {}", from.label(), to.label()))
                }
                Change::Reworded => Some("reworded".to_owned()),
                Change::Redated { .. } => Some("re-dated".to_owned()),
                Change::Reowned { .. } => Some("re-owned".to_owned()),
                Change::Moved { from, .. } => Some(format!("moved from {}", self.area_title(from))),
                Change::CarriedOver { title, rubric, .. } => {
                    Some(format!("moved from {title} ({rubric})"))
                }
                Change::Renumbered { from, .. } => Some(format!("was {from}")),
                Change::SuccessChanged | Change::ProgressUpdated => None,
                Change::AddedIn { year } => Some(format!("new in {year}")),
                Change::AddedThenDropped { added, dropped } if added == dropped => {
                    Some(format!("added and dropped in {added}"))
                }
                Change::AddedThenDropped { added, dropped } => {
                    Some(format!("added in {added}, dropped in {dropped}"))
                }
                Change::DoneIn { year } if p.later.is_none() => {
                    Some(format!("done in {year}; not in this plan"))
                }
                Change::DoneIn { year } => Some(format!("done in {year}")),
                Change::DroppedIn { year } if p.later.is_none() => {
                    Some(format!("dropped in {year}; not in this plan"))
                }
                Change::DroppedIn { year } => Some(format!("dropped in {year}")),
                Change::LeftOutIn { year } => Some(format!("dropped: not in the {year} plan")),
            })
            .collect()
    }
}

/// How a field of an action is written on its row.
type FieldText = dyn Fn(&Action) -> String;

fn bullet(mut segs: Vec<(String, Tone)>) -> Vec<(String, Tone)> {
    segs.insert(0, ("• ".to_owned(), Tone::Muted));
    segs
}

/// The comparison as rows, area by area.
pub fn rows(c: &Comparison, options: RowOptions) -> Vec<Row> {
    let mut b = Builder {
        c,
        options,
        rows: Vec::new(),
    };
    for note in &c.notes {
        b.push(
            Row::full(RowKind::Note, vec![(format!("Note: {note}"), Tone::Note)]),
            false,
        );
    }
    for info in &c.areas {
        b.area(info);
    }
    if b.rows.iter().all(|r| r.kind == RowKind::Note) {
        b.push(
            Row::full(
                RowKind::Note,
                vec![("Nothing changed between the two years.".into(), Tone::Muted)],
            ),
            false,
        );
    }
    b.rows
}

/// Which way a line of the unified layout goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// The same in both years (or a heading).
    Same,
    Earlier,
    Later,
}

/// One screen line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visual {
    /// A heading or note across the whole width.
    Full { text: Wrapped<Tone>, row: usize },
    /// Side by side; a side is `None` where it has no more lines than the other.
    Split {
        left: Option<Wrapped<Tone>>,
        right: Option<Wrapped<Tone>>,
        left_line: Option<usize>,
        right_line: Option<usize>,
        row: usize,
    },
    /// One column, marked as the same, earlier only, or later only.
    Unified {
        marker: Marker,
        text: Wrapped<Tone>,
        line: Option<usize>,
        row: usize,
    },
}

impl Visual {
    /// The row this screen line belongs to.
    pub fn row(&self) -> usize {
        match self {
            Visual::Full { row, .. } | Visual::Split { row, .. } | Visual::Unified { row, .. } => {
                *row
            }
        }
    }
}

/// How to lay the rows out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LayoutOptions {
    pub width: usize,
    pub unified: bool,
    /// Wrap long lines (otherwise cut them, with "…").
    pub wrap: bool,
    /// Mark changed words with `[-…-]` and `{+…+}`, for output without colour.
    pub markers: bool,
}

/// The width of the line-number gutter, space included.
pub const GUTTER: usize = 5;

/// The text width of each column of the side-by-side layout.
pub fn column_width(width: usize) -> usize {
    (width.saturating_sub(1) / 2).saturating_sub(GUTTER).max(8)
}

fn with_markers(segs: &[(String, Tone)], markers: bool) -> Vec<(String, Tone)> {
    if !markers {
        return segs.to_vec();
    }
    segs.iter()
        .map(|(t, tone)| match tone {
            Tone::RemovedWord if !t.trim().is_empty() => (format!("[-{t}-]"), *tone),
            Tone::AddedWord if !t.trim().is_empty() => (format!("{{+{t}+}}"), *tone),
            _ => (t.clone(), *tone),
        })
        .collect()
}

/// A side's lines: split at line breaks, then wrapped or cut to `width`.
fn side_lines(side: &Side, width: usize, options: &LayoutOptions) -> Vec<Wrapped<Tone>> {
    if side.is_empty() {
        return Vec::new();
    }
    let segs = with_markers(&side.segs, options.markers);
    // Split the runs into logical lines at '\n'.
    let mut logical: Vec<Vec<(&str, Tone)>> = vec![Vec::new()];
    for (text, tone) in &segs {
        let mut parts = text.split('\n');
        if let (Some(first), Some(line)) = (parts.next(), logical.last_mut()) {
            line.push((first, *tone));
        }
        for part in parts {
            logical.push(vec![(part, *tone)]);
        }
    }
    let mut out = Vec::new();
    for line in logical {
        if options.wrap {
            out.extend(wrap_line(line, width));
        } else {
            out.push(truncate_line(line, width));
        }
    }
    out
}

/// Lays the rows out for a width: both columns of a row take as many lines as the longer
/// side needs, so they stay level.
pub fn lay_out(rows: &[Row], options: LayoutOptions) -> Vec<Visual> {
    let mut out = Vec::new();
    let full_width = options.width.max(10);
    for (i, row) in rows.iter().enumerate() {
        if matches!(row.kind, RowKind::Area | RowKind::Note) {
            for text in side_lines(&row.left, full_width, &options) {
                out.push(Visual::Full { text, row: i });
            }
            continue;
        }
        if row.kind == RowKind::Blank {
            out.push(Visual::Full {
                text: Wrapped {
                    runs: Vec::new(),
                    width: 0,
                },
                row: i,
            });
            continue;
        }
        if options.unified {
            let width = full_width.saturating_sub(GUTTER + 2).max(8);
            let same = row.left == row.right
                || (!row.changed && !row.left.is_empty() && row.left.segs == row.right.segs);
            let emit = |out: &mut Vec<Visual>, side: &Side, marker: Marker| {
                for (k, text) in side_lines(side, width, &options).into_iter().enumerate() {
                    out.push(Visual::Unified {
                        marker,
                        text,
                        line: if k == 0 { side.line } else { None },
                        row: i,
                    });
                }
            };
            if same || row.kind == RowKind::Section {
                emit(&mut out, &row.right, Marker::Same);
            } else {
                emit(&mut out, &row.left, Marker::Earlier);
                emit(&mut out, &row.right, Marker::Later);
            }
            continue;
        }
        let width = column_width(options.width);
        let left = side_lines(&row.left, width, &options);
        let right = side_lines(&row.right, width, &options);
        let n = left.len().max(right.len()).max(1);
        let mut left = left.into_iter();
        let mut right = right.into_iter();
        for k in 0..n {
            out.push(Visual::Split {
                left: left.next(),
                right: right.next(),
                left_line: if k == 0 { row.left.line } else { None },
                right_line: if k == 0 { row.right.line } else { None },
                row: i,
            });
        }
    }
    out
}

/// The screen lines where changes start, for "next change".
pub fn anchors(rows: &[Row], visuals: &[Visual]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut last_row = None;
    for (k, v) in visuals.iter().enumerate() {
        let row = v.row();
        if last_row != Some(row) && rows.get(row).is_some_and(|r| r.anchor) {
            out.push(k);
        }
        last_row = Some(row);
    }
    out
}

/// The ANSI style of a tone, for terminals that show colour.
fn ansi(tone: Tone) -> &'static str {
    match tone {
        Tone::Plain => "",
        Tone::Muted => "2",
        Tone::Heading => "1",
        Tone::Removed => "31",
        Tone::Added => "32",
        Tone::RemovedWord => "1;97;41",
        Tone::AddedWord => "1;30;42",
        Tone::Chip => "1;36",
        Tone::Note => "33",
    }
}

fn paint(out: &mut String, text: &str, tone: Tone, colour: bool) {
    let code = ansi(tone);
    if colour && !code.is_empty() && !text.is_empty() {
        out.push_str("\u{1b}[");
        out.push_str(code);
        out.push('m');
        out.push_str(text);
        out.push_str("\u{1b}[0m");
    } else {
        out.push_str(text);
    }
}

fn runs(out: &mut String, line: &Wrapped<Tone>, colour: bool) {
    for (text, tone) in &line.runs {
        // Text from the repository passes through here on its way to a terminal.
        paint(
            out,
            &crate::model::text::sanitize_inline(text),
            *tone,
            colour,
        );
    }
}

fn gutter(out: &mut String, line: Option<usize>, colour: bool) {
    let text = line.map_or_else(|| " ".repeat(GUTTER), |n| format!("{n:>4} "));
    paint(out, &text, Tone::Muted, colour);
}

/// The laid-out comparison as text, with ANSI colours or, without them, markers.
pub fn render_text(visuals: &[Visual], options: &LayoutOptions, colour: bool) -> String {
    let column = column_width(options.width);
    let mut out = String::new();
    for v in visuals {
        match v {
            Visual::Full { text, .. } => runs(&mut out, text, colour),
            Visual::Split {
                left,
                right,
                left_line,
                right_line,
                ..
            } => {
                gutter(&mut out, *left_line, colour);
                let used = left.as_ref().map_or(0, |l| l.width);
                if let Some(l) = left {
                    runs(&mut out, l, colour);
                }
                out.push_str(&" ".repeat(column.saturating_sub(used)));
                paint(&mut out, "│", Tone::Muted, colour);
                gutter(&mut out, *right_line, colour);
                if let Some(r) = right {
                    runs(&mut out, r, colour);
                }
            }
            Visual::Unified {
                marker, text, line, ..
            } => {
                gutter(&mut out, *line, colour);
                let (sign, tone) = match marker {
                    Marker::Same => ("  ", Tone::Plain),
                    Marker::Earlier => ("- ", Tone::Removed),
                    Marker::Later => ("+ ", Tone::Added),
                };
                paint(&mut out, sign, tone, colour);
                runs(&mut out, text, colour);
            }
        }
        let trimmed = out.trim_end_matches(' ').len();
        out.truncate(trimmed);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::text::Budget;
    use crate::diff::{Year, compare};
    use crate::model::format::from_ron;
    use crate::model::{ActionPlan, ActionStatus, Rubric, SelfReview};

    fn fixture<T: serde::de::DeserializeOwned>(text: &str) -> T {
        from_ron(text).unwrap()
    }

    fn base() -> (Rubric, SelfReview, ActionPlan) {
        (
            fixture(include_str!("../../tests/fixtures/base/rubrics/mini.ron")),
            fixture(include_str!(
                "../../tests/fixtures/base/submissions/oak/2025-26/self-review.ron"
            )),
            fixture(include_str!(
                "../../tests/fixtures/base/submissions/oak/2025-26/action-plan.ron"
            )),
        )
    }

    fn comparison(
        earlier: (&SelfReview, &ActionPlan),
        later: (&SelfReview, &ActionPlan),
        rubric: &Rubric,
    ) -> Comparison {
        let e = Year {
            year: "2024-25".parse().unwrap(),
            review: Some(earlier.0),
            plan: Some(earlier.1),
            review_text: None,
            plan_text: None,
        };
        let l = Year {
            year: "2025-26".parse().unwrap(),
            review: Some(later.0),
            plan: Some(later.1),
            review_text: None,
            plan_text: None,
        };
        compare(
            &"oak".parse().unwrap(),
            e,
            l,
            Some(rubric),
            &Budget::unlimited(),
        )
    }

    fn changed_pair() -> Comparison {
        let (rubric, review, plan) = base();
        let mut later_plan = plan.clone();
        later_plan.actions[0].status = ActionStatus::Done;
        later_plan.actions[0].text = "Train the governor for wellbeing and the chair of governors, with a refresher every year for both of them.".into();
        comparison((&review, &plan), (&review, &later_plan), &rubric)
    }

    #[test]
    fn both_columns_stay_level_whatever_wraps() {
        let c = changed_pair();
        let rows = rows(&c, RowOptions::default());
        let visuals = lay_out(
            &rows,
            LayoutOptions {
                width: 60,
                unified: false,
                wrap: true,
                markers: false,
            },
        );
        for (i, row) in rows.iter().enumerate() {
            let lines: Vec<&Visual> = visuals.iter().filter(|v| v.row() == i).collect();
            if let Some(Visual::Split { .. }) = lines.first() {
                let left = lines
                    .iter()
                    .filter(|v| matches!(v, Visual::Split { left: Some(_), .. }))
                    .count();
                let right = lines
                    .iter()
                    .filter(|v| matches!(v, Visual::Split { right: Some(_), .. }))
                    .count();
                assert_eq!(lines.len(), left.max(right).max(1), "row {i}: {row:?}");
            }
        }
        // The reworded action's text wraps to more lines on the right than on the left.
        let text_row = rows
            .iter()
            .position(|r| r.right.segs.iter().any(|(t, _)| t.contains("chair")))
            .unwrap();
        let lines = visuals.iter().filter(|v| v.row() == text_row).count();
        assert!(lines > 1);
    }

    #[test]
    fn only_changes_leaves_out_what_did_not_change() {
        let c = changed_pair();
        let all = rows(&c, RowOptions::default());
        let changed = rows(&c, RowOptions { only_changes: true });
        assert!(changed.len() < all.len());
        let text = |rows: &[Row]| -> String {
            rows.iter()
                .flat_map(|r| r.left.segs.iter().chain(&r.right.segs))
                .map(|(t, _)| t.as_str())
                .collect()
        };
        assert!(
            text(&all).contains("SV-1"),
            "the unchanged action shows in full"
        );
        assert!(
            !text(&changed).contains("SV-1"),
            "and not among the changes"
        );
        assert!(text(&changed).contains("in progress → done"));
        assert!(changed.iter().any(|r| r.anchor));
    }

    #[test]
    fn unified_marks_each_side_and_markers_replace_colour() {
        let c = changed_pair();
        let rows = rows(&c, RowOptions { only_changes: true });
        let options = LayoutOptions {
            width: 100,
            unified: true,
            wrap: true,
            markers: true,
        };
        let visuals = lay_out(&rows, options);
        assert!(visuals.iter().any(|v| matches!(
            v,
            Visual::Unified {
                marker: Marker::Earlier,
                ..
            }
        )));
        assert!(visuals.iter().any(|v| matches!(
            v,
            Visual::Unified {
                marker: Marker::Later,
                ..
            }
        )));
        let text = render_text(&visuals, &options, false);
        assert!(
            text.contains("Train the governor for wellbeing{+ and the chair of governors"),
            "{text}"
        );
        assert!(text.contains("for both of them+}."), "{text}");
        assert!(!text.contains('\u{1b}'), "no colour codes without colour");
        let coloured = render_text(&visuals, &options, true);
        assert!(
            coloured.contains("\u{1b}[1;30;42m"),
            "added words are coloured"
        );
    }

    #[test]
    fn a_ten_megabyte_line_is_compared_coarsely_and_shown_in_part() {
        let (rubric, review, plan) = base();
        let mut huge = review.clone();
        huge.areas[0].reflection = "word ".repeat(2_000_000);
        let c = comparison((&review, &plan), (&huge, &plan), &rubric);
        assert!(
            c.notes.iter().any(|n| n.contains("shown as replaced")),
            "{:?}",
            c.notes
        );
        let rows = rows(&c, RowOptions::default());
        assert!(rows.iter().any(|r| r.kind == RowKind::Note));
        let reflection = rows
            .iter()
            .find(|r| r.right.segs.iter().any(|(t, _)| t.starts_with("word word")))
            .unwrap();
        let shown: usize = reflection.right.segs.iter().map(|(t, _)| t.len()).sum();
        assert!(shown < SHOWN_TEXT + 100, "{shown}");
        assert!(
            reflection
                .right
                .segs
                .iter()
                .any(|(t, _)| t.contains("MB more not shown"))
        );
        let visuals = lay_out(
            &rows,
            LayoutOptions {
                width: 120,
                unified: false,
                wrap: true,
                markers: false,
            },
        );
        assert!(visuals.len() < 5_000);
    }

    #[test]
    fn line_numbers_point_into_the_files() {
        let (rubric, review, plan) = base();
        let text =
            include_str!("../../tests/fixtures/base/submissions/oak/2025-26/action-plan.ron");
        let mut later = plan.clone();
        later.actions[1].owner = "Deputy headteacher".into();
        let e = Year {
            year: "2024-25".parse().unwrap(),
            review: Some(&review),
            plan: Some(&plan),
            review_text: None,
            plan_text: Some(text),
        };
        let l = Year {
            plan: Some(&later),
            year: "2025-26".parse().unwrap(),
            ..e
        };
        let c = compare(
            &"oak".parse().unwrap(),
            e,
            l,
            Some(&rubric),
            &Budget::unlimited(),
        );
        let rows = rows(&c, RowOptions { only_changes: true });
        let header = rows.iter().find(|r| r.kind == RowKind::Action).unwrap();
        assert_eq!(header.left.line, Some(18), "the line of id: \"SV-1\"");
        let owner = rows
            .iter()
            .find(|r| r.left.segs.iter().any(|(t, _)| t.starts_with("Owner")))
            .unwrap();
        assert_eq!(owner.left.line, Some(21));
    }
}
