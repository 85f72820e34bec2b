use leptos::prelude::*;
use server_fn::codec::Postcard;

use super::model::{Merged, MisSyncView};
use crate::{error::AppError, ids::UserId};

/// The MIS sync page: the sync asked for (a check just made, an apply, or
/// one opened from the history), the possible duplicates and the history.
/// Admins only.
#[server(endpoint = "mis/mis_sync_page", output = Postcard)]
pub async fn mis_sync_page(sync: Option<i64>) -> Result<MisSyncView, AppError> {
    use super::{duplicates, store};
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let rights = Viewer::current().await?.admin()?;
        let mut conn = db()?.acquire().await?;
        let shown = match sync {
            Some(id) => Some(
                store::shown(&mut conn, &rights, id)
                    .await?
                    .ok_or(AppError::NotFound)?,
            ),
            None => None,
        };
        let duplicates = duplicates::waiting(&mut conn, &rights).await?;
        let history = store::history(&mut conn, &rights).await?;
        Ok(MisSyncView {
            shown,
            duplicates,
            history,
        })
    })
    .await
}

/// "Merge" two possible duplicates, keeping `keep`.
#[server(endpoint = "mis/merge_parents", output = Postcard)]
pub async fn merge_parents(pair: i64, keep: UserId) -> Result<Merged, AppError> {
    use crate::{auth::Viewer, ssr::respond};
    respond(async move {
        let viewer = Viewer::current().await?;
        let rights = viewer.admin()?;
        let mut tx = viewer.write().await?;
        let merged = super::duplicates::merge(&mut tx, &rights, pair, keep)
            .await?
            .ok_or(AppError::NotFound)?;
        tx.commit().await?;
        Ok(merged)
    })
    .await
}

/// "Not the same person": the pair is never listed again.
#[server(endpoint = "mis/not_the_same_person", output = Postcard)]
pub async fn not_the_same_person(pair: i64) -> Result<(), AppError> {
    use crate::{auth::Viewer, ssr::respond};
    respond(async move {
        let viewer = Viewer::current().await?;
        let rights = viewer.admin()?;
        let mut tx = viewer.write().await?;
        if !super::duplicates::not_the_same(&mut tx, &rights, pair).await? {
            return Err(AppError::NotFound.into());
        }
        tx.commit().await?;
        Ok(())
    })
    .await
}
