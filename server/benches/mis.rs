//! `make bench`: an MIS sync at the size of a large school.
//!
//! A simple CSV of 2,000 pupils in 70 classes and about 4,000 contacts is
//! generated: families of one or two siblings sharing two or three
//! contacts, some contacts without an address, some with another's address
//! (possible duplicates), some without parental responsibility. Over a fresh
//! database each run, through the same function as `markwell import`
//! (reading the file, checking, writing), it times as medians of five runs:
//! 1. the check (`--dry-run`) of the whole file (target: under 2 s);
//! 2. applying it (target: under 2 s);
//! 3. applying it again, which changes nothing (target: under 1 s).
//!
//! Then a school year of daily attendance marks for the same 2,000 pupils
//! (190 days, two sessions: 760,000 rows, about one in twenty-five an
//! absence or a late arrival), medians of three runs over the imported
//! school:
//! 4. importing the marks (target: under 10 s);
//! 5. importing them again, which changes nothing.

mod common;

use std::{fmt::Write, time::Instant};

use common::{median, ms};
use server::import::import;

const PUPILS: usize = 2_000;
const RUNS: usize = 5;

/// The file, and how many contacts it holds.
fn school_file() -> (String, usize) {
    let mut csv = String::from(
        "upn,pupil_forename,pupil_surname,date_of_birth,year,class,contact_id,contact_forename,contact_surname,contact_email,relationship,parental_responsibility,access_allowed\n",
    );
    let forenames = [
        "Amy", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hamza", "Isla", "Jun",
    ];
    let surname_of = |family: usize| {
        let surnames = [
            "Okafor", "Smith", "Khan", "Nowak", "Evans", "Patel", "Hughes", "Silva",
        ];
        format!("{}{family}", surnames[family % surnames.len()])
    };
    let mut pupil = 0;
    let mut contacts = 0;
    let mut family = 0;
    while pupil < PUPILS {
        family += 1;
        // One or two children, two or three contacts: about 1,500 families
        // and 4,000 contacts for 2,000 pupils.
        let children = 1 + usize::from(family % 3 == 0);
        let surname = surname_of(family);
        let adults = 2 + usize::from(family % 3 != 1);
        for child in 0..children.min(PUPILS - pupil) {
            pupil += 1;
            let year = pupil % 7;
            let class = format!(
                "{} {}",
                if year == 0 {
                    "R".to_owned()
                } else {
                    year.to_string()
                },
                ["Oak", "Elm", "Ash", "Yew", "Fir", "Bay", "Ivy", "Elder", "Lime", "Pine"]
                    [pupil % 10]
            );
            let upn = format!("T{pupil:012}");
            let first = forenames[(pupil + child) % forenames.len()];
            let born = format!(
                "{:02}/{:02}/{}",
                1 + pupil % 28,
                1 + pupil % 12,
                2019 - year
            );
            for adult in 0..adults {
                let id = format!("F{family}-{adult}");
                let email = if adult == 1 && family % 20 == 0 {
                    // No address.
                    String::new()
                } else if adult == 0 && family % 20 == 7 {
                    // The last family's mother's address: a possible duplicate.
                    format!("mum.{}@example.org", surname_of(family - 1)).to_lowercase()
                } else {
                    format!("{}.{surname}@example.org", ["mum", "dad", "gran"][adult])
                        .to_lowercase()
                };
                let responsible = if adult == 2 && family % 10 == 0 {
                    "no"
                } else {
                    "yes"
                };
                let relationship = ["mother", "father", "grandparent"][adult];
                let forename = ["Jo", "Sam", "Pat"][adult];
                writeln!(
                    csv,
                    "{upn},{first},{surname},{born},{year},{class},{id},{forename},{surname},{email},{relationship},{responsible},yes"
                )
                .unwrap();
            }
        }
        contacts += adults;
    }
    (csv, contacts)
}

/// A school year of marks for every pupil of `school_file`.
fn marks_file() -> String {
    let mut csv = String::from("upn,date,session,code,minutes_late\n");
    let mut day = jiff::civil::date(2025, 9, 1);
    let mut days = 0;
    while days < 190 {
        if day.weekday().to_monday_zero_offset() < 5 {
            days += 1;
            for pupil in 1..=PUPILS {
                let (am, pm, late) = match (pupil * 7 + days * 13) % 100 {
                    0 | 1 => ("I", "I", ""),
                    2 => ("L", "\\", "10"),
                    3 => ("N", "N", ""),
                    _ => ("/", "\\", ""),
                };
                writeln!(csv, "T{pupil:012},{day},AM,{am},{late}").unwrap();
                writeln!(csv, "T{pupil:012},{day},PM,{pm},").unwrap();
            }
        }
        day = day.tomorrow().unwrap();
    }
    csv
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let (csv, contacts) = school_file();
    let folder = tempfile::tempdir()?;
    let file = folder.path().join("school.csv");
    std::fs::write(&file, &csv)?;
    println!(
        "MIS file: {PUPILS} pupils, {contacts} contacts, {} rows, {} KB",
        csv.lines().count() - 1,
        csv.len() / 1024
    );
    let (mut checks, mut applies, mut agains) = (Vec::new(), Vec::new(), Vec::new());
    for run in 0..RUNS {
        let database = tempfile::tempdir()?;
        let (_, pool, clock) = common::database(database.path()).await?;
        let started = Instant::now();
        let checked = import(&pool, &clock, &file, true).await?;
        checks.push(started.elapsed());
        let started = Instant::now();
        let applied = import(&pool, &clock, &file, false).await?;
        applies.push(started.elapsed());
        let started = Instant::now();
        let again = import(&pool, &clock, &file, false).await?;
        agains.push(started.elapsed());
        anyhow::ensure!(checked.check.summary() == applied.check.summary());
        anyhow::ensure!(
            again.check.changes_nothing(),
            "the same file again changed something: {}",
            again.check.summary()
        );
        if run == 0 {
            println!(
                "  check and apply: {}; possible duplicates {}",
                applied.check.summary(),
                applied
                    .check
                    .count(app::mis::model::Section::PossibleDuplicates)
            );
            println!("  again: {}", again.check.summary());
        }
    }
    println!(
        "mis sync, medians of {RUNS}: check {:.0} ms (target < 2000), apply {:.0} ms (target < 2000), same file again {:.0} ms (target < 1000)",
        ms(median(checks)),
        ms(median(applies)),
        ms(median(agains))
    );

    let marks = marks_file();
    let marks_path = folder.path().join("marks.csv");
    std::fs::write(&marks_path, &marks)?;
    println!(
        "Attendance marks file: {} rows, {} MB",
        marks.lines().count() - 1,
        marks.len() / (1024 * 1024)
    );
    let (mut imports, mut agains) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        let database = tempfile::tempdir()?;
        let (_, pool, clock) = common::database(database.path()).await?;
        import(&pool, &clock, &file, false).await?;
        let started = Instant::now();
        let imported = import(&pool, &clock, &marks_path, false).await?;
        imports.push(started.elapsed());
        let started = Instant::now();
        let again = import(&pool, &clock, &marks_path, false).await?;
        agains.push(started.elapsed());
        anyhow::ensure!(
            imported.check.count(app::mis::model::Section::Added) == PUPILS,
            "marks for every pupil: {}",
            imported.check.summary()
        );
        anyhow::ensure!(again.check.changes_nothing(), "{}", again.check.summary());
    }
    println!(
        "attendance marks, medians of 3: import {:.0} ms (target < 10000), same file again {:.0} ms",
        ms(median(imports)),
        ms(median(agains))
    );
    Ok(())
}
