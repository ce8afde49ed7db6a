//! The decision form: outcome, who takes part and who records, each area's judgement and
//! feedback, the overall feedback, conditions, an override reason, and a preview of exactly
//! what will be committed. The fields are listed on the left; the selected one is edited on
//! the right. Everything typed is saved as a draft as it is typed (by the app).

use std::collections::BTreeSet;
use std::sync::Arc;

use jiff::civil::Date;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::record::{self, FormBody, Offer, Reply, SaveState, Shell, draw_draft_stage};
use crate::model::catalog::{Catalog, submission_rubric};
use crate::model::decide::{condition_findings, conflicts, default_participants};
use crate::model::draft::{AreaDraft, DecisionDraft, parse_conditions, parse_scores};
use crate::model::text::clean;
use crate::model::{
    AcademicYear, AreaId, KindId, LevelId, MemberId, OutcomeId, RubricId, SchoolId,
};
use crate::tui::edit::Editor;
use crate::tui::keymap::{Action, KeyMap};
use crate::tui::loader::{Request, Response};
use crate::tui::screen::{About, Chosen, Cx, DrawCx, Footer, Screen};
use crate::tui::tag::{ScreenId, Tag};
use crate::tui::theme::Theme;
use crate::tui::view::{AgendaRow, OpenedView};
use crate::tui::view::{RuleView, SubmissionView};
use crate::tui::widgets::{ListHit, block, contains, draw_lines, draw_text, ellipsis as fit};
use crate::tui::wrap::wrap;

/// An outcome the decision kind allows.
#[derive(Debug, Clone)]
pub struct OutcomeChoice {
    pub id: OutcomeId,
    pub title: String,
    pub description: String,
    pub needs_conditions: bool,
}

/// Whether a member may take part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    Eligible,
    /// Not recorded as present (with apologies, or simply not there).
    Absent(String),
    Conflicted(String),
}

#[derive(Debug, Clone)]
pub struct MemberChoice {
    pub id: MemberId,
    pub name: String,
    pub detail: String,
    pub standing: Standing,
}

#[derive(Debug, Clone)]
pub struct AreaChoice {
    pub id: AreaId,
    pub code: String,
    pub title: String,
}

/// What the form offers, worked out from the repository's catalog when it opens.
#[derive(Debug, Clone)]
pub struct DecisionContext {
    pub school: SchoolId,
    pub school_name: String,
    pub year: AcademicYear,
    pub kind: KindId,
    pub kind_title: String,
    pub meeting: Date,
    /// The rubric the form offers: the one the submission's self-review names, else the
    /// school's.
    pub rubric: RubricId,
    pub outcomes: Vec<OutcomeChoice>,
    pub levels: Vec<(LevelId, String)>,
    pub areas: Vec<AreaChoice>,
    pub members: Vec<MemberChoice>,
    pub chair: Option<MemberId>,
    /// The rubric's evidence and eligibility rules for this item, as the agenda shows them.
    pub rules: Vec<RuleView>,
    /// Whether the rubric grades, so that the panel confirms or moderates the school's scores.
    pub grades: bool,
    catalog: Arc<Catalog>,
    /// The members' reviews of the item, the lead's first, and the readers whose review is
    /// not in yet.
    pub reviews: Vec<ReviewShown>,
    /// `2/2`, with a flag where the reviews disagree; empty where nobody reads the item.
    pub reviews_count: String,
}

/// One reader's review as the form shows it beside the fields.
#[derive(Debug, Clone)]
pub struct ReviewShown {
    pub reviewer: String,
    /// "lead", "second", or empty for a review by someone not confirmed as a reader.
    pub role: &'static str,
    /// The outcome's title and id; `None` where the review is not in yet.
    pub recommendation: Option<String>,
    pub summary: String,
    /// Area (code and title) and the note on it.
    pub areas: Vec<(String, String)>,
    pub questions: Vec<String>,
}

/// The reviews of an item at its meeting, for the pane beside the fields.
fn reviews_shown(
    catalog: &Catalog,
    meeting: Option<&crate::model::Meeting>,
    item: &crate::model::AgendaItem,
    rubric: &crate::model::Rubric,
) -> (Vec<ReviewShown>, String) {
    let Some(meeting) = meeting else {
        return (Vec::new(), String::new());
    };
    let reviews = crate::model::enbloc::item_reviews(catalog, meeting, item);
    let readers = meeting.readers_of(item);
    let name = |id: &MemberId| crate::tui::view::member_name(catalog, id);
    let role = |id: &MemberId| match readers {
        Some(r) if &r.lead == id => "lead",
        Some(r) if r.second.as_ref() == Some(id) => "second",
        _ => "",
    };
    let mut shown: Vec<ReviewShown> = reviews
        .reviews
        .iter()
        .map(|v| ReviewShown {
            reviewer: name(&v.reviewer),
            role: role(&v.reviewer),
            recommendation: Some(rubric.outcome(&item.kind, &v.recommendation).map_or_else(
                || clean(v.recommendation.as_str()),
                |o| format!("{} ({})", clean(&o.title), clean(v.recommendation.as_str())),
            )),
            summary: clean(&v.summary),
            areas: v
                .areas
                .iter()
                .map(|a| {
                    let area = rubric.areas.iter().find(|r| r.id == a.area).map_or_else(
                        || clean(a.area.as_str()),
                        |r| clean(&format!("{} {}", r.code, r.title)),
                    );
                    (area, clean(&a.note))
                })
                .collect(),
            questions: v.questions.iter().map(|q| clean(q)).collect(),
        })
        .collect();
    for id in readers.iter().flat_map(|r| r.members()) {
        if !reviews.reviews.iter().any(|v| &v.reviewer == id) {
            shown.push(ReviewShown {
                reviewer: name(id),
                role: role(id),
                recommendation: None,
                summary: String::new(),
                areas: Vec::new(),
                questions: Vec::new(),
            });
        }
    }
    let count = if shown.is_empty() {
        String::new()
    } else if reviews.disagree() {
        format!("{}/{} ⚑", reviews.reviews.len(), reviews.expected)
    } else {
        format!("{}/{}", reviews.reviews.len(), reviews.expected)
    };
    (shown, count)
}

impl DecisionContext {
    /// The form for an agenda item, or why there cannot be one. `named` is the rubric the
    /// submission's self-review names, once it has been read.
    pub fn new(
        catalog: Arc<Catalog>,
        school: &SchoolId,
        year: AcademicYear,
        kind: &KindId,
        meeting: Date,
        rules: Vec<RuleView>,
        named: Option<&RubricId>,
    ) -> Result<DecisionContext, String> {
        let rubric = submission_rubric(
            &catalog.rubrics,
            named,
            catalog.schools.get(school),
            Some(&catalog.panel),
        )
        .ok_or_else(|| format!("the rubric of {school} is not in rubrics/"))?;
        let decision_kind = rubric
            .kind(kind)
            .ok_or_else(|| format!("{kind} is not a decision kind of {}", rubric.id))?;
        let recorded = catalog.meetings.get(&meeting);
        let excluded = conflicts(&catalog.panel, recorded, school);
        let members = catalog
            .panel
            .members
            .iter()
            .map(|m| {
                let standing = if let Some(c) = excluded.iter().find(|c| c.member == m.id) {
                    Standing::Conflicted(clean(&c.reason))
                } else {
                    match recorded {
                        Some(r) if r.present.contains(&m.id) => Standing::Eligible,
                        Some(r) if r.apologies.contains(&m.id) => {
                            Standing::Absent("apologies".into())
                        }
                        Some(r) if r.present.is_empty() => {
                            Standing::Absent("attendance not taken yet".into())
                        }
                        Some(_) => Standing::Absent("not recorded as present".into()),
                        None => Standing::Absent("attendance not recorded".into()),
                    }
                };
                let organisation = if m.organisation.is_empty() {
                    String::new()
                } else {
                    format!(", {}", clean(&m.organisation))
                };
                MemberChoice {
                    id: m.id.clone(),
                    name: clean(&m.name),
                    detail: format!("{}{organisation}", m.role.label()),
                    standing,
                }
            })
            .collect();
        let item = crate::model::AgendaItem {
            school: school.clone(),
            year,
            kind: kind.clone(),
        };
        let (reviews, reviews_count) = reviews_shown(&catalog, recorded, &item, rubric);
        Ok(DecisionContext {
            reviews,
            reviews_count,
            school: school.clone(),
            school_name: catalog
                .schools
                .get(school)
                .map_or_else(|| school.to_string(), |s| clean(&s.name)),
            year,
            kind: kind.clone(),
            kind_title: clean(&decision_kind.title),
            meeting,
            rubric: rubric.id.clone(),
            outcomes: decision_kind
                .outcomes
                .iter()
                .map(|o| OutcomeChoice {
                    id: o.id.clone(),
                    title: clean(&o.title),
                    description: clean(&o.description),
                    needs_conditions: o.needs_conditions,
                })
                .collect(),
            levels: rubric
                .judgement
                .iter()
                .map(|l| (l.id.clone(), clean(&l.label)))
                .collect(),
            areas: rubric
                .areas
                .iter()
                .map(|a| AreaChoice {
                    id: a.id.clone(),
                    code: clean(&a.code),
                    title: clean(&a.title),
                })
                .collect(),
            members,
            chair: recorded.map(|m| m.chair.clone()),
            grades: crate::model::scores::grades(rubric),
            rules,
            catalog,
        })
    }
}

/// The fields, in the order Tab visits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The members' reviews of the item, to read before deciding (only where there are any).
    Reviews,
    Outcome,
    Members,
    Recorder,
    Area(usize),
    Feedback,
    Conditions,
    /// Where the rubric grades: the criteria the panel scores differently from the school.
    Scores,
    /// Why it moderated them.
    Moderation,
    Override,
    Record,
}

/// Whether the keyboard is on the list of fields or inside one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    List,
    Field,
}

/// What the text fields say while empty.
const AREA_PLACEHOLDER: &str = "Feedback on this area (optional)";
const FEEDBACK_PLACEHOLDER: &str =
    "What the panel tells the school: strengths, what to develop, next steps";
/// The example on a line of its own, so that it reads as one.
const CONDITIONS_PLACEHOLDER: &str = "One per line: due date, then what the school must do\n2027-03-31 Share the revised policy with parents";
const OVERRIDE_PLACEHOLDER: &str = "Only if the panel awards although a rule above is not met: why";
const SCORES_PLACEHOLDER: &str =
    "Only where the panel scores a criterion differently: criterion=points, e.g. lm-2=2, ee-1=3";
const MODERATION_PLACEHOLDER: &str = "Why the panel moderated the school's scores";

fn text_area(text: &str, placeholder: &str) -> Editor {
    Editor::new(text, placeholder)
}

fn text_of(area: &Editor) -> String {
    area.text()
}

fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

/// The decision form's state.
pub struct DecisionForm {
    pub ctx: DecisionContext,
    outcome: Option<usize>,
    participants: BTreeSet<MemberId>,
    recorder: Option<MemberId>,
    judgements: Vec<Option<usize>>,
    area_text: Vec<Editor>,
    feedback: Editor,
    conditions: Editor,
    override_reason: Editor,
    moderated_scores: Editor,
    moderation_reason: Editor,
    /// The decision this form corrects, if it is a correction.
    supersedes: Option<String>,
    fields: Vec<Field>,
    pub selected: usize,
    pub focus: Focus,
    /// In an area: 0 the judgement, 1 the feedback.
    sub: usize,
    /// The highlighted choice in a list of choices.
    cursor: usize,
    /// The drafts, the preview and the recording, as every recording form has them.
    pub shell: Shell<DecisionDraft>,
    list_hit: ListHit,
    editor_rect: Rect,
    /// How far the reviews are scrolled.
    reviews_scroll: u16,
}

impl DecisionForm {
    /// A blank form: everyone present and not conflicted takes part; the chair records if
    /// they may.
    pub fn new(ctx: DecisionContext) -> DecisionForm {
        let participants: BTreeSet<MemberId> = default_participants(
            &ctx.catalog.panel,
            ctx.catalog.meetings.get(&ctx.meeting),
            &ctx.school,
        )
        .into_iter()
        .collect();
        let recorder = ctx
            .chair
            .clone()
            .filter(|c| participants.contains(c))
            .or_else(|| participants.iter().next().cloned());
        // The reviews come first where the item has readers: the panel reads them before
        // deciding. The form starts on them once one is in; before then there is nothing to
        // read, and it starts on the outcome as a form without readers does.
        let mut fields = if ctx.reviews.is_empty() {
            Vec::new()
        } else {
            vec![Field::Reviews]
        };
        let selected = usize::from(
            !ctx.reviews.is_empty() && !ctx.reviews.iter().any(|r| r.recommendation.is_some()),
        );
        fields.extend([Field::Outcome, Field::Members, Field::Recorder]);
        fields.extend((0..ctx.areas.len()).map(Field::Area));
        fields.extend([Field::Feedback, Field::Conditions]);
        if ctx.grades {
            fields.extend([Field::Scores, Field::Moderation]);
        }
        fields.extend([Field::Override, Field::Record]);
        let areas = ctx.areas.len();
        DecisionForm {
            outcome: None,
            participants,
            recorder,
            judgements: vec![None; areas],
            area_text: (0..areas)
                .map(|_| text_area("", AREA_PLACEHOLDER))
                .collect(),
            feedback: text_area("", FEEDBACK_PLACEHOLDER),
            conditions: text_area("", CONDITIONS_PLACEHOLDER),
            override_reason: text_area("", OVERRIDE_PLACEHOLDER),
            moderated_scores: text_area("", SCORES_PLACEHOLDER),
            moderation_reason: text_area("", MODERATION_PLACEHOLDER),
            supersedes: None,
            fields,
            selected,
            focus: Focus::List,
            sub: 0,
            cursor: 0,
            shell: Shell::new("decision"),
            list_hit: ListHit::default(),
            editor_rect: Rect::default(),
            reviews_scroll: 0,
            ctx,
        }
    }

    /// The draft's key: one per agenda item and meeting.
    pub fn draft_key(&self) -> String {
        self.draft().key()
    }

    /// The form as a draft, to save or to record.
    pub fn draft(&self) -> DecisionDraft {
        let ctx = &self.ctx;
        let mut draft =
            DecisionDraft::new(ctx.school.clone(), ctx.year, ctx.kind.clone(), ctx.meeting);
        draft.outcome = self.outcome.map(|i| ctx.outcomes[i].id.clone());
        draft.participants = self.participants.iter().cloned().collect();
        draft.recorder = self.recorder().cloned();
        draft.areas = ctx
            .areas
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                let judgement = self.judgements[i].map(|j| ctx.levels[j].0.clone());
                let feedback = text_of(&self.area_text[i]);
                (judgement.is_some() || !feedback.trim().is_empty()).then(|| AreaDraft {
                    area: a.id.clone(),
                    judgement,
                    feedback,
                })
            })
            .collect();
        draft.feedback = text_of(&self.feedback);
        draft.conditions = text_of(&self.conditions);
        draft.override_reason = text_of(&self.override_reason);
        if self.ctx.grades {
            draft.moderated_scores = text_of(&self.moderated_scores);
            draft.moderation_reason = text_of(&self.moderation_reason);
        }
        draft.supersedes = self.supersedes.clone();
        draft
    }

    /// Fills the form from a draft. Choices the repository no longer offers are dropped.
    pub fn restore(&mut self, draft: &DecisionDraft) {
        let ctx = &self.ctx;
        self.outcome = draft
            .outcome
            .as_ref()
            .and_then(|o| ctx.outcomes.iter().position(|c| &c.id == o));
        self.participants = draft.participants.iter().cloned().collect();
        self.recorder = draft.recorder.clone();
        for (i, area) in ctx.areas.iter().enumerate() {
            let saved = draft.areas.iter().find(|a| a.area == area.id);
            self.judgements[i] = saved
                .and_then(|s| s.judgement.as_ref())
                .and_then(|j| ctx.levels.iter().position(|(id, _)| id == j));
            self.area_text[i] =
                text_area(saved.map_or("", |s| s.feedback.as_str()), AREA_PLACEHOLDER);
        }
        self.feedback = text_area(&draft.feedback, FEEDBACK_PLACEHOLDER);
        self.conditions = text_area(&draft.conditions, CONDITIONS_PLACEHOLDER);
        self.override_reason = text_area(&draft.override_reason, OVERRIDE_PLACEHOLDER);
        self.moderated_scores = text_area(&draft.moderated_scores, SCORES_PLACEHOLDER);
        self.moderation_reason = text_area(&draft.moderation_reason, MODERATION_PLACEHOLDER);
        self.supersedes = draft.supersedes.clone();
        self.shell.revision += 1;
        self.shell.save = SaveState::Saved;
    }

    /// Takes a new context (after a reload), keeping what was typed and where the user was.
    pub fn rebind(&mut self, ctx: DecisionContext) {
        let draft = self.draft();
        let mut fresh = DecisionForm::new(ctx);
        fresh.restore(&draft);
        fresh.selected = self.selected.min(fresh.fields.len() - 1);
        fresh.focus = self.focus;
        fresh.sub = self.sub;
        fresh.cursor = self.cursor;
        fresh.shell.revision = self.shell.revision + 1;
        fresh.shell.save = std::mem::take(&mut self.shell.save);
        fresh.shell.offer = self.shell.offer.take();
        fresh.shell.looking = self.shell.looking;
        *self = fresh;
    }

    /// Offers back a draft found on disk, unless it says nothing a blank form does not.
    pub fn offer(&mut self, draft: DecisionDraft, saved: Option<String>) {
        let blank = DecisionForm::new(self.ctx.clone()).draft();
        if draft == blank {
            return;
        }
        let mut summary = Vec::new();
        if let Some(o) = &draft.outcome {
            let title = self
                .ctx
                .outcomes
                .iter()
                .find(|c| &c.id == o)
                .map_or_else(|| clean(o.as_str()), |c| c.title.clone());
            summary.push(format!("outcome: {title}"));
        }
        let judged = draft.areas.iter().filter(|a| a.judgement.is_some()).count();
        if judged > 0 {
            summary.push(format!("{judged} area judgement(s)"));
        }
        let area_words: usize = draft.areas.iter().map(|a| words(&a.feedback)).sum();
        let feedback_words = words(&draft.feedback);
        if area_words + feedback_words > 0 {
            summary.push(format!(
                "{} word(s) of feedback",
                area_words + feedback_words
            ));
        }
        let conditions = draft
            .conditions
            .lines()
            .filter(|l| !l.trim().is_empty())
            .count();
        if conditions > 0 {
            summary.push(format!("{conditions} condition(s)"));
        }
        if let Some(first) = draft.feedback.lines().find(|l| !l.trim().is_empty()) {
            let first: String = first.chars().take(60).collect();
            summary.push(format!("feedback begins “{}”", clean(&first)));
        }
        self.shell.offer = Some((Offer { saved, summary }, Box::new(draft)));
    }

    pub fn field(&self) -> Field {
        self.fields[self.selected.min(self.fields.len() - 1)]
    }

    /// Whether keys go to a text area (so letters are typed, not actions).
    pub fn typing(&self) -> bool {
        self.focus == Focus::Field
            && self.shell.offer.is_none()
            && match self.field() {
                Field::Feedback
                | Field::Conditions
                | Field::Scores
                | Field::Moderation
                | Field::Override => true,
                Field::Area(_) => self.sub == 1,
                _ => false,
            }
    }

    fn select(&mut self, index: usize, enter: bool) {
        self.selected = index.min(self.fields.len() - 1);
        self.cursor = match self.field() {
            Field::Outcome => self.outcome.unwrap_or(0),
            Field::Area(i) => self.judgements[i].unwrap_or(0),
            Field::Recorder => self
                .recorder_choices()
                .iter()
                .position(|m| Some(&m.id) == self.recorder())
                .unwrap_or(0),
            _ => 0,
        };
        self.sub = 0;
        self.shell.recording.confirming = false;
        if enter {
            self.focus = Focus::Field;
        }
    }

    fn next_field(&mut self, forward: bool) {
        let field = self.field();
        // Inside an area, Tab goes from the judgement to its feedback first.
        if let Field::Area(_) = field
            && self.focus == Focus::Field
        {
            if forward && self.sub == 0 {
                self.sub = 1;
                return;
            }
            if !forward && self.sub == 1 {
                self.sub = 0;
                return;
            }
        }
        let last = self.fields.len() - 1;
        let index = if forward {
            (self.selected + 1).min(last)
        } else {
            self.selected.saturating_sub(1)
        };
        self.select(index, true);
        if !forward && let Field::Area(_) = self.field() {
            self.sub = 1;
        }
    }

    /// Who records the decision: the member chosen, while they take part.
    fn recorder(&self) -> Option<&MemberId> {
        self.recorder
            .as_ref()
            .filter(|r| self.participants.contains(*r))
    }

    fn recorder_choices(&self) -> Vec<&MemberChoice> {
        self.ctx
            .members
            .iter()
            .filter(|m| self.participants.contains(&m.id))
            .collect()
    }

    fn choice_count(&self) -> usize {
        match self.field() {
            Field::Outcome => self.ctx.outcomes.len(),
            Field::Members => self.ctx.members.len(),
            Field::Recorder => self.recorder_choices().len(),
            Field::Area(_) => self.ctx.levels.len(),
            _ => 0,
        }
    }

    fn changed(&mut self) -> Reply {
        self.shell.changed()
    }

    /// Chooses (or, for members, toggles) the highlighted choice.
    fn choose(&mut self) -> Reply {
        let cursor = self.cursor;
        match self.field() {
            Field::Outcome if cursor < self.ctx.outcomes.len() => {
                self.outcome = if self.outcome == Some(cursor) {
                    None
                } else {
                    Some(cursor)
                };
            }
            Field::Members => {
                let Some(member) = self.ctx.members.get(cursor) else {
                    return Reply::Handled;
                };
                if member.standing != Standing::Eligible {
                    // Shown, never chosen: the reason is on screen beside the name.
                    return Reply::Handled;
                }
                let id = member.id.clone();
                // The recorder chosen stays chosen while they are taken off and put back: it
                // counts only while they take part (see `recorder`).
                if !self.participants.remove(&id) {
                    self.participants.insert(id.clone());
                }
            }
            Field::Recorder => {
                let Some(id) = self.recorder_choices().get(cursor).map(|m| m.id.clone()) else {
                    return Reply::Handled;
                };
                self.recorder = Some(id);
            }
            Field::Area(i) if cursor < self.ctx.levels.len() => {
                self.judgements[i] = if self.judgements[i] == Some(cursor) {
                    None
                } else {
                    Some(cursor)
                };
            }
            _ => return Reply::Handled,
        }
        self.changed()
    }

    fn text_mut(&mut self) -> Option<&mut Editor> {
        match self.field() {
            Field::Feedback => Some(&mut self.feedback),
            Field::Conditions => Some(&mut self.conditions),
            Field::Override => Some(&mut self.override_reason),
            Field::Scores => Some(&mut self.moderated_scores),
            Field::Moderation => Some(&mut self.moderation_reason),
            Field::Area(i) if self.sub == 1 => self.area_text.get_mut(i),
            _ => None,
        }
    }

    /// Handles a key; what it did tells the app what to follow up.
    pub fn handle_key(&mut self, key: KeyEvent, keymap: &KeyMap) -> Reply {
        let action = keymap.action(&key);
        // On the list Tab moves along it, as the footer says; typing starts with Enter.
        match (key.code, self.focus) {
            (KeyCode::Tab, Focus::List) => {
                self.select(self.selected + 1, false);
                return Reply::Handled;
            }
            (KeyCode::BackTab, Focus::List) => {
                self.select(self.selected.saturating_sub(1), false);
                return Reply::Handled;
            }
            (KeyCode::Tab, Focus::Field) => {
                self.next_field(true);
                return Reply::Handled;
            }
            (KeyCode::BackTab, Focus::Field) => {
                self.next_field(false);
                return Reply::Handled;
            }
            _ => {}
        }
        if self.focus == Focus::List {
            return match (key.code, action) {
                (_, Some(Action::Up)) => {
                    self.select(self.selected.saturating_sub(1), false);
                    Reply::Handled
                }
                (_, Some(Action::Down)) => {
                    self.select(self.selected + 1, false);
                    Reply::Handled
                }
                (_, Some(Action::Top)) => {
                    self.select(0, false);
                    Reply::Handled
                }
                (_, Some(Action::Bottom)) => {
                    self.select(usize::MAX, false);
                    Reply::Handled
                }
                (KeyCode::Enter, _) if self.field() == Field::Record => {
                    // Enter on "Check and record" checks it and asks, as it says.
                    self.select(self.selected, true);
                    self.shell.recording.ask(self.shell.revision);
                    Reply::Handled
                }
                (KeyCode::Enter | KeyCode::Right, _) | (_, Some(Action::NextPane)) => {
                    self.select(self.selected, true);
                    Reply::Handled
                }
                _ => Reply::Ignored,
            };
        }
        if key.code == KeyCode::Esc {
            self.focus = Focus::List;
            return Reply::Handled;
        }
        if self.field() == Field::Record {
            return match (key.code, action) {
                (KeyCode::Enter, _) => {
                    self.shell.recording.ask(self.shell.revision);
                    Reply::Handled
                }
                (_, Some(Action::Up)) => {
                    self.shell.recording.scroll_by(-1);
                    Reply::Handled
                }
                (_, Some(Action::Down)) => {
                    self.shell.recording.scroll_by(1);
                    Reply::Handled
                }
                (_, Some(Action::PageUp)) => {
                    self.shell.recording.scroll_by(-10);
                    Reply::Handled
                }
                (_, Some(Action::PageDown)) => {
                    self.shell.recording.scroll_by(10);
                    Reply::Handled
                }
                (KeyCode::Left, _) | (_, Some(Action::PrevPane)) => {
                    self.focus = Focus::List;
                    Reply::Handled
                }
                _ => Reply::Ignored,
            };
        }
        if let Some(text) = self.text_mut() {
            return if text.input(key) {
                self.changed()
            } else {
                Reply::Handled
            };
        }
        // A list of choices.
        let count = self.choice_count();
        match (key.code, action) {
            (KeyCode::Char(' ') | KeyCode::Enter, _) => self.choose(),
            (_, Some(Action::Up)) => {
                self.cursor = self.cursor.saturating_sub(1);
                Reply::Handled
            }
            (_, Some(Action::Down)) => {
                self.cursor = (self.cursor + 1).min(count.saturating_sub(1));
                Reply::Handled
            }
            (_, Some(Action::Top)) => {
                self.cursor = 0;
                Reply::Handled
            }
            (_, Some(Action::Bottom)) => {
                self.cursor = count.saturating_sub(1);
                Reply::Handled
            }
            (KeyCode::Left, _) | (_, Some(Action::PrevPane)) => {
                self.focus = Focus::List;
                Reply::Handled
            }
            _ => Reply::Ignored,
        }
    }

    /// A mouse click: on the list selects a field, in the editor enters it.
    pub fn click(&mut self, x: u16, y: u16) {
        if self.shell.offer.is_some() || self.shell.recording.confirming {
            return;
        }
        if let Some(position) = self.list_hit.position(x, y) {
            if position < self.fields.len() {
                self.select(position, false);
            }
        } else if contains(self.editor_rect, x, y) {
            self.focus = Focus::Field;
        }
    }

    pub fn scroll(&mut self, delta: i32) {
        if self.field() == Field::Record {
            self.shell.recording.scroll_by(delta);
        }
        if self.field() == Field::Reviews {
            self.reviews_scroll = self.reviews_scroll.saturating_add_signed(delta as i16);
        }
    }

    /// The participants' quorum, in words, and whether it is met.
    fn quorum(&self) -> (bool, String) {
        let panel = &self.ctx.catalog.panel;
        let n = self.participants.len();
        match panel.quorum_check(&self.participants) {
            Ok(()) => (true, format!("✓ {n} taking part: quorate")),
            Err(short) => (
                false,
                format!(
                    "✗ {n} taking part from {} agencies: the quorum is {} members from {} agencies",
                    short.agencies, short.needed_present, short.needed_agencies
                ),
            ),
        }
    }

    fn conditions_state(&self) -> (Option<bool>, String) {
        let needed = self
            .outcome
            .is_some_and(|o| self.ctx.outcomes[o].needs_conditions);
        let list = match parse_conditions(&text_of(&self.conditions)) {
            Ok(list) => list,
            Err(errors) => return (Some(false), errors.join("; ")),
        };
        // The rules recording applies, so that the mark never says ✓ for what it refuses.
        let refused: Vec<String> = condition_findings(&list, self.ctx.meeting)
            .into_iter()
            .map(|f| f.message)
            .collect();
        if !refused.is_empty() {
            (Some(false), refused.join("; "))
        } else if list.is_empty() && needed {
            (
                Some(false),
                "the outcome needs at least one condition".into(),
            )
        } else if list.is_empty() {
            (None, "none".into())
        } else {
            (Some(true), format!("{}", list.len()))
        }
    }

    /// The mark beside a field in the list: its value in a word, and whether it is fine.
    fn mark(&self, field: Field) -> (String, Option<bool>) {
        match field {
            Field::Reviews => (self.ctx.reviews_count.clone(), None),
            Field::Outcome => match self.outcome {
                Some(o) => (self.ctx.outcomes[o].title.clone(), Some(true)),
                None => ("choose".into(), Some(false)),
            },
            Field::Members => {
                let (ok, _) = self.quorum();
                (format!("{}", self.participants.len()), Some(ok))
            }
            Field::Recorder => match self.recorder() {
                Some(id) => (
                    self.ctx
                        .members
                        .iter()
                        .find(|m| &m.id == id)
                        .map_or_else(|| id.to_string(), |m| m.name.clone()),
                    Some(true),
                ),
                None => ("choose".into(), Some(false)),
            },
            Field::Area(i) => {
                let judged = self.judgements[i].map(|j| self.ctx.levels[j].1.clone());
                let written = !text_of(&self.area_text[i]).trim().is_empty();
                match (judged, written) {
                    (Some(j), true) => (format!("{j} ✎"), Some(true)),
                    (Some(j), false) => (j, Some(true)),
                    (None, true) => ("✎".into(), None),
                    (None, false) => ("–".into(), None),
                }
            }
            Field::Feedback => {
                let n = words(&text_of(&self.feedback));
                // Not a refusal: a decision may be recorded without overall feedback (as the
                // command line always allowed); the preview warns before it is.
                if n == 0 {
                    ("write".into(), None)
                } else {
                    (format!("{n} words"), Some(true))
                }
            }
            Field::Conditions => {
                let (ok, text) = self.conditions_state();
                (
                    if ok == Some(false) {
                        "fix".into()
                    } else {
                        text
                    },
                    ok,
                )
            }
            Field::Override => {
                if text_of(&self.override_reason).trim().is_empty() {
                    ("–".into(), None)
                } else {
                    ("given".into(), Some(true))
                }
            }
            Field::Scores => match parse_scores(&text_of(&self.moderated_scores)) {
                Err(_) => ("fix".into(), Some(false)),
                Ok(scores) if scores.is_empty() => ("confirmed".into(), Some(true)),
                Ok(scores) => (format!("{} moderated", scores.len()), Some(true)),
            },
            Field::Moderation => {
                let typed = !text_of(&self.moderated_scores).trim().is_empty();
                match (typed, text_of(&self.moderation_reason).trim().is_empty()) {
                    (true, true) => ("write".into(), Some(false)),
                    (_, false) => ("given".into(), Some(true)),
                    (false, true) => ("–".into(), None),
                }
            }
            Field::Record => {
                let (text, ok) = self.shell.recording.mark(self.shell.revision);
                (text, (!ok).then_some(false))
            }
        }
    }

    fn label(&self, field: Field) -> String {
        match field {
            Field::Reviews => "Members' reviews".into(),
            Field::Outcome => "Outcome".into(),
            Field::Members => "Taking part".into(),
            Field::Recorder => "Recorder".into(),
            Field::Area(i) => {
                let a = &self.ctx.areas[i];
                if a.code.is_empty() {
                    a.title.clone()
                } else {
                    format!("{} {}", a.code, a.title)
                }
            }
            Field::Feedback => "Feedback".into(),
            Field::Conditions => "Conditions".into(),
            Field::Override => "Override".into(),
            Field::Scores => "Grade".into(),
            Field::Moderation => "Moderation reason".into(),
            Field::Record => "Check and record".into(),
        }
    }

    /// Draws the form. The submission open alongside, if it is this item's and has been
    /// read, gives the school's own assessment of each area.
    pub fn draw(&mut self, frame: &mut Frame, area: Rect, cx: &DrawCx) {
        let (theme, submission) = (cx.theme, cx.submission);
        let [title, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
        let ctx = &self.ctx;
        // A correction says so first: what is recorded supersedes a decision.
        let label = if self.supersedes.is_some() {
            " Correction "
        } else {
            " Decision "
        };
        let mut spans = vec![Span::styled(label, theme.tab_active)];
        // Whether the draft is safe comes first: it must never be cut off.
        if let Some((label, ok)) = self.shell.save.label() {
            spans.push(Span::styled(
                format!(" {label} ·"),
                if ok { theme.muted } else { theme.bad },
            ));
        }
        spans.push(Span::styled(
            format!(" {} {}", ctx.school_name, ctx.year),
            theme.title,
        ));
        spans.push(Span::styled(
            format!(" · {} · meeting {}", ctx.kind_title, ctx.meeting),
            theme.muted,
        ));
        if let Some(old) = &self.supersedes {
            let name = old.rsplit('/').next().unwrap_or(old);
            // Last on the line, so it is what gives way to a narrow screen, with an ellipsis.
            let used: usize = spans.iter().map(Span::width).sum();
            spans.push(Span::styled(
                fit(
                    &format!(" · supersedes {}", clean(name)),
                    usize::from(title.width).saturating_sub(used),
                ),
                theme.warn,
            ));
        }
        frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.base), title);

        if draw_draft_stage(
            frame,
            body,
            self.shell.looking,
            self.shell.offer.as_ref(),
            ("decision", "Decision"),
            cx,
        ) {
            return;
        }
        // From 120 columns the list is as wide as its labels need (with room for a value),
        // up to half the width; below, a third.
        let list_width = if body.width >= 120 {
            let widest = self
                .fields
                .iter()
                .map(|f| unicode_width::UnicodeWidthStr::width(self.label(*f).as_str()))
                .max()
                .unwrap_or(0);
            u16::try_from(widest + 12 + 7)
                .unwrap_or(u16::MAX)
                .clamp(40, body.width / 2)
        } else {
            (body.width / 3).clamp(24, 40)
        };
        let [list, editor] =
            Layout::horizontal([Constraint::Length(list_width), Constraint::Min(20)]).areas(body);
        self.draw_list(frame, list, theme);
        self.editor_rect = editor;
        let focused = self.focus == Focus::Field;
        match self.field() {
            Field::Reviews => self.draw_reviews(frame, editor, theme, focused),
            Field::Outcome => self.draw_outcomes(frame, editor, theme, focused),
            Field::Members => self.draw_members(frame, editor, theme, focused),
            Field::Recorder => self.draw_recorder(frame, editor, theme, focused),
            Field::Area(i) => self.draw_area(frame, editor, i, theme, focused, submission),
            Field::Feedback => {
                let n = words(&text_of(&self.feedback));
                let title = format!("Feedback to the school · {n} words");
                draw_text(
                    frame,
                    editor,
                    &mut self.feedback,
                    &title,
                    focused,
                    theme,
                    true,
                );
            }
            Field::Conditions => self.draw_conditions(frame, editor, theme, focused),
            Field::Override => self.draw_override(frame, editor, theme, focused),
            Field::Scores => self.draw_scores(frame, editor, theme, focused, submission),
            Field::Moderation => draw_text(
                frame,
                editor,
                &mut self.moderation_reason,
                "Why the panel moderated the school's scores",
                focused,
                theme,
                true,
            ),
            Field::Record => {
                let revision = self.shell.revision;
                self.shell
                    .recording
                    .draw(frame, editor, revision, focused, cx);
            }
        }
    }

    fn draw_list(&mut self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let outer = block("Fields", self.focus == Focus::List, theme);
        let inner = outer.inner(area);
        frame.render_widget(outer, area);
        let visible = usize::from(inner.height);
        let offset = if self.selected >= visible {
            self.selected + 1 - visible
        } else {
            0
        };
        self.list_hit = ListHit {
            rows: inner,
            offset,
        };
        let width = usize::from(inner.width);
        let lines: Vec<Line> = self
            .fields
            .iter()
            .enumerate()
            .skip(offset)
            .take(visible)
            .map(|(i, field)| {
                let (value, ok) = self.mark(*field);
                let symbol = match ok {
                    Some(true) => Span::styled("✓ ", theme.good),
                    Some(false) => Span::styled("✗ ", theme.bad),
                    None => Span::styled("· ", theme.muted),
                };
                let pointer = if i == self.selected { "▸" } else { " " };
                let label = self.label(*field);
                // The value keeps at least a few columns; the label gives way.
                // The label keeps its first dozen columns; the value has the rest it needs.
                let label_min = unicode_width::UnicodeWidthStr::width(label.as_str()).min(12);
                let value_width = unicode_width::UnicodeWidthStr::width(value.as_str())
                    .min(width.saturating_sub(5 + label_min));
                let label_width = width.saturating_sub(4 + value_width + 1);
                let label = fit(&label, label_width);
                let value = fit(&value, value_width);
                let pad = width
                    .saturating_sub(3)
                    .saturating_sub(unicode_width::UnicodeWidthStr::width(label.as_str()))
                    .saturating_sub(unicode_width::UnicodeWidthStr::width(value.as_str()));
                let style = if i == self.selected {
                    theme.selected
                } else {
                    theme.base
                };
                Line::from(vec![
                    Span::styled(pointer, style),
                    symbol,
                    Span::styled(label, style),
                    Span::styled(" ".repeat(pad), style),
                    Span::styled(value, style.patch(theme.muted)),
                ])
            })
            .collect();
        frame.render_widget(Paragraph::new(lines).style(theme.base), inner);
    }

    fn choice_line(
        &self,
        index: usize,
        chosen: bool,
        multiple: bool,
        label: String,
        theme: &Theme,
        focused: bool,
    ) -> Line<'static> {
        let mark = match (multiple, chosen) {
            (false, true) => "◉",
            (false, false) => "○",
            (true, true) => "[x]",
            (true, false) => "[ ]",
        };
        let here = focused && index == self.cursor;
        let style = if here { theme.selected } else { theme.base };
        Line::from(vec![
            Span::styled(if here { "▸ " } else { "  " }, style),
            Span::styled(
                format!("{mark} "),
                if chosen {
                    theme.good
                } else {
                    style.patch(theme.muted)
                },
            ),
            Span::styled(label, style.add_modifier(Modifier::empty())),
        ])
    }

    /// Every review of the item: who wrote it, as lead or second reader, what they
    /// recommend, their summary, their notes on areas and their questions.
    fn draw_reviews(&self, frame: &mut Frame, area: Rect, theme: &Theme, focused: bool) {
        let mut lines: Vec<Line> = Vec::new();
        for (n, review) in self.ctx.reviews.iter().enumerate() {
            if n > 0 {
                lines.push(Line::from(""));
            }
            let who = if review.role.is_empty() {
                review.reviewer.clone()
            } else {
                format!("{} · {}", review.reviewer, review.role)
            };
            let mut head = vec![Span::styled(who, theme.title)];
            match &review.recommendation {
                Some(r) => {
                    head.push(Span::raw(" · recommends "));
                    head.push(Span::styled(r.clone(), theme.good));
                }
                None => head.push(Span::styled(" · review not in yet", theme.muted)),
            }
            lines.push(Line::from(head));
            if !review.summary.is_empty() {
                lines.push(Line::from(review.summary.clone()));
            }
            for (area, note) in &review.areas {
                lines.push(Line::from(vec![
                    Span::styled(format!("{area}: "), theme.muted),
                    Span::raw(note.clone()),
                ]));
            }
            for q in &review.questions {
                lines.push(Line::from(vec![
                    Span::styled("? ", theme.warn),
                    Span::raw(q.clone()),
                ]));
            }
        }
        let title = format!("Members' reviews · {}", self.ctx.reviews_count);
        let text = Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .scroll((self.reviews_scroll, 0))
            .block(block(&title, focused, theme))
            .style(theme.base);
        frame.render_widget(text, area);
    }

    fn draw_outcomes(&self, frame: &mut Frame, area: Rect, theme: &Theme, focused: bool) {
        let mut lines = vec![Line::from(Span::styled(
            "Space or Enter chooses; choose again to clear.",
            theme.muted,
        ))];
        for (i, o) in self.ctx.outcomes.iter().enumerate() {
            lines.push(self.choice_line(
                i,
                self.outcome == Some(i),
                false,
                o.title.clone(),
                theme,
                focused,
            ));
            if !o.description.is_empty() {
                lines.push(Line::from(Span::styled(
                    format!("      {}", o.description),
                    theme.muted,
                )));
            }
            if o.needs_conditions {
                lines.push(Line::from(Span::styled(
                    "      needs conditions with due dates",
                    theme.warn,
                )));
            }
        }
        draw_lines(
            frame,
            area,
            lines,
            "Outcome",
            focused,
            theme,
            self.cursor * 2,
        );
    }

    fn draw_members(&self, frame: &mut Frame, area: Rect, theme: &Theme, focused: bool) {
        let (ok, quorum) = self.quorum();
        let mut lines = vec![
            Line::from(Span::styled(
                quorum,
                if ok { theme.good } else { theme.bad },
            )),
            Line::from(Span::styled(
                "Members who are absent or conflicted are shown but cannot take part.",
                theme.muted,
            )),
        ];
        for (i, m) in self.ctx.members.iter().enumerate() {
            match &m.standing {
                Standing::Eligible => lines.push(self.choice_line(
                    i,
                    self.participants.contains(&m.id),
                    true,
                    format!("{} — {}", m.name, m.detail),
                    theme,
                    focused,
                )),
                Standing::Absent(why) | Standing::Conflicted(why) => {
                    let conflicted = matches!(m.standing, Standing::Conflicted(_));
                    let here = focused && i == self.cursor;
                    let style = if here { theme.selected } else { theme.base };
                    lines.push(Line::from(vec![
                        Span::styled(if here { "▸ " } else { "  " }, style),
                        Span::styled(
                            if conflicted { " ⊘  " } else { " –  " },
                            if conflicted { theme.bad } else { theme.muted },
                        ),
                        Span::styled(m.name.clone(), style.patch(theme.muted)),
                        Span::styled(
                            if conflicted {
                                format!(" — conflicted: {why}")
                            } else {
                                format!(" — absent: {why}")
                            },
                            if conflicted { theme.bad } else { theme.muted },
                        ),
                    ]));
                }
            }
        }
        draw_lines(
            frame,
            area,
            lines,
            "Taking part",
            focused,
            theme,
            self.cursor + 2,
        );
    }

    fn draw_recorder(&self, frame: &mut Frame, area: Rect, theme: &Theme, focused: bool) {
        let mut lines = vec![Line::from(Span::styled(
            "The member who records the decision is the commit's author.",
            theme.muted,
        ))];
        let choices = self.recorder_choices();
        if choices.is_empty() {
            lines.push(Line::from(Span::styled(
                "Nobody is taking part yet: choose the members first.",
                theme.warn,
            )));
        }
        for (i, m) in choices.iter().enumerate() {
            lines.push(self.choice_line(
                i,
                self.recorder() == Some(&m.id),
                false,
                format!("{} — {}", m.name, m.detail),
                theme,
                focused,
            ));
        }
        draw_lines(
            frame,
            area,
            lines,
            "Recorded by",
            focused,
            theme,
            self.cursor + 1,
        );
    }

    fn draw_area(
        &mut self,
        frame: &mut Frame,
        area: Rect,
        index: usize,
        theme: &Theme,
        focused: bool,
        submission: Option<&SubmissionView>,
    ) {
        let info = &self.ctx.areas[index];
        let own = submission
            .filter(|s| s.school == self.ctx.school && s.year == self.ctx.year)
            .and_then(|s| {
                s.areas
                    .iter()
                    .find(|a| a.code == info.code && a.title == info.title)
            })
            .and_then(|a| a.level.clone());
        let mut lines = vec![Line::from(vec![
            Span::styled("School's self-assessment: ", theme.muted),
            Span::raw(own.unwrap_or_else(|| "(open the submission to see it)".into())),
        ])];
        for (i, (_, label)) in self.ctx.levels.iter().enumerate() {
            lines.push(self.choice_line(
                i,
                self.judgements[index] == Some(i),
                false,
                label.clone(),
                theme,
                focused && self.sub == 0,
            ));
        }
        let height = u16::try_from(lines.len() + 2)
            .unwrap_or(u16::MAX)
            .min(area.height / 2);
        let [top, bottom] =
            Layout::vertical([Constraint::Length(height), Constraint::Min(3)]).areas(area);
        let title = format!("{} — judgement", self.label(Field::Area(index)));
        draw_lines(
            frame,
            top,
            lines,
            &title,
            focused && self.sub == 0,
            theme,
            self.cursor + 1,
        );
        draw_text(
            frame,
            bottom,
            &mut self.area_text[index],
            "Feedback on this area",
            focused && self.sub == 1,
            theme,
            true,
        );
    }

    fn draw_conditions(&mut self, frame: &mut Frame, area: Rect, theme: &Theme, focused: bool) {
        let (ok, state) = self.conditions_state();
        let [text, note] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(2)]).areas(area);
        draw_text(
            frame,
            text,
            &mut self.conditions,
            "Conditions · one per line, the due date first (or text@date)",
            focused,
            theme,
            true,
        );
        let line = match ok {
            Some(true) => Line::from(Span::styled(format!("✓ {state} condition(s)"), theme.good)),
            Some(false) => Line::from(Span::styled(format!("✗ {state}"), theme.bad)),
            None => Line::from(Span::styled(
                "No conditions: only outcomes that need them require them.",
                theme.muted,
            )),
        };
        frame.render_widget(
            Paragraph::new(wrap(&[line], note.width)).style(theme.base),
            note,
        );
    }

    /// The grade: the school's scores and the grade they earn, the panel's own scores typed
    /// below, and the grade as moderated — worked out as the panel types, as recording will.
    fn draw_scores(
        &mut self,
        frame: &mut Frame,
        area: Rect,
        theme: &Theme,
        focused: bool,
        submission: Option<&SubmissionView>,
    ) {
        let ctx = &self.ctx;
        let rubric = ctx.catalog.rubrics.get(&ctx.rubric);
        // The school's own sheet, read with the submission; the panel's scores re-grade it.
        let own = submission
            .filter(|s| s.school == ctx.school && s.year == ctx.year)
            .and_then(|s| s.scores.as_ref());
        let typed = parse_scores(&text_of(&self.moderated_scores));
        let graded = |sheet: &crate::model::scores::ScoreSheet| {
            format!(
                "{} of {} · {}",
                sheet.total,
                sheet.max,
                sheet
                    .grade_label
                    .as_deref()
                    .map_or_else(|| "no grade".to_owned(), clean)
            )
        };
        let mut lines = Vec::new();
        match own {
            None => lines.push(Line::from(Span::styled(
                "The school's scores show here once its submission is read.",
                theme.muted,
            ))),
            Some(own) => lines.push(Line::from(vec![
                Span::raw("The school's scores: "),
                Span::styled(graded(own), theme.title),
            ])),
        }
        match &typed {
            Err(errors) => {
                for e in errors {
                    lines.push(Line::from(Span::styled(format!("✗ {e}"), theme.bad)));
                }
            }
            Ok(panel) if panel.is_empty() => lines.push(Line::from(Span::styled(
                "The panel confirms the school's scores: the grade is the one they earn.",
                theme.muted,
            ))),
            Ok(panel) => {
                let unknown: Vec<&str> = panel
                    .keys()
                    .filter(|k| own.is_some_and(|s| !s.criteria.iter().any(|c| &c.criterion == *k)))
                    .map(|k| k.as_str())
                    .collect();
                if !unknown.is_empty() {
                    lines.push(Line::from(Span::styled(
                        format!("✗ not criteria of this rubric: {}", unknown.join(", ")),
                        theme.bad,
                    )));
                }
                if let (Some(own), Some(rubric)) = (own, rubric) {
                    lines.push(Line::from(vec![
                        Span::raw("As the panel moderated them: "),
                        Span::styled(graded(&own.moderated_by(rubric, panel)), theme.title),
                    ]));
                }
            }
        }
        draw_under_notes(
            frame,
            area,
            &lines,
            (
                &mut self.moderated_scores,
                "The panel's own scores: criterion=points",
            ),
            focused,
            theme,
        );
    }

    fn draw_override(&mut self, frame: &mut Frame, area: Rect, theme: &Theme, focused: bool) {
        let mut lines = vec![Line::from(Span::styled(
            "The rubric's rules for this item, as they stand:",
            theme.muted,
        ))];
        if self.ctx.rules.is_empty() {
            lines.push(Line::from("  (none apply)"));
        }
        for rule in &self.ctx.rules {
            lines.push(Line::from(vec![
                Span::styled(
                    if rule.met { "  ✓ " } else { "  ✗ " },
                    if rule.met { theme.good } else { theme.bad },
                ),
                Span::raw(format!("{}: {}", rule.description, rule.reason)),
            ]));
        }
        draw_under_notes(
            frame,
            area,
            &lines,
            (
                &mut self.override_reason,
                "Reason for awarding although a rule is not met",
            ),
            focused,
            theme,
        );
    }

    /// The key hints for the footer, as (keys, what) pairs.
    pub fn hints(&self) -> Vec<(&'static str, &'static str)> {
        if self.typing() {
            return vec![
                ("Tab", "next field"),
                ("Shift-Tab", "previous"),
                ("Esc", "done typing"),
                ("Ctrl-U", "undo"),
                ("Ctrl-C", "quit"),
            ];
        }
        match (self.focus, self.field()) {
            (Focus::List, _) => vec![("↑/↓", "field"), ("Enter", "edit"), ("Tab", "next field")],
            (Focus::Field, Field::Record) => {
                vec![("Enter", "record"), ("↑/↓", "scroll"), ("Esc", "fields")]
            }
            (Focus::Field, _) => vec![
                ("↑/↓", "move"),
                ("Space", "choose"),
                ("Tab", "next field"),
                ("Esc", "fields"),
            ],
        }
    }
}

/// The rubric the submission read alongside the form names for a school's year, once it has
/// been read.
/// A text field under the notes that explain it (the rules as they stand, the scores as
/// moderated): the notes take what they need, up to half the height.
fn draw_under_notes(
    frame: &mut Frame,
    area: Rect,
    notes: &[Line<'_>],
    (editor, title): (&mut Editor, &str),
    focused: bool,
    theme: &Theme,
) {
    let lines = wrap(notes, area.width);
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .min(area.height / 2);
    let [top, bottom] =
        Layout::vertical([Constraint::Length(height), Constraint::Min(3)]).areas(area);
    frame.render_widget(Paragraph::new(lines).style(theme.base), top);
    draw_text(frame, bottom, editor, title, focused, theme, true);
}

fn named_rubric(cx: &Cx, school: &SchoolId, year: AcademicYear) -> Option<RubricId> {
    cx.submission
        .filter(|view| &view.school == school && view.year == year)
        .and_then(|view| view.rubric_id.clone())
}

/// The decision form is a screen of its own.
pub type DecisionScreen = DecisionForm;

/// Opens the decision form on an agenda item (or says why not). Returns whether the form is
/// there to show. From live mode the scribe's `notes` follow the reviews in its feedback; a
/// form already open on the item stays as it is, and a draft kept for it is offered back as
/// ever.
pub fn open(
    slot: &mut Option<DecisionForm>,
    row: Result<Box<AgendaRow>, String>,
    notes: Option<&str>,
    cx: &mut Cx,
) -> bool {
    let Some(opened) = cx.opened else {
        return false;
    };
    let Some(meeting) = opened.catalog.current_meeting(cx.today).map(|m| m.date) else {
        cx.say(format!(
            "No meeting is scheduled: set one up first ({}).",
            cx.key_of(Action::MeetingTab)
        ));
        return false;
    };
    let row = match row {
        Ok(row) => row,
        Err(why) => {
            cx.say(why);
            return false;
        }
    };
    // A decided item opens a correction: the form starts from the decision that stands, and
    // recording it supersedes that decision, at this meeting as at a later one.
    let correcting = if row.decided {
        match opened
            .catalog
            .decision_at(&row.school, row.year, &row.kind, meeting)
        {
            Some((path, decision)) => Some(DecisionDraft::correcting(path, decision)),
            None => {
                cx.say(format!(
                    "{} {} is decided already ({}).",
                    row.school, row.year, row.status
                ));
                return false;
            }
        }
    } else {
        None
    };
    let key = correcting.as_ref().map_or_else(
        || DecisionDraft::new(row.school.clone(), row.year, row.kind.clone(), meeting).key(),
        DecisionDraft::key,
    );
    if slot.as_ref().is_some_and(|f| f.draft_key() == key) {
        return true;
    }
    let ctx = match DecisionContext::new(
        Arc::clone(&opened.catalog),
        &row.school,
        row.year,
        &row.kind,
        meeting,
        row.rules.clone(),
        named_rubric(cx, &row.school, row.year).as_ref(),
    ) {
        Ok(ctx) => ctx,
        Err(e) => {
            cx.warn(format!("✗ Cannot write this decision: {e}"));
            return false;
        }
    };
    if let Some(old) = slot.as_ref()
        && old.shell.save != SaveState::Clean
    {
        cx.say(format!(
            "The draft for {} {} is kept; it is offered back when that item is opened again.",
            old.ctx.school, old.ctx.year
        ));
    }
    let mut form = DecisionForm::new(ctx);
    if correcting.is_none()
        && (notes.is_some() || !form.ctx.reviews.is_empty())
        && let Some(recorded) = opened.catalog.meetings.get(&meeting)
    {
        // Started from the reviews: the lead's recommendation, summary and notes, for the
        // panel to change as it decides, then the scribe's. A draft saved earlier is still
        // offered back.
        let item = crate::model::AgendaItem {
            school: row.school.clone(),
            year: row.year,
            kind: row.kind.clone(),
        };
        let mut start = crate::model::enbloc::draft_from_reviews(
            &opened.catalog,
            recorded,
            &item,
            form.recorder().cloned(),
        );
        let notes = notes.unwrap_or_default().trim();
        if !notes.is_empty() {
            if !start.feedback.trim().is_empty() {
                start.feedback.push_str("\n\n");
            }
            start.feedback.push_str(notes);
        }
        form.restore(&start);
        form.shell.save = SaveState::Clean;
    }
    if let Some(correction) = &correcting {
        form.restore(correction);
        // Nothing typed yet: the form holds the record as it stands.
        form.shell.save = SaveState::Clean;
        cx.say(format!(
            "Correcting the decision on {} {}: recording supersedes it; the original stays in the history.",
            row.school, row.year
        ));
    }
    record::open(&mut form, cx);
    *slot = Some(form);
    true
}

impl DecisionForm {
    /// The agenda row of this form's item, as the repository on screen has it.
    fn row<'a>(&self, opened: &'a OpenedView) -> Option<&'a AgendaRow> {
        let ctx = &self.ctx;
        opened
            .agenda
            .rows
            .iter()
            .find(|r| r.school == ctx.school && r.year == ctx.year && r.kind == ctx.kind)
    }
}

impl FormBody for DecisionForm {
    type Draft = DecisionDraft;
    const SCREEN: ScreenId = ScreenId::Decision;
    const AFTER: Option<ScreenId> = None;
    const THIS: &'static str = "this form";

    fn shell(&self) -> &Shell<DecisionDraft> {
        &self.shell
    }

    fn shell_mut(&mut self) -> &mut Shell<DecisionDraft> {
        &mut self.shell
    }

    fn draft(&self) -> DecisionDraft {
        DecisionForm::draft(self)
    }

    fn draft_key(&self) -> String {
        DecisionForm::draft_key(self)
    }

    fn restore(&mut self, draft: &DecisionDraft) {
        DecisionForm::restore(self, draft);
    }

    fn offer(&mut self, draft: DecisionDraft, saved: Option<String>) {
        DecisionForm::offer(self, draft, saved);
    }

    fn recording_shown(&self) -> bool {
        self.field() == Field::Record
    }

    fn body_key(&mut self, key: &KeyEvent, keymap: &KeyMap) -> Reply {
        self.handle_key(*key, keymap)
    }

    fn prepare(draft: DecisionDraft) -> Request {
        Request::PrepareDecision(Box::new(draft))
    }

    fn commit(draft: DecisionDraft) -> Request {
        Request::CommitDecision(Box::new(draft))
    }
}

impl Screen for DecisionForm {
    fn key(&mut self, key: &KeyEvent, _action: Option<Action>, cx: &mut Cx) -> bool {
        record::key(self, key, cx) != Reply::Ignored
    }

    fn click(&mut self, x: u16, y: u16, cx: &mut Cx) {
        DecisionForm::click(self, x, y);
        record::preview(self, cx);
    }

    fn scroll(&mut self, _x: u16, _y: u16, delta: isize, _cx: &mut Cx) {
        DecisionForm::scroll(self, delta as i32);
    }

    fn loaded(&mut self, tag: Tag, response: Response, cx: &mut Cx) {
        record::loaded(self, tag, response, cx);
    }

    fn refresh(&mut self, reloaded: bool, cx: &mut Cx) {
        let Some(opened) = cx.opened else {
            return;
        };
        let rules = self.row(opened).map(|r| r.rules.clone());
        let named = named_rubric(cx, &self.ctx.school, self.ctx.year);
        // A form opened before its submission was read offers the areas of the rubric the
        // self-review names from the moment it is known.
        let stale = named.as_ref().is_some_and(|n| *n != self.ctx.rubric);
        if !reloaded && !stale {
            // Only the rules were checked: the form (its cursor, its undo) stays as it is.
            if let Some(rules) = rules {
                self.ctx.rules = rules;
            }
            return;
        }
        // Checked against the new state from now on; what was typed stays.
        let ctx = &self.ctx;
        match DecisionContext::new(
            Arc::clone(&opened.catalog),
            &ctx.school.clone(),
            ctx.year,
            &ctx.kind.clone(),
            ctx.meeting,
            rules.unwrap_or_else(|| ctx.rules.clone()),
            named.as_ref(),
        ) {
            Ok(ctx) => self.rebind(ctx),
            Err(e) => cx.warn(format!("✗ The decision form: {e}")),
        }
        record::preview(self, cx);
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, cx: &DrawCx) {
        DecisionForm::draw(self, frame, area, cx);
    }

    fn footer(&self, keymap: &KeyMap) -> Footer {
        let keys = record::hints(self, keymap).unwrap_or_else(|| {
            self.hints()
                .into_iter()
                .map(|(k, what)| (k.to_owned(), what.to_owned()))
                .collect()
        });
        Footer::Keys {
            keys,
            typing: self.typing(),
        }
    }

    fn about(&self, _opened: Option<&OpenedView>) -> About {
        Some((self.ctx.school.clone(), Some(self.ctx.year)))
    }

    fn chosen(&self, _opened: Option<&OpenedView>) -> Chosen {
        Chosen {
            kind: Some(self.ctx.kind.clone()),
            path: None,
        }
    }

    fn unsaved(&self) -> Option<String> {
        (self.shell.save != SaveState::Clean)
            .then(|| format!("the decision on {} {}", self.ctx.school_name, self.ctx.year))
    }

    fn draft_failed(&self) -> bool {
        matches!(self.shell.save, SaveState::Failed(_))
    }
}
