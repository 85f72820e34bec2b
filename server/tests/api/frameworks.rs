//! Frameworks over real HTTP: only admins change them; criteria are added,
//! edited, reordered and retired (keeping their judgements); the scale and
//! subjects are edited; and the markbook follows.

use app::{
    frameworks::{
        api::{
            AddSubject, MoveCriterion, OpenFramework, RetireCriterion, SaveCriterion, SaveScale,
        },
        model::Framework,
    },
    markbook::{api::OpenGrid, model::Grid},
};
use reqwest::{Client, StatusCode};

use crate::helpers::*;

async fn framework(app: &TestApp, admin: &Client, subject: &str, year: &str) -> Framework {
    let res = app
        .call::<OpenFramework>(admin, &[("subject", subject), ("year", year)])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.answer().await.unwrap()
}

fn ok(status: StatusCode) -> bool {
    status.is_success() || status.is_redirection()
}

async fn maths_grid(app: &TestApp, who: &Client) -> Grid {
    let res = app
        .call::<OpenGrid>(who, &[("subject", "3"), ("year", "3")])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let grid: Option<Grid> = res.answer().await.unwrap();
    grid.unwrap()
}

#[tokio::test]
async fn only_admins_change_frameworks() {
    let app = spawn_app().await;
    for who in [TEACHER, SLT, PARENT] {
        let client = app.signed_in(who).await;
        let asks = [
            app.call::<OpenFramework>(&client, &[]).await,
            app.call::<SaveCriterion>(
                &client,
                &[
                    ("subject", "1"),
                    ("year_group", "1"),
                    ("strand", "S"),
                    ("statement", "T"),
                ],
            )
            .await,
            app.call::<MoveCriterion>(&client, &[("id", "1"), ("up", "false")])
                .await,
            app.call::<RetireCriterion>(&client, &[("id", "1"), ("retired", "true")])
                .await,
            app.call::<SaveScale>(
                &client,
                &[
                    ("levels[0][id]", "1"),
                    ("levels[0][key]", "1"),
                    ("levels[0][label]", "x"),
                    ("levels[0][colour]", "red"),
                ],
            )
            .await,
            app.call::<AddSubject>(&client, &[("subject_name", "Science")])
                .await,
        ];
        for res in asks {
            let path = res.url().path().to_owned();
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who} reached {path}");
        }
    }
    let changes: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'framework changed'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(changes, 0);
}

#[tokio::test]
async fn an_admin_adds_edits_reorders_and_retires_criteria_and_the_markbook_follows() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let teacher = app.signed_in(TEACHER).await;
    let before = framework(&app, &admin, "3", "3").await;
    assert!(before.criteria.len() >= 10);

    // Bad input is refused beside its field.
    let res = app
        .call::<SaveCriterion>(
            &admin,
            &[
                ("subject", "3"),
                ("year_group", "3"),
                ("strand", "Geometry"),
                ("statement", "  "),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_of(res).await.for_field("statement").is_some());

    let res = app
        .call::<SaveCriterion>(
            &admin,
            &[
                ("subject", "3"),
                ("year_group", "3"),
                ("strand", "Geometry"),
                ("statement", "Draws 2-D shapes and makes 3-D shapes"),
            ],
        )
        .await;
    assert!(ok(res.status()), "{}", res.status());
    let after = framework(&app, &admin, "3", "3").await;
    let added = after.criteria.last().unwrap().clone();
    assert_eq!(added.statement, "Draws 2-D shapes and makes 3-D shapes");
    let grid = maths_grid(&app, &teacher).await;
    assert_eq!(
        grid.criteria.last().unwrap().id,
        added.id,
        "new criteria join the grid"
    );

    // Up one place, then edited.
    let res = app
        .call::<MoveCriterion>(&admin, &[("id", &added.id.to_string()), ("up", "true")])
        .await;
    assert!(ok(res.status()));
    let moved = framework(&app, &admin, "3", "3").await;
    let n = moved.criteria.len();
    assert_eq!(moved.criteria[n - 2].id, added.id);
    let res = app
        .call::<SaveCriterion>(
            &admin,
            &[
                ("id", &added.id.to_string()),
                ("subject", "3"),
                ("year_group", "3"),
                ("strand", "Geometry"),
                (
                    "statement",
                    "Draws 2-D shapes and makes 3-D shapes with modelling materials",
                ),
            ],
        )
        .await;
    assert!(ok(res.status()));

    // Retiring keeps the judgements and takes the criterion out of the grid.
    let judged = moved
        .criteria
        .iter()
        .find(|c| c.judgements > 0)
        .unwrap()
        .clone();
    let res = app
        .call::<RetireCriterion>(
            &admin,
            &[("id", &judged.id.to_string()), ("retired", "true")],
        )
        .await;
    assert!(ok(res.status()));
    let grid = maths_grid(&app, &teacher).await;
    assert!(grid.criteria.iter().all(|c| c.id != judged.id));
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM judgements WHERE criterion_id = ?")
        .bind(judged.id.0)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(kept, judged.judgements);
    let listed = framework(&app, &admin, "3", "3").await;
    assert!(listed
        .criteria
        .iter()
        .any(|c| c.id == judged.id && c.retired));
    // And back.
    let res = app
        .call::<RetireCriterion>(
            &admin,
            &[("id", &judged.id.to_string()), ("retired", "false")],
        )
        .await;
    assert!(ok(res.status()));
    assert!(maths_grid(&app, &teacher)
        .await
        .criteria
        .iter()
        .any(|c| c.id == judged.id));
}

#[tokio::test]
async fn an_admin_edits_the_scale_and_adds_a_subject() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let scale = framework(&app, &admin, "1", "1").await.scale;
    let ids: Vec<String> = scale.iter().map(|l| l.id.to_string()).collect();
    let form = |keys: [&str; 4], labels: [&str; 4]| -> Vec<(String, String)> {
        let mut form = Vec::new();
        for i in 0..4 {
            form.push((
                format!("levels[{i}][id]"),
                ids.get(i).cloned().unwrap_or_default(),
            ));
            form.push((format!("levels[{i}][key]"), keys[i].to_owned()));
            form.push((format!("levels[{i}][label]"), labels[i].to_owned()));
            form.push((
                format!("levels[{i}][colour]"),
                ["amber", "green", "blue", "purple"][i].to_owned(),
            ));
            if i > 0 {
                form.push((format!("levels[{i}][secured]"), "true".into()));
            }
        }
        form
    };
    let call = |form: Vec<(String, String)>| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let pairs: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.call::<SaveScale>(&admin, &pairs).await
        }
    };
    let labels = ["Working towards", "At expected", "Greater depth", "Mastery"];
    for (keys, field) in [
        (["1", "2", "2", "4"], "key-2"),
        (["1", "h", "3", "4"], "key-1"),
    ] {
        let res = call(form(keys, labels)).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(error_of(res).await.for_field(field).is_some(), "{field}");
    }
    // Two levels with one label (any case): targets are imported by label.
    let twice = ["Working towards", "At expected", "at Expected", "Mastery"];
    let res = call(form(["1", "2", "3", "4"], twice)).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error_of(res).await.for_field("label-2").as_deref(),
        Some("Two levels can't share a label.")
    );
    let res = call(form(["1", "2", "3", "4"], labels)).await;
    assert!(ok(res.status()), "{}", res.status());
    let scale = framework(&app, &admin, "1", "1").await.scale;
    let said: Vec<(&str, &str, bool)> = scale
        .iter()
        .map(|l| (l.key.as_str(), l.label.as_str(), l.secured))
        .collect();
    assert_eq!(
        said,
        [
            ("1", "Working towards", false),
            ("2", "At expected", true),
            ("3", "Greater depth", true),
            ("4", "Mastery", true)
        ]
    );

    let res = app
        .call::<AddSubject>(&admin, &[("subject_name", "Science")])
        .await;
    assert!(ok(res.status()));
    let res = app
        .call::<AddSubject>(&admin, &[("subject_name", "science")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let subjects = framework(&app, &admin, "1", "1").await.subjects;
    assert!(subjects.iter().any(|s| s.name == "Science"));
}
