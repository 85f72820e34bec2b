//! What a signed-in parent does to their own links: "Add pupil" with the
//! access code from another letter, and the end of every link when they
//! delete their account.

use super::{
    codes,
    model::{parse_access_code, parse_date_of_birth},
    signup::{check_code, NO_MATCH},
};
use crate::{
    auth::{store as accounts, ParentRights, Viewer},
    error::{AppError, Problems},
    ids::{PupilId, UserId},
    ssr::audit::Audit,
};

const SOMEONE_ELSES: &str = "This access code belongs to another parent's account that is already set up, so it can't be added to yours. Please ask the school office.";

/// "Add pupil": links the child whose letter the code is on to the signed-in
/// parent, under sign-up's rules and limits, and uses the code up. The code
/// may be on a letter printed for another record the school holds for the
/// same person: that link moves here, and the record, left with no links
/// and never signed up with, is made inactive. Answers the child.
pub async fn add_pupil(
    viewer: &Viewer,
    parent: ParentRights,
    code: &str,
    date_of_birth: &str,
) -> anyhow::Result<PupilId> {
    let mut problems = Problems::default();
    problems.take(parse_access_code(code));
    let born = problems.take(parse_date_of_birth(date_of_birth));
    let born = problems.finish_with(|| born)?;
    let me = parent.parent();
    let claim = check_code(&viewer.arrival, code, &born).await?;
    if claim.parent != me && claim.signed_up {
        return Err(AppError::invalid("", SOMEONE_ELSES).into());
    }
    let mut tx = viewer.write().await?;
    // Still this link's code, and the child still on the roll.
    if !codes::use_up(&mut tx, claim.link, code).await? {
        return Err(AppError::invalid("", NO_MATCH).into());
    }
    if claim.parent != me {
        let other = claim.parent;
        // Checked again inside the write: nobody signed up with it meanwhile.
        let unclaimed = sqlx::query_scalar!(
            r#"SELECT password_hash IS NULL AS "unclaimed!: bool" FROM users
               WHERE id = ? AND role = 'parent' AND deleted_at IS NULL"#,
            other
        )
        .fetch_optional(&mut *tx)
        .await?
        .unwrap_or(false);
        if !unclaimed {
            return Err(AppError::invalid("", SOMEONE_ELSES).into());
        }
        move_link(&mut tx, claim.link, claim.pupil, me).await?;
        tx.audit(Audit::PupilLinked {
            user: other,
            pupil: claim.pupil,
            linked: false,
        })
        .await?;
        let links_left = sqlx::query_scalar!(
            r#"SELECT COUNT(*) AS "n!: i64" FROM parent_links WHERE parent_id = ?"#,
            other
        )
        .fetch_one(&mut *tx)
        .await?;
        if links_left == 0 {
            accounts::set_active(&mut tx, other, true, false).await?;
            tx.audit(Audit::MadeInactive { user: other }).await?;
        }
    }
    tx.audit(Audit::PupilAdded {
        user: me,
        pupil: claim.pupil,
    })
    .await?;
    tx.commit().await?;
    Ok(claim.pupil)
}

/// Moves a link to `to`; if `to` is already linked to the child, their own
/// link stands and this one goes.
async fn move_link(
    conn: &mut sqlx::SqliteConnection,
    link: i64,
    pupil: PupilId,
    to: UserId,
) -> anyhow::Result<()> {
    let already = sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64" FROM parent_links WHERE parent_id = ? AND pupil_id = ?"#,
        to,
        pupil
    )
    .fetch_one(&mut *conn)
    .await?;
    if already > 0 {
        sqlx::query!("DELETE FROM parent_links WHERE id = ?", link)
            .execute(&mut *conn)
            .await?;
    } else {
        sqlx::query!(
            "UPDATE parent_links SET parent_id = ? WHERE id = ?",
            to,
            link
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Every link of a parent deleting their account ends with it.
pub async fn unlink_all(
    conn: &mut sqlx::SqliteConnection,
    parent: &ParentRights,
) -> anyhow::Result<()> {
    let me = parent.parent();
    sqlx::query!("DELETE FROM parent_links WHERE parent_id = ?", me)
        .execute(conn)
        .await?;
    Ok(())
}
