use leptos::prelude::*;

use super::model::MisSyncView;
use crate::error::AppError;

/// The MIS sync page: the sync asked for (a check just made, an apply, or
/// one opened from the history) and the history. Admins only.
#[server(endpoint = "mis/mis_sync_page")]
pub async fn mis_sync_page(sync: Option<i64>) -> Result<MisSyncView, AppError> {
    use super::store;
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
        let history = store::history(&mut conn, &rights).await?;
        Ok(MisSyncView { shown, history })
    })
    .await
}
