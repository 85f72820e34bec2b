//! The audit log: who did what, to what, when and from where. Entries are
//! written in the same transaction as the change they describe.

use sqlx::SqliteConnection;

use crate::ids::{GroupId, PupilId, ReportId, ReportSessionId, UserId};

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
    fn parts(&self) -> (&'static str, Option<String>) {
        match self {
            Audit::SignedIn => ("signed in", None),
            Audit::SignInFailed => ("sign-in failed", None),
            Audit::SignInRefusedInactive => ("sign-in refused: account inactive", None),
            Audit::SignedOut => ("signed out", None),
            Audit::AccessDenied { what, id } => ("access denied", Some(format!("{what}:{id}"))),
            Audit::AdminCreated => ("admin created", None),
            Audit::DemoSchoolLoaded => ("demo school loaded", None),
            Audit::PasswordResetRequested { user } => ("password reset requested", about(user)),
            Audit::PasswordReset { user } => ("password reset", about(user)),
            Audit::InvitationSent { user } => ("invitation sent", about(user)),
            Audit::InvitationAccepted { user } => ("invitation accepted", about(user)),
            Audit::PasswordChanged { user } => ("password changed", about(user)),
            Audit::NameChanged { user } => ("name changed", about(user)),
            Audit::EmailChangeRequested { user } => ("email change requested", about(user)),
            Audit::EmailChanged { user } => ("email changed", about(user)),
            Audit::StaffCreated { user } => ("staff account created", about(user)),
            Audit::RoleChanged { user, role } => (
                if *role == "admin" {
                    "role changed to admin"
                } else {
                    "role changed to teacher"
                },
                about(user),
            ),
            Audit::SltChanged { user, slt } => (
                if *slt {
                    "SLT turned on"
                } else {
                    "SLT turned off"
                },
                about(user),
            ),
            Audit::MadeInactive { user } => ("made inactive", about(user)),
            Audit::MadeActive { user } => ("made active", about(user)),
            Audit::GroupAssigned { user, assigned } => (
                if *assigned {
                    "group assigned"
                } else {
                    "group unassigned"
                },
                about(user),
            ),
            Audit::ParentCreated { user } => ("parent account created", about(user)),
            Audit::FrameworkChanged { what, id } => {
                ("framework changed", Some(format!("{what}:{id}")))
            }
            Audit::GroupSaved { group, created } => (
                if *created {
                    "group created"
                } else {
                    "group changed"
                },
                Some(format!("group:{}", group.0)),
            ),
            Audit::SignedUp { user } => ("signed up with an access code", about(user)),
            Audit::PupilLinked {
                user,
                pupil,
                linked,
            } => (
                if *linked {
                    "pupil linked"
                } else {
                    "pupil unlinked"
                },
                about_link(user, pupil),
            ),
            Audit::LinkChanged { user, pupil } => ("link changed", about_link(user, pupil)),
            Audit::AccessCodeIssued {
                user,
                pupil,
                reissued,
            } => (
                if *reissued {
                    "access code reissued"
                } else {
                    "access code issued"
                },
                about_link(user, pupil),
            ),
            Audit::ReportReady { report } => ("report ready for review", about_report(report)),
            Audit::ReportSentBack { report } => ("report sent back", about_report(report)),
            Audit::ReportApproved { report } => ("report approved", about_report(report)),
            Audit::ReportsPublished { session } => {
                ("reports published", Some(format!("session:{}", session.0)))
            }
            Audit::ReportSessionSaved { session, created } => (
                if *created {
                    "reporting session created"
                } else {
                    "reporting session changed"
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

/// Runs `work` in one `BEGIN IMMEDIATE` transaction with the audit entry it
/// answers, by `actor`: the change and its entry are kept together or not at
/// all. `work` gets the connection and the time of the change.
pub async fn audited<T>(
    actor: UserId,
    work: impl AsyncFnOnce(&mut SqliteConnection, &str) -> anyhow::Result<(T, Audit)>,
) -> anyhow::Result<T> {
    let at = super::clock()?.stamp();
    let address = super::client_address().await;
    let mut tx = super::begin_write().await?;
    let (answer, event) = work(&mut tx, &at).await?;
    record(&mut tx, &at, Some(actor), event, address.as_deref()).await?;
    tx.commit().await?;
    Ok(answer)
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

#[cfg(test)]
mod tests {
    use super::Audit;
    use crate::{
        audit::model::ACTIONS,
        ids::{GroupId, PupilId, ReportId, ReportSessionId, UserId},
    };

    #[test]
    fn the_filter_lists_every_action_written() {
        let user = UserId(1);
        let pupil = PupilId(2);
        let report = ReportId(3);
        let events = [
            Audit::SignedIn,
            Audit::SignInFailed,
            Audit::SignInRefusedInactive,
            Audit::SignedOut,
            Audit::AccessDenied {
                what: "pupil",
                id: 1,
            },
            Audit::AdminCreated,
            Audit::DemoSchoolLoaded,
            Audit::PasswordResetRequested { user },
            Audit::PasswordReset { user },
            Audit::InvitationSent { user },
            Audit::InvitationAccepted { user },
            Audit::PasswordChanged { user },
            Audit::NameChanged { user },
            Audit::EmailChangeRequested { user },
            Audit::EmailChanged { user },
            Audit::StaffCreated { user },
            Audit::RoleChanged {
                user,
                role: "admin",
            },
            Audit::RoleChanged {
                user,
                role: "teacher",
            },
            Audit::SltChanged { user, slt: true },
            Audit::SltChanged { user, slt: false },
            Audit::MadeInactive { user },
            Audit::MadeActive { user },
            Audit::GroupAssigned {
                user,
                assigned: true,
            },
            Audit::GroupAssigned {
                user,
                assigned: false,
            },
            Audit::ParentCreated { user },
            Audit::FrameworkChanged {
                what: "criterion",
                id: 1,
            },
            Audit::GroupSaved {
                group: GroupId(1),
                created: true,
            },
            Audit::GroupSaved {
                group: GroupId(1),
                created: false,
            },
            Audit::SignedUp { user },
            Audit::PupilLinked {
                user,
                pupil,
                linked: true,
            },
            Audit::PupilLinked {
                user,
                pupil,
                linked: false,
            },
            Audit::LinkChanged { user, pupil },
            Audit::AccessCodeIssued {
                user,
                pupil,
                reissued: false,
            },
            Audit::AccessCodeIssued {
                user,
                pupil,
                reissued: true,
            },
            Audit::ReportReady { report },
            Audit::ReportSentBack { report },
            Audit::ReportApproved { report },
            Audit::ReportsPublished {
                session: ReportSessionId(1),
            },
            Audit::ReportSessionSaved {
                session: ReportSessionId(1),
                created: true,
            },
            Audit::ReportSessionSaved {
                session: ReportSessionId(1),
                created: false,
            },
        ];
        for event in events {
            let (action, _) = event.parts();
            assert!(
                ACTIONS.contains(&action),
                "{action} is missing from ACTIONS"
            );
        }
    }
}
