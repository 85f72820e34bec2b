//! The parent's own account: Add pupil, Delete account and "Where you're
//! signed in", through real HTTP, authorisation included.

use app::{
    error::AppError,
    parents::{api::ListParents, api::RemoveDeletedParent, codes, model::ParentList},
    portal::{
        api::{AddPupil, ChildDetails, MyChildren},
        model::Child,
    },
    settings::{
        api::{DeleteMyAccount, SignOutDevice, SignOutEverywhereElse, WhereSignedIn},
        model::SignedInDevice,
    },
};
use reqwest::{Client, Response, StatusCode};

use crate::{
    helpers::*,
    parents::{audit_count, codes_for, confirm_latest_letters, link_count, save, Form},
};

async fn children(app: &TestApp, parent: &Client) -> Vec<Child> {
    let res = app.call::<MyChildren>(parent, &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.answer().await.unwrap()
}

pub(crate) async fn uk_birthday(app: &TestApp, pupil: i64) -> String {
    let born: String = sqlx::query_scalar("SELECT date_of_birth FROM pupils WHERE id = ?")
        .bind(pupil)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    app::school::model::uk_date(&born)
}

/// An active pupil the demo parent isn't linked to.
async fn another_pupil(app: &TestApp) -> i64 {
    let parent = app.user_id(PARENT).await;
    sqlx::query_scalar(
        "SELECT id FROM pupils WHERE active = 1
           AND id NOT IN (SELECT pupil_id FROM parent_links WHERE parent_id = ?)
         ORDER BY id LIMIT 1",
    )
    .bind(parent)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// A second record the school holds for a parent, with no email address (as
/// MIS data often has), linked to `pupil`; answers its id and the access
/// code on its letter.
async fn record_without_email(
    app: &TestApp,
    admin: &Client,
    surname: &str,
    pupil: i64,
) -> (i64, String) {
    let res = save(
        app,
        admin,
        &Form {
            id: None,
            first_name: "Dana",
            surname,
            email: "",
            status: "active",
            links: vec![(pupil, "mother", true)],
        },
    )
    .await;
    assert!(done(&res), "saving a parent: {}", res.status());
    let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE surname = ?")
        .bind(surname)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (_, code) = codes_for(app, admin, id).await.remove(0);
    (id, code)
}

async fn add_pupil(app: &TestApp, parent: &Client, code: &str, born: &str) -> Response {
    app.call::<AddPupil>(parent, &[("code", code), ("date_of_birth", born)])
        .await
}

#[tokio::test]
async fn add_pupil_links_the_child_and_uses_the_code_up() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let parent = app.signed_in(PARENT).await;
    let pupil = another_pupil(&app).await;
    let (record, reissued) = record_without_email(&app, &admin, "Okonkwo-Twice", pupil).await;
    let born = uk_birthday(&app, pupil).await;
    let before = children(&app, &parent).await.len();
    // A new letter, once confirmed printed, revokes the old one's code.
    let (_, code) = codes_for(&app, &admin, record).await.remove(0);
    confirm_latest_letters(&app, &admin).await;
    let res = add_pupil(&app, &parent, &reissued, &born).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A wrong date of birth and a made-up code get the same answer.
    let wrong = error_of(add_pupil(&app, &parent, &code, "01/01/2000").await).await;
    let made_up = error_of(add_pupil(&app, &parent, "ABCD-EFGH-JKMN", &born).await).await;
    assert_eq!(wrong, made_up);
    assert!(matches!(wrong, AppError::Invalid { .. }), "{wrong:?}");
    // Badly typed: a message beside each field.
    let res = add_pupil(&app, &parent, "ABC", "2019-05-04").await;
    let error = error_of(res).await;
    assert!(error.for_field("code").is_some());
    assert!(error.for_field("date_of_birth").is_some());

    let res = add_pupil(&app, &parent, &code, &born).await;
    assert!(done(&res), "{}", res.status());
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("/children/{pupil}")),
        "{location}"
    );
    let now = children(&app, &parent).await;
    assert_eq!(now.len(), before + 1);
    assert!(now.iter().any(|c| c.id.0 == pupil));
    let res = app
        .call::<ChildDetails>(&parent, &[("pupil", &pupil.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        audit_count(&app, "pupil added with an access code").await,
        1
    );

    // The code is used up, and the record the letter was printed for, left
    // with no links and never signed up with, is retired.
    let mut conn = app.pool.acquire().await.unwrap();
    assert!(codes::link_for(&mut conn, &code).await.unwrap().is_none());
    assert_eq!(link_count(&app, record).await, 0);
    let active: bool = sqlx::query_scalar("SELECT active FROM users WHERE id = ?")
        .bind(record)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!active);
    let res = add_pupil(&app, &parent, &code, &born).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_code_of_another_signed_up_account_is_refused() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let parent = app.signed_in(PARENT).await;
    let pupil = another_pupil(&app).await;
    let (record, code) = record_without_email(&app, &admin, "Someone-Else", pupil).await;
    let born = uk_birthday(&app, pupil).await;
    // Someone signs up with that record's letter; then the school prints
    // it a fresh one.
    let res = app
        .call::<app::parents::api::SignUp>(
            &client(),
            &[
                ("code", &code),
                ("date_of_birth", &born),
                ("first_name", "Dana"),
                ("surname", "Someone-Else"),
                ("email", "dana@mail.example"),
                ("password", "tulip-garden-42"),
                ("confirm", "tulip-garden-42"),
            ],
        )
        .await;
    assert!(done(&res), "{}", res.status());
    let (_, fresh) = codes_for(&app, &admin, record).await.remove(0);

    let before = children(&app, &parent).await.len();
    let res = add_pupil(&app, &parent, &fresh, &born).await;
    let message = error_of(res).await.to_string();
    assert!(message.contains("ask the school office"), "{message}");
    assert_eq!(children(&app, &parent).await.len(), before);
    assert_eq!(link_count(&app, record).await, 1);
    // Not used up: the school can still see it belongs to that account.
    let mut conn = app.pool.acquire().await.unwrap();
    assert!(codes::link_for(&mut conn, &fresh).await.unwrap().is_some());
}

#[tokio::test]
async fn add_pupil_is_rate_limited_like_sign_up() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let parent = app.signed_in(PARENT).await;
    let pupil = another_pupil(&app).await;
    let (_, code) = record_without_email(&app, &admin, "Many-Tries", pupil).await;
    let born = uk_birthday(&app, pupil).await;
    for day in 1..=5 {
        let res = add_pupil(&app, &parent, &code, &format!("{day:02}/01/2001")).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let res = add_pupil(&app, &parent, &code, &born).await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even with the right date"
    );
    // Staff have no children to add.
    let teacher = app.signed_in(TEACHER).await;
    let res = add_pupil(&app, &teacher, &code, &born).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

async fn devices(app: &TestApp, who: &Client) -> Vec<SignedInDevice> {
    let res = app.call::<WhereSignedIn>(who, &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.answer().await.unwrap()
}

/// A client that says it is Chrome on Android, signed in as `email`.
async fn phone(app: &TestApp, email: &str) -> Client {
    let phone = Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) \
             Chrome/131.0.0.0 Mobile Safari/537.36",
        )
        .build()
        .unwrap();
    let res = app.sign_in(&phone, email, PASSWORD, true).await;
    assert!(done(&res), "{}", res.status());
    phone
}

#[tokio::test]
async fn where_youre_signed_in_lists_and_ends_sessions() {
    let app = spawn_app().await;
    let laptop = app.signed_in(PARENT).await;
    let phone = phone(&app, PARENT).await;
    let tablet = app.signed_in(PARENT).await;

    let listed = devices(&app, &laptop).await;
    assert_eq!(listed.len(), 3);
    assert_eq!(listed.iter().filter(|d| d.this_device).count(), 1);
    let android = listed
        .iter()
        .find(|d| d.device == "Chrome on Android")
        .expect("the phone, in words");
    assert!(!android.this_device && !android.installed_app);

    // Someone else can't see or end these sessions.
    let teacher = app.signed_in(TEACHER).await;
    assert!(devices(&app, &teacher)
        .await
        .iter()
        .all(|d| d.id != android.id));
    let res = app
        .call::<SignOutDevice>(&teacher, &[("id", &android.id.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        children(&app, &phone).await.len(),
        children(&app, &laptop).await.len()
    );

    // Sign out: the phone's next request finds it signed out.
    let res = app
        .call::<SignOutDevice>(&laptop, &[("id", &android.id.to_string())])
        .await;
    assert!(done(&res), "{}", res.status());
    let res = app.call::<MyChildren>(&phone, &[]).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(devices(&app, &laptop).await.len(), 2);

    // Sign out everywhere else: the tablet goes, the laptop stays.
    let res = app.call::<SignOutEverywhereElse>(&laptop, &[]).await;
    assert!(done(&res), "{}", res.status());
    let res = app.call::<MyChildren>(&tablet, &[]).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let left = devices(&app, &laptop).await;
    assert_eq!(left.len(), 1);
    assert!(left[0].this_device);
    assert_eq!(audit_count(&app, "signed out a device").await, 1);
    assert_eq!(audit_count(&app, "signed out everywhere else").await, 1);
}

#[tokio::test]
async fn delete_account_ends_every_session_and_frees_the_email() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let parent = app.signed_in(PARENT).await;
    let other_device = phone(&app, PARENT).await;
    let id = app.user_id(PARENT).await;
    let pupil = another_pupil(&app).await;
    assert!(link_count(&app, id).await > 0);

    // Staff have no account to delete this way, and a wrong password changes nothing.
    let teacher = app.signed_in(TEACHER).await;
    let res = app
        .call::<DeleteMyAccount>(&teacher, &[("current_password", PASSWORD)])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .call::<DeleteMyAccount>(&parent, &[("current_password", "not-my-password")])
        .await;
    assert!(error_of(res).await.for_field("current_password").is_some());
    assert_eq!(
        children(&app, &other_device).await.len(),
        link_count(&app, id).await as usize
    );

    let res = app
        .call::<DeleteMyAccount>(&parent, &[("current_password", PASSWORD)])
        .await;
    assert!(done(&res), "{}", res.status());
    for device in [&parent, &other_device] {
        let res = app.call::<MyChildren>(device, &[]).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(link_count(&app, id).await, 0);
    let res = app.sign_in(&client(), PARENT, PASSWORD, false).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(audit_count(&app, "account deleted by its owner").await, 1);

    // The address is free: the school can give it to a new record.
    let res = save(
        &app,
        &admin,
        &Form {
            id: None,
            first_name: "New",
            surname: "Start",
            email: PARENT,
            status: "active",
            links: vec![(pupil, "parent", true)],
        },
    )
    .await;
    assert!(done(&res), "{}", res.status());

    // The Parents page says what happened, until an admin removes the row.
    let surname: String = sqlx::query_scalar("SELECT surname FROM users WHERE id = ?")
        .bind(id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let listed = |list: ParentList| list.rows.into_iter().find(|r| r.id.0 == id);
    let row = listed(parents(&app, &admin, &surname).await).expect("the deleted parent is listed");
    assert!(row.deleted && !row.active && row.email.is_none());
    // Only a deleted account's row can be removed this way.
    let new_record = app.user_id(PARENT).await;
    let res = app
        .call::<RemoveDeletedParent>(&admin, &[("id", &new_record.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let teacher = app.signed_in(TEACHER).await;
    let res = app
        .call::<RemoveDeletedParent>(&teacher, &[("id", &id.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = app
        .call::<RemoveDeletedParent>(&admin, &[("id", &id.to_string())])
        .await;
    assert!(done(&res), "{}", res.status());
    assert!(listed(parents(&app, &admin, &surname).await).is_none());
    assert_eq!(audit_count(&app, "deleted account removed").await, 1);
}

async fn parents(app: &TestApp, admin: &Client, search: &str) -> ParentList {
    let res = app
        .call::<ListParents>(admin, &[("search", search), ("status", ""), ("page", "0")])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.answer().await.unwrap()
}
