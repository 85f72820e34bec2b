use serde::{Deserialize, Serialize};

/// Every action the log can hold, for the filter. `ssr::audit` writes only
/// these (a test there keeps the two in step).
pub const ACTIONS: &[&str] = &[
    "signed in",
    "sign-in failed",
    "sign-in refused: account inactive",
    "signed out",
    "access denied",
    "password reset requested",
    "password reset",
    "invitation sent",
    "invitation accepted",
    "password changed",
    "name changed",
    "email change requested",
    "email changed",
    "staff account created",
    "role changed to admin",
    "role changed to teacher",
    "SLT turned on",
    "SLT turned off",
    "made inactive",
    "made active",
    "group assigned",
    "group unassigned",
    "group created",
    "group changed",
    "framework changed",
    "parent account created",
    "signed up with an access code",
    "pupil linked",
    "pupil unlinked",
    "link changed",
    "access code issued",
    "access code reissued",
    "report ready for review",
    "report sent back",
    "report approved",
    "reports published",
    "reporting session created",
    "reporting session changed",
    "admin created",
    "demo school loaded",
];

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
