//! Groups over real HTTP: admins make classes and sets with their teachers
//! and pupils; a teacher makes sets of their own and changes only those.

use app::{
    groups::{
        api::{GroupStaff, MyGroups, OpenGroup, SaveGroup},
        model::{GroupDetail, GroupSummary},
    },
    markbook::api::MarkbookMenu,
};
use reqwest::{Client, Response, StatusCode};

use crate::helpers::*;

struct Form<'a> {
    id: Option<i64>,
    name: &'a str,
    kind: &'a str,
    year_group: &'a str,
    teachers: Vec<i64>,
    pupils: Vec<i64>,
}

async fn save(app: &TestApp, who: &Client, form: &Form<'_>) -> Response {
    let mut fields: Vec<(String, String)> = vec![
        ("name".into(), form.name.into()),
        ("kind".into(), form.kind.into()),
        ("year_group".into(), form.year_group.into()),
    ];
    if let Some(id) = form.id {
        fields.push(("id".into(), id.to_string()));
    }
    // As the form sends it once the teachers' tick boxes have loaded.
    fields.push(("teachers_shown".into(), "true".into()));
    for (i, t) in form.teachers.iter().enumerate() {
        fields.push((format!("teachers[{i}]"), t.to_string()));
    }
    for (i, p) in form.pupils.iter().enumerate() {
        fields.push((format!("pupils[{i}]"), p.to_string()));
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.call::<SaveGroup>(who, &pairs).await
}

fn saved(res: &Response) -> bool {
    res.status().is_success() || res.status().is_redirection()
}

async fn group_id(app: &TestApp, name: &str) -> Option<i64> {
    sqlx::query_scalar("SELECT id FROM groups WHERE name = ?")
        .bind(name)
        .fetch_optional(&app.pool)
        .await
        .unwrap()
}

async fn pupils_of_year(app: &TestApp, year: i64, n: i64) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM pupils WHERE year_group = ? ORDER BY id LIMIT ?")
        .bind(year)
        .bind(n)
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

async fn groups(app: &TestApp, who: &Client) -> Vec<GroupSummary> {
    let res = app.call::<MyGroups>(who, &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.answer().await.unwrap()
}

#[tokio::test]
async fn a_teacher_makes_a_set_of_their_own_from_the_schools_pupils() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let admin_id = app.user_id(ADMIN).await;
    // Pupils of their year group's other class: out of the teacher's reach
    // until they are in the set.
    let pupils: Vec<i64> = sqlx::query_scalar(
        "SELECT gp.pupil_id FROM group_pupils gp JOIN groups g ON g.id = gp.group_id
         WHERE g.name = '3 Ash' ORDER BY gp.pupil_id LIMIT 3",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let res = save(
        &app,
        &teacher,
        &Form {
            id: None,
            name: "  Spelling Stars ",
            kind: "class",
            year_group: "4",
            teachers: vec![admin_id],
            pupils: vec![pupils[0], pupils[1], pupils[2], pupils[0]],
        },
    )
    .await;
    assert!(saved(&res), "{}", res.status());
    let id = group_id(&app, "Spelling Stars").await.expect("the set");
    let (kind, created_by): (String, i64) =
        sqlx::query_as("SELECT kind, created_by FROM groups WHERE id = ?")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(kind, "set", "a teacher's own group is a set");
    assert_eq!(created_by, app.user_id(TEACHER).await);
    let assigned: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM group_teachers WHERE group_id = ?")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(assigned, 0, "the teachers sent are an admin's to choose");

    let mine = groups(&app, &teacher).await;
    let set = mine.iter().find(|g| g.id.0 == id).expect("listed");
    assert_eq!((set.pupils, set.can_edit), (3, true));
    let class = mine.iter().find(|g| g.name == "3 Oak").unwrap();
    assert!(
        !class.can_edit,
        "an admin's class is not the teacher's to change"
    );
    let res = app.call::<MarkbookMenu>(&teacher, &[]).await;
    let menu: app::markbook::model::Menu = res.answer().await.unwrap();
    assert!(menu.groups.iter().any(|g| g.id.0 == id), "in Markbook too");

    // The form opens with the pupils; removing one and saving keeps two.
    let res = app
        .call::<OpenGroup>(&teacher, &[("id", &id.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let detail: GroupDetail = res.answer().await.unwrap();
    assert_eq!(detail.pupils.len(), 3);
    let res = save(
        &app,
        &teacher,
        &Form {
            id: Some(id),
            name: "Spelling Stars",
            kind: "",
            year_group: "4",
            teachers: vec![],
            pupils: vec![pupils[0], pupils[2]],
        },
    )
    .await;
    assert!(saved(&res));
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM group_pupils WHERE group_id = ?")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(count, 2);
    let logged: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('group created', 'group changed') AND subject = ?",
    )
    .bind(format!("group:{id}"))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(logged, 2);
}

#[tokio::test]
async fn a_teacher_changes_only_the_groups_they_made() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let class = group_id(&app, "3 Oak").await.unwrap();
    let other = group_id(&app, "4 Ash").await.unwrap();
    let own = group_id(&app, "3 Phonics Catch-up").await.unwrap();

    let res = app
        .call::<OpenGroup>(&teacher, &[("id", &class.to_string())])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "their class is the admin's"
    );
    let res = app
        .call::<OpenGroup>(&teacher, &[("id", &other.to_string())])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "another class is out of reach"
    );
    let form = |id| Form {
        id: Some(id),
        name: "Renamed",
        kind: "set",
        year_group: "",
        teachers: vec![],
        pupils: vec![],
    };
    for id in [class, other] {
        let res = save(&app, &teacher, &form(id)).await;
        assert!(!saved(&res), "group {id} was changed");
    }
    assert!(group_id(&app, "Renamed").await.is_none());
    let res = app
        .call::<OpenGroup>(&teacher, &[("id", &own.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.call::<GroupStaff>(&teacher, &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let parent = app.signed_in(PARENT).await;
    assert_eq!(
        app.call::<MyGroups>(&parent, &[]).await.status(),
        StatusCode::FORBIDDEN
    );
    let res = save(&app, &parent, &form(own)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = save(
        &app,
        &parent,
        &Form {
            id: None,
            ..form(0)
        },
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_admin_makes_a_class_with_teachers_and_bad_input_saves_nothing() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let teacher_id = app.user_id(TEACHER).await;
    let parent_id = app.user_id(PARENT).await;
    let pupils = pupils_of_year(&app, 2, 4).await;
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM groups")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let form = |name, kind, year_group, teachers: Vec<i64>| Form {
        id: None,
        name,
        kind,
        year_group,
        teachers,
        pupils: pupils.clone(),
    };
    for (form, field) in [
        (form("", "class", "2", vec![]), "name"),
        (form("3 Oak", "class", "2", vec![]), "name"),
        (form("2 Willow", "team", "2", vec![]), "kind"),
        (form("2 Willow", "class", "9x", vec![]), "year_group"),
        (form("2 Willow", "class", "2", vec![parent_id]), "teachers"),
    ] {
        let res = save(&app, &admin, &form).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let error = error_of(res).await;
        assert!(error.for_field(field).is_some(), "{field}: {error:?}");
    }
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM groups")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(after, before, "nothing was saved");

    let res = save(
        &app,
        &admin,
        &form("2 Willow", "class", "2", vec![teacher_id]),
    )
    .await;
    assert!(saved(&res));
    // The teacher now teaches it.
    let teacher = app.signed_in(TEACHER).await;
    let theirs = groups(&app, &teacher).await;
    let willow = theirs
        .iter()
        .find(|g| g.name == "2 Willow")
        .expect("assigned");
    assert_eq!(
        (willow.kind.as_str(), willow.pupils, willow.can_edit),
        ("class", 4, false)
    );
}
