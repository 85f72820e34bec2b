//! Backups of the school's database and restoring one.
//!
//! A backup is `VACUUM INTO`: one consistent SQLite file, written while the
//! server keeps reading and writing. With `MARKWELL_BACKUP_DIR` set, `serve`
//! takes one whenever the newest there is a day old (checked hourly, so a
//! server restarted at night still takes its backup) and keeps the newest
//! `MARKWELL_BACKUP_KEEP`. `markwell restore FILE` puts one back: only a
//! sound file of a schema this Markwell knows, and never under a running
//! server (`serve` holds a lock beside the database while it runs).

use std::{
    fs::{self, File},
    path::{Path, PathBuf},
    str::FromStr,
    time::Duration,
};

use anyhow::{bail, Context};
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode},
    ConnectOptions, Connection, SqlitePool,
};
use time::{
    format_description::FormatItem, macros::format_description, OffsetDateTime, PrimitiveDateTime,
};

/// How old the newest backup may be before the schedule takes another.
pub const BACKUP_EVERY: time::Duration = time::Duration::hours(24);
/// How often the schedule looks.
const LOOK_EVERY: Duration = Duration::from_secs(60 * 60);
const PREFIX: &str = "markwell-";
const SUFFIX: &str = ".db";

/// Writes a consistent copy of the database to `file`, which must not exist.
pub async fn write_backup(pool: &SqlitePool, file: &Path) -> anyhow::Result<()> {
    if file.exists() {
        bail!("{} already exists; choose a new file name", file.display());
    }
    let target = file.to_string_lossy().to_string();
    sqlx::query("VACUUM INTO ?")
        .bind(&target)
        .execute(pool)
        .await
        .with_context(|| format!("writing the backup {}", file.display()))?;
    Ok(())
}

/// The backups in `dir`, oldest first, with when each was taken (from its
/// name, `markwell-YYYYMMDDTHHMMSSZ.db`). Other files are left alone.
pub fn backups_in(dir: &Path) -> anyhow::Result<Vec<(OffsetDateTime, PathBuf)>> {
    let mut found = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(e).with_context(|| format!("reading {}", dir.display())),
    };
    for entry in entries {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let Some(stamp) = name
            .strip_prefix(PREFIX)
            .and_then(|n| n.strip_suffix(SUFFIX))
        else {
            continue;
        };
        if let Some(taken) = taken_at(stamp) {
            found.push((taken, path));
        }
    }
    found.sort();
    Ok(found)
}

/// A backup's name carries when it was taken, in a shape that sorts as text
/// and is safe in any file system: `markwell-20261202T021509Z.db`.
const NAMED: &[FormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

fn taken_at(stamp: &str) -> Option<OffsetDateTime> {
    PrimitiveDateTime::parse(stamp, NAMED)
        .ok()
        .map(PrimitiveDateTime::assume_utc)
}

fn name_for(now: OffsetDateTime) -> String {
    let stamp = now.format(NAMED).expect("a time in the name's shape");
    format!("{PREFIX}{stamp}{SUFFIX}")
}

/// The schedule's step: a backup when the newest in `dir` is a day old (or
/// there is none), then only the newest `keep` are kept. Answers the new
/// backup's path, if one was taken.
pub async fn back_up_if_due(
    pool: &SqlitePool,
    dir: &Path,
    keep: usize,
    now: OffsetDateTime,
) -> anyhow::Result<Option<PathBuf>> {
    let newest = backups_in(dir)?.last().map(|(taken, _)| *taken);
    if newest.is_some_and(|taken| now - taken < BACKUP_EVERY) {
        return Ok(None);
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let file = dir.join(name_for(now));
    write_backup(pool, &file).await?;
    let all = backups_in(dir)?;
    let surplus = all.len().saturating_sub(keep.max(1));
    for (_, old) in &all[..surplus] {
        fs::remove_file(old).with_context(|| format!("removing {}", old.display()))?;
    }
    Ok(Some(file))
}

/// Runs the schedule until `stop` says so. A failed backup is reported on
/// the server log (no children's data in it) and tried again at the next look.
pub async fn run_schedule(
    pool: SqlitePool,
    dir: PathBuf,
    keep: usize,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        match back_up_if_due(&pool, &dir, keep, OffsetDateTime::now_utc()).await {
            Ok(Some(file)) => tracing::info!("backed up the database to {}", file.display()),
            Ok(None) => {}
            Err(e) => tracing::error!("the scheduled backup failed: {e:#}"),
        }
        tokio::select! {
            _ = tokio::time::sleep(LOOK_EVERY) => {}
            _ = stop.changed() => return,
        }
    }
}

/// The database file a `sqlite:` URL names.
pub fn database_file(database_url: &str) -> anyhow::Result<PathBuf> {
    let options =
        SqliteConnectOptions::from_str(database_url).context("DATABASE_URL is not a SQLite URL")?;
    Ok(options.get_filename().to_path_buf())
}

/// Held by `serve` for as long as it runs, so a restore (or a second server)
/// can tell the database is in use. The operating system lets it go when the
/// process ends, however it ends.
pub struct ServingLock {
    _file: File,
}

/// Takes the lock beside `database`, or says who holds it.
pub fn lock_for_serving(database: &Path) -> anyhow::Result<ServingLock> {
    if let Some(folder) = database.parent().filter(|f| !f.as_os_str().is_empty()) {
        fs::create_dir_all(folder)
            .with_context(|| format!("creating the data folder {}", folder.display()))?;
    }
    let path = with_suffix(database, ".serving");
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(ServingLock { _file: file }),
        Err(fs::TryLockError::WouldBlock) => bail!(
            "a Markwell server is using {}; stop it first (for example `systemctl stop markwell`)",
            database.display()
        ),
        Err(fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("locking {}", path.display()))
        }
    }
}

/// What a restore put back.
#[derive(Debug)]
pub struct Restored {
    /// The newest migration in the backup; a start of `serve` brings the
    /// rest.
    pub schema_version: i64,
    /// Where the database that was replaced now is, if there was one.
    pub replaced: Option<PathBuf>,
}

/// Puts `backup` in place of the database at `database_url`: refused while
/// a server runs on it, for a file that isn't a sound SQLite database, and
/// for a schema this Markwell doesn't know (a backup from a newer version,
/// or not Markwell's). The database it replaces is kept beside it.
pub async fn restore(backup: &Path, database_url: &str) -> anyhow::Result<Restored> {
    let database = database_file(database_url)?;
    let _lock = lock_for_serving(&database)?;
    if !backup.is_file() {
        bail!("{} is not a file", backup.display());
    }
    let schema_version = check_backup(backup).await?;

    // Copied beside the database first, so the swap is one rename.
    let incoming = with_suffix(&database, ".restoring");
    fs::copy(backup, &incoming).with_context(|| format!("copying {}", backup.display()))?;
    File::open(&incoming)?.sync_all()?;
    let replaced = if database.exists() {
        let kept = with_suffix(&database, ".before-restore");
        // The old database's write-ahead log is folded in, so what is kept is whole.
        checkpoint(&database).await?;
        fs::rename(&database, &kept)?;
        Some(kept)
    } else {
        None
    };
    for leftover in ["-wal", "-shm"] {
        let _ = fs::remove_file(with_suffix(&database, leftover));
    }
    fs::rename(&incoming, &database)?;
    Ok(Restored {
        schema_version,
        replaced,
    })
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

async fn checkpoint(database: &Path) -> anyhow::Result<()> {
    let mut conn = SqliteConnectOptions::new()
        .filename(database)
        .journal_mode(SqliteJournalMode::Wal)
        .connect()
        .await
        .with_context(|| format!("opening {}", database.display()))?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}

/// The backup is a sound SQLite file whose every migration this Markwell
/// knows, with the same checksum; answers the newest.
async fn check_backup(backup: &Path) -> anyhow::Result<i64> {
    let not_ours = || {
        format!(
            "{} is not a Markwell backup (or is damaged): nothing was changed",
            backup.display()
        )
    };
    let mut conn = SqliteConnectOptions::new()
        .filename(backup)
        .read_only(true)
        .connect()
        .await
        .with_context(not_ours)?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .with_context(not_ours)?;
    if integrity != "ok" {
        bail!(
            "{} failed SQLite's integrity check ({integrity}): nothing was changed",
            backup.display()
        );
    }
    let applied: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations WHERE success = 1")
            .fetch_all(&mut conn)
            .await
            .with_context(not_ours)?;
    conn.close().await?;
    let mut newest = 0;
    for (version, checksum) in applied {
        match crate::MIGRATIONS.iter().find(|m| m.version == version) {
            Some(m) if m.checksum.as_ref() == checksum.as_slice() => newest = newest.max(version),
            Some(_) => bail!(
                "{}: its migration {version} differs from this Markwell's: nothing was changed",
                backup.display()
            ),
            None => bail!(
                "{} was made by a newer Markwell (migration {version}); upgrade Markwell first: nothing was changed",
                backup.display()
            ),
        }
    }
    if newest == 0 {
        bail!("{}", not_ours());
    }
    Ok(newest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_backup_is_named_by_when_it_was_taken() {
        let now = datetime!(2026-12-02 02:15:09 UTC);
        let name = name_for(now);
        assert_eq!(name, "markwell-20261202T021509Z.db");
        let stamp = name
            .strip_prefix(PREFIX)
            .unwrap()
            .strip_suffix(SUFFIX)
            .unwrap();
        assert_eq!(taken_at(stamp), Some(now));
        assert_eq!(taken_at("2026-12-02"), None);
    }
}
