//! Parent sign-up with the access code from a printed letter: the code and
//! the child's date of birth must both match. The parent's account already
//! exists (the school made it); signing up gives it the name, email and
//! password the parent chooses, and uses the code up. Failures are counted
//! per network address and per code, so neither codes nor dates of birth can
//! be found by trying many.

use sqlx::SqliteConnection;
use time::Duration;

use super::{
    codes,
    model::{parse_access_code, parse_date_of_birth},
};
use crate::{
    auth::{accounts::minutes_until_lifted, details, password, store as accounts, tokens},
    error::{AppError, Problems},
    ids::{PupilId, UserId},
    ssr::{audit::Audit, clock::stamp, Arrival, Write},
};

/// Generous enough for a parents' evening behind one school network.
pub const FAILURES_PER_ADDRESS: i64 = 30;
pub const FAILURES_PER_CODE: i64 = 5;
pub const WINDOW_MINUTES: i64 = 60;

/// A code and date of birth that don't match, whatever the reason: for
/// sign-up and Add pupil alike.
pub(super) const NO_MATCH: &str = "That access code and date of birth don't match what the school holds. Check both against your letter, or ask the school office.";
const ALREADY_SET_UP: &str = "This access code belongs to an account that is already set up. Sign in with its email address and password.";
/// Said whatever the reason, so sign-up can't be used to learn who has an
/// account.
const EMAIL_NOT_FREE: &str = "This email address can't be used for a new account. If you already use Markwell, sign in instead; otherwise use another address.";

pub struct SignUpForm {
    pub code: String,
    pub date_of_birth: String,
    pub first_name: String,
    pub surname: String,
    pub email: String,
    pub password: String,
    pub confirm: String,
}

/// What the school holds for the link a code belongs to.
pub(super) struct Claim {
    pub link: i64,
    pub parent: UserId,
    pub pupil: PupilId,
    date_of_birth: String,
    pupil_active: bool,
    parent_active: bool,
    /// Someone has signed up with the parent record the link belongs to.
    pub signed_up: bool,
}

pub async fn sign_up(form: SignUpForm) -> anyhow::Result<()> {
    // Every mistake in what was typed is named at once.
    let mut problems = Problems::default();
    problems.take(parse_access_code(&form.code));
    let born = problems.take(parse_date_of_birth(&form.date_of_birth));
    let names = problems.take(details::check_names(&form.first_name, &form.surname));
    let email = problems.take(details::check_email_form("email", &form.email));
    let (born, (first_name, surname), email) =
        problems.finish_with(|| Some((born?, names?, email?)))?;
    let arrival = Arrival::now().await?;
    let at = arrival.at.clone();
    let address = arrival.address_for_limits();
    let claim = check_code(&arrival, &form.code, &born).await?;
    if claim.signed_up {
        return Err(AppError::invalid("", ALREADY_SET_UP).into());
    }
    password::check_new(
        &form.password,
        Some(&form.confirm),
        &[&first_name, &surname, &email],
    )?;
    let hash = password::hash(form.password).await?;

    let mut tx = Write::begin(Some(claim.parent), &arrival).await?;
    let email = match details::check_email_free(&mut tx, "email", &email, Some(claim.parent)).await
    {
        Ok(email) => email,
        Err(_) => {
            // Counted, so one letter can't be used to test many addresses.
            codes::record_failure(&mut tx, &at, &address, Some(claim.link)).await?;
            tx.commit().await?;
            return Err(AppError::invalid("email", EMAIL_NOT_FREE).into());
        }
    };
    // The code must still be this link's (not reissued or unlinked while the
    // password was hashed) and the child still on the roll; it is used up here.
    if !codes::use_up(&mut tx, claim.link, &form.code).await? {
        return Err(AppError::invalid("", NO_MATCH).into());
    }
    let claimed =
        accounts::claim_parent_account(&mut tx, claim.parent, &first_name, &surname, &email, &hash)
            .await?;
    if !claimed {
        return Err(AppError::invalid("", ALREADY_SET_UP).into());
    }
    // An emailed invitation is no longer needed.
    tokens::end_open(&mut tx, &at, claim.parent, tokens::Purpose::Invitation).await?;
    tx.audit(Audit::SignedUp { user: claim.parent }).await?;
    tx.commit().await?;
    Ok(())
}

/// Checks a typed code and date of birth against what the school holds.
/// Every mismatch answers the same, and is counted in its own transaction so
/// it stands whatever happens next: neither codes nor dates of birth can be
/// found by trying many.
pub(super) async fn check_code(arrival: &Arrival, code: &str, born: &str) -> anyhow::Result<Claim> {
    let (now, at) = (arrival.now, arrival.at.clone());
    let address = arrival.address_for_limits();
    let mut tx = Write::begin(None, arrival).await?;
    let link = codes::link_for(&mut tx, code).await?;
    if let Some(minutes) = locked_for(&mut tx, now, &address, link).await? {
        return Err(AppError::TooManyAttempts { minutes }.into());
    }
    let claim = match link {
        Some(link) => {
            sqlx::query_as!(
                Claim,
                r#"SELECT l.id AS "link!", l.parent_id AS "parent!: UserId",
                          l.pupil_id AS "pupil!: PupilId", p.date_of_birth,
                          p.active AS "pupil_active: bool", u.active AS "parent_active: bool",
                          u.password_hash IS NOT NULL AS "signed_up!: bool"
                   FROM parent_links l
                   JOIN pupils p ON p.id = l.pupil_id
                   JOIN users u ON u.id = l.parent_id
                   WHERE l.id = ?"#,
                link
            )
            .fetch_optional(&mut *tx)
            .await?
        }
        None => None,
    };
    match claim {
        Some(claim) if claim.date_of_birth == born && claim.pupil_active && claim.parent_active => {
            Ok(claim)
        }
        _ => {
            codes::record_failure(&mut tx, &at, &address, link).await?;
            tx.commit().await?;
            Err(AppError::invalid("", NO_MATCH).into())
        }
    }
}

/// Minutes until this address or this code may try again, if either has
/// reached its limit: the wait is for the limit that was reached.
async fn locked_for(
    conn: &mut SqliteConnection,
    now: time::OffsetDateTime,
    address: &str,
    link: Option<i64>,
) -> anyhow::Result<Option<u32>> {
    let since = stamp(now - Duration::minutes(WINDOW_MINUTES));
    let recent = codes::recent_failures(conn, address, link, &since).await?;
    let oldest = if recent.for_code >= FAILURES_PER_CODE {
        recent.oldest_for_code
    } else if recent.from_address >= FAILURES_PER_ADDRESS {
        recent.oldest_from_address
    } else {
        return Ok(None);
    };
    Ok(Some(minutes_until_lifted(
        oldest.as_deref(),
        WINDOW_MINUTES,
        now,
    )))
}
