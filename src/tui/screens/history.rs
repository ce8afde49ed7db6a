//! A school's history: every commit that touched it (submissions, meetings, decisions),
//! newest first, with the audit's findings beside the commit that shows each; below, the
//! selected commit's people, trailers, files and the files as they were at that commit.
//!
//! It opens on the findings of the school's own records, said to be provisional, while the
//! whole history is audited; the whole audit's findings replace them when they come.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Cell, Paragraph, Row, Scrollbar, ScrollbarOrientation, ScrollbarState, Table, TableState,
};

use crate::model::{ObjectId, SchoolId};
use crate::tui::theme::Theme;
use crate::tui::view::{Audited, CommitFilesView, HistoryRow, HistoryView, Signed};
use ratatui::crossterm::event::KeyEvent;

use crate::tui::keymap::{Action, KeyMap};
use crate::tui::loader::{Request, RequestKind, Response};
use crate::tui::screen::{About, Chosen, Cx, DrawCx, Footer, Screen};
use crate::tui::view::OpenedView;
use crate::tui::widgets::{ListHit, block, contains};
use crate::tui::wrap::wrap_hanging;

/// Which part has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Commits,
    Detail,
}

/// How far the screen has got with its history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Reading,
    /// The school's commits are shown, with the findings of its own records; the whole
    /// audit is awaited.
    OwnRecords,
    /// The whole audit's findings are shown.
    Audited,
    /// The history could not be read.
    Failed,
}

/// The history screen's state.
#[derive(Debug)]
pub struct HistoryScreen {
    pub school: SchoolId,
    /// `None` while loading.
    pub data: Option<Result<HistoryView, String>>,
    /// The selected commit's files, when read.
    pub files: Option<Result<CommitFilesView, String>>,
    pub focus: Pane,
    pub table: TableState,
    pub scroll: u16,
    max_scroll: u16,
    page: u16,
    pub hit: ListHit,
    pub detail_rect: Rect,
}

impl HistoryScreen {
    pub fn new(school: SchoolId) -> HistoryScreen {
        HistoryScreen {
            school,
            data: None,
            files: None,
            focus: Pane::Commits,
            table: TableState::default().with_selected(Some(0)),
            scroll: 0,
            max_scroll: 0,
            page: 10,
            hit: ListHit::default(),
            detail_rect: Rect::default(),
        }
    }

    /// A school's history, asked of the loader.
    pub fn open(school: SchoolId, cx: &mut Cx) -> HistoryScreen {
        let mut screen = HistoryScreen::new(school);
        screen.ask(cx);
        screen
    }

    fn ask(&mut self, cx: &mut Cx) {
        self.data = None;
        cx.request(
            0,
            Request::History {
                school: self.school.clone(),
                today: cx.today,
            },
        );
    }

    /// Asks for the selected commit's files if they are not shown yet; one read at a time.
    fn ask_files(&self, cx: &mut Cx) {
        if cx.awaits(RequestKind::CommitFiles) {
            return;
        }
        if let Some((commit, files)) = self.wants_files() {
            cx.request(0, Request::CommitFiles { commit, files });
        }
    }

    /// How far the screen has got.
    pub fn stage(&self) -> Stage {
        match &self.data {
            None => Stage::Reading,
            Some(Err(_)) => Stage::Failed,
            Some(Ok(v)) if v.audited == Audited::School => Stage::OwnRecords,
            Some(Ok(_)) => Stage::Audited,
        }
    }

    pub fn set_data(&mut self, data: Result<HistoryView, String>) {
        // Another school's history is never shown here (the loader drops stale answers too).
        if let Ok(v) = &data
            && v.school != self.school
        {
            return;
        }
        // The same commits with other findings (the whole audit's after the school's own):
        // what is selected, read and scrolled to stays.
        let same_rows = matches!((&self.data, &data), (Some(Ok(was)), Ok(now))
            if was.commit == now.commit
                && was.rows.iter().map(|r| &r.id).eq(now.rows.iter().map(|r| &r.id)));
        if same_rows {
            self.data = Some(data);
            return;
        }
        let rows = data.as_ref().map_or(0, |v| v.rows.len());
        let selected = self
            .table
            .selected()
            .unwrap_or(0)
            .min(rows.saturating_sub(1));
        self.table.select(Some(selected));
        self.data = Some(data);
        self.files = None;
        self.scroll = 0;
    }

    /// The selected commit.
    pub fn selected(&self) -> Option<&HistoryRow> {
        match &self.data {
            Some(Ok(view)) => view.rows.get(self.table.selected()?),
            _ => None,
        }
    }

    /// The files to read for the selected commit, if they are not shown yet.
    pub fn wants_files(&self) -> Option<(ObjectId, Vec<crate::model::history::FileChange>)> {
        let row = self.selected()?;
        let shown = match &self.files {
            Some(Ok(f)) => f.commit == row.id,
            _ => false,
        };
        (!shown).then(|| (row.id.clone(), row.files.clone()))
    }

    pub fn set_files(&mut self, files: Result<CommitFilesView, String>) {
        // An answer for a commit no longer selected is dropped.
        if let Ok(f) = &files
            && self.selected().is_none_or(|r| r.id != f.commit)
        {
            return;
        }
        self.files = Some(files);
    }

    fn rows(&self) -> usize {
        match &self.data {
            Some(Ok(v)) => v.rows.len(),
            _ => 0,
        }
    }

    pub fn move_by(&mut self, delta: isize) {
        match self.focus {
            Pane::Commits => {
                let rows = self.rows();
                if rows == 0 {
                    return;
                }
                let at = self.table.selected().unwrap_or(0);
                let next = at.saturating_add_signed(delta).min(rows - 1);
                if next != at {
                    self.table.select(Some(next));
                    self.scroll = 0;
                }
            }
            Pane::Detail => self.scroll_by(delta),
        }
    }

    pub fn page_by(&mut self, pages: isize) {
        match self.focus {
            Pane::Commits => self.move_by(pages * 10),
            Pane::Detail => self.scroll_by(pages * self.page as isize),
        }
    }

    pub fn to_end(&mut self, end: bool) {
        match self.focus {
            Pane::Commits => {
                let rows = self.rows();
                self.table
                    .select(Some(if end { rows.saturating_sub(1) } else { 0 }));
                self.scroll = 0;
            }
            Pane::Detail => self.scroll = if end { self.max_scroll } else { 0 },
        }
    }

    pub fn scroll_by(&mut self, delta: isize) {
        let delta = i16::try_from(delta.clamp(-1000, 1000)).unwrap_or(0);
        self.scroll = self
            .scroll
            .saturating_add_signed(delta)
            .min(self.max_scroll);
    }

    pub fn toggle_focus(&mut self) {
        self.focus = match self.focus {
            Pane::Commits => Pane::Detail,
            Pane::Detail => Pane::Commits,
        };
    }

    /// A click: on a commit selects it, in the detail gives it the keyboard.
    pub fn click(&mut self, x: u16, y: u16) {
        if let Some(position) = self.hit.position(x, y) {
            if position < self.rows() {
                self.focus = Pane::Commits;
                if self.table.selected() != Some(position) {
                    self.table.select(Some(position));
                    self.scroll = 0;
                }
            }
        } else if contains(self.detail_rect, x, y) {
            self.focus = Pane::Detail;
        }
    }

    pub fn draw(&mut self, frame: &mut Frame, area: Rect, theme: &Theme, spinner: &str) {
        let view = match &self.data {
            None => {
                // The school's own records come first; the whole audit follows them.
                frame.render_widget(
                    Paragraph::new(format!("{spinner} Reading the history of {}…", self.school))
                        .block(block("History", true, theme))
                        .style(theme.base),
                    area,
                );
                return;
            }
            Some(Err(e)) => {
                frame.render_widget(
                    Paragraph::new(vec![
                        Line::from(Span::styled("✗ Cannot read the history", theme.bad)),
                        Line::from(e.clone()),
                    ])
                    .block(block("History", true, theme))
                    .style(theme.base),
                    area,
                );
                return;
            }
            Some(Ok(view)) => view,
        };
        let [title, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(6)]).areas(area);
        let errors = view.errors();
        // The audit's verdict first: it must never be cut off.
        let mut spans = vec![Span::styled(" History ", theme.tab_active)];
        // No verdict until the whole history is audited: the school's own records may not
        // show everything about it.
        if view.audited == Audited::School {
            spans.push(Span::styled(
                format!(" {spinner} auditing the whole history… ·"),
                theme.warn,
            ));
        }
        match (&view.audit_problem, errors) {
            (Some(problem), _) if view.audited == Audited::School => {
                spans.push(Span::styled(format!(" {problem} ·"), theme.muted));
            }
            (None, 0) if view.audited == Audited::School => {}
            (None, n) if view.audited == Audited::School => spans.push(Span::styled(
                format!(" ✗ {n} finding(s) so far ·"),
                theme.bad,
            )),
            (Some(problem), _) => spans.push(Span::styled(format!(" ✗ {problem} ·"), theme.bad)),
            // A shallow clone's history is clean only as far as it goes.
            (None, 0) if view.shallow.is_some() => {
                spans.push(Span::styled(" ✓ no audit findings ·", theme.good));
            }
            (None, 0) => spans.push(Span::styled(" ✓ audit clean ·", theme.good)),
            (None, n) => spans.push(Span::styled(
                format!(" ✗ {n} audit finding(s) ·"),
                theme.bad,
            )),
        }
        // Part of the verdict: what it leaves out.
        if let Some(shallow) = &view.shallow {
            spans.push(Span::styled(format!(" {shallow} ·"), theme.warn));
        }
        spans.push(Span::styled(
            format!(" {} ({})", view.name, view.school),
            theme.title,
        ));
        spans.push(Span::styled(
            format!(" · {} commit(s) up to {}", view.rows.len(), view.commit),
            theme.muted,
        ));
        frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.base), title);

        let list_height = (body.height * 2 / 5).max(5);
        let [list, detail] =
            Layout::vertical([Constraint::Length(list_height), Constraint::Min(4)]).areas(body);
        self.draw_list(frame, list, theme);
        self.detail_rect = detail;
        self.draw_detail(frame, detail, theme, spinner);
    }

    fn draw_list(&mut self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let Some(Ok(view)) = &self.data else { return };
        let focused = self.focus == Pane::Commits;
        let outer = block("Commits, newest first", focused, theme);
        let inner = outer.inner(area);
        frame.render_widget(outer, area);
        // "S": signed (✓), refused by the audit (✗), or not signed (–); the detail says more.
        let header = Row::new(vec!["", "Date", "Commit", "What", "S", "Author", "Summary"])
            .style(theme.column_header);
        let rows: Vec<Row> = view
            .rows
            .iter()
            .map(|r| {
                let mark = if r.findings.iter().any(|f| f.error) {
                    Span::styled("✗", theme.bad)
                } else if r.findings.is_empty() {
                    Span::raw(" ")
                } else {
                    Span::styled("!", theme.warn)
                };
                Row::new(vec![
                    Cell::from(mark),
                    Cell::from(r.date.clone()),
                    Cell::from(r.short.clone()),
                    Cell::from(r.what),
                    Cell::from(match &r.signed {
                        Signed::By(_) | Signed::Unknown => Span::styled("✓", theme.good),
                        Signed::Refused(_) => Span::styled("✗", theme.bad),
                        Signed::No => Span::styled("–", theme.muted),
                    }),
                    Cell::from(r.author.clone()),
                    Cell::from(r.summary.clone()),
                ])
            })
            .collect();
        let table = Table::new(
            rows,
            [
                Constraint::Length(1),
                Constraint::Length(16),
                Constraint::Length(7),
                Constraint::Length(10),
                Constraint::Length(1),
                Constraint::Length(16),
                Constraint::Min(10),
            ],
        )
        .header(header)
        .row_highlight_style(theme.selected)
        .highlight_symbol("▶")
        .style(theme.base);
        frame.render_stateful_widget(table, inner, &mut self.table);
        self.hit = ListHit {
            rows: Rect {
                y: inner.y + 1,
                height: inner.height.saturating_sub(1),
                ..inner
            },
            offset: self.table.offset(),
        };
    }

    fn draw_detail(&mut self, frame: &mut Frame, area: Rect, theme: &Theme, spinner: &str) {
        let focused = self.focus == Pane::Detail;
        let outer = block("The commit", focused, theme);
        let inner = outer.inner(area);
        frame.render_widget(outer, area);
        let Some(row) = self.selected() else {
            frame.render_widget(
                Paragraph::new("No commit has touched this school.").style(theme.muted),
                inner,
            );
            return;
        };
        let mut lines: Vec<Line> = vec![
            Line::from(vec![
                Span::styled("Commit ", theme.column_header),
                Span::raw(row.id.to_string()),
            ]),
            Line::from(vec![
                Span::styled("Date   ", theme.column_header),
                Span::raw(row.date.clone()),
                Span::styled("   Signed ", theme.column_header),
                match &row.signed {
                    Signed::By(who) => Span::styled(format!("✓ by {who}"), theme.good),
                    Signed::Unknown => Span::styled(
                        "✓ by a key panel.ron does not list now".to_owned(),
                        theme.good,
                    ),
                    Signed::Refused(why) => Span::styled(format!("✗ {why}"), theme.bad),
                    Signed::No => Span::styled("– no signature".to_owned(), theme.muted),
                },
            ]),
            Line::from(vec![
                Span::styled("Author ", theme.column_header),
                Span::raw(format!("{} <{}>", row.author, row.author_email)),
            ]),
        ];
        if let Some(committer) = &row.committer {
            lines.push(Line::from(vec![
                Span::styled("Committed by ", theme.column_header),
                Span::raw(committer.clone()),
            ]));
        }
        lines.push(Line::from(Span::styled(row.summary.clone(), theme.title)));
        if row.boundary {
            lines.push(Line::from(Span::styled(
                "The boundary of this shallow clone: the commits before it are not in the clone, so what it changed is unknown. The files marked · were already there, recorded by it or by earlier commits; `git fetch --unshallow` fetches the whole history.",
                theme.warn,
            )));
        }
        let provisional = matches!(&self.data, Some(Ok(v)) if v.audited == Audited::School);
        if provisional {
            lines.push(Line::from(Span::styled(
                format!(
                    "{spinner} Auditing the whole history… Until it is done, the findings here are those of this school's own records, and may change."
                ),
                theme.warn,
            )));
        }
        for f in &row.findings {
            lines.push(Line::from(vec![
                Span::styled(
                    if f.error { "  ✗ " } else { "  ! " },
                    if f.error { theme.bad } else { theme.warn },
                ),
                Span::styled(format!("[{}] ", f.rule), theme.muted),
                Span::raw(f.message.clone()),
            ]));
        }
        if !row.trailers.is_empty() {
            lines.push(Line::default());
            for (k, v) in &row.trailers {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {k}: "), theme.column_header),
                    Span::raw(v.clone()),
                ]));
            }
        }
        lines.push(Line::default());
        for c in &row.changes {
            lines.push(Line::from(vec![
                Span::styled(format!("  {} ", c.letter), theme.key),
                Span::raw(c.path.clone()),
            ]));
        }
        lines.push(Line::default());
        match &self.files {
            Some(Ok(files)) if files.commit == row.id => {
                for (heading, text) in &files.files {
                    lines.push(Line::from(Span::styled(
                        heading.clone(),
                        theme.column_header,
                    )));
                    for line in text.lines() {
                        lines.push(Line::from(format!("  {line}")));
                    }
                    lines.push(Line::default());
                }
            }
            Some(Err(e)) => lines.push(Line::from(Span::styled(
                format!("✗ The files cannot be read: {e}"),
                theme.bad,
            ))),
            _ => lines.push(Line::from(Span::styled(
                format!("{spinner} Reading the files as they were at this commit…"),
                theme.muted,
            ))),
        }
        let width = inner.width.saturating_sub(1);
        let lines = wrap_hanging(&lines, width, 8);
        let visible = usize::from(inner.height);
        self.page = inner.height.saturating_sub(1).max(1);
        self.max_scroll = u16::try_from(lines.len().saturating_sub(visible)).unwrap_or(u16::MAX);
        self.scroll = self.scroll.min(self.max_scroll);
        let start = usize::from(self.scroll).min(lines.len());
        let shown = lines[start..(start + visible).min(lines.len())].to_vec();
        frame.render_widget(Paragraph::new(shown).style(theme.base), inner);
        if self.max_scroll > 0 {
            let mut state = ScrollbarState::new(usize::from(self.max_scroll))
                .position(usize::from(self.scroll));
            frame.render_stateful_widget(
                Scrollbar::new(ScrollbarOrientation::VerticalRight),
                area,
                &mut state,
            );
        }
    }
}

impl crate::tui::screen::Navigable for HistoryScreen {
    fn move_by(&mut self, delta: isize) {
        HistoryScreen::move_by(self, delta);
    }

    fn page_by(&mut self, pages: isize) {
        HistoryScreen::page_by(self, pages);
    }

    fn to_end(&mut self, end: bool) {
        HistoryScreen::to_end(self, end);
    }
}

impl Screen for HistoryScreen {
    fn key(&mut self, _key: &KeyEvent, action: Option<Action>, cx: &mut Cx) -> bool {
        let Some(action) = action else {
            return false;
        };
        if crate::tui::screen::navigate(self, action) {
            self.ask_files(cx);
            return true;
        }
        match action {
            Action::NextPane | Action::PrevPane => self.toggle_focus(),
            Action::Open => self.focus = Pane::Detail,
            // The detail gives the keyboard back to the commits before the screen is left.
            Action::Back if self.focus == Pane::Detail => self.focus = Pane::Commits,
            _ => return false,
        }
        true
    }

    fn click(&mut self, x: u16, y: u16, cx: &mut Cx) {
        HistoryScreen::click(self, x, y);
        self.ask_files(cx);
    }

    fn scroll(&mut self, x: u16, y: u16, delta: isize, cx: &mut Cx) {
        if contains(self.detail_rect, x, y) {
            self.scroll_by(delta);
        } else {
            let focus = self.focus;
            self.focus = Pane::Commits;
            self.move_by(delta.signum());
            self.focus = focus;
        }
        self.ask_files(cx);
    }

    fn loaded(&mut self, _tag: crate::tui::tag::Tag, response: Response, cx: &mut Cx) {
        match response {
            Response::History(result) => self.set_data(result.map(|v| *v)),
            Response::CommitFiles(result) => self.set_files(result.map(|v| *v)),
            _ => return,
        }
        self.ask_files(cx);
    }

    fn refresh(&mut self, reloaded: bool, cx: &mut Cx) {
        if reloaded {
            self.ask(cx);
        }
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, cx: &DrawCx) {
        HistoryScreen::draw(self, frame, area, cx.theme, cx.spinner);
    }

    fn footer(&self, _keymap: &KeyMap) -> Footer {
        Footer::Actions(vec![
            Action::Down,
            Action::Open,
            Action::NextPane,
            Action::Export,
            Action::Back,
            Action::Help,
            Action::Quit,
        ])
    }

    fn about(&self, _opened: Option<&OpenedView>) -> About {
        let year = self
            .selected()
            .and_then(|r| r.trailers.iter().find(|(k, _)| k == "Year"))
            .and_then(|(_, v)| v.parse().ok());
        Some((self.school.clone(), year))
    }

    /// A decision's commit names its kind in a trailer and its file among its changes.
    fn chosen(&self, _opened: Option<&OpenedView>) -> Chosen {
        let Some(row) = self.selected() else {
            return Chosen::default();
        };
        let kind = row
            .trailers
            .iter()
            .find(|(k, _)| k == "Kind")
            .and_then(|(_, v)| v.parse().ok());
        let mut decisions = row
            .files
            .iter()
            .filter(|f| f.path.starts_with("decisions/"));
        // Only a commit of one decision file says which decision it is.
        let path = match (decisions.next(), decisions.next()) {
            (Some(one), None) if kind.is_some() => Some(one.path.clone()),
            _ => None,
        };
        Chosen { kind, path }
    }
}
