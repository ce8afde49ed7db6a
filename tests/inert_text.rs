//! Text from the repository is inert wherever the tool writes it for someone else: in the
//! Markdown of a letter or the minutes it shows as typed and makes no link, image, code,
//! table, list, heading or HTML; in JSON every character that steers a terminal or reorders
//! text is a `\u` escape, and the JSON reads back to the text as stored.

mod common;

use common::{Sandbox, assert_exit, base_files, stdout};
use pulldown_cmark::{Event, Options, Parser, Tag};

/// DEL, C1 controls (U+009B and U+009D start terminal sequences on their own) and the
/// bidirectional controls, as RON escapes so that the files stay plain text.
const STEERING_RON: &str =
    "\\u{7f}\\u{85}\\u{9b}2J\\u{9d}0;x\\u{202e}\\u{2066}\\u{2069}\\u{200e}\\u{200f}\\u{61c}";

fn steering(c: char) -> bool {
    c == '\u{7f}'
        || ('\u{80}'..='\u{9f}').contains(&c)
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{61c}' | '\u{1b}')
}

/// Markdown a school or a member might type, one construct a line where a field keeps lines.
const FEEDBACK_LINES: &[&str] = &[
    "Well done [click here](javascript:alert(1)) and ![](http://evil.example/p.png)",
    "```",
    "- a bullet",
    "* a star",
    "+ a plus",
    "1. a number",
    "| a | b |",
    "|---|---|",
    "~~~",
    "> a quote",
    "# a heading",
    "[ref]: http://evil.example/",
    "_em_ **strong** `code` ~~strike~~ &amp; <b>bold</b> <!-- comment -->",
];

/// The base repository with Markdown and steering characters in a school's, a member's and
/// the panel's text, a decision with a condition, and a year before for the comparison.
fn crafted(sandbox: &Sandbox) -> std::path::PathBuf {
    let mut files = base_files();
    let feedback = FEEDBACK_LINES
        .join("\n")
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    for (path, bytes) in &mut files {
        let text = String::from_utf8(bytes.clone()).unwrap();
        let text = match path.as_str() {
            "panel.ron" => text
                .replace("Test panel", &format!("Test | panel | --- {STEERING_RON}"))
                .replace("Ada Chair", &format!("Ada *Chair* <i>x</i>{STEERING_RON}")),
            "submissions/oak/school.ron" => text
                .replace(
                    "Oak School",
                    &format!("Oak [x](javascript:alert(1)) School{STEERING_RON}"),
                )
                .replace("Eve Lead", "![](http://evil.example/p.png) Eve"),
            "submissions/oak/2025-26/action-plan.ron" => text.replace(
                "Train the governor",
                &format!("Train the {STEERING_RON} governor"),
            ),
            "decisions/oak/2025-26/2025-11-12-initial.ron" => text
                .replace("\"Well done.\"", &format!("\"{feedback}{STEERING_RON}\""))
                .replace(
                    "Clear leadership.",
                    "1. Clear `leadership` <script>x</script>",
                )
                .replace(
                    "participants:",
                    "conditions: [(text: \"- [ ] by [then](http://x)\", due: \"2026-01-31\")],\n    participants:",
                ),
            "meetings/2025-11-12.ron" => text.replace(
                "Headteacher of Oak School",
                &format!("Head of ![img](http://x/y.png){STEERING_RON}"),
            ),
            _ => text,
        };
        *bytes = text.into_bytes();
    }
    let earlier: Vec<(String, Vec<u8>)> = files
        .iter()
        .filter(|(p, _)| p.starts_with("submissions/oak/2025-26/"))
        .map(|(p, b)| {
            let text = String::from_utf8(b.clone())
                .unwrap()
                .replace("2025-26", "2024-25");
            (p.replace("2025-26", "2024-25"), text.into_bytes())
        })
        .collect();
    files.extend(earlier);
    sandbox.repo_with("crafted", &files)
}

/// Every extension the parser has but smart punctuation, which is typography, not markup.
fn options() -> Options {
    Options::all().difference(Options::ENABLE_SMART_PUNCTUATION)
}

/// What a CommonMark renderer finds in a document: its text, and every construct other than
/// the few the documents are built of.
fn rendered(markdown: &str) -> (String, Vec<String>) {
    let mut text = String::new();
    let mut constructs = Vec::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push('\n'),
            // The documents' own code spans: commit ids, file paths and one command.
            Event::Code(c) => {
                let path = c.starts_with("decisions/oak/") || c.starts_with("meetings/");
                let id = c.chars().all(|c| c.is_ascii_hexdigit());
                if !(path || id || &*c == "kitemark audit") {
                    constructs.push(format!("code {c:?}"));
                }
            }
            Event::Start(
                tag @ (Tag::Link { .. }
                | Tag::Image { .. }
                | Tag::CodeBlock(_)
                | Tag::HtmlBlock
                | Tag::Table(_)
                | Tag::FootnoteDefinition(_)
                | Tag::Strikethrough
                | Tag::DefinitionList
                | Tag::Superscript
                | Tag::Subscript),
            ) => constructs.push(format!("{tag:?}")),
            Event::Html(h) | Event::InlineHtml(h) => constructs.push(format!("html {h:?}")),
            Event::FootnoteReference(f) => constructs.push(format!("footnote {f:?}")),
            Event::TaskListMarker(_) => constructs.push("task list".into()),
            Event::InlineMath(m) | Event::DisplayMath(m) => constructs.push(format!("math {m:?}")),
            _ => {}
        }
    }
    (text, constructs)
}

/// How many headings and list items a document has: its own, whatever the text holds.
fn outline(markdown: &str) -> (usize, usize) {
    Parser::new_ext(markdown, options()).fold((0, 0), |(h, i), e| match e {
        Event::Start(Tag::Heading { .. }) => (h + 1, i),
        Event::Start(Tag::Item) => (h, i + 1),
        _ => (h, i),
    })
}

#[test]
fn letters_and_minutes_show_the_text_as_typed() {
    let sandbox = Sandbox::new();
    let repo = crafted(&sandbox);
    let repo = repo.to_str().unwrap();
    let letter = sandbox.kitemark(&["export", "letter", "oak", "2025-26", "--repo", repo]);
    assert_exit(&letter, 0);
    let minutes = sandbox.kitemark(&[
        "export",
        "minutes",
        "--meeting",
        "2025-11-12",
        "--repo",
        repo,
    ]);
    assert_exit(&minutes, 0);
    // The letter: one heading for the decision and its sections, one item per condition.
    // The minutes: present members, one declaration, one condition.
    for (document, headings, items) in [(stdout(&letter), 5, 1), (stdout(&minutes), 6, 6)] {
        assert!(!document.chars().any(steering), "{document}");
        let (text, constructs) = rendered(&document);
        assert_eq!(constructs, Vec::<String>::new(), "{document}");
        assert_eq!(outline(&document), (headings, items), "{document}");
        for typed in [
            "Oak [x](javascript:alert(1)) School",
            "Ada *Chair* <i>x</i>",
            "- [ ] by [then](http://x)",
        ] {
            assert!(text.contains(typed), "{typed:?} not shown in:\n{text}");
        }
        for line in FEEDBACK_LINES {
            assert!(text.contains(line), "{line:?} not shown in:\n{text}");
        }
    }
    let letter = stdout(&letter);
    let (text, _) = rendered(&letter);
    assert!(
        text.contains("![](http://evil.example/p.png) Eve"),
        "{text}"
    );
    assert!(
        text.contains("1. Clear `leadership` <script>x</script>"),
        "{text}"
    );
    assert!(text.contains("Test | panel | ---"), "{text}");
    let (text, _) = rendered(&stdout(&minutes));
    assert!(text.contains("Head of ![img](http://x/y.png)"), "{text}");
}

#[test]
fn every_json_output_escapes_steering_characters() {
    let sandbox = Sandbox::new();
    let repo = crafted(&sandbox);
    let repo = repo.to_str().unwrap();
    let outputs: [&[&str]; 7] = [
        &["validate"],
        &["diff", "oak"],
        &["schools", "--on", "2026-01-01"],
        &["log"],
        &["log", "oak"],
        &["log", "oak", "--commits"],
        &["audit", "--on", "2026-01-01"],
    ];
    let mut escaped = 0;
    for command in outputs {
        let mut args = command.to_vec();
        args.extend(["--format", "json", "--repo", repo]);
        let out = sandbox.kitemark(&args);
        let err = common::stderr(&out);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        let json = stdout(&out);
        let kept: Vec<String> = json
            .chars()
            .filter(|&c| steering(c))
            .map(|c| format!("U+{:04X}", c as u32))
            .collect();
        assert_eq!(kept, Vec::<String>::new(), "{args:?}:\n{json}");
        let value: serde_json::Value = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("{args:?} wrote invalid JSON ({e}):\n{json}"));
        assert!(value.is_object(), "{args:?}");
        escaped += json.matches("\\u009b").count();
    }
    // The text itself is there, escaped: the comparison shows the action's text.
    assert!(escaped > 0, "no output carried the crafted text");
    let diff = sandbox.kitemark(&["diff", "oak", "--format", "json", "--repo", repo]);
    let json = stdout(&diff);
    assert!(
        json.contains("Train the \\u007f\\u0085\\u009b2J\\u009d0;x\\u202e"),
        "{json}"
    );
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        value.to_string().contains("Train the \u{7f}\u{85}\u{9b}2J"),
        "the JSON reads back to the stored text"
    );
}
