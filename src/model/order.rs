//! The order a meeting takes its items in, and who leaves the room and comes back as each
//! starts.
//!
//! A member conflicted for a school (by affiliation in panel.ron or by a conflict declared at
//! the meeting) leaves the room while the panel discusses it. Each time the item in hand
//! changes, those conflicted for the next item and not for this one leave, and those who were
//! out for this one and are not conflicted for the next come back. Taking together the items
//! that send out the same members saves the room those comings and goings.

use std::collections::BTreeSet;

use super::MemberId;
use super::meeting::{AgendaItem, Meeting};
use super::panel::Panel;

/// The members in the room: those recorded present, or, before attendance is taken, every
/// member who has not sent apologies (as conflicts from affiliations are counted then).
pub fn in_the_room<'m>(panel: &'m Panel, meeting: &'m Meeting) -> Vec<&'m MemberId> {
    if meeting.present.is_empty() {
        panel
            .members
            .iter()
            .map(|m| &m.id)
            .filter(|id| !meeting.apologies.contains(id))
            .collect()
    } else {
        meeting.present.iter().collect()
    }
}

/// The members at the meeting (or expected at it, before attendance is taken) who must be out
/// of the room for `item`.
pub fn out_of_room(panel: &Panel, meeting: &Meeting, item: &AgendaItem) -> BTreeSet<MemberId> {
    in_the_room(panel, meeting)
        .into_iter()
        .filter(|id| super::decide::is_conflicted(panel, meeting, id, &item.school))
        .cloned()
        .collect()
}

/// Who leaves the room and who comes back as an item starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Movement {
    pub leave: Vec<MemberId>,
    pub back: Vec<MemberId>,
}

/// The comings and goings as each item of `order` starts, in that order: everyone is in the
/// room before the first item.
pub fn movements(panel: &Panel, meeting: &Meeting, order: &[AgendaItem]) -> Vec<Movement> {
    let mut outside = BTreeSet::new();
    order
        .iter()
        .map(|item| {
            let now = out_of_room(panel, meeting, item);
            let movement = Movement {
                leave: now.difference(&outside).cloned().collect(),
                back: outside.difference(&now).cloned().collect(),
            };
            outside = now;
            movement
        })
        .collect()
}

/// How many times a member leaves the room over the whole of `order`.
pub fn exits(panel: &Panel, meeting: &Meeting, order: &[AgendaItem]) -> usize {
    movements(panel, meeting, order)
        .iter()
        .map(|m| m.leave.len())
        .sum()
}

/// An order for `items` that sends members out of the room as few times as it can find:
/// items that send out the same members are taken together, the items nobody leaves for
/// first, then each next group the one that sends out fewest new members. Never more exits
/// than `items` in their own order: where grouping saves none, the order is kept as it is.
pub fn propose_order(panel: &Panel, meeting: &Meeting, items: &[AgendaItem]) -> Vec<AgendaItem> {
    // The groups, each with the members it sends out, in the order they first appear.
    let mut groups: Vec<(BTreeSet<MemberId>, Vec<AgendaItem>)> = Vec::new();
    for item in items {
        let out = out_of_room(panel, meeting, item);
        match groups.iter_mut().find(|(o, _)| *o == out) {
            Some((_, members)) => members.push(item.clone()),
            None => groups.push((out, vec![item.clone()])),
        }
    }
    let mut proposed = Vec::with_capacity(items.len());
    let mut outside: BTreeSet<MemberId> = BTreeSet::new();
    while !groups.is_empty() {
        let next = (0..groups.len())
            .min_by_key(|&g| {
                let out = &groups[g].0;
                (
                    out.difference(&outside).count(),
                    outside.difference(out).count(),
                    g,
                )
            })
            .unwrap_or(0);
        let (out, members) = groups.remove(next);
        proposed.extend(members);
        outside = out;
    }
    if exits(panel, meeting, &proposed) < exits(panel, meeting, items) {
        proposed
    } else {
        items.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::panel::Role;
    use crate::model::testing::{self, item, panel};
    use proptest::prelude::*;

    fn member(id: &str, affiliations: &[&str]) -> crate::model::Member {
        testing::member(id, Role::PublicHealth, affiliations)
    }

    fn meeting(present: &[&str], conflicts: &[(&str, &str)], agenda: &[AgendaItem]) -> Meeting {
        testing::meeting(present, &[], conflicts, agenda)
    }

    fn ids(v: &[MemberId]) -> Vec<&str> {
        v.iter().map(|m| m.as_str()).collect()
    }

    #[test]
    fn who_leaves_and_who_comes_back_as_each_item_starts() {
        let panel = panel(vec![
            member("m0", &[]),
            member("m1", &["a"]),
            member("m2", &[]),
        ]);
        let agenda = [item("a"), item("b"), item("c"), item("d")];
        // m2 is conflicted for c by declaration, m1 for a by affiliation; m3 is not present.
        let meeting = meeting(&["m0", "m1", "m2"], &[("m2", "c"), ("m3", "d")], &agenda);
        let moves = movements(&panel, &meeting, &agenda);
        assert_eq!(ids(&moves[0].leave), ["m1"]);
        assert!(moves[0].back.is_empty());
        assert!(moves[1].leave.is_empty());
        assert_eq!(ids(&moves[1].back), ["m1"]);
        assert_eq!(ids(&moves[2].leave), ["m2"]);
        assert_eq!(ids(&moves[3].back), ["m2"]);
        assert!(
            moves[3].leave.is_empty(),
            "m3 sent apologies' worth: not there"
        );
        assert_eq!(exits(&panel, &meeting, &agenda), 2);
    }

    #[test]
    fn items_sending_out_the_same_members_are_taken_together() {
        let panel = panel(vec![
            member("m0", &[]),
            member("m1", &["a", "c"]),
            member("m2", &[]),
        ]);
        let agenda = [item("a"), item("b"), item("c"), item("d"), item("e")];
        let meeting = meeting(&["m0", "m1", "m2"], &[("m2", "b"), ("m2", "d")], &agenda);
        // In the agenda's order m1 leaves for a and c, m2 for b and d: four exits.
        assert_eq!(exits(&panel, &meeting, &agenda), 4);
        let proposed = propose_order(&panel, &meeting, &agenda);
        assert_eq!(exits(&panel, &meeting, &proposed), 2);
        let schools: Vec<&str> = proposed.iter().map(|i| i.school.as_str()).collect();
        assert_eq!(schools, ["e", "a", "c", "b", "d"]);
    }

    #[test]
    fn before_attendance_is_taken_everyone_but_those_sending_apologies_is_expected() {
        let panel = panel(vec![
            member("m0", &[]),
            member("m1", &["a"]),
            member("m2", &["a"]),
        ]);
        let agenda = [item("a")];
        let mut meeting = meeting(&[], &[], &agenda);
        meeting.apologies = vec!["m2".parse().unwrap()];
        let out = out_of_room(&panel, &meeting, &agenda[0]);
        assert_eq!(out.iter().map(|m| m.as_str()).collect::<Vec<_>>(), ["m1"]);
    }

    #[test]
    fn an_agenda_that_needs_no_regrouping_is_kept_as_it_is() {
        let panel = panel(vec![member("m0", &[]), member("m1", &["b"])]);
        let agenda = [item("a"), item("b"), item("c")];
        let meeting = meeting(&["m0", "m1"], &[], &agenda);
        assert_eq!(propose_order(&panel, &meeting, &agenda), agenda);
    }

    proptest! {
        /// Whatever the conflicts, the proposed order holds the same items and never sends
        /// members out more often than the agenda's own order.
        #[test]
        fn the_proposal_never_needs_more_exits_than_the_agenda(
            conflicts in proptest::collection::vec((0usize..5, 0usize..8), 0..14),
            agenda_schools in proptest::collection::vec(0usize..8, 1..10),
        ) {
            let panel = panel((0..5).map(|m| member(&format!("m{m}"), &[])).collect());
            let schools: Vec<String> = (0..8).map(|s| format!("s{s}")).collect();
            let agenda: Vec<AgendaItem> = agenda_schools
                .iter()
                .enumerate()
                .map(|(n, s)| AgendaItem {
                    kind: format!("k{n}").parse().unwrap(),
                    ..item(&schools[*s])
                })
                .collect();
            let conflicts: Vec<(String, String)> = conflicts
                .iter()
                .map(|(m, s)| (format!("m{m}"), schools[*s].clone()))
                .collect();
            let pairs: Vec<(&str, &str)> =
                conflicts.iter().map(|(m, s)| (m.as_str(), s.as_str())).collect();
            let meeting = meeting(&["m0", "m1", "m2", "m3", "m4"], &pairs, &agenda);
            let proposed = propose_order(&panel, &meeting, &agenda);
            let mut a = agenda.clone();
            let mut b = proposed.clone();
            a.sort();
            b.sort();
            prop_assert_eq!(a, b);
            prop_assert!(exits(&panel, &meeting, &proposed) <= exits(&panel, &meeting, &agenda));
        }
    }
}
