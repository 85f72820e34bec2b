//! `make bench`: a school under load, through the real HTTP endpoints.
//!
//! Run alone with `cargo bench -p server --bench load` (LOAD_SECONDS=60 by
//! default; LOAD_TEACHERS=200 and LOAD_PARENTS=500).
//!
//! The demo school is loaded and every parent with an email address given
//! the demo password. Then, all at once, for a minute:
//! - 200 teachers, each with their own session (spread over the demo's
//!   teachers, each in their own class): each opens the markbook page of
//!   their class (again every 30 s), types judgements at a fast typist's
//!   pace (a key every 100 ms; as in the grid, one save is on its way at a
//!   time and keys typed meanwhile go in the next), and writes a comment in
//!   the report writer that autosaves every 5 s, each on a report of their
//!   own so no two overwrite each other;
//! - 500 parents, each with their own session: open their child's page, then
//!   the child's published report, and do it again 2 s later.
//!
//! It prints, per kind of request, how many, p50, p99 and the slowest, the
//! errors (any answer but 200: the run fails if there is one) and the
//! throughput. Targets: p99 under 50 ms for saves and page loads. The load
//! and the server share this machine's two cores, as the other benches do.

mod common;

use std::{
    collections::BTreeMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use app::{
    ids::{GroupId, LevelId},
    markbook::{
        api::{OpenGrid, SaveJudgements},
        model::Grid,
    },
    reports::api::SaveComment,
};
use common::{ms, percentile};
use leptos::server_fn::ServerFn;
use server::{app_state, demo};

const PARENT: &str = "parent@oakfield.example";
/// A fast typist: a key every tenth of a second.
const KEY_EVERY: Duration = Duration::from_millis(100);
const COMMENT_EVERY: Duration = Duration::from_secs(5);
const GRID_EVERY: Duration = Duration::from_secs(30);
const PARENT_EVERY: Duration = Duration::from_secs(2);

/// Every answer's time, by kind, and the errors.
#[derive(Default)]
struct Tally {
    times: BTreeMap<&'static str, Vec<Duration>>,
    errors: Vec<String>,
}

type Shared = Arc<Mutex<Tally>>;

fn note(tally: &Shared, kind: &'static str, took: Duration, status: reqwest::StatusCode) {
    let mut tally = tally.lock().unwrap();
    tally.times.entry(kind).or_default().push(took);
    if status != 200 {
        tally.errors.push(format!("{kind}: {status}"));
    }
}

async fn timed(
    tally: &Shared,
    kind: &'static str,
    request: reqwest::RequestBuilder,
) -> Option<Vec<u8>> {
    let began = Instant::now();
    match request.send().await {
        Ok(res) => {
            let status = res.status();
            let body = res.bytes().await.ok().map(|b| b.to_vec());
            note(tally, kind, began.elapsed(), status);
            body.filter(|_| status == 200)
        }
        Err(e) => {
            tally.lock().unwrap().errors.push(format!("{kind}: {e}"));
            None
        }
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let seconds = env_number("LOAD_SECONDS", 60);
    let teachers = env_number("LOAD_TEACHERS", 200) as usize;
    let parents = env_number("LOAD_PARENTS", 500) as usize;
    let folder = tempfile::tempdir()?;
    let (config, pool, clock) = common::database(folder.path()).await?;
    demo::load(&pool, &clock, demo::SEED).await?;
    sqlx::query(
        "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE email = ?)
         WHERE role = 'parent' AND email IS NOT NULL",
    )
    .bind(PARENT)
    .execute(&pool)
    .await?;

    // Who does what: each teacher's class, with its reports still being
    // written, and each parent's children with a published report.
    let classes: Vec<(String, i64)> = sqlx::query_as(
        "SELECT u.email, g.id FROM users u JOIN group_teachers gt ON gt.user_id = u.id
         JOIN groups g ON g.id = gt.group_id
         WHERE u.role = 'teacher' AND u.active = 1 AND g.kind = 'class' ORDER BY g.id",
    )
    .fetch_all(&pool)
    .await?;
    anyhow::ensure!(!classes.is_empty(), "the demo has teachers with classes");
    let mut open_reports: BTreeMap<i64, Vec<(i64, i64)>> = BTreeMap::new();
    for (group, report, version) in sqlx::query_as::<_, (i64, i64, i64)>(
        "SELECT gp.group_id, r.id, r.version FROM reports r
         JOIN report_sessions s ON s.id = r.session_id AND s.published_at IS NULL
         JOIN group_pupils gp ON gp.pupil_id = r.pupil_id
         JOIN groups g ON g.id = gp.group_id AND g.kind = 'class'
         WHERE r.status IN ('writing', 'returned') ORDER BY r.id",
    )
    .fetch_all(&pool)
    .await?
    {
        open_reports
            .entry(group)
            .or_default()
            .push((report, version));
    }
    let readers: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT u.email, r.pupil_id, r.id FROM users u
         JOIN parent_links l ON l.parent_id = u.id
         JOIN reports r ON r.pupil_id = l.pupil_id AND r.status = 'published'
         WHERE u.role = 'parent' AND u.active = 1 AND u.email IS NOT NULL
         GROUP BY u.id ORDER BY u.id",
    )
    .fetch_all(&pool)
    .await?;
    anyhow::ensure!(!readers.is_empty(), "the demo has published reports");

    let address = common::spawn(app_state(&config, pool, clock.clone())).await?;
    let started = Instant::now();
    let mut teacher_clients = Vec::new();
    for i in 0..teachers {
        let (email, group) = &classes[i % classes.len()];
        let client = common::signed_in(&address, email, demo::DEMO_PASSWORD).await?;
        // The i-th teacher in this class writes the class's i-th open report.
        let nth = i / classes.len();
        let report = open_reports
            .get(group)
            .and_then(|reports| reports.get(nth))
            .copied();
        teacher_clients.push((client, GroupId(*group), report, i));
    }
    let mut parent_clients = Vec::new();
    for i in 0..parents {
        let (email, pupil, report) = &readers[i % readers.len()];
        let client = common::signed_in(&address, email, demo::DEMO_PASSWORD).await?;
        parent_clients.push((client, *pupil, *report, i));
    }
    println!(
        "signed in {teachers} teachers over {} classes and {parents} parents over {} accounts in {:.0} s",
        classes.len(),
        readers.len().min(parents),
        started.elapsed().as_secs_f64()
    );

    let tally: Shared = Arc::default();
    let until = tokio::time::Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for (client, group, report, i) in teacher_clients {
        let (tally, address) = (tally.clone(), address.clone());
        let offset = KEY_EVERY * (i as u32 % 100) / 100;
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(offset).await;
            teacher(client, address, group, report, i, until, tally).await
        }));
    }
    for (client, pupil, report, i) in parent_clients {
        let (tally, address) = (tally.clone(), address.clone());
        let offset = PARENT_EVERY * (i as u32 % 100) / 100;
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(offset).await;
            parent(client, address, pupil, report, until, tally).await
        }));
    }
    let began = Instant::now();
    for task in tasks {
        task.await?;
    }
    let wall = began.elapsed().as_secs_f64();

    let tally = tally.lock().unwrap();
    let total: usize = tally.times.values().map(Vec::len).sum();
    println!(
        "load: {teachers} teachers and {parents} parents for {seconds} s: {total} requests, {:.0} a second, {} errors",
        total as f64 / wall,
        tally.errors.len()
    );
    for (kind, times) in &tally.times {
        println!(
            "  {kind}: {} ({:.0} a second), p50 {:.1} ms, p99 {:.1} ms, slowest {:.1} ms",
            times.len(),
            times.len() as f64 / wall,
            ms(percentile(times.clone(), 0.50)),
            ms(percentile(times.clone(), 0.99)),
            ms(times.iter().max().copied().unwrap_or_default()),
        );
    }
    if let Some(first) = tally.errors.first() {
        anyhow::bail!("{} errors, the first: {first}", tally.errors.len());
    }
    Ok(())
}

/// One teacher: the markbook page, keys on the beat with one save on its
/// way at a time, and a comment autosaving.
async fn teacher(
    client: reqwest::Client,
    address: String,
    group: GroupId,
    report: Option<(i64, i64)>,
    i: usize,
    until: tokio::time::Instant,
    tally: Shared,
) {
    let page = format!("{address}/markbook?group={group}");
    timed(&tally, "teacher: markbook page", client.get(&page)).await;
    let form = [("group", group.to_string())];
    let Some(body) = timed(
        &tally,
        "teacher: open_grid",
        client
            .post(format!("{address}{}", OpenGrid::PATH))
            .form(&form),
    )
    .await
    else {
        return;
    };
    let Ok(Some(grid)) = postcard::from_bytes::<Option<Grid>>(&body) else {
        tally.lock().unwrap().errors.push("no grid".into());
        return;
    };
    let scale: Vec<LevelId> = grid.scale.iter().map(|l| l.id).collect();
    let row = i % grid.pupils.len();
    let pupil = grid.pupils[row].id;
    let columns = grid.criteria.len();
    let save = format!("{address}{}", SaveJudgements::PATH);
    let comment = format!("{address}{}", SaveComment::PATH);
    let mut version = report.map(|(_, version)| version);
    let mut sent = 0usize;
    let mut next_comment = tokio::time::Instant::now() + COMMENT_EVERY;
    let mut next_page = tokio::time::Instant::now() + GRID_EVERY;
    let typing = tokio::time::Instant::now();
    let mut beat = tokio::time::interval(KEY_EVERY);
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    while tokio::time::Instant::now() < until {
        beat.tick().await;
        // Every key due by now, however long the last save took.
        let keys = (typing.elapsed().as_millis() / KEY_EVERY.as_millis()) as usize + 1;
        // Keys typed while the last save was on its way go together.
        let changes: Vec<_> = (sent..keys)
            .map(|n| {
                let column = (i * 7 + n) % columns;
                serde_json::json!({
                    "pupil": pupil,
                    "criterion": grid.criteria[column].id,
                    "level": scale[n % scale.len()],
                })
            })
            .collect();
        sent = keys;
        let body = serde_json::json!({ "group": group, "changes": changes });
        timed(
            &tally,
            "teacher: save judgements",
            client.post(&save).json(&body),
        )
        .await;
        let now = tokio::time::Instant::now();
        if let (Some((report, _)), Some(at), true) = (report, version, now >= next_comment) {
            next_comment = now + COMMENT_EVERY;
            let text = format!("Works hard and listens well; typed at {keys} keys.");
            let form = [
                ("report", report.to_string()),
                ("comment", text),
                ("version", at.to_string()),
            ];
            if let Some(body) = timed(
                &tally,
                "teacher: save comment",
                client.post(&comment).form(&form),
            )
            .await
            {
                version = postcard::from_bytes::<app::reports::model::CommentSaved>(&body)
                    .ok()
                    .map(|saved| saved.version);
            }
        }
        if now >= next_page {
            next_page = now + GRID_EVERY;
            timed(&tally, "teacher: markbook page", client.get(&page)).await;
        }
    }
}

/// One parent: their child's page, then the report, every 2 s.
async fn parent(
    client: reqwest::Client,
    address: String,
    pupil: i64,
    report: i64,
    until: tokio::time::Instant,
    tally: Shared,
) {
    let child = format!("{address}/children/{pupil}");
    let read = format!("{address}/children/{pupil}/reports/{report}");
    let mut beat = tokio::time::interval(PARENT_EVERY);
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while tokio::time::Instant::now() < until {
        beat.tick().await;
        timed(&tally, "parent: child page", client.get(&child)).await;
        timed(&tally, "parent: report page", client.get(&read)).await;
    }
}
