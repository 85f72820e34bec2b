use sqlx::SqliteConnection;

use super::model::{
    parent_words, ChildLink, CommentSaved, GroupChoice, GroupProgress, Published, ReportStatus,
    ReportSummary, ReportView, Review, ReviewItem, SessionChange, SessionDetail, SessionSummary,
    SubjectAttainment, Writer, WriterPupil, SECTIONS,
};
use crate::{
    auth::{
        AdminRights, LeadershipRights, OpenGroup, ParentRights, ReadablePupil, ReadableReport,
        StaffRights, WritableReport,
    },
    error::AppError,
    ids::{GroupId, PupilId, ReportId, ReportSessionId, UserId},
    markbook::model::overall,
    school::model::{uk_date, year_label},
    ssr::{
        clock::day_for_people,
        outbox::{self, Letter, Template},
    },
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

/// A parent's children for the switcher on their pages: the pupils on the
/// roll they reach, in the portal's order (eldest first).
pub async fn children_of(
    conn: &mut SqliteConnection,
    parent: &ParentRights,
) -> anyhow::Result<Vec<ChildLink>> {
    let parent = parent.parent();
    Ok(sqlx::query_as!(
        ChildLink,
        r#"SELECT p.id AS "id!: PupilId", p.first_name || ' ' || p.surname AS "name!: String"
           FROM pupils p JOIN pupil_reach r ON r.pupil_id = p.id AND r.viewer_id = ?
           WHERE p.active = 1
           ORDER BY p.date_of_birth"#,
        parent
    )
    .fetch_all(conn)
    .await?)
}

/// A whole report. A published one reads the attainment frozen when it was
/// published; one still being written (staff only) reads the markbook now.
/// A report to read. A report not yet published shows its pupil's records
/// as they stand at `now` (a stored timestamp); a published one, as they
/// were when it was published.
pub async fn view(
    conn: &mut SqliteConnection,
    report: ReadableReport,
    parent: Option<ParentRights>,
    now: &str,
) -> anyhow::Result<ReportView> {
    let id = report.id();
    let row = sqlx::query!(
        r#"SELECT r.pupil_id AS "pupil!: PupilId", p.first_name, p.surname, r.year_group,
                  g.name AS "class_name?: String", s.name AS session, r.published_at,
                  s.with_attainment AS "with_attainment!: bool", s.with_comment AS "with_comment!: bool",
                  s.with_attendance AS "with_attendance!: bool", s.with_behaviour AS "with_behaviour!: bool",
                  s.with_external AS "with_external!: bool",
                  r.attendance_words, r.behaviour_words, r.external_words,
                  r.comment, w.first_name || ' ' || w.surname AS "written_by?: String"
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
    let (attendance, behaviour) = if row.published_at.is_some() {
        (row.attendance_words, row.behaviour_words)
    } else {
        records_now(conn, row.pupil, now).await?
    };
    let external = match (row.with_external, row.published_at.is_some()) {
        (false, _) => Vec::new(),
        (true, true) => row
            .external_words
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect(),
        (true, false) => crate::external::store::report_lines(conn, row.pupil).await?,
    };
    let attendance = attendance.filter(|_| row.with_attendance);
    let behaviour = behaviour.filter(|_| row.with_behaviour);
    let comment = Some(row.comment).filter(|c| row.with_comment && !c.trim().is_empty());
    let children = match parent {
        Some(parent) => children_of(conn, &parent).await?,
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
        external,
        attendance,
        behaviour,
        written_by: comment.as_ref().and(row.written_by),
        comment,
        children,
    })
}

/// A pupil's Attendance and Behaviour sections in words at `now`.
async fn records_now(
    conn: &mut SqliteConnection,
    pupil: PupilId,
    now: &str,
) -> anyhow::Result<(Option<String>, Option<String>)> {
    let today = crate::ssr::clock::school_day(now)?;
    let periods = crate::ssr::clock::school_periods(now)?;
    Ok((
        crate::attendance::store::report_words(conn, pupil, &today).await?,
        crate::classroom::store::report_words(conn, pupil, &periods).await?,
    ))
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

/// The reporting sessions, newest first, with their progress and the
/// viewer's own groups in each.
pub async fn sessions(
    conn: &mut SqliteConnection,
    staff: &StaffRights,
) -> anyhow::Result<Vec<SessionSummary>> {
    let viewer = staff.viewer();
    let rows = sqlx::query!(
        r#"SELECT s.id AS "id!: ReportSessionId", s.name, s.writing_opens_on, s.writing_closes_on,
                  s.publish_on, s.published_at IS NOT NULL AS "published!: bool",
                  COUNT(r.id) AS "reports!: i64",
                  COALESCE(SUM(r.comment <> ''), 0) AS "written!: i64",
                  COALESCE(SUM(r.status = 'approved'), 0) AS "approved!: i64",
                  COALESCE(SUM(r.status = 'published'), 0) AS "published_count!: i64"
           FROM report_sessions s LEFT JOIN reports r ON r.session_id = s.id
           GROUP BY s.id ORDER BY s.publish_on DESC, s.id DESC"#
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut sessions = Vec::with_capacity(rows.len());
    for row in rows {
        let my_groups = sqlx::query_as!(
            GroupProgress,
            r#"SELECT g.id AS "id!: GroupId", g.name, COUNT(*) AS "reports!: i64",
                      COALESCE(SUM(r.comment <> ''), 0) AS "written!: i64"
               FROM reports r JOIN groups g ON g.id = r.group_id
                    JOIN group_reach gr ON gr.group_id = g.id AND gr.viewer_id = ?2 AND gr.teaches
               WHERE r.session_id = ?1
               GROUP BY g.id ORDER BY g.year_group, g.name"#,
            row.id,
            viewer
        )
        .fetch_all(&mut *conn)
        .await?;
        sessions.push(SessionSummary {
            id: row.id,
            name: row.name,
            dates: format!(
                "Writing {} to {} · publish {}",
                uk_date(&row.writing_opens_on),
                uk_date(&row.writing_closes_on),
                uk_date(&row.publish_on)
            ),
            published: row.published,
            reports: row.reports,
            written: row.written,
            approved: row.approved,
            published_count: row.published_count,
            my_groups,
        });
    }
    Ok(sessions)
}

/// A group's reports in a session, each with the pupil's attainment now.
pub async fn writer(
    conn: &mut SqliteConnection,
    session: ReportSessionId,
    group: &OpenGroup,
) -> anyhow::Result<Writer> {
    let group_id = group.id();
    let head = sqlx::query!(
        r#"SELECT s.name AS session, s.comment_guide, g.name AS "group!: String",
                  s.with_comment AS "with_comment!: bool",
                  s.published_at IS NOT NULL AS "published!: bool"
           FROM report_sessions s JOIN groups g ON g.id = ?2
           WHERE s.id = ?1"#,
        session,
        group_id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let rows = sqlx::query!(
        r#"SELECT r.id AS "report!: ReportId", r.pupil_id AS "pupil!: PupilId", r.year_group,
                  p.first_name, p.surname, r.status, r.comment, r.version, r.review_note
           FROM reports r JOIN pupils p ON p.id = r.pupil_id
           WHERE r.session_id = ? AND r.group_id = ?
           ORDER BY p.surname COLLATE NOCASE, p.first_name COLLATE NOCASE"#,
        session,
        group_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut pupils = Vec::with_capacity(rows.len());
    for row in rows {
        let attainment = attainment_now(conn, row.pupil, row.year_group).await?;
        pupils.push(WriterPupil {
            report: row.report,
            first_name: row.first_name,
            surname: row.surname,
            status: ReportStatus::from_stored(&row.status, !row.comment.trim().is_empty()),
            comment: row.comment,
            version: row.version,
            review_note: row.review_note,
            attainment,
        });
    }
    Ok(Writer {
        session: head.session,
        group: head.group,
        guide: head.comment_guide as usize,
        can_write: group.can_edit() && !head.published,
        with_comment: head.with_comment,
        pupils,
    })
}

/// Saves a comment if nobody saved a newer one since `version` was read.
/// Approved and published comments are locked.
pub async fn save_comment(
    conn: &mut SqliteConnection,
    report: WritableReport,
    comment: &str,
    version: i64,
    at: &str,
) -> anyhow::Result<(CommentSaved, bool)> {
    let id = report.id();
    let writer = report.viewer();
    let saved = sqlx::query!(
        r#"UPDATE reports SET comment = ?1, version = version + 1, written_by = ?2, written_at = ?3,
                  status = CASE WHEN status = 'ready' AND ?1 = '' THEN 'writing' ELSE status END
           WHERE id = ?4 AND version = ?5 AND status IN ('writing', 'ready', 'returned')
           RETURNING version, status"#,
        comment,
        writer,
        at,
        id,
        version
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(saved) = saved {
        let written = !comment.trim().is_empty();
        // The report's first save with words in it: a comment written, for
        // School Usage.
        let first_written = saved.version == 1 && written;
        return Ok((
            CommentSaved {
                version: saved.version,
                status: ReportStatus::from_stored(&saved.status, written),
            },
            first_written,
        ));
    }
    let stored = sqlx::query!(
        "SELECT status, comment, version FROM reports WHERE id = ?",
        id
    )
    .fetch_one(&mut *conn)
    .await?;
    let status = stored.status;
    // The same words are stored already: an earlier save went through but its
    // answer never arrived. Carry on from the stored version.
    if stored.comment == comment && matches!(status.as_str(), "writing" | "ready" | "returned") {
        let saved = CommentSaved {
            version: stored.version,
            status: ReportStatus::from_stored(&status, !comment.trim().is_empty()),
        };
        return Ok((saved, false));
    }
    let message = if matches!(status.as_str(), "approved" | "published") {
        "This comment has been approved, so it can't be changed. Ask SLT to send it back."
    } else {
        "Someone else changed this comment since you opened it. Your text is still in the box: copy it, then reload to see theirs."
    };
    Err(AppError::invalid("comment", message).into())
}

/// "Ready for review": the comment goes to SLT.
pub async fn mark_ready(conn: &mut SqliteConnection, report: WritableReport) -> anyhow::Result<()> {
    let id = report.id();
    let done = sqlx::query!(
        "UPDATE reports SET status = 'ready'
         WHERE id = ? AND status IN ('writing', 'returned')
           AND (comment <> '' OR NOT (SELECT with_comment FROM report_sessions s
                                      WHERE s.id = reports.session_id))",
        id
    )
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::invalid(
            "comment",
            "Write a comment before marking it ready for review.",
        )
        .into());
    }
    Ok(())
}

/// A session's written reports for SLT, those waiting for review first.
pub async fn review(
    conn: &mut SqliteConnection,
    _leadership: &LeadershipRights,
    session: ReportSessionId,
) -> anyhow::Result<Review> {
    let head = sqlx::query!(
        r#"SELECT name, published_at IS NOT NULL AS "published!: bool" FROM report_sessions WHERE id = ?"#,
        session
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let items = sqlx::query!(
        r#"SELECT r.id AS "report!: ReportId", r.pupil_id AS "pupil!: PupilId",
                  p.first_name || ' ' || p.surname AS "name!: String", g.name AS "group?: String",
                  r.status, r.comment, w.first_name || ' ' || w.surname AS "written_by?: String",
                  r.review_note, r.version
           FROM reports r JOIN pupils p ON p.id = r.pupil_id
           JOIN report_sessions s ON s.id = r.session_id
           LEFT JOIN groups g ON g.id = r.group_id
           LEFT JOIN users w ON w.id = r.written_by
           WHERE r.session_id = ? AND (r.comment <> '' OR r.status <> 'writing' OR NOT s.with_comment)
           ORDER BY CASE r.status WHEN 'ready' THEN 0 WHEN 'returned' THEN 1 WHEN 'writing' THEN 2
                                  WHEN 'approved' THEN 3 ELSE 4 END,
                    g.year_group, g.name, p.surname COLLATE NOCASE, p.first_name COLLATE NOCASE"#,
        session
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| ReviewItem {
        report: r.report,
        pupil: r.pupil,
        name: r.name,
        group: r.group,
        status: ReportStatus::from_stored(&r.status, true),
        comment: r.comment,
        written_by: r.written_by,
        review_note: r.review_note,
        version: r.version,
    })
    .collect();
    Ok(Review {
        session: head.name,
        published: head.published,
        items,
    })
}

/// Approves a comment marked ready for review (or one sent back, should SLT
/// change their mind), as long as it is the version the reviewer read.
pub async fn approve(
    conn: &mut SqliteConnection,
    _leadership: &LeadershipRights,
    report: ReportId,
    version: i64,
    reviewer: UserId,
    at: &str,
) -> anyhow::Result<()> {
    let done = sqlx::query!(
        "UPDATE reports SET status = 'approved', review_note = NULL, reviewed_by = ?, reviewed_at = ?
         WHERE id = ? AND version = ? AND status IN ('ready', 'returned')",
        reviewer,
        at,
        report,
        version
    )
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() > 0 {
        return Ok(());
    }
    let stored = sqlx::query!("SELECT status, version FROM reports WHERE id = ?", report)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let message = match stored.status.as_str() {
        "published" => return Err(AppError::NotFound.into()),
        "approved" => "This comment is approved already.",
        "writing" => "This comment isn't ready for review yet.",
        _ if stored.version != version => {
            "The teacher has changed this comment since you opened it. Reload to read it before approving."
        }
        _ => "This comment can't be approved now. Reload to see where it is.",
    };
    Err(AppError::invalid("approve", message).into())
}

/// Sends a comment back to its teacher with a note; it unlocks an approved one.
pub async fn send_back(
    conn: &mut SqliteConnection,
    _leadership: &LeadershipRights,
    report: ReportId,
    note: &str,
    reviewer: UserId,
    at: &str,
) -> anyhow::Result<()> {
    let done = sqlx::query!(
        "UPDATE reports SET status = 'returned', review_note = ?, reviewed_by = ?, reviewed_at = ?
         WHERE id = ? AND status IN ('writing', 'ready', 'returned', 'approved')",
        note,
        reviewer,
        at,
        report
    )
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound.into());
    }
    Ok(())
}

/// Publishes a session's approved reports, in the caller's transaction:
/// each gets its attainment frozen, and each active parent linked to the
/// pupil with an email address gets one email per report, never twice.
pub async fn publish(
    conn: &mut SqliteConnection,
    _leadership: &LeadershipRights,
    session: ReportSessionId,
    expected: i64,
    publisher: UserId,
    at: &str,
    base_url: &str,
) -> anyhow::Result<(Published, Vec<UserId>)> {
    let name = sqlx::query_scalar!("SELECT name FROM report_sessions WHERE id = ?", session)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(AppError::NotFound)?;
    let approved = sqlx::query!(
        r#"SELECT r.id AS "report!: ReportId", r.pupil_id AS "pupil!: PupilId", r.year_group
           FROM reports r WHERE r.session_id = ? AND r.status = 'approved'"#,
        session
    )
    .fetch_all(&mut *conn)
    .await?;
    if approved.is_empty() {
        return Err(AppError::invalid(
            "publish",
            "No reports are approved yet: approve some in Review first.",
        )
        .into());
    }
    // The reviewer was asked about a number of reports: publish only that.
    if approved.len() as i64 != expected {
        return Err(AppError::invalid(
            "publish",
            format!(
                "{} reports are approved now, not {expected}: someone else has approved or published some. Reload to see them before publishing.",
                approved.len()
            ),
        )
        .into());
    }
    // Every parent linked to a child whose report this publish adds is
    // notified, email or not; the email goes once (below).
    let what = format!("{name} report");
    let mut notified = Vec::new();
    for report in &approved {
        notified.extend(
            crate::notifications::store::tell_about_pupil(
                conn,
                report.pupil,
                crate::notifications::model::NotificationKind::Report,
                &what,
                at,
            )
            .await?,
        );
        let attainment = attainment_now(conn, report.pupil, report.year_group).await?;
        freeze(conn, report.report, &attainment).await?;
        let (attendance, behaviour) = records_now(conn, report.pupil, at).await?;
        let external = crate::external::store::report_lines(conn, report.pupil)
            .await?
            .join("\n");
        sqlx::query!(
            "UPDATE reports SET attendance_words = ?, behaviour_words = ?, external_words = ?
             WHERE id = ?",
            attendance,
            behaviour,
            external,
            report.report
        )
        .execute(&mut *conn)
        .await?;
        sqlx::query!(
            "UPDATE reports SET status = 'published', published_at = ? WHERE id = ?",
            at,
            report.report
        )
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query!(
        "UPDATE report_sessions SET published_at = COALESCE(published_at, ?1),
                published_by = COALESCE(published_by, ?2) WHERE id = ?3",
        at,
        publisher,
        session
    )
    .execute(&mut *conn)
    .await?;
    // Who to tell: RETURNING gives only the rows this publish added, so a
    // second publish never emails a parent about the same report again.
    let notices = sqlx::query!(
        r#"INSERT INTO report_notices (report_id, parent_id, queued_at)
           SELECT r.id, u.id, ?2 FROM reports r
           JOIN parent_links l ON l.pupil_id = r.pupil_id
           JOIN users u ON u.id = l.parent_id
           WHERE r.session_id = ?1 AND r.status = 'published'
             AND u.role = 'parent' AND u.active = 1 AND u.email IS NOT NULL
             AND 'report' IN (SELECT kind FROM notification_kinds_shown)
           ON CONFLICT (report_id, parent_id) DO NOTHING
           RETURNING report_id AS "report!: ReportId", parent_id AS "parent!: UserId""#,
        session,
        at
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut emails = 0;
    for notice in &notices {
        // A parent who turned report emails off in Settings still sees the
        // report and its notification; only the email stays unsent.
        if !crate::notifications::summary::wants_report_emails(conn, notice.parent).await? {
            continue;
        }
        let to = sqlx::query!(
            r#"SELECT u.email AS "email!: String", u.first_name || ' ' || u.surname AS "name!: String",
                      p.first_name AS child, r.pupil_id AS "pupil!: PupilId"
               FROM users u, reports r JOIN pupils p ON p.id = r.pupil_id
               WHERE u.id = ? AND r.id = ?"#,
            notice.parent,
            notice.report
        )
        .fetch_one(&mut *conn)
        .await?;
        let link = format!("{base_url}/children/{}/reports/{}", to.pupil, notice.report);
        let about = format!("{}'s {name} report", to.child);
        outbox::queue(
            conn,
            at,
            Letter {
                template: Template::ReportPublished,
                to_address: &to.email,
                to_name: &to.name,
                link: Some(&link),
                expires: None,
                about: Some(&about),
                lines: &[],
            },
        )
        .await?;
        let outbox_id = sqlx::query_scalar!("SELECT last_insert_rowid() AS \"id!: i64\"")
            .fetch_one(&mut *conn)
            .await?;
        sqlx::query!(
            "UPDATE report_notices SET outbox_id = ? WHERE report_id = ? AND parent_id = ?",
            outbox_id,
            notice.report,
            notice.parent
        )
        .execute(&mut *conn)
        .await?;
        emails += 1;
    }
    let published = Published {
        reports: approved.len() as i64,
        emails,
    };
    Ok((published, notified))
}

/// The school's groups, for the session form.
pub async fn group_choices(
    conn: &mut SqliteConnection,
    _admin: &AdminRights,
) -> anyhow::Result<Vec<GroupChoice>> {
    Ok(sqlx::query!(
        r#"SELECT id AS "id!: GroupId", name, year_group FROM groups
           ORDER BY year_group IS NULL, year_group, kind, name COLLATE NOCASE"#
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|g| GroupChoice {
        id: g.id,
        name: g.name,
        year: g
            .year_group
            .map(year_label)
            .unwrap_or_else(|| "Mixed years".to_owned()),
    })
    .collect())
}

/// A session as its form shows it.
pub async fn session_detail(
    conn: &mut SqliteConnection,
    _admin: &AdminRights,
    session: ReportSessionId,
) -> anyhow::Result<SessionDetail> {
    let row = sqlx::query!(
        r#"SELECT name, with_attainment AS "with_attainment!: bool", with_external AS "with_external!: bool",
                  with_comment AS "with_comment!: bool", with_attendance AS "with_attendance!: bool",
                  with_behaviour AS "with_behaviour!: bool", comment_guide, writing_opens_on,
                  writing_closes_on, publish_on, published_at IS NOT NULL AS "published!: bool"
           FROM report_sessions WHERE id = ?"#,
        session
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let groups = sqlx::query_scalar!(
        r#"SELECT group_id AS "id!: GroupId" FROM report_session_groups WHERE session_id = ?"#,
        session
    )
    .fetch_all(&mut *conn)
    .await?;
    let years = sqlx::query_scalar!(
        "SELECT year_group FROM report_session_years WHERE session_id = ? ORDER BY year_group",
        session
    )
    .fetch_all(&mut *conn)
    .await?;
    let on = [
        row.with_attainment,
        row.with_external,
        row.with_comment,
        row.with_attendance,
        row.with_behaviour,
    ];
    let sections = SECTIONS
        .iter()
        .zip(on)
        .filter(|(_, on)| *on)
        .map(|((value, _), _)| (*value).to_owned())
        .collect();
    Ok(SessionDetail {
        id: session,
        name: row.name,
        groups,
        years,
        sections,
        opens_on: uk_date(&row.writing_opens_on),
        closes_on: uk_date(&row.writing_closes_on),
        publish_on: uk_date(&row.publish_on),
        guide: row.comment_guide,
        published: row.published,
    })
}

/// Creates or changes a session, then gives every pupil it now covers a
/// report. Answers the session and whether it is new.
pub async fn save_session(
    conn: &mut SqliteConnection,
    _admin: &AdminRights,
    session: Option<ReportSessionId>,
    change: &SessionChange,
    by: UserId,
    at: &str,
) -> anyhow::Result<(ReportSessionId, bool)> {
    let on = |section: &str| change.sections.iter().any(|s| s == section);
    let (attainment, external, comment, attendance, behaviour) = (
        on("attainment"),
        on("external"),
        on("comment"),
        on("attendance"),
        on("behaviour"),
    );
    let taken = sqlx::query_scalar!(
        r#"SELECT id AS "id!: ReportSessionId" FROM report_sessions WHERE name = ? AND id IS NOT ?"#,
        change.name,
        session
    )
    .fetch_optional(&mut *conn)
    .await?;
    if taken.is_some() {
        return Err(AppError::invalid(
            "name",
            "Another reporting session has this name. Choose a different one.",
        )
        .into());
    }
    let id = match session {
        Some(id) => {
            let published = sqlx::query_scalar!(
                r#"SELECT published_at IS NOT NULL AS "published!: bool" FROM report_sessions WHERE id = ?"#,
                id
            )
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(AppError::NotFound)?;
            if published {
                return Err(AppError::invalid(
                    "",
                    "This session has been published, so it can't be changed.",
                )
                .into());
            }
            sqlx::query!(
                "UPDATE report_sessions SET name = ?, with_attainment = ?, with_external = ?,
                        with_comment = ?, with_attendance = ?, with_behaviour = ?, comment_guide = ?,
                        writing_opens_on = ?, writing_closes_on = ?, publish_on = ?
                 WHERE id = ?",
                change.name,
                attainment,
                external,
                comment,
                attendance,
                behaviour,
                change.guide,
                change.opens_on,
                change.closes_on,
                change.publish_on,
                id
            )
            .execute(&mut *conn)
            .await?;
            sqlx::query!("DELETE FROM report_session_groups WHERE session_id = ?", id)
                .execute(&mut *conn)
                .await?;
            sqlx::query!("DELETE FROM report_session_years WHERE session_id = ?", id)
                .execute(&mut *conn)
                .await?;
            id
        }
        None => {
            sqlx::query_scalar!(
                r#"INSERT INTO report_sessions (name, with_attainment, with_external, with_comment,
                      with_attendance, with_behaviour, comment_guide, writing_opens_on,
                      writing_closes_on, publish_on, created_by, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               RETURNING id AS "id!: ReportSessionId""#,
                change.name,
                attainment,
                external,
                comment,
                attendance,
                behaviour,
                change.guide,
                change.opens_on,
                change.closes_on,
                change.publish_on,
                by,
                at
            )
            .fetch_one(&mut *conn)
            .await?
        }
    };
    for group in &change.groups {
        sqlx::query!(
            "INSERT INTO report_session_groups (session_id, group_id)
             SELECT ?1, id FROM groups WHERE id = ?2",
            id,
            group
        )
        .execute(&mut *conn)
        .await?;
    }
    for year in &change.years {
        sqlx::query!(
            "INSERT INTO report_session_years (session_id, year_group) VALUES (?, ?)",
            id,
            year
        )
        .execute(&mut *conn)
        .await?;
    }
    fill_reports(conn, id, at).await?;
    Ok((id, session.is_none()))
}

/// Gives each active pupil the session covers a report (a chosen group's
/// pupils under that group; a chosen year's under their class), and drops
/// untouched reports of pupils it no longer covers. Written ones are kept.
async fn fill_reports(
    conn: &mut SqliteConnection,
    session: ReportSessionId,
    at: &str,
) -> anyhow::Result<()> {
    sqlx::query!(
        "INSERT INTO reports (session_id, pupil_id, group_id, year_group, created_at)
         SELECT ?1, gp.pupil_id, MIN(gp.group_id), p.year_group, ?2
         FROM report_session_groups sg
         JOIN group_pupils gp ON gp.group_id = sg.group_id
         JOIN pupils p ON p.id = gp.pupil_id
         WHERE sg.session_id = ?1 AND p.active = 1
         GROUP BY gp.pupil_id
         ON CONFLICT (session_id, pupil_id) DO NOTHING",
        session,
        at
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "INSERT INTO reports (session_id, pupil_id, group_id, year_group, created_at)
         SELECT ?1, p.id,
                (SELECT MIN(g.id) FROM group_pupils gp JOIN groups g ON g.id = gp.group_id
                 WHERE gp.pupil_id = p.id AND g.kind = 'class'),
                p.year_group, ?2
         FROM pupils p JOIN report_session_years y ON y.year_group = p.year_group
         WHERE y.session_id = ?1 AND p.active = 1
         ON CONFLICT (session_id, pupil_id) DO NOTHING",
        session,
        at
    )
    .execute(&mut *conn)
    .await?;
    // Reports nobody has started follow the session's groups as they are now.
    sqlx::query!(
        "UPDATE reports SET group_id = COALESCE(
             (SELECT MIN(gp.group_id) FROM report_session_groups sg
              JOIN group_pupils gp ON gp.group_id = sg.group_id
              WHERE sg.session_id = reports.session_id AND gp.pupil_id = reports.pupil_id),
             (SELECT MIN(g.id) FROM group_pupils gp JOIN groups g ON g.id = gp.group_id
              WHERE gp.pupil_id = reports.pupil_id AND g.kind = 'class'))
         WHERE session_id = ? AND status = 'writing' AND comment = ''",
        session
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM reports
         WHERE session_id = ?1 AND status = 'writing' AND comment = ''
           AND pupil_id NOT IN (
               SELECT gp.pupil_id FROM report_session_groups sg
               JOIN group_pupils gp ON gp.group_id = sg.group_id WHERE sg.session_id = ?1
               UNION
               SELECT p.id FROM pupils p JOIN report_session_years y ON y.year_group = p.year_group
               WHERE y.session_id = ?1)",
        session
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
