//! A term of homework for the demo school: each class gets a piece most
//! weeks, due the week after, handed in by most pupils (a few late, a few
//! not at all), and one due next week that nobody has handed in yet, so the
//! demo parent's children each have something due, handed in and overdue.

use anyhow::Context;
use app::{
    ids::{GroupId, PupilId, UserId},
    ssr::{clock, Clock},
};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sqlx::SqliteConnection;

const WEEKS: i64 = 12;

const HOMEWORK: [(&str, &str); 8] = [
    (
        "Spellings: words ending -tion",
        "Learn the ten words on the sheet for Friday's test.",
    ),
    (
        "Times tables practice",
        "Twenty minutes on the 7 and 8 times tables.",
    ),
    (
        "Reading log",
        "Read for fifteen minutes each night and fill in the log.",
    ),
    (
        "Science: materials at home",
        "Find five things at home made of different materials.",
    ),
    (
        "Maths: fractions sheet",
        "Finish both sides of the fractions sheet.",
    ),
    (
        "Write a diary entry",
        "A page as a Roman soldier arriving in Britain.",
    ),
    (
        "Topic: family history",
        "Ask a grown-up about a toy they had as a child.",
    ),
    (
        "Handwriting",
        "Copy the poem in your best joined handwriting.",
    ),
];

pub async fn add_homework(
    conn: &mut SqliteConnection,
    clock: &Clock,
    rng: &mut ChaCha8Rng,
    parent_email: &str,
) -> anyhow::Result<()> {
    let children = sqlx::query_scalar!(
        r#"SELECT l.pupil_id AS "id!: PupilId" FROM parent_links l JOIN users u ON u.id = l.parent_id
           WHERE u.email = ?"#,
        parent_email
    )
    .fetch_all(&mut *conn)
    .await?;
    let now = clock.stamp();
    let today = clock::at_school(&now).context("the school's date")?.date();
    let classes = sqlx::query!(
        r#"SELECT g.id AS "id!: GroupId",
                  (SELECT MIN(user_id) FROM group_teachers t WHERE t.group_id = g.id) AS "teacher: UserId"
           FROM groups g WHERE g.kind = 'class' ORDER BY g.id"#
    )
    .fetch_all(&mut *conn)
    .await?;
    let monday = today
        .checked_sub(jiff::Span::new().days(i64::from(today.weekday().to_monday_zero_offset())))?;
    for class in &classes {
        let pupils = sqlx::query_scalar!(
            r#"SELECT pupil_id AS "id!: PupilId" FROM group_pupils WHERE group_id = ? ORDER BY pupil_id"#,
            class.id
        )
        .fetch_all(&mut *conn)
        .await?;
        // From twelve weeks ago to this week: set on Monday, due the next
        // Monday; this week's is still to do.
        for week in (0..=WEEKS).rev() {
            if week > 0 && week % 5 == 3 {
                continue; // some weeks have none
            }
            let set_on = monday.checked_sub(jiff::Span::new().weeks(week))?;
            let due_on = set_on.checked_add(jiff::Span::new().weeks(1))?;
            let (title, description) =
                HOMEWORK[(week as usize + class.id.0 as usize) % HOMEWORK.len()];
            let set_at = clock::stamp_at_school(set_on.at(8, 30, 0, 0))?;
            let due = due_on.to_string();
            let homework = sqlx::query_scalar!(
                "INSERT INTO homework (group_id, title, description, due_on, set_by, set_at)
                 VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                class.id,
                title,
                description,
                due,
                class.teacher,
                set_at
            )
            .fetch_one(&mut *conn)
            .await?;
            if due_on > today {
                continue;
            }
            let recorded_at = clock::stamp_at_school(due_on.at(16, 0, 0, 0))?;
            for (n, pupil) in pupils.iter().enumerate() {
                // Most hand in; about one in twelve late, one in fifteen not
                // at all. The first pupil of each class, and the demo
                // parent's children, missed last week's.
                let roll = rng.random_range(0..60);
                let status = match roll {
                    _ if (n == 0 || children.contains(pupil)) && week == 1 => None,
                    0..=4 => Some("late"),
                    5..=8 => None,
                    _ => Some("handed_in"),
                };
                let Some(status) = status else { continue };
                sqlx::query!(
                    "INSERT INTO homework_hand_ins (homework_id, pupil_id, status, recorded_by, recorded_at)
                     VALUES (?, ?, ?, ?, ?)",
                    homework,
                    pupil,
                    status,
                    class.teacher,
                    recorded_at
                )
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    Ok(())
}
