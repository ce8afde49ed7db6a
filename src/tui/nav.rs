//! Where the user is and how they got there: a stack of the screens they came through, so
//! that going back is one rule for every screen (gitui's `PopupStack`).

use super::tag::ScreenId;

/// The screen on show and the way back from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nav {
    current: ScreenId,
    /// The screens the current one was reached through, the most recent last.
    way_back: Vec<ScreenId>,
}

impl Default for Nav {
    fn default() -> Self {
        Nav {
            current: ScreenId::Agenda,
            way_back: Vec::new(),
        }
    }
}

impl Nav {
    pub fn current(&self) -> ScreenId {
        self.current
    }

    /// Shows a screen. The agenda and the schools are where work starts: showing one
    /// forgets the way there. A screen already on the way back is returned to, as if by going
    /// back; any other is reached from the screen on show.
    pub fn show(&mut self, id: ScreenId) {
        if id == self.current {
            return;
        }
        if matches!(id, ScreenId::Agenda | ScreenId::Schools) {
            self.way_back.clear();
        } else if let Some(at) = self.way_back.iter().position(|s| *s == id) {
            self.way_back.truncate(at);
        } else {
            self.way_back.push(self.current);
        }
        self.current = id;
    }

    /// Goes back to the most recent screen on the way back that is still open; to the
    /// agenda if none is. Returns whether the screen on show changed.
    pub fn back(&mut self, is_open: impl Fn(ScreenId) -> bool) -> bool {
        let before = self.current;
        while let Some(id) = self.way_back.pop() {
            if is_open(id) {
                self.current = id;
                return true;
            }
        }
        if !matches!(before, ScreenId::Agenda | ScreenId::Schools) {
            self.current = ScreenId::Agenda;
        }
        self.current != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ScreenId::*;

    #[test]
    fn back_retraces_the_way_and_stops_at_where_work_started() {
        let mut nav = Nav::default();
        for id in [Schools, Submission, Diff, Decision] {
            nav.show(id);
        }
        let open = |_| true;
        assert!(nav.back(open));
        assert_eq!(nav.current(), Diff);
        assert!(nav.back(open));
        assert_eq!(nav.current(), Submission);
        assert!(nav.back(open));
        assert_eq!(nav.current(), Schools);
        assert!(!nav.back(open), "the schools are where this way started");
        assert_eq!(nav.current(), Schools);
    }

    #[test]
    fn returning_to_a_screen_on_the_way_forgets_the_way_after_it() {
        let mut nav = Nav::default();
        nav.show(Submission);
        nav.show(Diff);
        nav.show(Submission);
        assert!(nav.back(|_| true));
        assert_eq!(nav.current(), Agenda);
    }

    #[test]
    fn closed_screens_are_passed_over() {
        let mut nav = Nav::default();
        nav.show(Submission);
        nav.show(Decision);
        nav.show(History);
        assert!(nav.back(|id| id != Decision));
        assert_eq!(nav.current(), Submission);
    }
}
