use leptos::prelude::*;
use server_fn::codec::Postcard;

use super::model::Notification;
use crate::error::AppError;

/// How many notifications the signed-in parent hasn't seen, for the top bar.
#[server(endpoint = "notifications/unread", output = Postcard)]
pub async fn unread_count() -> Result<i64, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let parent = Viewer::current().await?.parent()?;
        let mut conn = db()?.acquire().await?;
        super::store::unread(&mut conn, &parent).await
    })
    .await
}

/// The parent's notifications, newest first; opening the list marks them
/// read (the list still shows which were new).
#[server(endpoint = "notifications/list", output = Postcard)]
pub async fn my_notifications() -> Result<Vec<Notification>, AppError> {
    use crate::{auth::Viewer, ssr::respond};
    respond(async move {
        let viewer = Viewer::current().await?;
        let parent = viewer.parent()?;
        let mut write = viewer.write().await?;
        let list = super::store::list(&mut write, &parent).await?;
        let at = write.at.clone();
        super::store::mark_read(&mut write, &parent, &at).await?;
        write.commit().await?;
        Ok(list)
    })
    .await
}
