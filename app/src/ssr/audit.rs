//! The audit log: who did what, to what, when and from where. Entries are
//! written in the same transaction as the change they describe.

use sqlx::SqliteConnection;

use crate::ids::UserId;

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
        }
    }
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
