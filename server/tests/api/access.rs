//! The access matrix: every server function the server registers, every
//! page in the application's route list and every other route the router is
//! built from, called by each kind of person and checked against one table
//! of who may. A server function or route missing from the table fails the
//! test, as does one that lets in someone the table keeps out, one that
//! keeps out someone the table lets in, and a refusal that writes anything.
//!
//! Callers: signed out, a parent, a teacher (not SLT), SLT, an admin, and an
//! account made inactive while signed in. Where arguments hold ids, a parent
//! is tried with their own child and another child, a teacher with their own
//! group and another, and everyone with their own sign-in and someone else's.

use std::collections::{BTreeMap, BTreeSet};

use leptos::server_fn::ServerFn;
use reqwest::{Client, Response, StatusCode};

use crate::helpers::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Caller {
    SignedOut,
    Parent,
    Teacher,
    Slt,
    Admin,
    Inactive,
}

const CALLERS: [Caller; 6] = [
    Caller::SignedOut,
    Caller::Parent,
    Caller::Teacher,
    Caller::Slt,
    Caller::Admin,
    Caller::Inactive,
];

/// Who may call.
#[derive(Clone, Copy, Debug)]
enum May {
    /// Anyone, signed in or not: signing in, and the steps an emailed link
    /// or a letter's code authorises.
    Anyone,
    SignedIn,
    Parents,
    /// Teachers, SLT and admins.
    Staff,
    /// SLT and admins.
    Leadership,
    Admins,
}

impl May {
    fn lets_in(self, caller: Caller) -> bool {
        use Caller::*;
        match self {
            May::Anyone => true,
            May::SignedIn => matches!(caller, Parent | Teacher | Slt | Admin),
            May::Parents => caller == Parent,
            May::Staff => matches!(caller, Teacher | Slt | Admin),
            May::Leadership => matches!(caller, Slt | Admin),
            May::Admins => caller == Admin,
        }
    }
}

/// What the ids in a call point at. `Own` is what the caller may reach;
/// `Other` is what they may not, tried where the caller is let in at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ids {
    None,
    /// A pupil the caller reaches (a parent's child, a pupil in a teacher's
    /// group), or another.
    Child,
    /// A published report of such a pupil, or of another.
    ChildReport,
    /// A group the caller reads: a teacher's own or another (as `group`).
    /// SLT and admins read every group.
    Group,
    /// A group the caller changes: a teacher's (or an SLT member's) own, or
    /// another, with a subject. Only admins change every group.
    GroupWrite,
    /// A set the teacher made (theirs to change), or another group.
    SetToEdit,
    /// A pupil and criterion of the teacher's group, or of another.
    Cell,
    /// The open reporting session with the teacher's group, or another.
    Writer,
    /// A report being written for the caller's group, or for another.
    DraftReport,
    /// Another of the caller's own sign-ins, or someone else's.
    SignIn,
    /// Only admins or leadership reach these at all: real targets for them.
    Staff,
    Parent,
    DeletedParent,
    Criterion,
    Session,
    ReadyReport,
    Batch,
    /// An MIS file an admin checked.
    Sync,
    /// A behaviour entry for a pupil of the caller's group, or of another.
    Entry,
    /// Homework set for the caller's group, or for another.
    Homework,
    /// A behaviour on the school's list, made for the test.
    Behaviour,
    /// Possible duplicates: one pair to merge, another to keep apart.
    Duplicate,
    DuplicateToKeepApart,
    /// A results spreadsheet the caller uploaded (only its uploader reaches it).
    ResultsFile,
    /// An import of results the caller made, or (for a teacher) the admin's.
    ResultsImport,
    /// An import of targets the caller made, or (for a teacher) the admin's.
    TargetsImport,
}

impl Ids {
    /// Whether `caller` is tried with another's ids as well as their own.
    fn other_for(self, caller: Caller) -> bool {
        use Caller::*;
        match self {
            Ids::Child | Ids::ChildReport => matches!(caller, Parent | Teacher),
            Ids::Group
            | Ids::Cell
            | Ids::Writer
            | Ids::Entry
            | Ids::Homework
            | Ids::ResultsImport
            | Ids::TargetsImport => caller == Teacher,
            Ids::GroupWrite | Ids::SetToEdit | Ids::DraftReport => {
                matches!(caller, Teacher | Slt)
            }
            Ids::SignIn => matches!(caller, Parent | Teacher | Slt | Admin),
            _ => false,
        }
    }
}

/// Every server function, with who may call it and what its ids point at.
/// A new server function joins this table, or the test fails.
fn server_functions() -> Vec<(&'static str, May, Ids)> {
    use app::*;
    use May::*;
    vec![
        // Signing in, and what an emailed link or a letter authorises.
        (auth::api::SignIn::PATH, Anyone, Ids::None),
        (auth::api::SignOut::PATH, Anyone, Ids::None),
        (auth::api::RequestPasswordReset::PATH, Anyone, Ids::None),
        (auth::api::CheckPasswordLink::PATH, Anyone, Ids::None),
        (auth::api::SetPassword::PATH, Anyone, Ids::None),
        (parents::api::SignUp::PATH, Anyone, Ids::None),
        (settings::api::CheckEmailLink::PATH, Anyone, Ids::None),
        (settings::api::ConfirmEmailChange::PATH, Anyone, Ids::None),
        // Anyone signed in, about themselves.
        (auth::api::WhoAmI::PATH, SignedIn, Ids::None),
        (settings::api::LoadSettings::PATH, SignedIn, Ids::None),
        (settings::api::SaveMyName::PATH, SignedIn, Ids::None),
        (settings::api::RequestEmailChange::PATH, SignedIn, Ids::None),
        (settings::api::ChangeMyPassword::PATH, SignedIn, Ids::None),
        (settings::api::WhereSignedIn::PATH, SignedIn, Ids::None),
        (settings::api::SignOutDevice::PATH, SignedIn, Ids::SignIn),
        (
            settings::api::SignOutEverywhereElse::PATH,
            SignedIn,
            Ids::None,
        ),
        // Parents, for their own children.
        (portal::api::MyChildren::PATH, Parents, Ids::None),
        (portal::api::ChildDetails::PATH, SignedIn, Ids::Child),
        (portal::api::AddPupil::PATH, Parents, Ids::None),
        (notifications::api::UnreadCount::PATH, Parents, Ids::None),
        (
            notifications::api::MyNotifications::PATH,
            Parents,
            Ids::None,
        ),
        (reports::api::ReadReport::PATH, SignedIn, Ids::ChildReport),
        (settings::api::DeleteMyAccount::PATH, Parents, Ids::None),
        (settings::api::LoadEmailChoices::PATH, Parents, Ids::None),
        (settings::api::SaveEmailChoices::PATH, Parents, Ids::None),
        // Staff, for the groups in their reach.
        (progress::api::OpenProgress::PATH, Staff, Ids::Group),
        (progress::api::OpenPupil::PATH, Staff, Ids::Child),
        (external::api::ExtDataPage::PATH, Staff, Ids::None),
        (external::api::ImportResults::PATH, Staff, Ids::ResultsFile),
        (external::api::UndoImport::PATH, Staff, Ids::ResultsImport),
        (
            external::api::UndoTargetsImport::PATH,
            Staff,
            Ids::TargetsImport,
        ),
        (classroom::api::OpenRecords::PATH, Staff, Ids::Group),
        (classroom::api::Award::PATH, Staff, Ids::Group),
        (classroom::api::RecordAchievement::PATH, Staff, Ids::Group),
        (classroom::api::TakeBack::PATH, Staff, Ids::Entry),
        (homework::api::OpenHomework::PATH, Staff, Ids::Group),
        (homework::api::SetHomework::PATH, Staff, Ids::Group),
        (homework::api::OpenHandIns::PATH, Staff, Ids::Homework),
        (homework::api::SaveHandIns::PATH, Staff, Ids::Homework),
        (groups::api::MyGroups::PATH, Staff, Ids::None),
        (groups::api::OpenGroup::PATH, Staff, Ids::SetToEdit),
        (groups::api::SaveGroup::PATH, Staff, Ids::SetToEdit),
        (school::api::FindPupils::PATH, Staff, Ids::None),
        (markbook::api::MarkbookMenu::PATH, Staff, Ids::None),
        (markbook::api::OpenGrid::PATH, Staff, Ids::Group),
        (markbook::api::SaveJudgements::PATH, Staff, Ids::GroupWrite),
        (progress::api::SaveTargets::PATH, Staff, Ids::GroupWrite),
        (markbook::api::CellHistory::PATH, Staff, Ids::Cell),
        (reports::api::ListSessions::PATH, Staff, Ids::None),
        (reports::api::OpenWriter::PATH, Staff, Ids::Writer),
        (reports::api::SaveComment::PATH, Staff, Ids::DraftReport),
        (reports::api::MarkReady::PATH, Staff, Ids::DraftReport),
        // SLT and admins.
        (reports::api::OpenReview::PATH, Leadership, Ids::Session),
        (
            reports::api::ApproveReport::PATH,
            Leadership,
            Ids::ReadyReport,
        ),
        (reports::api::SendBack::PATH, Leadership, Ids::ReadyReport),
        (reports::api::PublishReports::PATH, Leadership, Ids::Session),
        (usage::api::SchoolUsage::PATH, Leadership, Ids::None),
        (usage::api::MonthChoices::PATH, Leadership, Ids::None),
        // Admins.
        (audit::api::AuditEntries::PATH, Admins, Ids::None),
        (mis::api::MisSyncPage::PATH, Admins, Ids::None),
        (school::api::SaveParentAreas::PATH, Admins, Ids::None),
        (school::api::SaveTerms::PATH, Admins, Ids::None),
        (classroom::api::BehaviourList::PATH, Admins, Ids::None),
        (classroom::api::AddBehaviour::PATH, Admins, Ids::None),
        (
            classroom::api::RetireBehaviour::PATH,
            Admins,
            Ids::Behaviour,
        ),
        (mis::api::MergeParents::PATH, Admins, Ids::Duplicate),
        (
            mis::api::NotTheSamePerson::PATH,
            Admins,
            Ids::DuplicateToKeepApart,
        ),
        (school::api::SchoolAtAGlance::PATH, Admins, Ids::None),
        (school::api::LoadSchoolSettings::PATH, Admins, Ids::None),
        (school::api::SaveSchoolSettings::PATH, Admins, Ids::None),
        (groups::api::GroupStaff::PATH, Admins, Ids::None),
        (frameworks::api::OpenFramework::PATH, Admins, Ids::None),
        (frameworks::api::SaveCriterion::PATH, Admins, Ids::Criterion),
        (frameworks::api::MoveCriterion::PATH, Admins, Ids::Criterion),
        (
            frameworks::api::RetireCriterion::PATH,
            Admins,
            Ids::Criterion,
        ),
        (frameworks::api::SaveScale::PATH, Admins, Ids::None),
        (frameworks::api::AddSubject::PATH, Admins, Ids::None),
        (reports::api::OpenSessionForm::PATH, Admins, Ids::Session),
        (reports::api::SaveSession::PATH, Admins, Ids::Session),
        (users::api::ListStaff::PATH, Admins, Ids::None),
        (users::api::OpenStaffMember::PATH, Admins, Ids::Staff),
        (users::api::InviteStaff::PATH, Admins, Ids::None),
        (users::api::SaveStaff::PATH, Admins, Ids::Staff),
        (users::api::SetStaffActive::PATH, Admins, Ids::Staff),
        (users::api::ResendInvitation::PATH, Admins, Ids::Staff),
        (users::api::AssignGroup::PATH, Admins, Ids::Staff),
        (parents::api::ListParents::PATH, Admins, Ids::None),
        (parents::api::OpenParent::PATH, Admins, Ids::Parent),
        (parents::api::SaveParent::PATH, Admins, Ids::Parent),
        (
            parents::api::RemoveDeletedParent::PATH,
            Admins,
            Ids::DeletedParent,
        ),
        (parents::api::SendInvitations::PATH, Admins, Ids::None),
        (parents::api::MakeLetters::PATH, Admins, Ids::None),
        (parents::api::ConfirmLetters::PATH, Admins, Ids::Batch),
        (parents::api::ReissueCode::PATH, Admins, Ids::Parent),
    ]
}

/// Every page in the application's route list, and every other route the
/// router is built from, with who may open it and what its ids point at.
fn routes() -> Vec<(&'static str, May, Ids)> {
    use May::*;
    vec![
        ("/sign-in", Anyone, Ids::None),
        ("/forgot-password", Anyone, Ids::None),
        ("/sign-up", Anyone, Ids::None),
        ("/reset-password/:token", Anyone, Ids::None),
        ("/invitation/:token", Anyone, Ids::None),
        ("/confirm-email/:token", Anyone, Ids::None),
        ("/health", Anyone, Ids::None),
        // The browser's files: nothing personal.
        ("/pkg/:*file", Anyone, Ids::None),
        ("/", SignedIn, Ids::None),
        ("/settings", SignedIn, Ids::None),
        ("/children/:pupil", SignedIn, Ids::Child),
        (
            "/children/:pupil/reports/:report",
            SignedIn,
            Ids::ChildReport,
        ),
        ("/add-pupil", Parents, Ids::None),
        ("/notifications", Parents, Ids::None),
        (app::notifications::model::LIVE_PATH, Parents, Ids::None),
        ("/markbook", Staff, Ids::None),
        (app::classroom::page::PATH, Staff, Ids::None),
        (app::homework::page::PATH, Staff, Ids::None),
        (app::progress::page::PATH, Staff, Ids::None),
        (app::progress::page::EXPORT_PATH, Staff, Ids::None),
        (app::external::model::PATH, Staff, Ids::None),
        (app::external::model::UPLOAD_PATH, Staff, Ids::None),
        ("/pupils/:pupil", Staff, Ids::Child),
        ("/homework/:homework", Staff, Ids::Homework),
        (app::markbook::model::LIVE_PATH, Staff, Ids::Group),
        ("/reports", Staff, Ids::None),
        ("/reports/:session/write/:group", Staff, Ids::Writer),
        ("/groups", Staff, Ids::None),
        ("/groups/new", Staff, Ids::None),
        ("/groups/:id", Staff, Ids::SetToEdit),
        ("/reports/:session/review", Leadership, Ids::Session),
        ("/school-usage", Leadership, Ids::None),
        (app::usage::model::EXPORT_PATH, Leadership, Ids::None),
        ("/reports/new", Admins, Ids::None),
        ("/reports/:id/edit", Admins, Ids::Session),
        ("/frameworks", Admins, Ids::None),
        ("/school-settings", Admins, Ids::None),
        ("/audit-log", Admins, Ids::None),
        ("/mis-sync", Admins, Ids::None),
        (app::mis::model::CHECK_PATH, Admins, Ids::None),
        (app::mis::model::APPLY_PATH, Admins, Ids::Sync),
        ("/users", Admins, Ids::None),
        ("/users/new", Admins, Ids::None),
        ("/users/:id", Admins, Ids::Staff),
        ("/parents", Admins, Ids::None),
        ("/parents/new", Admins, Ids::None),
        ("/parents/letters", Admins, Ids::None),
        (app::parents::model::EXPORT_PATH, Admins, Ids::None),
        ("/parents/:id", Admins, Ids::Parent),
    ]
}

/// Arguments every server function parses; ids are filled in per call.
const EVERY_ARGUMENT: &[(&str, &str)] = &[
    ("comment", "Good"),
    ("version", "0"),
    ("note", "More"),
    ("opens_on", "01/01/2027"),
    ("closes_on", "02/01/2027"),
    ("publish_on", "03/01/2027"),
    ("guide", "1200"),
    ("expected", "1"),
    ("name", "A group"),
    ("year_group", "1"),
    ("strand", "S"),
    ("statement", "T"),
    ("up", "true"),
    ("retired", "false"),
    ("subject_name", "Science"),
    ("search", ""),
    ("person", ""),
    ("action", ""),
    ("from", ""),
    ("to", ""),
    ("page", "0"),
    ("assigned", "true"),
    ("active", "true"),
    ("first_name", "A"),
    ("surname", "B"),
    ("email", "matrix@b.example"),
    ("role", "teacher"),
    ("new_email", "c@d.example"),
    // Wrong on purpose: nothing that asks for a password goes ahead.
    ("current_password", "not-the-password"),
    ("password", "x"),
    ("confirm", "x"),
    ("status", "active"),
    ("everyone", "false"),
    ("code", "ABCD-EFGH-JKMN"),
    ("teachers_add_to_sets", "year-groups"),
    ("date_of_birth", "01/01/2019"),
    ("token", "not-a-token"),
    ("link", "reset"),
    ("title", "Spellings"),
    ("description", ""),
    ("due", "2099-01-01"),
    ("points", "1"),
    // What parents see: every area stays switched on.
    ("areas[]", "reports"),
    ("areas[]", "behaviour"),
    ("areas[]", "achievements"),
    ("areas[]", "attendance"),
    ("areas[]", "homework"),
];

/// The ids the calls point at, found from the demo school's relations
/// rather than its names.
struct Fixture {
    child: i64,
    other_child: i64,
    child_report: i64,
    other_child_report: i64,
    group: i64,
    other_group: i64,
    set: i64,
    pupil: i64,
    other_pupil: i64,
    pupil_report: i64,
    other_pupil_report: i64,
    criterion: i64,
    other_criterion: i64,
    /// A class and a set of the SLT member's own.
    slt_group: i64,
    slt_set: i64,
    slt_pupil: i64,
    slt_criterion: i64,
    slt_draft: i64,
    subject: i64,
    session: i64,
    draft: i64,
    other_draft: i64,
    ready: i64,
    staff: i64,
    parent: i64,
    parent_pupil: i64,
    deleted_parent: i64,
    batch: i64,
    sync: i64,
    duplicates: (i64, i64),
    /// Behaviour entries for a pupil of the teacher's class, and of another.
    entry: i64,
    other_entry: i64,
    /// Homework set for the teacher's class, and for another.
    homework: i64,
    other_homework: i64,
    behaviour: i64,
    /// Each signed-in caller's second sign-in, and someone else's.
    spare_sign_in: BTreeMap<Caller, i64>,
    /// Each member of staff's uploaded results file, and import.
    results_files: BTreeMap<Caller, i64>,
    results_imports: BTreeMap<Caller, i64>,
    targets_imports: BTreeMap<Caller, i64>,
}

async fn one(app: &TestApp, sql: &str, binds: &[i64]) -> i64 {
    let mut query = sqlx::query_scalar::<_, i64>(sql);
    for bind in binds {
        query = query.bind(bind);
    }
    query
        .fetch_one(&app.pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn fixture(app: &TestApp, admin: &Client) -> Fixture {
    let parent = app.user_id(PARENT).await;
    let teacher = app.user_id(TEACHER).await;
    let child = one(
        app,
        "SELECT pupil_id FROM parent_links WHERE parent_id = ? ORDER BY pupil_id",
        &[parent],
    )
    .await;
    let other_child = one(
        app,
        "SELECT id FROM pupils WHERE active = 1
           AND id NOT IN (SELECT pupil_id FROM parent_links WHERE parent_id = ?) ORDER BY id",
        &[parent],
    )
    .await;
    let published = "SELECT id FROM reports WHERE pupil_id = ? AND published_at IS NOT NULL";
    let group = one(
        app,
        "SELECT g.id FROM groups g JOIN group_teachers t ON t.group_id = g.id
         WHERE t.user_id = ? AND g.kind = 'class' ORDER BY g.id",
        &[teacher],
    )
    .await;
    // A class in another year: none of its pupils are in the teacher's reach.
    let other_group = one(
        app,
        "SELECT id FROM groups WHERE kind = 'class'
           AND year_group <> (SELECT year_group FROM groups WHERE id = ?1)
           AND id NOT IN (SELECT group_id FROM group_teachers WHERE user_id = ?2)
         ORDER BY id",
        &[group, teacher],
    )
    .await;
    let in_group = "SELECT pupil_id FROM group_pupils WHERE group_id = ? ORDER BY pupil_id";
    let of_year = "SELECT id FROM criteria WHERE year_group = (SELECT year_group FROM groups WHERE id = ?) ORDER BY id";
    let session = one(
        app,
        "SELECT id FROM report_sessions WHERE published_at IS NULL ORDER BY id",
        &[],
    )
    .await;
    let draft = "SELECT id FROM reports WHERE session_id = ? AND group_id = ? AND status = 'writing' ORDER BY id";
    // The SLT member teaches a class of a third year, and made a set.
    let slt = app.user_id(SLT).await;
    let slt_group = one(
        app,
        "SELECT id FROM groups WHERE kind = 'class'
           AND year_group NOT IN (SELECT year_group FROM groups WHERE id IN (?1, ?2))
         ORDER BY id",
        &[group, other_group],
    )
    .await;
    sqlx::query("INSERT OR IGNORE INTO group_teachers (group_id, user_id) VALUES (?, ?)")
        .bind(slt_group)
        .bind(slt)
        .execute(&app.pool)
        .await
        .unwrap();
    let slt_set = one(
        app,
        "INSERT INTO groups (name, kind, year_group, created_by, created_at)
         SELECT 'Matrix set', 'set', year_group, ?2, '2026-01-01T00:00:00Z' FROM groups WHERE id = ?1
         RETURNING id",
        &[slt_group, slt],
    )
    .await;
    let staff = one(
        app,
        "SELECT id FROM users WHERE role = 'teacher' AND is_slt = 0 AND id <> ? ORDER BY id DESC",
        &[teacher],
    )
    .await;
    // An admin's targets: a parent who hasn't signed up, and one who deleted
    // their account.
    let not_signed_up = "SELECT id FROM users WHERE role = 'parent' AND password_hash IS NULL
        AND EXISTS (SELECT 1 FROM parent_links l WHERE l.parent_id = users.id) ORDER BY id";
    let target_parent = one(app, not_signed_up, &[]).await;
    let deleted_parent = one(app, &format!("{not_signed_up} LIMIT 1 OFFSET 1"), &[]).await;
    sqlx::query(
        "UPDATE users SET deleted_at = '2026-01-01T00:00:00Z', active = 0, email = NULL WHERE id = ?",
    )
    .bind(deleted_parent)
    .execute(&app.pool)
    .await
    .unwrap();
    let res =
        crate::parents::for_parents::<app::parents::api::MakeLetters>(app, admin, &[target_parent])
            .await;
    let batch = res
        .answer::<app::parents::model::LetterSheet>()
        .await
        .unwrap()
        .batch;
    let pupil = one(app, in_group, &[group]).await;
    let other_pupil = one(app, in_group, &[other_group]).await;
    let entry_for = "INSERT INTO classroom_entries (pupil_id, group_id, kind, behaviour_id, title, points, recorded_at)
        SELECT ?1, ?2, 'behaviour', id, name, points, '2026-01-01T00:00:00Z' FROM behaviours ORDER BY id LIMIT 1
        RETURNING id";
    let entry = one(app, entry_for, &[pupil, group]).await;
    let other_entry = one(app, entry_for, &[other_pupil, other_group]).await;
    let homework_for = "INSERT INTO homework (group_id, title, due_on, set_at)
        VALUES (?, 'Matrix homework', '2099-01-01', '2026-01-01T00:00:00Z') RETURNING id";
    let homework = one(app, homework_for, &[group]).await;
    let other_homework = one(app, homework_for, &[other_group]).await;
    Fixture {
        child,
        other_child,
        child_report: one(app, published, &[child]).await,
        other_child_report: one(app, published, &[other_child]).await,
        group,
        other_group,
        set: one(
            app,
            "SELECT id FROM groups WHERE kind = 'set' AND created_by = ? ORDER BY id",
            &[teacher],
        )
        .await,
        pupil,
        other_pupil,
        pupil_report: one(app, published, &[pupil]).await,
        other_pupil_report: one(app, published, &[other_pupil]).await,
        criterion: one(app, of_year, &[group]).await,
        other_criterion: one(app, of_year, &[other_group]).await,
        slt_group,
        slt_set,
        slt_pupil: one(app, in_group, &[slt_group]).await,
        slt_criterion: one(app, of_year, &[slt_group]).await,
        slt_draft: one(app, draft, &[session, slt_group]).await,
        subject: one(app, "SELECT id FROM subjects ORDER BY id", &[]).await,
        session,
        draft: one(app, draft, &[session, group]).await,
        other_draft: one(app, draft, &[session, other_group]).await,
        ready: one(
            app,
            "SELECT id FROM reports WHERE session_id = ? AND status = 'ready' ORDER BY id",
            &[session],
        )
        .await,
        staff,
        parent: target_parent,
        parent_pupil: one(
            app,
            "SELECT pupil_id FROM parent_links WHERE parent_id = ? ORDER BY pupil_id",
            &[target_parent],
        )
        .await,
        deleted_parent,
        batch,
        sync: checked_file(app, admin).await,
        duplicates: (
            possible_duplicates(
                app,
                target_parent,
                &format!("{not_signed_up} LIMIT 1 OFFSET 2"),
            )
            .await,
            possible_duplicates(
                app,
                one(app, &format!("{not_signed_up} LIMIT 1 OFFSET 3"), &[]).await,
                &format!("{not_signed_up} LIMIT 1 OFFSET 4"),
            )
            .await,
        ),
        entry,
        other_entry,
        homework,
        other_homework,
        behaviour: one(
            app,
            "INSERT INTO behaviours (name, points, position) VALUES ('Matrix behaviour', 1, 99) RETURNING id",
            &[],
        )
        .await,
        spare_sign_in: BTreeMap::new(),
        results_files: BTreeMap::new(),
        results_imports: BTreeMap::new(),
        targets_imports: BTreeMap::new(),
    }
}

/// Lists `parent` and the parent `other` finds as possible duplicates.
async fn possible_duplicates(app: &TestApp, parent: i64, other: &str) -> i64 {
    let other = one(app, other, &[]).await;
    one(
        app,
        "INSERT INTO parent_duplicates (first_id, second_id, reason, found_at)
         VALUES (min(?1, ?2), max(?1, ?2), 'Same name and phone number, different email addresses', '2026-01-01T00:00:00Z')
         RETURNING id",
        &[parent, other],
    )
    .await
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Whose {
    Own,
    Other,
}

impl Fixture {
    /// The id arguments for a call by `caller` pointing at `whose`.
    fn ids(&self, ids: Ids, caller: Caller, whose: Whose) -> Vec<(&'static str, i64)> {
        let own = whose == Whose::Own;
        let pick = |mine: i64, theirs: i64| if own { mine } else { theirs };
        // The caller's own group, pupil, criterion, draft and set, and
        // another's: the SLT member's "another" is the teacher's.
        let (group, pupil, criterion, draft, set) = match caller {
            Caller::Slt => (
                pick(self.slt_group, self.group),
                pick(self.slt_pupil, self.pupil),
                pick(self.slt_criterion, self.criterion),
                pick(self.slt_draft, self.draft),
                pick(self.slt_set, self.set),
            ),
            _ => (
                pick(self.group, self.other_group),
                pick(self.pupil, self.other_pupil),
                pick(self.criterion, self.other_criterion),
                pick(self.draft, self.other_draft),
                pick(self.set, self.other_group),
            ),
        };
        // A pupil the caller reaches: a parent's child, a pupil in a
        // teacher's group; SLT and admins reach every pupil.
        let (child, report) = match caller {
            Caller::Teacher => (
                pick(self.pupil, self.other_pupil),
                pick(self.pupil_report, self.other_pupil_report),
            ),
            _ => (
                pick(self.child, self.other_child),
                pick(self.child_report, self.other_child_report),
            ),
        };
        match ids {
            Ids::None => vec![],
            Ids::Child => vec![("pupil", child)],
            Ids::ChildReport => vec![("pupil", child), ("report", report)],
            Ids::Group => vec![("group", group)],
            Ids::GroupWrite => vec![("group", group), ("subject", self.subject)],
            Ids::SetToEdit => vec![("id", set)],
            Ids::Cell => vec![("group", group), ("pupil", pupil), ("criterion", criterion)],
            Ids::Writer => vec![("session", self.session), ("group", group)],
            Ids::DraftReport => vec![("report", draft)],
            Ids::SignIn => {
                // Someone else's: the admin's for everyone but the admin.
                let someone_else = if caller == Caller::Admin {
                    Caller::Parent
                } else {
                    Caller::Admin
                };
                let whose = if own { caller } else { someone_else };
                vec![("id", self.spare_sign_in.get(&whose).copied().unwrap_or(0))]
            }
            Ids::Staff => vec![("id", self.staff), ("group", self.group)],
            Ids::Parent => vec![("id", self.parent), ("pupil", self.parent_pupil)],
            Ids::DeletedParent => vec![("id", self.deleted_parent)],
            Ids::Criterion => vec![("id", self.criterion), ("subject", self.subject)],
            Ids::Session => vec![("session", self.session), ("id", self.session)],
            Ids::ReadyReport => vec![("report", self.ready)],
            Ids::Batch => vec![("batch", self.batch)],
            Ids::Sync => vec![("id", self.sync)],
            Ids::Duplicate => vec![("pair", self.duplicates.0), ("keep", self.parent)],
            Ids::DuplicateToKeepApart => vec![("pair", self.duplicates.1)],
            Ids::Entry => vec![("entry", pick(self.entry, self.other_entry))],
            Ids::Homework => vec![("homework", pick(self.homework, self.other_homework))],
            Ids::Behaviour => vec![("behaviour", self.behaviour)],
            Ids::ResultsFile => {
                vec![(
                    "file",
                    self.results_files.get(&caller).copied().unwrap_or(0),
                )]
            }
            Ids::ResultsImport => {
                let whose = if own { caller } else { Caller::Admin };
                vec![(
                    "import",
                    self.results_imports.get(&whose).copied().unwrap_or(0),
                )]
            }
            Ids::TargetsImport => {
                let whose = if own { caller } else { Caller::Admin };
                vec![(
                    "import",
                    self.targets_imports.get(&whose).copied().unwrap_or(0),
                )]
            }
        }
    }
}

/// Counts every write a refused call must not make: triggers on every table
/// but the bookkeeping each request does (sessions, sign-ins, visits counted,
/// sign-in and access-code attempts) and the audit log's "access denied".
/// Counting in SQLite, rather than reading every table before and after each
/// of the matrix's thousand calls, keeps the test to seconds.
async fn watch_writes(app: &TestApp) {
    for sql in [
        "CREATE TABLE watched_writes (n INTEGER NOT NULL)",
        "INSERT INTO watched_writes VALUES (0)",
    ] {
        sqlx::query(sql).execute(&app.pool).await.unwrap();
    }
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table'
           AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'
           AND name NOT IN ('watched_writes', 'tower_sessions', 'sign_ins', 'usage_days',
                            'attempts', 'access_code_failures')",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    for table in tables {
        for event in ["INSERT", "UPDATE", "DELETE"] {
            let only = if table == "audit_log" && event == "INSERT" {
                "WHEN NEW.action <> 'access denied'"
            } else {
                ""
            };
            sqlx::query(&format!(
                "CREATE TRIGGER \"watch {table} {event}\" AFTER {event} ON \"{table}\" {only}
                 BEGIN UPDATE watched_writes SET n = n + 1; END"
            ))
            .execute(&app.pool)
            .await
            .unwrap();
        }
    }
}

/// How many watched writes have been made so far.
async fn writes(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT n FROM watched_writes")
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

/// What a call answered: let in, or refused.
fn refused(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    )
}

async fn call_function(
    app: &TestApp,
    client: &Client,
    path: &str,
    ids: &[(&'static str, i64)],
) -> Response {
    let request = client.post(format!("{}{}", app.address, path));
    // The markbook's save takes JSON.
    let request = if path == app::markbook::api::SaveJudgements::PATH {
        let group = ids
            .iter()
            .find(|(k, _)| *k == "group")
            .map_or(0, |(_, v)| *v);
        request.json(&serde_json::json!({ "group": group, "changes": [] }))
    } else {
        let mut form: Vec<(String, String)> = EVERY_ARGUMENT
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        for (key, value) in ids {
            form.retain(|(k, _)| k != key);
            form.push((key.to_string(), value.to_string()));
        }
        // Arguments the function has but this call has no id for.
        for key in [
            "pupil",
            "report",
            "group",
            "session",
            "criterion",
            "subject",
            "id",
            "batch",
            "entry",
            "homework",
            "behaviour",
        ] {
            if !form.iter().any(|(k, _)| k == key) {
                form.push((key.to_owned(), "0".to_owned()));
            }
        }
        request.form(&form)
    };
    request
        .timeout(HUNG)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: no answer: {e}"))
}

/// Longer than any answer takes, even with every test running: a request
/// still unanswered then is stuck, and the test says which one it was.
const HUNG: std::time::Duration = std::time::Duration::from_secs(60);

/// A one-pupil simple CSV, as the MIS sync page's form sends it.
fn mis_file() -> reqwest::multipart::Form {
    let csv = "upn,pupil_forename,pupil_surname,date_of_birth,year,class,contact_id,contact_forename,contact_surname,contact_email,relationship,parental_responsibility,access_allowed\n\
               G001234567890,Matrix,Pupil,04/05/2019,2,,,,,,,,\n";
    reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("roster.csv"),
    )
}

/// A results spreadsheet, as the Ext. data page's form sends it.
fn results_file() -> reqwest::multipart::Form {
    reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"UPN,Score\nA1,3\n".to_vec()).file_name("results.csv"),
    )
}

/// Each member of staff's uploaded results file, and an import of theirs
/// (each of an assessment of its own made for the test, so it is the
/// newest of its assessment), ready to undo.
async fn results_for_staff(
    app: &TestApp,
    fixture: &mut Fixture,
    clients: &BTreeMap<Caller, Client>,
) {
    for (caller, email) in [
        (Caller::Teacher, TEACHER),
        (Caller::Slt, SLT),
        (Caller::Admin, ADMIN),
    ] {
        let res = clients[&caller]
            .post(format!(
                "{}{}",
                app.address,
                app::external::model::UPLOAD_PATH
            ))
            .multipart(results_file())
            .send()
            .await
            .unwrap();
        let to = res.headers()["location"].to_str().unwrap();
        let file = to.trim_start_matches("/ext-data?file=").parse().unwrap();
        fixture.results_files.insert(caller, file);
        let assessment = one(
            app,
            "INSERT INTO assessments (name, taken_on, lowest, highest, created_at)
             VALUES ('Matrix check ' || ?, '2026-06-09', 0, 40, '2026-06-10T09:00:00Z') RETURNING id",
            &[file],
        )
        .await;
        let import = one(
            app,
            "INSERT INTO result_imports (assessment_id, file_name, imported_by, imported_at, added, replaced, skipped)
             VALUES (?, 'results.csv', ?, '2026-06-10T09:00:00Z', 0, 0, 0) RETURNING id",
            &[assessment, app.user_id(email).await],
        )
        .await;
        fixture.results_imports.insert(caller, import);
        let targets = one(
            app,
            "INSERT INTO target_imports (subject_id, file_name, imported_by, imported_at, added, replaced, skipped)
             VALUES ((SELECT MIN(id) FROM subjects), 'targets.csv', ?, '2026-06-10T09:00:00Z', 0, 0, 0) RETURNING id",
            &[app.user_id(email).await],
        )
        .await;
        fixture.targets_imports.insert(caller, targets);
    }
}

/// An MIS file checked by the admin, ready to apply.
async fn checked_file(app: &TestApp, admin: &Client) -> i64 {
    let res = admin
        .post(format!("{}{}", app.address, app::mis::model::CHECK_PATH))
        .multipart(mis_file())
        .send()
        .await
        .unwrap();
    let to = res.headers()["location"].to_str().unwrap();
    to.trim_start_matches("/mis-sync?sync=").parse().unwrap()
}

/// A page or route, as a browser asks for it.
async fn open_route(
    app: &TestApp,
    client: &Client,
    pattern: &str,
    ids: &[(&'static str, i64)],
) -> (StatusCode, String) {
    let id = |key: &str| ids.iter().find(|(k, _)| *k == key).map_or(0, |(_, v)| *v);
    let mut path = pattern.to_owned();
    for key in ["pupil", "report", "session", "group", "id", "homework"] {
        path = path.replace(&format!(":{key}"), &id(key).to_string());
    }
    path = path.replace(":token", "not-a-token");
    path = path.replace(":*file", "markwell.css");
    if pattern == app::markbook::model::LIVE_PATH {
        path = format!("{path}?group={}", id("group"));
    }
    let url = format!("{}{}", app.address, path);
    // The MIS sync page's two form posts: a file to check, a check to apply
    // (with a digest that no longer matches, so nothing is changed).
    let request = if pattern == app::mis::model::CHECK_PATH {
        client.post(url).multipart(mis_file())
    } else if pattern == app::external::model::UPLOAD_PATH {
        client.post(url).multipart(results_file())
    } else if pattern == app::mis::model::APPLY_PATH {
        client
            .post(url)
            .form(&[("sync", id("id").to_string()), ("digest", "old".to_owned())])
    } else {
        client.get(url)
    };
    let res = request
        .header("Accept", "text/html")
        .timeout(HUNG)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path}: no answer: {e}"));
    let status = res.status();
    if status.is_redirection() && pattern.starts_with("/mis-sync/") {
        // Let in, the form post answers with the sync it made.
        let to = res.headers()["location"].to_str().unwrap().to_owned();
        if to.starts_with("/mis-sync?sync=") {
            return (StatusCode::OK, to);
        }
    }
    if status.is_redirection() && pattern == app::external::model::UPLOAD_PATH {
        // Let in, the upload answers with the page that maps the file.
        let to = res.headers()["location"].to_str().unwrap().to_owned();
        if to.starts_with("/ext-data?file=") {
            return (StatusCode::OK, to);
        }
    }
    if pattern == app::markbook::model::LIVE_PATH || pattern == app::notifications::model::LIVE_PATH
    {
        // A stream that stays open: its status is the answer.
        return (status, String::new());
    }
    let body = res
        .text()
        .await
        .unwrap_or_else(|e| panic!("{path}: the page didn't finish: {e}"));
    (status, body)
}

/// What a route answered: let in (the page itself), sent to sign in, or
/// refused (401, 403 or 404, or a page that is only the error panel).
fn route_refused(status: StatusCode, body: &str) -> bool {
    refused(status) || status.is_redirection() || body.contains("id=\"error-title\"")
}

#[tokio::test]
async fn every_server_function_and_route_answers_only_whom_the_table_lets_in() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let mut fixture = fixture(&app, &admin).await;
    let mut clients: BTreeMap<Caller, Client> = BTreeMap::new();
    clients.insert(Caller::SignedOut, client());
    clients.insert(Caller::Parent, app.signed_in(PARENT).await);
    clients.insert(Caller::Teacher, app.signed_in(TEACHER).await);
    clients.insert(Caller::Slt, app.signed_in(SLT).await);
    clients.insert(Caller::Admin, admin);
    // A teacher made inactive while signed in.
    let leaving = one(
        &app,
        "SELECT id FROM users WHERE role = 'teacher' AND is_slt = 0 AND id NOT IN (?, ?) ORDER BY id",
        &[app.user_id(TEACHER).await, fixture.staff],
    )
    .await;
    let leaving_email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = ?")
        .bind(leaving)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    clients.insert(Caller::Inactive, app.signed_in(&leaving_email).await);
    sqlx::query("UPDATE users SET active = 0 WHERE id = ?")
        .bind(leaving)
        .execute(&app.pool)
        .await
        .unwrap();
    // Each signed-in caller's second sign-in, for "Sign out" of a device.
    for (caller, email) in [
        (Caller::Parent, PARENT),
        (Caller::Teacher, TEACHER),
        (Caller::Slt, SLT),
        (Caller::Admin, ADMIN),
    ] {
        app.signed_in(email).await;
        let id = one(
            &app,
            "SELECT MAX(id) FROM sign_ins WHERE user_id = ? AND ended_at IS NULL",
            &[app.user_id(email).await],
        )
        .await;
        fixture.spare_sign_in.insert(caller, id);
    }
    results_for_staff(&app, &mut fixture, &clients).await;
    watch_writes(&app).await;

    // The table names exactly the registered server functions.
    let table = server_functions();
    let listed: BTreeSet<&str> = table.iter().map(|(path, ..)| *path).collect();
    assert_eq!(listed.len(), table.len(), "a server function listed twice");
    let registered: BTreeSet<&str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .collect();
    assert_eq!(
        registered.difference(&listed).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "server functions missing from the access table"
    );
    assert_eq!(
        listed.difference(&registered).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "listed but not registered"
    );

    let mut wrong = Vec::new();
    let mut calls = 0;
    let mut others = 0;
    // Signing out last: it ends the caller's session.
    let mut order = table.clone();
    order.sort_by_key(|(path, ..)| *path == app::auth::api::SignOut::PATH);
    for (path, may, ids) in &order {
        for caller in CALLERS {
            let client = &clients[&caller];
            let mut tries = vec![Whose::Own];
            if may.lets_in(caller) && ids.other_for(caller) {
                tries.push(Whose::Other);
            }
            for whose in tries {
                let let_in = may.lets_in(caller) && whose == Whose::Own;
                let before = if let_in { 0 } else { writes(&app).await };
                let res =
                    call_function(&app, client, path, &fixture.ids(*ids, caller, whose)).await;
                let status = res.status();
                calls += 1;
                // Answers and refusals alike travel as postcard, the one
                // encoding the browser carries a reader for.
                let kind = res.headers().get("content-type").cloned();
                if (status.is_success() || status.is_client_error())
                    && kind
                        .as_ref()
                        .is_none_or(|kind| kind != "application/x-postcard")
                {
                    wrong.push(format!("{path} {caller:?}: {status} answered as {kind:?}"));
                }
                if whose == Whose::Other {
                    others += 1;
                }
                let expected_refusal = match caller {
                    Caller::SignedOut | Caller::Inactive => vec![StatusCode::UNAUTHORIZED],
                    _ if whose == Whose::Other => {
                        vec![StatusCode::FORBIDDEN, StatusCode::NOT_FOUND]
                    }
                    _ => vec![StatusCode::FORBIDDEN],
                };
                if let_in {
                    if refused(status) {
                        let body = res.text().await.unwrap_or_default();
                        wrong.push(format!(
                            "{path} {caller:?} own: refused with {status}: {body}"
                        ));
                    }
                } else if !expected_refusal.contains(&status) {
                    wrong.push(format!("{path} {caller:?} {whose:?}: let in with {status}, expected {expected_refusal:?}"));
                } else if writes(&app).await != before {
                    wrong.push(format!("{path} {caller:?} {whose:?}: refused, but wrote"));
                }
            }
        }
    }
    let functions = table.len();

    // Pages and the other routes: the table names exactly the routes the
    // router serves.
    let clients = {
        // Sign-out above ended every session: sign in afresh.
        let mut fresh = BTreeMap::new();
        fresh.insert(Caller::SignedOut, client());
        fresh.insert(Caller::Parent, app.signed_in(PARENT).await);
        fresh.insert(Caller::Teacher, app.signed_in(TEACHER).await);
        fresh.insert(Caller::Slt, app.signed_in(SLT).await);
        fresh.insert(Caller::Admin, app.signed_in(ADMIN).await);
        fresh.insert(Caller::Inactive, clients.remove(&Caller::Inactive).unwrap());
        fresh
    };
    // A file of the browser's for the bundle's route to serve.
    let pkg = std::path::Path::new(&app.config.site_root).join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("markwell.css"), "body { margin: 0 }").unwrap();
    let page_table = routes();
    let listed: BTreeSet<String> = page_table.iter().map(|(p, ..)| p.to_string()).collect();
    let mut served: BTreeSet<String> = leptos_axum::generate_route_list(app::App)
        .iter()
        .map(|route| axum_to_pattern(route.path()))
        .collect();
    served.extend(
        server::plain_routes()
            .iter()
            .map(|(path, _)| axum_to_pattern(path)),
    );
    assert_eq!(
        served.difference(&listed).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "routes missing from the access table"
    );
    assert_eq!(
        listed.difference(&served).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "listed but not served"
    );
    let mut visits = 0;
    for (pattern, may, ids) in &page_table {
        for caller in CALLERS {
            let mut tries = vec![Whose::Own];
            if may.lets_in(caller) && ids.other_for(caller) {
                tries.push(Whose::Other);
            }
            for whose in tries {
                let let_in = may.lets_in(caller) && whose == Whose::Own;
                let before = if let_in { 0 } else { writes(&app).await };
                let (status, body) = open_route(
                    &app,
                    &clients[&caller],
                    pattern,
                    &fixture.ids(*ids, caller, whose),
                )
                .await;
                visits += 1;
                if whose == Whose::Other {
                    others += 1;
                }
                let is_refused = route_refused(status, &body);
                if let_in && is_refused {
                    wrong.push(format!("{pattern} {caller:?} own: refused with {status}"));
                } else if !let_in && !is_refused {
                    wrong.push(format!(
                        "{pattern} {caller:?} {whose:?}: let in with {status}"
                    ));
                } else if !let_in && writes(&app).await != before {
                    wrong.push(format!(
                        "{pattern} {caller:?} {whose:?}: refused, but wrote"
                    ));
                }
            }
        }
    }
    println!(
        "access matrix: {functions} server functions and {} routes × {} callers: {calls} calls and {visits} visits, {others} of them with another's ids",
        page_table.len(),
        CALLERS.len()
    );
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// "/children/{pupil}" as the table writes it: "/children/:pupil".
fn axum_to_pattern(path: &str) -> String {
    path.split('/')
        .map(
            |part| match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) => format!(":{name}"),
                None => part.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}
