//! Daily attendance marks as a CSV (README, "Attendance"): a header row
//! with `upn`, `date`, `session` (AM or PM), `code` and optionally
//! `minutes_late`, in any order and any case; one row per pupil per
//! session. It speaks only for the sessions it lists: it adds marks and
//! replaces changed ones, and removes nothing.

use std::collections::{BTreeMap, HashMap};

use super::roster::{self, FileProblem, Format, Mark, Roster, Speaks};
use crate::attendance::codes::code_for;

const COLUMNS: [&str; 5] = ["upn", "date", "session", "code", "minutes_late"];
const MOST_PROBLEMS: usize = 20;

/// Whether the bytes look like a marks file: its header names a session
/// and a code for each UPN.
pub fn recognises(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let end = bytes
        .iter()
        .position(|b| *b == b'\n')
        .unwrap_or(bytes.len());
    let header = String::from_utf8_lossy(&bytes[..end.min(4096)]).to_ascii_lowercase();
    let names: Vec<&str> = header
        .split(',')
        .map(|n| n.trim().trim_matches('"'))
        .collect();
    ["upn", "date", "session", "code"]
        .iter()
        .all(|c| names.contains(c))
}

/// A date as stored, quickly for the usual "2026-09-03", else as the MIS
/// sync reads dates everywhere ("03/09/2026").
fn date(written: &str) -> Option<String> {
    let written = written.trim();
    match written.parse::<jiff::civil::Date>() {
        Ok(day) if written.len() == 10 => Some(day.to_string()),
        _ => roster::date(written),
    }
}

pub fn read(file_name: &str, bytes: &[u8]) -> Result<Roster, FileProblem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = reader
        .byte_headers()
        .map_err(|e| FileProblem(format!("{file_name}: the header row can't be read ({e}).")))?
        .clone();
    let mut at: BTreeMap<&str, usize> = BTreeMap::new();
    let mut warnings = Vec::new();
    for (index, name) in headers.iter().enumerate() {
        let name = String::from_utf8_lossy(name).trim().to_ascii_lowercase();
        match COLUMNS.iter().find(|c| **c == name) {
            Some(column) => {
                if at.insert(column, index).is_some() {
                    return Err(FileProblem(format!(
                        "{file_name}: the header row names the column \"{name}\" twice."
                    )));
                }
            }
            None => warnings.push(format!(
                "{file_name}: the column \"{name}\" isn't one Markwell reads, so it was left out."
            )),
        }
    }
    let mut roster = Roster::new(Format::AttendanceMarks, Speaks::OnlyWhatItSays, warnings);
    let mut problems: Vec<String> = Vec::new();
    let mut seen: HashMap<(String, String, &'static str), usize> = HashMap::new();
    let mut unmarked = 0;
    for (index, record) in reader.byte_records().enumerate() {
        // The header is row 1, as a spreadsheet numbers them.
        let row = index + 2;
        if problems.len() >= MOST_PROBLEMS {
            break;
        }
        let mut problem = |column: &str, what: String| {
            problems.push(format!("{file_name} row {row}, column {column}: {what}"));
        };
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                problems.push(format!("{file_name} row {row}: can't be read ({e})"));
                continue;
            }
        };
        let cell = |column: &str| -> &str {
            at.get(column)
                .and_then(|i| record.get(*i))
                .and_then(|c| std::str::from_utf8(c).ok())
                .unwrap_or("")
                .trim()
        };
        if record.iter().all(|c| c.trim_ascii().is_empty()) {
            continue;
        }
        let upn = cell("upn").to_ascii_uppercase();
        if upn.is_empty() {
            problem("upn", "no UPN".to_owned());
            continue;
        }
        let Some(day) = date(cell("date")) else {
            problem(
                "date",
                format!(
                    "\"{}\" isn't a date (write 2026-09-03 or 03/09/2026)",
                    cell("date")
                ),
            );
            continue;
        };
        let session = match cell("session").to_ascii_uppercase().as_str() {
            "AM" => "AM",
            "PM" => "PM",
            other => {
                problem(
                    "session",
                    format!("\"{other}\" isn't a session: write AM or PM"),
                );
                continue;
            }
        };
        let written = cell("code");
        // "-" is the MIS's "no mark yet": nothing to import.
        if written.is_empty() || written == "-" {
            unmarked += 1;
            continue;
        }
        let Some(code) = code_for(written) else {
            problem(
                "code",
                format!("\"{written}\" isn't a national attendance code (the README lists them)"),
            );
            continue;
        };
        let minutes_late = match cell("minutes_late") {
            "" => None,
            minutes => match minutes.parse::<i64>() {
                Ok(m) if (0..=600).contains(&m) => {
                    Some(m).filter(|_| matches!(code.code, "L" | "U"))
                }
                _ => {
                    problem(
                        "minutes_late",
                        format!("\"{minutes}\" isn't a number of minutes from 0 to 600"),
                    );
                    continue;
                }
            },
        };
        if let Some(first) = seen.insert((upn.clone(), day.clone(), session), row) {
            problem(
                "session",
                format!("a second mark for {upn} on {day} {session} (the first is on row {first})"),
            );
            continue;
        }
        roster.marks.push(Mark {
            upn,
            date: day,
            session,
            code: code.code,
            minutes_late,
        });
    }
    if !problems.is_empty() {
        return Err(FileProblem(problems.join("\n")));
    }
    for column in ["upn", "date", "session", "code"] {
        if !at.contains_key(column) {
            return Err(FileProblem(format!(
                "{file_name}: the header row has no {column} column. An attendance marks file has the columns upn, date, session, code and, if you like, minutes_late."
            )));
        }
    }
    if roster.marks.is_empty() {
        return Err(FileProblem(format!(
            "{file_name}: there are no marks in the file."
        )));
    }
    if unmarked > 0 {
        roster.warnings.push(format!(
            "{file_name}: {unmarked} session{} without a mark (blank or \"-\") left out.",
            if unmarked == 1 { "" } else { "s" }
        ));
    }
    Ok(roster)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_marks_in_any_column_order() {
        let file = "Session,UPN,code,Date,minutes_late\r\nAM,a123,L,2026-09-03,12\nPM,A123,\\,03/09/2026,\nAM,B456,I,2026-09-03,5\nPM,B456,-,2026-09-03,\n";
        let roster = read("marks.csv", file.as_bytes()).unwrap();
        assert_eq!(roster.format, Format::AttendanceMarks);
        assert_eq!(roster.speaks, Speaks::OnlyWhatItSays);
        assert_eq!(
            roster.marks,
            vec![
                Mark {
                    upn: "A123".into(),
                    date: "2026-09-03".into(),
                    session: "AM",
                    code: "L",
                    minutes_late: Some(12)
                },
                Mark {
                    upn: "A123".into(),
                    date: "2026-09-03".into(),
                    session: "PM",
                    code: "\\",
                    minutes_late: None
                },
                // Minutes late mean nothing for an absence.
                Mark {
                    upn: "B456".into(),
                    date: "2026-09-03".into(),
                    session: "AM",
                    code: "I",
                    minutes_late: None
                },
            ]
        );
        assert_eq!(roster.warnings.len(), 1, "{:?}", roster.warnings);
        assert!(recognises(file.as_bytes()));
        assert!(!recognises(b"upn,pupil_forename,pupil_surname\n"));
    }

    #[test]
    fn names_each_bad_row_and_column() {
        let file = "upn,date,session,code\nA1,2026-02-30,AM,/\nA1,2026-09-03,EVE,/\nA1,2026-09-03,AM,A\nA1,2026-09-03,AM,/\nA1,2026-09-03,am,N\n,2026-09-03,AM,/\n";
        let problem = read("m.csv", file.as_bytes()).unwrap_err().0;
        let lines: Vec<&str> = problem.lines().collect();
        assert_eq!(lines.len(), 5, "{problem}");
        assert!(lines[0].starts_with("m.csv row 2, column date: \"2026-02-30\" isn't a date"));
        assert!(lines[1].starts_with("m.csv row 3, column session:"));
        assert!(lines[2]
            .starts_with("m.csv row 4, column code: \"A\" isn't a national attendance code"));
        assert_eq!(lines[3], "m.csv row 6, column session: a second mark for A1 on 2026-09-03 AM (the first is on row 5)");
        assert_eq!(lines[4], "m.csv row 7, column upn: no UPN");
    }
}
