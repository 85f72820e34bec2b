use leptos::prelude::*;

use super::model::{Child, ChildRecord};
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

/// One child with their published reports, for a parent linked to them or
/// staff who may read them: one check of who may see the child for both.
#[server(endpoint = "portal/child_details")]
pub async fn child_details(pupil: PupilId) -> Result<ChildRecord, AppError> {
    use crate::{
        auth::Viewer,
        ssr::{db, respond},
    };
    respond(async move {
        let viewer = Viewer::current().await?;
        let readable = viewer.pupil_to_read(pupil).await?;
        let mut conn = db()?.acquire().await?;
        let child = super::store::children(&mut conn, super::store::Which::One(readable))
            .await?
            .pop()
            .ok_or(AppError::NotFound)?;
        let reports = crate::reports::store::published_for(&mut conn, readable).await?;
        Ok(ChildRecord { child, reports })
    })
    .await
}
