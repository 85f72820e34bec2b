//! Notifications by email, as each parent chooses in Settings: the report
//! email (on unless they turn it off), and a daily summary of the kinds they
//! tick. The summary goes at most once a day, after school, listing what is
//! new about their children that they haven't already seen in Markwell: one
//! email, never one per point, and none when nothing is new.

use sqlx::{SqliteConnection, SqlitePool};
use time::OffsetDateTime;

use super::model::{EmailChoices, NotificationKind};
use crate::{
    auth::ParentRights,
    ids::{PupilId, UserId},
    ssr::{
        clock,
        outbox::{self, Letter, Template},
    },
};

/// Summaries go once the school day is over: from 4pm on the school's clock.
const SUMMARY_HOUR: i8 = 16;

/// The parent's choices, or the defaults if they haven't made any.
pub async fn email_choices(
    conn: &mut SqliteConnection,
    parent: &ParentRights,
) -> anyhow::Result<EmailChoices> {
    let parent = parent.parent();
    Ok(sqlx::query_as!(
        EmailChoices,
        r#"SELECT reports AS "reports!: bool", behaviour_since IS NOT NULL AS "behaviour!: bool",
                  achievements_since IS NOT NULL AS "achievements!: bool",
                  homework_since IS NOT NULL AS "homework!: bool"
           FROM parent_email_choices WHERE parent_id = ?"#,
        parent
    )
    .fetch_optional(conn)
    .await?
    .unwrap_or(EmailChoices::DEFAULT))
}

pub async fn save_email_choices(
    conn: &mut SqliteConnection,
    parent: &ParentRights,
    choices: &EmailChoices,
    at: &str,
) -> anyhow::Result<()> {
    let parent = parent.parent();
    // A kind newly ticked is summarised from now, not from the account's
    // first notification; one already ticked keeps its start.
    sqlx::query!(
        "INSERT INTO parent_email_choices
             (parent_id, reports, behaviour_since, achievements_since, homework_since)
         VALUES (?1, ?2, iif(?3, ?6, NULL), iif(?4, ?6, NULL), iif(?5, ?6, NULL))
         ON CONFLICT (parent_id) DO UPDATE SET
             reports = excluded.reports,
             behaviour_since = iif(?3, coalesce(behaviour_since, ?6), NULL),
             achievements_since = iif(?4, coalesce(achievements_since, ?6), NULL),
             homework_since = iif(?5, coalesce(homework_since, ?6), NULL)",
        parent,
        choices.reports,
        choices.behaviour,
        choices.achievements,
        choices.homework,
        at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether the parent wants an email when a report is published.
pub async fn wants_report_emails(
    conn: &mut SqliteConnection,
    parent: UserId,
) -> anyhow::Result<bool> {
    Ok(sqlx::query_scalar!(
        r#"SELECT reports AS "reports!: bool" FROM parent_email_choices WHERE parent_id = ?"#,
        parent
    )
    .fetch_optional(conn)
    .await?
    .unwrap_or(EmailChoices::DEFAULT.reports))
}

/// Queues a summary for every parent due one, in one transaction. Run by the
/// server's housekeeping every hour; before 4pm, or for a parent already
/// sent one today, it does nothing. Answers how many were queued.
pub async fn send_due(
    pool: &SqlitePool,
    now: OffsetDateTime,
    base_url: &str,
) -> anyhow::Result<usize> {
    let at = clock::stamp(now);
    let Some(local) = clock::at_school(&at) else {
        return Ok(0);
    };
    if local.hour() < SUMMARY_HOUR {
        return Ok(0);
    }
    let today = local.date().to_string();
    let link = format!("{base_url}/notifications");
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let due = sqlx::query!(
        r#"SELECT c.parent_id AS "parent!: UserId", u.email AS "email!: String",
                  u.first_name || ' ' || u.surname AS "name!: String",
                  c.behaviour_since, c.achievements_since, c.homework_since
           FROM parent_email_choices c
           JOIN users u ON u.id = c.parent_id
           WHERE u.active = 1 AND u.deleted_at IS NULL AND u.email IS NOT NULL
             AND coalesce(c.behaviour_since, c.achievements_since, c.homework_since) IS NOT NULL
             AND (c.summary_sent_on IS NULL OR c.summary_sent_on < ?1)"#,
        today
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut queued = 0;
    for parent in due {
        // Only children the parent may still see, areas the school still
        // shows, kinds ticked (since they were ticked), and what is neither
        // read in Markwell nor in an earlier summary.
        let news = sqlx::query!(
            r#"SELECT n.id, n.pupil_id AS "pupil!: PupilId", p.first_name, n.kind, n.what, n.created_at
               FROM notifications n
               JOIN pupil_reach r ON r.viewer_id = n.parent_id AND r.pupil_id = n.pupil_id
               JOIN pupils p ON p.id = n.pupil_id
               WHERE n.parent_id = ?1 AND n.read_at IS NULL AND n.summarised_at IS NULL
                 AND n.kind IN (SELECT kind FROM notification_kinds_shown)
                 AND ((n.kind = 'behaviour' AND n.created_at >= ?2)
                      OR (n.kind = 'achievement' AND n.created_at >= ?3)
                      OR (n.kind = 'homework' AND n.created_at >= ?4))
               ORDER BY p.first_name, p.id, n.created_at, n.id"#,
            parent.parent,
            parent.behaviour_since,
            parent.achievements_since,
            parent.homework_since
        )
        .fetch_all(&mut *tx)
        .await?;
        if news.is_empty() {
            continue;
        }
        let lines: Vec<String> = news
            .iter()
            .map(|n| {
                format!(
                    "{}: {}, {} ({})",
                    n.first_name,
                    NotificationKind::from_stored(&n.kind).label(),
                    n.what,
                    clock::for_people(&n.created_at)
                )
            })
            .collect();
        let mut children: Vec<(PupilId, &str)> = news
            .iter()
            .map(|n| (n.pupil, n.first_name.as_str()))
            .collect();
        children.dedup();
        let names: Vec<&str> = children.into_iter().map(|(_, name)| name).collect();
        let about = format!("News about {}", in_words(&names));
        outbox::queue(
            &mut tx,
            &at,
            Letter {
                template: Template::DailySummary,
                to_address: &parent.email,
                to_name: &parent.name,
                link: Some(&link),
                expires: None,
                about: Some(&about),
                lines: &lines,
            },
        )
        .await?;
        for n in &news {
            sqlx::query!(
                "UPDATE notifications SET summarised_at = ? WHERE id = ?",
                at,
                n.id
            )
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query!(
            "UPDATE parent_email_choices SET summary_sent_on = ? WHERE parent_id = ?",
            today,
            parent.parent
        )
        .execute(&mut *tx)
        .await?;
        queued += 1;
    }
    tx.commit().await?;
    Ok(queued)
}

/// Names as a sentence lists them: "Amira", "Amira and Sam", "Amira, Sam and Zoe".
fn in_words(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::in_words;

    #[test]
    fn children_are_named_as_a_sentence_would() {
        assert_eq!(in_words(&["Amira"]), "Amira");
        assert_eq!(in_words(&["Amira", "Sam"]), "Amira and Sam");
        assert_eq!(in_words(&["Amira", "Sam", "Zoe"]), "Amira, Sam and Zoe");
    }
}
