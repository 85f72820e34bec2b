//! Online reports over real HTTP: who reads which report, checked again on
//! every request.

use std::collections::BTreeSet;

use app::{
    error::AppError,
    ids::{GroupId, PupilId, ReportId, ReportSessionId},
    portal::{api::ChildDetails, model::ChildRecord},
    reports::{
        api::{
            ApproveReport, MarkReady, OpenReview, OpenSessionForm, OpenWriter, PublishReports,
            ReadReport, SaveComment, SaveSession, SendBack,
        },
        model::{
            CommentSaved, Published, ReportStatus, ReportSummary, ReportView, Review, SessionForm,
            Writer,
        },
    },
    settings::api::SaveEmailChoices,
};
use reqwest::{Client, Response, StatusCode};

use crate::helpers::*;

async fn read(app: &TestApp, who: &Client, pupil: PupilId, report: ReportId) -> Response {
    app.call::<ReadReport>(
        who,
        &[
            ("pupil", &pupil.to_string()),
            ("report", &report.to_string()),
        ],
    )
    .await
}

/// A child's published reports, as their page lists them.
async fn listed(app: &TestApp, who: &Client, pupil: PupilId) -> Vec<ReportSummary> {
    let res = app
        .call::<ChildDetails>(who, &[("pupil", &pupil.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::OK, "listing reports");
    res.answer::<ChildRecord>().await.unwrap().reports
}

async fn children_of(app: &TestApp, parent: &str) -> Vec<PupilId> {
    sqlx::query_scalar::<_, i64>(
        "SELECT l.pupil_id FROM parent_links l JOIN users u ON u.id = l.parent_id
         WHERE u.email = ? ORDER BY l.pupil_id",
    )
    .bind(parent)
    .fetch_all(&app.pool)
    .await
    .unwrap()
    .into_iter()
    .map(PupilId)
    .collect()
}

/// A pupil's report in the published session, or in the one being written.
async fn report_of(app: &TestApp, pupil: PupilId, published: bool) -> ReportId {
    ReportId(
        sqlx::query_scalar(
            "SELECT id FROM reports WHERE pupil_id = ? AND (published_at IS NOT NULL) = ?",
        )
        .bind(pupil.0)
        .bind(published)
        .fetch_one(&app.pool)
        .await
        .unwrap(),
    )
}

async fn denials(app: &TestApp, report: ReportId) -> i64 {
    app.denials(&format!("report:{report}")).await
}

#[tokio::test]
async fn a_parent_reads_each_childs_published_report_in_words() {
    let app = spawn_app().await;
    let parent = app.signed_in(PARENT).await;
    let children = children_of(&app, PARENT).await;
    assert_eq!(children.len(), 2, "the demo parent has two children");
    for pupil in children {
        let reports = listed(&app, &parent, pupil).await;
        assert_eq!(reports.len(), 1, "last term's report, and not this term's");
        let res = read(&app, &parent, pupil, reports[0].id).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            res.headers()["cache-control"].to_str().unwrap(),
            "private, no-store"
        );
        let report: ReportView = res.answer().await.unwrap();
        assert_eq!(report.pupil, pupil);
        assert!(report.published_on.is_some());
        let attainment = report.attainment.expect("an attainment section");
        assert_eq!(attainment.len(), 3, "Reading, Writing and Maths");
        for subject in &attainment {
            assert!(
                subject.words.contains("standard") || subject.words.contains("greater depth"),
                "in words: {}",
                subject.words
            );
            assert!(subject.secured <= subject.judged);
        }
        let comment = report.comment.expect("a teacher's comment");
        assert!(comment.contains(&report.first_name), "{comment}");
        // The switcher offers both children.
        assert_eq!(report.children.len(), 2);
    }
}

#[tokio::test]
async fn a_parent_asking_for_another_pupils_report_by_id_gets_nothing() {
    let app = spawn_app().await;
    let parent = app.signed_in(PARENT).await;
    let mine = children_of(&app, PARENT).await;
    let stranger: i64 = sqlx::query_scalar(
        "SELECT p.id FROM pupils p WHERE NOT EXISTS (
           SELECT 1 FROM parent_links l JOIN users u ON u.id = l.parent_id
           WHERE l.pupil_id = p.id AND u.email = ?) ORDER BY p.id LIMIT 1",
    )
    .bind(PARENT)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let stranger = PupilId(stranger);
    let theirs = report_of(&app, stranger, true).await;
    // Asked for under the other pupil, and under the parent's own child.
    for pupil in [stranger, mine[0]] {
        let res = read(&app, &parent, pupil, theirs).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        assert_eq!(error_of(res).await, AppError::NotFound);
    }
    assert_eq!(
        denials(&app, theirs).await,
        2,
        "each refusal is in the audit log"
    );
    let res = app
        .call::<ChildDetails>(&parent, &[("pupil", &stranger.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn reports_are_hidden_from_parents_until_published() {
    let app = spawn_app().await;
    let parent = app.signed_in(PARENT).await;
    let child = children_of(&app, PARENT).await[0];
    let draft = report_of(&app, child, false).await;
    let res = read(&app, &parent, child, draft).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(listed(&app, &parent, child)
        .await
        .iter()
        .all(|r| r.id != draft));
    // Staff who may see the pupil read it while it is written.
    let head = app.signed_in(SLT).await;
    let res = read(&app, &head, child, draft).await;
    assert_eq!(res.status(), StatusCode::OK);
    let report: ReportView = res.answer().await.unwrap();
    assert_eq!(report.published_on, None);
    assert!(report.children.is_empty(), "no switcher for staff");
}

#[tokio::test]
async fn an_inactive_parent_is_refused_the_report_at_the_next_request() {
    let app = spawn_app().await;
    let parent = app.signed_in(PARENT).await;
    let child = children_of(&app, PARENT).await[0];
    let report = report_of(&app, child, true).await;
    assert_eq!(
        read(&app, &parent, child, report).await.status(),
        StatusCode::OK
    );
    sqlx::query("UPDATE users SET active = 0 WHERE email = ?")
        .bind(PARENT)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        read(&app, &parent, child, report).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_removed_link_loses_the_report_at_the_next_request() {
    let app = spawn_app().await;
    let parent = app.signed_in(PARENT).await;
    let children = children_of(&app, PARENT).await;
    let (kept, removed) = (children[0], children[1]);
    let report = report_of(&app, removed, true).await;
    assert_eq!(
        read(&app, &parent, removed, report).await.status(),
        StatusCode::OK
    );
    let parent_id = app.user_id(PARENT).await;
    sqlx::query("DELETE FROM parent_links WHERE parent_id = ? AND pupil_id = ?")
        .bind(parent_id)
        .bind(removed.0)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        read(&app, &parent, removed, report).await.status(),
        StatusCode::NOT_FOUND
    );
    // The other child's report is still theirs, and the switcher has one child.
    let other = report_of(&app, kept, true).await;
    let res = read(&app, &parent, kept, other).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.answer::<ReportView>().await.unwrap().children.len(), 1);
}

#[tokio::test]
async fn a_teacher_reads_reports_only_of_pupils_in_their_groups() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let pupil_in = |own: bool| {
        let pool = app.pool.clone();
        async move {
            PupilId(
                sqlx::query_scalar::<_, i64>(
                    "SELECT gp.pupil_id FROM group_pupils gp
                     JOIN group_teachers gt ON gt.group_id = gp.group_id
                     JOIN users u ON u.id = gt.user_id
                     WHERE (u.email = ?1) = ?2
                       AND NOT EXISTS (SELECT 1 FROM group_pupils mine
                                       JOIN group_teachers t ON t.group_id = mine.group_id
                                       JOIN users me ON me.id = t.user_id
                                       WHERE mine.pupil_id = gp.pupil_id AND me.email = ?1) != ?2
                     ORDER BY gp.pupil_id LIMIT 1",
                )
                .bind(TEACHER)
                .bind(own)
                .fetch_one(&pool)
                .await
                .unwrap(),
            )
        }
    };
    let own = pupil_in(true).await;
    let other = pupil_in(false).await;
    for published in [true, false] {
        let report = report_of(&app, own, published).await;
        assert_eq!(
            read(&app, &teacher, own, report).await.status(),
            StatusCode::OK
        );
        let report = report_of(&app, other, published).await;
        assert_eq!(
            read(&app, &teacher, other, report).await.status(),
            StatusCode::NOT_FOUND
        );
    }
}

/// The session still being written, and the demo teacher's class in it.
async fn current_session(app: &TestApp) -> (ReportSessionId, GroupId) {
    let session: i64 =
        sqlx::query_scalar("SELECT id FROM report_sessions WHERE published_at IS NULL")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let group: i64 = sqlx::query_scalar(
        "SELECT g.id FROM groups g JOIN group_teachers gt ON gt.group_id = g.id
         JOIN users u ON u.id = gt.user_id WHERE u.email = ? AND g.kind = 'class'",
    )
    .bind(TEACHER)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    (ReportSessionId(session), GroupId(group))
}

async fn writer(app: &TestApp, who: &Client, session: ReportSessionId, group: GroupId) -> Response {
    app.call::<OpenWriter>(
        who,
        &[
            ("session", &session.to_string()),
            ("group", &group.to_string()),
        ],
    )
    .await
}

async fn save(app: &TestApp, who: &Client, report: ReportId, text: &str, version: i64) -> Response {
    app.call::<SaveComment>(
        who,
        &[
            ("report", &report.to_string()),
            ("comment", text),
            ("version", &version.to_string()),
        ],
    )
    .await
}

#[tokio::test]
async fn teachers_write_comments_only_for_their_own_groups() {
    let app = spawn_app().await;
    let (session, group) = current_session(&app).await;
    let teacher = app.signed_in(TEACHER).await;
    let res = writer(&app, &teacher, session, group).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page: Writer = res.answer().await.unwrap();
    assert!(page.can_write);
    assert!(!page.pupils.is_empty());
    // Another class's report: neither opened nor written.
    let (other_group, other_report): (i64, i64) = sqlx::query_as(
        "SELECT group_id, id FROM reports WHERE session_id = ? AND group_id <> ? LIMIT 1",
    )
    .bind(session.0)
    .bind(group.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        writer(&app, &teacher, session, GroupId(other_group))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let res = save(
        &app,
        &teacher,
        ReportId(other_report),
        "Not mine to write.",
        0,
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let untouched: String = sqlx::query_scalar("SELECT comment FROM reports WHERE id = ?")
        .bind(other_report)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_ne!(untouched, "Not mine to write.");
    // SLT read a class they don't teach but don't write in it; parents get nothing.
    let head = app.signed_in(SLT).await;
    let page: Writer = writer(&app, &head, session, group)
        .await
        .answer()
        .await
        .unwrap();
    assert!(!page.can_write);
    let report = page.pupils[0].report;
    assert_eq!(
        save(&app, &head, report, "SLT text", page.pupils[0].version)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let parent = app.signed_in(PARENT).await;
    assert_eq!(
        writer(&app, &parent, session, group).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        save(&app, &parent, report, "Parent text", 0).await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_autosave_never_overwrites_a_newer_comment() {
    let app = spawn_app().await;
    let (session, group) = current_session(&app).await;
    let teacher = app.signed_in(TEACHER).await;
    let page: Writer = writer(&app, &teacher, session, group)
        .await
        .answer()
        .await
        .unwrap();
    let pupil = page
        .pupils
        .iter()
        .find(|p| p.status.writable())
        .expect("a comment still to write");
    let first: CommentSaved = save(&app, &teacher, pupil.report, "First draft.", pupil.version)
        .await
        .answer()
        .await
        .unwrap();
    assert_eq!(first.version, pupil.version + 1);
    let second: CommentSaved = save(&app, &teacher, pupil.report, "Second draft.", first.version)
        .await
        .answer()
        .await
        .unwrap();
    // A late save from the first version (another tab) is refused and says so.
    let stale = save(&app, &teacher, pupil.report, "Stale text.", first.version).await;
    assert_eq!(stale.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let AppError::Invalid { field, message, .. } = error_of(stale).await else {
        panic!("not Invalid")
    };
    assert_eq!(field, "comment");
    assert!(message.contains("still in the box"), "{message}");
    let stored: (String, i64) = sqlx::query_as("SELECT comment, version FROM reports WHERE id = ?")
        .bind(pupil.report.0)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, ("Second draft.".to_owned(), second.version));
    // The same words again from the older version (the answer to a save that
    // went through was lost on the way): no harm done, and the version now.
    let again: CommentSaved = save(&app, &teacher, pupil.report, "Second draft.", first.version)
        .await
        .answer()
        .await
        .unwrap();
    assert_eq!(again.version, second.version);
    // Too long: refused beside the box, nothing stored.
    let long = "a".repeat(6001);
    let res = save(&app, &teacher, pupil.report, &long, second.version).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = error_of(res).await;
    assert!(error.for_field("comment").is_some(), "{error:?}");
    let stored: String = sqlx::query_scalar("SELECT comment FROM reports WHERE id = ?")
        .bind(pupil.report.0)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, "Second draft.");
}

#[tokio::test]
async fn an_approved_comment_is_locked_until_sent_back() {
    let app = spawn_app().await;
    let (session, group) = current_session(&app).await;
    let teacher = app.signed_in(TEACHER).await;
    let head = app.signed_in(SLT).await;
    let page: Writer = writer(&app, &teacher, session, group)
        .await
        .answer()
        .await
        .unwrap();
    let pupil = page.pupils.iter().find(|p| p.status.writable()).unwrap();
    let saved: CommentSaved = save(&app, &teacher, pupil.report, "A fine term.", pupil.version)
        .await
        .answer()
        .await
        .unwrap();
    let ready = app
        .call::<MarkReady>(&teacher, &[("report", &pupil.report.to_string())])
        .await;
    assert_eq!(ready.status(), StatusCode::OK);
    // Only SLT and admins approve, and only the version they read.
    let report_id = pupil.report.to_string();
    let version = saved.version.to_string();
    let stale = (saved.version - 1).to_string();
    let form = [
        ("report", report_id.as_str()),
        ("version", version.as_str()),
    ];
    let approve = |who| app.call::<ApproveReport>(who, &form);
    assert_eq!(approve(&teacher).await.status(), StatusCode::FORBIDDEN);
    let res = app
        .call::<ApproveReport>(&head, &[("report", &report_id), ("version", &stale)])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = error_of(res).await;
    assert!(
        error
            .for_field("approve")
            .is_some_and(|m| m.contains("changed")),
        "{error:?}"
    );
    assert_eq!(approve(&head).await.status(), StatusCode::OK);
    let res = save(
        &app,
        &teacher,
        pupil.report,
        "Changed after approval.",
        saved.version,
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let AppError::Invalid { message, .. } = error_of(res).await else {
        panic!()
    };
    assert!(message.contains("approved"), "{message}");
    // Sent back with a note: the teacher sees the note and can write again.
    let note = [
        ("report", pupil.report.to_string()),
        ("note", "Say more about maths.".to_owned()),
    ];
    let note: Vec<(&str, &str)> = note.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.call::<SendBack>(&teacher, &note).await.status(),
        StatusCode::FORBIDDEN
    );
    let empty = [("report", note[0].1), ("note", " ")];
    assert_eq!(
        app.call::<SendBack>(&head, &empty).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        app.call::<SendBack>(&head, &note).await.status(),
        StatusCode::OK
    );
    let page: Writer = writer(&app, &teacher, session, group)
        .await
        .answer()
        .await
        .unwrap();
    let back = page
        .pupils
        .iter()
        .find(|p| p.report == pupil.report)
        .unwrap();
    assert_eq!(back.status, ReportStatus::SentBack);
    assert_eq!(back.review_note.as_deref(), Some("Say more about maths."));
    assert_eq!(
        save(&app, &teacher, pupil.report, "More on maths.", back.version)
            .await
            .status(),
        StatusCode::OK
    );
    // The review list shows SLT what waits; teachers can't open it.
    let session_id = session.to_string();
    let form = [("session", session_id.as_str())];
    let review = |who| app.call::<OpenReview>(who, &form);
    assert_eq!(review(&teacher).await.status(), StatusCode::FORBIDDEN);
    let list: Review = review(&head).await.answer().await.unwrap();
    assert!(list.items.iter().any(|i| i.report == pupil.report));
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE subject = ? AND action IN
         ('report ready for review', 'report approved', 'report sent back')",
    )
    .bind(format!("report:{}", pupil.report))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, 3);
}

#[tokio::test]
async fn publishing_emails_each_linked_active_parent_once_per_report() {
    let app = spawn_app().await;
    let (session, _) = current_session(&app).await;
    let head = app.signed_in(SLT).await;
    let teacher = app.signed_in(TEACHER).await;
    // One co-parent of an approved report's pupil is made inactive: no email for them.
    let inactive: String = sqlx::query_scalar(
        "SELECT u.email FROM reports r JOIN parent_links l ON l.pupil_id = r.pupil_id
         JOIN users u ON u.id = l.parent_id
         WHERE r.session_id = ? AND r.status = 'approved' AND u.email IS NOT NULL
           AND (SELECT COUNT(*) FROM parent_links o WHERE o.pupil_id = r.pupil_id) > 1
         LIMIT 1",
    )
    .bind(session.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query("UPDATE users SET active = 0 WHERE email = ?")
        .bind(&inactive)
        .execute(&app.pool)
        .await
        .unwrap();
    // A parent who turned report emails off in Settings is sent none.
    let quiet = "no.report.emails@example.org";
    let pupil: i64 = sqlx::query_scalar(
        "SELECT pupil_id FROM reports WHERE session_id = ? AND status = 'approved' LIMIT 1",
    )
    .bind(session.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    crate::classroom::parent_of(&app, quiet, PupilId(pupil)).await;
    let res = app
        .call::<SaveEmailChoices>(&app.signed_in(quiet).await, &[("emails[]", "behaviour")])
        .await;
    assert!(res.status().is_success());
    let expected: BTreeSet<(String, i64)> = sqlx::query_as::<_, (String, i64)>(
        "SELECT u.email, r.id FROM reports r JOIN parent_links l ON l.pupil_id = r.pupil_id
         JOIN users u ON u.id = l.parent_id
         WHERE r.session_id = ? AND r.status = 'approved' AND u.active = 1 AND u.email IS NOT NULL
           AND u.email <> 'no.report.emails@example.org'",
    )
    .bind(session.0)
    .fetch_all(&app.pool)
    .await
    .unwrap()
    .into_iter()
    .collect();
    assert!(!expected.is_empty());
    let approved = count(
        &app,
        "SELECT COUNT(*) FROM reports WHERE session_id = ? AND status = 'approved'",
        session.0,
    )
    .await;
    let publish = |who, expected: i64| {
        let form = [
            ("session", session.to_string()),
            ("expected", expected.to_string()),
        ];
        let app = &app;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call::<PublishReports>(who, &form).await
        }
    };
    assert_eq!(
        publish(&teacher, approved).await.status(),
        StatusCode::FORBIDDEN
    );
    // Asked about a different number than are approved now: nothing is published.
    let res = publish(&head, approved - 1).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let published_now =
        "SELECT COUNT(*) FROM reports WHERE session_id = ? AND status = 'published'";
    assert_eq!(count(&app, published_now, session.0).await, 0);
    let res = publish(&head, approved).await;
    assert_eq!(res.status(), StatusCode::OK);
    let published: Published = res.answer().await.unwrap();
    assert_eq!(published.reports, approved);
    assert_eq!(published.emails as usize, expected.len());
    while app.deliver_mail().await > 0 {}
    let mut received = BTreeSet::new();
    for message in app.mailbox.messages() {
        let report = message.report_linked();
        assert!(
            message
                .subject
                .ends_with("report from Oakfield Primary School"),
            "{}",
            message.subject
        );
        assert!(
            received.insert((message.to.clone(), report)),
            "{} got report {report} twice",
            message.to
        );
    }
    assert_eq!(received, expected);
    assert!(received
        .iter()
        .all(|(to, _)| *to != inactive && to != quiet));
    // Without the email, the report's notification still comes.
    let quiet_told: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.parent_id
         WHERE u.email = ? AND n.kind = 'report'",
    )
    .bind(quiet)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(quiet_told, 1);
    // Publishing again sends nothing new, and the reports stay published.
    let again = publish(&head, 0).await;
    assert_eq!(
        again.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing approved is left"
    );
    assert_eq!(app.deliver_mail().await, 0);
    // A published report can't be sent back or approved again.
    let (report, version): (i64, i64) = sqlx::query_as(
        "SELECT id, version FROM reports WHERE session_id = ? AND status = 'published' LIMIT 1",
    )
    .bind(session.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (report, version) = (report.to_string(), version.to_string());
    let res = app
        .call::<SendBack>(&head, &[("report", report.as_str()), ("note", "More")])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app
        .call::<ApproveReport>(
            &head,
            &[("report", report.as_str()), ("version", version.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // One more report approved later: only its pupil's parents hear, once.
    let (later, later_version, later_pupil): (i64, i64, i64) = sqlx::query_as(
        "SELECT r.id, r.version, r.pupil_id FROM reports r WHERE r.session_id = ? AND r.status = 'ready'
           AND EXISTS (SELECT 1 FROM parent_links l JOIN users u ON u.id = l.parent_id
                       WHERE l.pupil_id = r.pupil_id AND u.active = 1 AND u.email IS NOT NULL)
         LIMIT 1",
    )
    .bind(session.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (later_id, later_version) = (later.to_string(), later_version.to_string());
    let res = app
        .call::<ApproveReport>(
            &head,
            &[
                ("report", later_id.as_str()),
                ("version", later_version.as_str()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let before = app.mailbox.messages().len();
    let res = publish(&head, 1).await;
    assert_eq!(res.status(), StatusCode::OK);
    let published: Published = res.answer().await.unwrap();
    let parents = count(
        &app,
        "SELECT COUNT(*) FROM parent_links l JOIN users u ON u.id = l.parent_id
         WHERE l.pupil_id = ? AND u.active = 1 AND u.email IS NOT NULL",
        later_pupil,
    )
    .await;
    assert_eq!((published.reports, published.emails), (1, parents));
    while app.deliver_mail().await > 0 {}
    let news = app.mailbox.messages().split_off(before);
    assert_eq!(news.len() as i64, parents);
    assert!(news
        .iter()
        .all(|m| m.text.contains(&format!("/reports/{later}"))));
    // The parent's link opens the report for them.
    let (to, report) = expected.iter().next().unwrap().clone();
    let pupil: i64 = sqlx::query_scalar("SELECT pupil_id FROM reports WHERE id = ?")
        .bind(report)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE email = ?) WHERE email = ?")
        .bind(PARENT)
        .bind(&to)
        .execute(&app.pool)
        .await
        .unwrap();
    let parent = app.signed_in(&to).await;
    let res = read(&app, &parent, PupilId(pupil), ReportId(report)).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_published_report_keeps_its_attainment_when_the_markbook_changes() {
    let app = spawn_app().await;
    let (session, _) = current_session(&app).await;
    let head = app.signed_in(SLT).await;
    let approved = count(
        &app,
        "SELECT COUNT(*) FROM reports WHERE session_id = ? AND status = 'approved'",
        session.0,
    )
    .await;
    let res = app
        .call::<PublishReports>(
            &head,
            &[
                ("session", &session.to_string()),
                ("expected", &approved.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let (report, pupil): (i64, i64) = sqlx::query_as(
        "SELECT r.id, r.pupil_id FROM reports r WHERE r.session_id = ? AND r.status = 'published'
           AND EXISTS (SELECT 1 FROM judgements j WHERE j.pupil_id = r.pupil_id) LIMIT 1",
    )
    .bind(session.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let before: ReportView = read(&app, &head, PupilId(pupil), ReportId(report))
        .await
        .answer()
        .await
        .unwrap();
    sqlx::query("DELETE FROM judgements WHERE pupil_id = ?")
        .bind(pupil)
        .execute(&app.pool)
        .await
        .unwrap();
    let after: ReportView = read(&app, &head, PupilId(pupil), ReportId(report))
        .await
        .answer()
        .await
        .unwrap();
    assert!(!before.attainment.as_ref().unwrap().is_empty());
    assert_eq!(before.attainment, after.attainment);
}

/// Saves the session form, its fields as below with `change` applied (an
/// empty value leaves the field out).
async fn save_session(app: &TestApp, who: &Client, change: &[(&str, &str)]) -> Response {
    let mut form = vec![
        ("name", "Spring 2027"),
        ("years[]", "4"),
        ("sections[]", "attainment"),
        ("sections[]", "comment"),
        ("opens_on", "01/03/2027"),
        ("closes_on", "19/03/2027"),
        ("publish_on", "26/03/2027"),
        ("guide", "1000"),
    ];
    for (key, value) in change {
        form.retain(|(k, _)| k != key);
        if !value.is_empty() {
            form.push((key, value));
        }
    }
    app.call::<SaveSession>(who, &form).await
}

async fn count(app: &TestApp, sql: &str, bind: i64) -> i64 {
    sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_admin_makes_a_session_and_each_pupil_it_covers_gets_one_report() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let head = app.signed_in(SLT).await;
    // Only admins make sessions.
    let res = save_session(&app, &head, &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Each mistake is named on its field, and nothing is stored.
    for (change, field) in [
        (("name", "  "), "name"),
        (("name", "Summer 2026"), "name"),
        (("years[]", ""), "groups"),
        (("sections[]", ""), "sections"),
        (("opens_on", "31/02/2027"), "opens_on"),
        (("closes_on", "28/02/2027"), "closes_on"),
        (("publish_on", "18/03/2027"), "publish_on"),
        (("guide", "50"), "guide"),
    ] {
        let res = save_session(&app, &admin, &[change]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{change:?}");
        let error = error_of(res).await;
        assert!(
            error.for_field(field).is_some(),
            "{change:?} gave {error:?}"
        );
    }
    let sessions = count(&app, "SELECT COUNT(*) FROM report_sessions WHERE id > ?", 0).await;
    assert_eq!(sessions, 2, "the demo's two sessions and nothing more");
    // Year 4 and a Year 2 class: every active pupil once.
    let extra: i64 =
        sqlx::query_scalar("SELECT id FROM groups WHERE kind = 'class' AND year_group = 2 LIMIT 1")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let extra_id = extra.to_string();
    let res = save_session(&app, &admin, &[("groups[]", &extra_id)]).await;
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let session: i64 =
        sqlx::query_scalar("SELECT id FROM report_sessions WHERE name = 'Spring 2027'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let expected = count(
        &app,
        "SELECT COUNT(*) FROM pupils p WHERE p.active = 1 AND (p.year_group = 4
           OR p.id IN (SELECT pupil_id FROM group_pupils WHERE group_id = ?))",
        extra,
    )
    .await;
    let in_session = "SELECT COUNT(*) FROM reports WHERE session_id = ?";
    assert!(expected > 0);
    assert_eq!(count(&app, in_session, session).await, expected);
    // The form reads back as saved.
    let session_id = session.to_string();
    let res = app
        .call::<OpenSessionForm>(&admin, &[("session", session_id.as_str())])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let form: SessionForm = res.answer().await.unwrap();
    let detail = form.detail.expect("the session");
    assert_eq!(detail.years, vec![4]);
    assert_eq!(detail.groups, vec![GroupId(extra)]);
    assert_eq!(detail.opens_on, "01/03/2027");
    assert_eq!(detail.sections, vec!["attainment", "comment"]);
    // Dropping the Year 2 class drops its untouched reports, but keeps one
    // with a comment written.
    sqlx::query(
        "UPDATE reports SET comment = 'Begun.', version = 1
         WHERE id = (SELECT MIN(r.id) FROM reports r JOIN pupils p ON p.id = r.pupil_id
                     WHERE r.session_id = ? AND p.year_group = 2)",
    )
    .bind(session)
    .execute(&app.pool)
    .await
    .unwrap();
    let res = save_session(&app, &admin, &[("id", &session_id)]).await;
    assert!(res.status().is_success() || res.status().is_redirection());
    let year_4 = count(
        &app,
        "SELECT COUNT(*) FROM pupils WHERE active = 1 AND year_group = ?",
        4,
    )
    .await;
    assert_eq!(count(&app, in_session, session).await, year_4 + 1);
    // A published session can't be changed.
    let published: i64 =
        sqlx::query_scalar("SELECT id FROM report_sessions WHERE published_at IS NOT NULL")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let published = published.to_string();
    let res = save_session(
        &app,
        &admin,
        &[("id", &published), ("name", "Summer 2026 again")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM report_sessions WHERE id = ? AND name = 'Summer 2026'",
            published.parse().unwrap()
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_reports_attendance_behaviour_and_external_results_come_from_the_records_and_are_frozen_at_publish(
) {
    let app = spawn_app().await;
    let (session, _) = current_session(&app).await;
    let head = app.signed_in(SLT).await;
    let (report, pupil): (i64, i64) = sqlx::query_as(
        "SELECT id, pupil_id FROM reports WHERE session_id = ? AND status = 'approved' LIMIT 1",
    )
    .bind(session.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (pupil, report) = (PupilId(pupil), ReportId(report));
    let view = async |app: &TestApp| -> ReportView {
        read(app, &head, pupil, report)
            .await
            .answer()
            .await
            .unwrap()
    };
    // Built for the test: today's two sessions (present, then ill) and
    // this term's points and an achievement.
    let today = app.clock.now().date().to_string();
    let now = app.clock.stamp();
    for sql in [
        "DELETE FROM attendance_marks WHERE pupil_id = ?1",
        "DELETE FROM attendance_years WHERE pupil_id = ?1",
        "DELETE FROM classroom_entries WHERE pupil_id = ?1",
        "INSERT INTO attendance_marks (pupil_id, date, session, code) VALUES (?1, ?2, 'AM', '/'), (?1, ?2, 'PM', 'I')",
        "INSERT INTO classroom_entries (pupil_id, kind, behaviour_id, title, points, recorded_at)
         SELECT ?1, 'behaviour', id, name, points, ?3 FROM behaviours WHERE name IN ('Kindness', 'Disruption')",
        "INSERT INTO classroom_entries (pupil_id, kind, title, recorded_at) VALUES (?1, 'achievement', 'Star of the week', ?3)",
    ] {
        sqlx::query(sql)
            .bind(pupil.0)
            .bind(&today)
            .bind(&now)
            .execute(&app.pool)
            .await
            .unwrap();
    }

    // And a Phonics Screening Check result, as an import writes it.
    for sql in [
        "INSERT INTO assessments (id, name, taken_on, lowest, highest, pass_mark, pass_words, created_at)
         VALUES (900, 'Report check', '2026-06-09', 0, 40, 32, 'Working at the expected standard', ?3)",
        "INSERT INTO result_imports (id, assessment_id, file_name, imported_at, added, replaced, skipped)
         VALUES (900, 900, 'check.csv', ?3, 1, 0, 0)",
        "INSERT INTO external_results (assessment_id, pupil_id, score, import_id) VALUES (900, ?1, 35, 900)",
    ] {
        sqlx::query(sql)
            .bind(pupil.0)
            .bind(&today)
            .bind(&now)
            .execute(&app.pool)
            .await
            .unwrap();
    }

    // Without the sections, the report has none of them.
    sqlx::query("UPDATE report_sessions SET with_attendance = 0, with_behaviour = 0, with_external = 0 WHERE id = ?")
        .bind(session.0)
        .execute(&app.pool)
        .await
        .unwrap();
    let without = view(&app).await;
    assert_eq!((without.attendance, without.behaviour), (None, None));
    assert!(without.external.is_empty());

    // With them: worked from the rule, 1 of 2 possible sessions is 50.0%;
    // Kindness +1 and Disruption −1 this term; one achievement.
    sqlx::query("UPDATE report_sessions SET with_attendance = 1, with_behaviour = 1, with_external = 1 WHERE id = ?")
        .bind(session.0)
        .execute(&app.pool)
        .await
        .unwrap();
    let year = {
        let date = app.clock.now().date();
        let start = if u8::from(date.month()) >= 9 {
            date.year()
        } else {
            date.year() - 1
        };
        format!("{start}/{:02}", (start + 1) % 100)
    };
    let attendance = format!("50.0% this school year ({year}): attended 1 of 2 possible sessions.");
    let behaviour = "This term: 1 positive, 1 negative points. Achievements: Star of the week.";
    let draft = view(&app).await;
    assert_eq!(draft.attendance.as_deref(), Some(attendance.as_str()));
    assert_eq!(draft.behaviour.as_deref(), Some(behaviour));
    let external = ["Report check (09/06/2026): 35 (Working at the expected standard)"];
    assert_eq!(draft.external, external);

    let approved: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM reports WHERE session_id = ? AND status = 'approved'",
    )
    .bind(session.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let res = app
        .call::<PublishReports>(
            &head,
            &[
                ("session", &session.to_string()),
                ("expected", &approved.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    // Later records change nothing the published report says.
    sqlx::query("UPDATE attendance_marks SET code = 'N' WHERE pupil_id = ?")
        .bind(pupil.0)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM classroom_entries WHERE pupil_id = ?")
        .bind(pupil.0)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM external_results WHERE pupil_id = ?")
        .bind(pupil.0)
        .execute(&app.pool)
        .await
        .unwrap();
    let published = view(&app).await;
    assert_eq!(published.external, external, "frozen at publish");
    assert!(published.published_on.is_some());
    assert_eq!(published.attendance.as_deref(), Some(attendance.as_str()));
    assert_eq!(published.behaviour.as_deref(), Some(behaviour));
}
