//! Backups: the daily schedule keeps the newest, a restore into a fresh
//! folder serves the school as it was, and a restore refuses a running
//! server, a damaged file and a schema it doesn't know.

use std::path::Path;

use app::{auth::api::WhoAmI, settings::api::SaveMyName};
use server::backup::{back_up_if_due, backups_in, database_file, lock_for_serving, restore};
use sqlx::Connection;
use time::Duration;

use crate::helpers::*;

async fn admin_first_name(app: &TestApp) -> String {
    let admin = app.signed_in(ADMIN).await;
    let me: app::auth::model::Person = app
        .call::<WhoAmI>(&admin, &[])
        .await
        .answer()
        .await
        .unwrap();
    me.first_name
}

async fn rename_admin(app: &TestApp, first_name: &str) {
    let admin = app.signed_in(ADMIN).await;
    let res = app
        .call::<SaveMyName>(&admin, &[("first_name", first_name), ("surname", "Okoro")])
        .await;
    assert!(res.status().is_success() || res.status().is_redirection());
}

fn names_in(dir: &Path) -> Vec<String> {
    backups_in(dir)
        .unwrap()
        .into_iter()
        .map(|(_, path)| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[tokio::test]
async fn the_daily_backup_restores_into_a_fresh_folder_that_serves_the_school_as_it_was() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let start = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap();

    // Due at once, then not again within the day.
    rename_admin(&app, "Backedup").await;
    let first = back_up_if_due(&app.pool, dir.path(), 2, start)
        .await
        .unwrap()
        .expect("the first backup is due at once");
    assert!(
        back_up_if_due(&app.pool, dir.path(), 2, start + Duration::hours(23))
            .await
            .unwrap()
            .is_none()
    );
    // A day on, another; the third day's leaves the newest two.
    let second = back_up_if_due(&app.pool, dir.path(), 2, start + Duration::hours(24))
        .await
        .unwrap()
        .expect("a day later, another");
    rename_admin(&app, "Afterwards").await;
    let third = back_up_if_due(&app.pool, dir.path(), 2, start + Duration::hours(48))
        .await
        .unwrap()
        .expect("and another");
    let kept = names_in(dir.path());
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert!(!first.exists());
    assert!(second.exists() && third.exists());

    // The second day's backup, restored where there was nothing, serves the
    // school as it was then: the admin can sign in, with that day's name.
    let restored = spawn_app_over(async |url: &str| {
        let done = restore(&second, url).await.expect("restored");
        assert!(done.replaced.is_none());
        assert_eq!(
            done.schema_version,
            server::MIGRATIONS.iter().map(|m| m.version).max().unwrap()
        );
    })
    .await;
    assert_eq!(admin_first_name(&restored).await, "Backedup");
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&restored.pool)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    assert_eq!(admin_first_name(&app).await, "Afterwards");
}

#[tokio::test]
async fn a_restore_keeps_the_database_it_replaces_and_refuses_while_a_server_runs_on_it() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("backup.db");
    server::backup::write_backup(&app.pool, &backup)
        .await
        .unwrap();

    let target = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", target.path().join("school.db").display());
    let database = database_file(&url).unwrap();
    // The school's database as it stands, marked so it can be told apart.
    let before = server::open_database(&url).await.unwrap();
    sqlx::query("CREATE TABLE replaced (marker TEXT)")
        .execute(&before)
        .await
        .unwrap();
    before.close().await;
    let marked = async |file: &Path| -> bool {
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display()))
            .await
            .unwrap();
        let found: Option<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE name = 'replaced'")
                .fetch_optional(&mut conn)
                .await
                .unwrap();
        conn.close().await.unwrap();
        found.is_some()
    };

    // While a server holds the database, nothing is touched.
    let serving = lock_for_serving(&database).unwrap();
    let refused = restore(&backup, &url).await.unwrap_err().to_string();
    assert!(refused.contains("a Markwell server is using"), "{refused}");
    assert!(marked(&database).await, "untouched");
    // A second server is refused the same way.
    assert!(lock_for_serving(&database).is_err());
    drop(serving);

    let done = restore(&backup, &url).await.unwrap();
    let kept = done.replaced.expect("the replaced database is kept");
    assert!(marked(&kept).await, "the replaced database, whole");
    assert!(!marked(&database).await, "the backup in its place");
    let pupils: i64 = {
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query_scalar("SELECT COUNT(*) FROM pupils")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    };
    let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM pupils")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(pupils, live);
}

#[tokio::test]
async fn a_restore_refuses_a_damaged_file_and_a_schema_it_does_not_know() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    let target = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", target.path().join("school.db").display());

    // Not a database at all.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, vec![7u8; 8192]).unwrap();
    let refused = restore(&junk, &url).await.unwrap_err().to_string();
    assert!(refused.contains("not a Markwell backup"), "{refused}");

    // A sound backup whose pages were then damaged.
    let damaged = dir.path().join("damaged.db");
    server::backup::write_backup(&app.pool, &damaged)
        .await
        .unwrap();
    let mut bytes = std::fs::read(&damaged).unwrap();
    let middle = bytes.len() / 2;
    for byte in &mut bytes[middle..middle + 4096] {
        *byte = 0xA5;
    }
    std::fs::write(&damaged, bytes).unwrap();
    let refused = format!("{:#}", restore(&damaged, &url).await.unwrap_err());
    assert!(
        refused.contains("integrity") || refused.contains("not a Markwell backup"),
        "{refused}"
    );

    // From a newer Markwell: a migration this one doesn't know.
    let newer = dir.path().join("newer.db");
    server::backup::write_backup(&app.pool, &newer)
        .await
        .unwrap();
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", newer.display()))
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time)
         VALUES (9999, 'from the future', '2030-01-01', 1, x'00', 0)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    let refused = restore(&newer, &url).await.unwrap_err().to_string();
    assert!(refused.contains("made by a newer Markwell"), "{refused}");

    // Nothing was put in place by any of them.
    assert!(!database_file(&url).unwrap().exists());
}
