use serde::{Deserialize, Serialize};

use super::characteristics::PupilFilter;

use crate::{
    classroom::model::GroupChoice,
    error::AppError,
    ids::{GroupId, LevelId, PupilId, SubjectId},
    school::model::TermEnded,
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
    /// The judgement the pupil should reach by the end of the year.
    pub target: Option<Target>,
    /// The overall judgement at the end of last term, against the criteria
    /// of the year the pupil was in then; None when there was none.
    pub last_term: Option<OverallJudgement>,
    /// Their result in the assessment shown beside the table (Ext. data).
    #[serde(default)]
    pub external: Option<crate::external::model::ExternalCell>,
    /// What the school holds about the pupil, for the Pupils filter: used
    /// on the server, never sent to the browser.
    #[serde(skip)]
    pub characteristics: super::characteristics::Characteristics,
}

/// An overall judgement: the scale's label and its place on the scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverallJudgement {
    pub label: String,
    pub rank: i64,
}

/// How a pupil's overall judgement moved since the end of last term, in
/// steps of the school's scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Up(i64),
    Same,
    Down(i64),
    /// No judgement then, or none now.
    NotYetKnown,
}

/// A target: a level of the school's scale, and its place on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub level: LevelId,
    pub rank: i64,
}

/// Whether a pupil's judgement has reached their target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnTrack {
    Yes,
    No,
    /// No target, or no judgement yet.
    NotYetKnown,
}

impl OnTrack {
    pub fn label(self) -> &'static str {
        match self {
            OnTrack::Yes => "Yes",
            OnTrack::No => "No",
            OnTrack::NotYetKnown => "Not yet known",
        }
    }
}

impl ProgressRow {
    /// The share secured, as a whole percentage (halves round up); None
    /// when the year has no criteria in the subject.
    pub fn share(&self) -> Option<i64> {
        crate::ui::chart::whole_percent(self.secured, self.criteria)
    }

    /// The share in words: "50% (2 of 4)".
    pub fn share_words(&self) -> String {
        match self.share() {
            Some(share) => format!("{share}% ({} of {})", self.secured, self.criteria),
            None => "No criteria for this year".to_owned(),
        }
    }

    /// On track when the overall judgement is at or above the target on
    /// the scale; not yet known without both.
    pub fn on_track(&self) -> OnTrack {
        match (self.judgement_rank, self.target) {
            (Some(judged), Some(target)) if judged >= target.rank => OnTrack::Yes,
            (Some(_), Some(_)) => OnTrack::No,
            _ => OnTrack::NotYetKnown,
        }
    }

    /// The change since last term: the judgement now against then.
    pub fn change(&self) -> Change {
        match (self.judgement_rank, &self.last_term) {
            (Some(now), Some(then)) if now > then.rank => Change::Up(now - then.rank),
            (Some(now), Some(then)) if now < then.rank => Change::Down(then.rank - now),
            (Some(_), Some(_)) => Change::Same,
            _ => Change::NotYetKnown,
        }
    }

    /// The change in words, with where the pupil was: "Up 1 (was
    /// Working towards)".
    pub fn change_words(&self) -> String {
        let was = self.last_term.as_ref().map(|then| then.label.as_str());
        match (self.change(), was) {
            (Change::Up(steps), Some(was)) => format!("Up {steps} (was {was})"),
            (Change::Down(steps), Some(was)) => format!("Down {steps} (was {was})"),
            (Change::Same, Some(was)) => format!("Same ({was})"),
            _ => "Not yet known".to_owned(),
        }
    }
}

/// A level a target may be set to, for the Target drop-downs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetChoice {
    pub level: LevelId,
    pub label: String,
}

/// The "Save targets" form, checked: each pupil listed with their target
/// (None clears it).
pub fn targets(
    pupils: &[PupilId],
    targets: &[String],
) -> Result<Vec<(PupilId, Option<LevelId>)>, AppError> {
    let problem = || AppError::invalid("targets", "Choose a target from the list for each pupil.");
    if pupils.len() != targets.len() {
        return Err(problem());
    }
    pupils
        .iter()
        .zip(targets)
        .map(|(pupil, target)| match target.trim() {
            "" => Ok((*pupil, None)),
            level => level
                .parse()
                .map(|level| (*pupil, Some(LevelId(level))))
                .map_err(|_| problem()),
        })
        .collect()
}

/// The Progress page: what may be chosen, what is, and its rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressTable {
    pub groups: Vec<GroupChoice>,
    /// Whole year groups, for SLT and admins (empty for other teachers).
    pub years: Vec<i64>,
    pub subjects: Vec<(SubjectId, String)>,
    /// None when the viewer has no groups, or the school no subjects.
    pub chosen: Option<Chosen>,
    pub rows: Vec<ProgressRow>,
    /// The school's scale, for targets.
    pub scale: Vec<TargetChoice>,
    /// For a group of one year, how the whole year's judgements spread,
    /// to set beside the group's own: counts only, no names.
    pub year_spread: Option<Spread>,
    /// The term the change is since; None when the school has no terms.
    pub last_term: Option<TermEnded>,
    /// Ext. data's assessments, newest first ("Phonics Screening Check,
    /// taken 08/06/2026"), and the one shown as a column, if any.
    pub assessments: Vec<(i64, String)>,
    pub assessment: Option<i64>,
    /// The Pupils filters the school's data allows, and the one applied.
    #[serde(default)]
    pub filters: Vec<PupilFilter>,
    #[serde(default)]
    pub filter: Option<PupilFilter>,
}

impl ProgressTable {
    /// Whose rows the table shows: "4 Oak", or "4 Oak (Pupil premium)".
    pub fn whose(&self) -> String {
        let name = self.chosen.as_ref().map(|c| c.name.as_str());
        PupilFilter::naming(name.unwrap_or_default(), self.filter)
    }
}

/// How many pupils have each overall judgement, in the scale's order, then
/// how many have none yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spread {
    /// Whose: "Year 4".
    pub name: String,
    pub counts: Vec<(String, usize)>,
}

/// The words for a pupil with no judgement yet, in the table and the charts.
pub const NOT_JUDGED: &str = "Not judged yet";

impl Spread {
    pub fn of(name: String, rows: &[ProgressRow], scale: &[TargetChoice]) -> Spread {
        let judged = |label: Option<&str>| {
            rows.iter()
                .filter(|row| row.judgement.as_deref() == label)
                .count()
        };
        let mut counts: Vec<(String, usize)> = scale
            .iter()
            .map(|level| (level.label.clone(), judged(Some(&level.label))))
            .collect();
        counts.push((NOT_JUDGED.to_owned(), judged(None)));
        Spread { name, counts }
    }

    /// How far the pupils' judgements stand from their targets, in steps of
    /// the scale: above, at, one below, further below, and not yet known
    /// (no target or no judgement yet, as On track says).
    pub fn against_target(name: String, rows: &[ProgressRow]) -> Spread {
        let mut counts = [0usize; 5];
        for row in rows {
            let place = match (row.judgement_rank, row.target) {
                (Some(judged), Some(target)) => match judged - target.rank {
                    1.. => 0,
                    0 => 1,
                    -1 => 2,
                    _ => 3,
                },
                _ => 4,
            };
            counts[place] += 1;
        }
        // Short enough for the chart's label column on a phone.
        let labels = [
            "Above target",
            "At target",
            "1 step below",
            "2+ steps below",
            "Not yet known",
        ];
        Spread {
            name,
            counts: labels.into_iter().map(str::to_owned).zip(counts).collect(),
        }
    }
}

/// Whose progress the table shows: a group's pupils, or a whole year's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cohort {
    Group(GroupId),
    Year(i64),
}

impl Cohort {
    /// The Group drop-down's value for it.
    pub fn choice(self) -> String {
        match self {
            Cohort::Group(group) => format!("group-{group}"),
            Cohort::Year(year) => format!("year-{year}"),
        }
    }

    /// Back from the drop-down's value.
    pub fn from_choice(choice: &str) -> Option<Cohort> {
        let (kind, id) = choice.split_once('-')?;
        let id = id.parse().ok()?;
        match kind {
            "group" => Some(Cohort::Group(GroupId(id))),
            "year" => Some(Cohort::Year(id)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chosen {
    pub cohort: Cohort,
    /// The group's name, or the year's ("Year 4").
    pub name: String,
    pub subject: SubjectId,
    pub subject_name: String,
    /// Whether the viewer sets these targets: a group's teachers and
    /// admins (SLT who don't teach it read them). A whole year's are read;
    /// they are set group by group.
    pub can_set_targets: bool,
}

/// A pupil's page: every subject's share secured, judgement and target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PupilProgress {
    pub pupil: PupilId,
    pub name: String,
    pub year_group: i64,
    /// Where their markbook rows open: a group of theirs in the viewer's
    /// reach, their class first; None when the viewer reaches none.
    pub markbook_group: Option<GroupId>,
    /// What the school holds about them (SEN, pupil premium, EAL, sex).
    pub characteristics: super::characteristics::Characteristics,
    pub subjects: Vec<SubjectProgress>,
    pub scale: Vec<TargetChoice>,
    /// The term the change is since; None when the school has no terms.
    pub last_term: Option<TermEnded>,
    /// Results of assessments from outside the markbook (Ext. data), newest first.
    pub external: Vec<crate::external::model::PupilResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectProgress {
    pub subject: SubjectId,
    pub name: String,
    pub row: ProgressRow,
    /// The overall judgement at the end of each term ended this school
    /// year and last, oldest first.
    pub by_term: Vec<TermJudgement>,
}

/// A pupil's overall judgement in a subject when a term ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermJudgement {
    /// "Summer 2026".
    pub term: String,
    pub judgement: Option<OverallJudgement>,
}

/// The words for a pupil without a target.
pub const NO_TARGET: &str = "No target";

/// A row's target in words: the scale's label, or [`NO_TARGET`].
pub fn target_label(scale: &[TargetChoice], row: &ProgressRow) -> String {
    let chosen = row.target.map(|t| t.level);
    scale
        .iter()
        .find(|level| Some(level.level) == chosen)
        .map(|level| level.label.clone())
        .unwrap_or_else(|| NO_TARGET.to_owned())
}

/// The columns the table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortBy {
    Pupil,
    Year,
    Share,
    Judgement,
    Target,
    OnTrack,
    Change,
    /// The chosen assessment's result, from Ext. data.
    External,
}

impl SortBy {
    pub const ALL: [SortBy; 8] = [
        SortBy::Pupil,
        SortBy::Year,
        SortBy::Share,
        SortBy::Judgement,
        SortBy::Target,
        SortBy::OnTrack,
        SortBy::Change,
        SortBy::External,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SortBy::Pupil => "Pupil",
            SortBy::Year => "Year",
            SortBy::Share => "Share secured",
            SortBy::Judgement => "Judgement",
            SortBy::Target => "Target",
            SortBy::OnTrack => "On track",
            SortBy::Change => "Since last term",
            SortBy::External => "External result",
        }
    }

    /// Figures sort highest first at the first press, as School Usage's
    /// do; On track puts the pupils who are not first, and Since last
    /// term those who fell furthest.
    pub fn starts_descending(self) -> bool {
        matches!(
            self,
            SortBy::Share | SortBy::Judgement | SortBy::Target | SortBy::External
        )
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
        SortBy::Target => sort_by_figure(rows, |r| r.target.map(|t| t.rank), descending),
        SortBy::OnTrack => sort_by_figure(
            rows,
            |r| match r.on_track() {
                OnTrack::No => Some(0),
                OnTrack::Yes => Some(1),
                OnTrack::NotYetKnown => None,
            },
            descending,
        ),
        SortBy::External => {
            sort_by_figure(rows, |r| r.external.as_ref().map(|e| e.figure), descending)
        }
        SortBy::Change => sort_by_figure(
            rows,
            |r| match r.change() {
                Change::Up(steps) => Some(steps),
                Change::Same => Some(0),
                Change::Down(steps) => Some(-steps),
                Change::NotYetKnown => None,
            },
            descending,
        ),
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
            target: None,
            last_term: None,
            external: None,
            characteristics: Default::default(),
        }
    }

    #[test]
    fn against_target_counts_the_steps_between_judgement_and_target() {
        let aiming = |mut row: ProgressRow, rank: i64| {
            row.target = Some(Target {
                level: LevelId(rank),
                rank,
            });
            row
        };
        // Judged 3 against 2: above; 2 against 2: at; 1 against 2: one
        // below; 1 against 4: three below; a target but no judgement; a
        // judgement but no target.
        let rows = vec![
            aiming(row("a", 0, 4, Some(3)), 2),
            aiming(row("b", 0, 4, Some(2)), 2),
            aiming(row("c", 0, 4, Some(1)), 2),
            aiming(row("d", 0, 4, Some(1)), 4),
            aiming(row("e", 0, 4, None), 2),
            row("f", 0, 4, Some(2)),
        ];
        let spread = Spread::against_target("4 Oak".into(), &rows);
        let counts: Vec<usize> = spread.counts.iter().map(|(_, n)| *n).collect();
        assert_eq!(counts, vec![1, 1, 1, 1, 2]);
        assert_eq!(spread.counts[3].0, "2+ steps below");
    }

    fn was(mut row: ProgressRow, rank: i64) -> ProgressRow {
        row.last_term = Some(OverallJudgement {
            label: format!("level {rank}"),
            rank,
        });
        row
    }

    #[test]
    fn the_change_since_last_term_counts_steps_of_the_scale() {
        let now = |rank| row("a", 0, 4, rank);
        assert_eq!(was(now(Some(2)), 1).change(), Change::Up(1));
        assert_eq!(was(now(Some(1)), 3).change(), Change::Down(2));
        assert_eq!(was(now(Some(2)), 2).change(), Change::Same);
        assert_eq!(was(now(None), 2).change(), Change::NotYetKnown, "none now");
        assert_eq!(now(Some(2)).change(), Change::NotYetKnown, "none then");
        assert_eq!(was(now(Some(2)), 1).change_words(), "Up 1 (was level 1)");
        assert_eq!(was(now(Some(1)), 3).change_words(), "Down 2 (was level 3)");
        assert_eq!(was(now(Some(2)), 2).change_words(), "Same (level 2)");
        assert_eq!(now(Some(2)).change_words(), "Not yet known");
        let names = |rows: &[ProgressRow]| rows.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
        let mut rows = vec![
            was(row("Ada", 0, 4, Some(3)), 1),
            row("Ben", 0, 4, Some(2)),
            was(row("Cal", 0, 4, Some(1)), 2),
            was(row("Dee", 0, 4, Some(2)), 2),
        ];
        sort(
            &mut rows,
            SortBy::Change,
            SortBy::Change.starts_descending(),
        );
        assert_eq!(
            names(&rows),
            ["Cal", "Dee", "Ada", "Ben"],
            "the falls first"
        );
    }

    fn aiming_at(mut row: ProgressRow, rank: i64) -> ProgressRow {
        row.target = Some(Target {
            level: LevelId(rank),
            rank,
        });
        row
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

    #[test]
    fn on_track_means_judged_at_or_above_the_target() {
        let judged_expected = row("a", 2, 4, Some(2));
        assert_eq!(
            aiming_at(judged_expected.clone(), 2).on_track(),
            OnTrack::Yes
        );
        assert_eq!(
            aiming_at(judged_expected.clone(), 1).on_track(),
            OnTrack::Yes
        );
        assert_eq!(
            aiming_at(judged_expected.clone(), 3).on_track(),
            OnTrack::No
        );
        assert_eq!(
            judged_expected.on_track(),
            OnTrack::NotYetKnown,
            "no target"
        );
        assert_eq!(
            aiming_at(row("b", 0, 4, None), 2).on_track(),
            OnTrack::NotYetKnown,
            "not judged yet"
        );
    }

    #[test]
    fn sorting_by_on_track_puts_pupils_who_are_not_first_and_unknowns_last() {
        let names = |rows: &[ProgressRow]| rows.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
        let mut rows = vec![
            aiming_at(row("Ada", 2, 4, Some(2)), 2),
            row("Ben", 2, 4, Some(2)),
            aiming_at(row("Cal", 1, 4, Some(1)), 3),
        ];
        sort(
            &mut rows,
            SortBy::OnTrack,
            SortBy::OnTrack.starts_descending(),
        );
        assert_eq!(names(&rows), ["Cal", "Ada", "Ben"]);
    }

    #[test]
    fn the_spread_counts_each_judgement_in_the_scales_order_then_the_unjudged() {
        let scale: Vec<TargetChoice> = ["1", "2", "3"]
            .into_iter()
            .enumerate()
            .map(|(n, label)| TargetChoice {
                level: LevelId(n as i64),
                label: label.to_owned(),
            })
            .collect();
        let rows = [
            row("a", 0, 4, Some(2)),
            row("b", 0, 4, None),
            row("c", 0, 4, Some(2)),
            row("d", 0, 4, Some(1)),
        ];
        let spread = Spread::of("Year 4".to_owned(), &rows, &scale);
        let counts: Vec<(&str, usize)> = spread
            .counts
            .iter()
            .map(|(l, n)| (l.as_str(), *n))
            .collect();
        assert_eq!(counts, [("1", 1), ("2", 2), ("3", 0), (NOT_JUDGED, 1)]);
    }

    #[test]
    fn a_cohort_goes_through_the_drop_down_and_back() {
        for cohort in [Cohort::Group(GroupId(12)), Cohort::Year(0), Cohort::Year(4)] {
            assert_eq!(Cohort::from_choice(&cohort.choice()), Some(cohort));
        }
        assert_eq!(Cohort::from_choice("year-x"), None);
        assert_eq!(Cohort::from_choice("12"), None);
    }

    #[test]
    fn the_targets_form_pairs_each_pupil_with_a_level_or_none() {
        let pupils = [PupilId(1), PupilId(2)];
        let form = targets(&pupils, &["3".to_owned(), " ".to_owned()]).unwrap();
        assert_eq!(form, [(PupilId(1), Some(LevelId(3))), (PupilId(2), None)]);
        assert!(targets(&pupils, &["3".to_owned()]).is_err(), "one short");
        assert!(targets(&pupils, &["x".to_owned(), String::new()]).is_err());
    }
}
