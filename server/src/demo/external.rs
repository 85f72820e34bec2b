//! The demo school's external results: last June's Phonics Screening Check
//! for the pupils then in Year 1, and Multiplication Tables Check for those
//! then in Year 4, each as one import by the admin, so pupil pages and
//! Ext. data have something to show.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::SqliteConnection;

use app::ssr::Clock;

/// Its own generator, so the rest of the demo school is as it was.
const STREAM: u64 = 0x0e87_da7a;

pub async fn add_results(
    conn: &mut SqliteConnection,
    clock: &Clock,
    seed: u64,
) -> anyhow::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ STREAM);
    let now = clock.stamp();
    let june = super::school_year_start(clock.now().date());
    let admin = super::markbook::user(conn, "admin@oakfield.example").await?;
    // (name, taken, lowest, highest, pass mark and words, year group now)
    let checks = [
        (
            "Phonics Screening Check",
            format!("{june}-06-08"),
            (0, 40),
            Some((32, "Working at the expected standard")),
            2,
        ),
        (
            "Multiplication Tables Check",
            format!("{june}-06-15"),
            (0, 25),
            None,
            5,
        ),
    ];
    for (name, taken_on, (lowest, highest), pass, year_group) in checks {
        let (pass_mark, pass_words) = pass.unzip();
        let assessment = sqlx::query_scalar!(
            r#"INSERT INTO assessments (name, taken_on, lowest, highest, pass_mark, pass_words,
                                       created_by, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!""#,
            name,
            taken_on,
            lowest,
            highest,
            pass_mark,
            pass_words,
            admin,
            now
        )
        .fetch_one(&mut *conn)
        .await?;
        let pupils: Vec<i64> = sqlx::query_scalar!(
            "SELECT id FROM pupils WHERE year_group = ? AND active = 1 ORDER BY id",
            year_group
        )
        .fetch_all(&mut *conn)
        .await?;
        let added = pupils.len() as i64;
        let import = sqlx::query_scalar!(
            r#"INSERT INTO result_imports (assessment_id, file_name, imported_by, imported_at,
                                          added, replaced, skipped)
               VALUES (?, ?, ?, ?, ?, 0, 0) RETURNING id AS "id!""#,
            assessment,
            "results from the test's website.xlsx",
            admin,
            now,
            added
        )
        .fetch_one(&mut *conn)
        .await?;
        for pupil in pupils {
            // Most pass, a few well below: roughly the national picture.
            let score = if rng.random_range(0..100) < 80 {
                rng.random_range(highest * 3 / 4..=highest)
            } else {
                rng.random_range(lowest..highest * 3 / 4)
            };
            sqlx::query!(
                "INSERT INTO external_results (assessment_id, pupil_id, score, import_id)
                 VALUES (?, ?, ?, ?)",
                assessment,
                pupil,
                score,
                import
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}
