//! Possible duplicates: two parent accounts a sync found may be one person
//! (one name and phone number under two email addresses, or one address
//! for two contacts). An admin merges them, and links, codes and history
//! move to the one kept, or says they are not the same person, and the
//! pair is never listed again.

use sqlx::SqliteConnection;

use super::model::{Duplicate, DuplicateParent, Merged};
use crate::{
    auth::AdminRights,
    ids::UserId,
    school::model::year_label,
    ssr::{audit::Audit, Write},
};

/// How many pairs the page lists at once: enough to work through.
const LISTED: i64 = 50;

struct Pair {
    id: i64,
    reason: String,
    first: UserId,
    second: UserId,
}

/// The pairs waiting for an admin, oldest first.
pub async fn waiting(
    conn: &mut SqliteConnection,
    _: &AdminRights,
) -> anyhow::Result<Vec<Duplicate>> {
    let pairs = sqlx::query_as!(
        Pair,
        r#"SELECT id, reason, first_id AS "first: UserId", second_id AS "second: UserId"
           FROM parent_duplicates WHERE not_same_at IS NULL ORDER BY id LIMIT ?"#,
        LISTED
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut waiting = Vec::with_capacity(pairs.len());
    for pair in pairs {
        let parents = [
            parent(conn, pair.first).await?,
            parent(conn, pair.second).await?,
        ];
        waiting.push(Duplicate {
            id: pair.id,
            reason: pair.reason,
            parents,
        });
    }
    Ok(waiting)
}

async fn parent(conn: &mut SqliteConnection, id: UserId) -> anyhow::Result<DuplicateParent> {
    let row = sqlx::query!(
        r#"SELECT first_name || ' ' || surname AS "name!: String", email, phone,
                  password_hash IS NOT NULL AS "signed_up!: bool"
           FROM users WHERE id = ?"#,
        id
    )
    .fetch_one(&mut *conn)
    .await?;
    let children = sqlx::query!(
        r#"SELECT p.first_name, p.surname, p.year_group FROM parent_links l
           JOIN pupils p ON p.id = l.pupil_id WHERE l.parent_id = ?
           ORDER BY p.surname, p.first_name"#,
        id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|c| {
        format!(
            "{} {} ({})",
            c.first_name,
            c.surname,
            year_label(c.year_group)
        )
    })
    .collect();
    Ok(DuplicateParent {
        id,
        name: row.name,
        email: row.email,
        phone: row.phone,
        children,
        signed_up: row.signed_up,
    })
}

async fn open_pair(conn: &mut SqliteConnection, pair: i64) -> anyhow::Result<Option<Pair>> {
    Ok(sqlx::query_as!(
        Pair,
        r#"SELECT id, reason, first_id AS "first: UserId", second_id AS "second: UserId"
           FROM parent_duplicates WHERE id = ? AND not_same_at IS NULL"#,
        pair
    )
    .fetch_optional(conn)
    .await?)
}

/// "Merge": `keep` (one of the pair) takes the other's links with their
/// access and letter codes, report notices, email choices, usage and audit
/// history, and MIS id; the other account goes, signed out everywhere. None when the
/// pair isn't waiting or `keep` isn't one of it.
pub async fn merge(
    write: &mut Write,
    _: &AdminRights,
    pair: i64,
    keep: UserId,
) -> anyhow::Result<Option<Merged>> {
    let Some(found) = open_pair(write, pair).await? else {
        return Ok(None);
    };
    let gone = match keep {
        k if k == found.first => found.second,
        k if k == found.second => found.first,
        _ => return Ok(None),
    };
    let (kept_one, gone_one) = (parent(write, keep).await?, parent(write, gone).await?);
    let before = sqlx::query!(
        "SELECT mis_id, email, phone FROM users WHERE id = ? AND role = 'parent'",
        gone
    )
    .fetch_one(&mut **write)
    .await?;
    // A child both are linked to keeps the kept parent's link.
    sqlx::query!(
        "DELETE FROM parent_links WHERE parent_id = ?
         AND pupil_id IN (SELECT pupil_id FROM parent_links WHERE parent_id = ?)",
        gone,
        keep
    )
    .execute(&mut **write)
    .await?;
    let moved = sqlx::query!(
        "UPDATE parent_links SET parent_id = ? WHERE parent_id = ?",
        keep,
        gone
    )
    .execute(&mut **write)
    .await?
    .rows_affected() as i64;
    sqlx::query!(
        "UPDATE OR IGNORE report_notices SET parent_id = ? WHERE parent_id = ?",
        keep,
        gone
    )
    .execute(&mut **write)
    .await?;
    // What they chose to have emailed: the kept parent's own choices win.
    sqlx::query!(
        "UPDATE OR IGNORE parent_email_choices SET parent_id = ? WHERE parent_id = ?",
        keep,
        gone
    )
    .execute(&mut **write)
    .await?;
    sqlx::query!(
        "INSERT INTO usage_days (day, user_id, kind, client, count, last_at)
         SELECT day, ?, kind, client, count, last_at FROM usage_days WHERE user_id = ?
         ON CONFLICT (day, user_id, kind, client) DO UPDATE
         SET count = count + excluded.count, last_at = max(last_at, excluded.last_at)",
        keep,
        gone
    )
    .execute(&mut **write)
    .await?;
    sqlx::query!(
        "UPDATE audit_log SET actor_id = ? WHERE actor_id = ?",
        keep,
        gone
    )
    .execute(&mut **write)
    .await?;
    sqlx::query!(
        "UPDATE merged_mis_ids SET user_id = ? WHERE user_id = ?",
        keep,
        gone
    )
    .execute(&mut **write)
    .await?;
    let at = write.at.clone();
    crate::auth::store::end_all_sessions(write, gone, None, &at).await?;
    sqlx::query!("DELETE FROM users WHERE id = ? AND role = 'parent'", gone)
        .execute(&mut **write)
        .await?;
    // The kept parent takes what they lacked; an MIS id they already have
    // makes the other one an alias, so the next sync finds them under both.
    sqlx::query!(
        "UPDATE users SET email = coalesce(email, ?), phone = coalesce(phone, ?),
                mis_id = coalesce(mis_id, ?)
         WHERE id = ?",
        before.email,
        before.phone,
        before.mis_id,
        keep
    )
    .execute(&mut **write)
    .await?;
    if let Some(mis_id) = &before.mis_id {
        sqlx::query!(
            "INSERT INTO merged_mis_ids (mis_id, user_id)
             SELECT ?1, ?2 WHERE NOT EXISTS (SELECT 1 FROM users WHERE id = ?2 AND mis_id = ?1)",
            mis_id,
            keep
        )
        .execute(&mut **write)
        .await?;
    }
    // A parent a sync left without children has some again.
    sqlx::query!(
        "UPDATE users SET active = 1, inactive_by_sync = 0
         WHERE id = ? AND inactive_by_sync = 1
           AND EXISTS (SELECT 1 FROM parent_links WHERE parent_id = users.id)",
        keep
    )
    .execute(&mut **write)
    .await?;
    write
        .audit(Audit::ParentsMerged {
            kept: keep,
            merged: gone,
        })
        .await?;
    // One name is often both: the address tells them apart.
    let shown = |p: DuplicateParent| match p.email {
        Some(email) => format!("{} ({email})", p.name),
        None => p.name,
    };
    Ok(Some(Merged {
        kept: shown(kept_one),
        merged: shown(gone_one),
        links_moved: moved,
    }))
}

/// "Not the same person": the pair stays apart and is never listed again.
/// False when the pair isn't waiting.
pub async fn not_the_same(write: &mut Write, _: &AdminRights, pair: i64) -> anyhow::Result<bool> {
    let Some(found) = open_pair(write, pair).await? else {
        return Ok(false);
    };
    let (actor, at) = (write.actor(), write.at.clone());
    sqlx::query!(
        "UPDATE parent_duplicates SET not_same_by = ?, not_same_at = ? WHERE id = ?",
        actor,
        at,
        pair
    )
    .execute(&mut **write)
    .await?;
    write
        .audit(Audit::NotTheSamePerson {
            first: found.first,
            second: found.second,
        })
        .await?;
    Ok(true)
}
