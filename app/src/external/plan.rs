//! An import, planned: the form parsed into what it means (which
//! assessment, or which subject's targets; how pupils are found; which
//! column holds the result), and
//! the file's rows checked against the pupils the importer reaches. The
//! preview and the import both come from here, so the import writes
//! exactly what the preview showed.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use super::{
    model::{kind, marking_words, BadRow, Existing, ImportForm, Preview, TARGETS},
    sheet::{Cell, Sheet},
};
use crate::{
    error::{AppError, Problems},
    ids::{PupilId, SubjectId},
    school::model::{parse_date, uk_date},
};

/// The longest name an assessment can have.
pub const NAME_LENGTH: usize = 80;

/// How an assessment is marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marking {
    Scores {
        lowest: i64,
        highest: i64,
        pass: Option<(i64, String)>,
    },
    /// Lowest first.
    Grades(Vec<String>),
    /// Targets: the school's scale, lowest first, as (key, label). A file
    /// may write a level either way; it is stored by its label.
    Scale(Vec<(String, String)>),
}

impl Marking {
    pub fn words(&self) -> String {
        match self {
            Marking::Scores {
                lowest,
                highest,
                pass,
            } => marking_words(
                Some((*lowest, *highest)),
                pass.as_ref().map(|(m, w)| (*m, w.as_str())),
                &[],
            ),
            Marking::Grades(grades) => marking_words(None, None, grades),
            Marking::Scale(levels) => format!(
                "Targets on the school's scale: {}",
                labels(levels).join(", ")
            ),
        }
    }

    /// A result as written in the file, or why it isn't one.
    fn value(&self, cell: &Cell) -> Result<Value, String> {
        let written = cell.words();
        match self {
            Marking::Scores {
                lowest, highest, ..
            } => {
                if written.is_empty() {
                    return Err("No score.".into());
                }
                let score = match cell {
                    Cell::Number(n) if n.fract() == 0.0 => Some(*n as i64),
                    _ => written.parse::<i64>().ok(),
                };
                match score {
                    Some(score) if (*lowest..=*highest).contains(&score) => Ok(Value::Score(score)),
                    Some(score) => Err(format!(
                        "Score out of range: {score} (scores are {lowest} to {highest})."
                    )),
                    None => Err(format!(
                        "\u{201c}{written}\u{201d} isn't a score: scores are whole numbers from {lowest} to {highest}."
                    )),
                }
            }
            Marking::Grades(grades) => {
                if written.is_empty() {
                    return Err("No grade.".into());
                }
                grades
                    .iter()
                    .find(|g| g.eq_ignore_ascii_case(&written))
                    .map(|g| Value::Grade(g.clone()))
                    .ok_or_else(|| {
                        format!(
                            "\u{201c}{written}\u{201d} isn't one of the grades ({}).",
                            grades.join(", ")
                        )
                    })
            }
            Marking::Scale(levels) => {
                if written.is_empty() {
                    return Err("No target.".into());
                }
                levels
                    .iter()
                    .find(|(key, label)| {
                        label.eq_ignore_ascii_case(&written) || key.eq_ignore_ascii_case(&written)
                    })
                    .map(|(_, label)| Value::Grade(label.clone()))
                    .ok_or_else(|| {
                        format!(
                            "\u{201c}{written}\u{201d} isn't on the school's scale ({}).",
                            labels(levels).join(", ")
                        )
                    })
            }
        }
    }

    /// A result in words, with what it means when there is a pass mark.
    pub fn result_words(&self, value: &Value) -> String {
        match (self, value) {
            (
                Marking::Scores {
                    pass: Some((mark, words)),
                    ..
                },
                Value::Score(score),
            ) if score >= mark => format!("{score} ({words})"),
            (_, value) => value.words(),
        }
    }
}

/// The scale's labels, lowest first.
pub fn labels(levels: &[(String, String)]) -> Vec<&str> {
    levels.iter().map(|(_, label)| label.as_str()).collect()
}

/// A result: a score or a grade (a target is the grade of its level).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Score(i64),
    Grade(String),
}

impl Value {
    pub fn words(&self) -> String {
        match self {
            Value::Score(score) => score.to_string(),
            Value::Grade(grade) => grade.clone(),
        }
    }

    /// As stored: (score, grade).
    pub fn stored(&self) -> (Option<i64>, Option<&str>) {
        match self {
            Value::Score(score) => (Some(*score), None),
            Value::Grade(grade) => (None, Some(grade)),
        }
    }

    pub fn from_stored(score: Option<i64>, grade: Option<String>) -> Value {
        match (score, grade) {
            (Some(score), _) => Value::Score(score),
            (None, grade) => Value::Grade(grade.unwrap_or_default()),
        }
    }
}

/// A new assessment, defined on the import form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAssessment {
    pub name: String,
    /// As stored, YYYY-MM-DD.
    pub taken_on: String,
    pub marking: Marking,
}

/// What the file's column is: results of an assessment, or targets in a
/// subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chosen {
    Existing(i64),
    New(NewAssessment),
    Targets(SubjectId),
}

/// How each row's pupil is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchBy {
    Upn(usize),
    NameAndBirth {
        first_name: usize,
        surname: usize,
        birth: usize,
    },
}

/// The import form, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub assessment: Chosen,
    pub match_by: MatchBy,
    pub result: usize,
    /// Pupils who already have a result get the file's (else keep theirs).
    pub replace: bool,
    /// The first name and surname columns, when both are chosen: a row is
    /// named by them in the preview, whichever way pupils are found.
    pub names: Option<(usize, usize)>,
}

impl ImportForm {
    /// Every mistake at once, each beside its field. `columns` is how many
    /// columns the file has.
    pub fn check(&self, columns: usize) -> Result<Plan, AppError> {
        let mut problems = Problems::default();
        let column = |field: &str, written: &str| -> Result<Option<usize>, AppError> {
            match written.trim() {
                "" => Ok(None),
                written => written
                    .parse::<usize>()
                    .ok()
                    .filter(|c| *c < columns)
                    .map(Some)
                    .ok_or_else(|| AppError::invalid(field, "Choose a column from the list.")),
            }
        };
        let assessment = problems.take(self.assessment());
        let upn = problems.take(column("upn_column", &self.upn_column));
        let first_name = problems.take(column("first_name_column", &self.first_name_column));
        let surname = problems.take(column("surname_column", &self.surname_column));
        let birth = problems.take(column("birth_column", &self.birth_column));
        let result = problems.take(column("result_column", &self.result_column).and_then(|c| {
            c.ok_or_else(|| {
                AppError::invalid(
                    "result_column",
                    "Choose the column with each pupil's score, grade or target.",
                )
            })
        }));
        let match_by = match (upn, first_name, surname, birth) {
            (Some(Some(upn)), ..) => Some(MatchBy::Upn(upn)),
            (Some(None), Some(Some(first_name)), Some(Some(surname)), Some(Some(birth))) => {
                Some(MatchBy::NameAndBirth {
                    first_name,
                    surname,
                    birth,
                })
            }
            (Some(None), Some(_), Some(_), Some(_)) => {
                problems.add(
                    "upn_column",
                    "Choose the column with each pupil's UPN, or the columns with their first name, surname and date of birth.",
                );
                None
            }
            _ => None,
        };
        let replace = problems.take(match self.existing.as_str() {
            "replace" => Ok(true),
            "skip" | "" => Ok(false),
            _ => Err(AppError::invalid("existing", "Choose Replace or Skip.")),
        });
        let names = match (first_name, surname) {
            (Some(Some(first)), Some(Some(last))) => Some((first, last)),
            _ => None,
        };
        problems.finish_with(|| {
            Some(Plan {
                names,
                assessment: assessment?,
                match_by: match_by?,
                result: result?,
                replace: replace?,
            })
        })
    }

    fn assessment(&self) -> Result<Chosen, AppError> {
        match self.assessment.trim() {
            "" => Err(AppError::invalid(
                "assessment",
                "Choose the assessment these results are for, or A new assessment.",
            )),
            "new" => self.new_assessment().map(Chosen::New),
            choice if choice.starts_with(TARGETS) => choice[TARGETS.len()..]
                .parse()
                .map(|subject| Chosen::Targets(SubjectId(subject)))
                .map_err(|_| AppError::invalid("assessment", "Choose a subject from the list.")),
            id => id.parse().map(Chosen::Existing).map_err(|_| {
                AppError::invalid("assessment", "Choose an assessment from the list.")
            }),
        }
    }

    fn new_assessment(&self) -> Result<NewAssessment, AppError> {
        let mut problems = Problems::default();
        let Some(kind) = kind(&self.kind) else {
            return Err(AppError::invalid(
                "kind",
                "Choose what kind of assessment it is.",
            ));
        };
        // A ready-made assessment is named for itself unless given a name.
        let name = match (self.name.trim(), kind.range) {
            ("", Some(_)) => Ok(kind.name.to_owned()),
            ("", None) => Err(AppError::invalid("name", "Give the assessment a name.")),
            (name, _) if name.chars().count() > NAME_LENGTH => Err(AppError::invalid(
                "name",
                format!("Keep the name to {NAME_LENGTH} characters."),
            )),
            (name, _) => Ok(name.to_owned()),
        };
        let name = problems.take(name);
        let taken_on = problems.take(parse_date(&self.taken_on).ok_or_else(|| {
            AppError::invalid(
                "taken_on",
                "Write the day it was taken as DD/MM/YYYY, for example 09/06/2026.",
            )
        }));
        let marking = match (kind.key, kind.range) {
            (_, Some((lowest, highest))) => Some(Marking::Scores {
                lowest,
                highest,
                pass: kind.pass.map(|(mark, words)| (mark, words.to_owned())),
            }),
            ("grades", None) => problems.take(self.grades()),
            _ => problems.take(self.scores()),
        };
        problems.finish_with(|| {
            Some(NewAssessment {
                name: name?,
                taken_on: taken_on?,
                marking: marking?,
            })
        })
    }

    fn scores(&self) -> Result<Marking, AppError> {
        let whole = |written: &str| written.trim().parse::<i64>().ok();
        let (Some(lowest), Some(highest)) = (whole(&self.lowest), whole(&self.highest)) else {
            return Err(AppError::invalid(
                "lowest",
                "Write the lowest and highest scores as whole numbers.",
            ));
        };
        if lowest >= highest {
            return Err(AppError::invalid(
                "lowest",
                "The lowest score must be below the highest.",
            ));
        }
        let pass = match self.pass_mark.trim() {
            "" => None,
            written => match whole(written).filter(|m| (lowest..=highest).contains(m)) {
                Some(mark) => Some((mark, "Reached the pass mark".to_owned())),
                None => {
                    return Err(AppError::invalid(
                        "pass_mark",
                        format!("The pass mark must be a whole number from {lowest} to {highest}, or left empty."),
                    ))
                }
            },
        };
        Ok(Marking::Scores {
            lowest,
            highest,
            pass,
        })
    }

    fn grades(&self) -> Result<Marking, AppError> {
        let mut grades: Vec<String> = Vec::new();
        for grade in self.grades.lines().map(str::trim).filter(|g| !g.is_empty()) {
            if grades.iter().any(|g| g.eq_ignore_ascii_case(grade)) {
                return Err(AppError::invalid(
                    "grades",
                    format!("{grade} is listed twice."),
                ));
            }
            if grade.chars().count() > 20 {
                return Err(AppError::invalid(
                    "grades",
                    "Keep each grade to 20 characters.",
                ));
            }
            grades.push(grade.to_owned());
        }
        if grades.len() < 2 {
            return Err(AppError::invalid(
                "grades",
                "List at least two grades, one per line, lowest first.",
            ));
        }
        Ok(Marking::Grades(grades))
    }
}

/// A pupil the importer reaches, as the file may name them.
#[derive(Debug, Clone)]
pub struct Pupil {
    pub id: PupilId,
    pub upn: String,
    pub first_name: String,
    pub surname: String,
    /// YYYY-MM-DD.
    pub birth: String,
}

/// One result (or target) the import writes, and what it replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Writing {
    pub pupil: PupilId,
    pub value: Value,
    /// The result it replaces: the import keeps it as it is then.
    pub replaces: Option<Value>,
}

/// The preview, and the writes behind it.
#[derive(Debug)]
pub struct Checked {
    pub preview: Preview,
    pub writes: Vec<Writing>,
    pub skipped: usize,
}

/// Every row of the sheet checked: who it is, whether the result is one
/// the assessment allows, whether the pupil is in the file twice, and
/// what they already have. `whole_school` says the importer reaches every
/// pupil (else "unknown" means none in their groups).
#[allow(clippy::too_many_arguments)]
pub fn check_rows(
    sheet: &Sheet,
    plan: &Plan,
    marking: &Marking,
    assessment_words: String,
    pupils: &[Pupil],
    existing: &HashMap<PupilId, Value>,
    whole_school: bool,
) -> Checked {
    let scope = if whole_school { "" } else { " in your groups" };
    let by_upn: HashMap<String, &Pupil> =
        pupils.iter().map(|p| (p.upn.to_uppercase(), p)).collect();
    let mut by_name: HashMap<(String, String, &str), Vec<&Pupil>> = HashMap::new();
    for pupil in pupils {
        let key = (
            pupil.first_name.to_lowercase(),
            pupil.surname.to_lowercase(),
            pupil.birth.as_str(),
        );
        by_name.entry(key).or_default().push(pupil);
    }
    let cell = |cells: &[Cell], at: usize| cells.get(at).cloned().unwrap_or(Cell::Empty);
    let mut bad_rows = Vec::new();
    // Rows that passed, by pupil, to find a pupil listed twice.
    let mut found: Vec<(usize, String, &Pupil, Value)> = Vec::new();
    // Every row whose pupil was found, whatever its result: a pupil listed
    // twice is ambiguous even when one of the two rows is wrong.
    let mut rows_of: HashMap<PupilId, Vec<usize>> = HashMap::new();
    for (row, cells) in sheet.body() {
        let (who, pupil) = match plan.match_by {
            MatchBy::Upn(at) => {
                let upn = cell(cells, at).words().to_uppercase();
                let pupil = match by_upn.get(&upn) {
                    _ if upn.is_empty() => Err("No UPN.".to_owned()),
                    Some(pupil) => Ok(*pupil),
                    None => Err(format!("Unknown pupil: no pupil{scope} has the UPN {upn}.")),
                };
                let who = match plan.names {
                    Some((first, last)) => {
                        let name = format!(
                            "{} {}",
                            cell(cells, first).words(),
                            cell(cells, last).words()
                        );
                        format!("{} ({upn})", name.trim())
                    }
                    None => upn,
                };
                (who, pupil)
            }
            MatchBy::NameAndBirth {
                first_name,
                surname,
                birth,
            } => {
                let first = cell(cells, first_name).words();
                let last = cell(cells, surname).words();
                let born = cell(cells, birth);
                let who = format!("{first} {last}").trim().to_owned();
                let pupil = match born.date() {
                    _ if first.is_empty() || last.is_empty() => {
                        Err("No first name or no surname.".to_owned())
                    }
                    None if born.is_empty() => Err("No date of birth.".to_owned()),
                    None => Err(format!(
                        "The date of birth \u{201c}{}\u{201d} isn't a date (DD/MM/YYYY).",
                        born.words()
                    )),
                    Some(birth) => {
                        let key = (first.to_lowercase(), last.to_lowercase(), birth.as_str());
                        match by_name.get(&key).map(Vec::as_slice) {
                            Some([pupil]) => Ok(*pupil),
                            Some([_, _, ..]) => Err(format!(
                                "Two pupils match {who}, born {}: use UPNs to tell them apart.",
                                uk_date(&birth)
                            )),
                            _ => Err(format!(
                                "Unknown pupil: no pupil{scope} called {who} was born on {}.",
                                uk_date(&birth)
                            )),
                        }
                    }
                };
                (who, pupil)
            }
        };
        if let Ok(pupil) = &pupil {
            rows_of.entry(pupil.id).or_default().push(*row);
        }
        let result = marking.value(&cell(cells, plan.result));
        match (pupil, result) {
            (Ok(pupil), Ok(value)) => found.push((*row, who, pupil, value)),
            (Err(reason), _) | (_, Err(reason)) => bad_rows.push(BadRow {
                row: *row,
                who,
                reason,
            }),
        }
    }
    // A pupil listed twice: no row of theirs is taken, as either may be wrong.
    let mut writes = Vec::new();
    let mut existing_rows = Vec::new();
    let mut adds = 0;
    let mut skipped = 0;
    let mut unchanged = 0;
    for (row, who, pupil, value) in found {
        let rows = &rows_of[&pupil.id];
        if rows.len() > 1 {
            let listed: Vec<String> = rows.iter().map(usize::to_string).collect();
            bad_rows.push(BadRow {
                row,
                who,
                reason: format!(
                    "The same pupil is in the file more than once: rows {}.",
                    listed.join(", ")
                ),
            });
            continue;
        }
        match existing.get(&pupil.id) {
            None => {
                adds += 1;
                writes.push(Writing {
                    pupil: pupil.id,
                    value,
                    replaces: None,
                });
            }
            // Already what the file says (a file imported again): nothing
            // to add, replace or skip.
            Some(now) if *now == value => unchanged += 1,
            Some(now) => {
                existing_rows.push(Existing {
                    row,
                    pupil: pupil.id,
                    name: format!("{} {}", pupil.first_name, pupil.surname),
                    now: marking.result_words(now),
                    new: marking.result_words(&value),
                });
                if plan.replace {
                    writes.push(Writing {
                        pupil: pupil.id,
                        value,
                        replaces: Some(now.clone()),
                    });
                } else {
                    skipped += 1;
                }
            }
        }
    }
    bad_rows.sort_by_key(|b| b.row);
    // The marking too: a new assessment's grades or pass mark changed
    // after the preview is a change.
    let what = format!("{assessment_words}{marking:?}");
    let digest = digest(&what, &writes, &bad_rows, [skipped, unchanged]);
    Checked {
        preview: Preview {
            assessment: assessment_words,
            targets: matches!(plan.assessment, Chosen::Targets(_)),
            adds,
            existing: existing_rows,
            unchanged,
            replace: plan.replace,
            bad_rows,
            digest,
        },
        writes,
        skipped,
    }
}

/// `left`: the pupils skipped, and those already as the file says.
fn digest(assessment: &str, writes: &[Writing], bad_rows: &[BadRow], left: [usize; 2]) -> String {
    let mut hash = Sha256::new();
    hash.update(assessment.as_bytes());
    for writing in writes {
        hash.update(format!("{writing:?}").as_bytes());
        hash.update([0]);
    }
    for bad in bad_rows {
        hash.update(format!("{}:{}", bad.row, bad.reason).as_bytes());
        hash.update([0]);
    }
    for count in left {
        hash.update(count.to_le_bytes());
    }
    hex::encode(hash.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::external::sheet::read;

    fn form() -> ImportForm {
        ImportForm {
            assessment: "new".into(),
            kind: "phonics".into(),
            taken_on: "09/06/2026".into(),
            upn_column: "0".into(),
            result_column: "2".into(),
            ..ImportForm::default()
        }
    }

    fn pupil(id: i64, upn: &str, first: &str, surname: &str, birth: &str) -> Pupil {
        Pupil {
            id: PupilId(id),
            upn: upn.into(),
            first_name: first.into(),
            surname: surname.into(),
            birth: birth.into(),
        }
    }

    #[test]
    fn a_ready_made_assessment_needs_only_its_day() {
        let plan = form().check(3).unwrap();
        let Chosen::New(new) = plan.assessment else {
            panic!("a new assessment");
        };
        assert_eq!(new.name, "Phonics Screening Check");
        assert_eq!(new.taken_on, "2026-06-09");
        assert_eq!(
            new.marking.words(),
            "Scores 0 to 40; 32 or more: Working at the expected standard"
        );
        assert_eq!(plan.match_by, MatchBy::Upn(0));
        assert!(!plan.replace);
    }

    #[test]
    fn every_mistake_on_the_form_at_once() {
        let wrong = ImportForm {
            kind: "scores".into(),
            taken_on: "31/02/2026".into(),
            lowest: "10".into(),
            highest: "5".into(),
            upn_column: "".into(),
            result_column: "9".into(),
            ..form()
        };
        let error = wrong.check(3).unwrap_err();
        let fields: Vec<&str> = error.problems().map(|p| p.field).collect();
        assert_eq!(
            fields,
            ["name", "taken_on", "lowest", "result_column", "upn_column"],
            "{error:?}"
        );
        let grades = ImportForm {
            kind: "grades".into(),
            name: "Reading age band".into(),
            grades: "A\nB\na".into(),
            ..form()
        };
        let error = grades.check(3).unwrap_err();
        assert_eq!(
            error.for_field("grades").as_deref(),
            Some("a is listed twice.")
        );
        let unmatched = ImportForm {
            upn_column: "".into(),
            ..form()
        };
        assert!(unmatched
            .check(3)
            .unwrap_err()
            .for_field("upn_column")
            .is_some());
    }

    #[test]
    fn every_bad_row_has_its_reason() {
        let sheet = read(
            "p.csv",
            b"UPN,Name,Score\nA1,Amy,35\nZ9,Nobody,30\nB2,Ben,41\nC3,Cal,abs\nD4,Dee,20\nD4,Dee,21\n,Eve,3\nE5,Eve,12\n",
        )
        .unwrap();
        let plan = form().check(3).unwrap();
        let Chosen::New(new) = &plan.assessment else {
            panic!()
        };
        let pupils = [
            pupil(1, "A1", "Amy", "Ant", "2019-01-01"),
            pupil(2, "B2", "Ben", "Bee", "2019-01-01"),
            pupil(3, "C3", "Cal", "Cat", "2019-01-01"),
            pupil(4, "D4", "Dee", "Dog", "2019-01-01"),
            pupil(5, "E5", "Eve", "Elk", "2019-01-01"),
        ];
        // Eve has a result; Amy has the file's already.
        let existing = HashMap::from([
            (PupilId(5), Value::Score(35)),
            (PupilId(1), Value::Score(35)),
        ]);
        let checked = check_rows(
            &sheet,
            &plan,
            &new.marking,
            "P".into(),
            &pupils,
            &existing,
            true,
        );
        let reasons: Vec<(usize, &str)> = checked
            .preview
            .bad_rows
            .iter()
            .map(|b| (b.row, b.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                (3, "Unknown pupil: no pupil has the UPN Z9."),
                (4, "Score out of range: 41 (scores are 0 to 40)."),
                (
                    5,
                    "\u{201c}abs\u{201d} isn't a score: scores are whole numbers from 0 to 40."
                ),
                (
                    6,
                    "The same pupil is in the file more than once: rows 6, 7."
                ),
                (
                    7,
                    "The same pupil is in the file more than once: rows 6, 7."
                ),
                (8, "No UPN."),
            ]
        );
        assert_eq!(checked.preview.adds, 0);
        assert_eq!(checked.preview.unchanged, 1, "Amy has 35 already");
        assert_eq!(
            checked.preview.existing[0].now,
            "35 (Working at the expected standard)"
        );
        assert_eq!(checked.preview.existing[0].new, "12");
        assert_eq!(checked.skipped, 1, "skipped, as the form chose");
        assert!(checked.writes.is_empty());
    }

    #[test]
    fn a_target_is_a_level_of_the_scale_by_label_or_key() {
        let plan = ImportForm {
            assessment: "targets-3".into(),
            ..form()
        }
        .check(3)
        .unwrap();
        assert_eq!(plan.assessment, Chosen::Targets(SubjectId(3)));
        let wrong = ImportForm {
            assessment: "targets-maths".into(),
            ..form()
        };
        assert_eq!(
            wrong
                .check(3)
                .unwrap_err()
                .for_field("assessment")
                .as_deref(),
            Some("Choose a subject from the list.")
        );
        let scale = Marking::Scale(vec![
            ("WTS".into(), "Working towards".into()),
            ("EXS".into(), "Expected".into()),
        ]);
        let grade = |written: &str| scale.value(&Cell::Text(written.into()));
        assert_eq!(grade("expected"), Ok(Value::Grade("Expected".into())));
        assert_eq!(grade("wts"), Ok(Value::Grade("Working towards".into())));
        assert_eq!(grade(""), Err("No target.".into()));
        assert_eq!(
            grade("Gold"),
            Err(
                "\u{201c}Gold\u{201d} isn't on the school's scale (Working towards, Expected)."
                    .into()
            )
        );
        assert_eq!(
            scale.words(),
            "Targets on the school's scale: Working towards, Expected"
        );
    }

    #[test]
    fn pupils_found_by_name_and_date_of_birth() {
        let sheet = read(
            "p.csv",
            b"First name,Surname,Date of birth,Score\namy,ANT,12/03/2016,35\nSam,Twin,2016-01-01,20\nAmy,Ant,1/1/2016,5\nTom,Ox,soon,3\n",
        )
        .unwrap();
        let plan = ImportForm {
            upn_column: "".into(),
            first_name_column: "0".into(),
            surname_column: "1".into(),
            birth_column: "2".into(),
            result_column: "3".into(),
            existing: "replace".into(),
            ..form()
        }
        .check(4)
        .unwrap();
        let marking = Marking::Scores {
            lowest: 0,
            highest: 40,
            pass: None,
        };
        let pupils = [
            pupil(1, "A1", "Amy", "Ant", "2016-03-12"),
            pupil(2, "S1", "Sam", "Twin", "2016-01-01"),
            pupil(3, "S2", "Sam", "Twin", "2016-01-01"),
        ];
        let checked = check_rows(
            &sheet,
            &plan,
            &marking,
            "P".into(),
            &pupils,
            &HashMap::new(),
            false,
        );
        let reasons: Vec<&str> = checked
            .preview
            .bad_rows
            .iter()
            .map(|b| b.reason.as_str())
            .collect();
        assert_eq!(
            reasons,
            [
                "Two pupils match Sam Twin, born 01/01/2016: use UPNs to tell them apart.",
                "Unknown pupil: no pupil in your groups called Amy Ant was born on 01/01/2016.",
                "The date of birth \u{201c}soon\u{201d} isn't a date (DD/MM/YYYY).",
            ]
        );
        assert_eq!(checked.writes[0].pupil, PupilId(1));
    }
}
