//! The results readers never panic, whatever the bytes: an upload gets a
//! page with a message, never a 500. CSV and .xlsx files are fed random
//! bytes and real files with random damage; an .xlsx is also damaged
//! inside (its sheet's XML changed, then zipped again), where the zip's
//! own checks don't catch it first.

use std::io::{Read, Write};

use proptest::prelude::*;

use super::{
    plan::{check_rows, Chosen, Marking, MatchBy, Plan, Pupil, Value},
    sheet::read,
};
use crate::{
    fuzzing::{damage, damaged},
    ids::PupilId,
};

const CSV: &str = "Phonics Screening Check, June 2026\n\nUPN,Forename,Surname,DOB,Mark\n\
X100000000001,Amy,\"Ant, Jr\",12/03/2019,35\n\n\
X100000000002,Ben,Bee,2019-04-01,abs\n";

/// A real .xlsx: a title above the headings, a date cell, numbers and text.
fn xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    sheet.write(0, 0, "Phonics Screening Check").unwrap();
    for (column, heading) in ["UPN", "Forename", "Surname", "DOB", "Mark"]
        .iter()
        .enumerate()
    {
        sheet.write(2, column as u16, *heading).unwrap();
    }
    sheet.write(3, 0, "X100000000001").unwrap();
    sheet.write(3, 1, "Amy").unwrap();
    sheet.write(3, 2, "Ant, Jr").unwrap();
    let born = rust_xlsxwriter::ExcelDateTime::from_ymd(2019, 3, 12).unwrap();
    sheet
        .write_datetime_with_format(3, 3, &born, &date)
        .unwrap();
    sheet.write(3, 4, 35).unwrap();
    book.save_to_buffer().unwrap()
}

/// The .xlsx with each part's XML damaged, zipped again.
fn damaged_inside(damages: &[crate::fuzzing::Damage]) -> Vec<u8> {
    let book = xlsx();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for n in 0..zip.len() {
        let mut part = zip.by_index(n).unwrap();
        let name = part.name().unwrap().to_string();
        let mut bytes = Vec::new();
        part.read_to_end(&mut bytes).unwrap();
        if name.starts_with("xl/") {
            bytes = damaged(&bytes, damages);
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_get_an_answer(bytes in proptest::collection::vec(any::<u8>(), 0..2_000)) {
        let _ = read("results.csv", &bytes);
        let _ = read("results.xlsx", &bytes);
    }

    #[test]
    fn a_damaged_csv_gets_an_answer(damages in proptest::collection::vec(damage(), 1..6)) {
        let _ = read("results.csv", &damaged(CSV, &damages));
    }

    #[test]
    fn a_damaged_xlsx_gets_an_answer(damages in proptest::collection::vec(damage(), 1..4)) {
        let _ = read("results.xlsx", &damaged(xlsx(), &damages));
    }

    #[test]
    fn an_xlsx_damaged_inside_gets_an_answer(damages in proptest::collection::vec(damage(), 1..4)) {
        let _ = read("results.xlsx", &damaged_inside(&damages));
    }
}

/// Whatever a damaged file still holds goes on through the columns, the
/// guess and every row's check, with any choice of columns the form could
/// offer, to a preview: no step panics.
/// Returns how many results it would write.
/// `marked`: 0 scores, 1 grades, 2 targets on a scale.
fn checked_whole(bytes: &[u8], name: &str, by_name: bool, result: usize, marked: u8) -> usize {
    let Ok(sheet) = read(name, bytes) else {
        return 0;
    };
    let columns = sheet.columns().len().max(1);
    let at = |n: usize| n % columns;
    let guess = sheet.guess();
    let match_by = match (by_name, guess.upn) {
        (false, Some(upn)) => MatchBy::Upn(upn),
        (false, None) => MatchBy::Upn(at(0)),
        (true, _) => MatchBy::NameAndBirth {
            first_name: guess.first_name.unwrap_or(at(1)),
            surname: guess.surname.unwrap_or(at(2)),
            birth: guess.birth.unwrap_or(at(3)),
        },
    };
    let plan = Plan {
        assessment: Chosen::Existing(1),
        match_by,
        result: guess.result.unwrap_or(at(result)),
        replace: result.is_multiple_of(2),
        names: Some((at(1), at(2))),
    };
    let marking = match marked {
        0 => Marking::Scores {
            lowest: 0,
            highest: 40,
            pass: Some((32, "Working at the expected standard".into())),
        },
        1 => Marking::Grades(vec!["C".into(), "B".into(), "A".into()]),
        _ => Marking::Scale(vec![
            ("1".into(), "Working towards".into()),
            ("2".into(), "Expected".into()),
        ]),
    };
    let pupils = [
        Pupil {
            id: PupilId(1),
            upn: "X100000000001".into(),
            first_name: "Amy".into(),
            surname: "Ant, Jr".into(),
            birth: "2019-03-12".into(),
        },
        Pupil {
            id: PupilId(2),
            upn: "X100000000002".into(),
            first_name: "Ben".into(),
            surname: "Bee".into(),
            birth: "2019-04-01".into(),
        },
    ];
    let existing = [(PupilId(2), Value::Score(20))].into();
    let checked = check_rows(
        &sheet,
        &plan,
        &marking,
        "Phonics".into(),
        &pupils,
        &existing,
        by_name,
    );
    assert!(checked.writes.len() <= pupils.len());
    // Whatever the file, only the importer's pupils get a result, and only
    // one the marking allows.
    for write in &checked.writes {
        assert!(pupils.iter().any(|p| p.id == write.pupil));
        match (&write.value, &marking) {
            (Value::Score(score), Marking::Scores { .. }) => assert!((0..=40).contains(score)),
            (Value::Grade(grade), Marking::Grades(grades)) => assert!(grades.contains(grade)),
            (Value::Grade(label), Marking::Scale(levels)) => {
                assert!(levels.iter().any(|(_, l)| l == label))
            }
            (value, _) => panic!("{value:?} isn't a result this marking allows"),
        }
    }
    checked.writes.len()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_damaged_file_is_checked_row_by_row_without_a_panic(
        damages in proptest::collection::vec(damage(), 0..5),
        by_name in any::<bool>(),
        result in 0usize..8,
        marked in 0u8..3,
    ) {
        checked_whole(&damaged(CSV, &damages), "results.csv", by_name, result, marked);
        checked_whole(&damaged(xlsx(), &damages), "results.xlsx", by_name, result, marked);
    }
}

/// The files before damage are read, so the damage is what's tried.
#[test]
fn the_files_fuzzed_are_read_whole() {
    let csv = read("results.csv", CSV.as_bytes()).unwrap();
    assert_eq!(csv.body().count(), 2);
    let book = read("results.xlsx", &xlsx()).unwrap();
    let rows: Vec<_> = book.body().collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, 4, "the spreadsheet's own row number");
    assert_eq!(rows[0].1[3].date().as_deref(), Some("2019-03-12"));
    assert_eq!(book.columns()[4].label, "E: Mark");
    let inside = read("results.xlsx", &damaged_inside(&[])).unwrap();
    assert_eq!(inside.body().count(), 1);
    // Whole, each file's good rows would be written: Amy's 35 (Ben's
    // "abs" isn't a score), by UPN or by name and birthday.
    for by_name in [false, true] {
        assert_eq!(
            checked_whole(CSV.as_bytes(), "results.csv", by_name, 4, 0),
            1
        );
        assert_eq!(checked_whole(&xlsx(), "results.xlsx", by_name, 4, 0), 1);
    }
}
