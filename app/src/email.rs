//! Emails that haven't reached someone: what admins see about them, on a
//! parent's or staff member's page. The mail worker records why
//! (`ssr::outbox`); this is what travels to the page and how it shows.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An email to someone that hasn't reached them, for admins: what it was,
/// when it was written and what the mail server said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Undelivered {
    pub subject: String,
    pub written: String,
    pub reason: String,
    /// Markwell stopped trying (the server refused the address for good);
    /// otherwise it is still trying.
    pub given_up: bool,
}

/// "Emails not delivered", on a parent's or staff member's page: each email
/// that hasn't reached them, with what the mail server said. Nothing when
/// every email has arrived.
#[component]
pub fn UndeliveredEmails(emails: Vec<Undelivered>) -> impl IntoView {
    (!emails.is_empty()).then(|| {
        view! {
            <section aria-labelledby="undelivered-heading" class="settings-section undelivered-emails">
                <h2 id="undelivered-heading">"Emails not delivered"</h2>
                <p>"Check the email address. Once it is right, send the email again."</p>
                <ul class="plain undelivered">
                    {emails.into_iter().map(|email| view! {
                        <li>
                            <strong>{email.subject}</strong>
                            <span class="hint">
                                " · written " {email.written} " · "
                                {if email.given_up { "Markwell has stopped trying" } else { "Markwell is still trying" }}
                            </span>
                            <br />
                            <span>"The mail server said: " {email.reason}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}
