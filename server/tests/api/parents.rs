//! Parents: the admin's list and form, links, status, invitations, letters
//! and access codes, through real HTTP against the demo school.

use app::{
    error::AppError,
    parents::{
        api::{
            ConfirmLetters, ListParents, MakeLetters, OpenParent, ReissueCode, SaveParent,
            SendInvitations,
        },
        codes,
        model::{
            InvitationsSent, LetterSheet, LettersPrinted, ParentDetail, ParentList, ReissuedCode,
        },
    },
    portal::{api::ChildDetails, api::MyChildren, model::Child},
    school::{api::FindPupils, model::PupilSearch},
};
use reqwest::{Client, Response, StatusCode};

use crate::helpers::*;

fn assert_done(res: &Response, what: &str) {
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{what}: {}",
        res.status()
    );
}

/// The parent form as the browser sends it: each child in the selected list
/// as `children[N][pupil]`, `children[N][relationship]` and, when the
/// parental-responsibility box is ticked, `children[N][responsible]`. The
/// browser's N is the pupil's id; here it is the row's place, so a test can
/// send a pupil twice.
pub(crate) struct Form<'a> {
    pub(crate) id: Option<i64>,
    pub(crate) first_name: &'a str,
    pub(crate) surname: &'a str,
    pub(crate) email: &'a str,
    pub(crate) status: &'a str,
    pub(crate) links: Vec<(i64, &'a str, bool)>,
}

impl Form<'_> {
    fn fields(&self) -> Vec<(String, String)> {
        let mut fields = vec![
            ("first_name".to_owned(), self.first_name.to_owned()),
            ("surname".to_owned(), self.surname.to_owned()),
            ("email".to_owned(), self.email.to_owned()),
            ("status".to_owned(), self.status.to_owned()),
        ];
        if let Some(id) = self.id {
            fields.push(("id".to_owned(), id.to_string()));
        }
        for (n, (pupil, relationship, responsible)) in self.links.iter().enumerate() {
            fields.push((format!("children[{n}][pupil]"), pupil.to_string()));
            fields.push((
                format!("children[{n}][relationship]"),
                relationship.to_string(),
            ));
            if *responsible {
                fields.push((format!("children[{n}][responsible]"), "true".into()));
            }
        }
        fields
    }
}

pub(crate) async fn save(app: &TestApp, client: &Client, form: &Form<'_>) -> Response {
    let fields = form.fields();
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.call::<SaveParent>(client, &pairs).await
}

/// A bulk action (invitations, letters) for the ticked parents `ids`.
pub(crate) async fn for_parents<F: leptos::server_fn::ServerFn>(
    app: &TestApp,
    client: &Client,
    ids: &[i64],
) -> Response {
    let ids: Vec<(String, String)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (format!("ids[{i}]"), id.to_string()))
        .collect();
    let mut form: Vec<(&str, &str)> = ids.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    form.extend([("everyone", "false"), ("search", ""), ("status", "")]);
    app.call::<F>(client, &form).await
}

/// A parent's links as the form would send them back unchanged.
fn links_as_saved(detail: &ParentDetail) -> Vec<(i64, &str, bool)> {
    detail
        .links
        .iter()
        .map(|l| (l.pupil.id.0, l.relationship.as_str(), l.responsibility))
        .collect()
}

async fn find(app: &TestApp, admin: &Client, search: &str) -> PupilSearch {
    let res = app.call::<FindPupils>(admin, &[("search", search)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.answer().await.unwrap()
}

pub(crate) async fn open(app: &TestApp, admin: &Client, id: i64) -> ParentDetail {
    let res = app
        .call::<OpenParent>(admin, &[("id", &id.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.answer().await.unwrap()
}

pub(crate) async fn audit_count(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = ?")
        .bind(action)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

pub(crate) async fn link_count(app: &TestApp, parent: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM parent_links WHERE parent_id = ?")
        .bind(parent)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// "Letters printed" for a batch, as the admin presses it.
pub(crate) async fn confirm_letters(app: &TestApp, admin: &Client, batch: i64) -> LettersPrinted {
    let res = app
        .call::<ConfirmLetters>(admin, &[("batch", &batch.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    res.answer().await.unwrap()
}

/// "Letters printed" for the letters made last.
pub(crate) async fn confirm_latest_letters(app: &TestApp, admin: &Client) -> LettersPrinted {
    let batch: i64 = sqlx::query_scalar("SELECT MAX(id) FROM letter_batches")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    confirm_letters(app, admin, batch).await
}

/// A demo parent with an email address who hasn't signed up.
pub(crate) async fn parent_not_signed_up(app: &TestApp) -> (i64, String) {
    sqlx::query_as(
        "SELECT u.id, u.email FROM users u
         WHERE u.role = 'parent' AND u.password_hash IS NULL AND u.email IS NOT NULL
           AND EXISTS (SELECT 1 FROM parent_links l WHERE l.parent_id = u.id)
         ORDER BY u.id LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn only_admins_reach_the_parents_area() {
    let app = spawn_app().await;
    let parent_id = app.user_id(PARENT).await.to_string();
    for who in [TEACHER, SLT, PARENT] {
        let client = app.signed_in(who).await;
        let asks = [
            app.call::<ListParents>(&client, &[("search", ""), ("status", ""), ("page", "0")])
                .await,
            app.call::<OpenParent>(&client, &[("id", &parent_id)]).await,
            save(
                &app,
                &client,
                &Form {
                    id: Some(parent_id.parse().unwrap()),
                    first_name: "A",
                    surname: "B",
                    email: "",
                    status: "active",
                    links: vec![],
                },
            )
            .await,
            for_parents::<SendInvitations>(&app, &client, &[parent_id.parse().unwrap()]).await,
            for_parents::<MakeLetters>(&app, &client, &[parent_id.parse().unwrap()]).await,
            app.call::<ReissueCode>(&client, &[("id", &parent_id), ("pupil", "1")])
                .await,
        ];
        for res in asks {
            let path = res.url().path().to_owned();
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who} reached {path}");
        }
    }
    // Searching the roll is for staff (teachers make groups from it), not parents.
    for (who, status) in [
        (TEACHER, StatusCode::OK),
        (SLT, StatusCode::OK),
        (PARENT, StatusCode::FORBIDDEN),
    ] {
        let client = app.signed_in(who).await;
        let res = app
            .call::<FindPupils>(&client, &[("search", "Smith")])
            .await;
        assert_eq!(res.status(), status, "{who} searching pupils");
    }
    // Nothing was changed by any of them.
    assert_eq!(link_count(&app, parent_id.parse().unwrap()).await, 2);
    assert_eq!(audit_count(&app, "access code issued").await, 0);
}

#[tokio::test]
async fn an_admin_adds_a_parent_with_two_children() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let smiths = find(&app, &admin, "smith").await;
    assert!(smiths.pupils.len() >= 2, "the demo school has Smiths");
    assert!(smiths
        .pupils
        .iter()
        .all(|p| p.surname.to_lowercase().contains("smith")
            || p.first_name.to_lowercase().contains("smith")));
    let (a, b) = (smiths.pupils[0].id.0, smiths.pupils[1].id.0);
    let res = save(
        &app,
        &admin,
        &Form {
            id: None,
            first_name: " Joanna ",
            surname: "Smith",
            email: "joanna.smith@mail.example",
            status: "active",
            links: vec![
                (a, "mother", true),
                (b, "carer", false),
                (a, "father", true),
            ],
        },
    )
    .await;
    assert_done(&res, "saving a new parent");
    let id = app.user_id("joanna.smith@mail.example").await;
    let detail = open(&app, &admin, id).await;
    assert_eq!(detail.first_name, "Joanna");
    assert!(detail.active && !detail.signed_up);
    let mut links: Vec<(i64, String, bool)> = detail
        .links
        .iter()
        .map(|l| (l.pupil.id.0, l.relationship.clone(), l.responsibility))
        .collect();
    links.sort();
    let mut expected = vec![
        (a, "mother".to_owned(), true),
        (b, "carer".to_owned(), false),
    ];
    expected.sort();
    assert_eq!(links, expected, "a pupil listed twice is linked once");
    assert_eq!(audit_count(&app, "parent account created").await, 1);
    assert_eq!(audit_count(&app, "pupil linked").await, 2);

    // The list finds her by name, by email and by a child's name.
    for search in [
        "Joanna Smith",
        "joanna.smith@",
        &smiths.pupils[1].full_name(),
    ] {
        let res = app
            .call::<ListParents>(
                &admin,
                &[("search", search), ("status", "active"), ("page", "0")],
            )
            .await;
        let list: ParentList = res.answer().await.unwrap();
        let row = list
            .rows
            .iter()
            .find(|row| row.id.0 == id)
            .unwrap_or_else(|| panic!("{search} should find her"));
        assert_eq!(row.children.len(), 2);
    }

    // Edit: one child removed, the other's relationship changed.
    let res = save(
        &app,
        &admin,
        &Form {
            id: Some(id),
            first_name: "Joanna",
            surname: "Smith",
            email: "joanna.smith@mail.example",
            status: "active",
            links: vec![(b, "grandparent", true)],
        },
    )
    .await;
    assert_done(&res, "editing the parent");
    let detail = open(&app, &admin, id).await;
    assert_eq!(detail.links.len(), 1);
    assert_eq!(detail.links[0].relationship, "grandparent");
    assert!(detail.links[0].responsibility);
    assert_eq!(audit_count(&app, "pupil unlinked").await, 1);
    assert_eq!(audit_count(&app, "link changed").await, 1);
}

#[tokio::test]
async fn a_problem_with_one_link_saves_nothing() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let parent = app.user_id(PARENT).await;
    let before = open(&app, &admin, parent).await;
    let new_pupil = find(&app, &admin, "smith").await.pupils[0].id.0;
    let audit_before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let mut links: Vec<(i64, &str, bool)> = before
        .links
        .iter()
        .map(|l| (l.pupil.id.0, "mother", true))
        .collect();
    links.push((new_pupil, "mother", true));
    links.push((999_999, "mother", true));
    let res = save(
        &app,
        &admin,
        &Form {
            id: Some(parent),
            first_name: "Renamed",
            surname: "Khan",
            email: PARENT,
            status: "inactive",
            links,
        },
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = error_of(res).await;
    assert!(error.for_field("pupils").is_some(), "{error:?}");
    assert_eq!(open(&app, &admin, parent).await, before, "nothing changed");
    let audit_after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(audit_after, audit_before);

    // A relationship that isn't one of the five is refused the same way.
    let res = save(
        &app,
        &admin,
        &Form {
            id: Some(parent),
            first_name: "Aisha",
            surname: "Khan",
            email: PARENT,
            status: "active",
            links: vec![(new_pupil, "", true)],
        },
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(open(&app, &admin, parent).await, before);
}

#[tokio::test]
async fn bad_details_get_a_message_beside_their_field() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let cases = [
        (
            "",
            "Smith",
            "a@mail.example",
            "first_name",
            "Enter the first name.",
        ),
        (
            "Ann",
            "  ",
            "a@mail.example",
            "surname",
            "Enter the surname.",
        ),
        ("Ann", "Smith", "not-an-email", "email", ""),
        ("Ann", "Smith", TEACHER, "email", "staff account"),
        ("Ann", "Smith", PARENT, "email", "parent account"),
    ];
    for (first_name, surname, email, field, says) in cases {
        let res = save(
            &app,
            &admin,
            &Form {
                id: None,
                first_name,
                surname,
                email,
                status: "active",
                links: vec![],
            },
        )
        .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{email}");
        let message = error_of(res)
            .await
            .for_field(field)
            .unwrap_or_else(|| panic!("a message for {field}"));
        assert!(message.contains(says), "{message}");
        // The message says what kind of account, never whose.
        assert!(!message.contains("Khan") && !message.contains("Jones"));
    }
    let parents: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE first_name = 'Ann'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(parents, 0);
}

#[tokio::test]
async fn inactive_parents_lose_their_session_and_their_email() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let parent = app.signed_in(PARENT).await;
    let id = app.user_id(PARENT).await;
    assert_eq!(
        app.call::<MyChildren>(&parent, &[]).await.status(),
        StatusCode::OK
    );
    let detail = open(&app, &admin, id).await;
    let links = links_as_saved(&detail);
    let res = save(
        &app,
        &admin,
        &Form {
            id: Some(id),
            first_name: "Aisha",
            surname: "Khan",
            email: PARENT,
            status: "inactive",
            links,
        },
    )
    .await;
    assert_done(&res, "making the parent inactive");
    // The open session is refused at its next request, and signing in again too.
    let res = app.call::<MyChildren>(&parent, &[]).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = app.sign_in(&client(), PARENT, PASSWORD, false).await;
    assert!(!res.status().is_success() && !res.status().is_redirection());
    assert_eq!(audit_count(&app, "made inactive").await, 1);

    // An inactive parent gets no email, even one queued before.
    let (waiting, email) = parent_not_signed_up(&app).await;
    let res = for_parents::<SendInvitations>(&app, &admin, &[waiting]).await;
    let sent: InvitationsSent = res.answer().await.unwrap();
    assert_eq!(sent.sent, 1);
    let detail = open(&app, &admin, waiting).await;
    let res = save(
        &app,
        &admin,
        &Form {
            id: Some(waiting),
            first_name: &detail.first_name,
            surname: &detail.surname,
            email: "corrected.address@mail.example",
            status: "inactive",
            links: vec![],
        },
    )
    .await;
    assert_done(
        &res,
        "making the second parent inactive, with a corrected address",
    );
    app.deliver_mail().await;
    assert!(app.mailbox.to("corrected.address@mail.example").is_empty());
    assert!(
        app.mailbox.to(&email).is_empty(),
        "no email to an inactive parent"
    );
    // Nor does "Send invitation" queue one now.
    let res = for_parents::<SendInvitations>(&app, &admin, &[waiting]).await;
    let sent: InvitationsSent = res.answer().await.unwrap();
    assert_eq!((sent.sent, sent.inactive), (0, 1));
}

#[tokio::test]
async fn only_the_parent_changes_their_sign_in_address_once_signed_up() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let id = app.user_id(PARENT).await;
    let detail = open(&app, &admin, id).await;
    let links = links_as_saved(&detail);
    let res = save(
        &app,
        &admin,
        &Form {
            id: Some(id),
            first_name: "Aisha",
            surname: "Khan",
            email: "someone.else@mail.example",
            status: "active",
            links,
        },
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let message = error_of(res).await.for_field("email").unwrap();
    assert!(message.contains("Settings"), "{message}");
    assert_eq!(open(&app, &admin, id).await.email.as_deref(), Some(PARENT));
}

#[tokio::test]
async fn a_removed_link_leaves_the_parents_phone_at_once() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let parent = app.signed_in(PARENT).await;
    let id = app.user_id(PARENT).await;
    let children: Vec<Child> = app
        .call::<MyChildren>(&parent, &[])
        .await
        .answer()
        .await
        .unwrap();
    assert_eq!(children.len(), 2);
    let (kept, removed) = (children[0].id.0, children[1].id.0);
    let res = app
        .call::<ChildDetails>(&parent, &[("pupil", &removed.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = save(
        &app,
        &admin,
        &Form {
            id: Some(id),
            first_name: "Aisha",
            surname: "Khan",
            email: PARENT,
            status: "active",
            links: vec![(kept, "mother", true)],
        },
    )
    .await;
    assert_done(&res, "removing a link");
    // Same session, next request: the child is gone.
    let children: Vec<Child> = app
        .call::<MyChildren>(&parent, &[])
        .await
        .answer()
        .await
        .unwrap();
    assert_eq!(children.len(), 1);
    assert_eq!(children[0].id.0, kept);
    let res = app
        .call::<ChildDetails>(&parent, &[("pupil", &removed.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn access_codes_are_unique_hashed_and_reissue_revokes() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let id = app.user_id(PARENT).await;
    let letters = || async {
        let res = for_parents::<MakeLetters>(&app, &admin, &[id]).await;
        assert_eq!(res.status(), StatusCode::OK);
        res.answer::<LetterSheet>().await.unwrap()
    };
    let sheet = letters().await;
    assert_eq!(sheet.letters.len(), 1);
    assert!(sheet.sign_up_page.ends_with("/sign-up"));
    let first: Vec<String> = sheet.letters[0]
        .children
        .iter()
        .map(|c| c.access_code.clone())
        .collect();
    assert_eq!(first.len(), 2);
    assert_ne!(first[0], first[1]);
    for child in &sheet.letters[0].children {
        assert!(child.qr_svg.starts_with("<?xml") || child.qr_svg.contains("<svg"));
        assert!(child.sign_up_link.ends_with(&child.access_code));
    }
    let mut conn = app.pool.acquire().await.unwrap();
    for code in &first {
        assert!(codes::link_for(&mut conn, code).await.unwrap().is_some());
        // Only a hash is stored.
        let plain: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM parent_links WHERE access_code_hash LIKE '%' || ? || '%'",
        )
        .bind(code.replace('-', ""))
        .fetch_one(&app.pool)
        .await
        .unwrap();
        assert_eq!(plain, 0);
    }
    // Printing again makes other new codes. Until the letters are confirmed
    // printed, the earlier letter's codes work too.
    let again = letters().await;
    let second: Vec<String> = again.letters[0]
        .children
        .iter()
        .map(|c| c.access_code.clone())
        .collect();
    for (old, new) in first.iter().zip(&second) {
        assert_ne!(old, new);
        assert!(codes::link_for(&mut conn, old).await.unwrap().is_some());
        assert!(codes::link_for(&mut conn, new).await.unwrap().is_some());
    }
    // "Letters printed": now only the new letter's codes work.
    let printed = confirm_letters(&app, &admin, again.batch).await;
    assert_eq!((printed.codes, printed.already), (2, false));
    for (old, new) in first.iter().zip(&second) {
        assert!(codes::link_for(&mut conn, old).await.unwrap().is_none());
        assert!(codes::link_for(&mut conn, new).await.unwrap().is_some());
    }
    // Reissue one child's code: only that one changes.
    let detail = open(&app, &admin, id).await;
    let pupil = detail.links[0].pupil.id.0;
    assert!(detail.links[0].code_issued.is_some());
    let res = app
        .call::<ReissueCode>(
            &admin,
            &[("id", &id.to_string()), ("pupil", &pupil.to_string())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let reissued: ReissuedCode = res.answer().await.unwrap();
    assert!(codes::link_for(&mut conn, &second[0])
        .await
        .unwrap()
        .is_none());
    assert!(codes::link_for(&mut conn, &reissued.access_code)
        .await
        .unwrap()
        .is_some());
    assert!(codes::link_for(&mut conn, &second[1])
        .await
        .unwrap()
        .is_some());
    assert_eq!(audit_count(&app, "access code issued").await, 4);
    assert_eq!(audit_count(&app, "access code reissued").await, 1);
    // A pupil the parent isn't linked to has no code to reissue.
    let res = app
        .call::<ReissueCode>(&admin, &[("id", &id.to_string()), ("pupil", "999999")])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    // Letters for every parent matching a search: every code is different.
    let res = app
        .call::<MakeLetters>(
            &admin,
            &[("everyone", "true"), ("search", "a"), ("status", "active")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let sheet: LetterSheet = res.answer().await.unwrap();
    assert!(sheet.letters.len() > 100, "{} letters", sheet.letters.len());
    let mut all: Vec<String> = sheet
        .letters
        .iter()
        .flat_map(|l| l.children.iter().map(|c| c.access_code.clone()))
        .collect();
    let issued = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), issued, "every access code is unique");
}

#[tokio::test]
async fn invitations_go_to_parents_who_have_not_signed_up() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let (waiting, email) = parent_not_signed_up(&app).await;
    let signed_up = app.user_id(PARENT).await;
    let res = for_parents::<SendInvitations>(&app, &admin, &[waiting, signed_up]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let sent: InvitationsSent = res.answer().await.unwrap();
    assert_eq!((sent.sent, sent.already_signed_up), (1, 1));
    let received = app.last_email_to(&email).await;
    assert!(received.text.contains("reports"), "{}", received.text);
    let link = received.link("/invitation/");
    let token = link.rsplit('/').next().unwrap();
    let res = app
        .call::<app::auth::api::SetPassword>(
            &client(),
            &[
                ("token", token),
                ("link", "invitation"),
                ("password", "tulip-garden-42"),
                ("confirm", "tulip-garden-42"),
            ],
        )
        .await;
    assert_done(&res, "setting the parent's password");
    let res = app
        .sign_in(&client(), &email, "tulip-garden-42", false)
        .await;
    assert_done(&res, "the invited parent signs in");
    assert!(app.mailbox.to(PARENT).is_empty());

    // Nothing ticked is a clear message, not a silent no-op.
    let res = app
        .call::<SendInvitations>(
            &admin,
            &[("everyone", "false"), ("search", ""), ("status", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(matches!(error_of(res).await, AppError::Invalid { .. }));
}

#[tokio::test]
async fn the_list_pages_and_filters() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let list = |search: &'static str, status: &'static str, page: i64| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let res = app
                .call::<ListParents>(
                    &admin,
                    &[
                        ("search", search),
                        ("status", status),
                        ("page", &page.to_string()),
                    ],
                )
                .await;
            assert_eq!(res.status(), StatusCode::OK);
            res.answer::<ParentList>().await.unwrap()
        }
    };
    let everyone = list("", "", 0).await;
    let parents: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'parent'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(everyone.total, parents);
    assert_eq!(everyone.rows.len() as i64, app::parents::model::PAGE_SIZE);
    let second = list("", "", 1).await;
    assert_ne!(second.rows[0].id, everyone.rows[0].id);
    assert!(everyone
        .rows
        .windows(2)
        .all(|w| { w[0].surname.to_lowercase() <= w[1].surname.to_lowercase() }));
    sqlx::query("UPDATE users SET active = 0 WHERE email = ?")
        .bind(PARENT)
        .execute(&app.pool)
        .await
        .unwrap();
    let inactive = list("", "inactive", 0).await;
    assert_eq!(inactive.total, 1);
    assert_eq!(inactive.rows[0].email.as_deref(), Some(PARENT));
    assert_eq!(list("", "active", 0).await.total, parents - 1);
    assert_eq!(list("zzzz-nobody", "", 0).await.total, 0);
}

/// Makes a letter for `parent` and answers (pupil id, access code) per child.
pub(crate) async fn codes_for(app: &TestApp, admin: &Client, parent: i64) -> Vec<(i64, String)> {
    let res = for_parents::<MakeLetters>(app, admin, &[parent]).await;
    let sheet: LetterSheet = res.answer().await.unwrap();
    let detail = open(app, admin, parent).await;
    sheet.letters[0]
        .children
        .iter()
        .map(|child| {
            let pupil = detail
                .links
                .iter()
                .find(|l| child.name == l.pupil.full_name())
                .unwrap()
                .pupil
                .id
                .0;
            (pupil, child.access_code.clone())
        })
        .collect()
}

pub(crate) async fn sign_up(app: &TestApp, code: &str, born: &str, email: &str) -> Response {
    app.call::<app::parents::api::SignUp>(
        &client(),
        &[
            ("code", code),
            ("date_of_birth", born),
            ("first_name", "Grace"),
            ("surname", "Adeyemi"),
            ("email", email),
            ("password", "tulip-garden-42"),
            ("confirm", "tulip-garden-42"),
        ],
    )
    .await
}

#[tokio::test]
async fn a_parent_signs_up_with_the_code_and_date_of_birth() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let (parent, _) = parent_not_signed_up(&app).await;
    let codes = codes_for(&app, &admin, parent).await;
    let (pupil, code) = codes[0].clone();
    let born: String = sqlx::query_scalar("SELECT date_of_birth FROM pupils WHERE id = ?")
        .bind(pupil)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let uk = app::school::model::uk_date(&born);

    // A wrong date of birth and a made-up code get the same answer.
    let wrong = sign_up(&app, &code, "01/01/2000", "grace@mail.example").await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let wrong = error_of(wrong).await;
    let made_up = error_of(sign_up(&app, "ABCD-EFGH-JKMN", &uk, "grace@mail.example").await).await;
    assert_eq!(wrong, made_up);
    // Badly typed fields get their own messages.
    let res = sign_up(&app, "ABC", &uk, "grace@mail.example").await;
    assert!(error_of(res).await.for_field("code").is_some());
    let res = sign_up(&app, &code, "2019-05-04", "grace@mail.example").await;
    assert!(error_of(res).await.for_field("date_of_birth").is_some());
    // An address already in use: one neutral answer, saying nothing of whose.
    let res = sign_up(&app, &code, &uk, TEACHER).await;
    let message = error_of(res).await.for_field("email").unwrap();
    assert!(message.contains("can't be used"), "{message}");
    assert!(!message.contains("staff"), "{message}");

    // Lower case and spaces are fine.
    let typed = code.to_lowercase().replace('-', " ");
    let res = sign_up(&app, &typed, &uk, "grace@mail.example").await;
    assert!(
        res.status().is_redirection() || res.status().is_success(),
        "{}",
        res.status()
    );
    let res = app
        .sign_in(&client(), "grace@mail.example", "tulip-garden-42", false)
        .await;
    assert!(res.status().is_redirection() || res.status().is_success());
    assert_eq!(audit_count(&app, "signed up with an access code").await, 1);
    // The code is used up, and the account can't be claimed twice.
    let mut conn = app.pool.acquire().await.unwrap();
    assert!(codes::link_for(&mut conn, &code).await.unwrap().is_none());
    if let Some((other_pupil, other)) = codes.get(1) {
        let born: String = sqlx::query_scalar("SELECT date_of_birth FROM pupils WHERE id = ?")
            .bind(other_pupil)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        let res = sign_up(
            &app,
            other,
            &app::school::model::uk_date(&born),
            "x@mail.example",
        )
        .await;
        let message = error_of(res).await.to_string();
        assert!(message.contains("already set up"), "{message}");
    }
}

#[tokio::test]
async fn access_codes_cannot_be_found_by_trying_many() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let (parent, _) = parent_not_signed_up(&app).await;
    let (pupil, code) = codes_for(&app, &admin, parent).await[0].clone();
    let born: String = sqlx::query_scalar("SELECT date_of_birth FROM pupils WHERE id = ?")
        .bind(pupil)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let uk = app::school::model::uk_date(&born);
    // Five wrong dates of birth for one code: the code is locked for the hour.
    for day in 1..=5 {
        let res = sign_up(&app, &code, &format!("{day:02}/01/2001"), "g@mail.example").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let res = sign_up(&app, &code, &uk, "g@mail.example").await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even with the right date"
    );
    // A new letter, once confirmed printed, gives a new code with a clean
    // slate; the old one is gone.
    let (_, fresh) = codes_for(&app, &admin, parent)
        .await
        .into_iter()
        .find(|(p, _)| *p == pupil)
        .unwrap();
    let res = sign_up(&app, &fresh, &uk, "g@mail.example").await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the lock stands until the old code stops working"
    );
    confirm_latest_letters(&app, &admin).await;
    let res = sign_up(&app, &code, &uk, "g@mail.example").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = sign_up(&app, &fresh, &uk, "g@mail.example").await;
    assert!(
        res.status().is_redirection() || res.status().is_success(),
        "{}",
        res.status()
    );
    // Made-up codes from one address: 30 wrong answers in the hour, then refused.
    for _ in 0..24 {
        let res = sign_up(&app, "ABCD-EFGH-JKMN", "01/01/2001", "g@mail.example").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let res = sign_up(&app, "ABCD-EFGH-JKMP", "01/01/2001", "g@mail.example").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    // An hour later the address may try again.
    app.clock.advance(time::Duration::minutes(61));
    let res = sign_up(&app, "ABCD-EFGH-JKMP", "01/01/2001", "g@mail.example").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

/// One page of the Parents list under a filter, as the page asks for it.
async fn listed(app: &TestApp, admin: &Client, status: &str) -> app::parents::model::ParentList {
    app.call::<app::parents::api::ListParents>(
        admin,
        &[("search", ""), ("status", status), ("page", "0")],
    )
    .await
    .answer()
    .await
    .unwrap()
}

#[tokio::test]
async fn parent_adoption_shows_who_still_needs_a_letter_and_exports_it() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let everyone = listed(&app, &admin, "").await.total;
    let signed_up = listed(&app, &admin, "signed-up").await;
    let invited = listed(&app, &admin, "invited").await;
    let waiting = listed(&app, &admin, "not-invited").await;
    assert!(signed_up.rows.iter().all(|r| r.signed_up));
    assert!(invited
        .rows
        .iter()
        .all(|r| !r.signed_up && r.invited.is_some()));
    assert!(waiting
        .rows
        .iter()
        .all(|r| r.active && !r.signed_up && r.invited.is_none()));
    assert!(
        waiting.total > 0,
        "the demo school has parents nobody has invited"
    );
    assert!(signed_up.total + invited.total + waiting.total <= everyone);

    // Inviting one moves them from "not invited yet" to "invited".
    let parent = waiting.rows[0].id.0;
    let res = for_parents::<app::parents::api::SendInvitations>(&app, &admin, &[parent]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        listed(&app, &admin, "not-invited").await.total,
        waiting.total - 1
    );
    let now_invited = listed(&app, &admin, "invited").await;
    assert!(now_invited
        .rows
        .iter()
        .any(|r| r.id.0 == parent && r.invited.is_some()));

    // The export holds the same parents as the filtered list, every page.
    let res = admin
        .get(format!(
            "{}{}?q=&status=not-invited",
            app.address,
            app::parents::model::EXPORT_PATH
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("Parents.xlsx"));
    let cells = crate::usage::cells(&res.bytes().await.unwrap(), "Parents");
    assert_eq!(cells[0][0].to_string(), "First name");
    assert_eq!(cells.len() as i64 - 1, waiting.total - 1);
    assert!(cells[1..]
        .iter()
        .all(|row| row[6] == "No" && row[5].to_string().is_empty()));
}
