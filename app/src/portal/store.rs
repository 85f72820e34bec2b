use sqlx::SqliteConnection;

use super::model::Child;
use crate::{
    auth::{ParentRights, ReadablePupil},
    ids::PupilId,
};

/// Which children to read: those linked to a parent, or one pupil already checked.
pub enum Which {
    LinkedTo(ParentRights),
    One(ReadablePupil),
}

pub async fn children(conn: &mut SqliteConnection, which: Which) -> anyhow::Result<Vec<Child>> {
    let (pupil, parent) = match which {
        Which::LinkedTo(parent) => (None, Some(parent.parent())),
        Which::One(pupil) => (Some(pupil.id()), None),
    };
    Ok(sqlx::query_as!(
        Child,
        r#"SELECT p.id AS "id!: PupilId", p.first_name, p.surname, p.year_group,
                  (SELECT g.name FROM group_pupils gp JOIN groups g ON g.id = gp.group_id
                    WHERE gp.pupil_id = p.id AND g.kind = 'class' LIMIT 1) AS "class_name: String",
                  COALESCE((SELECT GROUP_CONCAT(u.first_name || ' ' || u.surname, ', ')
                    FROM group_pupils gp JOIN groups g ON g.id = gp.group_id AND g.kind = 'class'
                    JOIN group_teachers gt ON gt.group_id = g.id JOIN users u ON u.id = gt.user_id
                    WHERE gp.pupil_id = p.id), '') AS "teachers!: String"
           FROM pupils p
           WHERE p.active = 1
             AND (p.id = ?1 OR EXISTS (
                   SELECT 1 FROM pupil_reach r WHERE r.pupil_id = p.id AND r.viewer_id = ?2))
           ORDER BY p.date_of_birth"#,
        pupil,
        parent
    )
    .fetch_all(conn)
    .await?)
}
