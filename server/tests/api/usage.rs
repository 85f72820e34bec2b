//! School Usage and its Excel file, over real HTTP: who may read it, that a
//! month's counts are the school's own calendar month, and that the file
//! says what the page says.

use std::io::{Cursor, Read};

use app::{
    auth::api::{SignIn, WhoAmI},
    ids::UserId,
    ssr::usage::{self as events, Client as UsageClient, UsageKind},
    usage::{
        api::{MonthChoices, SchoolUsage},
        model::{UsageChoices, UsageReport, UsageRow},
    },
    users::api::{SaveStaff, SetStaffActive},
};
use calamine::{Data, Reader, Xlsx};
use reqwest::{Client, StatusCode};

use crate::helpers::*;

/// Moves the test's clock on to `at` (a stored UTC time in the future).
fn set_clock(app: &TestApp, at: &str) {
    let target = time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .expect("a time");
    let by = target - app.clock.now();
    assert!(by.is_positive(), "the clock only moves forward");
    app.clock.advance(by);
}

async fn usage(app: &TestApp, who: &Client, year: &str, month: &str, show: &str) -> UsageReport {
    let res = app
        .call::<SchoolUsage>(who, &[("year", year), ("month", month), ("show", show)])
        .await;
    assert_eq!(res.status(), StatusCode::OK, "reading usage");
    res.answer().await.expect("a usage report")
}

fn row(report: &UsageReport, id: i64) -> &UsageRow {
    report
        .rows
        .iter()
        .find(|r| r.id == UserId(id))
        .unwrap_or_else(|| panic!("no row for user {id} in {}", report.month.label()))
}

async fn export(app: &TestApp, who: &Client, query: &str) -> reqwest::Response {
    who.get(format!("{}/school-usage/export?{query}", app.address))
        .send()
        .await
        .expect("a response")
}

/// The demo teacher signs in, in a browser or the installed app.
async fn teacher_signs_in(app: &TestApp, client: &str) {
    let form = [
        ("email", TEACHER),
        ("password", PASSWORD),
        ("client", client),
    ];
    let res = app.call::<SignIn>(&crate::helpers::client(), &form).await;
    assert!(res.status().is_success(), "signing in");
}

/// This month on the school's clock, as the drop-downs send it.
fn this_month(app: &TestApp) -> (String, String) {
    let at = app::ssr::clock::at_school(&app.clock.stamp()).unwrap();
    (at.year().to_string(), at.month().to_string())
}

async fn record(app: &TestApp, at: &str, user: i64, kind: UsageKind, times: u32) {
    let mut conn = app.pool.acquire().await.unwrap();
    events::record(
        &mut conn,
        at,
        UserId(user),
        kind,
        UsageClient::Browser,
        times,
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn only_slt_and_admins_read_or_export_usage() {
    let app = spawn_app().await;
    for who in [TEACHER, PARENT] {
        let client = app.signed_in(who).await;
        let res = app.call::<SchoolUsage>(&client, &[]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who}: usage");
        let res = app.call::<MonthChoices>(&client, &[]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who}: choices");
        let res = export(&app, &client, "").await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who}: export");
        assert!(!res.text().await.unwrap().contains("Whitaker"));
    }

    let signed_out = export(&app, &client(), "").await;
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        signed_out.headers()["location"],
        "/sign-in?next=/school-usage"
    );

    for who in [SLT, ADMIN] {
        let client = app.signed_in(who).await;
        assert_eq!(app.call::<SchoolUsage>(&client, &[]).await.status(), 200);
        assert_eq!(app.call::<MonthChoices>(&client, &[]).await.status(), 200);
        assert_eq!(export(&app, &client, "").await.status(), 200, "{who}");
    }

    // Made SLT in Users, a teacher can read it at their next request.
    let admin = app.signed_in(ADMIN).await;
    let teacher = app.signed_in(TEACHER).await;
    let id = app.user_id(TEACHER).await.to_string();
    let res = app
        .call::<SaveStaff>(
            &admin,
            &[
                ("id", id.as_str()),
                ("first_name", "Rebecca"),
                ("surname", "Jones"),
                ("role", "teacher"),
                ("slt", "on"),
            ],
        )
        .await;
    assert!(res.status().is_success());
    assert_eq!(app.call::<SchoolUsage>(&teacher, &[]).await.status(), 200);
}

#[tokio::test]
async fn a_month_is_the_schools_calendar_month_across_month_and_year_ends() {
    let app = spawn_app().await;
    let teacher = app.user_id(TEACHER).await;
    // A year the demo's history never reaches, and the next.
    let y = app.clock.now().year() + 2;
    let (year, next) = (y.to_string(), (y + 1).to_string());
    let at = |when: &str| when.replace("Y+1", &next).replace('Y', &year);

    // 23:30 on 31 March in British Summer Time is 22:30 UTC...
    set_clock(&app, &at("Y-03-31T22:30:00Z"));
    teacher_signs_in(&app, "app").await;
    // ...and 00:30 on 1 April is still 31 March in UTC.
    set_clock(&app, &at("Y-03-31T23:30:00Z"));
    teacher_signs_in(&app, "browser").await;
    // In winter UK time is UTC: the last minutes of the year, then the first.
    set_clock(&app, &at("Y-12-31T23:30:00Z"));
    teacher_signs_in(&app, "browser").await;
    record(
        &app,
        &at("Y-12-31T23:59:00Z"),
        teacher,
        UsageKind::AssessmentRecorded,
        5,
    )
    .await;
    record(
        &app,
        &at("Y-12-31T23:59:30Z"),
        teacher,
        UsageKind::CommentWritten,
        2,
    )
    .await;
    record(
        &app,
        &at("Y+1-01-01T00:01:00Z"),
        teacher,
        UsageKind::AssessmentRecorded,
        7,
    )
    .await;
    set_clock(&app, &at("Y+1-01-01T00:30:00Z"));
    teacher_signs_in(&app, "app").await;
    let admin = app.signed_in(ADMIN).await;

    let march = usage(&app, &admin, &year, "3", "staff").await;
    let t = &row(&march, teacher).counts;
    assert_eq!((t.sign_ins, t.app, t.browser, t.days_active), (1, 1, 0, 1));
    assert_eq!(
        t.last_sign_in.as_deref(),
        Some(format!("31 Mar {y}, 23:30").as_str())
    );

    let april = usage(&app, &admin, &year, "4", "staff").await;
    let t = &row(&april, teacher).counts;
    assert_eq!((t.sign_ins, t.app, t.browser, t.days_active), (1, 0, 1, 1));
    assert_eq!(
        t.last_sign_in.as_deref(),
        Some(format!("1 Apr {y}, 00:30").as_str())
    );
    assert_eq!(april.totals.counts.sign_ins, 1);

    let december = usage(&app, &admin, &year, "12", "staff").await;
    let t = &row(&december, teacher).counts;
    assert_eq!(
        (t.sign_ins, t.assessments, t.comments, t.days_active),
        (1, 5, 2, 1)
    );

    let january = usage(&app, &admin, &next, "1", "staff").await;
    let t = &row(&january, teacher).counts;
    assert_eq!(
        (t.sign_ins, t.app, t.assessments, t.comments, t.days_active),
        (1, 1, 7, 0, 1)
    );
    // The admin signed in that night too.
    assert_eq!(january.totals.counts.sign_ins, 2);
    assert_eq!(january.totals.counts.days_active, 1);
    assert_eq!(january.totals.counts.assessments, 7);
    assert_eq!(
        january.totals.people,
        january.rows.len() as i64,
        "one row per active member of staff"
    );

    // A month nobody used: everyone is still listed, with nothing counted.
    let february = usage(&app, &admin, &year, "2", "staff").await;
    assert_eq!(february.rows.len(), january.rows.len());
    assert_eq!(
        february.totals.counts.sign_ins + february.totals.counts.days_active,
        0
    );

    // With no month given, the page opens on this month (the clock's).
    let now: UsageReport = app
        .call::<SchoolUsage>(&admin, &[])
        .await
        .answer()
        .await
        .unwrap();
    assert_eq!((now.month.year, now.month.month), (y + 1, 1));
    let choices: UsageChoices = app
        .call::<MonthChoices>(&admin, &[])
        .await
        .answer()
        .await
        .unwrap();
    assert_eq!(choices.years.last(), Some(&(y + 1)));
    let first: String = sqlx::query_scalar("SELECT substr(MIN(day), 1, 4) FROM usage_days")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let first: i32 = first.parse().unwrap();
    assert_eq!(
        choices.years,
        (first..=y + 1).collect::<Vec<_>>(),
        "from the first year anything was recorded"
    );
}

#[tokio::test]
async fn staff_parents_or_everyone_and_only_active_people() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let parent = app.user_id(PARENT).await;
    let teacher = app.user_id(TEACHER).await;
    let (year, month) = this_month(&app);

    let staff = usage(&app, &admin, &year, &month, "staff").await;
    assert!(staff.rows.iter().all(|r| r.role != "Parent"));
    assert!(staff.rows.iter().any(|r| r.id == UserId(teacher)));
    let roles: Vec<&str> = staff.rows.iter().map(|r| r.role.as_str()).collect();
    assert!(roles.contains(&"Admin") && roles.contains(&"SLT") && roles.contains(&"Teacher"));
    let parents = usage(&app, &admin, &year, &month, "parents").await;
    assert!(parents.rows.iter().all(|r| r.role == "Parent"));
    assert!(parents.rows.iter().any(|r| r.id == UserId(parent)));
    let everyone = usage(&app, &admin, &year, &month, "everyone").await;
    assert_eq!(everyone.rows.len(), staff.rows.len() + parents.rows.len());

    let res = app
        .call::<SetStaffActive>(
            &admin,
            &[("id", teacher.to_string().as_str()), ("active", "false")],
        )
        .await;
    assert!(res.status().is_success());
    let after = usage(&app, &admin, &year, &month, "staff").await;
    assert_eq!(after.rows.len(), staff.rows.len() - 1);
    assert!(after.rows.iter().all(|r| r.id != UserId(teacher)));

    // A month or year that isn't on the lists is refused beside its drop-down.
    let res = app
        .call::<SchoolUsage>(&admin, &[("year", "2026"), ("month", "13")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error_of(res).await.for_field("month").as_deref(),
        Some("Choose a month from the list.")
    );
    let res = export(&app, &admin, "year=twenty&month=1").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.text().await.unwrap(), "Choose a year from the list.");
}

/// The cells of the exported file's one sheet.
pub(crate) fn cells(bytes: &[u8], sheet: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).expect("an xlsx");
    assert_eq!(book.sheet_names(), vec![sheet.to_owned()]);
    let range = book.worksheet_range(sheet).expect("the sheet");
    range.rows().map(|r| r.to_vec()).collect()
}

/// A file inside the .xlsx (a zip of XML parts).
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    let mut text = String::new();
    zip.by_name(name)
        .expect("the part")
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// Excel's serial number for a stored time on the school's clock.
fn excel_serial(stored: &str) -> f64 {
    let at = app::ssr::clock::at_school(stored).expect("a stored time");
    let days = at
        .date()
        .since(jiff::civil::date(1899, 12, 30))
        .unwrap()
        .get_days();
    let seconds =
        i32::from(at.hour()) * 3600 + i32::from(at.minute()) * 60 + i32::from(at.second());
    f64::from(days) + f64::from(seconds) / 86_400.0
}

fn number(cell: &Data) -> i64 {
    match cell {
        Data::Float(f) => *f as i64,
        Data::Int(i) => *i,
        other => panic!("a number, not {other:?}"),
    }
}

#[tokio::test]
async fn the_excel_file_matches_the_table_and_never_holds_a_formula() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    // A name that a spreadsheet would run as a formula, entered in Users.
    let deputy = app.user_id("deputy@oakfield.example").await;
    let formula = "=HYPERLINK(\"https://example.com\",\"Click\")";
    let res = app
        .call::<SaveStaff>(
            &admin,
            &[
                ("id", deputy.to_string().as_str()),
                ("first_name", formula),
                ("surname", "@Siddiqui"),
                ("role", "teacher"),
                ("slt", "on"),
            ],
        )
        .await;
    assert!(res.status().is_success());
    // Some of everything this month, so every column has something in it.
    let teacher = app.user_id(TEACHER).await;
    let at = app.clock.stamp();
    record(&app, &at, teacher, UsageKind::AssessmentRecorded, 12).await;
    record(&app, &at, teacher, UsageKind::CommentWritten, 3).await;
    app.signed_in(TEACHER).await;

    let (year, month) = this_month(&app);
    let table = usage(&app, &admin, &year, &month, "staff").await;
    let res = export(
        &app,
        &admin,
        &format!("year={year}&month={month}&show=staff"),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let label = table.month.label();
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with(&format!(
            "attachment; filename=\"Oakfield Primary School - School Usage - {label} - Staff.xlsx\"; filename*=UTF-8''Oakfield%20Primary"
        )),
        "{disposition}"
    );
    let bytes = res.bytes().await.unwrap();
    let rows = cells(&bytes, &label);

    let heading: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(
        heading,
        [
            "Name",
            "Role",
            "Sign-ins",
            "Last sign-in",
            "Days active",
            "Assessments recorded",
            "Comments written",
            "Days in browser",
            "Days in app"
        ]
    );
    assert_eq!(rows.len(), table.rows.len() + 2, "heading, people, totals");
    for (cells, person) in rows[1..].iter().zip(&table.rows) {
        assert_eq!(cells[0], Data::String(person.full_name()));
        assert_eq!(cells[1], Data::String(person.role.clone()));
        let counts: Vec<i64> = [2, 4, 5, 6, 7, 8]
            .iter()
            .map(|&c| number(&cells[c]))
            .collect();
        assert_eq!(
            counts,
            [
                person.counts.sign_ins,
                person.counts.days_active,
                person.counts.assessments,
                person.counts.comments,
                person.counts.browser,
                person.counts.app
            ],
            "{}",
            person.full_name()
        );
        match (&cells[3], person.counts.last_sign_in_at.as_deref()) {
            (Data::DateTime(at), Some(stored)) => {
                assert!(
                    (at.as_f64() - excel_serial(stored)).abs() < 1e-6,
                    "{stored}"
                )
            }
            (Data::Empty, None) => {}
            (cell, stored) => panic!("last sign-in {cell:?} for {stored:?}"),
        }
    }
    let totals = rows.last().unwrap();
    assert_eq!(
        totals[0],
        Data::String(format!("Total ({} people)", table.totals.people))
    );
    let sums: Vec<i64> = [2, 4, 5, 6, 7, 8]
        .iter()
        .map(|&c| number(&totals[c]))
        .collect();
    let t = &table.totals.counts;
    assert_eq!(
        sums,
        [
            t.sign_ins,
            t.days_active,
            t.assessments,
            t.comments,
            t.browser,
            t.app
        ]
    );
    match (&totals[3], t.last_sign_in_at.as_deref()) {
        (Data::DateTime(at), Some(stored)) => {
            assert!((at.as_f64() - excel_serial(stored)).abs() < 1e-6)
        }
        (cell, stored) => panic!("latest sign-in {cell:?} for {stored:?}"),
    }
    assert!(table.totals.counts.assessments >= 12 && table.totals.counts.comments >= 3);

    // The formula-like name is text: marked with Excel's quote prefix, and
    // the sheet holds no formula at all.
    let index = table
        .rows
        .iter()
        .position(|r| r.id == UserId(deputy))
        .unwrap();
    assert_eq!(
        rows[index + 1][0],
        Data::String(format!("{formula} @Siddiqui"))
    );
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(!sheet.contains("<f>"), "no formulas");
    let cell = format!("<c r=\"A{}\" s=\"", index + 2);
    let style: usize = sheet[sheet.find(&cell).expect("the name's cell") + cell.len()..]
        .split('"')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let styles = part(&bytes, "xl/styles.xml");
    let cell_formats =
        &styles[styles.find("<cellXfs").unwrap()..styles.find("</cellXfs>").unwrap()];
    let format = cell_formats
        .split("<xf ")
        .nth(style + 1)
        .expect("the style");
    assert!(format.contains("quotePrefix=\"1\""), "{format}");
    // The heading row stays in view, and columns have widths.
    assert!(sheet.contains("ySplit=\"1\"") && sheet.contains("state=\"frozen\""));
    assert!(sheet.contains("<cols>") && sheet.contains("customWidth=\"1\""));
}

#[tokio::test]
async fn a_day_used_without_signing_in_again_counts_once_for_its_client() {
    let app = spawn_app().await;
    let teacher = app.user_id(TEACHER).await;
    let y = app.clock.now().year() + 2;
    // Signed in on the installed app with Remember me, on 10 June...
    set_clock(&app, &format!("{y}-06-10T08:00:00Z"));
    let phone = client();
    let form = [
        ("email", TEACHER),
        ("password", PASSWORD),
        ("client", "app"),
        ("remember", "on"),
    ];
    assert!(app
        .call::<SignIn>(&phone, &form)
        .await
        .status()
        .is_success());
    assert_eq!(app.call::<WhoAmI>(&phone, &[]).await.status(), 200);
    // ...and still signed in on the 11th, using it all day.
    set_clock(&app, &format!("{y}-06-11T07:30:00Z"));
    for _ in 0..3 {
        assert_eq!(app.call::<WhoAmI>(&phone, &[]).await.status(), 200);
    }
    // A browser on a desktop the same day, signed in afresh.
    teacher_signs_in(&app, "browser").await;

    let admin = app.signed_in(ADMIN).await;
    let june = usage(&app, &admin, &y.to_string(), "6", "staff").await;
    let t = &row(&june, teacher).counts;
    assert_eq!(t.sign_ins, 2, "a day carried on is not a sign-in");
    assert_eq!(t.days_active, 2);
    assert_eq!(
        (t.app, t.browser),
        (2, 1),
        "days on the app, days in a browser"
    );
    let visits: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(count), 0) FROM usage_days WHERE user_id = ? AND kind = 'visit'",
    )
    .bind(teacher)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(visits, 1, "counted once that day, not per request");
}

/// "Comments written" counts comments written through Markwell itself: the
/// report's first save with words in it counts once; later edits don't.
#[tokio::test]
async fn a_comment_written_in_the_writer_counts_once() {
    use app::{
        ids::ReportSessionId,
        reports::{
            api::{OpenWriter, SaveComment},
            model::{CommentSaved, Writer},
        },
    };
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let head = app.signed_in(SLT).await;
    let (year, month) = this_month(&app);
    let teacher_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = ?")
        .bind(TEACHER)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let comments = |report: UsageReport| {
        report
            .rows
            .iter()
            .find(|r| r.id == UserId(teacher_id))
            .map_or(0, |r| r.counts.comments)
    };
    let before = comments(usage(&app, &head, &year, &month, "staff").await);

    let (session, group): (i64, i64) = sqlx::query_as(
        "SELECT r.session_id, r.group_id FROM reports r
         JOIN report_sessions s ON s.id = r.session_id AND s.published_at IS NULL
         JOIN group_teachers gt ON gt.group_id = r.group_id
         JOIN users u ON u.id = gt.user_id AND u.email = ?
         LIMIT 1",
    )
    .bind(TEACHER)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let session = ReportSessionId(session).to_string();
    let writer: Writer = app
        .call::<OpenWriter>(
            &teacher,
            &[("session", &session), ("group", &group.to_string())],
        )
        .await
        .answer()
        .await
        .unwrap();
    let fresh = writer
        .pupils
        .iter()
        .find(|p| p.version == 0)
        .expect("a report not written yet");
    let save = |text: &'static str, version: i64| {
        let report = fresh.report.to_string();
        let teacher = &teacher;
        let app = &app;
        async move {
            let version = version.to_string();
            let res = app
                .call::<SaveComment>(
                    teacher,
                    &[
                        ("report", &report),
                        ("comment", text),
                        ("version", &version),
                    ],
                )
                .await;
            assert_eq!(res.status(), StatusCode::OK);
            res.answer::<CommentSaved>().await.unwrap()
        }
    };
    let saved = save("Reads with growing confidence.", 0).await;
    save(
        "Reads with growing confidence and expression.",
        saved.version,
    )
    .await;

    let after = comments(usage(&app, &head, &year, &month, "staff").await);
    assert_eq!(after, before + 1);
}
