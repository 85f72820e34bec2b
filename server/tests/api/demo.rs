use app::ssr::Clock;
use server::{demo, migrate, open_database};

async fn fresh_demo(folder: &std::path::Path, clock: &Clock) -> sqlx::SqlitePool {
    let url = format!("sqlite://{}", folder.join("demo.db").display());
    let pool = open_database(&url).await.unwrap();
    migrate(&pool).await.unwrap();
    demo::load(&pool, clock, demo::SEED).await.unwrap();
    pool
}

async fn fingerprint(pool: &sqlx::SqlitePool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT 'p|' || upn || '|' || first_name || '|' || surname || '|' || date_of_birth || '|' || year_group FROM pupils
         UNION ALL SELECT 'u|' || role || '|' || first_name || '|' || surname || '|' || COALESCE(email, '-') FROM users
         UNION ALL SELECT 'l|' || parent_id || '|' || pupil_id || '|' || relationship FROM parent_links
         UNION ALL SELECT 'g|' || group_id || '|' || pupil_id FROM group_pupils
         UNION ALL SELECT 'd|' || day || '|' || user_id || '|' || kind || '|' || client || '|' || count FROM usage_days
         UNION ALL SELECT 'j|' || pupil_id || '|' || criterion_id || '|' || level_id || '|' || COALESCE(set_by, '-') FROM judgements
         UNION ALL SELECT 'r|' || pupil_id || '|' || session_id || '|' || COALESCE(group_id, '-') || '|' || status || '|' || comment FROM reports
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_demo_school_is_the_same_every_time() {
    let clock = Clock::fixed(time::macros::datetime!(2026-11-23 09:00 UTC));
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = fingerprint(&fresh_demo(a.path(), &clock).await).await;
    let second = fingerprint(&fresh_demo(b.path(), &clock).await).await;
    assert_eq!(first, second);
}

#[tokio::test]
async fn the_demo_school_looks_like_a_school() {
    let clock = Clock::fixed(time::macros::datetime!(2026-11-23 09:00 UTC));
    let folder = tempfile::tempdir().unwrap();
    let pool = fresh_demo(folder.path(), &clock).await;
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(count("SELECT COUNT(*) FROM pupils").await, 300);
    assert_eq!(
        count("SELECT COUNT(*) FROM users WHERE role <> 'parent'").await,
        15
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM users WHERE is_slt = 1").await,
        2
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM groups WHERE kind = 'class'").await,
        12
    );
    let parents = count("SELECT COUNT(*) FROM users WHERE role = 'parent'").await;
    assert!((380..=520).contains(&parents), "{parents} parents");
    // Siblings share parents; some contacts have no email; a grandparent cares for some.
    assert!(count("SELECT COUNT(*) FROM (SELECT parent_id FROM parent_links GROUP BY parent_id HAVING COUNT(*) > 1)").await > 20);
    assert!(count("SELECT COUNT(*) FROM users WHERE role = 'parent' AND email IS NULL").await > 0);
    assert!(
        count("SELECT COUNT(*) FROM parent_links WHERE relationship = 'grandparent'").await > 0
    );
    // Every pupil's characteristics, near England's shares (of 300 pupils:
    // pupil premium about 75, EAL about 60, SEN support or a plan about
    // 45), and siblings alike in pupil premium and EAL.
    assert_eq!(
        count("SELECT COUNT(*) FROM pupils WHERE sex IS NULL OR sen IS NULL OR pupil_premium IS NULL OR eal IS NULL").await,
        0
    );
    let premium = count("SELECT COUNT(*) FROM pupils WHERE pupil_premium = 1").await;
    assert!(
        (45..=110).contains(&premium),
        "{premium} with pupil premium"
    );
    let eal = count("SELECT COUNT(*) FROM pupils WHERE eal = 1").await;
    assert!((30..=95).contains(&eal), "{eal} with EAL");
    let sen = count("SELECT COUNT(*) FROM pupils WHERE sen IN ('K', 'E')").await;
    assert!((20..=75).contains(&sen), "{sen} with SEN");
    assert!(count("SELECT COUNT(*) FROM pupils WHERE sen = 'E'").await > 0);
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM parent_links a JOIN parent_links b
               ON a.parent_id = b.parent_id AND a.pupil_id < b.pupil_id
             JOIN pupils p ON p.id = a.pupil_id JOIN pupils q ON q.id = b.pupil_id
             WHERE p.pupil_premium <> q.pupil_premium OR p.eal <> q.eal"
        )
        .await,
        0
    );
    // Namesakes: Smith recurs across unrelated families.
    assert!(count("SELECT COUNT(*) FROM pupils WHERE surname = 'Smith'").await >= 5);
    // Year 1 birthdays fit the school year that began in September 2026.
    assert_eq!(
        count("SELECT COUNT(*) FROM pupils WHERE year_group = 1 AND date_of_birth NOT BETWEEN '2020-09-01' AND '2021-08-31'").await,
        0
    );
    // The demo parent has two children in different classes.
    assert_eq!(
        count("SELECT COUNT(DISTINCT gp.group_id) FROM parent_links l JOIN users u ON u.id = l.parent_id
               JOIN group_pupils gp ON gp.pupil_id = l.pupil_id WHERE u.email = 'parent@oakfield.example'").await,
        2
    );
}

#[tokio::test]
async fn the_demo_refuses_a_database_that_has_a_school() {
    let folder = tempfile::tempdir().unwrap();
    let pool = fresh_demo(folder.path(), &Clock::System).await;
    let err = demo::load(&pool, &Clock::System, demo::SEED)
        .await
        .unwrap_err();
    assert!(format!("{err}").contains("already has a school"), "{err}");
}

#[tokio::test]
async fn the_demo_school_has_a_year_of_usage() {
    let clock = Clock::fixed(time::macros::datetime!(2026-11-23 12:00 UTC));
    let folder = tempfile::tempdir().unwrap();
    let pool = fresh_demo(folder.path(), &clock).await;
    let per_month: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT substr(day, 1, 7),
                SUM(CASE WHEN kind = 'sign-in' THEN count ELSE 0 END),
                SUM(CASE WHEN kind = 'assessment' THEN count ELSE 0 END),
                SUM(CASE WHEN kind = 'comment' THEN count ELSE 0 END)
         FROM usage_days GROUP BY 1 ORDER BY 1",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let months: Vec<&str> = per_month.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(months.first(), Some(&"2025-11"));
    assert_eq!(months.last(), Some(&"2026-11"));
    assert_eq!(months.len(), 13, "every month of the past year");
    let month = |name: &str| per_month.iter().find(|m| m.0 == name).unwrap().clone();
    // Term time is busy, August (holiday) quiet; comments only while reports are written.
    assert!(month("2026-10").1 > 4 * month("2026-08").1);
    assert!(month("2026-10").2 > 1000);
    assert!(month("2026-06").3 > 0 && month("2026-07").3 > 0 && month("2026-10").3 == 0);
    let future: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM usage_days WHERE last_at > '2026-11-23T12:00:00Z'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(future, 0, "nothing after now");
    // The demo parent reads reports on the app.
    let parent_app: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(d.count), 0) FROM usage_days d JOIN users u ON u.id = d.user_id
         WHERE u.email = 'parent@oakfield.example' AND d.client = 'app'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(parent_app > 0);
}
