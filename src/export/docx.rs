//! A document as a Word file, made from its Markdown: the Markdown is the one text of the
//! letter and the minutes, and this reads it back as a CommonMark renderer would and writes
//! what it finds with Word's own means. Headings take Word's heading styles, so that they
//! show in its navigation pane; a paragraph of labelled lines (the minutes' record of each
//! decision, the venue and chair) becomes a table of labels and values; the lists of those
//! present and of apologies become an attendance table; other lists keep their bullets or
//! numbers; a quotation is indented.
//!
//! Text from the repository is already inert in the Markdown (see [`super::text`]), so what
//! the parser gives back is the text as typed. It goes into the file as text: the XML writer
//! escapes markup, and characters XML 1.0 forbids, which would make Word refuse the file,
//! are shown as symbols or replaced before they are written.

use std::io::Cursor;

use docx_rs::{
    AbstractNumbering, BreakType, Docx, IndentLevel, Level, LevelJc, LevelText, NumberFormat,
    NumberingId, Paragraph, Run, RunFonts, SpecialIndentType, Start, Style, StyleType, Table,
    TableCell, TableRow, WidthType,
};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::{APOLOGIES, ExportError, PRESENT};

/// A piece of a line in one style.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Span {
    text: String,
    bold: bool,
    italic: bool,
    code: bool,
}

/// A line of a paragraph, heading or list item: the Markdown's line breaks are kept, as the
/// documents write an address or a record one item a line.
type Line = Vec<Span>;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Block {
    Heading(usize, Vec<Line>),
    Paragraph {
        lines: Vec<Line>,
        quoted: bool,
    },
    List {
        ordered: bool,
        items: Vec<Vec<Line>>,
    },
    Rule,
}

/// What the Markdown holds, block by block.
fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines: Vec<Line> = vec![Vec::new()];
    let (mut bold, mut italic, mut quoted) = (0usize, 0usize, 0usize);
    let mut list: Option<(bool, Vec<Vec<Line>>)> = None;
    let mut item: Option<Vec<Line>> = None;
    let push = |lines: &mut Vec<Line>, span: Span| {
        if span.text.is_empty() {
            return;
        }
        if lines.is_empty() {
            lines.push(Vec::new());
        }
        let Some(line) = lines.last_mut() else {
            return;
        };
        // Runs of one style are one span: the parser splits text at escapes.
        match line.last_mut() {
            Some(last)
                if (last.bold, last.italic, last.code) == (span.bold, span.italic, span.code) =>
            {
                last.text.push_str(&span.text);
            }
            _ => line.push(span),
        }
    };
    // A block's lines, without the empty ones a break at its end leaves.
    let take = |lines: &mut Vec<Line>| -> Vec<Line> {
        std::mem::replace(lines, vec![Vec::new()])
            .into_iter()
            .filter(|l| !l.is_empty())
            .collect()
    };
    for event in Parser::new_ext(markdown, Options::empty()) {
        let span = |text: &str, code: bool| Span {
            text: text.to_owned(),
            bold: bold > 0,
            italic: italic > 0,
            code,
        };
        match event {
            Event::Start(Tag::Heading { .. } | Tag::Paragraph) => {
                if item.is_none() {
                    lines = vec![Vec::new()];
                } else {
                    lines.push(Vec::new());
                }
            }
            Event::End(TagEnd::Heading(level)) => {
                let level = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    _ => 4,
                };
                out.push(Block::Heading(level, take(&mut lines)));
            }
            Event::End(TagEnd::Paragraph) if item.is_none() => out.push(Block::Paragraph {
                lines: take(&mut lines),
                quoted: quoted > 0,
            }),
            Event::Start(Tag::List(start)) => list = Some((start.is_some(), Vec::new())),
            Event::Start(Tag::Item) => {
                lines = vec![Vec::new()];
                item = Some(Vec::new());
            }
            Event::End(TagEnd::Item) => {
                item = None;
                let taken = take(&mut lines);
                if let Some((_, items)) = &mut list {
                    items.push(taken);
                }
            }
            Event::End(TagEnd::List(_)) => {
                if let Some((ordered, items)) = list.take() {
                    out.push(Block::List { ordered, items });
                }
            }
            Event::Start(Tag::BlockQuote(_)) => quoted += 1,
            Event::End(TagEnd::BlockQuote(_)) => quoted = quoted.saturating_sub(1),
            Event::Start(Tag::Strong) => bold += 1,
            Event::End(TagEnd::Strong) => bold = bold.saturating_sub(1),
            Event::Start(Tag::Emphasis) => italic += 1,
            Event::End(TagEnd::Emphasis) => italic = italic.saturating_sub(1),
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => {
                push(&mut lines, span(&t, false));
            }
            Event::Code(t) => push(&mut lines, span(&t, true)),
            Event::SoftBreak | Event::HardBreak => lines.push(Vec::new()),
            Event::Rule => out.push(Block::Rule),
            _ => {}
        }
    }
    out
}

/// Text as XML 1.0 allows it in a document: C0 controls other than tab and line breaks are
/// shown as their control pictures (as the terminal shows them), anything else XML forbids
/// (U+FFFE, U+FFFF) as the replacement character.
fn xml_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{fffe}' | '\u{ffff}' => '\u{fffd}',
            c => c,
        })
        .collect()
}

fn run(span: &Span) -> Run {
    let mut run = Run::new().add_text(xml_text(&span.text));
    if span.bold {
        run = run.bold();
    }
    if span.italic {
        run = run.italic();
    }
    if span.code {
        run = run.fonts(
            RunFonts::new()
                .ascii("Courier New")
                .hi_ansi("Courier New")
                .cs("Courier New"),
        );
    }
    run
}

/// A paragraph of lines, each after the first on a new line within it.
fn paragraph(lines: &[Line]) -> Paragraph {
    let mut p = Paragraph::new();
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
        }
        for span in line {
            p = p.add_run(run(span));
        }
    }
    p
}

/// A line of plain words, as a table cell holds them.
fn plain(line: &[Span]) -> String {
    line.iter().map(|s| s.text.as_str()).collect()
}

/// The label of a labelled line ("**Decision:** Awarded."), if it is one.
fn label(line: &[Span]) -> Option<&str> {
    let first = line.first().filter(|s| s.bold && !s.code)?;
    first.text.trim_end().strip_suffix(':')
}

/// A table whose first row names its columns.
fn table(widths: &[usize], header: Option<&[&str]>, rows: Vec<Vec<Paragraph>>) -> Table {
    let cell = |p: Paragraph, width: usize| {
        TableCell::new()
            .add_paragraph(p)
            .width(width, WidthType::Dxa)
    };
    let mut out: Vec<TableRow> = Vec::new();
    if let Some(names) = header {
        out.push(TableRow::new(
            names
                .iter()
                .zip(widths)
                .map(|(name, w)| {
                    cell(
                        Paragraph::new().add_run(Run::new().add_text(*name).bold()),
                        *w,
                    )
                })
                .collect(),
        ));
    }
    for row in rows {
        out.push(TableRow::new(
            row.into_iter()
                .zip(widths)
                .map(|(p, w)| cell(p, *w))
                .collect(),
        ));
    }
    Table::new(out).set_grid(widths.to_vec())
}

/// A labelled paragraph as a table of two columns: each label and what follows it.
fn label_table(lines: &[Line]) -> Table {
    let rows = lines
        .iter()
        .map(|line| {
            let name = label(line).unwrap_or_default();
            let mut rest: Vec<Span> = line.iter().skip(1).cloned().collect();
            if let Some(first) = rest.first_mut() {
                first.text = first.text.trim_start().to_owned();
            }
            vec![
                Paragraph::new().add_run(Run::new().add_text(xml_text(name)).bold()),
                paragraph(&[rest]),
            ]
        })
        .collect();
    table(&[2400, 6600], None, rows)
}

/// "Name (Role, Organisation)" as its three parts: the brackets are those that close the
/// line, matched from the end, so that brackets in a name or organisation stay where they are.
fn member_parts(line: &str) -> (String, String, String) {
    let line = line.trim();
    let Some(inner_end) = line.strip_suffix(')') else {
        return (line.to_owned(), String::new(), String::new());
    };
    let mut depth = 0usize;
    let mut open = None;
    for (at, c) in inner_end.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' if depth == 0 => {
                open = Some(at);
                break;
            }
            '(' => depth -= 1,
            _ => {}
        }
    }
    let Some(open) = open else {
        return (line.to_owned(), String::new(), String::new());
    };
    let name = inner_end[..open].trim().to_owned();
    let inner = &inner_end[open + 1..];
    let (role, organisation) = inner.split_once(", ").unwrap_or((inner, ""));
    (name, role.to_owned(), organisation.to_owned())
}

fn attendance_table(items: &[Vec<Line>]) -> Table {
    let rows = items
        .iter()
        .map(|lines| {
            let text: Vec<String> = lines.iter().map(|l| plain(l)).collect();
            let (name, role, organisation) = member_parts(&text.join(" "));
            [name, role, organisation]
                .into_iter()
                .map(|t| Paragraph::new().add_run(Run::new().add_text(xml_text(&t))))
                .collect()
        })
        .collect();
    table(
        &[3200, 2600, 3200],
        Some(&["Member", "Role", "Organisation"]),
        rows,
    )
}

/// Word's heading styles, by the names Word knows them by, and a style for quotations.
fn styles(docx: Docx) -> Docx {
    let sizes = [32, 28, 24, 22];
    let mut docx = docx;
    for (i, size) in sizes.into_iter().enumerate() {
        let level = i + 1;
        docx = docx.add_style(
            Style::new(format!("Heading{level}"), StyleType::Paragraph)
                .name(format!("heading {level}"))
                .q_format(true)
                .bold()
                .size(size)
                .outline_lvl(i),
        );
    }
    // docx-rs defines the Normal style the quotation is based on: defining it again would
    // give Word one style id twice.
    docx.add_style(
        Style::new("Quote", StyleType::Paragraph)
            .name("Quote")
            .based_on("Normal")
            .q_format(true)
            .italic()
            .indent(Some(720), None, Some(720), None),
    )
}

/// The numbering of bulleted lists; each numbered list has its own, so that each starts at 1.
const BULLETS: usize = 2;

fn list_level(id: usize, ordered: bool) -> AbstractNumbering {
    let (format, text) = if ordered {
        ("decimal", "%1.")
    } else {
        ("bullet", "\u{2022}")
    };
    AbstractNumbering::new(id).add_level(
        Level::new(
            0,
            Start::new(1),
            NumberFormat::new(format),
            LevelText::new(text),
            LevelJc::new("left"),
        )
        .indent(Some(720), Some(SpecialIndentType::Hanging(360)), None, None),
    )
}

/// The Word file of a document whose text is `markdown`.
pub fn docx(markdown: &str) -> Result<Vec<u8>, ExportError> {
    let mut docx = styles(Docx::new().default_size(22))
        .add_abstract_numbering(list_level(BULLETS, false))
        .add_numbering(docx_rs::Numbering::new(BULLETS, BULLETS));
    let mut next_numbering = BULLETS + 1;
    let mut heading: Option<String> = None;
    for block in blocks(markdown) {
        let after = heading.take();
        match block {
            Block::Heading(level, lines) => {
                heading = Some(lines.iter().map(|l| plain(l)).collect::<Vec<_>>().join(" "));
                docx = docx.add_paragraph(paragraph(&lines).style(&format!("Heading{level}")));
            }
            Block::Paragraph { lines, quoted } => {
                if !quoted && lines.len() > 1 && lines.iter().all(|l| label(l).is_some()) {
                    docx = docx.add_table(label_table(&lines));
                } else if quoted {
                    docx = docx.add_paragraph(paragraph(&lines).style("Quote"));
                } else {
                    docx = docx.add_paragraph(paragraph(&lines));
                }
            }
            Block::List { items, .. }
                if after
                    .as_deref()
                    .is_some_and(|h| h == PRESENT || h == APOLOGIES) =>
            {
                docx = docx.add_table(attendance_table(&items));
            }
            Block::List { ordered, items } => {
                let id = if ordered {
                    let id = next_numbering;
                    next_numbering += 1;
                    docx = docx
                        .add_abstract_numbering(list_level(id, true))
                        .add_numbering(docx_rs::Numbering::new(id, id));
                    id
                } else {
                    BULLETS
                };
                for lines in items {
                    docx = docx.add_paragraph(
                        paragraph(&lines).numbering(NumberingId::new(id), IndentLevel::new(0)),
                    );
                }
            }
            Block::Rule => docx = docx.add_paragraph(Paragraph::new()),
        }
    }
    let mut out = Cursor::new(Vec::new());
    docx.build()
        .pack(&mut out)
        .map_err(|e| ExportError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_parted_at_the_brackets_that_close_the_line() {
        let parts = |s: &str| {
            let (a, b, c) = member_parts(s);
            [a, b, c]
        };
        assert_eq!(
            parts("Ann Lee (Chair, Hertfordshire (North) CAMHS)"),
            ["Ann Lee", "Chair", "Hertfordshire (North) CAMHS"]
        );
        assert_eq!(
            parts("Bo (Jo) Ng (Governor)"),
            ["Bo (Jo) Ng", "Governor", ""]
        );
        assert_eq!(parts("no brackets"), ["no brackets", "", ""]);
        assert_eq!(parts("odd) one)"), ["odd) one)", "", ""]);
    }

    #[test]
    fn characters_xml_forbids_never_reach_the_file() {
        assert_eq!(xml_text("a\u{7}b\u{0}\u{ffff}\tc"), "a␇b␀\u{fffd}\tc");
    }

    #[test]
    fn labelled_lines_and_lists_are_read_as_blocks() {
        let found = blocks("# T\n\n**A:** one  \n**B:** two\n\n- x\n- y\n\n1. z\n\n> q\n\n---\n");
        assert_eq!(found.len(), 6, "{found:?}");
        assert!(
            matches!(&found[1], Block::Paragraph { lines, .. } if lines.len() == 2 && lines.iter().all(|l| label(l).is_some()))
        );
        assert!(matches!(&found[2], Block::List { ordered: false, items } if items.len() == 2));
        assert!(matches!(&found[3], Block::List { ordered: true, .. }));
        assert!(matches!(&found[4], Block::Paragraph { quoted: true, .. }));
        assert_eq!(found[5], Block::Rule);
    }
}
