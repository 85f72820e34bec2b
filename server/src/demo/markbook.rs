//! The demo school's markbook: a few sets beside the classes, the first
//! half-term of judgements, recorded by each class's teacher on school days
//! over the last six weeks, and last school year's judgements against the
//! year below, so Progress has a change since last term to show.

use anyhow::Context;
use app::{
    ids::{CriterionId, GroupId, LevelId, PupilId, UserId},
    markbook::{model::JudgementChange, store},
    ssr::{clock, Clock},
};
use rand::{seq::SliceRandom, Rng};
use rand_chacha::ChaCha8Rng;
use sqlx::SqliteConnection;
use time::{Duration, Weekday};

/// Share of each year's criteria a class has been judged against so far.
const HALF_TERM: f64 = 0.4;

pub async fn add_markbook(
    conn: &mut SqliteConnection,
    clock: &Clock,
    rng: &mut ChaCha8Rng,
    admin: UserId,
) -> anyhow::Result<usize> {
    add_sets(conn, clock, rng, admin).await?;
    let levels =
        sqlx::query_scalar!(r#"SELECT id AS "id!: LevelId" FROM scale_levels ORDER BY position"#)
            .fetch_all(&mut *conn)
            .await?;
    anyhow::ensure!(levels.len() == 3, "the demo expects the default scale");
    let classes = sqlx::query!(
        r#"SELECT g.id AS "group!: GroupId", g.year_group AS "year!: i64",
                  gt.user_id AS "teacher!: UserId"
           FROM groups g JOIN group_teachers gt ON gt.group_id = g.id
           WHERE g.kind = 'class' ORDER BY g.id"#
    )
    .fetch_all(&mut *conn)
    .await?;
    let days = school_days(clock, 30);
    let last_year = super::school_year_start(clock.now().date()) - 1;
    let mut judgements = 0;
    for class in classes {
        let pupils = sqlx::query_scalar!(
            r#"SELECT pupil_id AS "id!: PupilId" FROM group_pupils WHERE group_id = ? ORDER BY pupil_id"#,
            class.group
        )
        .fetch_all(&mut *conn)
        .await?;
        let criteria = sqlx::query!(
            r#"SELECT id AS "id!: CriterionId", subject_id, position FROM criteria
               WHERE year_group = ? AND retired_at IS NULL ORDER BY subject_id, position"#,
            class.year
        )
        .fetch_all(&mut *conn)
        .await?;
        // The first part of each subject's list, as a class works through it.
        let mut taught: Vec<CriterionId> = Vec::new();
        for subject in criteria
            .iter()
            .map(|c| c.subject_id)
            .collect::<std::collections::BTreeSet<_>>()
        {
            let list: Vec<_> = criteria
                .iter()
                .filter(|c| c.subject_id == subject)
                .collect();
            let n = ((list.len() as f64) * HALF_TERM).ceil() as usize;
            taught.extend(list.iter().take(n).map(|c| c.id));
        }
        let subjects: std::collections::BTreeSet<i64> =
            criteria.iter().map(|c| c.subject_id).collect();
        let below = class.year - 1;
        let year_below = sqlx::query!(
            r#"SELECT id AS "id!: CriterionId", subject_id FROM criteria
               WHERE year_group = ? AND retired_at IS NULL ORDER BY subject_id, position"#,
            below
        )
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c.subject_id))
        .collect::<Vec<_>>();
        for pupil in pupils {
            // Most pupils are where they should be; some need more time, some go deeper.
            let profile = rng.random_range(0..100);
            let weights: [u32; 3] = match profile {
                0..18 => [70, 28, 2],
                18..85 => [15, 75, 10],
                _ => [3, 42, 55],
            };
            add_targets(
                conn,
                pupil,
                profile,
                &subjects,
                &levels,
                class.teacher,
                days[0],
            )
            .await?;
            judgements += add_last_year(
                conn,
                pupil,
                &weights,
                &year_below,
                &levels,
                class.teacher,
                last_year,
            )
            .await?;
            for (i, criterion) in taught.iter().enumerate() {
                if rng.random_range(0..100) < 8 {
                    continue; // Not judged yet (absent that week).
                }
                let roll = rng.random_range(0..100);
                let level = if roll < weights[0] {
                    levels[0]
                } else if roll < weights[0] + weights[1] {
                    levels[1]
                } else {
                    levels[2]
                };
                // Criteria are judged in order over the half-term.
                let day = days[(i * days.len() / taught.len().max(1)).min(days.len() - 1)];
                let at = clock::stamp(
                    day + Duration::hours(9) + Duration::minutes(rng.random_range(0..7 * 60)),
                );
                let change = JudgementChange {
                    pupil,
                    criterion: *criterion,
                    level: Some(level),
                };
                store::record(conn, &change, class.teacher, &at).await?;
                judgements += 1;
            }
        }
    }
    Ok(judgements)
}

/// Targets a teacher set at the start of the year, one per subject, in
/// line with how the pupil usually does: mostly Expected, Greater depth for
/// the pupils who go deeper, Working towards for some who need more time.
/// Their own generator, so the rest of the demo stays as it was.
async fn add_targets(
    conn: &mut SqliteConnection,
    pupil: PupilId,
    profile: u32,
    subjects: &std::collections::BTreeSet<i64>,
    levels: &[LevelId],
    teacher: UserId,
    day: time::OffsetDateTime,
) -> anyhow::Result<()> {
    use rand::SeedableRng;
    let mut rng = ChaCha8Rng::seed_from_u64(u64::try_from(pupil.0).unwrap_or_default());
    let at = clock::stamp(day + Duration::hours(8));
    for subject in subjects {
        let roll = rng.random_range(0..100);
        let level = match profile {
            0..18 if roll < 40 => levels[0],
            85.. if roll < 80 => levels[2],
            18..85 if roll < 12 => levels[2],
            _ => levels[1],
        };
        sqlx::query!(
            "INSERT INTO pupil_targets (pupil_id, subject_id, level_id, set_by, set_at)
             VALUES (?, ?, ?, ?, ?)",
            pupil,
            subject,
            level,
            teacher,
            at
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Last school year's judgements, against the criteria of the year the
/// pupil was in then: each subject's list worked through from September to
/// July, some raised a level a few weeks after they were first judged.
/// Their own generator, so the rest of the demo stays as it was.
async fn add_last_year(
    conn: &mut SqliteConnection,
    pupil: PupilId,
    weights: &[u32; 3],
    criteria: &[(CriterionId, i64)],
    levels: &[LevelId],
    teacher: UserId,
    year: i32,
) -> anyhow::Result<usize> {
    use rand::SeedableRng;
    let mut rng = ChaCha8Rng::seed_from_u64(u64::try_from(pupil.0).unwrap_or_default() + 1_000_000);
    let start = time::Date::from_calendar_date(year, time::Month::September, 4)?;
    let end = time::Date::from_calendar_date(year + 1, time::Month::July, 16)?;
    let span = (end - start).whole_days();
    // A weekday at 09:00–15:00, `day` days into the year (Fridays for weekends).
    let at = |rng: &mut ChaCha8Rng, day: i64| {
        let mut date = start + Duration::days(day.min(span));
        while matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) {
            date -= Duration::days(1);
        }
        clock::stamp(
            date.midnight().assume_utc()
                + Duration::hours(9)
                + Duration::minutes(rng.random_range(0..6 * 60)),
        )
    };
    let mut judgements = 0;
    for subject in criteria
        .iter()
        .map(|c| c.1)
        .collect::<std::collections::BTreeSet<_>>()
    {
        let list: Vec<CriterionId> = criteria
            .iter()
            .filter(|c| c.1 == subject)
            .map(|c| c.0)
            .collect();
        for (i, criterion) in list.iter().enumerate() {
            if rng.random_range(0..100) < 5 {
                continue;
            }
            let roll = rng.random_range(0..100);
            let first = if roll < weights[0] {
                0
            } else if roll < weights[0] + weights[1] {
                1
            } else {
                2
            };
            let day = i as i64 * span / list.len() as i64;
            let mut judged = vec![(first, day)];
            // Secured later, with more practice.
            if first < 2 && rng.random_range(0..100) < 30 {
                judged.push((first + 1, day + rng.random_range(20..60)));
            }
            for (level, day) in judged {
                let change = JudgementChange {
                    pupil,
                    criterion: *criterion,
                    level: Some(levels[level]),
                };
                store::record(conn, &change, teacher, &at(&mut rng, day)).await?;
                judgements += 1;
            }
        }
    }
    Ok(judgements)
}

/// The last `n` weekdays before today, oldest first, at midnight UTC.
fn school_days(clock: &Clock, n: usize) -> Vec<time::OffsetDateTime> {
    let today = clock.now().replace_time(time::Time::MIDNIGHT);
    let mut days: Vec<_> = (1..)
        .map(|back| today - Duration::days(back))
        .filter(|d| !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday))
        .take(n)
        .collect();
    days.reverse();
    days
}

/// Sets beside the classes: Year 6 maths sets taught by the deputy head,
/// a Year 3 phonics group the demo teacher made herself.
async fn add_sets(
    conn: &mut SqliteConnection,
    clock: &Clock,
    rng: &mut ChaCha8Rng,
    admin: UserId,
) -> anyhow::Result<()> {
    let now = clock.stamp();
    let deputy = user(conn, "deputy@oakfield.example").await?;
    let teacher = user(conn, "teacher@oakfield.example").await?;
    let mut year_six = year_pupils(conn, 6).await?;
    year_six.shuffle(rng);
    let half = year_six.len() / 2;
    for (name, pupils) in [
        ("6 Maths Set 1", &year_six[..half]),
        ("6 Maths Set 2", &year_six[half..]),
    ] {
        let group = add_group(conn, name, 6, admin, &now).await?;
        sqlx::query!(
            "INSERT INTO group_teachers (group_id, user_id) VALUES (?, ?)",
            group,
            deputy
        )
        .execute(&mut *conn)
        .await?;
        add_pupils(conn, group, pupils).await?;
    }
    let mut year_three = year_pupils(conn, 3).await?;
    year_three.shuffle(rng);
    let group = add_group(conn, "3 Phonics Catch-up", 3, teacher, &now).await?;
    add_pupils(conn, group, &year_three[..8]).await?;
    Ok(())
}

pub(super) async fn user(conn: &mut SqliteConnection, email: &str) -> anyhow::Result<UserId> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id!: UserId" FROM users WHERE email = ?"#,
        email
    )
    .fetch_optional(conn)
    .await?
    .with_context(|| format!("the demo user {email}"))
}

async fn year_pupils(conn: &mut SqliteConnection, year: i64) -> anyhow::Result<Vec<PupilId>> {
    Ok(sqlx::query_scalar!(
        r#"SELECT id AS "id!: PupilId" FROM pupils WHERE year_group = ? ORDER BY id"#,
        year
    )
    .fetch_all(conn)
    .await?)
}

async fn add_group(
    conn: &mut SqliteConnection,
    name: &str,
    year: i64,
    created_by: UserId,
    now: &str,
) -> anyhow::Result<GroupId> {
    Ok(sqlx::query_scalar!(
        r#"INSERT INTO groups (name, kind, year_group, created_by, created_at)
           VALUES (?, 'set', ?, ?, ?) RETURNING id AS "id!: GroupId""#,
        name,
        year,
        created_by,
        now
    )
    .fetch_one(conn)
    .await?)
}

async fn add_pupils(
    conn: &mut SqliteConnection,
    group: GroupId,
    pupils: &[PupilId],
) -> anyhow::Result<()> {
    for pupil in pupils {
        sqlx::query!(
            "INSERT INTO group_pupils (group_id, pupil_id) VALUES (?, ?)",
            group,
            pupil
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
