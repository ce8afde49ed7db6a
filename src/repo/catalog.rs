//! Loading the panel's small files of a snapshot into a [`Catalog`].

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::cache::Kind;
use super::{BlobRef, PanelRepo, ReadError, RepoError, Snapshot};
use crate::model::catalog::Catalog;
use crate::model::proceedings::Proceedings;
use crate::model::{ConditionMet, Decision, Meeting, Panel, Review, Rubric, School, SchoolId};

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
        let whole = schools.is_none() && decisions;
        let mut memo = Memo::start(self, snapshot);
        let panel = memo.load(self, panel_blob, Parsed::into_panel)?;
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
            match memo.load(self, blob, Parsed::into_rubric) {
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
                match memo.load(self, blob, Parsed::into_school) {
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
            match memo.load(self, blob, Parsed::into_meeting) {
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
            match memo.load(self, blob, Parsed::into_decision) {
                Ok(decision) => catalog.decisions.push((blob.path.clone(), decision)),
                Err(e) => errors.push(e),
            }
        }
        for (path, blob) in &snapshot.conditions_met {
            if !ours(&path.decision.school) {
                continue;
            }
            match memo.load(self, blob, Parsed::into_condition_met) {
                Ok(met) => catalog.conditions_met.push((blob.path.clone(), met)),
                Err(e) => errors.push(e),
            }
        }
        for (path, blob) in &snapshot.reviews {
            if !ours(&path.school) {
                continue;
            }
            match memo.load(self, blob, Parsed::into_review) {
                Ok(review) => catalog.reviews.push((blob.path.clone(), review)),
                Err(e) => errors.push(e),
            }
        }
        for (date, blob) in &snapshot.proceedings {
            match memo.load(self, blob, Parsed::into_proceedings) {
                Ok(p) => {
                    catalog.proceedings.insert(*date, p);
                }
                Err(e) => errors.push(e),
            }
        }
        if whole && memo.changed {
            self.cache()
                .put(Kind::Catalog, &memo.key, &entry(snapshot, &catalog));
        }
        Ok((catalog, errors))
    }
}

/// A panel file parsed, as the cache keeps it by its blob id.
#[derive(Debug, Deserialize)]
enum Parsed {
    Panel(Panel),
    Rubric(Rubric),
    School(School),
    Meeting(Meeting),
    Decision(Decision),
    ConditionMet(ConditionMet),
    Review(Review),
    Proceedings(Proceedings),
}

/// [`Parsed`] borrowed from a catalog, to write an entry without copying it: serde writes
/// both the same way, variant by name.
#[derive(Serialize)]
enum ParsedRef<'a> {
    Panel(&'a Panel),
    Rubric(&'a Rubric),
    School(&'a School),
    Meeting(&'a Meeting),
    Decision(&'a Decision),
    ConditionMet(&'a ConditionMet),
    Review(&'a Review),
    Proceedings(&'a Proceedings),
}

macro_rules! into {
    ($($name:ident: $variant:ident -> $ty:ty),* $(,)?) => {
        impl Parsed {
            // A value of another kind goes back boxed: rare, and the enum is large.
            $(fn $name(self) -> Result<$ty, Box<Self>> {
                match self {
                    Parsed::$variant(value) => Ok(value),
                    other => Err(Box::new(other)),
                }
            })*
        }
    };
}

into! {
    into_panel: Panel -> Panel,
    into_rubric: Rubric -> Rubric,
    into_school: School -> School,
    into_meeting: Meeting -> Meeting,
    into_decision: Decision -> Decision,
    into_condition_met: ConditionMet -> ConditionMet,
    into_review: Review -> Review,
    into_proceedings: Proceedings -> Proceedings,
}

/// A catalog's entry in the cache: each file's blob id with its parsed value.
type Entry = Vec<(String, Parsed)>;

/// The parsed files a catalog can take instead of reading them again: this tree's entry in
/// the cache, or else the most recent entry, whose files are mostly this tree's too (a new
/// commit changes a few files).
struct Memo {
    key: String,
    found: HashMap<git2::Oid, Vec<Parsed>>,
    /// Whether a file was read that the entry for this tree does not hold.
    changed: bool,
}

impl Memo {
    fn start(repo: &PanelRepo, snapshot: &Snapshot) -> Self {
        let key = snapshot.tree.to_string();
        let cache = repo.cache();
        let (entry, exact) = match cache.get::<Entry>(Kind::Catalog, &key) {
            Some(entry) => (entry, true),
            None => (cache.latest(Kind::Catalog, &key).unwrap_or_default(), false),
        };
        let mut found: HashMap<git2::Oid, Vec<Parsed>> = HashMap::with_capacity(entry.len());
        for (id, parsed) in entry {
            if let Ok(oid) = git2::Oid::from_str(&id) {
                found.entry(oid).or_default().push(parsed);
            }
        }
        Self {
            key,
            found,
            changed: !exact,
        }
    }

    /// The file `blob` as `into` takes it from a parsed value, from the memo or read now.
    fn load<T: serde::de::DeserializeOwned>(
        &mut self,
        repo: &PanelRepo,
        blob: &BlobRef,
        into: fn(Parsed) -> Result<T, Box<Parsed>>,
    ) -> Result<T, ReadError> {
        // The same blob can be two files (two schools' identical decisions, say): each takes
        // its own copy, of the kind it needs.
        if let Some(values) = self.found.get_mut(&blob.oid) {
            let mut taken = None;
            let mut rest = Vec::new();
            for parsed in values.drain(..) {
                if taken.is_some() {
                    rest.push(parsed);
                    continue;
                }
                match into(parsed) {
                    Ok(value) => taken = Some(value),
                    Err(other) => rest.push(*other),
                }
            }
            *values = rest;
            if let Some(value) = taken {
                return Ok(value);
            }
        }
        self.changed = true;
        repo.load(blob)
    }
}

/// The entry that keeps `catalog`, each file under the blob id `snapshot` gives its path.
fn entry<'a>(snapshot: &Snapshot, catalog: &'a Catalog) -> Vec<(String, ParsedRef<'a>)> {
    let id = |blob: &BlobRef| blob.oid.to_string();
    let mut entry = Vec::new();
    if let Some(blob) = &snapshot.panel {
        entry.push((id(blob), ParsedRef::Panel(&catalog.panel)));
    }
    for (rubric, blob) in &snapshot.rubrics {
        if let Some(value) = catalog.rubrics.get(rubric) {
            entry.push((id(blob), ParsedRef::Rubric(value)));
        }
    }
    for (school, files) in &snapshot.schools {
        if let (Some(blob), Some(value)) = (&files.profile, catalog.schools.get(school)) {
            entry.push((id(blob), ParsedRef::School(value)));
        }
    }
    for (date, blob) in &snapshot.meetings {
        if let Some(value) = catalog.meetings.get(date) {
            entry.push((id(blob), ParsedRef::Meeting(value)));
        }
    }
    for (date, blob) in &snapshot.proceedings {
        if let Some(value) = catalog.proceedings.get(date) {
            entry.push((id(blob), ParsedRef::Proceedings(value)));
        }
    }
    // The catalog keeps these by path, as the snapshot lists them.
    let paths: HashMap<&str, &BlobRef> = snapshot
        .decisions
        .values()
        .chain(snapshot.conditions_met.values())
        .chain(snapshot.reviews.values())
        .map(|b| (b.path.as_str(), b))
        .collect();
    let mut by_path = |path: &str, value: ParsedRef<'a>| {
        if let Some(blob) = paths.get(path) {
            entry.push((id(blob), value));
        }
    };
    for (path, value) in &catalog.decisions {
        by_path(path, ParsedRef::Decision(value));
    }
    for (path, value) in &catalog.conditions_met {
        by_path(path, ParsedRef::ConditionMet(value));
    }
    for (path, value) in &catalog.reviews {
        by_path(path, ParsedRef::Review(value));
    }
    entry
}
