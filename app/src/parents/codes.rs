//! Parent access codes: one per parent–child link, printed on the parent's
//! letter. A code is 12 characters from 31 that can't be mistaken for each
//! other (no 0/O, 1/I/L), about 59 bits, so it can't be guessed. Only its
//! SHA-256 is stored: the code exists on the letter, and on screen once
//! after "Reissue code". A reissued code revokes the old one at once; a code
//! made for a letter sits beside it until the letters are confirmed printed.

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

/// Where a new code goes.
#[derive(Debug, Clone, Copy)]
pub enum NewCode {
    /// Shown on screen by "Reissue code": it replaces (and so revokes) the
    /// link's code and the codes on any letters not yet confirmed printed.
    Now,
    /// Printed on a letter of this batch: it works beside the link's other
    /// codes until the batch is confirmed printed (`confirm_printed`).
    OnLetter { batch: i64 },
}

/// Gives a link a new code and answers it, for the letter or the screen.
pub async fn issue(
    conn: &mut SqliteConnection,
    link: i64,
    at: &str,
    new: NewCode,
) -> anyhow::Result<String> {
    loop {
        let code = generate();
        let code_hash = stored(&code);
        // 59 bits make a clash all but impossible; the unique indexes would
        // refuse one, and this keeps it from failing the whole letter run.
        if link_for_hash(&mut *conn, &code_hash).await?.is_some() {
            continue;
        }
        match new {
            NewCode::Now => {
                sqlx::query!(
                    "UPDATE parent_links SET access_code_hash = ?, code_issued_at = ? WHERE id = ?",
                    code_hash,
                    at,
                    link
                )
                .execute(&mut *conn)
                .await?;
                sqlx::query!("DELETE FROM letter_codes WHERE link_id = ?", link)
                    .execute(&mut *conn)
                    .await?;
            }
            NewCode::OnLetter { batch } => {
                sqlx::query!(
                    "INSERT INTO letter_codes (link_id, batch_id, code_hash, made_at)
                     VALUES (?, ?, ?, ?)",
                    link,
                    batch,
                    code_hash,
                    at
                )
                .execute(&mut *conn)
                .await?;
            }
        }
        if let NewCode::Now = new {
            clean_slate(&mut *conn, link).await?;
        }
        return Ok(code);
    }
}

/// A batch's letters are in hand: each of its codes becomes its link's
/// code, and codes on that child's earlier letters stop working. Letters
/// made after this batch keep theirs. Answers how many codes changed.
pub async fn confirm_printed(conn: &mut SqliteConnection, batch: i64) -> anyhow::Result<u64> {
    let changed = sqlx::query!(
        "UPDATE parent_links
         SET (access_code_hash, code_issued_at) =
             (SELECT c.code_hash, c.made_at FROM letter_codes c
               WHERE c.link_id = parent_links.id AND c.batch_id = ?1)
         WHERE id IN (SELECT link_id FROM letter_codes WHERE batch_id = ?1)",
        batch
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query!(
        "UPDATE access_code_failures SET link_id = NULL
         WHERE link_id IN (SELECT link_id FROM letter_codes WHERE batch_id = ?)",
        batch
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM letter_codes
         WHERE batch_id <= ?1
           AND link_id IN (SELECT link_id FROM letter_codes WHERE batch_id = ?1)",
        batch
    )
    .execute(conn)
    .await?;
    Ok(changed)
}

/// Once the codes a link held have stopped working, its wrong tries no longer
/// count against it: a parent locked out after mistyping the date of birth
/// can be given a new code. (They still count against the address they came
/// from.) Until then the lock stands, even for a new letter's code, so a
/// stolen letter gets no fresh tries from a new one being made.
async fn clean_slate(conn: &mut SqliteConnection, link: i64) -> anyhow::Result<()> {
    sqlx::query!(
        "UPDATE access_code_failures SET link_id = NULL WHERE link_id = ?",
        link
    )
    .execute(conn)
    .await?;
    Ok(())
}

async fn link_for_hash(
    conn: &mut SqliteConnection,
    code_hash: &str,
) -> anyhow::Result<Option<i64>> {
    Ok(sqlx::query_scalar!(
        r#"SELECT id AS "id!" FROM parent_links WHERE access_code_hash = ?1
           UNION ALL
           SELECT link_id AS "id!" FROM letter_codes WHERE code_hash = ?1"#,
        code_hash
    )
    .fetch_optional(conn)
    .await?)
}

/// The link a typed code belongs to, if any: its current code, or the code
/// on a letter not yet confirmed printed.
pub async fn link_for(conn: &mut SqliteConnection, typed: &str) -> anyhow::Result<Option<i64>> {
    if normalise_code(typed).is_none() {
        return Ok(None);
    }
    link_for_hash(conn, &stored(typed)).await
}

/// Uses a link's code up at sign-up: only while it is still a code the
/// link holds (not reissued or unlinked meanwhile) and the child is still on
/// the roll. Every code the link holds goes: the link is claimed. Answers
/// whether it was.
pub async fn use_up(conn: &mut SqliteConnection, link: i64, typed: &str) -> anyhow::Result<bool> {
    let code_hash = stored(typed);
    let used = sqlx::query!(
        "UPDATE parent_links SET access_code_hash = NULL
         WHERE id = ?1
           AND (access_code_hash = ?2
                OR EXISTS (SELECT 1 FROM letter_codes c WHERE c.link_id = ?1 AND c.code_hash = ?2))
           AND EXISTS (SELECT 1 FROM pupils p WHERE p.id = parent_links.pupil_id AND p.active = 1)",
        link,
        code_hash
    )
    .execute(&mut *conn)
    .await?;
    if used.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query!("DELETE FROM letter_codes WHERE link_id = ?", link)
        .execute(conn)
        .await?;
    Ok(true)
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
