//! Progress: each pupil's share of their year's criteria secured and the
//! overall judgement it comes to, for the groups in the viewer's reach.

use app::{
    ids::{GroupId, PupilId, SubjectId},
    progress::{api::OpenProgress, model::ProgressTable},
};
use reqwest::{Client, StatusCode};

use crate::{
    classroom::{classes, pupils_of},
    helpers::*,
};

async fn progress(
    app: &TestApp,
    who: &Client,
    group: GroupId,
    subject: SubjectId,
) -> reqwest::Response {
    app.call::<OpenProgress>(
        who,
        &[
            ("group", &group.to_string()),
            ("subject", &subject.to_string()),
        ],
    )
    .await
}

async fn insert(app: &TestApp, sql: &str, values: &[i64]) -> i64 {
    let mut query = sqlx::query_scalar::<_, i64>(sql);
    for v in values {
        query = query.bind(*v);
    }
    query.fetch_one(&app.pool).await.unwrap()
}

#[tokio::test]
async fn the_share_secured_and_the_judgement_follow_the_rule_for_each_pupil_in_reach() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let (class, other) = classes(&app).await;
    let roll = pupils_of(&app, class).await;
    let (a, b, c) = (roll[0], roll[1], roll[2]);
    let year = insert(
        &app,
        "SELECT year_group FROM groups WHERE id = ?",
        &[class.0],
    )
    .await;
    // A subject of its own: four criteria for the class's year, one retired,
    // and one for the next year.
    let subject = insert(
        &app,
        "INSERT INTO subjects (name, position) VALUES ('Progress science', 99) RETURNING id",
        &[],
    )
    .await;
    let criterion = |retired: bool, year: i64| {
        let app = &app;
        async move {
            insert(
                app,
                "INSERT INTO criteria (subject_id, year_group, strand, statement, position, retired_at, created_at)
                 VALUES (?1, ?2, 'Enquiry', 'A statement', 1,
                         CASE WHEN ?3 THEN '2026-01-01T00:00:00Z' END, '2026-01-01T00:00:00Z')
                 RETURNING id",
                &[subject, year, retired as i64],
            )
            .await
        }
    };
    let mut live = Vec::new();
    for _ in 0..4 {
        live.push(criterion(false, year).await);
    }
    let retired = criterion(true, year).await;
    let next_year = criterion(false, year + 1).await;
    // The school's scale by position: 1 working towards (not secured),
    // 2 expected and 3 greater depth (both secured).
    let level = |position: i64| {
        let app = &app;
        async move {
            insert(
                app,
                "SELECT id FROM scale_levels WHERE position = ?",
                &[position],
            )
            .await
        }
    };
    let (towards, expected, depth) = (level(1).await, level(2).await, level(3).await);
    let judge = |pupil: PupilId, criterion: i64, level: i64| {
        let app = &app;
        async move {
            sqlx::query(
                "INSERT INTO judgements (pupil_id, criterion_id, level_id, set_at)
                 VALUES (?, ?, ?, '2026-11-02T10:00:00Z')",
            )
            .bind(pupil.0)
            .bind(criterion)
            .bind(level)
            .execute(&app.pool)
            .await
            .unwrap();
        }
    };
    // Pupil a: towards, expected, depth on three of the four, and depth on
    // the retired and next year's criteria (neither counts).
    judge(a, live[0], towards).await;
    judge(a, live[1], expected).await;
    judge(a, live[2], depth).await;
    judge(a, retired, depth).await;
    judge(a, next_year, depth).await;
    // Pupil b: towards, towards, depth, depth.
    judge(b, live[0], towards).await;
    judge(b, live[1], towards).await;
    judge(b, live[2], depth).await;
    judge(b, live[3], depth).await;
    // Pupil c: nothing yet.

    let res = progress(&app, &teacher, class, SubjectId(subject)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let table: ProgressTable = res.json().await.unwrap();
    let chosen = table.chosen.expect("the group and subject asked for");
    assert_eq!(chosen.subject_name, "Progress science");
    assert_eq!(table.rows.len(), roll.len(), "everyone on the roll");
    let row = |pupil: PupilId| {
        let row = table.rows.iter().find(|r| r.pupil == pupil).unwrap();
        (
            row.secured,
            row.criteria,
            row.share(),
            row.judgement.clone(),
        )
    };
    // a: expected and depth secured, 2 of 4 = 50 %; the middle of
    // [towards, expected, depth] is expected.
    assert_eq!(row(a), (2, 4, Some(50), Some("Expected".to_owned())));
    // b: 2 of 4 = 50 %; of [towards, towards, depth, depth] the lower
    // middle is towards.
    assert_eq!(row(b), (2, 4, Some(50), Some("Working towards".to_owned())));
    // c: 0 of 4, no judgement.
    assert_eq!(row(c), (0, 4, Some(0), None));

    // Another class, out of the teacher's reach: not found. SLT see it.
    let res = progress(&app, &teacher, other, SubjectId(subject)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let slt = app.signed_in(SLT).await;
    assert_eq!(
        progress(&app, &slt, other, SubjectId(subject))
            .await
            .status(),
        StatusCode::OK
    );
    // Parents have no Progress.
    let parent = app.signed_in(PARENT).await;
    assert_eq!(
        progress(&app, &parent, class, SubjectId(subject))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // Nothing chosen: the first group and subject.
    let res = app.call::<OpenProgress>(&teacher, &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let first: ProgressTable = res.json().await.unwrap();
    assert!(first.chosen.is_some());
}
