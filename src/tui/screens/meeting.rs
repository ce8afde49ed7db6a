//! Meeting setup: who is present, who sent apologies, the chair, declared conflicts and the
//! agenda's order, recorded as the meeting's file. Conflicts that follow from members'
//! affiliations are shown beside the declared ones and added when the meeting is recorded.

use std::sync::Arc;

use jiff::civil::Date;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui_textarea::TextArea;

use super::record::{self, FormBody, Offer, Reply, SaveState, Shell, draw_draft_stage};
use crate::model::catalog::Catalog;
use crate::model::decide::affiliation_conflicts;
use crate::model::draft::MeetingDraft;
use crate::model::meeting::{AgendaItem, Conflict, ConflictKind};
use crate::model::text::clean;
use crate::model::{MemberId, SchoolId};
use crate::tui::edit::Editor;
use crate::tui::keymap::{Action, KeyMap, Scope};
use crate::tui::loader::{Request, Response};
use crate::tui::screen::{About, Cx, DrawCx, Footer, Screen};
use crate::tui::tag::{ScreenId, Tag};
use crate::tui::theme::Theme;
use crate::tui::view::OpenedView;
use crate::tui::widgets::{block, centred, contains, draw_lines, draw_text, ellipsis};

/// A member's attendance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attendance {
    Present,
    Apologies,
    NotRecorded,
}

impl Attendance {
    fn next(self) -> Attendance {
        match self {
            Attendance::NotRecorded => Attendance::Present,
            Attendance::Present => Attendance::Apologies,
            Attendance::Apologies => Attendance::NotRecorded,
        }
    }
}

/// The screen's panes, in the order Tab visits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Attendance,
    Conflicts,
    Agenda,
    Record,
}

const PANES: [Pane; 4] = [
    Pane::Attendance,
    Pane::Conflicts,
    Pane::Agenda,
    Pane::Record,
];

const KINDS: [ConflictKind; 4] = [
    ConflictKind::Institutional,
    ConflictKind::ProfessionalInvolvement,
    ConflictKind::Personal,
    ConflictKind::Other,
];

/// Declaring a conflict: member, school, kind and reason.
struct ConflictDialog {
    field: usize,
    member: usize,
    school: usize,
    kind: usize,
    reason: Editor,
    schools: Vec<SchoolId>,
    problem: Option<String>,
}

/// Adding a submission awaiting a decision to the agenda.
struct ItemDialog {
    cursor: usize,
    items: Vec<AgendaItem>,
}

enum Dialog {
    Conflict(Box<ConflictDialog>),
    Item(ItemDialog),
}

/// The meeting setup's state.
pub struct MeetingSetup {
    catalog: Arc<Catalog>,
    pub date: Date,
    /// Whether the meeting's file exists already.
    pub recorded: bool,
    location: String,
    notes: String,
    chair: Option<MemberId>,
    /// One per panel member, in the panel's order.
    attendance: Vec<Attendance>,
    conflicts: Vec<Conflict>,
    agenda: Vec<AgendaItem>,
    /// The readers confirmed for the agenda's items, kept as recorded.
    readers: Vec<crate::model::ItemReaders>,
    /// Submissions awaiting a decision, to add to the agenda.
    awaiting: Vec<AgendaItem>,
    pub pane: Pane,
    cursors: [usize; 3],
    dialog: Option<Dialog>,
    /// The drafts, the preview and the recording, as every recording form has them.
    pub shell: Shell<MeetingDraft>,
    pane_rects: Vec<(Rect, Pane)>,
}

impl MeetingSetup {
    /// The setup of the meeting on `date`: as recorded if it is, else a new meeting whose
    /// agenda is everything awaiting a decision.
    pub fn new(catalog: Arc<Catalog>, date: Date, today: Date) -> MeetingSetup {
        let awaiting: Vec<AgendaItem> = catalog
            .awaiting_decision(today)
            .into_iter()
            .map(|a| AgendaItem {
                school: a.school,
                year: a.year,
                kind: a.kind,
            })
            .collect();
        let recorded = catalog.meetings.get(&date);
        let draft = match recorded {
            Some(m) => MeetingDraft::from_meeting(m),
            None => MeetingDraft {
                agenda: awaiting.clone(),
                ..MeetingDraft::new(date)
            },
        };
        let mut setup = MeetingSetup {
            recorded: recorded.is_some(),
            date,
            location: String::new(),
            notes: String::new(),
            chair: None,
            attendance: vec![Attendance::NotRecorded; catalog.panel.members.len()],
            conflicts: Vec::new(),
            agenda: Vec::new(),
            readers: Vec::new(),
            awaiting,
            pane: Pane::Attendance,
            cursors: [0; 3],
            dialog: None,
            shell: Shell::new("meeting"),
            pane_rects: Vec::new(),
            catalog,
        };
        setup.fill(&draft);
        setup.shell.save = SaveState::Clean;
        setup
    }

    fn fill(&mut self, draft: &MeetingDraft) {
        // Conflicts that follow from affiliations are shown from panel.ron, not as declared.
        let automatic = |c: &Conflict| {
            self.catalog
                .panel
                .member(&c.member)
                .is_some_and(|m| m.affiliations.contains(&c.school))
                && c.kind == ConflictKind::Institutional
        };
        self.conflicts = draft
            .conflicts
            .iter()
            .filter(|c| !automatic(c))
            .cloned()
            .collect();
        self.location = draft.location.clone();
        self.notes = draft.notes.clone();
        self.chair = draft.chair.clone();
        self.agenda = draft.agenda.clone();
        self.readers = draft.readers.clone();
        self.attendance = self
            .catalog
            .panel
            .members
            .iter()
            .map(|m| {
                if draft.present.contains(&m.id) {
                    Attendance::Present
                } else if draft.apologies.contains(&m.id) {
                    Attendance::Apologies
                } else {
                    Attendance::NotRecorded
                }
            })
            .collect();
        self.shell.revision += 1;
    }

    /// Takes the repository's new state (after a reload): a setup nobody has changed shows
    /// the meeting as now recorded; one with changes keeps them.
    pub fn rebind(&mut self, catalog: Arc<Catalog>, today: Date) {
        let mut fresh = MeetingSetup::new(catalog, self.date, today);
        if self.shell.save != SaveState::Clean {
            fresh.fill(&self.draft());
        }
        fresh.pane = self.pane;
        fresh.cursors = self.cursors;
        fresh.shell.revision = self.shell.revision + 1;
        fresh.shell.save = std::mem::take(&mut self.shell.save);
        fresh.shell.offer = self.shell.offer.take();
        fresh.shell.looking = self.shell.looking;
        *self = fresh;
    }

    /// Fills the setup from a saved draft.
    pub fn restore(&mut self, draft: &MeetingDraft) {
        self.fill(draft);
        self.shell.save = SaveState::Saved;
    }

    /// Offers back a draft found on disk, unless it matches what is recorded.
    pub fn offer(&mut self, draft: MeetingDraft, saved: Option<String>) {
        if draft == self.draft() {
            return;
        }
        let present = draft.present.len();
        let summary = vec![
            format!(
                "{present} present, {} with apologies",
                draft.apologies.len()
            ),
            format!("{} declared conflict(s)", draft.conflicts.len()),
            format!("{} item(s) on the agenda", draft.agenda.len()),
        ];
        self.shell.offer = Some((Offer { saved, summary }, Box::new(draft)));
    }

    pub fn draft_key(&self) -> String {
        self.draft().key()
    }

    /// The setup as a draft, to save or to record.
    pub fn draft(&self) -> MeetingDraft {
        let members = &self.catalog.panel.members;
        let with = |a: Attendance| -> Vec<MemberId> {
            members
                .iter()
                .zip(&self.attendance)
                .filter(|(_, s)| **s == a)
                .map(|(m, _)| m.id.clone())
                .collect()
        };
        MeetingDraft {
            date: self.date,
            chair: self.chair.clone(),
            location: self.location.clone(),
            present: with(Attendance::Present),
            apologies: with(Attendance::Apologies),
            conflicts: self.conflicts.clone(),
            agenda: self.agenda.clone(),
            notes: self.notes.clone(),
            readers: self.readers.clone(),
        }
    }

    /// Whether every key goes to the screen (a dialog is open), so none is an action.
    pub fn typing(&self) -> bool {
        self.dialog.is_some()
    }

    fn changed(&mut self) -> Reply {
        self.shell.changed()
    }

    fn pane_index(&self) -> usize {
        PANES.iter().position(|p| *p == self.pane).unwrap_or(0)
    }

    fn count(&self, pane: Pane) -> usize {
        match pane {
            Pane::Attendance => self.attendance.len(),
            Pane::Conflicts => self.conflicts.len() + self.automatic().len(),
            Pane::Agenda => self.agenda.len(),
            Pane::Record => 0,
        }
    }

    /// Conflicts from affiliations for the members present and the schools on the agenda.
    fn automatic(&self) -> Vec<Conflict> {
        match self.draft().to_meeting() {
            Ok(m) => affiliation_conflicts(&self.catalog.panel, &m),
            Err(_) => {
                let mut d = self.draft();
                d.chair = self.catalog.panel.members.first().map(|m| m.id.clone());
                d.to_meeting()
                    .map(|m| affiliation_conflicts(&self.catalog.panel, &m))
                    .unwrap_or_default()
            }
        }
    }

    fn move_cursor(&mut self, delta: isize) {
        let i = self.pane_index();
        if i >= 3 {
            self.shell.recording.scroll_by(delta as i32);
            return;
        }
        let count = self.count(self.pane);
        self.cursors[i] = self.cursors[i]
            .saturating_add_signed(delta)
            .min(count.saturating_sub(1));
    }

    fn cursor(&self) -> usize {
        self.cursors.get(self.pane_index()).copied().unwrap_or(0)
    }

    /// Handles a key; what it did tells the app what to follow up.
    pub fn handle_key(&mut self, key: KeyEvent, keymap: &KeyMap) -> Reply {
        if self.dialog.is_some() {
            return self.dialog_key(key, keymap);
        }
        let action = keymap.action(&key);
        match (key.code, action) {
            (KeyCode::Tab, _) | (_, Some(Action::NextPane)) => {
                self.pane = PANES[(self.pane_index() + 1) % PANES.len()];
                Reply::Handled
            }
            (KeyCode::BackTab, _) | (_, Some(Action::PrevPane)) => {
                self.pane = PANES[(self.pane_index() + PANES.len() - 1) % PANES.len()];
                Reply::Handled
            }
            (_, Some(Action::Up)) => {
                self.move_cursor(-1);
                Reply::Handled
            }
            (_, Some(Action::Down)) => {
                self.move_cursor(1);
                Reply::Handled
            }
            (_, Some(Action::PageUp)) => {
                self.move_cursor(-10);
                Reply::Handled
            }
            (_, Some(Action::PageDown)) => {
                self.move_cursor(10);
                Reply::Handled
            }
            _ => self.pane_key(key, keymap.action_in(Scope::Form, &key)),
        }
    }

    fn pane_key(&mut self, key: KeyEvent, action: Option<Action>) -> Reply {
        let cursor = self.cursor();
        match (self.pane, key.code, action) {
            (Pane::Attendance, KeyCode::Char(' ') | KeyCode::Enter, _) => {
                let Some(state) = self.attendance.get_mut(cursor) else {
                    return Reply::Handled;
                };
                *state = state.next();
                self.changed()
            }
            (Pane::Attendance, _, Some(Action::Chair)) => {
                let Some(member) = self.catalog.panel.members.get(cursor) else {
                    return Reply::Handled;
                };
                self.chair = Some(member.id.clone());
                // The chair is there by definition.
                self.attendance[cursor] = Attendance::Present;
                self.changed()
            }
            (Pane::Conflicts, _, Some(Action::Add)) => {
                let mut schools: Vec<SchoolId> =
                    self.agenda.iter().map(|i| i.school.clone()).collect();
                schools.dedup();
                if schools.is_empty() {
                    return Reply::Handled;
                }
                let reason = Editor::new("", "Why, in a few words");
                self.dialog = Some(Dialog::Conflict(Box::new(ConflictDialog {
                    field: 0,
                    member: 0,
                    school: 0,
                    kind: 1,
                    reason,
                    schools,
                    problem: None,
                })));
                Reply::Handled
            }
            (Pane::Conflicts, _, Some(Action::Remove)) => {
                if cursor < self.conflicts.len() {
                    self.conflicts.remove(cursor);
                    self.move_cursor(0);
                    return self.changed();
                }
                Reply::Handled
            }
            (Pane::Agenda, _, Some(Action::Add)) => {
                let items: Vec<AgendaItem> = self
                    .awaiting
                    .iter()
                    .filter(|i| !self.agenda.contains(i))
                    .cloned()
                    .collect();
                self.dialog = Some(Dialog::Item(ItemDialog { cursor: 0, items }));
                Reply::Handled
            }
            (Pane::Agenda, _, Some(Action::Remove)) => {
                if cursor < self.agenda.len() {
                    self.agenda.remove(cursor);
                    self.move_cursor(0);
                    return self.changed();
                }
                Reply::Handled
            }
            (Pane::Agenda, _, Some(Action::MoveItemUp)) if cursor > 0 => {
                self.agenda.swap(cursor, cursor - 1);
                self.cursors[2] -= 1;
                self.changed()
            }
            (Pane::Agenda, _, Some(Action::MoveItemDown)) if cursor + 1 < self.agenda.len() => {
                self.agenda.swap(cursor, cursor + 1);
                self.cursors[2] += 1;
                self.changed()
            }
            (Pane::Record, KeyCode::Enter, _) => {
                self.shell.recording.ask(self.shell.revision);
                Reply::Handled
            }
            (_, _, Some(Action::OtherMeeting)) => Reply::NewMeeting,
            // The form's keys do nothing in the other panes, rather than what they do
            // elsewhere.
            (_, KeyCode::Char(' '), _) | (_, _, Some(_)) => Reply::Handled,
            _ => Reply::Ignored,
        }
    }

    fn dialog_key(&mut self, key: KeyEvent, keymap: &KeyMap) -> Reply {
        let members = self.catalog.panel.members.len();
        let action = keymap.action(&key);
        match &mut self.dialog {
            Some(Dialog::Item(d)) => match (key.code, action) {
                (KeyCode::Esc, _) => {
                    self.dialog = None;
                    Reply::Handled
                }
                (KeyCode::Enter | KeyCode::Char(' '), _) => {
                    if let Some(item) = d.items.get(d.cursor).cloned() {
                        self.agenda.push(item);
                        self.cursors[2] = self.agenda.len() - 1;
                        self.dialog = None;
                        return self.changed();
                    }
                    self.dialog = None;
                    Reply::Handled
                }
                (_, Some(Action::Up)) => {
                    d.cursor = d.cursor.saturating_sub(1);
                    Reply::Handled
                }
                (_, Some(Action::Down)) => {
                    d.cursor = (d.cursor + 1).min(d.items.len().saturating_sub(1));
                    Reply::Handled
                }
                _ => Reply::Handled,
            },
            Some(Dialog::Conflict(d)) => {
                match key.code {
                    KeyCode::Esc => {
                        self.dialog = None;
                        return Reply::Handled;
                    }
                    KeyCode::Tab => {
                        d.field = (d.field + 1) % 4;
                        return Reply::Handled;
                    }
                    KeyCode::BackTab => {
                        d.field = (d.field + 3) % 4;
                        return Reply::Handled;
                    }
                    KeyCode::Enter => {
                        let reason = d.reason.lines().join(" ").trim().to_owned();
                        if reason.is_empty() {
                            d.problem = Some("Give a reason: the minutes record it.".into());
                            d.field = 3;
                            return Reply::Handled;
                        }
                        let (Some(member), Some(school)) = (
                            self.catalog.panel.members.get(d.member),
                            d.schools.get(d.school),
                        ) else {
                            return Reply::Handled;
                        };
                        let conflict = Conflict {
                            member: member.id.clone(),
                            school: school.clone(),
                            kind: KINDS[d.kind],
                            reason,
                        };
                        self.conflicts.push(conflict);
                        self.dialog = None;
                        return self.changed();
                    }
                    _ => {}
                }
                let (index, count) = match d.field {
                    0 => (&mut d.member, members),
                    1 => (&mut d.school, d.schools.len()),
                    2 => (&mut d.kind, KINDS.len()),
                    _ => {
                        // One line: Enter adds the conflict rather than breaking the line.
                        if !(key.code == KeyCode::Char('m')
                            && key.modifiers.contains(KeyModifiers::CONTROL))
                        {
                            d.reason.input(key);
                        }
                        return Reply::Handled;
                    }
                };
                // ◂ ▸ beside the choice: the arrows they show choose, as ↑/↓ do.
                match (key.code, action) {
                    (KeyCode::Left, _) | (_, Some(Action::Up)) => *index = index.saturating_sub(1),
                    (KeyCode::Right, _) | (_, Some(Action::Down)) => {
                        *index = (*index + 1).min(count.saturating_sub(1))
                    }
                    _ => {}
                }
                Reply::Handled
            }
            None => Reply::Ignored,
        }
    }

    pub fn click(&mut self, x: u16, y: u16) {
        if self.dialog.is_some() || self.shell.offer.is_some() || self.shell.recording.confirming {
            return;
        }
        if let Some((_, pane)) = self.pane_rects.iter().find(|(r, _)| contains(*r, x, y)) {
            self.pane = *pane;
        }
    }

    pub fn scroll(&mut self, delta: i32) {
        self.move_cursor(delta.signum() as isize);
    }

    fn member_name(&self, id: &MemberId) -> String {
        self.catalog
            .panel
            .member(id)
            .map_or_else(|| id.to_string(), |m| clean(&m.name))
    }

    fn school_name(&self, id: &SchoolId) -> String {
        self.catalog
            .schools
            .get(id)
            .map_or_else(|| id.to_string(), |s| clean(&s.name))
    }

    /// The key hints for the footer, as (keys, what) pairs; the form's own keys from the
    /// live key map.
    pub fn hints(&self, keymap: &KeyMap) -> Vec<(String, String)> {
        let fixed = |k: &str, what: &str| (k.to_owned(), what.to_owned());
        let key = |a: Action, what: &str| (keymap.first(a), what.to_owned());
        match &self.dialog {
            Some(Dialog::Conflict(_)) => {
                return vec![
                    fixed("Tab", "next"),
                    fixed("↑/↓", "choose"),
                    fixed("Enter", "add"),
                    fixed("Esc", "cancel"),
                ];
            }
            Some(Dialog::Item(_)) => {
                return vec![
                    fixed("↑/↓", "move"),
                    fixed("Enter", "add"),
                    fixed("Esc", "cancel"),
                ];
            }
            None => {}
        }
        match self.pane {
            Pane::Attendance => vec![
                fixed("Space", "present/apologies"),
                key(Action::Chair, "chair"),
                fixed("Tab", "next pane"),
                key(Action::OtherMeeting, "other date"),
            ],
            Pane::Conflicts => vec![
                key(Action::Add, "declare"),
                key(Action::Remove, "remove"),
                fixed("Tab", "next pane"),
            ],
            Pane::Agenda => vec![
                key(Action::Add, "add"),
                key(Action::Remove, "remove"),
                (
                    format!(
                        "{}/{}",
                        keymap.first(Action::MoveItemUp),
                        keymap.first(Action::MoveItemDown)
                    ),
                    "move up/down".to_owned(),
                ),
                fixed("Tab", "next pane"),
            ],
            Pane::Record => vec![
                fixed("Enter", "record"),
                fixed("↑/↓", "scroll"),
                fixed("Tab", "next pane"),
            ],
        }
    }

    pub fn draw(&mut self, frame: &mut Frame, area: Rect, cx: &DrawCx) {
        let (theme, keymap) = (cx.theme, cx.keymap);
        let [title, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
        let state = if self.recorded {
            "recorded; changes are recorded as a new commit"
        } else {
            "not recorded yet"
        };
        let mut spans = vec![Span::styled(" Meeting ", theme.tab_active)];
        if let Some((label, ok)) = self.shell.save.label() {
            spans.push(Span::styled(
                format!(" {label} ·"),
                if ok { theme.muted } else { theme.bad },
            ));
        }
        spans.push(Span::styled(format!(" {}", self.date), theme.title));
        spans.push(Span::styled(format!(" · {state}"), theme.muted));
        frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.base), title);
        if draw_draft_stage(
            frame,
            body,
            self.shell.looking,
            self.shell.offer.as_ref(),
            ("meeting", "Meeting"),
            cx,
        ) {
            return;
        }
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(body);
        let [conflicts, agenda] =
            Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(right);
        self.pane_rects.clear();
        if self.pane == Pane::Record {
            let revision = self.shell.revision;
            self.pane_rects.push((body, Pane::Record));
            self.shell.recording.draw(frame, body, revision, true, cx);
        } else {
            self.pane_rects.push((left, Pane::Attendance));
            self.pane_rects.push((conflicts, Pane::Conflicts));
            self.pane_rects.push((agenda, Pane::Agenda));
            self.draw_attendance(frame, left, theme, keymap);
            self.draw_conflicts(frame, conflicts, theme, keymap);
            self.draw_agenda(frame, agenda, theme, keymap);
        }
        match &mut self.dialog {
            Some(Dialog::Conflict(_)) => self.draw_conflict_dialog(frame, body, theme),
            Some(Dialog::Item(_)) => self.draw_item_dialog(frame, body, theme),
            None => {}
        }
    }

    /// A pane's lines, wrapped, scrolled to keep the cursor's line (after `lead` lines of
    /// introduction) in view.
    #[allow(clippy::too_many_arguments)]
    fn rows(
        &self,
        frame: &mut Frame,
        area: Rect,
        title: &str,
        pane: Pane,
        lines: Vec<Line<'static>>,
        lead: usize,
        theme: &Theme,
    ) {
        let focused = self.pane == pane;
        let cursor = if focused { self.cursor() } else { 0 };
        draw_lines(frame, area, lines, title, focused, theme, lead + cursor);
    }

    fn pointer(
        &self,
        pane: Pane,
        index: usize,
        theme: &Theme,
    ) -> (Span<'static>, ratatui::style::Style) {
        let here = self.pane == pane && self.cursor() == index;
        let style = if here { theme.selected } else { theme.base };
        (Span::styled(if here { "▸ " } else { "  " }, style), style)
    }

    fn draw_attendance(&self, frame: &mut Frame, area: Rect, theme: &Theme, keymap: &KeyMap) {
        let present = self
            .attendance
            .iter()
            .filter(|a| **a == Attendance::Present)
            .count();
        let (quorate, quorum) = match self.catalog.panel.quorum_check(&self.draft().present) {
            Ok(()) => (true, "✓ quorate".to_owned()),
            Err(short) => (
                false,
                format!(
                    "✗ no quorum: {} members from {} agencies are needed",
                    short.needed_present, short.needed_agencies
                ),
            ),
        };
        let chair = match &self.chair {
            Some(id) => format!("Chair: {}", self.member_name(id)),
            None => format!(
                "✗ No chair yet: {} on a member makes them the chair",
                keymap.first(Action::Chair)
            ),
        };
        let mut lines = vec![
            Line::from(Span::styled(
                quorum,
                if quorate { theme.good } else { theme.bad },
            )),
            Line::from(Span::styled(
                chair,
                if self.chair.is_some() {
                    theme.muted
                } else {
                    theme.bad
                },
            )),
        ];
        lines.extend(
            self.catalog
                .panel
                .members
                .iter()
                .zip(&self.attendance)
                .enumerate()
                .map(|(i, (m, a))| {
                    let (pointer, style) = self.pointer(Pane::Attendance, i, theme);
                    let (mark, mark_style) = match a {
                        Attendance::Present => ("● present   ", theme.good),
                        Attendance::Apologies => ("○ apologies ", theme.warn),
                        Attendance::NotRecorded => ("· not here  ", theme.muted),
                    };
                    let chair = if self.chair.as_ref() == Some(&m.id) {
                        " (chair)"
                    } else {
                        ""
                    };
                    Line::from(vec![
                        pointer,
                        Span::styled(mark, mark_style),
                        Span::styled(format!("{}{chair}", clean(&m.name)), style),
                        Span::styled(format!(" — {}", m.role.label()), theme.muted),
                    ])
                }),
        );
        let title = format!("Attendance · {present} present");
        self.rows(frame, area, &title, Pane::Attendance, lines, 2, theme);
    }

    fn draw_conflicts(&self, frame: &mut Frame, area: Rect, theme: &Theme, keymap: &KeyMap) {
        let mut lines: Vec<Line> = Vec::new();
        for (i, c) in self.conflicts.iter().enumerate() {
            let (pointer, style) = self.pointer(Pane::Conflicts, i, theme);
            lines.push(Line::from(vec![
                pointer,
                Span::styled("⊘ ", theme.bad),
                Span::styled(
                    format!(
                        "{} · {} · {}: {}",
                        self.member_name(&c.member),
                        c.school,
                        c.kind.label(),
                        clean(&c.reason)
                    ),
                    style,
                ),
            ]));
        }
        for (j, c) in self.automatic().iter().enumerate() {
            let (pointer, style) = self.pointer(Pane::Conflicts, self.conflicts.len() + j, theme);
            lines.push(Line::from(vec![
                pointer,
                Span::styled("⊘ ", theme.bad),
                Span::styled(
                    format!("{} · {}", self.member_name(&c.member), c.school),
                    style,
                ),
                Span::styled(" · affiliated (panel.ron)", theme.muted),
            ]));
        }
        if lines.is_empty() {
            lines.push(Line::from(Span::styled(
                format!(
                    "  None declared. {} declares one.",
                    keymap.first(Action::Add)
                ),
                theme.muted,
            )));
        }
        self.rows(
            frame,
            area,
            "Conflicts of interest",
            Pane::Conflicts,
            lines,
            0,
            theme,
        );
    }

    fn draw_agenda(&self, frame: &mut Frame, area: Rect, theme: &Theme, keymap: &KeyMap) {
        let mut lines: Vec<Line> = Vec::new();
        let inner = usize::from(area.width.saturating_sub(2)).max(1);
        // Whole items when they all fit, wrapped; else one line an item.
        let wrapped: usize = self
            .agenda
            .iter()
            .map(|item| {
                let text = format!(
                    "{} · {} · {}",
                    self.school_name(&item.school),
                    item.year,
                    item.kind
                );
                (6 + unicode_width::UnicodeWidthStr::width(text.as_str())).div_ceil(inner)
            })
            .sum();
        let cut = wrapped > usize::from(area.height.saturating_sub(2));
        for (i, item) in self.agenda.iter().enumerate() {
            let (pointer, style) = self.pointer(Pane::Agenda, i, theme);
            // One line an item when that is what it takes to show the whole agenda: a name
            // too long is cut (and the year left out if the name would be a stub), except the
            // selected item's, which is shown whole.
            let here = self.pane == Pane::Agenda && self.cursor() == i;
            let room_beside =
                |tail: &str| inner.saturating_sub(6 + unicode_width::UnicodeWidthStr::width(tail));
            let mut tail = format!(" · {} · {}", item.year, item.kind);
            if cut && !here && room_beside(&tail) < 12 {
                tail = format!(" · {}", item.kind);
            }
            let room = room_beside(&tail);
            let name = self.school_name(&item.school);
            let name = if here || !cut {
                name
            } else {
                ellipsis(&name, room.max(8))
            };
            lines.push(Line::from(vec![
                pointer,
                Span::styled(format!("{:>2}. ", i + 1), theme.muted),
                Span::styled(name, style),
                Span::styled(tail, theme.muted),
            ]));
        }
        if lines.is_empty() {
            lines.push(Line::from(Span::styled(
                format!(
                    "  Nothing on the agenda. {} adds a submission awaiting a decision.",
                    keymap.first(Action::Add)
                ),
                theme.muted,
            )));
        }
        let title = format!("Agenda · {} item(s)", self.agenda.len());
        self.rows(frame, area, &title, Pane::Agenda, lines, 0, theme);
    }

    fn draw_conflict_dialog(&mut self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let names: Vec<String> = self
            .catalog
            .panel
            .members
            .iter()
            .map(|m| clean(&m.name))
            .collect();
        let school_names: Vec<String> = match &self.dialog {
            Some(Dialog::Conflict(d)) => d
                .schools
                .iter()
                .map(|s| format!("{} ({s})", self.school_name(s)))
                .collect(),
            _ => return,
        };
        let Some(Dialog::Conflict(d)) = &mut self.dialog else {
            return;
        };
        let popup = centred(area, 70, 12);
        frame.render_widget(Clear, popup);
        let outer = block("Declare a conflict of interest", true, theme);
        let inner = outer.inner(popup);
        frame.render_widget(outer, popup);
        let field = |i: usize, label: &str, value: String| {
            let here = d.field == i;
            Line::from(vec![
                Span::styled(if here { "▸ " } else { "  " }, theme.key),
                Span::styled(format!("{label:<8}"), theme.column_header),
                Span::styled(
                    if here {
                        format!("◂ {value} ▸")
                    } else {
                        value
                    },
                    if here { theme.selected } else { theme.base },
                ),
            ])
        };
        let school = school_names.get(d.school).cloned().unwrap_or_default();
        let lines = vec![
            field(
                0,
                "Member",
                names.get(d.member).cloned().unwrap_or_default(),
            ),
            field(1, "School", school),
            field(2, "Kind", KINDS[d.kind].label().to_owned()),
            field(3, "Reason", String::new()),
        ];
        let [top, reason, note] = Layout::vertical([
            Constraint::Length(4),
            Constraint::Length(3),
            Constraint::Min(1),
        ])
        .areas(inner);
        frame.render_widget(Paragraph::new(lines).style(theme.base), top);
        draw_text(
            frame,
            reason,
            &mut d.reason,
            "Reason",
            d.field == 3,
            theme,
            false,
        );
        let message = match &d.problem {
            Some(p) => Line::from(Span::styled(p.clone(), theme.bad)),
            None => Line::from(Span::styled(
                "←/→ or ↑/↓ choose · Tab moves · Enter declares · Esc cancels",
                theme.muted,
            )),
        };
        frame.render_widget(Paragraph::new(message).style(theme.base), note);
    }

    fn draw_item_dialog(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let Some(Dialog::Item(d)) = &self.dialog else {
            return;
        };
        let height = u16::try_from(d.items.len() + 3)
            .unwrap_or(u16::MAX)
            .clamp(5, 16);
        let popup = centred(area, 70, height);
        frame.render_widget(Clear, popup);
        let outer = block("Add to the agenda", true, theme);
        let inner = outer.inner(popup);
        frame.render_widget(outer, popup);
        let mut lines: Vec<Line> = Vec::new();
        if d.items.is_empty() {
            lines.push(Line::from(Span::styled(
                "Everything awaiting a decision is on the agenda already.",
                theme.muted,
            )));
        }
        for (i, item) in d.items.iter().enumerate() {
            let here = i == d.cursor;
            let style = if here { theme.selected } else { theme.base };
            lines.push(Line::from(vec![
                Span::styled(if here { "▸ " } else { "  " }, style),
                Span::styled(self.school_name(&item.school), style),
                Span::styled(format!(" · {} · {}", item.year, item.kind), theme.muted),
            ]));
        }
        let visible = usize::from(inner.height);
        let offset = (d.cursor + 1).saturating_sub(visible);
        let shown: Vec<Line> = lines.into_iter().skip(offset).take(visible).collect();
        frame.render_widget(Paragraph::new(shown).style(theme.base), inner);
    }
}

/// Asks for the date of a meeting to set up.
pub struct DatePrompt {
    text: TextArea<'static>,
    problem: Option<String>,
}

/// What a key did to the date prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptReply {
    Handled,
    Cancel,
    Date(Date),
}

impl DatePrompt {
    pub fn new(suggested: Date) -> DatePrompt {
        let mut text = TextArea::new(vec![suggested.to_string()]);
        text.move_cursor(ratatui_textarea::CursorMove::End);
        DatePrompt {
            text,
            problem: None,
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> PromptReply {
        match key.code {
            KeyCode::Esc => PromptReply::Cancel,
            KeyCode::Enter => {
                let typed = self.text.lines().join("");
                match typed.trim().parse::<Date>() {
                    Ok(date) => PromptReply::Date(date),
                    Err(_) => {
                        self.problem = Some(format!(
                            "{:?} is not a date: write it as YYYY-MM-DD",
                            clean(typed.trim())
                        ));
                        PromptReply::Handled
                    }
                }
            }
            _ => {
                self.text.input(key);
                PromptReply::Handled
            }
        }
    }

    pub fn draw(&mut self, frame: &mut Frame, area: Rect, today: Date, theme: &Theme) {
        let outer = block("Meeting", true, theme);
        let inner = outer.inner(area);
        frame.render_widget(outer, area);
        let [intro, field, note] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Length(3),
            Constraint::Min(1),
        ])
        .areas(inner);
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(format!(
                    "Which meeting? None is scheduled on or after {today}, or you asked for another."
                )),
                Line::from(Span::styled(
                    "A recorded meeting opens as recorded; a new one starts with everything awaiting a decision on its agenda.",
                    theme.muted,
                )),
            ])
            .wrap(ratatui::widgets::Wrap { trim: true })
            .style(theme.base),
            intro,
        );
        let [field] = Layout::horizontal([Constraint::Length(30)]).areas(field);
        draw_text(
            frame,
            field,
            &mut self.text,
            "Date (YYYY-MM-DD)",
            true,
            theme,
            false,
        );
        let message = match &self.problem {
            Some(p) => Line::from(Span::styled(format!("✗ {p}"), theme.bad)),
            None => Line::from(Span::styled("Enter sets it up · Esc cancels", theme.muted)),
        };
        frame.render_widget(Paragraph::new(message).style(theme.base), note);
    }
}

impl FormBody for MeetingSetup {
    type Draft = MeetingDraft;
    const SCREEN: ScreenId = ScreenId::Meeting;
    const AFTER: Option<ScreenId> = Some(ScreenId::Agenda);
    const THIS: &'static str = "this meeting";

    fn shell(&self) -> &Shell<MeetingDraft> {
        &self.shell
    }

    fn shell_mut(&mut self) -> &mut Shell<MeetingDraft> {
        &mut self.shell
    }

    fn draft(&self) -> MeetingDraft {
        MeetingSetup::draft(self)
    }

    fn draft_key(&self) -> String {
        MeetingSetup::draft_key(self)
    }

    fn restore(&mut self, draft: &MeetingDraft) {
        MeetingSetup::restore(self, draft);
    }

    fn offer(&mut self, draft: MeetingDraft, saved: Option<String>) {
        MeetingSetup::offer(self, draft, saved);
    }

    fn recording_shown(&self) -> bool {
        self.pane == Pane::Record
    }

    fn body_key(&mut self, key: &KeyEvent, keymap: &KeyMap) -> Reply {
        self.handle_key(*key, keymap)
    }

    fn prepare(draft: MeetingDraft) -> Request {
        Request::PrepareMeeting(Box::new(draft))
    }

    fn commit(draft: MeetingDraft) -> Request {
        Request::CommitMeeting(Box::new(draft))
    }
}

/// The meeting screen: the setup of a meeting, or the question which meeting to set up.
pub struct MeetingScreen {
    pub setup: Option<MeetingSetup>,
    pub prompt: Option<DatePrompt>,
}

/// Opens the meeting setup: the meeting being worked towards, or one on a date; asks which
/// when there is neither. Returns whether there is a meeting screen to show.
pub fn open(slot: &mut Option<MeetingScreen>, date: Option<Date>, cx: &mut Cx) -> bool {
    let Some(opened) = cx.opened else {
        return false;
    };
    if date.is_none() && slot.as_ref().is_some_and(|m| m.setup.is_some()) {
        return true;
    }
    let date = date.or_else(|| opened.catalog.current_meeting(cx.today).map(|m| m.date));
    let screen = slot.get_or_insert(MeetingScreen {
        setup: None,
        prompt: None,
    });
    let Some(date) = date else {
        screen.prompt = Some(DatePrompt::new(cx.today));
        return true;
    };
    let mut setup = MeetingSetup::new(Arc::clone(&opened.catalog), date, cx.today);
    record::open(&mut setup, cx);
    screen.setup = Some(setup);
    screen.prompt = None;
    true
}

impl Screen for MeetingScreen {
    fn key(&mut self, key: &KeyEvent, action: Option<Action>, cx: &mut Cx) -> bool {
        if let Some(prompt) = &mut self.prompt {
            match prompt.handle_key(*key) {
                PromptReply::Handled => {}
                PromptReply::Cancel => {
                    self.prompt = None;
                    if self.setup.is_none() {
                        cx.effect(crate::tui::screen::Effect::Close(ScreenId::Meeting, None));
                    }
                }
                PromptReply::Date(date) => cx.open(crate::tui::screen::Open::Meeting(Some(date))),
            }
            return true;
        }
        let Some(setup) = &mut self.setup else {
            return false;
        };
        match record::key(setup, key, cx) {
            // The meeting's document is its minutes.
            Reply::Ignored if action == Some(Action::Export) => {
                cx.export(crate::tui::loader::ExportJob::Minutes(setup.date));
                true
            }
            Reply::Ignored => false,
            Reply::NewMeeting => {
                self.prompt = Some(DatePrompt::new(cx.today));
                true
            }
            _ => true,
        }
    }

    fn click(&mut self, x: u16, y: u16, cx: &mut Cx) {
        if let Some(setup) = &mut self.setup
            && self.prompt.is_none()
        {
            setup.click(x, y);
            record::preview(setup, cx);
        }
    }

    fn scroll(&mut self, _x: u16, _y: u16, delta: isize, _cx: &mut Cx) {
        if let Some(setup) = &mut self.setup
            && self.prompt.is_none()
        {
            setup.scroll(delta as i32);
        }
    }

    fn loaded(&mut self, tag: Tag, response: Response, cx: &mut Cx) {
        if let Some(setup) = &mut self.setup {
            record::loaded(setup, tag, response, cx);
        }
    }

    fn refresh(&mut self, reloaded: bool, cx: &mut Cx) {
        if let (true, Some(setup), Some(opened)) = (reloaded, &mut self.setup, cx.opened) {
            setup.rebind(Arc::clone(&opened.catalog), cx.today);
            record::preview(setup, cx);
        }
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, cx: &DrawCx) {
        if let Some(prompt) = &mut self.prompt {
            prompt.draw(frame, area, cx.today, cx.theme);
        } else if let Some(setup) = &mut self.setup {
            setup.draw(frame, area, cx);
        }
    }

    fn footer(&self, keymap: &KeyMap) -> Footer {
        let pair = |k: &str, what: &str| (k.to_owned(), what.to_owned());
        if self.prompt.is_some() {
            return Footer::Keys {
                keys: vec![pair("Enter", "set up"), pair("Esc", "cancel")],
                typing: true,
            };
        }
        match &self.setup {
            Some(setup) => Footer::Keys {
                keys: record::hints(setup, keymap).unwrap_or_else(|| setup.hints(keymap)),
                typing: setup.typing(),
            },
            None => Footer::Actions(vec![Action::Back, Action::Help, Action::Quit]),
        }
    }

    fn about(&self, _opened: Option<&OpenedView>) -> About {
        None
    }

    fn unsaved(&self) -> Option<String> {
        let setup = self.setup.as_ref()?;
        (setup.shell.save != SaveState::Clean).then(|| format!("the meeting of {}", setup.date))
    }

    fn draft_failed(&self) -> bool {
        self.setup
            .as_ref()
            .is_some_and(|s| matches!(s.shell.save, SaveState::Failed(_)))
    }
}
