//! Usage events, recorded where they happen, in the transaction that already
//! writes: one upsert into the person's count for the day, no extra round trip.
//! School Usage (the `usage` feature) reads them. A day someone stays signed
//! in (Remember me, the installed app) is counted once per session by
//! `auth::accounts::count_visit`.

use sqlx::SqliteConnection;
use tower_sessions::Session;

use super::clock;
use crate::ids::UserId;

/// Session keys: the client the person signed in with, and the last school
/// day this session was counted.
pub const SESSION_CLIENT: &str = "usage.client";
pub const SESSION_DAY: &str = "usage.day";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageKind {
    SignIn,
    /// Using Markwell on a day without signing in (the session carried on).
    Visit,
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
            UsageKind::Visit => "visit",
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

/// At sign-in: remembers in the session which client it is, and that today
/// is already counted.
pub async fn note_sign_in(session: &Session, client: Client, at: &str) -> anyhow::Result<()> {
    session.insert(SESSION_CLIENT, client.as_str()).await?;
    session.insert(SESSION_DAY, clock::school_day(at)?).await?;
    Ok(())
}

/// The client this session signed in with.
pub async fn session_client(session: &Session) -> anyhow::Result<Client> {
    let client = session.get::<String>(SESSION_CLIENT).await?;
    Ok(Client::from_form(client.as_deref()))
}

/// The client of the session making this server-function request.
pub async fn current_client() -> anyhow::Result<Client> {
    let session: Session = leptos_axum::extract()
        .await
        .map_err(|e| anyhow::anyhow!("reading the session: {e}"))?;
    session_client(&session).await
}
