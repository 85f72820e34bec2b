use sqlx::SqliteConnection;

use super::model::MySettings;
use crate::ids::UserId;

pub async fn my_settings(
    conn: &mut SqliteConnection,
    user: UserId,
    now: &str,
) -> anyhow::Result<MySettings> {
    Ok(sqlx::query_as!(
        MySettings,
        r#"SELECT u.first_name, u.surname, COALESCE(u.email, '') AS "email!: String",
                  (SELECT t.new_email FROM account_tokens t
                   WHERE t.user_id = u.id AND t.purpose = 'new-email'
                     AND t.used_at IS NULL AND t.expires_at > ?2
                   ORDER BY t.id DESC LIMIT 1) AS "pending_email: String"
           FROM users u WHERE u.id = ?1"#,
        user,
        now
    )
    .fetch_one(conn)
    .await?)
}
