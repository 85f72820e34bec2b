//! `markwell import FILE [--dry-run]`: an MIS sync from the command line
//! (FILE may be the folder of an unzipped OneRoster package),
//! for a nightly timer. It checks and applies as one change (the page's two
//! steps in one), prints what changed in the words the MIS sync page
//! uses, and fails on a file it can't read, changing nothing.

use std::path::Path;

use anyhow::Context;
use app::{
    mis::{
        self,
        model::{Check, Outcome, Section},
        sync::{self, Applied},
    },
    ssr::{Arrival, Clock, Write, WriteQueue},
};
use sqlx::SqlitePool;

/// A file that couldn't be read: kept in the sync history as refused.
#[derive(Debug)]
pub struct Unreadable {
    pub file_name: String,
    pub sync: i64,
    /// By file, row and column: printed only with `--verbose`.
    pub problem: mis::roster::FileProblem,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.problem.0.lines().count();
        write!(
            f,
            "{} can't be read, so nothing was changed: {count} problem{}, listed on the MIS sync page (sync {}), or run again with --verbose to print them here",
            self.file_name,
            if count == 1 { "" } else { "s" },
            self.sync
        )
    }
}

impl std::error::Error for Unreadable {}

pub struct Imported {
    pub file_name: String,
    pub check: Check,
    /// The sync history's entry.
    pub sync: i64,
    pub applied: bool,
}

pub async fn import(
    pool: &SqlitePool,
    clock: &Clock,
    file: &Path,
    dry_run: bool,
) -> anyhow::Result<Imported> {
    // An unzipped OneRoster package comes as a folder.
    let read = if file.is_dir() {
        mis::oneroster::read_folder(file)
    } else {
        let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
        mis::read(&name_of(file), &bytes)
    };
    let file_name = name_of(file);
    let now = clock.now();
    let arrival = Arrival {
        now,
        at: app::ssr::clock::stamp(now),
        address: None,
    };
    // Beside a running server, SQLite's lock makes this wait its turn.
    let mut write = Write::on(&WriteQueue::new(pool.clone()), None, &arrival).await?;
    let roster = match read {
        Ok(roster) => roster,
        Err(problem) => {
            let check = sync::refusal(&problem);
            let sync = sync::record(&mut write, &file_name, &check, Outcome::Refused).await?;
            write.commit().await?;
            return Err(Unreadable {
                file_name,
                sync,
                problem,
            }
            .into());
        }
    };
    let (check, sync, applied) = if dry_run {
        let check = sync::check(&mut write, &roster).await?;
        let sync = sync::record(&mut write, &file_name, &check, Outcome::Checked).await?;
        (check, sync, false)
    } else {
        match sync::apply(&mut write, &roster, &file_name, None).await? {
            Applied::Done { check, sync } => (check, sync, true),
            Applied::ChangedSinceCheck(_) => unreachable!("the command checks as it applies"),
        }
    };
    write.commit().await?;
    Ok(Imported {
        file_name,
        check,
        sync,
        applied,
    })
}

/// The file's (or folder's) own name, as the sync history shows it.
fn name_of(file: &Path) -> String {
    file.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.display().to_string())
}

/// What the command prints: the summary and the sync's number, and with
/// `verbose` each heading's lines.
pub fn words(imported: &Imported, verbose: bool) -> String {
    let check = &imported.check;
    let mut out = format!(
        "{} ({}): {}\n",
        imported.file_name,
        check.format,
        check.summary()
    );
    for section in Section::ALL {
        let lines: Vec<_> = check
            .lines
            .iter()
            .filter(|l| l.section == section)
            .collect();
        if !verbose || lines.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{} ({})\n", section.heading(), lines.len()));
        if section == Section::HandMade {
            // Listed on every sync, and changed by none: the page has them.
            out.push_str("  Links an admin made in Parents; a sync never removes them.\n");
            continue;
        }
        for line in lines {
            out.push_str(&format!("  {}\n", line.words));
        }
    }
    if verbose {
        out.push('\n');
    }
    out.push_str(&if imported.applied {
        format!("Applied: sync {} in the sync history.\n", imported.sync)
    } else {
        format!(
            "Dry run: nothing was changed (sync {} in the sync history).\n",
            imported.sync
        )
    });
    out
}
