//! Loading the panel's small files of a snapshot into a [`Catalog`].

use super::{PanelRepo, ReadError, RepoError, Snapshot};
use crate::model::SchoolId;
use crate::model::catalog::Catalog;

impl PanelRepo {
    /// Parses the panel, rubrics, school profiles, meetings and decisions of a snapshot.
    ///
    /// A broken panel.ron makes the catalog unusable and is an error; any other file that
    /// cannot be read is left out and returned beside the catalog, so one bad file does not
    /// hide every school.
    pub fn load_catalog(
        &self,
        snapshot: &Snapshot,
    ) -> Result<(Catalog, Vec<ReadError>), RepoError> {
        self.load_catalog_of(snapshot, None, true)
    }

    /// [`PanelRepo::load_catalog`] with only `schools`' profiles, decisions and records of
    /// conditions met (all of them for `None`): enough for an audit of those schools alone.
    /// Without `decisions` none is read: the audit reads each from the history instead, and
    /// they are most of a large panel's files.
    pub fn load_catalog_of(
        &self,
        snapshot: &Snapshot,
        schools: Option<&std::collections::BTreeSet<SchoolId>>,
        decisions: bool,
    ) -> Result<(Catalog, Vec<ReadError>), RepoError> {
        let ours = |school: &SchoolId| schools.is_none_or(|s| s.contains(school));
        let panel_blob = snapshot
            .panel
            .as_ref()
            .ok_or_else(|| RepoError::NotAPanel {
                path: self.path(),
                rev: snapshot.commit_id().short().to_owned(),
            })?;
        let panel = self.load(panel_blob)?;
        let mut errors = Vec::new();
        let mut catalog = Catalog {
            panel,
            rubrics: Default::default(),
            schools: Default::default(),
            years: Default::default(),
            meetings: Default::default(),
            decisions: Vec::new(),
            conditions_met: Vec::new(),
            reviews: Vec::new(),
            proceedings: Default::default(),
        };
        for (id, blob) in &snapshot.rubrics {
            match self.load(blob) {
                Ok(rubric) => {
                    catalog.rubrics.insert(id.clone(), rubric);
                }
                Err(e) => errors.push(e),
            }
        }
        for (id, files) in &snapshot.schools {
            if !ours(id) {
                continue;
            }
            if let Some(blob) = &files.profile {
                match self.load(blob) {
                    Ok(school) => {
                        catalog.schools.insert(id.clone(), school);
                    }
                    Err(e) => errors.push(e),
                }
            }
            catalog
                .years
                .insert(id.clone(), files.years.keys().copied().collect());
        }
        for (date, blob) in &snapshot.meetings {
            match self.load(blob) {
                Ok(meeting) => {
                    catalog.meetings.insert(*date, meeting);
                }
                Err(e) => errors.push(e),
            }
        }
        for (path, blob) in &snapshot.decisions {
            if !decisions || !ours(&path.school) {
                continue;
            }
            match self.load(blob) {
                Ok(decision) => catalog.decisions.push((blob.path.clone(), decision)),
                Err(e) => errors.push(e),
            }
        }
        for (path, blob) in &snapshot.conditions_met {
            if !ours(&path.decision.school) {
                continue;
            }
            match self.load(blob) {
                Ok(met) => catalog.conditions_met.push((blob.path.clone(), met)),
                Err(e) => errors.push(e),
            }
        }
        for (path, blob) in &snapshot.reviews {
            if !ours(&path.school) {
                continue;
            }
            match self.load(blob) {
                Ok(review) => catalog.reviews.push((blob.path.clone(), review)),
                Err(e) => errors.push(e),
            }
        }
        for (date, blob) in &snapshot.proceedings {
            match self.load(blob) {
                Ok(p) => {
                    catalog.proceedings.insert(*date, p);
                }
                Err(e) => errors.push(e),
            }
        }
        Ok((catalog, errors))
    }
}
