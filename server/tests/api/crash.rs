//! The real `markwell` binary killed with SIGKILL while a teacher pastes
//! blocks into the markbook and SLT publish reports: after a restart every
//! block is wholly there or wholly not, the publish is whole, no parent's
//! email is lost, and SQLite's integrity check is ok. Then SIGTERM stops it
//! cleanly.

use std::{
    collections::BTreeMap,
    path::Path,
    process::{Child, Command, Stdio},
    time::Duration,
};

use app::{
    auth::api::SignIn,
    ids::{CriterionId, GroupId, LevelId, PupilId},
    markbook::{
        api::{OpenGrid, SaveJudgements},
        model::Grid,
    },
    reports::api::PublishReports,
};
use leptos::server_fn::ServerFn;
use reqwest::{Client, StatusCode};
use serde_json::json;
use sqlx::{sqlite::SqliteConnectOptions, ConnectOptions, Connection, SqliteConnection};

use crate::helpers::*;

const MARKWELL: &str = env!("CARGO_BIN_EXE_markwell");

/// `markwell` with this test's database, port and mail server.
fn markwell(folder: &Path, port: u16, smtp: u16) -> Command {
    let mut command = Command::new(MARKWELL);
    command
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", folder.join("markwell.db").display()),
        )
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", folder.join("site"))
        .env("SMTP_URL", format!("smtp://127.0.0.1:{smtp}"))
        .env("MARKWELL_OUTBOX", folder.join("outbox"))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    command
}

async fn serve(folder: &Path, port: u16, smtp: u16) -> Child {
    let mut child = markwell(folder, port, smtp)
        .arg("serve")
        .stdout(Stdio::piped())
        .spawn()
        .expect("markwell serve");
    let health = format!("http://127.0.0.1:{port}/health");
    for _ in 0..300 {
        if let Ok(res) = reqwest::get(&health).await {
            if res.status() == StatusCode::OK {
                return child;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("markwell serve did not answer /health");
}

async fn post<F: ServerFn>(
    client: &Client,
    base: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(format!("{base}{}", F::PATH))
        .form(form)
        .send()
        .await
        .expect("a response")
}

async fn signed_in(base: &str, email: &str) -> Client {
    let who = client();
    let res = post::<SignIn>(&who, base, &[("email", email), ("password", PASSWORD)]).await;
    assert!(res.status().is_success(), "signing in as {email}");
    who
}

async fn save(
    who: &Client,
    base: &str,
    group: GroupId,
    cells: &[(PupilId, CriterionId)],
    level: Option<LevelId>,
) -> Result<StatusCode, reqwest::Error> {
    let changes: Vec<_> = cells
        .iter()
        .map(|(pupil, criterion)| json!({"pupil": pupil, "criterion": criterion, "level": level}))
        .collect();
    who.post(format!("{base}{}", SaveJudgements::PATH))
        .json(&json!({ "group": group, "changes": changes }))
        .send()
        .await
        .map(|res| res.status())
}

async fn open(folder: &Path) -> SqliteConnection {
    SqliteConnectOptions::new()
        .filename(folder.join("markwell.db"))
        .connect()
        .await
        .expect("the database")
}

#[tokio::test]
async fn a_crash_mid_paste_and_mid_publish_loses_nothing_committed_and_applies_nothing_partial() {
    let folder = tempfile::tempdir().unwrap();
    let folder = folder.path();
    let mailbox = Mailbox::start();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let loaded = markwell(folder, port, mailbox.port)
        .arg("demo")
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(loaded.success());
    let mut server = serve(folder, port, mailbox.port).await;

    // The teacher's class, opened as the grid opens it.
    let mut db = open(folder).await;
    let group: i64 = sqlx::query_scalar(
        "SELECT g.id FROM groups g JOIN group_teachers gt ON gt.group_id = g.id
         JOIN users u ON u.id = gt.user_id WHERE u.email = ? AND g.kind = 'class'",
    )
    .bind(TEACHER)
    .fetch_one(&mut db)
    .await
    .unwrap();
    let group = GroupId(group);
    let teacher = signed_in(&base, TEACHER).await;
    let grid: Option<Grid> = post::<OpenGrid>(&teacher, &base, &[("group", &group.to_string())])
        .await
        .answer()
        .await
        .unwrap();
    let grid = grid.expect("the teacher's grid");
    let level = grid.scale.last().expect("a scale").id;
    let pupils: Vec<PupilId> = grid.pupils.iter().map(|p| p.id).collect();
    // Each pasted block is one criterion's column: the blocks don't overlap,
    // and each starts empty, so a part of one would show.
    let blocks: Vec<Vec<(PupilId, CriterionId)>> = grid
        .criteria
        .iter()
        .take(16)
        .map(|c| pupils.iter().map(|p| (*p, c.id)).collect())
        .collect();
    assert!(blocks.len() >= 4, "enough criteria to paste into");
    let everything: Vec<_> = blocks.iter().flatten().copied().collect();
    assert_eq!(
        save(&teacher, &base, group, &everything, None)
            .await
            .unwrap(),
        StatusCode::OK
    );

    // The reports SLT publish, and who should hear of them.
    let session: i64 =
        sqlx::query_scalar("SELECT id FROM report_sessions WHERE published_at IS NULL")
            .fetch_one(&mut db)
            .await
            .unwrap();
    let approved: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM reports WHERE session_id = ? AND status = 'approved'",
    )
    .bind(session)
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert!(approved > 0);
    let to_hear: Vec<(String, i64)> = sqlx::query_as(
        "SELECT u.email, r.id FROM reports r JOIN parent_links l ON l.pupil_id = r.pupil_id
         JOIN users u ON u.id = l.parent_id
         WHERE r.session_id = ? AND r.status = 'approved' AND u.active = 1 AND u.email IS NOT NULL",
    )
    .bind(session)
    .fetch_all(&mut db)
    .await
    .unwrap();
    db.close().await.unwrap();
    let head = signed_in(&base, SLT).await;

    // The first block is pasted and acknowledged; then the rest are pasted
    // at once while SLT publish, and the server is killed with them on their
    // way and the publish waiting for the writer, under way or just done.
    let first = save(&teacher, &base, group, &blocks[0], Some(level)).await;
    assert_eq!(first.unwrap(), StatusCode::OK);
    let (sent, all_sent) = tokio::sync::oneshot::channel::<()>();
    let paste = {
        let (teacher, base, blocks) = (teacher.clone(), base.clone(), blocks.clone());
        tokio::spawn(async move {
            let mut pasting = Vec::new();
            for block in blocks.into_iter().skip(1) {
                let (teacher, base) = (teacher.clone(), base.clone());
                pasting.push(tokio::spawn(async move {
                    save(&teacher, &base, group, &block, Some(level)).await
                }));
            }
            let _ = sent.send(());
            let mut acknowledged = vec![true];
            for block in pasting {
                acknowledged.push(matches!(block.await.unwrap(), Ok(StatusCode::OK)));
            }
            acknowledged
        })
    };
    let publish = {
        let (head, base) = (head.clone(), base.clone());
        tokio::spawn(async move {
            let form = [
                ("session", session.to_string()),
                ("expected", approved.to_string()),
            ];
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            head.post(format!("{base}{}", PublishReports::PATH))
                .form(&form)
                .send()
                .await
                .map(|res| res.status())
        })
    };
    all_sent.await.unwrap();
    server.kill().expect("SIGKILL");
    server.wait().unwrap();
    let acknowledged = paste.await.unwrap();
    let published_before_the_crash = matches!(publish.await.unwrap(), Ok(StatusCode::OK));

    // Restarted on the same database and mail server.
    let server = serve(folder, port, mailbox.port).await;
    let mut db = open(folder).await;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut db)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    let mut whole = 0;
    for (k, block) in blocks.iter().enumerate() {
        let criterion = block[0].1;
        let set: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM judgements j JOIN group_pupils gp ON gp.pupil_id = j.pupil_id
             WHERE gp.group_id = ? AND j.criterion_id = ? AND j.level_id = ?",
        )
        .bind(group.0)
        .bind(criterion.0)
        .bind(level.0)
        .fetch_one(&mut db)
        .await
        .unwrap();
        let set = set as usize;
        assert!(
            set == 0 || set == block.len(),
            "block {k} is partly there: {set} of {}",
            block.len()
        );
        if acknowledged[k] {
            assert_eq!(set, block.len(), "acknowledged block {k} was lost");
        }
        whole += usize::from(set == block.len());
    }
    assert!(whole >= acknowledged.iter().filter(|a| **a).count());

    let published: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM reports WHERE session_id = ? AND status = 'published'",
    )
    .bind(session)
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert!(
        published == 0 || published == approved,
        "a partial publish: {published} of {approved}"
    );
    if published_before_the_crash {
        assert_eq!(published, approved, "an acknowledged publish was lost");
    }
    db.close().await.unwrap();

    // Every parent of a published report hears of it, from the email sent
    // before the crash or the one sent after the restart; a letter being
    // sent as the server died may come twice, never more.
    if published == approved {
        let mut heard: BTreeMap<(String, i64), usize> = BTreeMap::new();
        for _ in 0..600 {
            heard.clear();
            for message in mailbox.messages() {
                let report = message.report_linked();
                *heard.entry((message.to.clone(), report)).or_default() += 1;
            }
            if to_hear.iter().all(|who| heard.contains_key(who)) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        for who in &to_hear {
            let times = heard.get(who).copied().unwrap_or(0);
            assert!((1..=2).contains(&times), "{who:?} heard {times} times");
        }
    }

    // SIGTERM: it stops by itself, cleanly, and says so.
    let stopped = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let output = tokio::task::spawn_blocking(move || server.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert!(output.status.success(), "{:?}", output.status);
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(said.contains("Markwell has stopped"), "{said}");
    assert!(reqwest::get(format!("{base}/health")).await.is_err());
}
