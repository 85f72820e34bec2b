//! The details an account holds, checked the same way wherever they are
//! typed: a person's name, and an email address that belongs to one account
//! only, whatever its kind.

use sqlx::SqliteConnection;

use super::model::Role;
use crate::{error::AppError, ids::UserId};

/// Longest name accepted, generous for double-barrelled names.
pub const NAME_MAX: usize = 100;

/// A trimmed first name or surname, or the message for its field.
pub fn check_name(field: &str, value: &str, what: &str) -> Result<String, AppError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AppError::invalid(field, format!("Enter the {what}.")));
    }
    if value.chars().count() > NAME_MAX {
        return Err(AppError::invalid(
            field,
            format!("The {what} can be at most {NAME_MAX} characters long."),
        ));
    }
    Ok(value.to_owned())
}

/// A person's first name and surname, with a message beside each that is
/// missing or too long (both at once).
pub fn check_names(first_name: &str, surname: &str) -> Result<(String, String), AppError> {
    let mut problems = crate::error::Problems::default();
    let first_name = problems.take(check_name("first_name", first_name, "first name"));
    let surname = problems.take(check_name("surname", surname, "surname"));
    problems.finish_with(|| Some((first_name?, surname?)))
}

/// Looks like an email address: one @ with something either side and a dot
/// in the domain. The real test is the link we send.
pub fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((name, domain)) => {
            !name.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.contains(char::is_whitespace)
                && !domain.contains('@')
        }
        None => false,
    }
}

/// A trimmed email address in the right form, or the message for its field.
pub fn check_email_form(field: &str, email: &str) -> Result<String, AppError> {
    let email = email.trim();
    if email.is_empty() {
        return Err(AppError::invalid(field, "Enter an email address."));
    }
    // The mail worker's own parser has the last word, so a form never
    // accepts an address that can never be sent to.
    if email.len() > 254 || !looks_like_email(email) || email.parse::<lettre::Address>().is_err() {
        return Err(AppError::invalid(
            field,
            "Enter an email address in the right form, like name@example.com.",
        ));
    }
    Ok(email.to_owned())
}

/// A trimmed email address in the right form that no other account uses
/// (`except` is the account being edited). The message says whose kind of
/// account has it, never whose.
pub async fn check_email_free(
    conn: &mut SqliteConnection,
    field: &str,
    email: &str,
    except: Option<UserId>,
) -> anyhow::Result<String> {
    let email = check_email_form(field, email)?;
    let except = except.map(|id| id.0).unwrap_or(0);
    let owner = sqlx::query_scalar!(
        "SELECT role FROM users WHERE email = ? AND id <> ?",
        email,
        except
    )
    .fetch_optional(conn)
    .await?;
    match owner.as_deref().and_then(Role::parse) {
        None => Ok(email),
        Some(Role::Parent) => Err(AppError::invalid(
            field,
            "This email address is already used by a parent account.",
        )
        .into()),
        Some(_) => Err(AppError::invalid(
            field,
            "This email address is already used by a staff account.",
        )
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_shape() {
        assert!(looks_like_email("r.jones@oakfield.example"));
        assert!(!looks_like_email("r.jones"));
        assert!(!looks_like_email("r.jones@oakfield"));
        assert!(!looks_like_email("@oakfield.example"));
        assert!(!looks_like_email("r jones@oakfield.example"));
        assert!(!looks_like_email("a@b@c.example"));
        // What the mail worker could never send to is refused as typed.
        assert!(check_email_form("email", "r.jones@oakfield..example").is_err());
        assert!(check_email_form("email", "r,jones@oakfield.example").is_err());
        assert!(check_email_form("email", " r.jones@oakfield.example ").is_ok());
    }

    #[test]
    fn names_are_trimmed_and_required() {
        assert_eq!(
            check_name("first_name", "  Asha ", "first name").unwrap(),
            "Asha"
        );
        assert!(check_name("first_name", "   ", "first name").is_err());
        assert!(check_name("surname", &"x".repeat(101), "surname").is_err());
    }
}
