use sqlx::SqliteConnection;

use super::model::{
    overall, parent_words, ChildLink, ReportSummary, ReportView, SubjectAttainment,
};
use crate::{
    auth::{ParentRights, ReadablePupil, ReadableReport},
    ids::{PupilId, ReportId},
    portal::store::{children, Which},
    school::model::year_label,
    ssr::clock::day_for_people,
};

/// A child's published reports, newest first.
pub async fn published_for(
    conn: &mut SqliteConnection,
    pupil: ReadablePupil,
) -> anyhow::Result<Vec<ReportSummary>> {
    let pupil = pupil.id();
    let rows = sqlx::query!(
        r#"SELECT r.id AS "id!: ReportId", s.name AS session, r.published_at AS "published_at!"
           FROM reports r JOIN report_sessions s ON s.id = r.session_id
           WHERE r.pupil_id = ? AND r.published_at IS NOT NULL
           ORDER BY r.published_at DESC, r.id DESC"#,
        pupil
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ReportSummary {
            id: r.id,
            session: r.session,
            published_on: day_for_people(&r.published_at),
        })
        .collect())
}

/// A whole report. A published one reads the attainment frozen when it was
/// published; one still being written (staff only) reads the markbook now.
pub async fn view(
    conn: &mut SqliteConnection,
    report: ReadableReport,
    parent: Option<ParentRights>,
) -> anyhow::Result<ReportView> {
    let id = report.id();
    let row = sqlx::query!(
        r#"SELECT r.pupil_id AS "pupil!: PupilId", p.first_name, p.surname, r.year_group,
                  g.name AS "class_name: String", s.name AS session, r.published_at,
                  s.with_attainment AS "with_attainment!: bool", s.with_comment AS "with_comment!: bool",
                  r.comment, w.first_name || ' ' || w.surname AS "written_by: String"
           FROM reports r
           JOIN pupils p ON p.id = r.pupil_id
           JOIN report_sessions s ON s.id = r.session_id
           LEFT JOIN groups g ON g.id = r.group_id
           LEFT JOIN users w ON w.id = r.written_by
           WHERE r.id = ?"#,
        id
    )
    .fetch_one(&mut *conn)
    .await?;
    let attainment = if !row.with_attainment {
        None
    } else if row.published_at.is_some() {
        Some(frozen(conn, id).await?)
    } else {
        Some(attainment_now(conn, row.pupil, row.year_group).await?)
    };
    let comment = Some(row.comment).filter(|c| row.with_comment && !c.trim().is_empty());
    // The parent's children for the switcher: the portal's own list.
    let children = match parent {
        Some(parent) => children(conn, Which::LinkedTo(parent))
            .await?
            .into_iter()
            .map(|c| ChildLink {
                id: c.id,
                name: format!("{} {}", c.first_name, c.surname),
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(ReportView {
        id,
        pupil: row.pupil,
        first_name: row.first_name,
        surname: row.surname,
        year: year_label(row.year_group),
        class_name: row.class_name,
        session: row.session,
        published_on: row.published_at.as_deref().map(day_for_people),
        attainment,
        written_by: comment.as_ref().and(row.written_by),
        comment,
        children,
    })
}

async fn frozen(
    conn: &mut SqliteConnection,
    report: ReportId,
) -> anyhow::Result<Vec<SubjectAttainment>> {
    Ok(sqlx::query_as!(
        SubjectAttainment,
        r#"SELECT subject, words, secured, judged FROM report_attainment
           WHERE report_id = ? ORDER BY position"#,
        report
    )
    .fetch_all(conn)
    .await?)
}

/// A pupil's attainment per subject from the markbook as it is now, against
/// their year's criteria: the middle judgement in words, and how many of the
/// judged criteria are secured. Subjects with nothing judged are left out.
pub async fn attainment_now(
    conn: &mut SqliteConnection,
    pupil: PupilId,
    year_group: i64,
) -> anyhow::Result<Vec<SubjectAttainment>> {
    let rows = sqlx::query!(
        r#"SELECT s.name AS subject, l.position AS "position!: i64", l.label AS "label!: String",
                  l.secured AS "secured!: bool"
           FROM judgements j
           JOIN criteria c ON c.id = j.criterion_id
           JOIN subjects s ON s.id = c.subject_id
           JOIN scale_levels l ON l.id = j.level_id
           WHERE j.pupil_id = ?1 AND c.year_group = ?2 AND c.retired_at IS NULL
           ORDER BY s.position, s.id, l.position"#,
        pupil,
        year_group
    )
    .fetch_all(conn)
    .await?;
    let year = year_label(year_group);
    // A subject's judgements: (scale position, label, secured).
    type Judged = Vec<(i64, String, bool)>;
    let mut subjects: Vec<(String, Judged)> = Vec::new();
    for row in rows {
        match subjects.last_mut() {
            Some((name, levels)) if *name == row.subject => {
                levels.push((row.position, row.label, row.secured))
            }
            _ => subjects.push((row.subject, vec![(row.position, row.label, row.secured)])),
        }
    }
    Ok(subjects
        .into_iter()
        .filter_map(|(subject, levels)| {
            let middle = overall(levels.iter().map(|l| l.0).collect())?;
            let label = levels
                .iter()
                .find(|l| l.0 == middle)
                .map(|l| l.1.as_str())?;
            Some(SubjectAttainment {
                words: parent_words(label, &year),
                secured: levels.iter().filter(|l| l.2).count() as i64,
                judged: levels.len() as i64,
                subject,
            })
        })
        .collect())
}

/// Writes a report's attainment as it will be read from now on.
pub async fn freeze(
    conn: &mut SqliteConnection,
    report: ReportId,
    attainment: &[SubjectAttainment],
) -> anyhow::Result<()> {
    sqlx::query!("DELETE FROM report_attainment WHERE report_id = ?", report)
        .execute(&mut *conn)
        .await?;
    for (position, a) in attainment.iter().enumerate() {
        let position = position as i64;
        sqlx::query!(
            "INSERT INTO report_attainment (report_id, position, subject, words, secured, judged)
             VALUES (?, ?, ?, ?, ?, ?)",
            report,
            position,
            a.subject,
            a.words,
            a.secured,
            a.judged
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
