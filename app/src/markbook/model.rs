use serde::{Deserialize, Serialize};

use crate::{
    error::AppError,
    ids::{CriterionId, GroupId, LevelId, PupilId, SubjectId},
};

/// The colours a scale level may take: each is a background and text pair
/// checked for contrast (see `style/main.css`, `.level-*`), so an admin can't
/// choose one that can't be read.
pub const COLOURS: [&str; 6] = ["amber", "green", "blue", "red", "purple", "grey"];

/// One step of the school's scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    pub id: LevelId,
    /// What a teacher types in the grid: "1", "2", "3".
    pub key: String,
    pub label: String,
    /// One of [`COLOURS`].
    pub colour: String,
    /// Whether a judgement at this level counts as the criterion secured.
    pub secured: bool,
}

/// A group the viewer may open, for the Group drop-down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MenuGroup {
    pub id: GroupId,
    pub name: String,
    pub year_group: Option<i64>,
}

/// A subject, with the years and strands its criteria cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MenuSubject {
    pub id: SubjectId,
    pub name: String,
    pub years: Vec<i64>,
    pub strands: Vec<String>,
}

/// What the Markbook's drop-downs offer, and where it opened last time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Menu {
    pub groups: Vec<MenuGroup>,
    pub subjects: Vec<MenuSubject>,
    pub last_group: Option<GroupId>,
    pub last_subject: Option<SubjectId>,
}

/// The address's choices, each as typed: group, subject, year, strand.
pub type Asked = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// The grid being shown: what the address asked for, with the gaps filled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shown {
    pub group: GroupId,
    pub subject: SubjectId,
    /// None: every year.
    pub year: Option<i64>,
    /// None: every strand.
    pub strand: Option<String>,
}

/// The Year drop-down's value for "every year".
pub const ALL: &str = "all";

impl Shown {
    /// The year as the address and the Year drop-down say it.
    pub fn year_param(&self) -> String {
        self.year.map_or_else(|| ALL.to_owned(), |y| y.to_string())
    }
}

impl Menu {
    /// Fills in what the address leaves out: the last group and subject
    /// opened, else the first group and Reading; the group's own year when
    /// the subject has criteria for it. `None` when there is no group to open.
    pub fn resolve(&self, asked: &Asked) -> Result<Option<Shown>, AppError> {
        let (group, subject, year, strand) = asked;
        let group = match group.as_deref().filter(|g| !g.is_empty()) {
            Some(typed) => Some(
                self.groups
                    .iter()
                    .find(|g| typed.parse() == Ok(g.id.0))
                    .ok_or_else(|| AppError::invalid("group", "Choose a group from the list."))?,
            ),
            None => self
                .last_group
                .and_then(|last| self.groups.iter().find(|g| g.id == last))
                .or(self.groups.first()),
        };
        let Some(group) = group else {
            return Ok(None);
        };
        let subject = match subject.as_deref().filter(|s| !s.is_empty()) {
            Some(typed) => Some(
                self.subjects
                    .iter()
                    .find(|s| typed.parse() == Ok(s.id.0))
                    .ok_or_else(|| {
                        AppError::invalid("subject", "Choose a subject from the list.")
                    })?,
            ),
            None => self
                .last_subject
                .and_then(|last| self.subjects.iter().find(|s| s.id == last))
                .or_else(|| self.subjects.iter().find(|s| s.name == "Reading"))
                .or(self.subjects.first()),
        };
        let Some(subject) = subject else {
            return Ok(None);
        };
        let year = match year.as_deref().filter(|y| !y.is_empty()) {
            Some(ALL) => None,
            Some(typed) => Some(
                typed
                    .parse()
                    .ok()
                    .filter(|y| subject.years.contains(y))
                    .ok_or_else(|| AppError::invalid("year", "Choose a year from the list."))?,
            ),
            None => group.year_group.filter(|y| subject.years.contains(y)),
        };
        let strand = match strand.as_deref().filter(|s| !s.is_empty() && *s != ALL) {
            Some(typed) => Some(
                subject
                    .strands
                    .iter()
                    .find(|s| s.as_str() == typed)
                    .cloned()
                    .ok_or_else(|| AppError::invalid("strand", "Choose a strand from the list."))?,
            ),
            None => None,
        };
        Ok(Some(Shown {
            group: group.id,
            subject: subject.id,
            year,
            strand,
        }))
    }
}

/// The address of a grid.
pub fn markbook_link(shown: &Shown) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("group", &shown.group.to_string());
    query.append_pair("subject", &shown.subject.to_string());
    query.append_pair("year", &shown.year_param());
    if let Some(strand) = &shown.strand {
        query.append_pair("strand", strand);
    }
    format!("{PATH}?{}", query.finish())
}

pub const PATH: &str = "/markbook";
/// Server-sent changes to the judgements of one group's pupils.
pub const LIVE_PATH: &str = "/markbook/live";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridPupil {
    pub id: PupilId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridCriterion {
    pub id: CriterionId,
    pub year_group: i64,
    pub strand: String,
    pub statement: String,
}

/// One group's pupils against one subject's criteria.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grid {
    pub shown: Shown,
    pub group_name: String,
    pub subject_name: String,
    /// False for SLT reading a group they don't teach.
    pub can_edit: bool,
    pub pupils: Vec<GridPupil>,
    pub criteria: Vec<GridCriterion>,
    pub scale: Vec<Level>,
    /// Row by row: `cells[pupil * criteria.len() + criterion]`.
    pub cells: Vec<Option<LevelId>>,
}

/// A judgement set (or cleared, `level: None`) in the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgementChange {
    pub pupil: PupilId,
    pub criterion: CriterionId,
    pub level: Option<LevelId>,
}

/// A saved change, as other open grids of the same pupils receive it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveChange {
    pub pupil: PupilId,
    pub criterion: CriterionId,
    pub level: Option<LevelId>,
}

/// One change in a cell's history, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// "2 Expected", or "Cleared".
    pub judgement: String,
    /// Who made the change ("Rebecca Jones"), or "A former member of staff".
    pub by: String,
    /// When, in UK time, as people read it.
    pub at: String,
}

/// The share of `of` that is `secured`, as people read it: "62%", or "–" of nothing.
pub fn share(secured: usize, of: usize) -> String {
    match (secured * 100 + of / 2).checked_div(of) {
        Some(percent) => format!("{percent}%"),
        None => "–".to_owned(),
    }
}

/// One value of a block pasted from a spreadsheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pasted {
    Set(LevelId),
    /// An empty spreadsheet cell clears the judgement.
    Clear,
    /// Not a key, label or initials on the scale: the cell is left as it was.
    Unknown,
}

impl Level {
    /// Whether a typed or pasted value means this level: its key, its label
    /// or its label's initials ("GD"), in any case.
    pub fn answers_to(&self, value: &str) -> bool {
        let initials: String = self
            .label
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .collect();
        [self.key.as_str(), self.label.as_str(), initials.as_str()]
            .iter()
            .any(|name| name.eq_ignore_ascii_case(value))
    }
}

/// A block copied from a spreadsheet (tab-separated rows), read against the scale.
pub fn read_pasted(text: &str, scale: &[Level]) -> Vec<Vec<Pasted>> {
    let text = text.strip_suffix('\n').unwrap_or(text);
    let text = text.strip_suffix('\r').unwrap_or(text);
    text.split('\n')
        .map(|line| {
            line.trim_end_matches('\r')
                .split('\t')
                .map(|value| {
                    let value = value.trim();
                    if value.is_empty() {
                        Pasted::Clear
                    } else {
                        scale
                            .iter()
                            .find(|level| level.answers_to(value))
                            .map_or(Pasted::Unknown, |level| Pasted::Set(level.id))
                    }
                })
                .collect()
        })
        .collect()
}

/// At most this many changes go in one save.
pub const MOST_CHANGES: usize = 6000;

/// The overall judgement from a pupil's judgements in a subject, as reports
/// and Progress give it: the middle one (the lower of the two middles) by
/// the scale's order. `levels` are scale positions, one per judgement.
pub fn overall(mut levels: Vec<i64>) -> Option<i64> {
    if levels.is_empty() {
        return None;
    }
    levels.sort_unstable();
    Some(levels[(levels.len() - 1) / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overall_judgement_is_the_middle_of_the_pupils_judgements() {
        assert_eq!(overall(vec![]), None);
        assert_eq!(overall(vec![3]), Some(3));
        assert_eq!(overall(vec![1, 3, 2, 2, 3]), Some(2));
        // An even count takes the lower middle: no rounding up a child.
        assert_eq!(overall(vec![1, 1, 3, 3]), Some(1));
    }

    fn menu() -> Menu {
        Menu {
            groups: vec![
                MenuGroup {
                    id: GroupId(1),
                    name: "1 Ash".into(),
                    year_group: Some(1),
                },
                MenuGroup {
                    id: GroupId(7),
                    name: "Booster".into(),
                    year_group: None,
                },
            ],
            subjects: vec![
                MenuSubject {
                    id: SubjectId(3),
                    name: "Maths".into(),
                    years: vec![1, 2],
                    strands: vec!["Geometry".into()],
                },
                MenuSubject {
                    id: SubjectId(2),
                    name: "Reading".into(),
                    years: vec![1, 2],
                    strands: vec!["Comprehension".into()],
                },
            ],
            last_group: None,
            last_subject: None,
        }
    }

    fn asked(g: &str, s: &str, y: &str, st: &str) -> Asked {
        let some = |v: &str| (!v.is_empty()).then(|| v.to_owned());
        (some(g), some(s), some(y), some(st))
    }

    #[test]
    fn first_visit_opens_the_first_group_on_reading_in_its_year() {
        let shown = menu().resolve(&asked("", "", "", "")).unwrap().unwrap();
        assert_eq!(
            shown,
            Shown {
                group: GroupId(1),
                subject: SubjectId(2),
                year: Some(1),
                strand: None
            }
        );
    }

    #[test]
    fn the_last_choice_wins_over_the_defaults() {
        let mut menu = menu();
        menu.last_group = Some(GroupId(7));
        menu.last_subject = Some(SubjectId(3));
        let shown = menu.resolve(&asked("", "", "", "")).unwrap().unwrap();
        assert_eq!(
            (shown.group, shown.subject, shown.year),
            (GroupId(7), SubjectId(3), None)
        );
    }

    #[test]
    fn typed_choices_are_checked_against_the_menu() {
        let menu = menu();
        assert_eq!(
            menu.resolve(&asked("99", "", "", ""))
                .unwrap_err()
                .for_field("group"),
            Some("Choose a group from the list.".into())
        );
        assert!(menu.resolve(&asked("1", "x", "", "")).is_err());
        assert!(menu.resolve(&asked("1", "2", "9", "")).is_err());
        assert!(menu.resolve(&asked("1", "2", "", "Nope")).is_err());
        let shown = menu
            .resolve(&asked("1", "3", ALL, "Geometry"))
            .unwrap()
            .unwrap();
        assert_eq!(shown.year, None);
        assert_eq!(shown.strand.as_deref(), Some("Geometry"));
        assert_eq!(
            markbook_link(&shown),
            "/markbook?group=1&subject=3&year=all&strand=Geometry"
        );
    }

    #[test]
    fn no_group_means_nothing_to_open() {
        let mut menu = menu();
        menu.groups.clear();
        assert_eq!(menu.resolve(&asked("", "", "", "")), Ok(None));
    }

    #[test]
    fn a_pasted_block_reads_keys_labels_and_initials() {
        let level = |id, key: &str, label: &str| Level {
            id: LevelId(id),
            key: key.into(),
            label: label.into(),
            colour: "green".into(),
            secured: true,
        };
        let scale = [
            level(1, "1", "Working towards"),
            level(2, "2", "Expected"),
            level(3, "3", "Greater depth"),
        ];
        let block = read_pasted("1\t2\tGD\r\nexpected\t\tx\r\n", &scale);
        assert_eq!(
            block,
            vec![
                vec![
                    Pasted::Set(LevelId(1)),
                    Pasted::Set(LevelId(2)),
                    Pasted::Set(LevelId(3))
                ],
                vec![Pasted::Set(LevelId(2)), Pasted::Clear, Pasted::Unknown],
            ]
        );
    }

    #[test]
    fn shares_round_to_whole_percents() {
        assert_eq!(share(0, 0), "–");
        assert_eq!(share(1, 3), "33%");
        assert_eq!(share(2, 3), "67%");
        assert_eq!(share(35, 35), "100%");
    }
}
