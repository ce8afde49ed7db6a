//! Every model value, written as the tool writes files, reads back unchanged through the
//! readers' parse, and what is written passes the checks `validate` applies to files.

use kitemark::model::format::{conflict_marker, control_characters, parse_document, to_ron};
use kitemark::model::text::written_problems;
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::strategies;

fn round_trips<T>(value: &T) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let text = to_ron(value).map_err(|e| TestCaseError::fail(format!("not written: {e}")))?;
    let back: T = parse_document(&text)
        .map_err(|e| TestCaseError::fail(format!("{e} at {:?} in\n{text}", e.position)))?;
    prop_assert_eq!(&back, value, "written as\n{}", text);
    // A value with no text the model refuses must make a file `validate` accepts.
    if written_problems(value).is_empty() {
        prop_assert_eq!(control_characters(&text), vec![], "written as\n{}", text);
        prop_assert_eq!(conflict_marker(&text), None, "written as\n{}", text);
    }
    Ok(())
}

proptest! {
    #![proptest_config(crate::config(48, "tests/props/regressions/round_trip.txt"))]

    #[test]
    fn school_profiles(value in strategies::school()) {
        round_trips(&value)?;
    }

    #[test]
    fn self_reviews(value in strategies::self_review()) {
        round_trips(&value)?;
    }

    #[test]
    fn action_plans(value in strategies::action_plan()) {
        round_trips(&value)?;
    }

    #[test]
    fn decisions(value in strategies::decision()) {
        round_trips(&value)?;
    }

    #[test]
    fn meetings(value in strategies::meeting()) {
        round_trips(&value)?;
    }

    #[test]
    fn panels(value in strategies::panel()) {
        round_trips(&value)?;
    }

    #[test]
    fn rubrics(value in strategies::rubric()) {
        round_trips(&value)?;
    }
}
