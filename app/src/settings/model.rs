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

/// One place the person is signed in, for "Where you're signed in".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInDevice {
    pub id: i64,
    /// Browser and system in words: "Chrome on Android".
    pub device: String,
    /// Signed in from Markwell installed as an app.
    pub installed_app: bool,
    /// When it signed in and was last used, as the school's clock reads.
    pub signed_in: String,
    pub last_used: String,
    /// The session this page is open in.
    pub this_device: bool,
}

crate::ui::done_notices! {
    /// What the page says after a change sends the browser back to it.
    pub enum SettingsDone {
        Name => ("name", "Your name has been saved."),
        EmailSent => ("email-sent", "We've emailed a link to your new address. Open it to confirm; until then your old address stays in use."),
        EmailChanged => ("email-changed", "Your new email address is confirmed. Use it to sign in from now on."),
        Password => ("password", "Your password has been changed. You've been signed out on every other device."),
        SignedOutDevice => ("signed-out-device", "That device has been signed out."),
        SignedOutOthers => ("signed-out-others", "You've been signed out everywhere else."),
        EmailChoices => ("emails", "Your email choices are saved."),
    }
}
