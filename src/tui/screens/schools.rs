//! Every school with its award state, filterable and sortable.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Wrap};

use crate::tui::table::{ListModel, Sized, fit_columns};
use crate::tui::theme::Theme;
use crate::tui::view::SchoolRow;
use ratatui::crossterm::event::KeyEvent;

use crate::tui::keymap::{Action, KeyMap};
use crate::tui::loader::Response;
use crate::tui::screen::{About, Cx, DrawCx, Footer, Open, Screen};
use crate::tui::view::{Glance, OpenedView};
use crate::tui::widgets::{ListHit, block, ellipsis};

use super::condition::{ConditionMetForm, Outcome};

/// The schools screen's state.
#[derive(Debug, Default)]
pub struct SchoolsScreen {
    pub list: ListModel,
    pub hit: ListHit,
    /// The cells' text, computed when the data changes rather than on every frame.
    texts: Vec<Vec<String>>,
    /// The form recording a condition met, open over the list.
    pub form: Option<ConditionMetForm>,
}

/// Column titles, in order; the sort cycles through them.
pub const COLUMNS: [&str; 9] = [
    "School",
    "Phase",
    "Area",
    "Award",
    "Awarded",
    "Expires",
    "Next review",
    "Conditions",
    "Eligible",
];

/// The text of each row's cells, for filtering and sorting.
pub fn rows_text(rows: &[SchoolRow]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            vec![
                r.name.clone(),
                r.phase.clone(),
                r.area.clone(),
                r.award.clone(),
                r.awarded.clone(),
                r.expires.clone(),
                r.next_review.clone(),
                r.conditions.clone(),
                r.eligibility.clone(),
            ]
        })
        .collect()
}

impl SchoolsScreen {
    /// New data: recompute the cells once, keeping the same school selected.
    pub fn set_data(&mut self, rows: &[SchoolRow]) {
        self.texts = rows_text(rows);
        self.list.set_rows(
            &self.texts,
            rows.iter().map(|r| r.school.to_string()).collect(),
        );
    }

    pub fn selected<'a>(&self, rows: &'a [SchoolRow]) -> Option<&'a SchoolRow> {
        self.list.selected().and_then(|i| rows.get(i))
    }

    pub fn draw(&mut self, frame: &mut Frame, area: Rect, rows: &[SchoolRow], theme: &Theme) {
        let [table_area, detail_area] =
            Layout::vertical([Constraint::Min(6), Constraint::Length(6)]).areas(area);
        // Each column as wide as what it holds. Narrow terminals leave out the phase, the next
        // review's date (the award says "review overdue" when it is past), the awarded date
        // and the area, in that order, before cutting anything (the detail below shows all);
        // the name, the award and eligibility are cut last.
        let sized: Vec<Sized> = (0..COLUMNS.len())
            .map(|c| {
                let fit = Sized::new(
                    self.list.header_width(&COLUMNS, c).max(self.list.widest(c)),
                    match c {
                        0 => 14,
                        3 | 8 => 8,
                        7 => 9,
                        _ => u16::MAX,
                    },
                );
                match c {
                    1 => fit.optional_at(4),
                    6 => fit.optional_at(3),
                    4 => fit.optional_at(2),
                    2 => fit.optional_at(1),
                    _ => fit,
                }
            })
            .collect();
        let columns: Vec<(usize, u16)> = fit_columns(&sized, table_area.width.saturating_sub(4))
            .into_iter()
            .enumerate()
            .filter_map(|(c, w)| Some((c, w?)))
            .collect();
        let shown: Vec<usize> = columns.iter().map(|(c, _)| *c).collect();
        let header = self
            .list
            .header(&COLUMNS, &shown)
            .style(theme.column_header);
        let table_rows: Vec<Row> = self
            .list
            .visible()
            .iter()
            .filter_map(|&i| Some((rows.get(i)?, self.texts.get(i)?)))
            .map(|(row, text)| {
                Row::new(
                    columns
                        .iter()
                        .map(|(c, w)| {
                            let style = match (c, row.award_held) {
                                (3, Some(true)) => theme.good,
                                (3, Some(false)) => theme.bad,
                                (3, None) => theme.muted,
                                (7, _) if row.conditions_overdue => theme.bad,
                                _ => theme.base,
                            };
                            Cell::from(ellipsis(&text[*c], usize::from(*w))).style(style)
                        })
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        let mut title = format!("Schools ({})", rows.len());
        if !self.list.filter.is_empty() {
            title.push_str(&format!(
                " — filter \"{}\": {} shown",
                self.list.filter,
                table_rows.len()
            ));
        }
        let table = Table::new(
            table_rows,
            columns.iter().map(|(_, w)| Constraint::Length(*w)),
        )
        .header(header)
        .block(block(&title, true, theme))
        .row_highlight_style(theme.selected)
        .highlight_symbol("▶ ")
        .style(theme.base);
        frame.render_stateful_widget(table, table_area, &mut self.list.state);
        self.hit = ListHit::in_bordered_table(table_area, self.list.state.offset());
        let lines = match self.selected(rows) {
            None => vec![Line::from(Span::styled("No school selected.", theme.muted))],
            Some(r) => vec![
                Line::from(vec![
                    Span::styled(r.name.clone(), theme.title),
                    Span::raw(format!(" · {} · {}", r.phase, r.area)),
                ]),
                Line::from(format!(
                    "Award: {} · awarded {} · expires {} · next annual review {}",
                    r.award, r.awarded, r.expires, r.next_review
                )),
                Line::from(format!("Additional awards: {}", r.eligibility)),
                Line::from(if r.condition_notes.is_empty() {
                    "Conditions: none outstanding".to_owned()
                } else {
                    format!("Conditions: {}", r.condition_notes.join(" · "))
                }),
            ],
        };
        let detail = Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block("Details", false, theme))
            .style(theme.base);
        frame.render_widget(detail, detail_area);
    }
}

impl SchoolsScreen {
    fn open_selected(&self, cx: &mut Cx) {
        let Some(row) = cx.opened.and_then(|o| self.selected(&o.schools)) else {
            return;
        };
        match row.latest_year {
            Some(year) => cx.open(Open::Submission {
                school: row.school.clone(),
                year,
                kind: None,
            }),
            None => cx.say(format!("{} has not submitted anything yet.", row.school)),
        }
    }
}

impl Screen for SchoolsScreen {
    fn key(&mut self, key: &KeyEvent, action: Option<Action>, cx: &mut Cx) -> bool {
        let Some(opened) = cx.opened else {
            return false;
        };
        // Ctrl-C quits from the form too, as it does everywhere.
        let ctrl_c = crate::tui::keymap::is_ctrl_c(key);
        if let Some(form) = &mut self.form
            && !ctrl_c
        {
            if form.key(key, action, cx) == Outcome::Close {
                self.form = None;
            }
            return true;
        }
        if action == Some(Action::ConditionMet) && !self.list.editing {
            if let Some(row) = self.selected(&opened.schools) {
                match ConditionMetForm::open(&opened.catalog, &row.school, cx.today) {
                    Ok(form) => self.form = Some(form),
                    Err(why) => cx.say(why),
                }
            }
            return true;
        }
        if self.list.key(key, action, COLUMNS.len()) {
            return true;
        }
        if action == Some(Action::Open) {
            self.open_selected(cx);
            return true;
        }
        false
    }

    fn click(&mut self, x: u16, y: u16, cx: &mut Cx) {
        if self.list.click(&self.hit, x, y) {
            self.open_selected(cx);
        }
    }

    fn scroll(&mut self, _x: u16, _y: u16, delta: isize, _cx: &mut Cx) {
        self.list.move_by(delta.signum());
    }

    fn loaded(&mut self, _tag: crate::tui::tag::Tag, response: Response, cx: &mut Cx) {
        if let Some(form) = &mut self.form
            && form.loaded(response, cx) == Outcome::Close
        {
            self.form = None;
        }
    }

    fn refresh(&mut self, _reloaded: bool, cx: &mut Cx) {
        if let Some(opened) = cx.opened {
            self.set_data(&opened.schools);
        }
    }

    fn hide(&mut self) {
        self.list.editing = false;
    }

    fn glance(&mut self, frame: &mut Frame, area: Rect, glance: &Glance, theme: &Theme) -> bool {
        self.set_data(&glance.schools);
        SchoolsScreen::draw(self, frame, area, &glance.schools, theme);
        true
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, cx: &DrawCx) {
        if let Some(opened) = cx.opened {
            SchoolsScreen::draw(self, frame, area, &opened.schools, cx.theme);
            if let Some(form) = &mut self.form {
                form.draw(frame, area, cx.theme, cx.keymap);
            }
        }
    }

    fn footer(&self, keymap: &KeyMap) -> Footer {
        if let Some(form) = &self.form {
            return form.footer(keymap);
        }
        if self.list.editing {
            return Footer::Filter(self.list.filter.clone());
        }
        Footer::Actions(vec![
            Action::Down,
            Action::Open,
            Action::Filter,
            Action::Sort,
            Action::ConditionMet,
            Action::AgendaTab,
            Action::Theme,
            Action::Help,
            Action::Quit,
        ])
    }

    fn about(&self, opened: Option<&OpenedView>) -> About {
        self.selected(&opened?.schools)
            .map(|r| (r.school.clone(), r.latest_year))
    }
}
