//! The SQL behind sign-in, the session check and the reach checks, and the
//! one place the `users` table is written: staff, parent records, sign-up
//! and Settings all change an account through the functions below.

use sqlx::SqliteConnection;

use super::model::Role;
use crate::ids::{GroupId, PupilId, ReportId, UserId};

/// An account as sign-in sees it. The hash never leaves the server.
pub struct SignInRow {
    pub id: UserId,
    pub active: bool,
    pub password_hash: Option<String>,
}

pub async fn account_by_email(
    conn: &mut SqliteConnection,
    email: &str,
) -> anyhow::Result<Option<SignInRow>> {
    Ok(sqlx::query_as!(
        SignInRow,
        r#"SELECT id AS "id!: UserId", active AS "active: bool", password_hash
           FROM users WHERE email = ?"#,
        email
    )
    .fetch_optional(conn)
    .await?)
}

/// What the session check reloads on every request.
pub struct SessionRow {
    pub id: UserId,
    pub role: String,
    pub is_slt: bool,
    pub first_name: String,
    pub surname: String,
    pub password_hash: String,
    pub session_epoch: i64,
    pub school_name: String,
}

/// The account behind a session, only while it is active and has a password.
pub async fn active_account(
    conn: &mut SqliteConnection,
    id: i64,
) -> anyhow::Result<Option<SessionRow>> {
    Ok(sqlx::query_as!(
        SessionRow,
        r#"SELECT id AS "id!: UserId", role, is_slt AS "is_slt: bool", first_name, surname,
                  password_hash AS "password_hash!", session_epoch,
                  COALESCE((SELECT name FROM school WHERE id = 1), 'Markwell') AS "school_name!: String"
           FROM users
           WHERE id = ? AND active = 1 AND password_hash IS NOT NULL"#,
        id
    )
    .fetch_optional(conn)
    .await?)
}

/// Who an account is, as the staff and parent forms set it. A staff
/// account's role is Admin or Teacher, with SLT as a flag; a parent's is Parent.
pub struct AccountDetails<'a> {
    pub role: Role,
    pub slt: bool,
    pub first_name: &'a str,
    pub surname: &'a str,
    pub email: Option<&'a str>,
}

/// A new account. Without a password it can't sign in until an invitation,
/// a reset link or (for a parent) sign-up with an access code sets one.
pub async fn create_account(
    conn: &mut SqliteConnection,
    account: &AccountDetails<'_>,
    active: bool,
    password_hash: Option<&str>,
    at: &str,
) -> anyhow::Result<UserId> {
    let role = account.role.as_str();
    Ok(sqlx::query_scalar!(
        r#"INSERT INTO users (role, is_slt, first_name, surname, email, active, password_hash, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!: UserId""#,
        role,
        account.slt,
        account.first_name,
        account.surname,
        account.email,
        active,
        password_hash,
        at
    )
    .fetch_one(conn)
    .await?)
}

/// Changes an account's details. A staff account stays staff and a parent's
/// stays a parent's: an id of the other kind changes nothing.
pub async fn update_account(
    conn: &mut SqliteConnection,
    id: UserId,
    account: &AccountDetails<'_>,
) -> anyhow::Result<()> {
    let role = account.role.as_str();
    sqlx::query!(
        "UPDATE users SET role = ?1, is_slt = ?2, first_name = ?3, surname = ?4, email = ?5
         WHERE id = ?6 AND (role = 'parent') = (?1 = 'parent')",
        role,
        account.slt,
        account.first_name,
        account.surname,
        account.email,
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Makes an account active or inactive; `parent` says which kind the id
/// must be, so a staff form can't switch off a parent or the reverse.
pub async fn set_active(
    conn: &mut SqliteConnection,
    id: UserId,
    parent: bool,
    active: bool,
) -> anyhow::Result<()> {
    sqlx::query!(
        "UPDATE users SET active = ?, inactive_by_sync = 0 WHERE id = ? AND (role = 'parent') = ?",
        active,
        id,
        parent
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A parent's sign-up: only an active parent account without a password is
/// claimed, so two sign-ups with the same letter at the same moment can't
/// both succeed. Answers whether this one did.
pub async fn claim_parent_account(
    conn: &mut SqliteConnection,
    id: UserId,
    first_name: &str,
    surname: &str,
    email: &str,
    password_hash: &str,
) -> anyhow::Result<bool> {
    let claimed = sqlx::query!(
        "UPDATE users SET first_name = ?, surname = ?, email = ?, password_hash = ?
         WHERE id = ? AND role = 'parent' AND password_hash IS NULL AND active = 1",
        first_name,
        surname,
        email,
        password_hash,
        id
    )
    .execute(conn)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// A parent's "Delete account": the email address is free again, the
/// password gone and every session ended; the row stays, inactive and marked,
/// so the school's Parents page can say what happened.
pub async fn delete_parent_account(
    conn: &mut SqliteConnection,
    parent: &super::ParentRights,
    at: &str,
) -> anyhow::Result<()> {
    let id = parent.parent();
    sqlx::query!(
        "UPDATE users SET email = NULL, password_hash = NULL, active = 0, deleted_at = ?
         WHERE id = ? AND role = 'parent'",
        at,
        id
    )
    .execute(&mut *conn)
    .await?;
    end_all_sessions(conn, id, None, at).await?;
    sqlx::query!("DELETE FROM account_tokens WHERE user_id = ?", id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Removes what is left of an account its parent deleted; any other account
/// is left alone. Answers whether one was removed.
pub async fn remove_deleted_parent(
    conn: &mut SqliteConnection,
    _: &super::AdminRights,
    id: UserId,
) -> anyhow::Result<bool> {
    let removed = sqlx::query!(
        "DELETE FROM users WHERE id = ? AND role = 'parent' AND deleted_at IS NOT NULL",
        id
    )
    .execute(conn)
    .await?;
    Ok(removed.rows_affected() == 1)
}

/// Someone's own name, from Settings.
pub async fn set_name(
    conn: &mut SqliteConnection,
    id: UserId,
    first_name: &str,
    surname: &str,
) -> anyhow::Result<()> {
    sqlx::query!(
        "UPDATE users SET first_name = ?, surname = ? WHERE id = ?",
        first_name,
        surname,
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves the account to its confirmed new address; answers the old one.
pub async fn set_email(
    conn: &mut SqliteConnection,
    id: UserId,
    email: &str,
) -> anyhow::Result<Option<String>> {
    let old = sqlx::query_scalar!("SELECT email FROM users WHERE id = ?", id)
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query!("UPDATE users SET email = ? WHERE id = ?", email, id)
        .execute(conn)
        .await?;
    Ok(old)
}

/// Ends every session of an account at its next request, and closes their
/// rows in "Where you're signed in" but `keep`'s (a session about to sign in
/// again, as after "Change password").
pub async fn end_all_sessions(
    conn: &mut SqliteConnection,
    id: UserId,
    keep: Option<i64>,
    at: &str,
) -> anyhow::Result<()> {
    sqlx::query!(
        "UPDATE users SET session_epoch = session_epoch + 1 WHERE id = ?",
        id
    )
    .execute(&mut *conn)
    .await?;
    super::sessions::end_all_but(conn, id, keep, at).await?;
    crate::ssr::live::access_changed(id);
    Ok(())
}

pub async fn note_sign_in(conn: &mut SqliteConnection, id: UserId, at: &str) -> anyhow::Result<()> {
    sqlx::query!("UPDATE users SET last_sign_in_at = ? WHERE id = ?", at, id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Attempts (failed sign-ins, reset requests) since a time, for one email
/// and from one address: what a rate limit counts.
pub struct RecentAttempts {
    pub for_email: i64,
    pub from_address: i64,
    /// The earliest attempt still counted, which decides when the limit lifts.
    pub oldest: Option<String>,
}

/// What a rate limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// A sign-in that failed (wrong password, unknown email).
    FailedSignIn,
    /// "Send reset password link", whether or not the email has an account.
    ResetRequest,
}

impl Attempt {
    fn as_str(self) -> &'static str {
        match self {
            Attempt::FailedSignIn => "sign-in",
            Attempt::ResetRequest => "reset",
        }
    }
}

/// Attempts of one kind since `since` for this email and from this address.
pub async fn recent_attempts(
    conn: &mut SqliteConnection,
    kind: Attempt,
    email: &str,
    address: &str,
    since: &str,
) -> anyhow::Result<RecentAttempts> {
    let kind = kind.as_str();
    Ok(sqlx::query_as!(
        RecentAttempts,
        r#"SELECT
             (SELECT COUNT(*) FROM attempts WHERE kind = ?4 AND email = ?1 AND at > ?3) AS "for_email!: i64",
             (SELECT COUNT(*) FROM attempts WHERE kind = ?4 AND address = ?2 AND at > ?3) AS "from_address!: i64",
             (SELECT MIN(at) FROM attempts
               WHERE kind = ?4 AND (email = ?1 OR address = ?2) AND at > ?3) AS "oldest: String""#,
        email,
        address,
        since,
        kind
    )
    .fetch_one(conn)
    .await?)
}

pub async fn record_attempt(
    conn: &mut SqliteConnection,
    kind: Attempt,
    email: &str,
    address: &str,
    at: &str,
) -> anyhow::Result<i64> {
    let kind = kind.as_str();
    Ok(sqlx::query_scalar!(
        r#"INSERT INTO attempts (kind, at, email, address) VALUES (?, ?, ?, ?) RETURNING id AS "id!""#,
        kind,
        at,
        email,
        address
    )
    .fetch_one(conn)
    .await?)
}

/// Takes back an attempt counted before a password was checked, once it
/// turned out right.
pub async fn withdraw_attempt(conn: &mut SqliteConnection, id: i64) -> anyhow::Result<()> {
    sqlx::query!("DELETE FROM attempts WHERE id = ?", id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A good sign-in (or a new password) wipes that email's failed sign-ins,
/// so the count is of failures in a row.
pub async fn forget_failures(conn: &mut SqliteConnection, email: &str) -> anyhow::Result<()> {
    sqlx::query!(
        "DELETE FROM attempts WHERE kind = 'sign-in' AND email = ?",
        email
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// An active account that email can be sent to, found by its address.
pub struct Reachable {
    pub id: UserId,
    pub first_name: String,
    pub email: String,
}

pub async fn account_to_email(
    conn: &mut SqliteConnection,
    email: &str,
) -> anyhow::Result<Option<Reachable>> {
    Ok(sqlx::query_as!(
        Reachable,
        r#"SELECT id AS "id!: UserId", first_name, email AS "email!"
           FROM users WHERE email = ? AND active = 1"#,
        email
    )
    .fetch_optional(conn)
    .await?)
}

/// Who an account belongs to, for password rules and emails.
pub struct AccountNames {
    pub first_name: String,
    pub surname: String,
    pub email: Option<String>,
    pub active: bool,
}

pub async fn account_names(
    conn: &mut SqliteConnection,
    id: UserId,
) -> anyhow::Result<AccountNames> {
    Ok(sqlx::query_as!(
        AccountNames,
        r#"SELECT first_name, surname, email, active AS "active: bool" FROM users WHERE id = ?"#,
        id
    )
    .fetch_one(conn)
    .await?)
}

pub async fn set_password(
    conn: &mut SqliteConnection,
    id: UserId,
    hash: &str,
) -> anyhow::Result<()> {
    sqlx::query!("UPDATE users SET password_hash = ? WHERE id = ?", hash, id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether `group` is within `viewer`'s reach (the `group_reach` view):
/// `Some(teaches)` when it is, `None` when it isn't or doesn't exist.
pub async fn group_in_reach(
    conn: &mut SqliteConnection,
    viewer: UserId,
    group: GroupId,
) -> anyhow::Result<Option<bool>> {
    Ok(sqlx::query_scalar!(
        r#"SELECT teaches AS "teaches!: bool" FROM group_reach
           WHERE viewer_id = ?1 AND group_id = ?2"#,
        viewer,
        group
    )
    .fetch_optional(conn)
    .await?)
}

/// Whether `viewer` made `group`.
pub async fn created_group(
    conn: &mut SqliteConnection,
    group: GroupId,
    viewer: UserId,
) -> anyhow::Result<bool> {
    Ok(sqlx::query_scalar!(
        r#"SELECT 1 AS "one!: i64" FROM groups WHERE id = ? AND created_by = ?"#,
        group,
        viewer
    )
    .fetch_optional(conn)
    .await?
    .is_some())
}

/// The group a report is written from, if it has one.
pub async fn report_group(
    conn: &mut SqliteConnection,
    report: ReportId,
) -> anyhow::Result<Option<GroupId>> {
    Ok(sqlx::query_scalar!(
        r#"SELECT group_id AS "group: GroupId" FROM reports WHERE id = ?"#,
        report
    )
    .fetch_optional(conn)
    .await?
    .flatten())
}

pub async fn report_exists(conn: &mut SqliteConnection, report: ReportId) -> anyhow::Result<bool> {
    Ok(sqlx::query_scalar!(
        r#"SELECT 1 AS "one!: i64" FROM reports WHERE id = ?"#,
        report
    )
    .fetch_optional(conn)
    .await?
    .is_some())
}

/// Whether this pupil's report is published, or None when the pupil has no
/// such report.
pub async fn report_published(
    conn: &mut SqliteConnection,
    report: ReportId,
    pupil: PupilId,
) -> anyhow::Result<Option<bool>> {
    Ok(sqlx::query_scalar!(
        r#"SELECT published_at IS NOT NULL AS "published!: bool"
           FROM reports WHERE id = ?1 AND pupil_id = ?2"#,
        report,
        pupil
    )
    .fetch_optional(conn)
    .await?)
}

/// Whether `pupil` is within `viewer`'s reach (the `pupil_reach` view).
pub async fn pupil_in_reach(
    conn: &mut SqliteConnection,
    viewer: UserId,
    pupil: PupilId,
) -> anyhow::Result<bool> {
    let found = sqlx::query_scalar!(
        r#"SELECT 1 AS "one!: i64" FROM pupil_reach WHERE viewer_id = ?1 AND pupil_id = ?2"#,
        viewer,
        pupil
    )
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}
