//! Validating a whole snapshot.

use super::{PanelRepo, ReadError, Snapshot};
use crate::model::Position;
use crate::model::validate::{Mode, Report, Validator};

impl PanelRepo {
    /// Checks every file of the snapshot, streaming: one file's text at a time.
    pub fn validate(&self, snapshot: &Snapshot) -> Report {
        let mut validator = Validator::new(Mode::Repository);
        for unexpected in &snapshot.unexpected {
            validator.unexpected(&unexpected.path, unexpected.severity, &unexpected.reason);
        }
        for (kind, blob) in snapshot.files_in_order() {
            match self.read_text(blob) {
                Ok(text) => validator.check_file(&kind, &blob.path, &text),
                Err(e) => {
                    let (code, position, message) = match &e {
                        ReadError::TooLarge { size, limit, .. } => (
                            "too-large",
                            None,
                            format!(
                                "the file is {size} bytes, more than the {limit} bytes kitemark reads from one file"
                            ),
                        ),
                        ReadError::NotUtf8 { line, col, .. } => (
                            "not-utf8",
                            Some(Position {
                                line: *line,
                                col: *col,
                            }),
                            "not UTF-8 text (save the file as UTF-8)".to_owned(),
                        ),
                        ReadError::Syntax {
                            line, col, message, ..
                        } => (
                            "syntax",
                            Some(Position {
                                line: *line,
                                col: *col,
                            }),
                            message.clone(),
                        ),
                        ReadError::Git { source, .. } => ("unreadable", None, source.to_string()),
                    };
                    validator.unreadable(&blob.path, position, code, message);
                }
            }
        }
        validator.finish()
    }
}
