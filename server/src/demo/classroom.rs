//! A term of behaviour points and achievements for the demo school: a few
//! entries a class each school day, mostly positive, a Star of the week
//! each Friday, and entries this week for the demo parent's children, so
//! their pages (and notifications) mean something straight after
//! `make run`.

use anyhow::Context;
use app::{
    classroom::{
        model::EntryKind,
        store::{write_entry, NewEntry},
    },
    ids::{BehaviourId, EntryId, GroupId, PupilId, UserId},
    notifications::{model::NotificationKind, store::tell_about_entry},
    ssr::{clock, Clock},
};
use jiff::civil::{Date, Weekday};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sqlx::SqliteConnection;

/// How far back the demo's records go: about a term.
const WEEKS: i64 = 12;

const NOTES: [&str; 6] = [
    "Really focused in maths today.",
    "Helped tidy the classroom without being asked.",
    "Needed several reminders during carpet time.",
    "Lovely contribution to our class discussion.",
    "Came back from lunch unsettled.",
    "Excellent listening in assembly.",
];

struct Behaviour {
    id: BehaviourId,
    name: String,
    points: i64,
}

pub async fn add_records(
    conn: &mut SqliteConnection,
    clock: &Clock,
    rng: &mut ChaCha8Rng,
    parent_email: &str,
) -> anyhow::Result<()> {
    let now = clock.stamp();
    let today = clock::at_school(&now).context("the school's date")?.date();
    let behaviours = sqlx::query_as!(
        Behaviour,
        r#"SELECT id AS "id!: BehaviourId", name, points FROM behaviours
           WHERE retired_at IS NULL ORDER BY position"#
    )
    .fetch_all(&mut *conn)
    .await?;
    let (positive, negative): (Vec<&Behaviour>, Vec<&Behaviour>) =
        behaviours.iter().partition(|b| b.points > 0);
    let classes = sqlx::query!(
        r#"SELECT g.id AS "id!: GroupId",
                  (SELECT MIN(user_id) FROM group_teachers t WHERE t.group_id = g.id) AS "teacher: UserId"
           FROM groups g WHERE g.kind = 'class' ORDER BY g.id"#
    )
    .fetch_all(&mut *conn)
    .await?;
    for class in &classes {
        let pupils = sqlx::query_scalar!(
            r#"SELECT pupil_id AS "id!: PupilId" FROM group_pupils WHERE group_id = ? ORDER BY pupil_id"#,
            class.id
        )
        .fetch_all(&mut *conn)
        .await?;
        if pupils.is_empty() || positive.is_empty() || negative.is_empty() {
            continue;
        }
        let mut day = today.checked_sub(jiff::Span::new().weeks(WEEKS))?;
        while day <= today {
            if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
                for _ in 0..rng.random_range(2..6) {
                    let pupil = pupils[rng.random_range(0..pupils.len())];
                    // About one entry in six is negative.
                    let list = if rng.random_range(0..6) == 0 {
                        &negative
                    } else {
                        &positive
                    };
                    let behaviour = list[rng.random_range(0..list.len())];
                    let note = (rng.random_range(0..4) == 0)
                        .then(|| NOTES[rng.random_range(0..NOTES.len())]);
                    let at = lesson_time(day, rng)?;
                    if at > now {
                        continue;
                    }
                    add(
                        conn,
                        pupil,
                        class.id,
                        class.teacher,
                        Entry::Behaviour(behaviour),
                        note,
                        &at,
                    )
                    .await?;
                }
                let at = clock::stamp_at_school(day.at(14, 45, 0, 0))?;
                if day.weekday() == Weekday::Friday && at <= now {
                    let pupil = pupils[rng.random_range(0..pupils.len())];
                    let star = Entry::Achievement("Star of the week");
                    add(conn, pupil, class.id, class.teacher, star, None, &at).await?;
                }
            }
            day = day.tomorrow()?;
        }
    }

    // The demo parent's children: something from this week on each page.
    let children = sqlx::query!(
        r#"SELECT l.pupil_id AS "pupil!: PupilId",
                  (SELECT gp.group_id FROM group_pupils gp JOIN groups g ON g.id = gp.group_id
                    WHERE gp.pupil_id = l.pupil_id AND g.kind = 'class') AS "class?: GroupId"
           FROM parent_links l JOIN users u ON u.id = l.parent_id
           WHERE u.email = ? ORDER BY l.pupil_id"#,
        parent_email
    )
    .fetch_all(&mut *conn)
    .await?;
    let monday = today
        .checked_sub(jiff::Span::new().days(i64::from(today.weekday().to_monday_zero_offset())))?;
    for (n, child) in children.iter().enumerate() {
        let Some(class) = child.class else { continue };
        let teacher = classes
            .iter()
            .find(|c| c.id == class)
            .and_then(|c| c.teacher);
        // Early on a Monday morning, "this week" is only just beginning.
        let at = clock::stamp_at_school(monday.at(10, 15, 0, 0))?.min(now.clone());
        let behaviour = positive[n % positive.len()];
        let note = Some("A great start to the week.");
        let (entry, (kind, what)) = add(
            conn,
            child.pupil,
            class,
            teacher,
            Entry::Behaviour(behaviour),
            note,
            &at,
        )
        .await?;
        tell_about_entry(conn, entry, kind, &what).await?;
        let at = clock::stamp_at_school(monday.at(11, 30, 0, 0))?.min(now.clone());
        let reading = Entry::Achievement("Reading milestone");
        let note = Some("Finished their fifth reading book this term.");
        let (entry, (kind, what)) =
            add(conn, child.pupil, class, teacher, reading, note, &at).await?;
        tell_about_entry(conn, entry, kind, &what).await?;
    }
    Ok(())
}

enum Entry<'a> {
    Behaviour(&'a Behaviour),
    Achievement(&'static str),
}

/// Some time in the school day, stored.
fn lesson_time(day: Date, rng: &mut ChaCha8Rng) -> anyhow::Result<String> {
    let hour = rng.random_range(9..15);
    let minute = rng.random_range(0..60);
    clock::stamp_at_school(day.at(hour, minute, 0, 0))
}

async fn add(
    conn: &mut SqliteConnection,
    pupil: PupilId,
    group: GroupId,
    by: Option<UserId>,
    entry: Entry<'_>,
    note: Option<&str>,
    at: &str,
) -> anyhow::Result<(EntryId, (NotificationKind, String))> {
    let (kind, behaviour, title, points) = match entry {
        Entry::Behaviour(b) => (EntryKind::Behaviour, Some(b.id), b.name.as_str(), b.points),
        Entry::Achievement(title) => (EntryKind::Achievement, None, title, 0),
    };
    let entry = NewEntry {
        pupil,
        group,
        kind,
        behaviour,
        title,
        points,
        note,
        by,
        at,
    };
    let id = write_entry(conn, &entry).await?;
    Ok((id, entry.notice()))
}
