use leptos::prelude::*;

use super::model::GroupSummary;
use crate::error::AppError;

/// The groups the signed-in staff member may open.
#[server(endpoint = "groups/my_groups")]
pub async fn my_groups() -> Result<Vec<GroupSummary>, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        viewer.staff()?;
        let mut conn = db()?.acquire().await?;
        super::store::groups_in_reach(&mut conn, viewer.reach(), viewer.id).await
    })
    .await
}
