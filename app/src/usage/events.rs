//! Usage events, recorded where they happen, in the transaction that already
//! writes: one upsert into the person's count for the day, no extra round trip.

use sqlx::SqliteConnection;

use crate::{ids::UserId, ssr::clock};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageKind {
    SignIn,
    /// A judgement set or cleared in the markbook.
    AssessmentRecorded,
    /// A report comment written or changed.
    CommentWritten,
    ReportPublished,
    /// An MIS or external-data import.
    Import,
}

impl UsageKind {
    fn as_str(self) -> &'static str {
        match self {
            UsageKind::SignIn => "sign-in",
            UsageKind::AssessmentRecorded => "assessment",
            UsageKind::CommentWritten => "comment",
            UsageKind::ReportPublished => "report-published",
            UsageKind::Import => "import",
        }
    }
}

/// Whether a person used Markwell in a browser tab or as the installed app.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    Browser,
    App,
}

impl Client {
    /// The sign-in form says "app" when the page runs as an installed web app.
    pub fn from_form(value: Option<&str>) -> Self {
        match value {
            Some("app") => Client::App,
            _ => Client::Browser,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Client::Browser => "browser",
            Client::App => "app",
        }
    }
}

/// Counts `times` events of `kind` by `user` at `at` (a stored timestamp),
/// on the school day it falls in.
pub async fn record(
    conn: &mut SqliteConnection,
    at: &str,
    user: UserId,
    kind: UsageKind,
    client: Client,
    times: u32,
) -> anyhow::Result<()> {
    if times == 0 {
        return Ok(());
    }
    let day = clock::school_day(at)?;
    let kind = kind.as_str();
    let client = client.as_str();
    sqlx::query!(
        "INSERT INTO usage_days (day, user_id, kind, client, count, last_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (day, user_id, kind, client)
         DO UPDATE SET count = count + excluded.count, last_at = max(last_at, excluded.last_at)",
        day,
        user,
        kind,
        client,
        times,
        at
    )
    .execute(conn)
    .await?;
    Ok(())
}
