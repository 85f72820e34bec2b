//! Behaviour and achievements over real HTTP: who may record for which
//! pupils, that a refused award writes nothing, the undo window, and what a
//! parent sees of their own child and of no one else's.

use std::time::Duration;

use app::{
    classroom::{
        api::{Award, OpenRecords, RecordAchievement, TakeBack},
        model::{points_label, EntryKind, GroupRecords, Points, TakeBackKind, UNDO_MINUTES},
    },
    error::AppError,
    ids::{GroupId, PupilId},
    notifications::{
        api::{MyNotifications, UnreadCount},
        model::{Notification, NotificationKind, LIVE_PATH as NOTIFICATIONS_LIVE},
    },
    portal::{api::ChildDetails, model::ChildRecord},
};
use reqwest::{Client, StatusCode};

use crate::helpers::*;

/// The demo teacher's class, and a class of another year none of whose
/// pupils they reach: found by relation, not by name.
pub(crate) async fn classes(app: &TestApp) -> (GroupId, GroupId) {
    let teacher = app.user_id(TEACHER).await;
    let own: i64 = sqlx::query_scalar(
        "SELECT g.id FROM groups g JOIN group_teachers t ON t.group_id = g.id
         WHERE t.user_id = ? AND g.kind = 'class' ORDER BY g.id LIMIT 1",
    )
    .bind(teacher)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let other: i64 = sqlx::query_scalar(
        "SELECT id FROM groups WHERE kind = 'class'
           AND year_group <> (SELECT year_group FROM groups WHERE id = ?1)
           AND id NOT IN (SELECT group_id FROM group_teachers WHERE user_id = ?2)
         ORDER BY id LIMIT 1",
    )
    .bind(own)
    .bind(teacher)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    (GroupId(own), GroupId(other))
}

/// The demo school's term of records cleared, so a test counts its own.
async fn without_records(app: &TestApp) {
    sqlx::query("DELETE FROM classroom_entries")
        .execute(&app.pool)
        .await
        .unwrap();
}

pub(crate) async fn pupils_of(app: &TestApp, group: GroupId) -> Vec<PupilId> {
    sqlx::query_scalar::<_, i64>(
        "SELECT gp.pupil_id FROM group_pupils gp JOIN pupils p ON p.id = gp.pupil_id
         WHERE gp.group_id = ? AND p.active = 1 ORDER BY gp.pupil_id",
    )
    .bind(group.0)
    .fetch_all(&app.pool)
    .await
    .unwrap()
    .into_iter()
    .map(PupilId)
    .collect()
}

async fn entries(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM classroom_entries")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// A behaviour from the school's list with the given sign of points.
pub(crate) async fn behaviour(app: &TestApp, positive: bool) -> (i64, String, i64) {
    sqlx::query_as(
        "SELECT id, name, points FROM behaviours
         WHERE retired_at IS NULL AND (points > 0) = ? ORDER BY position LIMIT 1",
    )
    .bind(positive)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

pub(crate) async fn award(
    app: &TestApp,
    who: &Client,
    group: GroupId,
    pupils: &[PupilId],
    behaviour: i64,
    note: &str,
) -> reqwest::Response {
    let (group, behaviour) = (group.to_string(), behaviour.to_string());
    let ids: Vec<String> = pupils.iter().map(|p| p.to_string()).collect();
    let mut form = vec![
        ("group", group.as_str()),
        ("behaviour", behaviour.as_str()),
        ("note", note),
    ];
    form.extend(ids.iter().map(|id| ("pupils[]", id.as_str())));
    app.call::<Award>(who, &form).await
}

async fn records(app: &TestApp, who: &Client, group: GroupId) -> GroupRecords {
    let res = app
        .call::<OpenRecords>(who, &[("group", &group.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::OK, "opening the group's records");
    res.answer().await.unwrap()
}

#[tokio::test]
async fn a_teacher_awards_a_behaviour_to_several_pupils_at_once() {
    let app = spawn_app().await;
    without_records(&app).await;
    let teacher = app.signed_in(TEACHER).await;
    let (class, _) = classes(&app).await;
    let pupils = pupils_of(&app, class).await;
    let (kindness, name, points) = behaviour(&app, true).await;

    let res = award(
        &app,
        &teacher,
        class,
        &pupils[..2],
        kindness,
        "Shared her pens",
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.answer::<usize>().await.unwrap(), 2);

    let stored: Vec<(i64, String, i64, Option<String>, String)> = sqlx::query_as(
        "SELECT pupil_id, title, points, note, kind FROM classroom_entries ORDER BY pupil_id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(stored.len(), 2);
    for (row, pupil) in stored.iter().zip(&pupils[..2]) {
        assert_eq!(row.0, pupil.0);
        assert_eq!((row.1.as_str(), row.2), (name.as_str(), points));
        assert_eq!(row.3.as_deref(), Some("Shared her pens"));
        assert_eq!(row.4, "behaviour");
    }

    // The page lists them, the recorder may undo them, and each pupil's
    // points today show on their tick box.
    let page = records(&app, &teacher, class).await;
    assert_eq!(page.recent.len(), 2);
    assert!(page
        .recent
        .iter()
        .all(|e| e.take_back == Some(TakeBackKind::Undo) && e.kind == EntryKind::Behaviour));
    let first = page.pupils.iter().find(|p| p.id == pupils[0]).unwrap();
    assert_eq!(
        first.today,
        Points {
            positive: points,
            negative: 0
        }
    );
    let untouched = page.pupils.iter().find(|p| p.id == pupils[2]).unwrap();
    assert_eq!(untouched.today, Points::default());
}

#[tokio::test]
async fn a_pupil_or_group_out_of_reach_is_not_found_and_nothing_is_written() {
    let app = spawn_app().await;
    without_records(&app).await;
    let teacher = app.signed_in(TEACHER).await;
    let (class, other) = classes(&app).await;
    let (own_pupil, other_pupil) = (
        pupils_of(&app, class).await[0],
        pupils_of(&app, other).await[0],
    );
    let (good, _, _) = behaviour(&app, true).await;

    // Another year's class, and another class's pupil slipped into the teacher's.
    let res = award(&app, &teacher, other, &[other_pupil], good, "").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = award(&app, &teacher, class, &[own_pupil, other_pupil], good, "").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app
        .call::<OpenRecords>(&teacher, &[("group", &other.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(entries(&app).await, 0, "a refused award writes nothing");
    let denied = app.denials(&format!("pupil:{other_pupil}")).await;
    assert_eq!(denied, 1, "the stranger in the award leaves a trace");

    // A parent records nothing, even for their own child.
    let parent = app.signed_in(PARENT).await;
    let res = award(&app, &parent, class, &[own_pupil], good, "").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // SLT and admins record for any group.
    for leader in [SLT, ADMIN] {
        let who = app.signed_in(leader).await;
        let res = award(&app, &who, other, &[other_pupil], good, "").await;
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{leader} records for any group"
        );
    }
    assert_eq!(entries(&app).await, 2);
}

#[tokio::test]
async fn every_mistake_on_the_form_is_named_beside_its_field() {
    let app = spawn_app().await;
    without_records(&app).await;
    let teacher = app.signed_in(TEACHER).await;
    let (class, _) = classes(&app).await;
    let long_note = "x".repeat(201);
    let res = app
        .call::<Award>(
            &teacher,
            &[("group", &class.to_string()), ("note", &long_note)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = error_of(res).await;
    assert_eq!(
        error.for_field("pupils").as_deref(),
        Some("Choose at least one pupil.")
    );
    assert_eq!(
        error.for_field("behaviour").as_deref(),
        Some("Choose a behaviour.")
    );
    assert!(error.for_field("note").is_some());

    let pupil = pupils_of(&app, class).await[0].to_string();
    let res = app
        .call::<RecordAchievement>(
            &teacher,
            &[
                ("group", &class.to_string()),
                ("pupils[]", &pupil),
                ("achievement", "  "),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_of(res).await.for_field("achievement").is_some());
    assert_eq!(entries(&app).await, 0);
}

async fn take_back(app: &TestApp, who: &Client, entry: i64) -> reqwest::Response {
    app.call::<TakeBack>(who, &[("entry", &entry.to_string())])
        .await
}

async fn newest_entry(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT MAX(id) FROM classroom_entries")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_recorder_may_undo_for_ten_minutes_and_then_only_an_admin_removes() {
    let app = spawn_app().await;
    without_records(&app).await;
    let teacher = app.signed_in(TEACHER).await;
    let slt = app.signed_in(SLT).await;
    let admin = app.signed_in(ADMIN).await;
    let (class, _) = classes(&app).await;
    let pupil = pupils_of(&app, class).await[0];
    let (disruption, _, _) = behaviour(&app, false).await;

    // Undone at once, by the teacher who recorded it.
    award(&app, &teacher, class, &[pupil], disruption, "").await;
    let res = take_back(&app, &teacher, newest_entry(&app).await).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(entries(&app).await, 0);

    // Someone else may not undo it, even SLT, even at once.
    award(&app, &teacher, class, &[pupil], disruption, "").await;
    let entry = newest_entry(&app).await;
    let res = take_back(&app, &slt, entry).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Still the recorder's a minute before the window closes; not after.
    app.clock
        .advance(time::Duration::minutes(UNDO_MINUTES) - time::Duration::minutes(1));
    assert_eq!(
        records(&app, &teacher, class).await.recent[0].take_back,
        Some(TakeBackKind::Undo)
    );
    app.clock.advance(time::Duration::minutes(2));
    assert_eq!(
        records(&app, &teacher, class).await.recent[0].take_back,
        None
    );
    let res = take_back(&app, &teacher, entry).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let AppError::Invalid { message, .. } = error_of(res).await else {
        panic!("a message for the teacher");
    };
    assert!(message.contains("ask an admin"), "{message}");
    assert_eq!(entries(&app).await, 1);

    // An admin removes it, and the audit log says so.
    // An admin's button says Remove, not Undo.
    assert_eq!(
        records(&app, &admin, class).await.recent[0].take_back,
        Some(TakeBackKind::Remove)
    );
    let res = take_back(&app, &admin, entry).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(entries(&app).await, 0);
    let audited: String = sqlx::query_scalar(
        "SELECT subject FROM audit_log WHERE action = 'behaviour or achievement removed'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, format!("pupil:{pupil} entry:{entry}"));

    // An entry that no longer exists, or is out of reach, is not found.
    let res = take_back(&app, &admin, entry).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_parent_sees_their_childs_behaviour_and_achievements_and_no_one_elses() {
    let app = spawn_app().await;
    without_records(&app).await;
    let teacher = app.signed_in(TEACHER).await;
    let (class, _) = classes(&app).await;
    let pupils = pupils_of(&app, class).await;
    let (child, classmate) = (pupils[0], pupils[1]);
    // The demo parent becomes this child's parent, whatever the demo linked.
    let parent_id = app.user_id(PARENT).await;
    sqlx::query(
        "INSERT OR IGNORE INTO parent_links (parent_id, pupil_id, relationship, created_at)
         VALUES (?, ?, 'mother', '2026-01-01T00:00:00Z')",
    )
    .bind(parent_id)
    .bind(child.0)
    .execute(&app.pool)
    .await
    .unwrap();
    sqlx::query("DELETE FROM parent_links WHERE parent_id = ? AND pupil_id = ?")
        .bind(parent_id)
        .bind(classmate.0)
        .execute(&app.pool)
        .await
        .unwrap();

    let (good, good_name, good_points) = behaviour(&app, true).await;
    let (bad, bad_name, bad_points) = behaviour(&app, false).await;
    award(
        &app,
        &teacher,
        class,
        &[child, classmate],
        good,
        "Lovely teamwork",
    )
    .await;
    award(&app, &teacher, class, &[child], bad, "").await;
    let res = app
        .call::<RecordAchievement>(
            &teacher,
            &[
                ("group", &class.to_string()),
                ("pupils[]", &child.to_string()),
                ("achievement", "Star of the week"),
                ("note", "For her poem"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);

    let parent = app.signed_in(PARENT).await;
    let res = app
        .call::<ChildDetails>(&parent, &[("pupil", &child.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let record: ChildRecord = res.answer().await.unwrap();
    let classroom = record.classroom;
    let expected = Points {
        positive: good_points,
        negative: -bad_points,
    };
    assert_eq!(classroom.this_week, expected);
    assert_eq!(classroom.this_term, expected);
    let titles: Vec<&str> = classroom
        .behaviour
        .iter()
        .map(|e| e.title.as_str())
        .collect();
    assert_eq!(
        titles,
        [bad_name.as_str(), good_name.as_str()],
        "newest first"
    );
    assert_eq!(
        classroom.behaviour[1].note.as_deref(),
        Some("Lovely teamwork")
    );
    assert_eq!(classroom.achievements.len(), 1);
    assert_eq!(classroom.achievements[0].title, "Star of the week");
    assert_eq!(
        classroom.achievements[0].note.as_deref(),
        Some("For her poem")
    );

    // The classmate's entries are not the parent's to see.
    let res = app
        .call::<ChildDetails>(&parent, &[("pupil", &classmate.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Next week the week's points start again; the term's stay.
    app.clock.advance(time::Duration::days(7));
    let res = app
        .call::<ChildDetails>(&parent, &[("pupil", &child.to_string())])
        .await;
    let later: ChildRecord = res.answer().await.unwrap();
    assert_eq!(later.classroom.this_week, Points::default());
    if later.classroom.this_term == Points::default() {
        // The week crossed into a new term (the test ran in a term's last week).
        assert_eq!(later.classroom.behaviour.len(), 2, "entries stay listed");
    } else {
        assert_eq!(later.classroom.this_term, expected);
    }
}

/// A new parent account, linked to `pupil`, who signs in with the demo
/// password.
pub(crate) async fn parent_of(app: &TestApp, email: &str, pupil: PupilId) -> i64 {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (role, first_name, surname, email, password_hash, created_at)
         SELECT 'parent', 'Second', 'Parent', ?1, password_hash, created_at FROM users WHERE email = ?2
         RETURNING id",
    )
    .bind(email)
    .bind(PARENT)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO parent_links (parent_id, pupil_id, relationship, created_at)
         VALUES (?, ?, 'father', '2026-01-01T00:00:00Z')",
    )
    .bind(id)
    .bind(pupil.0)
    .execute(&app.pool)
    .await
    .unwrap();
    id
}

async fn notifications_of(app: &TestApp, parent: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE parent_id = ?")
        .bind(parent)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn unread(app: &TestApp, who: &Client) -> i64 {
    let res = app.call::<UnreadCount>(who, &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.answer().await.unwrap()
}

/// The next event on a live stream, or None if none comes in five seconds.
async fn next_event(live: &mut reqwest::Response) -> Option<String> {
    let mut received = String::new();
    while !received.contains("\n\n") {
        let chunk = tokio::time::timeout(Duration::from_secs(5), live.chunk())
            .await
            .ok()?
            .ok()??;
        received.push_str(&String::from_utf8_lossy(&chunk));
        // Keep-alive comments are not events.
        if received.starts_with(':') {
            received.clear();
        }
    }
    Some(received)
}

#[tokio::test]
async fn a_notification_reaches_every_linked_parent_live_and_no_one_else() {
    let app = spawn_app().await;
    without_records(&app).await;
    let teacher = app.signed_in(TEACHER).await;
    let admin = app.signed_in(ADMIN).await;
    let (class, _) = classes(&app).await;
    let pupils = pupils_of(&app, class).await;
    let (child, classmate) = (pupils[0], pupils[1]);
    let demo_parent = app.user_id(PARENT).await;
    sqlx::query("DELETE FROM parent_links WHERE parent_id = ?")
        .bind(demo_parent)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO parent_links (parent_id, pupil_id, relationship, created_at)
         VALUES (?, ?, 'mother', '2026-01-01T00:00:00Z')",
    )
    .bind(demo_parent)
    .bind(child.0)
    .execute(&app.pool)
    .await
    .unwrap();
    let second = parent_of(&app, "second.parent@example.com", child).await;
    let classmates_parent = parent_of(&app, "classmate.parent@example.com", classmate).await;
    let parent = app.signed_in(PARENT).await;
    let mut live = parent
        .get(format!("{}{}", app.address, NOTIFICATIONS_LIVE))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), StatusCode::OK);

    let (kindness, name, points) = behaviour(&app, true).await;
    award(&app, &teacher, class, &[child], kindness, "").await;
    let event = next_event(&mut live)
        .await
        .expect("told within five seconds");
    assert!(event.starts_with("event: notified\n"), "{event}");
    assert_eq!(notifications_of(&app, demo_parent).await, 1);
    assert_eq!(notifications_of(&app, second).await, 1);
    assert_eq!(notifications_of(&app, classmates_parent).await, 0);

    // The list says what happened, in words, and opening it reads it.
    assert_eq!(unread(&app, &parent).await, 1);
    let res = app.call::<MyNotifications>(&parent, &[]).await;
    let list: Vec<Notification> = res.answer().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].pupil, child);
    assert_eq!(list[0].kind, NotificationKind::Behaviour);
    assert_eq!(list[0].what, format!("{name} {}", points_label(points)));
    assert!(list[0].unread);
    assert_eq!(unread(&app, &parent).await, 0);

    // Undone: it was never said.
    let entry = newest_entry(&app).await;
    take_back(&app, &teacher, entry).await;
    assert_eq!(notifications_of(&app, second).await, 0);

    // Staff have no notifications.
    let res = app.call::<UnreadCount>(&teacher, &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The link removed by an admin: the stream ends, and nothing more comes.
    let (first_name, surname): (String, String) =
        sqlx::query_as("SELECT first_name, surname FROM users WHERE id = ?")
            .bind(demo_parent)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let res = crate::parents::save(
        &app,
        &admin,
        &crate::parents::Form {
            id: Some(demo_parent),
            first_name: &first_name,
            surname: &surname,
            email: PARENT,
            status: "active",
            links: vec![],
        },
    )
    .await;
    assert!(res.status().is_redirection() || res.status().is_success());
    let mut ended = false;
    for _ in 0..5 {
        if next_event(&mut live).await.is_none() {
            ended = true;
            break;
        }
    }
    assert!(ended, "the stream closes when the link goes");
    award(&app, &teacher, class, &[child], kindness, "").await;
    assert_eq!(notifications_of(&app, demo_parent).await, 0);
    assert_eq!(
        notifications_of(&app, second).await,
        1,
        "still linked, still told"
    );
}

#[tokio::test]
async fn admins_change_the_behaviour_list_and_entries_keep_what_was_recorded() {
    use app::classroom::api::{AddBehaviour, BehaviourList, RetireBehaviour};
    let app = spawn_app().await;
    without_records(&app).await;
    let admin = app.signed_in(ADMIN).await;
    let teacher = app.signed_in(TEACHER).await;
    let (class, _) = classes(&app).await;
    let pupil = pupils_of(&app, class).await[0];

    let res = app
        .call::<AddBehaviour>(&admin, &[("name", " Good listening "), ("points", "+2")])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let added: i64 = res.answer().await.unwrap();
    let offered = records(&app, &teacher, class).await.behaviours;
    let listening = offered
        .iter()
        .find(|b| b.id.0 == added)
        .expect("offered to teachers");
    assert_eq!(listening.label(), "Good listening +2");
    assert_eq!(
        offered.last().unwrap().id.0,
        added,
        "added at the end of the list"
    );

    // The same name again, and points out of range: each named beside its field.
    let res = app
        .call::<AddBehaviour>(&admin, &[("name", "good LISTENING"), ("points", "9")])
        .await;
    let error = error_of(res).await;
    assert!(error.for_field("points").is_some());
    let res = app
        .call::<AddBehaviour>(&admin, &[("name", "good LISTENING"), ("points", "1")])
        .await;
    assert_eq!(
        error_of(res).await.for_field("name").as_deref(),
        Some("\"good LISTENING\" is already on the list.")
    );
    // Teachers don't change the list.
    let res = app
        .call::<AddBehaviour>(&teacher, &[("name", "Mine"), ("points", "1")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Recorded, then taken off the list: the entry keeps its words and points.
    award(&app, &teacher, class, &[pupil], added, "").await;
    let res = app
        .call::<RetireBehaviour>(&admin, &[("behaviour", &added.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(records(&app, &teacher, class)
        .await
        .behaviours
        .iter()
        .all(|b| b.id.0 != added));
    let recent = records(&app, &teacher, class).await.recent;
    assert_eq!(recent[0].title, "Good listening");
    assert_eq!(recent[0].points, 2);
    // Awarding it now is refused beside the field.
    let res = award(&app, &teacher, class, &[pupil], added, "").await;
    assert!(error_of(res).await.for_field("behaviour").is_some());

    // The last behaviour stays.
    let left: Vec<i64> = app
        .call::<BehaviourList>(&admin, &[])
        .await
        .answer::<Vec<app::classroom::model::BehaviourChoice>>()
        .await
        .unwrap()
        .iter()
        .map(|b| b.id.0)
        .collect();
    for id in &left[1..] {
        let res = app
            .call::<RetireBehaviour>(&admin, &[("behaviour", &id.to_string())])
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let res = app
        .call::<RetireBehaviour>(&admin, &[("behaviour", &left[0].to_string())])
        .await;
    assert!(error_of(res)
        .await
        .for_field("behaviour")
        .unwrap()
        .starts_with("Keep at least one behaviour"));
}
