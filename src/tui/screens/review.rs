//! The form in which a member writes their review of an agenda item before the meeting,
//! opened over the agenda: who is writing, the outcome they recommend from the rubric's
//! outcomes for the item's kind, a summary, a note on any area, and questions for the school
//! or the panel. It records one commit through the same service as `kitemark review`; the
//! draft is kept when the form is left, and once the meeting has started the form only shows
//! what was written, and why it can no longer be changed.

use jiff::civil::Date;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::model::catalog::Catalog;
use crate::model::meeting::AgendaItem;
use crate::model::review::{Review, ReviewDraft, review_findings};
use crate::model::text::clean;
use crate::model::{AreaId, MemberId, OutcomeId};
use crate::tui::edit::Editor;
use crate::tui::keymap::{Action, KeyMap, Scope};
use crate::tui::loader::{Request, Response};
use crate::tui::screen::{Cx, Effect, Footer};
use crate::tui::theme::Theme;
use crate::tui::widgets::{block, centred, ellipsis};

use super::record::{not_recorded, recorded_message};

/// The part of the form that keys go to, in the order Tab visits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Reviewer,
    Recommendation,
    Summary,
    Area,
    Note,
    Questions,
}

const FIELDS: [Field; 6] = [
    Field::Reviewer,
    Field::Recommendation,
    Field::Summary,
    Field::Area,
    Field::Note,
    Field::Questions,
];

impl Field {
    fn typing(self) -> bool {
        matches!(self, Field::Summary | Field::Note | Field::Questions)
    }
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
pub struct ReviewForm {
    item: AgendaItem,
    meeting: Date,
    /// The school's name and the item's kind, for the title.
    title: String,
    /// Members who may review the item (id, name): not conflicted for the school.
    members: Vec<(MemberId, String)>,
    reviewer: usize,
    /// The outcomes of the item's kind (id, title).
    outcomes: Vec<(OutcomeId, String)>,
    recommendation: Option<usize>,
    outcome_cursor: usize,
    summary: Editor,
    /// The rubric's areas (id, title) and a note on each.
    areas: Vec<(AreaId, String)>,
    area: usize,
    notes: Vec<Editor>,
    questions: Editor,
    focus: Field,
    /// Why the review can no longer be written or changed, when the meeting has started.
    read_only: Option<String>,
    /// "Record it now?" is asked.
    confirming: bool,
    /// The commit is being written.
    committing: bool,
    /// Something has been typed or chosen since the form opened.
    touched: bool,
}

const SUMMARY_PLACEHOLDER: &str = "What you would say to the panel about this application";
const NOTE_PLACEHOLDER: &str = "A note on this area, if you have one";
const QUESTIONS_PLACEHOLDER: &str = "Questions for the school or the panel, one per line";

impl ReviewForm {
    /// The form on an agenda item of the meeting being worked towards, or why there is none.
    /// The reviewer offered first is `me` (the member git's identity names) where they may
    /// review it, else the item's lead reviewer, else the first who may.
    pub fn open(
        catalog: &Catalog,
        item: &AgendaItem,
        today: Date,
        me: Option<&MemberId>,
    ) -> Result<Self, String> {
        let Some(meeting) = catalog
            .meetings
            .values()
            .filter(|m| m.agenda.contains(item))
            .find(|m| m.date >= today)
            .or_else(|| {
                catalog
                    .meetings
                    .values()
                    .rev()
                    .find(|m| m.agenda.contains(item))
            })
        else {
            return Err(
                "The item is on no meeting's agenda, so there is nothing to review.".into(),
            );
        };
        let conflicted =
            crate::model::decide::conflicts(&catalog.panel, Some(meeting), &item.school);
        let members: Vec<(MemberId, String)> = catalog
            .panel
            .members
            .iter()
            .filter(|m| !conflicted.iter().any(|c| c.member == m.id))
            .map(|m| (m.id.clone(), clean(&m.name)))
            .collect();
        if members.is_empty() {
            return Err(format!("Every member is conflicted for {}.", item.school));
        }
        let lead = meeting.readers_of(item).map(|r| &r.lead);
        let reviewer = members
            .iter()
            .position(|(id, _)| Some(id) == me)
            .or_else(|| members.iter().position(|(id, _)| Some(id) == lead))
            .unwrap_or(0);
        let rubric = catalog.rubric_for_school(&item.school);
        let outcomes: Vec<(OutcomeId, String)> = rubric
            .and_then(|r| r.kind(&item.kind))
            .map(|k| {
                k.outcomes
                    .iter()
                    .map(|o| (o.id.clone(), clean(&o.title)))
                    .collect()
            })
            .unwrap_or_default();
        let areas: Vec<(AreaId, String)> = rubric
            .map(|r| {
                r.areas
                    .iter()
                    .map(|a| (a.id.clone(), clean(&a.title)))
                    .collect()
            })
            .unwrap_or_default();
        let name = catalog
            .schools
            .get(&item.school)
            .map_or_else(|| clean(item.school.as_str()), |s| clean(&s.name));
        let started = crate::record::meeting_started_for_reviews(catalog, meeting.date, today);
        let read_only = started.then(|| {
            format!(
                "The meeting of {} has started: reviews are written before it, so this one can no longer be written or changed.",
                meeting.date
            )
        });
        let mut form = ReviewForm {
            item: item.clone(),
            meeting: meeting.date,
            title: format!("Review · {name} · {}", clean(item.kind.as_str())),
            notes: areas
                .iter()
                .map(|_| Editor::new("", NOTE_PLACEHOLDER))
                .collect(),
            members,
            reviewer,
            outcomes,
            recommendation: None,
            outcome_cursor: 0,
            summary: Editor::new("", SUMMARY_PLACEHOLDER),
            areas,
            area: 0,
            questions: Editor::new("", QUESTIONS_PLACEHOLDER),
            focus: Field::Reviewer,
            read_only,
            confirming: false,
            committing: false,
            touched: false,
        };
        form.fill_from_recorded(catalog);
        Ok(form)
    }

    fn reviewer(&self) -> Option<&MemberId> {
        self.members.get(self.reviewer).map(|(id, _)| id)
    }

    /// The chosen reviewer's review as recorded, if they wrote one: changing it is writing
    /// it again.
    fn fill_from_recorded(&mut self, catalog: &Catalog) {
        let Some(me) = self.reviewer().cloned() else {
            return;
        };
        let recorded = catalog
            .reviews
            .iter()
            .map(|(_, r)| r)
            .find(|r| r.reviewer == me && r.is_of(self.meeting, &self.item));
        match recorded {
            Some(review) => self.fill(&ReviewDraft::of(review)),
            None => self.fill(&ReviewDraft::new(&self.item, self.meeting)),
        }
        self.touched = false;
    }

    /// The form holding a draft (or a recorded review).
    fn fill(&mut self, draft: &ReviewDraft) {
        self.recommendation = draft
            .recommendation
            .as_ref()
            .and_then(|o| self.outcomes.iter().position(|(id, _)| id == o));
        self.outcome_cursor = self.recommendation.unwrap_or(0);
        self.summary = Editor::new(&draft.summary, SUMMARY_PLACEHOLDER);
        for (i, (area, _)) in self.areas.iter().enumerate() {
            let note = draft
                .areas
                .iter()
                .find(|(a, _)| a == area)
                .map_or("", |(_, n)| n.as_str());
            self.notes[i] = Editor::new(note, NOTE_PLACEHOLDER);
        }
        self.questions = Editor::new(&draft.questions, QUESTIONS_PLACEHOLDER);
    }

    /// What the form holds, as the draft the drafts store keeps and recording checks.
    pub fn draft(&self) -> ReviewDraft {
        let mut draft = ReviewDraft::new(&self.item, self.meeting);
        draft.reviewer = self.reviewer().cloned();
        draft.recommendation = self
            .recommendation
            .and_then(|i| self.outcomes.get(i))
            .map(|(id, _)| id.clone());
        draft.summary = self.summary.text();
        draft.areas = self
            .areas
            .iter()
            .zip(&self.notes)
            .filter(|(_, n)| !n.text().trim().is_empty())
            .map(|((a, _), n)| (a.clone(), n.text()))
            .collect();
        draft.questions = self.questions.text();
        draft
    }

    /// What stands in the way of recording, as the rules say it from what is on screen.
    fn problems(&self, catalog: &Catalog) -> Vec<String> {
        match self.draft().to_review() {
            Err(missing) => missing,
            Ok(review) => self.refusals(catalog, &review),
        }
    }

    fn refusals(&self, catalog: &Catalog, review: &Review) -> Vec<String> {
        review_findings(
            Some(&catalog.panel),
            catalog.meetings.get(&self.meeting),
            catalog.rubric_for_school(&self.item.school),
            review,
        )
        .into_iter()
        .map(|f| format!("{} [{}]", f.message, f.rule))
        .collect()
    }

    /// Offers the draft saved for this reviewer and item, if there is one.
    pub fn restore(&mut self, cx: &mut Cx) {
        let key = self.draft().key();
        if cx.opened.is_some_and(|o| o.drafts.contains(&key)) && self.read_only.is_none() {
            cx.request(0, Request::LoadDraft { key });
        }
    }

    fn leave(&mut self, cx: &mut Cx) -> Outcome {
        if self.touched && self.read_only.is_none() {
            let draft = self.draft();
            match crate::model::format::to_ron(&draft) {
                Ok(text) => {
                    cx.save_draft(draft.key(), text);
                    cx.say("Nothing was recorded; the review is kept as a draft.");
                }
                Err(_) => cx.say("Nothing was recorded."),
            }
        } else {
            cx.say("Nothing was recorded.");
        }
        Outcome::Close
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
                    if let Ok(review) = self.draft().to_review() {
                        self.committing = true;
                        cx.request(0, Request::CommitReview(Box::new(review)));
                        cx.say("Recording…");
                    }
                }
                Some(Action::NotYet) => self.confirming = false,
                _ => {}
            }
            return Outcome::Open;
        }
        let at = FIELDS.iter().position(|f| *f == self.focus).unwrap_or(0);
        match key.code {
            KeyCode::Esc => return self.leave(cx),
            KeyCode::Tab => {
                self.focus = FIELDS[(at + 1) % FIELDS.len()];
                return Outcome::Open;
            }
            KeyCode::BackTab => {
                self.focus = FIELDS[(at + FIELDS.len() - 1) % FIELDS.len()];
                return Outcome::Open;
            }
            _ => {}
        }
        // Read-only, the form may be looked through, never changed.
        if let Some(why) = &self.read_only
            && (!matches!(action, Some(Action::Up | Action::Down)) || self.focus.typing())
        {
            cx.say(why.clone());
            return Outcome::Open;
        }
        let editor = match self.focus {
            Field::Summary => Some(&mut self.summary),
            Field::Note => self.notes.get_mut(self.area),
            Field::Questions => Some(&mut self.questions),
            _ => None,
        };
        if let Some(editor) = editor {
            self.touched |= editor.input(*key);
            return Outcome::Open;
        }
        let down = |i: &mut usize, len: usize| *i = (*i + 1).min(len.saturating_sub(1));
        match (self.focus, action) {
            (Field::Reviewer, Some(Action::Up)) => {
                self.reviewer = self.reviewer.saturating_sub(1);
                if let Some(catalog) = cx.opened.map(|o| o.catalog.clone()) {
                    self.fill_from_recorded(&catalog);
                }
            }
            (Field::Reviewer, Some(Action::Down)) => {
                down(&mut self.reviewer, self.members.len());
                if let Some(catalog) = cx.opened.map(|o| o.catalog.clone()) {
                    self.fill_from_recorded(&catalog);
                }
            }
            (Field::Recommendation, Some(Action::Up)) => {
                self.outcome_cursor = self.outcome_cursor.saturating_sub(1);
            }
            (Field::Recommendation, Some(Action::Down)) => {
                down(&mut self.outcome_cursor, self.outcomes.len());
            }
            (Field::Area, Some(Action::Up)) => self.area = self.area.saturating_sub(1),
            (Field::Area, Some(Action::Down)) => down(&mut self.area, self.areas.len()),
            (_, Some(Action::Open)) if self.read_only.is_none() => {
                if self.focus == Field::Recommendation
                    && self.recommendation != Some(self.outcome_cursor)
                    && !self.outcomes.is_empty()
                {
                    self.recommendation = Some(self.outcome_cursor);
                    self.touched = true;
                    return Outcome::Open;
                }
                let problems = cx
                    .opened
                    .map(|o| self.problems(&o.catalog))
                    .unwrap_or_default();
                match problems.first() {
                    Some(problem) => cx.warn(format!("✗ Not yet: {}", clean(problem))),
                    None => self.confirming = true,
                }
            }
            _ => {}
        }
        Outcome::Open
    }

    /// The loader's answer: the draft asked for, or what became of recording.
    pub fn loaded(&mut self, response: Response, cx: &mut Cx) -> Outcome {
        match response {
            Response::Draft(Ok(Some(saved))) => {
                if let Ok(draft) = crate::model::format::from_ron::<ReviewDraft>(&saved.text)
                    && draft.school == self.item.school
                    && draft.meeting == self.meeting
                {
                    self.fill(&draft);
                    self.touched = true;
                    cx.say("Your saved draft of this review is back.");
                }
                Outcome::Open
            }
            Response::Committed(Ok(done)) => {
                cx.delete_draft(self.draft().key(), false);
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
            ("esc".to_owned(), "leave (the draft is kept)".to_owned()),
        ];
        if !self.focus.typing() && self.read_only.is_none() {
            keys.insert(
                0,
                (keymap.first(Action::Open), "choose / record".to_owned()),
            );
        }
        Footer::Keys {
            keys,
            typing: self.focus.typing(),
        }
    }

    pub fn draw(
        &mut self,
        frame: &mut Frame,
        area: Rect,
        theme: &Theme,
        keymap: &KeyMap,
        catalog: &Catalog,
    ) {
        let height = area.height.saturating_sub(2).min(19);
        let width = area.width.saturating_sub(4).min(100);
        let popup = centred(area, width, height);
        frame.render_widget(Clear, popup);
        let outer = block(&self.title, true, theme);
        let inner = outer.inner(popup);
        frame.render_widget(outer, popup);
        let [
            head,
            summary_label,
            summary,
            area_line,
            note,
            questions_label,
            questions,
            rest,
        ] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Length(1),
            Constraint::Length(3),
            Constraint::Length(1),
            Constraint::Length(2),
            Constraint::Length(1),
            Constraint::Length(2),
            Constraint::Min(1),
        ])
        .areas(inner);
        let wide = usize::from(inner.width);
        let marker = |field: Field| {
            if self.focus == field {
                theme.title
            } else {
                theme.base
            }
        };
        let reviewer = self
            .members
            .get(self.reviewer)
            .map_or_else(String::new, |(id, name)| format!("{name} ({id})"));
        let outcome = |i: usize| {
            self.outcomes
                .get(i)
                .map_or_else(String::new, |(id, title)| format!("{title} ({id})"))
        };
        let recommended = match (self.focus, self.recommendation) {
            (Field::Recommendation, chosen) if chosen != Some(self.outcome_cursor) => {
                format!("▶ {}", outcome(self.outcome_cursor))
            }
            (_, Some(i)) => format!("✓ {}", outcome(i)),
            (_, None) => "– none chosen".to_owned(),
        };
        let lines = vec![
            Line::from(vec![
                Span::styled("Reviewer (↑↓): ", marker(Field::Reviewer)),
                Span::raw(ellipsis(&reviewer, wide.saturating_sub(15))),
            ]),
            Line::from(vec![
                Span::styled("Recommends (↑↓, enter): ", marker(Field::Recommendation)),
                Span::raw(ellipsis(&recommended, wide.saturating_sub(24))),
            ]),
        ];
        frame.render_widget(Paragraph::new(lines).style(theme.base), head);
        frame.render_widget(
            Paragraph::new(Span::styled("Summary:", marker(Field::Summary))).style(theme.base),
            summary_label,
        );
        frame.render_widget(&*self.summary, summary);
        let area_title = self
            .areas
            .get(self.area)
            .map_or_else(String::new, |(id, title)| {
                format!("{title} ({id}) · {} of {}", self.area + 1, self.areas.len())
            });
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled("Area (↑↓): ", marker(Field::Area)),
                Span::raw(ellipsis(&area_title, wide.saturating_sub(11))),
            ]))
            .style(theme.base),
            area_line,
        );
        if let Some(editor) = self.notes.get(self.area) {
            let [mark, text] =
                Layout::horizontal([Constraint::Length(6), Constraint::Min(1)]).areas(note);
            frame.render_widget(
                Paragraph::new(Span::styled("Note:", marker(Field::Note))).style(theme.base),
                mark,
            );
            frame.render_widget(&**editor, text);
        }
        frame.render_widget(
            Paragraph::new(Span::styled("Questions:", marker(Field::Questions))).style(theme.base),
            questions_label,
        );
        frame.render_widget(&*self.questions, questions);
        let mut lines = vec![Line::from(format!(
            "Meeting: {} · {} {}",
            self.meeting,
            clean(self.item.school.as_str()),
            self.item.year
        ))];
        if let Some(why) = &self.read_only {
            lines.push(Line::from(Span::styled(why.clone(), theme.warn)));
        } else if self.committing {
            lines.push(Line::from(Span::styled("Recording…", theme.muted)));
        } else if self.confirming {
            lines.push(Line::from(vec![
                Span::styled(" Record this review now? ", theme.tab_active),
                Span::raw(" "),
                Span::styled(keymap.first(Action::ConfirmRecord), theme.key),
                Span::raw(" yes · "),
                Span::styled(keymap.first(Action::NotYet), theme.key),
                Span::raw(" not yet"),
            ]));
        } else {
            match self.problems(catalog).first() {
                // A conflict's reason is the meeting file's text: shown harmlessly.
                Some(problem) => lines.push(Line::from(Span::styled(
                    format!("✗ {}", clean(problem)),
                    theme.bad,
                ))),
                None => lines.push(Line::from(Span::styled(
                    format!(
                        "✓ Ready: {} on a field (not in a text) records it, as reviews/{}/{}/{}-{}/{}.ron",
                        keymap.first(Action::Open),
                        clean(self.item.school.as_str()),
                        self.item.year,
                        self.meeting,
                        clean(self.item.kind.as_str()),
                        self.reviewer().map_or("", |m| m.as_str())
                    ),
                    theme.good,
                ))),
            }
        }
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .style(theme.base),
            rest,
        );
    }
}
