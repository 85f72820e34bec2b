//! What parents see (School settings): an area switched off is absent from
//! a parent's child page, makes no notifications and hides those already
//! made; staff still see everything; only admins switch areas.

use app::{
    classroom::api::Award,
    homework::api::SetHomework,
    ids::PupilId,
    notifications::api::UnreadCount,
    portal::{api::ChildDetails, model::ChildRecord},
    reports::api::ReadReport,
    school::{api::SaveParentAreas, model::ParentAreas},
};
use reqwest::{Client, StatusCode};

use crate::{
    classroom::{classes, parent_of, pupils_of},
    helpers::*,
};

/// Saves What parents see with `areas` ticked, as `who`.
pub(crate) async fn show(app: &TestApp, who: &Client, areas: &[&str]) -> StatusCode {
    let form: Vec<(&str, &str)> = areas.iter().map(|a| ("areas[]", *a)).collect();
    app.call::<SaveParentAreas>(who, &form).await.status()
}

async fn child_page(app: &TestApp, who: &Client, pupil: PupilId) -> ChildRecord {
    let res = app
        .call::<ChildDetails>(who, &[("pupil", &pupil.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.answer().await.unwrap()
}

async fn unread(app: &TestApp, who: &Client) -> i64 {
    app.call::<UnreadCount>(who, &[])
        .await
        .answer()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_area_switched_off_vanishes_from_the_parent_side_and_stops_its_notifications() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let teacher = app.signed_in(TEACHER).await;
    let (class, _) = classes(&app).await;
    let child = pupils_of(&app, class).await[0];
    parent_of(&app, "areas.parent@example.org", child).await;
    let parent = app.signed_in("areas.parent@example.org").await;
    let behaviour: i64 = sqlx::query_scalar(
        "SELECT id FROM behaviours WHERE retired_at IS NULL AND points > 0 ORDER BY position LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let award = |who: &Client| {
        let (class, child, behaviour) =
            (class.to_string(), child.to_string(), behaviour.to_string());
        let app = &app;
        let who = who.clone();
        async move {
            let form = [
                ("group", class.as_str()),
                ("pupils[]", child.as_str()),
                ("behaviour", behaviour.as_str()),
                ("note", ""),
            ];
            assert_eq!(
                app.call::<Award>(&who, &form).await.status(),
                StatusCode::OK
            );
        }
    };
    // A published report of the child (the demo school published last term's).
    let report: i64 = sqlx::query_scalar(
        "SELECT id FROM reports WHERE pupil_id = ? AND published_at IS NOT NULL ORDER BY id LIMIT 1",
    )
    .bind(child.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let read_report = |who: Client| {
        let app = &app;
        async move {
            app.call::<ReadReport>(
                &who,
                &[
                    ("pupil", &child.to_string()),
                    ("report", &report.to_string()),
                ],
            )
            .await
            .status()
        }
    };
    assert_eq!(read_report(parent.clone()).await, StatusCode::OK);

    award(&teacher).await;
    let before = unread(&app, &parent).await;
    assert!(before >= 1);
    let page = child_page(&app, &parent, child).await;
    assert_eq!(page.shown, ParentAreas::ALL);
    assert!(!page.classroom.behaviour.is_empty());

    // Only an admin switches areas.
    assert_eq!(show(&app, &teacher, &[]).await, StatusCode::FORBIDDEN);
    assert_eq!(show(&app, &parent, &[]).await, StatusCode::FORBIDDEN);
    // Behaviour and reports off.
    assert!(
        show(&app, &admin, &["achievements", "attendance", "homework"])
            .await
            .is_success()
    );
    let page = child_page(&app, &parent, child).await;
    assert!(!page.shown.behaviour && !page.shown.reports);
    assert!(page.shown.achievements && page.shown.attendance && page.shown.homework);
    assert!(
        page.classroom.behaviour.is_empty(),
        "nothing of a hidden area is sent"
    );
    assert_eq!(page.classroom.this_term, Default::default());
    assert!(page.reports.is_empty());
    assert_eq!(read_report(parent.clone()).await, StatusCode::NOT_FOUND);
    // Notifications already made about behaviour are hidden; new ones aren't made.
    let now = unread(&app, &parent).await;
    assert!(now < before, "{now} < {before}");
    award(&teacher).await;
    assert_eq!(unread(&app, &parent).await, now);
    let made: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.parent_id
         WHERE u.email = 'areas.parent@example.org' AND n.kind = 'behaviour'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(made, 1, "only the award made while behaviour was shown");
    // Homework is still shown: its notification comes.
    let due = (app.clock.now() + time::Duration::days(3))
        .date()
        .to_string();
    let res = app
        .call::<SetHomework>(
            &teacher,
            &[
                ("group", &class.to_string()),
                ("title", "Spellings"),
                ("due", &due),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(unread(&app, &parent).await, now + 1);

    // Staff still see everything.
    let staff_page = child_page(&app, &teacher, child).await;
    assert_eq!(staff_page.shown, ParentAreas::ALL);
    assert!(!staff_page.classroom.behaviour.is_empty());
    assert_eq!(read_report(admin.clone()).await, StatusCode::OK);

    // An unknown area is named beside the field.
    let res = app
        .call::<SaveParentAreas>(&admin, &[("areas[]", "menus")])
        .await;
    let error = error_of(res).await;
    assert!(error
        .for_field("areas")
        .unwrap()
        .contains("\"menus\" isn't an area parents see"));

    // Switched on again, everything is back.
    assert!(show(
        &app,
        &admin,
        &[
            "reports",
            "behaviour",
            "achievements",
            "attendance",
            "homework"
        ]
    )
    .await
    .is_success());
    assert_eq!(read_report(parent.clone()).await, StatusCode::OK);
    assert!(!child_page(&app, &parent, child)
        .await
        .classroom
        .behaviour
        .is_empty());
}
