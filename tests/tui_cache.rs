//! The interface opened again on a commit it showed before: the agenda and the schools come
//! from the cache at once, exactly as the full read shows them, and the full read follows.

mod common;

use std::time::Duration;

use common::tui::Harness;
use common::{Sandbox, hermetic_git2};
use kitemark::tui::app::AppEvent;
use kitemark::tui::loader::Response;
use kitemark::tui::theme::ThemeKind;

/// The screen without its last two rows (the footer's keys and the status line, which say
/// what is still being read).
fn body(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[..lines.len() - 2].join("\n")
}

/// What the loader answered, as far as these tests care.
#[derive(PartialEq)]
enum Answer {
    Glance,
    Opened,
    Other,
}

/// Handles the loader's answers until nothing more is awaited, calling `after` once each is
/// handled, with what it was and whether the app was ready before it.
fn settle_seeing(harness: &mut Harness, mut after: impl FnMut(&mut Harness, Answer, bool)) {
    while harness.app.is_loading() {
        let event = harness
            .events
            .recv_timeout(Duration::from_secs(20))
            .expect("the loader answers");
        let answer = match &event {
            AppEvent::Loaded(l) if matches!(l.response, Response::Glance(_)) => Answer::Glance,
            AppEvent::Loaded(l) if matches!(l.response, Response::Opened(_)) => Answer::Opened,
            _ => Answer::Other,
        };
        let ready = harness.app.is_ready();
        harness.app.handle(event);
        after(harness, answer, ready);
    }
}

#[test]
fn a_commit_opened_before_shows_its_agenda_and_schools_before_the_rest_is_read() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let demo = sandbox.demo();
    let mut first = Harness::open(&demo, 140, 40, ThemeKind::Default, false);
    let agenda = first.screen();
    first.keys("2");
    let schools = first.screen();
    drop(first);

    let mut second = Harness::start(&demo, 140, 40, ThemeKind::Default, false);
    // Nothing is answered yet: the spinner.
    assert!(!second.screen().contains("Agenda of the meeting"));
    let mut glanced = None;
    let mut opened = None;
    settle_seeing(&mut second, |second, answer, ready| {
        if answer == Answer::Glance {
            assert!(!ready, "a glance arrived after the repository was read");
            assert!(
                !second.app.is_ready(),
                "a glance is not the whole repository"
            );
            glanced = Some(second.screen());
        }
        if answer == Answer::Opened {
            opened = Some(second.screen());
        }
    });
    let glanced = glanced.expect("the second opening showed a glance from the cache");
    // The evidence rules are checked after the agenda is shown, from the glance or not.
    let opened = opened.expect("the repository was read");
    assert_eq!(
        body(&glanced),
        body(&opened),
        "the glance is the agenda as read"
    );
    assert_eq!(body(&second.screen()), body(&agenda));
    second.keys("2");
    assert_eq!(second.screen(), schools);
}

#[test]
fn keys_pressed_on_a_glance_are_handled_once_the_repository_is_read() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let demo = sandbox.demo();
    let mut first = Harness::open(&demo, 140, 40, ThemeKind::Default, false);
    first.keys("2j");
    let schools = first.screen();
    drop(first);

    let mut second = Harness::start(&demo, 140, 40, ThemeKind::Default, false);
    let mut pressed = false;
    settle_seeing(&mut second, |second, answer, _| {
        if answer == Answer::Glance {
            // On the glance: to the schools, one down; neither is lost.
            second.keys("2j");
            pressed = true;
        }
    });
    assert!(pressed, "the second opening showed a glance from the cache");
    assert_eq!(second.screen(), schools);
}
