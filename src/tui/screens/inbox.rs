//! The inbox: the workbooks schools sent, dropped in a folder by the panel's administrator,
//! each with the school and year it is for and where it stands (ready, problems, already
//! submitted, changed since submitted, unreadable), what is wrong with it sheet by cell, or
//! what submitting it would commit. The folder is read again every couple of seconds while
//! the screen is on show, so a workbook dropped in appears by itself; a ready one is
//! submitted after a question that also names the administrator who enters it.

use std::time::{Duration, Instant};

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};

use crate::model::MemberId;
use crate::model::text::sanitize_inline;
use crate::record::inbox::{InboxEntry, InboxListing, InboxState, NotSubmitted, SUBMITTED_FOLDER};
use crate::tui::config::Inbox;
use crate::tui::keymap::{Action, KeyMap, Scope};
use crate::tui::loader::{Request, RequestKind, Response};
use crate::tui::screen::{About, Cx, DrawCx, Effect, Footer, Navigable, Screen, navigate};
use crate::tui::tag::Tag;
use crate::tui::theme::Theme;
use crate::tui::view::OpenedView;
use crate::tui::widgets::{ListHit, block, draw_lines, ellipsis};
use crate::tui::wrap::wrap_hanging;

/// How often the folder is read again while the screen is on show.
pub const RESCAN_EVERY: Duration = Duration::from_secs(2);

/// The inbox screen's state.
#[derive(Debug)]
pub struct InboxScreen {
    settings: Inbox,
    listing: Option<InboxListing>,
    error: Option<String>,
    state: TableState,
    hit: ListHit,
    /// "Submit this workbook?" is asked: the workbook's name, and which administrator
    /// (among the panel's) is chosen to enter it.
    confirm: Option<(String, usize)>,
    /// The workbook being submitted.
    submitting: Option<String>,
    last_scan: Option<Instant>,
    /// How far the detail is scrolled, in wrapped lines.
    detail_scroll: usize,
}

/// The panel's administrators, id and name made safe for the terminal.
fn administrators(opened: Option<&OpenedView>) -> Vec<(MemberId, String)> {
    opened
        .map(|o| {
            o.catalog
                .panel
                .members
                .iter()
                .filter(|m| m.administrator)
                .map(|m| (m.id.clone(), sanitize_inline(&m.name).into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

impl InboxScreen {
    /// The screen on the folder the config names, reading it at once.
    pub fn open(settings: Inbox, cx: &mut Cx) -> InboxScreen {
        let mut screen = InboxScreen {
            settings,
            listing: None,
            error: None,
            state: TableState::default(),
            hit: ListHit::default(),
            confirm: None,
            submitting: None,
            last_scan: None,
            detail_scroll: 0,
        };
        screen.scan(cx);
        screen
    }

    /// Who enters a submission unless the question chooses another: the member the config
    /// names, else the panel's first (or only) administrator.
    fn default_administrator(&self, opened: Option<&OpenedView>) -> Option<MemberId> {
        self.settings
            .member
            .clone()
            .or_else(|| administrators(opened).into_iter().next().map(|(id, _)| id))
    }

    /// Reads the folder again.
    pub fn scan(&mut self, cx: &mut Cx) {
        self.last_scan = Some(Instant::now());
        // Workbooks are checked against the repository as read: until it is, there is
        // nothing to check them against (the screen is refreshed once it is read).
        if cx.opened.is_none() {
            return;
        }
        let entered_by = self.default_administrator(cx.opened);
        cx.request(
            0,
            Request::ScanInbox {
                folder: self.settings.folder.clone(),
                entered_by,
            },
        );
    }

    fn entries(&self) -> &[InboxEntry] {
        self.listing.as_ref().map_or(&[], |l| l.entries.as_slice())
    }

    fn selected(&self) -> Option<&InboxEntry> {
        self.entries().get(self.state.selected()?)
    }

    /// Asks whether to submit the selected workbook, or says why it cannot be.
    fn ask(&mut self, cx: &mut Cx) {
        let Some(entry) = self.selected() else {
            cx.say("There is no workbook to submit.");
            return;
        };
        let why_not = match entry.state {
            InboxState::Ready | InboxState::Changed => None,
            InboxState::Problems => Some(format!(
                "{} has problems: the school must correct them and send it again.",
                entry.name
            )),
            InboxState::Submitted => Some(format!(
                "The repository already holds exactly what {} says.",
                entry.name
            )),
            InboxState::Unreadable => Some(format!("{} cannot be read.", entry.name)),
            InboxState::OldFormat => Some(format!(
                "{} must be saved again as .xlsx first.",
                entry.name
            )),
        };
        if let Some(why) = why_not {
            cx.say(why);
            return;
        }
        let admins = administrators(cx.opened);
        if admins.is_empty() {
            cx.warn(
                "✗ The panel has no administrator to enter submissions: mark one in panel.ron (administrator: true).",
            );
            return;
        }
        let chosen = self
            .settings
            .member
            .as_ref()
            .and_then(|m| admins.iter().position(|(id, _)| id == m))
            .unwrap_or(0);
        self.confirm = Some((entry.file.clone(), chosen));
    }

    fn answer(&mut self, key: &KeyEvent, action: Option<Action>, cx: &mut Cx) {
        let Some((name, chosen)) = self.confirm.clone() else {
            return;
        };
        let admins = administrators(cx.opened);
        match (cx.keymap.action_in(Scope::Question, key), action) {
            (Some(Action::ConfirmRecord), _) => {
                self.confirm = None;
                let (Some(entry), Some((member, _))) = (
                    self.entries().iter().find(|e| e.file == name),
                    admins.get(chosen),
                ) else {
                    cx.warn("✗ Nothing was submitted: the workbook is no longer in the inbox.");
                    return;
                };
                let request = Request::SubmitWorkbook {
                    folder: self.settings.folder.clone(),
                    name: name.clone(),
                    seen: entry.stamp,
                    entered_by: member.clone(),
                };
                self.submitting = Some(name);
                cx.request(0, request);
            }
            (Some(Action::NotYet), _) => {
                self.confirm = None;
                cx.say("Not submitted.");
            }
            (_, Some(Action::Up)) => {
                self.confirm = Some((name, chosen.saturating_sub(1)));
            }
            (_, Some(Action::Down)) => {
                let last = admins.len().saturating_sub(1);
                self.confirm = Some((name, (chosen + 1).min(last)));
            }
            _ => {}
        }
    }

    fn submitted(&mut self, response: Response, cx: &mut Cx) {
        let name = sanitize_inline(&self.submitting.take().unwrap_or_default()).into_owned();
        let failed =
            |messages: Vec<String>| format!("✗ Nothing was submitted: {}", messages.join(" · "));
        match response {
            Response::WorkbookSubmitted(Ok(done)) => {
                let notes = done
                    .notes
                    .iter()
                    .map(|n| format!(" · {n}"))
                    .collect::<String>();
                match &done.moved_to {
                    Ok(to) => {
                        let file = to
                            .file_name()
                            .map(|f| sanitize_inline(&f.to_string_lossy()).into_owned())
                            .unwrap_or_default();
                        cx.say(format!(
                            "✓ Submitted {} {} in commit {}; the workbook is now in {SUBMITTED_FOLDER}/{file}{notes}",
                            done.school, done.year, done.commit
                        ));
                    }
                    Err(e) => cx.warn(format!(
                        "! Submitted {} {} in commit {}, but {name} stays in the inbox: {}{notes}",
                        done.school,
                        done.year,
                        done.commit,
                        sanitize_inline(e)
                    )),
                }
                // The new commit is read; the folder is read again once it is.
                cx.effect(Effect::Reload);
            }
            Response::WorkbookSubmitted(Err(NotSubmitted(messages))) => {
                cx.warn(failed(messages));
                self.scan(cx);
            }
            Response::Committed(Err(failure)) => {
                cx.warn(failed(failure.messages));
                self.scan(cx);
            }
            _ => {}
        }
    }

    fn draw_list(&mut self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let folder = self.settings.folder.display().to_string();
        // The listing's field, not `entries()`: the rows borrow it while the table state is
        // borrowed mutably to draw, and nothing is copied in every frame.
        let entries: &[InboxEntry] = self.listing.as_ref().map_or(&[], |l| &l.entries);
        let title = format!("Inbox {} ({})", folder, entries.len());
        let inner = area.width.saturating_sub(4);
        let state_width = 24;
        let year_width = 8;
        let school_width = entries
            .iter()
            .filter_map(|e| e.school.as_ref())
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(6)
            .clamp(6, 20) as u16;
        let name_width = inner
            .saturating_sub(state_width + year_width + school_width + 3 + 2)
            .max(8);
        let rows: Vec<Row> = entries
            .iter()
            .map(|e| {
                let (state, style) = state_text(e, theme);
                Row::new(vec![
                    Cell::from(ellipsis(&e.name, usize::from(name_width))),
                    Cell::from(ellipsis(
                        e.school.as_deref().unwrap_or("—"),
                        usize::from(school_width),
                    )),
                    Cell::from(e.year.clone().unwrap_or_else(|| "—".into())),
                    Cell::from(state).style(style),
                ])
            })
            .collect();
        let table = Table::new(
            rows,
            [
                Constraint::Length(name_width),
                Constraint::Length(school_width),
                Constraint::Length(year_width),
                Constraint::Length(state_width),
            ],
        )
        .header(Row::new(vec!["Workbook", "School", "Year", "State"]).style(theme.column_header))
        .block(block(
            &ellipsis(&title, usize::from(area.width.saturating_sub(4))),
            true,
            theme,
        ))
        .row_highlight_style(theme.selected)
        .highlight_symbol("▶ ")
        .style(theme.base);
        frame.render_stateful_widget(table, area, &mut self.state);
        self.hit = ListHit::in_bordered_table(area, self.state.offset());
    }

    fn draw_detail(&mut self, frame: &mut Frame, area: Rect, cx: &DrawCx) {
        let theme = cx.theme;
        let Some(entry) = self.selected() else {
            let text = vec![
                Line::from(format!(
                    "No workbooks in {}.",
                    self.settings.folder.display()
                )),
                Line::default(),
                Line::from(Span::styled(
                    "Drop the workbooks schools send in this folder: they appear here by themselves.",
                    theme.muted,
                )),
            ];
            frame.render_widget(
                Paragraph::new(text)
                    .wrap(Wrap { trim: false })
                    .block(block("Workbook", false, theme))
                    .style(theme.base),
                area,
            );
            return;
        };
        if let Some((file, chosen)) = &self.confirm
            && *file == entry.file
        {
            return self.draw_question(frame, area, entry, *chosen, cx);
        }
        let mut lines: Vec<Line<'static>> = Vec::new();
        if self.submitting.as_deref() == Some(entry.file.as_str()) {
            lines.push(Line::from(Span::styled(
                format!("{} Submitting…", cx.spinner),
                theme.warn,
            )));
            lines.push(Line::default());
        }
        let title = match entry.state {
            InboxState::Problems | InboxState::Unreadable | InboxState::OldFormat => {
                let n = entry.problems.len();
                if entry.state == InboxState::Problems {
                    lines.push(Line::from(Span::styled(
                        "The school must correct these cells and send the workbook again:",
                        theme.muted,
                    )));
                }
                for problem in &entry.problems {
                    lines.push(Line::from(vec![
                        Span::styled("✗ ", theme.bad),
                        Span::raw(problem.clone()),
                    ]));
                }
                format!("{} — {n} problem{}", entry.name, plural(n))
            }
            InboxState::Ready | InboxState::Changed | InboxState::Submitted => {
                let intro = match entry.state {
                    InboxState::Ready => "Submitting it commits, in the name of",
                    InboxState::Changed => {
                        "The repository holds a different submission for this school and year. Submitting this one replaces it, committing in the name of"
                    }
                    _ => {
                        "The repository already holds exactly these files, as committed in the name of"
                    }
                };
                if let Some(commit) = &entry.commit {
                    lines.push(Line::from(format!("{intro} {}:", commit.author)));
                    for file in &commit.files {
                        lines.push(Line::from(Span::styled(format!("  {file}"), theme.good)));
                    }
                    if entry.state != InboxState::Submitted {
                        lines.push(Line::default());
                        lines.push(Line::from(Span::styled("Message:", theme.muted)));
                        for line in commit.message.lines() {
                            lines.push(Line::from(format!("  {line}")));
                        }
                    }
                }
                match entry.state {
                    InboxState::Submitted => format!("{} — already submitted", entry.name),
                    _ => format!("{} — to submit", entry.name),
                }
            }
        };
        // A workbook with many problems scrolls by pages, the list keeping the moving keys.
        let outer = block(&title, false, theme);
        let inner = outer.inner(area);
        let wrapped = wrap_hanging(&lines, inner.width, 8);
        let visible = usize::from(inner.height);
        let last = wrapped.len().saturating_sub(visible);
        self.detail_scroll = self.detail_scroll.min(last);
        let more = self.detail_scroll < last;
        let outer = if more {
            let key = cx.keymap.first(Action::PageDown);
            outer.title_bottom(Line::from(Span::styled(
                format!(" {key} more "),
                theme.muted,
            )))
        } else {
            outer
        };
        frame.render_widget(outer, area);
        let shown: Vec<Line> = wrapped
            .into_iter()
            .skip(self.detail_scroll)
            .take(visible)
            .collect();
        frame.render_widget(Paragraph::new(shown).style(theme.base), inner);
    }

    fn draw_question(
        &self,
        frame: &mut Frame,
        area: Rect,
        entry: &InboxEntry,
        chosen: usize,
        cx: &DrawCx,
    ) {
        let theme = cx.theme;
        let admins = administrators(cx.opened);
        let mut lines: Vec<Line<'static>> = Vec::new();
        let whose = format!(
            "{} {}",
            entry.school.as_deref().unwrap_or("—"),
            entry.year.as_deref().unwrap_or("—")
        );
        let author = entry
            .commit
            .as_ref()
            .map(|c| c.author.clone())
            .unwrap_or_default();
        lines.push(Line::from(format!(
            "Submit {whose} in the name of {author}?"
        )));
        if entry.state == InboxState::Changed {
            lines.push(Line::from(Span::styled(
                "It replaces the submission the repository holds for this school and year.",
                theme.warn,
            )));
        }
        lines.push(Line::from("Entered by:"));
        for (i, (id, name)) in admins.iter().enumerate() {
            let (mark, style) = if i == chosen {
                ("▶ ", theme.selected)
            } else {
                ("  ", theme.base)
            };
            lines.push(Line::from(Span::styled(
                format!("{mark}{name} ({id})"),
                style,
            )));
        }
        lines.push(Line::default());
        let keys = cx.keymap;
        lines.push(Line::from(Span::styled(
            format!(
                "{} submits · {} {} choose who entered it · {} not yet",
                keys.first(Action::ConfirmRecord),
                keys.first(Action::Up),
                keys.first(Action::Down),
                keys.describe(Action::NotYet),
            ),
            theme.key,
        )));
        let keep = 3 + chosen;
        draw_lines(
            frame,
            area,
            lines,
            &format!("Submit {}?", entry.name),
            true,
            theme,
            keep,
        );
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A workbook's state in the list, and its style.
fn state_text(entry: &InboxEntry, theme: &Theme) -> (String, ratatui::style::Style) {
    match entry.state {
        InboxState::Ready => ("ready".into(), theme.good),
        InboxState::Problems => {
            let n = entry.problems.len();
            (format!("{n} problem{}", plural(n)), theme.bad)
        }
        InboxState::Submitted => ("already submitted".into(), theme.muted),
        InboxState::Changed => ("changed since submitted".into(), theme.warn),
        InboxState::Unreadable => ("unreadable".into(), theme.bad),
        InboxState::OldFormat => (".xls: save as .xlsx".into(), theme.warn),
    }
}

impl Navigable for InboxScreen {
    fn move_by(&mut self, delta: isize) {
        self.detail_scroll = 0;
        let n = self.entries().len();
        if n == 0 {
            return;
        }
        let at = self.state.selected().unwrap_or(0);
        let to = at.saturating_add_signed(delta).min(n - 1);
        self.state.select(Some(to));
    }

    /// Pages scroll the detail: the problems of a workbook can run long.
    fn page_by(&mut self, pages: isize) {
        let step = pages.saturating_mul(8);
        self.detail_scroll = self.detail_scroll.saturating_add_signed(step);
    }

    fn to_end(&mut self, end: bool) {
        self.detail_scroll = 0;
        let n = self.entries().len();
        if n > 0 {
            self.state.select(Some(if end { n - 1 } else { 0 }));
        }
    }
}

impl Screen for InboxScreen {
    fn key(&mut self, key: &KeyEvent, action: Option<Action>, cx: &mut Cx) -> bool {
        if self.confirm.is_some() {
            // Quitting stays possible; every other key answers the question.
            if action == Some(Action::Quit) {
                return false;
            }
            self.answer(key, action, cx);
            return true;
        }
        if action == Some(Action::SubmitWorkbook) {
            if self.submitting.is_some() {
                cx.say("A workbook is being submitted: wait for it.");
            } else {
                self.ask(cx);
            }
            return true;
        }
        action.is_some_and(|a| navigate(self, a))
    }

    fn click(&mut self, x: u16, y: u16, _cx: &mut Cx) {
        if self.confirm.is_none()
            && let Some(at) = self.hit.position(x, y)
            && at < self.entries().len()
        {
            self.detail_scroll = 0;
            self.state.select(Some(at));
        }
    }

    fn scroll(&mut self, _x: u16, _y: u16, delta: isize, _cx: &mut Cx) {
        if self.confirm.is_none() {
            self.move_by(delta.signum());
        }
    }

    fn loaded(&mut self, _tag: Tag, response: Response, cx: &mut Cx) {
        match response {
            Response::Inbox(Ok(listing)) => {
                // The same workbook stays selected when others come and go.
                let keep = self.selected().map(|e| e.file.clone());
                let listing = *listing;
                let at = keep
                    .and_then(|file| listing.entries.iter().position(|e| e.file == file))
                    .or_else(|| (!listing.entries.is_empty()).then_some(0))
                    .map(|at| at.min(listing.entries.len().saturating_sub(1)));
                self.state.select(at);
                // A question about a workbook that has gone, or changed, is no longer asked.
                if let Some((name, _)) = &self.confirm {
                    let old = self.entries().iter().find(|e| e.file == *name);
                    let new = listing.entries.iter().find(|e| e.file == *name);
                    if old.map(|e| e.stamp) != new.map(|e| e.stamp) || new.is_none() {
                        self.confirm = None;
                        cx.say("The workbook changed: look at it again before submitting it.");
                    }
                }
                self.listing = Some(listing);
                self.error = None;
            }
            Response::Inbox(Err(e)) => self.error = Some(e),
            response => self.submitted(response, cx),
        }
    }

    fn refresh(&mut self, reloaded: bool, cx: &mut Cx) {
        if reloaded {
            self.scan(cx);
        }
    }

    fn hide(&mut self) {
        self.confirm = None;
    }

    fn tick(&mut self, cx: &mut Cx) {
        let due = self.last_scan.is_none_or(|at| at.elapsed() >= RESCAN_EVERY);
        if due && !cx.awaits(RequestKind::Inbox) {
            self.scan(cx);
        }
    }

    fn ticks(&self) -> bool {
        true
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, cx: &DrawCx) {
        let theme = cx.theme;
        let message = match (&self.listing, &self.error) {
            (_, Some(error)) => Some(vec![
                Line::from(Span::styled("✗ Cannot read the inbox", theme.bad)),
                Line::default(),
                Line::from(error.clone()),
            ]),
            (None, None) => Some(vec![Line::from(format!(
                "{} Reading the inbox {}…",
                cx.spinner,
                self.settings.folder.display()
            ))]),
            (Some(listing), None) if listing.missing => Some(vec![
                Line::from(format!(
                    "The inbox folder {} does not exist yet.",
                    self.settings.folder.display()
                )),
                Line::default(),
                Line::from(
                    "Make it and drop the workbooks schools send in it, or name another folder in the config file:",
                ),
                Line::from(Span::styled("    inbox: \"~/path/to/folder\",", theme.key)),
            ]),
            _ => None,
        };
        if let Some(text) = message {
            frame.render_widget(
                Paragraph::new(text)
                    .wrap(Wrap { trim: false })
                    .block(block("Inbox", true, theme))
                    .style(theme.base),
                area,
            );
            return;
        }
        let listed = u16::try_from(self.entries().len()).unwrap_or(u16::MAX);
        let list_height = listed.saturating_add(3).clamp(4, (area.height / 2).max(4));
        let [list, detail] =
            Layout::vertical([Constraint::Length(list_height), Constraint::Min(4)]).areas(area);
        self.draw_list(frame, list, theme);
        self.draw_detail(frame, detail, cx);
    }

    fn footer(&self, keymap: &KeyMap) -> Footer {
        if self.confirm.is_some() {
            let key = |a| keymap.first(a);
            return Footer::Keys {
                keys: vec![
                    (key(Action::ConfirmRecord), "submit".into()),
                    (
                        format!("{}/{}", key(Action::Up), key(Action::Down)),
                        "entered by".into(),
                    ),
                    (key(Action::NotYet), "not yet".into()),
                ],
                typing: false,
            };
        }
        Footer::Actions(vec![
            Action::Down,
            Action::SubmitWorkbook,
            Action::PageDown,
            Action::Back,
            Action::Reload,
            Action::Help,
            Action::Quit,
        ])
    }

    fn about(&self, opened: Option<&OpenedView>) -> About {
        let entry = self.selected()?;
        let school = entry.school.as_ref()?.parse().ok()?;
        let year = entry.year.as_ref().and_then(|y| y.parse().ok());
        // Only a school the repository knows: H and the like open what is there.
        opened?
            .catalog
            .schools
            .contains_key(&school)
            .then_some((school, year))
    }

    fn label(&self) -> Option<String> {
        let ready = self
            .entries()
            .iter()
            .filter(|e| e.state.submittable())
            .count();
        (ready > 0).then(|| format!("Inbox ({ready} ready)"))
    }
}
