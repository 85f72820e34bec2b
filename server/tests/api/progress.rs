//! Progress: each pupil's share of their year's criteria secured and the
//! overall judgement it comes to, for the groups in the viewer's reach.

use app::{
    ids::{GroupId, PupilId, SubjectId},
    progress::{
        api::{OpenProgress, OpenPupil, SaveTargets},
        model::{Change, Cohort, OnTrack, ProgressTable, PupilProgress},
    },
    school::api::SaveTerms,
};
use reqwest::{Client, StatusCode};

use crate::{
    classroom::{classes, pupils_of},
    helpers::*,
};

async fn progress(
    app: &TestApp,
    who: &Client,
    group: GroupId,
    subject: SubjectId,
) -> reqwest::Response {
    app.call::<OpenProgress>(
        who,
        &[
            ("group", &group.to_string()),
            ("subject", &subject.to_string()),
        ],
    )
    .await
}

async fn insert(app: &TestApp, sql: &str, values: &[i64]) -> i64 {
    let mut query = sqlx::query_scalar::<_, i64>(sql);
    for v in values {
        query = query.bind(*v);
    }
    query.fetch_one(&app.pool).await.unwrap()
}

/// The school's scale level at this position.
async fn level(app: &TestApp, position: i64) -> i64 {
    insert(
        app,
        "SELECT id FROM scale_levels WHERE position = ?",
        &[position],
    )
    .await
}

#[tokio::test]
async fn the_share_secured_and_the_judgement_follow_the_rule_for_each_pupil_in_reach() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let (class, other) = classes(&app).await;
    let roll = pupils_of(&app, class).await;
    let (a, b, c) = (roll[0], roll[1], roll[2]);
    let year = insert(
        &app,
        "SELECT year_group FROM groups WHERE id = ?",
        &[class.0],
    )
    .await;
    // A subject of its own: four criteria for the class's year, one retired,
    // and one for the next year.
    let subject = insert(
        &app,
        "INSERT INTO subjects (name, position) VALUES ('Progress science', 99) RETURNING id",
        &[],
    )
    .await;
    let criterion = |retired: bool, year: i64| {
        let app = &app;
        async move {
            insert(
                app,
                "INSERT INTO criteria (subject_id, year_group, strand, statement, position, retired_at, created_at)
                 VALUES (?1, ?2, 'Enquiry', 'A statement', 1,
                         CASE WHEN ?3 THEN '2026-01-01T00:00:00Z' END, '2026-01-01T00:00:00Z')
                 RETURNING id",
                &[subject, year, retired as i64],
            )
            .await
        }
    };
    let mut live = Vec::new();
    for _ in 0..4 {
        live.push(criterion(false, year).await);
    }
    let retired = criterion(true, year).await;
    let next_year = criterion(false, year + 1).await;
    // The school's scale by position: 1 working towards (not secured),
    // 2 expected and 3 greater depth (both secured).
    let (towards, expected, depth) = (
        level(&app, 1).await,
        level(&app, 2).await,
        level(&app, 3).await,
    );
    let judge = |pupil: PupilId, criterion: i64, level: i64| {
        let app = &app;
        async move {
            sqlx::query(
                "INSERT INTO judgements (pupil_id, criterion_id, level_id, set_at)
                 VALUES (?, ?, ?, '2026-11-02T10:00:00Z')",
            )
            .bind(pupil.0)
            .bind(criterion)
            .bind(level)
            .execute(&app.pool)
            .await
            .unwrap();
        }
    };
    // Pupil a: towards, expected, depth on three of the four, and depth on
    // the retired and next year's criteria (neither counts).
    judge(a, live[0], towards).await;
    judge(a, live[1], expected).await;
    judge(a, live[2], depth).await;
    judge(a, retired, depth).await;
    judge(a, next_year, depth).await;
    // Pupil b: towards, towards, depth, depth.
    judge(b, live[0], towards).await;
    judge(b, live[1], towards).await;
    judge(b, live[2], depth).await;
    judge(b, live[3], depth).await;
    // Pupil c: nothing yet.

    // Targets, set with the keyboard's form: a and b aim at expected, c at
    // greater depth.
    let targets = [(a, expected), (b, expected), (c, depth)];
    let res = save_targets(&app, &teacher, class, subject, &targets).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<u64>().await.unwrap(), 3, "three targets set");

    let res = progress(&app, &teacher, class, SubjectId(subject)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let table: ProgressTable = res.json().await.unwrap();
    let chosen = table.chosen.expect("the group and subject asked for");
    assert_eq!(chosen.subject_name, "Progress science");
    assert_eq!(table.rows.len(), roll.len(), "everyone on the roll");
    assert!(chosen.can_set_targets, "the class's own teacher");
    let row = |pupil: PupilId| {
        let row = table.rows.iter().find(|r| r.pupil == pupil).unwrap();
        (
            row.secured,
            row.criteria,
            row.share(),
            row.judgement.clone(),
        )
    };
    let on_track = |pupil: PupilId| {
        let row = table.rows.iter().find(|r| r.pupil == pupil).unwrap();
        (row.target.map(|t| t.level.0), row.on_track())
    };
    // a is judged expected, their target: on track. b is judged working
    // towards, below their target of expected: not. c has no judgement.
    assert_eq!(on_track(a), (Some(expected), OnTrack::Yes));
    assert_eq!(on_track(b), (Some(expected), OnTrack::No));
    assert_eq!(on_track(c), (Some(depth), OnTrack::NotYetKnown));
    // Beside the class, its whole year in the subject: only a (expected)
    // and b (working towards) are judged; everyone else not yet.
    let on_roll = insert(
        &app,
        "SELECT COUNT(*) FROM pupils WHERE year_group = ? AND active = 1",
        &[year],
    )
    .await as usize;
    let spread = table.year_spread.clone().expect("a class of one year");
    assert_eq!(spread.name, format!("Year {year}"));
    let counts: Vec<usize> = spread.counts.iter().map(|(_, n)| *n).collect();
    assert_eq!(counts, [1, 1, 0, on_roll - 2]);
    // a: expected and depth secured, 2 of 4 = 50 %; the middle of
    // [towards, expected, depth] is expected.
    assert_eq!(row(a), (2, 4, Some(50), Some("Expected".to_owned())));
    // b: 2 of 4 = 50 %; of [towards, towards, depth, depth] the lower
    // middle is towards.
    assert_eq!(row(b), (2, 4, Some(50), Some("Working towards".to_owned())));
    // c: 0 of 4, no judgement.
    assert_eq!(row(c), (0, 4, Some(0), None));

    // a's own page: the same figures in the subject, and their class as
    // where the markbook opens.
    let res = app
        .call::<OpenPupil>(&teacher, &[("pupil", &a.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page: PupilProgress = res.json().await.unwrap();
    assert_eq!(page.markbook_group, Some(class));
    let science = page
        .subjects
        .iter()
        .find(|s| s.subject == SubjectId(subject))
        .expect("every subject");
    assert_eq!(
        (
            science.row.secured,
            science.row.criteria,
            science.row.judgement.clone()
        ),
        (2, 4, Some("Expected".to_owned()))
    );
    assert_eq!(science.row.on_track(), OnTrack::Yes);
    // A pupil of another class: not found for this teacher, and audited;
    // parents have no such page, even for their own child.
    let stranger = pupils_of(&app, other).await[0];
    let denied = app.denials(&format!("pupil:{stranger}")).await;
    let res = app
        .call::<OpenPupil>(&teacher, &[("pupil", &stranger.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.denials(&format!("pupil:{stranger}")).await, denied + 1);

    // Another class, out of the teacher's reach: not found. SLT see it.
    let res = progress(&app, &teacher, other, SubjectId(subject)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let slt = app.signed_in(SLT).await;
    assert_eq!(
        progress(&app, &slt, other, SubjectId(subject))
            .await
            .status(),
        StatusCode::OK
    );
    // Parents have no Progress.
    let parent = app.signed_in(PARENT).await;
    assert_eq!(
        progress(&app, &parent, class, SubjectId(subject))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // Nothing chosen: the first group and subject.
    let res = app.call::<OpenProgress>(&teacher, &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let first: ProgressTable = res.json().await.unwrap();
    assert!(first.chosen.is_some());
}

async fn save_targets(
    app: &TestApp,
    who: &Client,
    group: GroupId,
    subject: i64,
    targets: &[(PupilId, i64)],
) -> reqwest::Response {
    let mut form = vec![
        ("group".to_owned(), group.to_string()),
        ("subject".to_owned(), subject.to_string()),
    ];
    for (n, (pupil, level)) in targets.iter().enumerate() {
        form.push((format!("pupils[{n}]"), pupil.to_string()));
        // 0 stands for "No target".
        let level = if *level == 0 {
            String::new()
        } else {
            level.to_string()
        };
        form.push((format!("targets[{n}]"), level));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call::<SaveTargets>(who, &form).await
}

/// Each pupil's target in the subject, level ids by pupil.
async fn targets_of(app: &TestApp, subject: i64) -> Vec<(i64, i64)> {
    sqlx::query_as(
        "SELECT pupil_id, level_id FROM pupil_targets WHERE subject_id = ? ORDER BY pupil_id",
    )
    .bind(subject)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn teachers_set_their_groups_targets_all_or_nothing_and_no_one_else_does() {
    let app = spawn_app().await;
    let teacher = app.signed_in(TEACHER).await;
    let (class, other) = classes(&app).await;
    let roll = pupils_of(&app, class).await;
    let stranger = pupils_of(&app, other).await[0];
    let (a, b) = (roll[0], roll[1]);
    let subject = insert(
        &app,
        "INSERT INTO subjects (name, position) VALUES ('Target science', 99) RETURNING id",
        &[],
    )
    .await;
    let (expected, depth) = (level(&app, 2).await, level(&app, 3).await);

    let res = save_targets(&app, &teacher, class, subject, &[(a, expected), (b, depth)]).await;
    assert_eq!(res.json::<u64>().await.unwrap(), 2);
    // The same again changes nothing; clearing b's changes one.
    let res = save_targets(&app, &teacher, class, subject, &[(a, expected), (b, depth)]).await;
    assert_eq!(res.json::<u64>().await.unwrap(), 0);
    let res = save_targets(&app, &teacher, class, subject, &[(a, expected), (b, 0)]).await;
    assert_eq!(res.json::<u64>().await.unwrap(), 1);
    let saved = vec![(a.0, expected)];
    assert_eq!(targets_of(&app, subject).await, saved);

    // A level not on the scale refuses the whole form, beside the targets:
    // a's change before it is not kept.
    let res = save_targets(&app, &teacher, class, subject, &[(a, depth), (b, 987_654)]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let message = error_of(res).await.for_field("targets");
    assert_eq!(
        message.as_deref(),
        Some("Choose a target from the list for each pupil.")
    );
    assert_eq!(targets_of(&app, subject).await, saved);
    // A pupil listed without a target is the same mistake.
    let form = [
        ("group", class.to_string()),
        ("subject", subject.to_string()),
        ("pupils[0]", a.to_string()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = app.call::<SaveTargets>(&teacher, &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A pupil of another class, slipped into the form: out of reach,
    // audited, and nothing written.
    let denied = app.denials(&format!("pupil:{stranger}")).await;
    let res = save_targets(
        &app,
        &teacher,
        class,
        subject,
        &[(a, depth), (stranger, depth)],
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.denials(&format!("pupil:{stranger}")).await, denied + 1);
    assert_eq!(targets_of(&app, subject).await, saved);
    // Another class's targets: not found for this teacher.
    let res = save_targets(&app, &teacher, other, subject, &[(stranger, depth)]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // An unknown subject: not found.
    let res = save_targets(&app, &teacher, class, 987_654, &[(a, depth)]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(targets_of(&app, subject).await, saved);

    // SLT who don't teach the class read its targets but don't set them.
    let slt = app.signed_in(SLT).await;
    let teaches = insert(
        &app,
        "SELECT COUNT(*) FROM group_teachers WHERE group_id = ? AND user_id = ?",
        &[class.0, app.user_id(SLT).await],
    )
    .await;
    assert_eq!(teaches, 0, "the head doesn't teach the class");
    let res = save_targets(&app, &slt, class, subject, &[(a, depth)]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = progress(&app, &slt, class, SubjectId(subject)).await;
    let table: ProgressTable = res.json().await.unwrap();
    assert!(!table.chosen.unwrap().can_set_targets);
    // Parents: forbidden. Admins set any group's.
    let parent = app.signed_in(PARENT).await;
    let res = save_targets(&app, &parent, class, subject, &[(a, depth)]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let admin = app.signed_in(ADMIN).await;
    let res = save_targets(&app, &admin, other, subject, &[(stranger, depth)]).await;
    assert_eq!(res.json::<u64>().await.unwrap(), 1);
    assert_eq!(targets_of(&app, subject).await.len(), 2);
}

#[tokio::test]
async fn slt_and_admins_see_a_whole_year_group_and_other_teachers_do_not() {
    let app = spawn_app().await;
    let (class, _) = classes(&app).await;
    let year = insert(
        &app,
        "SELECT year_group FROM groups WHERE id = ?",
        &[class.0],
    )
    .await;
    let on_roll = insert(
        &app,
        "SELECT COUNT(*) FROM pupils WHERE year_group = ? AND active = 1",
        &[year],
    )
    .await;
    let in_class = pupils_of(&app, class).await.len() as i64;
    let open_year = |who: Client, year: i64| {
        let app = &app;
        async move {
            app.call::<OpenProgress>(&who, &[("year", &year.to_string())])
                .await
        }
    };
    for leader in [SLT, ADMIN] {
        let res = open_year(app.signed_in(leader).await, year).await;
        assert_eq!(res.status(), StatusCode::OK, "{leader}");
        let table: ProgressTable = res.json().await.unwrap();
        assert!(table.years.contains(&year));
        let chosen = table.chosen.unwrap();
        assert_eq!(chosen.cohort, Cohort::Year(year));
        assert_eq!(chosen.name, format!("Year {year}"));
        assert!(!chosen.can_set_targets, "set group by group");
        assert_eq!(table.rows.len() as i64, on_roll, "every pupil of the year");
        assert!(table.rows.iter().all(|r| r.year_group == year));
        assert_eq!(table.year_spread, None, "the year is the table");
    }
    assert!(on_roll >= in_class);
    // A year with no pupils on roll: not found.
    let res = open_year(app.signed_in(SLT).await, 13).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // A teacher who isn't SLT has their groups, not whole years.
    let teacher = app.signed_in(TEACHER).await;
    let res = app.call::<OpenProgress>(&teacher, &[]).await;
    let table: ProgressTable = res.json().await.unwrap();
    assert!(table.years.is_empty());
    let res = open_year(teacher, year).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

/// Admins set the terms in School settings; a mistake in any row is named
/// and changes nothing.
async fn save_terms(app: &TestApp, terms: &[(&str, &str)]) -> reqwest::Response {
    let admin = app.signed_in(ADMIN).await;
    let mut form = Vec::new();
    for (n, (name, ends)) in terms.iter().enumerate() {
        form.push((format!("names[{n}]"), name.to_string()));
        form.push((format!("ends[{n}]"), ends.to_string()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    app.call::<SaveTerms>(&admin, &form).await
}

/// Moves the test clock to `at`.
fn clock_to(app: &TestApp, at: time::OffsetDateTime) {
    app.clock.advance(at - app.clock.now());
}

#[tokio::test]
async fn the_change_since_last_term_replays_the_history_in_the_year_each_pupil_was_in() {
    let app = spawn_app().await;
    let (class, _) = classes(&app).await;
    let roll = pupils_of(&app, class).await;
    let (a, b, c, d) = (roll[0], roll[1], roll[2], roll[3]);
    let year = insert(
        &app,
        "SELECT year_group FROM groups WHERE id = ?",
        &[class.0],
    )
    .await;
    assert!(year >= 1, "the class has a year below it");

    // The school's terms, each by the day it ends.
    let res = save_terms(
        &app,
        &[
            ("Autumn", "18/12"),
            ("Spring", "26/03"),
            ("Summer", "21/07"),
        ],
    )
    .await;
    assert!(done(&res), "{}", res.status());
    let stored = || async {
        sqlx::query_as::<_, (String, String)>(
            "SELECT name, ends_on FROM school_terms ORDER BY position",
        )
        .fetch_all(&app.pool)
        .await
        .unwrap()
    };
    let saved = stored().await;
    let res = save_terms(&app, &[("Autumn", "18/12"), ("Spring", "31/02")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error_of(res).await.for_field("terms").as_deref(),
        Some("Row 2: write the day Spring ends as day/month, for example 19/12.")
    );
    assert_eq!(stored().await, saved, "nothing changed");
    assert_eq!(saved[0], ("Autumn".to_owned(), "12-18".to_owned()));

    let subject = insert(
        &app,
        "INSERT INTO subjects (name, position) VALUES ('Change history', 98) RETURNING id",
        &[],
    )
    .await;
    let criterion = |year: i64, retired: Option<&'static str>| {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO criteria (subject_id, year_group, strand, statement, position, retired_at, created_at)
                 VALUES (?, ?, 'Enquiry', 'A statement', 1, ?, '2026-09-01T00:00:00Z') RETURNING id",
            )
            .bind(subject)
            .bind(year)
            .bind(retired)
            .fetch_one(&app.pool)
            .await
            .unwrap()
        }
    };
    let (c0, c1, c2) = (
        criterion(year, None).await,
        criterion(year, None).await,
        criterion(year, None).await,
    );
    // Retired after the autumn term ended: it counted then, not now.
    let retired = criterion(year, Some("2027-01-02T09:00:00Z")).await;
    // The year below, where the pupils were last school year.
    let (p0, p1) = (
        criterion(year - 1, None).await,
        criterion(year - 1, None).await,
    );
    let (towards, expected, depth) = (
        level(&app, 1).await,
        level(&app, 2).await,
        level(&app, 3).await,
    );
    let depth_rank = 3;
    // A judgement as the markbook records it: the current one and its
    // history row (no level: cleared).
    let record = |pupil: PupilId, criterion: i64, level: Option<i64>, at: &'static str| {
        let app = &app;
        async move {
            let current = match level {
                Some(_) => {
                    "INSERT INTO judgements (pupil_id, criterion_id, level_id, set_at) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (pupil_id, criterion_id) DO UPDATE SET level_id = ?3, set_at = ?4"
                }
                None => "DELETE FROM judgements WHERE pupil_id = ?1 AND criterion_id = ?2",
            };
            let mut query = sqlx::query(current).bind(pupil.0).bind(criterion);
            if level.is_some() {
                query = query.bind(level).bind(at);
            }
            query.execute(&app.pool).await.unwrap();
            sqlx::query(
                "INSERT INTO judgement_history (pupil_id, criterion_id, level_id, set_at) VALUES (?, ?, ?, ?)",
            )
            .bind(pupil.0)
            .bind(criterion)
            .bind(level)
            .bind(at)
            .execute(&app.pool)
            .await
            .unwrap();
        }
    };
    // a: expected and towards by the end of autumn; since, c1 raised to
    // expected and c2 judged greater depth.
    record(a, c0, Some(expected), "2026-10-01T10:00:00Z").await;
    record(a, c1, Some(towards), "2026-11-01T10:00:00Z").await;
    record(a, c1, Some(expected), "2027-01-10T10:00:00Z").await;
    record(a, c2, Some(depth), "2027-01-11T10:00:00Z").await;
    // b: greater depth then, lowered to towards since.
    record(b, c0, Some(depth), "2026-10-01T10:00:00Z").await;
    record(b, c0, Some(towards), "2027-01-05T10:00:00Z").await;
    // c: expected late on the last day (UK time is GMT in December) and
    // greater depth on the criterion retired since.
    record(c, c0, Some(expected), "2026-12-18T23:30:00Z").await;
    record(c, retired, Some(depth), "2026-11-01T10:00:00Z").await;
    // d: a judgement cleared before the end of term, another made after it.
    record(d, c1, Some(expected), "2026-11-01T10:00:00Z").await;
    record(d, c1, None, "2026-12-01T10:00:00Z").await;
    record(d, c0, Some(expected), "2026-12-19T00:30:00Z").await;

    // The class's table as the teacher sees it on a day, signed in afresh
    // (sessions run out while the clock moves on).
    let open_on = |at: time::OffsetDateTime| {
        let app = &app;
        async move {
            clock_to(app, at);
            let teacher = app.signed_in(TEACHER).await;
            let res = progress(app, &teacher, class, SubjectId(subject)).await;
            (teacher, res.json::<ProgressTable>().await.unwrap())
        }
    };
    // In the spring term, last term is the autumn, which ended on 18/12.
    let (_, table) = open_on(time::macros::datetime!(2027-01-15 10:00 UTC)).await;
    let term = table.last_term.clone().expect("the school has terms");
    assert_eq!(
        (term.name.as_str(), term.on.as_str(), term.years_ago),
        ("Autumn", "2026-12-18", 0)
    );
    let change = |table: &ProgressTable, pupil: PupilId| {
        let row = table.rows.iter().find(|r| r.pupil == pupil).unwrap();
        (row.last_term.as_ref().map(|then| then.rank), row.change())
    };
    // a then: [expected 2, towards 1], the lower middle of which is 1; now
    // [2, 2, 3], the middle of which is 2: up 1.
    assert_eq!(change(&table, a), (Some(1), Change::Up(1)));
    let a_row = table.rows.iter().find(|r| r.pupil == a).unwrap();
    assert_eq!(a_row.change_words(), "Up 1 (was Working towards)");
    // b then: [3]; now [1]: down 2.
    assert_eq!(change(&table, b), (Some(3), Change::Down(2)));
    // c then: [2, 3] with the retired criterion, lower middle 2; now [2].
    assert_eq!(change(&table, c), (Some(2), Change::Same));
    // d then: nothing (cleared, and the other judged after the day).
    assert_eq!(change(&table, d), (None, Change::NotYetKnown));

    // A new school year: last term is the summer, when the pupils were in
    // the year below, so their judgements against its criteria count.
    record(a, p0, Some(depth), "2027-03-01T10:00:00Z").await;
    record(a, p1, Some(depth), "2027-06-01T10:00:00Z").await;
    let (teacher, table) = open_on(time::macros::datetime!(2027-09-08 10:00 UTC)).await;
    let term = table.last_term.clone().unwrap();
    assert_eq!(
        (term.name.as_str(), term.on.as_str(), term.years_ago),
        ("Summer", "2027-07-21", 1)
    );
    // a then: [3, 3] in the year below; now [2, 2, 3]: down 1.
    assert_eq!(change(&table, a), (Some(3), Change::Down(1)));
    // b's judgements were all against this year's criteria: none then.
    assert_eq!(change(&table, b), (None, Change::NotYetKnown));

    // The pupil's page shows the same change, and term by term every term
    // of the school year just gone (none of this one has ended): by the
    // autumn's end a had nothing in the year below; by the spring's, p0 at
    // greater depth; by the summer's, both.
    let page: PupilProgress = app
        .call::<OpenPupil>(&teacher, &[("pupil", &a.to_string())])
        .await
        .json()
        .await
        .unwrap();
    let mine = page
        .subjects
        .iter()
        .find(|s| s.subject == SubjectId(subject))
        .unwrap();
    assert_eq!(mine.row.change(), Change::Down(1));
    assert_eq!(page.last_term.map(|t| t.name).as_deref(), Some("Summer"));
    let by_term: Vec<(&str, Option<i64>)> = mine
        .by_term
        .iter()
        .map(|t| (t.term.as_str(), t.judgement.as_ref().map(|j| j.rank)))
        .collect();
    assert_eq!(
        by_term,
        [
            ("Autumn 2026", None),
            ("Spring 2027", Some(depth_rank)),
            ("Summer 2027", Some(depth_rank))
        ]
    );
}
