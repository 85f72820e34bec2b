use serde::{Deserialize, Serialize};

/// Entries shown per page.
pub const PAGE_SIZE: i64 = 50;

/// One line of the log, as an admin reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// "23 Nov 2026, 14:05", in the school's time zone.
    pub at: String,
    /// Who did it, or None when nobody was signed in (a failed sign-in, a
    /// reset request).
    pub who: Option<String>,
    pub action: String,
    /// Whose account or which record it was about, if anything.
    pub about: Option<String>,
    /// The address the request came from.
    pub address: Option<String>,
}

/// One page of entries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub page: i64,
    pub has_older: bool,
}
