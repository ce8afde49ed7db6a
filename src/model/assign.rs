//! Suggesting a lead reviewer and a second reader for each item of a meeting's agenda.
//!
//! The chair confirms or changes what is suggested, so the suggestion aims at what a chair
//! would do by hand: nobody who sent apologies or is conflicted for the school (by
//! affiliation or a declared conflict) reads its application; the reading is shared as evenly
//! as the conflicts allow; the two readers of an item come from different agencies where they
//! can; and a member who knows the school from last year leads it where that keeps the load
//! even. Pure: the caller says who knows which school.

use std::collections::{BTreeMap, BTreeSet};

use super::meeting::{AgendaItem, Meeting};
use super::panel::Panel;
use super::{MemberId, SchoolId};

/// The two readers suggested for one agenda item (`None` where nobody can read it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readers {
    pub lead: Option<MemberId>,
    pub second: Option<MemberId>,
}

/// Who may read an item: a member of the panel who has not sent apologies and is not
/// conflicted for the school, by affiliation or by a conflict declared at the meeting.
pub fn may_read(panel: &Panel, meeting: &Meeting, member: &MemberId, school: &SchoolId) -> bool {
    panel.member(member).is_some()
        && !meeting.apologies.contains(member)
        && !super::decide::is_conflicted(panel, meeting, member, school)
}

/// The readers each item of the meeting's agenda starts from when the chair assigns them:
/// those recorded, while each of them may still read it (`true`), else the suggestion.
pub fn starting_readers(
    panel: &Panel,
    meeting: &Meeting,
    knows: &BTreeMap<SchoolId, BTreeSet<MemberId>>,
) -> Vec<(Readers, bool)> {
    let suggested = suggest(panel, meeting, &meeting.agenda, knows);
    meeting
        .agenda
        .iter()
        .zip(suggested)
        .map(|(item, s)| match meeting.readers_of(item) {
            Some(r)
                if r.members()
                    .all(|m| may_read(panel, meeting, m, &item.school)) =>
            {
                (
                    Readers {
                        lead: Some(r.lead.clone()),
                        second: r.second.clone(),
                    },
                    true,
                )
            }
            _ => (s, false),
        })
        .collect()
}

/// A lead and a second reader for each item of `items`, in their order. `knows` lists, per
/// school, the members who read or decided it last year.
pub fn suggest(
    panel: &Panel,
    meeting: &Meeting,
    items: &[AgendaItem],
    knows: &BTreeMap<SchoolId, BTreeSet<MemberId>>,
) -> Vec<Readers> {
    let eligible: Vec<Vec<usize>> = items
        .iter()
        .map(|item| {
            (0..panel.members.len())
                .filter(|&m| may_read(panel, meeting, &panel.members[m].id, &item.school))
                .collect()
        })
        .collect();
    let agency = |m: usize| panel.members[m].role;
    let knows_school = |m: usize, item: usize| {
        knows
            .get(&items[item].school)
            .is_some_and(|ids| ids.contains(&panel.members[m].id))
    };
    let mut load = vec![0usize; panel.members.len()];
    let mut chosen: Vec<[Option<usize>; 2]> = vec![[None, None]; items.len()];
    // The items fewest members may read are given readers first, while everyone is free.
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| (eligible[i].len(), i));
    for &i in &order {
        let lead = eligible[i]
            .iter()
            .copied()
            .min_by_key(|&m| (load[m], !knows_school(m, i), m));
        if let Some(m) = lead {
            load[m] += 1;
        }
        let second = eligible[i]
            .iter()
            .copied()
            .filter(|&m| Some(m) != lead)
            .min_by_key(|&m| {
                let same_agency = lead.is_some_and(|l| agency(l) == agency(m));
                (load[m], same_agency, m)
            });
        if let Some(m) = second {
            load[m] += 1;
        }
        chosen[i] = [lead, second];
    }
    even_out(&mut chosen, &mut load, &eligible);
    chosen
        .into_iter()
        .map(|[lead, second]| Readers {
            lead: lead.map(|m| panel.members[m].id.clone()),
            second: second.map(|m| panel.members[m].id.clone()),
        })
        .collect()
}

/// Moves readings from the busiest members to the least busy ones who may take them, until
/// no such move narrows the gap: each move lowers the sum of the squared loads, so it ends.
fn even_out(chosen: &mut [[Option<usize>; 2]], load: &mut [usize], eligible: &[Vec<usize>]) {
    loop {
        let mut moved = false;
        'items: for (i, readers) in chosen.iter_mut().enumerate() {
            for slot in 0..2 {
                let Some(from) = readers[slot] else { continue };
                let other = readers[1 - slot];
                let to = eligible[i]
                    .iter()
                    .copied()
                    .filter(|&m| Some(m) != other && m != from && load[m] + 1 < load[from])
                    .min_by_key(|&m| (load[m], m));
                if let Some(to) = to {
                    load[from] -= 1;
                    load[to] += 1;
                    readers[slot] = Some(to);
                    moved = true;
                    break 'items;
                }
            }
        }
        if !moved {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::panel::{Member, Role};
    use crate::model::testing::{self, item, member, panel};
    use proptest::prelude::*;

    fn meeting(apologies: &[&str], conflicts: &[(&str, &str)]) -> Meeting {
        testing::meeting(&[], apologies, conflicts, &[])
    }

    const ROLES: [Role; 4] = [
        Role::PublicHealth,
        Role::EducationalPsychology,
        Role::Dspl,
        Role::SchoolImprovement,
    ];

    #[test]
    fn nobody_absent_or_conflicted_reads_and_agencies_are_mixed_and_last_years_reader_leads() {
        let panel = panel(vec![
            member("m0", Role::PublicHealth, &[]),
            member("m1", Role::PublicHealth, &["school-a"]),
            member("m2", Role::EducationalPsychology, &[]),
            member("m3", Role::Dspl, &[]),
        ]);
        let meeting = meeting(&["m3"], &[("m2", "school-b")]);
        let items = [item("school-a"), item("school-b")];
        let mut knows = BTreeMap::new();
        knows.insert(
            "school-b".parse().unwrap(),
            BTreeSet::from(["m1".parse().unwrap()]),
        );
        let readers = suggest(&panel, &meeting, &items, &knows);
        // school-a: m1 is affiliated, m3 sent apologies: m0 and m2, of two agencies.
        let a = &readers[0];
        let ids =
            |r: &Readers| [r.lead.clone(), r.second.clone()].map(|m| m.map(|m| m.to_string()));
        let mut got = ids(a).to_vec();
        got.sort();
        assert_eq!(got, vec![Some("m0".into()), Some("m2".into())]);
        // school-b: m2 declared a conflict, m3 is away: m1 (who knows it) leads, m0 seconds.
        assert_eq!(ids(&readers[1]), [Some("m1".into()), Some("m0".into())]);
    }

    #[test]
    fn an_item_nobody_may_read_has_no_readers() {
        let panel = panel(vec![member("m0", Role::Dspl, &["school-a"])]);
        let readers = suggest(
            &panel,
            &meeting(&[], &[]),
            &[item("school-a")],
            &BTreeMap::new(),
        );
        assert_eq!(
            readers,
            vec![Readers {
                lead: None,
                second: None
            }]
        );
    }

    #[test]
    fn readings_move_from_the_busiest_to_those_free_to_take_them() {
        // Six items all read by m0 and m1, though m2 and m3 may read any of them, and m3 none
        // of the first three.
        let mut chosen = vec![[Some(0), Some(1)]; 6];
        let mut load = vec![6, 6, 0, 0];
        let eligible: Vec<Vec<usize>> = (0..6)
            .map(|i| {
                if i < 3 {
                    vec![0, 1, 2]
                } else {
                    vec![0, 1, 2, 3]
                }
            })
            .collect();
        even_out(&mut chosen, &mut load, &eligible);
        assert!(
            load.iter().max().unwrap() - load.iter().min().unwrap() <= 1,
            "{load:?}"
        );
        for (i, readers) in chosen.iter().enumerate() {
            assert_ne!(readers[0], readers[1]);
            for m in readers.iter().flatten() {
                assert!(eligible[i].contains(m), "item {i}: {m}");
            }
        }
        let counted: usize = load.iter().sum();
        assert_eq!(counted, 12);
    }

    proptest! {
        /// Whatever the conflicts and apologies, nobody conflicted or away reads an item, the
        /// two readers differ, and where every member may read every item the load is within
        /// one item of even.
        #[test]
        fn suggestions_keep_the_rules_and_spread_the_load(
            members in 2usize..9,
            schools in 1usize..14,
            affiliated in proptest::collection::vec((0usize..9, 0usize..14), 0..6),
            away in proptest::collection::vec(0usize..9, 0..3),
            known in proptest::collection::vec((0usize..9, 0usize..14), 0..6),
        ) {
            let ids: Vec<String> = (0..members).map(|m| format!("m{m}")).collect();
            let names: Vec<String> = (0..schools).map(|s| format!("school-{s}")).collect();
            let ms: Vec<Member> = (0..members)
                .map(|m| {
                    let mine: Vec<&str> = affiliated
                        .iter()
                        .filter(|(who, s)| *who == m && *s < schools)
                        .map(|(_, s)| names[*s].as_str())
                        .collect();
                    member(&ids[m], ROLES[m % ROLES.len()], &mine)
                })
                .collect();
            let panel = panel(ms);
            let away: Vec<&str> = away.iter().filter(|m| **m < members).map(|m| ids[*m].as_str()).collect();
            let meeting = meeting(&away, &[]);
            let items: Vec<AgendaItem> = names.iter().map(|s| item(s)).collect();
            let mut knows: BTreeMap<SchoolId, BTreeSet<MemberId>> = BTreeMap::new();
            for (m, s) in known.iter().filter(|(m, s)| *m < members && *s < schools) {
                knows.entry(names[*s].parse().unwrap()).or_default().insert(ids[*m].parse().unwrap());
            }
            let readers = suggest(&panel, &meeting, &items, &knows);
            prop_assert_eq!(readers.len(), items.len());
            let mut load: BTreeMap<MemberId, usize> = BTreeMap::new();
            for (r, it) in readers.iter().zip(&items) {
                for m in [&r.lead, &r.second].into_iter().flatten() {
                    prop_assert!(may_read(&panel, &meeting, m, &it.school), "{m} may not read {}", it.school);
                    *load.entry(m.clone()).or_default() += 1;
                }
                if let (Some(l), Some(s)) = (&r.lead, &r.second) {
                    prop_assert_ne!(l, s);
                }
                // Two readers whenever two may read it.
                let may = panel.members.iter().filter(|m| may_read(&panel, &meeting, &m.id, &it.school)).count();
                let given = usize::from(r.lead.is_some()) + usize::from(r.second.is_some());
                prop_assert_eq!(given, may.min(2));
            }
            if affiliated.iter().all(|(m, s)| *m >= members || *s >= schools) {
                let free: Vec<usize> = panel
                    .members
                    .iter()
                    .filter(|m| !meeting.apologies.contains(&m.id))
                    .map(|m| load.get(&m.id).copied().unwrap_or(0))
                    .collect();
                let (lo, hi) = (free.iter().min().copied().unwrap_or(0), free.iter().max().copied().unwrap_or(0));
                prop_assert!(hi - lo <= 1, "loads {free:?}");
            }
        }
    }
}
