use sqlx::SqliteConnection;

use super::model::{GroupDetail, GroupForm, GroupSummary, StaffChoice};
use crate::{
    auth::{AdminRights, EditableGroup, StaffRights},
    error::AppError,
    ids::{GroupId, PupilId, UserId},
    school::model::PupilMatch,
};

/// The groups within the viewer's reach: every group for admins and SLT,
/// groups assigned to or created by them for teachers, none for parents.
pub async fn groups_in_reach(
    conn: &mut SqliteConnection,
    staff: &StaffRights,
) -> anyhow::Result<Vec<GroupSummary>> {
    let (viewer, admin) = (staff.viewer(), staff.is_admin());
    Ok(sqlx::query_as!(
        GroupSummary,
        r#"SELECT g.id AS "id!: GroupId", g.name, g.kind, g.year_group,
                  (SELECT COUNT(*) FROM group_pupils gp JOIN pupils p ON p.id = gp.pupil_id
                    WHERE gp.group_id = g.id AND p.active = 1) AS "pupils!: i64",
                  COALESCE((SELECT GROUP_CONCAT(u.first_name || ' ' || u.surname, ', ')
                            FROM group_teachers gt JOIN users u ON u.id = gt.user_id
                            WHERE gt.group_id = g.id), '') AS "teachers!: String",
                  (?2 OR g.created_by IS ?1) AS "can_edit!: bool"
           FROM groups g JOIN group_reach r ON r.group_id = g.id AND r.viewer_id = ?1
           ORDER BY g.year_group, g.name"#,
        viewer,
        admin
    )
    .fetch_all(conn)
    .await?)
}

/// The first of `pupils` who isn't on the group's roll, if any: one row
/// back however many are named, so the roll stays in the database.
pub async fn not_on_roll(
    conn: &mut SqliteConnection,
    group: GroupId,
    pupils: &[PupilId],
) -> anyhow::Result<Option<PupilId>> {
    let named = serde_json::to_string(pupils)?;
    // Not the checked macro: its analyser can't see json_each's columns.
    Ok(sqlx::query_scalar::<_, PupilId>(
        "SELECT value FROM json_each(?1)
         WHERE value NOT IN (SELECT gp.pupil_id FROM group_pupils gp
                             JOIN pupils p ON p.id = gp.pupil_id
                             WHERE gp.group_id = ?2 AND p.active = 1)
         LIMIT 1",
    )
    .bind(named)
    .bind(group)
    .fetch_optional(conn)
    .await?)
}

/// A group as its form shows it.
pub async fn detail(
    conn: &mut SqliteConnection,
    group: &EditableGroup,
) -> anyhow::Result<GroupDetail> {
    let id = group.id();
    let row = sqlx::query!(
        r#"SELECT name, kind, year_group FROM groups WHERE id = ?"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let teachers = sqlx::query_scalar!(
        r#"SELECT user_id AS "id!: UserId" FROM group_teachers WHERE group_id = ? ORDER BY user_id"#,
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    let pupils = sqlx::query_as!(
        PupilMatch,
        r#"SELECT p.id AS "id!: PupilId", p.first_name, p.surname, p.year_group,
                  (SELECT g.name FROM group_pupils cp JOIN groups g ON g.id = cp.group_id
                    WHERE cp.pupil_id = p.id AND g.kind = 'class' LIMIT 1) AS "class_name: String",
                  p.date_of_birth
           FROM group_pupils gp JOIN pupils p ON p.id = gp.pupil_id
           WHERE gp.group_id = ? AND p.active = 1
           ORDER BY p.surname COLLATE NOCASE, p.first_name COLLATE NOCASE"#,
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(GroupDetail {
        id,
        name: row.name,
        kind: row.kind,
        year_group: row.year_group,
        teachers,
        pupils,
    })
}

/// Staff who may teach a group: active admins and teachers.
pub async fn staff_choices(
    conn: &mut SqliteConnection,
    _: &AdminRights,
) -> anyhow::Result<Vec<StaffChoice>> {
    Ok(sqlx::query_as!(
        StaffChoice,
        r#"SELECT id AS "id!: UserId", first_name || ' ' || surname AS "name!: String"
           FROM users WHERE role <> 'parent' AND active = 1
           ORDER BY surname COLLATE NOCASE, first_name COLLATE NOCASE"#
    )
    .fetch_all(conn)
    .await?)
}

/// Creates or changes a group with its teachers and pupils; answers its id
/// and whether it is new. Every teacher must be active staff and every
/// pupil on the roll, or nothing is saved.
pub async fn save(
    conn: &mut SqliteConnection,
    staff: &StaffRights,
    group: Option<EditableGroup>,
    form: &GroupForm,
    at: &str,
) -> anyhow::Result<Saved> {
    let by = staff.viewer();
    let this = group.map(|g| g.id());
    let taken = sqlx::query_scalar!(
        r#"SELECT id AS "id!: GroupId" FROM groups WHERE name = ? COLLATE NOCASE AND id IS NOT ?"#,
        form.name,
        this
    )
    .fetch_optional(&mut *conn)
    .await?;
    if taken.is_some() {
        return Err(AppError::invalid("name", "Another group already has that name.").into());
    }
    let id = match group {
        Some(group) => {
            let id = group.id();
            sqlx::query!(
                "UPDATE groups SET name = ?, kind = COALESCE(?, kind), year_group = ? WHERE id = ?",
                form.name,
                form.kind,
                form.year_group,
                id
            )
            .execute(&mut *conn)
            .await?;
            id
        }
        None => {
            let kind = form.kind.unwrap_or("set");
            sqlx::query_scalar!(
                r#"INSERT INTO groups (name, kind, year_group, created_by, created_at)
                   VALUES (?, ?, ?, ?, ?) RETURNING id AS "id!: GroupId""#,
                form.name,
                kind,
                form.year_group,
                by,
                at
            )
            .fetch_one(&mut *conn)
            .await?
        }
    };
    if let Some(teachers) = &form.teachers {
        // Anyone taken off the group stops hearing its changes at once.
        let before: Vec<UserId> = sqlx::query_scalar!(
            r#"SELECT user_id AS "user_id!: UserId" FROM group_teachers WHERE group_id = ?"#,
            id
        )
        .fetch_all(&mut *conn)
        .await?;
        for gone in before.into_iter().filter(|t| !teachers.contains(t)) {
            crate::ssr::live::access_changed(gone);
        }
        sqlx::query!("DELETE FROM group_teachers WHERE group_id = ?", id)
            .execute(&mut *conn)
            .await?;
        for teacher in teachers {
            let added = sqlx::query!(
                "INSERT INTO group_teachers (group_id, user_id)
                 SELECT ?, id FROM users WHERE id = ? AND role <> 'parent' AND active = 1",
                id,
                teacher
            )
            .execute(&mut *conn)
            .await?;
            if added.rows_affected() == 0 {
                return Err(AppError::invalid("teachers", "Choose teachers from the list.").into());
            }
        }
    }
    // Pupils already in the group stay allowed; anyone new must be one this
    // person may add (the `pupil_addable` view), checked here in the write.
    let before: Vec<PupilId> = sqlx::query_scalar!(
        r#"SELECT pupil_id AS "pupil_id!: PupilId" FROM group_pupils WHERE group_id = ?"#,
        id
    )
    .fetch_all(&mut *conn)
    .await?;
    // Pupils who have left the roll aren't in the form, so they stay as they were.
    sqlx::query!(
        "DELETE FROM group_pupils WHERE group_id = ?
         AND pupil_id IN (SELECT id FROM pupils WHERE active = 1)",
        id
    )
    .execute(&mut *conn)
    .await?;
    let mut added = Vec::new();
    for &pupil in &form.pupils {
        let new = !before.contains(&pupil);
        let inserted = sqlx::query!(
            "INSERT INTO group_pupils (group_id, pupil_id)
             SELECT ?1, id FROM pupils WHERE id = ?2 AND active = 1
               AND (?3 = 0 OR EXISTS (
                     SELECT 1 FROM pupil_addable a WHERE a.viewer_id = ?4 AND a.pupil_id = ?2))",
            id,
            pupil,
            new,
            by
        )
        .execute(&mut *conn)
        .await?;
        if inserted.rows_affected() == 0 {
            let on_roll = sqlx::query_scalar!(
                r#"SELECT active AS "active: bool" FROM pupils WHERE id = ?"#,
                pupil
            )
            .fetch_optional(&mut *conn)
            .await?
            .unwrap_or(false);
            let message = if on_roll {
                "You can add pupils in your classes' year groups only. Remove the others, or ask an admin to add them."
            } else {
                "A pupil in the list is no longer on the roll. Remove them and save again."
            };
            return Err(AppError::invalid("pupils", message).into());
        }
        if new {
            added.push(pupil);
        }
    }
    Ok(Saved {
        id,
        created: group.is_none(),
        added,
    })
}

/// What a save did: the group, whether it is new, and the pupils it added
/// (each goes in the audit log).
pub struct Saved {
    pub id: GroupId,
    pub created: bool,
    pub added: Vec<PupilId>,
}

/// Assigns a teacher to a group or takes them off it (the Users page's
/// group choices); answers whether anything changed. Only an active staff
/// account is assigned, and only to a group that exists.
pub async fn set_teacher(
    conn: &mut SqliteConnection,
    group: GroupId,
    teacher: UserId,
    assigned: bool,
) -> anyhow::Result<bool> {
    let done = if assigned {
        sqlx::query!(
            "INSERT OR IGNORE INTO group_teachers (group_id, user_id)
             SELECT g.id, u.id FROM groups g, users u
             WHERE g.id = ? AND u.id = ? AND u.role <> 'parent'",
            group,
            teacher
        )
        .execute(conn)
        .await?
    } else {
        sqlx::query!(
            "DELETE FROM group_teachers WHERE group_id = ? AND user_id = ?",
            group,
            teacher
        )
        .execute(conn)
        .await?
    };
    if !assigned {
        crate::ssr::live::access_changed(teacher);
    }
    Ok(done.rows_affected() == 1)
}
