//! Attendance marks imported by `markwell import` (the real binary) and
//! read on a child's page over real HTTP: the DfE's percentage for every
//! group of codes, worked by hand; absences and lates in words; the same
//! file twice changing nothing; a CTF's year summary where no marks exist.

use app::{
    attendance::model::AttendanceLine,
    ids::PupilId,
    portal::{api::ChildDetails, model::ChildRecord},
};
use reqwest::StatusCode;
use time::{macros::format_description, Duration};

use crate::{
    helpers::*,
    mis::{import_as, printed},
};

/// Two pupils of one class with no marks held, the first linked to the demo
/// parent and the second not: (pupil, classmate, pupil's UPN, classmate's).
async fn two_pupils(app: &TestApp) -> (PupilId, PupilId, String, String) {
    sqlx::query("DELETE FROM attendance_marks")
        .execute(&app.pool)
        .await
        .unwrap();
    let pupils: Vec<(i64, String)> = sqlx::query_as(
        "SELECT p.id, p.upn FROM group_pupils gp JOIN pupils p ON p.id = gp.pupil_id
         WHERE gp.group_id = (SELECT min(id) FROM groups WHERE kind = 'class') ORDER BY p.id LIMIT 2",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let parent = app.user_id(PARENT).await;
    sqlx::query("DELETE FROM parent_links WHERE parent_id = ?")
        .bind(parent)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO parent_links (parent_id, pupil_id, relationship, created_at)
         VALUES (?, ?, 'mother', '2026-01-01T00:00:00Z')",
    )
    .bind(parent)
    .bind(pupils[0].0)
    .execute(&app.pool)
    .await
    .unwrap();
    let [(a, upn_a), (b, upn_b)] = <[_; 2]>::try_from(pupils).unwrap();
    (PupilId(a), PupilId(b), upn_a, upn_b)
}

/// The school's date `back` days before the test clock's today, moving the
/// clock on a week first if the days would fall before 1 September, in the
/// school year before.
fn days_back(app: &TestApp, back: i64) -> Vec<String> {
    let today = app.clock.now().date();
    if today.month() == time::Month::September && i64::from(today.day()) <= back + 1 {
        app.clock.advance(Duration::days(7));
    }
    let today = app.clock.now().date();
    let iso = format_description!("[year]-[month]-[day]");
    (0..=back)
        .rev()
        .map(|n| (today - Duration::days(n)).format(iso).unwrap())
        .collect()
}

fn marks_file(rows: &[(&str, &str, &str, &str, &str)]) -> String {
    let mut csv = "upn,date,session,code,minutes_late\n".to_owned();
    for (upn, date, session, code, minutes) in rows {
        csv.push_str(&format!("{upn},{date},{session},{code},{minutes}\n"));
    }
    csv
}

async fn child_record(app: &TestApp, pupil: PupilId) -> ChildRecord {
    let parent = app.signed_in(PARENT).await;
    let res = app
        .call::<ChildDetails>(&parent, &[("pupil", &pupil.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.answer().await.unwrap()
}

#[tokio::test]
async fn percentages_follow_the_dfe_rule_for_every_group_of_codes() {
    let app = spawn_app().await;
    let folder = tempfile::tempdir().unwrap();
    let (pupil, classmate, upn, other) = two_pupils(&app).await;
    let day = days_back(&app, 9);
    let (u, o) = (upn.as_str(), other.as_str());
    // The pupil's six days, oldest first.
    let mut rows = vec![
        (u, day[4].as_str(), "AM", "/", ""),
        (u, &day[4], "PM", "\\", ""),
        (u, &day[5], "AM", "L", "12"),
        (u, &day[5], "PM", "U", "35"),
        (u, &day[6], "AM", "V", ""),
        (u, &day[6], "PM", "B", ""),
        (u, &day[7], "AM", "I", ""),
        (u, &day[7], "PM", "I", ""),
        (u, &day[8], "AM", "G", ""),
        (u, &day[8], "PM", "N", ""),
        (u, &day[9], "AM", "D", ""),
        (u, &day[9], "PM", "#", ""),
    ];
    // The classmate's ten days: every other code.
    let theirs = [
        "K", "P", "W", "/", "\\", "/", "\\", "C1", "J1", "S", "C2", "C", "T", "R", "E", "O", "X",
        "Y1", "Q", "Z",
    ];
    for (n, code) in theirs.iter().enumerate() {
        let session = if n % 2 == 0 { "AM" } else { "PM" };
        rows.push((o, &day[n / 2], session, code, ""));
    }
    // A pupil the school doesn't have.
    rows.push(("Z999999999999", &day[9], "AM", "/", ""));
    let csv = marks_file(&rows);

    let said = printed(&import_as(&app, folder.path(), "marks.csv", &csv, false));
    assert!(
        said.contains("marks.csv (attendance marks CSV): Added 2, updated 0, removed 0, revoked 0, not imported 1"),
        "{said}"
    );
    assert!(said.contains(": 12 marks added"), "{said}");
    assert!(
        said.contains("Attendance: 1 mark for UPN Z999999999999, no pupil has that UPN"),
        "{said}"
    );

    // Worked from the rule: D and # aren't possible sessions, leaving 10;
    // attended are /, \, L, V and B: 5 of 10.
    let record = child_record(&app, pupil).await;
    let attendance = record.attendance;
    assert_eq!(attendance.percentage.as_deref(), Some("50.0%"));
    assert_eq!((attendance.attended, attendance.possible), (5, 10));
    assert!(!attendance.from_summary);
    let words: Vec<&str> = attendance.recent.iter().map(|l| l.words.as_str()).collect();
    assert_eq!(
        words,
        [
            "Absent — reason not yet given",
            "Absent — holiday not agreed by the school",
            "Absent — illness",
            "Late after the register closed, 35 minutes",
            "Late before the register closed, 12 minutes",
        ],
        "newest first, in words, never a code"
    );
    let when = |line: &AttendanceLine| line.when.rsplit(", ").next().unwrap().to_owned();
    let sessions: Vec<String> = attendance.recent.iter().map(when).collect();
    assert_eq!(
        sessions,
        ["afternoon", "morning", "all day", "afternoon", "morning"]
    );

    // The classmate: X, Y1, Q and Z aren't possible, leaving 16; attended
    // are K, P, W and four presents: 7 of 16 = 43.75%, published as 43.8%.
    // Their parent is someone else: the demo parent can't see them.
    let parent = app.signed_in(PARENT).await;
    let res = app
        .call::<ChildDetails>(&parent, &[("pupil", &classmate.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let admin = app.signed_in(ADMIN).await;
    let res = app
        .call::<ChildDetails>(&admin, &[("pupil", &classmate.to_string())])
        .await;
    let theirs: ChildRecord = res.answer().await.unwrap();
    assert_eq!(theirs.attendance.percentage.as_deref(), Some("43.8%"));
    assert_eq!(
        (theirs.attendance.attended, theirs.attendance.possible),
        (7, 16)
    );

    // The same file again changes nothing.
    let again = printed(&import_as(&app, folder.path(), "marks.csv", &csv, false));
    assert!(again.contains("No changes; not imported 1"), "{again}");
    let held: i64 = sqlx::query_scalar("SELECT count(*) FROM attendance_marks")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(held, 32);

    // The MIS corrects one mark: N becomes I, and nothing else moves.
    let corrected = csv.replacen(
        &format!("{u},{},PM,N,", day[8]),
        &format!("{u},{},PM,I,", day[8]),
        1,
    );
    assert_ne!(corrected, csv);
    let said = printed(&import_as(
        &app,
        folder.path(),
        "marks.csv",
        &corrected,
        false,
    ));
    assert!(said.contains("Added 0, updated 1,"), "{said}");
    assert!(said.contains(": 1 mark changed, 0 added"), "{said}");
    let record = child_record(&app, pupil).await;
    assert_eq!(record.attendance.percentage.as_deref(), Some("50.0%"));
    assert_eq!(record.attendance.recent[0].words, "Absent — illness");
}

#[tokio::test]
async fn a_bad_marks_file_changes_nothing_and_says_where() {
    let app = spawn_app().await;
    let folder = tempfile::tempdir().unwrap();
    let (_, _, upn, _) = two_pupils(&app).await;
    let day = days_back(&app, 1);
    let csv = marks_file(&[
        (&upn, &day[0], "AM", "/", ""),
        (&upn, &day[1], "AM", "A", ""),
    ]);
    let output = import_as(&app, folder.path(), "marks.csv", &csv, false);
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("marks.csv row 3, column code: \"A\" isn't a national attendance code"),
        "{said}"
    );
    let held: i64 = sqlx::query_scalar("SELECT count(*) FROM attendance_marks")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(held, 0);
}

#[tokio::test]
async fn a_ctf_year_summary_shows_where_no_marks_are_held() {
    let app = spawn_app().await;
    let folder = tempfile::tempdir().unwrap();
    let (pupil, _, upn, _) = two_pupils(&app).await;
    let today = app.clock.now().date();
    let year = if u8::from(today.month()) >= 9 {
        today.year()
    } else {
        today.year() - 1
    };
    let (first_name, surname, dob, year_group): (String, String, String, i64) = sqlx::query_as(
        "SELECT first_name, surname, date_of_birth, year_group FROM pupils WHERE id = ?",
    )
    .bind(pupil.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let year_group = match year_group {
        0 => "R".to_owned(),
        n => n.to_string(),
    };
    let ctf = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<CTfile><Header><DocumentName>Common Transfer File</DocumentName><DocumentQualifier>partial</DocumentQualifier></Header>
<CTFpupilData><Pupil><UPN>{upn}</UPN><Surname>{surname}</Surname><Forename>{first_name}</Forename><DOB>{dob}</DOB><BasicDetails><NCyearActual>{year_group}</NCyearActual></BasicDetails>
<Attendance>
<YearData><Year>{year}</Year><SessionsPossible>120</SessionsPossible><SessionsAuthorised>3</SessionsAuthorised><SessionsAttended>115</SessionsAttended><SessionsUnauthorised>2</SessionsUnauthorised></YearData>
<YearData><Year>{year}</Year><SessionsPossible>40</SessionsPossible><SessionsAuthorised>1</SessionsAuthorised><SessionsAttended>39</SessionsAttended><SessionsUnauthorised>0</SessionsUnauthorised></YearData>
</Attendance></Pupil></CTFpupilData></CTfile>"#
    );
    let said = printed(&import_as(&app, folder.path(), "pupil.xml", &ctf, false));
    assert!(said.contains("attended 154 of 160 sessions"), "{said}");
    // Two schools' figures for one year are added up: 154 of 160 = 96.25%,
    // published as 96.3%.
    let attendance = child_record(&app, pupil).await.attendance;
    assert_eq!(attendance.percentage.as_deref(), Some("96.3%"));
    assert!(attendance.from_summary);
    let again = printed(&import_as(&app, folder.path(), "pupil.xml", &ctf, false));
    assert!(again.contains("No changes"), "{again}");

    // Once daily marks are held for the year, they speak instead.
    let day = days_back(&app, 0);
    let csv = marks_file(&[(&upn, &day[0], "AM", "/", "")]);
    printed(&import_as(&app, folder.path(), "marks.csv", &csv, false));
    let attendance = child_record(&app, pupil).await.attendance;
    assert_eq!(attendance.percentage.as_deref(), Some("100.0%"));
    assert!(!attendance.from_summary);
}
