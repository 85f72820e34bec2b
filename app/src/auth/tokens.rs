//! The single-use links Markwell emails: an invitation to set a password (7
//! days), a password reset (24 hours) and a new email address (24 hours).
//! The token exists only in the email; the database keeps its SHA-256, so a
//! copy of the database can't be used to take over an account.

use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;
use time::{Duration, OffsetDateTime};

use super::model::LinkStatus;
use crate::{error::AppError, ids::UserId, ssr::clock::stamp};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Invitation,
    PasswordReset,
    NewEmail,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Invitation => "invitation",
            Purpose::PasswordReset => "password-reset",
            Purpose::NewEmail => "new-email",
        }
    }

    pub fn lifetime(self) -> Duration {
        match self {
            Purpose::Invitation => Duration::days(7),
            Purpose::PasswordReset | Purpose::NewEmail => Duration::hours(24),
        }
    }

    /// The lifetime as the email says it.
    pub fn lifetime_in_words(self) -> &'static str {
        match self {
            Purpose::Invitation => "in 7 days",
            Purpose::PasswordReset | Purpose::NewEmail => "in 24 hours",
        }
    }
}

/// A token as it goes into a link: 256 random bits, hex-encoded.
pub struct Token(String);

impl Token {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The SHA-256 of a secret, hex-encoded: what is stored in place of a link's
/// token or a parent's access code.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Makes a new link for `user`. Any earlier unused link for the same purpose
/// stops working, so only the newest email counts.
pub async fn issue(
    conn: &mut SqliteConnection,
    now: OffsetDateTime,
    user: UserId,
    purpose: Purpose,
    new_email: Option<&str>,
) -> anyhow::Result<Token> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let token_hash = hash(&token);
    let at = stamp(now);
    let expires = stamp(now + purpose.lifetime());
    end_open(&mut *conn, &at, user, purpose).await?;
    let purpose_name = purpose.as_str();
    sqlx::query!(
        "INSERT INTO account_tokens (user_id, purpose, token_hash, new_email, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)",
        user,
        purpose_name,
        token_hash,
        new_email,
        at,
        expires
    )
    .execute(conn)
    .await?;
    Ok(Token(token))
}

/// Ends every unused link of this kind for `user`, such as an invitation
/// sent to an address that has since been corrected.
pub async fn end_open(
    conn: &mut SqliteConnection,
    at: &str,
    user: UserId,
    purpose: Purpose,
) -> anyhow::Result<()> {
    let purpose_name = purpose.as_str();
    sqlx::query!(
        "UPDATE account_tokens SET expires_at = ?1
         WHERE user_id = ?2 AND purpose = ?3 AND used_at IS NULL AND expires_at > ?1",
        at,
        user,
        purpose_name
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// How many links of this kind were issued to a person since a time: what
/// a limit on asking for them counts.
pub async fn issued_since(
    conn: &mut SqliteConnection,
    user: UserId,
    purpose: Purpose,
    since: &str,
) -> anyhow::Result<i64> {
    let purpose_name = purpose.as_str();
    Ok(sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64" FROM account_tokens
           WHERE user_id = ? AND purpose = ? AND created_at >= ?"#,
        user,
        purpose_name,
        since
    )
    .fetch_one(conn)
    .await?)
}

/// What a link from an email turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkState {
    Ready(ReadyLink),
    Used,
    Expired,
    /// Never issued (mistyped or forged), or issued for something else.
    Unknown,
}

impl LinkState {
    /// What the page the link opens is told.
    pub fn status(&self) -> LinkStatus {
        match self {
            LinkState::Ready(_) => LinkStatus::Ready,
            LinkState::Used => LinkStatus::Used,
            LinkState::Expired => LinkStatus::Expired,
            LinkState::Unknown => LinkStatus::Unknown,
        }
    }

    /// Why a link that isn't ready can't be used, as a message for the
    /// whole form.
    pub fn refusal(&self) -> AppError {
        let message = match self {
            LinkState::Used => "This link has already been used. Each link works once.",
            LinkState::Expired => "This link has expired.",
            _ => "This link doesn't work. It may have been copied incompletely.",
        };
        AppError::invalid("", message)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadyLink {
    pub id: i64,
    pub user: UserId,
    pub new_email: Option<String>,
}

pub async fn check(
    conn: &mut SqliteConnection,
    now: OffsetDateTime,
    token: &str,
    purpose: Purpose,
) -> anyhow::Result<LinkState> {
    let token_hash = hash(token.trim());
    let purpose_name = purpose.as_str();
    let row = sqlx::query!(
        r#"SELECT id AS "id!", user_id AS "user_id!: UserId", new_email, expires_at, used_at
           FROM account_tokens WHERE token_hash = ? AND purpose = ?"#,
        token_hash,
        purpose_name
    )
    .fetch_optional(conn)
    .await?;
    Ok(match row {
        None => LinkState::Unknown,
        Some(row) if row.used_at.is_some() => LinkState::Used,
        Some(row) if row.expires_at <= stamp(now) => LinkState::Expired,
        Some(row) => LinkState::Ready(ReadyLink {
            id: row.id,
            user: row.user_id,
            new_email: row.new_email,
        }),
    })
}

/// Uses a ready link up. Answers false if another request used it first,
/// so a link works once even when clicked twice at the same moment.
pub async fn use_up(
    conn: &mut SqliteConnection,
    link: &ReadyLink,
    at: &str,
) -> anyhow::Result<bool> {
    let done = sqlx::query!(
        "UPDATE account_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL",
        at,
        link.id
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use super::hash;

    #[test]
    fn only_a_hash_is_kept() {
        let token = "ab".repeat(32);
        assert_eq!(hash(&token).len(), 64);
        assert_ne!(hash(&token), token);
    }
}
