//! The audit log: who did what, to what, when and from where. Entries are
//! written in the same transaction as the change they describe.

use sqlx::SqliteConnection;

use crate::actions::AuditAction;

use crate::ids::{EntryId, GroupId, PupilId, ReportId, ReportSessionId, UserId};

/// What happened. The subject is an id, never a name, so the log itself holds
/// as little personal data as it can.
#[derive(Debug, Clone)]
pub enum Audit {
    SignedIn,
    SignInFailed,
    SignInRefusedInactive,
    SignedOut,
    /// Someone asked for a record outside what they may see.
    AccessDenied {
        what: &'static str,
        id: i64,
    },
    AdminCreated,
    DemoSchoolLoaded,
    /// Someone asked for a reset link for this account.
    PasswordResetRequested {
        user: UserId,
    },
    /// The password was reset through an emailed link.
    PasswordReset {
        user: UserId,
    },
    InvitationSent {
        user: UserId,
    },
    /// The invited person set their password, which confirms their address.
    InvitationAccepted {
        user: UserId,
    },
    PasswordChanged {
        user: UserId,
    },
    NameChanged {
        user: UserId,
    },
    EmailChangeRequested {
        user: UserId,
    },
    EmailChanged {
        user: UserId,
    },
    StaffCreated {
        user: UserId,
    },
    RoleChanged {
        user: UserId,
        role: &'static str,
    },
    SltChanged {
        user: UserId,
        slt: bool,
    },
    MadeInactive {
        user: UserId,
    },
    MadeActive {
        user: UserId,
    },
    GroupAssigned {
        user: UserId,
        assigned: bool,
    },
    ParentCreated {
        user: UserId,
    },
    /// A criterion, the scale or a subject added or changed ("criterion", id).
    FrameworkChanged {
        what: &'static str,
        id: i64,
    },
    /// A group made, or its name, teachers or pupils changed.
    GroupSaved {
        group: GroupId,
        created: bool,
    },
    /// A pupil put in a group (a class or a set) who wasn't in it before.
    PupilAddedToGroup {
        group: GroupId,
        pupil: PupilId,
    },
    /// An admin changed School settings.
    SchoolSettingsChanged,
    /// A parent set up their account with an access code from their letter.
    SignedUp {
        user: UserId,
    },
    /// A parent linked to a pupil, or the link taken away.
    PupilLinked {
        user: UserId,
        pupil: PupilId,
        linked: bool,
    },
    /// The relationship or parental responsibility of a link changed.
    LinkChanged {
        user: UserId,
        pupil: PupilId,
    },
    /// An access code made for a printed letter, or reissued on its own;
    /// either way the link's earlier code stops working.
    AccessCodeIssued {
        user: UserId,
        pupil: PupilId,
        reissued: bool,
    },
    /// An admin confirmed a batch of letters printed: the codes on earlier
    /// letters for its children stopped working.
    LettersPrinted {
        batch: i64,
        codes: u64,
    },
    /// Ext. data results imported (the import's id).
    ResultsImported {
        import: i64,
    },
    ImportUndone {
        import: i64,
    },
    /// Targets imported on Ext. data (the target import's id).
    TargetsImported {
        import: i64,
    },
    TargetsImportUndone {
        import: i64,
    },
    /// An MIS file's changes were made (the sync history has each one).
    MisSyncApplied {
        sync: i64,
    },
    /// Two parent accounts became one: `merged`'s links, codes and history
    /// moved to `kept`, and `merged` went.
    ParentsMerged {
        kept: UserId,
        merged: UserId,
    },
    /// An admin said two possible duplicates are different people.
    NotTheSamePerson {
        first: UserId,
        second: UserId,
    },
    /// An admin removed a behaviour or achievement entry after its
    /// recorder's time to undo it had passed.
    ClassroomEntryRemoved {
        pupil: PupilId,
        entry: EntryId,
    },
    /// Someone ended one of their own sessions from "Where you're signed
    /// in", or all of them but the one they were using.
    SignedOutElsewhere {
        all_others: bool,
    },
    /// A signed-in parent linked another child with "Add pupil".
    PupilAdded {
        user: UserId,
        pupil: PupilId,
    },
    /// A parent deleted their own account.
    AccountDeleted {
        user: UserId,
    },
    /// An admin removed what was left of an account its parent deleted.
    DeletedAccountRemoved {
        user: UserId,
    },
    /// A comment marked ready for review by its teacher.
    ReportReady {
        report: ReportId,
    },
    /// SLT sent a comment back to its teacher with a note.
    ReportSentBack {
        report: ReportId,
    },
    ReportApproved {
        report: ReportId,
    },
    /// Approved reports of a session published to parents.
    ReportsPublished {
        session: ReportSessionId,
    },
    /// An admin made or changed a reporting session.
    ReportSessionSaved {
        session: ReportSessionId,
        created: bool,
    },
}

impl Audit {
    fn parts(&self) -> (AuditAction, Option<String>) {
        match self {
            Audit::SignedIn => (AuditAction::SignedIn, None),
            Audit::SignInFailed => (AuditAction::SignInFailed, None),
            Audit::SignInRefusedInactive => (AuditAction::SignInRefusedInactive, None),
            Audit::SignedOut => (AuditAction::SignedOut, None),
            Audit::AccessDenied { what, id } => {
                (AuditAction::AccessDenied, Some(format!("{what}:{id}")))
            }
            Audit::AdminCreated => (AuditAction::AdminCreated, None),
            Audit::DemoSchoolLoaded => (AuditAction::DemoSchoolLoaded, None),
            Audit::PasswordResetRequested { user } => {
                (AuditAction::PasswordResetRequested, about(user))
            }
            Audit::PasswordReset { user } => (AuditAction::PasswordReset, about(user)),
            Audit::InvitationSent { user } => (AuditAction::InvitationSent, about(user)),
            Audit::InvitationAccepted { user } => (AuditAction::InvitationAccepted, about(user)),
            Audit::PasswordChanged { user } => (AuditAction::PasswordChanged, about(user)),
            Audit::NameChanged { user } => (AuditAction::NameChanged, about(user)),
            Audit::EmailChangeRequested { user } => {
                (AuditAction::EmailChangeRequested, about(user))
            }
            Audit::EmailChanged { user } => (AuditAction::EmailChanged, about(user)),
            Audit::StaffCreated { user } => (AuditAction::StaffCreated, about(user)),
            Audit::RoleChanged { user, role } => (
                if *role == "admin" {
                    AuditAction::RoleChangedToAdmin
                } else {
                    AuditAction::RoleChangedToTeacher
                },
                about(user),
            ),
            Audit::SltChanged { user, slt } => (
                if *slt {
                    AuditAction::SltTurnedOn
                } else {
                    AuditAction::SltTurnedOff
                },
                about(user),
            ),
            Audit::MadeInactive { user } => (AuditAction::MadeInactive, about(user)),
            Audit::MadeActive { user } => (AuditAction::MadeActive, about(user)),
            Audit::GroupAssigned { user, assigned } => (
                if *assigned {
                    AuditAction::GroupAssigned
                } else {
                    AuditAction::GroupUnassigned
                },
                about(user),
            ),
            Audit::ParentCreated { user } => (AuditAction::ParentCreated, about(user)),
            Audit::FrameworkChanged { what, id } => {
                (AuditAction::FrameworkChanged, Some(format!("{what}:{id}")))
            }
            Audit::GroupSaved { group, created } => (
                if *created {
                    AuditAction::GroupCreated
                } else {
                    AuditAction::GroupChanged
                },
                Some(format!("group:{}", group.0)),
            ),
            Audit::SignedUp { user } => (AuditAction::SignedUp, about(user)),
            Audit::PupilAddedToGroup { group, pupil } => (
                AuditAction::PupilAddedToGroup,
                Some(format!("group:{} pupil:{}", group.0, pupil.0)),
            ),
            Audit::SchoolSettingsChanged => (AuditAction::SchoolSettingsChanged, None),
            Audit::PupilLinked {
                user,
                pupil,
                linked,
            } => (
                if *linked {
                    AuditAction::PupilLinked
                } else {
                    AuditAction::PupilUnlinked
                },
                about_link(user, pupil),
            ),
            Audit::LinkChanged { user, pupil } => {
                (AuditAction::LinkChanged, about_link(user, pupil))
            }
            Audit::AccessCodeIssued {
                user,
                pupil,
                reissued,
            } => (
                if *reissued {
                    AuditAction::AccessCodeReissued
                } else {
                    AuditAction::AccessCodeIssued
                },
                about_link(user, pupil),
            ),
            Audit::LettersPrinted { batch, codes } => (
                AuditAction::LettersPrinted,
                Some(format!("batch:{batch} codes:{codes}")),
            ),
            Audit::ResultsImported { import } => (
                AuditAction::ResultsImported,
                Some(format!("import:{import}")),
            ),
            Audit::ImportUndone { import } => {
                (AuditAction::ImportUndone, Some(format!("import:{import}")))
            }
            Audit::TargetsImported { import } => (
                AuditAction::TargetsImported,
                Some(format!("target-import:{import}")),
            ),
            Audit::TargetsImportUndone { import } => (
                AuditAction::TargetsImportUndone,
                Some(format!("target-import:{import}")),
            ),
            Audit::MisSyncApplied { sync } => {
                (AuditAction::MisSyncApplied, Some(format!("sync:{sync}")))
            }
            Audit::ParentsMerged { kept, merged } => (
                AuditAction::ParentsMerged,
                Some(format!("user:{} merged:{}", kept.0, merged.0)),
            ),
            Audit::NotTheSamePerson { first, second } => (
                AuditAction::NotTheSamePerson,
                Some(format!("user:{} user:{}", first.0, second.0)),
            ),
            Audit::ClassroomEntryRemoved { pupil, entry } => (
                AuditAction::ClassroomEntryRemoved,
                Some(format!("pupil:{} entry:{}", pupil.0, entry.0)),
            ),
            Audit::SignedOutElsewhere { all_others } => (
                if *all_others {
                    AuditAction::SignedOutEverywhereElse
                } else {
                    AuditAction::SignedOutDevice
                },
                None,
            ),
            Audit::PupilAdded { user, pupil } => (AuditAction::PupilAdded, about_link(user, pupil)),
            Audit::AccountDeleted { user } => (AuditAction::AccountDeleted, about(user)),
            Audit::DeletedAccountRemoved { user } => {
                (AuditAction::DeletedAccountRemoved, about(user))
            }
            Audit::ReportReady { report } => (AuditAction::ReportReady, about_report(report)),
            Audit::ReportSentBack { report } => (AuditAction::ReportSentBack, about_report(report)),
            Audit::ReportApproved { report } => (AuditAction::ReportApproved, about_report(report)),
            Audit::ReportsPublished { session } => (
                AuditAction::ReportsPublished,
                Some(format!("session:{}", session.0)),
            ),
            Audit::ReportSessionSaved { session, created } => (
                if *created {
                    AuditAction::ReportSessionCreated
                } else {
                    AuditAction::ReportSessionChanged
                },
                Some(format!("session:{}", session.0)),
            ),
        }
    }
}

/// The subject of an entry about a report.
fn about_report(report: &ReportId) -> Option<String> {
    Some(format!("report:{}", report.0))
}

/// The subject of an entry about an account.
fn about(user: &UserId) -> Option<String> {
    Some(format!("user:{}", user.0))
}

/// The subject of an entry about a parent's link to a pupil.
fn about_link(user: &UserId, pupil: &PupilId) -> Option<String> {
    Some(format!("user:{} pupil:{}", user.0, pupil.0))
}

pub async fn record(
    conn: &mut SqliteConnection,
    at: &str,
    actor: Option<UserId>,
    event: Audit,
    address: Option<&str>,
) -> anyhow::Result<()> {
    let (action, subject) = event.parts();
    let action = action.as_str();
    sqlx::query!(
        "INSERT INTO audit_log (at, actor_id, action, subject, address) VALUES (?, ?, ?, ?, ?)",
        at,
        actor,
        action,
        subject,
        address
    )
    .execute(conn)
    .await?;
    Ok(())
}
