use sqlx::SqliteConnection;

use super::model::{AuditEntry, PAGE_SIZE};
use crate::{auth::AdminRights, ssr::clock::for_people};

/// What to look for; empty strings match everything. `from` and `until`
/// are stored timestamps.
pub struct Filter<'a> {
    pub person: &'a str,
    pub action: &'a str,
    pub from: &'a str,
    pub until: &'a str,
    pub page: i64,
}

/// One page of entries, newest first, with one more than a page to tell
/// whether there are older ones.
pub async fn entries(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    filter: &Filter<'_>,
) -> anyhow::Result<Vec<AuditEntry>> {
    let person = crate::ssr::contains(filter.person);
    let offset = filter.page * PAGE_SIZE;
    let limit = PAGE_SIZE + 1;
    let rows = sqlx::query!(
        r#"SELECT a.id AS "id!", a.at, a.action, a.subject, a.address,
                  actor.first_name || ' ' || actor.surname AS "actor_name: String",
                  su.first_name || ' ' || su.surname AS "user_name: String",
                  sp.first_name || ' ' || sp.surname AS "pupil_name: String"
           FROM audit_log a
           LEFT JOIN users actor ON actor.id = a.actor_id
           LEFT JOIN users su
             ON a.subject LIKE 'user:%' AND su.id = CAST(substr(a.subject, 6) AS INTEGER)
           LEFT JOIN pupils sp
             ON instr(a.subject, 'pupil:') > 0
            AND sp.id = CAST(substr(a.subject, instr(a.subject, 'pupil:') + 6) AS INTEGER)
           WHERE (?1 = '%%'
                  OR actor.first_name || ' ' || actor.surname LIKE ?1 ESCAPE '\' OR actor.email LIKE ?1 ESCAPE '\'
                  OR su.first_name || ' ' || su.surname LIKE ?1 ESCAPE '\' OR su.email LIKE ?1 ESCAPE '\'
                  OR sp.first_name || ' ' || sp.surname LIKE ?1 ESCAPE '\')
             AND (?2 = '' OR a.action = ?2)
             AND (?3 = '' OR a.at >= ?3)
             AND (?4 = '' OR a.at < ?4)
           ORDER BY a.id DESC
           LIMIT ?5 OFFSET ?6"#,
        person,
        filter.action,
        filter.from,
        filter.until,
        limit,
        offset
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| AuditEntry {
            id: row.id,
            at: for_people(&row.at),
            who: row.actor_name,
            action: row.action,
            about: match (row.user_name, row.pupil_name) {
                // A parent's link to a pupil names both.
                (Some(user), Some(pupil)) => Some(format!("{user} · {pupil}")),
                (user, pupil) => user.or(pupil).or(row.subject),
            },
            address: row.address,
        })
        .collect())
}
