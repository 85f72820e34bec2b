//! The mail worker: sends what features put in the outbox. Over SMTP when
//! `SMTP_URL` is set; otherwise each email is written as an .eml file to the
//! outbox folder and its link printed in the log, so a school can try
//! Markwell on one machine. A failed send is retried with backoff (30 s,
//! doubling, at most an hour apart); rows are only marked sent after the
//! transport accepted them, so a crash means a resend at worst. An address the
//! mail server refuses for good is tried a few times, then given up on (admins
//! see why). Once sent, an email's contents and link leave the database: a
//! backup never holds a working invitation or reset link.

use std::{path::PathBuf, sync::Arc, time::Duration};

use anyhow::Context;
use app::ssr::{clock::stamp, Clock};
use lettre::{
    message::{header::ContentType, Mailbox, MultiPart, SinglePart},
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use sqlx::SqlitePool;
use tokio::sync::Notify;

use crate::Config;

/// How often the worker looks for due email when nothing wakes it.
const POLL: Duration = Duration::from_secs(5);
/// At most this many emails per pass, so one pass never holds the worker for long.
const BATCH: i64 = 50;
/// Tries of an address the mail server refuses for good before giving up.
const TRIES_WHEN_REFUSED: i64 = 3;

/// Why a send failed, and whether trying again could help.
struct Failure {
    error: anyhow::Error,
    /// The address can never be delivered to (it doesn't parse, or the
    /// server answered with a permanent, 5xx, refusal).
    permanent: bool,
}

impl Failure {
    fn passing(error: impl Into<anyhow::Error>) -> Self {
        Failure {
            error: error.into(),
            permanent: false,
        }
    }
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

pub struct MailWorker {
    pool: SqlitePool,
    clock: Clock,
    transport: Transport,
    from: Mailbox,
    waker: Arc<Notify>,
    poll: Duration,
    /// Set when the server is stopping: the letter being sent is finished,
    /// the next one waits for the next start.
    stopping: tokio::sync::watch::Receiver<bool>,
}

/// An outbox row that is due.
struct Due {
    id: i64,
    from_name: String,
    to_address: String,
    to_name: String,
    subject: String,
    text_body: String,
    html_body: String,
    link: Option<String>,
    attempts: i64,
}

impl MailWorker {
    pub fn new(
        config: &Config,
        pool: SqlitePool,
        clock: Clock,
        waker: Arc<Notify>,
    ) -> anyhow::Result<Self> {
        let transport = match &config.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("SMTP_URL: not a usable SMTP address")?
                    .timeout(Some(Duration::from_secs(20)))
                    .build(),
            ),
            None => {
                std::fs::create_dir_all(&config.outbox).with_context(|| {
                    format!("MARKWELL_OUTBOX: can't create {}", config.outbox.display())
                })?;
                Transport::Folder(
                    AsyncFileTransport::new(&config.outbox),
                    config.outbox.clone(),
                )
            }
        };
        let from: Mailbox = config
            .mail_from
            .parse()
            .context("MAIL_FROM: not an email address")?;
        Ok(MailWorker {
            pool,
            clock,
            transport,
            from,
            waker,
            poll: POLL,
            stopping: tokio::sync::watch::channel(false).1,
        })
    }

    /// Looks for due email this often when nothing wakes it (tests make it
    /// long, to show that queuing an email wakes the worker).
    pub fn poll_every(mut self, poll: Duration) -> Self {
        self.poll = poll;
        self
    }

    /// Runs until the server stops: it sends as soon as it is woken, and
    /// when `stop` is set it finishes the letter it is sending and returns.
    pub async fn run_until(mut self, stop: tokio::sync::watch::Receiver<bool>) {
        self.stopping = stop;
        while !*self.stopping.borrow() {
            if let Err(err) = self.deliver_due().await {
                tracing::warn!(error = format!("{err:#}"), "the mail worker failed a pass");
            }
            let mut stopping = self.stopping.clone();
            tokio::select! {
                _ = self.waker.notified() => {}
                _ = tokio::time::sleep(self.poll) => {}
                _ = stopping.changed() => {}
            }
        }
    }

    /// Runs for as long as the process does.
    pub async fn run(self) {
        let (_keep, stop) = tokio::sync::watch::channel(false);
        self.run_until(stop).await;
    }

    /// One pass: tries every email that is due now. Returns how many were sent.
    /// An inactive account gets no email: making an account inactive withdraws
    /// what was queued for it, and anything queued since waits here.
    pub async fn deliver_due(&self) -> anyhow::Result<usize> {
        let now = self.clock.stamp();
        let due = sqlx::query_as!(
            Due,
            r#"SELECT id AS "id!", from_name, to_address, to_name, subject, text_body, html_body,
                      link, attempts
               FROM outbox
               WHERE sent_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= ?
                 AND NOT EXISTS (SELECT 1 FROM users u
                                 WHERE u.email = outbox.to_address AND u.active = 0)
               ORDER BY next_attempt_at, id LIMIT ?"#,
            now,
            BATCH
        )
        .fetch_all(&self.pool)
        .await?;
        let mut sent = 0;
        for email in due {
            if *self.stopping.borrow() {
                break;
            }
            match self.send(&email).await {
                Ok(()) => {
                    let at = self.clock.stamp();
                    // Sent: nothing that works as a link stays behind.
                    sqlx::query!(
                        "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL,
                                link = NULL, text_body = '', html_body = ''
                         WHERE id = ?",
                        at,
                        email.id
                    )
                    .execute(&self.pool)
                    .await?;
                    sent += 1;
                }
                Err(failure) => {
                    let attempts = email.attempts + 1;
                    let next = stamp(self.clock.now() + backoff(attempts));
                    let error = format!("{:#}", failure.error);
                    let give_up = failure.permanent && attempts >= TRIES_WHEN_REFUSED;
                    let given_up = give_up.then(|| self.clock.stamp());
                    tracing::warn!(
                        email = email.id,
                        attempts,
                        error,
                        give_up,
                        "an email was not sent"
                    );
                    sqlx::query!(
                        "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?,
                                given_up_at = ?
                         WHERE id = ?",
                        attempts,
                        next,
                        error,
                        given_up,
                        email.id
                    )
                    .execute(&self.pool)
                    .await?;
                }
            }
        }
        Ok(sent)
    }

    async fn send(&self, email: &Due) -> Result<(), Failure> {
        let from = Mailbox::new(Some(email.from_name.clone()), self.from.email.clone());
        let address = email.to_address.parse().map_err(|e| Failure {
            error: anyhow::Error::new(e).context("the recipient's address can't be used"),
            permanent: true,
        })?;
        let to = Mailbox::new(Some(email.to_name.clone()), address);
        let message = Message::builder()
            .from(from)
            .to(to)
            .subject(email.subject.clone())
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(email.text_body.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(email.html_body.clone()),
                    ),
            )
            .context("building the email")
            .map_err(Failure::passing)?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await.map_err(|e| Failure {
                    permanent: e.is_permanent(),
                    error: anyhow::Error::new(e).context("sending over SMTP"),
                })?;
            }
            Transport::Folder(folder, path) => {
                let file = folder
                    .send(message)
                    .await
                    .context("writing to the outbox folder")
                    .map_err(Failure::passing)?;
                // Only without SMTP, for trying Markwell on one machine: the link
                // is what the person would click; the recipient is not logged.
                tracing::info!(
                    email = email.id,
                    file = %path.join(format!("{file}.eml")).display(),
                    link = email.link.as_deref().unwrap_or("(none)"),
                    "an email was written to the outbox folder"
                );
            }
        }
        Ok(())
    }
}

/// 30 s after the first failure, doubling, at most an hour apart.
fn backoff(attempts: i64) -> time::Duration {
    let seconds = 30i64.saturating_mul(1 << (attempts - 1).clamp(0, 7));
    time::Duration::seconds(seconds.min(3600))
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn retries_back_off_to_an_hour() {
        assert_eq!(backoff(1).whole_seconds(), 30);
        assert_eq!(backoff(2).whole_seconds(), 60);
        assert_eq!(backoff(5).whole_seconds(), 480);
        assert_eq!(backoff(50).whole_seconds(), 3600);
    }
}
