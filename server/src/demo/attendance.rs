//! This school year's attendance for the demo school, as an MIS would have
//! registered it: most pupils near 97%, a few persistently absent, the odd
//! late arrival, illness mostly, and a family holiday or two; both of the
//! demo parent's children with an absence and a late arrival to read.

use anyhow::Context;
use app::{
    attendance::store::{save_marks, NewMark},
    ids::PupilId,
    ssr::{clock, Clock},
};
use jiff::civil::{Date, Weekday};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use sqlx::SqliteConnection;

/// A session's mark before it is stored.
struct Planned {
    pupil: PupilId,
    date: String,
    session: &'static str,
    code: &'static str,
    minutes_late: Option<i64>,
}

/// Whether the school is open: weekdays from 1 September, except the
/// October half-term week.
fn open(day: Date) -> bool {
    let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
    let half_term = day.month() == 10 && day.day() >= 26;
    !weekend && !half_term && day.month() != 8
}

pub async fn add_attendance(
    conn: &mut SqliteConnection,
    clock: &Clock,
    rng: &mut ChaCha8Rng,
    parent_email: &str,
) -> anyhow::Result<()> {
    let today = clock::at_school(&clock.stamp())
        .context("the school's date")?
        .date();
    let year = app::attendance::store::school_year(&today.to_string())?;
    let pupils = sqlx::query_scalar!(
        r#"SELECT id AS "id!: PupilId" FROM pupils WHERE active = 1 ORDER BY id"#
    )
    .fetch_all(&mut *conn)
    .await?;
    let children = sqlx::query_scalar!(
        r#"SELECT l.pupil_id AS "id!: PupilId" FROM parent_links l JOIN users u ON u.id = l.parent_id
           WHERE u.email = ? ORDER BY l.pupil_id"#,
        parent_email
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut marks = Vec::new();
    for (n, pupil) in pupils.iter().enumerate() {
        // One pupil in twenty-five is persistently absent (about 85%).
        let absence_chance = if n % 25 == 7 { 0.15 } else { 0.025 };
        // One in thirty has a week's holiday in term time.
        let holiday_from = (n % 30 == 11).then(|| rng.random_range(20..50));
        let mut day = jiff::civil::date(year, 9, 1);
        let mut school_day = 0;
        while day <= today {
            if open(day) {
                school_day += 1;
                let on_holiday =
                    holiday_from.is_some_and(|from| (from..from + 5).contains(&school_day));
                let (am, pm) = if on_holiday {
                    ("G", "G")
                } else if rng.random_bool(absence_chance) {
                    let reason = match rng.random_range(0..10) {
                        0 => "M",
                        1 => "O",
                        2 => "N",
                        _ => "I",
                    };
                    (reason, reason)
                } else if rng.random_bool(0.015) {
                    ("L", "\\")
                } else {
                    ("/", "\\")
                };
                for (session, code) in [("AM", am), ("PM", pm)] {
                    let minutes_late = (code == "L").then(|| rng.random_range(3..25));
                    marks.push(Planned {
                        pupil: *pupil,
                        date: day.to_string(),
                        session,
                        code,
                        minutes_late,
                    });
                }
            }
            day = day.tomorrow()?;
        }
    }
    // The demo parent's children: an illness last week and a late arrival
    // this week, whatever the dice said.
    for (n, child) in children.iter().enumerate() {
        let mut open_days = Vec::new();
        let mut day = today;
        while open_days.len() < 8 && day.month() != 8 {
            if open(day) {
                open_days.push(day.to_string());
            }
            day = day.yesterday()?;
        }
        let late = open_days.get(n).cloned();
        let ill = open_days.get(5 + n).cloned();
        for mark in marks.iter_mut().filter(|m| m.pupil == *child) {
            if Some(&mark.date) == ill.as_ref() {
                mark.code = "I";
                mark.minutes_late = None;
            } else if Some(&mark.date) == late.as_ref() && mark.session == "AM" {
                mark.code = "L";
                mark.minutes_late = Some(10 + 5 * n as i64);
            }
        }
    }
    let marks: Vec<NewMark> = marks
        .iter()
        .map(|m| NewMark {
            pupil: m.pupil,
            date: &m.date,
            session: m.session,
            code: m.code,
            minutes_late: m.minutes_late,
        })
        .collect();
    save_marks(conn, &marks).await
}
