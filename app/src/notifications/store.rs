use sqlx::SqliteConnection;

use super::model::{Notification, NotificationKind};
use crate::{
    auth::ParentRights,
    ids::{EntryId, HomeworkId, NotificationId, PupilId, UserId},
    ssr::clock::for_people,
};

/// How many the list shows.
const SHOWN: i64 = 50;

/// Tells every active parent linked to the entry's pupil about it, in the
/// caller's transaction, if parents see that area (School settings). Answers who was told, for the live stream.
pub async fn tell_about_entry(
    conn: &mut SqliteConnection,
    entry: EntryId,
    kind: NotificationKind,
    what: &str,
) -> anyhow::Result<Vec<UserId>> {
    let kind = kind.stored();
    Ok(sqlx::query_scalar!(
        r#"INSERT INTO notifications (parent_id, pupil_id, entry_id, kind, what, created_at)
           SELECT l.parent_id, e.pupil_id, e.id, ?2, ?3, e.recorded_at
           FROM classroom_entries e
           JOIN parent_links l ON l.pupil_id = e.pupil_id
           JOIN users u ON u.id = l.parent_id AND u.active = 1 AND u.deleted_at IS NULL
           WHERE e.id = ?1 AND ?2 IN (SELECT kind FROM notification_kinds_shown)
           RETURNING parent_id AS "parent!: UserId""#,
        entry,
        kind,
        what
    )
    .fetch_all(conn)
    .await?)
}

/// Tells every active parent linked to `pupil` that something was published.
pub async fn tell_about_pupil(
    conn: &mut SqliteConnection,
    pupil: PupilId,
    kind: NotificationKind,
    what: &str,
    at: &str,
) -> anyhow::Result<Vec<UserId>> {
    let kind = kind.stored();
    Ok(sqlx::query_scalar!(
        r#"INSERT INTO notifications (parent_id, pupil_id, kind, what, created_at)
           SELECT l.parent_id, l.pupil_id, ?2, ?3, ?4
           FROM parent_links l
           JOIN users u ON u.id = l.parent_id AND u.active = 1 AND u.deleted_at IS NULL
           WHERE l.pupil_id = ?1 AND ?2 IN (SELECT kind FROM notification_kinds_shown)
           RETURNING parent_id AS "parent!: UserId""#,
        pupil,
        kind,
        what,
        at
    )
    .fetch_all(conn)
    .await?)
}

/// Tells every active parent of a pupil on the group's roll that homework
/// was set, in the caller's transaction. Answers who was told.
pub async fn tell_about_homework(
    conn: &mut SqliteConnection,
    homework: HomeworkId,
    what: &str,
) -> anyhow::Result<Vec<UserId>> {
    Ok(sqlx::query_scalar!(
        r#"INSERT INTO notifications (parent_id, pupil_id, homework_id, kind, what, created_at)
           SELECT l.parent_id, gp.pupil_id, h.id, 'homework', ?2, h.set_at
           FROM homework h
           JOIN group_pupils gp ON gp.group_id = h.group_id
           JOIN pupils p ON p.id = gp.pupil_id AND p.active = 1
           JOIN parent_links l ON l.pupil_id = gp.pupil_id
           JOIN users u ON u.id = l.parent_id AND u.active = 1 AND u.deleted_at IS NULL
           WHERE h.id = ?1 AND 'homework' IN (SELECT kind FROM notification_kinds_shown)
           RETURNING parent_id AS "parent!: UserId""#,
        homework,
        what
    )
    .fetch_all(conn)
    .await?)
}

/// Unread notifications about the children the parent may still see.
pub async fn unread(conn: &mut SqliteConnection, parent: &ParentRights) -> anyhow::Result<i64> {
    let parent = parent.parent();
    Ok(sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "count!: i64" FROM notifications n
           JOIN pupil_reach r ON r.viewer_id = n.parent_id AND r.pupil_id = n.pupil_id
           WHERE n.parent_id = ?1 AND n.read_at IS NULL
             AND n.kind IN (SELECT kind FROM notification_kinds_shown)"#,
        parent
    )
    .fetch_one(conn)
    .await?)
}

/// The newest notifications about the children the parent may still see.
pub async fn list(
    conn: &mut SqliteConnection,
    parent: &ParentRights,
) -> anyhow::Result<Vec<Notification>> {
    let parent = parent.parent();
    let rows = sqlx::query!(
        r#"SELECT n.id AS "id!: NotificationId", n.pupil_id AS "pupil!: PupilId",
                  p.first_name, n.kind, n.what, n.created_at, n.read_at IS NULL AS "unread!: bool"
           FROM notifications n
           JOIN pupil_reach r ON r.viewer_id = n.parent_id AND r.pupil_id = n.pupil_id
           JOIN pupils p ON p.id = n.pupil_id
           WHERE n.parent_id = ?1 AND n.kind IN (SELECT kind FROM notification_kinds_shown)
           ORDER BY n.created_at DESC, n.id DESC
           LIMIT ?2"#,
        parent,
        SHOWN
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Notification {
            id: r.id,
            pupil: r.pupil,
            child: r.first_name,
            kind: NotificationKind::from_stored(&r.kind),
            what: r.what,
            when: for_people(&r.created_at),
            unread: r.unread,
        })
        .collect())
}

/// Marks everything the parent has been shown as read.
pub async fn mark_read(
    conn: &mut SqliteConnection,
    parent: &ParentRights,
    at: &str,
) -> anyhow::Result<()> {
    let parent = parent.parent();
    sqlx::query!(
        "UPDATE notifications SET read_at = ?2 WHERE parent_id = ?1 AND read_at IS NULL",
        parent,
        at
    )
    .execute(conn)
    .await?;
    Ok(())
}
