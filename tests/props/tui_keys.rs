//! The interface on the demo driven by random keys: keys of the key map, letters, Esc,
//! Enter and Tab, each handled with the loader's answers delivered and the screen drawn, as
//! the event loop does. No sequence may panic.

use std::sync::OnceLock;

use kitemark::tui::keymap::{Action, Key, KeyMap};
use kitemark::tui::theme::ThemeKind;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};

use crate::common::tui::Harness;
use crate::common::{Sandbox, hermetic_git2, shared_demo};

fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent {
        code,
        modifiers,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }
}

/// The event a terminal sends for a bound key, from the way the key map writes it.
fn event_of(key: &Key) -> KeyEvent {
    let written = key.to_string();
    let mut rest = written.as_str();
    let mut modifiers = KeyModifiers::NONE;
    loop {
        if let Some(r) = rest.strip_prefix("Ctrl-").filter(|r| !r.is_empty()) {
            modifiers |= KeyModifiers::CONTROL;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("Alt-").filter(|r| !r.is_empty()) {
            modifiers |= KeyModifiers::ALT;
            rest = r;
        } else {
            break;
        }
    }
    let code = match rest {
        "Space" => KeyCode::Char(' '),
        "Enter" => KeyCode::Enter,
        "Esc" => KeyCode::Esc,
        "Tab" => KeyCode::Tab,
        "Shift-Tab" => {
            modifiers |= KeyModifiers::SHIFT;
            KeyCode::BackTab
        }
        "Backspace" => KeyCode::Backspace,
        "↑" => KeyCode::Up,
        "↓" => KeyCode::Down,
        "←" => KeyCode::Left,
        "→" => KeyCode::Right,
        "PgUp" => KeyCode::PageUp,
        "PgDn" => KeyCode::PageDown,
        "Home" => KeyCode::Home,
        "End" => KeyCode::End,
        "Del" => KeyCode::Delete,
        "Ins" => KeyCode::Insert,
        f if f.starts_with('F') && f.len() > 1 => KeyCode::F(f[1..].parse().unwrap()),
        c => {
            let mut chars = c.chars();
            let c = chars.next().unwrap();
            assert_eq!(chars.next(), None, "a key written as {written:?}");
            if c.is_uppercase() {
                modifiers |= KeyModifiers::SHIFT;
            }
            KeyCode::Char(c)
        }
    };
    let event = press(code, modifiers);
    // The conversion is only as good as this: the key map reads the event as the same key.
    assert_eq!(
        Key::from_event(&event).map(|k| k.to_string()),
        Some(written)
    );
    event
}

/// Every key the sequences are made of.
fn keys() -> &'static [KeyEvent] {
    static KEYS: OnceLock<Vec<KeyEvent>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let map = KeyMap::default();
        let mut keys: Vec<KeyEvent> = Action::ALL
            .into_iter()
            .flat_map(|a| map.keys(a).iter().map(event_of))
            .collect();
        for c in ('a'..='z').chain('A'..='Z') {
            let shift = if c.is_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            keys.push(press(KeyCode::Char(c), shift));
        }
        for code in [KeyCode::Esc, KeyCode::Enter, KeyCode::Tab] {
            keys.push(press(code, KeyModifiers::NONE));
        }
        // Saving a letter writes outside the sandbox unless `KITEMARK_EXPORT_DIR` is set,
        // and the app reads it from its own threads: `tests/tui_export.rs` tests it in a
        // program of its own.
        keys.retain(|k| map.action(k) != Some(Action::Export));
        // So does live mode, which offers to save the minutes once the meeting is closed:
        // `tests/tui_live.rs` tests it.
        keys.retain(|k| map.action(k) != Some(Action::Live));
        // Quitting ends the app, so a sequence would mostly test what comes before its first
        // `q`; the keys that quit are left out (`tests/tui_screens.rs` tests quitting).
        keys.retain(|k| map.action(k) != Some(Action::Quit));
        keys.retain(|k| !(k.code == KeyCode::Char('c') && k.modifiers == KeyModifiers::CONTROL));
        keys.sort_by_key(|k| format!("{k:?}"));
        keys.dedup();
        keys
    })
}

proptest! {
    #![proptest_config(crate::config(6, "tests/props/regressions/tui_keys.txt"))]

    #[test]
    fn random_keys_on_the_demo(
        sequence in vec(select(keys()), 50..=200),
        wide in any::<bool>(),
    ) {
        hermetic_git2();
        // A copy each time: a sequence may record a decision or save a draft.
        let sandbox = Sandbox::new();
        let repo = sandbox.copy_repo(shared_demo(), "demo");
        let (width, height) = if wide { (160, 48) } else { (80, 24) };
        let mut ui = Harness::open(&repo, width, height, ThemeKind::Default, true);
        for key in sequence {
            ui.app.handle(kitemark::tui::app::AppEvent::Key(key));
            ui.settle();
            ui.buffer();
            prop_assert!(!ui.app.should_quit(), "{key:?} quit the app");
        }
    }
}
