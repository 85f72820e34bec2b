use sqlx::SqliteConnection;

use super::model::GroupSummary;
use crate::{
    auth::Reach,
    ids::{GroupId, UserId},
};

/// The groups within the viewer's reach: every group for admins and SLT,
/// groups assigned to or created by them for teachers, none for parents.
pub async fn groups_in_reach(
    conn: &mut SqliteConnection,
    reach: Reach,
    viewer: UserId,
) -> anyhow::Result<Vec<GroupSummary>> {
    let all = reach == Reach::All;
    let teacher = reach == Reach::OwnGroups;
    Ok(sqlx::query_as!(
        GroupSummary,
        r#"SELECT g.id AS "id!: GroupId", g.name, g.kind, g.year_group,
                  (SELECT COUNT(*) FROM group_pupils gp WHERE gp.group_id = g.id) AS "pupils!: i64",
                  COALESCE((SELECT GROUP_CONCAT(u.first_name || ' ' || u.surname, ', ')
                            FROM group_teachers gt JOIN users u ON u.id = gt.user_id
                            WHERE gt.group_id = g.id), '') AS "teachers!: String"
           FROM groups g
           WHERE ?1 OR (?2 AND (g.created_by = ?3 OR EXISTS (
                   SELECT 1 FROM group_teachers gt WHERE gt.group_id = g.id AND gt.user_id = ?3)))
           ORDER BY g.year_group, g.name"#,
        all,
        teacher,
        viewer
    )
    .fetch_all(conn)
    .await?)
}
