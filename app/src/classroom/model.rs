use serde::{Deserialize, Serialize};

use crate::{
    error::{required_text, AppError, Problems},
    ids::{BehaviourId, EntryId, GroupId, PupilId},
};

/// How long whoever recorded an entry may undo it; after that only an
/// admin may remove it, and the removal is audited.
pub const UNDO_MINUTES: i64 = 10;
/// The longest note on an entry.
pub const NOTE_LENGTH: usize = 200;
/// The longest achievement name.
pub const ACHIEVEMENT_LENGTH: usize = 60;
/// Most pupils one award records for: a big class, or a year group's assembly.
pub const MOST_PUPILS: usize = 120;
/// Achievements a teacher is offered as they type; any other name is fine.
pub const ACHIEVEMENT_SUGGESTIONS: [&str; 5] = [
    "Star of the week",
    "Reading milestone",
    "Times tables champion",
    "Writer of the week",
    "Kindness award",
];

/// A behaviour, or an achievement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryKind {
    Behaviour,
    Achievement,
}

impl EntryKind {
    pub fn stored(self) -> &'static str {
        match self {
            EntryKind::Behaviour => "behaviour",
            EntryKind::Achievement => "achievement",
        }
    }

    pub fn from_stored(stored: &str) -> EntryKind {
        if stored == "achievement" {
            EntryKind::Achievement
        } else {
            EntryKind::Behaviour
        }
    }
}

/// A behaviour on the school's list, as a teacher chooses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BehaviourChoice {
    pub id: BehaviourId,
    pub name: String,
    pub points: i64,
}

impl BehaviourChoice {
    /// "Great effort +1", "Disruption −1".
    pub fn label(&self) -> String {
        format!("{} {}", self.name, points_label(self.points))
    }
}

/// The longest behaviour name on the school's list.
pub const BEHAVIOUR_NAME_LENGTH: usize = 40;
/// Points a behaviour may carry, either way.
pub const MOST_POINTS: i64 = 5;

/// A behaviour an admin adds to the school's list, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BehaviourForm {
    pub name: String,
    pub points: i64,
}

impl BehaviourForm {
    pub fn parse(name: &str, points: &str) -> Result<BehaviourForm, AppError> {
        let mut problems = Problems::default();
        let name = problems.take(required_text(
            "name",
            name,
            "name",
            BEHAVIOUR_NAME_LENGTH,
            "Enter the behaviour, for example Good listening.",
        ));
        // "+2", "2", "-1" or "−1" (a true minus, as the list shows it).
        let written = points.trim().replace('\u{2212}', "-");
        let written = written.strip_prefix('+').unwrap_or(&written);
        let points = match written.parse::<i64>() {
            Ok(p) if p != 0 && p.abs() <= MOST_POINTS => Some(p),
            _ => {
                problems.add(
                    "points",
                    format!("Enter the points as a whole number from −{MOST_POINTS} to +{MOST_POINTS}, not 0: for example +1 or −1."),
                );
                None
            }
        };
        problems.finish_with(|| {
            Some(BehaviourForm {
                name: name?,
                points: points?,
            })
        })
    }
}

/// Points as a signed number with a true minus sign: "+1", "−2".
pub fn points_label(points: i64) -> String {
    if points < 0 {
        format!("\u{2212}{}", points.unsigned_abs())
    } else {
        format!("+{points}")
    }
}

/// A group the viewer may record for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupChoice {
    pub id: GroupId,
    pub name: String,
}

/// A pupil of the chosen group, with their points today so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PupilTile {
    pub id: PupilId,
    pub name: String,
    pub today: Points,
}

/// Positive and negative points, kept apart: a parent sees both, not a net
/// score that hides either.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Points {
    pub positive: i64,
    pub negative: i64,
}

impl Points {
    /// "3 positive, 1 negative", or "None yet".
    pub fn words(self) -> String {
        match (self.positive, self.negative) {
            (0, 0) => "None yet".to_owned(),
            (positive, 0) => format!("{positive} positive"),
            (0, negative) => format!("{negative} negative"),
            (positive, negative) => format!("{positive} positive, {negative} negative"),
        }
    }
}

/// An entry recorded lately for a pupil of the group, as the recorder's
/// list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentEntry {
    pub id: EntryId,
    /// The pupil's name, linking to their page.
    pub pupil: String,
    pub pupil_id: PupilId,
    pub kind: EntryKind,
    /// The behaviour's or achievement's name.
    pub title: String,
    pub points: i64,
    pub note: Option<String>,
    /// When, as people read it.
    pub when: String,
    pub by: String,
    /// How the viewer may take it back, if at all.
    pub take_back: Option<TakeBackKind>,
}

/// Taking an entry back: the recorder's Undo within the first minutes, or
/// an admin's Remove (audited) at any time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TakeBackKind {
    Undo,
    Remove,
}

impl RecentEntry {
    /// "Great effort +1", or the achievement's name.
    pub fn what(&self) -> String {
        match self.kind {
            EntryKind::Behaviour => format!("{} {}", self.title, points_label(self.points)),
            EntryKind::Achievement => self.title.clone(),
        }
    }
}

/// The Behaviour page: the groups to choose from, and the chosen one's
/// pupils, behaviours and recent entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRecords {
    pub groups: Vec<GroupChoice>,
    /// None when the viewer has no group to record for.
    pub group: Option<GroupId>,
    pub pupils: Vec<PupilTile>,
    pub behaviours: Vec<BehaviourChoice>,
    pub recent: Vec<RecentEntry>,
}

/// One entry on a child's page, for their parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildEntry {
    pub kind: EntryKind,
    pub title: String,
    pub points: i64,
    pub note: Option<String>,
    /// The school's date, written out: "3 December 2026".
    pub day: String,
    pub by: String,
}

/// A child's behaviour and achievements, for the child's page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildClassroom {
    pub this_week: Points,
    pub this_term: Points,
    /// The latest behaviour entries, newest first.
    pub behaviour: Vec<ChildEntry>,
    /// The latest achievements, newest first.
    pub achievements: Vec<ChildEntry>,
}

/// What one form records for each chosen pupil, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryForm {
    pub pupils: Vec<PupilId>,
    pub what: Recorded,
    pub note: Option<String>,
}

/// A behaviour from the list, or an achievement by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    Behaviour(BehaviourId),
    Achievement(String),
}

impl EntryForm {
    /// The award form: the pupils ticked, a behaviour chosen, a note.
    pub fn award(
        pupils: &[PupilId],
        behaviour: Option<BehaviourId>,
        note: &str,
    ) -> Result<EntryForm, AppError> {
        let mut problems = Problems::default();
        let pupils = problems.take(chosen_pupils(pupils));
        let behaviour = problems
            .take(behaviour.ok_or_else(|| AppError::invalid("behaviour", "Choose a behaviour.")));
        let note = problems.take(optional_note(note));
        problems.finish_with(|| {
            Some(EntryForm {
                pupils: pupils?,
                what: Recorded::Behaviour(behaviour?),
                note: note?,
            })
        })
    }

    /// The achievement form: the pupils ticked, its name, a note.
    pub fn achievement(
        pupils: &[PupilId],
        achievement: &str,
        note: &str,
    ) -> Result<EntryForm, AppError> {
        let mut problems = Problems::default();
        let pupils = problems.take(chosen_pupils(pupils));
        let title = problems.take(required_text(
            "achievement",
            achievement,
            "achievement",
            ACHIEVEMENT_LENGTH,
            "Enter the achievement, for example Star of the week.",
        ));
        let note = problems.take(optional_note(note));
        problems.finish_with(|| {
            Some(EntryForm {
                pupils: pupils?,
                what: Recorded::Achievement(title?),
                note: note?,
            })
        })
    }
}

/// The pupils ticked, each once.
fn chosen_pupils(pupils: &[PupilId]) -> Result<Vec<PupilId>, AppError> {
    let mut chosen = pupils.to_vec();
    chosen.sort_unstable();
    chosen.dedup();
    if chosen.is_empty() {
        return Err(AppError::invalid("pupils", "Choose at least one pupil."));
    }
    if chosen.len() > MOST_PUPILS {
        return Err(AppError::invalid(
            "pupils",
            format!("Choose at most {MOST_PUPILS} pupils at once."),
        ));
    }
    Ok(chosen)
}

fn optional_note(typed: &str) -> Result<Option<String>, AppError> {
    let note = typed.trim();
    if note.chars().count() > NOTE_LENGTH {
        return Err(AppError::invalid(
            "note",
            format!("Keep the note to {NOTE_LENGTH} characters or fewer."),
        ));
    }
    Ok((!note.is_empty()).then(|| note.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_read_with_either_sign_and_out_of_range_is_named() {
        assert_eq!(
            BehaviourForm::parse(" Good listening ", "+2")
                .unwrap()
                .points,
            2
        );
        assert_eq!(
            BehaviourForm::parse("Late to class", "\u{2212}1")
                .unwrap()
                .points,
            -1
        );
        assert_eq!(
            BehaviourForm::parse("Late to class", "-3").unwrap().name,
            "Late to class"
        );
        for wrong in ["0", "6", "-6", "one", ""] {
            let error = BehaviourForm::parse("Late", wrong).unwrap_err();
            assert!(error.for_field("points").is_some(), "{wrong}");
        }
        assert!(BehaviourForm::parse("", "1")
            .unwrap_err()
            .for_field("name")
            .is_some());
    }

    #[test]
    fn an_award_names_every_mistake_at_once() {
        let error = EntryForm::award(&[], None, &"x".repeat(NOTE_LENGTH + 1)).unwrap_err();
        let fields: Vec<&str> = error.problems().map(|p| p.field).collect();
        assert_eq!(fields, ["pupils", "behaviour", "note"]);
    }

    #[test]
    fn a_pupil_ticked_twice_is_recorded_once() {
        let form = EntryForm::award(
            &[PupilId(2), PupilId(1), PupilId(2)],
            Some(BehaviourId(4)),
            "  ",
        )
        .unwrap();
        assert_eq!(form.pupils, [PupilId(1), PupilId(2)]);
        assert_eq!(form.note, None);
    }

    #[test]
    fn an_achievement_needs_a_name() {
        let error = EntryForm::achievement(&[PupilId(1)], "   ", "").unwrap_err();
        assert_eq!(
            error.for_field("achievement").as_deref(),
            Some("Enter the achievement, for example Star of the week.")
        );
        let form = EntryForm::achievement(&[PupilId(1)], " Star of the week ", "Lovely").unwrap();
        assert_eq!(form.what, Recorded::Achievement("Star of the week".into()));
        assert_eq!(form.note.as_deref(), Some("Lovely"));
    }

    #[test]
    fn points_are_written_with_their_sign() {
        assert_eq!(points_label(2), "+2");
        assert_eq!(points_label(-1), "\u{2212}1");
        let points = Points {
            positive: 3,
            negative: 1,
        };
        assert_eq!(points.words(), "3 positive, 1 negative");
        assert_eq!(Points::default().words(), "None yet");
    }
}
