use serde::{Deserialize, Serialize};

use crate::{
    classroom::model::GroupChoice,
    error::{required_text, AppError, Problems},
    ids::{GroupId, HomeworkId, PupilId},
};

pub const TITLE_LENGTH: usize = 80;
pub const DESCRIPTION_LENGTH: usize = 2_000;
/// The furthest ahead homework can be due: a school year.
pub const FURTHEST_DAYS: i64 = 366;

/// Where a pupil's homework stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HandIn {
    NotHandedIn,
    HandedIn,
    Late,
}

impl HandIn {
    pub const ALL: [HandIn; 3] = [HandIn::NotHandedIn, HandIn::HandedIn, HandIn::Late];

    /// As stored and as a form sends it.
    pub fn stored(self) -> &'static str {
        match self {
            HandIn::NotHandedIn => "not_handed_in",
            HandIn::HandedIn => "handed_in",
            HandIn::Late => "late",
        }
    }

    pub fn from_stored(stored: &str) -> Option<HandIn> {
        HandIn::ALL.into_iter().find(|h| h.stored() == stored)
    }

    pub fn label(self) -> &'static str {
        match self {
            HandIn::NotHandedIn => "Not handed in",
            HandIn::HandedIn => "Handed in",
            HandIn::Late => "Late",
        }
    }
}

/// The "Set homework" form, checked. `due` is a school date, "2026-12-11".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomeworkForm {
    pub title: String,
    pub description: Option<String>,
    pub due: String,
}

impl HomeworkForm {
    /// `today` and `furthest` bound the due date (school dates, as stored).
    pub fn parse(
        title: &str,
        description: &str,
        due: &str,
        today: &str,
        furthest: &str,
    ) -> Result<HomeworkForm, AppError> {
        let mut problems = Problems::default();
        let title = problems.take(required_text(
            "title",
            title,
            "title",
            TITLE_LENGTH,
            "Enter a title, for example Spellings: words ending -tion.",
        ));
        let description = description.trim();
        if description.chars().count() > DESCRIPTION_LENGTH {
            problems.add(
                "description",
                format!("Keep the description to {DESCRIPTION_LENGTH} characters or fewer."),
            );
        }
        let due = due.trim();
        let due = match crate::school::model::parse_date(due) {
            None if due.is_empty() => {
                problems.add("due", "Enter the date it is due.");
                None
            }
            None => {
                problems.add(
                    "due",
                    "Enter the due date as a date, for example 11/12/2026.",
                );
                None
            }
            Some(day) if day.as_str() < today => {
                problems.add("due", "The due date can't be in the past.");
                None
            }
            Some(day) if day.as_str() > furthest => {
                problems.add("due", "The due date must be within a year.");
                None
            }
            Some(day) => Some(day),
        };
        problems.finish_with(|| {
            Some(HomeworkForm {
                title: title?,
                description: (!description.is_empty()).then(|| description.to_owned()),
                due: due?,
            })
        })
    }
}

/// One piece of homework as staff list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeworkSummary {
    pub id: HomeworkId,
    pub title: String,
    pub description: Option<String>,
    /// "Friday 11 December".
    pub due: String,
    pub set_by: String,
    pub handed_in: i64,
    pub pupils: i64,
}

/// The Homework page: the groups the viewer may set homework for, and the
/// chosen group's homework, latest due first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupHomework {
    pub groups: Vec<GroupChoice>,
    pub group: Option<GroupId>,
    pub homework: Vec<HomeworkSummary>,
}

/// One pupil's line in the hand-ins list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PupilHandIn {
    pub pupil: PupilId,
    pub name: String,
    pub status: HandIn,
}

/// A piece of homework with its group's pupils, for recording hand-ins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandInList {
    pub homework: HomeworkSummary,
    pub group: GroupId,
    pub group_name: String,
    pub pupils: Vec<PupilHandIn>,
}

/// The hand-ins form: a status for each pupil listed, checked.
pub fn hand_ins(
    pupils: &[PupilId],
    statuses: &[String],
) -> Result<Vec<(PupilId, HandIn)>, AppError> {
    if pupils.len() != statuses.len() {
        return Err(AppError::invalid(
            "statuses",
            "Choose Not handed in, Handed in or Late for each pupil.",
        ));
    }
    pupils
        .iter()
        .zip(statuses)
        .map(|(pupil, status)| {
            HandIn::from_stored(status)
                .map(|s| (*pupil, s))
                .ok_or_else(|| {
                    AppError::invalid(
                        "statuses",
                        "Choose Not handed in, Handed in or Late for each pupil.",
                    )
                })
        })
        .collect()
}

/// A piece of homework as a parent reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildTask {
    pub title: String,
    pub description: Option<String>,
    /// The group it was set for: "4 Oak", "Maths set 2".
    pub group: String,
    /// "Friday 11 December".
    pub due: String,
    pub status: HandIn,
}

/// A child's homework, for their page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildHomework {
    /// Not handed in and not yet due, soonest first.
    pub due: Vec<ChildTask>,
    /// Not handed in and past its date, latest first.
    pub overdue: Vec<ChildTask>,
    /// Handed in (on time or late), latest first.
    pub handed_in: Vec<ChildTask>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_names_each_mistake() {
        let today = "2026-12-03";
        let furthest = "2027-12-03";
        let ok = HomeworkForm::parse(" Spellings ", "", "2026-12-11", today, furthest).unwrap();
        assert_eq!(ok.title, "Spellings");
        assert_eq!(ok.description, None);
        assert_eq!(ok.due, "2026-12-11");
        assert_eq!(
            HomeworkForm::parse("x", "y", "11/12/2026", today, furthest)
                .unwrap()
                .due,
            "2026-12-11"
        );
        let problems = |e: AppError| {
            e.problems()
                .map(|p| format!("{}: {}", p.field, p.message))
                .collect::<Vec<_>>()
        };
        let e = HomeworkForm::parse("", "", "", today, furthest).unwrap_err();
        assert_eq!(
            problems(e),
            [
                "title: Enter a title, for example Spellings: words ending -tion.",
                "due: Enter the date it is due."
            ]
        );
        let e = HomeworkForm::parse("a", "", "2026-12-02", today, furthest).unwrap_err();
        assert_eq!(problems(e), ["due: The due date can't be in the past."]);
        let e = HomeworkForm::parse("a", "", "2028-01-01", today, furthest).unwrap_err();
        assert_eq!(problems(e), ["due: The due date must be within a year."]);
        let e = HomeworkForm::parse("a", "", "31/02/2027", today, furthest).unwrap_err();
        assert_eq!(
            problems(e),
            ["due: Enter the due date as a date, for example 11/12/2026."]
        );
    }

    #[test]
    fn hand_ins_pair_each_pupil_with_a_status() {
        let pupils = [PupilId(1), PupilId(2)];
        let statuses = ["late".to_owned(), "not_handed_in".to_owned()];
        assert_eq!(
            hand_ins(&pupils, &statuses).unwrap(),
            [
                (PupilId(1), HandIn::Late),
                (PupilId(2), HandIn::NotHandedIn)
            ]
        );
        assert!(hand_ins(&pupils, &statuses[..1]).is_err());
        assert!(hand_ins(&pupils[..1], &["lost".to_owned()]).is_err());
    }
}
