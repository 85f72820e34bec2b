//! `make bench`: the markbook at the size of a big set, on the server.
//!
//! Run alone with `cargo bench -p server --bench markbook`.
//!
//! The demo school is loaded, then `scripts/bench-seed.sql` (which the
//! browser benchmark, `scripts/bench-browser.sh`, seeds too) adds the demo
//! teacher's set "Bench 6": 35 pupils against the subject "Bench" of 150
//! criteria, every one of the 5,250 cells judged. Through the real HTTP
//! endpoints, signed in as the teacher, it measures:
//! 1. the grid page, server-rendered in full (`/markbook?group=G&subject=S&year=all`):
//!    median and p90, and its size (target: under 20 ms);
//! 2. the `open_grid` server function alone, for comparison;
//! 3. saving: 20 clients at once, each signed in with its own session, each
//!    saving single-cell changes to its own pupil's row; p50 and p99 over
//!    every save (target: p99 under 20 ms), and the throughput. Twice: at a
//!    fast typist's pace (a save every 100 ms from each, 200 a second in
//!    all), and flat out (each saves again the moment it is answered), which
//!    measures how many saves a second SQLite's single writer takes rather
//!    than a save's time: there, every save waits behind the other 19.
//!
//! Times are round trips on loopback, so they include the session lookup and
//! the access checks. Nothing here fails on a slow time (the machine may be
//! busy); any answer but 200 fails the run.

mod common;

use std::time::{Duration, Instant};

use common::{compressed_size, median, ms, percentile};

use app::{
    ids::{GroupId, LevelId, SubjectId},
    markbook::{
        api::{OpenGrid, SaveJudgements},
        model::Grid,
    },
};
use leptos::server_fn::ServerFn;
use server::{app_state, demo};

const SEED_SQL: &str = include_str!("../../scripts/bench-seed.sql");
const TEACHER: &str = "teacher@oakfield.example";
const WARM_UP: usize = 5;
const RUNS: usize = 51;
const CLIENTS: usize = 20;
const SAVES: usize = 50;
/// A fast typist: a judgement every tenth of a second, from each of the 20.
const PACE: Duration = Duration::from_millis(100);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let folder = tempfile::tempdir()?;
    let (config, pool, clock) = common::database(folder.path()).await?;
    demo::load(&pool, &clock, demo::SEED).await?;
    {
        let mut conn = pool.acquire().await?;
        sqlx::raw_sql(SEED_SQL).execute(&mut *conn).await?;
    }
    let group = GroupId(
        sqlx::query_scalar("SELECT id FROM groups WHERE name = 'Bench 6'")
            .fetch_one(&pool)
            .await?,
    );
    let subject = SubjectId(
        sqlx::query_scalar("SELECT id FROM subjects WHERE name = 'Bench'")
            .fetch_one(&pool)
            .await?,
    );
    let cells: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM judgements j JOIN criteria c ON c.id = j.criterion_id
         WHERE c.subject_id = ?",
    )
    .bind(subject.0)
    .fetch_one(&pool)
    .await?;
    println!(
        "seeded \"Bench 6\" (group {group}) in \"Bench\" (subject {subject}): {cells} judgements"
    );

    let address = common::spawn(app_state(&config, pool, clock.clone())).await?;

    // 1. The grid page, server-rendered.
    let teacher = common::signed_in(&address, TEACHER, demo::DEMO_PASSWORD).await?;
    let page = format!("{address}/markbook?group={group}&subject={subject}&year=all");
    let mut samples = Vec::new();
    // Both ends of the size are shown, should it ever vary between runs.
    let (mut smallest, mut largest) = (usize::MAX, 0);
    // MARKBOOK_PAGE_RUNS=500 makes this part long enough to profile.
    let page_runs = std::env::var("MARKBOOK_PAGE_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(RUNS);
    for run in 0..WARM_UP + page_runs {
        let started = Instant::now();
        let res = teacher.get(&page).send().await?;
        let status = res.status();
        let body = res.bytes().await?;
        let took = started.elapsed();
        anyhow::ensure!(status == 200, "{page}: {status}");
        if run >= WARM_UP {
            samples.push(took);
        }
        smallest = smallest.min(body.len());
        largest = largest.max(body.len());
    }
    let size = if smallest == largest {
        format!("{largest} bytes")
    } else {
        format!("{smallest} to {largest} bytes")
    };
    let (page_median, page_p90) = (median(samples.clone()), percentile(samples, 0.90));
    println!(
        "grid page: median {:.1} ms, p90 {:.1} ms over {page_runs} runs, {size} (target under 20 ms)",
        ms(page_median),
        ms(page_p90)
    );
    println!(
        "grid page compressed: {}",
        compressed_size(&teacher, &page).await?
    );

    // 2. The grid's server function alone.
    let open = format!("{address}{}", OpenGrid::PATH);
    let form = [
        ("group", group.to_string()),
        ("subject", subject.to_string()),
        ("year", "all".to_owned()),
    ];
    let mut samples = Vec::new();
    let mut grid = None;
    for run in 0..WARM_UP + RUNS {
        let started = Instant::now();
        let res = teacher.post(&open).form(&form).send().await?;
        let status = res.status();
        let body = res.bytes().await?;
        let took = started.elapsed();
        anyhow::ensure!(status == 200, "{open}: {status}");
        if run >= WARM_UP {
            samples.push(took);
        }
        if grid.is_none() {
            let read: Option<Grid> = postcard::from_bytes(&body)?;
            grid = Some((
                read.ok_or_else(|| anyhow::anyhow!("no grid to open"))?,
                body.len(),
            ));
        }
    }
    let (grid, grid_bytes) = grid.expect("at least one run");
    anyhow::ensure!(
        grid.pupils.len() == 35 && grid.criteria.len() == 150,
        "the bench grid is {} by {}",
        grid.pupils.len(),
        grid.criteria.len()
    );
    println!(
        "open_grid server function: median {:.1} ms, p90 {:.1} ms over {RUNS} runs, {grid_bytes} bytes of JSON",
        ms(median(samples.clone())),
        ms(percentile(samples, 0.90))
    );

    // 3. Saving, 20 clients at once: first at a teacher's pace, then flat out.
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        clients.push(common::signed_in(&address, TEACHER, demo::DEMO_PASSWORD).await?);
    }
    let save = format!("{address}{}", SaveJudgements::PATH);
    for (pass, pace) in [Some(PACE), None].into_iter().enumerate() {
        let started = Instant::now();
        let mut tasks = Vec::new();
        for (row, client) in clients.iter().cloned().enumerate() {
            // Each pass on columns the last didn't touch, so every save
            // still changes its cell.
            let start = pass * (WARM_UP + SAVES) + row * 7;
            tasks.push(tokio::spawn(save_row(
                client,
                save.clone(),
                grid.clone(),
                (row, start),
                pace,
            )));
        }
        let mut samples = Vec::new();
        for task in tasks {
            samples.extend(task.await??);
        }
        let wall = started.elapsed();
        let how = match pace {
            Some(pace) => format!("each saving every {} ms", pace.as_millis()),
            None => "each saving again as soon as answered".to_owned(),
        };
        println!(
            "save round trip, {CLIENTS} clients at once, {how}: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms over {} saves, {:.0} saves a second",
            ms(percentile(samples.clone(), 0.50)),
            ms(percentile(samples.clone(), 0.99)),
            ms(samples.iter().max().copied().unwrap_or_default()),
            samples.len(),
            (CLIENTS * (WARM_UP + SAVES)) as f64 / wall.as_secs_f64(),
        );
    }
    Ok(())
}

/// One client saving single-cell changes along its own pupil's row from
/// column `start` (so no two clients ever save the same cell), each change
/// the next level on the scale so every save changes the cell. With a pace, it saves on that beat
/// (a save still running when the next is due delays it); without, as soon
/// as the last answers.
async fn save_row(
    client: reqwest::Client,
    save: String,
    grid: Grid,
    (row, start): (usize, usize),
    pace: Option<Duration>,
) -> anyhow::Result<Vec<Duration>> {
    let scale: Vec<LevelId> = grid.scale.iter().map(|l| l.id).collect();
    let pupil = grid.pupils[row].id;
    let columns = grid.criteria.len();
    let mut levels: Vec<Option<LevelId>> = grid.cells[row * columns..(row + 1) * columns].to_vec();
    // Twenty teachers don't press keys in step: the beats are spread evenly.
    let mut beat = pace.map(|pace| {
        let first = tokio::time::Instant::now() + pace * row as u32 / CLIENTS as u32;
        let mut beat = tokio::time::interval_at(first, pace);
        beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        beat
    });
    let mut samples = Vec::new();
    for n in 0..WARM_UP + SAVES {
        if let Some(beat) = beat.as_mut() {
            beat.tick().await;
        }
        let column = (start + n) % columns;
        let next = match levels[column] {
            Some(now) => {
                let at = scale.iter().position(|l| *l == now).unwrap_or(0);
                scale[(at + 1) % scale.len()]
            }
            None => scale[0],
        };
        let body = serde_json::json!({
            "group": grid.shown.group,
            "changes": [{"pupil": pupil, "criterion": grid.criteria[column].id, "level": next}],
        });
        let began = Instant::now();
        let res = client.post(&save).json(&body).send().await?;
        let status = res.status();
        let answer = res.bytes().await?;
        let took = began.elapsed();
        anyhow::ensure!(
            status == 200,
            "saving: {status} {}",
            String::from_utf8_lossy(&answer)
        );
        levels[column] = Some(next);
        if n >= WARM_UP {
            samples.push(took);
        }
    }
    Ok(samples)
}
