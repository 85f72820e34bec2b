use app::{
    auth::api::{SignIn, SignOut, WhoAmI},
    error::AppError,
    portal::api::ChildDetails,
    school::api::SchoolAtAGlance,
};
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;

use crate::helpers::*;

#[tokio::test]
async fn sign_in_succeeds_with_the_right_password_and_fails_otherwise() {
    let app = spawn_app().await;
    let client = client();
    let browser_sign_ins = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT COALESCE(SUM(count), 0) FROM usage_days WHERE kind = 'sign-in' AND client = 'browser'",
        )
        .fetch_one(&app.pool)
        .await
        .unwrap()
    };
    let before = browser_sign_ins().await;

    let wrong = app
        .sign_in(&client, TEACHER, "not-the-password-1", false)
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = error_of(wrong).await;
    assert!(matches!(error, AppError::Invalid { .. }), "{error:?}");
    assert_eq!(
        app.call::<WhoAmI>(&client, &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );

    let right = app.sign_in(&client, TEACHER, PASSWORD, false).await;
    assert!(right.status().is_success());
    let me: app::auth::model::Person = app
        .call::<WhoAmI>(&client, &[])
        .await
        .answer()
        .await
        .unwrap();
    assert_eq!(me.role, app::auth::model::Role::Teacher);
    assert_eq!(me.school_name, "Oakfield Primary School");

    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action IN ('signed in', 'sign-in failed')",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(audited, 2);
    // Only the successful sign-in counts towards School Usage.
    assert_eq!(browser_sign_ins().await, before + 1);
}

/// A form the browser posts itself (its WebAssembly not there yet, or not at
/// all) that is refused comes back to its own page, the message beside the
/// field, not as a page of the refusal's bytes.
#[tokio::test]
async fn a_form_refused_before_the_webassembly_comes_back_to_its_page() {
    let app = spawn_app().await;
    let client = client();
    let page = format!("{}/sign-in", app.address);
    let res = client
        .post(format!("{}{}", app.address, SignIn::PATH))
        .header("Accept", "text/html")
        .header("Referer", &page)
        .form(&[("email", PARENT), ("password", "not-the-password-1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let back = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(back.starts_with(&format!("{page}?__path=")), "{back}");
    let html = client
        .get(&back)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("match an account. Check them and try again."),
        "the sign-in page shows why: {html}"
    );
}

#[tokio::test]
async fn unknown_and_known_emails_fail_alike() {
    let app = spawn_app().await;
    let known = app
        .sign_in(&client(), TEACHER, "wrong-password-1", false)
        .await;
    let unknown = app
        .sign_in(
            &client(),
            "nobody@nowhere.example",
            "wrong-password-1",
            false,
        )
        .await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
}

fn session_cookie(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("markwell_session="))
        .expect("a session cookie")
        .to_owned()
}

#[tokio::test]
async fn remember_me_keeps_the_session_for_thirty_days() {
    let app = spawn_app().await;
    let remembered = app.sign_in(&client(), PARENT, PASSWORD, true).await;
    let cookie = session_cookie(&remembered);
    // Thirty days from sign-in (to the second, give or take the request).
    let max_age: i64 = cookie
        .split("; ")
        .find_map(|part| part.strip_prefix("Max-Age="))
        .unwrap_or_else(|| panic!("a Max-Age in {cookie}"))
        .parse()
        .unwrap();
    assert!((2_591_990..=2_592_000).contains(&max_age), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");

    let browser_only = app.sign_in(&client(), PARENT, PASSWORD, false).await;
    let cookie = session_cookie(&browser_only);
    assert!(
        !cookie.contains("Max-Age") && !cookie.contains("Expires"),
        "{cookie}"
    );
}

#[tokio::test]
async fn logout_ends_the_session_on_the_server() {
    let app = spawn_app().await;
    let client = client();
    let res = app.sign_in(&client, ADMIN, PASSWORD, false).await;
    let cookie = session_cookie(&res);
    let pair = cookie.split(';').next().unwrap().to_owned();

    assert!(app
        .call::<SignOut>(&client, &[])
        .await
        .status()
        .is_success());
    // The old cookie, replayed by someone who kept it, no longer works.
    let replay = reqwest::Client::new()
        .post(format!(
            "{}{}",
            app.address,
            <WhoAmI as leptos::server_fn::ServerFn>::PATH
        ))
        .header("cookie", pair)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_inactive_account_is_refused_even_mid_session() {
    let app = spawn_app().await;
    let live = app.signed_in(PARENT).await;
    assert!(app.call::<WhoAmI>(&live, &[]).await.status().is_success());

    sqlx::query("UPDATE users SET active = 0 WHERE email = ?")
        .bind(PARENT)
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        app.call::<WhoAmI>(&live, &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );

    let again = app.sign_in(&client(), PARENT, PASSWORD, false).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let AppError::Invalid { message, .. } = error_of(again).await else {
        panic!("not Invalid")
    };
    assert!(message.contains("inactive"), "{message}");
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while() {
    let app = spawn_app().await;
    for _ in 0..5 {
        let res = app.sign_in(&client(), SLT, "wrong-password-1", false).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Even the right password waits until the limit lifts.
    let locked = app.sign_in(&client(), SLT, PASSWORD, false).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        matches!(error_of(locked).await, AppError::TooManyAttempts { minutes } if minutes <= 16)
    );
    // Another account from the same address is unaffected below the address limit.
    assert!(app
        .sign_in(&client(), TEACHER, PASSWORD, false)
        .await
        .status()
        .is_success());
}

#[tokio::test]
async fn many_failures_from_one_address_are_limited() {
    let app = spawn_app().await;
    for n in 0..20 {
        let email = format!("guess{n}@nowhere.example");
        let res = app
            .sign_in(&client(), &email, "wrong-password-1", false)
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let res = app.sign_in(&client(), TEACHER, PASSWORD, false).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_teacher_cannot_call_an_admin_only_function() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let res = app.call::<SchoolAtAGlance>(&teacher, &[]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_of(res).await, AppError::Forbidden);

    let admin = app.signed_in(ADMIN).await;
    let res = app.call::<SchoolAtAGlance>(&admin, &[]).await;
    assert!(res.status().is_success());
    let overview: app::school::model::SchoolOverview = res.answer().await.unwrap();
    assert_eq!(overview.pupils, 300);
}

#[tokio::test]
async fn a_parent_gets_nothing_for_a_pupil_they_are_not_linked_to() {
    let app = spawn_app().await;
    let parent_id = app.user_id(PARENT).await;
    let own: i64 =
        sqlx::query_scalar("SELECT pupil_id FROM parent_links WHERE parent_id = ? LIMIT 1")
            .bind(parent_id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let other: i64 = sqlx::query_scalar(
        "SELECT id FROM pupils WHERE id NOT IN (SELECT pupil_id FROM parent_links WHERE parent_id = ?) LIMIT 1",
    )
    .bind(parent_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let parent = app.signed_in(PARENT).await;

    let mine = app
        .call::<ChildDetails>(&parent, &[("pupil", &own.to_string())])
        .await;
    assert!(mine.status().is_success());

    let theirs = app
        .call::<ChildDetails>(&parent, &[("pupil", &other.to_string())])
        .await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    let body = theirs.text().await.unwrap();
    assert!(!body.contains("first_name"), "{body}");
    // A pupil id that doesn't exist answers the same.
    let missing = app
        .call::<ChildDetails>(&parent, &[("pupil", "999999")])
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let traces: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'access denied' AND actor_id = ?",
    )
    .bind(parent_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(traces, 2);
}

#[tokio::test]
async fn a_teacher_reads_only_pupils_in_their_groups() {
    let app = spawn_app().await;
    let teacher_id = app.user_id(TEACHER).await;
    let (own, other): (i64, i64) = sqlx::query_as(
        "SELECT
           (SELECT gp.pupil_id FROM group_pupils gp JOIN group_teachers gt ON gt.group_id = gp.group_id
             WHERE gt.user_id = ?1 LIMIT 1),
           (SELECT gp.pupil_id FROM group_pupils gp JOIN group_teachers gt ON gt.group_id = gp.group_id
             WHERE gt.user_id <> ?1 LIMIT 1)",
    )
    .bind(teacher_id)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let teacher = app.signed_in(TEACHER).await;
    let res = app
        .call::<ChildDetails>(&teacher, &[("pupil", &own.to_string())])
        .await;
    assert!(res.status().is_success());
    let res = app
        .call::<ChildDetails>(&teacher, &[("pupil", &other.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // SLT read every pupil.
    let slt = app.signed_in(SLT).await;
    let res = app
        .call::<ChildDetails>(&slt, &[("pupil", &other.to_string())])
        .await;
    assert!(res.status().is_success());
}
