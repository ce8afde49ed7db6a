//! One school's submission for one year: the rubric's areas on the left, the selected area's
//! reflection, evidence and actions on the right.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Cell, Paragraph, Row, Scrollbar, ScrollbarOrientation, ScrollbarState, Table, TableState, Wrap,
};

use crate::model::{AcademicYear, KindId, SchoolId};
use crate::tui::theme::{Theme, ThemeKind};
use crate::tui::view::{AreaView, SubmissionView};
use ratatui::crossterm::event::KeyEvent;

use crate::tui::keymap::{Action, KeyMap};
use crate::tui::loader::{Request, Response};
use crate::tui::screen::{About, Chosen, Cx, DrawCx, Footer, Open, Screen};
use crate::tui::view::OpenedView;
use crate::tui::widgets::{ListHit, block, contains, ellipsis};
use crate::tui::wrap::wrap;

/// Which side has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
    Areas,
    Detail,
}

/// The submission screen's state.
#[derive(Debug)]
pub struct SubmissionScreen {
    pub school: SchoolId,
    pub year: AcademicYear,
    /// The kind of the agenda item it was opened from: the decision its letter is about.
    pub kind: Option<KindId>,
    /// `None` while loading.
    pub data: Option<Result<SubmissionView, String>>,
    pub focus: Pane,
    pub areas: TableState,
    pub scroll: u16,
    max_scroll: u16,
    page: u16,
    pub areas_hit: ListHit,
    pub detail_rect: Rect,
    /// The selected area's text wrapped for the pane: (area, width, theme) it was made for.
    wrapped: Option<((usize, u16, ThemeKind), Vec<Line<'static>>)>,
}

impl SubmissionScreen {
    pub fn new(school: SchoolId, year: AcademicYear) -> Self {
        Self {
            school,
            year,
            kind: None,
            data: None,
            focus: Pane::Areas,
            areas: TableState::default().with_selected(Some(0)),
            scroll: 0,
            max_scroll: 0,
            page: 10,
            areas_hit: ListHit::default(),
            detail_rect: Rect::default(),
            wrapped: None,
        }
    }

    /// The submission of a school and year, asked of the loader. The same school keeps its
    /// place: area and focus carry over between years and reloads.
    pub fn open(
        previous: Option<&SubmissionScreen>,
        school: SchoolId,
        year: AcademicYear,
        cx: &mut Cx,
    ) -> SubmissionScreen {
        let mut screen = SubmissionScreen::new(school.clone(), year);
        if let Some(previous) = previous.filter(|s| s.school == school) {
            screen.areas.select(previous.areas.selected());
            screen.focus = previous.focus;
            if previous.year == year {
                screen.scroll = previous.scroll;
                // Read again, it is still the same agenda item's.
                screen.kind = previous.kind.clone();
            }
        }
        cx.request(0, Request::Submission { school, year });
        screen
    }

    /// The submission, once read.
    pub fn view(&self) -> Option<&SubmissionView> {
        match &self.data {
            Some(Ok(view)) => Some(view),
            _ => None,
        }
    }

    /// Shows newly loaded data; a failed load keeps nothing stale on screen.
    pub fn set_data(&mut self, data: Result<SubmissionView, String>) {
        let areas = data.as_ref().map_or(0, |v| v.areas.len());
        let selected = self
            .areas
            .selected()
            .unwrap_or(0)
            .min(areas.saturating_sub(1));
        self.areas.select(Some(selected));
        self.data = Some(data);
        self.wrapped = None;
    }

    fn area_count(&self) -> usize {
        match &self.data {
            Some(Ok(v)) => v.areas.len(),
            _ => 0,
        }
    }

    /// Moves the selection (areas pane) or scrolls (detail pane).
    pub fn move_by(&mut self, delta: isize) {
        match self.focus {
            Pane::Areas => {
                let count = self.area_count();
                if count == 0 {
                    return;
                }
                let current = self.areas.selected().unwrap_or(0) as isize;
                let next = (current + delta).clamp(0, count as isize - 1) as usize;
                if Some(next) != self.areas.selected() {
                    self.areas.select(Some(next));
                    self.scroll = 0;
                }
            }
            Pane::Detail => self.scroll_by(delta),
        }
    }

    pub fn scroll_by(&mut self, delta: isize) {
        let next = (i64::from(self.scroll) + delta as i64).clamp(0, i64::from(self.max_scroll));
        self.scroll = u16::try_from(next).unwrap_or(0);
    }

    pub fn page_by(&mut self, pages: isize) {
        let page = match self.focus {
            Pane::Areas => 5,
            Pane::Detail => self.page.max(1) as isize,
        };
        self.move_by(pages * page);
    }

    pub fn to_end(&mut self, end: bool) {
        match self.focus {
            Pane::Areas => self.move_by(if end { isize::MAX / 2 } else { isize::MIN / 2 }),
            Pane::Detail => self.scroll = if end { self.max_scroll } else { 0 },
        }
    }

    pub fn toggle_focus(&mut self) {
        self.focus = match self.focus {
            Pane::Areas => Pane::Detail,
            Pane::Detail => Pane::Areas,
        };
    }

    /// The year before or after this one among the school's years, if there is one.
    pub fn other_year(&self, later: bool) -> Option<AcademicYear> {
        let Some(Ok(view)) = &self.data else {
            return None;
        };
        if later {
            view.years.iter().copied().find(|y| *y > self.year)
        } else {
            view.years.iter().rev().copied().find(|y| *y < self.year)
        }
    }

    pub fn draw(&mut self, frame: &mut Frame, area: Rect, theme: &Theme, spinner: &str) {
        let view = match &self.data {
            None => {
                let waiting =
                    Paragraph::new(format!("{spinner} Reading {} {}…", self.school, self.year))
                        .block(block("Submission", true, theme))
                        .style(theme.base);
                frame.render_widget(waiting, area);
                return;
            }
            Some(Err(e)) => {
                let failed = Paragraph::new(vec![
                    Line::from(Span::styled(
                        format!("✗ Cannot show {} {}", self.school, self.year),
                        theme.bad,
                    )),
                    Line::from(e.clone()),
                ])
                .wrap(Wrap { trim: false })
                .block(block("Submission", true, theme))
                .style(theme.base);
                frame.render_widget(failed, area);
                return;
            }
            Some(Ok(view)) => view,
        };
        let heading_height = if view.problems.is_empty() { 2 } else { 3 };
        let [top, body] =
            Layout::vertical([Constraint::Length(heading_height), Constraint::Min(4)]).areas(area);
        let years: Vec<String> = view
            .years
            .iter()
            .map(|y| {
                if *y == view.year {
                    format!("[{y}]")
                } else {
                    y.to_string()
                }
            })
            .collect();
        // What is particular to the framework (the stage reached, the score and grade) comes
        // before the rubric's long title, so that a narrow screen cuts the title, not them.
        let particular: String = view
            .stage
            .iter()
            .map(|s| format!(" · Stage: {s}"))
            .chain(view.score.iter().map(|s| format!(" · {s}")))
            .collect();
        let name_width = unicode_width::UnicodeWidthStr::width(view.name.as_str());
        let mut heading_lines = vec![
            Line::from(vec![
                Span::styled(view.name.clone(), theme.title),
                Span::raw(ellipsis(
                    &format!(" · {}{particular} · {}", view.year, view.rubric),
                    usize::from(top.width).saturating_sub(name_width),
                )),
            ]),
            // Who submitted it may run long (a name and a full job title): cut with an
            // ellipsis, never by the screen's edge.
            Line::from(vec![Span::styled(
                ellipsis(
                    &format!(
                        "Years {} · commit {} · {}",
                        years.join(" "),
                        view.commit,
                        view.submitted
                    ),
                    usize::from(top.width),
                ),
                theme.muted,
            )]),
        ];
        if let Some(first) = view.problems.first() {
            let more = view.problems.len() - 1;
            let suffix = if more > 0 {
                format!(" (and {more} more)")
            } else {
                String::new()
            };
            heading_lines.push(Line::from(Span::styled(
                format!("✗ {first}{suffix}"),
                theme.status_error,
            )));
        }
        frame.render_widget(Paragraph::new(heading_lines).style(theme.base), top);

        let level_width: u16 = if body.width >= 120 { 12 } else { 11 };
        let title_of = |a: &AreaView| {
            if a.central {
                format!("{} {} ★", a.code, a.title)
            } else {
                format!("{} {}", a.code, a.title)
            }
        };
        // The areas take what their titles need from 120 columns on, as long as the text
        // beside them, which is what is read, keeps 45 columns (a comfortable measure); a
        // title that must be cut is whole above the text.
        // Beside the title: the level, the two counts, the gaps between columns, the borders
        // and the highlight mark.
        let beside = level_width + 3 + 3 + 3 + 4;
        let widest = view
            .areas
            .iter()
            .map(|a| unicode_width::UnicodeWidthStr::width(title_of(a).as_str()))
            .max()
            .unwrap_or(0);
        let wanted = u16::try_from(widest)
            .unwrap_or(u16::MAX)
            .saturating_add(beside);
        let left_width = if body.width >= 120 {
            wanted.clamp(38, body.width.saturating_sub(45).max(38))
        } else {
            38
        };
        let title_width = usize::from(left_width.saturating_sub(beside));
        let [left, right] =
            Layout::horizontal([Constraint::Length(left_width), Constraint::Min(20)]).areas(body);
        let header = Row::new(vec!["Area", "Self", "Act", "Δ"]).style(theme.column_header);
        let rows: Vec<Row> = view
            .areas
            .iter()
            .map(|a| {
                Row::new(vec![
                    Cell::from(ellipsis(&title_of(a), title_width)),
                    Cell::from(a.level.clone().unwrap_or_else(|| "–".into())),
                    Cell::from(a.actions.len().to_string()),
                    Cell::from(a.changes.map_or_else(|| "–".to_owned(), |n| n.to_string())),
                ])
            })
            .collect();
        let table = Table::new(
            rows,
            [
                Constraint::Min(10),
                Constraint::Length(level_width),
                Constraint::Length(3),
                Constraint::Length(3),
            ],
        )
        .header(header)
        .block(block("Areas", self.focus == Pane::Areas, theme))
        .row_highlight_style(theme.selected)
        .highlight_symbol("▶ ")
        .style(theme.base);
        frame.render_stateful_widget(table, left, &mut self.areas);
        self.areas_hit = ListHit::in_bordered_table(left, self.areas.offset());

        let index = self.areas.selected().unwrap_or(0);
        let selected = view.areas.get(index);
        let title = selected.map_or_else(|| "Area".to_owned(), |a| a.title.clone());
        // The scrollbar sits on the border, so the text has the whole inner width.
        let text_width = right.width.saturating_sub(2).max(1);
        let key = (index, text_width, theme.kind);
        if self.wrapped.as_ref().map(|(k, _)| *k) != Some(key) {
            let lines = match selected {
                Some(a) => detail_lines(a, view, theme),
                None => vec![Line::from("This submission has no areas to show.")],
            };
            self.wrapped = Some((key, wrap(&lines, text_width)));
        }
        let lines: &[Line<'static>] = self.wrapped.as_ref().map_or(&[], |(_, l)| l.as_slice());
        let total = lines.len();
        let visible = usize::from(right.height.saturating_sub(2));
        self.page = u16::try_from(visible.saturating_sub(1).max(1)).unwrap_or(1);
        self.max_scroll = u16::try_from(total.saturating_sub(visible)).unwrap_or(u16::MAX);
        self.scroll = self.scroll.min(self.max_scroll);
        let percent = if self.max_scroll > 0 {
            format!(
                " ({}%)",
                u32::from(self.scroll) * 100 / u32::from(self.max_scroll)
            )
        } else {
            String::new()
        };
        // The pane's title is cut with an ellipsis, never by the border: the list beside it
        // shows the selected area's title whole.
        let room = usize::from(right.width.saturating_sub(4))
            .saturating_sub(unicode_width::UnicodeWidthStr::width(percent.as_str()));
        let position = format!("{}{percent}", ellipsis(&title, room));
        let start = usize::from(self.scroll).min(total);
        let shown: Vec<Line<'static>> = lines[start..(start + visible).min(total)].to_vec();
        frame.render_widget(
            Paragraph::new(shown).style(theme.base).block(block(
                &position,
                self.focus == Pane::Detail,
                theme,
            )),
            right,
        );
        if self.max_scroll > 0 {
            let mut state = ScrollbarState::new(usize::from(self.max_scroll))
                .position(usize::from(self.scroll));
            frame.render_stateful_widget(
                Scrollbar::new(ScrollbarOrientation::VerticalRight).style(theme.border),
                right,
                &mut state,
            );
        }
        self.detail_rect = right;
    }
}

fn heading(text: &str, theme: &Theme) -> Line<'static> {
    Line::from(Span::styled(text.to_owned(), theme.column_header))
}

/// The right-hand side: everything the school wrote about one area, and its actions.
fn detail_lines(area: &AreaView, view: &SubmissionView, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut assessed = vec![
        Span::raw("Self-assessment: "),
        Span::styled(
            area.level.clone().unwrap_or_else(|| "not given".into()),
            theme.title,
        ),
    ];
    if let Some(j) = &area.judgement {
        assessed.push(Span::raw(" · Panel judgement so far: "));
        assessed.push(Span::styled(j.clone(), theme.title));
    }
    if let Some(changes) = area.changes {
        assessed.push(Span::raw(format!(" · {changes} change(s) since last year")));
    }
    lines.push(Line::from(assessed));
    if !area.criteria.is_empty() {
        // Points come from files and may be anything: held at the top rather than overflowing.
        let (school, max) = area.criteria.iter().fold((0u32, 0u32), |(s, m), c| {
            (
                s.saturating_add(c.school.unwrap_or(0)),
                m.saturating_add(c.max),
            )
        });
        lines.push(Line::default());
        lines.push(heading(&format!("Scores ({school} of {max})"), theme));
        for c in &area.criteria {
            let points = c.school.map_or_else(|| "–".to_owned(), |p| p.to_string());
            let mut spans = vec![
                Span::styled(format!("{} ", c.id), theme.key),
                Span::styled(format!("{points}/{}", c.max), theme.title),
            ];
            if let Some(panel) = c.panel {
                spans.push(Span::styled(format!(" (panel: {panel})"), theme.warn));
            }
            spans.push(Span::raw(format!(" {}", c.text)));
            lines.push(Line::from(spans));
        }
    }
    lines.push(Line::default());
    lines.push(heading("Reflection", theme));
    match &area.reflection {
        Some(text) => lines.extend(text.lines().map(|l| Line::from(l.to_owned()))),
        None => lines.push(Line::from(Span::styled(
            "The self-review does not cover this area.",
            theme.muted,
        ))),
    }
    for (title, items) in [("Strengths", &area.strengths), ("Gaps", &area.gaps)] {
        if !items.is_empty() {
            lines.push(Line::default());
            lines.push(heading(title, theme));
            lines.extend(items.iter().map(|s| Line::from(format!("• {s}"))));
        }
    }
    lines.push(Line::default());
    lines.push(heading(
        &format!("Evidence ({})", area.evidence.len()),
        theme,
    ));
    if area.evidence.is_empty() {
        lines.push(Line::from(Span::styled("None offered.", theme.muted)));
    }
    for (title, kind, note) in &area.evidence {
        let mut spans = vec![
            Span::raw("• "),
            Span::styled(title.clone(), theme.title),
            Span::raw(format!(" ({kind})")),
        ];
        if !note.is_empty() {
            spans.push(Span::raw(format!(" — {note}")));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::default());
    lines.push(heading(
        &format!("Actions in the {} plan ({})", view.year, area.actions.len()),
        theme,
    ));
    if area.actions.is_empty() {
        lines.push(Line::from(Span::styled(
            "No actions in this area.",
            theme.muted,
        )));
    }
    for action in &area.actions {
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", action.id), theme.key),
            Span::styled(format!("[{}]", action.status), theme.title),
            Span::raw(format!(" due {} · {}", action.due, action.owner)),
        ]));
        lines.extend(action.text.lines().map(|l| Line::from(format!("  {l}"))));
        if !action.success.is_empty() {
            lines.push(Line::from(vec![
                Span::styled("  Success: ", theme.muted),
                Span::raw(action.success.replace('\n', " ")),
            ]));
        }
        if !action.progress.is_empty() {
            lines.push(Line::from(vec![
                Span::styled("  Progress: ", theme.muted),
                Span::raw(action.progress.replace('\n', " ")),
            ]));
        }
    }
    if let Some(feedback) = &area.judgement_feedback {
        lines.push(Line::default());
        lines.push(heading("Panel feedback so far", theme));
        lines.extend(feedback.lines().map(|l| Line::from(l.to_owned())));
    }
    lines
}

impl crate::tui::screen::Navigable for SubmissionScreen {
    fn move_by(&mut self, delta: isize) {
        SubmissionScreen::move_by(self, delta);
    }

    fn page_by(&mut self, pages: isize) {
        SubmissionScreen::page_by(self, pages);
    }

    fn to_end(&mut self, end: bool) {
        SubmissionScreen::to_end(self, end);
    }
}

impl Screen for SubmissionScreen {
    fn key(&mut self, _key: &KeyEvent, action: Option<Action>, cx: &mut Cx) -> bool {
        let Some(action) = action else {
            return false;
        };
        if crate::tui::screen::navigate(self, action) {
            return true;
        }
        match action {
            Action::NextPane | Action::PrevPane => self.toggle_focus(),
            Action::PrevYear | Action::NextYear => {
                if self.data.is_none() {
                    cx.say("Wait for the submission to load.");
                    return true;
                }
                match self.other_year(action == Action::NextYear) {
                    Some(year) => {
                        *self = SubmissionScreen::open(Some(self), self.school.clone(), year, cx)
                    }
                    None => cx.say("No other year in that direction."),
                }
            }
            Action::Decide => {
                let opened = cx.opened;
                let row = opened
                    .and_then(|o| {
                        o.agenda
                            .rows
                            .iter()
                            .filter(|r| r.school == self.school && r.year == self.year)
                            // The item it was opened from, of the year's items.
                            .min_by_key(|r| self.kind.as_ref().is_some_and(|k| k != &r.kind))
                    })
                    .map(|r| Box::new(r.clone()));
                let meeting = opened
                    .and_then(|o| o.catalog.current_meeting(cx.today))
                    .map(|m| m.date.to_string())
                    .unwrap_or_default();
                let row = row.ok_or_else(|| {
                    format!(
                        "This submission is not on the agenda of the meeting on {meeting}: add it in the meeting setup ({}).",
                        cx.key_of(Action::MeetingTab)
                    )
                });
                cx.open(Open::Decision(row));
            }
            _ => return false,
        }
        true
    }

    fn click(&mut self, x: u16, y: u16, _cx: &mut Cx) {
        if let Some(position) = self.areas_hit.position(x, y) {
            self.focus = Pane::Areas;
            let current = self.areas.selected().unwrap_or(0) as isize;
            self.move_by(position as isize - current);
        } else if contains(self.detail_rect, x, y) {
            self.focus = Pane::Detail;
        }
    }

    fn scroll(&mut self, x: u16, y: u16, delta: isize, _cx: &mut Cx) {
        if contains(self.detail_rect, x, y) {
            self.scroll_by(delta);
        } else {
            let focus = self.focus;
            self.focus = Pane::Areas;
            self.move_by(delta.signum());
            self.focus = focus;
        }
    }

    fn loaded(&mut self, _tag: crate::tui::tag::Tag, response: Response, _cx: &mut Cx) {
        if let Response::Submission(result) = response {
            self.set_data(result.map(|v| *v));
        }
    }

    fn refresh(&mut self, reloaded: bool, cx: &mut Cx) {
        // Read again from the new snapshot, in the same place.
        if reloaded {
            *self = SubmissionScreen::open(Some(self), self.school.clone(), self.year, cx);
        }
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, cx: &DrawCx) {
        SubmissionScreen::draw(self, frame, area, cx.theme, cx.spinner);
    }

    fn footer(&self, _keymap: &KeyMap) -> Footer {
        Footer::Actions(vec![
            Action::Down,
            Action::NextPane,
            Action::NextYear,
            Action::Diff,
            Action::Decide,
            Action::Back,
            Action::Help,
            Action::Quit,
        ])
    }

    fn about(&self, _opened: Option<&OpenedView>) -> About {
        Some((self.school.clone(), Some(self.year)))
    }

    fn chosen(&self, _opened: Option<&OpenedView>) -> Chosen {
        Chosen {
            kind: self.kind.clone(),
            path: None,
        }
    }

    fn label(&self) -> Option<String> {
        Some(format!("Submission: {} {}", self.school, self.year))
    }
}
