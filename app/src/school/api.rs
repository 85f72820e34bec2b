use leptos::prelude::*;

use super::model::{PupilSearch, SchoolOverview};
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

/// Pupils on the roll whose forename or surname contains what was typed, for
/// any member of staff: admins linking parents, teachers making a group.
#[server(endpoint = "school/find_pupils")]
pub async fn find_pupils(search: String) -> Result<PupilSearch, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let rights = Viewer::current().await?.staff()?;
        if search.trim().chars().count() < 2 {
            return Ok(super::model::PupilSearch {
                pupils: Vec::new(),
                more: false,
            });
        }
        let mut conn = db()?.acquire().await?;
        super::store::find_pupils(&mut conn, &rights, &search).await
    })
    .await
}
