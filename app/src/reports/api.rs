#[cfg(feature = "ssr")]
use super::model::ReportsDone;
use leptos::prelude::*;
use server_fn::codec::Postcard;

use super::model::{
    CommentSaved, Published, ReportView, Review, SessionForm, SessionSummary, Writer,
};
use crate::{
    error::AppError,
    ids::{GroupId, PupilId, ReportId, ReportSessionId},
};

/// One report: for a linked parent once it is published, for staff who may
/// read the pupil at any time.
#[server(endpoint = "reports/read_report", output = Postcard)]
pub async fn read_report(pupil: PupilId, report: ReportId) -> Result<ReportView, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, keep_private, respond},
    };
    respond(async move {
        keep_private();
        let viewer = Viewer::current().await?;
        let readable = viewer.report_to_read(pupil, report).await?;
        let mut conn = db()?.acquire().await?;
        let parent = if readable.by_parent() {
            Some(viewer.parent()?)
        } else {
            None
        };
        super::store::view(&mut conn, readable, parent, &viewer.arrival.at).await
    })
    .await
}

/// The reporting sessions, with progress, for staff.
#[server(endpoint = "reports/list_sessions", output = Postcard)]
pub async fn list_sessions() -> Result<Vec<SessionSummary>, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let staff = Viewer::current().await?.staff()?;
        let mut conn = db()?.acquire().await?;
        super::store::sessions(&mut conn, &staff).await
    })
    .await
}

/// A group's reports in a session, for the comment writer: teachers of the
/// group and admins write, SLT read.
#[server(endpoint = "reports/open_writer", output = Postcard)]
pub async fn open_writer(session: ReportSessionId, group: GroupId) -> Result<Writer, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let mut conn = db()?.acquire().await?;
        let open = viewer.group_to_open(&mut conn, group).await?;
        super::store::writer(&mut conn, session, &open).await
    })
    .await
}

/// Autosave of a comment. `version` is the one the teacher's text started
/// from: if someone saved since, nothing is overwritten and the teacher is
/// told, with their text kept in the box.
#[server(endpoint = "reports/save_comment", output = Postcard)]
pub async fn save_comment(
    report: ReportId,
    comment: String,
    version: i64,
) -> Result<CommentSaved, AppError> {
    use super::model::COMMENT_LENGTH;
    use crate::{
        auth::Viewer,
        ssr::respond,
        ssr::usage::{self as events, current_client, UsageKind},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let client = current_client().await?;
        let comment = comment.replace("\r\n", "\n");
        let length = comment.chars().count();
        if length > COMMENT_LENGTH {
            return Err(AppError::invalid(
                "comment",
                format!(
                    "A comment can be at most {COMMENT_LENGTH} characters; this one has {length}."
                ),
            )
            .into());
        }
        let (mut write, writable) = viewer
            .write_checked(async |conn| viewer.report_to_write(conn, report).await)
            .await?;
        let at = write.at.clone();
        let (saved, first_written) =
            super::store::save_comment(&mut write, writable, comment.trim_end(), version, &at)
                .await?;
        if first_written {
            let kind = UsageKind::CommentWritten;
            events::record(&mut write, &at, viewer.id, kind, client, 1).await?;
        }
        write.commit().await?;
        Ok(saved)
    })
    .await
}

/// "Ready for review".
#[server(endpoint = "reports/mark_ready", output = Postcard)]
pub async fn mark_ready(report: ReportId) -> Result<(), AppError> {
    use crate::{
        auth::Viewer,
        ssr::{audit::Audit, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let (mut write, writable) = viewer
            .write_checked(async |conn| viewer.report_to_write(conn, report).await)
            .await?;
        super::store::mark_ready(&mut write, writable).await?;
        write.audit(Audit::ReportReady { report }).await?;
        write.commit().await
    })
    .await
}

/// A session's written comments for SLT and admins to review.
#[server(endpoint = "reports/open_review", output = Postcard)]
pub async fn open_review(session: ReportSessionId) -> Result<Review, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let leadership = viewer.leadership()?;
        let mut conn = db()?.acquire().await?;
        super::store::review(&mut conn, &leadership, session).await
    })
    .await
}

/// "Approve" (SLT and admins).
#[server(endpoint = "reports/approve_report", output = Postcard)]
pub async fn approve_report(report: ReportId, version: i64) -> Result<(), AppError> {
    use crate::{
        auth::Viewer,
        ssr::{audit::Audit, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let leadership = viewer.leadership()?;
        let mut write = viewer.write().await?;
        let at = write.at.clone();
        super::store::approve(&mut write, &leadership, report, version, viewer.id, &at).await?;
        write.audit(Audit::ReportApproved { report }).await?;
        write.commit().await
    })
    .await
}

/// "Send back" with a note for the teacher (SLT and admins).
#[server(endpoint = "reports/send_back", output = Postcard)]
pub async fn send_back(report: ReportId, note: String) -> Result<(), AppError> {
    use super::model::NOTE_LENGTH;
    use crate::{
        auth::Viewer,
        ssr::{audit::Audit, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let leadership = viewer.leadership()?;
        let note = note.trim().to_owned();
        if note.is_empty() {
            return Err(AppError::invalid("note", "Say what the teacher should change.").into());
        }
        if note.chars().count() > NOTE_LENGTH {
            return Err(AppError::invalid(
                "note",
                format!("A note can be at most {NOTE_LENGTH} characters."),
            )
            .into());
        }
        let mut write = viewer.write().await?;
        let at = write.at.clone();
        super::store::send_back(&mut write, &leadership, report, &note, viewer.id, &at).await?;
        write.audit(Audit::ReportSentBack { report }).await?;
        write.commit().await
    })
    .await
}

/// "Publish" (SLT and admins): the session's approved reports go to their
/// parents, each of whom gets one email per report.
#[server(endpoint = "reports/publish_reports", output = Postcard)]
pub async fn publish_reports(
    session: ReportSessionId,
    /// How many approved reports the reviewer was asked to publish.
    expected: i64,
) -> Result<Published, AppError> {
    use crate::{
        auth::Viewer,
        ssr::usage::{self as events, current_client, UsageKind},
        ssr::{audit::Audit, base_url, outbox, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let leadership = viewer.leadership()?;
        let client = current_client().await?;
        let base = base_url()?;
        let mut write = viewer.write().await?;
        let at = write.at.clone();
        let (published, notified) = super::store::publish(
            &mut write,
            &leadership,
            session,
            expected,
            viewer.id,
            &at,
            &base,
        )
        .await?;
        write.audit(Audit::ReportsPublished { session }).await?;
        let times = u32::try_from(published.reports).unwrap_or(u32::MAX);
        let kind = UsageKind::ReportPublished;
        events::record(&mut write, &at, viewer.id, kind, client, times).await?;
        outbox::commit(write).await?;
        crate::notifications::live::announce(&crate::ssr::live()?, notified);
        Ok(published)
    })
    .await
}

/// The session form: the session to change (none for a new one) and the
/// school's groups (admins).
#[server(endpoint = "reports/open_session_form", output = Postcard)]
pub async fn open_session_form(session: Option<ReportSessionId>) -> Result<SessionForm, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let admin = viewer.admin()?;
        let mut conn = db()?.acquire().await?;
        let detail = match session {
            Some(session) => Some(super::store::session_detail(&mut conn, &admin, session).await?),
            None => None,
        };
        let groups = super::store::group_choices(&mut conn, &admin).await?;
        Ok(SessionForm { detail, groups })
    })
    .await
}

/// "Save" on the session form (admins): the session, with a report for
/// each pupil it covers, in one transaction. Dates are typed DD/MM/YYYY.
#[server(endpoint = "reports/save_session", output = Postcard)]
pub async fn save_session(
    id: Option<ReportSessionId>,
    name: String,
    #[server(default)] groups: Vec<GroupId>,
    #[server(default)] years: Vec<i64>,
    #[server(default)] sections: Vec<String>,
    opens_on: String,
    closes_on: String,
    publish_on: String,
    guide: String,
) -> Result<(), AppError> {
    use super::model::{SessionChange, SessionSent};
    use crate::{
        auth::Viewer,
        ssr::{audit::Audit, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let admin = viewer.admin()?;
        let change = SessionChange::parse(SessionSent {
            name,
            groups,
            years,
            sections,
            opens_on,
            closes_on,
            publish_on,
            guide,
        })?;
        let mut write = viewer.write().await?;
        let at = write.at.clone();
        let (session, created) =
            super::store::save_session(&mut write, &admin, id, &change, viewer.id, &at).await?;
        write
            .audit(Audit::ReportSessionSaved { session, created })
            .await?;
        write.commit().await?;
        let done = if created {
            ReportsDone::Created
        } else {
            ReportsDone::Saved
        };
        leptos_axum::redirect(&done.on(&format!("/reports?session={session}")));
        Ok(())
    })
    .await
}
