//! Password hashing: argon2id with 64 MiB, 3 passes and 1 lane (RFC 9106's
//! second recommendation, and above OWASP's minimum), run off the async
//! runtime. On the project's 2-core machines one verification takes about a
//! tenth of a second (`make bench`). Hashes carry their own parameters, so
//! older hashes still verify.

use std::sync::LazyLock;

use anyhow::Context;

use crate::error::AppError;
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};

/// Checked against when an email has no account, so a wrong password for an
/// unknown address takes as long as for a known one.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_now("not a password anyone has").expect("hashing the dummy password"));

/// Memory in KiB, passes and lanes for new hashes.
pub const MEMORY_KIB: u32 = 64 * 1024;
pub const PASSES: u32 = 3;
pub const LANES: u32 = 1;

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_now(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(hasher()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))?
        .to_string())
}

/// How many hashes run at once: one per core, at most four. Each holds
/// 64 MiB while it runs, so a burst of sign-ins queues here instead of
/// taking the server's memory (or its blocking threads) from everyone else.
static AT_ONCE: LazyLock<tokio::sync::Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    tokio::sync::Semaphore::new(cores.clamp(1, 4))
});

/// Runs one argon2 computation off the async runtime, in turn.
async fn in_turn<T: Send + 'static>(
    work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    let _turn = AT_ONCE
        .acquire()
        .await
        .context("the hashing queue closed")?;
    tokio::task::spawn_blocking(work)
        .await
        .context("the hashing task stopped")?
}

/// Hashes a new password.
pub async fn hash(password: String) -> anyhow::Result<String> {
    in_turn(move || hash_now(&password)).await
}

/// Whether `candidate` matches the stored hash; with no stored hash it still
/// does the same work and answers false.
pub async fn verify(stored: Option<String>, candidate: String) -> anyhow::Result<bool> {
    in_turn(move || {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let parsed = PasswordHash::new(&hash)
            .map_err(|e| anyhow::anyhow!("a stored hash is malformed: {e}"))?;
        let matches = hasher()
            .verify_password(candidate.as_bytes(), &parsed)
            .is_ok();
        Ok(known && matches)
    })
    .await
}

/// Checks a new password against every rule and, when `confirm` is given,
/// that it was typed the same twice. Each broken rule gets its own line in
/// the message beside the `password` field. `about_the_person` (their name
/// and email) counts as easy to guess too.
pub fn check_new(
    password: &str,
    confirm: Option<&str>,
    about_the_person: &[&str],
) -> Result<(), AppError> {
    let mut problems: Vec<&str> = super::model::password_problems(password);
    if problems.is_empty() && is_common(password, about_the_person) {
        problems.push(
            "That password is one of the most common, so it is easy to guess. Choose another.",
        );
    }
    if !problems.is_empty() {
        return Err(AppError::invalid_lines("password", &problems));
    }
    if confirm.is_some_and(|again| again != password) {
        return Err(AppError::invalid(
            "confirm",
            "The two passwords don't match. Type the new password again.",
        ));
    }
    Ok(())
}

/// Whether a password is among the most common ones (or built from the
/// person's own name or email): zxcvbn's bundled frequency lists put it
/// within the first million guesses.
fn is_common(password: &str, about_the_person: &[&str]) -> bool {
    zxcvbn::zxcvbn(password, about_the_person).guesses_log10() < 6.0
}

/// Computes the dummy hash now rather than on the first unknown email.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}

#[cfg(test)]
mod tests {
    use super::check_new;

    #[test]
    fn common_passwords_are_refused() {
        for common in [
            "password1",
            "Password123",
            "qwerty123",
            "12345678",
            "iloveyou1",
        ] {
            assert!(check_new(common, None, &[]).is_err(), "{common}");
        }
        assert!(check_new("rebecca1jones", None, &["Rebecca", "Jones"]).is_err());
        for fine in ["markwell-demo-1", "tulip-garden-42", "Oak7-reading-lamp"] {
            assert!(check_new(fine, None, &[]).is_ok(), "{fine}");
        }
    }

    #[test]
    fn each_broken_rule_is_its_own_line() {
        let error = check_new("abc", None, &[]).unwrap_err();
        let message = error.for_field("password").unwrap();
        assert_eq!(message.lines().count(), 2);
    }

    #[test]
    fn the_confirmation_must_match() {
        let error = check_new("tulip-garden-42", Some("tulip-garden-43"), &[]).unwrap_err();
        assert!(error.for_field("confirm").is_some());
    }
}
