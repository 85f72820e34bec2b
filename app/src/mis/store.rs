//! The sync history: reading it, and the files checks keep for applying.

use sqlx::SqliteConnection;

use super::model::{Line, Outcome, Section, SyncRow, SyncShown};
use crate::{auth::AdminRights, ssr::clock::for_people};

/// How many syncs the page lists, newest first.
const HISTORY: i64 = 50;

struct Stored {
    id: i64,
    at: String,
    who: Option<String>,
    file_name: String,
    format: String,
    outcome: String,
    added: i64,
    updated: i64,
    removed: i64,
    revoked: i64,
    not_imported: i64,
}

impl From<Stored> for SyncRow {
    fn from(s: Stored) -> SyncRow {
        SyncRow {
            id: s.id,
            at: for_people(&s.at),
            who: s.who,
            file_name: s.file_name,
            format: s.format,
            outcome: Outcome::from_stored(&s.outcome),
            added: s.added,
            updated: s.updated,
            removed: s.removed,
            revoked: s.revoked,
            not_imported: s.not_imported,
        }
    }
}

pub async fn history(conn: &mut SqliteConnection, _: &AdminRights) -> anyhow::Result<Vec<SyncRow>> {
    let rows = sqlx::query_as!(
        Stored,
        r#"SELECT s.id, s.at, u.first_name || ' ' || u.surname AS who, s.file_name, s.format,
                  s.outcome, s.added, s.updated, s.removed, s.revoked, s.not_imported
           FROM mis_syncs s LEFT JOIN users u ON u.id = s.actor_id
           ORDER BY s.id DESC LIMIT ?"#,
        HISTORY
    )
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(SyncRow::from).collect())
}

pub async fn shown(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    sync: i64,
) -> anyhow::Result<Option<SyncShown>> {
    let Some(row) = sqlx::query_as!(
        Stored,
        r#"SELECT s.id, s.at, u.first_name || ' ' || u.surname AS who, s.file_name, s.format,
                  s.outcome, s.added, s.updated, s.removed, s.revoked, s.not_imported
           FROM mis_syncs s LEFT JOIN users u ON u.id = s.actor_id WHERE s.id = ?"#,
        sync
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let stored_lines = sqlx::query!(
        "SELECT section, words FROM mis_sync_lines WHERE sync_id = ? ORDER BY line",
        sync
    )
    .fetch_all(&mut *conn)
    .await?;
    let lines: Vec<Line> = stored_lines
        .into_iter()
        .filter_map(|l| {
            let section = Section::ALL
                .into_iter()
                .find(|s| s.heading() == l.section)?;
            Some(Line {
                section,
                words: l.words,
            })
        })
        .collect();
    let digest_to_apply = sqlx::query_scalar!(
        "SELECT s.digest FROM mis_syncs s JOIN mis_sync_files f ON f.sync_id = s.id
         WHERE s.id = ? AND s.outcome = 'checked'",
        sync
    )
    .fetch_optional(&mut *conn)
    .await?
    .flatten()
    .filter(|_| lines.iter().any(|l| l.section.changes()));
    Ok(Some(SyncShown {
        row: row.into(),
        lines,
        digest_to_apply,
    }))
}

/// Keeps the file a check read, for applying it.
pub async fn keep_file(conn: &mut SqliteConnection, sync: i64, bytes: &[u8]) -> anyhow::Result<()> {
    sqlx::query!(
        "INSERT INTO mis_sync_files (sync_id, bytes) VALUES (?, ?)",
        sync,
        bytes
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// What a check kept for its apply.
pub struct KeptFile {
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// The check's digest: what applying must still come to.
    pub digest: String,
}

/// The file a check kept, if it can still be applied.
pub async fn kept_file(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    sync: i64,
) -> anyhow::Result<Option<KeptFile>> {
    Ok(sqlx::query!(
        r#"SELECT s.file_name, f.bytes, s.digest AS "digest!" FROM mis_syncs s
           JOIN mis_sync_files f ON f.sync_id = s.id
           WHERE s.id = ? AND s.outcome = 'checked' AND s.digest IS NOT NULL"#,
        sync
    )
    .fetch_optional(conn)
    .await?
    .map(|row| KeptFile {
        file_name: row.file_name,
        bytes: row.bytes,
        digest: row.digest,
    }))
}

/// Once applied, or a day after its check, a file is no longer kept: it
/// holds the whole school's contacts.
pub async fn forget_file(conn: &mut SqliteConnection, sync: i64) -> anyhow::Result<()> {
    sqlx::query!("DELETE FROM mis_sync_files WHERE sync_id = ?", sync)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn forget_old_files(conn: &mut SqliteConnection, before: &str) -> anyhow::Result<u64> {
    Ok(sqlx::query!(
        "DELETE FROM mis_sync_files WHERE sync_id IN (SELECT id FROM mis_syncs WHERE at < ?)",
        before
    )
    .execute(conn)
    .await?
    .rows_affected())
}
