//! Email, queued. Every feature sends through [`queue`], inside the
//! transaction of the change the email belongs to, and finishes that
//! transaction with [`commit`], which wakes the mail worker. An invitation and
//! its email commit together or not at all; the worker (in the server) sends
//! with retries, so an SMTP outage or a crash delays an email but never drops it.
//!
//! Templates are files in `app/templates/email/`: a text part and an HTML part
//! each, the HTML escaped automatically.

use std::sync::LazyLock;

use anyhow::Context;
use minijinja::Environment;
use serde::Serialize;
use sqlx::SqliteConnection;

/// What kind of email it is; each has its template files and subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// A new staff account: verify the address and set a password.
    Invitation,
    /// A parent's account: the same link, told in a parent's terms.
    ParentInvitation,
    /// "Having trouble logging in?": a link to create a new password.
    PasswordReset,
    /// A new email address in Settings, to be confirmed before it takes effect.
    NewEmail,
    /// Sent to the old address when the email address changes.
    EmailChanged,
    /// Sent to the account's address whenever its password is reset or changed.
    PasswordChanged,
    /// A child's report is published: a link to read it.
    ReportPublished,
    /// A parent's daily summary of what's new about their children.
    DailySummary,
}

impl Template {
    fn name(self) -> &'static str {
        match self {
            Template::Invitation => "invitation",
            Template::ParentInvitation => "parent-invitation",
            Template::PasswordReset => "password-reset",
            Template::NewEmail => "new-email",
            Template::EmailChanged => "email-changed",
            Template::PasswordChanged => "password-changed",
            Template::ReportPublished => "report-published",
            Template::DailySummary => "daily-summary",
        }
    }

    fn subject(self, school: &str, about: Option<&str>) -> String {
        match self {
            Template::ReportPublished => {
                format!("{} from {school}", about.unwrap_or("A new report"))
            }
            Template::DailySummary => {
                format!("{} from {school}", about.unwrap_or("Today's summary"))
            }
            Template::Invitation => format!("Your {school} account on Markwell"),
            Template::ParentInvitation => {
                format!("Read your child's reports from {school} on Markwell")
            }
            Template::PasswordReset => format!("Reset your {school} Markwell password"),
            Template::NewEmail => format!("Confirm your new email address for {school}"),
            Template::EmailChanged => format!("Your {school} Markwell email address was changed"),
            Template::PasswordChanged => format!("Your {school} Markwell password was changed"),
        }
    }
}

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    let files: [(&str, &str); 17] = [
        (
            "layout.html",
            include_str!("../../templates/email/layout.html"),
        ),
        (
            "password-changed.txt",
            include_str!("../../templates/email/password-changed.txt"),
        ),
        (
            "password-changed.html",
            include_str!("../../templates/email/password-changed.html"),
        ),
        (
            "invitation.txt",
            include_str!("../../templates/email/invitation.txt"),
        ),
        (
            "invitation.html",
            include_str!("../../templates/email/invitation.html"),
        ),
        (
            "parent-invitation.txt",
            include_str!("../../templates/email/parent-invitation.txt"),
        ),
        (
            "parent-invitation.html",
            include_str!("../../templates/email/parent-invitation.html"),
        ),
        (
            "password-reset.txt",
            include_str!("../../templates/email/password-reset.txt"),
        ),
        (
            "password-reset.html",
            include_str!("../../templates/email/password-reset.html"),
        ),
        (
            "new-email.txt",
            include_str!("../../templates/email/new-email.txt"),
        ),
        (
            "new-email.html",
            include_str!("../../templates/email/new-email.html"),
        ),
        (
            "email-changed.txt",
            include_str!("../../templates/email/email-changed.txt"),
        ),
        (
            "email-changed.html",
            include_str!("../../templates/email/email-changed.html"),
        ),
        (
            "report-published.txt",
            include_str!("../../templates/email/report-published.txt"),
        ),
        (
            "report-published.html",
            include_str!("../../templates/email/report-published.html"),
        ),
        (
            "daily-summary.txt",
            include_str!("../../templates/email/daily-summary.txt"),
        ),
        (
            "daily-summary.html",
            include_str!("../../templates/email/daily-summary.html"),
        ),
    ];
    for (name, source) in files {
        env.add_template(name, source)
            .expect("the email templates are valid");
    }
    env
});

/// One email to one person.
pub struct Letter<'a> {
    pub template: Template,
    pub to_address: &'a str,
    pub to_name: &'a str,
    /// The link the email is about, if any: shown in both parts.
    pub link: Option<&'a str>,
    /// When the link stops working, in words ("in 24 hours").
    pub expires: Option<&'a str>,
    /// What the email is about, for its subject and text: "Amira's Summer
    /// 2026 report".
    pub about: Option<&'a str>,
    /// Lines the email lists, one item each (a daily summary's news).
    pub lines: &'a [String],
}

impl std::fmt::Debug for Letter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Letter")
            .field("template", &self.template)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct Values<'a> {
    school: &'a str,
    name: &'a str,
    link: Option<&'a str>,
    expires: Option<&'a str>,
    about: Option<&'a str>,
    lines: &'a [String],
}

/// The subject, text and HTML of a letter, as it will be sent.
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub fn render(letter: &Letter<'_>, school: &str) -> anyhow::Result<Rendered> {
    let values = Values {
        school,
        name: letter.to_name,
        link: letter.link,
        expires: letter.expires,
        about: letter.about,
        lines: letter.lines,
    };
    let name = letter.template.name();
    let text = TEMPLATES
        .get_template(&format!("{name}.txt"))?
        .render(&values)
        .with_context(|| format!("rendering the {name} email's text"))?;
    let html = TEMPLATES
        .get_template(&format!("{name}.html"))?
        .render(&values)
        .with_context(|| format!("rendering the {name} email's HTML"))?;
    Ok(Rendered {
        subject: letter.template.subject(school, letter.about),
        text,
        html,
    })
}

/// Puts a letter in the outbox, in the caller's transaction. The school's
/// name goes in the sender and the text.
pub async fn queue(
    conn: &mut SqliteConnection,
    at: &str,
    letter: Letter<'_>,
) -> anyhow::Result<()> {
    let school = super::school_name(&mut *conn).await?;
    let rendered = render(&letter, &school)?;
    let template = letter.template.name();
    sqlx::query!(
        "INSERT INTO outbox (created_at, template, from_name, to_address, to_name, subject,
                             text_body, html_body, link, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?1)",
        at,
        template,
        school,
        letter.to_address,
        letter.to_name,
        rendered.subject,
        rendered.text,
        rendered.html,
        letter.link
    )
    .execute(conn)
    .await
    .context("queueing an email")?;
    Ok(())
}

/// Takes back every unsent email to `address`, in the caller's transaction:
/// for an account made inactive, or an address corrected, so nothing queued
/// earlier goes out later.
pub async fn withdraw(conn: &mut SqliteConnection, address: &str) -> anyhow::Result<()> {
    sqlx::query!(
        "DELETE FROM outbox WHERE sent_at IS NULL AND to_address = ? COLLATE NOCASE",
        address
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Commits a transaction that queued email and wakes the mail worker.
/// Emails to `address` that haven't been delivered and have failed at least
/// once, newest first.
pub async fn undelivered(
    conn: &mut SqliteConnection,
    address: &str,
) -> anyhow::Result<Vec<crate::email::Undelivered>> {
    let rows = sqlx::query!(
        r#"SELECT subject, created_at, COALESCE(last_error, '') AS "reason!: String",
                  given_up_at IS NOT NULL AS "given_up!: bool"
           FROM outbox
           WHERE to_address = ? COLLATE NOCASE AND sent_at IS NULL AND last_error IS NOT NULL
           ORDER BY id DESC LIMIT 20"#,
        address
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| crate::email::Undelivered {
            subject: row.subject,
            written: super::clock::for_people(&row.created_at),
            reason: row.reason,
            given_up: row.given_up,
        })
        .collect())
}

/// Days a sent email's record is kept (what went to whom, when), its
/// contents having gone when it was sent.
pub const KEEP_SENT_DAYS: i64 = 30;

/// Housekeeping: sent emails older than [`KEEP_SENT_DAYS`] leave the outbox.
pub async fn prune_sent(pool: &sqlx::SqlitePool, now: time::OffsetDateTime) -> anyhow::Result<u64> {
    let before = super::clock::stamp(now - time::Duration::days(KEEP_SENT_DAYS));
    Ok(sqlx::query!("DELETE FROM outbox WHERE sent_at < ?", before)
        .execute(pool)
        .await?
        .rows_affected())
}

pub async fn commit(write: super::Write) -> anyhow::Result<()> {
    write.commit().await?;
    if let Ok(waker) = super::mail_waker() {
        waker.notify_one();
    }
    Ok(())
}
