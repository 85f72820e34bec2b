//! Homework over real HTTP: set for a group in reach only, every parent of
//! its pupils told, hand-ins recorded from the group's list, and what a
//! parent reads as due, handed in and overdue.

use app::{
    homework::{
        api::{OpenHandIns, OpenHomework, SaveHandIns, SetHomework},
        model::{GroupHomework, HandIn, HandInList},
    },
    ids::{GroupId, HomeworkId, PupilId},
    portal::{api::ChildDetails, model::ChildRecord},
};
use reqwest::{Client, StatusCode};
use time::{macros::format_description, Duration};

use crate::{
    classroom::{classes, parent_of, pupils_of},
    helpers::*,
};

/// The school's date `days` from the test clock's today, as a date input
/// sends it.
fn in_days(app: &TestApp, days: i64) -> String {
    (app.clock.now() + Duration::days(days))
        .date()
        .format(format_description!("[year]-[month]-[day]"))
        .unwrap()
}

async fn set(
    app: &TestApp,
    who: &Client,
    group: GroupId,
    title: &str,
    due: &str,
) -> reqwest::Response {
    app.call::<SetHomework>(
        who,
        &[
            ("group", &group.to_string()),
            ("title", title),
            ("description", "Learn the ten words on the sheet."),
            ("due", due),
        ],
    )
    .await
}

async fn hand_ins(
    app: &TestApp,
    who: &Client,
    homework: HomeworkId,
    marks: &[(PupilId, HandIn)],
) -> reqwest::Response {
    let homework = homework.to_string();
    let mut form = vec![("homework".to_owned(), homework)];
    for (n, (pupil, status)) in marks.iter().enumerate() {
        form.push((format!("pupils[{n}]"), pupil.to_string()));
        form.push((format!("statuses[{n}]"), status.stored().to_owned()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call::<SaveHandIns>(who, &form).await
}

/// The demo school's term of homework cleared, so a test counts its own.
async fn without_homework(app: &TestApp) {
    sqlx::query("DELETE FROM homework")
        .execute(&app.pool)
        .await
        .unwrap();
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

#[tokio::test]
async fn homework_set_for_a_group_reaches_its_parents_and_hand_ins_show_on_the_childs_page() {
    let app = spawn_app().await;
    without_homework(&app).await;
    let teacher = app.signed_in(TEACHER).await;
    let (class, _) = classes(&app).await;
    let pupils = pupils_of(&app, class).await;
    let (child, classmate, third) = (pupils[0], pupils[1], pupils[2]);
    let parent = parent_of(&app, "homework.parent@example.org", child).await;
    let classmates_parent = parent_of(&app, "classmate.parent@example.org", classmate).await;
    let homework_notices = |who: i64| {
        format!("SELECT COUNT(*) FROM notifications WHERE kind = 'homework' AND parent_id = {who}")
    };

    let res = set(
        &app,
        &teacher,
        class,
        "Spellings: -tion words",
        &in_days(&app, 7),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let homework: HomeworkId = res.answer().await.unwrap();
    // Every parent of a pupil on the class's roll is told, once.
    assert_eq!(count(&app, &homework_notices(parent)).await, 1);
    assert_eq!(count(&app, &homework_notices(classmates_parent)).await, 1);
    let told = count(
        &app,
        "SELECT COUNT(*) FROM notifications WHERE kind = 'homework'",
    )
    .await;
    let parents_of_class: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM parent_links l JOIN group_pupils gp ON gp.pupil_id = l.pupil_id
         JOIN users u ON u.id = l.parent_id AND u.active = 1 AND u.deleted_at IS NULL
         JOIN pupils p ON p.id = l.pupil_id AND p.active = 1
         WHERE gp.group_id = ?",
    )
    .bind(class.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        told, parents_of_class,
        "one notification per linked parent, no one else"
    );

    // The group's list counts hand-ins of its pupils on the roll.
    let res = app
        .call::<OpenHomework>(&teacher, &[("group", &class.to_string())])
        .await;
    let listing: GroupHomework = res.answer().await.unwrap();
    assert_eq!(listing.homework[0].title, "Spellings: -tion words");
    assert_eq!(listing.homework[0].handed_in, 0);
    assert_eq!(listing.homework[0].pupils, pupils.len() as i64);

    let res = hand_ins(
        &app,
        &teacher,
        homework,
        &[
            (child, HandIn::HandedIn),
            (classmate, HandIn::Late),
            (third, HandIn::NotHandedIn),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.answer::<u64>().await.unwrap(), 2);
    let res = app
        .call::<OpenHandIns>(&teacher, &[("homework", &homework.to_string())])
        .await;
    let list: HandInList = res.answer().await.unwrap();
    let status_of = |pupil: PupilId| {
        list.pupils
            .iter()
            .find(|p| p.pupil == pupil)
            .unwrap()
            .status
    };
    assert_eq!(status_of(child), HandIn::HandedIn);
    assert_eq!(status_of(classmate), HandIn::Late);
    assert_eq!(status_of(third), HandIn::NotHandedIn);
    assert_eq!(list.homework.handed_in, 2);
    // The same again changes nothing.
    let res = hand_ins(&app, &teacher, homework, &[(child, HandIn::HandedIn)]).await;
    assert_eq!(res.answer::<u64>().await.unwrap(), 0);

    // A second piece the child hasn't handed in: due, then overdue.
    let res = set(&app, &teacher, class, "Times tables: 7s", &in_days(&app, 2)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let parent_client = app.signed_in("homework.parent@example.org").await;
    let page = |client: Client| {
        let app = &app;
        async move {
            let res = app
                .call::<ChildDetails>(&client, &[("pupil", &child.to_string())])
                .await;
            assert_eq!(res.status(), StatusCode::OK);
            res.answer::<ChildRecord>().await.unwrap().homework
        }
    };
    let homework_now = page(parent_client.clone()).await;
    let titles = |tasks: &[app::homework::model::ChildTask]| {
        tasks.iter().map(|t| t.title.clone()).collect::<Vec<_>>()
    };
    assert_eq!(titles(&homework_now.due), ["Times tables: 7s"]);
    assert_eq!(titles(&homework_now.handed_in), ["Spellings: -tion words"]);
    assert!(homework_now.overdue.is_empty());
    assert_eq!(
        homework_now.due[0].description.as_deref(),
        Some("Learn the ten words on the sheet.")
    );

    app.clock.advance(Duration::days(3));
    let later = page(parent_client).await;
    assert!(later.due.is_empty());
    assert_eq!(titles(&later.overdue), ["Times tables: 7s"]);
}

#[tokio::test]
async fn homework_out_of_reach_is_not_found_and_every_mistake_is_named() {
    let app = spawn_app().await;
    without_homework(&app).await;
    let teacher = app.signed_in(TEACHER).await;
    let (class, other) = classes(&app).await;
    let before = count(&app, "SELECT COUNT(*) FROM homework").await;
    let denied = app.denials(&format!("group:{other}")).await;

    // Another teacher's group: not found, nothing written, the refusal audited.
    let res = set(&app, &teacher, other, "Spellings", &in_days(&app, 7)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM homework").await, before);
    assert_eq!(app.denials(&format!("group:{other}")).await, denied + 1);
    // A parent can't set homework at all.
    let parent = app.signed_in(PARENT).await;
    let res = set(&app, &parent, class, "Spellings", &in_days(&app, 7)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Each mistake beside its field; nothing written.
    let res = set(&app, &teacher, class, "  ", &in_days(&app, -1)).await;
    let error = error_of(res).await;
    assert_eq!(
        error.for_field("title").as_deref(),
        Some("Enter a title, for example Spellings: words ending -tion.")
    );
    assert_eq!(
        error.for_field("due").as_deref(),
        Some("The due date can't be in the past.")
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM homework").await, before);

    // Hand-ins: homework of another group is out of reach; a pupil not on
    // the group's roll refuses the whole list.
    let res = set(&app, &teacher, class, "Spellings", &in_days(&app, 7)).await;
    let homework: HomeworkId = res.answer().await.unwrap();
    let other_homework: i64 = sqlx::query_scalar(
        "INSERT INTO homework (group_id, title, due_on, set_at) VALUES (?, 'Theirs', '2099-01-01', '2026-01-01T00:00:00Z') RETURNING id",
    )
    .bind(other.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let res = app
        .call::<OpenHandIns>(&teacher, &[("homework", &other_homework.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let own = pupils_of(&app, class).await[0];
    let stranger = pupils_of(&app, other).await[0];
    let res = hand_ins(
        &app,
        &teacher,
        homework,
        &[(own, HandIn::HandedIn), (stranger, HandIn::HandedIn)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM homework_hand_ins").await,
        0
    );
    let res = hand_ins(
        &app,
        &teacher,
        HomeworkId(other_homework),
        &[(stranger, HandIn::HandedIn)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM homework_hand_ins").await,
        0
    );
}
