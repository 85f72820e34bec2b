//! Ext. data: results imported from spreadsheets, through the real upload
//! route and server functions. Every bad row gets its reason, an import
//! writes exactly what its preview showed, undo puts the database back,
//! and a teacher imports only for the pupils they reach.

use app::{
    error::AppError,
    external::{
        api::{ExtDataPage, ImportResults, UndoImport, UndoTargetsImport},
        model::{AssessmentRow, ExtDataView, Preview, UPLOAD_PATH},
    },
    ids::{GroupId, PupilId, SubjectId},
    progress::{
        api::{OpenProgress, OpenPupil},
        model::{ProgressTable, PupilProgress},
    },
};
use reqwest::{Client, StatusCode};

use crate::{classroom::classes, helpers::*, progress::save_targets};

/// A pupil made for the test, in `group` if given.
async fn pupil(app: &TestApp, upn: &str, first: &str, surname: &str, born: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO pupils (upn, first_name, surname, date_of_birth, year_group, created_at)
         VALUES (?, ?, ?, ?, 1, '2026-09-01T00:00:00Z') RETURNING id",
    )
    .bind(upn)
    .bind(first)
    .bind(surname)
    .bind(born)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn join(app: &TestApp, group: GroupId, pupil: i64) {
    sqlx::query("INSERT INTO group_pupils (group_id, pupil_id) VALUES (?, ?)")
        .bind(group.0)
        .bind(pupil)
        .execute(&app.pool)
        .await
        .unwrap();
}

/// Sends a file as the page's form does (a `name` of "" is no file chosen).
async fn send_upload(app: &TestApp, who: &Client, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
    );
    who.post(format!("{}{UPLOAD_PATH}", app.address))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Uploads a file as the page's form does; the id of the kept file.
async fn upload(app: &TestApp, who: &Client, name: &str, bytes: Vec<u8>) -> i64 {
    let res = send_upload(app, who, name, bytes).await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let to = res.headers()["location"].to_str().unwrap();
    to.trim_start_matches("/ext-data?file=")
        .parse()
        .unwrap_or_else(|_| panic!("sent to {to}"))
}

/// The assessment taken that day (DD/MM/YYYY); the demo school has its own.
fn assessment_taken<'a>(view: &'a ExtDataView, taken_on: &str) -> &'a AssessmentRow {
    view.assessments
        .iter()
        .find(|a| a.taken_on == taken_on)
        .unwrap_or_else(|| panic!("an assessment taken on {taken_on}"))
}

fn assessment_named<'a>(view: &'a ExtDataView, name: &str) -> &'a AssessmentRow {
    view.assessments
        .iter()
        .find(|a| a.name == name)
        .unwrap_or_else(|| panic!("an assessment called {name}"))
}

async fn page(app: &TestApp, who: &Client, file: Option<i64>) -> ExtDataView {
    let file = file.map(|f| f.to_string());
    let form: Vec<(&str, &str)> = file.iter().map(|f| ("file", f.as_str())).collect();
    let res = app.call::<ExtDataPage>(who, &form).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.answer().await.unwrap()
}

/// The import form as the page sends it: a new Phonics Screening Check
/// taken on 09/06/2026, pupils by UPN in column A, the score in column C.
fn phonics<'a>(file: &'a str, more: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("file", file),
        ("assessment", "new"),
        ("kind", "phonics"),
        ("taken_on", "09/06/2026"),
        ("upn_column", "0"),
        ("result_column", "2"),
        ("existing", "skip"),
    ];
    for (key, value) in more {
        form.retain(|(k, _)| k != key);
        form.push((key, value));
    }
    form
}

async fn preview(app: &TestApp, who: &Client, form: &[(&str, &str)]) -> Preview {
    let res = app.call::<ImportResults>(who, form).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
    let preview: Option<Preview> = res.answer().await.unwrap();
    preview.expect("a preview")
}

async fn import(
    app: &TestApp,
    who: &Client,
    form: &[(&str, &str)],
    digest: &str,
) -> reqwest::Response {
    let mut form = form.to_vec();
    form.push(("step", "import"));
    form.push(("digest", digest));
    app.call::<ImportResults>(who, &form).await
}

/// Every row of the tables an import and its undo touch, for the pupils
/// the first test makes (the demo school has results of its own).
async fn results_tables(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT 'result ' || assessment_id || ' ' || pupil_id || ' ' || IFNULL(score, '') || IFNULL(grade, '') || ' ' || import_id
         FROM external_results WHERE pupil_id IN (SELECT id FROM pupils WHERE upn LIKE 'X1%')
         UNION ALL SELECT 'replaced ' || import_id || ' ' || pupil_id FROM replaced_results
         ORDER BY 1",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

async fn score_of(app: &TestApp, pupil: i64) -> Option<i64> {
    sqlx::query_scalar("SELECT score FROM external_results WHERE pupil_id = ?")
        .bind(pupil)
        .fetch_optional(&app.pool)
        .await
        .unwrap()
        .flatten()
}

#[tokio::test]
async fn a_preview_gives_every_bad_row_its_reason_and_undo_puts_everything_back() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let amy = pupil(&app, "X100000000001", "Amy", "Ant", "2019-03-12").await;
    let ben = pupil(&app, "X100000000002", "Ben", "Bee", "2019-04-01").await;
    let cal = pupil(&app, "X100000000003", "Cal", "Cat", "2019-05-01").await;
    let dee = pupil(&app, "X100000000004", "Dee", "Dog", "2019-06-01").await;
    // A title above the headings, a blank row, and one of each mistake.
    let csv = "Phonics Screening Check, June 2026\n\
               UPN,Name,Mark\n\
               X100000000001,Amy Ant,35\n\
               \n\
               X100000000002,Ben Bee,20\n\
               X199999999999,Nobody,30\n\
               X100000000003,Cal Cat,41\n\
               X100000000004,Dee Dog,abs\n\
               X100000000003,Cal Cat,12\n";
    let file = upload(&app, &admin, "phonics.csv", csv.as_bytes().to_vec()).await;
    let shown = page(&app, &admin, Some(file)).await;
    let uploaded = shown.file.unwrap().unwrap();
    assert_eq!((uploaded.heading_row, uploaded.rows), (2, 6));
    assert_eq!(uploaded.guess.upn, Some(0));
    assert_eq!(uploaded.guess.result, Some(2), "Mark is the score");

    let file_id = file.to_string();
    let form = phonics(&file_id, &[]);
    let before = results_tables(&app).await;
    let first = preview(&app, &admin, &form).await;
    assert_eq!(
        first.assessment,
        "Phonics Screening Check, taken 09/06/2026"
    );
    let reasons: Vec<(usize, &str)> = first
        .bad_rows
        .iter()
        .map(|b| (b.row, b.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            (6, "Unknown pupil: no pupil has the UPN X199999999999."),
            (7, "Score out of range: 41 (scores are 0 to 40)."),
            (
                8,
                "\u{201c}abs\u{201d} isn't a score: scores are whole numbers from 0 to 40."
            ),
            (
                9,
                "The same pupil is in the file more than once: rows 7, 9."
            ),
        ]
    );
    assert_eq!(first.adds, 2, "Amy and Ben");
    assert_eq!(
        results_tables(&app).await,
        before,
        "a preview changes nothing"
    );

    // An import whose digest isn't the preview's is refused, nothing written.
    let res = import(&app, &admin, &form, "not the preview").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(matches!(error_of(res).await, AppError::Invalid { field, .. } if field == "preview"));
    assert_eq!(results_tables(&app).await, before);
    // So is the preview's own digest once the school changed since: Dee
    // left (row 8 would now be an unknown pupil). Back again, it imports.
    let dee_active = |active: bool| {
        let app = &app;
        async move {
            sqlx::query("UPDATE pupils SET active = ? WHERE id = ?")
                .bind(active)
                .bind(dee)
                .execute(&app.pool)
                .await
                .unwrap();
        }
    };
    dee_active(false).await;
    let res = import(&app, &admin, &form, &first.digest).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(results_tables(&app).await, before);
    dee_active(true).await;

    let res = import(&app, &admin, &form, &first.digest).await;
    assert!(done(&res), "{}", res.status());
    assert_eq!(score_of(&app, amy).await, Some(35));
    assert_eq!(score_of(&app, ben).await, Some(20));
    assert_eq!(score_of(&app, cal).await, None);
    assert_eq!(score_of(&app, dee).await, None);
    let after_first = results_tables(&app).await;

    // The pupil page shows the result and what it means.
    let res = app
        .call::<OpenPupil>(&admin, &[("pupil", &amy.to_string())])
        .await;
    let amy_page: PupilProgress = res.answer().await.unwrap();
    assert_eq!(amy_page.external.len(), 1);
    assert_eq!(
        amy_page.external[0].result,
        "35 (Working at the expected standard)"
    );
    assert_eq!(amy_page.external[0].taken_on, "09/06/2026");

    // A second file for the same assessment: Ben's result already there.
    let shown = page(&app, &admin, None).await;
    let ours = assessment_taken(&shown, "09/06/2026");
    let (ours_id, assessment) = (ours.id, ours.id.to_string());
    assert_eq!(ours.results, 2);
    let csv = "UPN,Name,Mark\nX100000000002,Ben Bee,33\nX100000000004,Dee Dog,31\n";
    let second_file = upload(&app, &admin, "resits.csv", csv.as_bytes().to_vec())
        .await
        .to_string();
    let skip = phonics(&second_file, &[("assessment", &assessment)]);
    let skipping = preview(&app, &admin, &skip).await;
    assert_eq!((skipping.adds, skipping.existing.len()), (1, 1));
    assert_eq!(skipping.existing[0].now, "20");
    assert_eq!(
        skipping.existing[0].new,
        "33 (Working at the expected standard)"
    );
    let replace = phonics(
        &second_file,
        &[("assessment", &assessment), ("existing", "replace")],
    );
    let replacing = preview(&app, &admin, &replace).await;
    assert_eq!(replacing.writes(), 2);
    let res = import(&app, &admin, &replace, &replacing.digest).await;
    assert!(done(&res));
    assert_eq!(score_of(&app, ben).await, Some(33));
    assert_eq!(score_of(&app, dee).await, Some(31));

    // Imports listed newest first; the first can't be undone before the second.
    let shown = page(&app, &admin, None).await;
    let (second, first_import) = (&shown.imports[0], &shown.imports[1]);
    assert_eq!((second.added, second.replaced, second.skipped), (1, 1, 0));
    assert_eq!((first_import.added, first_import.replaced), (2, 0));
    assert!(second.can_undo && !first_import.can_undo);
    let res = app
        .call::<UndoImport>(&admin, &[("import", &first_import.id.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Undo the second: Ben's 20 is back, Dee has none; then the first.
    let res = app
        .call::<UndoImport>(&admin, &[("import", &second.id.to_string())])
        .await;
    assert!(done(&res), "{}", res.status());
    assert_eq!(
        results_tables(&app)
            .await
            .iter()
            .filter(|r| r.starts_with("result"))
            .count(),
        2
    );
    assert_eq!(score_of(&app, ben).await, Some(20));
    assert_eq!(score_of(&app, dee).await, None);
    let replaced_kept: Vec<String> = results_tables(&app)
        .await
        .into_iter()
        .filter(|r| r.starts_with("result"))
        .collect();
    assert_eq!(
        replaced_kept,
        after_first
            .iter()
            .filter(|r| r.starts_with("result"))
            .cloned()
            .collect::<Vec<_>>()
    );
    let res = app
        .call::<UndoImport>(&admin, &[("import", &first_import.id.to_string())])
        .await;
    assert!(done(&res));
    let left: Vec<String> = results_tables(&app)
        .await
        .into_iter()
        .filter(|r| r.starts_with("result"))
        .collect();
    assert!(left.is_empty(), "undo leaves no result: {left:?}");
    let shown = page(&app, &admin, None).await;
    let ours: Vec<_> = shown
        .imports
        .iter()
        .filter(|i| i.assessment == "Phonics Screening Check, taken 09/06/2026")
        .collect();
    assert_eq!(ours.len(), 2);
    assert!(ours.iter().all(|i| i.undone.is_some() && !i.can_undo));
    // Undoing twice is refused as not found.
    let res = app
        .call::<UndoImport>(&admin, &[("import", &second.id.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // The assessment the first import made went with it: not listed, not
    // offered, not a column in Progress.
    assert!(!shown.assessments.iter().any(|a| a.id == ours_id));
    let fresh = upload(&app, &admin, "resits.csv", csv.as_bytes().to_vec())
        .await
        .to_string();
    let res = app
        .call::<ImportResults>(&admin, &phonics(&fresh, &[("assessment", &assessment)]))
        .await;
    assert_eq!(
        error_of(res).await.for_field("assessment").as_deref(),
        Some("Choose an assessment from the list.")
    );
    let table = progress_table(&app, &admin, &[]).await;
    assert!(!table.assessments.iter().any(|(id, _)| *id == ours_id));
    // Defined again, it is taken up again: one assessment of that name and day.
    let again = upload(&app, &admin, "phonics.csv", csv.as_bytes().to_vec())
        .await
        .to_string();
    let form = phonics(&again, &[]);
    let shown_again = preview(&app, &admin, &form).await;
    assert!(done(
        &import(&app, &admin, &form, &shown_again.digest).await
    ));
    let listed = page(&app, &admin, None).await;
    assert_eq!(assessment_taken(&listed, "09/06/2026").id, ours_id);
}

/// Progress as the viewer first sees it (with `asked` added).
async fn progress_table(app: &TestApp, who: &Client, asked: &[(&str, &str)]) -> ProgressTable {
    let res = app.call::<OpenProgress>(who, asked).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.answer().await.unwrap()
}

#[tokio::test]
async fn a_teacher_imports_only_for_the_pupils_of_their_groups() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let admin = app.signed_in(ADMIN).await;
    let (class, other) = classes(&app).await;
    let mine = pupil(&app, "Y100000000001", "Mia", "Moss", "2018-01-02").await;
    let theirs = pupil(&app, "Y100000000002", "Tom", "Teal", "2018-01-03").await;
    join(&app, class, mine).await;
    join(&app, other, theirs).await;
    let csv = "UPN,Name,Score\nY100000000001,Mia,20\nY100000000002,Tom,21\n";
    let file = upload(&app, &teacher, "mtc.csv", csv.as_bytes().to_vec()).await;
    let file_id = file.to_string();
    let form = phonics(&file_id, &[("kind", "mtc"), ("name", "MTC June")]);
    let shown = preview(&app, &teacher, &form).await;
    assert_eq!(shown.adds, 1);
    assert_eq!(
        shown.bad_rows[0].reason,
        "Unknown pupil: no pupil in your groups has the UPN Y100000000002.",
        "a pupil out of reach is unknown to the teacher"
    );
    let res = import(&app, &teacher, &form, &shown.digest).await;
    assert!(done(&res));
    assert_eq!(score_of(&app, mine).await, Some(20));
    assert_eq!(score_of(&app, theirs).await, None);

    // Out of the class, Mia is out of the teacher's reach: their own import
    // of her result can't be undone by them now.
    let teachers_import = page(&app, &teacher, None).await.imports[0].id.to_string();
    sqlx::query("DELETE FROM group_pupils WHERE group_id = ? AND pupil_id = ?")
        .bind(class.0)
        .bind(mine)
        .execute(&app.pool)
        .await
        .unwrap();
    let res = app
        .call::<UndoImport>(&teacher, &[("import", &teachers_import)])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(score_of(&app, mine).await, Some(20));
    join(&app, class, mine).await;

    // Another's file is not found, and audited.
    let csv = "UPN,Name,Score\nY100000000001,Mia,25\nY100000000002,Tom,21\n";
    let admins_file = upload(&app, &admin, "mtc.csv", csv.as_bytes().to_vec()).await;
    let admins_id = admins_file.to_string();
    let res = app
        .call::<ImportResults>(&teacher, &phonics(&admins_id, &[]))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.denials(&format!("results file:{admins_file}")).await, 1);
    // The admin's import of the same assessment can't be undone by the teacher.
    let assessment = assessment_named(&page(&app, &admin, None).await, "MTC June")
        .id
        .to_string();
    let form = phonics(
        &admins_id,
        &[("assessment", &assessment), ("existing", "replace")],
    );
    let shown = preview(&app, &admin, &form).await;
    assert_eq!(shown.existing.len(), 1, "the admin reaches Mia's result");
    assert!(done(&import(&app, &admin, &form, &shown.digest).await));
    let admins_import = page(&app, &admin, None).await.imports[0].id;
    let res = app
        .call::<UndoImport>(&teacher, &[("import", &admins_import.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(score_of(&app, theirs).await, Some(21));
    // The teacher lists their own import only.
    let listed = page(&app, &teacher, None).await.imports;
    assert_eq!(listed.len(), 1);
    assert!(
        !listed[0].can_undo,
        "a later import in place replaced Mia's result from it"
    );
}

#[tokio::test]
async fn files_that_cant_be_read_get_a_message_never_a_failure() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    for (name, bytes, says) in [
        (
            "old.xls",
            b"\xD0\xCF\x11\xE0 an old workbook".to_vec(),
            ".xls",
        ),
        (
            "broken.xlsx",
            b"PK\x03\x04 not really a zip".to_vec(),
            "can't be read",
        ),
        (
            "title.csv",
            b"Just a title\n".to_vec(),
            "no row of column headings",
        ),
        (
            "photo.csv",
            vec![0, 159, 146, 150, 0, 1],
            "isn't a spreadsheet",
        ),
    ] {
        let file = upload(&app, &admin, name, bytes).await;
        let shown = page(&app, &admin, Some(file)).await;
        let problem = shown.file.unwrap().unwrap_err();
        assert!(problem.contains(says), "{name}: {problem}");
        let id = file.to_string();
        let res = app.call::<ImportResults>(&admin, &phonics(&id, &[])).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
    }
    // An empty upload goes back to the page with the reason.
    let res = send_upload(&app, &admin, "empty.csv", Vec::new()).await;
    assert_eq!(res.headers()["location"], "/ext-data?refused=empty");
    let shown = admin
        .get(format!("{}/ext-data?refused=empty", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        shown.contains("That file is empty: choose the spreadsheet with the results in it."),
        "the reason beside the field"
    );
    // No file chosen: the form sends the field with no name.
    let res = send_upload(&app, &admin, "", Vec::new()).await;
    assert_eq!(res.headers()["location"], "/ext-data?refused=no-file");
    // The form's mistakes, each beside its field.
    let file = upload(&app, &admin, "p.csv", b"UPN,Score\nA1,3\n".to_vec())
        .await
        .to_string();
    let res = app
        .call::<ImportResults>(
            &admin,
            &phonics(&file, &[("taken_on", "31/02/2026"), ("result_column", "")]),
        )
        .await;
    let error = error_of(res).await;
    assert!(error.for_field("taken_on").is_some(), "{error:?}");
    assert!(error.for_field("result_column").is_some(), "{error:?}");
}

/// A spreadsheet written by openpyxl (PyPI), not Markwell's own writer:
/// a title above the headings, dates of birth as real dates, as text and
/// as bare day numbers, scores as numbers and as text, a blank row.
#[tokio::test]
async fn a_spreadsheet_written_by_openpyxl_imports() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let amy = pupil(&app, "Z100000000001", "Amy", "Ash", "2019-03-12").await;
    let bo = pupil(&app, "Z100000000002", "Bo", "Birch", "2019-04-01").await;
    let cy = pupil(&app, "Z100000000003", "Cy", "Cedar", "2018-12-31").await;
    let folder = tempfile::tempdir().unwrap();
    let out = folder.path().join("results.xlsx");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let python = root.join("target/py/bin/python");
    let made = std::process::Command::new(&python)
        .arg(root.join("server/tests/openpyxl_results.py"))
        .arg(&out)
        .status()
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e}; `scripts/setup.sh test` installs openpyxl there",
                python.display()
            )
        });
    assert!(made.success());
    let file = upload(&app, &admin, "results.xlsx", std::fs::read(&out).unwrap()).await;
    let uploaded = page(&app, &admin, Some(file)).await.file.unwrap().unwrap();
    assert_eq!((uploaded.heading_row, uploaded.rows), (3, 3));
    let guess = uploaded.guess;
    assert_eq!(
        (guess.first_name, guess.surname, guess.birth, guess.result),
        (Some(0), Some(1), Some(2), Some(3))
    );
    let id = file.to_string();
    let form = phonics(
        &id,
        &[
            ("upn_column", ""),
            ("first_name_column", "0"),
            ("surname_column", "1"),
            ("birth_column", "2"),
            ("result_column", "3"),
        ],
    );
    let shown = preview(&app, &admin, &form).await;
    assert!(shown.bad_rows.is_empty(), "{:?}", shown.bad_rows);
    assert!(done(&import(&app, &admin, &form, &shown.digest).await));
    assert_eq!(score_of(&app, amy).await, Some(38));
    assert_eq!(score_of(&app, bo).await, Some(27));
    assert_eq!(score_of(&app, cy).await, Some(32));
}

/// Progress shows an assessment's results as a column: "which pupils are
/// not on track, and did the test agree?" Each pupil on the roll has their
/// result or none; an assessment that isn't there shows no column.
#[tokio::test]
async fn progress_shows_an_assessments_results_beside_the_judgements() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let admin = app.signed_in(ADMIN).await;
    let (class, _) = classes(&app).await;
    let roll = crate::classroom::pupils_of(&app, class).await;
    let upns: Vec<String> = {
        let mut upns = Vec::new();
        for pupil in &roll[..2] {
            upns.push(
                sqlx::query_scalar::<_, String>("SELECT upn FROM pupils WHERE id = ?")
                    .bind(pupil.0)
                    .fetch_one(&app.pool)
                    .await
                    .unwrap(),
            );
        }
        upns
    };
    let csv = format!("UPN,Name,Score\n{},A,104\n{},B,96\n", upns[0], upns[1]);
    let file = upload(&app, &admin, "ks2.csv", csv.into_bytes())
        .await
        .to_string();
    let form = phonics(&file, &[("kind", "ks2"), ("taken_on", "12/05/2026")]);
    let shown = preview(&app, &admin, &form).await;
    assert!(done(&import(&app, &admin, &form, &shown.digest).await));
    let assessment = assessment_named(&page(&app, &admin, None).await, "KS2 scaled score").id;
    let subject: i64 = sqlx::query_scalar("SELECT id FROM subjects ORDER BY position LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();

    let open = |assessment: i64| {
        let (app, teacher) = (&app, &teacher);
        async move {
            let res = app
                .call::<OpenProgress>(
                    teacher,
                    &[
                        ("group", &class.to_string()),
                        ("subject", &subject.to_string()),
                        ("assessment", &assessment.to_string()),
                    ],
                )
                .await;
            assert_eq!(res.status(), StatusCode::OK);
            res.answer::<ProgressTable>().await.unwrap()
        }
    };
    let table = open(assessment).await;
    assert_eq!(table.assessment, Some(assessment));
    assert!(table
        .assessments
        .contains(&(assessment, "KS2 scaled score, taken 12/05/2026".to_owned())));
    let result = |pupil: PupilId| {
        table
            .rows
            .iter()
            .find(|r| r.pupil == pupil)
            .unwrap()
            .external
            .clone()
            .map(|e| (e.words, e.figure))
    };
    assert_eq!(
        result(roll[0]),
        Some(("104 (Met the expected standard)".into(), 104))
    );
    assert_eq!(result(roll[1]), Some(("96".into(), 96)));
    assert_eq!(result(roll[2]), None);
    let none = open(assessment + 1000).await;
    assert_eq!(none.assessment, None);
    assert!(none.rows.iter().all(|r| r.external.is_none()));

    // Export to Excel: the same table, the assessment's column last.
    let export = |who: &Client, group: GroupId| {
        let url = format!(
            "{}{}?group={group}&subject={subject}&assessment={assessment}",
            app.address,
            app::progress::page::EXPORT_PATH
        );
        who.get(url).send()
    };
    let res = export(&teacher, class).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(" - Progress - "));
    let cells = crate::usage::cells(&res.bytes().await.unwrap(), "Progress");
    assert_eq!(
        cells.len(),
        1 + table.rows.len(),
        "headings and a row a pupil"
    );
    assert_eq!(
        cells[0].last().map(|c| c.to_string()).as_deref(),
        Some("KS2 scaled score, taken 12/05/2026")
    );
    let name = &table.rows.iter().find(|r| r.pupil == roll[0]).unwrap().name;
    let row = cells
        .iter()
        .find(|r| r[0].to_string() == *name)
        .expect("the pupil's row");
    assert_eq!(
        row.last().unwrap().to_string(),
        "104 (Met the expected standard)"
    );
    // Another teacher's class is not found; a parent may not export.
    let (_, other) = classes(&app).await;
    assert_eq!(
        export(&teacher, other).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let parent = app.signed_in(PARENT).await;
    assert_eq!(
        export(&parent, class).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
}

/// A pupil's target in the subject, as its level's label.
async fn target_of(app: &TestApp, pupil: i64, subject: i64) -> Option<String> {
    sqlx::query_scalar(
        "SELECT l.label FROM pupil_targets t JOIN scale_levels l ON l.id = t.level_id
         WHERE t.pupil_id = ? AND t.subject_id = ?",
    )
    .bind(pupil)
    .bind(subject)
    .fetch_optional(&app.pool)
    .await
    .unwrap()
}

async fn level(app: &TestApp, label: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM scale_levels WHERE label = ?")
        .bind(label)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn targets_imported_for_a_subject_show_in_progress_and_undo_puts_back_what_was_there() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let admin = app.signed_in(ADMIN).await;
    let (class, other) = classes(&app).await;
    let mia = pupil(&app, "T100000000001", "Mia", "Moss", "2018-01-02").await;
    let ned = pupil(&app, "T100000000002", "Ned", "Nook", "2018-02-03").await;
    let tom = pupil(&app, "T100000000003", "Tom", "Teal", "2018-01-03").await;
    join(&app, class, mia).await;
    join(&app, class, ned).await;
    join(&app, other, tom).await;
    let view = page(&app, &teacher, None).await;
    let (maths, _) = view
        .subjects
        .iter()
        .find(|(_, name)| name == "Maths")
        .expect("Maths is offered for targets")
        .clone();
    // Mia's target was set by hand on Progress before the import.
    let working_towards = level(&app, "Working towards").await;
    let res = save_targets(
        &app,
        &teacher,
        class,
        maths.0,
        &[(PupilId(mia), working_towards)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let before = targets_tables(&app).await;

    // The school's scale by label in any case, or by key; Tom isn't the
    // teacher's; "Gold" isn't on the scale; Mia has a target already.
    let csv = "UPN,Name,Maths target\n\
               T100000000001,Mia,Greater depth\n\
               T100000000002,Ned,expected\n\
               T100000000003,Tom,Expected\n\
               T100000000002,Ned,Gold\n";
    let file = upload(&app, &teacher, "targets.csv", csv.as_bytes().to_vec())
        .await
        .to_string();
    let uploaded = page(&app, &teacher, Some(file.parse().unwrap())).await;
    assert_eq!(
        uploaded.file.unwrap().unwrap().guess.result,
        Some(2),
        "a file of targets has its target column guessed"
    );
    let choice = app::external::model::targets_choice(maths);
    let form = targets_form(&file, &choice, "2");
    let shown = preview(&app, &teacher, &form).await;
    assert_eq!(shown.assessment, "Targets in Maths");
    assert!(shown.targets);
    let reasons: Vec<(usize, &str)> = shown
        .bad_rows
        .iter()
        .map(|b| (b.row, b.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            (3, "The same pupil is in the file more than once: rows 3, 5."),
            (
                4,
                "Unknown pupil: no pupil in your groups has the UPN T100000000003."
            ),
            (
                5,
                "\u{201c}Gold\u{201d} isn't on the school's scale (Working towards, Expected, Greater depth)."
            ),
        ]
    );
    assert_eq!(shown.adds, 0);
    assert_eq!(shown.existing.len(), 1);
    assert_eq!(
        (
            shown.existing[0].now.as_str(),
            shown.existing[0].new.as_str()
        ),
        ("Working towards", "Greater depth")
    );
    assert_eq!(
        targets_tables(&app).await,
        before,
        "a preview writes nothing"
    );

    // The file put right (Ned once, by the scale's key "2"), imported.
    let csv = "UPN,Name,Maths target\n\
               T100000000001,Mia,Greater depth\n\
               T100000000002,Ned,2\n";
    let file = upload(&app, &teacher, "targets.csv", csv.as_bytes().to_vec())
        .await
        .to_string();
    let form = targets_form(&file, &choice, "2");
    let shown = preview(&app, &teacher, &form).await;
    assert_eq!((shown.adds, shown.existing.len()), (1, 1));
    assert!(done(&import(&app, &teacher, &form, &shown.digest).await));
    assert_eq!(
        target_of(&app, mia, maths.0).await.as_deref(),
        Some("Greater depth")
    );
    assert_eq!(
        target_of(&app, ned, maths.0).await.as_deref(),
        Some("Expected")
    );
    let listed = page(&app, &teacher, None).await.imports;
    let imported = &listed[0];
    assert_eq!(imported.assessment, "Targets in Maths");
    assert!(imported.targets && imported.can_undo);
    assert_eq!((imported.added, imported.replaced), (1, 1));
    assert_eq!(audited(&app, "targets imported").await, 1);

    // Progress shows them.
    let res = app
        .call::<OpenProgress>(
            &teacher,
            &[
                ("group", &class.to_string()),
                ("subject", &maths.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let table: ProgressTable = res.answer().await.unwrap();
    let target = |pupil: i64| {
        table
            .rows
            .iter()
            .find(|r| r.pupil == PupilId(pupil))
            .and_then(|r| r.target.map(|t| t.level.0))
    };
    assert_eq!(target(mia), Some(level(&app, "Greater depth").await));
    assert_eq!(target(ned), Some(level(&app, "Expected").await));

    // Another import that touches none of its pupils (a colleague's class,
    // say) leaves it undoable; one that changes a target it set is in its
    // way until that one is undone.
    let ola = pupil(&app, "T100000000004", "Ola", "Oak", "2018-03-04").await;
    join(&app, class, ola).await;
    import_targets(
        &app,
        &teacher,
        maths,
        "UPN,Target\nT100000000004,Expected\n",
    )
    .await;
    let listed = page(&app, &teacher, None).await.imports;
    assert!(listed.iter().all(|i| i.can_undo), "{listed:?}");
    import_targets(
        &app,
        &teacher,
        maths,
        "UPN,Target\nT100000000001,Expected\n",
    )
    .await;
    let third = page(&app, &teacher, None).await.imports[0].id.to_string();
    let import_id = imported.id.to_string();
    let res = app
        .call::<UndoTargetsImport>(&teacher, &[("import", &import_id)])
        .await;
    assert_eq!(
        error_of(res).await.for_field("undo").as_deref(),
        Some("A later import changed some of these targets and is still in place: undo that one first.")
    );
    let res = app
        .call::<UndoTargetsImport>(&teacher, &[("import", &third)])
        .await;
    assert!(done(&res));
    assert_eq!(
        target_of(&app, mia, maths.0).await.as_deref(),
        Some("Greater depth"),
        "back to what the first import set"
    );

    // The teacher then changes Ned's by hand: that one is theirs, and undo
    // leaves it; Mia's goes back to what the import replaced.
    let greater_depth = level(&app, "Greater depth").await;
    let res = save_targets(
        &app,
        &teacher,
        class,
        maths.0,
        &[(PupilId(ned), greater_depth)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .call::<UndoTargetsImport>(&teacher, &[("import", &import_id)])
        .await;
    assert!(done(&res), "{}", res.status());
    assert_eq!(
        target_of(&app, mia, maths.0).await.as_deref(),
        Some("Working towards")
    );
    assert_eq!(
        target_of(&app, ned, maths.0).await.as_deref(),
        Some("Greater depth"),
        "changed by hand since the import"
    );
    assert_eq!(
        audited(&app, "targets import undone").await,
        2,
        "the third, then the first"
    );
    let listed = page(&app, &teacher, None).await.imports;
    let first = listed.iter().find(|i| i.id == imported.id).unwrap();
    assert!(first.undone.is_some() && !first.can_undo);
    // Undone once only.
    let res = app
        .call::<UndoTargetsImport>(&teacher, &[("import", &import_id)])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Without the hand change, import then undo leaves the tables as
    // they were (Mia's own target back, with who set it and when).
    let hand_set = targets_tables(&app).await;
    let file = upload(&app, &admin, "targets.csv", csv.as_bytes().to_vec())
        .await
        .to_string();
    let form = targets_form(&file, &choice, "2");
    let shown = preview(&app, &admin, &form).await;
    assert!(done(&import(&app, &admin, &form, &shown.digest).await));
    assert_ne!(targets_tables(&app).await, hand_set);
    // The same file again: every pupil already has what it says.
    let again = upload(&app, &admin, "targets.csv", csv.as_bytes().to_vec())
        .await
        .to_string();
    let shown = preview(&app, &admin, &targets_form(&again, &choice, "2")).await;
    assert_eq!(
        (shown.adds, shown.existing.len(), shown.unchanged),
        (0, 0, 2)
    );
    // The newest import of targets (with the test's clock standing still,
    // every import is of the same moment).
    let admins = page(&app, &admin, None)
        .await
        .imports
        .iter()
        .filter(|i| i.targets)
        .map(|i| i.id)
        .max()
        .unwrap()
        .to_string();
    let res = app
        .call::<UndoTargetsImport>(&teacher, &[("import", &admins)])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "the admin's import");
    let res = app
        .call::<UndoTargetsImport>(&admin, &[("import", &admins)])
        .await;
    assert!(done(&res));
    assert_eq!(targets_tables(&app).await, hand_set);
}

/// Every target of the test's pupils, with who set it, when and from which
/// import.
async fn targets_tables(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT t.pupil_id || ' ' || t.subject_id || ' ' || t.level_id || ' ' || IFNULL(t.set_by, '')
                || ' ' || t.set_at || ' ' || IFNULL(t.import_id, 'by hand')
         FROM pupil_targets t JOIN pupils p ON p.id = t.pupil_id WHERE p.upn LIKE 'T1%'
         ORDER BY 1",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// How many times the audit log holds `action`.
async fn audited(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = ?")
        .bind(action)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// Imports a file of targets in the subject (UPN in column A, the target
/// in the last), replacing what pupils have.
async fn import_targets(app: &TestApp, who: &Client, subject: SubjectId, csv: &str) {
    let file = upload(app, who, "targets.csv", csv.as_bytes().to_vec())
        .await
        .to_string();
    let choice = app::external::model::targets_choice(subject);
    let last = (csv.lines().next().unwrap().split(',').count() - 1).to_string();
    let form = targets_form(&file, &choice, &last);
    let shown = preview(app, who, &form).await;
    assert!(shown.bad_rows.is_empty(), "{:?}", shown.bad_rows);
    assert!(done(&import(app, who, &form, &shown.digest).await));
}

/// The import form for a file of targets: pupils by UPN in column A, the
/// target in `result_column`, replacing what pupils have.
fn targets_form<'a>(
    file: &'a str,
    choice: &'a str,
    result_column: &'a str,
) -> [(&'a str, &'a str); 5] {
    [
        ("file", file),
        ("assessment", choice),
        ("upn_column", "0"),
        ("result_column", result_column),
        ("existing", "replace"),
    ]
}
