//! The year-on-year comparison's costs: two 2,000-action plans, a 10 MB single line (which
//! must come back quickly, compared coarsely, with a note), and drawing the comparison view
//! at 200×60. Run with `cargo bench --bench diff`.

use std::sync::Arc;

use jiff::civil::date;
use kitemark::diff::rows::{LayoutOptions, RowOptions, lay_out, rows};
use kitemark::diff::text::{Budget, diff_text};
use kitemark::diff::{Comparison, TIME_BUDGET, Year, compare};
use kitemark::model::format::from_ron;
use kitemark::model::{Action, ActionPlan, ActionStatus, Rubric, SelfReview};
use kitemark::tui::screens::diff::DiffScreen;
use kitemark::tui::theme::{Theme, ThemeKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn main() {
    divan::main();
}

/// A small, fixed pseudo-random sequence: the same plans on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

const WORDS: [&str; 24] = [
    "pupils",
    "staff",
    "wellbeing",
    "termly",
    "survey",
    "governors",
    "parents",
    "workshop",
    "training",
    "support",
    "mental",
    "health",
    "lead",
    "review",
    "plan",
    "ambassadors",
    "class",
    "SDQ",
    "Boxall",
    "referral",
    "assembly",
    "nurture",
    "group",
    "report",
];

fn sentence(rng: &mut Lcg, words: usize) -> String {
    let mut s: Vec<&str> = (0..words)
        .map(|_| WORDS[rng.next(WORDS.len() as u64) as usize])
        .collect();
    s[0] = "Run";
    format!("{}.", s.join(" "))
}

fn rubric() -> Rubric {
    from_ron(include_str!("../rubrics/hymh-kitemark.ron")).expect("the bundled rubric parses")
}

/// Two years' plans of `n` actions: most carried over, some reworded, re-dated, re-owned,
/// done, dropped, renumbered, moved, and some new.
fn plans(n: usize) -> (ActionPlan, ActionPlan) {
    let rubric = rubric();
    let mut rng = Lcg(7);
    let statuses = [
        ActionStatus::NotStarted,
        ActionStatus::InProgress,
        ActionStatus::Done,
    ];
    let earlier: Vec<Action> = (0..n)
        .map(|i| {
            let area = &rubric.areas[i % rubric.areas.len()];
            Action {
                id: format!("{}-{}", area.code, i)
                    .parse()
                    .expect("an action id"),
                area: area.id.clone(),
                text: sentence(&mut rng, 12),
                owner: "Mental health lead".into(),
                start: date(2024, 9, 2),
                due: date(2025, 7, 18),
                success: sentence(&mut rng, 10),
                status: statuses[i % 3],
                progress: sentence(&mut rng, 8),
            }
        })
        .collect();
    let mut later = Vec::new();
    for a in &earlier {
        let mut b = a.clone();
        match rng.next(20) {
            0 => continue, // dropped or completed and removed
            1 => b.text = format!("{} and report termly.", b.text.trim_end_matches('.')), // reworded
            2 => b.due = date(2026, 3, 27),             // re-dated
            3 => b.owner = "Deputy headteacher".into(), // re-owned
            4 => b.status = ActionStatus::Done,         // done
            5 => b.id = format!("{}x", b.id).parse().expect("an action id"), // renumbered
            6 => b.area = rubric.areas[0].id.clone(),   // moved
            _ => {}
        }
        b.progress = sentence(&mut rng, 8);
        later.push(b);
    }
    for i in 0..n / 20 {
        let area = &rubric.areas[i % rubric.areas.len()];
        later.push(Action {
            id: format!("{}-new{i}", area.code)
                .parse()
                .expect("an action id"),
            area: area.id.clone(),
            text: sentence(&mut rng, 12),
            owner: "PSHE lead".into(),
            start: date(2025, 9, 1),
            due: date(2026, 7, 17),
            success: sentence(&mut rng, 10),
            status: ActionStatus::NotStarted,
            progress: String::new(),
        });
    }
    let plan = |year: &str, actions| ActionPlan {
        school: "bench-school".parse().expect("a school id"),
        year: year.parse().expect("a year"),
        updated: date(2025, 1, 1),
        actions,
    };
    (plan("2024-25", earlier), plan("2025-26", later))
}

fn side(plan: &ActionPlan) -> Year<'_> {
    Year {
        year: plan.year,
        review: None,
        plan: Some(plan),
        review_text: None,
        plan_text: None,
    }
}

fn comparison(earlier: &ActionPlan, later: &ActionPlan) -> Comparison {
    compare(
        &"bench-school".parse().expect("a school id"),
        side(earlier),
        side(later),
        Some(&rubric()),
        &Budget::new(TIME_BUDGET),
    )
}

#[divan::bench(sample_count = 10)]
fn diff_two_2000_action_plans(bencher: divan::Bencher) {
    let (earlier, later) = plans(2000);
    bencher.bench(|| comparison(&earlier, &later));
}

#[divan::bench(sample_count = 10)]
fn rows_and_layout_of_2000_actions_at_200_columns(bencher: divan::Bencher) {
    let (earlier, later) = plans(2000);
    let c = comparison(&earlier, &later);
    bencher.bench(|| {
        let rows = rows(&c, RowOptions::default());
        lay_out(
            &rows,
            LayoutOptions {
                width: 197,
                unified: false,
                wrap: true,
                markers: false,
            },
        )
        .len()
    });
}

#[divan::bench(sample_count = 10)]
fn ten_megabyte_single_line(bencher: divan::Bencher) {
    // Two different 10 MB lines: compared coarsely within the budget, with a note.
    let old = "a ".repeat(5_000_000);
    let new = "b ".repeat(5_000_000);
    bencher.bench(|| {
        let change = diff_text(&old, &new, &Budget::new(std::time::Duration::from_secs(1)));
        assert!(change.note.is_some());
        change
    });
}

#[divan::bench(sample_count = 10)]
fn ten_megabyte_reflection_through_the_whole_view(bencher: divan::Bencher) {
    let review: SelfReview = from_ron(include_str!(
        "../tests/fixtures/base/submissions/oak/2025-26/self-review.ron"
    ))
    .expect("the fixture parses");
    let mut huge = review.clone();
    huge.areas[0].reflection = "word ".repeat(2_000_000);
    let rubric: Rubric = from_ron(include_str!("../tests/fixtures/base/rubrics/mini.ron"))
        .expect("the fixture parses");
    bencher.bench(|| {
        let year = |review| Year {
            year: "2025-26".parse().expect("a year"),
            review: Some(review),
            plan: None,
            review_text: None,
            plan_text: None,
        };
        let c = compare(
            &"oak".parse().expect("a school id"),
            Year {
                year: "2024-25".parse().expect("a year"),
                ..year(&review)
            },
            year(&huge),
            Some(&rubric),
            &Budget::new(std::time::Duration::from_secs(1)),
        );
        let rows = rows(&c, RowOptions::default());
        lay_out(
            &rows,
            LayoutOptions {
                width: 197,
                unified: false,
                wrap: true,
                markers: false,
            },
        )
        .len()
    });
}

fn screen() -> DiffScreen {
    let (earlier, later) = plans(2000);
    let mut screen = DiffScreen::new(
        "bench-school".parse().expect("a school id"),
        "Bench School".into(),
        earlier.year,
        later.year,
        vec![earlier.year, later.year],
        "0000000".into(),
    );
    screen.set_data(Ok(Arc::new(comparison(&earlier, &later))));
    screen
}

#[divan::bench(sample_count = 50)]
fn render_diff_view_200x60(bencher: divan::Bencher) {
    let mut screen = screen();
    let theme = Theme::new(ThemeKind::Default, true);
    let mut terminal = Terminal::new(TestBackend::new(200, 60)).expect("a test terminal");
    // The first frame builds the rows and lays them out; the frames measured only draw.
    terminal
        .draw(|f| screen.draw(f, f.area(), &theme, ""))
        .expect("a frame");
    let mut step = 0;
    bencher.bench_local(|| {
        step = (step + 37) % 5000;
        screen.scroll = step;
        terminal
            .draw(|f| screen.draw(f, f.area(), &theme, ""))
            .expect("a frame");
    });
}

#[divan::bench(sample_count = 10)]
fn first_diff_frame_200x60_with_layout(bencher: divan::Bencher) {
    let theme = Theme::new(ThemeKind::Default, true);
    bencher
        .with_inputs(|| {
            (
                screen(),
                Terminal::new(TestBackend::new(200, 60)).expect("a test terminal"),
            )
        })
        .bench_local_values(|(mut screen, mut terminal)| {
            terminal
                .draw(|f| screen.draw(f, f.area(), &theme, ""))
                .expect("a frame");
        });
}
