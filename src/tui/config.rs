//! The user's config file (RON, in the XDG config folder): theme, key bindings, what
//! documents are written as, the inbox folder schools' workbooks are dropped in and the
//! administrator who enters them, and the minutes allotted to each item in live meeting mode
//! (`minutes_per_item`, 10 unless set). A config that cannot be used is reported with file,
//! line and column, never silently ignored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::keymap::{Action, KeyMap, Origin};
use super::theme::ThemeKind;
use crate::model::MemberId;
use crate::model::format::{from_ron, locate_value, position_of};

/// What the config file can set.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    keys: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    inbox: Option<String>,
    #[serde(default)]
    member: Option<String>,
    export_format: Option<String>,
    #[serde(default)]
    fetch_every_minutes: Option<u64>,
    #[serde(default)]
    network_timeout_seconds: Option<u64>,
    #[serde(default)]
    push_after_record: Option<String>,
    #[serde(default)]
    minutes_per_item: Option<u32>,
}

/// The settings in force.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub theme: ThemeKind,
    pub keymap: KeyMap,
    /// What `p` writes documents as: Markdown unless the file says "docx".
    pub export_format: crate::export::Format,
    /// The file they came from, if any.
    pub path: Option<PathBuf>,
    pub inbox: Inbox,
    pub remote: RemoteSettings,
    pub live: Live,
}

/// How live meeting mode runs the meeting.
#[derive(Debug, Clone)]
pub struct Live {
    /// The minutes allotted to each agenda item: its timer's mark, and the time left is
    /// the items' allowance less the time gone.
    pub minutes_per_item: u32,
    /// Where the time of day comes from.
    pub clock: super::clock::Clock,
}

impl Default for Live {
    fn default() -> Self {
        Live {
            minutes_per_item: 10,
            clock: super::clock::Clock::default(),
        }
    }
}

/// How the interface shares the panel's record with its git remote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemoteSettings {
    /// How often the remote is fetched in the background; `None` never (`0` in the file).
    pub fetch_every: Option<std::time::Duration>,
    /// How long a fetch, sync or push may take before it is given up.
    pub timeout: std::time::Duration,
    /// What follows a recording made in the interface, when there is a remote.
    pub push_after_record: PushAfterRecord,
}

impl Default for RemoteSettings {
    fn default() -> Self {
        RemoteSettings {
            fetch_every: Some(std::time::Duration::from_secs(5 * 60)),
            timeout: std::time::Duration::from_secs(20),
            push_after_record: PushAfterRecord::Push,
        }
    }
}

/// What follows a recording made in the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PushAfterRecord {
    /// Push at once, in the background, and say how it went.
    #[default]
    Push,
    /// Ask first ("Push to origin now? y/n").
    Ask,
    /// Leave it to the sync key.
    Never,
}

impl PushAfterRecord {
    pub fn from_name(name: &str) -> Option<PushAfterRecord> {
        match name {
            "push" => Some(PushAfterRecord::Push),
            "ask" => Some(PushAfterRecord::Ask),
            "never" => Some(PushAfterRecord::Never),
            _ => None,
        }
    }
}

/// Where schools' workbooks arrive, and who enters them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inbox {
    /// The folder (`~/kitemark/inbox` unless the config says otherwise), `~` expanded.
    pub folder: PathBuf,
    /// The administrator offered first when a workbook is submitted; without one, the
    /// panel's only administrator, or the first of several.
    pub member: Option<MemberId>,
}

impl Default for Inbox {
    fn default() -> Self {
        Inbox {
            folder: expand_home(DEFAULT_INBOX).unwrap_or_else(|| PathBuf::from(DEFAULT_INBOX)),
            member: None,
        }
    }
}

/// The inbox folder when the config names none.
pub const DEFAULT_INBOX: &str = "~/kitemark/inbox";

/// A folder as the user wrote it, `~` or `~/...` meaning the home folder; `None` for a
/// relative path (which would depend on where the interface was started) or no home folder.
fn expand_home(written: &str) -> Option<PathBuf> {
    let path = match written.strip_prefix('~') {
        Some("") => dirs::home_dir()?,
        Some(rest) if rest.starts_with('/') => dirs::home_dir()?.join(&rest[1..]),
        Some(_) => return None,
        None => PathBuf::from(written),
    };
    path.is_absolute().then_some(path)
}

/// Why the config file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct ConfigError {
    pub path: PathBuf,
    pub problems: Vec<(Option<(usize, usize)>, String)>,
}

impl ConfigError {
    fn render(&self) -> String {
        self.problems
            .iter()
            .map(|(pos, message)| match pos {
                Some((line, col)) => format!("{}:{line}:{col}: {message}", self.path.display()),
                None => format!("{}: {message}", self.path.display()),
            })
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Where the config file is: `$KITEMARK_CONFIG`, else `kitemark/config.ron` in the user's
/// config folder.
pub fn config_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("KITEMARK_CONFIG") {
        return Some(PathBuf::from(path));
    }
    dirs::config_dir().map(|d| d.join("kitemark").join("config.ron"))
}

/// Loads the config file if there is one; the defaults if there is none.
pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
    let Some(path) = path else {
        return Ok(Config::default());
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => {
            return Err(ConfigError {
                path: path.to_path_buf(),
                problems: vec![(None, format!("cannot read the config file: {e}"))],
            });
        }
    };
    parse(path, &text)
}

/// Parses a config file's text.
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let fail = |problems| ConfigError {
        path: path.to_path_buf(),
        problems,
    };
    let file: ConfigFile = from_ron(text)
        .map_err(|e| fail(vec![(Some((e.position.line, e.position.col)), e.message)]))?;
    let mut problems = Vec::new();
    let theme = match &file.theme {
        None => ThemeKind::default(),
        Some(name) => ThemeKind::from_name(name).unwrap_or_else(|| {
            let pos = locate_value(text, "theme", name, 0).map(|p| (p.line, p.col));
            problems.push((
                pos,
                format!("unknown theme {name:?}; use \"default\" or \"high-contrast\""),
            ));
            ThemeKind::default()
        }),
    };
    let export_format = match &file.export_format {
        None => crate::export::Format::default(),
        Some(name) => crate::export::Format::from_name(name).unwrap_or_else(|| {
            let pos = locate_value(text, "export_format", name, 0).map(|p| (p.line, p.col));
            problems.push((
                pos,
                format!("unknown export format {name:?}; use \"md\" or \"docx\""),
            ));
            crate::export::Format::default()
        }),
    };
    let mut remote = RemoteSettings::default();
    if let Some(minutes) = file.fetch_every_minutes {
        // A fetch more often than once a minute would be traffic, not news; 0 turns it off.
        remote.fetch_every =
            (minutes > 0).then(|| std::time::Duration::from_secs(minutes.saturating_mul(60)));
    }
    if let Some(seconds) = file.network_timeout_seconds {
        if seconds == 0 {
            // The number is not quoted: the field's name is where it is.
            let pos = text
                .find("network_timeout_seconds")
                .map(|at| position_of(text, at))
                .map(|p| (p.line, p.col));
            problems.push((
                pos,
                "network_timeout_seconds must be at least 1: a fetch needs some time to answer"
                    .to_owned(),
            ));
        } else {
            remote.timeout = std::time::Duration::from_secs(seconds);
        }
    }
    if let Some(name) = &file.push_after_record {
        match PushAfterRecord::from_name(name) {
            Some(how) => remote.push_after_record = how,
            None => {
                let pos = locate_value(text, "push_after_record", name, 0).map(|p| (p.line, p.col));
                problems.push((
                    pos,
                    format!(
                        "unknown push_after_record {name:?}; use \"push\", \"ask\" or \"never\""
                    ),
                ));
            }
        }
    }
    let mut live = Live::default();
    if let Some(minutes) = file.minutes_per_item {
        if minutes == 0 {
            let pos = text
                .find("minutes_per_item")
                .map(|at| position_of(text, at))
                .map(|p| (p.line, p.col));
            problems.push((
                pos,
                "minutes_per_item must be at least 1: every item needs some time".to_owned(),
            ));
        } else {
            live.minutes_per_item = minutes;
        }
    }
    let mut overrides = Vec::new();
    for (name, specs) in &file.keys {
        let name_at = text.find(&format!("\"{name}\"")).unwrap_or(0);
        let Some(action) = Action::from_name(name) else {
            let pos = position_of(text, name_at);
            let known: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
            problems.push((
                Some((pos.line, pos.col)),
                format!("unknown action {name:?}; actions are: {}", known.join(", ")),
            ));
            continue;
        };
        let mut search_from = name_at + name.len() + 2;
        let mut bound = Vec::new();
        if specs.is_empty() && matches!(action, Action::Quit | Action::Help) {
            let pos = position_of(text, name_at);
            problems.push((
                Some((pos.line, pos.col)),
                format!("{name:?} needs at least one key"),
            ));
            continue;
        }
        for spec in specs {
            let needle = format!("\"{}\"", spec.replace('\\', "\\\\").replace('"', "\\\""));
            // Positions are a courtesy: when a name is written with escapes and cannot be found
            // as written, point at the entry instead of guessing, never slice mid-character.
            let at = text
                .get(search_from..)
                .and_then(|rest| rest.find(&needle))
                .map_or(name_at, |i| search_from + i);
            search_from = at + needle.len();
            let pos = position_of(text, at);
            bound.push((
                spec.clone(),
                Origin::Config {
                    line: pos.line,
                    col: pos.col,
                },
            ));
        }
        overrides.push((action, bound));
    }
    let keymap = match KeyMap::with_overrides(&overrides) {
        Ok(map) => map,
        Err(errors) => {
            problems.extend(errors.into_iter().map(|e| (e.line.zip(e.col), e.message)));
            KeyMap::default()
        }
    };
    let mut inbox = Inbox::default();
    if let Some(written) = &file.inbox {
        match expand_home(written) {
            Some(folder) => inbox.folder = folder,
            None => {
                let pos = locate_value(text, "inbox", written, 0).map(|p| (p.line, p.col));
                problems.push((
                    pos,
                    format!(
                        "the inbox {written:?} is not a folder kitemark can find from anywhere; write it in full (\"/home/me/inbox\") or from the home folder (\"~/kitemark/inbox\")"
                    ),
                ));
            }
        }
    }
    if let Some(written) = &file.member {
        match written.parse::<MemberId>() {
            Ok(id) => inbox.member = Some(id),
            Err(e) => {
                let pos = locate_value(text, "member", written, 0).map(|p| (p.line, p.col));
                problems.push((pos, format!("member: {e}")));
            }
        }
    }
    if !problems.is_empty() {
        return Err(fail(problems));
    }
    Ok(Config {
        theme,
        keymap,
        export_format,
        path: Some(path.to_path_buf()),
        inbox,
        remote,
        live,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> String {
        parse(Path::new("config.ron"), text)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn each_item_is_allotted_ten_minutes_unless_set() {
        let parsed = |text: &str| parse(Path::new("config.ron"), text).unwrap();
        assert_eq!(parsed("()").live.minutes_per_item, 10);
        assert_eq!(parsed("(minutes_per_item: 15)").live.minutes_per_item, 15);
        assert!(
            errors("(\n    minutes_per_item: 0,\n)\n")
                .starts_with("config.ron:2:5: minutes_per_item")
        );
    }

    #[test]
    fn a_good_config_rebinds_and_sets_the_theme() {
        let config = parse(
            Path::new("config.ron"),
            "(\n    theme: \"high-contrast\",\n    keys: {\n        \"quit\": [\"x\", \"ctrl-q\"],\n    },\n)\n",
        )
        .unwrap();
        assert_eq!(config.theme, ThemeKind::HighContrast);
        assert_eq!(config.keymap.describe(Action::Quit), "x Ctrl-q");
    }

    #[test]
    fn bad_configs_name_the_line_and_column() {
        assert_eq!(
            errors("(\n    keys: {\n        \"quit\": [\"j\"],\n    },\n)\n"),
            "config.ron:3:18: key j is bound to both \"quit\" and \"down\" (by default); bind \"down\" to other keys too"
        );
        assert_eq!(
            errors("(\n    keys: {\n        \"jump\": [\"x\"],\n    },\n)\n")
                .lines()
                .next()
                .unwrap()
                .split(';')
                .next()
                .unwrap(),
            "config.ron:3:9: unknown action \"jump\""
        );
        assert!(
            errors("(\n    theme: \"neon\",\n)\n")
                .starts_with("config.ron:2:5: unknown theme \"neon\"")
        );
        assert!(
            errors("(\n    keys: {\n        \"quit\": [\"meta-q\"],\n    },\n)\n")
                .starts_with("config.ron:3:18: \"meta-q\" is not a key")
        );
        assert!(
            errors("(\n    colours: 3,\n)\n")
                .starts_with("config.ron:2:5: unknown field `colours`")
        );
    }

    #[test]
    fn the_export_format_is_markdown_unless_set() {
        let parse_ok = |text: &str| parse(Path::new("config.ron"), text).unwrap();
        assert_eq!(
            parse_ok("(export_format: \"docx\")\n").export_format,
            crate::export::Format::Docx
        );
        assert_eq!(
            parse_ok("(export_format: \"md\")\n").export_format,
            crate::export::Format::Markdown
        );
        assert_eq!(
            parse_ok("(theme: \"default\")\n").export_format,
            crate::export::Format::Markdown
        );
        assert_eq!(
            errors("(\n    theme: \"default\",\n    export_format: \"pdf\",\n)\n"),
            "config.ron:3:5: unknown export format \"pdf\"; use \"md\" or \"docx\""
        );
    }

    #[test]
    fn escaped_names_and_wide_characters_do_not_upset_positions() {
        // The action name is written with an escape, so it cannot be found as written.
        let config = parse(
            Path::new("config.ron"),
            "// ééé\n(keys: {\"q\\u{75}it\": [\"x\"]})\n",
        )
        .unwrap();
        assert_eq!(config.keymap.first(Action::Quit), "x");
    }

    #[test]
    fn the_inbox_and_its_administrator() {
        let config = parse(
            Path::new("config.ron"),
            "(\n    inbox: \"/srv/panel/inbox\",\n    member: \"t-whitlock\",\n)\n",
        )
        .unwrap();
        assert_eq!(config.inbox.folder, PathBuf::from("/srv/panel/inbox"));
        assert_eq!(config.inbox.member.unwrap().as_str(), "t-whitlock");
        let home = dirs::home_dir().unwrap();
        let config = parse(Path::new("config.ron"), "(inbox: \"~/mail/workbooks\")").unwrap();
        assert_eq!(config.inbox.folder, home.join("mail/workbooks"));
        assert_eq!(
            parse(Path::new("config.ron"), "()").unwrap().inbox.folder,
            home.join("kitemark/inbox")
        );
        assert!(
            errors("(\n    inbox: \"workbooks\",\n)\n")
                .starts_with("config.ron:2:5: the inbox \"workbooks\" is not a folder"),
            "{}",
            errors("(\n    inbox: \"workbooks\",\n)\n")
        );
        assert!(
            errors("(\n  member: \"T Whitlock\",\n)\n").starts_with("config.ron:2:3: member:"),
            "{}",
            errors("(\n  member: \"T Whitlock\",\n)\n")
        );
    }

    #[test]
    fn fetching_and_pushing_have_defaults_and_can_be_set() {
        let parse_ok = |text: &str| parse(Path::new("config.ron"), text).unwrap().remote;
        let defaults = parse_ok("()");
        assert_eq!(
            defaults.fetch_every,
            Some(std::time::Duration::from_secs(300))
        );
        assert_eq!(defaults.timeout, std::time::Duration::from_secs(20));
        assert_eq!(defaults.push_after_record, PushAfterRecord::Push);
        let set = parse_ok(
            "(\n    fetch_every_minutes: 2,\n    network_timeout_seconds: 45,\n    push_after_record: \"ask\",\n)\n",
        );
        assert_eq!(set.fetch_every, Some(std::time::Duration::from_secs(120)));
        assert_eq!(set.timeout, std::time::Duration::from_secs(45));
        assert_eq!(set.push_after_record, PushAfterRecord::Ask);
        let never = parse_ok("(fetch_every_minutes: 0, push_after_record: \"never\")");
        assert_eq!(never.fetch_every, None);
        assert_eq!(never.push_after_record, PushAfterRecord::Never);
        assert_eq!(
            errors("(\n    push_after_record: \"always\",\n)\n"),
            "config.ron:2:5: unknown push_after_record \"always\"; use \"push\", \"ask\" or \"never\""
        );
        assert!(
            errors("(\n    network_timeout_seconds: 0,\n)\n")
                .starts_with("config.ron:2:5: network_timeout_seconds must be at least 1"),
            "{}",
            errors("(\n    network_timeout_seconds: 0,\n)\n")
        );
        assert!(
            errors("(fetch_every_minutes: \"often\")").starts_with("config.ron:1:"),
            "{}",
            errors("(fetch_every_minutes: \"often\")")
        );
    }

    #[test]
    fn no_file_means_the_defaults() {
        let config = load(Some(Path::new("/nonexistent/kitemark/config.ron"))).unwrap();
        assert_eq!(config.theme, ThemeKind::Default);
        assert_eq!(config.keymap.first(Action::Quit), "q");
    }
}
