//! Schools' workbooks read back: the same days whichever program saved them.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use kitemark::model::format::from_ron;
use kitemark::model::{Rubric, RubricId};
use kitemark::workbook::read::read_workbook;

/// The bundled rubrics, as the panel holds them.
fn bundled_rubrics() -> BTreeMap<RubricId, Rubric> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rubrics");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let rubric: Rubric = from_ron(&text).unwrap();
            (rubric.id.clone(), rubric)
        })
        .collect()
}

fn workbook(name: &str) -> PathBuf {
    common::fixtures().join("workbooks").join(name)
}

#[test]
fn excel_1904_dates_and_libreoffice_dates_read_to_the_same_days() {
    let rubrics = bundled_rubrics();
    let from_excel =
        read_workbook(&workbook("dates-1904.xlsx"), &rubrics).unwrap_or_else(|p| panic!("{p:#?}"));
    let from_libreoffice =
        read_workbook(&workbook("dates.ods"), &rubrics).unwrap_or_else(|p| panic!("{p:#?}"));
    let day = |y, m, d| jiff::civil::date(y, m, d);
    for read in [&from_excel, &from_libreoffice] {
        assert_eq!(read.review.submitted, day(2026, 10, 3));
        assert_eq!(read.plan.updated, day(2026, 11, 2));
        let dates: Vec<_> = read.plan.actions.iter().map(|a| (a.start, a.due)).collect();
        assert_eq!(
            dates,
            [
                (day(2026, 9, 7), day(2027, 7, 16)),
                (day(2026, 9, 1), day(2027, 3, 31)),
            ]
        );
    }
    // Everything else reads alike too: line breaks, evidence, the new action's id.
    assert_eq!(from_excel, from_libreoffice);
    assert_eq!(from_excel.plan.actions[1].id.as_str(), "SV-3");
    assert_eq!(
        from_excel.review.summary,
        "Our fourth year with the kitemark.\nStaff training is now routine."
    );
}
