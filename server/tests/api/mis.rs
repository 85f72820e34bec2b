//! MIS sync through `markwell import`, the real binary, against the test
//! app's database while it serves: what a simple CSV adds, that the same
//! file twice changes nothing, revocation reaching a signed-in parent at
//! their next request, and a bad file changing nothing.

use std::{
    path::Path,
    process::{Command, Output, Stdio},
};

use app::{auth::model::Person, error::AppError};
use leptos::server::IntoEncodedString;
use reqwest::StatusCode;

use crate::helpers::*;

const MARKWELL: &str = env!("CARGO_BIN_EXE_markwell");
const HEADER: &str = "upn,pupil_forename,pupil_surname,date_of_birth,year,class,contact_id,contact_forename,contact_surname,contact_email,relationship,parental_responsibility,access_allowed\n";

/// `markwell` on the app's database, its output kept.
fn markwell(app: &TestApp, folder: &Path) -> Command {
    let mut command = Command::new(MARKWELL);
    command
        .env("DATABASE_URL", &app.config.database_url)
        .env("LEPTOS_SITE_ROOT", folder.join("site"))
        .env("MARKWELL_OUTBOX", folder.join("outbox"))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null());
    command
}

/// `markwell import FILE` (with `--dry-run` if asked) on the app's database.
fn import(app: &TestApp, folder: &Path, csv: &str, dry_run: bool) -> Output {
    import_as(app, folder, "roster.csv", csv, dry_run)
}

pub(crate) fn import_as(
    app: &TestApp,
    folder: &Path,
    name: &str,
    contents: impl AsRef<[u8]>,
    dry_run: bool,
) -> Output {
    let file = folder.join(name);
    std::fs::write(&file, contents).unwrap();
    let mut command = markwell(app, folder);
    command.arg("import").arg(&file).arg("--verbose");
    if dry_run {
        command.arg("--dry-run");
    }
    command.output().expect("markwell import")
}

pub(crate) fn printed(output: &Output) -> String {
    assert!(
        output.status.success(),
        "markwell import failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// A row for every pupil on the roll now, with no class and no contact, so
/// a whole-school file leaves the school as it is; `leaving` is left out.
async fn the_roll(app: &TestApp, leaving: Option<i64>) -> String {
    let pupils: Vec<(i64, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, upn, first_name, surname, date_of_birth, year_group FROM pupils WHERE active = 1 ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let mut csv = HEADER.to_owned();
    for (id, upn, first, surname, born, year) in pupils {
        if Some(id) != leaving {
            csv.push_str(&format!("{upn},{first},{surname},{born},{year},,,,,,,,\n"));
        }
    }
    csv
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.pool).await.unwrap()
}

#[tokio::test]
async fn a_simple_csv_adds_pupils_classes_and_one_parent_per_contact_once() {
    let app = spawn_app().await;
    let folder = tempfile::tempdir().unwrap();
    let leaver: i64 = count(&app, "SELECT max(id) FROM pupils WHERE active = 1").await;
    let hand_made_links = count(&app, "SELECT count(*) FROM parent_links").await;
    let mut csv = the_roll(&app, Some(leaver)).await;
    // Two siblings sharing a contact; a second contact without an address;
    // a third without parental responsibility.
    csv.push_str(
        "TQ0000000001A,Tamsin,Quill,12/03/2017,4,4 Test,C-1,Rowan,Quill, Rowan.Quill@Example.org ,mother,yes,yes\n\
         TQ0000000001A,Tamsin,Quill,2017-03-12,4,4 Test,C-2,Ash,Quill,,father,yes,yes\n\
         TQ0000000002A,Pip,Quill,01/10/2020,1,1 Test,C-1,Rowan,Quill,rowan.quill@example.org,mother,yes,yes\n\
         TQ0000000002A,Pip,Quill,01/10/2020,1,1 Test,C-3,Lee,Quill,lee.quill@example.org,carer,no,yes\n",
    );

    // Worked from the rule: two pupils, two classes and their two
    // memberships, one parent (C-1) and their two links are added; the
    // pupil left out has left; Ash has no address; Lee may not see Pip.
    let expected = "Added 9, updated 0, removed 1, revoked 0, not imported 1";
    let dry = printed(&import(&app, folder.path(), &csv, true));
    assert!(dry.contains(expected), "{dry}");
    assert!(
        dry.contains("Ash Quill, contact of Tamsin Quill (Year 4): no email address"),
        "{dry}"
    );
    assert!(dry.contains("Dry run: nothing was changed"), "{dry}");
    assert_eq!(
        count(&app, "SELECT count(*) FROM pupils WHERE upn LIKE 'TQ%'").await,
        0
    );

    let applied = printed(&import(&app, folder.path(), &csv, false));
    assert!(applied.contains(expected), "{applied}");
    assert!(applied.contains("Applied"), "{applied}");
    let parents: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT u.id, u.email, l.relationship FROM users u JOIN parent_links l ON l.parent_id = u.id
         JOIN pupils p ON p.id = l.pupil_id WHERE p.upn LIKE 'TQ%' ORDER BY p.upn",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(parents.len(), 2, "one parent, linked to both children");
    assert_eq!(parents[0].0, parents[1].0);
    assert_eq!(parents[0].1, "Rowan.Quill@Example.org");
    assert_eq!(parents[0].2, "mother");
    assert_eq!(
        count(&app, "SELECT count(*) FROM users WHERE surname = 'Quill'").await,
        1,
        "no account for a contact without an address or without responsibility"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM group_pupils gp JOIN groups g ON g.id = gp.group_id
             JOIN pupils p ON p.id = gp.pupil_id WHERE p.upn LIKE 'TQ%' AND g.mis_id IS NOT NULL"
        )
        .await,
        2
    );
    let left: bool = sqlx::query_scalar("SELECT active = 0 FROM pupils WHERE id = ?")
        .bind(leaver)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(left, "a pupil missing from a whole-school file has left");
    assert_eq!(
        count(&app, "SELECT count(*) FROM parent_links WHERE from_mis = 0").await,
        hand_made_links,
        "links made by hand survive a whole-school sync"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'MIS sync applied'"
        )
        .await,
        1
    );

    // The same file again changes nothing; without --verbose, the output
    // (a timer's log) names nobody.
    let again = printed(&import(&app, folder.path(), &csv, false));
    assert!(again.contains("No changes; not imported 1"), "{again}");
    let quiet = markwell(&app, folder.path())
        .arg("import")
        .arg(folder.path().join("roster.csv"))
        .output()
        .unwrap();
    let quiet = printed(&quiet);
    assert!(
        quiet.starts_with("roster.csv (simple CSV): No changes; not imported 1\n"),
        "{quiet}"
    );
    assert!(!quiet.contains("Quill"), "{quiet}");
    assert_eq!(
        count(&app, "SELECT count(*) FROM mis_syncs").await,
        4,
        "the check and the three applies are in the sync history"
    );
}

#[tokio::test]
async fn revocation_in_a_sync_reaches_a_signed_in_parent_at_their_next_request() {
    let app = spawn_app().await;
    let folder = tempfile::tempdir().unwrap();
    // A parent who has signed up and has two children on the roll.
    let (parent, email): (i64, String) = sqlx::query_as(
        "SELECT u.id, u.email FROM users u JOIN parent_links l ON l.parent_id = u.id
         JOIN pupils p ON p.id = l.pupil_id AND p.active = 1
         WHERE u.role = 'parent' AND u.password_hash IS NOT NULL AND u.active = 1
         GROUP BY u.id HAVING count(*) >= 2 ORDER BY u.id LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let children: Vec<(i64, String, String, String, String, i64)> = sqlx::query_as(
        "SELECT p.id, p.upn, p.first_name, p.surname, p.date_of_birth, p.year_group
         FROM pupils p JOIN parent_links l ON l.pupil_id = p.id WHERE l.parent_id = ? ORDER BY p.id",
    )
    .bind(parent)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let (first, second) = (&children[0], &children[1]);
    let off_roll = count(&app, "SELECT count(*) FROM pupils WHERE active = 0").await;
    let row = |child: &(i64, String, String, String, String, i64), responsible: &str| {
        format!(
            "{},{},{},{},{},,P-1,Pat,Example,{email},mother,{responsible},yes\n",
            child.1, child.2, child.3, child.4, child.5
        )
    };
    let mut roll = String::new();
    for line in the_roll(&app, None).await.lines().skip(1) {
        let upn = line.split(',').next().unwrap();
        if !children.iter().any(|c| c.1 == upn) {
            roll.push_str(line);
            roll.push('\n');
        }
    }
    let file = |rows: &[String]| format!("{HEADER}{roll}{}", rows.concat());

    // The MIS takes over the links the school made by hand.
    let mut rows: Vec<String> = children.iter().map(|c| row(c, "yes")).collect();
    let taken_over = printed(&import(&app, folder.path(), &file(&rows), false));
    assert!(
        taken_over.contains("link made by hand, now kept from the MIS"),
        "{taken_over}"
    );
    let phone = app.signed_in(&email).await;
    let page = |pupil: i64| {
        phone
            .get(format!("{}/children/{pupil}", app.address))
            .send()
    };
    assert_eq!(page(first.0).await.unwrap().status(), StatusCode::OK);

    // Parental responsibility ends for the first child in the MIS.
    rows[0] = row(first, "no");
    let revoked = printed(&import(&app, folder.path(), &file(&rows), false));
    assert!(revoked.contains("revoked 1"), "{revoked}");
    assert!(revoked.contains("No parental responsibility"), "{revoked}");
    assert_eq!(page(first.0).await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(page(second.0).await.unwrap().status(), StatusCode::OK);

    // Then the MIS drops every other link: the parent is left with none.
    let mut rows = vec![row(first, "no")];
    rows.extend(
        children[1..]
            .iter()
            .map(|c| format!("{},{},{},{},{},,,,,,,,\n", c.1, c.2, c.3, c.4, c.5)),
    );
    let dropped = printed(&import(&app, folder.path(), &file(&rows), false));
    assert!(dropped.contains("Link removed in MIS"), "{dropped}");
    assert!(
        dropped.contains("made inactive, no children left"),
        "{dropped}"
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT count(*) FROM parent_links WHERE parent_id = {parent}")
        )
        .await,
        0
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM pupils WHERE active = 0").await,
        off_roll,
        "the children are still on the roll"
    );
    let after = page(second.0).await.unwrap();
    let status = after.status();
    let body = after.text().await.unwrap();
    assert!(
        !body.contains(&format!("{} {}", second.2, second.3)),
        "an inactive parent's session reaches nothing"
    );
    // Signed out: the shell's signed-in person, written into the page (as
    // postcard in base64), answers so, and the browser goes to sign in.
    let signed_out: Option<Result<Person, AppError>> = Some(Err(AppError::SignedOut));
    let written = postcard::to_allocvec(&signed_out)
        .unwrap()
        .into_encoded_string();
    assert!(
        status.is_client_error()
            || status.is_redirection()
            || body.contains(&format!("\"{written}\"")),
        "{status}"
    );
}

#[tokio::test]
async fn a_bad_file_names_its_row_and_column_and_changes_nothing() {
    let app = spawn_app().await;
    let folder = tempfile::tempdir().unwrap();
    let pupils = count(&app, "SELECT count(*) FROM pupils WHERE active = 1").await;
    let mut csv = the_roll(&app, None).await;
    let rows = csv.lines().count();
    csv.push_str("TQ0000000003A,Bea,Quill,31/02/2018,3,,,,,,,,\n");
    let output = import(&app, folder.path(), &csv, false);
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains(&format!(
            "roster.csv row {}, column date_of_birth",
            rows + 1
        )),
        "{said}"
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM pupils WHERE active = 1").await,
        pupils
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM mis_syncs WHERE outcome = 'refused'"
        )
        .await,
        1,
        "kept in the sync history with its problems, and nothing else"
    );
    assert_eq!(count(&app, "SELECT count(*) FROM mis_syncs").await, 1);
    // Without --verbose, what a timer's log gets names nobody.
    let quiet = markwell(&app, folder.path())
        .arg("import")
        .arg(folder.path().join("roster.csv"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&quiet.stderr);
    assert!(
        said.contains("roster.csv can't be read, so nothing was changed: 1 problem"),
        "{said}"
    );
    assert!(
        !said.contains("TQ0000000003A") && !said.contains("Bea"),
        "{said}"
    );

    let xml = folder.path().join("transfer.xml");
    std::fs::write(&xml, "<CTfile><Header/></CTfile>").unwrap();
    let output = markwell(&app, folder.path())
        .arg("import")
        .arg(&xml)
        .arg("--verbose")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("transfer.xml: the file holds no pupils.")
    );
}

/// The sample CTFs from a school's SIMS (server/tests/data/mis).
fn sample_ctf(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/mis/gryphon-cloudschool-ctf/CTFs")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

#[tokio::test]
async fn real_common_transfer_files_import_with_the_counts_they_hold() {
    let app = spawn_app().await;
    let folder = tempfile::tempdir().unwrap();
    let pupils = count(&app, "SELECT count(*) FROM pupils").await;
    let parents = count(&app, "SELECT count(*) FROM users WHERE role = 'parent'").await;
    let links = count(&app, "SELECT count(*) FROM parent_links").await;
    // Counted from the files: each pupil is added; each contact with
    // <Responsibility>true becomes a parent (all of them have an address)
    // with a link; contacts without responsibility get nothing; each
    // school year of a pupil's <Attendance> summary is added.
    for (file, expected) in [
        (
            "y12.xml",
            "Added 12, updated 0, removed 0, revoked 0, not imported 0",
        ),
        (
            "y7_2_students.xml",
            "Added 12, updated 0, removed 0, revoked 0, not imported 0",
        ),
        (
            "y7_partial.xml",
            "Added 2, updated 0, removed 0, revoked 0, not imported 0",
        ),
        (
            "y7_spaced_numbers.xml",
            "Added 10, updated 0, removed 0, revoked 0, not imported 0",
        ),
    ] {
        let said = printed(&import_as(
            &app,
            folder.path(),
            file,
            sample_ctf(file),
            false,
        ));
        assert!(
            said.contains(&format!("{file} (Common Transfer File): {expected}")),
            "{said}"
        );
    }
    assert_eq!(count(&app, "SELECT count(*) FROM pupils").await, pupils + 5);
    assert_eq!(
        count(&app, "SELECT count(*) FROM attendance_years").await,
        17
    );
    // y7_2_students.xml: <Year>2014</Year>, 196 possible, 188 attended, 8
    // authorised, 0 unauthorised.
    let year: (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT possible, attended, authorised, unauthorised FROM attendance_years y
         JOIN pupils p ON p.id = y.pupil_id WHERE p.upn = 'U865346313703' AND y.year = 2014",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(year, (196, 188, 8, 0));
    // Its characteristics: <Gender> F, the newest of two <SENhistory>
    // entries (N in 2016 after K in 2014), English as first language.
    let said: (String, String, i64, Option<i64>) = sqlx::query_as(
        "SELECT sex, sen, eal, pupil_premium FROM pupils WHERE upn = 'U865346313703'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(said, ("F".into(), "N".into(), 0, None));
    assert_eq!(
        count(&app, "SELECT count(*) FROM users WHERE role = 'parent'").await,
        parents + 7
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM parent_links").await,
        links + 7
    );
    // Three of the five UPNs fail the check letter test: warned, imported.
    let again = printed(&import_as(
        &app,
        folder.path(),
        "y7_2_students.xml",
        sample_ctf("y7_2_students.xml"),
        false,
    ));
    assert!(again.contains("No changes"), "{again}");
    assert!(
        again.contains("the UPN U865346313703 doesn't pass the DfE check letter test"),
        "{again}"
    );

    // A full CTF where Faith loses parental responsibility and Joseph has a
    // court order: both links go, and both parents, left with none, are
    // made inactive.
    let y12 = sample_ctf("y12.xml");
    let joseph = y12.find("jk7hgkjh@yahoo.co.uk").unwrap();
    let order = joseph + y12[joseph..].find("<CourtOrder>N</CourtOrder>").unwrap();
    let mut changed = y12.clone();
    changed.replace_range(
        order..order + "<CourtOrder>N</CourtOrder>".len(),
        "<CourtOrder>Y</CourtOrder>",
    );
    let changed = changed.replace(
        "<Relationship>PAM</Relationship>\n<Responsibility>true",
        "<Relationship>PAM</Relationship>\n<Responsibility>false",
    );
    // A partial file first: it speaks for nobody's contacts.
    let partial = y12
        .replace("<DocumentQualifier>full", "<DocumentQualifier>partial")
        .replace("<Email>jk7hgkjh@yahoo.co.uk</Email>", "");
    let said = printed(&import_as(&app, folder.path(), "y12.xml", &partial, false));
    assert!(said.contains("No changes"), "{said}");
    let said = printed(&import_as(&app, folder.path(), "y12.xml", &changed, false));
    assert!(
        said.contains("Added 0, updated 0, removed 0, revoked 4"),
        "{said}"
    );
    assert!(
        said.contains("Joseph Waits – Tom Waits (Year 11): Court order"),
        "{said}"
    );
    assert!(
        said.contains("Faith Waits – Tom Waits (Year 11): No parental responsibility"),
        "{said}"
    );
    assert!(
        said.contains("Parent Faith Waits: made inactive, no children left"),
        "{said}"
    );
    assert_eq!(
        count(&app, "SELECT count(*) FROM parent_links").await,
        links + 5
    );
}

/// Whether someone holds the database's write lock: a write transaction
/// can't begin at once beside them.
async fn write_lock_taken(app: &TestApp) -> bool {
    use sqlx::{sqlite::SqliteConnectOptions, ConnectOptions, Connection};
    use std::str::FromStr;
    let mut conn = SqliteConnectOptions::from_str(&app.config.database_url)
        .unwrap()
        .busy_timeout(std::time::Duration::ZERO)
        .connect()
        .await
        .unwrap();
    let taken = sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut conn)
        .await
        .is_err();
    if !taken {
        sqlx::query("ROLLBACK").execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();
    taken
}

#[tokio::test]
async fn an_apply_killed_part_way_leaves_the_database_as_it_was() {
    let app = spawn_app().await;
    let folder = tempfile::tempdir().unwrap();
    // The roll, and 2,000 newcomers each with a contact: big enough that
    // the debug build is still applying it when it is killed.
    let mut csv = the_roll(&app, None).await;
    for n in 0..2_000 {
        csv.push_str(&format!(
            "K{n:012},Kim,Newcomer{n},01/09/2018,3,3 Kill,K-{n},Lee,Newcomer{n},lee.{n}@example.org,carer,yes,yes\n"
        ));
    }
    let file = folder.path().join("big.csv");
    std::fs::write(&file, &csv).unwrap();
    let pupils = count(&app, "SELECT count(*) FROM pupils").await;
    let parents = count(&app, "SELECT count(*) FROM users").await;
    let mut killed_mid_apply = 0;
    for delay in [150, 400, 800, 1_500, 3_000, 6_000, 10_000] {
        let mut child = markwell(&app, folder.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .arg("import")
            .arg(&file)
            .spawn()
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
        // Mid-apply: the import holds SQLite's write lock.
        let applying = child.try_wait().unwrap().is_none() && write_lock_taken(&app).await;
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let now = count(&app, "SELECT count(*) FROM pupils").await;
        let accounts = count(&app, "SELECT count(*) FROM users").await;
        // All of it or none of it, whenever it stopped.
        assert!(
            (now, accounts) == (pupils, parents)
                || (now, accounts) == (pupils + 2_000, parents + 2_000),
            "killed after {delay} ms: {now} pupils and {accounts} accounts"
        );
        let ok: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&app.pool)
            .await
            .unwrap();
        assert_eq!(ok, "ok");
        if applying {
            killed_mid_apply += 1;
        }
        if now != pupils {
            break;
        }
    }
    assert!(
        killed_mid_apply > 0,
        "no kill landed while the import was applying"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM mis_syncs WHERE outcome = 'applied'"
        )
        .await,
        i64::from(count(&app, "SELECT count(*) FROM pupils").await != pupils),
        "the sync history holds an apply only if its changes are there"
    );
}

#[tokio::test]
async fn one_account_per_contact_and_a_parent_linked_again_is_active_again() {
    let app = spawn_app().await;
    let folder = tempfile::tempdir().unwrap();
    let roll = the_roll(&app, None).await;
    let pupil = "TQ0000000004A,Ola,Quill,05/06/2018,3,";
    let grace = |email: &str| format!("{pupil},C-1,Grace,Quill,{email},mother,yes,yes\n");
    let import_ok = |csv: String| printed(&import(&app, folder.path(), &csv, false));

    let first = import_ok(format!("{roll}{}", grace("grace@example.org")));
    assert!(first.contains("Added 3,"), "{first}");
    // C-1 has a new address, and a contact without an id has the old one:
    // once C-1 gives it up it is theirs, a second account, in the same sync.
    let both = format!(
        "{roll}{}{pupil},,Grace,Quill,grace@example.org,carer,yes,yes\n",
        grace("grace.new@example.org")
    );
    let said = import_ok(both.clone());
    assert!(
        said.contains("Added 2, updated 1, removed 0, revoked 0, not imported 0"),
        "{said}"
    );
    assert!(
        said.contains("Parent Grace Quill: new email address"),
        "{said}"
    );
    let again = import_ok(both);
    assert!(again.contains("No changes"), "{again}");
    // Two contacts with one address: the second isn't imported.
    let twice = format!(
        "{roll}{}{pupil},C-2,Grace,Quill,grace.new@example.org,carer,yes,yes\n",
        grace("grace.new@example.org")
    );
    let said = import_ok(twice);
    assert!(
        said.contains(
            "Grace Quill, contact of Ola Quill (Year 3): email address used by another contact"
        ),
        "{said}"
    );

    // Left out by mistake one night, linked again the next: active again.
    let bare = format!("{roll}{pupil},,,,,,,\n");
    let said = import_ok(bare);
    assert!(
        said.contains("Parent Grace Quill: made inactive, no children left"),
        "{said}"
    );
    let said = import_ok(format!("{roll}{}", grace("grace.new@example.org")));
    assert!(said.contains("Parent Grace Quill: active again"), "{said}");
    let active: bool = sqlx::query_scalar("SELECT active FROM users WHERE mis_id = 'C-1'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(active);
}

/// A sample OneRoster package's file (server/tests/data/mis).
fn sample_oneroster(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/mis/catalyst-moodle-oneroster")
        .join(name);
    std::fs::read(path).unwrap()
}

/// `markwell import` of a file or folder already in place.
fn import_path(app: &TestApp, folder: &Path, path: &Path) -> Output {
    markwell(app, folder)
        .arg("import")
        .arg(path)
        .arg("--verbose")
        .output()
        .expect("markwell import")
}

#[tokio::test]
async fn a_real_oneroster_package_links_its_one_parent_and_never_a_teacher() {
    let app = spawn_app().await;
    let folder = tempfile::tempdir().unwrap();
    let package = sample_oneroster("Test_full_data_set.zip");
    let said = printed(&import_as(
        &app,
        folder.path(),
        "Test_full_data_set.zip",
        &package,
        false,
    ));
    assert!(
        said.contains("Test_full_data_set.zip (OneRoster 1.1 package): Added"),
        "{said}"
    );
    for line in [
        "Pupil Mary Jones (Year 12)",
        "Pupil mmichel Jones (Year 12)",
        "Pupil Anna Brown (Year 11)",
        "Staff John Doe, invited: no email is sent until an admin presses Resend invitation",
        "Staff Jim Smith, invited",
        "Parent Thomas Jones",
        "Thomas Jones – Mary Jones (Year 12) (parent)",
        "John Doe teaches Introduction to Physics",
        "mmichel Jones (Year 12) joins Introduction to Physics",
        // A teacher enrolled as a student is named, not made a pupil.
        "Jim Smith (usr-222-987654) is enrolled in Introduction to Physics as a student but isn't a pupil",
        // No UPNs in this package: the OneRoster ids stand in, and say so.
        "3 pupils have no UPN in the package",
    ] {
        assert!(said.contains(line), "{line} in {said}");
    }
    // The class marked for deletion isn't made.
    assert!(!said.contains("History - 2"), "{said}");
    let parents = |sql: &'static str| count(&app, sql);
    assert_eq!(
        parents("SELECT count(*) FROM users WHERE role = 'parent' AND mis_id LIKE 'usr-222-%'")
            .await,
        1
    );
    assert_eq!(
        parents(
            "SELECT count(*) FROM parent_links l JOIN users u ON u.id = l.parent_id
             JOIN pupils p ON p.id = l.pupil_id
             WHERE u.mis_id = 'usr-222-1234561' AND p.upn = 'usr-222-66778899'"
        )
        .await,
        1
    );
    // Staff are invited, not sent anything: no password, active, teachers.
    assert_eq!(
        parents(
            "SELECT count(*) FROM users WHERE role = 'teacher' AND mis_id IN ('usr-222-123456', 'usr-222-987654')
             AND password_hash IS NULL AND active = 1"
        )
        .await,
        2
    );
    assert_eq!(
        parents(
            "SELECT count(*) FROM account_tokens t JOIN users u ON u.id = t.user_id WHERE u.mis_id LIKE 'usr-222-%'"
        )
        .await,
        0
    );
    assert_eq!(
        parents(
            "SELECT count(*) FROM group_teachers gt JOIN groups g ON g.id = gt.group_id
             JOIN users u ON u.id = gt.user_id
             WHERE g.mis_id = 'cls-222-123456' AND u.mis_id = 'usr-222-123456'"
        )
        .await,
        1
    );
    let again = printed(&import_as(
        &app,
        folder.path(),
        "Test_full_data_set.zip",
        &package,
        false,
    ));
    assert!(again.contains("No changes"), "{again}");

    // The same package unzipped, as a nightly sync might find it, with a
    // byte order mark on users.csv and Thomas's link taken away in the MIS.
    let unzipped = folder.path().join("oneroster");
    std::fs::create_dir(&unzipped).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/mis/catalyst-moodle-oneroster/Test_full_data_set");
    for entry in std::fs::read_dir(source).unwrap() {
        let entry = entry.unwrap();
        let mut text = std::fs::read_to_string(entry.path()).unwrap();
        if entry.file_name() == "users.csv" {
            text = format!("\u{feff}{}", text.replace(",usr-222-66778899,10,", ",,10,"));
        }
        std::fs::write(unzipped.join(entry.file_name()), text).unwrap();
    }
    let said = printed(&import_path(&app, folder.path(), &unzipped));
    assert!(
        said.contains(
            "oneroster (OneRoster 1.1 package): Added 0, updated 0, removed 0, revoked 2"
        ),
        "{said}"
    );
    assert!(
        said.contains("Thomas Jones – Mary Jones (Year 12): Link removed in MIS"),
        "{said}"
    );
    assert!(
        said.contains("Parent Thomas Jones: made inactive, no children left"),
        "{said}"
    );
}

#[tokio::test]
async fn oneroster_packages_that_stray_from_the_standard_still_say_what_they_hold() {
    let app = spawn_app().await;
    let folder = tempfile::tempdir().unwrap();
    let import_sample = |name: &'static str| {
        let output = import_as(&app, folder.path(), name, sample_oneroster(name), false);
        printed(&output)
    };

    // No year groups, dates of birth, email addresses or agents: refused,
    // saying so, rather than making every pupil a leaver.
    let output = import_as(
        &app,
        folder.path(),
        "minimal.zip",
        sample_oneroster("Test_minimal_data_set.zip"),
        false,
    );
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    for line in [
        "minimal.zip: the bulk package gives no pupil Markwell can import",
        "Mary Jones (usr-222-66778899) has no year group (grades \"\") and no date of birth",
    ] {
        assert!(said.contains(line), "{line} in {said}");
    }
    // With year groups, the minimal package's parent still has no email
    // address and no child: nobody is made who couldn't sign in.
    let minimal = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/mis/catalyst-moodle-oneroster/Test_minimal_data_set.zip");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(minimal).unwrap()).unwrap();
    let mut rezipped = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut entry, &mut text).unwrap();
        if name == "users.csv" {
            // Each pupil in Year 8: grades is the last column but one.
            text = text
                .lines()
                .map(|l| {
                    if l.contains(",student,") && l.ends_with(",,") {
                        format!("{}8,", &l[..l.len() - 1])
                    } else {
                        l.to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join("\r\n");
        }
        rezipped
            .start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut rezipped, text.as_bytes()).unwrap();
    }
    let bytes = rezipped.finish().unwrap().into_inner();
    let said = printed(&import_as(&app, folder.path(), "minimal.zip", bytes, false));
    assert!(said.contains("Pupil Anna Brown (Year 8)"), "{said}");
    assert!(said.contains("Staff John Doe: no email address"), "{said}");
    assert!(
        said.contains("Thomas Jones (usr-222-1234561) is a parent, guardian or relative linked to no pupil in the package and has no email address"),
        "{said}"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM users WHERE role = 'parent' AND mis_id LIKE 'usr-222-%'"
        )
        .await,
        0
    );

    // 1.2, misspelt headers, roles in roles.csv: John Doe teaches and is
    // a guardian of two pupils, with one email address for both.
    let said = import_sample("v1p2_full_dataset.zip");
    assert!(said.contains("(OneRoster 1.2 package)"), "{said}");
    assert!(
        said.lines().any(|l| l.contains("John Doe, contact of")
            && l.contains("Mary Jones (Year 12)")
            && l.contains("mmichel Jones (Year 12)")
            && l.ends_with(": the email address is a staff account's")),
        "{said}"
    );
    assert!(
        said.contains("Thomas Jones (usr-222-1234561) is neither a pupil, a member of staff nor a parent (roles: siteadministrator)"),
        "{said}"
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM users WHERE mis_id = 'usr-222-123456' AND role = 'teacher'"
        )
        .await,
        1
    );

    // A delta case from 1EdTech's conformance set: one pupil, born
    // 2010-04-17, with no year group but the one their birth gives.
    let said = import_sample("VRd118.zip");
    assert!(said.contains("VRd118.zip is a delta package"), "{said}");
    assert!(said.contains("Pupil Bruce Wayne ("), "{said}");
    assert!(said.contains("joins Basic Detection"), "{said}");
    assert_eq!(
        count(&app, "SELECT count(*) FROM pupils WHERE upn = 'USER_0' AND date_of_birth = '2010-04-17' AND active = 1").await,
        1
    );

    // A zip that isn't a OneRoster package changes nothing and says why.
    let mut zipped = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zipped
        .start_file("photos.csv", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut zipped, b"name\n").unwrap();
    let bytes = zipped.finish().unwrap().into_inner();
    let output = import_as(&app, folder.path(), "photos.zip", bytes, false);
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains(
            "photos.zip is a zip file without a manifest.csv, so it isn't a OneRoster package"
        ),
        "{said}"
    );
}

#[tokio::test]
async fn possible_duplicates_are_merged_or_kept_apart_and_a_sync_respects_both() {
    let app = spawn_app().await;
    let folder = tempfile::tempdir().unwrap();
    let admin = app.signed_in(ADMIN).await;
    let roll = the_roll(&app, None).await;
    let header = HEADER.replace('\n', ",contact_phone\n");
    let pupil = |upn: &str, name: &str| format!("{upn},{name},Kato,04/05/2017,4,");
    // One mother the MIS lists twice, with a phone number written two ways
    // and an address each; two fathers of one name and number who are
    // different people.
    let contacts = [
        pupil("K801234567001", "Aiko")
            + ",C-1,Hana,Kato,hana@home.example,mother,yes,yes,07700 900123\n",
        pupil("K801234567002", "Ren")
            + ",C-2,Hana,Kato,hana.kato@work.example,mother,yes,yes,+44 7700 900123\n",
        pupil("K801234567003", "Mio") + ",C-3,Sam,Lee,sam@one.example,father,yes,yes,07700900456\n",
        pupil("K801234567004", "Yui") + ",C-4,Sam,Lee,sam@two.example,father,yes,yes,07700900456\n",
    ]
    .concat();
    let file = format!("{header}{}{contacts}", &roll[HEADER.len()..]);
    let said = printed(&import(&app, folder.path(), &file, false));
    assert!(
        said.contains("Hana Kato (hana@home.example) and Hana Kato (hana.kato@work.example): same name and phone number, different email addresses"),
        "{said}"
    );
    assert!(
        said.contains("Sam Lee (sam@one.example) and Sam Lee (sam@two.example)"),
        "{said}"
    );

    let page = |client: &reqwest::Client| {
        let app = &app;
        let client = client.clone();
        async move {
            app.call::<app::mis::api::MisSyncPage>(&client, &[])
                .await
                .answer::<app::mis::model::MisSyncView>()
                .await
                .unwrap()
        }
    };
    let waiting = page(&admin).await.duplicates;
    assert_eq!(waiting.len(), 2, "{waiting:?}");
    let hana = waiting
        .iter()
        .find(|d| d.parents[0].name == "Hana Kato")
        .unwrap();
    let sam = waiting
        .iter()
        .find(|d| d.parents[0].name == "Sam Lee")
        .unwrap();
    let [kept, merged] = &hana.parents;
    assert_eq!(kept.children, ["Aiko Kato (Year 4)"]);
    assert_eq!(merged.phone.as_deref(), Some("07700900123"));

    // The second Hana has signed up and is signed in when the accounts merge.
    sqlx::query("UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE email = ?) WHERE id = ?")
        .bind(PARENT)
        .bind(merged.id.0)
        .execute(&app.pool)
        .await
        .unwrap();
    let merged_phone = app.signed_in("hana.kato@work.example").await;
    let children = |client: &reqwest::Client| {
        let app = &app;
        let client = client.clone();
        async move {
            app.call::<app::portal::api::MyChildren>(&client, &[])
                .await
                .status()
        }
    };
    assert_eq!(children(&merged_phone).await, StatusCode::OK);
    let res = app
        .call::<app::mis::api::MergeParents>(
            &admin,
            &[
                ("pair", &hana.id.to_string()),
                ("keep", &kept.id.0.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let done = res.answer::<app::mis::model::Merged>().await.unwrap();
    assert_eq!(
        done.summary(),
        "Hana Kato (hana.kato@work.example) merged into Hana Kato (hana@home.example): 1 child's link moved, with their codes and history."
    );
    assert_ne!(children(&merged_phone).await, StatusCode::OK, "signed out");
    let kept_links = format!(
        "SELECT count(*) FROM parent_links WHERE parent_id = {}",
        kept.id.0
    );
    assert_eq!(count(&app, &kept_links).await, 2);
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM users WHERE email = 'hana.kato@work.example'"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM audit_log WHERE action = 'parents merged'"
        )
        .await,
        1
    );
    // Merging again finds nothing to merge.
    let again = app
        .call::<app::mis::api::MergeParents>(
            &admin,
            &[
                ("pair", &hana.id.to_string()),
                ("keep", &kept.id.0.to_string()),
            ],
        )
        .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);

    // The Sams are different people.
    let res = app
        .call::<app::mis::api::NotTheSamePerson>(&admin, &[("pair", &sam.id.to_string())])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(page(&admin).await.duplicates.is_empty());

    // Last night's file again: the MIS's second Hana is the kept account,
    // her child stays linked, and nobody is listed as a duplicate again.
    let said = printed(&import(&app, folder.path(), &file, false));
    assert!(said.contains("No changes"), "{said}");
    assert!(!said.contains("Possible duplicates"), "{said}");
    assert_eq!(count(&app, &kept_links).await, 2);
    assert!(page(&admin).await.duplicates.is_empty());
}
