//! Usage events, for the School Usage page: recorded where they happen, in the
//! transaction that already writes, so they cost no extra round trip.

use sqlx::SqliteConnection;

use crate::ids::UserId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageKind {
    SignIn,
}

impl UsageKind {
    fn as_str(self) -> &'static str {
        match self {
            UsageKind::SignIn => "sign-in",
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

pub async fn record(
    conn: &mut SqliteConnection,
    at: &str,
    user: UserId,
    kind: UsageKind,
    client: Client,
) -> anyhow::Result<()> {
    let kind = kind.as_str();
    let client = client.as_str();
    sqlx::query!(
        "INSERT INTO usage_events (at, user_id, kind, client) VALUES (?, ?, ?, ?)",
        at,
        user,
        kind,
        client
    )
    .execute(conn)
    .await?;
    Ok(())
}
