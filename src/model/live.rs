//! A meeting as it runs item by item on the shared screen: when each item started and ended,
//! which were taken en bloc and the scribe's notes, kept as a draft while the meeting runs
//! and turned into the [`Proceedings`] when the chair closes it.

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use super::meeting::{AgendaItem, Meeting};
use super::order::movements;
use super::panel::Panel;
use super::proceedings::{ItemRun, Proceedings};

/// The run of a meeting so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveRun {
    pub meeting: Date,
    /// When the first item started.
    #[serde(default)]
    pub opened: Option<Time>,
    /// The item on screen, by its place on the agenda.
    #[serde(default)]
    pub current: usize,
    #[serde(default)]
    pub items: Vec<LiveItem>,
}

/// One agenda item as taken so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveItem {
    pub item: AgendaItem,
    #[serde(default)]
    pub started: Option<Time>,
    #[serde(default)]
    pub ended: Option<Time>,
    #[serde(default)]
    pub en_bloc: bool,
    #[serde(default)]
    pub notes: String,
}

/// Whole minutes from `from` to `to` on the same day; none when `to` is earlier.
pub fn minutes_between(from: Time, to: Time) -> i64 {
    // Counted in whole seconds, as the clock on screen shows them.
    let whole = |t: Time| jiff::civil::time(t.hour(), t.minute(), t.second(), 0);
    whole(from).duration_until(whole(to)).as_mins().max(0)
}

impl LiveRun {
    pub fn new(meeting: Date) -> LiveRun {
        LiveRun {
            meeting,
            opened: None,
            current: 0,
            items: Vec::new(),
        }
    }

    /// The name of the run's draft: one per meeting.
    pub fn key(meeting: Date) -> String {
        format!("live_{meeting}")
    }

    pub fn item(&self, item: &AgendaItem) -> Option<&LiveItem> {
        self.items.iter().find(|i| &i.item == item)
    }

    fn item_mut(&mut self, item: &AgendaItem) -> &mut LiveItem {
        let at = match self.items.iter().position(|i| &i.item == item) {
            Some(at) => at,
            None => {
                self.items.push(LiveItem {
                    item: item.clone(),
                    started: None,
                    ended: None,
                    en_bloc: false,
                    notes: String::new(),
                });
                self.items.len() - 1
            }
        };
        &mut self.items[at]
    }

    /// The item comes up at `now`: the meeting opens with the first, and an item taken up
    /// again keeps the time it first started.
    pub fn start(&mut self, item: &AgendaItem, now: Time) {
        self.opened.get_or_insert(now);
        let run = self.item_mut(item);
        run.started.get_or_insert(now);
        run.ended = None;
    }

    /// The panel moves on from the item at `now`.
    pub fn leave(&mut self, item: &AgendaItem, now: Time) {
        let run = self.item_mut(item);
        if run.started.is_some() {
            run.ended = Some(now);
        }
    }

    /// The item was confirmed with the others en bloc at `now`.
    pub fn taken_en_bloc(&mut self, item: &AgendaItem, now: Time) {
        self.opened.get_or_insert(now);
        let run = self.item_mut(item);
        run.started.get_or_insert(now);
        run.ended.get_or_insert(now);
        run.en_bloc = true;
    }

    pub fn notes(&self, item: &AgendaItem) -> &str {
        self.item(item).map_or("", |i| i.notes.as_str())
    }

    pub fn set_notes(&mut self, item: &AgendaItem, notes: String) {
        self.item_mut(item).notes = notes;
    }

    /// How many minutes the item has run: to its end, or to `now` while it is in hand.
    pub fn item_minutes(&self, item: &AgendaItem, now: Time) -> Option<i64> {
        let run = self.item(item)?;
        Some(minutes_between(run.started?, run.ended.unwrap_or(now)))
    }

    /// The proceedings of the meeting closed at `closed`: the items taken, in the order
    /// they were started (the agenda's order between items started together), with who
    /// left the room and came back as each started, and whether the panel decided it.
    pub fn proceedings(
        &self,
        panel: &Panel,
        meeting: &Meeting,
        closed: Time,
        decided: impl Fn(&AgendaItem) -> bool,
    ) -> Proceedings {
        let mut taken: Vec<(Time, usize, &LiveItem)> = self
            .items
            .iter()
            .filter_map(|run| {
                let at = meeting.agenda.iter().position(|i| *i == run.item)?;
                Some((run.started?, at, run))
            })
            .collect();
        taken.sort_by_key(|(started, at, _)| (*started, *at));
        let order: Vec<AgendaItem> = taken.iter().map(|(_, _, r)| r.item.clone()).collect();
        let moves = movements(panel, meeting, &order);
        let items = taken
            .iter()
            .zip(moves)
            .map(|((started, _, run), movement)| ItemRun {
                school: run.item.school.clone(),
                year: run.item.year,
                kind: run.item.kind.clone(),
                started: *started,
                ended: run.ended.unwrap_or(closed).max(*started),
                left: movement.leave,
                returned: movement.back,
                en_bloc: run.en_bloc,
                decided: decided(&run.item),
                notes: run.notes.trim().to_owned(),
            })
            .collect();
        Proceedings {
            meeting: meeting.date,
            opened: self.opened.unwrap_or(closed),
            closed,
            items,
            notes: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::time;

    fn item(school: &str) -> AgendaItem {
        AgendaItem {
            school: school.parse().unwrap(),
            year: "2026-27".parse().unwrap(),
            kind: "annual-review".parse().unwrap(),
        }
    }

    #[test]
    fn items_are_timed_from_first_start_and_listed_in_the_order_taken() {
        let (a, b, c) = (item("a"), item("b"), item("c"));
        let mut run = LiveRun::new(jiff::civil::date(2026, 12, 2));
        run.start(&a, time(9, 30, 0, 0));
        run.set_notes(&a, " Well evidenced. ".into());
        run.leave(&a, time(9, 41, 0, 0));
        run.start(&c, time(9, 41, 0, 0));
        run.leave(&c, time(9, 50, 0, 0));
        run.start(&a, time(9, 50, 0, 0));
        assert_eq!(run.item_minutes(&a, time(9, 56, 0, 0)), Some(26));
        assert_eq!(run.item_minutes(&b, time(9, 56, 0, 0)), None);
        let meeting = Meeting {
            date: run.meeting,
            chair: "m0".parse().unwrap(),
            location: String::new(),
            present: vec!["m0".parse().unwrap()],
            apologies: Vec::new(),
            conflicts: Vec::new(),
            agenda: vec![a.clone(), b, c.clone()],
            notes: String::new(),
            readers: Vec::new(),
        };
        let panel = Panel {
            name: "Test".into(),
            default_rubric: "hymh-kitemark".parse().unwrap(),
            quorum: crate::model::Quorum {
                min_present: 1,
                min_agencies: 0,
            },
            members: Vec::new(),
            require_signatures: false,
        };
        let p = run.proceedings(&panel, &meeting, time(10, 0, 0, 0), |i| *i == c);
        assert_eq!(p.opened, time(9, 30, 0, 0));
        let order: Vec<&str> = p.items.iter().map(|i| i.school.as_str()).collect();
        assert_eq!(order, ["a", "c"], "b was never taken");
        assert_eq!(
            p.items[0].ended,
            time(10, 0, 0, 0),
            "still in hand at the close"
        );
        assert_eq!(p.items[0].notes, "Well evidenced.");
        assert!(p.items[1].decided && !p.items[0].decided);
    }
}
