//! What the model's unit tests build their cases from: a small panel of members, a meeting
//! and its items, and the catalog of the base fixture repository (`tests/fixtures/base`).

use std::collections::BTreeMap;

use super::catalog::Catalog;
use super::meeting::{AgendaItem, Conflict, ConflictKind, Meeting};
use super::panel::{Member, Panel, Quorum, Role};

/// A file of the base fixture repository, parsed.
macro_rules! base_fixture {
    ($path:literal) => {
        crate::model::format::from_ron(include_str!(concat!("../../tests/fixtures/base/", $path)))
            .unwrap()
    };
}
pub(crate) use base_fixture;

/// The base fixture's panel, rubric, school and meeting, with no decision recorded.
pub fn base_catalog() -> Catalog {
    let rubric: super::Rubric = base_fixture!("rubrics/mini.ron");
    let school: super::School = base_fixture!("submissions/oak/school.ron");
    let meeting: Meeting = base_fixture!("meetings/2025-11-12.ron");
    Catalog {
        panel: base_fixture!("panel.ron"),
        rubrics: BTreeMap::from([(rubric.id.clone(), rubric)]),
        schools: BTreeMap::from([(school.id.clone(), school)]),
        years: BTreeMap::from([("oak".parse().unwrap(), vec!["2025-26".parse().unwrap()])]),
        meetings: BTreeMap::from([(meeting.date, meeting)]),
        decisions: Vec::new(),
        conditions_met: Vec::new(),
        reviews: Vec::new(),
        proceedings: Default::default(),
    }
}

pub fn member(id: &str, role: Role, affiliations: &[&str]) -> Member {
    Member {
        id: id.parse().unwrap(),
        name: id.to_owned(),
        email: format!("{id}@example.org"),
        role,
        organisation: String::new(),
        affiliations: affiliations.iter().map(|s| s.parse().unwrap()).collect(),
        administrator: false,
        keys: Vec::new(),
    }
}

pub fn panel(members: Vec<Member>) -> Panel {
    Panel {
        name: "Test panel".into(),
        default_rubric: "hymh-kitemark".parse().unwrap(),
        quorum: Quorum {
            min_present: 2,
            min_agencies: 0,
        },
        members,
        require_signatures: false,
    }
}

/// A meeting chaired by `m0`, each conflict `(member, school)` declared as personal.
pub fn meeting(
    present: &[&str],
    apologies: &[&str],
    conflicts: &[(&str, &str)],
    agenda: &[AgendaItem],
) -> Meeting {
    let ids = |v: &[&str]| v.iter().map(|s| s.parse().unwrap()).collect();
    Meeting {
        date: jiff::civil::date(2026, 12, 2),
        chair: "m0".parse().unwrap(),
        location: String::new(),
        present: ids(present),
        apologies: ids(apologies),
        conflicts: conflicts
            .iter()
            .map(|(m, s)| Conflict {
                member: m.parse().unwrap(),
                school: s.parse().unwrap(),
                kind: ConflictKind::Personal,
                reason: "governor".into(),
            })
            .collect(),
        agenda: agenda.to_vec(),
        notes: String::new(),
        readers: Vec::new(),
    }
}

/// The school's annual review of 2026-27.
pub fn item(school: &str) -> AgendaItem {
    AgendaItem {
        school: school.parse().unwrap(),
        year: "2026-27".parse().unwrap(),
        kind: "annual-review".parse().unwrap(),
    }
}
