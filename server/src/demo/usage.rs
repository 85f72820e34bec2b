//! A year of School Usage for the demo school, so the page means something
//! straight after `make run`: class teachers who record little and often (and
//! some who don't), busier report-writing weeks, quiet holidays, an admin in
//! most days, and the demo parent reading on the app around report time.

use anyhow::Context;
use app::{
    ids::UserId,
    ssr::usage::{self as events, Client, UsageKind},
    ssr::{clock, Clock},
};
use jiff::civil::{Date, Weekday};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sqlx::SqliteConnection;

/// How often a member of staff uses Markwell on a school day.
#[derive(Clone, Copy)]
enum Habit {
    Daily,
    MostDays,
    NowAndThen,
}

pub async fn add_history(
    conn: &mut SqliteConnection,
    clock: &Clock,
    rng: &mut ChaCha8Rng,
    parent_email: &str,
) -> anyhow::Result<()> {
    let now = clock.stamp();
    let today = clock::at_school(&now).context("the school's date")?;
    let staff = sqlx::query!(
        r#"SELECT id AS "id!: UserId", role, is_slt AS "slt!: bool"
           FROM users WHERE role <> 'parent' ORDER BY id"#
    )
    .fetch_all(&mut *conn)
    .await?;
    let parent = sqlx::query_scalar!(
        r#"SELECT id AS "id!: UserId" FROM users WHERE email = ?"#,
        parent_email
    )
    .fetch_one(&mut *conn)
    .await?;

    let habits: Vec<(Habit, bool)> = staff
        .iter()
        .map(|_| {
            let habit = match rng.random_range(0..10) {
                0..=3 => Habit::Daily,
                4..=7 => Habit::MostDays,
                _ => Habit::NowAndThen,
            };
            // About one in four also uses the installed app on a phone or tablet.
            (habit, rng.random_range(0..4) == 0)
        })
        .collect();

    let mut day = today.date().checked_sub(jiff::Span::new().days(365))?;
    while day <= today.date() {
        let school_day = term_time(day);
        let writing = writing_reports(day);
        for (person, (habit, uses_app)) in staff.iter().zip(&habits) {
            let chance = match (school_day, habit) {
                (false, _) => 4,
                (true, Habit::Daily) => 88,
                (true, Habit::MostDays) => 65,
                (true, Habit::NowAndThen) => 30,
            } + if writing { 10 } else { 0 };
            if rng.random_range(0..100) >= chance {
                continue;
            }
            let Some(at) = time_on(day, rng, &now)? else {
                continue;
            };
            let client = if *uses_app && rng.random_bool(0.4) {
                Client::App
            } else {
                Client::Browser
            };
            let sign_ins = 1 + u32::from(rng.random_bool(0.3)) + u32::from(rng.random_bool(0.08));
            events::record(conn, &at, person.id, UsageKind::SignIn, client, sign_ins).await?;
            let class_teacher = person.role == "teacher" && !person.slt;
            let assessments = match (class_teacher, person.slt) {
                (true, _) if school_day => rng.random_range(4..=32),
                (false, true) if school_day => rng.random_range(0..=4),
                _ => 0,
            };
            events::record(
                conn,
                &at,
                person.id,
                UsageKind::AssessmentRecorded,
                client,
                assessments,
            )
            .await?;
            if writing && class_teacher {
                let comments = rng.random_range(2..=9);
                events::record(
                    conn,
                    &at,
                    person.id,
                    UsageKind::CommentWritten,
                    client,
                    comments,
                )
                .await?;
            }
        }
        // The demo parent: now and then, and most days just after reports come out.
        let chance = if reports_just_published(day) { 55 } else { 6 };
        if rng.random_range(0..100) < chance {
            if let Some(at) = time_on(day, rng, &now)? {
                let client = if rng.random_bool(0.8) {
                    Client::App
                } else {
                    Client::Browser
                };
                events::record(conn, &at, parent, UsageKind::SignIn, client, 1).await?;
            }
        }
        day = day.tomorrow()?;
    }

    // The Users page's "Last sign-in" agrees with the history.
    sqlx::query!(
        "UPDATE users SET last_sign_in_at =
           (SELECT MAX(last_at) FROM usage_days WHERE user_id = users.id AND kind = 'sign-in')
         WHERE id IN (SELECT user_id FROM usage_days)"
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A time on `day` when someone might sign in (mostly the school day, some
/// evenings), stored; `None` when that would be later than now.
fn time_on(day: Date, rng: &mut ChaCha8Rng, now: &str) -> anyhow::Result<Option<String>> {
    let hour = if rng.random_bool(0.7) {
        rng.random_range(8..=16)
    } else {
        rng.random_range(18..=21)
    };
    let at = clock::stamp_at_school(day.at(hour, rng.random_range(0..60), 0, 0))?;
    Ok((at.as_str() <= now).then_some(at))
}

/// Roughly an English primary school's year: weekdays outside the holidays.
fn term_time(day: Date) -> bool {
    if matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
        return false;
    }
    let md = (day.month(), day.day());
    let holidays = [
        ((7, 22), (9, 3)),    // summer
        ((10, 26), (10, 30)), // autumn half term
        ((12, 19), (12, 31)), // Christmas
        ((1, 1), (1, 4)),
        ((2, 16), (2, 20)), // spring half term
        ((3, 30), (4, 12)), // Easter
        ((5, 25), (5, 29)), // summer half term
    ];
    !holidays
        .iter()
        .any(|(from, to)| (*from..=*to).contains(&md))
}

/// Report writing: the summer reports, and this term's now being written.
fn writing_reports(day: Date) -> bool {
    let md = (day.month(), day.day());
    ((6, 15)..=(7, 10)).contains(&md) || ((11, 2)..=(12, 18)).contains(&md)
}

fn reports_just_published(day: Date) -> bool {
    ((7, 13)..=(7, 21)).contains(&(day.month(), day.day()))
}
