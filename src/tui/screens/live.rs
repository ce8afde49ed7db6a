//! Live meeting mode: the meeting run item by item from one shared screen, for a projector.
//!
//! One item at a time, in the agenda's order (the discussion order the chair settled): who
//! leaves the room and who may come back as it starts, its readers and their reviews, the
//! rules and the conditions outstanding, its timer and the meeting's, and the scribe's notes.
//! The run (when each item started and ended, which were taken en bloc, the notes) is kept as
//! a draft as it goes, so that nothing is lost if kitemark stops, and becomes the proceedings
//! when the chair closes the meeting. What is shown is built from the catalog alone
//! ([`view`]); what needs the repository goes through the loader.

use std::collections::BTreeSet;

use jiff::civil::{Date, Time};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::model::catalog::Catalog;
use crate::model::enbloc::item_reviews;
use crate::model::format::{from_ron, to_ron};
use crate::model::live::{LiveRun, minutes_between};
use crate::model::order::movements;
use crate::model::text::clean;
use crate::model::{AgendaItem, Meeting, MemberId};
use crate::tui::config::Live;
use crate::tui::edit::Editor;
use crate::tui::keymap::{Action, KeyMap, Scope};
use crate::tui::loader::{EnBlocDone, ExportJob, Request, Response};
use crate::tui::screen::{About, Chosen, Cx, DrawCx, Effect, Footer, Open, Screen};
use crate::tui::tag::Tag;
use crate::tui::theme::Theme;
use crate::tui::view::{AgendaRow, OpenedView, member_name};
use crate::tui::widgets::{block, centred, check_span, draw_text, ellipsis, scroll_window};
use crate::tui::wrap::wrap;

use super::record::{not_recorded, recorded_message};

/// What the notes say while empty.
const NOTES_PLACEHOLDER: &str = "The scribe's notes on this item";

/// One agenda item in the list at the side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideRow {
    pub name: String,
    pub decided: bool,
    /// The key its decision draft would be kept under, if one is.
    pub draft_key: Option<String>,
    pub en_bloc: bool,
}

/// Everything live mode shows of the item in hand that does not move with the clock, in
/// words: built when the item, the run or the data change, not on every frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveView {
    pub item: AgendaItem,
    /// How many of the agenda's items are decided at this meeting.
    pub decided_items: usize,
    /// `item 2 of 5`.
    pub position: String,
    /// `Oakfield Primary (oakfield-primary)`.
    pub school: String,
    /// `2026-27 · Annual review`.
    pub about: String,
    /// `✓ Awarded`, once decided at this meeting.
    pub decided: Option<String>,
    /// Who leaves the room and who may come back as the item starts.
    pub movement: Option<String>,
    pub readers: Option<String>,
    /// `Reviews: 2/2 in`, and whether they disagree.
    pub reviews_head: String,
    pub disagree: bool,
    /// Each review: who, what they recommend, their summary's first line.
    pub reviews: Vec<String>,
    /// The rules as the agenda shows them: met or not, and why.
    pub rules: Vec<(bool, String)>,
    pub rules_pending: bool,
    pub conditions: Vec<String>,
    /// The key the item's decision draft would be kept under, if one is.
    pub draft_key: Option<String>,
    pub agenda: Vec<SideRow>,
}

/// What live mode shows that moves with the clock: worked out on every frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timing {
    /// `3 of 5 decided · 42 min · 18 min left`.
    pub progress: String,
    pub behind: bool,
    /// `6 min of 10`, and whether the item has run over.
    pub timer: String,
    pub over: bool,
}

/// `A`, `A and B`, `A, B and C`.
fn and_list(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// `Before this item: Dr Sam Patel leaves the room (governor at the school). Jo Bell may
/// return.`, or nothing when nobody moves.
fn movement_text(catalog: &Catalog, meeting: &Meeting, index: usize) -> Option<String> {
    let movement = movements(&catalog.panel, meeting, &meeting.agenda)
        .into_iter()
        .nth(index)?;
    let item = meeting.agenda.get(index)?;
    let mut said = Vec::new();
    if !movement.leave.is_empty() {
        let why = |id: &MemberId| match meeting.declared_conflict(id, &item.school) {
            Some(c) if !c.reason.trim().is_empty() => clean(c.reason.trim().trim_end_matches('.')),
            Some(c) => c.kind.label().to_owned(),
            None => "affiliated with the school".to_owned(),
        };
        let names: Vec<String> = movement
            .leave
            .iter()
            .map(|id| member_name(catalog, id))
            .collect();
        let reasons = match movement.leave.as_slice() {
            [one] => why(one),
            many => many
                .iter()
                .map(|id| format!("{}: {}", member_name(catalog, id), why(id)))
                .collect::<Vec<_>>()
                .join("; "),
        };
        let verb = if names.len() == 1 { "leaves" } else { "leave" };
        said.push(format!("{} {verb} the room ({reasons}).", and_list(&names)));
    }
    if !movement.back.is_empty() {
        let back: Vec<String> = movement
            .back
            .iter()
            .map(|id| member_name(catalog, id))
            .collect();
        said.push(format!("{} may return.", and_list(&back)));
    }
    (!said.is_empty()).then(|| format!("Before this item: {}", said.join(" ")))
}

/// The agenda row of an item, as the agenda screen has it.
fn row_of<'a>(rows: &'a [AgendaRow], item: &AgendaItem) -> Option<&'a AgendaRow> {
    rows.iter()
        .find(|r| r.school == item.school && r.year == item.year && r.kind == item.kind)
}

/// What live mode shows of the item the run is on, apart from the clock.
pub fn view(
    catalog: &Catalog,
    meeting: &Meeting,
    rows: &[AgendaRow],
    run: &LiveRun,
) -> Option<LiveView> {
    let index = run.current;
    let item = meeting.agenda.get(index)?;
    let count = meeting.agenda.len();
    let row = row_of(rows, item);
    let name = row.map_or_else(|| clean(item.school.as_str()), |r| r.name.clone());
    let kind = row.map_or_else(|| clean(item.kind.as_str()), |r| r.kind_title.clone());
    let readers = meeting.readers_of(item).map(|r| {
        let lead = format!("Lead reviewer: {}", member_name(catalog, &r.lead));
        match &r.second {
            Some(second) => format!("{lead} · second reader: {}", member_name(catalog, second)),
            None => lead,
        }
    });
    let reviews = item_reviews(catalog, meeting, item);
    let reviews_head = if reviews.reviews.is_empty() && reviews.expected == 0 {
        "Reviews: none written".to_owned()
    } else {
        format!(
            "Reviews: {}/{} in",
            reviews.reviews.len(),
            reviews.expected.max(reviews.reviews.len())
        )
    };
    let lead = meeting.readers_of(item).map(|r| &r.lead);
    let review_lines = reviews
        .reviews
        .iter()
        .map(|r| {
            let who = member_name(catalog, &r.reviewer);
            let role = if Some(&r.reviewer) == lead {
                " (lead)"
            } else {
                ""
            };
            let summary = clean(r.summary.lines().next().unwrap_or("").trim());
            let summary = if summary.is_empty() {
                String::new()
            } else {
                format!(" — {summary}")
            };
            let outcome = catalog
                .rubric_for_school(&item.school)
                .and_then(|rubric| rubric.outcome(&item.kind, &r.recommendation))
                .map_or_else(|| clean(r.recommendation.as_str()), |o| clean(&o.title));
            format!("{who}{role}: {outcome}{summary}")
        })
        .collect();
    let decision = row.filter(|r| r.decided).and_then(|_| {
        let (_, d) = catalog.decision_at(&item.school, item.year, &item.kind, meeting.date)?;
        let outcome = catalog
            .rubric_for_decision(d)
            .and_then(|r| r.outcome(&d.kind, &d.outcome))
            .map_or_else(|| clean(d.outcome.as_str()), |o| clean(&o.title));
        Some(format!("✓ Decided: {outcome}"))
    });
    let agenda: Vec<SideRow> = meeting
        .agenda
        .iter()
        .map(|i| {
            let row = row_of(rows, i);
            SideRow {
                name: row.map_or_else(|| clean(i.school.as_str()), |r| r.name.clone()),
                decided: row.is_some_and(|r| r.decided),
                draft_key: row.and_then(|r| r.draft_key.clone()),
                en_bloc: run.item(i).is_some_and(|r| r.en_bloc),
            }
        })
        .collect();
    Some(LiveView {
        item: item.clone(),
        decided_items: agenda.iter().filter(|r| r.decided).count(),
        position: format!("item {} of {count}", index + 1),
        school: format!("{name} ({})", clean(item.school.as_str())),
        about: format!("{} · {kind}", item.year),
        decided: decision,
        movement: movement_text(catalog, meeting, index),
        readers,
        reviews_head,
        disagree: reviews.disagree(),
        reviews: review_lines,
        rules: row.map_or_else(Vec::new, |r| {
            r.rules
                .iter()
                .map(|rule| (rule.met, rule.reason.clone()))
                .chain(r.rule_problem.iter().map(|p| (false, p.clone())))
                .collect()
        }),
        rules_pending: row.is_some_and(|r| r.evidence_pending),
        conditions: row.map_or_else(Vec::new, |r| r.conditions.clone()),
        draft_key: row.and_then(|r| r.draft_key.clone()),
        agenda,
    })
}

/// The meeting's progress and the item's timer in `view` at `now`.
pub fn timing(view: &LiveView, run: &LiveRun, now: Time, minutes_per_item: u32) -> Timing {
    let count = view.agenda.len();
    let elapsed = run.opened.map_or(0, |o| minutes_between(o, now));
    let allowance = i64::try_from(count)
        .unwrap_or(i64::MAX)
        .saturating_mul(i64::from(minutes_per_item));
    let left = allowance - elapsed;
    let left_text = if left >= 0 {
        format!("{left} min left")
    } else {
        format!("{} min over", -left)
    };
    let progress = format!(
        "{} of {count} decided · {elapsed} min · {left_text}",
        view.decided_items
    );
    let spent = run.item_minutes(&view.item, now).unwrap_or(0);
    let over = spent > i64::from(minutes_per_item);
    let timer = if over {
        format!("{spent} min of {minutes_per_item} · over time")
    } else {
        format!("{spent} min of {minutes_per_item}")
    };
    Timing {
        progress,
        behind: left < 0,
        timer,
        over,
    }
}

/// Whether a decision draft is kept under `key`.
fn kept(drafts: &BTreeSet<String>, key: Option<&String>) -> bool {
    key.is_some_and(|k| drafts.contains(k))
}

/// The en-bloc confirmation, from the proposal to what became of each item.
#[derive(Debug)]
enum EnBloc {
    /// The items proposed are being worked out.
    Planning,
    /// The items proposed, each with what its reviews recommend and whether it was pulled
    /// out for discussion.
    Proposed {
        items: Vec<Proposed>,
        cursor: usize,
    },
    Recording,
    Done(Vec<EnBlocDone>),
}

/// An item proposed en bloc.
#[derive(Debug)]
struct Proposed {
    item: AgendaItem,
    /// `award ×2`: what its reviews recommend, as the proposal arrived.
    reviews: String,
    pulled: bool,
}

/// Live meeting mode's state.
pub struct LiveScreen {
    pub date: Date,
    settings: Live,
    run: LiveRun,
    /// Still looking for the run kept from before.
    looking: bool,
    /// What is shown of the item in hand, until the item, the run or the data change.
    shown: Option<LiveView>,
    notes: Editor,
    typing: bool,
    scroll: u16,
    en_bloc: Option<EnBloc>,
    /// The proceedings are being recorded.
    closing: bool,
    /// The proceedings are recorded: "save the minutes?" is asked.
    asking: bool,
    save_failed: Option<String>,
}

/// Opens live mode on the meeting being worked towards (or says why not). Returns whether
/// it is there to show.
pub fn open(slot: &mut Option<LiveScreen>, settings: Live, cx: &mut Cx) -> bool {
    let Some(opened) = cx.opened else {
        return false;
    };
    let Some(meeting) = opened.catalog.current_meeting(cx.today) else {
        cx.say(format!(
            "No meeting is scheduled: set one up first ({}).",
            cx.key_of(Action::MeetingTab)
        ));
        return false;
    };
    if meeting.agenda.is_empty() {
        cx.say(format!(
            "The meeting on {} has nothing on its agenda yet: add items in the meeting setup ({}).",
            meeting.date,
            cx.key_of(Action::MeetingTab)
        ));
        return false;
    }
    if slot.as_ref().is_some_and(|s| s.date == meeting.date) {
        return true;
    }
    let date = meeting.date;
    let screen = LiveScreen {
        date,
        settings,
        run: LiveRun::new(date),
        looking: true,
        shown: None,
        notes: Editor::new("", NOTES_PLACEHOLDER),
        typing: false,
        scroll: 0,
        en_bloc: None,
        closing: false,
        asking: false,
        save_failed: None,
    };
    cx.request(
        0,
        Request::LoadDraft {
            key: LiveRun::key(date),
        },
    );
    *slot = Some(screen);
    true
}

impl LiveScreen {
    fn meeting<'a>(&self, opened: &'a OpenedView) -> Option<&'a Meeting> {
        opened.catalog.meetings.get(&self.date)
    }

    fn item(&self, opened: &OpenedView) -> Option<AgendaItem> {
        self.meeting(opened)?.agenda.get(self.run.current).cloned()
    }

    /// Saves the run as it stands.
    fn save(&mut self, cx: &mut Cx) {
        match to_ron(&self.run) {
            Ok(text) => {
                cx.save_draft(LiveRun::key(self.date), text);
            }
            Err(e) => self.save_failed = Some(e.to_string()),
        }
    }

    /// The item at `index` comes up: its timer starts, its notes are shown.
    fn take_up(&mut self, index: usize, cx: &mut Cx) {
        let Some(opened) = cx.opened else {
            return;
        };
        let Some(meeting) = self.meeting(opened) else {
            return;
        };
        let now = self.settings.clock.now();
        if let Some(item) = meeting.agenda.get(self.run.current).cloned()
            && index != self.run.current
        {
            self.run.leave(&item, now);
        }
        self.run.current = index.min(meeting.agenda.len().saturating_sub(1));
        self.shown = None;
        if let Some(item) = meeting.agenda.get(self.run.current).cloned() {
            self.run.start(&item, now);
            self.notes = Editor::new(self.run.notes(&item), NOTES_PLACEHOLDER);
        }
        self.scroll = 0;
        self.typing = false;
        self.save(cx);
    }

    fn go(&mut self, delta: isize, cx: &mut Cx) {
        let count = cx
            .opened
            .and_then(|o| self.meeting(o))
            .map_or(0, |m| m.agenda.len());
        let next = self.run.current.saturating_add_signed(delta);
        if next >= count {
            cx.say(format!(
                "That was the last item: {} closes the meeting.",
                cx.key_of(Action::CloseMeeting)
            ));
            return;
        }
        if next != self.run.current {
            self.take_up(next, cx);
        }
    }

    /// The decision form on the item in hand, started from its reviews and the notes.
    fn decide(&mut self, cx: &mut Cx) {
        let Some(opened) = cx.opened else {
            return;
        };
        let Some(item) = self.item(opened) else {
            return;
        };
        let Some(row) = row_of(&opened.agenda.rows, &item) else {
            cx.say("This item is not on the agenda on screen: reload (r) and try again.");
            return;
        };
        cx.open(Open::DecisionStarted(
            Box::new(row.clone()),
            self.run.notes(&item).to_owned(),
        ));
    }

    fn ask_en_bloc(&mut self, cx: &mut Cx) {
        let Some(meeting) = cx.opened.and_then(|o| self.meeting(o)) else {
            return;
        };
        let recorder = meeting.chair.clone();
        self.en_bloc = Some(EnBloc::Planning);
        cx.request(
            0,
            Request::PlanEnBloc {
                date: self.date,
                recorder,
            },
        );
    }

    fn en_bloc_key(&mut self, key: &KeyEvent, action: Option<Action>, cx: &mut Cx) {
        let Some(state) = &mut self.en_bloc else {
            return;
        };
        match state {
            EnBloc::Planning | EnBloc::Recording => {
                if action == Some(Action::Back) && matches!(state, EnBloc::Planning) {
                    cx.forget(crate::tui::loader::RequestKind::Prepare);
                    self.en_bloc = None;
                }
            }
            EnBloc::Done(_) => self.en_bloc = None,
            EnBloc::Proposed { items, cursor } => match (key.code, action) {
                (KeyCode::Char(' '), _) => {
                    if let Some(proposed) = items.get_mut(*cursor) {
                        proposed.pulled = !proposed.pulled;
                    }
                }
                (_, Some(Action::Down)) => *cursor = (*cursor + 1).min(items.len() - 1),
                (_, Some(Action::Up)) => *cursor = cursor.saturating_sub(1),
                (KeyCode::Enter, _) => {
                    let chosen: Vec<AgendaItem> = items
                        .iter()
                        .filter(|p| !p.pulled)
                        .map(|p| p.item.clone())
                        .collect();
                    if chosen.is_empty() {
                        self.en_bloc = None;
                        cx.say("Every item was pulled out for discussion: nothing was recorded.");
                        return;
                    }
                    let date = self.date;
                    let Some(meeting) = cx.opened.and_then(|o| o.catalog.meetings.get(&date))
                    else {
                        return;
                    };
                    let recorder = meeting.chair.clone();
                    cx.request(
                        0,
                        Request::RecordEnBloc {
                            date: self.date,
                            items: chosen,
                            recorder,
                        },
                    );
                    *state = EnBloc::Recording;
                }
                (_, Some(Action::Back)) => {
                    self.en_bloc = None;
                    cx.say("Nothing was taken en bloc.");
                }
                _ => {}
            },
        }
    }

    /// Closes the meeting: its proceedings recorded by the chair.
    fn close_meeting(&mut self, cx: &mut Cx) {
        let Some(opened) = cx.opened else {
            return;
        };
        let Some(meeting) = self.meeting(opened) else {
            return;
        };
        let now = self.settings.clock.now();
        let catalog = &opened.catalog;
        let mut run = self.run.clone();
        if let Some(item) = meeting.agenda.get(run.current) {
            run.leave(item, now);
        }
        let proceedings = run.proceedings(&catalog.panel, meeting, now, |i| {
            catalog
                .decision_at(&i.school, i.year, &i.kind, meeting.date)
                .is_some()
        });
        self.closing = true;
        cx.request(0, Request::CommitProceedings(Box::new(proceedings)));
        cx.say("Recording the proceedings…");
    }

    fn draft_loaded(
        &mut self,
        result: Result<Option<crate::repo::SavedDraft>, String>,
        cx: &mut Cx,
    ) {
        self.looking = false;
        match result {
            Ok(Some(saved)) => match from_ron::<LiveRun>(&saved.text) {
                Ok(run) if run.meeting == self.date => self.run = run,
                Ok(_) => {}
                Err(e) => cx.warn(format!(
                    "✗ The meeting's run so far cannot be read (line {}, column {}: {}); starting afresh",
                    e.position.line, e.position.col, e.message
                )),
            },
            Ok(None) => {}
            Err(e) => cx.warn(format!("✗ Cannot read the meeting's run so far: {e}")),
        }
        // The item kept is taken up again where it was.
        self.take_up(self.run.current, cx);
    }

    fn en_bloc_recorded(&mut self, done: Vec<EnBlocDone>, cx: &mut Cx) {
        let now = self.settings.clock.now();
        let recorded = done.iter().filter(|(_, r)| r.is_ok()).count();
        for (item, result) in &done {
            if result.is_ok() {
                self.run.taken_en_bloc(item, now);
            }
        }
        self.shown = None;
        self.save(cx);
        let left = done.len() - recorded;
        if left == 0 {
            cx.say(format!(
                "✓ {recorded} item(s) recorded en bloc, one commit each"
            ));
        } else {
            cx.warn(format!(
                "! {recorded} item(s) recorded en bloc; {left} left to decide"
            ));
        }
        self.en_bloc = Some(EnBloc::Done(done));
        cx.effect(Effect::Reload);
    }

    fn draw_item(
        frame: &mut Frame,
        area: Rect,
        scroll: &mut u16,
        view: &LiveView,
        timing: Timing,
        draft: bool,
        theme: &Theme,
    ) {
        let mut lines: Vec<Line> = Vec::new();
        lines.push(Line::from(Span::styled(
            timing.progress,
            if timing.behind {
                theme.warn
            } else {
                theme.title
            },
        )));
        lines.push(Line::default());
        lines.push(Line::from(vec![
            Span::styled(view.position.clone(), theme.muted),
            Span::styled(" · ", theme.muted),
            Span::styled(
                timing.timer,
                if timing.over { theme.warn } else { theme.base },
            ),
        ]));
        lines.push(Line::from(Span::styled(view.school.clone(), theme.title)));
        lines.push(Line::from(view.about.clone()));
        if let Some(decided) = &view.decided {
            lines.push(Line::from(Span::styled(decided.clone(), theme.good)));
        } else if draft {
            lines.push(Line::from(Span::styled(
                "✎ A decision draft is kept for this item: Enter offers it back.",
                theme.note,
            )));
        }
        lines.push(Line::default());
        if let Some(movement) = &view.movement {
            lines.push(Line::from(Span::styled(
                format!("➜ {movement}"),
                theme.warn,
            )));
            lines.push(Line::default());
        }
        if let Some(readers) = &view.readers {
            lines.push(Line::from(readers.clone()));
        }
        let mut head = vec![Span::raw(view.reviews_head.clone())];
        if view.disagree {
            head.push(Span::styled(" · ⚑ the reviews disagree", theme.warn));
        }
        lines.push(Line::from(head));
        for review in &view.reviews {
            lines.push(Line::from(format!("  {review}")));
        }
        if view.rules_pending {
            lines.push(Line::from(Span::styled(
                "Rules: … being checked",
                theme.muted,
            )));
        } else if view.rules.is_empty() {
            lines.push(Line::from(Span::styled("Rules: none apply", theme.muted)));
        } else {
            lines.push(Line::from("Rules:"));
            for (met, reason) in &view.rules {
                lines.push(Line::from(vec![
                    Span::raw("  "),
                    check_span(*met, theme),
                    Span::raw(format!(" {reason}")),
                ]));
            }
        }
        if view.conditions.is_empty() {
            lines.push(Line::from(Span::styled(
                "Conditions outstanding: none",
                theme.muted,
            )));
        } else {
            lines.push(Line::from("Conditions outstanding:"));
            for condition in &view.conditions {
                lines.push(Line::from(format!("  {condition}")));
            }
        }
        let lines = wrap(&lines, area.width);
        let height = usize::from(area.height);
        let cut = lines.len() > height;
        // What does not fit is said to be there, on the last row, rather than left unseen.
        let visible = if cut {
            height.saturating_sub(1)
        } else {
            height
        };
        let (mut shown, max) = scroll_window(&lines, visible, scroll);
        if cut {
            let more = if *scroll < max {
                "↓ more below: j or ↓ scrolls"
            } else {
                "↑ more above: k or ↑ scrolls"
            };
            shown.push(Line::from(Span::styled(more, theme.muted)));
        }
        frame.render_widget(Paragraph::new(shown).style(theme.base), area);
    }

    fn draw_side(
        &self,
        frame: &mut Frame,
        area: Rect,
        view: &LiveView,
        drafts: &BTreeSet<String>,
        theme: &Theme,
    ) {
        let inner_width = usize::from(area.width.saturating_sub(2));
        let mut lines: Vec<Line> = view
            .agenda
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let current = i == self.run.current;
                let draft = kept(drafts, row.draft_key.as_ref());
                let mark = if row.decided {
                    "✓"
                } else if draft {
                    "✎"
                } else {
                    " "
                };
                let pointer = if current { "▶" } else { " " };
                let bloc = if row.en_bloc { " ≡" } else { "" };
                let text = format!("{pointer}{mark} {:>2} {}{bloc}", i + 1, row.name);
                let style = if current {
                    theme.selected
                } else if row.decided {
                    theme.good
                } else if draft {
                    theme.note
                } else {
                    theme.base
                };
                Line::from(Span::styled(ellipsis(&text, inner_width), style))
            })
            .collect();
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            "✓ decided  ✎ draft  ≡ en bloc",
            theme.muted,
        )));
        frame.render_widget(
            Paragraph::new(wrap(&lines, area.width.saturating_sub(2)))
                .block(block("Agenda", false, theme))
                .style(theme.base),
            area,
        );
    }

    fn draw_en_bloc(&self, frame: &mut Frame, area: Rect, opened: &OpenedView, cx: &DrawCx) {
        let Some(state) = &self.en_bloc else {
            return;
        };
        let theme = cx.theme;
        let keymap = cx.keymap;
        // A school may have two items at one meeting: each is named with its kind.
        let name = |item: &AgendaItem| {
            row_of(&opened.agenda.rows, item).map_or_else(
                || {
                    format!(
                        "{} · {}",
                        clean(item.school.as_str()),
                        clean(item.kind.as_str())
                    )
                },
                |r| format!("{} · {}", r.name, r.kind_title),
            )
        };
        let mut lines: Vec<Line> = Vec::new();
        let title;
        match state {
            EnBloc::Planning => {
                title = "En bloc";
                lines.push(Line::from(format!(
                    "{} Finding the items whose reviews agree and whose rules are met…",
                    cx.spinner
                )));
            }
            EnBloc::Recording => {
                title = "En bloc";
                lines.push(Line::from(format!(
                    "{} Recording the items, one commit each…",
                    cx.spinner
                )));
            }
            EnBloc::Proposed { items, cursor } => {
                title = "En bloc: confirm these together";
                lines.push(Line::from(Span::styled(
                    "Reviews all in and agreed, rules met. Any member may pull an item out for discussion.",
                    theme.muted,
                )));
                lines.push(Line::default());
                for (i, proposed) in items.iter().enumerate() {
                    let (mark, note) = if proposed.pulled {
                        ("[ ]", " · pulled out for discussion")
                    } else {
                        ("[x]", "")
                    };
                    let pointer = if i == *cursor { "▶ " } else { "  " };
                    let style = if i == *cursor {
                        theme.selected
                    } else if proposed.pulled {
                        theme.muted
                    } else {
                        theme.base
                    };
                    lines.push(Line::from(Span::styled(
                        format!(
                            "{pointer}{mark} {} · reviews: {}{note}",
                            name(&proposed.item),
                            proposed.reviews
                        ),
                        style,
                    )));
                }
                lines.push(Line::default());
                lines.push(Line::from(Span::styled(
                    format!(
                        "Space pulls an item out or puts it back · Enter records the marked items · {} cancels",
                        keymap.first(Action::Back)
                    ),
                    theme.muted,
                )));
            }
            EnBloc::Done(done) => {
                title = "En bloc: done";
                for (item, result) in done {
                    lines.push(match result {
                        Ok(commit) => Line::from(vec![
                            check_span(true, theme),
                            Span::raw(format!(" {} · recorded in commit {commit}", name(item))),
                        ]),
                        Err(why) => Line::from(vec![
                            check_span(false, theme),
                            Span::raw(format!(" {} · left to decide: {why}", name(item))),
                        ]),
                    });
                }
                lines.push(Line::default());
                lines.push(Line::from(Span::styled(
                    "Items pulled out or left stay to decide one by one. Any key closes.",
                    theme.muted,
                )));
            }
        }
        let width = area.width.saturating_sub(4).min(100);
        let wrapped = wrap(&lines, width.saturating_sub(2));
        let height = u16::try_from(wrapped.len())
            .unwrap_or(u16::MAX)
            .saturating_add(2);
        let popup = centred(area, width, height);
        frame.render_widget(Clear, popup);
        frame.render_widget(
            Paragraph::new(wrapped)
                .block(block(title, true, theme))
                .style(theme.base),
            popup,
        );
    }
}

impl Screen for LiveScreen {
    fn key(&mut self, key: &KeyEvent, action: Option<Action>, cx: &mut Cx) -> bool {
        if self.looking {
            return false;
        }
        if self.asking {
            self.asking = false;
            if cx.keymap.action_in(Scope::Question, key) == Some(Action::ConfirmRecord) {
                cx.export(ExportJob::Minutes(self.date));
            } else {
                cx.say(format!(
                    "The minutes were not saved: {} saves them when you are ready.",
                    cx.key_of(Action::Export)
                ));
            }
            return true;
        }
        if self.en_bloc.is_some() {
            self.en_bloc_key(key, action, cx);
            return true;
        }
        if self.typing {
            if key.code == KeyCode::Esc {
                self.typing = false;
            } else if self.notes.input(*key)
                && let Some(item) = cx.opened.and_then(|o| self.item(o))
            {
                self.run.set_notes(&item, self.notes.text());
                self.save(cx);
            }
            return true;
        }
        match cx.keymap.action_in(Scope::Live, key) {
            Some(Action::NextItem) => self.go(1, cx),
            Some(Action::PrevItem) => self.go(-1, cx),
            Some(Action::Notes) => self.typing = true,
            Some(Action::EnBloc) => self.ask_en_bloc(cx),
            Some(Action::CloseMeeting) => self.close_meeting(cx),
            _ => match action {
                Some(Action::Open | Action::Decide) => self.decide(cx),
                Some(Action::Up) => self.scroll = self.scroll.saturating_sub(1),
                Some(Action::Down) => self.scroll = self.scroll.saturating_add(1),
                Some(Action::PageUp) => self.scroll = self.scroll.saturating_sub(10),
                Some(Action::PageDown) => self.scroll = self.scroll.saturating_add(10),
                // The meeting's document is its minutes.
                Some(Action::Export) => cx.export(ExportJob::Minutes(self.date)),
                _ => return false,
            },
        }
        true
    }

    fn scroll(&mut self, _x: u16, _y: u16, delta: isize, _cx: &mut Cx) {
        self.scroll = self.scroll.saturating_add_signed(delta as i16);
    }

    fn loaded(&mut self, _tag: Tag, response: Response, cx: &mut Cx) {
        match response {
            Response::Draft(result) => self.draft_loaded(result, cx),
            Response::DraftSaved { error, .. } => self.save_failed = error,
            Response::EnBlocPlan(Ok(items)) if items.is_empty() => {
                self.en_bloc = None;
                cx.say(
                    "No items are proposed en bloc: none has all its reviews in, agreeing on an award or acceptance, with its rules met.",
                );
            }
            Response::EnBlocPlan(Ok(items)) => {
                let meeting = cx.opened.and_then(|o| Some((o, self.meeting(o)?)));
                let items = items
                    .into_iter()
                    .map(|item| Proposed {
                        reviews: meeting
                            .map(|(o, m)| item_reviews(&o.catalog, m, &item).summary())
                            .unwrap_or_default(),
                        item,
                        pulled: false,
                    })
                    .collect();
                self.en_bloc = Some(EnBloc::Proposed { items, cursor: 0 });
            }
            Response::EnBlocPlan(Err(e)) | Response::Prepared(Err(e)) => {
                self.en_bloc = None;
                cx.warn(format!("✗ Cannot propose items en bloc: {e}"));
            }
            Response::EnBlocRecorded(Ok(done)) => self.en_bloc_recorded(done, cx),
            Response::EnBlocRecorded(Err(e)) => {
                self.en_bloc = None;
                cx.warn(format!("✗ Nothing was recorded en bloc: {e}"));
            }
            Response::Committed(Ok(done)) if self.closing => {
                self.closing = false;
                self.asking = true;
                cx.delete_draft(LiveRun::key(self.date), false);
                cx.effect(Effect::Reload);
                cx.warn(format!(
                    "Save the minutes now? {}/{} · {}",
                    cx.key_of(Action::ConfirmRecord),
                    cx.key_of(Action::NotYet),
                    recorded_message(&done)
                ));
            }
            Response::Committed(Err(failure)) => {
                self.closing = false;
                self.en_bloc = None;
                not_recorded(&failure, cx);
            }
            _ => {}
        }
    }

    fn refresh(&mut self, _reloaded: bool, cx: &mut Cx) {
        self.shown = None;
        if let Some(count) = cx
            .opened
            .and_then(|o| self.meeting(o))
            .map(|m| m.agenda.len())
        {
            self.run.current = self.run.current.min(count.saturating_sub(1));
        }
    }

    /// The clock moves, and drafts saved by the decision form since are marked: both are read
    /// on every frame.
    fn ticks(&self) -> bool {
        true
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, cx: &DrawCx) {
        let theme = cx.theme;
        let Some(opened) = cx.opened else {
            return;
        };
        let title = format!("Live meeting · {}", self.date);
        let outer = block(&title, true, theme);
        if self.shown.is_none() && !self.looking {
            self.shown = self
                .meeting(opened)
                .and_then(|meeting| view(&opened.catalog, meeting, &opened.agenda.rows, &self.run));
        }
        let Some(view) = self.shown.as_ref().filter(|_| !self.looking) else {
            let text = if self.looking {
                format!("{} Looking for the meeting's run so far…", cx.spinner)
            } else {
                "This meeting is no longer in the repository.".to_owned()
            };
            frame.render_widget(Paragraph::new(text).block(outer).style(theme.base), area);
            return;
        };
        let (side, main) = if area.width >= 120 {
            let [side, main] =
                Layout::horizontal([Constraint::Length(36), Constraint::Min(40)]).areas(area);
            (Some(side), main)
        } else {
            (None, area)
        };
        if let Some(side) = side {
            self.draw_side(frame, side, view, cx.drafts, theme);
        }
        let notes_height = if main.height >= 36 { 10 } else { 4 };
        let [item_area, notes_area] =
            Layout::vertical([Constraint::Min(5), Constraint::Length(notes_height)]).areas(main);
        let inner = outer.inner(item_area);
        frame.render_widget(outer, item_area);
        let padded = Rect {
            x: inner.x + 1,
            width: inner.width.saturating_sub(2),
            ..inner
        };
        let timing = timing(
            view,
            &self.run,
            self.settings.clock.now(),
            self.settings.minutes_per_item,
        );
        let draft = view.decided.is_none() && kept(cx.drafts, view.draft_key.as_ref());
        Self::draw_item(frame, padded, &mut self.scroll, view, timing, draft, theme);
        let notes_title = match &self.save_failed {
            Some(e) => format!("Notes · ✗ not saved: {e}"),
            None if self.typing => "Notes · typing, Esc when done".to_owned(),
            None => format!("Notes · {} to type", cx.keymap.first(Action::Notes)),
        };
        draw_text(
            frame,
            notes_area,
            &mut self.notes,
            &notes_title,
            self.typing,
            theme,
            false,
        );
        self.draw_en_bloc(frame, area, opened, cx);
    }

    fn footer(&self, keymap: &KeyMap) -> Footer {
        let key = |a: Action| keymap.first(a);
        let keys: Vec<(String, String)> = if self.typing {
            vec![("Esc".into(), "done".into())]
        } else if self.en_bloc.is_some() {
            vec![
                ("Space".into(), "pull out".into()),
                ("Enter".into(), "record".into()),
                (key(Action::Back), "cancel".into()),
            ]
        } else if self.asking {
            vec![
                (key(Action::ConfirmRecord), "save the minutes".into()),
                (key(Action::NotYet), "not now".into()),
            ]
        } else {
            vec![
                (
                    format!("{}/{}", key(Action::PrevItem), key(Action::NextItem)),
                    "item".into(),
                ),
                ("Enter".into(), "decide".into()),
                (key(Action::Notes), "notes".into()),
                (key(Action::EnBloc), "en bloc".into()),
                (key(Action::CloseMeeting), "close meeting".into()),
            ]
        };
        Footer::Keys {
            keys,
            typing: self.typing,
        }
    }

    fn about(&self, opened: Option<&OpenedView>) -> About {
        let item = self.item(opened?)?;
        Some((item.school, Some(item.year)))
    }

    fn chosen(&self, opened: Option<&OpenedView>) -> Chosen {
        Chosen {
            kind: opened.and_then(|o| self.item(o)).map(|i| i.kind),
            path: None,
        }
    }

    fn draft_failed(&self) -> bool {
        self.save_failed.is_some()
    }
}
