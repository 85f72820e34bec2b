//! What the Ext. data pages show, shared by the server and the browser.

use serde::{Deserialize, Serialize};

use crate::ids::{PupilId, SubjectId};

pub const PATH: &str = "/ext-data";
/// Where **Upload file** posts the spreadsheet (a plain multipart post).
pub const UPLOAD_PATH: &str = "/ext-data/file";
/// The largest spreadsheet accepted.
pub const MOST_BYTES: usize = 8 * 1024 * 1024;
/// The most rows read from one file.
pub const MOST_ROWS: usize = 20_000;

/// Why **Upload file** didn't take a file, as the page's address says it
/// (`?refused=empty`): the address carries a key, never the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NoFile,
    Empty,
    NotWhole,
}

impl Refusal {
    const ALL: [Refusal; 3] = [Refusal::NoFile, Refusal::Empty, Refusal::NotWhole];

    pub fn key(self) -> &'static str {
        match self {
            Refusal::NoFile => "no-file",
            Refusal::Empty => "empty",
            Refusal::NotWhole => "not-whole",
        }
    }

    /// Any other key is a refusal of some kind, said in general.
    pub fn from_key(key: &str) -> Option<Refusal> {
        Refusal::ALL.into_iter().find(|r| r.key() == key)
    }

    pub fn words(refusal: Option<Refusal>) -> String {
        let most = MOST_BYTES / (1024 * 1024);
        match refusal {
            Some(Refusal::NoFile) => "Choose the spreadsheet of results (CSV or Excel).".into(),
            Some(Refusal::Empty) => {
                "That file is empty: choose the spreadsheet with the results in it.".into()
            }
            Some(Refusal::NotWhole) => format!(
                "That file is larger than {most} MB or didn't arrive whole: try again, or split it into smaller files."
            ),
            None => format!(
                "That file couldn't be taken: it was empty, larger than {most} MB, or didn't arrive whole."
            ),
        }
    }
}

/// An assessment English schools take, ready-made: choosing it sets the
/// score range and pass mark, so most imports need no set-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// The form's value.
    pub key: &'static str,
    pub name: &'static str,
    /// The scores, lowest and highest; None for the kinds set on the form.
    pub range: Option<(i64, i64)>,
    /// The pass mark and what reaching it is called.
    pub pass: Option<(i64, &'static str)>,
}

pub const KINDS: [Kind; 6] = [
    Kind {
        key: "phonics",
        name: "Phonics Screening Check",
        range: Some((0, 40)),
        pass: Some((32, "Working at the expected standard")),
    },
    Kind {
        key: "mtc",
        name: "Multiplication Tables Check",
        range: Some((0, 25)),
        pass: None,
    },
    Kind {
        key: "ks2",
        name: "KS2 scaled score",
        range: Some((80, 120)),
        pass: Some((100, "Met the expected standard")),
    },
    Kind {
        key: "standardised",
        name: "Standardised score",
        range: Some((69, 141)),
        pass: None,
    },
    Kind {
        key: "scores",
        name: "Other scores (set the range below)",
        range: None,
        pass: None,
    },
    Kind {
        key: "grades",
        name: "Grades (list them below)",
        range: None,
        pass: None,
    },
];

pub fn kind(key: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.key == key)
}

/// How an assessment is marked, in words ("Scores 0 to 40; 32 or more:
/// Working at the expected standard").
pub fn marking_words(
    range: Option<(i64, i64)>,
    pass: Option<(i64, &str)>,
    grades: &[String],
) -> String {
    match range {
        Some((lowest, highest)) => {
            let pass = pass
                .map(|(mark, words)| format!("; {mark} or more: {words}"))
                .unwrap_or_default();
            format!("Scores {lowest} to {highest}{pass}")
        }
        None => format!("Grades {}", grades.join(", ")),
    }
}

/// The import form's choices, as sent: the assessment (an id, or "new"
/// with its kind, name, day and marking), the columns (indexes, or empty
/// for "Not in the file") and what to do about results already there.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportForm {
    pub assessment: String,
    pub kind: String,
    pub name: String,
    pub taken_on: String,
    pub lowest: String,
    pub highest: String,
    pub pass_mark: String,
    pub grades: String,
    pub upn_column: String,
    pub first_name_column: String,
    pub surname_column: String,
    pub birth_column: String,
    pub result_column: String,
    pub existing: String,
}

/// The import form's value for a subject's targets ("targets-3"): an
/// import may set targets instead of results.
pub fn targets_choice(subject: SubjectId) -> String {
    format!("{TARGETS}{subject}")
}

pub const TARGETS: &str = "targets-";

/// What an import of targets is called: "Targets in Maths".
pub fn targets_words(subject: &str) -> String {
    format!("Targets in {subject}")
}

/// An assessment's name and day in words: "Phonics Screening Check, taken
/// 09/06/2026" (`taken_on` as stored).
pub fn taken_words(name: &str, taken_on: &str) -> String {
    named_on(name, &crate::school::model::uk_date(taken_on))
}

/// The same, with the day already written DD/MM/YYYY.
fn named_on(name: &str, day: &str) -> String {
    format!("{name}, taken {day}")
}

/// An assessment as listed on the page and offered for an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentRow {
    pub id: i64,
    pub name: String,
    /// DD/MM/YYYY.
    pub taken_on: String,
    pub marking: String,
    /// Results held, for pupils the viewer reaches.
    pub results: i64,
}

impl AssessmentRow {
    /// "Phonics Screening Check, taken 09/06/2026".
    pub fn name_and_day(&self) -> String {
        named_on(&self.name, &self.taken_on)
    }
}

/// One import in the list, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    pub id: i64,
    /// "Phonics Screening Check, taken 09/06/2026", or "Targets in Maths".
    pub assessment: String,
    /// An import of targets (else of results): its id is of its own kind.
    pub targets: bool,
    pub file_name: String,
    pub by: String,
    /// When, in the school's time.
    pub at: String,
    pub added: i64,
    pub replaced: i64,
    pub skipped: i64,
    /// "Undone by … on …", once undone.
    pub undone: Option<String>,
    /// Whether this viewer may undo it now (their own or an admin, the
    /// newest import of its assessment still in place).
    pub can_undo: bool,
}

/// A column of the uploaded sheet, as the mapping drop-downs offer it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub index: usize,
    /// "C: Score", the spreadsheet's letter and its heading.
    pub label: String,
}

/// The columns Markwell guessed from the headings; each is a column index.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub upn: Option<usize>,
    pub first_name: Option<usize>,
    pub surname: Option<usize>,
    pub birth: Option<usize>,
    pub result: Option<usize>,
}

/// An uploaded file, read, ready to map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedFile {
    pub id: i64,
    pub file_name: String,
    /// The row the headings were found on (1 is the first).
    pub heading_row: usize,
    /// Rows below the headings with something in them.
    pub rows: usize,
    pub columns: Vec<Column>,
    pub guess: Mapping,
}

/// The Ext. data page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtDataView {
    /// The file being imported, when one was uploaded; Err with the reason
    /// when it can't be read.
    pub file: Option<Result<UploadedFile, String>>,
    pub assessments: Vec<AssessmentRow>,
    /// The subjects whose targets may be imported instead of results.
    pub subjects: Vec<(SubjectId, String)>,
    pub imports: Vec<ImportRow>,
}

/// A row of the file that won't be imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadRow {
    /// The spreadsheet's own row number.
    pub row: usize,
    /// Who the row names, as written in the file.
    pub who: String,
    pub reason: String,
}

/// A pupil who already has a result, and what the import does about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Existing {
    pub row: usize,
    pub pupil: PupilId,
    pub name: String,
    pub now: String,
    pub new: String,
}

/// What **Import** would do, exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    /// "Phonics Screening Check, taken 09/06/2026", or "Targets in Maths".
    pub assessment: String,
    /// Targets, not results.
    pub targets: bool,
    pub adds: usize,
    /// Pupils who already have a result for this assessment.
    pub existing: Vec<Existing>,
    /// Whether those are replaced (else skipped).
    pub replace: bool,
    /// Pupils who already have exactly what the file says: left as they are.
    pub unchanged: usize,
    pub bad_rows: Vec<BadRow>,
    /// What the preview showed, which **Import** sends back: if anything
    /// changed since, the import is refused and previewed again.
    pub digest: String,
}

impl Preview {
    /// Results the import writes.
    pub fn writes(&self) -> usize {
        self.adds + if self.replace { self.existing.len() } else { 0 }
    }

    /// The preview in one sentence, for screen readers as it arrives.
    pub fn summary(&self) -> String {
        format!(
            "Preview ready: {} to import, {} rows can't be imported.",
            self.writes(),
            self.bad_rows.len()
        )
    }

    /// What the import writes, one and many: "result", "results".
    pub fn nouns(&self) -> (&'static str, &'static str) {
        match self.targets {
            true => ("target", "targets"),
            false => ("result", "results"),
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Imported {
    pub import: i64,
    pub added: i64,
    pub replaced: i64,
    pub skipped: i64,
}

/// A result in a Progress row: in words, and as a figure to sort by (the
/// score, or the grade's place in its list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalCell {
    pub words: String,
    pub figure: i64,
}

/// A pupil's result, on their page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PupilResult {
    pub assessment: String,
    /// DD/MM/YYYY.
    pub taken_on: String,
    /// "35 (Working at the expected standard)", "B".
    pub result: String,
    pub marking: String,
}

crate::ui::done_notices! {
    pub enum ExtDataDone {
        Imported => ("imported", "Results imported."),
        Undone => ("undone", "Import undone: its results are removed and any it replaced are back."),
        TargetsImported => ("targets-imported", "Targets imported: Progress shows them."),
        TargetsUndone => ("targets-undone", "Import undone: its targets are removed and any it replaced are back, except targets changed by hand since."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marking_in_words() {
        let phonics = kind("phonics").unwrap();
        assert_eq!(
            marking_words(phonics.range, phonics.pass, &[]),
            "Scores 0 to 40; 32 or more: Working at the expected standard"
        );
        assert_eq!(
            marking_words(None, None, &["A".into(), "B".into()]),
            "Grades A, B"
        );
    }
}
