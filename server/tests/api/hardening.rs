//! Gaps a security review found, each closed with a test that failed before
//! its fix: leavers, search wildcards, session lifetime and caching, what a
//! new password ends, and Settings as an account oracle.

use app::{
    portal::api::{ChildDetails, MyChildren},
    school::{api::FindPupils, model::PupilSearch},
    settings::api::{ChangeMyPassword, CheckEmailLink, RequestEmailChange},
};
use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn a_parent_loses_a_child_who_leaves_and_staff_keep_them() {
    let app = spawn_app().await;
    let parent = app.signed_in(PARENT).await;
    let admin = app.signed_in(ADMIN).await;
    let mine: Vec<app::portal::model::Child> = app
        .call::<MyChildren>(&parent, &[])
        .await
        .answer()
        .await
        .unwrap();
    let leaver = mine[0].id.0.to_string();
    let report: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM reports WHERE pupil_id = ? AND published_at IS NOT NULL",
    )
    .bind(mine[0].id.0)
    .fetch_optional(&app.pool)
    .await
    .unwrap();
    // The MIS says the child has left the school.
    sqlx::query("UPDATE pupils SET active = 0 WHERE id = ?")
        .bind(mine[0].id.0)
        .execute(&app.pool)
        .await
        .unwrap();

    let res = app
        .call::<ChildDetails>(&parent, &[("pupil", &leaver)])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let report = report.expect("the demo parent's child has a published report");
    let read = |who| {
        let (app, leaver) = (&app, &leaver);
        async move {
            app.call::<app::reports::api::ReadReport>(
                who,
                &[("pupil", leaver.as_str()), ("report", &report.to_string())],
            )
            .await
            .status()
        }
    };
    assert_eq!(
        read(&parent).await,
        StatusCode::NOT_FOUND,
        "their report by its URL"
    );
    assert_eq!(read(&admin).await, StatusCode::OK, "staff keep the history");
}

#[tokio::test]
async fn percent_and_underscore_are_what_they_say_in_a_search() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let find = |search: &'static str| {
        let (app, admin) = (&app, &admin);
        async move {
            let res = app.call::<FindPupils>(admin, &[("search", search)]).await;
            assert_eq!(res.status(), StatusCode::OK);
            res.answer::<PupilSearch>().await.unwrap()
        }
    };
    // No pupil's name holds these, so nothing matches: they are not wildcards.
    assert!(find("%%").await.pupils.is_empty());
    assert!(find("__").await.pupils.is_empty());
    assert!(find("%a").await.pupils.is_empty());
    // An ordinary search still finds pupils.
    assert!(!find("an").await.pupils.is_empty());
    // Two characters means two characters, whatever their bytes.
    assert!(find(" é ").await.pupils.is_empty());
}

#[tokio::test]
async fn remember_me_lasts_thirty_days_from_sign_in_however_often_used() {
    let app = spawn_app().await;
    let parent = client();
    assert!(done(&app.sign_in(&parent, PARENT, PASSWORD, true).await));
    // Used every few days, for a month.
    for _ in 0..9 {
        app.clock.advance(time::Duration::days(3));
        let res = app.call::<MyChildren>(&parent, &[]).await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    app.clock
        .advance(time::Duration::days(3) + time::Duration::minutes(1));
    let res = app.call::<MyChildren>(&parent, &[]).await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "day 30: sign in again"
    );
}

#[tokio::test]
async fn expired_sessions_are_deleted_from_the_database() {
    let app = spawn_app().await;
    let _parent = app.signed_in(PARENT).await;
    let now = time::OffsetDateTime::now_utc();
    sqlx::query("INSERT INTO tower_sessions (id, data, expiry_date) VALUES ('old', x'80', ?)")
        .bind(now.unix_timestamp() - 60)
        .execute(&app.pool)
        .await
        .unwrap();
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM tower_sessions")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };
    let before = count().await;
    let pruned = app::auth::sessions::prune(&app.pool, now).await.unwrap();
    assert_eq!(pruned, 1);
    assert_eq!(count().await, before - 1, "the live session stays");
}

#[tokio::test]
async fn personal_pages_and_answers_are_never_stored() {
    let app = spawn_app().await;
    let parent = app.signed_in(PARENT).await;
    let no_store = |res: &reqwest::Response| {
        res.headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_owned())
    };
    for path in ["/", "/settings", "/sign-in"] {
        let res = parent
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(no_store(&res).as_deref(), Some("no-store"), "{path}");
    }
    let res = app.call::<MyChildren>(&parent, &[]).await;
    assert_eq!(
        no_store(&res).as_deref(),
        Some("no-store"),
        "a server function"
    );
    // The application's own files may be cached.
    let res = parent
        .get(format!("{}/favicon.svg", app.address))
        .send()
        .await
        .unwrap();
    assert_ne!(no_store(&res).as_deref(), Some("no-store"));
}

#[tokio::test]
async fn a_new_password_ends_a_pending_email_change_and_is_told() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let new = "someone.else@mail.example";
    let res = app
        .call::<RequestEmailChange>(
            &teacher,
            &[("new_email", new), ("current_password", PASSWORD)],
        )
        .await;
    assert!(done(&res), "{}", res.status());
    let link = app.last_email_to(new).await.link("/confirm-email/");
    let token = link.rsplit('/').next().unwrap().to_owned();

    let res = app
        .call::<ChangeMyPassword>(
            &teacher,
            &[
                ("current_password", PASSWORD),
                ("password", "copper-kettle-93"),
                ("confirm", "copper-kettle-93"),
            ],
        )
        .await;
    assert!(done(&res), "{}", res.status());
    let status: app::auth::model::LinkStatus = app
        .call::<CheckEmailLink>(&client(), &[("token", &token)])
        .await
        .answer()
        .await
        .unwrap();
    assert_ne!(status, app::auth::model::LinkStatus::Ready);
    let told = app.last_email_to(TEACHER).await;
    assert!(
        told.subject.contains("password was changed"),
        "{}",
        told.subject
    );
    // Still signed in here.
    let res = app.call::<app::auth::api::WhoAmI>(&teacher, &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn settings_tell_no_one_whose_an_email_address_is() {
    let app = spawn_app().await;
    let parent = app.signed_in(PARENT).await;
    let ask = |email: &'static str, password: &'static str| {
        let (app, parent) = (&app, &parent);
        async move {
            app.call::<RequestEmailChange>(
                parent,
                &[("new_email", email), ("current_password", password)],
            )
            .await
        }
    };
    // The password comes first, whoever holds the address.
    let res = ask(TEACHER, "not-my-password").await;
    let error = error_of(res).await;
    assert!(error.for_field("current_password").is_some());
    assert!(error.for_field("new_email").is_none());
    // A staff address, another parent's and a free one: one answer.
    let answers = [
        ask(TEACHER, PASSWORD).await,
        ask(ADMIN, PASSWORD).await,
        ask("nobody.yet@mail.example", PASSWORD).await,
    ];
    for res in &answers {
        assert!(done(res), "{}", res.status());
        assert_eq!(
            res.headers().get("location"),
            answers[2].headers().get("location")
        );
    }
    // And not without limit.
    for _ in 0..2 {
        assert!(done(&ask("nobody.yet@mail.example", PASSWORD).await));
    }
    let res = ask("nobody.yet@mail.example", PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_burst_of_guesses_gets_no_more_password_checks_than_the_limit() {
    let app = spawn_app().await;
    let guesses = (0..100).map(|n| {
        let app = &app;
        async move {
            app.sign_in(&client(), PARENT, &format!("guess-number-{n}"), false)
                .await
                .status()
        }
    });
    let answers = futures::future::join_all(guesses).await;
    let checked = answers
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    let refused = answers
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((checked, refused), (5, 95), "{answers:?}");
    let counted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attempts WHERE email = ?")
        .bind(PARENT)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(counted, 5);
}

#[tokio::test]
async fn a_burst_of_access_code_guesses_gets_no_more_than_the_limit() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let parent: i64 = sqlx::query_scalar(
        "SELECT u.id FROM users u WHERE u.role = 'parent' AND u.password_hash IS NULL
           AND EXISTS (SELECT 1 FROM parent_links l WHERE l.parent_id = u.id) ORDER BY u.id LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let (_, code) = crate::parents::codes_for(&app, &admin, parent)
        .await
        .remove(0);
    let guesses = (1..=20).map(|day| {
        let (app, code) = (&app, &code);
        async move {
            app.call::<app::parents::api::SignUp>(
                &client(),
                &[
                    ("code", code.as_str()),
                    ("date_of_birth", &format!("{day:02}/01/2001")),
                    ("first_name", "Guess"),
                    ("surname", "Many"),
                    ("email", "guess@mail.example"),
                    ("password", "tulip-garden-42"),
                    ("confirm", "tulip-garden-42"),
                ],
            )
            .await
            .status()
        }
    });
    let answers = futures::future::join_all(guesses).await;
    let wrong = answers
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert_eq!(wrong, 5, "{answers:?}");
}

/// A teacher's own set: the fields of the group form.
async fn save_set(
    app: &TestApp,
    who: &reqwest::Client,
    name: &str,
    pupils: &[i64],
) -> reqwest::Response {
    let mut fields = vec![("name".to_owned(), name.to_owned())];
    for (i, p) in pupils.iter().enumerate() {
        fields.push((format!("pupils[{i}]"), p.to_string()));
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.call::<app::groups::api::SaveGroup>(who, &pairs).await
}

#[tokio::test]
async fn a_teacher_cannot_widen_their_reach_with_a_set_of_their_own() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let admin = app.signed_in(ADMIN).await;
    let me = app.user_id(TEACHER).await;
    // A pupil in the year group of a class the teacher has, and one in a
    // year group they don't teach.
    let pupil_in = |inside: bool| {
        let app = &app;
        async move {
            sqlx::query_as::<_, (i64, String)>(
                "SELECT p.id, p.surname FROM pupils p WHERE p.active = 1 AND (p.year_group IN (
                   SELECT g.year_group FROM groups g JOIN group_teachers gt ON gt.group_id = g.id
                   WHERE gt.user_id = ? AND g.kind = 'class')) = ? ORDER BY p.id LIMIT 1",
            )
            .bind(me)
            .bind(inside)
            .fetch_one(&app.pool)
            .await
            .unwrap()
        }
    };
    let (near, _) = pupil_in(true).await;
    let (far, far_surname) = pupil_in(false).await;

    // The search offers only pupils the teacher may add; an admin's offers all.
    assert!(!offered(&app, &teacher, &far_surname, far).await);
    assert!(offered(&app, &admin, &far_surname, far).await);

    // The server refuses the far pupil, inside the write: nothing is saved.
    let groups_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM groups")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let res = save_set(&app, &teacher, "Reading Boost", &[near, far]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_of(res).await.for_field("pupils").is_some());
    let groups_after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM groups")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(groups_after, groups_before);
    let res = app
        .call::<ChildDetails>(&teacher, &[("pupil", &far.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "still out of reach");

    // The near pupil is fine, and the addition is in the audit log.
    let res = save_set(&app, &teacher, "Reading Boost", &[near]).await;
    assert!(done(&res), "{}", res.status());
    let logged: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'pupil added to a group' AND subject LIKE ?",
    )
    .bind(format!("% pupil:{near}"))
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(logged, 1);

    // Only an admin changes the rule; "Any pupil in the school" lets the far one in.
    let rule = |value: &'static str| [("teachers_add_to_sets", value)];
    let res = app
        .call::<app::school::api::SaveSchoolSettings>(&teacher, &rule("anyone"))
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .call::<app::school::api::SaveSchoolSettings>(&admin, &rule("everyone-ever"))
        .await;
    assert!(error_of(res)
        .await
        .for_field("teachers_add_to_sets")
        .is_some());
    let res = app
        .call::<app::school::api::SaveSchoolSettings>(&admin, &rule("anyone"))
        .await;
    assert!(done(&res), "{}", res.status());
    assert!(offered(&app, &teacher, &far_surname, far).await);
    let res = save_set(&app, &teacher, "Reading Boost 2", &[near, far]).await;
    assert!(done(&res), "{}", res.status());
}

/// Whether a pupil search for `surname` offers the pupil `id`.
async fn offered(app: &TestApp, who: &reqwest::Client, surname: &str, id: i64) -> bool {
    let res = app.call::<FindPupils>(who, &[("search", surname)]).await;
    let found: PupilSearch = res.answer().await.unwrap();
    found.pupils.iter().any(|p| p.id.0 == id)
}

#[tokio::test]
async fn a_sent_email_leaves_no_usable_link_in_the_database() {
    let app = spawn_app().await;
    let res = app
        .call::<app::auth::api::RequestPasswordReset>(&client(), &[("email", TEACHER)])
        .await;
    assert!(done(&res), "{}", res.status());
    let link = app.last_email_to(TEACHER).await.link("/reset-password/");
    let token = link.rsplit('/').next().unwrap().to_owned();
    // Nowhere in the outbox: not the link, not the bodies.
    let holding: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM outbox
         WHERE instr(COALESCE(link, '') || text_body || html_body, ?) > 0",
    )
    .bind(&token)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(holding, 0, "a sent email still holds its link");
    let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(sent >= 1);
    // A month on, the record of it goes too.
    let later = time::OffsetDateTime::now_utc() + time::Duration::days(31);
    server::housekeeping(&app.pool, later, "http://markwell.test")
        .await
        .unwrap();
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn an_address_that_can_never_be_sent_to_is_given_up_on_and_shown_to_admins() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    // An address from before typed addresses were checked by the mail
    // worker's own parser.
    let (parent, _) = crate::parents::parent_not_signed_up(&app).await;
    sqlx::query("UPDATE users SET email = 'dana.smith@mail..example' WHERE id = ?")
        .bind(parent)
        .execute(&app.pool)
        .await
        .unwrap();
    let res =
        crate::parents::for_parents::<app::parents::api::SendInvitations>(&app, &admin, &[parent])
            .await;
    assert!(done(&res), "{}", res.status());
    for _ in 0..5 {
        app.deliver_mail().await;
        app.clock.advance(time::Duration::hours(2));
    }
    let (attempts, given_up): (i64, bool) = sqlx::query_as(
        "SELECT attempts, given_up_at IS NOT NULL FROM outbox WHERE to_address = 'dana.smith@mail..example'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        (attempts, given_up),
        (3, true),
        "tried a bounded number of times"
    );
    let detail: app::parents::model::ParentDetail = app
        .call::<app::parents::api::OpenParent>(&admin, &[("id", &parent.to_string())])
        .await
        .answer()
        .await
        .unwrap();
    assert_eq!(detail.undelivered.len(), 1);
    assert!(detail.undelivered[0].given_up);
    assert!(!detail.undelivered[0].reason.is_empty());

    // Typed, the same address is refused beside the field.
    let res = crate::parents::save(
        &app,
        &admin,
        &crate::parents::Form {
            id: Some(parent),
            first_name: "Dana",
            surname: "Smith",
            email: "dana.smith@mail..example",
            status: "active",
            links: vec![],
        },
    )
    .await;
    assert!(error_of(res).await.for_field("email").is_some());
}

/// Item: printed letters are not lost with a reply. Making letters again
/// (its answer never reaching the admin) leaves every letter parents already
/// hold working; only "Letters printed" retires them, and no usable code is
/// ever stored.
#[tokio::test]
async fn a_lost_letters_reply_leaves_the_letters_parents_hold_working() {
    use crate::{
        parent_account::uk_birthday,
        parents::{codes_for, confirm_letters, parent_not_signed_up, sign_up},
    };
    use app::parents::{api::ListParents, codes, model::ParentList};
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let (parent, _) = parent_not_signed_up(&app).await;
    let waiting = || async {
        let res = app
            .call::<ListParents>(&admin, &[("search", ""), ("status", ""), ("page", "0")])
            .await;
        res.answer::<ParentList>().await.unwrap().waiting_letters
    };
    // The letter the parent holds, made and confirmed printed.
    let held = codes_for(&app, &admin, parent).await;
    let batch = waiting().await[0].batch;
    assert_eq!(
        confirm_letters(&app, &admin, batch).await.codes,
        held.len() as u64
    );
    assert!(waiting().await.is_empty());
    // Letters made again, and the answer lost on its way: never seen.
    let lost = codes_for(&app, &admin, parent).await;
    assert_eq!(
        waiting().await.len(),
        1,
        "the batch waits for Letters printed"
    );
    // Nothing stored can be typed as a code: only hashes.
    let stored: Vec<String> = sqlx::query_scalar(
        "SELECT code_hash FROM letter_codes
         UNION ALL SELECT access_code_hash FROM parent_links WHERE access_code_hash IS NOT NULL",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    for (_, code) in held.iter().chain(&lost) {
        let plain = code.replace('-', "");
        assert!(stored
            .iter()
            .all(|s| !s.contains(&plain) && !s.contains(code)));
    }
    let mut conn = app.pool.acquire().await.unwrap();
    for (_, code) in &lost {
        assert!(codes::link_for(&mut conn, code).await.unwrap().is_some());
    }
    drop(conn);
    // The parent signs up with the letter in their hand.
    let (pupil, code) = &held[0];
    let born = uk_birthday(&app, *pupil).await;
    let res = sign_up(&app, code, &born, "held-letter@mail.example").await;
    assert!(done(&res), "{}", res.status());
    // Signing up claimed the link: the lost letter's code for it went too.
    let mut conn = app.pool.acquire().await.unwrap();
    assert!(codes::link_for(&mut conn, &lost[0].1)
        .await
        .unwrap()
        .is_none());
}
