//! Accounts as axum-login sees them, and the sign-in and sign-out steps.
//!
//! axum-login reloads the account on every request through `get_user` and
//! compares `session_auth_hash` with the one stored at sign-in: inactive
//! accounts load as nobody, and bumping `session_epoch` (or changing the
//! password) ends every session of the account at its next request.

use anyhow::Context;
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use axum_login::{AuthUser, AuthnBackend, UserId as LoginId};
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;
use tower_sessions::{cookie::time::Duration, Expiry, Session};

use super::{
    model::{Person, Role},
    password, sessions,
    store::{self, Attempt},
};
use crate::{
    error::AppError,
    ids::UserId,
    ssr::{
        audit::Audit,
        db, outbox,
        usage::{self, Client, UsageKind},
        AppState, Arrival, Write,
    },
};

pub use super::sessions::REMEMBER_ME_DAYS;
/// Failed sign-ins allowed per email, then per address, within the window.
pub const FAILURES_PER_EMAIL: i64 = 5;
pub const FAILURES_PER_ADDRESS: i64 = 20;
pub const FAILURE_WINDOW_MINUTES: i64 = 15;

#[derive(Clone)]
pub struct Accounts {
    pool: SqlitePool,
}

impl Accounts {
    pub fn new(pool: SqlitePool) -> Self {
        Accounts { pool }
    }
}

pub type AuthSession = axum_login::AuthSession<Accounts>;

/// Who is signed in to the request being answered, read from what the
/// session layer has already loaded: no query, so a page can know it while
/// it renders, without waiting.
pub fn signed_in_person() -> Result<Person, AppError> {
    let parts =
        leptos::prelude::use_context::<http::request::Parts>().ok_or(AppError::SignedOut)?;
    let account = parts
        .extensions
        .get::<AuthSession>()
        .and_then(|auth| auth.user.as_ref())
        .ok_or(AppError::SignedOut)?;
    Ok(account.person.clone())
}

/// A signed-in account, reloaded each request: the person, and what ties
/// their sessions to their password and "signed in after" stamp.
#[derive(Clone)]
pub struct Account {
    pub person: Person,
    auth_hash: Vec<u8>,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.person.id)
            .field("role", &self.person.role)
            .finish_non_exhaustive()
    }
}

impl AuthUser for Account {
    type Id = i64;

    fn id(&self) -> i64 {
        self.person.id.0
    }

    fn session_auth_hash(&self) -> &[u8] {
        &self.auth_hash
    }
}

fn session_auth_hash(password_hash: &str, epoch: i64) -> Vec<u8> {
    Sha256::new()
        .chain_update(password_hash.as_bytes())
        .chain_update(b":")
        .chain_update(epoch.to_be_bytes())
        .finalize()
        .to_vec()
}

impl From<store::SessionRow> for Account {
    fn from(row: store::SessionRow) -> Self {
        Account {
            person: Person {
                id: row.id,
                role: Role::parse(&row.role).unwrap_or(Role::Parent),
                slt: row.is_slt,
                first_name: row.first_name,
                surname: row.surname,
                school_name: row.school_name,
            },
            auth_hash: session_auth_hash(&row.password_hash, row.session_epoch),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("loading an account: {0}")]
pub struct LoadError(String);

impl AuthnBackend for Accounts {
    type User = Account;
    /// Sign-in goes through [`sign_in`], which adds rate limits and the audit
    /// log; axum-login's own `authenticate` is not used.
    type Credentials = std::convert::Infallible;
    type Error = LoadError;

    async fn authenticate(&self, never: Self::Credentials) -> Result<Option<Account>, LoadError> {
        match never {}
    }

    async fn get_user(&self, id: &LoginId<Self>) -> Result<Option<Account>, LoadError> {
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(|e| LoadError(e.to_string()))?;
        let row = store::active_account(&mut conn, *id)
            .await
            .map_err(|e| LoadError(e.to_string()))?;
        Ok(row.map(Account::from))
    }
}

/// What the sign-in form sends.
pub struct SignInForm {
    pub email: String,
    pub password: String,
    pub remember: bool,
    pub client: Client,
}

/// Checks the credentials, applies the rate limits, starts the session and
/// records the sign-in. Every failure answers the same, known email or not.
pub async fn sign_in(form: SignInForm) -> anyhow::Result<()> {
    let email = form.email.trim().to_owned();
    if email.is_empty() {
        return Err(AppError::invalid("email", "Enter your email address.").into());
    }
    if form.password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password.").into());
    }
    let arrival = Arrival::now().await?;
    let at = arrival.at.clone();
    let (account, _) = count_attempt_first(&arrival, &email).await?;
    let stored_hash = account.as_ref().and_then(|a| a.password_hash.clone());
    let matches = password::verify(stored_hash, form.password).await?;

    let mut tx = Write::begin(None, &arrival).await?;
    let account = match account {
        Some(account) if matches => account,
        other => {
            // Already counted, before the password was checked.
            tx.audit_by(other.map(|a| a.id), Audit::SignInFailed)
                .await?;
            tx.commit().await?;
            return Err(AppError::invalid(
                "",
                "That email address and password don't match an account. Check them and try again.",
            )
            .into());
        }
    };
    if !account.active {
        tx.audit_by(Some(account.id), Audit::SignInRefusedInactive)
            .await?;
        tx.commit().await?;
        return Err(AppError::invalid(
            "",
            "This account is inactive. Please contact the school office.",
        )
        .into());
    }
    store::forget_failures(&mut tx, &email).await?;
    store::note_sign_in(&mut tx, account.id, &at).await?;
    tx.audit_by(Some(account.id), Audit::SignedIn).await?;
    usage::record(&mut tx, &at, account.id, UsageKind::SignIn, form.client, 1).await?;
    tx.commit().await?;

    let mut conn = db()?.acquire().await?;
    let loaded = store::active_account(&mut conn, account.id.0)
        .await?
        .context("the account vanished during sign-in")?;
    let mut auth: AuthSession = leptos_axum::extract()
        .await
        .map_err(|e| anyhow::anyhow!("reading the session: {e}"))?;
    auth.login(&Account::from(loaded))
        .await
        .map_err(|e| anyhow::anyhow!("starting the session: {e}"))?;
    let session: tower_sessions::Session = leptos_axum::extract()
        .await
        .map_err(|e| anyhow::anyhow!("reading the session: {e}"))?;
    // Remember me: 30 days from now, not renewed by each visit.
    session.set_expiry(Some(if form.remember {
        Expiry::AtDateTime(time::OffsetDateTime::now_utc() + Duration::days(REMEMBER_ME_DAYS))
    } else {
        Expiry::OnSessionEnd
    }));
    usage::note_sign_in(&session, form.client, &at).await?;
    let mut tx = Write::begin(Some(account.id), &arrival).await?;
    sessions::start_here(&mut tx, &session, account.id, form.client, &at).await?;
    tx.commit().await?;
    Ok(())
}

/// Counts a password attempt for this email before the password is checked,
/// refusing with TooManyAttempts once the email or the address has had too
/// many within the window. Check and count are one write, and writes take
/// turns, so a burst of guesses at once gets no more checks than the limit;
/// and no connection is held while argon2 runs. Answers the account the
/// email belongs to, if any, and the attempt, to withdraw if it succeeds.
async fn count_attempt_first(
    arrival: &Arrival,
    email: &str,
) -> anyhow::Result<(Option<store::SignInRow>, i64)> {
    let address = arrival.address_for_limits();
    let mut tx = Write::begin(None, arrival).await?;
    let (now, at) = (tx.now, tx.at.clone());
    let window_start =
        crate::ssr::clock::stamp(now - time::Duration::minutes(FAILURE_WINDOW_MINUTES));
    let failures = store::recent_attempts(
        &mut tx,
        Attempt::FailedSignIn,
        email,
        &address,
        &window_start,
    )
    .await?;
    if failures.for_email >= FAILURES_PER_EMAIL || failures.from_address >= FAILURES_PER_ADDRESS {
        let minutes = minutes_until_lifted(failures.oldest.as_deref(), FAILURE_WINDOW_MINUTES, now);
        return Err(AppError::TooManyAttempts { minutes }.into());
    }
    let attempt =
        store::record_attempt(&mut tx, Attempt::FailedSignIn, email, &address, &at).await?;
    let account = store::account_by_email(&mut tx, email).await?;
    tx.commit().await?;
    Ok((account, attempt))
}

/// Checks a new password against the rules, counting the person's own name
/// and email as easy to guess.
pub(super) fn check_new_password_for(
    person: &store::AccountNames,
    new_password: &str,
    confirm: &str,
) -> Result<(), AppError> {
    password::check_new(
        new_password,
        Some(confirm),
        &[
            &person.first_name,
            &person.surname,
            person.email.as_deref().unwrap_or(""),
        ],
    )
}

/// Whole minutes (rounded up) until a rate limit lifts: when the oldest
/// counted attempt leaves the window.
pub fn minutes_until_lifted(
    oldest: Option<&str>,
    window_minutes: i64,
    now: time::OffsetDateTime,
) -> u32 {
    let window = time::Duration::minutes(window_minutes);
    let lifts = oldest
        .and_then(|oldest| time::PrimitiveDateTime::parse(oldest, crate::ssr::clock::STORED).ok())
        .map(|oldest| oldest.assume_utc() + window - now)
        .unwrap_or(window);
    lifts.whole_minutes().clamp(0, window_minutes) as u32 + 1
}

/// Ends this session on the server and records it.
pub async fn sign_out() -> anyhow::Result<()> {
    let mut auth: AuthSession = leptos_axum::extract()
        .await
        .map_err(|e| anyhow::anyhow!("reading the session: {e}"))?;
    let row = sessions::current(&auth.session).await?;
    let who = auth
        .logout()
        .await
        .map_err(|e| anyhow::anyhow!("ending the session: {e}"))?;
    if let Some(account) = who {
        let user = account.person.id;
        let mut tx = Write::begin(Some(user), &Arrival::now().await?).await?;
        if let Some(row) = row {
            let at = tx.at.clone();
            sessions::end_one(&mut tx, user, row, &at).await?;
        }
        tx.audit(Audit::SignedOut).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Checks the signed-in person's current password before a change to their
/// own account, under the same limits as sign-in, so a borrowed session
/// can't be used to guess it.
pub async fn confirm_current_password(
    user: UserId,
    password: String,
    field: &str,
) -> anyhow::Result<()> {
    if password.is_empty() {
        return Err(AppError::invalid(field, "Enter your current password.").into());
    }
    let arrival = Arrival::now().await?;
    let email = {
        let mut conn = db()?.acquire().await?;
        store::account_names(&mut conn, user)
            .await?
            .email
            .unwrap_or_default()
    };
    let (account, attempt) = count_attempt_first(&arrival, &email).await?;
    let stored = account.and_then(|account| account.password_hash);
    if password::verify(stored, password).await? {
        let mut tx = Write::begin(Some(user), &arrival).await?;
        store::withdraw_attempt(&mut tx, attempt).await?;
        tx.commit().await?;
        return Ok(());
    }
    Err(AppError::invalid(
        field,
        "That isn't your current password. Check it and try again.",
    )
    .into())
}

/// What follows every new password set by its owner (a reset or a change),
/// in the same transaction: a pending new-email link can't outlive it (a
/// stolen password can't keep a back door), and the account's address is
/// told, in case it wasn't them.
pub(super) async fn after_new_password(
    tx: &mut Write,
    user: UserId,
    person: &store::AccountNames,
) -> anyhow::Result<()> {
    let at = tx.at.clone();
    super::tokens::end_open(tx, &at, user, super::tokens::Purpose::NewEmail).await?;
    if let Some(email) = &person.email {
        let letter = outbox::Letter {
            template: outbox::Template::PasswordChanged,
            to_address: email,
            to_name: &person.first_name,
            link: None,
            expires: None,
            about: None,
            lines: &[],
        };
        outbox::queue(tx, &at, letter).await?;
    }
    Ok(())
}

/// "Change password" in Settings: every other session of the account ends,
/// and this one carries on under the new password.
pub async fn change_password(
    user: UserId,
    new_password: String,
    confirm: &str,
) -> anyhow::Result<()> {
    let pool = db()?;
    let person = {
        let mut conn = pool.acquire().await?;
        store::account_names(&mut conn, user).await?
    };
    check_new_password_for(&person, &new_password, confirm)?;
    let hash = password::hash(new_password).await?;
    let this_one = sessions::current(&sessions::this_session().await?).await?;
    let mut tx = Write::begin(Some(user), &Arrival::now().await?).await?;
    let at = tx.at.clone();
    store::set_password(&mut tx, user, &hash).await?;
    store::end_all_sessions(&mut tx, user, this_one, &at).await?;
    after_new_password(&mut tx, user, &person).await?;
    tx.audit(Audit::PasswordChanged { user }).await?;
    outbox::commit(tx).await?;
    // The session's stored hash no longer matches; signing in again here
    // keeps this session (with a fresh id) while every other one has ended.
    // The password has changed whatever happens now, and the answer says so.
    let renewed = async {
        let mut conn = pool.acquire().await?;
        let loaded = store::active_account(&mut conn, user.0)
            .await?
            .context("the account vanished during a password change")?;
        let mut auth: AuthSession = leptos_axum::extract()
            .await
            .map_err(|e| anyhow::anyhow!("reading the session: {e}"))?;
        auth.login(&Account::from(loaded))
            .await
            .map_err(|e| anyhow::anyhow!("renewing the session: {e}"))
    };
    if let Err(err) = renewed.await {
        tracing::warn!(
            error = format!("{err:#}"),
            "couldn't renew a session after a password change"
        );
        return Err(AppError::invalid(
            "",
            "Your password has been changed, but we couldn't keep you signed in here. Sign in again with your new password.",
        )
        .into());
    }
    Ok(())
}

/// Middleware, inside the sign-in layer: a session whose row has ended is
/// signed out before anything answers the request; an open one has its
/// "last used" kept fresh; a session from before rows were kept gets one.
/// Keeping the list never gets in the way of the request, but an ended
/// session never gets through.
pub async fn keep_sessions(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let user_agent = request
        .headers()
        .get(axum::http::header::USER_AGENT)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if let Some(auth) = request.extensions_mut().get_mut::<AuthSession>() {
        if let Some(user) = auth.user.as_ref().map(|account| account.person.id) {
            match sessions::still_open(&state, &auth.session, user, &user_agent).await {
                Ok(true) => {}
                Ok(false) => {
                    if let Err(err) = auth.logout().await {
                        tracing::warn!(error = %err, "couldn't end a signed-out session");
                        return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
                    }
                }
                Err(err) => tracing::warn!(error = format!("{err:#}"), "couldn't check a session"),
            }
        }
    }
    next.run(request).await
}

/// Middleware: the first request of a school day from a signed-in session
/// counts a visit, so days active and browser or app are right for people
/// who stay signed in. Later requests that day only read the session.
/// Counting never gets in the way of the request.
pub async fn count_visit(
    State(state): State<AppState>,
    auth: AuthSession,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    if let Some(account) = &auth.user {
        if let Err(err) = visit(&state, account.person.id, &session).await {
            tracing::warn!(error = format!("{err:#}"), "couldn't count a visit");
        }
    }
    next.run(request).await
}

async fn visit(state: &AppState, user: UserId, session: &Session) -> anyhow::Result<()> {
    let at = state.clock.stamp();
    let today = crate::ssr::clock::school_day(&at)?;
    if session.get::<String>(usage::SESSION_DAY).await?.as_deref() == Some(today.as_str()) {
        return Ok(());
    }
    let client = usage::session_client(session).await?;
    let mut write = sessions::middleware_write(state, user).await?;
    usage::record(&mut write, &at, user, UsageKind::Visit, client, 1).await?;
    write.commit().await?;
    session.insert(usage::SESSION_DAY, today).await?;
    Ok(())
}
