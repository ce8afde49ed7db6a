//! Key bindings: what each key does, overridable from the config file. The footer hints and
//! the help overlay are generated from this map, so they can never disagree with it.

use std::collections::BTreeMap;
use std::fmt;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Something the user can do with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    Quit,
    Help,
    Back,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextPane,
    PrevPane,
    Open,
    Filter,
    Sort,
    ReverseSort,
    AgendaTab,
    SchoolsTab,
    SubmissionTab,
    PrevYear,
    NextYear,
    Theme,
    Reload,
    Diff,
    DiffTab,
    NextChange,
    PrevChange,
    OnlyChanges,
    Unified,
    WrapLines,
    BaseYear,
    Decide,
    DecisionTab,
    MeetingTab,
    History,
    HistoryTab,
    ConditionMet,
    Export,
    Repair,
    Inbox,
    SubmitWorkbook,
    Sync,
    // Answers to the account of a sync stopped by a conflict.
    TakeTheirs,
    KeepMine,
    // Answers to a recording form's questions.
    RestoreDraft,
    DiscardDraft,
    ConfirmRecord,
    NotYet,
    // The meeting setup's own keys.
    Chair,
    Add,
    Remove,
    MoveItemUp,
    MoveItemDown,
    OtherMeeting,
    // Live meeting mode: opened everywhere, its own keys in it.
    Live,
    NextItem,
    PrevItem,
    Notes,
    EnBloc,
    CloseMeeting,
    /// Write a review of the selected agenda item, before the meeting.
    WriteReview,
    // The agenda's dialogs.
    AssignReaders,
    DiscussionOrder,
}

/// Where an action's keys apply. A key may do one thing in each scope: everywhere, when a
/// form asks a question (every other key is ignored then), and in a form's panes (where the
/// moving keys work too, so a form's keys must differ from them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    Everywhere,
    Question,
    Form,
    /// Live meeting mode, which reads its own keys first.
    Live,
}

impl Action {
    pub const ALL: [Action; 62] = [
        Action::Quit,
        Action::Help,
        Action::Back,
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::NextPane,
        Action::PrevPane,
        Action::Open,
        Action::Filter,
        Action::Sort,
        Action::ReverseSort,
        Action::AgendaTab,
        Action::SchoolsTab,
        Action::SubmissionTab,
        Action::PrevYear,
        Action::NextYear,
        Action::Theme,
        Action::Reload,
        Action::Diff,
        Action::DiffTab,
        Action::NextChange,
        Action::PrevChange,
        Action::OnlyChanges,
        Action::Unified,
        Action::WrapLines,
        Action::BaseYear,
        Action::Decide,
        Action::DecisionTab,
        Action::MeetingTab,
        Action::History,
        Action::HistoryTab,
        Action::ConditionMet,
        Action::Export,
        Action::Repair,
        Action::Inbox,
        Action::SubmitWorkbook,
        Action::Sync,
        Action::TakeTheirs,
        Action::KeepMine,
        Action::RestoreDraft,
        Action::DiscardDraft,
        Action::ConfirmRecord,
        Action::NotYet,
        Action::Chair,
        Action::Add,
        Action::Remove,
        Action::MoveItemUp,
        Action::MoveItemDown,
        Action::OtherMeeting,
        Action::Live,
        Action::NextItem,
        Action::PrevItem,
        Action::Notes,
        Action::EnBloc,
        Action::CloseMeeting,
        Action::WriteReview,
        Action::AssignReaders,
        Action::DiscussionOrder,
    ];

    /// The actions of the recording forms, as the help lists them.
    pub const FORM: [Action; 10] = [
        Action::RestoreDraft,
        Action::DiscardDraft,
        Action::ConfirmRecord,
        Action::NotYet,
        Action::Chair,
        Action::Add,
        Action::Remove,
        Action::MoveItemUp,
        Action::MoveItemDown,
        Action::OtherMeeting,
    ];

    pub fn scope(self) -> Scope {
        match self {
            Action::RestoreDraft
            | Action::DiscardDraft
            | Action::ConfirmRecord
            | Action::NotYet
            | Action::TakeTheirs
            | Action::KeepMine => Scope::Question,
            Action::Chair
            | Action::Add
            | Action::Remove
            | Action::MoveItemUp
            | Action::MoveItemDown
            | Action::OtherMeeting => Scope::Form,
            Action::NextItem
            | Action::PrevItem
            | Action::Notes
            | Action::EnBloc
            | Action::CloseMeeting => Scope::Live,
            _ => Scope::Everywhere,
        }
    }

    /// Whether the forms use the action too (to move between fields, rows and panes).
    fn moves(self) -> bool {
        matches!(
            self,
            Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Top
                | Action::Bottom
                | Action::NextPane
                | Action::PrevPane
        )
    }

    /// Whether one key cannot be bound to both actions.
    fn clashes_with(self, other: Action) -> bool {
        self.scope() == other.scope()
            || (self.scope() == Scope::Form && other.moves())
            || (other.scope() == Scope::Form && self.moves())
    }

    /// The name used in the config file.
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::Back => "back",
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page-up",
            Action::PageDown => "page-down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::NextPane => "next-pane",
            Action::PrevPane => "previous-pane",
            Action::Open => "open",
            Action::Filter => "filter",
            Action::Sort => "sort",
            Action::ReverseSort => "reverse-sort",
            Action::AgendaTab => "agenda",
            Action::SchoolsTab => "schools",
            Action::SubmissionTab => "submission",
            Action::PrevYear => "previous-year",
            Action::NextYear => "next-year",
            Action::Theme => "theme",
            Action::Reload => "reload",
            Action::Diff => "compare",
            Action::DiffTab => "comparison",
            Action::NextChange => "next-change",
            Action::PrevChange => "previous-change",
            Action::OnlyChanges => "only-changes",
            Action::Unified => "unified",
            Action::WrapLines => "wrap",
            Action::BaseYear => "base-year",
            Action::Decide => "decide",
            Action::DecisionTab => "decision",
            Action::MeetingTab => "meeting",
            Action::History => "history",
            Action::HistoryTab => "history-tab",
            Action::ConditionMet => "condition-met",
            Action::Export => "export",
            Action::Repair => "repair",
            Action::Inbox => "inbox",
            Action::SubmitWorkbook => "submit-workbook",
            Action::Sync => "sync",
            Action::TakeTheirs => "take-theirs",
            Action::KeepMine => "keep-mine",
            Action::RestoreDraft => "restore-draft",
            Action::DiscardDraft => "discard-draft",
            Action::ConfirmRecord => "confirm-record",
            Action::NotYet => "not-yet",
            Action::Chair => "chair",
            Action::Add => "add",
            Action::Remove => "remove",
            Action::MoveItemUp => "move-item-up",
            Action::MoveItemDown => "move-item-down",
            Action::OtherMeeting => "other-meeting",
            Action::Live => "live",
            Action::NextItem => "next-item",
            Action::PrevItem => "previous-item",
            Action::Notes => "notes",
            Action::EnBloc => "en-bloc",
            Action::CloseMeeting => "close-meeting",
            Action::WriteReview => "write-review",
            Action::AssignReaders => "assign-readers",
            Action::DiscussionOrder => "discussion-order",
        }
    }

    /// What it does, for the help overlay and the footer.
    pub fn description(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "show or hide this help",
            Action::Back => "close, clear the filter, or go back",
            Action::Up => "move up",
            Action::Down => "move down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "go to the top",
            Action::Bottom => "go to the bottom",
            Action::NextPane => "next pane",
            Action::PrevPane => "previous pane",
            Action::Open => "open the selected school's submission",
            Action::Filter => "filter the list",
            Action::Sort => "sort by the next column",
            Action::ReverseSort => "reverse the sort order",
            Action::AgendaTab => "agenda",
            Action::SchoolsTab => "schools",
            Action::SubmissionTab => "the open submission",
            Action::PrevYear => "previous academic year",
            Action::NextYear => "next academic year",
            Action::Theme => "default or high-contrast theme",
            Action::Reload => "reload from the repository",
            Action::Diff => "compare the submission with the year before",
            Action::DiffTab => "the open comparison",
            Action::NextChange => "next change",
            Action::PrevChange => "previous change",
            Action::OnlyChanges => "show only what changed, or everything",
            Action::Unified => "side by side, or one column",
            Action::WrapLines => "wrap long lines, or cut them",
            Action::BaseYear => "compare with an earlier year",
            Action::Decide => "write the decision on the selected agenda item",
            Action::DecisionTab => "the decision being written",
            Action::MeetingTab => "set up the meeting: attendance, conflicts, agenda",
            Action::History => "the school's history: commits, people, trailers, audit findings",
            Action::HistoryTab => "the open history",
            Action::ConditionMet => "record that the selected school met one of its conditions",
            Action::Export => {
                "save the meeting's minutes (agenda) or a school's letter (submission, history)"
            }
            Action::Repair => "finish or undo a recording left half done",
            Action::Inbox => "the inbox: schools' workbooks waiting to be submitted",
            Action::SubmitWorkbook => "submit the selected workbook (inbox)",
            Action::Sync => "sync with the remote: others' work in, ours out",
            Action::TakeTheirs => "take the remote's version of a conflicting file",
            Action::KeepMine => "keep our version of a conflicting file",
            Action::RestoreDraft => "restore a saved draft, when offered",
            Action::DiscardDraft => "discard a saved draft and start afresh, when offered",
            Action::ConfirmRecord => "record, when asked",
            Action::NotYet => "not yet, when asked",
            Action::Chair => "make the member the chair (meeting)",
            Action::Add => "declare a conflict, or add an agenda item (meeting)",
            Action::Remove => "remove the conflict or agenda item (meeting)",
            Action::MoveItemUp => "move the agenda item up (meeting)",
            Action::MoveItemDown => "move the agenda item down (meeting)",
            Action::OtherMeeting => "set up a meeting on another date (meeting)",
            Action::Live => "run the meeting item by item on the shared screen (live mode)",
            Action::NextItem => "the next agenda item (live)",
            Action::PrevItem => "the previous agenda item (live)",
            Action::Notes => "type the scribe's notes on the item; Esc stops (live)",
            Action::EnBloc => "confirm together the items proposed en bloc (live)",
            Action::CloseMeeting => {
                "close the meeting: record the proceedings, then save the minutes (live)"
            }
            Action::WriteReview => "write a review of the selected agenda item, before the meeting",
            Action::AssignReaders => {
                "assign a lead reviewer and a second reader to each item (agenda)"
            }
            Action::DiscussionOrder => {
                "settle the discussion order, saving exits from the room (agenda)"
            }
        }
    }

    /// A one-word label for the footer.
    pub fn hint(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::Back => "back",
            Action::Up | Action::Down => "move",
            Action::PageUp | Action::PageDown => "page",
            Action::Top | Action::Bottom => "ends",
            Action::NextPane | Action::PrevPane => "pane",
            Action::Open => "open",
            Action::Filter => "filter",
            Action::Sort => "sort",
            Action::ReverseSort => "reverse",
            Action::AgendaTab => "agenda",
            Action::SchoolsTab => "schools",
            Action::SubmissionTab => "submission",
            Action::PrevYear | Action::NextYear => "year",
            Action::Theme => "theme",
            Action::Reload => "reload",
            Action::Diff => "compare",
            Action::DiffTab => "comparison",
            Action::NextChange | Action::PrevChange => "change",
            Action::OnlyChanges => "only changes",
            Action::Unified => "layout",
            Action::WrapLines => "wrap",
            Action::BaseYear => "base year",
            Action::Decide => "decide",
            Action::DecisionTab => "decision",
            Action::MeetingTab => "meeting",
            Action::History => "history",
            Action::HistoryTab => "history",
            Action::ConditionMet => "condition met",
            Action::Export => "print",
            Action::Repair => "repair",
            Action::Inbox => "inbox",
            Action::SubmitWorkbook => "submit",
            Action::Sync => "sync",
            Action::TakeTheirs => "take theirs",
            Action::KeepMine => "keep mine",
            Action::RestoreDraft => "restore",
            Action::DiscardDraft => "discard",
            Action::ConfirmRecord => "record",
            Action::NotYet => "not yet",
            Action::Chair => "chair",
            Action::Add => "add",
            Action::Remove => "remove",
            Action::MoveItemUp | Action::MoveItemDown => "move up/down",
            Action::OtherMeeting => "other date",
            Action::Live => "live",
            Action::NextItem => "next",
            Action::PrevItem => "previous",
            Action::Notes => "notes",
            Action::EnBloc => "en bloc",
            Action::CloseMeeting => "close meeting",
            Action::WriteReview => "write a review",
            Action::AssignReaders => "readers",
            Action::DiscussionOrder => "order",
        }
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// A key with its modifiers, as bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    code: KeyCodeOrd,
    ctrl: bool,
    alt: bool,
}

/// The parts of a key code kitemark binds, in an orderable form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum KeyCodeOrd {
    Char(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Delete,
    Insert,
}

impl Key {
    /// The key of a terminal event, if it is one kitemark can bind.
    pub fn from_event(event: &KeyEvent) -> Option<Key> {
        let code = match event.code {
            KeyCode::Char(c) => KeyCodeOrd::Char(c),
            KeyCode::F(n) => KeyCodeOrd::F(n),
            KeyCode::Enter => KeyCodeOrd::Enter,
            KeyCode::Esc => KeyCodeOrd::Esc,
            KeyCode::Tab => KeyCodeOrd::Tab,
            KeyCode::BackTab => KeyCodeOrd::BackTab,
            KeyCode::Backspace => KeyCodeOrd::Backspace,
            KeyCode::Up => KeyCodeOrd::Up,
            KeyCode::Down => KeyCodeOrd::Down,
            KeyCode::Left => KeyCodeOrd::Left,
            KeyCode::Right => KeyCodeOrd::Right,
            KeyCode::PageUp => KeyCodeOrd::PageUp,
            KeyCode::PageDown => KeyCodeOrd::PageDown,
            KeyCode::Home => KeyCodeOrd::Home,
            KeyCode::End => KeyCodeOrd::End,
            KeyCode::Delete => KeyCodeOrd::Delete,
            KeyCode::Insert => KeyCodeOrd::Insert,
            _ => return None,
        };
        Some(Key {
            code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        })
    }

    /// Parses `j`, `J`, `?`, `ctrl-c`, `alt-x`, `enter`, `esc`, `tab`, `shift-tab`, `f1`,
    /// `space`, `page-down`, ...
    pub fn parse(spec: &str) -> Result<Key, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = spec;
        loop {
            let lower = rest.to_ascii_lowercase();
            if lower.starts_with("ctrl-") && rest.len() > 5 {
                ctrl = true;
                rest = &rest[5..];
            } else if lower.starts_with("alt-") && rest.len() > 4 {
                alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => {
                KeyCodeOrd::Char(if ctrl { c.to_ascii_lowercase() } else { c })
            }
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCodeOrd::Enter,
                "esc" | "escape" => KeyCodeOrd::Esc,
                "tab" => KeyCodeOrd::Tab,
                "shift-tab" | "backtab" => KeyCodeOrd::BackTab,
                "backspace" => KeyCodeOrd::Backspace,
                "space" => KeyCodeOrd::Char(' '),
                "up" => KeyCodeOrd::Up,
                "down" => KeyCodeOrd::Down,
                "left" => KeyCodeOrd::Left,
                "right" => KeyCodeOrd::Right,
                "page-up" | "pageup" => KeyCodeOrd::PageUp,
                "page-down" | "pagedown" => KeyCodeOrd::PageDown,
                "home" => KeyCodeOrd::Home,
                "end" => KeyCodeOrd::End,
                "delete" | "del" => KeyCodeOrd::Delete,
                "insert" => KeyCodeOrd::Insert,
                f if f.starts_with('f')
                    && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
                {
                    KeyCodeOrd::F(f[1..].parse().unwrap_or(1))
                }
                _ => {
                    return Err(format!(
                        "{spec:?} is not a key: use a single character (\"j\", \"?\"), a name (\"enter\", \"esc\", \"tab\", \"shift-tab\", \"up\", \"page-down\", \"home\", \"f1\", \"space\"), optionally after \"ctrl-\" or \"alt-\""
                    ));
                }
            },
        };
        Ok(Key { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCodeOrd::Char(' ') => f.write_str("Space"),
            KeyCodeOrd::Char(c) => write!(f, "{c}"),
            KeyCodeOrd::F(n) => write!(f, "F{n}"),
            KeyCodeOrd::Enter => f.write_str("Enter"),
            KeyCodeOrd::Esc => f.write_str("Esc"),
            KeyCodeOrd::Tab => f.write_str("Tab"),
            KeyCodeOrd::BackTab => f.write_str("Shift-Tab"),
            KeyCodeOrd::Backspace => f.write_str("Backspace"),
            KeyCodeOrd::Up => f.write_str("↑"),
            KeyCodeOrd::Down => f.write_str("↓"),
            KeyCodeOrd::Left => f.write_str("←"),
            KeyCodeOrd::Right => f.write_str("→"),
            KeyCodeOrd::PageUp => f.write_str("PgUp"),
            KeyCodeOrd::PageDown => f.write_str("PgDn"),
            KeyCodeOrd::Home => f.write_str("Home"),
            KeyCodeOrd::End => f.write_str("End"),
            KeyCodeOrd::Delete => f.write_str("Del"),
            KeyCodeOrd::Insert => f.write_str("Ins"),
        }
    }
}

/// Where a binding came from, to explain a conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Default,
    Config { line: usize, col: usize },
}

/// The live key map.
#[derive(Debug, Clone)]
pub struct KeyMap {
    keys: BTreeMap<Action, Vec<Key>>,
    lookup: BTreeMap<(Scope, Key), Action>,
}

fn defaults() -> Vec<(Action, &'static [&'static str])> {
    vec![
        (Action::Quit, &["q", "ctrl-c"]),
        (Action::Help, &["?", "f1"]),
        (Action::Back, &["esc"]),
        (Action::Up, &["k", "up"]),
        (Action::Down, &["j", "down"]),
        (Action::PageUp, &["page-up", "ctrl-u"]),
        (Action::PageDown, &["page-down", "ctrl-d"]),
        (Action::Top, &["g", "home"]),
        (Action::Bottom, &["G", "end"]),
        (Action::NextPane, &["tab", "l", "right"]),
        (Action::PrevPane, &["shift-tab", "h", "left"]),
        (Action::Open, &["enter"]),
        (Action::Filter, &["/"]),
        (Action::Sort, &["s"]),
        (Action::ReverseSort, &["S"]),
        (Action::AgendaTab, &["1"]),
        (Action::SchoolsTab, &["2"]),
        (Action::SubmissionTab, &["3"]),
        (Action::PrevYear, &["["]),
        (Action::NextYear, &["]"]),
        (Action::Theme, &["t"]),
        (Action::Reload, &["r"]),
        (Action::Diff, &["d"]),
        (Action::DiffTab, &["4"]),
        (Action::NextChange, &["n"]),
        (Action::PrevChange, &["N"]),
        (Action::OnlyChanges, &["c"]),
        (Action::Unified, &["u"]),
        (Action::WrapLines, &["w"]),
        (Action::BaseYear, &["b"]),
        (Action::Decide, &["e"]),
        (Action::DecisionTab, &["5"]),
        (Action::MeetingTab, &["6", "m"]),
        (Action::History, &["H"]),
        (Action::HistoryTab, &["7"]),
        (Action::ConditionMet, &["M"]),
        (Action::Export, &["p"]),
        (Action::Repair, &["R"]),
        (Action::Inbox, &["i"]),
        (Action::SubmitWorkbook, &["a"]),
        (Action::Sync, &["U"]),
        (Action::TakeTheirs, &["t"]),
        (Action::KeepMine, &["m"]),
        (Action::RestoreDraft, &["r"]),
        (Action::DiscardDraft, &["d"]),
        (Action::ConfirmRecord, &["y", "Y"]),
        (Action::NotYet, &["n", "N", "esc"]),
        (Action::Chair, &["c"]),
        (Action::Add, &["a"]),
        (Action::Remove, &["x", "delete"]),
        (Action::MoveItemUp, &["K", "-"]),
        (Action::MoveItemDown, &["J", "+"]),
        (Action::OtherMeeting, &["n"]),
        (Action::Live, &["L"]),
        (Action::NextItem, &["right", "]"]),
        (Action::PrevItem, &["left", "["]),
        (Action::Notes, &["n"]),
        (Action::EnBloc, &["B"]),
        (Action::CloseMeeting, &["E"]),
        (Action::WriteReview, &["W"]),
        (Action::AssignReaders, &["A"]),
        (Action::DiscussionOrder, &["O"]),
    ]
}

/// A binding problem, with where it is in the config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingError {
    pub line: Option<usize>,
    pub col: Option<usize>,
    pub message: String,
}

impl Default for KeyMap {
    fn default() -> Self {
        match Self::with_overrides(&[]) {
            Ok(map) => map,
            // The defaults are fixed and tested; should they ever clash, start with no keys
            // rather than refuse to start.
            Err(_) => KeyMap {
                keys: BTreeMap::new(),
                lookup: BTreeMap::new(),
            },
        }
    }
}

impl KeyMap {
    /// The defaults with some actions rebound. Each override replaces all of that action's
    /// default keys. Any key bound to two actions is an error naming both.
    pub fn with_overrides(
        overrides: &[(Action, Vec<(String, Origin)>)],
    ) -> Result<KeyMap, Vec<BindingError>> {
        let mut bound: BTreeMap<Action, Vec<(Key, Origin)>> = BTreeMap::new();
        let mut errors = Vec::new();
        for (action, specs) in defaults() {
            let keys = specs
                .iter()
                .filter_map(|s| Key::parse(s).ok())
                .map(|k| (k, Origin::Default))
                .collect();
            bound.insert(action, keys);
        }
        for (action, specs) in overrides {
            let mut keys = Vec::new();
            for (spec, origin) in specs {
                match Key::parse(spec) {
                    Ok(key) => keys.push((key, origin.clone())),
                    Err(message) => errors.push(error_at(origin, message)),
                }
            }
            bound.insert(*action, keys);
        }
        // Quitting must always be possible, and so must finding out how.
        for (action, specs) in overrides {
            if specs.is_empty() && matches!(action, Action::Quit | Action::Help) {
                errors.push(BindingError {
                    line: None,
                    col: None,
                    message: format!("{:?} needs at least one key", action.name()),
                });
            }
        }
        let mut seen: BTreeMap<Key, Vec<(Action, Origin)>> = BTreeMap::new();
        for (action, keys) in &bound {
            for (key, origin) in keys {
                let others = seen.entry(*key).or_default();
                if let Some((other, other_origin)) = others
                    .iter()
                    .find(|(other, _)| other != action && other.clashes_with(*action))
                {
                    let (at, message) = match (origin, other_origin) {
                        (Origin::Config { .. }, _) => {
                            (origin, conflict(*key, *action, *other, other_origin))
                        }
                        (Origin::Default, _) => {
                            (other_origin, conflict(*key, *other, *action, origin))
                        }
                    };
                    errors.push(error_at(at, message));
                } else if !others.iter().any(|(other, _)| other == action) {
                    others.push((*action, origin.clone()));
                }
            }
        }
        let lookup = seen
            .into_iter()
            .flat_map(|(key, actions)| {
                actions
                    .into_iter()
                    .map(move |(action, _)| ((action.scope(), key), action))
            })
            .collect();
        if !errors.is_empty() {
            errors.sort_by_key(|e| (e.line, e.col));
            errors.dedup();
            return Err(errors);
        }
        Ok(KeyMap {
            keys: bound
                .into_iter()
                .map(|(a, keys)| (a, keys.into_iter().map(|(k, _)| k).collect()))
                .collect(),
            lookup,
        })
    }

    /// The action a key event triggers everywhere, if any.
    pub fn action(&self, event: &KeyEvent) -> Option<Action> {
        self.action_in(Scope::Everywhere, event)
    }

    /// The action a key event triggers in a scope, if any.
    pub fn action_in(&self, scope: Scope, event: &KeyEvent) -> Option<Action> {
        self.lookup.get(&(scope, Key::from_event(event)?)).copied()
    }

    /// The keys bound to an action, in the order they were given.
    pub fn keys(&self, action: Action) -> &[Key] {
        self.keys.get(&action).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The first key of an action as text, for hints ("q", "Enter"); empty if unbound.
    pub fn first(&self, action: Action) -> String {
        self.keys(action)
            .first()
            .map(ToString::to_string)
            .unwrap_or_default()
    }

    /// All keys of an action, joined: "k ↑".
    pub fn describe(&self, action: Action) -> String {
        self.keys(action)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Whether a key is Ctrl-C, which quits wherever the user has not given it another job.
pub fn is_ctrl_c(key: &KeyEvent) -> bool {
    key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL)
}

fn conflict(key: Key, action: Action, other: Action, other_origin: &Origin) -> String {
    let where_other = match other_origin {
        Origin::Default => "by default".to_owned(),
        Origin::Config { line, col } => format!("at {line}:{col}"),
    };
    format!(
        "key {key} is bound to both {:?} and {:?} ({where_other}); bind {:?} to other keys too",
        action.name(),
        other.name(),
        other.name()
    )
}

fn error_at(origin: &Origin, message: String) -> BindingError {
    match origin {
        Origin::Config { line, col } => BindingError {
            line: Some(*line),
            col: Some(*col),
            message,
        },
        Origin::Default => BindingError {
            line: None,
            col: None,
            message,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEventKind;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent {
            code,
            modifiers,
            kind: KeyEventKind::Press,
            state: ratatui::crossterm::event::KeyEventState::NONE,
        }
    }

    #[test]
    fn the_defaults_do_not_clash() {
        let map = KeyMap::with_overrides(&[]).unwrap();
        assert_eq!(
            map.action(&press(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            map.action(&press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            map.action(&press(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            map.action(&press(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PrevPane)
        );
        for action in Action::ALL {
            assert!(!map.keys(action).is_empty(), "{action:?} has no key");
        }
    }

    #[test]
    fn overrides_replace_and_conflicts_name_both() {
        let at = |line, col| Origin::Config { line, col };
        let map = KeyMap::with_overrides(&[(Action::Quit, vec![("x".into(), at(3, 17))])]).unwrap();
        assert_eq!(
            map.action(&press(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(
            map.action(&press(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );

        let errors =
            KeyMap::with_overrides(&[(Action::Quit, vec![("j".into(), at(3, 17))])]).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].line, errors[0].col), (Some(3), Some(17)));
        assert!(
            errors[0]
                .message
                .contains("\"quit\" and \"down\" (by default)"),
            "{}",
            errors[0].message
        );

        let errors =
            KeyMap::with_overrides(&[(Action::Quit, vec![("ctrl-meta-x".into(), at(2, 5))])])
                .unwrap_err();
        assert!(errors[0].message.contains("is not a key"));
    }

    #[test]
    fn form_keys_may_share_keys_with_other_scopes_but_not_with_the_moving_keys() {
        let at = |line, col| Origin::Config { line, col };
        let map = KeyMap::default();
        let n = press(KeyCode::Char('n'), KeyModifiers::NONE);
        assert_eq!(map.action(&n), Some(Action::NextChange));
        assert_eq!(map.action_in(Scope::Form, &n), Some(Action::OtherMeeting));
        assert_eq!(map.action_in(Scope::Question, &n), Some(Action::NotYet));

        let map = KeyMap::with_overrides(&[(Action::Add, vec![("r".into(), at(1, 9))])]).unwrap();
        let r = press(KeyCode::Char('r'), KeyModifiers::NONE);
        assert_eq!(map.action(&r), Some(Action::Reload));
        assert_eq!(map.action_in(Scope::Form, &r), Some(Action::Add));

        let errors =
            KeyMap::with_overrides(&[(Action::Add, vec![("j".into(), at(1, 9))])]).unwrap_err();
        assert!(
            errors[0].message.contains("\"add\" and \"down\""),
            "{}",
            errors[0].message
        );
        let errors =
            KeyMap::with_overrides(&[(Action::Chair, vec![("a".into(), at(2, 3))])]).unwrap_err();
        assert_eq!((errors[0].line, errors[0].col), (Some(2), Some(3)));
    }

    #[test]
    fn key_names_round_trip() {
        for spec in [
            "j",
            "?",
            "ctrl-c",
            "alt-x",
            "enter",
            "shift-tab",
            "f5",
            "space",
            "page-down",
        ] {
            assert!(Key::parse(spec).is_ok(), "{spec}");
        }
        assert_eq!(Key::parse("ctrl-c").unwrap().to_string(), "Ctrl-c");
        assert!(Key::parse("jj").is_err());
        assert!(Key::parse("").is_err());
    }
}
