//! The markbook over real HTTP: who may open and change which group, that a
//! save is all or nothing, history, the last choice remembered, and the live
//! stream of changes.

use std::time::Duration;

use app::{
    ids::{CriterionId, GroupId, LevelId, PupilId},
    markbook::{
        api::{CellHistory, MarkbookMenu, OpenGrid, SaveJudgements},
        model::{Grid, HistoryEntry, LiveChange, Menu, LIVE_PATH},
    },
};
use leptos::{server::FromEncodedStr, server_fn::ServerFn};
use reqwest::{Client, Response, StatusCode};
use serde_json::json;

use crate::helpers::*;

async fn menu(app: &TestApp, who: &Client) -> Menu {
    let res = app.call::<MarkbookMenu>(who, &[]).await;
    assert_eq!(res.status(), StatusCode::OK, "reading the menu");
    res.answer().await.expect("a menu")
}

async fn group_named(app: &TestApp, name: &str) -> GroupId {
    let id: i64 = sqlx::query_scalar("SELECT id FROM groups WHERE name = ?")
        .bind(name)
        .fetch_one(&app.pool)
        .await
        .expect("a demo group");
    GroupId(id)
}

async fn grid(app: &TestApp, who: &Client, form: &[(&str, &str)]) -> Grid {
    let res = app.call::<OpenGrid>(who, form).await;
    assert_eq!(res.status(), StatusCode::OK, "opening the grid");
    let grid: Option<Grid> = res.answer().await.expect("a grid");
    grid.expect("a group to open")
}

async fn grid_of(app: &TestApp, who: &Client, group: GroupId) -> Grid {
    grid(app, who, &[("group", &group.to_string()), ("year", "all")]).await
}

/// Saves through the endpoint the grid uses (a JSON body).
async fn save(
    app: &TestApp,
    who: &Client,
    group: GroupId,
    changes: &[(PupilId, CriterionId, Option<LevelId>)],
) -> Response {
    let changes: Vec<_> = changes
        .iter()
        .map(|(pupil, criterion, level)| json!({"pupil": pupil, "criterion": criterion, "level": level}))
        .collect();
    who.post(format!("{}{}", app.address, SaveJudgements::PATH))
        .json(&json!({ "group": group, "changes": changes }))
        .send()
        .await
        .expect("a response")
}

fn cell(grid: &Grid, pupil: PupilId, criterion: CriterionId) -> Option<LevelId> {
    let r = grid
        .pupils
        .iter()
        .position(|p| p.id == pupil)
        .expect("pupil");
    let c = grid
        .criteria
        .iter()
        .position(|c| c.id == criterion)
        .expect("criterion");
    grid.cells[r * grid.criteria.len() + c]
}

async fn judgements_of(app: &TestApp, pupil: PupilId) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM judgements WHERE pupil_id = ?")
        .bind(pupil.0)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// A pupil on the roll who is in none of the demo teacher's groups.
async fn pupil_outside(app: &TestApp, group: GroupId) -> PupilId {
    let teacher = app.user_id(TEACHER).await;
    let id: i64 = sqlx::query_scalar(
        "SELECT p.id FROM pupils p WHERE NOT EXISTS (
             SELECT 1 FROM group_pupils gp JOIN groups g ON g.id = gp.group_id
             LEFT JOIN group_teachers gt ON gt.group_id = g.id
             WHERE gp.pupil_id = p.id AND (gt.user_id = ?1 OR g.created_by = ?1 OR g.id = ?2))
         ORDER BY p.id LIMIT 1",
    )
    .bind(teacher)
    .bind(group.0)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    PupilId(id)
}

#[tokio::test]
async fn markbook_opens_on_the_teachers_class_in_reading_for_its_year() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let menu = menu(&app, &teacher).await;
    let names: Vec<&str> = menu.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        names,
        ["3 Oak", "3 Phonics Catch-up"],
        "only their own groups"
    );
    let subjects: Vec<&str> = menu.subjects.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(subjects, ["Reading", "Writing", "Maths"]);

    let grid = grid(&app, &teacher, &[]).await;
    assert_eq!(grid.group_name, "3 Oak");
    assert_eq!(grid.subject_name, "Reading");
    assert_eq!(grid.shown.year, Some(3));
    assert!(grid.can_edit);
    assert_eq!(grid.pupils.len(), 25);
    assert!(grid.criteria.iter().all(|c| c.year_group == 3));
    assert_eq!(grid.scale.len(), 3);
    assert_eq!(grid.cells.len(), grid.pupils.len() * grid.criteria.len());
    let judged = grid.cells.iter().filter(|c| c.is_some()).count();
    assert!(
        judged > grid.cells.len() / 4,
        "the demo has a half-term of judgements ({judged} of {})",
        grid.cells.len()
    );

    // Maths next time, and Markbook remembers it.
    let maths = menu.subjects.iter().find(|s| s.name == "Maths").unwrap().id;
    self::grid(&app, &teacher, &[("subject", &maths.to_string())]).await;
    let again = self::grid(&app, &teacher, &[]).await;
    assert_eq!(again.subject_name, "Maths");
}

#[tokio::test]
async fn a_teacher_cannot_open_or_write_outside_their_groups() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let own = group_named(&app, "3 Oak").await;
    let other = group_named(&app, "4 Ash").await;

    // Another class's grid: not found, and a trace in the audit log.
    // (Refused like every other record out of reach: 404 and an audit row.)
    let res = app
        .call::<OpenGrid>(&teacher, &[("group", &other.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "not on the menu");
    assert_eq!(app.denials(&format!("group:{other}")).await, 1);
    let res = app
        .call::<CellHistory>(
            &teacher,
            &[
                ("group", &other.to_string()),
                ("pupil", "1"),
                ("criterion", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.denials(&format!("group:{other}")).await, 2);

    // Writing through another group's id.
    let theirs = grid_of(&app, &app.signed_in(ADMIN).await, other).await;
    let (pupil, criterion) = (theirs.pupils[0].id, theirs.criteria[0].id);
    let level = theirs.scale[1].id;
    let before = judgements_of(&app, pupil).await;
    let res = save(&app, &teacher, other, &[(pupil, criterion, Some(level))]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.denials(&format!("group:{other}")).await, 3);

    // Writing a pupil from outside through their own group's id: the whole
    // save is refused, the good change in it too.
    let mine = grid_of(&app, &teacher, own).await;
    let stranger = pupil_outside(&app, own).await;
    let res = save(
        &app,
        &teacher,
        own,
        &[
            (mine.pupils[0].id, mine.criteria[0].id, Some(level)),
            (stranger, criterion, Some(level)),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.denials(&format!("pupil:{stranger}")).await, 1);
    assert_eq!(judgements_of(&app, pupil).await, before);
    let after = grid_of(&app, &teacher, own).await;
    assert_eq!(
        after.cells, mine.cells,
        "nothing in the refused save was kept"
    );

    // History of a pupil outside the group, through their own group.
    let res = app
        .call::<CellHistory>(
            &teacher,
            &[
                ("group", &own.to_string()),
                ("pupil", &stranger.to_string()),
                ("criterion", &criterion.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn slt_read_every_group_and_change_only_their_own_admins_change_any() {
    let app = spawn_app().await;
    let slt = app.signed_in(SLT).await;
    let class = group_named(&app, "5 Ash").await;
    assert_eq!(menu(&app, &slt).await.groups.len(), 15, "every group");
    let grid = grid_of(&app, &slt, class).await;
    assert!(!grid.can_edit, "SLT read a group they don't teach");
    let change = (
        grid.pupils[0].id,
        grid.criteria[0].id,
        Some(grid.scale[2].id),
    );
    let res = save(&app, &slt, class, &[change]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // The deputy teaches the Year 6 maths sets, so may change those.
    let deputy = app.signed_in("deputy@oakfield.example").await;
    let set = group_named(&app, "6 Maths Set 1").await;
    let set_grid = grid_of(&app, &deputy, set).await;
    assert!(set_grid.can_edit);
    let res = save(
        &app,
        &deputy,
        set,
        &[(
            set_grid.pupils[0].id,
            set_grid.criteria[0].id,
            Some(set_grid.scale[0].id),
        )],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);

    let admin = app.signed_in(ADMIN).await;
    let res = save(&app, &admin, class, &[change]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let grid = grid_of(&app, &slt, class).await;
    assert_eq!(cell(&grid, change.0, change.1), change.2);
}

#[tokio::test]
async fn parents_and_strangers_get_no_markbook() {
    let app = spawn_app().await;
    let parent = app.signed_in(PARENT).await;
    let res = app.call::<MarkbookMenu>(&parent, &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app.call::<OpenGrid>(&parent, &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let class = group_named(&app, "2 Oak").await;
    let res = save(&app, &parent, class, &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = parent
        .get(format!("{}{LIVE_PATH}?group={class}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    for query in [
        format!("?group={class}"),
        String::new(),
        "?group=x".to_owned(),
    ] {
        let res = client()
            .get(format!("{}{LIVE_PATH}{query}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{query}");
    }
}

#[tokio::test]
async fn every_change_is_kept_with_who_and_when_newest_first() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let admin = app.signed_in(ADMIN).await;
    let class = group_named(&app, "3 Oak").await;
    let grid = grid_of(&app, &teacher, class).await;
    // A cell the demo left empty.
    let i = grid
        .cells
        .iter()
        .position(|c| c.is_none())
        .expect("an empty cell");
    let cols = grid.criteria.len();
    let (pupil, criterion) = (grid.pupils[i / cols].id, grid.criteria[i % cols].id);
    let [working, expected, _] = [grid.scale[0].id, grid.scale[1].id, grid.scale[2].id];

    let saved = |res: Response| async move {
        assert_eq!(res.status(), StatusCode::OK);
        res.answer::<usize>().await.unwrap()
    };
    assert_eq!(
        saved(save(&app, &teacher, class, &[(pupil, criterion, Some(working))]).await).await,
        1
    );
    app.clock.advance(time::Duration::minutes(5));
    // Saving what the cell already holds is no change.
    assert_eq!(
        saved(save(&app, &teacher, class, &[(pupil, criterion, Some(working))]).await).await,
        0
    );
    // Two teachers, the same cell: the last write wins.
    assert_eq!(
        saved(save(&app, &admin, class, &[(pupil, criterion, Some(expected))]).await).await,
        1
    );
    app.clock.advance(time::Duration::minutes(5));
    assert_eq!(
        saved(save(&app, &teacher, class, &[(pupil, criterion, None)]).await).await,
        1
    );

    let res = app
        .call::<CellHistory>(
            &teacher,
            &[
                ("group", &class.to_string()),
                ("pupil", &pupil.to_string()),
                ("criterion", &criterion.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let history: Vec<HistoryEntry> = res.answer().await.unwrap();
    let said: Vec<(&str, &str)> = history
        .iter()
        .map(|h| (h.judgement.as_str(), h.by.as_str()))
        .collect();
    assert_eq!(
        said,
        [
            ("Cleared", "Rebecca Jones"),
            ("2 Expected", "Sam Okoro"),
            ("1 Working towards", "Rebecca Jones")
        ]
    );
    assert_ne!(history[0].at, history[2].at, "each change says when");
    assert_eq!(
        cell(&grid_of(&app, &teacher, class).await, pupil, criterion),
        None
    );

    // Recorded for School Usage too.
    let teacher_id = app.user_id(TEACHER).await;
    let counted: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(count), 0) FROM usage_days WHERE user_id = ? AND kind = 'assessment'",
    )
    .bind(teacher_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(counted >= 2, "assessments counted: {counted}");
}

#[tokio::test]
async fn a_save_is_all_or_nothing() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let class = group_named(&app, "3 Oak").await;
    let grid = grid_of(&app, &teacher, class).await;
    let (first, second) = (grid.criteria[0].id, grid.criteria[1].id);
    let pupil = grid.pupils[0].id;
    let before = judgements_of(&app, pupil).await;

    // A level that isn't on the scale.
    let res = save(&app, &teacher, class, &[(pupil, first, Some(LevelId(999)))]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A criterion retired since the grid was opened refuses the whole save.
    sqlx::query("UPDATE criteria SET retired_at = '2026-01-01T00:00:00Z' WHERE id = ?")
        .bind(second.0)
        .execute(&app.pool)
        .await
        .unwrap();
    let level = Some(grid.scale[2].id);
    let res = save(
        &app,
        &teacher,
        class,
        &[(pupil, first, level), (pupil, second, level)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = error_of(res).await;
    assert!(error.to_string().contains("retired"), "{error}");
    assert_eq!(judgements_of(&app, pupil).await, before);
    // The retired criterion leaves the grid; its judgements stay on record.
    let after = grid_of(&app, &teacher, class).await;
    assert!(after.criteria.iter().all(|c| c.id != second));
}

/// Saves arriving together share the single writer's commit; each is still
/// all or nothing on its own.
#[tokio::test]
async fn saves_arriving_together_are_each_all_or_nothing() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let class = group_named(&app, "3 Oak").await;
    let grid = grid_of(&app, &teacher, class).await;
    let (first, second) = (grid.criteria[0].id, grid.criteria[1].id);
    // Each pupil's first judgement changes to a level it doesn't hold; every
    // other pupil's save also carries a level not on the scale, so that
    // whole save is refused after its good change was made.
    let plan: Vec<_> = grid
        .pupils
        .iter()
        .enumerate()
        .map(|(i, pupil)| {
            let before = cell(&grid, pupil.id, first);
            let level = grid.scale.iter().map(|l| Some(l.id)).find(|l| *l != before);
            let mut changes = vec![(pupil.id, first, level.unwrap())];
            if i % 2 == 1 {
                changes.push((pupil.id, second, Some(LevelId(999))));
            }
            (pupil.id, before, changes)
        })
        .collect();
    assert!(plan.len() >= 4, "the class has pupils");
    let answers = futures::future::join_all(
        plan.iter()
            .map(|(_, _, changes)| save(&app, &teacher, class, changes)),
    )
    .await;

    let after = grid_of(&app, &teacher, class).await;
    for ((pupil, before, changes), answer) in plan.iter().zip(answers) {
        let held = cell(&after, *pupil, first);
        if changes.len() == 1 {
            assert_eq!(answer.status(), StatusCode::OK);
            assert_eq!(held, changes[0].2, "a whole save is kept");
        } else {
            assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(held, *before, "a refused save's good change is undone");
        }
    }
}

#[tokio::test]
async fn a_change_reaches_other_open_grids_of_the_same_pupils_at_once() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let admin = app.signed_in(ADMIN).await;
    let class = group_named(&app, "3 Oak").await;
    let other = group_named(&app, "4 Oak").await;

    // The teacher may not listen to another class.
    let res = teacher
        .get(format!("{}{LIVE_PATH}?group={other}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let mut live = teacher
        .get(format!("{}{LIVE_PATH}?group={class}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    assert_eq!(
        live.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    // A change to another class's pupil is not sent; one to this class is.
    // A real change to the other class: a level the cell doesn't hold yet.
    let theirs = grid_of(&app, &admin, other).await;
    let (their_pupil, their_criterion) = (theirs.pupils[0].id, theirs.criteria[0].id);
    let now = cell(&theirs, their_pupil, their_criterion);
    let different = theirs
        .scale
        .iter()
        .map(|l| l.id)
        .find(|id| Some(*id) != now)
        .expect("a scale of more than one level");
    let res = save(
        &app,
        &admin,
        other,
        &[(their_pupil, their_criterion, Some(different))],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.answer::<usize>().await.unwrap(),
        1,
        "the other class changed"
    );
    let grid = grid_of(&app, &admin, class).await;
    let (pupil, criterion) = (grid.pupils[3].id, grid.criteria[2].id);
    let level = grid.scale[2].id;
    let res = save(&app, &admin, class, &[(pupil, criterion, Some(level))]).await;
    assert_eq!(res.status(), StatusCode::OK);

    let mut received = String::new();
    while !received.contains("\n\n") {
        let chunk = tokio::time::timeout(Duration::from_secs(5), live.chunk())
            .await
            .expect("a change within five seconds")
            .unwrap()
            .expect("the stream stays open");
        received.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(received.starts_with("event: changes\n"), "{received}");
    let data = received
        .lines()
        .find_map(|l| l.strip_prefix("data: "))
        .expect("data");
    // Postcard as base64, as a page's data is written into the page.
    let bytes = <[u8] as FromEncodedStr>::from_encoded_str(data).expect("base64");
    let changes: Vec<LiveChange> = postcard::from_bytes(&bytes).expect("postcard");
    assert_eq!(
        changes,
        vec![LiveChange {
            pupil,
            criterion,
            level: Some(level)
        }],
        "only this class's change"
    );
}

/// Reads a live stream until it ends, or answers false if it is still open
/// after five seconds.
async fn ends_soon(mut live: reqwest::Response) -> bool {
    loop {
        match tokio::time::timeout(Duration::from_secs(5), live.chunk()).await {
            Err(_) => return false,
            Ok(Ok(Some(_))) => continue,
            Ok(_) => return true,
        }
    }
}

#[tokio::test]
async fn revocation_ends_open_streams_at_once_and_streams_are_bounded() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let admin = app.signed_in(ADMIN).await;
    let class = group_named(&app, "3 Oak").await;
    let listen = |who: &reqwest::Client| {
        who.get(format!("{}{LIVE_PATH}?group={class}", app.address))
            .send()
    };

    // Taken off the group: the open stream ends, and a new one is refused.
    let live = listen(&teacher).await.unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    let me = app.user_id(TEACHER).await.to_string();
    let res = app
        .call::<app::users::api::AssignGroup>(
            &admin,
            &[
                ("id", me.as_str()),
                ("group", &class.to_string()),
                ("assigned", "false"),
            ],
        )
        .await;
    assert!(res.status().is_success(), "{}", res.status());
    assert!(
        ends_soon(live).await,
        "the stream outlived the unassignment"
    );
    assert_eq!(
        listen(&teacher).await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    // Signing out ends the admin's stream too.
    let live = listen(&admin).await.unwrap();
    assert_eq!(live.status(), StatusCode::OK);
    let res = app.call::<app::auth::api::SignOut>(&admin, &[]).await;
    assert!(res.status().is_success() || res.status().is_redirection());
    assert!(ends_soon(live).await, "the stream outlived signing out");

    // One person holds a bounded number of streams at once.
    let admin = app.signed_in(ADMIN).await;
    let mut open = Vec::new();
    for _ in 0..app::ssr::live::STREAMS_PER_PERSON {
        let live = listen(&admin).await.unwrap();
        assert_eq!(live.status(), StatusCode::OK);
        open.push(live);
    }
    assert_eq!(
        listen(&admin).await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // Closing one frees its place, as soon as the server sees it closed.
    drop(open.pop());
    let mut again = StatusCode::TOO_MANY_REQUESTS;
    for _ in 0..25 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        again = listen(&admin).await.unwrap().status();
        if again == StatusCode::OK {
            break;
        }
    }
    assert_eq!(again, StatusCode::OK);
}
