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

crate::ui::done_notices! {
    /// What the page says after a change sends the browser back to it.
    pub enum SettingsDone {
        Name => ("name", "Your name has been saved."),
        EmailSent => ("email-sent", "We've emailed a link to your new address. Open it to confirm; until then your old address stays in use."),
        EmailChanged => ("email-changed", "Your new email address is confirmed. Use it to sign in from now on."),
        Password => ("password", "Your password has been changed. You've been signed out on every other device."),
    }
}
