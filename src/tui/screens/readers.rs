//! Assigning readers, a dialog over the agenda: for each item the lead reviewer and second
//! reader suggested (or those already recorded), each member's share of the reading, and the
//! chair's changes; confirmed as one commit of the meeting's file with its readers set.

use std::collections::BTreeMap;

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::model::assign::{may_read, starting_readers};
use crate::model::catalog::Catalog;
use crate::model::draft::MeetingDraft;
use crate::model::text::clean;
use crate::model::{AgendaItem, ItemReaders, Meeting, MemberId};
use crate::tui::theme::Theme;
use crate::tui::widgets::{block, centred, ellipsis};

/// What a key did to a dialog over the agenda.
#[derive(Debug)]
pub enum DialogReply {
    Handled,
    Close,
    /// Record the meeting as drafted.
    Record(Box<MeetingDraft>),
}

/// One agenda item's readers as the dialog holds them.
#[derive(Debug, Clone)]
struct Row {
    item: AgendaItem,
    name: String,
    slots: [Option<MemberId>; 2],
    /// The readers were recorded in the meeting's file, not suggested.
    recorded: bool,
}

/// The reader assignment's state.
#[derive(Debug)]
pub struct ReadersDialog {
    meeting: Meeting,
    rows: Vec<Row>,
    /// The members, in panel order, with their names.
    members: Vec<(MemberId, String)>,
    /// Who may read each row's item.
    allowed: Vec<Vec<MemberId>>,
    selected: usize,
    /// 0 the lead, 1 the second reader.
    slot: usize,
    pub recording: bool,
}

impl ReadersDialog {
    pub fn new(catalog: &Catalog, meeting: &Meeting) -> ReadersDialog {
        let items = &meeting.agenda;
        // As `kitemark assign` starts: the readers recorded while they may still read the
        // item, else the suggestion.
        let start = starting_readers(&catalog.panel, meeting, &catalog.knows(meeting));
        let rows = items
            .iter()
            .zip(start)
            .map(|(item, (r, recorded))| Row {
                item: item.clone(),
                name: catalog
                    .schools
                    .get(&item.school)
                    .map_or_else(|| clean(item.school.as_str()), |p| clean(&p.name)),
                slots: [r.lead, r.second],
                recorded,
            })
            .collect();
        let allowed = items
            .iter()
            .map(|item| {
                catalog
                    .panel
                    .members
                    .iter()
                    .filter(|m| may_read(&catalog.panel, meeting, &m.id, &item.school))
                    .map(|m| m.id.clone())
                    .collect()
            })
            .collect();
        ReadersDialog {
            meeting: meeting.clone(),
            rows,
            members: catalog
                .panel
                .members
                .iter()
                .map(|m| (m.id.clone(), clean(&m.name)))
                .collect(),
            allowed,
            selected: 0,
            slot: 0,
            recording: false,
        }
    }

    fn name(&self, id: Option<&MemberId>) -> String {
        match id {
            Some(id) => self
                .members
                .iter()
                .find(|(m, _)| m == id)
                .map_or_else(|| clean(id.as_str()), |(_, n)| n.clone()),
            None => "nobody".to_owned(),
        }
    }

    /// How many items each member reads.
    fn load(&self) -> BTreeMap<&MemberId, usize> {
        let mut load: BTreeMap<&MemberId, usize> = BTreeMap::new();
        for row in &self.rows {
            for id in row.slots.iter().flatten() {
                *load.entry(id).or_default() += 1;
            }
        }
        load
    }

    /// The next member (or the one before) who may read the selected item, leaving out the
    /// item's other reader.
    fn cycle(&mut self, forward: bool) {
        let (Some(row), Some(allowed)) = (
            self.rows.get_mut(self.selected),
            self.allowed.get(self.selected),
        ) else {
            return;
        };
        let other = row.slots[1 - self.slot].clone();
        let choices: Vec<&MemberId> = allowed
            .iter()
            .filter(|m| Some(*m) != other.as_ref())
            .collect();
        if choices.is_empty() {
            return;
        }
        let now = row.slots[self.slot]
            .as_ref()
            .and_then(|id| choices.iter().position(|m| *m == id));
        let next = match (now, forward) {
            (Some(i), true) => (i + 1) % choices.len(),
            (Some(i), false) => (i + choices.len() - 1) % choices.len(),
            (None, true) => 0,
            (None, false) => choices.len() - 1,
        };
        row.slots[self.slot] = Some(choices[next].clone());
        row.recorded = false;
    }

    /// The meeting as it would be recorded: as it is, with these readers.
    pub fn draft(&self) -> MeetingDraft {
        let mut draft = MeetingDraft::from_meeting(&self.meeting);
        draft.readers = self
            .rows
            .iter()
            .filter_map(|r| {
                let lead = r.slots[0].clone().or_else(|| r.slots[1].clone())?;
                let second = r.slots[1].clone().filter(|s| *s != lead);
                Some(ItemReaders {
                    school: r.item.school.clone(),
                    year: r.item.year,
                    kind: r.item.kind.clone(),
                    lead,
                    second,
                })
            })
            .collect();
        draft
    }

    pub fn key(&mut self, key: &KeyEvent) -> DialogReply {
        if self.recording {
            return DialogReply::Handled;
        }
        match key.code {
            KeyCode::Esc => return DialogReply::Close,
            KeyCode::Enter => {
                self.recording = true;
                return DialogReply::Record(Box::new(self.draft()));
            }
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.selected = (self.selected + 1).min(self.rows.len().saturating_sub(1));
            }
            KeyCode::Tab | KeyCode::BackTab => self.slot = 1 - self.slot,
            KeyCode::Right | KeyCode::Char('l') => self.cycle(true),
            KeyCode::Left | KeyCode::Char('h') => self.cycle(false),
            _ => {}
        }
        DialogReply::Handled
    }

    pub fn draw(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let width = area.width.saturating_sub(4).min(110);
        let height = area.height.saturating_sub(2);
        let popup = centred(area, width, height);
        let inner = usize::from(width.saturating_sub(2));
        let mut lines: Vec<Line> = vec![Line::from(Span::styled(
            "↑/↓ item · Tab lead/second · ←/→ member · Enter records · Esc closes",
            theme.muted,
        ))];
        // The item's name takes about a third; each reader's cell shares what is left after
        // the state word ("suggested").
        let name_width = (inner * 3 / 10).clamp(12, 40);
        let cell_width = (inner.saturating_sub(2 + name_width + 1 + 10) / 2)
            .saturating_sub(2)
            .clamp(10, 30);
        for (i, row) in self.rows.iter().enumerate() {
            let here = i == self.selected;
            let style = if here { theme.selected } else { theme.base };
            let mut spans = vec![
                Span::styled(if here { "▶ " } else { "  " }, style),
                Span::styled(
                    format!(
                        "{:<name_width$} ",
                        ellipsis(&format!("{} {}", row.name, row.item.kind), name_width)
                    ),
                    style,
                ),
            ];
            for slot in 0..2 {
                let who = self.name(row.slots[slot].as_ref());
                let label = if slot == 0 { "lead" } else { "second" };
                let text = ellipsis(&format!("{label} {who}"), cell_width);
                let chosen = here && self.slot == slot;
                let cell = if chosen {
                    theme.selected.patch(theme.title)
                } else if row.slots[slot].is_none() {
                    theme.warn
                } else {
                    style
                };
                spans.push(Span::styled(
                    format!("{}{text:<cell_width$} ", if chosen { "›" } else { " " }),
                    cell,
                ));
            }
            if row.recorded {
                spans.push(Span::styled("recorded", theme.good));
            } else {
                spans.push(Span::styled("suggested", theme.muted));
            }
            lines.push(Line::from(spans));
        }
        lines.push(Line::from(""));
        let load = self.load();
        let shares: Vec<String> = self
            .members
            .iter()
            .map(|(id, name)| {
                let short = crate::tui::view::last_word(name);
                format!("{short} {}", load.get(id).copied().unwrap_or(0))
            })
            .collect();
        lines.push(Line::from(vec![
            Span::styled("Reading each: ", theme.title),
            Span::raw(shares.join(" · ")),
        ]));
        if self.recording {
            lines.push(Line::from(Span::styled("Recording…", theme.muted)));
        }
        frame.render_widget(Clear, popup);
        let text = Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(block("Readers of the agenda", true, theme))
            .style(theme.base);
        frame.render_widget(text, popup);
    }
}
