//! `make bench`: Progress and Ext. data at a school's size.
//!
//! Run alone with `cargo bench -p server --bench progress`.
//!
//! The demo school is loaded (two classes a year, four subjects, this
//! year's judgements and last year's history). Through the real HTTP
//! endpoints, signed in, it measures medians of:
//! 1. Progress for a whole year group (the `progress/open` server
//!    function, SLT, with the change since last term replayed from the
//!    history and an Ext. data column; target: under 30 ms), and the pupil
//!    page of one of them;
//! 2. a 2,000-row .xlsx of results (2,000 pupils added for it), five runs
//!    each of: **Preview** (target: under 1 s), **Import** of the same into
//!    a new assessment (target: under 1 s) and **Undo import** (target:
//!    under 1 s). Uploading the file is not timed.
//!
//! Times are round trips on loopback, so they include the session lookup
//! and the access checks. Nothing here fails on a slow time.

mod common;

use std::time::{Duration, Instant};

use app::{
    external::{
        api::{ImportResults, UndoImport},
        model::{Preview, UPLOAD_PATH},
    },
    progress::api::{OpenProgress, OpenPupil},
};
use common::{median, ms};
use leptos::server_fn::ServerFn;
use server::{app_state, demo};

const SLT: &str = "head@oakfield.example";
const ADMIN: &str = "admin@oakfield.example";
const WARM_UP: usize = 3;
const RUNS: usize = 31;
const ROWS: usize = 2_000;
const IMPORTS: usize = 5;

fn report(what: &str, samples: Vec<Duration>, target: &str) {
    println!(
        "{what}: median {:.1} ms (min {:.1}, max {:.1}) over {} runs{target}",
        ms(median(samples.clone())),
        ms(*samples.iter().min().unwrap()),
        ms(*samples.iter().max().unwrap()),
        samples.len()
    );
}

async fn timed(
    warm_up: usize,
    runs: usize,
    mut once: impl AsyncFnMut() -> anyhow::Result<()>,
) -> anyhow::Result<Vec<Duration>> {
    let mut samples = Vec::new();
    for run in 0..warm_up + runs {
        let started = Instant::now();
        once().await?;
        if run >= warm_up {
            samples.push(started.elapsed());
        }
    }
    Ok(samples)
}

/// 2,000 pupils' Phonics marks as an .xlsx: a title row, then headings.
fn results_file() -> anyhow::Result<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write(0, 0, "Phonics Screening Check, June 2026")?;
    for (column, heading) in ["UPN", "Forename", "Surname", "Mark"].iter().enumerate() {
        sheet.write(2, column as u16, *heading)?;
    }
    for n in 0..ROWS {
        let row = 3 + n as u32;
        sheet.write(row, 0, format!("B{n:012}"))?;
        sheet.write(row, 1, "Bench")?;
        sheet.write(row, 2, format!("Pupil{n}"))?;
        sheet.write(row, 3, (n % 41) as u32)?;
    }
    Ok(book.save_to_buffer()?)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let folder = tempfile::tempdir()?;
    let (config, pool, clock) = common::database(folder.path()).await?;
    demo::load(&pool, &clock, demo::SEED).await?;
    let address = common::spawn(app_state(&config, pool.clone(), clock.clone())).await?;

    // 1. Progress for the oldest whole year, and a pupil's page.
    let slt = common::signed_in(&address, SLT, demo::DEMO_PASSWORD).await?;
    let (year, pupils, subject): (i64, i64, i64) = sqlx::query_as(
        "SELECT year_group, COUNT(*), (SELECT id FROM subjects ORDER BY position LIMIT 1)
         FROM pupils WHERE active = 1 GROUP BY year_group ORDER BY year_group DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await?;
    let history: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM judgement_history h JOIN pupils p ON p.id = h.pupil_id
         WHERE p.year_group = ?",
    )
    .bind(year)
    .fetch_one(&pool)
    .await?;
    println!("Year {year}: {pupils} pupils, {history} judgement changes in their history");
    // With an Ext. data column, as an assessment lead would look.
    let assessment: i64 = sqlx::query_scalar("SELECT MIN(id) FROM assessments")
        .fetch_one(&pool)
        .await?;
    let open = format!("{address}{}", OpenProgress::PATH);
    let form = [
        ("year", year.to_string()),
        ("subject", subject.to_string()),
        ("assessment", assessment.to_string()),
    ];
    let samples = timed(WARM_UP, RUNS, async || {
        let res = slt.post(&open).form(&form).send().await?;
        anyhow::ensure!(res.status() == 200, "progress: {}", res.status());
        res.bytes().await?;
        Ok(())
    })
    .await?;
    report(
        &format!("Progress for Year {year}"),
        samples,
        " (target under 30 ms)",
    );
    let pupil: i64 = sqlx::query_scalar("SELECT id FROM pupils WHERE year_group = ? LIMIT 1")
        .bind(year)
        .fetch_one(&pool)
        .await?;
    let page = format!("{address}{}", OpenPupil::PATH);
    let form = [("pupil", pupil.to_string())];
    let samples = timed(WARM_UP, RUNS, async || {
        let res = slt.post(&page).form(&form).send().await?;
        anyhow::ensure!(res.status() == 200, "pupil page: {}", res.status());
        res.bytes().await?;
        Ok(())
    })
    .await?;
    report("a pupil's page", samples, "");

    // 2. A 2,000-row import: preview, import, undo.
    for n in 0..ROWS {
        sqlx::query(
            "INSERT INTO pupils (upn, first_name, surname, date_of_birth, year_group, created_at)
             VALUES (?, 'Bench', ?, '2019-09-01', 2, '2026-09-01T00:00:00Z')",
        )
        .bind(format!("B{n:012}"))
        .bind(format!("Pupil{n}"))
        .execute(&pool)
        .await?;
    }
    let file = results_file()?;
    println!("the file: {ROWS} rows, {} KB", file.len() / 1024);
    let admin = common::signed_in(&address, ADMIN, demo::DEMO_PASSWORD).await?;
    let (mut previews, mut imports, mut undos) = (Vec::new(), Vec::new(), Vec::new());
    let import = format!("{address}{}", ImportResults::PATH);
    for run in 0..IMPORTS {
        let upload = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(file.clone()).file_name("phonics.xlsx"),
        );
        let res = admin
            .post(format!("{address}{UPLOAD_PATH}"))
            .multipart(upload)
            .send()
            .await?;
        let kept = res.headers()["location"]
            .to_str()?
            .trim_start_matches("/ext-data?file=")
            .to_owned();
        let name = format!("Bench check {run}");
        let form = vec![
            ("file", kept.as_str()),
            ("assessment", "new"),
            ("kind", "phonics"),
            ("name", name.as_str()),
            ("taken_on", "09/06/2026"),
            ("upn_column", "0"),
            ("result_column", "3"),
        ];
        let started = Instant::now();
        let res = admin.post(&import).form(&form).send().await?;
        anyhow::ensure!(res.status() == 200, "preview: {}", res.status());
        let preview: Option<Preview> = postcard::from_bytes(&res.bytes().await?)?;
        previews.push(started.elapsed());
        let preview = preview.expect("a preview");
        anyhow::ensure!(
            preview.adds == ROWS && preview.bad_rows.is_empty(),
            "every row imports"
        );
        let mut form = form.clone();
        form.push(("step", "import"));
        form.push(("digest", &preview.digest));
        let started = Instant::now();
        let res = admin.post(&import).form(&form).send().await?;
        anyhow::ensure!(res.status().is_success(), "import: {}", res.status());
        imports.push(started.elapsed());
        let newest: i64 = sqlx::query_scalar("SELECT MAX(id) FROM result_imports")
            .fetch_one(&pool)
            .await?;
        let started = Instant::now();
        let res = admin
            .post(format!("{address}{}", UndoImport::PATH))
            .form(&[("import", newest.to_string())])
            .send()
            .await?;
        anyhow::ensure!(res.status().is_success(), "undo: {}", res.status());
        undos.push(started.elapsed());
    }
    report(
        &format!("Preview of {ROWS} rows"),
        previews,
        " (target under 1 s)",
    );
    report(
        &format!("Import of {ROWS} rows"),
        imports,
        " (target under 1 s)",
    );
    report(
        &format!("Undo import of {ROWS} rows"),
        undos,
        " (target under 1 s)",
    );
    Ok(())
}
