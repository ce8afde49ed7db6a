//! `kitemark export --format docx`: the minutes and a letter as Word files, read back as Word
//! reads them: a zip holding the package's parts, whose document.xml has every line of the
//! Markdown version, headings in Word's heading styles, the attendance and each decision in
//! tables and the conditions in a numbered list. Text from the repository stays text, and
//! nothing XML forbids reaches the file.

mod common;

use std::io::Read as _;
use std::path::Path;

use common::{Sandbox, assert_exit, base_files, shared_demo, stderr, stdout};
use pulldown_cmark::{Event as Md, Parser, Tag, TagEnd};
use quick_xml::events::Event;

/// What the body of a Word document holds, block by block.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Paragraph {
        style: String,
        numbered: bool,
        text: String,
    },
    Table(Vec<Vec<String>>),
}

impl Item {
    fn text(&self) -> String {
        match self {
            Item::Paragraph { text, .. } => text.clone(),
            Item::Table(rows) => rows
                .iter()
                .map(|r| r.join(" "))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

/// The parts of a Word file, by name.
fn unpack(bytes: &[u8]) -> std::collections::BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip file");
    let mut parts = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        if file.is_dir() {
            continue;
        }
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        parts.insert(file.name().to_owned(), text);
    }
    parts
}

/// Whether XML 1.0 allows the character in a document.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        || c >= '\u{10000}'
}

fn value(e: &quick_xml::events::BytesStart<'_>) -> String {
    e.try_get_attribute("w:val")
        .unwrap()
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
        .unwrap_or_default()
}

/// The body of document.xml: its paragraphs (with their style and whether they are in a
/// list) and its tables (their cells' text). Fails on XML that is not well formed.
fn body(xml: &str) -> Vec<Item> {
    let bad: Vec<char> = xml.chars().filter(|c| !xml_char(*c)).collect();
    assert!(bad.is_empty(), "characters XML forbids: {bad:?}");
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut items = Vec::new();
    let mut table: Option<Vec<Vec<String>>> = None;
    let mut row: Vec<String> = Vec::new();
    let mut cell: Option<String> = None;
    let (mut style, mut numbered, mut text, mut in_text) =
        (String::new(), false, String::new(), false);
    loop {
        let event = reader.read_event().expect("well-formed XML");
        match event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"pStyle" => {
                style = value(&e);
            }
            Event::Start(e) => match e.local_name().as_ref() {
                b"tbl" => table = Some(Vec::new()),
                b"tr" => row = Vec::new(),
                b"tc" => cell = Some(String::new()),
                b"p" => (style, numbered, text) = (String::new(), false, String::new()),
                b"numPr" => numbered = true,
                b"t" => in_text = true,
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                b"br" => text.push('\n'),
                b"p" if cell.is_none() => items.push(Item::Paragraph {
                    style: String::new(),
                    numbered: false,
                    text: String::new(),
                }),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"p" => match &mut cell {
                    Some(cell) => {
                        if !cell.is_empty() {
                            cell.push('\n');
                        }
                        cell.push_str(&text);
                    }
                    None => items.push(Item::Paragraph {
                        style: style.clone(),
                        numbered,
                        text: text.clone(),
                    }),
                },
                b"tc" => row.extend(cell.take()),
                b"tr" => table.iter_mut().for_each(|t| t.push(row.clone())),
                b"tbl" => items.extend(table.take().map(Item::Table)),
                _ => {}
            },
            Event::Text(t) if in_text => text.push_str(&t.decode().unwrap()),
            Event::GeneralRef(r) if in_text => {
                let c = match r.resolve_char_ref().unwrap() {
                    Some(c) => c,
                    None => match &*r.decode().unwrap() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => panic!("unknown entity {other}"),
                    },
                };
                text.push(c);
            }
            _ => {}
        }
    }
    items
}

/// The lines a reader of the Markdown sees, markup taken away.
fn markdown_lines(markdown: &str) -> Vec<String> {
    let mut text = String::new();
    for event in Parser::new(markdown) {
        match event {
            Md::Text(t) | Md::Code(t) => text.push_str(&t),
            Md::SoftBreak
            | Md::HardBreak
            | Md::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => text.push('\n'),
            _ => {}
        }
    }
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Every line of the Markdown is in the Word file, word for word and in one piece: a table
/// parts a line into cells, and punctuation such as a label's colon may go.
fn assert_same_text(markdown: &str, items: &[Item]) {
    let all: Vec<String> = items.iter().map(Item::text).collect();
    let all = all.join("\n");
    let docx = words(&all);
    for line in markdown_lines(markdown) {
        let wanted = words(&line);
        assert!(
            docx.windows(wanted.len()).any(|w| w == wanted.as_slice()),
            "{line:?} is not in the Word file:\n{all}"
        );
    }
}

/// The headings of the Markdown, with their levels.
fn markdown_headings(markdown: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for event in Parser::new(markdown) {
        match event {
            Md::Start(Tag::Heading { level, .. }) => {
                current = Some((level as usize, String::new()))
            }
            Md::Text(t) | Md::Code(t) => {
                if let Some((_, text)) = &mut current {
                    text.push_str(&t);
                }
            }
            Md::End(TagEnd::Heading(_)) => out.extend(current.take()),
            _ => {}
        }
    }
    out
}

fn headings(items: &[Item]) -> Vec<(usize, String)> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Paragraph { style, text, .. } => style
                .strip_prefix("Heading")
                .and_then(|n| n.parse().ok())
                .map(|n| (n, text.clone())),
            Item::Table(_) => None,
        })
        .collect()
}

fn tables(items: &[Item]) -> Vec<&Vec<Vec<String>>> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Table(rows) => Some(rows),
            Item::Paragraph { .. } => None,
        })
        .collect()
}

/// A document as Markdown (printed) and as a Word file written to `file`; the Word file's
/// body, once its parts and styles are checked.
fn both(sandbox: &Sandbox, args: &[&str], file: &Path) -> (String, Vec<Item>) {
    let (markdown, items, _) = both_with(sandbox, args, file, 0);
    (markdown, items)
}

/// As [`both`], both exiting with `code`; with what the Word file's export said on stderr.
fn both_with(
    sandbox: &Sandbox,
    args: &[&str],
    file: &Path,
    code: i32,
) -> (String, Vec<Item>, String) {
    let markdown = sandbox.kitemark(args);
    assert_exit(&markdown, code);
    let mut with_file = args.to_vec();
    with_file.extend(["--format", "docx", "-o", file.to_str().unwrap()]);
    let written = sandbox.kitemark(&with_file);
    assert_exit(&written, code);
    assert!(stdout(&written).is_empty(), "{}", stdout(&written));
    let parts = unpack(&std::fs::read(file).unwrap());
    for part in [
        "[Content_Types].xml",
        "word/document.xml",
        "word/styles.xml",
    ] {
        assert!(parts.contains_key(part), "{part} in {:?}", parts.keys());
    }
    let styles = &parts["word/styles.xml"];
    for level in 1..=4 {
        assert!(
            styles.contains(&format!(
                "w:styleId=\"Heading{level}\"><w:name w:val=\"heading {level}\" />"
            )),
            "Heading{level} in {styles}"
        );
    }
    // Each style defined once: Word takes a style id defined twice as a damaged file.
    let ids: Vec<&str> = styles
        .split("w:styleId=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let unique: std::collections::BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(ids.len(), unique.len(), "a style defined twice: {ids:?}");
    (
        stdout(&markdown),
        body(&parts["word/document.xml"]),
        stderr(&written),
    )
}

#[test]
fn the_minutes_as_a_word_document() {
    let sandbox = Sandbox::new();
    let repo = shared_demo().to_str().unwrap();
    let file = sandbox.path("minutes.docx");
    let args = [
        "export",
        "minutes",
        "--meeting",
        "2026-06-17",
        "--repo",
        repo,
    ];
    let (markdown, items) = both(&sandbox, &args, &file);
    assert_same_text(&markdown, &items);
    let wanted = markdown_headings(&markdown);
    assert!(wanted.len() > 5, "{markdown}");
    assert_eq!(headings(&items), wanted);

    // Attendance: those present and the apologies, each a table of members.
    let present = markdown
        .split("### Present\n\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| l.starts_with("- "))
        .count();
    let attendance: Vec<_> = tables(&items)
        .into_iter()
        .filter(|t| t[0] == ["Member", "Role", "Organisation"])
        .collect();
    assert_eq!(attendance.len(), 2, "{items:#?}");
    assert_eq!(attendance[0].len(), present + 1, "{:#?}", attendance[0]);
    assert!(
        attendance[0]
            .iter()
            .any(|r| r[0] == "Rosalind Adeyemi"
                && r[1] == "Strategic Lead for Mental Health in Schools"),
        "{:#?}",
        attendance[0]
    );
    // Each item's decision: a table of what was decided, who took part and who recorded it.
    let decisions: Vec<_> = tables(&items)
        .into_iter()
        .filter(|t| t[0][0] == "Decision")
        .collect();
    assert_eq!(
        decisions.len(),
        markdown.matches("**Decision:**").count(),
        "{items:#?}"
    );
    for table in &decisions {
        let labels: Vec<&str> = table.iter().map(|r| r[0].as_str()).collect();
        assert!(labels.contains(&"Taking part"), "{labels:?}");
        assert!(labels.contains(&"Recorded by"), "{labels:?}");
    }
    // The conditions, one a list item.
    let conditions = items
        .iter()
        .filter(|i| matches!(i, Item::Paragraph { numbered: true, text, .. } if text.starts_with("By ")))
        .count();
    assert_eq!(
        conditions,
        markdown.matches("\n- By ").count(),
        "{items:#?}"
    );
    assert!(conditions > 0);
}

#[test]
fn a_letter_as_a_word_document() {
    let sandbox = Sandbox::new();
    let repo = shared_demo().to_str().unwrap();
    let file = sandbox.path("letter.docx");
    let args = [
        "export",
        "letter",
        "brookside-primary",
        "2025-26",
        "--repo",
        repo,
    ];
    let (markdown, items) = both(&sandbox, &args, &file);
    assert_same_text(&markdown, &items);
    assert_eq!(headings(&items), markdown_headings(&markdown));
    let condition = items
        .iter()
        .find(|i| i.text().starts_with("By 18 December 2026: The deputy"))
        .unwrap_or_else(|| panic!("the condition in {items:#?}"));
    assert!(
        matches!(condition, Item::Paragraph { numbered: true, .. }),
        "{condition:?}"
    );
    // Numbered, not bulleted.
    let parts = unpack(&std::fs::read(&file).unwrap());
    assert!(
        parts["word/numbering.xml"].contains("<w:numFmt w:val=\"decimal\" />"),
        "{}",
        parts["word/numbering.xml"]
    );
    // The address keeps its lines, and the sign-off its two.
    assert!(
        items
            .iter()
            .any(|i| i.text()
                == "Rosalind Adeyemi\nChair, Healthy Young Minds in Herts Kitemark Panel"),
        "{items:#?}"
    );
}

#[test]
fn a_word_document_is_written_under_its_own_name_and_never_over_a_file() {
    let sandbox = Sandbox::new();
    let repo = shared_demo().to_str().unwrap();
    let args = [
        "export",
        "minutes",
        "--meeting",
        "2026-06-17",
        "--format",
        "docx",
        "--repo",
        repo,
    ];
    let dir = sandbox.path("out");
    std::fs::create_dir_all(&dir).unwrap();
    let run = || {
        let mut cmd = sandbox.command(&args);
        cmd.current_dir(&dir);
        cmd.output().unwrap()
    };
    let first = run();
    assert_exit(&first, 0);
    assert!(stdout(&first).is_empty(), "{}", stdout(&first));
    let file = dir.join("minutes-2026-06-17.docx");
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"PK"), "a zip file");
    let again = run();
    assert_exit(&again, 2);
    assert!(
        stderr(&again).contains("never overwritten"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read(&file).unwrap(), bytes);
    // Markdown is still printed by default.
    let markdown = sandbox.kitemark(
        &args[..4]
            .iter()
            .chain(&args[6..])
            .copied()
            .collect::<Vec<_>>(),
    );
    assert_exit(&markdown, 0);
    assert!(stdout(&markdown).starts_with("# "), "{}", stdout(&markdown));
}

#[test]
fn a_record_changed_after_it_was_made_is_warned_of_as_in_the_markdown() {
    let sandbox = Sandbox::new();
    // Little Acorns awarded in `made`; HEAD rewrites the file in place with plain git.
    let (repo, made, head) = sandbox.demo_with_a_rewritten_decision();
    let repo = repo.to_str().unwrap();
    let letter = [
        "export",
        "letter",
        "little-acorns-nursery",
        "2026-27",
        "--repo",
        repo,
    ];
    let minutes = [
        "export",
        "minutes",
        "--meeting",
        "2026-12-02",
        "--repo",
        repo,
    ];
    for (args, name) in [(&letter[..], "letter.docx"), (&minutes[..], "minutes.docx")] {
        // Written all the same, exit 1, the warning on stderr and in the document.
        let (markdown, items, said) = both_with(&sandbox, args, &sandbox.path(name), 1);
        assert_same_text(&markdown, &items);
        assert!(
            said.contains("changed after it was recorded") && said.contains(&head[..7]),
            "{said}"
        );
        assert!(said.contains("was still written to"), "{said}");
        let text: Vec<String> = items.iter().map(Item::text).collect();
        let text = text.join("\n");
        assert!(
            text.contains("Warning: this decision's record was changed after it was recorded.")
                && text.contains(&head[..7])
                && text.contains(&made[..7]),
            "{text}"
        );
        assert!(text.contains("A warm, whole-setting approach."), "{text}");
        assert!(!text.contains("Rewritten afterwards."), "{text}");
    }
    // At the top of a letter, so that nobody sends it without seeing it.
    let parts = unpack(&std::fs::read(sandbox.path("letter.docx")).unwrap());
    let first = body(&parts["word/document.xml"]).remove(0);
    assert!(
        first
            .text()
            .starts_with("Warning: this decision's record was changed"),
        "{first:?}"
    );
}

/// Markup a school or a member might type, and characters XML 1.0 forbids, as RON escapes.
const HOSTILE: &str = "<w:t>x</w:t> ]]> <![CDATA[y]]> &amp; <b>bold</b> **strong** \\u{1}\\u{8}\\u{b}\\u{c}\\u{1b}[2J \\u{fffe}\\u{ffff}end";

#[test]
fn hostile_text_stays_text_in_a_word_document() {
    let sandbox = Sandbox::new();
    let mut files = base_files();
    for (path, bytes) in &mut files {
        let text = String::from_utf8(bytes.clone()).unwrap();
        let text = match path.as_str() {
            "decisions/oak/2025-26/2025-11-12-initial.ron" => text
                .replace("\"Well done.\"", &format!("\"Well done. {HOSTILE}\""))
                .replace(
                    "participants:",
                    &format!("conditions: [(text: \"{HOSTILE}\", due: \"2026-01-31\")],\n    participants:"),
                ),
            "submissions/oak/school.ron" => text.replace("Oak School", &format!("Oak {HOSTILE} School")),
            _ => text,
        };
        *bytes = text.into_bytes();
    }
    let repo = sandbox.repo_with("hostile", &files);
    let repo = repo.to_str().unwrap();
    for (args, name) in [
        (
            vec!["export", "letter", "oak", "2025-26", "--repo", repo],
            "letter.docx",
        ),
        (
            vec![
                "export",
                "minutes",
                "--meeting",
                "2025-11-12",
                "--repo",
                repo,
            ],
            "minutes.docx",
        ),
    ] {
        let file = sandbox.path(name);
        let (markdown, items) = both(&sandbox, &args, &file);
        assert_same_text(&markdown, &items);
        let text: Vec<String> = items.iter().map(Item::text).collect();
        let text = text.join("\n");
        // As typed, the controls shown as symbols and what XML forbids replaced.
        assert!(
            text.contains("<w:t>x</w:t> ]]> <![CDATA[y]]> &amp; <b>bold</b> **strong** ␁␈␋␌␛[2J \u{fffd}\u{fffd}end"),
            "{text}"
        );
        // The text made no heading of its own: the Word file's are the Markdown's, where
        // the characters XML forbids are as typed.
        let wanted: Vec<(usize, String)> = markdown_headings(&markdown)
            .into_iter()
            .map(|(level, text)| (level, text.replace(['\u{fffe}', '\u{ffff}'], "\u{fffd}")))
            .collect();
        assert_eq!(headings(&items), wanted, "{name}");
    }
}
