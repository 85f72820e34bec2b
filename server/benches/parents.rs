//! `make bench`: the Parents area at the size of a large school.
//!
//! The demo school is loaded and then enlarged to 2,000 pupils and 4,000
//! parents (each extra parent linked to one or two pupils). Through the real
//! HTTP endpoints, signed in as the admin, it times as medians over repeated
//! runs:
//! 1. a pupil search on the parent form (target: under 10 ms);
//! 2. the Parents list: its first page, a page deep in the list, and a
//!    search, through the server function;
//! 3. the whole server-rendered Parents page, with its size in bytes.
//!
//! Times are round trips on loopback, so they include the session lookup
//! and the admin check: an upper bound on the server's own time.

mod common;

use std::time::Instant;

use common::{median, ms};

use app::{parents::api::ListParents, school::api::FindPupils};
use leptos::server_fn::ServerFn;
use server::{app_state, demo};

const RUNS: usize = 51;
const PUPILS: i64 = 2_000;
const PARENTS: i64 = 4_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let folder = tempfile::tempdir()?;
    let (config, pool, clock) = common::database(folder.path()).await?;
    demo::load(&pool, &clock, demo::SEED).await?;
    enlarge(&pool, &clock.stamp()).await?;
    let pupils: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pupils")
        .fetch_one(&pool)
        .await?;
    let parents: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'parent'")
        .fetch_one(&pool)
        .await?;
    println!("school enlarged to {pupils} pupils and {parents} parents");

    let address = common::spawn(app_state(&config, pool, clock.clone())).await?;
    let client = common::signed_in(&address, "admin@oakfield.example", demo::DEMO_PASSWORD).await?;

    let time = |path: String, form: Vec<(&'static str, String)>| {
        let client = client.clone();
        async move {
            let mut samples = Vec::new();
            let mut size = 0;
            for _ in 0..RUNS {
                let started = Instant::now();
                let res = if form.is_empty() {
                    client.get(&path).send().await?
                } else {
                    client.post(&path).form(&form).send().await?
                };
                let status = res.status();
                let body = res.bytes().await?;
                samples.push(started.elapsed());
                anyhow::ensure!(status == 200, "{path}: {status}");
                size = body.len();
            }
            Ok::<_, anyhow::Error>((median(samples), size))
        }
    };
    let search = format!("{address}{}", FindPupils::PATH);
    for typed in ["smi", "Ol", "Patel"] {
        let (took, _) = time(search.clone(), vec![("search", typed.to_owned())]).await?;
        println!(
            "pupil search \"{typed}\": median {:.2} ms over {RUNS} runs (target under 10 ms)",
            ms(took)
        );
    }
    let list = format!("{address}{}", ListParents::PATH);
    let cases = [
        ("first page", "", "0"),
        ("page 100 of 160", "", "99"),
        ("search \"smith\"", "smith", "0"),
        ("active only", "", "0"),
    ];
    for (what, search, page) in cases {
        let status = if what == "active only" { "active" } else { "" };
        let form = vec![
            ("search", search.to_owned()),
            ("status", status.to_owned()),
            ("page", page.to_owned()),
        ];
        let (took, _) = time(list.clone(), form).await?;
        println!(
            "Parents list, {what}: median {:.2} ms over {RUNS} runs",
            ms(took)
        );
    }
    let (took, size) = time(format!("{address}/parents"), Vec::new()).await?;
    println!(
        "Parents page, server-rendered: median {:.2} ms over {RUNS} runs, {size} bytes",
        ms(took)
    );
    // For comparison: the admin's home page, the same shell with less in it.
    let (took, size) = time(format!("{address}/"), Vec::new()).await?;
    println!(
        "home page, server-rendered, for comparison: median {:.2} ms over {RUNS} runs, {size} bytes",
        ms(took)
    );
    Ok(())
}

/// Adds pupils and parents until the school has `PUPILS` and `PARENTS`,
/// with names drawn from the demo's own, in one transaction.
async fn enlarge(pool: &sqlx::SqlitePool, at: &str) -> anyhow::Result<()> {
    let mut tx = pool.begin().await?;
    let pupils: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pupils")
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1),
              names AS (SELECT first_name, surname, date_of_birth, year_group,
                               ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM pupils),
              size AS (SELECT COUNT(*) AS c FROM pupils)
         INSERT INTO pupils (upn, first_name, surname, date_of_birth, year_group, created_at)
         SELECT printf('B%012d', i), f.first_name, s.surname, f.date_of_birth, f.year_group, ?2
         FROM n, size
         JOIN names f ON f.k = (i * 7) % size.c
         JOIN names s ON s.k = (i * 13) % size.c",
    )
    .bind(PUPILS - pupils)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    let parents: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'parent'")
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1),
              names AS (SELECT first_name, surname,
                               ROW_NUMBER() OVER (ORDER BY id) - 1 AS k
                        FROM users WHERE role = 'parent'),
              size AS (SELECT COUNT(*) AS c FROM names)
         INSERT INTO users (role, first_name, surname, email, created_at)
         SELECT 'parent', f.first_name, s.surname, printf('bench.parent.%d@mail.example', i), ?2
         FROM n, size
         JOIN names f ON f.k = (i * 11) % size.c
         JOIN names s ON s.k = (i * 17) % size.c",
    )
    .bind(PARENTS - parents)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    // Each new parent gets one child, and every third a second one.
    sqlx::query(
        "WITH numbered AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM pupils)
         INSERT INTO parent_links (parent_id, pupil_id, relationship, created_at)
         SELECT u.id, p.id, 'mother', ?2
         FROM users u JOIN numbered p ON p.k = (u.id * 7) % ?1
         WHERE u.email LIKE 'bench.parent.%'",
    )
    .bind(PUPILS)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "WITH numbered AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM pupils)
         INSERT OR IGNORE INTO parent_links (parent_id, pupil_id, relationship, created_at)
         SELECT u.id, p.id, 'father', ?2
         FROM users u JOIN numbered p ON p.k = (u.id * 13 + 1) % ?1
         WHERE u.email LIKE 'bench.parent.%' AND u.id % 3 = 0",
    )
    .bind(PUPILS)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
