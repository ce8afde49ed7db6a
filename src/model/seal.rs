//! An audit's seal: an annotated tag `audit/YYYY-MM-DD` on the audited commit, tagged by the
//! auditor, whose message records the audit's summary and every decision file at that
//! commit with its blob. A later audit checks that the sealed commit is still in the history
//! it reads; when it is not, the list says which sealed decisions were removed or reworded,
//! even if the sealed commit itself is no longer in the repository.
//!
//! Pure: the message's text both ways, the tag's name, the auditor as typed, and the seals
//! a repository holds as plain values for the audit to judge.

use jiff::civil::Date;

use super::ObjectId;
use super::history::{FileAt, Person};
use super::panel::Identity;
use super::text::{TextProblem, header_problem};

/// The folder of tags that seals are.
pub const TAG_FOLDER: &str = "audit/";

/// The version of the message's format, in its `Kitemark-Seal` line.
const FORMAT: &str = "1";

/// The tag name of the `n`th seal made on `on` (from 1): `audit/2026-12-06`, then
/// `audit/2026-12-06-2`, …
pub fn tag_name(on: Date, n: usize) -> String {
    if n <= 1 {
        format!("{TAG_FOLDER}{on}")
    } else {
        format!("{TAG_FOLDER}{on}-{n}")
    }
}

/// What a seal's message records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealMessage {
    /// The audited commit.
    pub commit: ObjectId,
    /// The audit's date (its `--on`).
    pub on: Date,
    /// The commits and decisions the audit read, and what it found.
    pub commits: usize,
    pub decisions: usize,
    pub findings: usize,
    pub notes: usize,
    /// Every decision file at the commit, with its blob, in path order.
    pub files: Vec<FileAt>,
}

/// Why a tag's message is not a seal kitemark can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotASeal {
    #[error("its message is not a kitemark seal (no `Kitemark-Seal:` line)")]
    NoMarker,
    #[error("its message is a seal of format {0}, which this kitemark does not read")]
    Format(String),
    #[error("its message's {field} line is missing or unreadable")]
    Field { field: &'static str },
    #[error("its message's list of decision files has an unreadable line: {line:?}")]
    FileLine { line: String },
}

impl SealMessage {
    /// The tag's message: a summary for people (`git show audit/…`), then the fields and the
    /// list a later audit reads. Paths are of decision files, which never hold spaces or
    /// line breaks (see `layout`).
    pub fn render(&self) -> String {
        let mut out = format!(
            "Audit seal of {} on {}\n\n\
             kitemark audit of {} commits and {} decisions up to commit {}, on {}: \
             {} finding(s), {} note(s).\n\n",
            self.commit.short(),
            self.on,
            self.commits,
            self.decisions,
            self.commit,
            self.on,
            self.findings,
            self.notes
        );
        out.push_str(&format!(
            "Kitemark-Seal: {FORMAT}\nCommit: {}\nAudited-On: {}\nCommits: {}\nDecisions: {}\n\
             Findings: {}\nNotes: {}\nDecision-Files: {}\n\n",
            self.commit,
            self.on,
            self.commits,
            self.decisions,
            self.findings,
            self.notes,
            self.files.len()
        ));
        for f in &self.files {
            out.push_str(&format!("{} {}\n", f.blob, f.path));
        }
        out
    }

    /// Reads a tag's message. The list ends at the first line that is not a file's (a
    /// signature block, which git appends to a signed tag's message, comes after it). The
    /// number of files the fields give is returned beside the list, so that a list cut
    /// short can be told from a complete one.
    pub fn parse(text: &str) -> Result<(SealMessage, usize), NotASeal> {
        let mut lines = text.lines();
        let mut fields: Vec<(&str, &str)> = Vec::new();
        let mut found = false;
        for line in lines.by_ref() {
            if !found {
                if let Some(version) = line.strip_prefix("Kitemark-Seal:") {
                    if version.trim() != FORMAT {
                        return Err(NotASeal::Format(version.trim().to_owned()));
                    }
                    found = true;
                }
                continue;
            }
            if line.trim().is_empty() {
                break;
            }
            if let Some((key, value)) = line.split_once(':') {
                fields.push((key.trim(), value.trim()));
            }
        }
        if !found {
            return Err(NotASeal::NoMarker);
        }
        fn field<T: std::str::FromStr>(
            fields: &[(&str, &str)],
            name: &'static str,
        ) -> Result<T, NotASeal> {
            fields
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .and_then(|(_, v)| v.parse().ok())
                .ok_or(NotASeal::Field { field: name })
        }
        let mut files = Vec::new();
        for line in lines {
            if line.trim().is_empty() && files.is_empty() {
                continue;
            }
            let Some((blob, path)) = line.split_once(' ') else {
                break;
            };
            let Ok(blob) = blob.parse::<ObjectId>() else {
                if files.is_empty() && !line.starts_with("-----BEGIN") {
                    return Err(NotASeal::FileLine {
                        line: line.to_owned(),
                    });
                }
                break;
            };
            files.push(FileAt {
                path: path.to_owned(),
                blob,
            });
        }
        let message = SealMessage {
            commit: field(&fields, "Commit")?,
            on: field(&fields, "Audited-On")?,
            commits: field(&fields, "Commits")?,
            decisions: field(&fields, "Decisions")?,
            findings: field(&fields, "Findings")?,
            notes: field(&fields, "Notes")?,
            files,
        };
        Ok((message, field(&fields, "Decision-Files")?))
    }
}

/// What a repository's tag under `audit/` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealTag {
    /// An annotated tag, by its tagger, with its message as a seal (or why it is not one),
    /// and the number of files the message says it lists.
    Annotated {
        tagger: Option<Person>,
        message: Result<(SealMessage, usize), NotASeal>,
    },
    /// A lightweight tag: a name for a commit, with no message or tagger.
    Lightweight,
}

/// Where a sealed commit stands against the commit audited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// The audited commit or one of its ancestors: in the history.
    InHistory,
    /// A descendant of the audited commit: sealed after it.
    Later,
    /// Neither: the history audited does not hold it.
    Elsewhere,
    /// The repository does not hold the commit at all.
    Missing,
    /// A shallow clone that does not hold it: it may be from before the clone's boundary.
    BeyondShallowClone,
}

/// A seal as the repository holds it, with what the audit needs to judge it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundSeal {
    /// The tag's name (`audit/2026-12-06`); `None` for a commit the auditor named on the
    /// command line (`--expect-seal`), kept outside the repository.
    pub name: Option<String>,
    /// The sealed commit (the tag's target).
    pub commit: ObjectId,
    /// The tag, for a tag.
    pub tag: Option<SealTag>,
    /// The decision files in the sealed commit's tree, when the repository holds it.
    pub held: Option<Vec<FileAt>>,
    pub standing: Standing,
    /// For a sealed commit the history no longer holds: a commit of the history with its
    /// author, author's date and summary, which a rewrite such as `git filter-branch` keeps.
    pub counterpart: Option<ObjectId>,
}

impl FoundSeal {
    /// The seal's message, if it is a seal kitemark reads.
    pub fn message(&self) -> Option<&SealMessage> {
        match &self.tag {
            Some(SealTag::Annotated {
                message: Ok((m, _)),
                ..
            }) => Some(m),
            _ => None,
        }
    }

    /// The date it was sealed on: the audit's date the message gives, else the tagger's.
    pub fn sealed_on(&self) -> Option<Date> {
        self.message().map(|m| m.on).or_else(|| match &self.tag {
            Some(SealTag::Annotated {
                tagger: Some(t), ..
            }) => Some(t.date()),
            _ => None,
        })
    }

    /// Who sealed it, if the tag says.
    pub fn tagger(&self) -> Option<&Person> {
        match &self.tag {
            Some(SealTag::Annotated { tagger, .. }) => tagger.as_ref(),
            _ => None,
        }
    }

    /// How the seal is named in a message: its tag, or the commit expected.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => format!("seal {name}"),
            None => format!("the expected seal {}", self.commit.short()),
        }
    }
}

/// Why an auditor's identity cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditorError {
    #[error(
        "--auditor must be \"Name <email>\" (e.g. \"Ada Lovelace <ada@example.org>\"), not {0:?}"
    )]
    Shape(String),
    #[error("the auditor's {field} cannot stand in a tag's tagger line ({problem})")]
    Field {
        field: &'static str,
        problem: TextProblem,
    },
}

/// An auditor's identity as typed: `Name <email>`.
pub fn parse_auditor(text: &str) -> Result<Identity, AuditorError> {
    let shape = || AuditorError::Shape(text.to_owned());
    let inner = text.trim().strip_suffix('>').ok_or_else(shape)?;
    let (name, email) = inner.rsplit_once('<').ok_or_else(shape)?;
    let identity = Identity {
        name: name.trim().to_owned(),
        email: email.trim().to_owned(),
    };
    check_auditor(&identity)?;
    Ok(identity)
}

/// Checks that an identity makes a valid tagger line (one line, no angle brackets).
pub fn check_auditor(who: &Identity) -> Result<(), AuditorError> {
    for (field, value) in [("name", &who.name), ("email address", &who.email)] {
        if let Some(problem) = header_problem(value) {
            return Err(AuditorError::Field { field, problem });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(c: char) -> ObjectId {
        c.to_string().repeat(40).parse().unwrap()
    }

    fn message() -> SealMessage {
        SealMessage {
            commit: id('a'),
            on: "2026-12-06".parse().unwrap(),
            commits: 83,
            decisions: 2,
            findings: 1,
            notes: 0,
            files: vec![
                FileAt {
                    path: "decisions/a/2024-25/2024-11-27-initial.ron".into(),
                    blob: id('b'),
                },
                FileAt {
                    path: "decisions/b/2024-25/2025-01-22-initial.ron".into(),
                    blob: id('c'),
                },
            ],
        }
    }

    #[test]
    fn a_message_reads_back_as_written_even_with_a_signature_after_it() {
        let m = message();
        assert_eq!(SealMessage::parse(&m.render()), Ok((m.clone(), 2)));
        let signed = format!(
            "{}-----BEGIN SSH SIGNATURE-----\nabc\n-----END SSH SIGNATURE-----\n",
            m.render()
        );
        assert_eq!(SealMessage::parse(&signed), Ok((m, 2)));
    }

    #[test]
    fn a_message_that_is_not_a_seal_says_why() {
        assert_eq!(SealMessage::parse("Release 1.0\n"), Err(NotASeal::NoMarker));
        let text = message().render().replace("Commit: a", "Commit: z");
        assert_eq!(
            SealMessage::parse(&text),
            Err(NotASeal::Field { field: "Commit" })
        );
    }

    #[test]
    fn tag_names_count_from_the_second_seal_of_a_day() {
        let on = "2026-12-06".parse().unwrap();
        assert_eq!(tag_name(on, 1), "audit/2026-12-06");
        assert_eq!(tag_name(on, 3), "audit/2026-12-06-3");
    }

    #[test]
    fn an_auditor_is_a_name_and_an_address() {
        assert_eq!(
            parse_auditor(" Ada Lovelace <ada@example.org> "),
            Ok(Identity {
                name: "Ada Lovelace".into(),
                email: "ada@example.org".into()
            })
        );
        assert!(matches!(parse_auditor("Ada"), Err(AuditorError::Shape(_))));
        assert!(matches!(
            parse_auditor("<ada@example.org>"),
            Err(AuditorError::Field { field: "name", .. })
        ));
        assert!(matches!(
            parse_auditor("Ada <a<b@example.org>"),
            Err(AuditorError::Field { .. })
        ));
    }
}
