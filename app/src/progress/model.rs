use serde::{Deserialize, Serialize};

use crate::{
    classroom::model::GroupChoice,
    ids::{GroupId, PupilId, SubjectId},
};

/// One pupil's row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressRow {
    pub pupil: PupilId,
    pub name: String,
    pub year_group: i64,
    /// Criteria of the pupil's year in the subject secured, of `criteria`
    /// (retired criteria left out).
    pub secured: i64,
    pub criteria: i64,
    /// The overall judgement, as the scale labels it; None before any.
    pub judgement: Option<String>,
    /// Its place on the scale, for sorting.
    pub judgement_rank: Option<i64>,
}

impl ProgressRow {
    /// The share secured, as a whole percentage (halves round up); None
    /// when the year has no criteria in the subject.
    pub fn share(&self) -> Option<i64> {
        (self.criteria > 0).then(|| (200 * self.secured + self.criteria) / (2 * self.criteria))
    }
}

/// The Progress page: what may be chosen, what is, and its rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressTable {
    pub groups: Vec<GroupChoice>,
    pub subjects: Vec<(SubjectId, String)>,
    /// None when the viewer has no groups, or the school no subjects.
    pub chosen: Option<Chosen>,
    pub rows: Vec<ProgressRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chosen {
    pub group: GroupId,
    pub group_name: String,
    pub subject: SubjectId,
    pub subject_name: String,
}

/// The columns the table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Pupil,
    Year,
    Share,
    Judgement,
}

impl SortBy {
    pub const ALL: [SortBy; 4] = [
        SortBy::Pupil,
        SortBy::Year,
        SortBy::Share,
        SortBy::Judgement,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SortBy::Pupil => "Pupil",
            SortBy::Year => "Year",
            SortBy::Share => "Share secured",
            SortBy::Judgement => "Judgement",
        }
    }

    /// Figures sort highest first at the first press, as School Usage's do.
    pub fn starts_descending(self) -> bool {
        matches!(self, SortBy::Share | SortBy::Judgement)
    }
}

/// Sorts rows that come in the pupils' order (by surname, as the server
/// sends them) by a column. Rows without a figure go last either way;
/// equal figures keep the pupils' order.
pub fn sort(rows: &mut [ProgressRow], by: SortBy, descending: bool) {
    match by {
        SortBy::Pupil if descending => rows.reverse(),
        SortBy::Pupil => {}
        SortBy::Year => sort_by_figure(rows, |r| Some(r.year_group), descending),
        SortBy::Share => sort_by_figure(rows, ProgressRow::share, descending),
        SortBy::Judgement => sort_by_figure(rows, |r| r.judgement_rank, descending),
    }
}

fn sort_by_figure(
    rows: &mut [ProgressRow],
    figure: impl Fn(&ProgressRow) -> Option<i64>,
    descending: bool,
) {
    rows.sort_by(|a, b| match (figure(a), figure(b)) {
        (Some(x), Some(y)) if descending => y.cmp(&x),
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, secured: i64, criteria: i64, rank: Option<i64>) -> ProgressRow {
        ProgressRow {
            pupil: PupilId(0),
            name: name.to_owned(),
            year_group: 4,
            secured,
            criteria,
            judgement: rank.map(|r| r.to_string()),
            judgement_rank: rank,
        }
    }

    #[test]
    fn the_share_is_a_whole_percentage_with_halves_rounded_up() {
        assert_eq!(row("a", 1, 3, None).share(), Some(33));
        assert_eq!(row("a", 2, 3, None).share(), Some(67));
        assert_eq!(row("a", 1, 8, None).share(), Some(13), "12.5 rounds up");
        assert_eq!(row("a", 0, 5, None).share(), Some(0));
        assert_eq!(row("a", 0, 0, None).share(), None);
    }

    #[test]
    fn rows_without_a_figure_go_last_whichever_way_and_ties_keep_their_order() {
        let names = |rows: &[ProgressRow]| rows.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
        let start = vec![
            row("Ada", 1, 4, Some(2)),
            row("Ben", 0, 0, None),
            row("Cal", 3, 4, Some(1)),
            row("Dee", 1, 4, Some(2)),
        ];
        let mut rows = start.clone();
        sort(&mut rows, SortBy::Share, false);
        assert_eq!(names(&rows), ["Ada", "Dee", "Cal", "Ben"]);
        sort(&mut rows, SortBy::Share, true);
        assert_eq!(names(&rows), ["Cal", "Ada", "Dee", "Ben"]);
        let mut rows = start.clone();
        sort(&mut rows, SortBy::Judgement, false);
        assert_eq!(names(&rows), ["Cal", "Ada", "Dee", "Ben"]);
        let mut rows = start;
        sort(&mut rows, SortBy::Pupil, true);
        assert_eq!(names(&rows), ["Dee", "Cal", "Ben", "Ada"]);
    }
}
