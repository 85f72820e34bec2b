use sqlx::SqliteConnection;

use super::model::SchoolOverview;
use crate::auth::AdminRights;

pub async fn overview(
    conn: &mut SqliteConnection,
    _admin: &AdminRights,
) -> anyhow::Result<SchoolOverview> {
    Ok(sqlx::query_as!(
        SchoolOverview,
        r#"SELECT
             (SELECT COUNT(*) FROM pupils WHERE active = 1) AS "pupils!: i64",
             (SELECT COUNT(*) FROM groups) AS "groups!: i64",
             (SELECT COUNT(*) FROM users WHERE role <> 'parent' AND active = 1) AS "staff!: i64",
             (SELECT COUNT(*) FROM users WHERE role = 'parent' AND active = 1) AS "parents!: i64",
             (SELECT COUNT(*) FROM users WHERE role = 'parent' AND active = 1
                AND password_hash IS NOT NULL) AS "parents_signed_up!: i64""#
    )
    .fetch_one(conn)
    .await?)
}
