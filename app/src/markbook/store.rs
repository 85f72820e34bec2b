use std::collections::{HashMap, HashSet};

use sqlx::SqliteConnection;

use super::model::{
    Grid, GridCriterion, GridPupil, HistoryEntry, JudgementChange, Level, LiveChange, Menu,
    MenuGroup, MenuSubject, Shown,
};
use crate::{
    auth::{OpenGroup, StaffRights, WritableGroup},
    error::AppError,
    ids::{CriterionId, GroupId, LevelId, PupilId, SubjectId, UserId},
    ssr::clock,
};

/// The groups and subjects the viewer may choose from, and their last choice.
pub async fn menu(conn: &mut SqliteConnection, staff: &StaffRights) -> anyhow::Result<Menu> {
    let viewer = staff.viewer();
    let groups = sqlx::query_as!(
        MenuGroup,
        r#"SELECT g.id AS "id!: GroupId", g.name, g.year_group
           FROM groups g JOIN group_reach r ON r.group_id = g.id AND r.viewer_id = ?1
           -- A member of SLT finds the groups they teach first.
           ORDER BY NOT r.teaches, g.year_group, g.name"#,
        viewer
    )
    .fetch_all(&mut *conn)
    .await?;
    let subjects = subjects(&mut *conn).await?;
    let last = sqlx::query!(
        r#"SELECT group_id AS "group: GroupId", subject_id AS "subject: SubjectId"
           FROM markbook_choices WHERE user_id = ?"#,
        viewer
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(Menu {
        groups,
        subjects,
        last_group: last.as_ref().and_then(|l| l.group),
        last_subject: last.and_then(|l| l.subject),
    })
}

/// Every subject, with the years and strands its criteria in use cover.
pub(crate) async fn subjects(conn: &mut SqliteConnection) -> anyhow::Result<Vec<MenuSubject>> {
    let rows = sqlx::query!(
        r#"SELECT s.id AS "id!: SubjectId", s.name AS "name!: String",
                  c.year_group AS "year?: i64", c.strand AS "strand?: String"
           FROM subjects s
           LEFT JOIN criteria c ON c.subject_id = s.id AND c.retired_at IS NULL
           GROUP BY s.id, c.year_group, c.strand
           ORDER BY s.position, s.name, c.year_group, MIN(c.position)"#
    )
    .fetch_all(conn)
    .await?;
    let mut subjects: Vec<MenuSubject> = Vec::new();
    for row in rows {
        if subjects.last().map(|s| s.id) != Some(row.id) {
            subjects.push(MenuSubject {
                id: row.id,
                name: row.name,
                years: Vec::new(),
                strands: Vec::new(),
            });
        }
        let subject = subjects.last_mut().expect("just pushed");
        if let Some(year) = row.year {
            if !subject.years.contains(&year) {
                subject.years.push(year);
            }
        }
        if let Some(strand) = row.strand {
            if !subject.strands.contains(&strand) {
                subject.strands.push(strand);
            }
        }
    }
    Ok(subjects)
}

/// Markbook opens on this group and subject next time.
pub async fn remember_choice(
    conn: &mut SqliteConnection,
    open: &OpenGroup,
    subject: SubjectId,
) -> anyhow::Result<()> {
    let (group, viewer) = (open.id(), open.viewer());
    sqlx::query!(
        "INSERT INTO markbook_choices (user_id, group_id, subject_id) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET group_id = excluded.group_id, subject_id = excluded.subject_id
         WHERE group_id IS NOT excluded.group_id OR subject_id IS NOT excluded.subject_id",
        viewer,
        group,
        subject
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The school's scale, in order.
pub(crate) async fn scale(conn: &mut SqliteConnection) -> anyhow::Result<Vec<Level>> {
    Ok(sqlx::query_as!(
        Level,
        r#"SELECT id AS "id!: LevelId", key, label, colour, secured AS "secured!: bool"
           FROM scale_levels ORDER BY position"#
    )
    .fetch_all(conn)
    .await?)
}

/// The group's pupils on the roll, by surname.
async fn pupils(conn: &mut SqliteConnection, group: GroupId) -> anyhow::Result<Vec<GridPupil>> {
    Ok(sqlx::query_as!(
        GridPupil,
        r#"SELECT p.id AS "id!: PupilId", p.first_name || ' ' || p.surname AS "name!: String"
           FROM group_pupils gp JOIN pupils p ON p.id = gp.pupil_id
           WHERE gp.group_id = ? AND p.active = 1
           ORDER BY p.surname COLLATE NOCASE, p.first_name COLLATE NOCASE, p.id"#,
        group
    )
    .fetch_all(conn)
    .await?)
}

/// One group's pupils against the criteria shown, with every judgement.
pub async fn grid(
    conn: &mut SqliteConnection,
    open: &OpenGroup,
    shown: &Shown,
) -> anyhow::Result<Grid> {
    let group = open.id();
    let names = sqlx::query!(
        r#"SELECT g.name AS "group_name!: String", s.name AS "subject_name!: String"
           FROM groups g, subjects s WHERE g.id = ? AND s.id = ?"#,
        group,
        shown.subject
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let pupils = pupils(conn, group).await?;
    let criteria = sqlx::query_as!(
        GridCriterion,
        r#"SELECT id AS "id!: CriterionId", year_group, strand, statement
           FROM criteria
           WHERE subject_id = ?1 AND retired_at IS NULL
             AND (?2 IS NULL OR year_group = ?2) AND (?3 IS NULL OR strand = ?3)
           ORDER BY year_group, position, id"#,
        shown.subject,
        shown.year,
        shown.strand
    )
    .fetch_all(&mut *conn)
    .await?;
    // One row holding every judgement as JSON: the SQLite driver hands each
    // row across a thread, which for a big grid cost more than the query.
    let judgements = sqlx::query_scalar!(
        r#"SELECT json_group_array(json_array(j.pupil_id, j.criterion_id, j.level_id)) AS "cells!: String"
           FROM group_pupils gp
           JOIN judgements j ON j.pupil_id = gp.pupil_id
           JOIN criteria c ON c.id = j.criterion_id
           WHERE gp.group_id = ?1 AND c.subject_id = ?2 AND c.retired_at IS NULL
             AND (?3 IS NULL OR c.year_group = ?3) AND (?4 IS NULL OR c.strand = ?4)"#,
        group,
        shown.subject,
        shown.year,
        shown.strand
    )
    .fetch_one(&mut *conn)
    .await?;
    let judgements: Vec<(PupilId, CriterionId, LevelId)> = serde_json::from_str(&judgements)?;
    let row_of: HashMap<PupilId, usize> =
        pupils.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let column_of: HashMap<CriterionId, usize> = criteria
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id, i))
        .collect();
    let mut cells = vec![None; pupils.len() * criteria.len()];
    for (pupil, criterion, level) in judgements {
        if let (Some(row), Some(column)) = (row_of.get(&pupil), column_of.get(&criterion)) {
            cells[row * criteria.len() + column] = Some(level);
        }
    }
    Ok(Grid {
        shown: shown.clone(),
        group_name: names.group_name,
        subject_name: names.subject_name,
        can_edit: open.can_edit(),
        pupils,
        criteria,
        scale: scale(conn).await?,
        cells,
    })
}

/// Records the changes, each with its history row, and answers what changed
/// (a change to what a cell already holds is no change). All of them or
/// none: a pupil outside the group, a retired criterion or a level not on
/// the scale refuses the whole save.
pub async fn save(
    conn: &mut SqliteConnection,
    group: &WritableGroup,
    at: &str,
    changes: &[JudgementChange],
) -> anyhow::Result<Vec<LiveChange>> {
    let by = group.viewer();
    let group = group.id();
    let mut saved = Vec::new();
    // One query a change answers every check: saves queue for the one
    // writer, so each round trip inside the transaction costs every save
    // waiting behind it. The pupil is checked again here (the server
    // function checked before, to audit a refusal): they may have left.
    for change in changes {
        let current = sqlx::query!(
            r#"SELECT c.retired_at IS NOT NULL AS "retired!: bool",
                      (SELECT j.level_id FROM judgements j
                       WHERE j.pupil_id = ?1 AND j.criterion_id = c.id) AS "level: LevelId",
                      EXISTS (SELECT 1 FROM group_pupils gp JOIN pupils p ON p.id = gp.pupil_id
                              WHERE gp.group_id = ?3 AND gp.pupil_id = ?1 AND p.active = 1)
                        AS "on_roll!: bool",
                      (?4 IS NULL OR EXISTS (SELECT 1 FROM scale_levels l WHERE l.id = ?4))
                        AS "on_scale!: bool"
               FROM criteria c WHERE c.id = ?2"#,
            change.pupil,
            change.criterion,
            group,
            change.level
        )
        .fetch_optional(&mut *conn)
        .await?;
        if current.as_ref().is_some_and(|c| !c.on_roll) {
            return Err(AppError::NotFound.into());
        }
        if current.as_ref().is_some_and(|c| !c.on_scale) {
            return Err(
                AppError::invalid("level", "That judgement isn't on the school's scale.").into(),
            );
        }
        let Some(current) = current.filter(|c| !c.retired) else {
            return Err(AppError::invalid(
                "criterion",
                "One of those criteria has been retired or removed. Reload to see the current ones.",
            )
            .into());
        };
        if current.level == change.level {
            continue;
        }
        record(conn, change, by, at).await?;
        saved.push(LiveChange {
            pupil: change.pupil,
            criterion: change.criterion,
            level: change.level,
        });
    }
    Ok(saved)
}

/// The first pupil the changes name who isn't on the group's roll, if any.
pub async fn stranger(
    conn: &mut SqliteConnection,
    group: GroupId,
    changes: &[JudgementChange],
) -> anyhow::Result<Option<PupilId>> {
    let named: Vec<PupilId> = changes.iter().map(|c| c.pupil).collect();
    crate::groups::store::not_on_roll(conn, group, &named).await
}

/// The group's pupils on the roll, for the live stream's filter.
pub async fn pupil_ids(
    conn: &mut SqliteConnection,
    open: &OpenGroup,
) -> anyhow::Result<HashSet<PupilId>> {
    Ok(pupils(conn, open.id())
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect())
}

/// Writes one judgement, or clears it, with its history row.
pub async fn record(
    conn: &mut SqliteConnection,
    change: &JudgementChange,
    by: UserId,
    at: &str,
) -> anyhow::Result<()> {
    match change.level {
        Some(level) => {
            sqlx::query!(
                "INSERT INTO judgements (pupil_id, criterion_id, level_id, set_by, set_at)
                 VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (pupil_id, criterion_id) DO UPDATE
                 SET level_id = excluded.level_id, set_by = excluded.set_by, set_at = excluded.set_at",
                change.pupil,
                change.criterion,
                level,
                by,
                at
            )
            .execute(&mut *conn)
            .await?;
        }
        None => {
            sqlx::query!(
                "DELETE FROM judgements WHERE pupil_id = ? AND criterion_id = ?",
                change.pupil,
                change.criterion
            )
            .execute(&mut *conn)
            .await?;
        }
    }
    sqlx::query!(
        "INSERT INTO judgement_history (pupil_id, criterion_id, level_id, set_by, set_at)
         VALUES (?, ?, ?, ?, ?)",
        change.pupil,
        change.criterion,
        change.level,
        by,
        at
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether the pupil is on the roll of the group.
pub async fn in_group(
    conn: &mut SqliteConnection,
    open: &OpenGroup,
    pupil: PupilId,
) -> anyhow::Result<bool> {
    let group = open.id();
    Ok(sqlx::query_scalar!(
        r#"SELECT 1 AS "one!: i64" FROM group_pupils gp JOIN pupils p ON p.id = gp.pupil_id
           WHERE gp.group_id = ? AND gp.pupil_id = ? AND p.active = 1"#,
        group,
        pupil
    )
    .fetch_optional(conn)
    .await?
    .is_some())
}

/// Every change to one pupil's judgement against one criterion, newest first.
pub async fn history(
    conn: &mut SqliteConnection,
    open: &OpenGroup,
    pupil: PupilId,
    criterion: CriterionId,
) -> anyhow::Result<Vec<HistoryEntry>> {
    if !in_group(conn, open, pupil).await? {
        return Err(AppError::NotFound.into());
    }
    let rows = sqlx::query!(
        r#"SELECT l.key AS "key?: String", l.label AS "label?: String",
                  u.first_name AS "first_name?: String", u.surname AS "surname?: String", h.set_at
           FROM judgement_history h
           LEFT JOIN scale_levels l ON l.id = h.level_id
           LEFT JOIN users u ON u.id = h.set_by
           WHERE h.pupil_id = ? AND h.criterion_id = ?
           ORDER BY h.id DESC"#,
        pupil,
        criterion
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| HistoryEntry {
            judgement: match (row.key, row.label) {
                (Some(key), Some(label)) => format!("{key} {label}"),
                _ => "Cleared".to_owned(),
            },
            by: match (row.first_name, row.surname) {
                (Some(first), Some(surname)) => format!("{first} {surname}"),
                _ => "A former member of staff".to_owned(),
            },
            at: clock::for_people(&row.set_at),
        })
        .collect())
}
