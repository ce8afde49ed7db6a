//! What surrounds every screen: the header (panel, commit, meeting, drafts), the tabs, the
//! footer's key hints and the status line; and the message when the terminal is too small.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::keymap::{Action, KeyMap};
use super::screen::Footer;
use super::tag::ScreenId;
use super::theme::Theme;
use super::view::HeaderView;

/// The smallest terminal the layout is designed for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

pub const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

/// The key that shows a screen, and its tab's name.
pub fn tab(id: ScreenId) -> (Action, &'static str) {
    match id {
        ScreenId::Agenda => (Action::AgendaTab, "Agenda"),
        ScreenId::Schools => (Action::SchoolsTab, "Schools"),
        ScreenId::Submission => (Action::SubmissionTab, "Submission"),
        ScreenId::Diff => (Action::DiffTab, "Compare"),
        ScreenId::Decision => (Action::DecisionTab, "Decision"),
        ScreenId::Meeting => (Action::MeetingTab, "Meeting"),
        ScreenId::History => (Action::HistoryTab, "History"),
        ScreenId::Inbox => (Action::Inbox, "Inbox"),
        ScreenId::Live => (Action::Live, "Live"),
    }
}

/// How to open a screen that is not open yet.
pub fn how_to_open(id: ScreenId, keymap: &KeyMap) -> String {
    match id {
        ScreenId::Diff => "No comparison is open yet: open a submission and press d.".into(),
        ScreenId::Decision => format!(
            "No decision is being written: choose an agenda item and press {}.",
            keymap.first(Action::Decide)
        ),
        ScreenId::History => {
            "No history is open yet: press H on a school or its submission.".into()
        }
        ScreenId::Inbox => format!("The inbox opens with {}.", keymap.first(Action::Inbox)),
        ScreenId::Live => format!(
            "Live meeting mode opens with {} from the agenda.",
            keymap.first(Action::Live)
        ),
        _ => "No submission is open yet: choose a school and press Enter.".into(),
    }
}

/// Where drafts stand, for the header.
pub struct Drafts {
    /// Drafts on disk not yet recorded.
    pub kept: usize,
    /// Whether a draft could not be saved.
    pub failed: bool,
}

/// The remote's state, as the header shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteHeader {
    /// The remote's name (`origin`).
    pub name: String,
    pub shown: RemoteShown,
}

/// What the header says of the remote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoteShown {
    /// Commits to push and to pull as of the last fetch, and how long ago that was (`None`:
    /// never fetched).
    Counts {
        ahead: usize,
        behind: usize,
        fetched_ago: Option<String>,
    },
    /// The last fetch or sync could not reach it.
    Offline,
    /// A sync stopped by a conflict is not finished.
    Stopped,
    /// A sync or push is under way.
    Syncing,
}

impl RemoteHeader {
    /// The text, in full and with the less important part left out: how long ago goes
    /// first.
    fn texts(&self) -> (String, String) {
        let name = &self.name;
        match &self.shown {
            RemoteShown::Counts {
                ahead,
                behind,
                fetched_ago,
            } => {
                let short = format!("{name} ↑{ahead} ↓{behind}");
                let full = match fetched_ago {
                    Some(ago) => format!("{short} · fetched {ago}"),
                    None => format!("{short} · never fetched"),
                };
                (full, short)
            }
            RemoteShown::Offline => (format!("{name} · offline"), format!("{name} · offline")),
            RemoteShown::Stopped => (
                format!("{name} · sync stopped"),
                format!("{name} · sync stopped"),
            ),
            RemoteShown::Syncing => (format!("{name} · syncing…"), format!("{name} · syncing…")),
        }
    }

    fn style(&self, theme: &Theme) -> ratatui::style::Style {
        match &self.shown {
            RemoteShown::Counts { behind: 0, .. } | RemoteShown::Syncing => theme.muted,
            RemoteShown::Counts { .. } | RemoteShown::Offline => theme.warn,
            RemoteShown::Stopped => theme.bad,
        }
    }
}

/// How long ago, in the header's few words.
pub fn ago(then: jiff::Timestamp, now: jiff::Timestamp) -> String {
    let seconds = now.as_second().saturating_sub(then.as_second()).max(0);
    match seconds {
        0..60 => "just now".to_owned(),
        60..3600 => format!("{} min ago", seconds / 60),
        3600..86400 => format!("{} h ago", seconds / 3600),
        _ => match seconds / 86400 {
            1 => "1 day ago".to_owned(),
            days => format!("{days} days ago"),
        },
    }
}

/// The tabs: each screen with its label when there is room for more than its name, and the
/// one on show.
pub struct Tabs {
    pub labels: Vec<(ScreenId, Option<String>)>,
    pub current: ScreenId,
}

/// Draws the header and the tabs; returns where each tab was drawn, for clicks.
#[allow(clippy::too_many_arguments)]
pub fn draw_header(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    keymap: &KeyMap,
    opened: Option<(&HeaderView, usize)>,
    drafts: &Drafts,
    remote: Option<&RemoteHeader>,
    tabs: &Tabs,
) -> Vec<(Rect, ScreenId)> {
    let [top, meeting, tabs_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let mut spans = vec![Span::styled(" kitemark ", theme.tab_active), Span::raw(" ")];
    let mut meeting_spans = vec![Span::raw(" ")];
    match opened {
        Some((h, unreadable)) => {
            let at = match &h.branch {
                Some(branch) => format!("{branch}@{}", h.commit),
                None => format!("commit {}", h.commit),
            };
            // The panel's name gives way to the commit, which auditors need to see, and to
            // the remote's counts; when the name would be cut short, how long ago the remote
            // was fetched is left out first.
            let text_width = |t: &str| unicode_width::UnicodeWidthStr::width(t);
            let name_room = |remote: &str| {
                let remote = if remote.is_empty() {
                    0
                } else {
                    3 + text_width(remote)
                };
                usize::from(top.width).saturating_sub(14 + text_width(&at) + remote)
            };
            let remote_text = remote.map(|r| {
                let (full, short) = r.texts();
                let wanted = text_width(&h.panel).min(24);
                if name_room(&full) >= wanted {
                    full
                } else {
                    short
                }
            });
            let room = name_room(remote_text.as_deref().unwrap_or(""));
            let name: String = if h.panel.chars().count() > room {
                let mut cut: String = h.panel.chars().take(room.saturating_sub(1)).collect();
                cut.push('…');
                cut
            } else {
                h.panel.clone()
            };
            spans.push(Span::styled(name, theme.header));
            spans.push(Span::styled(format!(" · {at}"), theme.muted));
            if let (Some(remote), Some(text)) = (remote, remote_text) {
                spans.push(Span::styled(" · ", theme.muted));
                spans.push(Span::styled(text, remote.style(theme)));
            }
            if unreadable > 0 {
                spans.push(Span::styled(
                    format!(" · ✗ {unreadable} unreadable"),
                    theme.bad,
                ));
            }
            match &h.meeting {
                Some(date) => {
                    // The quorum before the chair's name, which may be long.
                    meeting_spans.push(Span::styled(format!("Meeting {date}"), theme.title));
                    if let Some((ok, quorum)) = &h.quorum {
                        meeting_spans.push(Span::raw(" · "));
                        meeting_spans.push(Span::styled(
                            quorum.clone(),
                            if *ok { theme.good } else { theme.warn },
                        ));
                    }
                    if let Some(chair) = &h.chair {
                        meeting_spans.push(Span::raw(format!(" · Chair {chair}")));
                    }
                }
                None => meeting_spans.push(Span::styled("No meeting scheduled", theme.muted)),
            }
            // Unsaved work shows wherever the user is.
            if drafts.failed {
                meeting_spans.push(Span::styled(" · ✗ draft not saved", theme.bad));
            } else if drafts.kept > 0 {
                meeting_spans.push(Span::styled(
                    format!(" · ✎ {} draft(s) not recorded", drafts.kept),
                    theme.warn,
                ));
            }
        }
        None => spans.push(Span::styled("reading the repository…", theme.muted)),
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.base), top);
    frame.render_widget(
        Paragraph::new(Line::from(meeting_spans)).style(theme.base),
        meeting,
    );

    let (roomy_tabs, shown) = fit_tabs(tabs, keymap, tabs_area.width);
    let mut tab_spans = if roomy_tabs {
        vec![Span::raw(" ")]
    } else {
        Vec::new()
    };
    let mut x = tabs_area.x + u16::from(roomy_tabs);
    let mut hits = Vec::new();
    for ((id, _), label) in tabs.labels.iter().zip(&shown) {
        let (action, _) = tab(*id);
        let pad = if roomy_tabs { " " } else { "" };
        let text = format!(" {} {label}{pad}", keymap.first(action));
        let width =
            u16::try_from(unicode_width::UnicodeWidthStr::width(text.as_str())).unwrap_or(0);
        let (style, text) = if *id == tabs.current {
            (theme.tab_active, format!("▸{}", &text[1..]))
        } else {
            (theme.tab, text)
        };
        tab_spans.push(Span::styled(text, style));
        tab_spans.push(Span::raw(" "));
        hits.push((
            Rect {
                x,
                y: tabs_area.y,
                width,
                height: 1,
            },
            *id,
        ));
        x += width + 1;
    }
    frame.render_widget(
        Paragraph::new(Line::from(tab_spans)).style(theme.base),
        tabs_area,
    );
    hits
}

/// What each tab says so that all of them fit `width`, and whether they are padded: what
/// they hold when there is room (from 120 columns), cut longest first but never below the
/// screen's name; then the names without padding; then the names cut. Every tab shows.
fn fit_tabs(tabs: &Tabs, keymap: &KeyMap, width: u16) -> (bool, Vec<String>) {
    let width = usize::from(width);
    let text_width = |t: &str| unicode_width::UnicodeWidthStr::width(t);
    let keys: Vec<usize> = tabs
        .labels
        .iter()
        .map(|(id, _)| text_width(&keymap.first(tab(*id).0)))
        .collect();
    let needed = |shown: &[String], pad: bool| -> usize {
        let tabs: usize = shown
            .iter()
            .zip(&keys)
            .map(|(s, k)| 1 + k + 1 + text_width(s) + usize::from(pad) + 1)
            .sum();
        tabs + usize::from(pad)
    };
    let names: Vec<String> = tabs
        .labels
        .iter()
        .map(|(id, _)| tab(*id).1.to_owned())
        .collect();
    let full: Vec<String> = tabs
        .labels
        .iter()
        .zip(&names)
        .map(|((_, label), name)| match label {
            Some(label) if width >= 120 => label.clone(),
            _ => name.clone(),
        })
        .collect();
    // Cuts the longest text (from `source`) by a column at a time, none below `least`, until
    // the tabs fit.
    let cut =
        |source: &[String], shown: &mut Vec<String>, pad: bool, least: &dyn Fn(usize) -> usize| {
            while needed(shown, pad) > width {
                let Some(i) = (0..shown.len())
                    .filter(|&i| text_width(&shown[i]) > least(i))
                    .max_by_key(|&i| text_width(&shown[i]))
                else {
                    break;
                };
                let shorter = text_width(&shown[i]) - 1;
                shown[i] = crate::tui::widgets::ellipsis(&source[i], shorter);
            }
        };
    let pad = width >= 100;
    let mut shown = full.clone();
    cut(&full, &mut shown, pad, &|i| text_width(&names[i]));
    if needed(&shown, pad) <= width {
        return (pad, shown);
    }
    let mut shown = names.clone();
    if needed(&shown, false) > width {
        cut(&names, &mut shown, false, &|_| 3);
    }
    (false, shown)
}

/// Draws the footer: the keys of the screen on show, from the live key map.
pub fn draw_footer(frame: &mut Frame, area: Rect, theme: &Theme, keymap: &KeyMap, footer: Footer) {
    // (key, what, kept) triples; help and quit are never left out.
    let mut pairs: Vec<(String, String, bool)> = Vec::new();
    let actions = match footer {
        Footer::Filter(filter) => {
            let line = Line::from(vec![
                Span::styled(" Filter: ", theme.key),
                Span::raw(format!("{filter}▏")),
                Span::styled("   Enter keep · Esc clear", theme.muted),
            ]);
            frame.render_widget(Paragraph::new(line).style(theme.base), area);
            return;
        }
        Footer::Actions(actions) => actions,
        Footer::Keys { keys, typing } => {
            pairs.extend(keys.into_iter().map(|(k, w)| (k, w, false)));
            // While typing only Ctrl-C is not text.
            if typing {
                Vec::new()
            } else {
                vec![Action::Help, Action::Quit]
            }
        }
    };
    for action in actions {
        let pair = |a: Action, b: Action| format!("{}/{}", keymap.first(a), keymap.first(b));
        let key = match action {
            Action::Down => pair(Action::Down, Action::Up),
            Action::NextYear => pair(Action::PrevYear, Action::NextYear),
            Action::NextChange => pair(Action::NextChange, Action::PrevChange),
            _ => keymap.first(action),
        };
        if key.is_empty() {
            continue;
        }
        let kept = matches!(action, Action::Help | Action::Quit);
        pairs.push((key, action.hint().to_owned(), kept));
    }
    // A narrow screen leaves out whole hints, the screen's last first, rather than cutting
    // one in the middle; how to get help and how to quit always stay.
    let width = |pairs: &[(String, String, bool)]| -> usize {
        1 + pairs
            .iter()
            .map(|(k, w, _)| {
                unicode_width::UnicodeWidthStr::width(k.as_str())
                    + unicode_width::UnicodeWidthStr::width(w.as_str())
                    + 3
            })
            .sum::<usize>()
    };
    while width(&pairs) > usize::from(area.width) + 2 {
        let Some(at) = pairs.iter().rposition(|(_, _, kept)| !kept) else {
            break;
        };
        pairs.remove(at);
    }
    let mut spans = vec![Span::raw(" ")];
    for (key, what, _) in pairs {
        spans.push(Span::styled(key, theme.key));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.base), area);
}

/// Draws the status line: what is being waited for, else the last message.
pub fn draw_status(
    frame: &mut Frame,
    area: Rect,
    theme: &Theme,
    waiting: Option<&str>,
    spinner: &str,
    status: Option<&(String, bool)>,
) {
    // A message longer than the line ends in an ellipsis rather than at the screen's edge.
    let fit = |text: String| super::widgets::ellipsis(&text, usize::from(area.width));
    let line = match (waiting, status) {
        (Some(what), _) => Line::from(Span::styled(
            fit(format!(" {spinner} {what}…")),
            theme.status,
        )),
        (None, Some((text, true))) => {
            Line::from(Span::styled(fit(format!(" {text}")), theme.status_error))
        }
        (None, Some((text, false))) => {
            Line::from(Span::styled(fit(format!(" {text}")), theme.status))
        }
        (None, None) => Line::from(Span::styled(" Ready", theme.status)),
    };
    frame.render_widget(Paragraph::new(line).style(theme.base), area);
}

/// Says the terminal is too small, and how to quit.
pub fn draw_too_small(frame: &mut Frame, area: Rect, theme: &Theme, keymap: &KeyMap) {
    let text = vec![
        Line::from(Span::styled("Terminal too small", theme.bad)),
        Line::from(format!(
            "kitemark needs at least {MIN_WIDTH}×{MIN_HEIGHT}; this is {}×{}.",
            area.width, area.height
        )),
        Line::from("Enlarge the window or make the font smaller."),
        Line::from(format!("{} quits.", keymap.first(Action::Quit))),
    ];
    let height = 4.min(area.height);
    let [middle] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .alignment(ratatui::layout::Alignment::Center)
            .style(theme.base),
        middle,
    );
}
