//! Password hashing: argon2id with the OWASP parameters (19 MiB, 2 passes, 1
//! lane: the argon2 crate's defaults), run off the async runtime.

use std::sync::LazyLock;

use anyhow::Context;
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};

/// Checked against when an email has no account, so a wrong password for an
/// unknown address takes as long as for a known one.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_now("not a password anyone has").expect("hashing the dummy password"));

fn hash_now(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))?
        .to_string())
}

/// Hashes a new password.
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .context("the hashing task stopped")?
}

/// Whether `candidate` matches the stored hash; with no stored hash it still
/// does the same work and answers false.
pub async fn verify(stored: Option<String>, candidate: String) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let hash = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        let parsed = PasswordHash::new(&hash)
            .map_err(|e| anyhow::anyhow!("a stored hash is malformed: {e}"))?;
        let matches = Argon2::default()
            .verify_password(candidate.as_bytes(), &parsed)
            .is_ok();
        Ok(known && matches)
    })
    .await
    .context("the verifying task stopped")?
}

/// Computes the dummy hash now rather than on the first unknown email.
pub fn warm_up() {
    LazyLock::force(&DUMMY_HASH);
}
