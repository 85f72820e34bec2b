//! Parent sign-up with the access code from a printed letter: the code and
//! the child's date of birth must both match. The parent's account already
//! exists (the school made it); signing up gives it the name, email and
//! password the parent chooses, and uses the code up. Failures are counted
//! per network address and per code, so neither codes nor dates of birth can
//! be found by trying many.

use time::Duration;

use super::{details, password, tokens};
use crate::{
    error::AppError,
    ids::UserId,
    parents::codes,
    ssr::{
        address_for_limits,
        audit::{self, Audit},
        clock,
        clock::stamp,
        db,
    },
};

pub const FAILURES_PER_ADDRESS: i64 = 10;
pub const FAILURES_PER_CODE: i64 = 5;
pub const WINDOW_MINUTES: i64 = 60;

pub struct SignUpForm {
    pub code: String,
    pub date_of_birth: String,
    pub first_name: String,
    pub surname: String,
    pub email: String,
    pub password: String,
    pub confirm: String,
}

/// "DD/MM/YYYY" (or D/M/YYYY) as the stored "YYYY-MM-DD", if it is a real date.
pub fn stored_date(typed: &str) -> Option<String> {
    let mut parts = typed.trim().split('/');
    let day: u8 = parts.next()?.trim().parse().ok()?;
    let month: u8 = parts.next()?.trim().parse().ok()?;
    let year: i32 = parts.next()?.trim().parse().ok()?;
    if parts.next().is_some() || !(1900..=2100).contains(&year) {
        return None;
    }
    let month = time::Month::try_from(month).ok()?;
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    Some(format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        date.month() as u8,
        date.day()
    ))
}

/// What the school holds for the link a code belongs to.
struct Claim {
    link: i64,
    parent: UserId,
    date_of_birth: String,
    pupil_active: bool,
    parent_active: bool,
    signed_up: bool,
}

const NO_MATCH: &str = "That access code and date of birth don't match what the school holds. Check both against your letter, or ask the school office.";

pub async fn sign_up(form: SignUpForm) -> anyhow::Result<()> {
    if codes::normalise(&form.code).is_none() {
        return Err(AppError::invalid(
            "code",
            "Enter the access code as it is printed on your letter: 12 letters and numbers, like ABCD-EFGH-JKMN.",
        )
        .into());
    }
    let born = stored_date(&form.date_of_birth).ok_or_else(|| {
        AppError::invalid(
            "date_of_birth",
            "Enter your child's date of birth as DD/MM/YYYY, for example 04/05/2019.",
        )
    })?;
    let first_name = details::check_name("first_name", &form.first_name, "first name")?;
    let surname = details::check_name("surname", &form.surname, "surname")?;
    let email = details::check_email_form("email", &form.email)?;
    let clock = clock()?;
    let now = clock.now();
    let at = clock.stamp();
    let address = address_for_limits().await;
    let since = stamp(now - Duration::minutes(WINDOW_MINUTES));
    let pool = db()?;

    // The code and date of birth first, counting a failure in its own
    // transaction so it stands whatever happens next.
    let claim = {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        let link = codes::link_for(&mut tx, &form.code).await?;
        let recent = sqlx::query!(
            r#"SELECT COUNT(*) AS "count!: i64", MIN(at) AS "oldest: String"
               FROM access_code_failures WHERE address = ? AND at >= ?"#,
            address,
            since
        )
        .fetch_one(&mut *tx)
        .await?;
        let for_code = sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "count!: i64" FROM access_code_failures
               WHERE link_id = ? AND at >= ?"#,
            link,
            since
        )
        .fetch_one(&mut *tx)
        .await?;
        if recent.count >= FAILURES_PER_ADDRESS || for_code >= FAILURES_PER_CODE {
            let minutes = super::accounts::minutes_until_lifted(
                recent.oldest.as_deref(),
                WINDOW_MINUTES,
                now,
            );
            return Err(AppError::TooManyAttempts { minutes }.into());
        }
        let claim =
            match link {
                Some(link) => sqlx::query_as!(
                    Claim,
                    r#"SELECT l.id AS "link!", l.parent_id AS "parent!: UserId", p.date_of_birth,
                          p.active AS "pupil_active: bool", u.active AS "parent_active: bool",
                          u.password_hash IS NOT NULL AS "signed_up!: bool"
                   FROM parent_links l
                   JOIN pupils p ON p.id = l.pupil_id
                   JOIN users u ON u.id = l.parent_id
                   WHERE l.id = ?"#,
                    link
                )
                .fetch_optional(&mut *tx)
                .await?,
                None => None,
            };
        match claim {
            Some(claim)
                if claim.date_of_birth == born && claim.pupil_active && claim.parent_active =>
            {
                claim
            }
            _ => {
                sqlx::query!(
                    "INSERT INTO access_code_failures (at, address, link_id) VALUES (?, ?, ?)",
                    at,
                    address,
                    link
                )
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                return Err(AppError::invalid("", NO_MATCH).into());
            }
        }
    };
    if claim.signed_up {
        return Err(AppError::invalid(
            "",
            "This access code belongs to an account that is already set up. Sign in with its email address and password.",
        )
        .into());
    }
    password::check_new(
        &form.password,
        Some(&form.confirm),
        &[&first_name, &surname, &email],
    )?;
    let hash = password::hash(form.password).await?;

    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let email = details::check_email_free(&mut tx, "email", &email, Some(claim.parent)).await?;
    // Only an account without a password is claimed, so two sign-ups with
    // the same letter at the same moment can't both succeed.
    let claimed = sqlx::query!(
        "UPDATE users SET first_name = ?, surname = ?, email = ?, password_hash = ?
         WHERE id = ? AND password_hash IS NULL AND active = 1",
        first_name,
        surname,
        email,
        hash,
        claim.parent
    )
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() != 1 {
        return Err(AppError::invalid(
            "",
            "This access code belongs to an account that is already set up. Sign in with its email address and password.",
        )
        .into());
    }
    // The code has done its job; an emailed invitation is no longer needed.
    sqlx::query!(
        "UPDATE parent_links SET access_code_hash = NULL WHERE id = ?",
        claim.link
    )
    .execute(&mut *tx)
    .await?;
    tokens::end_open(&mut tx, &at, claim.parent, tokens::Purpose::Invitation).await?;
    let event = Audit::SignedUp { user: claim.parent };
    audit::record(&mut tx, &at, Some(claim.parent), event, Some(&address)).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::stored_date;

    #[test]
    fn dates_are_read_day_first() {
        assert_eq!(stored_date("04/05/2019").as_deref(), Some("2019-05-04"));
        assert_eq!(stored_date(" 4/5/2019 ").as_deref(), Some("2019-05-04"));
        assert_eq!(stored_date("31/02/2019"), None);
        assert_eq!(stored_date("2019-05-04"), None);
        assert_eq!(stored_date("04/05/19"), None);
    }
}
