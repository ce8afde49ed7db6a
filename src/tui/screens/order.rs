//! The discussion order, a dialog over the agenda: the order that sends members out of the
//! room fewest times beside the agenda's own, with who leaves and comes back for each item;
//! the chair accepts it or moves items by hand, and confirms one commit of the meeting's
//! file with the agenda in that order.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::readers::DialogReply;
use crate::model::catalog::Catalog;
use crate::model::draft::MeetingDraft;
use crate::model::order::{exits, movements, propose_order};
use crate::model::panel::Panel;
use crate::model::text::clean;
use crate::model::{AgendaItem, Meeting, MemberId};
use crate::tui::keymap::{Action, KeyMap, Scope};
use crate::tui::theme::Theme;
use crate::tui::view::last_word;
use crate::tui::widgets::{block, centred, ellipsis};

/// The order dialog's state.
#[derive(Debug)]
pub struct OrderDialog {
    meeting: Meeting,
    panel: Panel,
    /// The order the chair is settling, starting from the one proposed.
    order: Vec<AgendaItem>,
    names: Vec<(AgendaItem, String)>,
    /// Exits in the agenda's own order.
    before: usize,
    selected: usize,
    pub recording: bool,
}

impl OrderDialog {
    pub fn new(catalog: &Catalog, meeting: &Meeting) -> OrderDialog {
        let order = propose_order(&catalog.panel, meeting, &meeting.agenda);
        OrderDialog {
            before: exits(&catalog.panel, meeting, &meeting.agenda),
            names: meeting
                .agenda
                .iter()
                .map(|i| {
                    let name = catalog
                        .schools
                        .get(&i.school)
                        .map_or_else(|| clean(i.school.as_str()), |p| clean(&p.name));
                    (i.clone(), name)
                })
                .collect(),
            meeting: meeting.clone(),
            panel: catalog.panel.clone(),
            order,
            selected: 0,
            recording: false,
        }
    }

    /// How many times members leave the room in the order as it stands.
    pub fn exits(&self) -> usize {
        exits(&self.panel, &self.meeting, &self.order)
    }

    fn member(&self, id: &MemberId) -> String {
        self.panel
            .member(id)
            .map_or_else(|| clean(id.as_str()), |m| last_word(&clean(&m.name)))
    }

    fn name(&self, item: &AgendaItem) -> String {
        self.names
            .iter()
            .find(|(i, _)| i == item)
            .map_or_else(|| clean(item.school.as_str()), |(_, n)| n.clone())
    }

    /// "members leave the room 2 times instead of 4".
    pub fn saving(&self) -> String {
        let now = self.exits();
        let times = |n: usize| {
            if n == 1 {
                "once".to_owned()
            } else {
                format!("{n} times")
            }
        };
        if now == self.before {
            format!(
                "Members leave the room {} (as the agenda stands)",
                times(now)
            )
        } else {
            format!(
                "Members leave the room {} instead of {}",
                times(now),
                times(self.before)
            )
        }
    }

    fn shift(&mut self, up: bool) {
        let i = self.selected;
        let j = if up {
            i.checked_sub(1)
        } else {
            (i + 1 < self.order.len()).then_some(i + 1)
        };
        if let Some(j) = j {
            self.order.swap(i, j);
            self.selected = j;
        }
    }

    pub fn key(&mut self, key: &KeyEvent, keymap: &KeyMap) -> DialogReply {
        if self.recording {
            return DialogReply::Handled;
        }
        match keymap.action_in(Scope::Form, key) {
            Some(Action::MoveItemUp) => {
                self.shift(true);
                return DialogReply::Handled;
            }
            Some(Action::MoveItemDown) => {
                self.shift(false);
                return DialogReply::Handled;
            }
            _ => {}
        }
        match key.code {
            KeyCode::Esc => return DialogReply::Close,
            KeyCode::Enter => {
                self.recording = true;
                let mut draft = MeetingDraft::from_meeting(&self.meeting);
                draft.agenda = self.order.clone();
                return DialogReply::Record(Box::new(draft));
            }
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(self.order.len().saturating_sub(1));
            }
            _ => {}
        }
        DialogReply::Handled
    }

    /// Whether the order is the agenda's own: recording it would change nothing.
    pub fn unchanged(&self) -> bool {
        self.order == self.meeting.agenda
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme, keymap: &KeyMap) {
        let width = area.width.saturating_sub(4).min(110);
        let height = area.height.saturating_sub(2);
        let popup = centred(area, width, height);
        let inner = usize::from(width.saturating_sub(2));
        let mut lines: Vec<Line> = vec![
            Line::from(Span::styled(self.saving(), theme.title)),
            Line::from(Span::styled(
                format!(
                    "↑/↓ item · {}/{} move it · Enter records this order · Esc closes",
                    keymap.first(Action::MoveItemUp),
                    keymap.first(Action::MoveItemDown)
                ),
                theme.muted,
            )),
        ];
        let moves = movements(&self.panel, &self.meeting, &self.order);
        let name_width = (inner / 2).clamp(16, 44);
        for (i, (item, movement)) in self.order.iter().zip(&moves).enumerate() {
            let here = i == self.selected;
            let style = if here { theme.selected } else { theme.base };
            let was = self
                .meeting
                .agenda
                .iter()
                .position(|a| a == item)
                .map_or(0, |p| p + 1);
            let label = ellipsis(&format!("{} {}", self.name(item), item.kind), name_width);
            let mut spans = vec![
                Span::styled(if here { "▶ " } else { "  " }, style),
                Span::styled(format!("{:>2} (was {was:>2}) ", i + 1), style),
                Span::styled(format!("{label:<name_width$} "), style),
            ];
            let mut what = Vec::new();
            if !movement.leave.is_empty() {
                let who: Vec<String> = movement.leave.iter().map(|m| self.member(m)).collect();
                what.push(format!("leave: {}", who.join(", ")));
            }
            if !movement.back.is_empty() {
                let who: Vec<String> = movement.back.iter().map(|m| self.member(m)).collect();
                what.push(format!("back: {}", who.join(", ")));
            }
            spans.push(Span::styled(what.join(" · "), theme.warn));
            lines.push(Line::from(spans));
        }
        if self.recording {
            lines.push(Line::from(Span::styled("Recording…", theme.muted)));
        }
        frame.render_widget(Clear, popup);
        let text = Paragraph::new(lines)
            .block(block("Discussion order", true, theme))
            .style(theme.base);
        frame.render_widget(text, popup);
    }
}
