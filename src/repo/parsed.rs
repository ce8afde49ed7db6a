//! The files a walk of the history parsed, by blob, kept in the cache: a parsed file is a
//! function of its blob alone, so the next walk (of any paths, from any commit) parses only
//! the blobs it has not met before.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::cache::{Cache, Kind};
use crate::model::{Meeting, ObjectId, Panel, Rubric, RubricId, School, SelfReview};

/// The values kept of one type: those the cache held (`known`), and those this walk used
/// (`used`), which are what it keeps for the next.
pub(super) struct Pair<T> {
    known: HashMap<ObjectId, Arc<T>>,
    used: HashMap<ObjectId, Arc<T>>,
}

impl<T> Default for Pair<T> {
    fn default() -> Self {
        Self {
            known: HashMap::new(),
            used: HashMap::new(),
        }
    }
}

impl<T> Pair<T> {
    fn from(values: Vec<(ObjectId, T)>) -> Self {
        Self {
            known: values
                .into_iter()
                .map(|(id, v)| (id, Arc::new(v)))
                .collect(),
            used: HashMap::new(),
        }
    }

    /// The value the cache held for `blob`, which is then used.
    fn take(&mut self, blob: &ObjectId) -> Option<Arc<T>> {
        let value = self.known.get(blob)?.clone();
        self.used.insert(blob.clone(), value.clone());
        Some(value)
    }

    fn keep(&mut self, blob: &ObjectId, value: &Arc<T>) {
        self.used.insert(blob.clone(), value.clone());
    }

    fn kept(&self) -> Vec<(&ObjectId, &T)> {
        self.used.iter().map(|(id, v)| (id, v.as_ref())).collect()
    }

    /// Whether this walk used a value the cache did not hold.
    fn grew(&self) -> bool {
        self.used.keys().any(|id| !self.known.contains_key(id))
    }
}

/// Every type of file the walk parses, each with its values.
#[derive(Default)]
pub(super) struct Memo {
    panels: Pair<Panel>,
    rubrics: Pair<Rubric>,
    schools: Pair<School>,
    meetings: Pair<Meeting>,
    /// The self-reviews a record keeps whole (those a rule reads); of the others, only the
    /// rubric each names is kept, below: they are most of a history's bytes.
    reviews: Pair<SelfReview>,
    review_rubrics: Pair<RubricId>,
}

/// A type of file the memo keeps.
pub(super) trait Memoized: Sized {
    /// Whether every value parsed is kept, or only those the walk says to.
    const KEEP_EVERY: bool = true;
    /// Its values in the memo; `None` for a type the memo does not keep.
    fn pair(memo: &mut Memo) -> Option<&mut Pair<Self>>;
}

macro_rules! memoized {
    ($($ty:ty => $field:ident),* $(,)?) => {
        $(impl Memoized for $ty {
            fn pair(memo: &mut Memo) -> Option<&mut Pair<Self>> {
                Some(&mut memo.$field)
            }
        })*
    };
}

memoized! {
    Panel => panels,
    Rubric => rubrics,
    School => schools,
    Meeting => meetings,
}

impl Memoized for SelfReview {
    const KEEP_EVERY: bool = false;
    fn pair(memo: &mut Memo) -> Option<&mut Pair<Self>> {
        Some(&mut memo.reviews)
    }
}

/// Decisions are not kept: the walk takes nearly all of them from the catalog at the end
/// of the history, which the cache keeps already.
impl Memoized for crate::model::Decision {
    fn pair(_: &mut Memo) -> Option<&mut Pair<Self>> {
        None
    }
}

/// The entry as written, borrowing the memo's values.
#[derive(Serialize)]
struct StoredRef<'a> {
    panels: Vec<(&'a ObjectId, &'a Panel)>,
    rubrics: Vec<(&'a ObjectId, &'a Rubric)>,
    schools: Vec<(&'a ObjectId, &'a School)>,
    meetings: Vec<(&'a ObjectId, &'a Meeting)>,
    reviews: Vec<(&'a ObjectId, &'a SelfReview)>,
    review_rubrics: Vec<(&'a ObjectId, &'a RubricId)>,
}

/// The entry as read: the same fields, by name.
#[derive(Deserialize)]
struct Stored {
    panels: Vec<(ObjectId, Panel)>,
    rubrics: Vec<(ObjectId, Rubric)>,
    schools: Vec<(ObjectId, School)>,
    meetings: Vec<(ObjectId, Meeting)>,
    reviews: Vec<(ObjectId, SelfReview)>,
    review_rubrics: Vec<(ObjectId, RubricId)>,
}

impl Memo {
    /// The memo of the walk `key` names, or else of the last walk kept, or else an empty one.
    pub(super) fn load(cache: &Cache, key: &str) -> Self {
        let stored = cache
            .get::<Stored>(Kind::Parsed, key)
            .or_else(|| cache.latest::<Stored>(Kind::Parsed, key));
        match stored {
            Some(s) => Self {
                panels: Pair::from(s.panels),
                rubrics: Pair::from(s.rubrics),
                schools: Pair::from(s.schools),
                meetings: Pair::from(s.meetings),
                reviews: Pair::from(s.reviews),
                review_rubrics: Pair::from(s.review_rubrics),
            },
            None => Self::default(),
        }
    }

    /// The value parsed from `blob` before, if the memo has it; it is then used.
    pub(super) fn get<T: Memoized>(&mut self, blob: &ObjectId) -> Option<Arc<T>> {
        T::pair(self)?.take(blob)
    }

    /// Notes a value this walk parsed, to keep (for a type that keeps every one; others are
    /// kept by [`Memo::keep`]).
    pub(super) fn parsed<T: Memoized>(&mut self, blob: &ObjectId, value: &Arc<T>) {
        if T::KEEP_EVERY {
            self.keep(blob, value);
        }
    }

    /// Keeps a value this walk parsed.
    pub(super) fn keep<T: Memoized>(&mut self, blob: &ObjectId, value: &Arc<T>) {
        if let Some(pair) = T::pair(self) {
            pair.keep(blob, value);
        }
    }

    /// The rubric the self-review in `blob` names, if an earlier walk kept only that; it is
    /// then used.
    pub(super) fn review_rubric(&mut self, blob: &ObjectId) -> Option<RubricId> {
        self.review_rubrics
            .take(blob)
            .map(|rubric| rubric.as_ref().clone())
    }

    /// Keeps, of the self-review in `blob`, only the rubric it names.
    pub(super) fn keep_review_rubric(&mut self, blob: &ObjectId, rubric: &RubricId) {
        self.review_rubrics.keep(blob, &Arc::new(rubric.clone()));
    }

    /// Keeps what this walk used as the entry for `key`.
    pub(super) fn store(&self, cache: &Cache, key: &str) {
        let stored = StoredRef {
            panels: self.panels.kept(),
            rubrics: self.rubrics.kept(),
            schools: self.schools.kept(),
            meetings: self.meetings.kept(),
            reviews: self.reviews.kept(),
            review_rubrics: self.review_rubrics.kept(),
        };
        cache.put(Kind::Parsed, key, &stored);
    }

    /// Whether this walk parsed anything the memo did not hold: if not, the entry it was
    /// loaded from says all it would.
    pub(super) fn grew(&self) -> bool {
        self.panels.grew()
            || self.rubrics.grew()
            || self.schools.grew()
            || self.meetings.grew()
            || self.reviews.grew()
            || self.review_rubrics.grew()
    }
}
