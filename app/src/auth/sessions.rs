//! "Where you're signed in": a row in `sign_ins` for each signed-in session,
//! named in the session's own data. Settings lists a person's open rows and
//! ends any of them; a session whose row has ended is signed out at its next
//! request (`accounts::keep_sessions`, by [`still_open`]).

use axum::http::header::USER_AGENT;
use sqlx::SqliteConnection;
use tower_sessions::Session;

use crate::{
    ids::UserId,
    ssr::{
        clock::{stamp, STORED},
        usage::{self, Client},
        AppState, Arrival, Write,
    },
};

/// How long Remember me keeps someone signed in, from sign-in; no session
/// lasts longer.
pub const REMEMBER_ME_DAYS: i64 = 30;

/// The session's key for its row in `sign_ins`.
const SIGN_IN: &str = "sign_in";
/// How stale "last used" may get before a request brings it up to date: often
/// enough to tell devices apart, rarely enough to cost no writes.
const LAST_USED_EVERY_MINUTES: i64 = 5;

/// The browser and system a user agent names, in words: "Chrome on Android".
pub fn device(user_agent: &str) -> String {
    let parsed = woothee::parser::Parser::new().parse(user_agent);
    let known = |value: &str| (!value.is_empty() && value != "UNKNOWN").then(|| value.to_owned());
    let browser = parsed.as_ref().and_then(|p| known(p.name));
    let system = parsed.as_ref().and_then(|p| known(p.os));
    match (browser, system) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(browser), None) => browser,
        (None, Some(system)) => format!("A browser on {system}"),
        (None, None) => "An unknown browser".to_owned(),
    }
}

/// Opens the row for a session that has just signed in.
pub async fn start(
    conn: &mut SqliteConnection,
    session: &Session,
    user: UserId,
    user_agent: &str,
    client: Client,
    at: &str,
) -> anyhow::Result<()> {
    let device = device(user_agent);
    let installed = client == Client::App;
    let id = sqlx::query_scalar!(
        r#"INSERT INTO sign_ins (user_id, device, installed_app, signed_in_at, last_used_at)
           VALUES (?1, ?2, ?3, ?4, ?4) RETURNING id AS "id!""#,
        user,
        device,
        installed,
        at
    )
    .fetch_one(conn)
    .await?;
    session.insert(SIGN_IN, id).await?;
    Ok(())
}

/// Opens the row for the session of the request being answered, which has
/// just signed in.
pub async fn start_here(
    conn: &mut SqliteConnection,
    session: &Session,
    user: UserId,
    client: Client,
    at: &str,
) -> anyhow::Result<()> {
    let parts = leptos::prelude::use_context::<http::request::Parts>();
    let user_agent = parts
        .as_ref()
        .and_then(|parts| parts.headers.get(USER_AGENT))
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    start(conn, session, user, user_agent, client, at).await
}

/// The session of the request being answered.
pub async fn this_session() -> anyhow::Result<Session> {
    leptos_axum::extract()
        .await
        .map_err(|e| anyhow::anyhow!("reading the session: {e}"))
}

/// The row of a session, if it has one.
pub async fn current(session: &Session) -> anyhow::Result<Option<i64>> {
    Ok(session.get::<i64>(SIGN_IN).await?)
}

/// One place a person is signed in, as Settings lists it.
pub struct OpenSignIn {
    pub id: i64,
    pub device: String,
    pub installed_app: bool,
    pub signed_in_at: String,
    pub last_used_at: String,
}

/// A person's open sessions, the most recently used first. Sessions unused
/// for longer than Remember me lasts have expired and are left out.
pub async fn open(
    conn: &mut SqliteConnection,
    user: UserId,
    now: time::OffsetDateTime,
) -> anyhow::Result<Vec<OpenSignIn>> {
    let since = stamp(now - time::Duration::days(REMEMBER_ME_DAYS));
    Ok(sqlx::query_as!(
        OpenSignIn,
        r#"SELECT id AS "id!", device, installed_app AS "installed_app: bool",
                  signed_in_at, last_used_at
           FROM sign_ins
           WHERE user_id = ? AND ended_at IS NULL AND last_used_at >= ?
           ORDER BY last_used_at DESC, id DESC"#,
        user,
        since
    )
    .fetch_all(conn)
    .await?)
}

/// Ends one of a person's sessions: only their own, so another person's id
/// ends nothing. Answers whether it did.
pub async fn end_one(
    conn: &mut SqliteConnection,
    user: UserId,
    id: i64,
    at: &str,
) -> anyhow::Result<bool> {
    let ended = sqlx::query!(
        "UPDATE sign_ins SET ended_at = ? WHERE id = ? AND user_id = ? AND ended_at IS NULL",
        at,
        id,
        user
    )
    .execute(conn)
    .await?;
    // Ends their open streams too; the ones still allowed reconnect.
    crate::ssr::live::access_changed(user);
    Ok(ended.rows_affected() == 1)
}

/// Ends all of a person's sessions but `keep` (the one asking, if any).
pub async fn end_all_but(
    conn: &mut SqliteConnection,
    user: UserId,
    keep: Option<i64>,
    at: &str,
) -> anyhow::Result<u64> {
    let ended = sqlx::query!(
        "UPDATE sign_ins SET ended_at = ?
         WHERE user_id = ? AND ended_at IS NULL AND id IS NOT ?",
        at,
        user,
        keep
    )
    .execute(conn)
    .await?;
    crate::ssr::live::access_changed(user);
    Ok(ended.rows_affected())
}

/// A change the middleware makes for a signed-in person's request, in turn
/// with every other change.
pub(crate) async fn middleware_write(state: &AppState, user: UserId) -> anyhow::Result<Write> {
    let now = state.clock.now();
    let arrival = Arrival {
        now,
        at: stamp(now),
        address: None,
    };
    Write::on(&state.writer, Some(user), &arrival).await
}

/// Whether the session making a request may go on: its row open and within
/// Remember me's lifetime (an ended or expired one is closed here, and the
/// caller signs it out). An open one has "last used" kept fresh; a session
/// from before rows were kept gets one.
pub async fn still_open(
    state: &AppState,
    session: &Session,
    user: UserId,
    user_agent: &str,
) -> anyhow::Result<bool> {
    let at = state.clock.stamp();
    let Some(id) = current(session).await? else {
        let client = usage::session_client(session).await?;
        let mut write = middleware_write(state, user).await?;
        start(&mut write, session, user, user_agent, client, &at).await?;
        write.commit().await?;
        return Ok(true);
    };
    let mut conn = state.pool.acquire().await?;
    let row = sqlx::query!(
        r#"SELECT ended_at IS NULL AS "open!: bool", signed_in_at, last_used_at FROM sign_ins
           WHERE id = ? AND user_id = ?"#,
        id,
        user
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(false) };
    if !row.open {
        return Ok(false);
    }
    let now = state.clock.now();
    let since = |stored: &str| {
        time::PrimitiveDateTime::parse(stored, STORED).map(|then| now - then.assume_utc())
    };
    // Remember me lasts 30 days from sign-in, however often it is used.
    let lifetime = time::Duration::days(REMEMBER_ME_DAYS);
    if since(&row.signed_in_at).map_or(true, |age| age >= lifetime) {
        let mut write = middleware_write(state, user).await?;
        end_one(&mut write, user, id, &at).await?;
        write.commit().await?;
        return Ok(false);
    }
    let stale = since(&row.last_used_at).map_or(true, |age| {
        age >= time::Duration::minutes(LAST_USED_EVERY_MINUTES)
    });
    if stale {
        let mut write = middleware_write(state, user).await?;
        sqlx::query!("UPDATE sign_ins SET last_used_at = ? WHERE id = ?", at, id)
            .execute(&mut *write)
            .await?;
        write.commit().await?;
    }
    Ok(true)
}

/// Housekeeping, hourly: sessions past their expiry leave the session table,
/// and rows of sessions ended or unused for longer than Remember me lasts
/// leave `sign_ins`, so neither grows without end.
pub async fn prune(pool: &sqlx::SqlitePool, now: time::OffsetDateTime) -> anyhow::Result<u64> {
    let unix = now.unix_timestamp();
    let expired = sqlx::query("DELETE FROM tower_sessions WHERE expiry_date < ?")
        .bind(unix)
        .execute(pool)
        .await?
        .rows_affected();
    let before = stamp(now - time::Duration::days(REMEMBER_ME_DAYS));
    sqlx::query!(
        "DELETE FROM sign_ins WHERE ended_at < ?1 OR (ended_at IS NULL AND last_used_at < ?1)",
        before
    )
    .execute(pool)
    .await?;
    Ok(expired)
}
