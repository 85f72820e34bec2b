use leptos::prelude::*;

use super::model::Child;
use crate::{error::AppError, ids::PupilId};

/// The children the signed-in parent is linked to.
#[server(endpoint = "portal/my_children")]
pub async fn my_children() -> Result<Vec<Child>, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let parent = viewer.parent()?;
        let mut conn = db()?.acquire().await?;
        super::store::children(&mut conn, super::store::Which::LinkedTo(parent)).await
    })
    .await
}

/// One child, for a parent linked to them or staff who may read them.
#[server(endpoint = "portal/child_details")]
pub async fn child_details(pupil: PupilId) -> Result<Child, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let readable = viewer.pupil_to_read(pupil).await?;
        let mut conn = db()?.acquire().await?;
        let mut found =
            super::store::children(&mut conn, super::store::Which::One(readable)).await?;
        found.pop().ok_or_else(|| AppError::NotFound.into())
    })
    .await
}
