//! What a sync's check shows, on the MIS sync page and from `markwell
//! import`: each change in words, under its heading; and the sync history.

use serde::{Deserialize, Serialize};

use crate::ids::UserId;

/// The headings a check lists its changes under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Section {
    Added,
    Updated,
    Removed,
    Revoked,
    NotImported,
    PossibleDuplicates,
    /// Records an admin made by hand, which a sync never removes.
    HandMade,
    /// What the file said that didn't stop it being read.
    Warnings,
    /// Why the file couldn't be read: nothing was changed.
    Problems,
}

impl Section {
    pub const ALL: [Section; 9] = [
        Section::Problems,
        Section::Added,
        Section::Updated,
        Section::Removed,
        Section::Revoked,
        Section::NotImported,
        Section::PossibleDuplicates,
        Section::HandMade,
        Section::Warnings,
    ];

    pub fn heading(self) -> &'static str {
        match self {
            Section::Added => "Added",
            Section::Updated => "Updated",
            Section::Removed => "Removed",
            Section::Revoked => "Revoked",
            Section::NotImported => "Not imported",
            Section::PossibleDuplicates => "Possible duplicates",
            Section::HandMade => "Hand-made, kept",
            Section::Warnings => "Warnings",
            Section::Problems => "Problems with the file",
        }
    }

    /// Whether lines under this heading are changes the apply makes.
    pub fn changes(self) -> bool {
        matches!(
            self,
            Section::Added | Section::Updated | Section::Removed | Section::Revoked
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub section: Section,
    pub words: String,
}

/// What became of a file given to the sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Checked,
    Applied,
    Refused,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Checked => "checked",
            Outcome::Applied => "applied",
            Outcome::Refused => "refused",
        }
    }

    pub fn from_stored(stored: &str) -> Outcome {
        match stored {
            "applied" => Outcome::Applied,
            "refused" => Outcome::Refused,
            _ => Outcome::Checked,
        }
    }
}

/// What a file would change, or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    /// "simple CSV", …
    pub format: String,
    pub lines: Vec<Line>,
    /// Names exactly these lines against this database: the apply refuses
    /// if it would make others.
    pub digest: String,
}

impl Check {
    pub fn count(&self, section: Section) -> usize {
        self.lines.iter().filter(|l| l.section == section).count()
    }

    pub fn changes_nothing(&self) -> bool {
        !self.lines.iter().any(|l| l.section.changes())
    }

    /// "Added 12, updated 0, removed 1, revoked 2, not imported 3".
    pub fn summary(&self) -> String {
        let count = |section| self.count(section) as i64;
        summary(
            [
                count(Section::Added),
                count(Section::Updated),
                count(Section::Removed),
                count(Section::Revoked),
            ],
            count(Section::NotImported),
        )
    }
}

/// A sync's counts in words: added, updated, removed and revoked, then
/// not imported; "No changes" when the first four are nothing (contacts not
/// imported are listed each time, but change nothing).
pub fn summary(changes: [i64; 4], not_imported: i64) -> String {
    let [added, updated, removed, revoked] = changes;
    if changes.iter().all(|c| *c == 0) {
        return match not_imported {
            0 => "No changes".to_owned(),
            n => format!("No changes; not imported {n}"),
        };
    }
    format!(
        "Added {added}, updated {updated}, removed {removed}, revoked {revoked}, not imported {not_imported}"
    )
}

/// Where the MIS sync page sends the file to be checked, and the check to
/// be applied: plain form posts, so they work before the WebAssembly loads.
pub const CHECK_PATH: &str = "/mis-sync/check";
pub const APPLY_PATH: &str = "/mis-sync/apply";
/// The largest MIS file taken: a big secondary school's CTF is a few MB.
pub const LARGEST_FILE: usize = 32 * 1024 * 1024;

/// One entry of the sync history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRow {
    pub id: i64,
    /// "23 Nov 2026, 14:05", in the school's time zone.
    pub at: String,
    /// The admin, or None for `markwell import`.
    pub who: Option<String>,
    pub file_name: String,
    pub format: String,
    pub outcome: Outcome,
    pub added: i64,
    pub updated: i64,
    pub removed: i64,
    pub revoked: i64,
    pub not_imported: i64,
}

/// One sync opened from the history or just made: its lines, and whether
/// it can still be applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncShown {
    pub row: SyncRow,
    pub lines: Vec<Line>,
    /// A check whose file is still kept and which changes something: what
    /// "Apply changes" sends back.
    pub digest_to_apply: Option<String>,
}

/// The MIS sync page: the sync asked for (if any), the possible
/// duplicates waiting for an admin, and the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MisSyncView {
    pub shown: Option<SyncShown>,
    pub duplicates: Vec<Duplicate>,
    pub history: Vec<SyncRow>,
}

/// Two parents a sync found may be one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Duplicate {
    pub id: i64,
    /// "Same name and phone number, different email addresses", …
    pub reason: String,
    pub parents: [DuplicateParent; 2],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateParent {
    pub id: UserId,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// "Amy Okafor (Year 2)", …
    pub children: Vec<String>,
    pub signed_up: bool,
}

impl Duplicate {
    /// The one a merge keeps unless the admin chooses: the one who signed
    /// up (their sign-in keeps working), else the older account.
    pub fn usual_keep(&self) -> UserId {
        let [a, b] = &self.parents;
        if b.signed_up && !a.signed_up {
            b.id
        } else {
            a.id
        }
    }
}

/// What a merge did, in words for the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merged {
    /// "Hana Kato (hana@home.example)".
    pub kept: String,
    pub merged: String,
    pub links_moved: i64,
}

impl Merged {
    pub fn summary(&self) -> String {
        let links = match self.links_moved {
            1 => "1 child's link".to_owned(),
            n => format!("{n} children's links"),
        };
        format!(
            "{} merged into {}: {links} moved, with their codes and history.",
            self.merged, self.kept
        )
    }
}
