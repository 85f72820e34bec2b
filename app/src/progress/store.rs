use std::collections::HashMap;

use sqlx::SqliteConnection;

use super::model::{Chosen, ProgressRow};
use crate::{
    auth::OpenGroup,
    error::AppError,
    ids::{PupilId, SubjectId},
    markbook::model::overall,
};

/// Each pupil on the group's roll against their own year's criteria in the
/// subject: how many are secured, and the overall judgement.
pub async fn table(
    conn: &mut SqliteConnection,
    open: &OpenGroup,
    subject: SubjectId,
) -> anyhow::Result<(Chosen, Vec<ProgressRow>)> {
    let group = open.id();
    let names = sqlx::query!(
        r#"SELECT g.name AS "group_name!: String", s.name AS "subject_name!: String"
           FROM groups g, subjects s WHERE g.id = ? AND s.id = ?"#,
        group,
        subject
    )
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(AppError::NotFound)?;
    let pupils = sqlx::query!(
        r#"SELECT p.id AS "id!: PupilId", p.first_name || ' ' || p.surname AS "name!: String",
                  p.year_group,
                  (SELECT COUNT(*) FROM criteria c
                   WHERE c.subject_id = ?2 AND c.year_group = p.year_group
                     AND c.retired_at IS NULL) AS "criteria!: i64",
                  (SELECT COUNT(*) FROM judgements j
                   JOIN criteria c ON c.id = j.criterion_id
                   JOIN scale_levels l ON l.id = j.level_id
                   WHERE j.pupil_id = p.id AND c.subject_id = ?2 AND c.year_group = p.year_group
                     AND c.retired_at IS NULL AND l.secured = 1) AS "secured!: i64"
           FROM group_pupils gp JOIN pupils p ON p.id = gp.pupil_id
           WHERE gp.group_id = ?1 AND p.active = 1
           ORDER BY p.surname COLLATE NOCASE, p.first_name COLLATE NOCASE, p.id"#,
        group,
        subject
    )
    .fetch_all(&mut *conn)
    .await?;
    // Every judgement of the roll in the subject, by pupil then scale order.
    let judged = sqlx::query!(
        r#"SELECT j.pupil_id AS "pupil!: PupilId", l.position AS "position!: i64",
                  l.label AS "label!: String"
           FROM group_pupils gp
           JOIN pupils p ON p.id = gp.pupil_id
           JOIN judgements j ON j.pupil_id = gp.pupil_id
           JOIN criteria c ON c.id = j.criterion_id
           JOIN scale_levels l ON l.id = j.level_id
           WHERE gp.group_id = ?1 AND c.subject_id = ?2 AND c.year_group = p.year_group
             AND c.retired_at IS NULL
           ORDER BY j.pupil_id, l.position"#,
        group,
        subject
    )
    .fetch_all(&mut *conn)
    .await?;
    // Each pupil's judgements as (scale position, label), gathered once.
    let mut by_pupil: HashMap<PupilId, Vec<(i64, String)>> = HashMap::new();
    for j in judged {
        by_pupil
            .entry(j.pupil)
            .or_default()
            .push((j.position, j.label));
    }
    let rows = pupils
        .into_iter()
        .map(|p| {
            let mine = by_pupil.remove(&p.id).unwrap_or_default();
            let rank = overall(mine.iter().map(|(position, _)| *position).collect());
            let judgement = rank.and_then(|rank| {
                mine.into_iter()
                    .find(|(position, _)| *position == rank)
                    .map(|(_, label)| label)
            });
            ProgressRow {
                pupil: p.id,
                name: p.name,
                year_group: p.year_group,
                secured: p.secured,
                criteria: p.criteria,
                judgement,
                judgement_rank: rank,
            }
        })
        .collect();
    let chosen = Chosen {
        group,
        group_name: names.group_name,
        subject,
        subject_name: names.subject_name,
    };
    Ok((chosen, rows))
}
