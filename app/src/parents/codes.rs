//! Parent access codes: one per parent–child link, printed on the parent's
//! letter. A code is 12 characters from 31 that can't be mistaken for each
//! other (no 0/O, 1/I/L), about 59 bits, so it can't be guessed. Only its
//! SHA-256 is stored: the code exists on the letter, and on screen once
//! after "Reissue code". Making a new code revokes the old one.

use qrcode::{render::svg, EcLevel, QrCode};
use rand::Rng;
use sqlx::SqliteConnection;

use super::model::{normalise_code, CODE_ALPHABET, CODE_LENGTH};
use crate::auth::tokens::hash;

/// A new code, grouped in fours for reading aloud: "ABCD-EFGH-JKMN".
fn generate() -> String {
    let mut rng = rand::rng();
    let chars: Vec<char> = (0..CODE_LENGTH)
        .map(|_| CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// What is stored for a code as typed.
pub fn stored(code: &str) -> String {
    hash(&normalise_code(code).unwrap_or_default())
}

/// Gives a link a new code, replacing (and so revoking) any earlier one, and
/// answers the code for the letter.
pub async fn issue(conn: &mut SqliteConnection, link: i64, at: &str) -> anyhow::Result<String> {
    loop {
        let code = generate();
        let code_hash = stored(&code);
        // 59 bits make a clash all but impossible; the unique index would
        // refuse one, and this keeps it from failing the whole letter run.
        let taken = sqlx::query_scalar!(
            r#"SELECT id AS "id!" FROM parent_links WHERE access_code_hash = ?"#,
            code_hash
        )
        .fetch_optional(&mut *conn)
        .await?;
        if taken.is_some() {
            continue;
        }
        sqlx::query!(
            "UPDATE parent_links SET access_code_hash = ?, code_issued_at = ? WHERE id = ?",
            code_hash,
            at,
            link
        )
        .execute(&mut *conn)
        .await?;
        // A new code starts with a clean slate: a parent locked out after
        // mistyping the date of birth can be given a new letter.
        // (They still count against the address they came from.)
        sqlx::query!(
            "UPDATE access_code_failures SET link_id = NULL WHERE link_id = ?",
            link
        )
        .execute(&mut *conn)
        .await?;
        return Ok(code);
    }
}

/// The link a typed code belongs to, if any.
pub async fn link_for(conn: &mut SqliteConnection, typed: &str) -> anyhow::Result<Option<i64>> {
    if normalise_code(typed).is_none() {
        return Ok(None);
    }
    let code_hash = stored(typed);
    Ok(sqlx::query_scalar!(
        r#"SELECT id AS "id!" FROM parent_links WHERE access_code_hash = ?"#,
        code_hash
    )
    .fetch_optional(conn)
    .await?)
}

/// Uses a link's code up at sign-up: only while it is still the code typed
/// (not reissued or unlinked meanwhile) and the child is still on the roll.
/// Answers whether it was.
pub async fn use_up(conn: &mut SqliteConnection, link: i64, typed: &str) -> anyhow::Result<bool> {
    let code_hash = stored(typed);
    let used = sqlx::query!(
        "UPDATE parent_links SET access_code_hash = NULL
         WHERE id = ? AND access_code_hash = ?
           AND EXISTS (SELECT 1 FROM pupils p WHERE p.id = parent_links.pupil_id AND p.active = 1)",
        link,
        code_hash
    )
    .execute(conn)
    .await?;
    Ok(used.rows_affected() == 1)
}

/// Counts a wrong code or date of birth against the address it came from
/// and, when the code was a real one, against that code.
pub async fn record_failure(
    conn: &mut SqliteConnection,
    at: &str,
    address: &str,
    link: Option<i64>,
) -> anyhow::Result<()> {
    sqlx::query!(
        "INSERT INTO access_code_failures (at, address, link_id) VALUES (?, ?, ?)",
        at,
        address,
        link
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Wrong codes and dates of birth since a time, from one address and
/// against one code: what sign-up's limits count.
pub struct RecentFailures {
    pub from_address: i64,
    pub oldest_from_address: Option<String>,
    pub for_code: i64,
    pub oldest_for_code: Option<String>,
}

pub async fn recent_failures(
    conn: &mut SqliteConnection,
    address: &str,
    link: Option<i64>,
    since: &str,
) -> anyhow::Result<RecentFailures> {
    Ok(sqlx::query_as!(
        RecentFailures,
        r#"SELECT
             (SELECT COUNT(*) FROM access_code_failures WHERE address = ?1 AND at >= ?3) AS "from_address!: i64",
             (SELECT MIN(at) FROM access_code_failures WHERE address = ?1 AND at >= ?3) AS "oldest_from_address: String",
             (SELECT COUNT(*) FROM access_code_failures WHERE link_id = ?2 AND at >= ?3) AS "for_code!: i64",
             (SELECT MIN(at) FROM access_code_failures WHERE link_id = ?2 AND at >= ?3) AS "oldest_for_code: String""#,
        address,
        link,
        since
    )
    .fetch_one(conn)
    .await?)
}

/// A QR code of `link`, as SVG sized by the page.
pub fn qr_svg(link: &str) -> anyhow::Result<String> {
    let code = QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M)?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(160, 160)
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_long_enough_and_readable() {
        let code = generate();
        assert_eq!(code.len(), 14);
        let bits = (CODE_LENGTH as f64) * (CODE_ALPHABET.len() as f64).log2();
        assert!(bits >= 50.0, "only {bits} bits");
        for look_alike in ['0', 'O', '1', 'I', 'L'] {
            assert!(!CODE_ALPHABET.contains(&(look_alike as u8)));
        }
        assert_eq!(
            normalise_code(&code.to_lowercase().replace('-', " ")),
            Some(code.replace('-', ""))
        );
        assert_eq!(normalise_code("ABCD-EFGH-JKM0"), None);
        assert_eq!(normalise_code("ABCD"), None);
    }

    #[test]
    fn the_qr_code_is_an_svg() {
        let svg = qr_svg("https://markwell.example/sign-up?code=ABCD-EFGH-JKMN").unwrap();
        assert!(svg.contains("<svg"));
    }
}
