//! Progress: each pupil's share of their year's criteria secured and the
//! overall judgement it comes to, for the groups in the viewer's reach.

use app::{
    ids::{GroupId, PupilId, SubjectId},
    progress::{
        api::{OpenProgress, OpenPupil, SaveTargets},
        characteristics::PupilFilter,
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
    assert_eq!(res.answer::<u64>().await.unwrap(), 3, "three targets set");

    let res = progress(&app, &teacher, class, SubjectId(subject)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let table: ProgressTable = res.answer().await.unwrap();
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
    let page: PupilProgress = res.answer().await.unwrap();
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
    let first: ProgressTable = res.answer().await.unwrap();
    assert!(first.chosen.is_some());
}

pub async fn save_targets(
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
    assert_eq!(res.answer::<u64>().await.unwrap(), 2);
    // The same again changes nothing; clearing b's changes one.
    let res = save_targets(&app, &teacher, class, subject, &[(a, expected), (b, depth)]).await;
    assert_eq!(res.answer::<u64>().await.unwrap(), 0);
    let res = save_targets(&app, &teacher, class, subject, &[(a, expected), (b, 0)]).await;
    assert_eq!(res.answer::<u64>().await.unwrap(), 1);
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
    let table: ProgressTable = res.answer().await.unwrap();
    assert!(!table.chosen.unwrap().can_set_targets);
    // Parents: forbidden. Admins set any group's.
    let parent = app.signed_in(PARENT).await;
    let res = save_targets(&app, &parent, class, subject, &[(a, depth)]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let admin = app.signed_in(ADMIN).await;
    let res = save_targets(&app, &admin, other, subject, &[(stranger, depth)]).await;
    assert_eq!(res.answer::<u64>().await.unwrap(), 1);
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
        let table: ProgressTable = res.answer().await.unwrap();
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
    let table: ProgressTable = res.answer().await.unwrap();
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
            (teacher, res.answer::<ProgressTable>().await.unwrap())
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
        .answer()
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

/// A whole-school simple CSV of every pupil on the roll, with no class or
/// contact, and the characteristics columns: `said` gives a pupil's sex,
/// sen, pupil_premium and eal cells (blank for everyone else).
async fn roll_saying(app: &TestApp, said: &[(PupilId, [&str; 4])]) -> String {
    let pupils: Vec<(i64, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, upn, first_name, surname, date_of_birth, year_group FROM pupils
         WHERE active = 1 ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut csv = "upn,pupil_forename,pupil_surname,date_of_birth,year,class,contact_id,contact_forename,contact_surname,contact_email,relationship,parental_responsibility,access_allowed,sex,sen,pupil_premium,eal\n".to_owned();
    for (id, upn, first, surname, born, year) in pupils {
        let cells = said
            .iter()
            .find(|(pupil, _)| pupil.0 == id)
            .map(|(_, cells)| cells.join(","))
            .unwrap_or_else(|| ",,,".to_owned());
        csv.push_str(&format!(
            "{upn},{first},{surname},{born},{year},,,,,,,,,{cells}\n"
        ));
    }
    csv
}

#[tokio::test]
async fn the_mis_says_who_has_sen_pupil_premium_or_eal_and_progress_shows_only_them() {
    let app = spawn_app().await;
    let folder = tempfile::tempdir().unwrap();
    let teacher = app.signed_in(TEACHER).await;
    let (class, _) = classes(&app).await;
    let roll = pupils_of(&app, class).await;
    let (a, b, c) = (roll[0], roll[1], roll[2]);
    let subject = SubjectId(insert(&app, "SELECT MIN(id) FROM subjects", &[]).await);
    let open = |pupils: Option<&'static str>| {
        let (app, teacher) = (&app, &teacher);
        async move {
            let (group, subject) = (class.to_string(), subject.to_string());
            let mut form = vec![("group", group.as_str()), ("subject", subject.as_str())];
            form.extend(pupils.map(|p| ("pupils", p)));
            let res = app.call::<OpenProgress>(teacher, &form).await;
            assert_eq!(res.status(), StatusCode::OK);
            res.answer::<ProgressTable>().await.unwrap()
        }
    };
    // The rows' pupils, in the order of their ids (the table is by name).
    let whose = |table: &ProgressTable| {
        let mut pupils: Vec<PupilId> = table.rows.iter().map(|r| r.pupil).collect();
        pupils.sort();
        pupils
    };

    // A school whose MIS has never said: nothing is offered and nothing
    // filtered.
    sqlx::query("UPDATE pupils SET sex = NULL, sen = NULL, pupil_premium = NULL, eal = NULL")
        .execute(&app.pool)
        .await
        .unwrap();
    let before = open(Some("sen")).await;
    assert!(before.filters.is_empty());
    assert_eq!(before.filter, None);
    assert_eq!(whose(&before), roll);

    // A: a girl with SEN support and pupil premium, not EAL; B: a boy with
    // no SEN and EAL; C: a girl with an EHC plan, the rest not said.
    let mut file = roll_saying(
        &app,
        &[
            (a, ["F", "K", "yes", "no"]),
            (b, ["M", "N", "no", "yes"]),
            (c, ["Female", "E", "", ""]),
        ],
    )
    .await;
    // And a newcomer, added with theirs.
    file.push_str("TQ0000000009A,Nia,Newcomer,01/09/2019,2,,,,,,,,,F,K,yes,yes\n");
    let said = crate::mis::printed(&crate::mis::import_as(
        &app,
        folder.path(),
        "roster.csv",
        &file,
        false,
    ));
    assert!(said.contains(": sex, SEN, pupil premium, EAL"), "{said}");
    let newcomer: (String, String, i64, i64) = sqlx::query_as(
        "SELECT sex, sen, pupil_premium, eal FROM pupils WHERE upn = 'TQ0000000009A'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(newcomer, ("F".into(), "K".into(), 1, 1));
    assert!(said.contains("updated 3"), "{said}");

    let all = open(None).await;
    assert_eq!(all.filters, PupilFilter::ALL.to_vec(), "all four are held");
    assert_eq!(whose(&all), roll);
    let sen = open(Some("sen")).await;
    assert_eq!(sen.filter, Some(PupilFilter::Sen));
    assert_eq!(whose(&sen), vec![a, c]);
    let class_name = sen.chosen.as_ref().unwrap().name.clone();
    assert_eq!(
        sen.whose(),
        format!("{class_name} (SEN support or EHC plan)")
    );
    // The year beside the class is filtered alike: only its SEN pupils.
    let year_spread = sen.year_spread.clone().expect("a class of one year");
    assert!(year_spread.name.ends_with(" (SEN support or EHC plan)"));
    assert_eq!(year_spread.counts.iter().map(|(_, n)| n).sum::<usize>(), 2);
    assert_eq!(whose(&open(Some("no-sen")).await), vec![b]);
    assert_eq!(whose(&open(Some("girls")).await), vec![a, c]);
    assert_eq!(whose(&open(Some("pupil-premium")).await), vec![a]);
    assert_eq!(whose(&open(Some("not-pupil-premium")).await), vec![b]);
    // C's EAL isn't known: in neither list.
    assert_eq!(whose(&open(Some("eal")).await), vec![b]);
    assert_eq!(whose(&open(Some("not-eal")).await), vec![a]);

    // The pupil page says what the MIS holds.
    let res = app
        .call::<OpenPupil>(&teacher, &[("pupil", &a.to_string())])
        .await;
    let page: PupilProgress = res.answer().await.unwrap();
    assert_eq!(
        page.characteristics.words().as_deref(),
        Some("Girl · SEN support · Pupil premium · Not EAL")
    );

    // Export to Excel: the filtered table.
    let url = format!(
        "{}{}?group={class}&subject={subject}&pupils=sen",
        app.address,
        app::progress::page::EXPORT_PATH
    );
    let res = teacher.get(url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("SEN support or EHC plan"));
    let cells = crate::usage::cells(&res.bytes().await.unwrap(), "Progress");
    assert_eq!(cells.len(), 1 + 2, "headings and A and C");

    // A file whose characteristics cells are blank keeps what the MIS
    // said; one that says otherwise changes it.
    let silent = roll_saying(&app, &[]).await;
    let said = crate::mis::printed(&crate::mis::import_as(
        &app,
        folder.path(),
        "roster.csv",
        &silent,
        false,
    ));
    assert!(said.contains("No changes"), "{said}");
    assert_eq!(whose(&open(Some("sen")).await), vec![a, c]);
    let a_no_longer = roll_saying(&app, &[(a, ["", "N", "", ""])]).await;
    let said = crate::mis::printed(&crate::mis::import_as(
        &app,
        folder.path(),
        "roster.csv",
        &a_no_longer,
        false,
    ));
    assert!(said.contains(": SEN\n"), "{said}");
    assert_eq!(whose(&open(Some("sen")).await), vec![c]);
}
