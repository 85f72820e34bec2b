//! `make bench`: a parent reading a child's report, on the server.
//!
//! Run alone with `cargo bench -p server --bench reports`.
//!
//! The demo school is loaded (its last term's reports, "Summer" or "Autumn",
//! are published) and the demo parent signs in. Through the real HTTP
//! endpoints it measures the report page,
//! `/children/:pupil/reports/:report`, server-rendered whole before it is
//! sent (`SsrMode::Async`):
//! 1. one request at a time: median and p90 over 200 requests after a
//!    warm-up, and the page's size, plain and as sent compressed;
//! 2. 50 clients at once, each signed in with its own session and asking
//!    again as soon as answered, for 10 seconds: requests a second, and the
//!    median and p90 latency.
//!
//! Times are round trips on loopback, so they include the session lookup and
//! the check that the parent may see the child. Nothing here fails on a slow
//! time (the machine may be busy); any answer but 200 fails the run.

mod common;

use std::time::{Duration, Instant};

use common::{compressed_size, median, ms, percentile};

use server::{app_state, demo};

const PARENT: &str = "parent@oakfield.example";
const WARM_UP: usize = 20;
const RUNS: usize = 200;
const CLIENTS: usize = 50;
const FOR: Duration = Duration::from_secs(10);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let folder = tempfile::tempdir()?;
    let (config, pool, clock) = common::database(folder.path()).await?;
    demo::load(&pool, &clock, demo::SEED).await?;
    // The demo parent's first child's published report.
    let (pupil, report, session): (i64, i64, String) = sqlx::query_as(
        "SELECT r.pupil_id, r.id, s.name
         FROM reports r
         JOIN report_sessions s ON s.id = r.session_id
         JOIN parent_links l ON l.pupil_id = r.pupil_id
         JOIN users u ON u.id = l.parent_id
         WHERE u.email = ? AND r.status = 'published'
         ORDER BY r.pupil_id, r.id LIMIT 1",
    )
    .bind(PARENT)
    .fetch_one(&pool)
    .await?;
    let address = common::spawn(app_state(&config, pool, clock.clone())).await?;
    let page = format!("{address}/children/{pupil}/reports/{report}");
    println!("the demo parent's \"{session}\" report, {page}");

    // 1. One request at a time.
    let parent = common::signed_in(&address, PARENT, demo::DEMO_PASSWORD).await?;
    let mut samples = Vec::new();
    let mut size = 0;
    for run in 0..WARM_UP + RUNS {
        let started = Instant::now();
        let res = parent.get(&page).send().await?;
        let status = res.status();
        let body = res.bytes().await?;
        let took = started.elapsed();
        anyhow::ensure!(status == 200, "{page}: {status}");
        if run == 0 {
            // The report itself, not an error panel in a 200 page.
            let html = String::from_utf8_lossy(&body);
            anyhow::ensure!(
                html.contains(&session),
                "{page}: the page doesn't name \"{session}\""
            );
        }
        if run >= WARM_UP {
            samples.push(took);
        }
        size = body.len();
    }
    println!(
        "report page, one request at a time: median {:.2} ms, p90 {:.2} ms over {RUNS} runs, {size} bytes",
        ms(median(samples.clone())),
        ms(percentile(samples, 0.90))
    );
    println!(
        "report page compressed: {}",
        compressed_size(&parent, &page).await?
    );

    // 2. Many parents at once, each asking again as soon as answered.
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        clients.push(common::signed_in(&address, PARENT, demo::DEMO_PASSWORD).await?);
    }
    let started = Instant::now();
    let until = started + FOR;
    let mut tasks = Vec::new();
    for client in clients {
        let page = page.clone();
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            while Instant::now() < until {
                let began = Instant::now();
                let res = client.get(&page).send().await?;
                let status = res.status();
                res.bytes().await?;
                samples.push(began.elapsed());
                anyhow::ensure!(status == 200, "{page}: {status}");
            }
            Ok::<_, anyhow::Error>(samples)
        }));
    }
    let mut samples = Vec::new();
    for task in tasks {
        samples.extend(task.await??);
    }
    let wall = started.elapsed();
    println!(
        "report page, {CLIENTS} clients at once for {:.1} s: {:.0} requests a second, latency median {:.1} ms, p90 {:.1} ms over {} requests",
        wall.as_secs_f64(),
        samples.len() as f64 / wall.as_secs_f64(),
        ms(median(samples.clone())),
        ms(percentile(samples.clone(), 0.90)),
        samples.len()
    );
    Ok(())
}
