//! The form that records that a school met one of its conditions, opened over the Schools
//! screen: which condition, the evidence the panel saw, and who records it. It records one
//! commit through the same service as `kitemark conditions --met`, on the day the interface
//! works as on.

use jiff::civil::Date;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::model::catalog::Catalog;
use crate::model::condition::{ConditionState, ConditionStatus};
use crate::model::text::clean;
use crate::model::{MemberId, SchoolId};
use crate::record::ConditionMetDraft;
use crate::tui::edit::Editor;
use crate::tui::keymap::{Action, KeyMap, Scope};
use crate::tui::loader::{Request, Response};
use crate::tui::screen::{Cx, Effect, Footer};
use crate::tui::theme::Theme;
use crate::tui::widgets::{block, centred, ellipsis};

use super::record::{not_recorded, recorded_message};

/// The part of the form that keys go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Condition,
    Evidence,
    Recorder,
}

/// What a key or an answer did to the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The form stays open.
    Open,
    /// The form is done (recorded, or left).
    Close,
}

/// The form's state.
#[derive(Debug)]
pub struct ConditionMetForm {
    pub school: SchoolId,
    name: String,
    /// The school's conditions not yet met, overdue first.
    conditions: Vec<ConditionStatus>,
    selected: usize,
    evidence: Editor,
    /// Panel members who may record it (id, name), and the one chosen.
    members: Vec<(MemberId, String)>,
    recorder: usize,
    focus: Field,
    today: Date,
    /// "Record it now?" is asked.
    confirming: bool,
    /// The commit is being written.
    committing: bool,
}

const PLACEHOLDER: &str = "What the panel saw that shows the condition was met";

impl ConditionMetForm {
    /// The form on a school's outstanding conditions, or why there is nothing to record. The
    /// recorder is the chair of the meeting being worked towards where there is one.
    pub fn open(catalog: &Catalog, school: &SchoolId, today: Date) -> Result<Self, String> {
        let mut conditions: Vec<ConditionStatus> = catalog
            .conditions(school, today)
            .into_iter()
            .filter(|c| c.state != ConditionState::Met)
            .collect();
        conditions.sort_by_key(|c| (c.state, c.due));
        if conditions.is_empty() {
            return Err(format!(
                "{school} has no open or overdue conditions to record as met."
            ));
        }
        let members: Vec<(MemberId, String)> = catalog
            .panel
            .members
            .iter()
            .map(|m| (m.id.clone(), clean(&m.name)))
            .collect();
        let chair = catalog.current_meeting(today).map(|m| &m.chair);
        let recorder = members
            .iter()
            .position(|(id, _)| Some(id) == chair)
            .unwrap_or(0);
        let name = catalog
            .schools
            .get(school)
            .map_or_else(|| clean(school.as_str()), |s| clean(&s.name));
        Ok(ConditionMetForm {
            school: school.clone(),
            name,
            conditions,
            selected: 0,
            evidence: Editor::new("", PLACEHOLDER),
            members,
            recorder,
            focus: Field::Condition,
            today,
            confirming: false,
            committing: false,
        })
    }

    fn draft(&self) -> Option<ConditionMetDraft> {
        let condition = self.conditions.get(self.selected)?;
        Some(ConditionMetDraft {
            school: self.school.clone(),
            decision: Some(condition.decision.clone()),
            number: condition.number,
            met_on: self.today,
            evidence: self.evidence.text(),
            recorder: self.members.get(self.recorder).map(|(id, _)| id.clone()),
        })
    }

    /// A key while the form is open: every key is the form's.
    pub fn key(&mut self, key: &KeyEvent, action: Option<Action>, cx: &mut Cx) -> Outcome {
        if self.committing {
            return Outcome::Open;
        }
        if self.confirming {
            match cx.keymap.action_in(Scope::Question, key) {
                Some(Action::ConfirmRecord) => {
                    self.confirming = false;
                    if let Some(draft) = self.draft() {
                        self.committing = true;
                        cx.request(0, Request::CommitConditionMet(Box::new(draft)));
                        cx.say("Recording…");
                    }
                }
                Some(Action::NotYet) => self.confirming = false,
                _ => {}
            }
            return Outcome::Open;
        }
        // Tab and Esc work in the text too; every other key there is typing.
        match key.code {
            KeyCode::Esc => {
                cx.say("Nothing was recorded.");
                return Outcome::Close;
            }
            KeyCode::Tab => {
                self.focus = match self.focus {
                    Field::Condition => Field::Evidence,
                    Field::Evidence => Field::Recorder,
                    Field::Recorder => Field::Condition,
                };
                return Outcome::Open;
            }
            KeyCode::BackTab => {
                self.focus = match self.focus {
                    Field::Condition => Field::Recorder,
                    Field::Evidence => Field::Condition,
                    Field::Recorder => Field::Evidence,
                };
                return Outcome::Open;
            }
            _ => {}
        }
        if self.focus == Field::Evidence {
            self.evidence.input(*key);
            return Outcome::Open;
        }
        let (index, len) = match self.focus {
            Field::Condition => (&mut self.selected, self.conditions.len()),
            _ => (&mut self.recorder, self.members.len()),
        };
        match action {
            Some(Action::Up) => *index = index.saturating_sub(1),
            Some(Action::Down) => *index = (*index + 1).min(len.saturating_sub(1)),
            Some(Action::Open) if self.evidence.text().trim().is_empty() => {
                self.focus = Field::Evidence;
                cx.say("Write the evidence the panel saw first.");
            }
            Some(Action::Open) => self.confirming = true,
            _ => {}
        }
        Outcome::Open
    }

    /// The loader's answer to recording.
    pub fn loaded(&mut self, response: Response, cx: &mut Cx) -> Outcome {
        match response {
            Response::Committed(Ok(done)) => {
                cx.say(recorded_message(&done));
                cx.effect(Effect::Reload);
                Outcome::Close
            }
            Response::Committed(Err(failure)) => {
                self.committing = false;
                not_recorded(&failure, cx);
                Outcome::Open
            }
            _ => Outcome::Open,
        }
    }

    pub fn footer(&self, keymap: &KeyMap) -> Footer {
        let mut keys = vec![
            ("tab".to_owned(), "next field".to_owned()),
            ("esc".to_owned(), "cancel".to_owned()),
        ];
        if self.focus != Field::Evidence {
            keys.insert(0, (keymap.first(Action::Open), "record".to_owned()));
        }
        Footer::Keys {
            keys,
            typing: self.focus == Field::Evidence,
        }
    }

    pub fn draw(&mut self, frame: &mut Frame, area: Rect, theme: &Theme, keymap: &KeyMap) {
        let rows = self.conditions.len().min(4) as u16;
        let height = (rows + 11).min(area.height);
        let width = area.width.saturating_sub(4).min(96);
        let popup = centred(area, width, height);
        frame.render_widget(Clear, popup);
        let outer = block(&format!("Condition met · {}", self.name), true, theme);
        let inner = outer.inner(popup);
        frame.render_widget(outer, popup);
        let [list, label, text, rest] = Layout::vertical([
            Constraint::Length(rows + 1),
            Constraint::Length(1),
            Constraint::Length(4),
            Constraint::Min(1),
        ])
        .areas(inner);
        let wide = usize::from(inner.width);
        let marker = |focused: bool| if focused { theme.title } else { theme.base };
        let mut lines = vec![Line::from(Span::styled(
            "Condition (↑↓):",
            marker(self.focus == Field::Condition),
        ))];
        let first = self
            .selected
            .saturating_sub(rows.saturating_sub(1) as usize);
        for (i, c) in self
            .conditions
            .iter()
            .enumerate()
            .skip(first)
            .take(rows as usize)
        {
            let chosen = i == self.selected;
            let text = format!(
                "{} {} · {}, due {} · {}",
                if chosen { "▶" } else { " " },
                c.number,
                c.state.label(),
                c.due,
                clean(&c.text)
            );
            let style = match (chosen, c.state) {
                (true, _) => theme.selected,
                (false, ConditionState::Overdue) => theme.bad,
                _ => theme.base,
            };
            lines.push(Line::from(Span::styled(ellipsis(&text, wide), style)));
        }
        frame.render_widget(Paragraph::new(lines).style(theme.base), list);
        frame.render_widget(
            Paragraph::new(Span::styled(
                "Evidence the panel saw:",
                marker(self.focus == Field::Evidence),
            ))
            .style(theme.base),
            label,
        );
        frame.render_widget(&*self.evidence, text);
        let recorder = self
            .members
            .get(self.recorder)
            .map_or_else(String::new, |(id, name)| format!("{name} ({id})"));
        let mut lines = vec![
            Line::from(vec![
                Span::styled("Recorded by (↑↓): ", marker(self.focus == Field::Recorder)),
                Span::raw(recorder),
            ]),
            Line::from(format!("Met on: {}", self.today)),
        ];
        let condition = self.conditions.get(self.selected);
        if self.committing {
            lines.push(Line::from(Span::styled("Recording…", theme.muted)));
        } else if self.confirming {
            lines.push(Line::from(vec![
                Span::styled(
                    format!(
                        " Record condition {} of {} as met now? ",
                        condition.map_or(0, |c| c.number),
                        condition.map_or("", |c| c.decision.as_str())
                    ),
                    theme.tab_active,
                ),
                Span::raw(" "),
                Span::styled(keymap.first(Action::ConfirmRecord), theme.key),
                Span::raw(" yes · "),
                Span::styled(keymap.first(Action::NotYet), theme.key),
                Span::raw(" not yet"),
            ]));
        } else {
            lines.push(Line::from(Span::styled(
                format!(
                    "{} on a field records it · tab moves between fields · esc leaves without recording",
                    keymap.first(Action::Open)
                ),
                theme.muted,
            )));
        }
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(ratatui::widgets::Wrap { trim: false })
                .style(theme.base),
            rest,
        );
    }
}
