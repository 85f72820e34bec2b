//! Online reports over real HTTP: who reads which report, checked again on
//! every request.

use app::{
    error::AppError,
    ids::{PupilId, ReportId},
    reports::{
        api::{ChildReports, ReadReport},
        model::{ReportSummary, ReportView},
    },
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

async fn listed(app: &TestApp, who: &Client, pupil: PupilId) -> Vec<ReportSummary> {
    let res = app
        .call::<ChildReports>(who, &[("pupil", &pupil.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::OK, "listing reports");
    res.json().await.unwrap()
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
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'access denied' AND subject = ?",
    )
    .bind(format!("report:{report}"))
    .fetch_one(&app.pool)
    .await
    .unwrap()
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
        let report: ReportView = res.json().await.unwrap();
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
        .call::<ChildReports>(&parent, &[("pupil", &stranger.to_string())])
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
    let report: ReportView = res.json().await.unwrap();
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
    assert_eq!(res.json::<ReportView>().await.unwrap().children.len(), 1);
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
