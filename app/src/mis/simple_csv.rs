//! The simple CSV (README, "MIS sync"): one row per pupil–contact pair, a
//! header row naming the columns in any order and any case, always the
//! whole school.

use std::collections::{btree_map::Entry, BTreeMap};

use super::roster::{
    self, Access, Class, Contact, ContactKey, FileProblem, Format, Link, Pupil, Roster, Speaks,
};
use crate::progress::characteristics::Characteristics;

const COLUMNS: [&str; 14] = [
    "upn",
    "pupil_forename",
    "pupil_surname",
    "date_of_birth",
    "year",
    "class",
    "contact_id",
    "contact_forename",
    "contact_surname",
    "contact_email",
    "relationship",
    "parental_responsibility",
    "access_allowed",
    "contact_phone",
];
/// The columns from `contact_id` on: a row's contact and their access.
const CONTACT_COLUMNS: &[&str] = COLUMNS.split_at(6).1;
/// Without an id the email address is the contact's key; without a phone
/// number, the name alone can't suggest a parent listed twice.
const OPTIONAL: [&str; 2] = ["contact_id", "contact_phone"];
/// Optional columns a school's MIS may add, for Progress's filters: each
/// cell blank, or the column missing, keeps what Markwell holds.
const CHARACTERISTIC_COLUMNS: [&str; 4] = ["sex", "sen", "pupil_premium", "eal"];
/// A file with more problems than this lists this many: enough to fix.
const MOST_PROBLEMS: usize = 20;

/// Whether the bytes look like this format: a header row with the columns.
pub fn recognises(bytes: &[u8]) -> bool {
    let first = first_line(bytes).to_ascii_lowercase();
    first.contains("upn") && first.contains("pupil_surname")
}

fn first_line(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let end = bytes
        .iter()
        .position(|b| *b == b'\n')
        .unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end.min(4096)]).into_owned()
}

/// Reads the whole file or says, by row and column, what is wrong with it.
pub fn read(file_name: &str, bytes: &[u8]) -> Result<Roster, FileProblem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = reader
        .byte_headers()
        .map_err(|e| FileProblem(format!("{file_name}: the header row can't be read ({e}).")))?
        .clone();
    let mut at = BTreeMap::new();
    let mut warnings = Vec::new();
    for (index, name) in headers.iter().enumerate() {
        let name = String::from_utf8_lossy(name).trim().to_ascii_lowercase();
        if !COLUMNS.contains(&name.as_str()) && !CHARACTERISTIC_COLUMNS.contains(&name.as_str()) {
            warnings.push(format!(
                "{file_name}: the column \"{name}\" isn't one Markwell reads, so it was left out."
            ));
            continue;
        }
        if at.insert(name.clone(), index).is_some() {
            return Err(FileProblem(format!(
                "{file_name}: the header row names the column \"{name}\" twice."
            )));
        }
    }
    let missing: Vec<&str> = COLUMNS
        .iter()
        .filter(|c| !OPTIONAL.contains(c) && !at.contains_key(**c))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(FileProblem(format!(
            "{file_name}: the header row has no {} column{}. A simple CSV has the columns {}.",
            missing.join(", "),
            if missing.len() == 1 { "" } else { "s" },
            COLUMNS.join(", ")
        )));
    }

    let mut rows = Rows {
        file_name,
        at,
        problems: Vec::new(),
        roster: Roster::new(Format::SimpleCsv, Speaks::WholeSchool, warnings),
        pupil_rows: BTreeMap::new(),
        link_rows: BTreeMap::new(),
    };
    for (index, record) in reader.byte_records().enumerate() {
        // The header is row 1, as a spreadsheet numbers them.
        let row = index + 2;
        match record {
            Ok(record) => rows.read_row(row, &record),
            Err(e) => rows.problem(row, None, &format!("can't be read ({e})")),
        }
        if rows.problems.len() >= MOST_PROBLEMS {
            break;
        }
    }
    if !rows.problems.is_empty() {
        return Err(FileProblem(rows.problems.join("\n")));
    }
    if rows.roster.pupils.is_empty() {
        return Err(FileProblem(format!(
            "{file_name}: there are no pupils in the file. A simple CSV lists the whole school, so an empty one would make every pupil a leaver."
        )));
    }
    Ok(rows.roster)
}

struct Rows<'a> {
    file_name: &'a str,
    at: BTreeMap<String, usize>,
    problems: Vec<String>,
    roster: Roster,
    /// The row each pupil and link was first seen on, for "differs from row N".
    pupil_rows: BTreeMap<String, usize>,
    link_rows: BTreeMap<(ContactKey, String), (usize, Access)>,
}

impl Rows<'_> {
    fn problem(&mut self, row: usize, column: Option<&str>, what: &str) {
        let column = column.map(|c| format!(", column {c}")).unwrap_or_default();
        self.problems
            .push(format!("{} row {row}{column}: {what}", self.file_name));
    }

    /// A cell's text, trimmed ("" for a missing column or a short row).
    fn cell(&mut self, row: usize, record: &csv::ByteRecord, column: &str) -> Option<String> {
        let Some(index) = self.at.get(column) else {
            return Some(String::new());
        };
        match std::str::from_utf8(record.get(*index).unwrap_or_default()) {
            Ok(text) => Some(text.trim().to_owned()),
            Err(_) => {
                self.problem(
                    row,
                    Some(column),
                    "isn't UTF-8 text; save the file as CSV UTF-8",
                );
                None
            }
        }
    }

    fn required(&mut self, row: usize, record: &csv::ByteRecord, column: &str) -> Option<String> {
        let text = self.cell(row, record, column)?;
        if text.is_empty() {
            self.problem(row, Some(column), "is empty");
            return None;
        }
        Some(text)
    }

    fn read_row(&mut self, row: usize, record: &csv::ByteRecord) {
        if record
            .iter()
            .all(|cell| cell.iter().all(u8::is_ascii_whitespace))
        {
            return;
        }
        let Some(pupil) = self.pupil(row, record) else {
            // Still read the contact, so every problem of the row shows at once.
            self.contact(row, record, None);
            return;
        };
        let upn = pupil.upn.clone();
        match self.roster.pupils.entry(upn.clone()) {
            Entry::Vacant(slot) => {
                if !roster::upn_check_letter_right(&upn) {
                    self.roster.warnings.push(format!(
                        "{} row {row}, column upn: the UPN {upn} doesn't pass the DfE check letter test; it was imported as written.",
                        self.file_name
                    ));
                }
                slot.insert(pupil);
                self.pupil_rows.insert(upn.clone(), row);
            }
            Entry::Occupied(mut seen) => {
                let first = self.pupil_rows[&upn];
                let held = seen.get().characteristics;
                let said = pupil.characteristics;
                // A characteristic left blank on one of a pupil's rows says
                // nothing; two rows that say different things are a problem.
                let disagree = said.over(held).changed_from(&held.over(said));
                let same_details = Pupil {
                    characteristics: held,
                    ..pupil
                } == *seen.get();
                if !same_details {
                    self.problem(
                        row,
                        None,
                        &format!("the pupil with UPN {upn} has different details from row {first}"),
                    );
                    return;
                }
                if !disagree.is_empty() {
                    self.problem(
                        row,
                        None,
                        &format!(
                            "the pupil with UPN {upn} has a different {} from row {first}",
                            disagree.join(", ")
                        ),
                    );
                    return;
                }
                seen.get_mut().characteristics = said.over(held);
            }
        }
        if let Some(class) = self.cell(row, record, "class").filter(|c| !c.is_empty()) {
            let entry = self
                .roster
                .classes
                .entry(class.clone())
                .or_insert_with(|| Class {
                    mis_id: format!("class:{class}"),
                    name: class,
                    pupils: Vec::new(),
                    teachers: Vec::new(),
                });
            if !entry.pupils.contains(&upn) {
                entry.pupils.push(upn.clone());
            }
        }
        self.contact(row, record, Some(upn));
    }

    fn pupil(&mut self, row: usize, record: &csv::ByteRecord) -> Option<Pupil> {
        let upn = self
            .required(row, record, "upn")
            .map(|u| u.to_ascii_uppercase());
        let first_name = self.required(row, record, "pupil_forename");
        let surname = self.required(row, record, "pupil_surname");
        let date_of_birth = self
            .required(row, record, "date_of_birth")
            .and_then(|written| {
                let date = roster::date(&written);
                if date.is_none() {
                    self.problem(
                        row,
                        Some("date_of_birth"),
                        &format!("\"{written}\" isn't a date as DD/MM/YYYY or YYYY-MM-DD"),
                    );
                }
                date
            });
        let year_group = self.required(row, record, "year").and_then(|written| {
            let year = match written.to_ascii_lowercase().as_str() {
                "r" | "reception" => Some(0),
                number => number.parse::<i64>().ok().filter(|y| (0..=13).contains(y)),
            };
            if year.is_none() {
                self.problem(
                    row,
                    Some("year"),
                    &format!("\"{written}\" isn't a year group: write 0 (Reception) to 13"),
                );
            }
            year
        });
        let characteristics = self.characteristics(row, record);
        Some(Pupil {
            upn: upn?,
            first_name: first_name?,
            surname: surname?,
            date_of_birth: date_of_birth?,
            year_group: year_group?,
            characteristics: characteristics?,
        })
    }

    /// The optional columns sex, sen, pupil_premium and eal.
    fn characteristics(&mut self, row: usize, record: &csv::ByteRecord) -> Option<Characteristics> {
        let sex = self.optional(row, record, "sex", roster::sex);
        let sen = self.optional(row, record, "sen", roster::sen);
        let pupil_premium = self.optional(row, record, "pupil_premium", roster::yes_no_or_blank);
        let eal = self.optional(row, record, "eal", roster::yes_no_or_blank);
        Some(Characteristics {
            sex: sex?,
            sen: sen?,
            pupil_premium: pupil_premium?,
            eal: eal?,
        })
    }

    /// An optional column's cell as `read` reads it: Some(None) when blank
    /// or the file has no such column, None (and the problem noted) when
    /// it can't be read.
    fn optional<T>(
        &mut self,
        row: usize,
        record: &csv::ByteRecord,
        column: &str,
        read: fn(&str) -> Result<Option<T>, String>,
    ) -> Option<Option<T>> {
        let written = self.cell(row, record, column)?;
        match read(&written) {
            Ok(said) => Some(said),
            Err(problem) => {
                self.problem(row, Some(column), &problem);
                None
            }
        }
    }

    /// The row's contact, if it has one, and their link to the pupil.
    fn contact(&mut self, row: usize, record: &csv::ByteRecord, upn: Option<String>) {
        let mut cells = BTreeMap::new();
        for &column in CONTACT_COLUMNS {
            let Some(text) = self.cell(row, record, column) else {
                return;
            };
            cells.insert(column, text);
        }
        if cells.values().all(String::is_empty) {
            return;
        }
        let email = Some(cells["contact_email"].clone()).filter(|e| !e.is_empty());
        if let Some(email) = &email {
            if !crate::auth::details::looks_like_email(email) {
                self.problem(
                    row,
                    Some("contact_email"),
                    &format!("\"{email}\" isn't an email address"),
                );
                return;
            }
        }
        let key = match (&cells["contact_id"], &email) {
            (id, _) if !id.is_empty() => ContactKey::MisId(id.clone()),
            (_, Some(email)) => ContactKey::Email(email.to_lowercase()),
            (_, None) => {
                // Neither an id nor an address: nobody to match or to invite.
                ContactKey::MisId(format!("row:{row}"))
            }
        };
        let (Some(first_name), Some(surname)) = (
            self.required(row, record, "contact_forename"),
            self.required(row, record, "contact_surname"),
        ) else {
            return;
        };
        let Some(relationship) = roster::relationship(&cells["relationship"]) else {
            self.problem(
                row,
                Some("relationship"),
                &format!(
                    "\"{}\" isn't one of mother, father, carer, grandparent or other",
                    cells["relationship"]
                ),
            );
            return;
        };
        let mut answer = |column: &str| {
            let answer = roster::yes_or_no(&cells[column]);
            if answer.is_none() {
                self.problem(
                    row,
                    Some(column),
                    &format!("\"{}\" isn't yes or no", cells[column]),
                );
            }
            answer
        };
        let (Some(responsible), Some(allowed)) =
            (answer("parental_responsibility"), answer("access_allowed"))
        else {
            return;
        };
        let access = match (responsible, allowed) {
            (false, _) => Access::NoResponsibility,
            (true, false) => Access::NotAllowed,
            (true, true) => Access::Allowed,
        };
        let Some(upn) = upn else {
            return;
        };
        let contact = Contact {
            key: key.clone(),
            first_name,
            surname,
            email,
            phone: roster::phone(&cells["contact_phone"]),
        };
        match self.roster.contacts.entry(key.clone()) {
            Entry::Vacant(slot) => {
                slot.insert(contact);
            }
            Entry::Occupied(seen) if *seen.get() != contact => {
                self.roster.warnings.push(format!(
                    "{} row {row}: contact {} has different details from an earlier row; the earlier row's were used.",
                    self.file_name,
                    contact_words(&key)
                ));
            }
            Entry::Occupied(_) => {}
        }
        match self.link_rows.entry((key.clone(), upn.clone())) {
            Entry::Vacant(slot) => {
                slot.insert((row, access));
                self.roster.links.push(Link {
                    contact: key,
                    upn,
                    relationship,
                    access,
                });
            }
            Entry::Occupied(seen) => {
                let (first, seen_access) = *seen.get();
                if seen_access != access {
                    self.problem(
                        row,
                        None,
                        &format!(
                            "contact {} is listed for UPN {upn} again, with different access from row {first}",
                            contact_words(&key)
                        ),
                    );
                }
            }
        }
    }
}

fn contact_words(key: &ContactKey) -> String {
    match key {
        ContactKey::MisId(id) => id.clone(),
        ContactKey::Email(email) => email.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::characteristics::{Sen, Sex};

    const HEADER: &str = "UPN,Pupil_Forename,pupil_surname,date_of_birth,year,class,contact_id,contact_forename,contact_surname,contact_email,relationship,parental_responsibility,access_allowed\n";

    #[test]
    fn one_row_per_pupil_and_contact_in_any_case_with_a_bom() {
        let file = format!(
            "\u{feff}{HEADER}A123,Amy,Smith,04/05/2019,2,2 Elm,C1,Jo,Smith, Jo@Example.org ,mother,yes,yes\n\
             A123,Amy,Smith,2019-05-04,2,2 Elm,C2,Sam,Smith,,father,no,yes\n\
             B456,Ben,Jones,01/09/2018,R,,,,,,,,\n"
        );
        let roster = read("roster.csv", file.as_bytes()).unwrap();
        assert_eq!(roster.pupils.len(), 2);
        assert_eq!(roster.pupils["B456"].year_group, 0);
        assert_eq!(roster.classes["2 Elm"].pupils, vec!["A123".to_owned()]);
        assert_eq!(roster.contacts.len(), 2);
        let jo = &roster.contacts[&ContactKey::MisId("C1".into())];
        assert_eq!(jo.email.as_deref(), Some("Jo@Example.org"));
        assert_eq!(roster.links.len(), 2);
        assert_eq!(roster.links[0].relationship, "mother");
        assert_eq!(roster.links[1].access, Access::NoResponsibility);
    }

    #[test]
    fn the_optional_characteristics_columns_are_read_and_blank_says_nothing() {
        let header = HEADER.replace('\n', ",Sex,SEN,Pupil_Premium,EAL\n");
        let file = format!(
            "{header}A123,Amy,Smith,04/05/2019,2,,,,,,,,,F,K,yes,no\n\
             B456,Ben,Jones,01/09/2018,R,,,,,,,,,M,,,\n"
        );
        let roster = read("roster.csv", file.as_bytes()).unwrap();
        let amy = roster.pupils["A123"].characteristics;
        assert_eq!(
            amy,
            Characteristics {
                sex: Some(Sex::Female),
                sen: Some(Sen::Support),
                pupil_premium: Some(true),
                eal: Some(false),
            }
        );
        let ben = roster.pupils["B456"].characteristics;
        assert_eq!(
            (ben.sex, ben.sen, ben.pupil_premium),
            (Some(Sex::Male), None, None)
        );
        assert!(
            !roster.warnings.iter().any(|w| w.contains("left out")),
            "{:?}",
            roster.warnings
        );

        // A pupil's second row (another contact) may leave them blank; one
        // that says otherwise is a problem.
        let two_rows = format!(
            "{header}A123,Amy,Smith,04/05/2019,2,,C1,Jo,Smith,jo@example.org,mother,yes,yes,,,,\n\
             A123,Amy,Smith,04/05/2019,2,,C2,Sam,Smith,sam@example.org,father,yes,yes,F,K,yes,no\n"
        );
        let roster = read("roster.csv", two_rows.as_bytes()).unwrap();
        assert_eq!(roster.pupils["A123"].characteristics, amy);
        let disagree = two_rows.replace("yes,yes,,,,", "yes,yes,F,E,,");
        let problem = read("roster.csv", disagree.as_bytes()).unwrap_err().0;
        assert!(
            problem.contains("row 3: the pupil with UPN A123 has a different SEN from row 2"),
            "{problem}"
        );

        let wrong =
            format!("{header}A123,Amy,Smith,04/05/2019,2,,,,,,,,,F,sometimes,yes,perhaps\n");
        let problem = read("roster.csv", wrong.as_bytes()).unwrap_err().0;
        assert!(
            problem.contains("row 2, column sen: \"sometimes\" isn't an SEN provision"),
            "{problem}"
        );
        assert!(
            problem.contains("row 2, column eal: \"perhaps\" isn't yes or no"),
            "{problem}"
        );
    }

    #[test]
    fn problems_name_the_file_row_and_column() {
        let file = format!(
            "{HEADER}A123,Amy,Smith,31/02/2019,2,,C1,Jo,Smith,jo@example.org,aunt,yes,yes\n"
        );
        let problem = read("roster.csv", file.as_bytes()).unwrap_err().0;
        assert!(
            problem.contains("roster.csv row 2, column date_of_birth"),
            "{problem}"
        );
        assert!(problem.contains("row 2, column relationship"), "{problem}");

        let missing = read("roster.csv", b"upn,pupil_surname\nA1,Smith\n")
            .unwrap_err()
            .0;
        assert!(
            missing.contains("no pupil_forename, date_of_birth"),
            "{missing}"
        );

        let twice = format!(
            "{HEADER}A123,Amy,Smith,04/05/2019,2,,,,,,,,\nA123,Amy,Smyth,04/05/2019,2,,,,,,,,\n"
        );
        let problem = read("roster.csv", twice.as_bytes()).unwrap_err().0;
        assert!(problem.contains("row 3: the pupil with UPN A123 has different details from row 2"));
    }
}
