//! A text area whose undo takes back a word at a time. The text area keeps one step of
//! history per key; a person thinks in words, so the steps are counted in groups: the
//! characters of one word typed in a row are one group, and so is every other change.

use std::ops::{Deref, DerefMut};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::text::{Line, Text};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use crate::model::text::sanitize;

/// How many steps the text area remembers: enough that the groups never outrun it.
const HISTORY: usize = 10_000;

/// A text area with undo and redo by word.
#[derive(Debug, Clone)]
pub struct Editor {
    area: TextArea<'static>,
    /// The text area's steps in each group that can be undone, oldest first.
    undo: Vec<usize>,
    /// The steps of each group undone, that redo brings back, newest last.
    redo: Vec<usize>,
    /// The last key typed a word's character, so the next one joins its group.
    in_word: bool,
}

impl Editor {
    /// A text area holding `text` (shown harmlessly: it may come from a draft on disk), with a
    /// placeholder of one or more lines and the cursor at the end.
    pub fn new(text: &str, placeholder: &str) -> Editor {
        let text = sanitize(text);
        let mut area = TextArea::new(text.split('\n').map(str::to_owned).collect());
        area.set_wrap_mode(WrapMode::WordOrGlyph);
        // A placeholder of several lines keeps them apart rather than running them together;
        // the lines after the first are indented by the cell the cursor takes before it.
        area.set_styled_placeholder(Text::from(
            placeholder
                .lines()
                .enumerate()
                .map(|(i, l)| {
                    Line::raw(if i == 0 {
                        l.to_owned()
                    } else {
                        format!(" {l}")
                    })
                })
                .collect::<Vec<_>>(),
        ));
        area.set_cursor_line_style(ratatui::style::Style::default());
        area.set_max_histories(HISTORY);
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        Editor {
            area,
            undo: Vec::new(),
            redo: Vec::new(),
            in_word: false,
        }
    }

    /// The text, its lines joined.
    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    /// Handles a key; returns whether the text changed.
    pub fn input(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Char('u') if ctrl && !alt => return self.undo_group(),
            KeyCode::Char('r') if ctrl && !alt => return self.redo_group(),
            _ => {}
        }
        let typed = match key.code {
            KeyCode::Char(c) if !ctrl && !alt => Some(c),
            _ => None,
        };
        if !self.area.input(key) {
            // The cursor moved (or nothing happened): the next character starts afresh.
            self.in_word = false;
            return false;
        }
        self.redo.clear();
        let joins = self.in_word && typed.is_some_and(|c| !c.is_whitespace());
        match self.undo.last_mut() {
            Some(steps) if joins => *steps += 1,
            // A space ends the word it follows, and belongs to it.
            Some(steps) if self.in_word && typed.is_some_and(char::is_whitespace) => *steps += 1,
            _ => self.undo.push(1),
        }
        self.in_word = typed.is_some_and(|c| !c.is_whitespace());
        true
    }

    fn undo_group(&mut self) -> bool {
        self.in_word = false;
        let Some(steps) = self.undo.pop() else {
            return false;
        };
        let mut changed = false;
        for _ in 0..steps {
            changed |= self.area.undo();
        }
        self.redo.push(steps);
        changed
    }

    fn redo_group(&mut self) -> bool {
        self.in_word = false;
        let Some(steps) = self.redo.pop() else {
            return false;
        };
        let mut changed = false;
        for _ in 0..steps {
            changed |= self.area.redo();
        }
        self.undo.push(steps);
        changed
    }
}

impl Deref for Editor {
    type Target = TextArea<'static>;

    fn deref(&self) -> &TextArea<'static> {
        &self.area
    }
}

impl DerefMut for Editor {
    fn deref_mut(&mut self) -> &mut TextArea<'static> {
        &mut self.area
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(editor: &mut Editor, code: KeyCode, modifiers: KeyModifiers) -> bool {
        editor.input(KeyEvent::new(code, modifiers))
    }

    fn typed(editor: &mut Editor, text: &str) {
        for c in text.chars() {
            press(editor, KeyCode::Char(c), KeyModifiers::NONE);
        }
    }

    fn undo(editor: &mut Editor) -> bool {
        press(editor, KeyCode::Char('u'), KeyModifiers::CONTROL)
    }

    #[test]
    fn undo_and_redo_go_by_word() {
        let mut editor = Editor::new("", "");
        typed(&mut editor, "Leadership is visible");
        assert!(undo(&mut editor));
        assert_eq!(editor.text(), "Leadership is ");
        undo(&mut editor);
        assert_eq!(editor.text(), "Leadership ");
        press(&mut editor, KeyCode::Char('r'), KeyModifiers::CONTROL);
        assert_eq!(editor.text(), "Leadership is ");
        undo(&mut editor);
        undo(&mut editor);
        assert_eq!(editor.text(), "");
        assert!(!undo(&mut editor), "nothing more to undo");
    }

    #[test]
    fn a_move_or_a_deletion_starts_a_new_group() {
        let mut editor = Editor::new("", "");
        typed(&mut editor, "abc");
        press(&mut editor, KeyCode::Left, KeyModifiers::NONE);
        typed(&mut editor, "x");
        press(&mut editor, KeyCode::Backspace, KeyModifiers::NONE);
        press(&mut editor, KeyCode::Backspace, KeyModifiers::NONE);
        assert_eq!(editor.text(), "ac");
        undo(&mut editor);
        assert_eq!(editor.text(), "abc", "each deletion is a step of its own");
        undo(&mut editor);
        assert_eq!(editor.text(), "abxc");
        undo(&mut editor);
        assert_eq!(editor.text(), "abc");
        undo(&mut editor);
        assert_eq!(editor.text(), "");
    }
}
