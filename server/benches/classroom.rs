//! `make bench`: classroom records on the server, at a lesson's size.
//!
//! Run alone with `cargo bench -p server --bench classroom`.
//!
//! The demo school is loaded (a term of behaviour, achievements, homework
//! and this year's attendance for every pupil), and the demo teacher gets a
//! set of 30 pupils. Through the real HTTP endpoints, signed in, it
//! measures medians and p90s of:
//! 1. **Award** to all 30 pupils at once (target: under 20 ms), each award
//!    one change writing 30 entries and telling every linked parent;
//! 2. a parent's child page with a term of records: the `child_details`
//!    server function, and the page itself server-rendered (target: under
//!    15 ms);
//! 3. 500 parents holding notification streams (`/notifications/live`)
//!    while the teacher awards points to their children: the time from each
//!    award's request to each stream's event (p50, p99; target: p99 under
//!    1 s), and the server's memory before and after the streams open.
//!
//! Times are round trips on loopback, so they include the session lookup and
//! the access checks. Nothing here fails on a slow time.

mod common;

use std::time::{Duration, Instant};

use app::{
    classroom::api::Award,
    ids::{GroupId, PupilId},
    notifications::model::LIVE_PATH,
    portal::api::ChildDetails,
};
use common::{median, ms, percentile};
use leptos::server_fn::ServerFn;
use server::{app_state, demo};

const TEACHER: &str = "teacher@oakfield.example";
const PARENT: &str = "parent@oakfield.example";
const WARM_UP: usize = 5;
const RUNS: usize = 51;
const PUPILS: usize = 30;
const STREAMS: usize = 500;

/// The server's resident memory, from the kernel's account of this process.
fn resident_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

async fn timed(
    runs: usize,
    mut once: impl AsyncFnMut() -> anyhow::Result<()>,
) -> anyhow::Result<Vec<Duration>> {
    let mut samples = Vec::new();
    for run in 0..WARM_UP + runs {
        let started = Instant::now();
        once().await?;
        if run >= WARM_UP {
            samples.push(started.elapsed());
        }
    }
    Ok(samples)
}

fn report(what: &str, samples: Vec<Duration>, target: &str) {
    println!(
        "{what}: median {:.1} ms, p90 {:.1} ms over {} runs{target}",
        ms(median(samples.clone())),
        ms(percentile(samples.clone(), 0.90)),
        samples.len()
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let folder = tempfile::tempdir()?;
    let (config, pool, clock) = common::database(folder.path()).await?;
    demo::load(&pool, &clock, demo::SEED).await?;
    // The teacher's set of 30 pupils, from across the school.
    let teacher_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = ?")
        .bind(TEACHER)
        .fetch_one(&pool)
        .await?;
    let set: i64 = sqlx::query_scalar(
        "INSERT INTO groups (name, kind, year_group, created_by, created_at)
         VALUES ('Bench 30', 'set', NULL, ?, '2026-09-01T00:00:00Z') RETURNING id",
    )
    .bind(teacher_id)
    .fetch_one(&pool)
    .await?;
    sqlx::query("INSERT INTO group_teachers (group_id, user_id) VALUES (?, ?)")
        .bind(set)
        .bind(teacher_id)
        .execute(&pool)
        .await?;
    let pupils: Vec<i64> = sqlx::query_scalar(
        "INSERT INTO group_pupils (group_id, pupil_id)
         SELECT ?, id FROM pupils WHERE active = 1 ORDER BY id LIMIT ? RETURNING pupil_id",
    )
    .bind(set)
    .bind(PUPILS as i64)
    .fetch_all(&pool)
    .await?;
    let behaviour: i64 =
        sqlx::query_scalar("SELECT id FROM behaviours WHERE retired_at IS NULL ORDER BY position")
            .fetch_one(&pool)
            .await?;
    let address = common::spawn(app_state(&config, pool.clone(), clock.clone())).await?;
    let teacher = common::signed_in(&address, TEACHER, demo::DEMO_PASSWORD).await?;

    // 1. Award to 30 pupils at once.
    let award = format!("{address}{}", Award::PATH);
    let mut form = vec![
        ("group".to_owned(), GroupId(set).to_string()),
        ("behaviour".to_owned(), behaviour.to_string()),
        ("note".to_owned(), "Bench".to_owned()),
    ];
    form.extend(
        pupils
            .iter()
            .map(|p| ("pupils[]".to_owned(), PupilId(*p).to_string())),
    );
    let samples = timed(RUNS, async || {
        let res = teacher.post(&award).form(&form).send().await?;
        anyhow::ensure!(res.status() == 200, "award: {}", res.status());
        Ok(())
    })
    .await?;
    report(
        &format!("award to {PUPILS} pupils"),
        samples,
        " (target under 20 ms)",
    );

    // 2. A parent's child page with a term of records.
    let parent = common::signed_in(&address, PARENT, demo::DEMO_PASSWORD).await?;
    let child: i64 = sqlx::query_scalar(
        "SELECT l.pupil_id FROM parent_links l JOIN users u ON u.id = l.parent_id
         WHERE u.email = ? ORDER BY l.pupil_id",
    )
    .bind(PARENT)
    .fetch_one(&pool)
    .await?;
    let (entries, marks, homework): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM classroom_entries WHERE pupil_id = ?1),
                (SELECT COUNT(*) FROM attendance_marks WHERE pupil_id = ?1),
                (SELECT COUNT(*) FROM homework h JOIN group_pupils gp ON gp.group_id = h.group_id
                  WHERE gp.pupil_id = ?1)",
    )
    .bind(child)
    .fetch_one(&pool)
    .await?;
    println!(
        "the child: {entries} behaviour entries and achievements, {marks} attendance marks, {homework} pieces of homework"
    );
    let details = format!("{address}{}", ChildDetails::PATH);
    let child_form = [("pupil", child.to_string())];
    let samples = timed(RUNS, async || {
        let res = parent.post(&details).form(&child_form).send().await?;
        anyhow::ensure!(res.status() == 200, "child_details: {}", res.status());
        res.bytes().await?;
        Ok(())
    })
    .await?;
    report("child_details server function", samples, "");
    let page = format!("{address}/children/{child}");
    let samples = timed(RUNS, async || {
        let res = parent.get(&page).send().await?;
        anyhow::ensure!(res.status() == 200, "child page: {}", res.status());
        res.bytes().await?;
        Ok(())
    })
    .await?;
    report(
        "child page, server-rendered",
        samples,
        " (target under 15 ms)",
    );

    // 3. 500 parents holding streams while the teacher records. Each is a
    //    parent of one of the set's pupils, signed in with their own session.
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE email = ?")
        .bind(PARENT)
        .fetch_one(&pool)
        .await?;
    for n in 0..STREAMS {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (role, first_name, surname, email, password_hash, created_at)
             VALUES ('parent', 'Bench', 'Parent', ?, ?, '2026-09-01T00:00:00Z') RETURNING id",
        )
        .bind(format!("bench.parent.{n}@example.org"))
        .bind(&hash)
        .fetch_one(&pool)
        .await?;
        sqlx::query(
            "INSERT INTO parent_links (parent_id, pupil_id, relationship, created_at)
             VALUES (?, ?, 'parent', '2026-09-01T00:00:00Z')",
        )
        .bind(id)
        .bind(pupils[n % PUPILS])
        .execute(&pool)
        .await?;
    }
    // Ten at a time: a sign-in counts as a failure from this address until
    // it succeeds, and twenty failures at once would be refused.
    let mut clients = Vec::new();
    for batch in (0..STREAMS).collect::<Vec<_>>().chunks(10) {
        let mut signing_in = Vec::new();
        for n in batch {
            let address = address.clone();
            let email = format!("bench.parent.{n}@example.org");
            signing_in.push(tokio::spawn(async move {
                common::signed_in(&address, &email, demo::DEMO_PASSWORD).await
            }));
        }
        for task in signing_in {
            clients.push(task.await??);
        }
    }
    let before = resident_kb();
    let (events, mut received) = tokio::sync::mpsc::unbounded_channel::<Instant>();
    let mut streams = Vec::new();
    for client in clients {
        let mut live = client.get(format!("{address}{LIVE_PATH}")).send().await?;
        anyhow::ensure!(live.status() == 200, "stream: {}", live.status());
        let events = events.clone();
        streams.push(tokio::spawn(async move {
            while let Ok(Some(chunk)) = live.chunk().await {
                if chunk.windows(5).any(|w| w == b"data:") {
                    let _ = events.send(Instant::now());
                }
            }
        }));
    }
    // Let the streams settle, then weigh them.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = resident_kb();
    while received.try_recv().is_ok() {}
    let mut delays = Vec::new();
    const AWARDS: usize = 10;
    for _ in 0..AWARDS {
        let sent = Instant::now();
        let res = teacher.post(&award).form(&form).send().await?;
        anyhow::ensure!(res.status() == 200, "award: {}", res.status());
        // Every stream hears of it once.
        for _ in 0..STREAMS {
            let heard = tokio::time::timeout(Duration::from_secs(10), received.recv())
                .await?
                .ok_or_else(|| anyhow::anyhow!("the streams closed"))?;
            delays.push(heard.duration_since(sent));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    println!(
        "{STREAMS} parents' streams, {AWARDS} awards to their {PUPILS} children: delivery p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms (target p99 under 1 s); server memory {} MB before the streams, {} MB with them ({:.1} KB a stream)",
        ms(percentile(delays.clone(), 0.50)),
        ms(percentile(delays.clone(), 0.99)),
        ms(delays.iter().max().copied().unwrap_or_default()),
        before / 1024,
        after / 1024,
        after.saturating_sub(before) as f64 / STREAMS as f64
    );
    for stream in streams {
        stream.abort();
    }
    Ok(())
}
