use serde::{Deserialize, Serialize};

/// What the Settings page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MySettings {
    pub first_name: String,
    pub surname: String,
    pub email: String,
    /// A new address waiting for its confirmation link to be opened.
    pub pending_email: Option<String>,
}
