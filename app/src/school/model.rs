use serde::{Deserialize, Serialize};

/// Counts for the admin's home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolOverview {
    pub pupils: i64,
    pub groups: i64,
    pub staff: i64,
    pub parents: i64,
    /// Parents with a password set, so they can sign in.
    pub parents_signed_up: i64,
}
