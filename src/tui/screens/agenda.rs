//! The agenda: the items the meeting will decide, with conflicts and rule checks.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Wrap};

use crate::tui::table::{ListModel, Sized, fit_columns, text_width};
use crate::tui::theme::Theme;
use crate::tui::view::{AgendaRow, AgendaView, ReviewsAtGlance};

use super::order::OrderDialog;
use super::readers::{DialogReply, ReadersDialog};
use crate::tui::loader::{Request, Response};
use crate::tui::tag::Tag;
use ratatui::crossterm::event::KeyEvent;

use crate::tui::keymap::{Action, KeyMap};
use crate::tui::loader::ExportJob;
use crate::tui::screen::{About, Chosen, Cx, DrawCx, Footer, Open, Screen};
use crate::tui::view::{Glance, OpenedView};
use crate::tui::widgets::{ListHit, block, check_span, ellipsis};

/// The agenda screen's state.
#[derive(Debug, Default)]
pub struct AgendaScreen {
    pub list: ListModel,
    pub hit: ListHit,
    /// The cells' text, computed when the data changes rather than on every frame.
    texts: Vec<Vec<String>>,
    /// The widest kind id, which narrow screens show in place of the kind's title.
    kind_ids: u16,
    /// The form writing a review of the selected item, open over the agenda.
    pub review: Option<super::review::ReviewForm>,
    /// A dialog over the agenda: the readers' assignment or the discussion order.
    dialog: Option<Dialog>,
}

/// The dialogs the agenda opens over itself.
#[derive(Debug)]
enum Dialog {
    Readers(ReadersDialog),
    Order(OrderDialog),
}

/// Column titles, in order; the sort cycles through them.
pub const COLUMNS: [&str; 12] = [
    "#",
    "School",
    "Phase",
    "Area",
    "Year",
    "Kind",
    "Status",
    "Conflicts",
    "Rules",
    "Lead",
    "Reviews",
    "Recommended",
];

fn lead_text(row: &AgendaRow) -> String {
    row.reviews
        .as_ref()
        .and_then(|r| r.lead.clone())
        .unwrap_or_else(|| "–".to_owned())
}

/// `2/2`, with a flag where the reviews disagree: the flag is what the chair looks for.
fn reviews_text(row: &AgendaRow) -> String {
    match &row.reviews {
        Some(r) if r.disagree => format!("{} ⚑", r.count()),
        Some(r) => r.count(),
        None => "–".to_owned(),
    }
}

fn recommended_text(row: &AgendaRow) -> String {
    match &row.reviews {
        Some(r) if !r.summary.is_empty() => r.summary.clone(),
        _ => "–".to_owned(),
    }
}

/// The status, marked where a decision on the item is drafted and not yet recorded.
fn status_text(row: &AgendaRow) -> String {
    if row.draft && !row.decided {
        "✎ drafted".to_owned()
    } else {
        row.status.clone()
    }
}

fn rules_text(row: &AgendaRow) -> String {
    if row.evidence_pending {
        return "…".to_owned();
    }
    match row.rules_met() {
        None => "–".to_owned(),
        Some(all) => {
            let met = row.rules.iter().filter(|r| r.met).count();
            format!("{} {met}/{}", if all { "✓" } else { "✗" }, row.rules.len())
        }
    }
}

fn conflicts_text(row: &AgendaRow) -> String {
    if row.conflicts.is_empty() {
        "–".to_owned()
    } else {
        format!("⚠ {}", row.conflicts.len())
    }
}

/// The text of each row's cells, for showing, filtering and sorting.
pub fn rows_text(view: &AgendaView) -> Vec<Vec<String>> {
    view.rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                format!("{:>2}", i + 1),
                r.name.clone(),
                r.phase.clone(),
                r.area.clone(),
                r.year.to_string(),
                r.kind_title.clone(),
                status_text(r),
                conflicts_text(r),
                rules_text(r),
                lead_text(r),
                reviews_text(r),
                recommended_text(r),
            ]
        })
        .collect()
}

impl AgendaScreen {
    /// New data: recompute the cells once, keeping the same item selected.
    pub fn set_data(&mut self, view: &AgendaView) {
        self.texts = rows_text(view);
        self.kind_ids = view
            .rows
            .iter()
            .map(|r| text_width(r.kind.as_str()))
            .max()
            .unwrap_or(0);
        let keys = view
            .rows
            .iter()
            .map(|r| format!("{}/{}/{}", r.school, r.year, r.kind))
            .collect();
        self.list.set_rows(&self.texts, keys);
    }

    pub fn selected<'a>(&self, view: &'a AgendaView) -> Option<&'a AgendaRow> {
        self.list.selected().and_then(|i| view.rows.get(i))
    }

    pub fn draw(&mut self, frame: &mut Frame, area: Rect, view: &AgendaView, theme: &Theme) {
        // The table takes what its rows need (and at most half); the details get the rest,
        // since the reasons of the rules are what the panel reads out.
        let wanted = u16::try_from(self.list.visible().len())
            .unwrap_or(u16::MAX)
            .saturating_add(3)
            .max(6);
        let table_height = wanted.min(area.height / 2).max(6.min(area.height));
        let [table_area, detail_area] =
            Layout::vertical([Constraint::Length(table_height), Constraint::Min(5)]).areas(area);
        let wide = area.width >= 120;
        // Below 120 columns kinds show as ids; the phase and area are left out before
        // anything is cut (the details below show them), and the school's name and the kind
        // give way last. The readers' columns follow the checks: what the reviews recommend
        // shows where there is room for it whole (the details give it always), and the year
        // gives way to the lead reviewer and the count of reviews.
        let candidates: &[usize] = if wide {
            &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
        } else {
            &[0, 1, 4, 5, 6, 7, 8, 9, 10, 11]
        };
        let cell = |row: &AgendaRow, text: &[String], c: usize| -> String {
            if c == 5 && !wide {
                row.kind.to_string()
            } else {
                text[c].clone()
            }
        };
        let sized: Vec<Sized> = candidates
            .iter()
            .map(|&c| {
                // A kind's id is cut where it must be before the school's name is: the
                // names tell the items apart, and the details give the kind whole.
                let cells = if c == 5 && !wide {
                    self.kind_ids.min(13)
                } else if c == 11 {
                    // Long outcome ids would push the column out altogether; cut, it still
                    // says where the reviews stand.
                    self.list.widest(c).min(28)
                } else {
                    self.list.widest(c)
                };
                let fit = Sized::new(
                    self.list.header_width(&COLUMNS, c).max(cells),
                    match c {
                        1 | 5 => 12,
                        2 | 6 => 9,
                        9 => 7,
                        11 => 14,
                        _ => u16::MAX,
                    },
                );
                match c {
                    2 | 3 => fit.optional_at(3),
                    4 => fit.optional(),
                    11 => fit.optional_at(2),
                    _ => fit,
                }
            })
            .collect();
        // Inside the borders, less the selection's marker.
        let room = table_area.width.saturating_sub(4);
        let columns: Vec<(usize, u16)> = candidates
            .iter()
            .zip(fit_columns(&sized, room))
            .filter_map(|(&c, w)| Some((c, w?)))
            .collect();
        let shown: Vec<usize> = columns.iter().map(|(c, _)| *c).collect();
        let header = self
            .list
            .header(&COLUMNS, &shown)
            .style(theme.column_header);
        let rows: Vec<Row> = self
            .list
            .visible()
            .iter()
            .filter_map(|&i| Some((view.rows.get(i)?, self.texts.get(i)?)))
            .map(|(row, text)| {
                Row::new(
                    columns
                        .iter()
                        .map(|(c, w)| {
                            // Cut where it must be; the details show the selected row whole.
                            let shown = ellipsis(&cell(row, text, *c), usize::from(*w));
                            let style = match c {
                                6 if row.decided => theme.good,
                                6 if row.draft => theme.warn,
                                7 if !row.conflicts.is_empty() => theme.warn,
                                10 | 11 if row.reviews.as_ref().is_some_and(|r| r.disagree) => {
                                    theme.warn
                                }
                                8 => match row.rules_met() {
                                    Some(true) => theme.good,
                                    Some(false) => theme.bad,
                                    None => theme.muted,
                                },
                                _ => theme.base,
                            };
                            Cell::from(shown).style(style)
                        })
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        let mut title = view.title.clone();
        if !self.list.filter.is_empty() {
            title.push_str(&format!(
                " — filter \"{}\": {} of {}",
                self.list.filter,
                rows.len(),
                view.rows.len()
            ));
        }
        let table = Table::new(rows, columns.iter().map(|(_, w)| Constraint::Length(*w)))
            .header(header)
            .block(block(&title, true, theme))
            .row_highlight_style(theme.selected)
            .highlight_symbol("▶ ")
            .style(theme.base);
        frame.render_stateful_widget(table, table_area, &mut self.list.state);
        self.hit = ListHit::in_bordered_table(table_area, self.list.state.offset());
        if view.rows.is_empty() {
            let empty = Paragraph::new("Nothing on the agenda.").style(theme.muted);
            frame.render_widget(empty, inner(table_area, 2));
        }
        self.draw_detail(frame, detail_area, view, theme);
    }

    fn draw_detail(&self, frame: &mut Frame, area: Rect, view: &AgendaView, theme: &Theme) {
        let mut lines: Vec<Line> = Vec::new();
        if let Some(row) = self.selected(view) {
            lines.push(Line::from(vec![
                Span::styled(row.name.clone(), theme.title),
                Span::raw(format!(" · {} · {} · {}", row.phase, row.area, row.year)),
            ]));
            let mut status = vec![
                Span::raw(format!("{} · ", row.kind_title)),
                Span::styled(
                    row.status.clone(),
                    if row.decided { theme.good } else { theme.base },
                ),
            ];
            if row.draft && !row.decided {
                status.push(Span::styled(
                    " · ✎ a draft of the decision is saved, not recorded",
                    theme.warn,
                ));
            }
            lines.push(Line::from(status));
            if let Some(reviews) = &row.reviews {
                lines.push(reviews_line(reviews, theme));
            }
            if !row.conditions.is_empty() {
                lines.push(Line::from(Span::styled(
                    format!("Conditions: {}", row.conditions.join(" · ")),
                    if row.conditions_overdue {
                        theme.warn
                    } else {
                        theme.base
                    },
                )));
            }
            if row.conflicts.is_empty() {
                lines.push(Line::from(Span::styled(
                    "No conflicts of interest declared or known.",
                    theme.muted,
                )));
            }
            for (name, why) in &row.conflicts {
                lines.push(Line::from(vec![
                    Span::styled(format!("⚠ {name}"), theme.warn),
                    Span::raw(format!(" takes no part ({why})")),
                ]));
            }
            if let Some(problem) = &row.rule_problem {
                lines.push(Line::from(vec![
                    check_span(false, theme),
                    Span::raw(format!(" {problem}")),
                ]));
            }
            if row.evidence_pending {
                lines.push(Line::from(Span::styled(
                    "… checking the evidence rules against the self-review",
                    theme.muted,
                )));
            }
            if row.rules.is_empty() && row.rule_problem.is_none() && !row.evidence_pending {
                lines.push(Line::from(Span::styled(
                    "No evidence or eligibility rules apply to this kind.",
                    theme.muted,
                )));
            }
            // The reason first: it is what the panel needs; the rule's wording follows.
            for rule in &row.rules {
                lines.push(Line::from(vec![
                    check_span(rule.met, theme),
                    Span::raw(" "),
                    Span::styled(rule.reason.clone(), theme.title),
                    Span::styled(format!(" — {}", rule.description), theme.muted),
                ]));
            }
        }
        let detail = Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block("Details", false, theme))
            .style(theme.base);
        frame.render_widget(detail, area);
    }
}

/// Who reads the item and what each recommends: "Reviews 1/2 · lead Amara Okafor: award ·
/// second Tom Hale: not in yet".
fn reviews_line(reviews: &ReviewsAtGlance, theme: &Theme) -> Line<'static> {
    let mut spans = vec![Span::raw(format!("Reviews {}", reviews.count()))];
    if reviews.readers.is_empty() {
        spans.push(Span::styled(" · no readers confirmed", theme.muted));
    }
    for (name, role, recommends) in &reviews.readers {
        let who = if role.is_empty() {
            name.clone()
        } else {
            format!("{role} {name}")
        };
        spans.push(Span::raw(format!(" · {who}: ")));
        match recommends {
            Some(r) => spans.push(Span::styled(r.clone(), theme.title)),
            None => spans.push(Span::styled("not in yet", theme.muted)),
        }
    }
    if reviews.disagree {
        spans.push(Span::styled(" · ⚑ the reviews disagree", theme.warn));
    }
    Line::from(spans)
}

fn inner(area: Rect, top: u16) -> Rect {
    Rect {
        x: area.x + 2,
        y: area.y + top,
        width: area.width.saturating_sub(4),
        height: area.height.saturating_sub(top + 1),
    }
}

impl AgendaScreen {
    fn open_selected(&self, cx: &mut Cx) {
        if let Some(row) = cx.opened.and_then(|o| self.selected(&o.agenda)) {
            let (school, year) = (row.school.clone(), row.year);
            let kind = Some(row.kind.clone());
            cx.open(Open::Submission { school, year, kind });
        }
    }
}

impl AgendaScreen {
    /// A key for the dialog on show: every key is its own while it is open.
    fn dialog_key(&mut self, key: &KeyEvent, cx: &mut Cx) {
        let reply = match &mut self.dialog {
            Some(Dialog::Readers(d)) => d.key(key),
            Some(Dialog::Order(d)) => {
                let reply = d.key(key, cx.keymap);
                if matches!(reply, DialogReply::Record(_)) && d.unchanged() {
                    cx.say("The agenda is already in this order: nothing to record.");
                    DialogReply::Close
                } else {
                    reply
                }
            }
            None => return,
        };
        match reply {
            DialogReply::Handled => {}
            DialogReply::Close => self.dialog = None,
            DialogReply::Record(draft) => {
                cx.request(0, Request::CommitMeeting(draft));
                cx.say("Recording…");
            }
        }
    }

    /// Opens a dialog on the meeting being worked towards, if there is one.
    fn open_dialog(&mut self, order: bool, cx: &mut Cx) {
        let Some(opened) = cx.opened else { return };
        let Some(meeting) = opened.catalog.current_meeting(cx.today) else {
            cx.say("No meeting is scheduled: set one up first.");
            return;
        };
        if meeting.agenda.is_empty() {
            cx.say("The meeting's agenda is empty.");
            return;
        }
        self.dialog = Some(if order {
            Dialog::Order(OrderDialog::new(&opened.catalog, meeting))
        } else {
            Dialog::Readers(ReadersDialog::new(&opened.catalog, meeting))
        });
    }
}

impl Screen for AgendaScreen {
    fn key(&mut self, key: &KeyEvent, action: Option<Action>, cx: &mut Cx) -> bool {
        let Some(opened) = cx.opened else {
            return false;
        };
        // Ctrl-C quits from the form too, as it does everywhere.
        let ctrl_c = crate::tui::keymap::is_ctrl_c(key);
        if let Some(form) = &mut self.review
            && !ctrl_c
        {
            if form.key(key, action, cx) == super::review::Outcome::Close {
                self.review = None;
            }
            return true;
        }
        if action == Some(Action::WriteReview) && !self.list.editing {
            match self.selected(&opened.agenda) {
                Some(row) => {
                    let item = crate::model::AgendaItem {
                        school: row.school.clone(),
                        year: row.year,
                        kind: row.kind.clone(),
                    };
                    match super::review::ReviewForm::open(
                        &opened.catalog,
                        &item,
                        cx.today,
                        opened.me.as_ref(),
                    ) {
                        Ok(mut form) => {
                            form.restore(cx);
                            self.review = Some(form);
                        }
                        Err(why) => cx.say(why),
                    }
                }
                None => cx.say("Choose an item on the agenda first."),
            }
            return true;
        }
        if self.dialog.is_some() {
            self.dialog_key(key, cx);
            return true;
        }
        if self.list.key(key, action, COLUMNS.len()) {
            return true;
        }
        match action {
            Some(Action::Open) => self.open_selected(cx),
            Some(Action::AssignReaders) => self.open_dialog(false, cx),
            Some(Action::DiscussionOrder) => self.open_dialog(true, cx),
            Some(Action::Decide) => {
                let row = self
                    .selected(&opened.agenda)
                    .map(|r| Box::new(r.clone()))
                    .ok_or_else(|| "Choose an item on the agenda first.".to_owned());
                cx.open(Open::Decision(row));
            }
            // The agenda's document is the meeting's minutes.
            Some(Action::Export) => match opened.catalog.current_meeting(cx.today) {
                Some(meeting) => cx.export(ExportJob::Minutes(meeting.date)),
                None => cx.say("No meeting is scheduled, so there are no minutes to save."),
            },
            _ => return false,
        }
        true
    }

    fn loaded(&mut self, _tag: Tag, response: Response, cx: &mut Cx) {
        // The review form and the dialogs never wait at the same time: keys go to the form
        // while it is open.
        if let Some(form) = &mut self.review {
            if form.loaded(response, cx) == super::review::Outcome::Close {
                self.review = None;
            }
            return;
        }
        match response {
            Response::Committed(Ok(done)) => {
                self.dialog = None;
                cx.say(super::record::recorded_message(&done));
                cx.effect(crate::tui::screen::Effect::Reload);
            }
            Response::Committed(Err(failure)) => {
                match &mut self.dialog {
                    Some(Dialog::Readers(d)) => d.recording = false,
                    Some(Dialog::Order(d)) => d.recording = false,
                    None => {}
                }
                super::record::not_recorded(&failure, cx);
            }
            _ => {}
        }
    }

    fn click(&mut self, x: u16, y: u16, cx: &mut Cx) {
        if self.dialog.is_some() {
            return;
        }
        if self.list.click(&self.hit, x, y) {
            self.open_selected(cx);
        }
    }

    fn scroll(&mut self, _x: u16, _y: u16, delta: isize, _cx: &mut Cx) {
        self.list.move_by(delta.signum());
    }

    fn refresh(&mut self, _reloaded: bool, cx: &mut Cx) {
        if let Some(opened) = cx.opened {
            self.set_data(&opened.agenda);
        }
    }

    fn hide(&mut self) {
        self.list.editing = false;
        // A dialog waiting for its commit stays, to hear how it went.
        let recording = match &self.dialog {
            Some(Dialog::Readers(d)) => d.recording,
            Some(Dialog::Order(d)) => d.recording,
            None => false,
        };
        if !recording {
            self.dialog = None;
        }
    }

    fn glance(&mut self, frame: &mut Frame, area: Rect, glance: &Glance, theme: &Theme) -> bool {
        self.set_data(&glance.agenda);
        AgendaScreen::draw(self, frame, area, &glance.agenda, theme);
        true
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, cx: &DrawCx) {
        if let Some(opened) = cx.opened {
            AgendaScreen::draw(self, frame, area, &opened.agenda, cx.theme);
            if let Some(form) = &mut self.review {
                form.draw(frame, area, cx.theme, cx.keymap, &opened.catalog);
            }
        }
        match &self.dialog {
            Some(Dialog::Readers(d)) => d.draw(frame, area, cx.theme),
            Some(Dialog::Order(d)) => d.draw(frame, area, cx.theme, cx.keymap),
            None => {}
        }
    }

    fn footer(&self, keymap: &KeyMap) -> Footer {
        if let Some(form) = &self.review {
            return form.footer(keymap);
        }
        if self.list.editing {
            return Footer::Filter(self.list.filter.clone());
        }
        if self.dialog.is_some() {
            return Footer::Keys {
                keys: vec![
                    ("Enter".into(), "record".into()),
                    ("Esc".into(), "close".into()),
                ],
                typing: false,
            };
        }
        Footer::Actions(vec![
            Action::Down,
            Action::Open,
            Action::Decide,
            Action::MeetingTab,
            Action::Filter,
            Action::Sort,
            Action::Help,
            Action::Quit,
        ])
    }

    fn about(&self, opened: Option<&OpenedView>) -> About {
        self.selected(&opened?.agenda)
            .map(|r| (r.school.clone(), Some(r.year)))
    }

    fn chosen(&self, opened: Option<&OpenedView>) -> Chosen {
        let kind = opened
            .and_then(|o| self.selected(&o.agenda))
            .map(|r| r.kind.clone());
        Chosen { kind, path: None }
    }
}
