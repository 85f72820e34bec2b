//! Accounts and email: reset links, invitations, Users, Settings, the audit
//! log and the mail queue, through real HTTP and a real SMTP server.

use app::{
    audit::api::AuditEntries,
    auth::api::{CheckPasswordLink, RequestPasswordReset, SetPassword, WhoAmI},
    settings::api::{ChangeMyPassword, ConfirmEmailChange, RequestEmailChange, SaveMyName},
    users::api::{
        AssignGroup, InviteStaff, ListStaff, ResendInvitation, SaveStaff, SetStaffActive,
    },
};
use app::{
    audit::model::AuditPage,
    auth::model::{LinkStatus, Person, Role},
    users::model::{StaffMember, StaffStatus},
};
use reqwest::{Response, StatusCode};
use server::MailWorker;

use crate::helpers::*;

const NEW_PASSWORD: &str = "tulip-garden-42";

fn assert_done(res: &Response, what: &str) {
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{what}: {}",
        res.status()
    );
}

/// The token at the end of an emailed link.
fn token_of(link: &str) -> String {
    link.rsplit('/').next().unwrap().to_owned()
}

async fn link_status(app: &TestApp, token: &str, link: &str) -> LinkStatus {
    let res = app
        .call::<CheckPasswordLink>(&client(), &[("token", token), ("link", link)])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.answer().await.unwrap()
}

async fn set_password(app: &TestApp, token: &str, link: &str, password: &str) -> Response {
    app.call::<SetPassword>(
        &client(),
        &[
            ("token", token),
            ("link", link),
            ("password", password),
            ("confirm", password),
        ],
    )
    .await
}

/// Asks for a reset link for `email` and answers the token from the email.
async fn reset_token(app: &TestApp, email: &str) -> String {
    let res = app
        .call::<RequestPasswordReset>(&client(), &[("email", email)])
        .await;
    assert_done(&res, "requesting a reset");
    token_of(&app.last_email_to(email).await.link("/reset-password/"))
}

async fn is_signed_in(app: &TestApp, client: &reqwest::Client) -> bool {
    let status = app.call::<WhoAmI>(client, &[]).await.status();
    assert!(
        status == StatusCode::OK || status == StatusCode::UNAUTHORIZED,
        "{status}"
    );
    status == StatusCode::OK
}

#[tokio::test]
async fn a_reset_link_arrives_by_email_and_works_once() {
    let app = spawn_app().await;
    let res = app
        .call::<RequestPasswordReset>(&client(), &[("email", TEACHER)])
        .await;
    assert_done(&res, "requesting a reset");
    let email = app.last_email_to(TEACHER).await;
    assert_eq!(email.from_name, "Oakfield Primary School");
    assert!(
        email.subject.contains("Oakfield Primary School"),
        "{}",
        email.subject
    );
    assert!(email.text.contains("24 hours"), "{}", email.text);
    let link = email.link("/reset-password/");
    assert!(link.starts_with(&app.config.base_url), "{link}");
    // The HTML part carries the link too (with its slashes escaped, as
    // minijinja escapes them in HTML).
    assert!(
        email.html.replace("&#x2f;", "/").contains(&link),
        "{}",
        email.html
    );
    let token = token_of(&link);
    // Only the token's hash is stored.
    let stored: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM account_tokens WHERE token_hash = ?")
            .bind(&token)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(stored, 0, "the raw token must not be in the database");

    assert_eq!(link_status(&app, &token, "reset").await, LinkStatus::Ready);
    assert_done(
        &set_password(&app, &token, "reset", NEW_PASSWORD).await,
        "setting the password",
    );
    assert_eq!(link_status(&app, &token, "reset").await, LinkStatus::Used);

    let again = set_password(&app, &token, "reset", "another-garden-43").await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_of(again)
        .await
        .to_string()
        .contains("already been used"));

    let old = app.sign_in(&client(), TEACHER, PASSWORD, false).await;
    assert_eq!(old.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let new = app.sign_in(&client(), TEACHER, NEW_PASSWORD, false).await;
    assert_done(&new, "signing in with the new password");
}

#[tokio::test]
async fn a_reset_link_expires_after_24_hours() {
    let app = spawn_app().await;
    let token = reset_token(&app, TEACHER).await;
    app.clock
        .advance(time::Duration::hours(24) - time::Duration::minutes(1));
    assert_eq!(link_status(&app, &token, "reset").await, LinkStatus::Ready);
    app.clock.advance(time::Duration::minutes(2));
    assert_eq!(
        link_status(&app, &token, "reset").await,
        LinkStatus::Expired
    );
    let res = set_password(&app, &token, "reset", NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_of(res).await.to_string().contains("expired"));
    assert!(app
        .sign_in(&client(), TEACHER, PASSWORD, false)
        .await
        .status()
        .is_success());
}

#[tokio::test]
async fn a_forged_or_misused_link_is_refused() {
    let app = spawn_app().await;
    let forged = "ab".repeat(32);
    assert_eq!(
        link_status(&app, &forged, "reset").await,
        LinkStatus::Unknown
    );
    let res = set_password(&app, &forged, "reset", NEW_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_of(res).await.to_string().contains("doesn't work"));
    // A real reset token can't be used as an invitation.
    let token = reset_token(&app, TEACHER).await;
    assert_eq!(
        link_status(&app, &token, "invitation").await,
        LinkStatus::Unknown
    );
    // Nor a cut-short copy of it.
    assert_eq!(
        link_status(&app, &token[..40], "reset").await,
        LinkStatus::Unknown
    );
}

#[tokio::test]
async fn a_reset_request_does_not_tell_whether_an_account_exists() {
    let app = spawn_app().await;
    let known = app
        .call::<RequestPasswordReset>(&client(), &[("email", TEACHER)])
        .await;
    let unknown = app
        .call::<RequestPasswordReset>(&client(), &[("email", "nobody@nowhere.example")])
        .await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(
        known.headers().get("location"),
        unknown.headers().get("location")
    );
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
    app.deliver_mail().await;
    assert_eq!(
        app.mailbox.messages().len(),
        1,
        "only the known address gets an email"
    );

    // The per-email limit applies alike to both.
    for _ in 0..2 {
        app.call::<RequestPasswordReset>(&client(), &[("email", TEACHER)])
            .await;
        app.call::<RequestPasswordReset>(&client(), &[("email", "nobody@nowhere.example")])
            .await;
    }
    let known = app
        .call::<RequestPasswordReset>(&client(), &[("email", TEACHER)])
        .await;
    let unknown = app
        .call::<RequestPasswordReset>(&client(), &[("email", "nobody@nowhere.example")])
        .await;
    assert_eq!(known.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(known.status(), unknown.status());
    assert_eq!(known.text().await.unwrap(), unknown.text().await.unwrap());
}

#[tokio::test]
async fn each_password_rule_gets_its_own_message() {
    let app = spawn_app().await;
    let token = reset_token(&app, TEACHER).await;
    let cases: [(&str, &[&str]); 5] = [
        ("short", &["at least 8 characters", "at least one number"]),
        ("no numbers at all", &["at least one number"]),
        ("abc1", &["at least 8 characters"]),
        (&"a1".repeat(65), &["at most 128"]),
        ("password1", &["most common"]),
    ];
    for (password, expected) in cases {
        let res = set_password(&app, &token, "reset", password).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{password}");
        let message = error_of(res)
            .await
            .for_field("password")
            .expect("a password message");
        assert_eq!(
            message.lines().count(),
            expected.len(),
            "{password}: {message}"
        );
        for rule in expected {
            assert!(message.contains(rule), "{password}: {message}");
        }
    }
    let mismatch = app
        .call::<SetPassword>(
            &client(),
            &[
                ("token", &token),
                ("link", "reset"),
                ("password", NEW_PASSWORD),
                ("confirm", "tulip"),
            ],
        )
        .await;
    assert!(error_of(mismatch).await.for_field("confirm").is_some());
    // None of those used the link up.
    assert_eq!(link_status(&app, &token, "reset").await, LinkStatus::Ready);
}

#[tokio::test]
async fn a_reset_ends_every_other_session() {
    let app = spawn_app().await;
    let phone = app.signed_in(TEACHER).await;
    let laptop = app.signed_in(TEACHER).await;
    let token = reset_token(&app, TEACHER).await;
    assert_done(
        &set_password(&app, &token, "reset", NEW_PASSWORD).await,
        "reset",
    );
    assert!(!is_signed_in(&app, &phone).await);
    assert!(!is_signed_in(&app, &laptop).await);
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions_and_keeps_this_one() {
    let app = spawn_app().await;
    let here = app.signed_in(TEACHER).await;
    let elsewhere = app.signed_in(TEACHER).await;
    let wrong = app
        .call::<ChangeMyPassword>(
            &here,
            &[
                ("current_password", "not-it-123"),
                ("password", NEW_PASSWORD),
                ("confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error_of(wrong)
        .await
        .for_field("current_password")
        .is_some());
    let weak = app
        .call::<ChangeMyPassword>(
            &here,
            &[
                ("current_password", PASSWORD),
                ("password", "qwerty123"),
                ("confirm", "qwerty123"),
            ],
        )
        .await;
    assert!(error_of(weak).await.for_field("password").is_some());
    assert!(
        is_signed_in(&app, &elsewhere).await,
        "a refused change ends nothing"
    );

    let res = app
        .call::<ChangeMyPassword>(
            &here,
            &[
                ("current_password", PASSWORD),
                ("password", NEW_PASSWORD),
                ("confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_done(&res, "changing the password");
    assert!(is_signed_in(&app, &here).await, "this session carries on");
    assert!(
        !is_signed_in(&app, &elsewhere).await,
        "the other session ended"
    );
    assert_done(
        &app.sign_in(&client(), TEACHER, NEW_PASSWORD, false).await,
        "new password",
    );
}

#[tokio::test]
async fn a_deactivated_member_of_staff_loses_their_session_at_once() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let teacher = app.signed_in(TEACHER).await;
    let teacher_id = app.user_id(TEACHER).await.to_string();

    let refused = app
        .call::<SetStaffActive>(&teacher, &[("id", &teacher_id), ("active", "false")])
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let res = app
        .call::<SetStaffActive>(&admin, &[("id", &teacher_id), ("active", "false")])
        .await;
    assert_done(&res, "making the teacher inactive");
    assert!(!is_signed_in(&app, &teacher).await);
    let again = app.sign_in(&client(), TEACHER, PASSWORD, false).await;
    assert!(error_of(again).await.to_string().contains("inactive"));
    // An inactive account gets no reset email either.
    app.call::<RequestPasswordReset>(&client(), &[("email", TEACHER)])
        .await;
    app.deliver_mail().await;
    assert!(app.mailbox.to(TEACHER).is_empty());

    // Active again: they can sign in, but the old session stays ended.
    let res = app
        .call::<SetStaffActive>(&admin, &[("id", &teacher_id), ("active", "true")])
        .await;
    assert_done(&res, "making the teacher active");
    assert!(!is_signed_in(&app, &teacher).await);
    assert_done(
        &app.sign_in(&client(), TEACHER, PASSWORD, false).await,
        "signing in again",
    );

    // An admin can't lock themselves out.
    let admin_id = app.user_id(ADMIN).await.to_string();
    let own = app
        .call::<SetStaffActive>(&admin, &[("id", &admin_id), ("active", "false")])
        .await;
    assert_eq!(own.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(is_signed_in(&app, &admin).await);
}

async fn invite(app: &TestApp, admin: &reqwest::Client, email: &str) -> Response {
    app.call::<InviteStaff>(
        admin,
        &[
            ("first_name", "Priya"),
            ("surname", "Shah"),
            ("email", email),
            ("role", "teacher"),
            ("slt", "on"),
        ],
    )
    .await
}

#[tokio::test]
async fn an_invitation_sets_the_password_once() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let teacher = app.signed_in(TEACHER).await;
    let new = "p.shah@oakfield.example";
    assert_eq!(
        invite(&app, &teacher, new).await.status(),
        StatusCode::FORBIDDEN
    );

    let res = invite(&app, &admin, new).await;
    assert_done(&res, "inviting");
    let email = app.last_email_to(new).await;
    assert!(email.text.contains("Priya"), "{}", email.text);
    assert!(email.text.contains("7 days"), "{}", email.text);
    let token = token_of(&email.link("/invitation/"));

    // No password yet: signing in fails like any wrong password.
    let early = app.sign_in(&client(), new, "anything-1", false).await;
    assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);

    assert_eq!(
        link_status(&app, &token, "invitation").await,
        LinkStatus::Ready
    );
    assert_done(
        &set_password(&app, &token, "invitation", NEW_PASSWORD).await,
        "accepting",
    );
    assert_eq!(
        link_status(&app, &token, "invitation").await,
        LinkStatus::Used
    );
    let twice = set_password(&app, &token, "invitation", "another-garden-43").await;
    assert_eq!(twice.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let priya = client();
    assert_done(
        &app.sign_in(&priya, new, NEW_PASSWORD, false).await,
        "first sign-in",
    );
    let me: Person = app
        .call::<WhoAmI>(&priya, &[])
        .await
        .answer()
        .await
        .unwrap();
    assert_eq!(me.role, Role::Teacher);
    assert!(me.slt);

    let audited: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE subject = 'user:' || (SELECT id FROM users WHERE email = ?) ORDER BY id",
    )
    .bind(new)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(
        audited,
        [
            "staff account created",
            "invitation sent",
            "invitation accepted"
        ]
    );
}

#[tokio::test]
async fn an_invitation_refuses_an_address_already_in_use() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let staff = invite(&app, &admin, "TEACHER@oakfield.example").await;
    assert_eq!(
        error_of(staff).await.for_field("email").unwrap(),
        "This email address is already used by a staff account."
    );
    let parent = invite(&app, &admin, PARENT).await;
    assert_eq!(
        error_of(parent).await.for_field("email").unwrap(),
        "This email address is already used by a parent account."
    );
    let malformed = invite(&app, &admin, "priya.shah").await;
    assert!(error_of(malformed).await.for_field("email").is_some());
    let nameless = app
        .call::<InviteStaff>(
            &admin,
            &[
                ("first_name", " "),
                ("surname", "Shah"),
                ("email", "x@oakfield.example"),
                ("role", "teacher"),
            ],
        )
        .await;
    assert!(error_of(nameless).await.for_field("first_name").is_some());
    app.deliver_mail().await;
    assert!(app.mailbox.messages().is_empty(), "no invitation went out");
}

#[tokio::test]
async fn resending_an_invitation_replaces_the_old_link() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let new = "p.shah@oakfield.example";
    assert_done(&invite(&app, &admin, new).await, "inviting");
    let first = token_of(&app.last_email_to(new).await.link("/invitation/"));
    let id = app.user_id(new).await.to_string();
    assert_done(
        &app.call::<ResendInvitation>(&admin, &[("id", &id)]).await,
        "resending",
    );
    let second = token_of(&app.last_email_to(new).await.link("/invitation/"));
    assert_ne!(first, second);
    assert_eq!(
        link_status(&app, &first, "invitation").await,
        LinkStatus::Expired
    );
    assert_done(
        &set_password(&app, &second, "invitation", NEW_PASSWORD).await,
        "accepting",
    );
    let after = app.call::<ResendInvitation>(&admin, &[("id", &id)]).await;
    assert_eq!(after.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn correcting_an_invited_address_moves_the_invitation_there() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let mistyped = "p.sahh@oakfield.example";
    let corrected = "p.shah@oakfield.example";
    assert_done(&invite(&app, &admin, mistyped).await, "inviting");
    let old = token_of(&app.last_email_to(mistyped).await.link("/invitation/"));
    let id = app.user_id(mistyped).await.to_string();
    let form = [
        ("id", id.as_str()),
        ("first_name", "Priya"),
        ("surname", "Shah"),
        ("email", corrected),
        ("role", "teacher"),
    ];
    assert_done(&app.call::<SaveStaff>(&admin, &form).await, "correcting");
    assert_eq!(
        link_status(&app, &old, "invitation").await,
        LinkStatus::Expired
    );
    let new = token_of(&app.last_email_to(corrected).await.link("/invitation/"));
    assert_done(
        &set_password(&app, &new, "invitation", NEW_PASSWORD).await,
        "accepting",
    );
    assert_done(
        &app.sign_in(&client(), corrected, NEW_PASSWORD, false).await,
        "signing in",
    );
}

#[tokio::test]
async fn an_invitation_expires_after_7_days() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let new = "p.shah@oakfield.example";
    assert_done(&invite(&app, &admin, new).await, "inviting");
    let token = token_of(&app.last_email_to(new).await.link("/invitation/"));
    app.clock
        .advance(time::Duration::days(7) - time::Duration::minutes(1));
    assert_eq!(
        link_status(&app, &token, "invitation").await,
        LinkStatus::Ready
    );
    app.clock.advance(time::Duration::minutes(2));
    assert_eq!(
        link_status(&app, &token, "invitation").await,
        LinkStatus::Expired
    );
}

#[tokio::test]
async fn a_queued_email_survives_a_restart_of_the_worker() {
    let app = spawn_app().await;
    // A worker whose SMTP server is down: a port that nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_port = closed.local_addr().unwrap().port();
    drop(closed);
    let folder = tempfile::tempdir().unwrap();
    let mut down = test_config(folder.path(), closed_port);
    down.database_url = app.config.database_url.clone();
    let waker = std::sync::Arc::new(tokio::sync::Notify::new());
    let failing =
        MailWorker::new(&down, app.pool.clone(), app.clock.clone(), waker.clone()).unwrap();

    app.call::<RequestPasswordReset>(&client(), &[("email", TEACHER)])
        .await;
    assert_eq!(failing.deliver_due().await.unwrap(), 0);
    let (attempts, error): (i64, Option<String>) =
        sqlx::query_as("SELECT attempts, last_error FROM outbox WHERE sent_at IS NULL")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(attempts, 1);
    assert!(error.is_some());
    drop(failing);

    // The server restarts with SMTP back: the email waits for its retry time,
    // then goes, once.
    let restarted =
        MailWorker::new(&app.config, app.pool.clone(), app.clock.clone(), waker).unwrap();
    assert_eq!(
        restarted.deliver_due().await.unwrap(),
        0,
        "not due until the backoff passes"
    );
    app.clock.advance(time::Duration::seconds(31));
    assert_eq!(restarted.deliver_due().await.unwrap(), 1);
    assert_eq!(restarted.deliver_due().await.unwrap(), 0);
    let received = app.mailbox.to(TEACHER);
    assert_eq!(received.len(), 1);
    assert!(received[0].text.contains("/reset-password/"));
}

#[tokio::test]
async fn the_running_worker_sends_as_soon_as_email_is_queued() {
    let app = spawn_app().await;
    // Woken by the server's own waker; its poll is an hour away, so only the
    // wake-up can send the email within the wait below.
    let waker = app.mail_waker.clone();
    let worker = MailWorker::new(&app.config, app.pool.clone(), app.clock.clone(), waker)
        .unwrap()
        .poll_every(std::time::Duration::from_secs(3600));
    tokio::spawn(worker.run());
    // Let the worker's first pass find nothing, so the email is sent by the wake.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    app.call::<RequestPasswordReset>(&client(), &[("email", TEACHER)])
        .await;
    for _ in 0..200 {
        if !app.mailbox.to(TEACHER).is_empty() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the worker never sent the email");
}

#[tokio::test]
async fn a_new_email_address_takes_effect_only_through_its_link() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let new = "r.jones.new@oakfield.example";
    let wrong = app
        .call::<RequestEmailChange>(
            &teacher,
            &[("new_email", new), ("current_password", "nope-1234")],
        )
        .await;
    assert!(error_of(wrong)
        .await
        .for_field("current_password")
        .is_some());
    // An address someone else uses gets the same answer as a free one (so
    // Settings tells no one who has an account), and is sent nothing.
    let emails_before = app.mailbox.to(ADMIN).len();
    let taken = app
        .call::<RequestEmailChange>(
            &teacher,
            &[("new_email", ADMIN), ("current_password", PASSWORD)],
        )
        .await;
    assert_done(&taken, "asking for a taken address");
    app.deliver_mail().await;
    assert_eq!(app.mailbox.to(ADMIN).len(), emails_before);

    let res = app
        .call::<RequestEmailChange>(
            &teacher,
            &[("new_email", new), ("current_password", PASSWORD)],
        )
        .await;
    assert_done(&res, "asking for the change");
    let token = token_of(&app.last_email_to(new).await.link("/confirm-email/"));
    // Until the link is opened, the old address is the one that signs in.
    assert_done(
        &app.sign_in(&client(), TEACHER, PASSWORD, false).await,
        "old address",
    );

    assert_done(
        &app.call::<ConfirmEmailChange>(&client(), &[("token", &token)])
            .await,
        "confirming",
    );
    assert_done(
        &app.sign_in(&client(), new, PASSWORD, false).await,
        "new address",
    );
    assert_eq!(
        app.sign_in(&client(), TEACHER, PASSWORD, false)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let notice = app.last_email_to(TEACHER).await;
    assert!(notice.text.contains("changed"), "{}", notice.text);
    let twice = app
        .call::<ConfirmEmailChange>(&client(), &[("token", &token)])
        .await;
    assert_eq!(twice.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn settings_change_only_your_own_name() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let blank = app
        .call::<SaveMyName>(&teacher, &[("first_name", "Rebecca"), ("surname", "  ")])
        .await;
    assert!(error_of(blank).await.for_field("surname").is_some());
    assert_done(
        &app.call::<SaveMyName>(
            &teacher,
            &[("first_name", "Becky"), ("surname", "Jones-Hall")],
        )
        .await,
        "saving the name",
    );
    let me: Person = app
        .call::<WhoAmI>(&teacher, &[])
        .await
        .answer()
        .await
        .unwrap();
    assert_eq!(me.first_name, "Becky");
    assert_eq!(me.surname, "Jones-Hall");
}

/// The audit log as `client` reads it, filtered by person, action and start date.
async fn audit_log(
    app: &TestApp,
    client: &reqwest::Client,
    person: &str,
    action: &str,
    from: &str,
) -> Response {
    let form = [
        ("person", person),
        ("action", action),
        ("from", from),
        ("to", ""),
        ("page", "0"),
    ];
    app.call::<AuditEntries>(client, &form).await
}

#[tokio::test]
async fn only_admins_manage_users_and_read_the_audit_log() {
    let app = spawn_app().await;
    for who in [TEACHER, SLT, PARENT] {
        let client = app.signed_in(who).await;
        let list = app.call::<ListStaff>(&client, &[("search", "")]).await;
        assert_eq!(list.status(), StatusCode::FORBIDDEN, "{who}");
        let log = audit_log(&app, &client, "", "", "").await;
        assert_eq!(log.status(), StatusCode::FORBIDDEN, "{who}");
    }
    let admin = app.signed_in(ADMIN).await;
    let staff: Vec<StaffMember> = app
        .call::<ListStaff>(&admin, &[("search", "")])
        .await
        .answer()
        .await
        .unwrap();
    assert!(staff.len() >= 4);
    assert!(
        staff.iter().all(|s| s.role != Role::Parent),
        "parents aren't staff"
    );
    let found: Vec<StaffMember> = app
        .call::<ListStaff>(&admin, &[("search", "teacher@oak")])
        .await
        .answer()
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].status, StaffStatus::Active);
}

#[tokio::test]
async fn role_slt_and_groups_change_and_each_change_is_audited() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let teacher = app.signed_in(TEACHER).await;
    let id = app.user_id(TEACHER).await.to_string();
    let res = app
        .call::<SaveStaff>(
            &admin,
            &[
                ("id", &id),
                ("first_name", "Rebecca"),
                ("surname", "Jones"),
                ("role", "teacher"),
                ("slt", "on"),
            ],
        )
        .await;
    assert_done(&res, "turning SLT on");
    let me: Person = app
        .call::<WhoAmI>(&teacher, &[])
        .await
        .answer()
        .await
        .unwrap();
    assert!(
        me.slt,
        "the open session sees the change at its next request"
    );

    let group: i64 = sqlx::query_scalar(
        "SELECT id FROM groups WHERE id NOT IN (SELECT group_id FROM group_teachers WHERE user_id = ?) LIMIT 1",
    )
    .bind(app.user_id(TEACHER).await)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let group = group.to_string();
    assert_done(
        &app.call::<AssignGroup>(
            &admin,
            &[("id", &id), ("group", &group), ("assigned", "true")],
        )
        .await,
        "assigning a group",
    );
    let assigned: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM group_teachers WHERE user_id = ? AND group_id = ?",
    )
    .bind(app.user_id(TEACHER).await)
    .bind(&group)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(assigned, 1);

    // An admin can't demote themselves.
    let admin_id = app.user_id(ADMIN).await.to_string();
    let own = app
        .call::<SaveStaff>(
            &admin,
            &[
                ("id", &admin_id),
                ("first_name", "Asha"),
                ("surname", "Patel"),
                ("role", "teacher"),
            ],
        )
        .await;
    assert!(error_of(own).await.for_field("role").is_some());

    // The log says who did what to whom, when and from where.
    let log: AuditPage = audit_log(&app, &admin, "", "SLT turned on", "")
        .await
        .answer()
        .await
        .unwrap();
    let entries = log.entries;
    assert_eq!(entries.len(), 1);
    let admin_name: (String, String) =
        sqlx::query_as("SELECT first_name, surname FROM users WHERE email = ?")
            .bind(ADMIN)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(
        entries[0].who.as_deref(),
        Some(format!("{} {}", admin_name.0, admin_name.1).as_str())
    );
    assert_eq!(entries[0].about.as_deref(), Some("Rebecca Jones"));
    assert_eq!(entries[0].address.as_deref(), Some("127.0.0.1"));
    let by_person: AuditPage = audit_log(&app, &admin, "Rebecca", "group assigned", "")
        .await
        .answer()
        .await
        .unwrap();
    assert_eq!(by_person.entries.len(), 1);
    let bad_date = audit_log(&app, &admin, "", "", "yesterday").await;
    assert!(error_of(bad_date).await.for_field("from").is_some());
}
