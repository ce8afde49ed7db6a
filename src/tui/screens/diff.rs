//! The year-on-year comparison: two columns (earlier year | later year) aligned action by
//! action and area by area, with changed words marked. The comparison is computed once on
//! the worker thread; rows are built once per set of options and laid out once per width;
//! only the lines on screen become widgets.

use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState};

use crate::diff::Comparison;
use crate::diff::rows::{
    GUTTER, LayoutOptions, Marker, Row, RowOptions, Tone, Visual, anchors, column_width, lay_out,
    rows,
};
use crate::model::text::sanitize_inline;
use crate::model::{AcademicYear, SchoolId};
use crate::tui::theme::Theme;
use ratatui::crossterm::event::KeyEvent;

use crate::tui::keymap::{Action, KeyMap};
use crate::tui::loader::{Request, RequestKind, Response};
use crate::tui::screen::{About, Cx, DrawCx, Footer, Screen};
use crate::tui::view::{OpenedView, SubmissionView};
use crate::tui::widgets::block;
use crate::tui::wrap::wrap;
use crate::wrap::Wrapped;

/// The comparison screen's state.
#[derive(Debug)]
pub struct DiffScreen {
    pub school: SchoolId,
    pub name: String,
    pub earlier: AcademicYear,
    pub later: AcademicYear,
    /// The school's years, for choosing another base year.
    pub years: Vec<AcademicYear>,
    /// Whether the later year's files changed since the panel decided on them (resubmitted):
    /// they can then be compared with the version decided on.
    pub decided: bool,
    /// Whether the earlier side is that version (and `earlier` is the later year).
    pub against_decision: bool,
    pub commit: String,
    /// `None` while it is being computed.
    pub data: Option<Result<Arc<Comparison>, String>>,
    pub only_changes: bool,
    pub unified: bool,
    pub wrap: bool,
    pub scroll: usize,
    /// The change last jumped to, as an index into the anchors.
    current: Option<usize>,
    rows: Option<(RowOptions, Vec<Row>)>,
    laid_out: Option<(LayoutOptions, Vec<Visual>, Vec<usize>)>,
    page: usize,
}

impl DiffScreen {
    pub fn new(
        school: SchoolId,
        name: String,
        earlier: AcademicYear,
        later: AcademicYear,
        years: Vec<AcademicYear>,
        commit: String,
    ) -> DiffScreen {
        DiffScreen {
            school,
            name,
            earlier,
            later,
            years,
            decided: false,
            against_decision: false,
            commit,
            data: None,
            only_changes: false,
            unified: false,
            wrap: true,
            scroll: 0,
            current: None,
            rows: None,
            laid_out: None,
            page: 10,
        }
    }

    /// The comparison of a school's year with the year before, or why there is none. The
    /// reader's choices carry over from the comparison open before; a comparison the open
    /// submission has made already is used rather than asked for again.
    pub fn open(
        previous: Option<&DiffScreen>,
        school: SchoolId,
        later: AcademicYear,
        submission: Option<&SubmissionView>,
        cx: &mut Cx,
    ) -> Result<DiffScreen, String> {
        let Some(opened) = cx.opened else {
            return Err("The repository has not been read yet.".into());
        };
        let years = opened
            .catalog
            .years
            .get(&school)
            .cloned()
            .unwrap_or_default();
        let decided = opened.resubmitted.contains(&(school.clone(), later));
        // With no year before, a year resubmitted since the panel's decision is compared with
        // the version decided on.
        let (earlier, against_decision) = match years.iter().rev().copied().find(|y| *y < later) {
            Some(earlier) => (earlier, false),
            None if decided => (later, true),
            None => {
                return Err(format!(
                    "{school} has no year before {later} to compare with."
                ));
            }
        };
        let name = opened.catalog.schools.get(&school).map_or_else(
            || school.to_string(),
            |s| sanitize_inline(&s.name).into_owned(),
        );
        let mut screen = DiffScreen::new(
            school.clone(),
            name,
            earlier,
            later,
            years,
            opened.header.commit.clone(),
        );
        screen.decided = decided;
        screen.against_decision = against_decision;
        if let Some(old) = previous {
            screen.only_changes = old.only_changes;
            screen.unified = old.unified;
            screen.wrap = old.wrap;
        }
        let known = submission
            .filter(|s| s.school == school && s.year == later)
            .and_then(|s| s.comparison.clone())
            .filter(|c| !against_decision && c.earlier.year == earlier);
        match known {
            Some(comparison) => {
                cx.forget(RequestKind::Diff);
                screen.set_data(Ok(comparison));
            }
            None => screen.ask(cx),
        }
        Ok(screen)
    }

    /// Asks for the comparison of the years on show.
    fn ask(&mut self, cx: &mut Cx) {
        if self.against_decision {
            self.data = None;
            cx.request(
                0,
                Request::DiffDecided {
                    school: self.school.clone(),
                    year: self.later,
                },
            );
            return;
        }
        if self.earlier >= self.later {
            // A comparison runs forwards; the loader would refuse it the same way.
            let message = format!(
                "{} is not before {}: choose an earlier year to compare from.",
                self.earlier, self.later
            );
            cx.say(message.clone());
            self.set_data(Err(message));
            return;
        }
        self.data = None;
        cx.request(
            0,
            Request::Diff {
                school: self.school.clone(),
                earlier: self.earlier,
                later: self.later,
            },
        );
    }

    /// Shows a new comparison (or why there is none).
    pub fn set_data(&mut self, data: Result<Arc<Comparison>, String>) {
        self.data = Some(data);
        self.rows = None;
        self.laid_out = None;
        self.scroll = 0;
        self.current = None;
    }

    fn invalidate(&mut self) {
        self.rows = None;
        self.laid_out = None;
        self.current = None;
    }

    pub fn toggle_only_changes(&mut self) {
        self.only_changes = !self.only_changes;
        self.invalidate();
        self.scroll = 0;
    }

    pub fn toggle_unified(&mut self) {
        self.unified = !self.unified;
        self.laid_out = None;
        self.current = None;
    }

    pub fn toggle_wrap(&mut self) {
        self.wrap = !self.wrap;
        self.laid_out = None;
        self.current = None;
    }

    /// The next version to compare with: a year further back, then the version of this year
    /// the panel decided on (where there is one), and round again. `None` for the version
    /// decided on.
    pub fn next_base(&self) -> Option<Option<AcademicYear>> {
        let mut bases: Vec<Option<AcademicYear>> = self
            .years
            .iter()
            .rev()
            .copied()
            .filter(|y| *y < self.later)
            .map(Some)
            .collect();
        if self.decided {
            bases.push(None);
        }
        if bases.len() < 2 {
            return None;
        }
        let current = if self.against_decision {
            None
        } else {
            Some(self.earlier)
        };
        let position = bases.iter().position(|b| *b == current).unwrap_or(0);
        Some(bases[(position + 1) % bases.len()])
    }

    /// What the earlier side is, for titles: a year, or this year as decided on.
    fn base_label(&self) -> String {
        if self.against_decision {
            format!("{} as decided", self.later)
        } else {
            self.earlier.to_string()
        }
    }

    fn visuals_len(&self) -> usize {
        self.laid_out.as_ref().map_or(0, |(_, v, _)| v.len())
    }

    fn max_scroll(&self) -> usize {
        self.visuals_len().saturating_sub(self.page.max(1))
    }

    pub fn scroll_by(&mut self, delta: isize) {
        let next = (self.scroll as isize + delta).clamp(0, self.max_scroll() as isize);
        self.scroll = next as usize;
    }

    pub fn page_by(&mut self, pages: isize) {
        self.scroll_by(pages * self.page.saturating_sub(1).max(1) as isize);
    }

    pub fn to_end(&mut self, end: bool) {
        self.scroll = if end { self.max_scroll() } else { 0 };
    }

    /// Jumps to the next (or previous) change; false when there is none that way.
    pub fn jump(&mut self, forward: bool) -> bool {
        let Some((_, _, anchors)) = &self.laid_out else {
            return false;
        };
        // A change starts one line below the top, so its context shows above it.
        let top = self.scroll + 1;
        let target = if forward {
            anchors
                .iter()
                .position(|&a| a > top || (self.current.is_none() && a >= self.scroll))
        } else {
            anchors.iter().rposition(|&a| a < top)
        };
        match target {
            Some(i) => {
                self.current = Some(i);
                self.scroll = anchors[i].saturating_sub(1).min(self.max_scroll());
                true
            }
            None => false,
        }
    }

    /// How many changes there are, and which one was jumped to last.
    pub fn position(&self) -> (Option<usize>, usize) {
        (
            self.current,
            self.laid_out.as_ref().map_or(0, |(_, _, a)| a.len()),
        )
    }

    fn ensure_layout(&mut self, width: usize) {
        let Some(Ok(comparison)) = &self.data else {
            return;
        };
        let row_options = RowOptions {
            only_changes: self.only_changes,
        };
        if self.rows.as_ref().map(|(o, _)| *o) != Some(row_options) {
            self.rows = Some((row_options, rows(comparison, row_options)));
            self.laid_out = None;
        }
        let layout = LayoutOptions {
            width,
            unified: self.unified,
            wrap: self.wrap,
            markers: false,
        };
        if self.laid_out.as_ref().map(|(o, _, _)| *o) != Some(layout) {
            let rows = self.rows.as_ref().map_or(&[][..], |(_, r)| r.as_slice());
            let visuals = lay_out(rows, layout);
            let anchors = anchors(rows, &visuals);
            self.laid_out = Some((layout, visuals, anchors));
        }
    }

    pub fn draw(&mut self, frame: &mut Frame, area: Rect, theme: &Theme, spinner: &str) {
        let title = format!("{}: {} → {}", self.name, self.base_label(), self.later);
        let comparison = match &self.data {
            None => {
                frame.render_widget(
                    Paragraph::new(format!(
                        "{spinner} Comparing {} with {}…",
                        self.later,
                        self.base_label()
                    ))
                    .block(block(&title, true, theme))
                    .style(theme.base),
                    area,
                );
                return;
            }
            Some(Err(e)) => {
                frame.render_widget(
                    Paragraph::new(vec![
                        Line::from(Span::styled("✗ Cannot compare these years", theme.bad)),
                        Line::from(e.clone()),
                    ])
                    .block(block(&title, true, theme))
                    .style(theme.base),
                    area,
                );
                return;
            }
            Some(Ok(c)) => Arc::clone(c),
        };
        // The layout depends only on the width inside the border, so it can be made first.
        let inner = ratatui::widgets::Block::bordered().inner(area);
        // Across a change of framework, a line above the summary says so.
        let framework = comparison.framework.as_ref().map(|change| {
            sanitize_inline(&change.line(comparison.earlier.year, comparison.later.year))
                .into_owned()
        });
        // The summary wraps rather than being cut: what a framework adds to it (a graded
        // mark's total and grade, a toolkit's stage) comes last and must be seen. Two lines
        // at most; a third would come out of the comparison itself.
        let mut summary = wrap(
            &[Line::from(Span::styled(
                sanitize_inline(&comparison.summary()).into_owned(),
                theme.title,
            ))],
            inner.width,
        );
        summary.truncate(2);
        if let Some(line) = framework {
            summary.insert(
                0,
                Line::from(Span::styled(
                    crate::wrap::ellipsis(&line, usize::from(inner.width)),
                    theme.title,
                )),
            );
        }
        let top_height = u16::try_from(summary.len()).unwrap_or(3).max(1);
        let [top, headings, body] = Layout::vertical([
            Constraint::Length(top_height),
            Constraint::Length(1),
            Constraint::Min(1),
        ])
        .areas(inner);
        let width = usize::from(body.width.saturating_sub(1));
        self.ensure_layout(width);
        self.page = usize::from(body.height);
        self.scroll = self.scroll.min(self.max_scroll());

        let (current, total) = self.position();
        let counter = match current {
            Some(i) => format!("change {} of {total}", i + 1),
            None => format!("{total} change(s)"),
        };
        // The modes that differ from the usual, beside the counter, where they are never cut off.
        let mut modes = vec![counter];
        if self.only_changes {
            modes.push("only changes".into());
        }
        if self.unified {
            modes.push("one column".into());
        }
        if !self.wrap {
            modes.push("lines cut".into());
        }
        frame.render_widget(
            block(&format!("{title} · {}", modes.join(" · ")), true, theme),
            area,
        );
        frame.render_widget(Paragraph::new(summary).style(theme.base), top);
        // Year, submission date and commit; in fewer words where the column is narrow.
        let wide = width >= 118;
        let heading = |info: &crate::diff::YearInfo| -> String {
            let date = info.submitted.map(|d| d.to_string());
            // The year's own commit; the one read where the history does not say.
            let commit = info
                .commit
                .as_ref()
                .map_or(self.commit.as_str(), |c| c.short());
            let year = match &info.version {
                Some(_) => format!("{} decided", info.year),
                None => info.year.to_string(),
            };
            match (wide, date) {
                (true, Some(d)) => format!("{year} · submitted {d} · commit {commit}"),
                (false, Some(d)) => format!("{year} · {d} · {commit}"),
                (_, None) => format!("{year} · {commit}"),
            }
        };
        let heading_line = if self.unified {
            Line::from(vec![
                Span::styled(format!("- {}", heading(&comparison.earlier)), theme.removed),
                Span::raw("   "),
                Span::styled(format!("+ {}", heading(&comparison.later)), theme.added),
            ])
        } else {
            let column = column_width(width) + GUTTER;
            let left = heading(&comparison.earlier);
            let pad = column.saturating_sub(unicode_width::UnicodeWidthStr::width(left.as_str()));
            Line::from(vec![
                Span::styled(left, theme.column_header),
                Span::raw(" ".repeat(pad)),
                Span::styled("│", theme.border),
                Span::styled(heading(&comparison.later), theme.column_header),
            ])
        };
        frame.render_widget(Paragraph::new(heading_line).style(theme.base), headings);

        let Some((layout, visuals, anchors)) = &self.laid_out else {
            return;
        };
        let current_line = current.and_then(|i| anchors.get(i)).copied();
        let column = column_width(layout.width);
        let end = (self.scroll + usize::from(body.height)).min(visuals.len());
        let lines: Vec<Line> = visuals[self.scroll..end]
            .iter()
            .enumerate()
            .map(|(k, v)| {
                render(
                    v,
                    self.scroll + k == current_line.unwrap_or(usize::MAX),
                    column,
                    theme,
                )
            })
            .collect();
        frame.render_widget(Paragraph::new(lines).style(theme.base), body);
        if visuals.len() > usize::from(body.height) {
            let mut state = ScrollbarState::new(self.max_scroll()).position(self.scroll);
            frame.render_stateful_widget(
                Scrollbar::new(ScrollbarOrientation::VerticalRight).style(theme.border),
                body,
                &mut state,
            );
        }
    }
}

fn style(tone: Tone, theme: &Theme) -> Style {
    match tone {
        Tone::Plain => theme.base,
        Tone::Muted => theme.muted,
        Tone::Heading => theme.title,
        Tone::Removed => theme.removed,
        Tone::Added => theme.added,
        Tone::RemovedWord => theme.removed_word,
        Tone::AddedWord => theme.added_word,
        Tone::Chip => theme.chip,
        Tone::Note => theme.note,
    }
}

fn spans(line: &Wrapped<Tone>, theme: &Theme) -> Vec<Span<'static>> {
    line.runs
        .iter()
        .map(|(text, tone)| Span::styled(sanitize_inline(text).into_owned(), style(*tone, theme)))
        .collect()
}

fn gutter(line: Option<usize>, current: bool, theme: &Theme) -> Span<'static> {
    let text = match line {
        Some(n) => format!("{n:>4} "),
        None => " ".repeat(GUTTER),
    };
    if current {
        // The change jumped to is marked by a symbol as well as by colour.
        Span::styled(format!("▶{}", &text[1..]), theme.key)
    } else {
        Span::styled(text, theme.muted)
    }
}

/// One screen line as a widget line.
fn render(v: &Visual, current: bool, column: usize, theme: &Theme) -> Line<'static> {
    match v {
        Visual::Full { text, .. } => {
            let mut out = vec![Span::raw(if current { "▶" } else { "" })];
            out.extend(spans(text, theme));
            Line::from(out)
        }
        Visual::Split {
            left,
            right,
            left_line,
            right_line,
            ..
        } => {
            let mut out = vec![gutter(*left_line, current, theme)];
            let used = left.as_ref().map_or(0, |l| l.width);
            if let Some(l) = left {
                out.extend(spans(l, theme));
            }
            out.push(Span::raw(" ".repeat(column.saturating_sub(used))));
            out.push(Span::styled("│", theme.border));
            out.push(gutter(*right_line, false, theme));
            if let Some(r) = right {
                out.extend(spans(r, theme));
            }
            Line::from(out)
        }
        Visual::Unified {
            marker, text, line, ..
        } => {
            let (sign, s) = match marker {
                Marker::Same => ("  ", theme.base),
                Marker::Earlier => ("- ", theme.removed),
                Marker::Later => ("+ ", theme.added),
            };
            let mut out = vec![gutter(*line, current, theme), Span::styled(sign, s)];
            out.extend(spans(text, theme));
            Line::from(out)
        }
    }
}

impl crate::tui::screen::Navigable for DiffScreen {
    fn move_by(&mut self, delta: isize) {
        DiffScreen::scroll_by(self, delta);
    }

    fn page_by(&mut self, pages: isize) {
        DiffScreen::page_by(self, pages);
    }

    fn to_end(&mut self, end: bool) {
        DiffScreen::to_end(self, end);
    }
}

impl Screen for DiffScreen {
    fn key(&mut self, _key: &KeyEvent, action: Option<Action>, cx: &mut Cx) -> bool {
        let Some(action) = action else {
            return false;
        };
        if crate::tui::screen::navigate(self, action) {
            return true;
        }
        match action {
            Action::NextChange | Action::PrevChange => {
                let forward = action == Action::NextChange;
                if !self.jump(forward) {
                    let which = if forward { "after" } else { "before" };
                    cx.say(format!("No change {which} this point."));
                }
            }
            Action::OnlyChanges => self.toggle_only_changes(),
            Action::Unified => self.toggle_unified(),
            Action::WrapLines => self.toggle_wrap(),
            Action::BaseYear => match self.next_base() {
                Some(Some(year)) => {
                    self.earlier = year;
                    self.against_decision = false;
                    self.ask(cx);
                }
                Some(None) => {
                    self.earlier = self.later;
                    self.against_decision = true;
                    self.ask(cx);
                }
                None => cx.say("There is no other earlier year to compare with."),
            },
            // This is the comparison already.
            Action::Diff => {}
            _ => return false,
        }
        true
    }

    fn scroll(&mut self, _x: u16, _y: u16, delta: isize, _cx: &mut Cx) {
        self.scroll_by(delta);
    }

    fn loaded(&mut self, _tag: crate::tui::tag::Tag, response: Response, _cx: &mut Cx) {
        if let Response::Diff(result) = response {
            self.set_data(result);
        }
    }

    fn refresh(&mut self, reloaded: bool, cx: &mut Cx) {
        if reloaded {
            self.ask(cx);
        }
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, cx: &DrawCx) {
        DiffScreen::draw(self, frame, area, cx.theme, cx.spinner);
    }

    fn footer(&self, _keymap: &KeyMap) -> Footer {
        Footer::Actions(vec![
            Action::NextChange,
            Action::OnlyChanges,
            Action::Unified,
            Action::BaseYear,
            Action::Back,
            Action::Help,
            Action::Quit,
        ])
    }

    fn about(&self, _opened: Option<&OpenedView>) -> About {
        Some((self.school.clone(), Some(self.later)))
    }

    fn label(&self) -> Option<String> {
        Some(format!("Compare: {} → {}", self.base_label(), self.later))
    }
}
