//! "Having trouble logging in?": reset links, and setting a password from an
//! emailed link (a reset or a staff invitation). Nothing here tells a
//! stranger whether an address has an account: a reset request answers the
//! same, and is rate-limited the same, whatever the address.

use time::Duration;

use super::{
    password,
    store::{self, Attempt},
    tokens::{self, LinkState, Purpose},
};
use crate::{
    error::AppError,
    ids::UserId,
    ssr::{
        audit::Audit,
        base_url, clock, db,
        outbox::{self, Letter, Template},
        Arrival, Write,
    },
};

/// Reset requests allowed per email, then per address, within the window.
pub const RESETS_PER_EMAIL: i64 = 3;
pub const RESETS_PER_ADDRESS: i64 = 20;
pub const RESET_WINDOW_MINUTES: i64 = 60;

/// Records the request and, when the address belongs to an active account,
/// queues an email with a reset link.
pub async fn request_reset(email: &str) -> anyhow::Result<()> {
    if email.trim().is_empty() {
        return Err(AppError::invalid("email", "Enter your email address.").into());
    }
    let email = &super::details::check_email_form("email", email)?;
    let arrival = Arrival::now().await?;
    let address = arrival.address_for_limits();
    let mut tx = Write::begin(None, &arrival).await?;
    let (now, at) = (tx.now, tx.at.clone());
    let since = crate::ssr::clock::stamp(now - Duration::minutes(RESET_WINDOW_MINUTES));
    let recent =
        store::recent_attempts(&mut tx, Attempt::ResetRequest, email, &address, &since).await?;
    if recent.for_email >= RESETS_PER_EMAIL || recent.from_address >= RESETS_PER_ADDRESS {
        let minutes = super::accounts::minutes_until_lifted(
            recent.oldest.as_deref(),
            RESET_WINDOW_MINUTES,
            now,
        );
        return Err(AppError::TooManyAttempts { minutes }.into());
    }
    store::record_attempt(&mut tx, Attempt::ResetRequest, email, &address, &at).await?;
    if let Some(account) = store::account_to_email(&mut tx, email).await? {
        let token = tokens::issue(&mut tx, now, account.id, Purpose::PasswordReset, None).await?;
        let link = format!("{}/reset-password/{}", base_url()?, token.as_str());
        outbox::queue(
            &mut tx,
            &at,
            Letter {
                template: Template::PasswordReset,
                to_address: &account.email,
                to_name: &account.first_name,
                link: Some(&link),
                expires: Some(Purpose::PasswordReset.lifetime_in_words()),
                about: None,
                lines: &[],
            },
        )
        .await?;
        tx.audit(Audit::PasswordResetRequested { user: account.id })
            .await?;
    }
    outbox::commit(tx).await
}

/// Queues an invitation to set a password (a link that works once, for 7
/// days), in the caller's transaction. An earlier invitation stops working.
pub async fn queue_invitation(
    conn: &mut sqlx::SqliteConnection,
    now: time::OffsetDateTime,
    user: UserId,
    first_name: &str,
    email: &str,
) -> anyhow::Result<()> {
    // Parents are told about their children's reports, staff about the markbook.
    let role = sqlx::query_scalar!("SELECT role FROM users WHERE id = ?", user)
        .fetch_one(&mut *conn)
        .await?;
    let template = if role == "parent" {
        Template::ParentInvitation
    } else {
        Template::Invitation
    };
    let token = tokens::issue(&mut *conn, now, user, Purpose::Invitation, None).await?;
    let link = format!("{}/invitation/{}", base_url()?, token.as_str());
    outbox::queue(
        conn,
        &crate::ssr::clock::stamp(now),
        Letter {
            template,
            to_address: email,
            to_name: first_name,
            link: Some(&link),
            expires: Some(Purpose::Invitation.lifetime_in_words()),
            about: None,
            lines: &[],
        },
    )
    .await
}

/// What an emailed link is, for the page it opens.
pub async fn link_state(token: &str, purpose: Purpose) -> anyhow::Result<LinkState> {
    let now = clock()?.now();
    let mut conn = db()?.acquire().await?;
    tokens::check(&mut conn, now, token, purpose).await
}

/// Sets the password from an emailed link (reset or invitation), uses the
/// link up, and ends every session of the account.
pub async fn set_password_from_link(
    token: &str,
    purpose: Purpose,
    new_password: String,
    confirm: &str,
) -> anyhow::Result<()> {
    let clock = clock()?;
    let now = clock.now();
    let at = clock.stamp();
    let pool = db()?;
    let link = {
        let mut conn = pool.acquire().await?;
        match tokens::check(&mut conn, now, token, purpose).await? {
            LinkState::Ready(link) => link,
            other => return Err(other.refusal().into()),
        }
    };
    let person = {
        let mut conn = pool.acquire().await?;
        store::account_names(&mut conn, link.user).await?
    };
    if !person.active {
        return Err(AppError::invalid(
            "",
            "This account is inactive. Please contact the school office.",
        )
        .into());
    }
    super::accounts::check_new_password_for(&person, &new_password, confirm)?;
    let hash = password::hash(new_password).await?;
    let mut tx = Write::begin(Some(link.user), &Arrival::now().await?).await?;
    if !tokens::use_up(&mut tx, &link, &at).await? {
        return Err(LinkState::Used.refusal().into());
    }
    store::set_password(&mut tx, link.user, &hash).await?;
    store::end_all_sessions(&mut tx, link.user, None, &at).await?;
    if let Some(email) = &person.email {
        store::forget_failures(&mut tx, email).await?;
    }
    let event = match purpose {
        // The first password, set from the invitation: nothing to warn of.
        Purpose::Invitation => Audit::InvitationAccepted { user: link.user },
        _ => {
            super::accounts::after_new_password(&mut tx, link.user, &person).await?;
            Audit::PasswordReset { user: link.user }
        }
    };
    tx.audit(event).await?;
    outbox::commit(tx).await?;
    Ok(())
}
