//! What a parent also gets by email (Settings): a daily summary of the kinds
//! they tick, at most once a school day and only after school, listing only
//! what they haven't read in Markwell about children they still see; and
//! the report email, which they may turn off.

use app::{
    classroom::api::RecordAchievement,
    error::AppError,
    notifications::{api::MyNotifications, model::EmailChoices, model::EmailSettings},
    settings::api::{LoadEmailChoices, SaveEmailChoices},
};
use reqwest::{Client, StatusCode};
use time::{Duration, OffsetDateTime, Time};

use crate::{
    classroom::{award, behaviour, classes, parent_of, pupils_of},
    helpers::*,
    what_parents_see::show,
};

const BASE: &str = "http://markwell.test";

async fn choose(app: &TestApp, parent: &Client, ticked: &[&str]) -> reqwest::Response {
    let form: Vec<(&str, &str)> = ticked.iter().map(|t| ("emails[]", *t)).collect();
    app.call::<SaveEmailChoices>(parent, &form).await
}

async fn settings(app: &TestApp, parent: &Client) -> EmailSettings {
    let res = app.call::<LoadEmailChoices>(parent, &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.answer().await.unwrap()
}

/// `days` after the test's start, at `hour` UTC (an hour later in UK summer time).
fn on_day(start: OffsetDateTime, days: i64, hour: u8) -> OffsetDateTime {
    (start + Duration::days(days)).replace_time(Time::from_hms(hour, 0, 0).unwrap())
}

/// Moves the clock to `at`, runs the server's hourly housekeeping there,
/// delivers what it queued, and answers the summaries sent.
async fn summaries_at(app: &TestApp, at: OffsetDateTime) -> Vec<Received> {
    app.clock.advance(at - app.clock.now());
    let before = app.mailbox.messages().len();
    server::housekeeping(&app.pool, at, BASE).await.unwrap();
    while app.deliver_mail().await > 0 {}
    app.mailbox.messages()[before..]
        .iter()
        .filter(|m| m.subject.starts_with("News about"))
        .cloned()
        .collect()
}

/// What the notifications of `parent` say, newest last.
async fn told(app: &TestApp, parent: i64, kind: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT what FROM notifications WHERE parent_id = ? AND kind = ? ORDER BY id",
    )
    .bind(parent)
    .bind(kind)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_parent_chooses_what_comes_by_email_and_only_parents_may() {
    let app = spawn_app().await;
    let (class, _) = classes(&app).await;
    let child = pupils_of(&app, class).await[0];
    parent_of(&app, "choices.parent@example.org", child).await;
    let parent = app.signed_in("choices.parent@example.org").await;

    let first = settings(&app, &parent).await;
    assert_eq!(
        first.choices,
        EmailChoices::DEFAULT,
        "reports by email, no summary"
    );
    assert!(first.shown.behaviour && first.shown.reports);

    let res = choose(&app, &parent, &["behaviour", "homework"]).await;
    assert!(res.status().is_success(), "{}", res.status());
    let saved = settings(&app, &parent).await.choices;
    assert_eq!(
        saved,
        EmailChoices {
            reports: false,
            behaviour: true,
            achievements: false,
            homework: true
        }
    );

    // Something the form never offered is refused beside the boxes, and
    // what was saved stays.
    let res = choose(&app, &parent, &["behaviour", "marks"]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: AppError = error_of(res).await;
    assert_eq!(
        error.for_field("emails").as_deref(),
        Some("\"marks\" isn't something we email. Tick from the list.")
    );
    assert_eq!(settings(&app, &parent).await.choices, saved);

    // Staff have no such choices; signed out, nobody does.
    for who in [app.signed_in(TEACHER).await, app.signed_in(ADMIN).await] {
        assert_eq!(
            choose(&app, &who, &["behaviour"]).await.status(),
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        choose(&app, &client(), &["behaviour"]).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn the_daily_summary_comes_once_a_day_after_school_with_only_what_is_new_and_unread() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let admin = app.signed_in(ADMIN).await;
    let (class, _) = classes(&app).await;
    let child = pupils_of(&app, class).await[0];
    let wants = parent_of(&app, "summary.parent@example.org", child).await;
    let declines = parent_of(&app, "no.summary@example.org", child).await;
    let parent = app.signed_in("summary.parent@example.org").await;
    let first_name: String = sqlx::query_scalar("SELECT first_name FROM pupils WHERE id = ?")
        .bind(child.0)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (good, _, _) = behaviour(&app, true).await;
    let (bad, _, _) = behaviour(&app, false).await;
    let point = |b: i64| {
        let (app, teacher) = (&app, teacher.clone());
        async move {
            let res = award(app, &teacher, class, &[child], b, "").await;
            assert_eq!(res.status(), StatusCode::OK);
        }
    };
    // Recorded before the parent asks: never in a summary.
    point(good).await;
    app.clock.advance(Duration::minutes(1));
    let res = choose(&app, &parent, &["behaviour", "reports"]).await;
    assert!(res.status().is_success());
    let start = app.clock.now();
    app.clock.advance(Duration::minutes(1));
    point(good).await;
    point(bad).await;
    // An achievement: not a kind this parent ticked.
    let res = app
        .call::<RecordAchievement>(
            &teacher,
            &[
                ("group", &class.to_string()),
                ("pupils[]", &child.to_string()),
                ("achievement", "Star of the week"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let behaviour_news = told(&app, wants, "behaviour").await[1..].to_vec();
    assert_eq!(behaviour_news.len(), 2);
    assert_eq!(told(&app, declines, "behaviour").await.len(), 3);

    // Tomorrow morning: school isn't over, nothing goes.
    assert!(summaries_at(&app, on_day(start, 1, 10)).await.is_empty());
    // Tomorrow after school: one email, to the parent who asked, listing the
    // two points made since they asked.
    let sent = summaries_at(&app, on_day(start, 1, 18)).await;
    assert_eq!(sent.len(), 1, "one summary, to one parent");
    let summary = &sent[0];
    assert_eq!(summary.to, "summary.parent@example.org");
    assert_eq!(
        summary.subject,
        format!("News about {first_name} from Oakfield Primary School")
    );
    let lines = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("- "))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(lines(&summary.text).len(), 2, "{}", summary.text);
    for what in &behaviour_news {
        assert!(
            summary
                .text
                .contains(&format!("{first_name}: Behaviour, {what}")),
            "{what} in:\n{}",
            summary.text
        );
        assert!(summary.html.contains(what.as_str()));
    }
    assert!(!summary.text.contains("Star of the week"));
    assert_eq!(
        summary.link("/notifications"),
        format!("{BASE}/notifications")
    );

    // Later the same evening: another point, but today's summary has gone.
    point(good).await;
    assert!(summaries_at(&app, on_day(start, 1, 20)).await.is_empty());
    // The parent reads it in Markwell; then one more point comes.
    assert_eq!(
        app.call::<MyNotifications>(&parent, &[]).await.status(),
        StatusCode::OK
    );
    point(bad).await;
    let newest = told(&app, wants, "behaviour").await.pop().unwrap();
    // The next day's summary has the unread one only.
    let sent = summaries_at(&app, on_day(start, 2, 17)).await;
    assert_eq!(sent.len(), 1);
    let listed = lines(&sent[0].text);
    assert_eq!(listed.len(), 1, "{}", sent[0].text);
    assert!(listed[0].contains(&newest), "{}", listed[0]);

    // The school stops showing behaviour: nothing about it goes, and it
    // isn't lost either: shown again, it comes.
    app.clock.advance(on_day(start, 2, 18) - app.clock.now());
    point(good).await;
    let hidden = ["reports", "achievements", "attendance", "homework"];
    assert!(show(&app, &admin, &hidden).await.is_success());
    assert!(summaries_at(&app, on_day(start, 3, 17)).await.is_empty());
    let all = [
        "reports",
        "behaviour",
        "achievements",
        "attendance",
        "homework",
    ];
    assert!(show(&app, &admin, &all).await.is_success());
    assert_eq!(summaries_at(&app, on_day(start, 3, 18)).await.len(), 1);

    // The link goes (as an MIS sync would remove it): nothing more about
    // that child comes by email.
    point(good).await;
    let unread: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE parent_id = ? AND read_at IS NULL
           AND summarised_at IS NULL",
    )
    .bind(wants)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(unread >= 1);
    sqlx::query("DELETE FROM parent_links WHERE parent_id = ? AND pupil_id = ?")
        .bind(wants)
        .bind(child.0)
        .execute(&app.pool)
        .await
        .unwrap();
    assert!(summaries_at(&app, on_day(start, 4, 17)).await.is_empty());
    // Only the parent who asked was ever sent one.
    assert!(app.mailbox.to("no.summary@example.org").is_empty());
}
