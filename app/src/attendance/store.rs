use std::collections::HashMap;

use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::{
    codes::{code_for, Sessions},
    model::{AttendanceLine, ChildAttendance, RECENT},
};
use crate::{auth::ReadablePupil, ids::PupilId};

/// The school year a school day falls in, by the year it starts in: from 1
/// September to 31 August.
pub fn school_year(day: &str) -> anyhow::Result<i16> {
    let day: jiff::civil::Date = day.parse()?;
    Ok(if day.month() >= 9 {
        day.year()
    } else {
        day.year() - 1
    })
}

/// "2026/27" for the year starting in 2026.
pub fn year_words(year: i16) -> String {
    format!("{year}/{:02}", (year + 1) % 100)
}

/// A session's mark as stored, keyed for comparison with a file's.
pub type MarkKey = (PupilId, String, &'static str);
pub type StoredMark = (String, Option<i64>);

/// Every mark held between two dates (inclusive), to compare a file with.
pub async fn marks_between(
    conn: &mut SqliteConnection,
    from: &str,
    to: &str,
) -> anyhow::Result<HashMap<MarkKey, StoredMark>> {
    let rows = sqlx::query!(
        r#"SELECT pupil_id AS "pupil: PupilId", date, session, code, minutes_late
           FROM attendance_marks WHERE date BETWEEN ? AND ?"#,
        from,
        to
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let session = if r.session == "PM" { "PM" } else { "AM" };
            ((r.pupil, r.date, session), (r.code, r.minutes_late))
        })
        .collect())
}

/// One mark to keep: a new session, or a session the MIS has changed.
pub struct NewMark<'a> {
    pub pupil: PupilId,
    pub date: &'a str,
    pub session: &'static str,
    pub code: &'static str,
    pub minutes_late: Option<i64>,
}

/// Keeps marks, replacing any held for the same sessions, many rows to a
/// statement: a year of a big school's marks is most of a million rows.
pub async fn save_marks(conn: &mut SqliteConnection, marks: &[NewMark<'_>]) -> anyhow::Result<()> {
    // Five values a row, well under SQLite's 32,766 a statement.
    for chunk in marks.chunks(5_000) {
        let mut insert: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO attendance_marks (pupil_id, date, session, code, minutes_late) ",
        );
        insert.push_values(chunk, |mut row, mark| {
            row.push_bind(mark.pupil)
                .push_bind(mark.date)
                .push_bind(mark.session)
                .push_bind(mark.code)
                .push_bind(mark.minutes_late);
        });
        insert.push(
            " ON CONFLICT (pupil_id, date, session) DO UPDATE
              SET code = excluded.code, minutes_late = excluded.minutes_late",
        );
        insert.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The year figures held for a pupil, by year, to compare a CTF's with.
pub async fn years_of(
    conn: &mut SqliteConnection,
    pupil: PupilId,
) -> anyhow::Result<HashMap<i64, Sessions>> {
    let rows = sqlx::query!(
        "SELECT year, possible, attended, authorised, unauthorised
         FROM attendance_years WHERE pupil_id = ?",
        pupil
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let sessions = Sessions {
                possible: r.possible,
                attended: r.attended,
                authorised: r.authorised,
                unauthorised: r.unauthorised,
            };
            (r.year, sessions)
        })
        .collect())
}

pub async fn save_year(
    conn: &mut SqliteConnection,
    pupil: PupilId,
    year: i64,
    s: &Sessions,
) -> anyhow::Result<()> {
    sqlx::query!(
        "INSERT INTO attendance_years (pupil_id, year, possible, attended, authorised, unauthorised)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (pupil_id, year) DO UPDATE
         SET possible = excluded.possible, attended = excluded.attended,
             authorised = excluded.authorised, unauthorised = excluded.unauthorised",
        pupil,
        year,
        s.possible,
        s.attended,
        s.authorised,
        s.unauthorised
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A pupil's sessions this school year (the one `today`, a school day,
/// falls in): from daily marks where any are held, else from the year's
/// summary in a CTF (the flag says which).
async fn this_year(
    conn: &mut SqliteConnection,
    pupil: PupilId,
    today: &str,
) -> anyhow::Result<(i16, Sessions, bool)> {
    let year = school_year(today)?;
    let first_day = format!("{year}-09-01");
    let counts = sqlx::query!(
        r#"SELECT code, COUNT(*) AS "n!: i64" FROM attendance_marks
           WHERE pupil_id = ? AND date BETWEEN ? AND ? GROUP BY code"#,
        pupil,
        first_day,
        today
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut sessions = Sessions::default();
    for row in &counts {
        if let Some(code) = code_for(&row.code) {
            sessions.add(code, row.n);
        }
    }
    if counts.is_empty() {
        if let Some(summary) = years_of(conn, pupil).await?.remove(&i64::from(year)) {
            return Ok((year, summary, true));
        }
    }
    Ok((year, sessions, false))
}

/// A child's attendance this school year, for their page.
pub async fn for_child(
    conn: &mut SqliteConnection,
    pupil: ReadablePupil,
    today: &str,
) -> anyhow::Result<ChildAttendance> {
    let pupil = pupil.id();
    let (year, sessions, from_summary) = this_year(conn, pupil, today).await?;
    let first_day = format!("{year}-09-01");
    Ok(ChildAttendance {
        year: year_words(year),
        percentage: sessions.percentage(),
        attended: sessions.attended,
        possible: sessions.possible,
        from_summary,
        recent: recent(conn, pupil, &first_day, today).await?,
    })
}

/// A report's Attendance section: "96.3% this school year (2026/27):
/// attended 182 of 189 possible sessions." None when nothing is held.
pub async fn report_words(
    conn: &mut SqliteConnection,
    pupil: PupilId,
    today: &str,
) -> anyhow::Result<Option<String>> {
    let (year, sessions, _) = this_year(conn, pupil, today).await?;
    Ok(sessions.percentage().map(|percentage| {
        format!(
            "{percentage} this school year ({}): attended {} of {} possible sessions.",
            year_words(year),
            sessions.attended,
            sessions.possible
        )
    }))
}

/// The latest absences and lates in words, a day's two sessions as one
/// line when the same mark covers both.
async fn recent(
    conn: &mut SqliteConnection,
    pupil: PupilId,
    first_day: &str,
    today: &str,
) -> anyhow::Result<Vec<AttendanceLine>> {
    // Two sessions a day: twice the lines shown is always enough.
    let most = (RECENT * 2) as i64;
    let rows = sqlx::query!(
        r#"SELECT date, session, code, minutes_late FROM attendance_marks
           WHERE pupil_id = ? AND date BETWEEN ? AND ? AND code NOT IN ('/', '\')
           ORDER BY date DESC, session DESC LIMIT ?"#,
        pupil,
        first_day,
        today,
        most
    )
    .fetch_all(conn)
    .await?;
    let mut lines: Vec<(String, &str, String)> = Vec::new();
    for row in rows {
        let Some(code) = code_for(&row.code) else {
            continue;
        };
        let late = matches!(code.code, "L" | "U");
        if !(late || code.counts.absent()) {
            continue;
        }
        let words = match row.minutes_late {
            Some(minutes) if late => format!("{}, {minutes} minutes", code.words),
            _ => code.words.to_owned(),
        };
        let session = if row.session == "PM" {
            "afternoon"
        } else {
            "morning"
        };
        // Newest first, so a day's afternoon comes before its morning.
        match lines.last_mut() {
            Some((date, when, last))
                if *date == row.date && *last == words && *when == "afternoon" =>
            {
                *when = "all day";
            }
            _ => lines.push((row.date, session, words)),
        }
    }
    Ok(lines
        .into_iter()
        .take(RECENT)
        .map(|(date, when, words)| AttendanceLine {
            when: format!("{}, {when}", day_words(&date)),
            words,
        })
        .collect())
}

/// "Tuesday 1 December".
fn day_words(date: &str) -> String {
    date.parse::<jiff::civil::Date>()
        .map(|d| d.strftime("%A %-d %B").to_string())
        .unwrap_or_else(|_| date.to_owned())
}

#[cfg(test)]
mod tests {
    use super::{school_year, year_words};

    #[test]
    fn school_years_start_in_september() {
        assert_eq!(school_year("2026-09-01").unwrap(), 2026);
        assert_eq!(school_year("2026-08-31").unwrap(), 2025);
        assert_eq!(school_year("2027-01-04").unwrap(), 2026);
        assert_eq!(year_words(2026), "2026/27");
        assert_eq!(year_words(2099), "2099/00");
    }
}
