//! Word-level differences inside a piece of text, within a time and size budget.
//!
//! One [`Budget`] is shared by a whole comparison, so the result never depends on how many
//! texts happen to be compared or how busy the machine is: once the deadline passes, similar
//! approximates instead of searching further, and texts over the size limit are compared line
//! by line, or shown as replaced, with a note saying so. Tests use [`Budget::unlimited`],
//! which has no deadline, so their results are exact and repeatable.

use std::cell::Cell;
use std::time::{Duration, Instant};

use serde::Serialize;
use similar::{Algorithm, ChangeTag, TextDiff};

/// Compared texts longer than this (old and new together) are not compared word by word.
pub const WORD_DIFF_LIMIT: usize = 64 * 1024;
/// Texts longer than this are not compared line by line either, only as replaced.
pub const LINE_DIFF_LIMIT: usize = 4 * 1024 * 1024;

/// The time and size a comparison may use, shared by all its parts.
#[derive(Debug)]
pub struct Budget {
    deadline: Option<Instant>,
    word_limit: usize,
    line_limit: usize,
    ran_out: Cell<bool>,
}

impl Budget {
    /// A budget of `time` from now, with the standard size limits.
    pub fn new(time: Duration) -> Budget {
        Budget {
            deadline: Instant::now().checked_add(time),
            word_limit: WORD_DIFF_LIMIT,
            line_limit: LINE_DIFF_LIMIT,
            ran_out: Cell::new(false),
        }
    }

    /// No deadline: exact, repeatable results (for tests); the size limits still hold.
    pub fn unlimited() -> Budget {
        Budget {
            deadline: None,
            word_limit: WORD_DIFF_LIMIT,
            line_limit: LINE_DIFF_LIMIT,
            ran_out: Cell::new(false),
        }
    }

    /// The same with other size limits, to test the fallbacks on small inputs.
    pub fn with_limits(mut self, word_limit: usize, line_limit: usize) -> Budget {
        self.word_limit = word_limit;
        self.line_limit = line_limit;
        self
    }

    /// Whether the deadline has passed; remembered, so the result can say it was approximated.
    pub fn expired(&self) -> bool {
        let expired = self.deadline.is_some_and(|d| Instant::now() >= d);
        if expired {
            self.ran_out.set(true);
        }
        expired
    }

    /// Whether any part of the comparison ran out of time.
    pub fn ran_out(&self) -> bool {
        self.ran_out.get()
    }

    fn configure(&self) -> similar::TextDiffConfig {
        let mut config = TextDiff::configure();
        config.algorithm(Algorithm::Patience);
        if let Some(deadline) = self.deadline {
            config.deadline(deadline);
        }
        config
    }
}

/// A stretch of one side's text, and whether it is part of the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Piece {
    pub text: String,
    pub changed: bool,
}

/// The two sides of a changed text, marked word by word (or more coarsely, with a note).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextChange {
    pub old: Vec<Piece>,
    pub new: Vec<Piece>,
    /// Why the comparison is coarser than word by word, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl TextChange {
    /// Whether the two texts differ at all.
    pub fn differs(&self) -> bool {
        self.old.iter().chain(&self.new).any(|p| p.changed)
    }
}

fn push(side: &mut Vec<Piece>, text: &str, changed: bool) {
    match side.last_mut() {
        Some(last) if last.changed == changed => last.text.push_str(text),
        _ => side.push(Piece {
            text: text.to_owned(),
            changed,
        }),
    }
}

/// Windows line endings are not a change a reader can see.
fn normalise(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

fn megabytes(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// How much of a paragraph must stay the same for it to be shown with its changed words
/// marked; below this it reads better as one paragraph replaced by another.
const REWORDED: f32 = 0.5;

/// How much of the shorter of two paragraphs must survive in the longer for an extended or
/// shortened paragraph to be shown word by word.
const KEPT: f32 = 0.8;

/// The share of the shorter text's words that the longer one keeps, in order.
fn kept(a: &str, b: &str, budget: &Budget) -> f32 {
    let (a, b) = (words(a), words(b));
    let shorter = a.len().min(b.len());
    if shorter == 0 {
        return 0.0;
    }
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let b: Vec<&str> = b.iter().map(String::as_str).collect();
    let diff = budget.configure().diff_slices(&a, &b);
    let same: usize = diff
        .ops()
        .iter()
        .filter(|op| op.tag() == similar::DiffTag::Equal)
        .map(|op| op.old_range().len())
        .sum();
    same as f32 / shorter as f32
}

/// Whether a character is written without spaces between words (each one is a token).
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x2FA1F)
}

/// Splits text into the tokens a reader sees as words: runs of letters and digits (keeping
/// inner hyphens, apostrophes, dots and slashes, so "2024-25" and "don't" stay whole), single
/// CJK characters, single other symbols and emoji, and runs of spaces. Tokens are made of
/// whole grapheme clusters, so combining marks and emoji modifiers are never split off.
pub fn tokens(text: &str) -> Vec<&str> {
    use unicode_segmentation::UnicodeSegmentation;
    let graphemes: Vec<(usize, &str)> = text.grapheme_indices(true).collect();
    let kind = |g: &str| -> u8 {
        let c = g.chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            0
        } else if is_cjk(c) {
            2
        } else if c.is_alphanumeric() {
            1
        } else {
            3
        }
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < graphemes.len() {
        let (start, g) = graphemes[i];
        let k = kind(g);
        let mut j = i + 1;
        match k {
            0 => {
                while j < graphemes.len() && kind(graphemes[j].1) == 0 {
                    j += 1;
                }
            }
            1 => loop {
                if j < graphemes.len() && kind(graphemes[j].1) == 1 {
                    j += 1;
                } else if j + 1 < graphemes.len()
                    && matches!(graphemes[j].1, "-" | "'" | "’" | "." | "/")
                    && kind(graphemes[j + 1].1) == 1
                {
                    j += 2;
                } else {
                    break;
                }
            },
            _ => {}
        }
        let end = graphemes.get(j).map_or(text.len(), |(at, _)| *at);
        out.push(&text[start..end]);
        i = j;
    }
    out
}

/// Marks the tokens that differ between two stretches of text.
fn diff_tokens(change: &mut TextChange, old: &str, new: &str, budget: &Budget) {
    let (a, b) = (tokens(old), tokens(new));
    let diff = budget.configure().diff_slices(&a, &b);
    for op in diff.ops() {
        for c in diff.iter_changes(op) {
            match c.tag() {
                ChangeTag::Equal => {
                    push(&mut change.old, c.value(), false);
                    push(&mut change.new, c.value(), false);
                }
                ChangeTag::Delete => push(&mut change.old, c.value(), true),
                ChangeTag::Insert => push(&mut change.new, c.value(), true),
            }
        }
    }
}

/// Marks one pair of paragraphs: word by word when they are alike, as replaced when not.
fn diff_paragraph(change: &mut TextChange, old: &str, new: &str, budget: &Budget) {
    if old == new {
        push(&mut change.old, old, false);
        push(&mut change.new, new, false);
    } else if similarity(old, new, budget) >= REWORDED || kept(old, new, budget) >= KEPT {
        diff_tokens(change, old, new, budget);
    } else {
        push(&mut change.old, old, true);
        push(&mut change.new, new, true);
    }
}

/// Compares two texts paragraph by paragraph, and word by word inside paragraphs that were
/// reworded rather than rewritten.
pub fn diff_text(old: &str, new: &str, budget: &Budget) -> TextChange {
    let (old, new) = (normalise(old), normalise(new));
    let (old, new) = (old.as_ref(), new.as_ref());
    let mut change = TextChange {
        old: Vec::new(),
        new: Vec::new(),
        note: None,
    };
    if old == new {
        push(&mut change.old, old, false);
        push(&mut change.new, new, false);
        return change;
    }
    let size = old.len() + new.len();
    if size > budget.line_limit {
        change.note = Some(format!(
            "{} of text is too much to compare; shown as replaced",
            megabytes(size)
        ));
        push(&mut change.old, old, true);
        push(&mut change.new, new, true);
        return change;
    }
    let coarse = size > budget.word_limit || budget.expired();
    let lines = budget.configure().diff_lines(old, new);
    for op in lines.ops() {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        let old_lines: Vec<&str> = old_range
            .clone()
            .filter_map(|i| lines.old_slice(i))
            .collect();
        let new_lines: Vec<&str> = new_range
            .clone()
            .filter_map(|i| lines.new_slice(i))
            .collect();
        match tag {
            similar::DiffTag::Equal => {
                for line in &old_lines {
                    push(&mut change.old, line, false);
                    push(&mut change.new, line, false);
                }
            }
            similar::DiffTag::Delete => old_lines
                .iter()
                .for_each(|l| push(&mut change.old, l, true)),
            similar::DiffTag::Insert => new_lines
                .iter()
                .for_each(|l| push(&mut change.new, l, true)),
            similar::DiffTag::Replace if coarse => {
                old_lines
                    .iter()
                    .for_each(|l| push(&mut change.old, l, true));
                new_lines
                    .iter()
                    .for_each(|l| push(&mut change.new, l, true));
            }
            similar::DiffTag::Replace => {
                // Paragraphs replaced in place are compared in pairs; any extra ones are
                // wholly removed or added.
                let pairs = old_lines.len().min(new_lines.len());
                for k in 0..pairs {
                    diff_paragraph(&mut change, old_lines[k], new_lines[k], budget);
                }
                old_lines[pairs..]
                    .iter()
                    .for_each(|l| push(&mut change.old, l, true));
                new_lines[pairs..]
                    .iter()
                    .for_each(|l| push(&mut change.new, l, true));
            }
        }
    }
    if coarse {
        change.note = Some(if size > budget.word_limit {
            format!(
                "{} of text is too long to compare word by word; compared line by line",
                megabytes(size)
            )
        } else {
            "the time for comparing ran out; compared line by line".to_owned()
        });
    }
    // Whitespace alone between two changed words reads better as part of the change.
    for side in [&mut change.old, &mut change.new] {
        absorb_whitespace(side);
    }
    change
}

fn absorb_whitespace(side: &mut Vec<Piece>) {
    let mut i = 1;
    while i + 1 < side.len() {
        if !side[i].changed
            && side[i - 1].changed
            && side[i + 1].changed
            && side[i].text.trim().is_empty()
        {
            let middle = side.remove(i).text;
            let next = side.remove(i).text;
            side[i - 1].text.push_str(&middle);
            side[i - 1].text.push_str(&next);
        } else {
            i += 1;
        }
    }
}

/// The words of a text, lower-cased, without punctuation or spaces: what similarity compares.
pub fn words(text: &str) -> Vec<String> {
    tokens(text)
        .into_iter()
        .filter(|t| t.chars().next().is_some_and(char::is_alphanumeric))
        .map(str::to_lowercase)
        .collect()
}

/// How alike two short texts are, from 0 (no words shared) to 1 (the same words).
pub fn similarity(a: &str, b: &str, budget: &Budget) -> f32 {
    if a == b {
        return 1.0;
    }
    if a.len() + b.len() > budget.word_limit {
        return 0.0;
    }
    let (a, b) = (words(a), words(b));
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let b: Vec<&str> = b.iter().map(String::as_str).collect();
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    budget.configure().diff_slices(&a, &b).ratio()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(side: &[Piece]) -> String {
        side.iter()
            .map(|p| {
                if p.changed {
                    format!("[{}]", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn words_are_marked() {
        let c = diff_text(
            "Train two staff as Youth MHFA champions.",
            "Train four staff as Youth MHFA champions by March.",
            &Budget::unlimited(),
        );
        assert_eq!(marked(&c.old), "Train [two] staff as Youth MHFA champions.");
        assert_eq!(
            marked(&c.new),
            "Train [four] staff as Youth MHFA champions[ by March]."
        );
        assert!(c.differs());
        assert_eq!(c.note, None);
    }

    #[test]
    fn unicode_is_kept_whole() {
        let c = diff_text(
            "心理健康 週間 😀 café",
            "心理健康 月間 😀 cafe\u{301}",
            &Budget::unlimited(),
        );
        assert_eq!(marked(&c.old), "心理健康 [週]間 😀 [café]");
        assert_eq!(marked(&c.new), "心理健康 [月]間 😀 [cafe\u{301}]");
        // A combining mark stays with its letter.
        assert_eq!(tokens("cafe\u{301} ok"), vec!["cafe\u{301}", " ", "ok"]);
        let emoji = diff_text(
            "Well done 👍🏽 team",
            "Well done 👍🏿 team",
            &Budget::unlimited(),
        );
        assert_eq!(marked(&emoji.old), "Well done [👍🏽] team");
    }

    #[test]
    fn words_with_inner_punctuation_stay_whole() {
        assert_eq!(
            tokens("in 2024-25, don't."),
            vec!["in", " ", "2024-25", ",", " ", "don't", "."]
        );
        let c = diff_text(
            "Minutes, 2024-25 (six meetings)",
            "Minutes, 2025-26 (six meetings)",
            &Budget::unlimited(),
        );
        assert_eq!(marked(&c.old), "Minutes, [2024-25] (six meetings)");
    }

    #[test]
    fn a_rewritten_paragraph_is_shown_as_replaced() {
        let old = "We started a staff survey.\nGovernors met twice about wellbeing this year.";
        let new = "We started a staff survey.\nA new wellbeing team now meets every half term with pupils.";
        let c = diff_text(old, new, &Budget::unlimited());
        assert_eq!(
            marked(&c.old),
            "We started a staff survey.\n[Governors met twice about wellbeing this year.]"
        );
        assert_eq!(
            marked(&c.new),
            "We started a staff survey.\n[A new wellbeing team now meets every half term with pupils.]"
        );
    }

    #[test]
    fn tabs_and_line_endings() {
        let c = diff_text("One\r\nTwo\tthree", "One\nTwo\tthree", &Budget::unlimited());
        assert!(!c.differs(), "CRLF against LF is no change");
        let c = diff_text("a\tb", "a\tc", &Budget::unlimited());
        assert_eq!(marked(&c.new), "a\t[c]");
    }

    #[test]
    fn large_texts_fall_back_with_a_note() {
        let budget = Budget::unlimited().with_limits(40, 200);
        let old = "line one\nline two\nline three\n";
        let new = "line one\nline 2\nline three\n";
        let c = diff_text(old, new, &budget);
        assert_eq!(marked(&c.new), "line one\n[line 2\n]line three\n");
        assert!(c.note.as_deref().unwrap().contains("compared line by line"));
        let huge_old = "x".repeat(150);
        let huge_new = "y".repeat(150);
        let c = diff_text(&huge_old, &huge_new, &budget);
        assert!(c.note.as_deref().unwrap().contains("shown as replaced"));
        assert!(c.old[0].changed && c.new[0].changed);
    }

    #[test]
    fn similarity_of_rewordings() {
        let b = Budget::unlimited();
        let s = similarity(
            "Run termly parent workshops on anxiety",
            "Run termly parent workshops on anxiety and sleep",
            &b,
        );
        assert!(s > 0.8, "{s}");
        assert!(
            similarity(
                "Run termly parent workshops",
                "Buy new playground equipment",
                &b
            ) < 0.4
        );
    }
}
