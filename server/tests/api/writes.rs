//! The single writer's queue: changes waiting at the same moment share one
//! commit, each in a savepoint of its own, and nobody hears a change is
//! saved before the commit that keeps it.

use std::sync::atomic::{AtomicBool, Ordering};

use app::ssr::{Arrival, Clock, Write, WriteQueue};
use server::{migrate, open_database};
use sqlx::{sqlite::SqlitePoolOptions, SqlitePool};

async fn names(pool: &SqlitePool) -> Vec<String> {
    sqlx::query_scalar("SELECT name FROM probe ORDER BY name")
        .fetch_all(pool)
        .await
        .unwrap()
}

async fn add(write: &mut Write, name: &str) {
    sqlx::query("INSERT INTO probe (name) VALUES (?)")
        .bind(name)
        .execute(&mut **write)
        .await
        .unwrap();
}

#[tokio::test]
async fn changes_waiting_together_share_one_commit_and_each_is_undone_alone() {
    let folder = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", folder.path().join("school.db").display());
    let pool = open_database(&url).await.unwrap();
    migrate(&pool).await.unwrap();
    sqlx::query("CREATE TABLE probe (name TEXT NOT NULL)")
        .execute(&pool)
        .await
        .unwrap();
    let queue = WriteQueue::new(
        SqlitePoolOptions::new()
            .max_connections(1)
            .connect_lazy_with((*pool.connect_options()).clone()),
    );
    let now = Clock::System.now();
    let arrival = Arrival {
        now,
        at: app::ssr::clock::stamp(now),
        address: None,
    };
    let first_heard = AtomicBool::new(false);

    // Polled together, the three changes ask for their turns before any of
    // them has one: they queue in this order, all waiting at once.
    let first = async {
        let mut write = Write::on(&queue, None, &arrival).await.unwrap();
        add(&mut write, "first").await;
        write.commit().await.unwrap();
        first_heard.store(true, Ordering::SeqCst);
    };
    let refused = async {
        let mut write = Write::on(&queue, None, &arrival).await.unwrap();
        add(&mut write, "refused").await;
        // Dropped unsaved, as when a change is refused part-way through.
        drop(write);
    };
    let last = async {
        let mut write = Write::on(&queue, None, &arrival).await.unwrap();
        // The first change has been handed back as kept, but it shares this
        // transaction: nobody else can see it and its maker hasn't heard.
        assert!(!first_heard.load(Ordering::SeqCst));
        assert_eq!(names(&pool).await, Vec::<String>::new());
        // What the refused change did is gone; what the first did is here.
        let seen: Vec<String> = sqlx::query_scalar("SELECT name FROM probe ORDER BY name")
            .fetch_all(&mut *write)
            .await
            .unwrap();
        assert_eq!(seen, ["first"]);
        add(&mut write, "last").await;
        write.commit().await.unwrap();
    };
    tokio::join!(first, refused, last);

    assert!(first_heard.load(Ordering::SeqCst));
    assert_eq!(names(&pool).await, ["first", "last"]);

    // A change on its own is committed at once, without waiting for more.
    let mut alone = Write::on(&queue, None, &arrival).await.unwrap();
    add(&mut alone, "alone").await;
    alone.commit().await.unwrap();
    assert_eq!(names(&pool).await, ["alone", "first", "last"]);
}
