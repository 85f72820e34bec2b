use sqlx::SqliteConnection;

use super::model::Child;
use crate::{
    auth::ReadablePupil,
    ids::{PupilId, UserId},
};

pub async fn children_of(
    conn: &mut SqliteConnection,
    parent: UserId,
) -> anyhow::Result<Vec<Child>> {
    Ok(sqlx::query_as!(
        Child,
        r#"SELECT p.id AS "id!: PupilId", p.first_name, p.surname, p.year_group,
                  (SELECT g.name FROM group_pupils gp JOIN groups g ON g.id = gp.group_id
                    WHERE gp.pupil_id = p.id AND g.kind = 'class' LIMIT 1) AS "class_name: String",
                  COALESCE((SELECT GROUP_CONCAT(u.first_name || ' ' || u.surname, ', ')
                    FROM group_pupils gp JOIN groups g ON g.id = gp.group_id AND g.kind = 'class'
                    JOIN group_teachers gt ON gt.group_id = g.id JOIN users u ON u.id = gt.user_id
                    WHERE gp.pupil_id = p.id), '') AS "teachers!: String"
           FROM parent_links l JOIN pupils p ON p.id = l.pupil_id
           WHERE l.parent_id = ? AND p.active = 1
           ORDER BY p.date_of_birth"#,
        parent
    )
    .fetch_all(conn)
    .await?)
}

pub async fn child(conn: &mut SqliteConnection, pupil: ReadablePupil) -> anyhow::Result<Child> {
    let id = pupil.id();
    Ok(sqlx::query_as!(
        Child,
        r#"SELECT p.id AS "id!: PupilId", p.first_name, p.surname, p.year_group,
                  (SELECT g.name FROM group_pupils gp JOIN groups g ON g.id = gp.group_id
                    WHERE gp.pupil_id = p.id AND g.kind = 'class' LIMIT 1) AS "class_name: String",
                  COALESCE((SELECT GROUP_CONCAT(u.first_name || ' ' || u.surname, ', ')
                    FROM group_pupils gp JOIN groups g ON g.id = gp.group_id AND g.kind = 'class'
                    JOIN group_teachers gt ON gt.group_id = g.id JOIN users u ON u.id = gt.user_id
                    WHERE gp.pupil_id = p.id), '') AS "teachers!: String"
           FROM pupils p WHERE p.id = ?"#,
        id
    )
    .fetch_one(conn)
    .await?)
}
