//! The demo school's reports: last term's, published, so the demo parent
//! reads a report for each child straight away; and this term's, still
//! being written, some comments ready for review and a few approved.

use app::{
    ids::{GroupId, PupilId, ReportId, UserId},
    reports::{model::parent_words, model::SubjectAttainment, store},
    school::model::year_label,
    ssr::Clock,
};
use rand::{seq::IndexedRandom, Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sqlx::SqliteConnection;
use time::{Date, Duration, Month};

use super::markbook::user;

/// Reports get their own random stream, so adding them changed nothing else
/// the seed makes.
const STREAM: u64 = 0x7265_706f_7274;

const OPENINGS: &[&str] = &[
    "{name} has settled well this term and comes into class each morning ready to learn.",
    "{name} has worked hard this term and should be proud of the progress made.",
    "It has been a pleasure to teach {name} this term.",
    "{name} is a kind and thoughtful member of the class who is always willing to help others.",
];
const READING: &[&str] = &[
    "In reading, {name} now tackles longer books with confidence and talks about characters with real insight.",
    "{name} enjoys reading aloud and has become much more fluent; reading at home every day will keep this going.",
    "In reading, {name} is learning to explain answers using evidence from the text, and this is improving week by week.",
];
const WRITING: &[&str] = &[
    "{name}'s writing has grown in ambition, with more varied sentences and careful choices of vocabulary.",
    "In writing, {name} plans ideas well; the next step is to check punctuation when editing.",
    "{name} writes with imagination, and handwriting is now neater and more consistent.",
];
const MATHS: &[&str] = &[
    "In maths, {name} has become quicker with number facts and explains methods clearly.",
    "{name} has worked hard in maths, especially on problem solving, and now checks answers carefully.",
    "In maths, {name} is confident with place value; practising times tables at home would help further.",
];
const CLOSINGS: &[&str] = &[
    "Well done, {name}: keep up the excellent effort next term.",
    "Next term, {name} should keep asking questions and sharing ideas in class discussions.",
    "I look forward to seeing {name} continue to grow in confidence next term.",
];

/// A report comment from the banks, in the pupil's first name.
fn comment(rng: &mut ChaCha8Rng, name: &str) -> String {
    let first = [OPENINGS, READING, WRITING]
        .iter()
        .map(|bank| bank.choose(rng).copied().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ");
    let second = [MATHS, CLOSINGS]
        .iter()
        .map(|bank| bank.choose(rng).copied().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ");
    format!("{first}\n\n{second}").replace("{name}", name)
}

/// Last term's attainment, made up (the demo's markbook holds only this
/// half-term): mostly at the expected standard, as in most schools.
fn made_up_attainment(rng: &mut ChaCha8Rng, year: i64) -> Vec<SubjectAttainment> {
    let year = year_label(year);
    ["Reading", "Writing", "Maths"]
        .into_iter()
        .map(|subject| {
            let roll: f64 = rng.random();
            let (label, share) = if roll < 0.2 {
                ("Working towards", rng.random_range(0.3..0.6))
            } else if roll < 0.82 {
                ("Expected", rng.random_range(0.7..0.92))
            } else {
                ("Greater depth", rng.random_range(0.92..1.0))
            };
            let judged: i64 = rng.random_range(18..=28);
            SubjectAttainment {
                subject: subject.to_owned(),
                words: parent_words(label, &year),
                secured: ((judged as f64) * share).round() as i64,
                judged,
            }
        })
        .collect()
}

struct Term {
    name: String,
    publish_on: Date,
}

/// Last term's reports and this term's, by the date: autumn reports go out
/// before Christmas, summer reports in mid-July.
fn terms(today: Date) -> anyhow::Result<(Term, Term)> {
    let year = today.year();
    let summer = |y| Date::from_calendar_date(y, Month::July, 17);
    let autumn = |y| Date::from_calendar_date(y, Month::December, 18);
    Ok(if today > summer(year)? && today <= autumn(year)? {
        (
            Term {
                name: format!("Summer {year}"),
                publish_on: summer(year)?,
            },
            Term {
                name: format!("Autumn {year}"),
                publish_on: autumn(year)?,
            },
        )
    } else {
        let autumn_year = if today > autumn(year)? {
            year
        } else {
            year - 1
        };
        let summer_year = autumn_year + 1;
        (
            Term {
                name: format!("Autumn {autumn_year}"),
                publish_on: autumn(autumn_year)?,
            },
            Term {
                name: format!("Summer {summer_year}"),
                publish_on: summer(summer_year)?,
            },
        )
    })
}

pub async fn add_reports(
    conn: &mut SqliteConnection,
    clock: &Clock,
    seed: u64,
) -> anyhow::Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ STREAM);
    let now = clock.stamp();
    let today = clock.now().date();
    let head = user(conn, "head@oakfield.example").await?;
    let admin = user(conn, "admin@oakfield.example").await?;
    let (last, current) = terms(today)?;
    // Last term's pupils were a year younger if last term was the summer.
    let summer_before = last.name.starts_with("Summer");

    let published_at = format!("{}T14:30:00Z", last.publish_on);
    let last_id = add_session(conn, &last, admin, &now, Some((&published_at, head))).await?;
    let current_id = add_session(conn, &current, admin, &now, None).await?;

    let pupils = sqlx::query!(
        r#"SELECT p.id AS "id!: PupilId", p.first_name, p.year_group,
                  g.id AS "class!: GroupId", gt.user_id AS "teacher!: UserId", g.name AS class_name
           FROM pupils p
           JOIN group_pupils gp ON gp.pupil_id = p.id
           JOIN groups g ON g.id = gp.group_id AND g.kind = 'class'
           JOIN group_teachers gt ON gt.group_id = g.id
           WHERE p.active = 1
           GROUP BY p.id ORDER BY p.id"#
    )
    .fetch_all(&mut *conn)
    .await?;
    for pupil in &pupils {
        // Last term: written, approved by the head and published.
        let year = if summer_before {
            pupil.year_group - 1
        } else {
            pupil.year_group
        };
        let group = (!summer_before).then_some(pupil.class);
        let text = comment(&mut rng, &pupil.first_name);
        let report = sqlx::query_scalar!(
            r#"INSERT INTO reports (session_id, pupil_id, group_id, year_group, status, comment,
                                    version, written_by, written_at, reviewed_by, reviewed_at,
                                    created_at, published_at)
               VALUES (?1, ?2, ?3, ?4, 'published', ?5, 1, ?6, ?7, ?8, ?7, ?7, ?7)
               RETURNING id AS "id!: ReportId""#,
            last_id,
            pupil.id,
            group,
            year,
            text,
            pupil.teacher,
            published_at,
            head
        )
        .fetch_one(&mut *conn)
        .await?;
        let attainment = made_up_attainment(&mut rng, year);
        store::freeze(conn, report, &attainment).await?;
        sqlx::query!(
            "INSERT INTO report_notices (report_id, parent_id, queued_at)
             SELECT ?1, l.parent_id, ?2 FROM parent_links l
             JOIN users u ON u.id = l.parent_id
             WHERE l.pupil_id = ?3 AND u.active = 1 AND u.email IS NOT NULL",
            report,
            published_at,
            pupil.id
        )
        .execute(&mut *conn)
        .await?;

        // This term: about half written so far, some of those ready for
        // review and a few already approved.
        let (status, text) = match rng.random_range(0..10) {
            0..=4 => ("writing", String::new()),
            5..=6 => ("writing", comment(&mut rng, &pupil.first_name)),
            7..=8 => ("ready", comment(&mut rng, &pupil.first_name)),
            _ => ("approved", comment(&mut rng, &pupil.first_name)),
        };
        let written = (!text.is_empty()).then_some(pupil.teacher);
        let written_at = written.map(|_| now.clone());
        let reviewed = (status == "approved").then_some(head);
        let reviewed_at = reviewed.map(|_| now.clone());
        let version = i64::from(!text.is_empty());
        sqlx::query!(
            "INSERT INTO reports (session_id, pupil_id, group_id, year_group, status, comment,
                                  version, written_by, written_at, reviewed_by, reviewed_at, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            current_id,
            pupil.id,
            pupil.class,
            pupil.year_group,
            status,
            text,
            version,
            written,
            written_at,
            reviewed,
            reviewed_at,
            now
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A reporting session over every class, with attainment and a comment
/// (and, while being written, attendance and behaviour).
async fn add_session(
    conn: &mut SqliteConnection,
    term: &Term,
    admin: UserId,
    now: &str,
    published: Option<(&str, UserId)>,
) -> anyhow::Result<i64> {
    let opens = (term.publish_on - Duration::days(35)).to_string();
    let closes = (term.publish_on - Duration::days(7)).to_string();
    let publish = term.publish_on.to_string();
    let (published_at, published_by) = published.unzip();
    let id = sqlx::query_scalar!(
        r#"INSERT INTO report_sessions (name, writing_opens_on, writing_closes_on, publish_on,
                                        created_by, created_at, published_at, published_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!: i64""#,
        term.name,
        opens,
        closes,
        publish,
        admin,
        now,
        published_at,
        published_by
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO report_session_groups (session_id, group_id)
         SELECT ?, id FROM groups WHERE kind = 'class'",
        id
    )
    .execute(&mut *conn)
    .await?;
    // The term being written reports attendance and behaviour too, from the
    // demo's records; last summer's was published before they were kept.
    if published.is_none() {
        sqlx::query!(
            "UPDATE report_sessions SET with_attendance = 1, with_behaviour = 1 WHERE id = ?",
            id
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::terms;
    use time::macros::date;

    #[test]
    fn terms_follow_the_school_year() {
        let (last, current) = terms(date!(2026 - 11 - 24)).unwrap();
        assert_eq!(
            (last.name.as_str(), current.name.as_str()),
            ("Summer 2026", "Autumn 2026")
        );
        let (last, current) = terms(date!(2027 - 03 - 01)).unwrap();
        assert_eq!(
            (last.name.as_str(), current.name.as_str()),
            ("Autumn 2026", "Summer 2027")
        );
        let (last, current) = terms(date!(2026 - 12 - 20)).unwrap();
        assert_eq!(
            (last.name.as_str(), current.name.as_str()),
            ("Autumn 2026", "Summer 2027")
        );
        assert_eq!(current.publish_on, date!(2027 - 07 - 17));
    }
}
