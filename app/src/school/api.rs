use leptos::prelude::*;

use super::model::SchoolOverview;
use crate::error::AppError;

/// Counts of pupils, groups, staff and parents, for admins.
#[server(endpoint = "school/overview")]
pub async fn school_at_a_glance() -> Result<SchoolOverview, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let admin = viewer.admin()?;
        let mut conn = db()?.acquire().await?;
        super::store::overview(&mut conn, &admin).await
    })
    .await
}
