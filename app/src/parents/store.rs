//! The Parents area's queries. Each takes the admin proof, so none can run
//! for anyone else.

use sqlx::SqliteConnection;

use super::model::{
    LinkedPupil, ParentDetail, ParentList, ParentRow, StatusFilter, WaitingLetters, PAGE_SIZE,
};
use crate::{
    auth::{self, model::Role, store::AccountDetails, AdminRights},
    ids::{PupilId, UserId},
    school::model::{year_label, PupilMatch},
    ssr::{clock::for_people, contains},
};

/// Separators inside the list query's children column: between children,
/// and between a child's name and year group.
const CHILD_SEP: char = '\u{1e}';
const FIELD_SEP: char = '\u{1f}';

/// One page of parents whose name or email, or a linked child's name,
/// contains `search`, by surname.
pub async fn parents(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    search: &str,
    status: StatusFilter,
    page: i64,
) -> anyhow::Result<ParentList> {
    let pattern = contains(search);
    let status = status.as_str();
    let page = page.max(0);
    let offset = page * PAGE_SIZE;
    let rows = sqlx::query!(
        r#"SELECT u.id AS "id!: UserId", u.first_name, u.surname, u.email,
                  u.active AS "active: bool", u.password_hash IS NOT NULL AS "signed_up!: bool",
                  u.deleted_at IS NOT NULL AS "deleted!: bool",
                  (SELECT GROUP_CONCAT(child, char(30)) FROM (
                     SELECT p.first_name || ' ' || p.surname || char(31) || p.year_group AS child
                       FROM parent_links l JOIN pupils p ON p.id = l.pupil_id
                      WHERE l.parent_id = u.id
                      ORDER BY p.date_of_birth)) AS "children: String",
                  -- Looked up for the page's rows only (and in the filter only
                  -- when it asks): a join would work them out for every parent.
                  (SELECT a.invited_at FROM parent_adoption a WHERE a.parent_id = u.id)
                      AS "invited_at?: String",
                  (SELECT a.last_seen_at FROM parent_adoption a WHERE a.parent_id = u.id)
                      AS "last_seen_at?: String",
                  COUNT(*) OVER () AS "total!: i64"
           FROM users u
           WHERE u.role = 'parent'
             AND CASE ?1
                   WHEN 'active' THEN u.active = 1
                   WHEN 'inactive' THEN u.active = 0
                   WHEN 'signed-up' THEN u.password_hash IS NOT NULL
                   WHEN 'invited' THEN u.password_hash IS NULL AND EXISTS (
                       SELECT 1 FROM parent_adoption a
                        WHERE a.parent_id = u.id AND a.invited_at IS NOT NULL)
                   WHEN 'not-invited' THEN u.active = 1 AND u.deleted_at IS NULL
                       AND u.password_hash IS NULL AND NOT EXISTS (
                           SELECT 1 FROM parent_adoption a
                            WHERE a.parent_id = u.id AND a.invited_at IS NOT NULL)
                   ELSE 1
                 END
             AND (?2 = '%%'
                  OR u.first_name || ' ' || u.surname LIKE ?2 ESCAPE '\'
                  OR u.email LIKE ?2 ESCAPE '\'
                  OR EXISTS (SELECT 1 FROM parent_links l JOIN pupils p ON p.id = l.pupil_id
                             WHERE l.parent_id = u.id
                               AND p.first_name || ' ' || p.surname LIKE ?2 ESCAPE '\'))
           ORDER BY u.surname COLLATE NOCASE, u.first_name COLLATE NOCASE, u.id
           LIMIT ?3 OFFSET ?4"#,
        status,
        pattern,
        PAGE_SIZE,
        offset
    )
    .fetch_all(&mut *conn)
    .await?;
    let total = rows.first().map(|row| row.total).unwrap_or(0);
    let rows = rows
        .into_iter()
        .map(|row| ParentRow {
            id: row.id,
            first_name: row.first_name,
            surname: row.surname,
            email: row.email,
            active: row.active,
            signed_up: row.signed_up,
            deleted: row.deleted,
            children: row
                .children
                .unwrap_or_default()
                .split(CHILD_SEP)
                .filter(|child| !child.is_empty())
                .map(|child| match child.split_once(FIELD_SEP) {
                    Some((name, year)) => {
                        format!("{name} ({})", year_label(year.parse().unwrap_or(0)))
                    }
                    None => child.to_owned(),
                })
                .collect(),
            invited: row.invited_at.as_deref().map(for_people),
            last_seen: row.last_seen_at.as_deref().map(for_people),
        })
        .collect();
    let waiting_letters = waiting_letters(conn).await?;
    Ok(ParentList {
        rows,
        total,
        page,
        waiting_letters,
    })
}

/// Batches of letters still waiting for "Letters printed", newest first:
/// only those whose new codes haven't all been used or replaced since.
async fn waiting_letters(conn: &mut SqliteConnection) -> anyhow::Result<Vec<WaitingLetters>> {
    let rows = sqlx::query!(
        r#"SELECT b.id AS "id!", b.made_at, b.letters
           FROM letter_batches b
           WHERE b.confirmed_at IS NULL
             AND EXISTS (SELECT 1 FROM letter_codes c WHERE c.batch_id = b.id)
           ORDER BY b.made_at DESC, b.id DESC"#
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| WaitingLetters {
            batch: row.id,
            made: for_people(&row.made_at),
            letters: row.letters,
        })
        .collect())
}

/// Every parent matching the list's search and filter, on every page: for a
/// bulk action, or the export.
pub async fn all_matching(
    conn: &mut SqliteConnection,
    rights: &AdminRights,
    search: &str,
    status: StatusFilter,
) -> anyhow::Result<Vec<ParentRow>> {
    let mut rows = Vec::new();
    let mut page = 0;
    loop {
        let list = parents(&mut *conn, rights, search, status, page).await?;
        let pages = list.pages();
        rows.extend(list.rows);
        page += 1;
        if page >= pages {
            return Ok(rows);
        }
    }
}

pub async fn matching_ids(
    conn: &mut SqliteConnection,
    rights: &AdminRights,
    search: &str,
    status: StatusFilter,
) -> anyhow::Result<Vec<UserId>> {
    let rows = all_matching(conn, rights, search, status).await?;
    Ok(rows.into_iter().map(|row| row.id).collect())
}

/// A pupil who may be newly linked: on the roll and active.
pub async fn pupil_on_roll(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    pupil: PupilId,
) -> anyhow::Result<bool> {
    Ok(
        sqlx::query_scalar!("SELECT id FROM pupils WHERE id = ? AND active = 1", pupil)
            .fetch_optional(conn)
            .await?
            .is_some(),
    )
}

/// One parent with their links, or None if there's no parent with that id.
pub async fn parent(
    conn: &mut SqliteConnection,
    rights: &AdminRights,
    id: UserId,
) -> anyhow::Result<Option<ParentDetail>> {
    let Some(row) = sqlx::query!(
        r#"SELECT id AS "id!: UserId", first_name, surname, email, active AS "active: bool",
                  password_hash IS NOT NULL AS "signed_up!: bool"
           FROM users WHERE id = ? AND role = 'parent'"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let links = links(conn, rights, id)
        .await?
        .into_iter()
        .map(|link| link.linked)
        .collect();
    let undelivered = match &row.email {
        Some(email) => crate::ssr::outbox::undelivered(conn, email).await?,
        None => Vec::new(),
    };
    Ok(Some(ParentDetail {
        id: row.id,
        first_name: row.first_name,
        surname: row.surname,
        email: row.email,
        active: row.active,
        signed_up: row.signed_up,
        links,
        undelivered,
    }))
}

/// A parent's link to a pupil, with its id for the writes below.
pub struct Link {
    pub id: i64,
    pub linked: LinkedPupil,
    /// The pupil is still on the roll (a code for one who left is no use).
    pub on_roll: bool,
}

/// A parent's links, eldest child first.
pub async fn links(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    parent: UserId,
) -> anyhow::Result<Vec<Link>> {
    let rows = sqlx::query!(
        r#"SELECT l.id AS "id!", l.relationship,
                  l.parental_responsibility AS "responsibility: bool", l.code_issued_at,
                  (SELECT MAX(c.made_at) FROM letter_codes c WHERE c.link_id = l.id) AS "letter_made_at: String",
                  p.id AS "pupil!: PupilId", p.first_name, p.surname, p.year_group,
                  (SELECT g.name FROM group_pupils gp JOIN groups g ON g.id = gp.group_id
                    WHERE gp.pupil_id = p.id AND g.kind = 'class' LIMIT 1) AS "class_name?: String",
                  p.date_of_birth, p.active AS "on_roll: bool"
           FROM parent_links l JOIN pupils p ON p.id = l.pupil_id
           WHERE l.parent_id = ?
           ORDER BY p.date_of_birth, p.id"#,
        parent
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Link {
            id: row.id,
            on_roll: row.on_roll,
            linked: LinkedPupil {
                pupil: PupilMatch {
                    id: row.pupil,
                    first_name: row.first_name,
                    surname: row.surname,
                    year_group: row.year_group,
                    class_name: row.class_name,
                    date_of_birth: row.date_of_birth,
                },
                relationship: row.relationship,
                responsibility: row.responsibility,
                code_issued: row.code_issued_at.as_deref().map(for_people),
                letter_waiting: row.letter_made_at.as_deref().map(for_people),
            },
        })
        .collect())
}

/// A parent's name, email and status as the form sets them.
pub struct ParentDetails<'a> {
    pub first_name: &'a str,
    pub surname: &'a str,
    pub email: Option<&'a str>,
    pub active: bool,
}

impl ParentDetails<'_> {
    fn account(&self) -> AccountDetails<'_> {
        AccountDetails {
            role: Role::Parent,
            slt: false,
            first_name: self.first_name,
            surname: self.surname,
            email: self.email,
        }
    }
}

pub async fn create_parent(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    parent: &ParentDetails<'_>,
    at: &str,
) -> anyhow::Result<UserId> {
    auth::store::create_account(conn, &parent.account(), parent.active, None, at).await
}

pub async fn update_parent(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    id: UserId,
    parent: &ParentDetails<'_>,
) -> anyhow::Result<()> {
    auth::store::update_account(&mut *conn, id, &parent.account()).await?;
    auth::store::set_active(conn, id, true, parent.active).await
}

/// A link's details as the form sets them.
pub struct LinkDetails<'a> {
    pub pupil: PupilId,
    pub relationship: &'a str,
    pub responsibility: bool,
}

pub async fn add_link(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    parent: UserId,
    link: &LinkDetails<'_>,
    at: &str,
) -> anyhow::Result<()> {
    sqlx::query!(
        "INSERT INTO parent_links (parent_id, pupil_id, relationship, parental_responsibility, created_at)
         VALUES (?, ?, ?, ?, ?)",
        parent,
        link.pupil,
        link.relationship,
        link.responsibility,
        at
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn update_link(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    link: i64,
    details: &LinkDetails<'_>,
) -> anyhow::Result<()> {
    sqlx::query!(
        "UPDATE parent_links SET relationship = ?, parental_responsibility = ? WHERE id = ?",
        details.relationship,
        details.responsibility,
        link
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes a link away; the parent's sessions read links on every request, so
/// the pupil is gone from their phone at once.
pub async fn remove_link(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    link: i64,
) -> anyhow::Result<()> {
    sqlx::query!("DELETE FROM parent_links WHERE id = ?", link)
        .execute(conn)
        .await?;
    Ok(())
}
