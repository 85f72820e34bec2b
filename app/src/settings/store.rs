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

pub async fn set_name(
    conn: &mut SqliteConnection,
    user: UserId,
    first_name: &str,
    surname: &str,
) -> anyhow::Result<()> {
    sqlx::query!(
        "UPDATE users SET first_name = ?, surname = ? WHERE id = ?",
        first_name,
        surname,
        user
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Moves the account to its confirmed new address; answers the old one.
pub async fn set_email(
    conn: &mut SqliteConnection,
    user: UserId,
    email: &str,
) -> anyhow::Result<Option<String>> {
    let old = sqlx::query_scalar!("SELECT email FROM users WHERE id = ?", user)
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query!("UPDATE users SET email = ? WHERE id = ?", email, user)
        .execute(conn)
        .await?;
    Ok(old)
}
