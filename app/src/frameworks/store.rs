use sqlx::SqliteConnection;

use super::model::{CriterionRow, Framework};
use crate::{
    auth::AdminRights,
    error::AppError,
    ids::{CriterionId, LevelId, SubjectId},
    markbook::store::{scale, subjects},
};

/// A subject's criteria for one year, retired ones included, in order.
pub async fn framework(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    subject: Option<SubjectId>,
    year: i64,
) -> anyhow::Result<Framework> {
    let subjects = subjects(&mut *conn).await?;
    let subject = match subject {
        Some(id) => {
            subjects
                .iter()
                .find(|s| s.id == id)
                .ok_or_else(|| AppError::invalid("subject", "Choose a subject from the list."))?
                .id
        }
        None => subjects.first().ok_or(AppError::NotFound)?.id,
    };
    let criteria = sqlx::query_as!(
        CriterionRow,
        r#"SELECT c.id AS "id!: CriterionId", c.year_group, c.strand, c.statement,
                  c.retired_at IS NOT NULL AS "retired!: bool",
                  (SELECT COUNT(*) FROM judgements j WHERE j.criterion_id = c.id) AS "judgements!: i64"
           FROM criteria c WHERE c.subject_id = ? AND c.year_group = ?
           ORDER BY c.position, c.id"#,
        subject,
        year
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(Framework {
        subjects,
        subject,
        year,
        criteria,
        scale: scale(conn).await?,
    })
}

/// A criterion form that passed its checks.
#[derive(Debug)]
pub struct CriterionForm {
    pub subject: SubjectId,
    pub year: i64,
    pub strand: String,
    pub statement: String,
}

/// Adds a criterion at the end of its year, or changes one's year, strand and statement.
pub async fn save_criterion(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    id: Option<CriterionId>,
    form: &CriterionForm,
    at: &str,
) -> anyhow::Result<CriterionId> {
    let CriterionForm {
        subject,
        year,
        strand,
        statement,
    } = form;
    match id {
        Some(id) => {
            let changed = sqlx::query!(
                // Moved to another year, it goes to the end of that year's list.
                "UPDATE criteria SET
                   position = CASE WHEN year_group = ?1 THEN position ELSE
                     (SELECT COALESCE(MAX(position), 0) + 1 FROM criteria WHERE subject_id = ?5 AND year_group = ?1) END,
                   year_group = ?1, strand = ?2, statement = ?3
                 WHERE id = ?4 AND subject_id = ?5",
                year,
                strand,
                statement,
                id,
                subject
            )
            .execute(conn)
            .await?;
            if changed.rows_affected() == 0 {
                return Err(AppError::NotFound.into());
            }
            Ok(id)
        }
        None => Ok(sqlx::query_scalar!(
            r#"INSERT INTO criteria (subject_id, year_group, strand, statement, position, created_at)
               SELECT ?1, ?2, ?3, ?4,
                      COALESCE((SELECT MAX(position) FROM criteria WHERE subject_id = ?1 AND year_group = ?2), 0) + 1,
                      ?5
               FROM subjects WHERE id = ?1
               RETURNING id AS "id!: CriterionId""#,
            subject,
            year,
            strand,
            statement,
            at
        )
        .fetch_optional(conn)
        .await?
        .ok_or(AppError::NotFound)?),
    }
}

/// Swaps a criterion with the one before (or after) it in its year.
pub async fn move_criterion(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    id: CriterionId,
    up: bool,
) -> anyhow::Result<()> {
    let this = sqlx::query!(
        "SELECT subject_id, year_group, position FROM criteria WHERE id = ?",
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let neighbour = sqlx::query!(
        r#"SELECT id AS "id!: CriterionId", position FROM criteria
           WHERE subject_id = ?1 AND year_group = ?2
             AND CASE WHEN ?3 THEN position < ?4 ELSE position > ?4 END
           ORDER BY CASE WHEN ?3 THEN -position ELSE position END LIMIT 1"#,
        this.subject_id,
        this.year_group,
        up,
        this.position
    )
    .fetch_optional(&mut *conn)
    .await?;
    // Already first (or last): nothing to do.
    let Some(neighbour) = neighbour else {
        return Ok(());
    };
    sqlx::query!(
        "UPDATE criteria SET position = ? WHERE id = ?",
        neighbour.position,
        id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE criteria SET position = ? WHERE id = ?",
        this.position,
        neighbour.id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Retires a criterion (it leaves the grid; its judgements stay) or brings it back.
pub async fn set_retired(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    id: CriterionId,
    retired: bool,
    at: &str,
) -> anyhow::Result<()> {
    let changed = sqlx::query!(
        "UPDATE criteria SET retired_at = CASE WHEN ? THEN COALESCE(retired_at, ?) END WHERE id = ?",
        retired,
        at,
        id
    )
    .execute(conn)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(AppError::NotFound.into());
    }
    Ok(())
}

/// One scale level as the form sends it; `id` is None for a new level.
#[derive(Debug)]
pub struct LevelForm {
    pub id: Option<LevelId>,
    pub key: String,
    pub label: String,
    pub colour: String,
    pub secured: bool,
}

/// Writes the scale in the order given. Keys are checked unique here too,
/// by the table's own constraint, so two levels can never share one.
pub async fn save_scale(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    levels: &[LevelForm],
) -> anyhow::Result<()> {
    // Keys move through a placeholder so two levels can swap keys.
    sqlx::query!("UPDATE scale_levels SET key = '#' || id")
        .execute(&mut *conn)
        .await?;
    for (position, level) in (1_i64..).zip(levels) {
        match level.id {
            Some(id) => {
                let changed = sqlx::query!(
                    "UPDATE scale_levels SET key = ?, label = ?, colour = ?, secured = ?, position = ? WHERE id = ?",
                    level.key,
                    level.label,
                    level.colour,
                    level.secured,
                    position,
                    id
                )
                .execute(&mut *conn)
                .await?;
                if changed.rows_affected() == 0 {
                    return Err(AppError::NotFound.into());
                }
            }
            None => {
                sqlx::query!(
                    "INSERT INTO scale_levels (key, label, colour, secured, position) VALUES (?, ?, ?, ?, ?)",
                    level.key,
                    level.label,
                    level.colour,
                    level.secured,
                    position
                )
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    let left = sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64" FROM scale_levels WHERE key LIKE '#_%'"#
    )
    .fetch_one(conn)
    .await?;
    if left > 0 {
        return Err(
            AppError::invalid("scale", "Every level of the scale must be in the form.").into(),
        );
    }
    Ok(())
}

/// Adds a subject after the others.
pub async fn add_subject(
    conn: &mut SqliteConnection,
    _: &AdminRights,
    name: &str,
) -> anyhow::Result<SubjectId> {
    let taken = sqlx::query_scalar!("SELECT id FROM subjects WHERE name = ?", name)
        .fetch_optional(&mut *conn)
        .await?;
    if taken.is_some() {
        return Err(AppError::invalid(
            "subject_name",
            "There is already a subject with that name.",
        )
        .into());
    }
    Ok(sqlx::query_scalar!(
        r#"INSERT INTO subjects (name, position)
           VALUES (?, (SELECT COALESCE(MAX(position), 0) + 1 FROM subjects))
           RETURNING id AS "id!: SubjectId""#,
        name
    )
    .fetch_one(conn)
    .await?)
}
