//! Text from the repository, put into a document, renders as the text typed: whatever it
//! holds, a CommonMark parser (with every extension it knows that makes markup) finds only
//! paragraphs of plain text in it, and that text is the text typed.

use kitemark::export::{inline, paragraphs};
use kitemark::model::text::{clean, sanitize};
use proptest::prelude::*;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Pieces that open or shape a Markdown construct, to be mixed with any characters.
const PIECES: &[&str] = &[
    "#",
    "##",
    "*",
    "**",
    "_",
    "__",
    "~",
    "~~",
    "`",
    "```",
    "~~~",
    "-",
    "---",
    "+",
    "=",
    "===",
    ">",
    "<",
    "|",
    "|a|b|\n|-|-|",
    "[",
    "]",
    "(",
    ")",
    "[x](javascript:alert(1))",
    "![](http://x/y.png)",
    "<b>",
    "</b>",
    "<!--",
    "&amp;",
    "&#x41;",
    "\\",
    "!",
    ":",
    "^",
    "$",
    "$$",
    "[[w]]",
    "[^1]",
    "[^1]: note",
    "[r]: http://x",
    "1.",
    "1)",
    "2026.",
    "- [ ] ",
    "http://x.example",
    "www.x.example",
    "a@b.example",
    "    ",
    "\t",
    "\n",
    "\r\n",
    " \n",
    "  \n",
    "\\\n",
    "\u{a0}",
    "\u{1b}[2J",
    "\u{9b}",
    "\u{202e}",
    "\u{0}",
    "'",
    "\"",
    "...",
    "--",
    "{",
    "}",
];

fn repository_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(PIECES).prop_map(str::to_owned),
            any::<char>().prop_map(String::from),
            "[a-zA-Z0-9 ]{1,6}",
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

/// Every extension the parser has but one: smart punctuation turns quotes and dashes into
/// their typeset forms, which is typography, not markup; the documents leave the prose's
/// punctuation readable and so open to it.
pub fn options() -> Options {
    Options::all().difference(Options::ENABLE_SMART_PUNCTUATION)
}

/// The paragraphs' plain text, one string each, or what else the parser found.
fn rendered(markdown: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut open = false;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Paragraph) if !open => {
                open = true;
                out.push(String::new());
            }
            Event::End(TagEnd::Paragraph) if open => open = false,
            Event::Text(text) if open => {
                if let Some(last) = out.last_mut() {
                    last.push_str(&text);
                }
            }
            other => return Err(format!("{other:?} in {markdown:?}")),
        }
    }
    Ok(out)
}

proptest! {
    #![proptest_config(crate::config(512, "tests/props/regressions/markdown.txt"))]

    #[test]
    fn one_line_renders_as_typed(value in repository_text()) {
        let expected = clean(&value).split_whitespace().collect::<Vec<_>>().join(" ");
        let expected = if expected.is_empty() { vec![] } else { vec![expected] };
        let shown = rendered(&inline(&value)).map_err(TestCaseError::fail)?;
        prop_assert_eq!(shown, expected);
    }

    #[test]
    fn prose_renders_as_typed_a_paragraph_a_line(value in repository_text()) {
        let expected: Vec<String> = sanitize(value.trim())
            .split('\n')
            .map(|l| l.trim_matches([' ', '\t']).to_owned())
            .filter(|l| !l.trim().is_empty())
            .collect();
        let shown = rendered(&paragraphs(&value)).map_err(TestCaseError::fail)?;
        prop_assert_eq!(shown, expected);
    }
}
