//! Words and sentences for synthetic submissions: plausible prose of realistic length, so that
//! parsing, comparing and drawing cost what they would on real files.

use fastrand::Rng;

pub const TOWNS: [&str; 16] = [
    "Ashford",
    "Barnet",
    "Bishop's Stortford",
    "Borehamwood",
    "Broxbourne",
    "Buntingford",
    "Harpenden",
    "Hatfield",
    "Hemel Hempstead",
    "Hertford",
    "Hitchin",
    "Letchworth",
    "Royston",
    "St Albans",
    "Stevenage",
    "Watford",
];

pub const NAMES: [&str; 24] = [
    "Ash", "Beech", "Birch", "Brook", "Castle", "Cedar", "Chestnut", "Elm", "Fern", "Field",
    "Garden", "Hazel", "Heath", "Holly", "Lark", "Maple", "Meadow", "Mill", "Oak", "Orchard",
    "Park", "River", "Rowan", "Willow",
];

pub const SUFFIXES: [&str; 8] = [
    "field", "wood", "side", "gate", "bury", "ley", "mead", "croft",
];

pub const FIRST: [&str; 20] = [
    "Aisha", "Ben", "Chloe", "Daniel", "Ella", "Farah", "George", "Hana", "Isaac", "Jess", "Kofi",
    "Laura", "Mohammed", "Nina", "Oliver", "Priya", "Rachel", "Sam", "Tariq", "Zoe",
];

pub const LAST: [&str; 20] = [
    "Ahmed", "Bennett", "Clarke", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal", "Jones",
    "Khan", "Lewis", "Morgan", "Nowak", "Okafor", "Patel", "Quinn", "Reid", "Singh", "Taylor",
];

const SUBJECTS: [&str; 14] = [
    "The senior mental health lead",
    "Our wellbeing team",
    "The pastoral team",
    "Class teachers",
    "The governor for wellbeing",
    "The school council",
    "Teaching assistants",
    "The SENCo",
    "Our wellbeing ambassadors",
    "The leadership team",
    "The family support worker",
    "Form tutors",
    "The school nurse",
    "Midday supervisors",
];

const VERBS: [&str; 14] = [
    "reviewed",
    "introduced",
    "extended",
    "led",
    "monitored",
    "rewrote",
    "planned",
    "evaluated",
    "shared",
    "piloted",
    "improved",
    "supported",
    "surveyed",
    "trained staff on",
];

const OBJECTS: [&str; 18] = [
    "the wellbeing policy",
    "the pupil survey",
    "the referral pathway to local services",
    "the calm room timetable",
    "termly check-ins with vulnerable pupils",
    "the staff wellbeing survey",
    "the transition programme",
    "the PSHE scheme of work",
    "workshops for parents and carers",
    "the anti-bullying charter",
    "the worry box routine",
    "the emotion coaching approach",
    "the attendance support plan",
    "lunchtime clubs for quieter pupils",
    "the peer mentoring scheme",
    "the early help offer",
    "the critical incident plan",
    "the wellbeing section of the website",
];

const RESULTS: [&str; 14] = [
    "and attendance at the sessions has risen each term",
    "which pupils say has made it easier to ask for help",
    "and the number of open concerns has fallen",
    "although we have not yet measured the effect",
    "and staff confidence scores rose from 58% to 74%",
    "which parents rated highly in the summer survey",
    "but take-up among older pupils is still low",
    "so that every class now has a named adult",
    "and the waiting list has halved since September",
    "which the governors now review each term",
    "but it depends too much on one member of staff",
    "and we will evaluate it again in the spring",
    "so that referrals now reach the right service sooner",
    "which has given quieter pupils a voice",
];

/// A sentence of a reflection.
pub fn sentence(rng: &mut Rng) -> String {
    format!(
        "{} {} {} {}.",
        pick(rng, &SUBJECTS),
        pick(rng, &VERBS),
        pick(rng, &OBJECTS),
        pick(rng, &RESULTS)
    )
}

/// A paragraph of `n` sentences.
pub fn paragraph(rng: &mut Rng, n: usize) -> String {
    (0..n).map(|_| sentence(rng)).collect::<Vec<_>>().join(" ")
}

/// A short phrase (a strength, a gap, an evidence title).
pub fn phrase(rng: &mut Rng) -> String {
    let object = pick(rng, &OBJECTS);
    let mut out = object.to_owned();
    if let Some(first) = out.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    out
}

/// An action's text and its measure of success.
pub fn action(rng: &mut Rng) -> (String, String) {
    let text = format!(
        "{} {} so that {}.",
        [
            "Review",
            "Introduce",
            "Extend",
            "Evaluate",
            "Relaunch",
            "Plan"
        ][rng.usize(..6)],
        pick(rng, &OBJECTS),
        [
            "every pupil knows whom to talk to",
            "staff feel confident to respond to concerns",
            "parents and carers are involved from the start",
            "support reaches pupils before problems escalate",
            "the work does not depend on one person",
            "we can show its impact to governors",
        ][rng.usize(..6)]
    );
    let success = format!(
        "{} by the end of the {} term, checked against the {}.",
        [
            "At least 80% of pupils say they have a trusted adult",
            "All staff complete the training",
            "Termly reports reach the full governing body",
            "Two thirds of parents attend at least one session",
            "The waiting list is under four weeks",
            "The survey shows an improvement of ten points",
        ][rng.usize(..6)],
        ["autumn", "spring", "summer"][rng.usize(..3)],
        [
            "pupil survey",
            "staff survey",
            "referral log",
            "attendance data"
        ][rng.usize(..4)]
    );
    (text, success)
}

pub fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.usize(..items.len())]
}
