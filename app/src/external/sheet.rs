//! Reading a results spreadsheet: CSV or Excel (.xlsx) into rows of cells,
//! with the row numbers the spreadsheet itself shows, and finding the row
//! of headings (schools' exports often put a title above it).

use std::io::Cursor;

use super::model::{Column, Mapping, MOST_ROWS};

/// One cell as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// A cell Excel formats as a date, as stored ("2016-03-12").
    Date(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(text) => text.trim().is_empty(),
            Cell::Number(_) | Cell::Date(_) => false,
        }
    }

    /// The cell as a person reads it.
    pub fn words(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => text.trim().to_owned(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(stored) => crate::school::model::uk_date(stored),
        }
    }

    /// A date of birth: a date cell, a day written as text (DD/MM/YYYY or
    /// YYYY-MM-DD), or a number Excel keeps a date as (days since
    /// 30/12/1899), when the column isn't formatted as dates.
    pub fn date(&self) -> Option<String> {
        match self {
            Cell::Date(stored) => Some(stored.clone()),
            Cell::Text(text) => crate::school::model::parse_date(text),
            Cell::Number(n) if n.fract() == 0.0 && (1.0..=2_958_465.0).contains(n) => {
                serial_date(*n)
            }
            Cell::Number(_) | Cell::Empty => None,
        }
    }
}

/// Excel's day number as a date (1900 date system, after Lotus's leap day).
fn serial_date(serial: f64) -> Option<String> {
    let base = time::Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
    let day = base.checked_add(time::Duration::days(serial.floor() as i64))?;
    Some(format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    ))
}

/// A sheet: its rows, each with the number the spreadsheet shows for it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    pub rows: Vec<(usize, Vec<Cell>)>,
}

impl Sheet {
    /// The row of headings, among the first 20: the first with two or more
    /// headings Markwell knows (UPN, Surname, Score …), else the first with
    /// as many cells filled in as any (at least two). So a title above it
    /// ("Phonics check, June 2026", even with a comma in it) is passed over,
    /// and so is a title that happens to say "results".
    pub fn heading_row(&self) -> Option<usize> {
        let filled = |cells: &[Cell]| cells.iter().filter(|c| !c.is_empty()).count();
        let known = |cells: &[Cell]| {
            cells
                .iter()
                .filter(|c| matches!(c, Cell::Text(_)))
                .filter(|c| {
                    let heading = c.words().to_lowercase();
                    HEADINGS
                        .iter()
                        .flat_map(|(_, words)| *words)
                        .any(|w| heading.contains(w))
                })
                .count()
        };
        let top = &self.rows[..self.rows.len().min(20)];
        if let Some(at) = top.iter().position(|(_, cells)| known(cells) >= 2) {
            return Some(at);
        }
        let most = top.iter().map(|(_, cells)| filled(cells)).max()?;
        if most < 2 {
            return None;
        }
        top.iter().position(|(_, cells)| filled(cells) == most)
    }

    /// The rows below the headings that have anything in them.
    pub fn body(&self) -> impl Iterator<Item = &(usize, Vec<Cell>)> {
        let start = self.heading_row().map_or(self.rows.len(), |h| h + 1);
        self.rows[start..]
            .iter()
            .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
    }

    /// The columns as the mapping offers them: letter and heading.
    pub fn columns(&self) -> Vec<Column> {
        let Some(heading) = self.heading_row() else {
            return Vec::new();
        };
        let width = self.rows.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
        let headings = &self.rows[heading].1;
        (0..width)
            .map(|index| {
                let heading = headings.get(index).map(Cell::words).unwrap_or_default();
                let letter = column_letter(index);
                let label = if heading.is_empty() {
                    format!("Column {letter}")
                } else {
                    format!("{letter}: {heading}")
                };
                Column { index, label }
            })
            .collect()
    }

    /// The columns the headings suggest.
    pub fn guess(&self) -> Mapping {
        let Some(heading) = self.heading_row() else {
            return Mapping::default();
        };
        let headings: Vec<String> = self.rows[heading]
            .1
            .iter()
            .map(|c| c.words().to_lowercase())
            .collect();
        let find = |column: Heading| {
            let words = HEADINGS
                .iter()
                .find(|(c, _)| *c == column)
                .map_or(&[][..], |(_, w)| *w);
            headings
                .iter()
                .position(|h| words.iter().any(|w| h.contains(w)))
        };
        Mapping {
            upn: find(Heading::Upn),
            first_name: find(Heading::FirstName),
            surname: find(Heading::Surname),
            birth: find(Heading::Birth),
            result: find(Heading::Result).or_else(|| find(Heading::Target)),
        }
    }
}

/// The columns a results file has, as the mapping knows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Heading {
    Upn,
    FirstName,
    Surname,
    Birth,
    Result,
    /// A file of targets: taken for the result column when there is no
    /// score or grade.
    Target,
}

/// The words (lower case) a heading of each column contains.
const HEADINGS: [(Heading, &[&str]); 6] = [
    (Heading::Upn, &["upn", "unique pupil number"]),
    (
        Heading::FirstName,
        &["forename", "first name", "firstname", "given"],
    ),
    (
        Heading::Surname,
        &["surname", "last name", "lastname", "family name"],
    ),
    (Heading::Birth, &["birth", "dob"]),
    (
        Heading::Result,
        &["score", "mark", "result", "grade", "outcome"],
    ),
    (Heading::Target, &["target"]),
];

/// The spreadsheet's letter for a column: A … Z, AA …
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// Reads a CSV or .xlsx file. Err says, in words for the person who
/// uploaded it, why it can't be read.
pub fn read(file_name: &str, bytes: &[u8]) -> Result<Sheet, String> {
    let lower = file_name.to_lowercase();
    let sheet = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) || lower.ends_with(".xls") {
        return Err(format!(
            "{file_name} is an old Excel file (.xls): in Excel, Save As \"Excel Workbook (.xlsx)\" or CSV, and upload that."
        ));
    } else if lower.ends_with(".xlsx") {
        return Err(format!(
            "{file_name} isn't a complete Excel file: save it again from Excel, or as CSV."
        ));
    } else {
        read_csv(bytes)?
    };
    if sheet.rows.len() > MOST_ROWS {
        return Err(format!(
            "{file_name} has more than {MOST_ROWS} rows: split it into smaller files."
        ));
    }
    if sheet.heading_row().is_none() {
        return Err(format!(
            "{file_name} has no row of column headings (a row with at least two cells filled in, within its first 20 rows)."
        ));
    }
    if sheet.body().next().is_none() {
        return Err(format!(
            "{file_name} has headings but no rows of results below them."
        ));
    }
    Ok(sheet)
}

fn read_csv(bytes: &[u8]) -> Result<Sheet, String> {
    // Excel on Windows saves "CSV" in its own code page rather than UTF-8:
    // read such a file byte by byte (Latin-1), which keeps accented names.
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if text.contains('\0') {
        return Err("This file isn't a spreadsheet: upload a CSV or Excel (.xlsx) file.".into());
    }
    // Some exports separate with semicolons or tabs: the first lines tell
    // (a title line above the headings has none), commas unless another
    // is more common.
    let top: String = text.lines().take(10).collect();
    let count = |d: u8| top.bytes().filter(|b| *b == d).count();
    let delimiter =
        [b';', b'\t'].into_iter().fold(
            b',',
            |best, d| if count(d) > count(best) { d } else { best },
        );
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let bytes = text.as_bytes();
    // (byte, line) of the last record, so lines are counted once.
    let mut counted = (0, 1);
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|_| {
            format!(
                "Row {} can't be read as CSV (a quote mark left open?).",
                n + 1
            )
        })?;
        // The line the record starts on, counted from its byte offset: the
        // reader's own count (and offset) stop before blank lines it passes
        // over, so they are stepped over here.
        let line = match record.position() {
            Some(position) => {
                let mut at = position.byte() as usize;
                while matches!(bytes.get(at), Some(b'\n' | b'\r')) {
                    at += 1;
                }
                let (from, line) = counted;
                let lines = bytes.get(from..at).unwrap_or_default();
                counted = (at, line + lines.iter().filter(|b| **b == b'\n').count());
                counted.1
            }
            None => n + 1,
        };
        rows.push((
            line,
            record
                .iter()
                .map(|field| match field.trim() {
                    "" => Cell::Empty,
                    text => Cell::Text(text.to_owned()),
                })
                .collect(),
        ));
        if rows.len() > MOST_ROWS {
            break;
        }
    }
    Ok(Sheet { rows })
}

fn read_xlsx(bytes: &[u8]) -> Result<Sheet, String> {
    use calamine::{Data, Reader, Xlsx};
    let unreadable = || {
        "This Excel file can't be read (is it damaged, or protected with a password?). Save it again from Excel, or as CSV.".to_owned()
    };
    // The reader is another crate's: a file damaged in a way it doesn't
    // expect must still get the message, not take the request down.
    let read = std::panic::catch_unwind(|| {
        let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).ok()?;
        workbook.worksheet_range_at(0)?.ok()
    });
    let range = read.ok().flatten().ok_or_else(unreadable)?;
    let Some((top, left)) = range.start() else {
        return Ok(Sheet::default());
    };
    let mut rows = Vec::new();
    for (n, row) in range.rows().enumerate() {
        let mut cells = vec![Cell::Empty; left as usize];
        cells.extend(row.iter().map(|data| {
            match data {
                Data::Int(n) => Cell::Number(*n as f64),
                Data::Float(n) => Cell::Number(*n),
                Data::String(text) if text.trim().is_empty() => Cell::Empty,
                Data::String(text) => Cell::Text(text.trim().to_owned()),
                Data::Bool(yes) => Cell::Text(if *yes { "TRUE" } else { "FALSE" }.into()),
                Data::DateTime(when) => serial_date(when.as_f64())
                    .map(Cell::Date)
                    .unwrap_or(Cell::Number(when.as_f64())),
                Data::DateTimeIso(text) => {
                    crate::school::model::parse_date(text.get(0..10).unwrap_or(text))
                        .map(Cell::Date)
                        .unwrap_or_else(|| Cell::Text(text.clone()))
                }
                Data::DurationIso(text) => Cell::Text(text.clone()),
                Data::Error(_) | Data::Empty => Cell::Empty,
            }
        }));
        rows.push((top as usize + n + 1, cells));
        if rows.len() > MOST_ROWS {
            break;
        }
    }
    Ok(Sheet { rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_may_sit_below_a_title() {
        let sheet = read(
            "phonics.csv",
            b"Phonics check, June 2026\n\nUPN,Surname,Score\nA1,Okafor,35\n,,\nB2,Ward,20\n",
        )
        .unwrap();
        let heading = sheet.heading_row().unwrap();
        assert_eq!(sheet.rows[heading].0, 3, "the spreadsheet's own row number");
        let body: Vec<usize> = sheet.body().map(|(n, _)| *n).collect();
        assert_eq!(body, [4, 6], "the blank row 5 is passed over");
        assert_eq!(sheet.columns()[2].label, "C: Score");
        let guess = sheet.guess();
        assert_eq!(
            (guess.upn, guess.surname, guess.result),
            (Some(0), Some(1), Some(2))
        );
        assert_eq!(guess.birth, None);
    }

    #[test]
    fn headings_are_known_by_their_words() {
        // A title that says "results" above, and a row with a note in a
        // column with no heading: the headings are still the headings.
        let sheet = read(
            "r.csv",
            b"Phonics results, June 2026\nUPN,Name,Score\nA1,Amy,35,absent in May\n",
        )
        .unwrap();
        let heading = sheet.heading_row().unwrap();
        assert_eq!(sheet.rows[heading].0, 2);
        assert_eq!(sheet.body().count(), 1);
    }

    #[test]
    fn semicolons_and_windows_text() {
        let sheet = read("r.csv", b"UPN;Name;Score\nA1;Zo\xeb;3\n").unwrap();
        assert_eq!(sheet.rows[1].1[1], Cell::Text("Zoë".into()));
    }

    #[test]
    fn dates_every_way_a_spreadsheet_keeps_them() {
        assert_eq!(Cell::Number(42441.0).date().as_deref(), Some("2016-03-12"));
        assert_eq!(
            Cell::Text("12/03/2016".into()).date().as_deref(),
            Some("2016-03-12")
        );
        assert_eq!(
            Cell::Text("2016-03-12".into()).date().as_deref(),
            Some("2016-03-12")
        );
        assert_eq!(Cell::Text("March".into()).date(), None);
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(26), "AA");
    }

    #[test]
    fn files_that_are_not_results() {
        assert!(read("a.xls", b"\xD0\xCF\x11\xE0rest")
            .unwrap_err()
            .contains(".xls"));
        assert!(read("a.xlsx", b"PK\x03\x04junk")
            .unwrap_err()
            .contains("can't be read"));
        assert!(read("a.csv", b"just one heading\n")
            .unwrap_err()
            .contains("no row of column headings"));
        assert!(read("a.csv", b"UPN,Score\n")
            .unwrap_err()
            .contains("no rows of results"));
    }
}
