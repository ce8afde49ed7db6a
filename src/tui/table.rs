//! A list the user can filter, sort and move through; shared by the agenda and schools
//! screens. Rows are given as the text of their cells, which is what the filter matches and
//! the sort compares.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::widgets::{Cell, Row, TableState};

use super::keymap::Action;

/// Filter, sort and selection over a list of rows.
#[derive(Debug, Default, Clone)]
pub struct ListModel {
    pub filter: String,
    /// The column sorted by, or `None` for the rows' own order.
    pub sort: Option<usize>,
    pub reversed: bool,
    pub state: TableState,
    /// The filter is being typed: keys are its text.
    pub editing: bool,
    visible: Vec<usize>,
    /// The rows' cells in lower case, computed once per change of data.
    lower: Vec<Vec<String>>,
    /// The widest cell of each column, measured once per change of data: sizing the
    /// columns needs it on every frame.
    widths: Vec<u16>,
    /// What each row is (a school, an agenda item), to keep it selected across changes.
    keys: Vec<String>,
}

impl ListModel {
    /// Replaces the rows, keeping the same row (by key) selected when it is still there.
    pub fn set_rows(&mut self, rows: &[Vec<String>], keys: Vec<String>) {
        let keep = self.selected().and_then(|i| self.keys.get(i).cloned());
        self.lower = rows
            .iter()
            .map(|r| r.iter().map(|c| c.to_lowercase()).collect())
            .collect();
        self.widths = widest_cells(rows.iter().map(Vec::as_slice));
        self.keys = keys;
        self.apply_keeping(keep);
    }

    /// Recomputes which rows show, in what order, after a change of filter or sort.
    pub fn apply(&mut self) {
        let keep = self.selected().and_then(|i| self.keys.get(i).cloned());
        self.apply_keeping(keep);
    }

    fn apply_keeping(&mut self, keep: Option<String>) {
        let needle = self.filter.to_lowercase();
        let rows = &self.lower;
        let mut visible: Vec<usize> = (0..rows.len())
            .filter(|&i| needle.is_empty() || rows[i].iter().any(|c| c.contains(&needle)))
            .collect();
        if let Some(col) = self.sort {
            let key = |i: usize| rows[i].get(col).map_or("", String::as_str);
            visible.sort_by(|&a, &b| key(a).cmp(key(b)));
        }
        if self.reversed {
            visible.reverse();
        }
        self.visible = visible;
        let position = keep.and_then(|k| {
            self.visible
                .iter()
                .position(|&v| self.keys.get(v) == Some(&k))
        });
        self.state.select(match position {
            Some(p) => Some(p),
            None if self.visible.is_empty() => None,
            None => Some(0),
        });
    }

    /// The rows that show, as indexes into the full list.
    pub fn visible(&self) -> &[usize] {
        &self.visible
    }

    /// The selected row, as an index into the full list.
    pub fn selected(&self) -> Option<usize> {
        self.state
            .selected()
            .and_then(|p| self.visible.get(p).copied())
    }

    pub fn move_by(&mut self, delta: isize) {
        if self.visible.is_empty() {
            return;
        }
        let current = self.state.selected().unwrap_or(0) as isize;
        let last = self.visible.len() as isize - 1;
        self.state
            .select(Some((current + delta).clamp(0, last) as usize));
    }

    pub fn top(&mut self) {
        if !self.visible.is_empty() {
            self.state.select(Some(0));
        }
    }

    pub fn bottom(&mut self) {
        if !self.visible.is_empty() {
            self.state.select(Some(self.visible.len() - 1));
        }
    }

    /// Selects the row shown at a position in the list (for a mouse click).
    pub fn select_position(&mut self, position: usize) -> bool {
        if position < self.visible.len() {
            self.state.select(Some(position));
            true
        } else {
            false
        }
    }

    /// A click at a screen position: stops any filter being typed and selects the row
    /// clicked. True when the row clicked was already selected, which opens it.
    pub fn click(&mut self, hit: &super::widgets::ListHit, x: u16, y: u16) -> bool {
        self.editing = false;
        let Some(position) = hit.position(x, y) else {
            return false;
        };
        let already = self.state.selected() == Some(position);
        self.select_position(position) && already
    }

    /// The header of the columns shown (by index into `names`), the sorted one marked with its
    /// direction.
    pub fn header<'a>(&self, names: &[&'a str], shown: &[usize]) -> Row<'a> {
        Row::new(shown.iter().map(|&c| {
            let mark = match (self.sort, self.reversed) {
                (Some(s), false) if s == c => " ▲",
                (Some(s), true) if s == c => " ▼",
                _ => "",
            };
            Cell::from(format!(
                "{}{mark}",
                names.get(c).copied().unwrap_or_default()
            ))
        }))
    }

    /// The width of column `c`'s widest cell.
    pub fn widest(&self, c: usize) -> u16 {
        self.widths.get(c).copied().unwrap_or(0)
    }

    /// The width of column `c`'s header, with room for the sort mark where it is the column
    /// sorted by.
    pub fn header_width(&self, names: &[&str], c: usize) -> u16 {
        let mark = if self.sort == Some(c) { 2 } else { 0 };
        text_width(names.get(c).copied().unwrap_or_default()).saturating_add(mark)
    }

    /// Moves to the next sort column (after the last, back to the rows' own order).
    pub fn next_sort(&mut self, columns: usize) {
        self.sort = match self.sort {
            None if columns > 0 => Some(0),
            Some(c) if c + 1 < columns => Some(c + 1),
            _ => None,
        };
    }
}

impl ListModel {
    /// What the keys shared by the lists do: moving, sorting, filtering, and `Back` clearing
    /// the filter. Returns whether the key was the list's. While the filter is typed every key
    /// is text, except one that quits.
    pub fn key(&mut self, key: &KeyEvent, action: Option<Action>, columns: usize) -> bool {
        if self.editing {
            match key.code {
                KeyCode::Enter => self.editing = false,
                KeyCode::Esc => {
                    self.filter.clear();
                    self.editing = false;
                }
                KeyCode::Backspace => {
                    self.filter.pop();
                }
                KeyCode::Char(c)
                    if !key
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
                {
                    self.filter.push(c);
                }
                _ if action == Some(Action::Quit) => return false,
                _ => {}
            }
            self.apply();
            return true;
        }
        match action {
            Some(Action::Up) => self.move_by(-1),
            Some(Action::Down) => self.move_by(1),
            Some(Action::PageUp) => self.move_by(-10),
            Some(Action::PageDown) => self.move_by(10),
            Some(Action::Top) => self.top(),
            Some(Action::Bottom) => self.bottom(),
            Some(Action::Filter) => self.editing = true,
            Some(Action::Sort) => {
                self.next_sort(columns);
                self.reversed = false;
                self.apply();
            }
            Some(Action::ReverseSort) => {
                self.reversed = !self.reversed;
                self.apply();
            }
            Some(Action::Back) if !self.filter.is_empty() => {
                self.filter.clear();
                self.apply();
            }
            _ => return false,
        }
        true
    }
}

/// A column of a table, sized by what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sized {
    /// The widest of its header and cells.
    pub want: u16,
    /// The narrowest it may be cut to.
    pub min: u16,
    /// Left out when the columns do not fit even cut, before any is cut: what it holds is
    /// in the details of the selected row. 0 never; otherwise the highest is left out first,
    /// and of equals the last.
    pub optional: u8,
}

impl Sized {
    /// A column that wants `want` columns, cut no narrower than `min`.
    pub fn new(want: u16, min: u16) -> Sized {
        Sized {
            want,
            min: min.min(want),
            optional: 0,
        }
    }

    pub fn optional(self) -> Sized {
        self.optional_at(1)
    }

    /// Optional, left out before the optional columns of a lower `rank`.
    pub fn optional_at(self, rank: u8) -> Sized {
        Sized {
            optional: rank,
            ..self
        }
    }
}

/// A text's width in columns, as a column's width.
pub fn text_width(text: &str) -> u16 {
    u16::try_from(unicode_width::UnicodeWidthStr::width(text)).unwrap_or(u16::MAX)
}

/// The widest cell of each column of `rows`.
pub fn widest_cells<'a>(rows: impl Iterator<Item = &'a [String]>) -> Vec<u16> {
    let mut widths: Vec<u16> = Vec::new();
    for row in rows {
        if widths.len() < row.len() {
            widths.resize(row.len(), 0);
        }
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(text_width(cell));
        }
    }
    widths
}

/// The width of each column sharing `width`, with one column of space between them; `None`
/// for a column left out. Each column has its widest text when all fit; otherwise the
/// optional columns are left out, last first, and then the widest columns are cut, never
/// below their least.
pub fn fit_columns(columns: &[Sized], width: u16) -> Vec<Option<u16>> {
    let mut shown: Vec<bool> = vec![true; columns.len()];
    let needed = |shown: &[bool], widths: &dyn Fn(usize) -> u16| -> u32 {
        let count = shown.iter().filter(|s| **s).count() as u32;
        let cells: u32 = (0..columns.len())
            .filter(|&i| shown[i])
            .map(|i| u32::from(widths(i)))
            .sum();
        cells + count.saturating_sub(1)
    };
    let want = |i: usize| columns[i].want;
    while needed(&shown, &want) > u32::from(width) {
        let Some(last) = (0..columns.len())
            .filter(|&i| shown[i] && columns[i].optional > 0)
            .max_by_key(|&i| (columns[i].optional, i))
        else {
            break;
        };
        shown[last] = false;
    }
    let mut widths: Vec<u16> = columns.iter().map(|c| c.want).collect();
    // The widest column gives a column at a time until all fit or none can give more.
    while needed(&shown, &|i| widths[i]) > u32::from(width) {
        let widest = (0..columns.len())
            .filter(|&i| shown[i] && widths[i] > columns[i].min)
            .max_by_key(|&i| (widths[i], std::cmp::Reverse(i)));
        match widest {
            Some(i) => widths[i] -= 1,
            None => break,
        }
    }
    (0..columns.len())
        .map(|i| shown[i].then_some(widths[i]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Vec<String>> {
        [["Oak", "2025-26"], ["Beech", "2024-25"], ["Ash", "2026-27"]]
            .iter()
            .map(|r| r.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    fn keys() -> Vec<String> {
        vec!["oak".into(), "beech".into(), "ash".into()]
    }

    #[test]
    fn filter_sort_and_keep_the_selection() {
        let mut list = ListModel::default();
        list.set_rows(&rows(), keys());
        assert_eq!(list.visible(), &[0, 1, 2]);
        list.move_by(1);
        assert_eq!(list.selected(), Some(1));
        list.next_sort(2);
        list.apply();
        assert_eq!(list.visible(), &[2, 1, 0]);
        assert_eq!(list.selected(), Some(1), "Beech stays selected");
        list.reversed = true;
        list.apply();
        assert_eq!(list.visible(), &[0, 1, 2]);
        list.filter = "2026".into();
        list.apply();
        assert_eq!(list.visible(), &[2]);
        assert_eq!(list.selected(), Some(2));
        list.filter = "zzz".into();
        list.apply();
        assert_eq!(list.selected(), None);
        list.move_by(1);
        assert_eq!(list.selected(), None);
    }

    #[test]
    fn columns_take_what_they_hold_and_the_widest_give_way() {
        let name = Sized::new(text_width("Kingsmead Sixth Form College"), 10);
        let year = Sized::new(text_width("2026-27"), 7);
        let phase = Sized::new(text_width("Sixth-form college"), 6).optional();
        // Room for all: each its widest.
        assert_eq!(
            fit_columns(&[name, phase, year], 80),
            [Some(28), Some(18), Some(7)]
        );
        // Not quite: the optional one goes first.
        assert_eq!(
            fit_columns(&[name, phase, year], 40),
            [Some(28), None, Some(7)]
        );
        // Less: the widest is cut, no further than its least.
        assert_eq!(
            fit_columns(&[name, phase, year], 30),
            [Some(22), None, Some(7)]
        );
        assert_eq!(
            fit_columns(&[name, phase, year], 5),
            [Some(10), None, Some(7)]
        );
    }

    #[test]
    fn new_rows_keep_the_same_row_selected() {
        let mut list = ListModel::default();
        list.set_rows(&rows(), keys());
        list.move_by(2);
        assert_eq!(list.selected(), Some(2));
        // A new row arrives at the top: "ash" is still the one selected.
        let mut more = rows();
        more.insert(0, vec!["Elm".into(), "2026-27".into()]);
        let mut more_keys = keys();
        more_keys.insert(0, "elm".into());
        list.set_rows(&more, more_keys);
        assert_eq!(list.selected(), Some(3));
    }
}
